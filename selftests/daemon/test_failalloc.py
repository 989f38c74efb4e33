#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""secmsgd out of memory: with selftests/daemon/failalloc.so preloaded,
every 23rd allocation made by secmsgd's own code (cJSON's through its
hooks, and libc's on its behalf, included) fails while messages are
relayed; the shim is switched on (SIGRTMIN+7) only once the clients are
logged in, and off (SIGRTMIN+8) after each round.  A message takes about
a dozen such allocations, so the failures land at every step of its
path: reading its frame, decoding it, the delivery, the kernel request,
the re-sealed copy's frame and queue entry, the delivery result's frame.

Checked, per round: secmsgd is alive and closed no connection; every
message sent got exactly one delivery result, "delivered" or failed with
code "internal", and no error frame; every message reported delivered
reached the recipient exactly once, intact and in order, and no other
did.  Overall: failures happened (some deliveries failed "internal");
the counts add up (sent = delivered + failed, and secmsgd's
/metrics counted the same); once the shim is off secmsgd relays normally
(new logins, messages delivered intact); it exits 0 on SIGTERM.
FAILALLOC_EVERY=N in the environment fails every Nth instead."""
import asyncio
import collections
import os
import signal
import subprocess
import sys

import websockets

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

h.require_vm()
SHIM = os.path.join(h.ROOT, "selftests", "daemon", "failalloc.so")
if not os.path.exists(SHIM):
    h.skip_all("selftests/daemon/failalloc.so is not built")
tap = h.Tap()
ON, OFF = signal.SIGRTMIN + 7, signal.SIGRTMIN + 8
ROUNDS = 3
PER_ROUND = 50
EVERY = os.environ.get("FAILALLOC_EVERY", "23")


async def drain(c, timeout=1.0):
    """Everything c gets until nothing came for timeout seconds."""
    try:
        while True:
            c.handle(await c.recv_raw(timeout=timeout))
    except asyncio.TimeoutError:
        pass


async def one_round(d, a, b, r, stats):
    sent = {}                   # id -> plaintext, in order
    closed = False
    d.send_signal(ON)
    await asyncio.sleep(0.2)
    try:
        for i in range(PER_ROUND):
            pt = ("round %d message %d " % (r, i)).encode() + \
                os.urandom(i % 40)
            sent[await a.message(b.user, pt)] = pt
        await a.pump(lambda c: all(i in c.deliveries for i in sent),
                     timeout=60)
    except (websockets.ConnectionClosed, asyncio.TimeoutError):
        closed = a.closed is not None
    d.send_signal(OFF)
    results = {i: a.deliveries[i] for i in sent if i in a.deliveries}
    delivered = [i for i in sent if i in results and
                 results[i].get("status") == "delivered"]
    failed = [i for i in sent if i in results and i not in delivered]
    want = [sent[i] for i in delivered]
    try:
        await b.pump(lambda c: sum(f == a.user for f, _ in c.received) >=
                     stats["delivered"] + len(want), timeout=30)
        await drain(b)
    except asyncio.TimeoutError:
        pass

    tap.ok(d.proc.poll() is None, "round %d: secmsgd is alive" % r,
           *d.log().splitlines()[-10:])
    tap.ok(not closed and a.closed is None and b.closed is None,
           "round %d: no connection closed" % r, a.closed, b.closed)
    missing = [i for i in sent if i not in results]
    errors = [f for f in a.others if f.get("type") == "error"]
    tap.ok(not missing and not errors,
           "round %d: every message has a delivery result (%d delivered, "
           "%d failed), no error frame" % (r, len(delivered), len(failed)),
           "no result for ids %s" % missing[:10], "errors: %s" % errors[:3])
    codes = collections.Counter(results[i].get("code") for i in failed)
    tap.ok(set(codes) <= {"internal"},
           "round %d: failed deliveries say internal" % r, dict(codes))
    got = [pt for frm, pt in b.received if frm == a.user]
    got = got[stats["delivered"]:]
    tap.ok(got == want,
           "round %d: the recipient got the delivered messages, once each, "
           "in order, and none that failed" % r,
           "got %d, delivered %d, unexpected %d" % (
               len(got), len(want), len(set(got) - set(want))))
    stats["sent"] += len(sent)
    stats["delivered"] += len(delivered)
    stats["failed"] += len(failed)
    return not closed and d.proc.poll() is None


async def case_rounds(d, users, mport, stats):
    a, b = (u.client(d) for u in users)
    await a.login()
    await b.login()
    m0 = h.metrics(mport)
    for r in range(ROUNDS):
        if not await one_round(d, a, b, r, stats):
            break
    m1 = h.metrics(mport)
    tap.diag("%(sent)d sent: %(delivered)d delivered, %(failed)d failed "
             "internal" % stats)
    tap.ok(stats["failed"] > 0, "allocation failures reached the message "
           "path: some deliveries failed internal", stats)
    tap.ok(stats["sent"] == ROUNDS * PER_ROUND and
           stats["sent"] == stats["delivered"] + stats["failed"],
           "sent %d = delivered %d + failed %d" % (
               stats["sent"], stats["delivered"], stats["failed"]))

    def delta(k):
        return m1.get(k, 0) - m0.get(k, 0)
    relayed = delta("secmsgd_messages_relayed_total")
    internal = delta('secmsgd_message_failures_total{code="internal"}')
    tap.ok(relayed == stats["delivered"] and internal == stats["failed"],
           "/metrics counted the same: %d relayed, %d failed internal" % (
               relayed, internal))
    await a.close()
    await b.close()


async def case_after(d, users):
    a, b = (u.client(d) for u in users)
    await a.login()
    await b.login()
    ids = {}
    for i in range(10):
        pt = b"after %d" % i
        ids[await a.message(b.user, pt)] = pt
    await a.pump(lambda c: all(i in c.deliveries for i in ids), timeout=60)
    await b.pump(lambda c: len(c.received) >= len(ids), timeout=60)
    tap.ok(all(a.deliveries[i]["status"] == "delivered" for i in ids) and
           [pt for _, pt in b.received] == list(ids.values()),
           "shim off: new logins, 10 messages delivered intact")
    await a.close()
    await b.close()


def failure_sites(log):
    """secmsgd's functions whose allocations failed, with counts."""
    offs = [line.rsplit(" ", 1)[1] for line in log.splitlines()
            if line.startswith("failalloc: failed an allocation at ")]
    if not offs:
        return collections.Counter()
    out = subprocess.run(["addr2line", "-f", "-e", h.SECMSGD] + offs,
                         capture_output=True, text=True).stdout.splitlines()
    return collections.Counter(out[0::2])


