#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""secmsgd relay: clients exchange messages under each algorithm, through
algorithm changes and key rotations by request, by count and by time;
what each receives equals what was sent, in order; deliveries; offline and
unknown recipients; who and presence; SIGUSR1's loopstat line (where the
loop's time went) after them."""
import asyncio
import os
import re
import select
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import secmsg_client as sc  # noqa: E402

h.require_vm()
tap = h.Tap()
ALGS = ["aes_256_gcm", "chacha20_poly1305", "twofish_cbc"]
TWOFISH = sc.twofish_available()
if not TWOFISH:
    tap.diag("AF_ALG cbc(twofish) unavailable: twofish_cbc cases skipped")


def payload(sender, i):
    return ("%s #%d " % (sender, i)).encode() + os.urandom(i % 50)


async def exchange(tap, pairs, n, label, window=None):
    """pairs: [(sender_client, recipient_client)]; n messages each, sent
    `window` at a time (all at once by default)."""
    sent = {}
    for s, r in pairs:
        sent.setdefault((s.user, r.user), [])
    ids = {s: [] for s, _ in pairs}
    clients = {c for p in pairs for c in p}
    want_rx = {}

    def done(c):
        return (len(c.received) >= want_rx.get(c.user, 0) and
                all(i in c.deliveries for i in ids.get(c, [])))
    window = window or n
    for start in range(0, n, window):
        for i in range(start, min(n, start + window)):
            for s, r in pairs:
                pt = payload(s.user, i)
                sent[(s.user, r.user)].append(pt)
                want_rx[r.user] = want_rx.get(r.user, 0) + 1
                ids[s].append(await s.message(r.user, pt))
        try:
            await asyncio.gather(*(c.pump(lambda c=c: done(c), timeout=120)
                                   for c in clients))
        except asyncio.TimeoutError:
            for c in clients:
                bad = [f for f in c.deliveries.values()
                       if f.get("status") != "delivered"]
                tap.diag("%s: received %d of %d, %d deliveries, failed: %s" % (
                    c.user, len(c.received), want_rx.get(c.user, 0),
                    len(c.deliveries), bad[:3]))
            raise
    ok = True
    for (su, ru), v in sent.items():
        r = next(c for c in clients if c.user == ru)
        got = [pt for frm, pt in r.received if frm == su]
        ok &= tap.ok(got == v, "%s: %s -> %s: %d messages received in order"
                     % (label, su, ru, len(v)),
                     "got %d, first difference at %s" % (
                         len(got), next((i for i, (a, b) in
                                         enumerate(zip(got, v)) if a != b),
                                        min(len(got), len(v)))))
    for s, _ in pairs:
        bad = [s.deliveries[i] for i in ids[s]
               if s.deliveries[i].get("status") != "delivered"]
        ok &= tap.ok(not bad, "%s: %s: every message delivered" %
                     (label, s.user), *bad[:3])
    for c in clients:
        c.received.clear()
    return ok


async def case_algorithms(d, users):
    for alg in ALGS:
        if alg == "twofish_cbc" and not TWOFISH:
            tap.skip("%s exchange" % alg, "no AF_ALG twofish")
            continue
        a, b, c = (u.client(d, alg) for u in users)
        ra = await a.login()
        tap.eq(ra["alg"], alg, "%s: ready carries the algorithm" % alg)
        tap.eq((ra["epoch"], ra["user"], len(ra["session"])), (0, a.user, 16),
               "%s: ready: epoch 0, user, 16-hex-digit session" % alg)
        rb = await b.login()
        tap.ok(a.user in rb["online"] and b.user not in rb["online"],
               "%s: ready lists the others online" % alg, rb)
        await c.login()
        pres = await a.next_frame(skip=())
        tap.eq((pres.get("type"), pres.get("user"), pres.get("online")),
               ("presence", b.user, True), "%s: presence of bob" % alg)
        await a.pump(lambda x: any(f.get("type") == "presence" and
                                   f.get("user") == c.user for f in x.others))
        await exchange(tap, [(a, b), (b, a), (c, a), (a, c)], 12, alg)
        for x in (a, b, c):
            await x.close()


