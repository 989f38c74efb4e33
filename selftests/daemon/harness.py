# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Helpers of the secmsgd VM tests: TAP output, a daemon under test, users.

Every test script prints TAP (one "ok N - ..." line per check and the
plan last) and exits 0 when everything passed, 4 when skipped.
"""
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SECMSGD = os.path.join(ROOT, "daemon", "secmsgd")
SECMSGCTL = os.path.join(ROOT, "tools", "secmsgctl", "secmsgctl")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools", "tests"))
import secmsg_client as sc  # noqa: E402
from tap import Tap  # noqa: E402,F401  (h.Tap for the test scripts)


def skip_all(why):
    print("TAP version 13\n1..0 # SKIP %s" % why, flush=True)
    sys.exit(4)


def require_vm():
    if os.environ.get("VM_RUN") != "1" and not os.environ.get("SECMSGD_TEST_HOST"):
        skip_all("not inside tools/vm-run (set SECMSGD_TEST_HOST=1 to force)")
    if not os.path.exists("/sys/module/secmsg"):
        skip_all("secmsg.ko is not loaded")
    if not os.access(SECMSGD, os.X_OK):
        skip_all("daemon/secmsgd is not built")


_next_port = [18000 + os.getpid() % 1000 * 10]


def free_port():
    _next_port[0] += 1
    return _next_port[0]


class Daemon:
    """One secmsgd process with its audit log in a file."""

    def __init__(self, *args, port=None, env=None):
        self.port = port or free_port()
        self.args = [SECMSGD, "--port", str(self.port)] + [str(a) for a in args]
        self.logf = tempfile.NamedTemporaryFile(
            prefix="secmsgd-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            self.args, stdout=subprocess.PIPE, stderr=self.logf,
            stdin=subprocess.DEVNULL, env=env)
        line = self.proc.stdout.readline().decode()
        m = re.match(r"secmsgd: server public key (\S+)", line)
        if not m:
            self.proc.wait(10)
            raise RuntimeError("secmsgd did not start: %r\n%s" %
                               (line, self.log()))
        self.pubkey_b64 = m.group(1)
        self.pubkey = sc.b64d(self.pubkey_b64)
        self.url = "ws://127.0.0.1:%d/" % self.port
        # the listener is up once "started" is logged
        for _ in range(200):
            if "event=started" in self.log():
                break
            if self.proc.poll() is not None:
                raise RuntimeError("secmsgd exited: %s" % self.log())
            time.sleep(0.05)

    @property
    def pid(self):
        return self.proc.pid

    def log(self):
        with open(self.logf.name, errors="replace") as f:
            return f.read()

    def events(self, name):
        return [l for l in self.log().splitlines()
                if " event=%s " % name in l + " "]

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def cleanup(self):
        self.stop(signal.SIGKILL)
        try:
            os.unlink(self.logf.name)
        except OSError:
            pass


class User:
    def __init__(self, name, priv=None):
        self.name = name
        self.priv, self.pub = sc.x25519_pair(priv)

    def client(self, d, alg="aes_256_gcm", **kw):
        return sc.Client(d.url, self.name, self.priv, d.pubkey, alg, **kw)


def users_file(users, path=None):
    path = path or tempfile.mktemp(prefix="secmsgd-users-")
    with open(path, "w") as f:
        f.write("# secmsgd test users\n")
        for u in users:
            f.write("%s %s\n" % (u.name, sc.b64e(u.pub)))
    return path


def uniq(prefix):
    return "%s%d%s" % (prefix, os.getpid(), os.urandom(3).hex())


def sessions():
    """The kernel's sessions (secmsgctl -j session list)."""
    out = subprocess.run([SECMSGCTL, "-j", "session", "list"],
                         capture_output=True, text=True, check=True).stdout
    data = json.loads(out) if out.strip() else []
    if isinstance(data, dict):
        data = data.get("sessions", [])
    return data


def metrics(port, host="127.0.0.1", timeout=30):
    """secmsgd's /metrics on host:port: {series with labels: value}."""
    with urllib.request.urlopen("http://%s:%d/metrics" % (host, port),
                                timeout=timeout) as r:
        vals = {}
        for line in r.read().decode().splitlines():
            if line and not line.startswith("#"):
                k, v = line.rsplit(" ", 1)
                vals[k] = float(v)
        return vals


def run_case(tap, name, fn, daemon=None, timeout=240):
    """Run one async test case; an exception is one failed check (with the
    end of the daemon's log)."""
    try:
        asyncio.run(asyncio.wait_for(fn(), timeout))
    except Exception:
        log = daemon.log().splitlines()[-15:] if daemon else []
        tap.ok(False, "%s: no exception" % name, traceback.format_exc(),
               "secmsgd log:", *log)


def scan_memory(pid, needles):
    """-> ({needle: [addresses]}, bytes scanned) over every readable
    mapping of process pid (/proc/PID/maps and /proc/PID/mem)."""
    found = {n: [] for n in needles}
    total = 0
    with open("/proc/%d/maps" % pid) as maps, \
            open("/proc/%d/mem" % pid, "rb", 0) as mem:
        for line in maps:
            parts = line.split()
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            if "r" not in parts[1] or (len(parts) > 5 and parts[5] == "[vvar]"):
                continue
            try:
                mem.seek(lo)
                data = mem.read(hi - lo)
            except (OSError, ValueError, OverflowError):
                continue
            total += len(data)
            for n in needles:
                i = data.find(n)
                while i >= 0:
                    found[n].append(lo + i)
                    i = data.find(n, i + 1)
    return found, total
