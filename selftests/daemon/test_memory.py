#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""secmsgd never holds plaintext or keys: relay messages carrying a random
marker under every algorithm, then scan the daemon's whole memory
(/proc/PID/maps + /proc/PID/mem) for the marker and for every traffic
secret, key and nonce salt the clients derived.  Controls prove the scan
finds what is there (an online user's random name), and a marker sent in
an ignored JSON member shows that received frames are wiped."""
import asyncio
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import secmsg_client as sc  # noqa: E402

h.require_vm()
tap = h.Tap()


async def run(d, users, control, marker, pad_marker, secrets):
    algs = ["aes_256_gcm", "chacha20_poly1305"]
    if sc.twofish_available():
        algs.append("twofish_cbc")
    a, b = (u.client(d, algs[0]) for u in users)
    k = control.client(d)
    await a.login()
    await b.login()
    await k.login()
    n = 0
    for alg in algs:
        if alg != algs[0]:
            await a.send({"type": "rotate", "alg": alg})
            await a.pump(lambda c: c.session.alg == sc.ALGS[alg])
            await b.send({"type": "rotate", "alg": alg})
            await b.pump(lambda c: c.session.alg == sc.ALGS[alg])
        for i in range(20):
            await a.message(b.user, marker + b" a->b %d" % i)
            await b.message(a.user, b"b->a %d " % i + marker)
            n += 1
        await a.pump(lambda c: len(c.received) >= n and len(c.deliveries) >= n)
        await b.pump(lambda c: len(c.received) >= n and len(c.deliveries) >= n)
    ok = all(pt.startswith(marker) for _, pt in b.received) and \
        all(pt.endswith(marker) for _, pt in a.received)
    tap.ok(ok and len(a.received) == len(b.received) == n,
           "%d marked messages each way arrived (%s)" % (n, ", ".join(algs)))
    # a frame with the marker in a member the daemon ignores
    await a.send({"type": "who", "padding": pad_marker.decode()})
    await a.pump(lambda c: any(f.get("type") == "online" for f in c.others))
    for c in (a, b, k):
        secrets.extend(c.secrets)
    return a, b, k


def main():
    users = [h.User(h.uniq("alice")), h.User(h.uniq("bob"))]
    # the control: a user name only the daemon's routing table holds
    control = h.User("ctl" + os.urandom(12).hex())
    marker = b"MARKER-" + os.urandom(16).hex().encode()
    pad_marker = b"PADMARK-" + os.urandom(16).hex().encode()
    ident_priv = os.urandom(32)
    ident_path = "/tmp/secmsgd-ident-%d" % os.getpid()
    with open(ident_path, "w") as f:
        f.write(ident_priv.hex() + "\n")
    os.chmod(ident_path, 0o600)
    path = h.users_file(users + [control])
    d = h.Daemon("--users", path, "--identity", ident_path, "--rate", "0",
                 "--user-rate", "0")
    secrets = []
    try:
        tap.eq(d.pubkey, sc.x25519_pair(ident_priv)[1],
               "the printed public key is the identity file's")

        async def go():
            a, b, k = await run(d, users, control, marker, pad_marker, secrets)
            await asyncio.sleep(0.5)
            found, total = h.scan_memory(d.pid, [marker, pad_marker,
                                        control.name.encode(), ident_priv] +
                                secrets)
            tap.diag("scanned %d MiB of secmsgd's memory" % (total >> 20))
            tap.ok(found[control.name.encode()],
                   "control: the scan finds an online user's name",
                   "not found: the scan is broken")
            tap.ok(not found[marker], "no plaintext marker while connected",
                   found[marker][:5])
            tap.ok(not found[pad_marker],
                   "a received frame's ignored member is wiped",
                   found[pad_marker][:5])
            leaks = [s.hex() for s in secrets if found[s]]
            tap.ok(not leaks, "none of the %d client secrets, keys and salts "
                   "is in memory" % len(secrets), *leaks[:5])
            tap.ok(not found[ident_priv], "the identity private key was wiped")
            for c in (a, b, k):
                await c.close()
            await asyncio.sleep(1)
            found, _ = h.scan_memory(d.pid, [marker, pad_marker] + secrets)
            tap.ok(not any(found.values()),
                   "nothing found after the clients left either")
        h.run_case(tap, "memory", go)
    finally:
        d.cleanup()
        os.unlink(path)
        os.unlink(ident_path)
    return tap.done()


sys.exit(main())