def main():
    users = [h.User(h.uniq(n)) for n in ("fa-alice", "fa-bob")]
    path = h.users_file(users)
    mport = h.free_port()
    env = dict(os.environ, LD_PRELOAD=SHIM, FAILALLOC_EVERY=EVERY,
               FAILALLOC_VERBOSE="1")
    # the guest is slow: logins (Python X25519 under TCG) get time
    d = h.Daemon("--users", path, "--rate", "0", "--user-rate", "0",
                 "--no-presence", "--metrics-port", mport,
                 "--handshake-timeout", "60", env=env)
    stats = {"sent": 0, "delivered": 0, "failed": 0}
    try:
        h.run_case(tap, "rounds",
                   lambda: case_rounds(d, users, mport, stats), d, 400)
        if d.proc.poll() is None:
            h.run_case(tap, "after", lambda: case_after(d, users), d)
        tap.eq(d.stop(), 0, "secmsgd exits 0 on SIGTERM")
        log = d.log()
        oom = [line for line in log.splitlines() if " event=disconnect " in
               line and "reason=out_of_memory" in line]
        tap.eq(oom, [], "no connection dropped for lack of memory")
        counts = [line for line in log.splitlines()
                  if line.startswith("failalloc: ") and " of " in line]
        tap.diag(counts[-1] if counts else "no failalloc report")
        injected = int(counts[-1].split()[1]) if counts else 0
        tap.ok(injected > 0, "the shim failed allocations (%d)" % injected)
        tap.diag("failed allocations by function: %s" % ", ".join(
            "%s %d" % kv for kv in failure_sites(log).most_common()))
    finally:
        d.cleanup()
        os.unlink(path)
    return tap.done()


sys.exit(main())