async def case_alg_change(d, users):
    algs = [x for x in ALGS if TWOFISH or x != "twofish_cbc"]
    a, b = (u.client(d, "aes_256_gcm") for u in users[:2])
    await a.login()
    await b.login()
    await exchange(tap, [(a, b), (b, a)], 3, "before change")
    for i, alg in enumerate(algs[1:] + algs[:1]):
        x = (a, b)[i % 2]
        epoch = x.session.epoch
        await x.send({"type": "rotate", "alg": alg})
        f = await x.next_frame()
        epoch_ok = f.get("type") == "epoch" and f.get("alg") == alg
        tap.ok(epoch_ok, "rotate to %s: epoch frame with the new alg" % alg, f)
        tap.ok(x.session.alg == sc.ALGS[alg] and f.get("epoch", 0) > epoch,
               "rotate to %s: a newer epoch" % alg, f)
        await exchange(tap, [(a, b), (b, a)], 4, "after change to %s" % alg)
    # a plain rotation keeps the algorithm
    await a.send({"type": "rotate"})
    f = await a.next_frame()
    tap.ok(f.get("type") == "epoch" and f.get("epoch") == a.session.epoch and
           f.get("alg") == sc.ALG_NAMES[a.session.alg],
           "plain rotate: epoch frame, same algorithm", f)
    await exchange(tap, [(a, b), (b, a)], 3, "after plain rotate")
    await a.close()
    await b.close()


async def case_offline_unknown(d, users, offline_user):
    a = users[0].client(d)
    await a.login()
    i1 = await a.message("nobody-" + h.uniq("x"), b"x")
    i2 = await a.message(offline_user.name, b"y")
    i3 = await a.message("bad user!", b"z")
    i4 = await a.message(a.user, b"note to self")
    await a.pump(lambda c: all(i in c.deliveries for i in (i1, i2, i3, i4))
                 and c.received)
    f = a.deliveries
    tap.eq((f[i1]["status"], f[i1].get("code")), ("failed", "recipient_unknown"),
           "unknown recipient: failed recipient_unknown")
    tap.eq((f[i2]["status"], f[i2].get("code")), ("failed", "recipient_offline"),
           "offline recipient: failed recipient_offline")
    tap.ok(isinstance(f[i2].get("message"), str),
           "a failed delivery has a message", f[i2])
    tap.eq(f[i3].get("code"), "recipient_unknown",
           "malformed recipient: recipient_unknown")
    tap.eq((f[i4]["status"], a.received), ("delivered", [(a.user, b"note to self")]),
           "a message to oneself is delivered")
    await a.send({"type": "who"})
    w = await a.next_frame()
    tap.ok(w.get("type") == "online" and a.user in w.get("users", []),
           "who: online frame listing the caller", w)
    b = users[1].client(d)
    await b.login()
    await a.pump(lambda c: any(x.get("type") == "presence" and
                               x.get("user") == b.user and x["online"]
                               for x in c.others))
    await b.close()
    await a.pump(lambda c: any(x.get("type") == "presence" and
                               x.get("user") == b.user and not x["online"]
                               for x in c.others))
    tap.ok(True, "presence: online then offline")
    await a.close()


async def case_rotation_by_count(d, users):
    a, b = (u.client(d, "chacha20_poly1305") for u in users[:2])
    await a.login()
    await b.login()
    # in flight, a sender's messages may be one epoch behind (grace), not
    # two: with 7 messages per key, windows of 2 per sender keep them so
    await exchange(tap, [(a, b), (b, a)], 40, "max 7 per key", window=2)
    epochs = [f["epoch"] for f in a.others if f.get("type") == "epoch"]
    tap.ok(len(epochs) >= 5 and epochs == sorted(epochs),
           "rotation by count: epoch frames, increasing (%d)" % len(epochs),
           epochs)
    tap.ok(a.session.epoch >= 5 and b.session.epoch >= 5,
           "rotation by count: both sessions ratcheted (%d, %d)" %
           (a.session.epoch, b.session.epoch))
    await a.close()
    await b.close()


