#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""The web page in headless Chromium, as people use it.  TAP.

    browser_test.py vm        secmsgd and secmsg.ko in a VM (tools/vm-run,
                              the port forwarded as make run does)
    browser_test.py fakesrv   the host stand-in for secmsgd (SAN=-san: its
                              sanitizer build, and secmsg-client's)

The page (web/stage-www) is served by secmsgd itself, on its WebSocket
port (with fakesrv, which serves no page, from the host); Chromium
(Debian's, driven by chromedriver through python3-selenium) loads it
there and connects to the server's WebSocket port.  Every wait is for a
condition on the page, with a generous limit (the VM is slow, more so
on a loaded machine).  Two browser sessions log in (one creates its
key and registers on first use, the other imports a key file made by
secmsg-client keygen), see each other come online, chat, change the
algorithm to each of the three and rotate keys mid-conversation, see
delivery results (also failures: unknown and offline recipients); a
browser user and a secmsg-client user talk both ways; a wrong
passphrase, a changed server key, an unknown user and a server that is
not the pinned one are refused with words a person understands; the
server shutting down is shown.  SCREENSHOT=FILE saves a picture of a
conversation there (README.md shows docs/web-client.png, taken so).
"""
import base64
import functools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))
MODE = sys.argv[1] if len(sys.argv) > 1 else "vm"
SAN = os.environ.get("SAN", "")
CLIENT = os.path.join(TOP, "tools/secmsg-client/secmsg-client" + SAN)
FAKESRV = os.path.join(TOP, "tools/secmsg-client/tests/fakesrv" + SAN)
PASS = "correct horse battery"
WAIT = 90 if MODE == "vm" else 30
ALGS = {"aes_256_gcm": "AES-256-GCM",
        "chacha20_poly1305": "ChaCha20-Poly1305",
        "twofish_cbc": "Twofish-256-CBC + HMAC-SHA256"}

n_tests = 0
n_failed = 0


def ok(cond, what, detail=""):
    global n_tests, n_failed
    n_tests += 1
    if cond:
        print(f"ok {n_tests} - {what}", flush=True)
    else:
        n_failed += 1
        print(f"not ok {n_tests} - {what}", flush=True)
        for line in str(detail).splitlines()[:20]:
            print(f"# {line}", flush=True)
    return cond


def diag(msg):
    print(f"# {msg}", flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def b64(b):
    return base64.b64encode(b).decode()


def new_identity(path):
    k = X25519PrivateKey.generate()
    raw = k.private_bytes(serialization.Encoding.Raw,
                          serialization.PrivateFormat.Raw,
                          serialization.NoEncryption())
    with open(path, "wb") as f:
        f.write(raw)
    return b64(k.public_key().public_bytes(serialization.Encoding.Raw,
                                           serialization.PublicFormat.Raw))


class VmServer:
    """secmsgd and secmsg.ko in a VM, ports forwarded (tools/vm-run)."""

    def __init__(self, tmp, users, www):
        self.port, self.control = free_port(), free_port()
        ident = os.path.join(tmp, "server.key")
        self.pub = new_identity(ident)
        ufile = os.path.join(tmp, "users")
        with open(ufile, "w") as f:
            f.writelines(f"{u} {k}\n" for u, k in users.items())
        self.err = open(os.path.join(tmp, "vm-run.err"), "w+")
        self.p = subprocess.Popen(
            [os.path.join(TOP, "tools/vm-run"), "--port", str(self.port),
             "--port", str(self.control), "--timeout", "1200", "--",
             os.path.join(TOP, "web/test/browser/vm-server.py"),
             str(self.port), str(self.control), ident, ufile, www],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self.err, text=True)
        line = self.p.stdout.readline()    # vm-run's --timeout bounds it
        if line.strip() != "secmsgd ready":
            self.p.wait(timeout=60)
            self.err.seek(0)
            raise RuntimeError("the VM did not start secmsgd: " + line +
                               self.err.read()[-3000:])

    stopped = False

    def stop(self):
        self.stopped = True
        s = socket.create_connection(("127.0.0.1", self.control), 30)
        s.sendall(b"stop\n")
        s.settimeout(120)
        reply = s.recv(64).decode()
        s.close()
        rc = self.p.wait(timeout=300)
        self.err.seek(0)
        return rc, reply + self.err.read()[-3000:]


class FakeServer:
    """The host stand-in for secmsgd, tools/secmsg-client/tests/fakesrv."""

    def __init__(self, tmp, users, www):
        self.port = free_port()
        self.httpd = serve_page(www)    # fakesrv serves no page
        ident = os.path.join(tmp, "server.key")
        self.pub = new_identity(ident)
        self.p = subprocess.Popen(
            [FAKESRV, str(self.port), ident, "--register"] +
            [f"{u}={k}" for u, k in users.items()],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline().strip()
        if line != self.pub:
            raise RuntimeError(f"fakesrv printed {line!r}")

    stopped = False

    def stop(self):
        self.stopped = True
        self.httpd.shutdown()
        self.p.send_signal(signal.SIGTERM)
        rc = self.p.wait(timeout=60)
        return rc, self.p.stderr.read()[-3000:]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


def serve_page(directory):
    httpd = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=directory))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def browser(tmp, name):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ["--headless", "--no-sandbox", "--disable-gpu",
              "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--window-size=1100,720",
              "--user-data-dir=" + tempfile.mkdtemp(prefix=name, dir=tmp)]:
        o.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"),
                            options=o)


def wait(cond, what, timeout=None):
    end = time.time() + (timeout or WAIT)
    last = None
    while time.time() < end:
        try:
            v = cond()
            if v:
                return v
        except Exception as e:  # noqa: BLE001 (element not there yet)
            last = e
        time.sleep(0.1)
    raise TimeoutError(f"waiting for {what}" + (f": {last}" if last else ""))


def el(d, id_):
    return d.find_element(By.ID, id_)


def txt(d, id_):
    return el(d, id_).text


def typ(d, id_, value):
    e = el(d, id_)
    e.clear()
    e.send_keys(value)


def open_page(d, url, srv):
    """The page, with the server key to pin; the server's address only
    when the page comes from elsewhere (secmsgd's own page connects to
    where it came from)."""
    q = {"key": srv.pub}
    if MODE != "vm":
        q["server"] = f"ws://127.0.0.1:{srv.port}/"
    q = urllib.parse.urlencode(q)
    d.get(f"{url}?{q}")
    wait(lambda: d.execute_script("return document.body.dataset.ready"),
         "the page")


def fill_login(d, user, passphrase, key=None, alg="aes_256_gcm",
               register=False):
    typ(d, "user", user)
    typ(d, "pass", passphrase)
    if key is not None:
        typ(d, "serverkey", key)
    Select(el(d, "alg")).select_by_value(alg)
    if el(d, "register").is_selected() != register:
        el(d, "register").click()


def login(d, *a, **kw):
    fill_login(d, *a, **kw)
    el(d, "login-button").click()
    wait(lambda: txt(d, "status").startswith("Logged in") or
         txt(d, "alert"), "login")
    return txt(d, "status"), txt(d, "alert")


def alert_after_login(d, *a, **kw):
    fill_login(d, *a, **kw)
    el(d, "alert").get_attribute("hidden")
    d.execute_script("document.getElementById('alert').textContent = ''")
    el(d, "login-button").click()
    return wait(lambda: txt(d, "alert"), "an alert")


def people(d):
    return [e.text for e in d.find_elements(By.CSS_SELECTOR, "#people button")]


def pick(d, user):
    """Open the conversation with user (the list re-renders on presence)."""
    def once():
        for b in d.find_elements(By.CSS_SELECTOR, "#people button"):
            if b.text.split(" ")[0] == user:
                b.click()
                return True
        typ(d, "to", user)
        el(d, "to").submit()
        return True
    wait(once, f"the conversation with {user}")
    wait(lambda: txt(d, "conv-h") == f"Conversation with {user}",
         f"the conversation with {user}")


def say(d, text):
    typ(d, "text", text)
    el(d, "send").click()


def messages(d):
    return [(e.find_element(By.CLASS_NAME, "text").text, e.text)
            for e in d.find_elements(By.CSS_SELECTOR, "#messages li")]


def last_delivery(d):
    return d.find_elements(By.CSS_SELECTOR, "#messages li.mine .delivery")[-1].text


def step(what, fn):
    """Run one step; a failure is a not ok with the reason."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001
        ok(False, what, repr(e))
        return None


def main():
    tmp = tempfile.mkdtemp(prefix="secmsg-browser.")
    passfile = os.path.join(tmp, "pass")
    with open(passfile, "w") as f:
        f.write(PASS + "\n")
    keys = {}
    for u in ("bob", "dave"):
        path = os.path.join(tmp, f"{u}.key")
        r = subprocess.run([CLIENT, "keygen", "-o", path, "--passphrase-file",
                            passfile], capture_output=True, text=True,
                           check=False)
        if r.returncode:
            print("1..1\nnot ok 1 - secmsg-client keygen: " + r.stderr)
            return 1
        keys[u] = (path, r.stdout.strip())
    www = os.path.join(tmp, "www")
    subprocess.run([os.path.join(TOP, "web/stage-www"), www], check=True)
    t0 = time.time()
    srv = (VmServer if MODE == "vm" else FakeServer)(
        tmp, {u: k[1] for u, k in keys.items()}, www)
    if MODE == "vm":
        url = f"http://127.0.0.1:{srv.port}/"
    else:
        url = f"http://127.0.0.1:{srv.httpd.server_address[1]}/index.html"
    diag(f"server: {MODE} up in {time.time() - t0:.0f} s on port "
         f"{srv.port}; page: {url}")
    drivers = []
    try:
        if MODE == "vm":
            with urllib.request.urlopen(url, timeout=WAIT) as r:
                page = r.read()
            with open(os.path.join(www, "index.html"), "rb") as f:
                ok(r.status == 200 and page == f.read(),
                   "secmsgd serves the page on its WebSocket port")
        run(tmp, srv, url, keys, drivers, passfile)
    except Exception as e:  # noqa: BLE001
        ok(False, "the browser test ran to its end", repr(e))
    finally:
        for d in drivers:
            d.quit()
        if not srv.stopped:
            srv.stop()
    print(f"1..{n_tests}")
    return 1 if n_failed else 0


def run(tmp, srv, url, keys, drivers, passfile):
    a = browser(tmp, "alice")
    b = browser(tmp, "bob")
    drivers += [a, b]
    open_page(a, url, srv)
    open_page(b, url, srv)

    # alice: first use, a new key in this browser, registered on first use
    def new_key():
        typ(a, "user", "alice")
        typ(a, "pass", PASS)
        el(a, "newkey").click()
        return wait(lambda: txt(a, "pubkey"), "the public key")
    pub = step("alice creates a key", new_key)
    ok(pub and len(base64.b64decode(pub)) == 32,
       "a new key: its public key is shown to register", pub)
    st, al = login(a, "alice", PASS, register=True)
    ok(st == "Logged in as alice", "alice registers on first use and logs in",
       al)
    ok(txt(a, "s-alg") == ALGS["aes_256_gcm"] and txt(a, "s-epoch") == "0",
       "the session's algorithm and epoch are shown")

    # bob: imports a key file of secmsg-client keygen; a wrong passphrase
    def import_bob():
        typ(b, "user", "bob")
        typ(b, "pass", PASS)
        el(b, "import").send_keys(keys["bob"][0])
        return wait(lambda: txt(b, "pubkey"), "bob's public key")
    ok(step("import", import_bob) == keys["bob"][1],
       "bob imports secmsg-client's key file: the same public key")
    al = step("wrong passphrase", lambda: alert_after_login(
        b, "bob", "not the passphrase", alg="chacha20_poly1305"))
    ok(al and al.startswith("Wrong passphrase"),
       "a wrong passphrase is refused in words", al)
    st, al = login(b, "bob", PASS, alg="chacha20_poly1305")
    ok(st == "Logged in as bob", "bob logs in (ChaCha20-Poly1305)", al)

    # presence both ways
    ok(step("presence", lambda: wait(lambda: "bob" in people(a),
                                     "bob online")),
       "alice sees bob come online")
    ok("alice" in people(b), "bob sees alice online")

    # chat, delivery
    def first_message():
        pick(a, "bob")
        say(a, "Hello Bob, this is Alice.")
        wait(lambda: last_delivery(a) == "delivered", "delivered")
        wait(lambda: any(p.startswith("alice (1 new)") for p in people(b)),
             "unread count")
        pick(b, "alice")
        return wait(lambda: messages(b), "bob's messages")
    got = step("first message", first_message)
    ok(got and got[-1][0] == "Hello Bob, this is Alice." and
       "ChaCha20-Poly1305, epoch 0" in got[-1][1],
       "bob reads alice's message, sealed under his own session", got)
    ok(got and last_delivery(a) == "delivered",
       "alice sees it delivered")

    # each algorithm, changed mid-conversation; then a plain rotation
    epoch = 0
    for alg, name in [("chacha20_poly1305", ALGS["chacha20_poly1305"]),
                      ("twofish_cbc", ALGS["twofish_cbc"]),
                      ("aes_256_gcm", ALGS["aes_256_gcm"])]:
        def change(alg=alg, name=name, e=epoch + 1):
            Select(el(a, "newalg")).select_by_value(alg)
            el(a, "changealg").click()
            wait(lambda: txt(a, "s-alg") == name and
                 txt(a, "s-epoch") == str(e), f"{name} at epoch {e}")
            say(a, f"Now under {name}.")
            wait(lambda: messages(b)[-1][0] == f"Now under {name}.",
                 "bob gets it")
            say(b, f"Read you under {name}.")
            wait(lambda: messages(a)[-1][0] == f"Read you under {name}.",
                 "alice gets the reply")
            return messages(a)[-1][1], last_delivery(a), last_delivery(b)
        r = step(f"change to {alg}", change)
        epoch += 1
        ok(r and f"{name}, epoch {epoch}" in r[0] and r[1] == r[2] ==
           "delivered",
           f"alice changes the algorithm to {alg}: epoch {epoch}, both ways "
           "delivered", r)

    def rotate():
        el(b, "rotate").click()
        wait(lambda: txt(b, "s-epoch") == "1", "bob's epoch 1")
        say(b, "Keys rotated on my side.")
        wait(lambda: messages(a)[-1][0] == "Keys rotated on my side.",
             "alice gets it")
        return txt(b, "s-alg"), last_delivery(b)
    r = step("rotate", rotate)
    ok(r == (ALGS["chacha20_poly1305"], "delivered"),
       "bob rotates keys mid-conversation: epoch 1, same algorithm", r)

    # delivery failures
    def fail_to(user):
        pick(a, user)
        say(a, "Are you there?")
        wait(lambda: last_delivery(a).startswith("not delivered"),
             "a failure")
        return last_delivery(a)
    r = step("offline", lambda: fail_to("dave"))
    ok(r == "not delivered: dave is not online.",
       "an offline recipient: not delivered, said so", r)
    r = step("unknown", lambda: fail_to("carol"))
    ok(r == "not delivered: There is no user “carol”.",
       "an unknown recipient: not delivered, said so", r)

    # a secmsg-client user and a browser user
    env = dict(os.environ, SECMSG_SERVER_KEY=srv.pub)
    cli = [CLIENT, "-u", f"ws://127.0.0.1:{srv.port}", "-k", keys["dave"][0],
           "--passphrase-file", passfile, "-T", str(WAIT)]
    r = subprocess.run(cli + ["-a", "twofish_cbc", "--send", "alice",
                              "Hello from secmsg-client", "dave"],
                       env=env, capture_output=True, text=True, check=False)
    ok(r.returncode == 0, "secmsg-client (dave) sends to alice", r.stderr)
    pick(a, "dave")
    got = step("dave's message", lambda: wait(
        lambda: [m for m in messages(a)
                 if m[0] == "Hello from secmsg-client"], "dave's message"))
    ok(got, "alice reads secmsg-client's message in the page")
    recv = subprocess.Popen(cli + ["--recv", "1", "--json", "dave"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    step("dave online", lambda: wait(lambda: "dave" in people(a),
                                     "dave online"))
    say(a, "Hello dave, from the browser")
    try:
        out, err = recv.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        recv.kill()
        out, err = recv.communicate()
    msgs = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
    msgs = [m for m in msgs if m.get("event") == "message"]
    ok(recv.returncode == 0 and msgs and
       msgs[0]["text"] == "Hello dave, from the browser" and
       msgs[0]["from"] == "alice",
       "secmsg-client receives the browser user's message", out + err)

    # the picture for README.md: alice's conversation with bob
    pick(a, "bob")
    shot = os.environ.get("SCREENSHOT") or os.path.join(tmp, "shot.png")
    ok(a.save_screenshot(shot) and os.path.getsize(shot) > 10000,
       f"a screenshot of the conversation ({os.path.relpath(shot, TOP)})")

    # bob logs out: alice sees it; then a changed server key is refused
    el(b, "logout").click()
    ok(step("offline", lambda: wait(lambda: "bob" not in people(a) and
                                    not el(b, "login").get_attribute("hidden")
                                    is not None, "bob offline")) is not None,
       "bob logs out; alice sees him go offline")
    other = b64(os.urandom(31) + b"\x01")
    al = step("changed key", lambda: alert_after_login(
        b, "bob", PASS, key=other))
    ok(al and al.startswith("The server key changed"),
       "a changed server key is refused before connecting", al)

    # a fresh browser: an unknown user; a server that is not the pinned one
    c = browser(tmp, "carol")
    drivers.append(c)
    open_page(c, url, srv)

    def unknown():
        typ(c, "user", "eve")
        typ(c, "pass", PASS)
        el(c, "newkey").click()
        wait(lambda: txt(c, "pubkey"), "eve's key")
        return alert_after_login(c, "eve", PASS)
    al = step("unknown user", unknown)
    ok(al and al.startswith("The server does not know the user “eve”"),
       "an unknown user (not registered) is told so", al)

    def not_pinned():
        typ(c, "user", "dave")
        typ(c, "pass", PASS)
        el(c, "import").send_keys(keys["dave"][0])
        wait(lambda: txt(c, "pubkey") == keys["dave"][1], "dave's key")
        return alert_after_login(c, "dave", PASS, key=other)
    al = step("wrong server key", not_pinned)
    ok(al and al.startswith("The server refused the login"),
       "a server key that is not the server's: the login is refused", al)

    # the server goes away
    rc, log = srv.stop()
    ok(rc == 0, f"{MODE}: the server stops cleanly (status {rc})", log)
    al = step("shutdown", lambda: wait(lambda: txt(a, "alert"), "alert"))
    ok(al == "The server is shutting down.",
       "alice is told that the server is shutting down", al)


if __name__ == "__main__":
    sys.exit(main())
