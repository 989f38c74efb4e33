#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""secmsgd with 500 concurrent clients (SECMSGD_SCALE_CLIENTS), each
sending and receiving: every message accounted for (delivered, and
received once, in order), the kernel ops batched, no session left."""
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

h.require_vm()
tap = h.Tap()
N = int(os.environ.get("SECMSGD_SCALE_CLIENTS", "500"))
ROUNDS = 4
OFFSETS = (1, 7)        # each client sends to i+1 and i+7


async def run(d, users, mport):
    clients = [u.client(d, ("aes_256_gcm", "chacha20_poly1305")[i % 2])
               for i, u in enumerate(users)]
    # Python's handshake crypto is slow under TCG (~0.2 s a login, one
    # CPU): a few logins at a time keep each well within the kernel's
    # 10 s pending_timeout
    sem = asyncio.Semaphore(8)
    t0 = time.monotonic()

    async def login(c):
        async with sem:
            await c.login()
    await asyncio.gather(*(login(c) for c in clients))
    t1 = time.monotonic()
    tap.ok(True, "%d clients logged in (%.1f s)" % (N, t1 - t0))
    m = await asyncio.get_running_loop().run_in_executor(None, h.metrics, mport)
    tap.eq(m.get("secmsgd_connections_authenticated"), float(N),
           "metrics: %d authenticated connections" % N)

    sent = {}
    for r in range(ROUNDS):
        for i, c in enumerate(clients):
            for off in OFFSETS:
                to = clients[(i + off) % N]
                pt = b"%d>%d r%d" % (i, (i + off) % N, r)
                sent.setdefault((c.user, to.user), []).append(pt)
                await c.message(to.user, pt)
    want = ROUNDS * len(OFFSETS)

    def done(c):
        return len(c.received) >= want and len(c.deliveries) >= want
    await asyncio.gather(*(c.pump(lambda c=c: done(c), timeout=150)
                           for c in clients))
    t2 = time.monotonic()
    total = N * want
    tap.ok(True, "%d messages relayed and acknowledged (%.1f s, %.0f/s)" %
           (total, t2 - t1, total / (t2 - t1)))
    bad = [(c.user, f) for c in clients for f in c.deliveries.values()
           if f.get("status") != "delivered"]
    tap.ok(not bad, "every delivery is delivered", *bad[:5])
    wrong = []
    for c in clients:
        by = {}
        for frm, pt in c.received:
            by.setdefault(frm, []).append(pt)
        for frm, pts in by.items():
            if pts != sent.get((frm, c.user)):
                wrong.append((frm, c.user, pts))
        if len(c.received) != want:
            wrong.append((c.user, "received", len(c.received)))
    tap.ok(not wrong, "every client received exactly what was sent to it, "
           "in order", *wrong[:5])
    m = await asyncio.get_running_loop().run_in_executor(None, h.metrics, mport)
    ops, batches = m.get("secmsgd_kernel_batch_ops_total", 0), \
        m.get("secmsgd_kernel_batches_total", 0)
    tap.eq(ops, float(total), "metrics: %d RESEAL ops" % total)
    tap.ok(0 < batches < ops, "RESEAL ops went in batches (%d ops in %d "
           "batches)" % (ops, batches))
    tap.eq(m.get("secmsgd_messages_relayed_total"), float(total),
           "metrics: messages relayed")
    tap.diag("latency p50-ish: %s" % {k: v for k, v in m.items()
                                       if "latency_seconds_bucket" in k})
    await asyncio.gather(*(c.close() for c in clients))


def main():
    users = [h.User("s%04d%s" % (i, h.uniq("u"))) for i in range(N)]
    path = h.users_file(users)
    mport = h.free_port()
    d = h.Daemon("--users", path, "--rate", "0", "--user-rate", "0",
                 "--no-presence", "--metrics-port", mport,
                 "--handshake-timeout", "60")
    try:
        h.run_case(tap, "scale", lambda: run(d, users, mport), d, 400)
        tap.eq(d.stop(), 0, "secmsgd exits 0 on SIGTERM")
        left = [s for s in h.sessions() if s.get("user") in
                {u.name for u in users}]
        tap.eq(len(left), 0, "no session left")
    finally:
        d.cleanup()
        os.unlink(path)
    return tap.done()


sys.exit(main())
