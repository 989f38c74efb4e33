#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Runs in the VM for web/test/browser/browser_test.py.

vm-server.py PORT CONTROL_PORT IDENTITY USERS WWW: start daemon/secmsgd
on PORT (all addresses: the host reaches it through vm-run's port
forwarding) with the server key IDENTITY, the users file USERS,
registration on first use and the web page from the directory WWW
(served on PORT too); print "secmsgd ready" once it listens; then
wait for "stop" on CONTROL_PORT (also forwarded), stop secmsgd with
SIGTERM (every client gets bye shutdown) and exit with its status, so
that vm-run's kernel-log scan and module unload follow.
"""
import os
import signal
import socket
import subprocess
import sys
import time

port, control, identity, users, www = sys.argv[1:6]
top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
log = open("/tmp/secmsgd.log", "w")
d = subprocess.Popen([os.path.join(top, "daemon/secmsgd"), "--port", port,
                      "--identity", identity, "--users", users,
                      "--register", "--www", www], stdout=log, stderr=log)
for _ in range(600):
    try:
        socket.create_connection(("127.0.0.1", int(port)), 1).close()
        break
    except OSError:
        if d.poll() is not None:
            break
        time.sleep(0.1)
if d.poll() is not None:
    print("secmsgd exited:", open("/tmp/secmsgd.log").read(), file=sys.stderr)
    sys.exit(1)
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("0.0.0.0", int(control)))
ls.listen(1)
print("secmsgd ready", flush=True)
while True:
    c, _ = ls.accept()
    if c.recv(16).startswith(b"stop"):
        break
    c.close()
d.send_signal(signal.SIGTERM)
rc = d.wait(timeout=60)
c.sendall(b"stopped %d\n" % rc)
c.close()
log.close()
sys.stderr.write(open("/tmp/secmsgd.log").read()[-2000:])
sys.exit(rc)
