#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""secmsgd input validation: every bad input answered with the code of
docs/protocol.md section 5, the 10th error closes (1008), failed
handshakes close (1008), replayed or tampered sealed messages fail with
bad_message, rate limits, and an unauthenticated client cannot send."""
import asyncio
import base64
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import secmsg_client as sc  # noqa: E402
import websockets  # noqa: E402

h.require_vm()
tap = h.Tap()


async def expect(c, frame, code, desc, id_=None):
    await c.send(frame)
    f = await c.next_frame()
    ok = f.get("type") == "error" and f.get("code") == code
    if id_ is not None:
        ok = ok and f.get("id") == id_
    tap.ok(ok and isinstance(f.get("message"), str), desc + " -> " + code, f)
    return f


async def expect_close(c, code, desc, bye=None):
    closed = await c.wait_closed()
    byes = [f for f in c.others if f.get("type") == "bye"]
    if bye is not None:
        tap.ok(byes and byes[-1].get("reason") == bye,
               "%s: bye %s" % (desc, bye), c.others[-3:])
    tap.eq(closed and closed[0], code, "%s: closed with %d" % (desc, code))


async def case_preauth(d, users):
    c = users[0].client(d)
    await c.open()
    await expect(c, "not json", "bad_json", "not JSON")
    await expect(c, "[1, 2]", "bad_json", "not an object")
    await expect(c, '{"type": "who"} trailing', "bad_json", "trailing garbage")
    await expect(c, '{"x": 1}', "bad_field", "no type")
    await expect(c, '{"type": 5}', "bad_field", "type not a string")
    await expect(c, '{"type": "nope"}', "unknown_type", "unknown type")
    await expect(c, b'{"type": "who"}', "bad_json", "binary frame")
    await expect(c, '{"type": "message", "id": 4, "to": "x", "data": "AAAA"}',
                 "not_authenticated", "message before hello (id echoed)", 4)
    await expect(c, '{"type": "who"}', "not_authenticated", "who before hello")
    await expect(c, {"type": "confirm", "handshake": "AAAA"},
                 "not_authenticated", "the 10th error: confirm before hello")
    await expect_close(c, 1008, "10 errors", "too_many_errors")

    c = users[0].client(d)
    await c.open()
    try:
        await c.ws.write_frame(True, 0x1, b'{"type": "\xff\xfe"}')
        f = await c.next_frame()
        tap.eq(f.get("code"), "bad_json", "invalid UTF-8 text frame -> bad_json")
    except AttributeError:
        tap.skip("invalid UTF-8 text frame", "no raw frame writer")
    await expect(c, '{"type": "who", "x": "\\u0000"}', "bad_json",
                 "escaped NUL")
    hs = sc.Handshake(c.user, 1, c.priv, d.pubkey)
    m1 = sc.b64e(hs.message1())
    hello = {"type": "hello", "version": 1, "user": c.user,
             "alg": "aes_256_gcm", "handshake": m1}
    await expect(c, dict(hello, version=2), "bad_field", "hello version 2")
    await expect(c, dict(hello, version="1"), "bad_field", "hello version string")
    await expect(c, {k: v for k, v in hello.items() if k != "user"},
                 "bad_field", "hello without user")
    await expect(c, dict(hello, alg="rot13"), "bad_field", "hello unknown alg")
    await expect(c, dict(hello, handshake="not base64!"), "bad_base64",
                 "hello handshake not base64")
    await expect(c, dict(hello, handshake=sc.b64e(b"ab")[:-1]), "bad_base64",
                 "hello handshake without padding")
    await expect(c, dict(hello, pubkey=sc.b64e(b"short")), "bad_field",
                 "hello pubkey not 32 bytes")
    await c.close()


async def case_handshake_failures(d, users, stranger):
    a = users[0]

    async def fail(client, code, desc, **kw):
        try:
            await client.login(**kw)
            tap.ok(False, desc + " fails", "login succeeded")
        except sc.ProtocolError as e:
            tap.eq(e.frame.get("code"), code, desc + " -> " + code)
        await expect_close(client, 1008, desc)

    await fail(stranger.client(d), "unknown_user", "unknown user")
    impostor = h.User(a.name)      # same name, another key
    await fail(impostor.client(d), "auth_failed", "wrong client key")
    bad_pin = a.client(d)
    bad_pin.server_pub = sc.x25519_pair()[1]
    await fail(bad_pin, "auth_failed", "wrong pinned server key")

    c = a.client(d)
    hs = sc.Handshake(a.name, 1, a.priv, d.pubkey)
    m1 = hs.message1()
    await c.open()
    await c.send({"type": "hello", "version": 1, "user": a.name,
                  "alg": "aes_256_gcm", "handshake": sc.b64e(m1[:-5])})
    f = await c.next_frame()
    tap.eq(f.get("code"), "handshake_failed", "truncated message 1 -> handshake_failed")
    await expect_close(c, 1008, "truncated message 1")

    c = a.client(d, "chacha20_poly1305")   # hello says chacha, msg1 aes
    await fail(c, "handshake_failed", "alg differs from message 1",
               hs=sc.Handshake(a.name, 1, a.priv, d.pubkey))

    # a replayed message 1
    first = a.client(d)
    hs = sc.Handshake(a.name, 1, a.priv, d.pubkey)
    await first.login(hs=hs)
    replay = a.client(d)
    await replay.open()
    await replay.send({"type": "hello", "version": 1, "user": a.name,
                       "alg": "aes_256_gcm",
                       "handshake": sc.b64e(hs_msg1_copy(hs, a, d))})
    f = await replay.next_frame()
    tap.eq(f.get("code"), "replayed", "replayed message 1 -> replayed")
    await expect_close(replay, 1008, "replayed message 1")
    # the first login is unaffected
    await first.send({"type": "who"})
    f = await first.next_frame()
    tap.eq(f.get("type"), "online", "the replay did not disturb the login")
    await expect(first, {"type": "hello", "version": 1, "user": a.name,
                         "alg": "aes_256_gcm", "handshake": "AAAA"},
                 "already_authenticated", "hello after ready")
    await expect(first, {"type": "confirm", "handshake": "AAAA"},
                 "already_authenticated", "confirm after ready")
    await first.close()

    # a wrong confirmation
    c = a.client(d)
    await c.open()
    hs = sc.Handshake(a.name, 1, a.priv, d.pubkey)
    await c.send({"type": "hello", "version": 1, "user": a.name,
                  "alg": "aes_256_gcm", "handshake": sc.b64e(hs.message1())})
    w = await c.next_frame()
    _, _, _, m3 = hs.finish(sc.b64d(w["handshake"]))
    m3 = m3[:-1] + bytes([m3[-1] ^ 1])
    await c.send({"type": "confirm", "handshake": sc.b64e(m3)})
    f = await c.next_frame()
    tap.eq(f.get("code"), "auth_failed", "wrong confirmation -> auth_failed")
    await expect_close(c, 1008, "wrong confirmation")

    # hello's user differs from message 1's
    c = users[1].client(d)
    await fail(c, "handshake_failed", "user differs from message 1",
               hs=sc.Handshake(a.name, 1, a.priv, d.pubkey))


def hs_msg1_copy(hs, a, d):
    return hs._msg1


async def case_messages(d, users):
    a, b = users[0].client(d), users[1].client(d)
    await a.login()
    await b.login()
    good = sc.b64e(a.seal(b"x"))
    base = {"type": "message", "id": 1, "to": b.user, "data": good}
    await expect(a, {k: v for k, v in base.items() if k != "id"}, "bad_field",
                 "message without id")
    for bad in (-1, 1.5, 2 ** 53, "7", None, True):
        await expect(a, dict(base, id=bad), "bad_field", "id %r" % (bad,))
    # a fresh login (replacing this one): 10 errors would close it
    a = users[0].client(d)
    await a.login()
    await expect(a, {k: v for k, v in base.items() if k != "to"}, "bad_field",
                 "message without to", 1)
    await expect(a, dict(base, to=7), "bad_field", "to not a string", 1)
    await expect(a, dict(base, data=7), "bad_field", "data not a string", 1)
    await expect(a, dict(base, id=9, data="!!!!"), "bad_base64",
                 "data not base64 (id echoed)", 9)
    await expect(a, dict(base, data=good.rstrip("=") if good.endswith("=")
                         else good[:-1]), "bad_base64", "data unpadded", 1)
    await expect(a, {"type": "rotate", "alg": "rot13"}, "bad_field",
                 "rotate to an unknown alg")
    # those 9 errors did not close; nothing was relayed
    tap.eq(b.received, [], "no bad frame reached the recipient")
    await a.close()

    a = users[0].client(d)
    await a.login()
    big = os.urandom(65368 + 1)
    i = await a.message(b.user, None, data=big)
    f = await a.next_frame()
    tap.eq((f.get("type"), f.get("id"), f.get("status"), f.get("code")),
           ("delivery", i, "failed", "message_too_large"),
           "sealed message over 65368 bytes -> message_too_large")

    sealed = a.seal(b"once")
    i1 = await a.message(b.user, None, data=sealed)
    i2 = await a.message(b.user, None, data=sealed)
    t = bytearray(a.seal(b"tampered"))
    t[-1] ^= 0x40
    i3 = await a.message(b.user, None, data=bytes(t))
    t = bytearray(a.seal(b"other session"))
    t[8] ^= 1
    i4 = await a.message(b.user, None, data=bytes(t))
    i5 = await a.message(b.user, None, data=b"short")
    await a.pump(lambda c: all(i in c.deliveries for i in (i1, i2, i3, i4, i5)))
    ds = a.deliveries
    tap.eq(ds[i1]["status"], "delivered", "a sealed message is delivered")
    tap.eq(ds[i2].get("code"), "bad_message", "the same sealed message again -> bad_message")
    tap.eq(ds[i3].get("code"), "bad_message", "tampered ciphertext -> bad_message")
    tap.eq(ds[i4].get("code"), "bad_message", "another session id -> bad_message")
    tap.eq(ds[i5].get("code"), "bad_message", "5-byte message -> bad_message")
    await b.pump(lambda c: c.received)
    await asyncio.sleep(0.5)
    await b.send({"type": "who"})
    await b.pump(lambda c: any(f.get("type") == "online" for f in c.others))
    tap.eq(b.received, [(a.user, b"once")], "only the genuine message arrived")
    await a.close()
    await b.close()

    # ids are the sender's own: not de-duplicated (docs/protocol.md)
    a, b = users[0].client(d), users[1].client(d)
    await a.login()
    await b.login()
    await a.message(b.user, b"first", mid=42)
    await a.message(b.user, b"second", mid=42)
    dels = []
    while len(dels) < 2:
        f = await a.recv_raw()
        if f.get("type") == "delivery":
            dels.append(f)
    tap.eq([(f.get("id"), f.get("status")) for f in dels],
           [(42, "delivered")] * 2,
           "the same id twice: two deliveries, both delivered")
    await b.pump(lambda c: len(c.received) >= 2)
    tap.eq(b.received, [(a.user, b"first"), (a.user, b"second")],
           "the same id twice: both messages arrive")
    # failed deliveries are not errors: 12 of them do not close
    ids = [await a.message("nobody-" + h.uniq("x"), b"x") for _ in range(12)]
    await a.pump(lambda c: all(i in c.deliveries for i in ids))
    tap.ok(all(a.deliveries[i].get("code") == "recipient_unknown"
               for i in ids), "12 failed deliveries (recipient_unknown)")
    await a.send({"type": "who"})
    f = await a.next_frame()
    tap.eq(f.get("type"), "online",
           "... do not count towards the 10-error close")
    await a.close()
    await b.close()


async def case_unauthenticated(d, users):
    b = users[1].client(d)
    await b.login()
    c = users[0].client(d)
    await c.open()
    hs = sc.Handshake(c.user, 1, c.priv, d.pubkey)
    await c.send({"type": "hello", "version": 1, "user": c.user,
                  "alg": "aes_256_gcm", "handshake": sc.b64e(hs.message1())})
    await c.next_frame()    # welcome, but no confirm
    await expect(c, {"type": "message", "id": 3, "to": b.user,
                     "data": sc.b64e(os.urandom(60))},
                 "not_authenticated", "message before confirm", 3)
    await expect(c, {"type": "rotate"}, "not_authenticated",
                 "rotate before confirm")
    await b.send({"type": "who"})
    await b.pump(lambda x: any(f.get("type") == "online" for f in x.others))
    tap.eq(b.received, [], "nothing reached the recipient")
    await c.close()
    await b.close()


async def case_limits(d, users):
    a, b = users[0].client(d), users[1].client(d)
    await a.login()
    await b.login()
    await a.send("x" * 5000)
    f = await a.next_frame()
    tap.eq(f.get("code"), "frame_too_large", "a 5000-byte frame (max 4K) -> frame_too_large")
    ids = [await a.message(b.user, b"%d" % i) for i in range(10)]
    await a.pump(lambda c: all(i in c.deliveries for i in ids))
    codes = [a.deliveries[i].get("code") for i in ids]
    tap.ok(codes[:3] == [None] * 3 and "rate_limited" in codes,
           "rate 2/s, burst 3: the burst passes, then rate_limited", codes)
    n = codes.count(None)
    await b.pump(lambda c: len(c.received) >= n)
    tap.eq(len(b.received), n, "exactly the delivered ones arrived")
    for _ in range(4):
        await a.send({"type": "rotate"})
    fs = [await a.next_frame() for _ in range(4)]
    tap.ok(any(f.get("code") == "rate_limited" for f in fs),
           "rotate beyond the rate -> error rate_limited",
           [f.get("type") + ":" + str(f.get("code")) for f in fs])
    await a.close()
    await b.close()

    c = users[0].client(d)
    await c.open()
    await expect_close(c, 1008, "no hello within handshake_timeout",
                       "handshake_timeout")


async def case_subprotocol(d, users):
    for protos, desc in (((), "no subprotocol"), (("chat",), "wrong subprotocol")):
        c = users[0].client(d)
        try:
            ws = await c.open(subprotocols=protos)
            try:
                await asyncio.wait_for(ws.recv(), 10)
                tap.ok(False, desc + ": refused", "a frame arrived")
            except websockets.ConnectionClosed:
                tap.ok(True, desc + ": refused (closed)")
        except (websockets.InvalidHandshake, OSError) as e:
            tap.ok(True, desc + ": refused (%s)" % type(e).__name__)


def main():
    users = [h.User(h.uniq(n)) for n in ("alice", "bob")]
    stranger = h.User(h.uniq("eve"))
    path = h.users_file(users)
    # keep message 1 for the replay case
    orig = sc.Handshake.message1

    def message1(self):
        self._msg1 = orig(self)
        return self._msg1
    sc.Handshake.message1 = message1
    d = h.Daemon("--users", path, "--rate", "0", "--user-rate", "0")
    try:
        h.run_case(tap, "pre-auth", lambda: case_preauth(d, users))
        h.run_case(tap, "handshakes",
                   lambda: case_handshake_failures(d, users, stranger))
        h.run_case(tap, "messages", lambda: case_messages(d, users))
        h.run_case(tap, "unauthenticated", lambda: case_unauthenticated(d, users))
        h.run_case(tap, "subprotocol", lambda: case_subprotocol(d, users))
        errs = d.events("auth_failure")
        tap.ok(len(errs) >= 8, "audit: auth_failure lines (%d)" % len(errs))
        tap.ok(not any("handshake=" in l or "data=" in l for l in d.log().splitlines()),
               "audit: no handshake or message data logged")
    finally:
        d.cleanup()
    d = h.Daemon("--users", path, "--max-frame", "4K", "--rate", "2",
                 "--burst", "3", "--user-rate", "0", "--handshake-timeout", "2")
    try:
        h.run_case(tap, "limits", lambda: case_limits(d, users))
        tap.ok(d.events("rate_limited"), "audit: rate_limited logged")
    finally:
        d.cleanup()
    os.unlink(path)
    return tap.done()


sys.exit(main())
