#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""secmsgd serves the web page on its WebSocket port (the www key): the
files of web/stage-www with their types and headers, 404 for what is not
there and for paths that leave the directory, WebSocket clients on the
same port meanwhile, the same over TLS (https:// and wss://), www = off
(plain HTTP is 404 again), and a directory that cannot be served refused
at start."""
import asyncio
import http.client
import os
import ssl
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

h.require_vm()
tap = h.Tap()
STAGE = os.path.join(h.ROOT, "web", "stage-www")


def get(port, path, ctx=None):
    """GET path as it is (no normalisation): (status, headers, body)."""
    if ctx:
        c = http.client.HTTPSConnection("127.0.0.1", port, timeout=30,
                                        context=ctx)
    else:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def read(path):
    with open(path, "rb") as f:
        return f.read()


async def chat(d, users, ctx=None):
    """Two clients on d's port: one message goes through."""
    a = users[0].client(d, ssl=ctx) if ctx else users[0].client(d)
    b = users[1].client(d, ssl=ctx) if ctx else users[1].client(d)
    await a.login()
    await b.login()
    await a.message(b.user, b"next to the page")
    await b.pump(lambda c: c.received)
    await a.close()
    await b.close()
    return b.received == [(a.user, b"next to the page")]


async def case_served(users, path, www):
    d = h.Daemon("--users", path, "--www", www)
    loop = asyncio.get_running_loop()
    try:
        tap.ok(d.events("started") and
               "www=%s" % os.path.realpath(www) in d.events("started")[0],
               "started says which directory it serves", d.events("started"))
        st, hd, body = await loop.run_in_executor(None, get, d.port, "/")
        tap.ok(st == 200 and body == read(os.path.join(www, "index.html")) and
               hd.get("content-type", "").startswith("text/html"),
               "GET /: index.html, text/html", st, hd)
        tap.ok(hd.get("x-content-type-options") == "nosniff" and
               hd.get("referrer-policy") == "no-referrer" and
               "frame-ancestors 'none'" in
               hd.get("content-security-policy", ""),
               "its headers: nosniff, no referrer, not framed", hd)
        for f in ("app.js", "lib/secmsg.js", "lib/client.js",
                  "vendor/@noble/curves/ed25519.js"):
            st, hd, body = await loop.run_in_executor(None, get, d.port,
                                                      "/" + f)
            tap.ok(st == 200 and body == read(os.path.join(www, f)) and
                   "javascript" in hd.get("content-type", ""),
                   "GET /%s: the file, as JavaScript (a module script)" % f,
                   st, hd)
        st, hd, body = await loop.run_in_executor(None, get, d.port,
                                                  "/style.css")
        tap.ok(st == 200 and hd.get("content-type", "").startswith("text/css"),
               "GET /style.css: text/css", st, hd)
        st, _, _ = await loop.run_in_executor(None, get, d.port, "/nothere.js")
        tap.eq(st, 404, "a file that is not there: 404")
        secret = os.path.join(os.path.dirname(www), "secret.txt")
        with open(secret, "w") as f:
            f.write("not for the web\n")
        for p in ("/../secret.txt", "/lib/../../secret.txt",
                  "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                  "/../../../../etc/passwd"):
            st, _, body = await loop.run_in_executor(None, get, d.port, p)
            tap.ok(st != 200 and b"not for the web" not in body and
                   b"root:" not in body,
                   "GET %s: nothing outside the directory (%d)" % (p, st))
        tap.ok(await chat(d, users),
               "WebSocket clients on the same port chat meanwhile")
        tap.ok(d.proc.poll() is None, "secmsgd still runs")
    finally:
        d.cleanup()


async def case_tls(users, path, www, tmpdir):
    cert, key = os.path.join(tmpdir, "cert.pem"), os.path.join(tmpdir, "key.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "2",
                        "-subj", "/CN=localhost"], capture_output=True)
    tap.ok(r.returncode == 0, "openssl makes a certificate", r.stderr)
    if r.returncode:
        return
    d = h.Daemon("--users", path, "--www", www, "--tls-cert", cert,
                 "--tls-key", key)
    loop = asyncio.get_running_loop()
    try:
        ctx = ssl.create_default_context(cafile=cert)
        ctx.check_hostname = False
        d.url = "wss://127.0.0.1:%d/" % d.port
        st, hd, body = await loop.run_in_executor(None, get, d.port,
                                                  "/index.html", ctx)
        tap.ok(st == 200 and body == read(os.path.join(www, "index.html")),
               "https://: the page over the same TLS", st, hd)
        tap.ok(await chat(d, users, ctx), "wss://: clients chat on the same port")
        try:
            st, _, _ = await loop.run_in_executor(None, get, d.port, "/")
            tap.ok(False, "plain http:// to a TLS port is refused (%d)" % st)
        except (OSError, http.client.HTTPException):
            tap.ok(True, "plain http:// to a TLS port is refused")
    finally:
        d.cleanup()


async def case_off(users, path, www, tmpdir):
    d = h.Daemon("--users", path, "--www", "off")
    loop = asyncio.get_running_loop()
    try:
        st, _, body = await loop.run_in_executor(None, get, d.port, "/")
        tap.ok(st == 404 and b"WebSocket" in body,
               "www = off: plain HTTP is 404, with a hint", st, body)
        tap.ok(d.events("started") and "www=off" in d.events("started")[0],
               "started says www=off")
        tap.ok(await chat(d, users), "www = off: clients chat")
    finally:
        d.cleanup()
    # the key from a configuration file
    conf = os.path.join(tmpdir, "www.conf")
    with open(conf, "w") as f:
        f.write('www = "%s"\n' % www)
    d = h.Daemon("-c", conf, "--users", path)
    try:
        st, _, body = await loop.run_in_executor(None, get, d.port, "/")
        tap.ok(st == 200 and body == read(os.path.join(www, "index.html")),
               "www in the configuration file: served", st)
    finally:
        d.cleanup()


def case_bad(tmpdir):
    empty = os.path.join(tmpdir, "empty")
    os.mkdir(empty)
    for arg, words, what in (
            (os.path.join(tmpdir, "missing"), "missing/index.html",
             "a directory that is not there"),
            (empty, "empty/index.html", "a directory without index.html"),
            ("relative/www", "absolute path", "a relative path")):
        r = subprocess.run([h.SECMSGD, "--port", str(h.free_port()),
                            "--www", arg], capture_output=True, text=True,
                           timeout=60)
        tap.ok(r.returncode != 0 and words in r.stderr,
               "www = %s: refused at start, said so" % what,
               r.returncode, r.stderr)


def main():
    if not os.path.isdir(os.path.join(h.ROOT, "web", "node_modules", "@noble")):
        tap.ok(False, "web/node_modules is there (npm ci --prefix web)")
        return tap.done()
    users = [h.User(h.uniq(n)) for n in ("alice", "bob")]
    path = h.users_file(users)
    tmpdir = tempfile.mkdtemp(prefix="secmsgd-www-")
    www = os.path.join(tmpdir, "www")
    r = subprocess.run([STAGE, www], capture_output=True, text=True)
    if not tap.ok(r.returncode == 0, "web/stage-www lays out the page",
                  r.stderr):
        return tap.done()
    for name, fn in (
            ("served", lambda: case_served(users, path, www)),
            ("tls", lambda: case_tls(users, path, www, tmpdir)),
            ("off", lambda: case_off(users, path, www, tmpdir))):
        h.run_case(tap, name, fn)
    case_bad(tmpdir)
    subprocess.run(["rm", "-rf", tmpdir])
    os.unlink(path)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
