#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""secmsgd lifecycle: SIGTERM (bye, 1001, exit 0, sessions deleted),
kill -9 (the kernel deletes the owned sessions), session expiry (bye
session_expired, 1000), login limits (replace / refuse), registration on
first use, SIGHUP reloads (users file, config file), GET /metrics, wss://,
--print-pubkey, plain HTTP and bad configurations."""
import asyncio
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
import urllib.error

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import secmsg_client as sc  # noqa: E402

h.require_vm()
tap = h.Tap()


def user_sessions(names):
    return [s for s in h.sessions() if s.get("user") in names]


async def case_sigterm(users, path):
    d = h.Daemon("--users", path)
    names = [u.name for u in users]
    try:
        cs = [u.client(d) for u in users]
        for c in cs:
            await c.login()
        tap.eq(len(user_sessions(names)), len(users),
               "SIGTERM: the clients' sessions exist")
        pending = users[0].client(d)   # a handshake in progress
        await pending.open()
        d.send_signal(signal.SIGTERM)
        results = await asyncio.gather(*(c.wait_closed() for c in cs))
        tap.ok(all(r and r[0] == 1001 for r in results),
               "SIGTERM: every client closed with 1001", results)
        tap.ok(all(any(f.get("type") == "bye" and f.get("reason") == "shutdown"
                       for f in c.others) for c in cs),
               "SIGTERM: every client got bye shutdown")
        await pending.wait_closed()
        rc = await asyncio.get_running_loop().run_in_executor(
            None, lambda: d.proc.wait(20))
        tap.eq(rc, 0, "SIGTERM: exit status 0")
        tap.eq(user_sessions(names), [], "SIGTERM: no session left")
        tap.ok(d.events("shutdown") and d.events("stopped"),
               "SIGTERM: audit shutdown and stopped")
    finally:
        d.cleanup()


async def case_kill9(users, path):
    d = h.Daemon("--users", path)
    names = [u.name for u in users]
    try:
        cs = [u.client(d) for u in users]
        for c in cs:
            await c.login()
        pending = users[0].client(d, "twofish_cbc")
        await pending.open()
        hs = sc.Handshake(users[0].name, 3, users[0].priv, d.pubkey)
        await pending.send({"type": "hello", "version": 1,
                            "user": users[0].name, "alg": "twofish_cbc",
                            "handshake": sc.b64e(hs.message1())})
        await pending.next_frame()
        tap.eq(len(user_sessions(names)), len(users) + 1,
               "kill -9: sessions exist (one pending)")
        d.proc.kill()
        d.proc.wait()
        left = user_sessions(names)
        tap.eq(left, [], "kill -9: the kernel deleted every owned session")
    finally:
        d.cleanup()


async def case_expiry(users, path):
    for opt, desc in (("--session-timeout", "session timeout"),
                      ("--idle-timeout", "idle timeout")):
        d = h.Daemon("--users", path, opt, "3")
        try:
            c = users[0].client(d)
            await c.login()
            t0 = time.monotonic()
            closed = await c.wait_closed(timeout=30)
            byes = [f for f in c.others if f.get("type") == "bye"]
            tap.ok(byes and byes[-1].get("reason") == "session_expired",
                   "%s: bye session_expired" % desc, c.others)
            tap.eq(closed and closed[0], 1000, "%s: closed with 1000" % desc)
            tap.ok(2 <= time.monotonic() - t0 <= 15,
                   "%s: after about 3 s (%.1f)" % (desc, time.monotonic() - t0))
            tap.ok(d.events("session_expired"), "%s: audit session_expired" % desc)
        finally:
            d.cleanup()


async def case_conflicts(users, path):
    a, b = users[0], users[1]
    d = h.Daemon("--users", path)
    try:
        first = a.client(d)
        await first.login()
        second = a.client(d)
        await second.login()
        closed = await first.wait_closed()
        tap.ok(any(f.get("reason") == "replaced" for f in first.others) and
               closed[0] == 1000, "replace: the old login gets bye replaced, 1000",
               first.others, closed)
        bc = b.client(d)
        await bc.login()
        await bc.message(a.name, b"to the new login")
        await second.pump(lambda c: c.received)
        tap.eq(second.received, [(b.name, b"to the new login")],
               "replace: the new login receives")
        tap.ok(d.events("login_replaced"), "replace: audit login_replaced")
    finally:
        d.cleanup()
    d = h.Daemon("--users", path, "--on-conflict", "refuse")
    try:
        first = a.client(d)
        await first.login()
        second = a.client(d)
        try:
            await second.login()
        except sc.ProtocolError as e:
            second.others.append(e.frame)
        closed = await second.wait_closed()
        tap.ok(any(f.get("reason") == "already_online" for f in second.others)
               and closed[0] == 1008,
               "refuse: the new login gets bye already_online, 1008",
               second.others, closed)
        await first.send({"type": "who"})
        f = await first.next_frame()
        tap.eq(f.get("type"), "online", "refuse: the first login stays")
    finally:
        d.cleanup()
    d = h.Daemon("--users", path, "--max-user-connections", "2")
    try:
        c1, c2, c3 = (a.client(d) for _ in range(3))
        await c1.login()
        await c2.login()
        await c2.send({"type": "who"})
        await c2.pump(lambda c: any(f.get("type") == "online" for f in c.others))
        await c3.login()
        closed = await c1.wait_closed()
        tap.eq(closed[0], 1000, "2 logins per user: the third replaces the oldest")
        await c2.send({"type": "who"})
        f = await c2.next_frame()
        tap.eq(f.get("type"), "online", "2 logins per user: the second stays")
    finally:
        d.cleanup()


async def case_register(tmpusers):
    newbie = h.User(h.uniq("newbie"))
    d = h.Daemon()
    try:
        try:
            await newbie.client(d).login(register=True)
            tap.ok(False, "without --register: pubkey ignored")
        except sc.ProtocolError as e:
            tap.eq(e.frame.get("code"), "unknown_user",
                   "without --register: pubkey ignored, unknown_user")
    finally:
        d.cleanup()
    d = h.Daemon("--register")
    try:
        c = newbie.client(d)
        r = await c.login(register=True)
        tap.eq(r.get("type"), "ready", "--register: an unknown user registers on first use")
        tap.ok(d.events("user_registered"), "--register: audit user_registered")
        squatter = h.User(newbie.name)
        try:
            await squatter.client(d).login(register=True)
            tap.ok(False, "--register: another key for a registered user fails")
        except sc.ProtocolError as e:
            tap.eq(e.frame.get("code"), "auth_failed",
                   "--register: another key for a registered user -> auth_failed")
        await c.close()
        # a refused registration says so (docs/protocol.md section 5)
        bad = h.User("-" + h.uniq("dash"))
        cases = [(bad.client(d), None, "a user id starting with '-'"),
                 (h.User(h.uniq("badkey")).client(d),
                  {"pubkey": sc.b64e(b"\xff" * 32)},
                  "a non-canonical public key")]
        for client, extra, desc in cases:
            try:
                await client.login(register=True, extra=extra)
                tap.ok(False, "--register: %s is refused" % desc)
            except sc.ProtocolError as e:
                tap.ok(e.frame.get("code") == "registration_refused" and
                       isinstance(e.frame.get("message"), str),
                       "--register: %s -> registration_refused" % desc,
                       e.frame)
            closed = await client.wait_closed()
            tap.eq(closed and closed[0], 1008,
                   "--register: %s: closed with 1008" % desc)
            r = subprocess.run([h.SECMSGCTL, "user", "list"],
                               capture_output=True, text=True)
            tap.ok(r.returncode == 0 and client.user not in r.stdout,
                   "--register: %s: not registered" % desc)
    finally:
        d.cleanup()
        subprocess.run([h.SECMSGCTL, "user", "del", newbie.name],
                       capture_output=True)


async def case_reload(tmpdir):
    alice, bob = h.User(h.uniq("ralice")), h.User(h.uniq("rbob"))
    upath = os.path.join(tmpdir, "users")
    cpath = os.path.join(tmpdir, "secmsgd.conf")
    h.users_file([alice], upath)
    with open(cpath, "w") as f:
        f.write("# test\nusers = %s\nmax_user_connections = 1\n" % upath)
    d = h.Daemon("-c", cpath)
    try:
        a = alice.client(d)
        await a.login()
        try:
            await bob.client(d).login()
            tap.ok(False, "reload: bob unknown before")
        except sc.ProtocolError as e:
            tap.eq(e.frame.get("code"), "unknown_user", "reload: bob unknown before")
        h.users_file([alice, bob], upath)
        d.send_signal(signal.SIGHUP)
        await asyncio.sleep(1.5)
        b = bob.client(d)
        r = await b.login()
        tap.eq(r.get("type"), "ready", "SIGHUP: a user added to the file can log in")
        # alice's key changes: her connection is revoked
        alice2 = h.User(alice.name)
        h.users_file([alice2, bob], upath)
        d.send_signal(signal.SIGHUP)
        closed = await a.wait_closed()
        tap.ok(closed[0] == 1008 and any(f.get("reason") == "revoked"
                                         for f in a.others),
               "SIGHUP: a changed key revokes the old key's login", closed)
        try:
            await alice.client(d).login()
            tap.ok(False, "SIGHUP: the old key no longer authenticates")
        except sc.ProtocolError as e:
            tap.eq(e.frame.get("code"), "auth_failed",
                   "SIGHUP: the old key no longer authenticates")
        a2 = alice2.client(d)
        await a2.login()
        tap.ok(True, "SIGHUP: the new key authenticates")
        # bob leaves the file; max_user_connections goes to 2
        h.users_file([alice2], upath)
        with open(cpath, "w") as f:
            f.write("users = %s\nmax_user_connections = 2\n" % upath)
        d.send_signal(signal.SIGHUP)
        closed = await b.wait_closed()
        tap.eq(closed[0], 1008, "SIGHUP: a user removed from the file is revoked")
        a3 = alice2.client(d)
        await a3.login()
        await a2.send({"type": "who"})
        f = await a2.next_frame()
        tap.eq(f.get("type"), "online", "SIGHUP: config reloaded (2 logins per user)")
        # a broken config keeps the running one
        with open(cpath, "w") as f:
            f.write("max_user_connections = lots\n")
        d.send_signal(signal.SIGHUP)
        await asyncio.sleep(1)
        tap.ok(d.events("config_reload_failed") and d.proc.poll() is None,
               "SIGHUP with a bad config: logged, still running")
        for c in (a2, a3):
            await c.close()
    finally:
        d.cleanup()
        subprocess.run([h.SECMSGCTL, "user", "del", alice.name], capture_output=True)
        subprocess.run([h.SECMSGCTL, "user", "del", bob.name], capture_output=True)


def http_get(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as r:
            return r.status, r.read().decode(), r.headers.get("Content-Type")
    except urllib.error.HTTPError as e:
        return e.code, "", None


async def case_metrics(users, path):
    mport = h.free_port()
    d = h.Daemon("--users", path, "--metrics-port", mport)
    try:
        a, b = (u.client(d, "chacha20_poly1305") for u in users[:2])
        await a.login()
        await b.login()
        ids = [await a.message(b.user, b"m%d" % i) for i in range(5)]
        ids.append(await a.message("nobody" + h.uniq("x"), b"z"))
        await a.pump(lambda c: all(i in c.deliveries for i in ids))
        await a.send("garbage")
        await a.next_frame()
        loop = asyncio.get_running_loop()
        st, text, ctype = await loop.run_in_executor(
            None, http_get, "http://127.0.0.1:%d/metrics" % mport)
        tap.eq(st, 200, "GET /metrics: 200")
        tap.ok(ctype and ctype.startswith("text/plain"), "GET /metrics: text/plain", ctype)
        vals = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                k, v = line.rsplit(" ", 1)
                vals[k] = float(v)
        tap.eq(vals.get("secmsgd_connections"), 2.0, "metrics: 2 connections")
        tap.eq(vals.get('secmsgd_sessions{alg="chacha20_poly1305"}'), 2.0,
               "metrics: 2 chacha20_poly1305 sessions")
        tap.eq(vals.get("secmsgd_messages_relayed_total"), 5.0,
               "metrics: 5 messages relayed")
        tap.eq(vals.get('secmsgd_message_failures_total{code="recipient_unknown"}'),
               1.0, "metrics: 1 failure recipient_unknown")
        tap.eq(vals.get('secmsgd_errors_total{code="bad_json"}'), 1.0,
               "metrics: 1 error bad_json")
        tap.eq(vals.get("secmsgd_relay_latency_seconds_count"), 5.0,
               "metrics: latency histogram counts 5")
        tap.eq(vals.get('secmsgd_relay_latency_seconds_bucket{le="+Inf"}'), 5.0,
               "metrics: the +Inf bucket holds all")
        st, _, _ = await loop.run_in_executor(
            None, http_get, "http://127.0.0.1:%d/other" % mport)
        tap.eq(st, 404, "GET /other on the metrics port: 404")
        st, _, _ = await loop.run_in_executor(
            None, http_get, "http://127.0.0.1:%d/" % d.port)
        tap.eq(st, 404, "plain HTTP on the WebSocket port: 404")
        await a.close()
        await b.close()
    finally:
        d.cleanup()


async def case_tls(users, path, tmpdir):
    cert, key = os.path.join(tmpdir, "cert.pem"), os.path.join(tmpdir, "key.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "2",
                        "-subj", "/CN=localhost"], capture_output=True)
    if r.returncode:
        tap.skip("wss://", "openssl cannot make a certificate")
        return
    d = h.Daemon("--users", path, "--tls-cert", cert, "--tls-key", key)
    try:
        ctx = ssl.create_default_context(cafile=cert)
        ctx.check_hostname = False
        url = "wss://127.0.0.1:%d/" % d.port
        a = sc.Client(url, users[0].name, users[0].priv, d.pubkey, ssl=ctx)
        b = sc.Client(url, users[1].name, users[1].priv, d.pubkey, ssl=ctx)
        await a.login()
        await b.login()
        await a.message(b.user, b"over TLS")
        await b.pump(lambda c: c.received)
        tap.eq(b.received, [(a.user, b"over TLS")], "wss://: messages relayed over TLS")
        plain = users[0].client(d)
        try:
            await plain.open()
            await plain.login()
            tap.ok(False, "wss://: a plain ws:// client is refused")
        except Exception:
            tap.ok(True, "wss://: a plain ws:// client is refused")
        await a.close()
        await b.close()
    finally:
        d.cleanup()


def case_cli(tmpdir):
    r = subprocess.run([h.SECMSGD, "--print-pubkey"], capture_output=True, text=True)
    got = r.stdout.strip()
    d = h.Daemon()
    try:
        tap.eq(got, d.pubkey_b64, "--print-pubkey: the kernel's identity")
    finally:
        d.cleanup()
    priv = os.urandom(32)
    kp = os.path.join(tmpdir, "ident.b64")
    with open(kp, "w") as f:
        f.write(sc.b64e(priv) + "\n")
    r = subprocess.run([h.SECMSGD, "--identity", kp, "--print-pubkey"],
                       capture_output=True, text=True)
    tap.eq(r.stdout.strip(), sc.b64e(sc.x25519_pair(priv)[1]),
           "--print-pubkey --identity: the file's public key (base64 file)")
    bad = os.path.join(tmpdir, "bad.conf")
    with open(bad, "w") as f:
        f.write("port = 8765\nwhat = ever\n")
    r = subprocess.run([h.SECMSGD, "-c", bad], capture_output=True, text=True)
    tap.ok(r.returncode == 2 and "unknown key" in r.stderr,
           "an unknown config key: exit 2 with a message", r.returncode, r.stderr)
    r = subprocess.run([h.SECMSGD, "--rate", "fast"], capture_output=True, text=True)
    tap.ok(r.returncode == 2 and "rate" in r.stderr,
           "a bad option value: exit 2", r.stderr)
    r = subprocess.run([h.SECMSGD, "--help"], capture_output=True, text=True)
    tap.ok(r.returncode == 0 and "--tls-cert" in r.stdout, "--help")


def main():
    users = [h.User(h.uniq(n)) for n in ("alice", "bob", "carol")]
    path = h.users_file(users)
    tmpdir = tempfile.mkdtemp(prefix="secmsgd-test-")
    cases = [
        ("sigterm", lambda: case_sigterm(users, path)),
        ("kill -9", lambda: case_kill9(users, path)),
        ("expiry", lambda: case_expiry(users, path)),
        ("conflicts", lambda: case_conflicts(users, path)),
        ("register", lambda: case_register(path)),
        ("reload", lambda: case_reload(tmpdir)),
        ("metrics", lambda: case_metrics(users, path)),
        ("tls", lambda: case_tls(users, path, tmpdir)),
    ]
    for name, fn in cases:
        h.run_case(tap, name, fn)
    case_cli(tmpdir)
    subprocess.run(["rm", "-rf", tmpdir])
    os.unlink(path)
    return tap.done()


sys.exit(main())
