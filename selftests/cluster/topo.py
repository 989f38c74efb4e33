# SPDX-License-Identifier: GPL-2.0 OR MIT
"""A secmsg cluster inside the VM, for the cluster tests and make run NODES=N.

Network (made here, removed by Topo.cleanup()):

    root namespace: bridge smbr0 10.77.0.1/24
      nats j (netns smsJ): eth0 10.77.0.2J on the bridge, one nats-server
                           (JetStream on, clustered with the others)
      node i (netns smnI): eth0 10.77.0.1I on the bridge (NATS and the
                           other nodes), cli0 10.88.I.2/30 on a point-to-
                           point veth to the root namespace (10.88.I.1),
                           where clients connect: ws://10.88.I.2:8765/

so that cutting a node's bridge link (partition()) separates it from
NATS and the other nodes but not from its own clients.  Each node
namespace has its own secmsg.ko state; every node imports the same
server identity, its own node key, and the same peers file.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "selftests", "daemon"))
import harness  # noqa: E402

SECMSGD = os.path.join(ROOT, "daemon", "secmsgd")
PORT = 8765


def sh(*args, check=True, ns=None, **kw):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + [str(a) for a in args]
    return subprocess.run(cmd, check=check, capture_output=True, text=True,
                          **kw)


def nats_server():
    for d in os.environ.get("PATH", "").split(":") + ["/usr/sbin", "/usr/bin"]:
        p = os.path.join(d, "nats-server")
        if os.access(p, os.X_OK):
            return p
    return None


def x25519_keypair():
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives import serialization as s
    k = X25519PrivateKey.generate()
    priv = k.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw,
                           s.NoEncryption())
    pub = k.public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)
    return priv, pub


def b64(b):
    import base64
    return base64.b64encode(b).decode()


class Nats:
    def __init__(self, topo, j):
        self.j = j
        self.ns = "sms%d" % j
        self.ip = "10.77.0.2%d" % j
        self.url = "nats://%s:4222" % self.ip
        self.dir = os.path.join(topo.dir, "s%d" % j)
        self.conf = self.dir + ".conf"
        self.log = self.dir + ".log"
        self.proc = None
        routes = ", ".join("nats-route://10.77.0.2%d:6222" % k
                           for k in range(1, topo.nnats + 1))
        # a lone server with a cluster block waits for a JetStream meta
        # leader that never comes: it is no cluster
        cluster = """cluster {
  name: secmsg
  listen: %s:6222
  routes: [ %s ]
}
""" % (self.ip, routes) if topo.nnats > 1 else ""
        os.makedirs(self.dir, exist_ok=True)
        with open(self.conf, "w") as f:
            f.write("""server_name: s%d
listen: %s:4222
http: %s:8222
max_payload: 1MB
jetstream { store_dir: "%s", max_memory_store: 64MB, max_file_store: 256MB }
%s""" % (j, self.ip, self.ip, self.dir, cluster))

    def start(self):
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, nats_server(), "-c", self.conf,
             "-l", self.log], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(30)
        self.proc = None

    def healthy(self):
        try:
            with urllib.request.urlopen("http://%s:8222/healthz" % self.ip,
                                        timeout=2) as r:
                return b"ok" in r.read()
        except OSError:
            return False

    def jsz(self):
        with urllib.request.urlopen("http://%s:8222/jsz" % self.ip,
                                    timeout=5) as r:
            return json.loads(r.read())


class Node:
    def __init__(self, topo, i, name):
        self.topo = topo
        self.i = i
        self.name = name
        self.ns = "smn%d" % i
        self.ip = "10.77.0.1%d" % i
        self.client_ip = "10.88.%d.2" % i
        self.url = "ws://%s:%d/" % (self.client_ip, PORT)
        self.key = os.path.join(topo.dir, "%s.key" % name)
        self.conf = os.path.join(topo.dir, "%s.conf" % name)
        self.logf = os.path.join(topo.dir, "%s.log" % name)
        self.priv, self.pub = x25519_keypair()
        with open(self.key, "wb") as f:
            f.write(self.priv)
        os.chmod(self.key, 0o600)
        self.proc = None
        self.metrics_port = 9765

    def write_conf(self, extra=""):
        with open(self.conf, "w") as f:
            f.write("""port = %d