async def case_pipelined(d, users):
    """More in flight than two epochs' worth: some are refused (the
    previous epoch is accepted, older ones are not), none silently."""
    a, b = (u.client(d, "aes_256_gcm") for u in users[:2])
    await a.login()
    await b.login()
    sent = [payload(a.user, i) for i in range(40)]
    ids = [await a.message(b.user, pt) for pt in sent]
    await a.pump(lambda c: all(i in c.deliveries for i in ids))
    delivered = [pt for i, pt in zip(ids, sent)
                 if a.deliveries[i]["status"] == "delivered"]
    codes = {a.deliveries[i].get("code") for i in ids} - {None}
    tap.ok(codes <= {"bad_message"},
           "pipelined: failures are bad_message (%d of 40 delivered)" %
           len(delivered), codes)
    await b.pump(lambda c: len(c.received) >= len(delivered))
    tap.ok([pt for _, pt in b.received] == delivered,
           "pipelined: the recipient got exactly the delivered ones, in order")
    await a.close()
    await b.close()


async def case_rotation_by_time(d, users):
    a, b = (u.client(d, "aes_256_gcm") for u in users[:2])
    await a.login()
    await b.login()
    for rnd in range(4):
        await exchange(tap, [(a, b), (b, a)], 3, "time round %d" % rnd)
        await asyncio.sleep(1.6)
    await a.pump(lambda c: c.session.epoch >= 2, timeout=20)
    tap.ok(a.session.epoch >= 2,
           "rotation by time: at least 2 epochs in ~7 s (%d)" % a.session.epoch)
    await a.close()
    await b.close()


def check_loopstat(d, users, min_msgs):
    """SIGUSR1: secmsgd prints where its loop's time went on stdout, one
    line: the phases sum to the wall time, the messages relayed so far are
    counted (re-sealed in kernel batches, read and written as frames), and
    nothing names a user."""
    d.send_signal(signal.SIGUSR1)
    ready, _, _ = select.select([d.proc.stdout], [], [], 30)
    line = d.proc.stdout.readline().decode() if ready else ""
    m = re.match(r"secmsgd: loopstat (.*)", line)
    if not tap.ok(m, "SIGUSR1: a loopstat line on stdout", repr(line)):
        return
    f = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(1))}
    phases = ["wait", "lws", "rx", "crypto", "build", "write", "other"]
    tap.ok(all(p + "_us" in f for p in phases) and f.get("wall_us", 0) > 0 and
           0 <= f["wall_us"] - sum(f[p + "_us"] for p in phases) < len(phases),
           "loopstat: the phases sum to the wall time", line)
    tap.ok(f.get("msgs", 0) >= min_msgs and
           1 <= f.get("crypto_calls", 0) <= f["msgs"] and
           f.get("frames_in", 0) >= f["msgs"] and
           f.get("frames_out", 0) >= f["msgs"] and
           f.get("iterations", 0) > 0,
           "loopstat: at least %d messages re-sealed in kernel batches, "
           "read and written" % min_msgs, line)
    tap.ok(f["crypto_us"] > 0 and f["rx_us"] > 0 and f["write_us"] > 0 and
           f.get("utime_us", 0) + f.get("stime_us", 0) > 0,
           "loopstat: time in crypto, rx and write; CPU time", line)
    tap.ok(not any(u.name in line for u in users),
           "loopstat: no user named")


def main():
    users = [h.User(h.uniq(n)) for n in ("alice", "bob", "carol", "dave")]
    path = h.users_file(users)
    d = h.Daemon("--users", path, "--rate", "0", "--user-rate", "0")
    try:
        h.run_case(tap, "algorithms", lambda: case_algorithms(d, users[:3]))
        h.run_case(tap, "alg change", lambda: case_alg_change(d, users))
        h.run_case(tap, "offline/unknown",
                   lambda: case_offline_unknown(d, users, users[3]))
        # case_algorithms: 4 pairs, 12 messages each, per algorithm
        check_loopstat(d, users, 48)
    finally:
        d.cleanup()
    d = h.Daemon("--users", path, "--max-messages-per-key", "7",
                 "--rate", "0", "--user-rate", "0")
    try:
        h.run_case(tap, "by count", lambda: case_rotation_by_count(d, users))
        h.run_case(tap, "pipelined", lambda: case_pipelined(d, users))
    finally:
        d.cleanup()
    d = h.Daemon("--users", path, "--rotate-interval", "2")
    try:
        h.run_case(tap, "by time", lambda: case_rotation_by_time(d, users))
    finally:
        d.cleanup()
    os.unlink(path)
    return tap.done()


sys.exit(main())