listen = 0.0.0.0
identity = %s
cluster = %s
node = %s
cluster_name = t
node_key = %s
peers = %s
metrics_port = %d
metrics_listen = 0.0.0.0
max_user_connections = 4
rate = 0
user_rate = 0
%s""" % (PORT, self.topo.identity, self.topo.cluster_urls(), self.name,
                 self.key, self.topo.peers, self.metrics_port, extra))

    def start(self, *args):
        self.logh = open(self.logf, "ab")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, SECMSGD, "--config", self.conf]
            + [str(a) for a in args], stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=self.logh)
        line = self.proc.stdout.readline().decode()
        m = re.match(r"secmsgd: server public key (\S+)", line)
        if not m:
            self.proc.wait(30)
            raise RuntimeError("%s did not start: %r\n%s" %
                               (self.name, line, self.log()[-3000:]))
        self.pubkey_b64 = m.group(1)
        for _ in range(600):
            if "event=started" in self.log():
                return
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited: %s" % (self.name, self.log()))
            time.sleep(0.05)
        raise RuntimeError("%s: not started in 30 s" % self.name)

    def log(self):
        with open(self.logf, errors="replace") as f:
            return f.read()

    def events(self, name):
        return [l for l in self.log().splitlines()
                if " event=%s " % name in l + " "]

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode if self.proc else None
        self.proc = None
        return rc

    def metrics(self):
        """{series with labels: value} from the node's /metrics (on its
        client address)."""
        return harness.metrics(self.metrics_port, self.client_ip, timeout=10)

    def secmsgd(self, *args, check=True):
        return sh(SECMSGD, "--config", self.conf, *args, ns=self.ns,
                  check=check)

    def partition(self):
        sh("ip", "link", "set", "smb%d" % self.i, "down")

    def heal(self):
        sh("ip", "link", "set", "smb%d" % self.i, "up")


class Topo:
    def __init__(self, nodes=3, nnats=3, names=None):
        self.dir = tempfile.mkdtemp(prefix="secmsg-cluster-")
        self.nnats = nnats
        self.made = []
        self.identity = os.path.join(self.dir, "identity.key")
        self.identity_priv, self.identity_pub = x25519_keypair()
        with open(self.identity, "wb") as f:
            f.write(self.identity_priv)
        os.chmod(self.identity, 0o600)
        self.peers = os.path.join(self.dir, "peers")
        self.nats = []
        self.nodes = []
        try:
            self._net(nodes, nnats)
            self.nats = [Nats(self, j) for j in range(1, nnats + 1)]
            names = names or ["n%d" % i for i in range(1, nodes + 1)]
            self.nodes = [Node(self, i + 1, names[i]) for i in range(nodes)]
            with open(self.peers, "w") as f:
                f.write("# the cluster's nodes\n")
                for n in self.nodes:
                    f.write("%s %s\n" % (n.name, b64(n.pub)))
            for n in self.nodes:
                n.write_conf()
        except Exception:
            self.cleanup()
            raise

    def links_up(self, nodes=None):
        """Each of nodes (default: all) has its link to each other one of
        them (secmsgd_cluster_peer_link_up in its /metrics)."""
        nodes = nodes or self.nodes
        for n in nodes:
            try:
                m = n.metrics()
            except OSError:
                return False
            for p in nodes:
                if p is not n and m.get(
                        'secmsgd_cluster_peer_link_up{peer="%s"}' %
                        p.name) != 1.0:
                    return False
        return True

    def cluster_urls(self):
        return ",".join(s.url for s in self.nats)

    def _net(self, nodes, nnats):
        sh("ip", "link", "add", "smbr0", "type", "bridge")
        self.made.append(("link", "smbr0"))
        sh("ip", "addr", "add", "10.77.0.1/24", "dev", "smbr0")
        sh("ip", "link", "set", "smbr0", "up")
        for j in range(1, nnats + 1):
            self._ns("sms%d" % j, "smsb%d" % j, "10.77.0.2%d/24" % j)
        for i in range(1, nodes + 1):
            ns = "smn%d" % i
            self._ns(ns, "smb%d" % i, "10.77.0.1%d/24" % i)
            sh("ip", "link", "add", "smc%d" % i, "type", "veth", "peer",
               "name", "cli0", "netns", ns)
            self.made.append(("link", "smc%d" % i))
            sh("ip", "addr", "add", "10.88.%d.1/30" % i, "dev", "smc%d" % i)
            sh("ip", "link", "set", "smc%d" % i, "up")
            sh("ip", "-n", ns, "addr", "add", "10.88.%d.2/30" % i, "dev",
               "cli0")
            sh("ip", "-n", ns, "link", "set", "cli0", "up")

    def _ns(self, ns, br_side, addr):
        sh("ip", "netns", "add", ns)
        self.made.append(("netns", ns))
        sh("ip", "link", "add", br_side, "type", "veth", "peer", "name",
           "eth0", "netns", ns)
        self.made.append(("link", br_side))
        sh("ip", "link", "set", br_side, "master", "smbr0", "up")
        sh("ip", "-n", ns, "addr", "add", addr, "dev", "eth0")
        sh("ip", "-n", ns, "link", "set", "eth0", "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")

    def start_nats(self, timeout=240):
        """Start every NATS server; wait until JetStream answers on all."""
        for s in self.nats:
            s.start()
        return self.wait_nats(timeout)

    def wait_nats(self, timeout=240, servers=None):
        servers = servers or self.nats
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if all(s.healthy() for s in servers):
                return True
            time.sleep(0.3)
        return False

    def cleanup(self):
        for n in self.nodes:
            n.kill()
        for s in self.nats:
            s.kill()
        for kind, name in reversed(self.made):
            if kind == "netns":
                sh("ip", "netns", "del", name, check=False)
            else:
                sh("ip", "link", "del", name, check=False)
        self.made = []
        if not os.environ.get("SECMSG_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)
