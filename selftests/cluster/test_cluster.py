#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""A secmsg cluster in the VM (selftests/cluster/topo.py): 3 nodes in 3
network namespaces on a bridge, a 3-server NATS cluster with JetStream.

Checked, with the independent Python client: users added cluster-wide
with one command; cross-node chat under every algorithm; one user
logged in on two nodes gets each message on both; the NATS traffic
never holds a plaintext marker (and holds it when it is a user name, the
control), nor do two nodes' memory; kill -9 of a node (its users offline
everywhere within the stated bound, measured, messages to them
accounted, they log in again at another node); a NATS server killed
(nodes reconnect, every message accounted); a partition between a node
and NATS and its return (offline within the bound, presence converges);
300 clients over 3 nodes (SECMSG_CLUSTER_CLIENTS; sent =
delivered + failed, none unaccounted; every client open long enough
answered the server's ping).
Bounds are measured from timestamps, and printed."""
import asyncio
import os
import re
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
sys.path.insert(0, HERE)
import harness as h  # noqa: E402
import secmsg_client as sc  # noqa: E402
import topo as tp  # noqa: E402
from capture import Capture  # noqa: E402

# The stated bound (docs/cluster.md): a node's users are offline
# everywhere within 4 s of its death (3 s without a heartbeat, plus at
# most one heartbeat interval); the VM's scheduling under a loaded host
# gets SLACK on top.
BOUND = 4.0
SLACK = 1.0
# The load: 300 clients, 100 per node.  Under TCG on the shared
# 2-core machine the whole test took 244 s with 120 and 262 s with 300
# (2026-12-05, one session; docs/cluster.md): 300 is the default, and
# SECMSG_CLUSTER_CLIENTS sets another count (120 before).
LOAD_CLIENTS = int(os.environ.get("SECMSG_CLUSTER_CLIENTS", "300"))

h.require_vm()
if not tp.nats_server():
    h.skip_all("nats-server is not installed (.ci/run installs it)")
tap = h.Tap()


class C(sc.Client):
    """A client whose frames are read by a task of its own, presence
    frames with the time they arrived."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.pres = []          # (monotonic time, user, online)
        self.task = None
        self.read_error = None  # what ended the reader, if not a close
        self.pings = 0          # the server's pings answered
        self.ping_at = []       # when, in s after the connection opened
        self.t_open = None

    async def open(self, *a, **kw):
        ws = await super().open(*a, **kw)
        pong = ws.pong
        self.t_open = time.monotonic()

        async def counted(data=b""):
            self.pings += 1
            self.ping_at.append(time.monotonic() - self.t_open)
            return await pong(data)
        ws.pong = counted
        return ws

    def handle(self, f):
        if f.get("type") == "presence":
            self.pres.append((time.monotonic(), f["user"], f["online"]))
        return super().handle(f)

    async def start(self, register=False):
        await self.login(register=register)
        self.task = asyncio.create_task(self._read())
        return self

    async def _read(self):
        # recv() without wait_for(): no task and timer per frame, which
        # count when 300 clients' frames go through one Python process
        try:
            while True:
                self.handle(sc.json.loads(await self.ws.recv()))
        except sc.websockets.ConnectionClosed as e:
            self.closed = (e.code, e.reason)
        except Exception as e:  # a frame it could not handle
            self.read_error = repr(e)

    async def stop(self):
        # the reader runs until the close handshake is done: a reader
        # cancelled first leaves frames unread, and the close waits for
        # its close_timeout
        try:
            await asyncio.wait_for(self.close(), 15)
        except Exception:
            pass
        if self.task:
            self.task.cancel()

    def presence_at(self, user, online, after):
        for t, u, on in self.pres:
            if t >= after and u == user and on == online:
                return t
        return None


def log_time(line):
    """The Unix time of a secmsgd log line (ts=...Z), or None."""
    import datetime
    m = re.match(r"ts=(\S+)Z ", line)
    if not m:
        return None
    d = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f")
    return d.replace(tzinfo=datetime.timezone.utc).timestamp()


async def until(cond, timeout=60, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        await asyncio.sleep(step)
    return cond()


def warm_crypto():
    """Instantiate the kernel's AEADs once (AF_ALG), before the nodes
    start.  The first use of a template instance (module loads, the
    crypto manager's instantiation) can take seconds under TCG, and a
    node's loop that waits for it that long misses heartbeats: its peers
    would drop it, which is the failure model, not what a chat test
    measures."""
    import socket
    for name in ("gcm(aes)", "rfc7539(chacha20,poly1305)",
                 "authenc(hmac(sha256),cbc(twofish))"):
        try:
            with socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET) as s:
                s.bind(("aead", name))
        except OSError:
            pass                # the test of that algorithm says so


def client(user, node, alg="aes_256_gcm"):
    return C(node.url, user.name, user.priv, node.topo.identity_pub, alg)


def settled(cs, n):
    """Every client of cs has a delivery for each of its first n ids."""
    return all(len(c.deliveries) >= n for c in cs)


class Cluster:
    def __init__(self):
        self.topo = tp.Topo(nodes=3, nnats=3)
        self.n1, self.n2, self.n3 = self.topo.nodes
        for n in self.topo.nodes:
            n.write_conf("register = yes\n")

    def links_up(self, nodes=None):
        return self.topo.links_up(nodes)

    async def wait_links(self, nodes=None, timeout=120):
        loop = asyncio.get_running_loop()
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if await loop.run_in_executor(None, self.links_up, nodes):
                return True
            await asyncio.sleep(0.3)
        return False

    EVENTS = ("node_up", "node_gone", "link_up", "link_down",
              "nats_connected", "nats_disconnected", "nats_reconnected",
              "nats_error", "heartbeat", "loop_stall")

    def events(self):
        """The cluster events of every node's log, for a failure's
        diagnostics."""
        out = []
        for n in self.topo.nodes:
            try:
                lines = n.log().splitlines()
            except OSError:
                continue
            out += ["%s: %s" % (n.name, l) for l in lines
                    if any(" event=%s" % e in l for e in self.EVENTS)]
        return "\n".join(out[-60:])

    def nats_of(self, node):
        """The NATS server node is connected to now (its log's last
        nats_connected or nats_reconnected event), or None."""
        url = None
        for l in node.log().splitlines():
            m = re.search(r" event=nats_(?:re)?connected server=(\S+)", l)
            if m:
                url = m.group(1).strip('"')
        return next((s for s in self.topo.nats if s.url == url), None)

    def has_user(self, node, name):
        r = tp.sh(h.SECMSGCTL, "-j", "user", "list", ns=node.ns, check=False)
        return ('"%s"' % name) in r.stdout


async def chat(cl, users):
    """Cross-node chat under every algorithm: alice (n1) and bob (n2)."""
    algs = ["aes_256_gcm", "chacha20_poly1305"]
    if sc.twofish_available():
        algs.append("twofish_cbc")
    a = await client(users["alice"], cl.n1).start()
    b = await client(users["bob"], cl.n2).start()
    tap.ok(await until(lambda: a.presence_at("bob", True, 0), 30) and
           ("alice" in b.ready["online"] or
            await until(lambda: b.presence_at("alice", True, 0), 30)),
           "alice (n1) and bob (n2) see each other online across nodes")
    n = 0
    for alg in algs:
        if alg != algs[0]:
            for c in (a, b):
                await c.send({"type": "rotate", "alg": alg})
            await until(lambda: a.session.alg == sc.ALGS[alg] and
                        b.session.alg == sc.ALGS[alg], 30)
        for i in range(5):
            await a.message("bob", cl.marker + b" a>b %s %d" % (alg.encode(), i))
            await b.message("alice", b"b>a %s %d " % (alg.encode(), i) +
                            cl.marker)
            n += 1
        got = await until(lambda: len(a.received) >= n and
                          len(b.received) >= n and
                          settled((a, b), n), 60)
        okd = all(d.get("status") == "delivered"
                  for c in (a, b) for d in c.deliveries.values())
        tap.ok(got and okd and
               b.received[-1] == ("alice", cl.marker + b" a>b %s 4" %
                                  alg.encode()) and
               a.received[-1] == ("bob", b"b>a %s 4 " % alg.encode() +
                                  cl.marker),
               "%s: 5 messages each way across nodes, byte for byte, each "
               "delivered once" % alg,
               "received %d/%d, deliveries %s" % (
                   len(a.received), len(b.received),
                   [d.get("code") for d in a.deliveries.values()]),
               *([] if got and okd else [cl.events()]))
    return a, b


async def multilogin(cl, users):
    """carol on n1 and on n3; dave (n2) writes to her."""
    c1 = await client(users["carol"], cl.n1).start()
    c3 = await client(users["carol"], cl.n3).start()
    d = await client(users["dave"], cl.n2).start()
    await until(lambda: "carol" in d.ready["online"] or
                any(u == "carol" for _, u, _ in d.pres), 20)
    # the directory follows heartbeats: both logins counted at n2
    await asyncio.sleep(1.5)
    for i in range(5):
        await d.message("carol", b"to both %d" % i)
    got = await until(lambda: len(c1.received) >= 5 and
                      len(c3.received) >= 5 and settled([d], 5), 60)
    tap.ok(got and [pt for _, pt in c1.received] ==
           [b"to both %d" % i for i in range(5)] and
           [pt for _, pt in c3.received] ==
           [b"to both %d" % i for i in range(5)],
           "carol logged in at n1 and n3: each login gets every message",
           "n1: %d, n3: %d" % (len(c1.received), len(c3.received)),
           cl.events())
    tap.ok(len(d.deliveries) == 5 and
           all(x["status"] == "delivered" for x in d.deliveries.values()),
           "dave gets exactly one delivery per message")
    return c1, c3, d


async def kill_node(cl, users, a):
    """kill -9 of n3 with eve on it; alice (n1) watches."""
    e = await client(users["eve"], cl.n3).start()
    await until(lambda: e.ready is not None, 10)
    await until(lambda: any(u == "eve" and on for _, u, on in a.pres) or
                "eve" in a.ready["online"], 20)
    await asyncio.sleep(1.2)
    # messages in flight when it dies: each gets one delivery
    for i in range(5):
        await a.message("eve", b"before the kill %d" % i)
    t0 = time.monotonic()
    cl.n3.kill(signal.SIGKILL)
    ok = await until(lambda: a.presence_at("eve", False, t0), 30, 0.02)
    dt = a.presence_at("eve", False, t0) - t0 if ok else None
    cl.results["kill9_offline_s"] = dt
    tap.ok(ok and dt <= BOUND + SLACK,
           "kill -9 of n3: eve offline at n1 after %.2f s (bound %.1f s)" %
           (dt or -1, BOUND), "measured: %r" % dt)
    for i in range(3):
        await a.message("eve", b"after the kill %d" % i)
    n = a.next_id
    got = await until(lambda: len(a.deliveries) >= n, 30)
    codes = [a.deliveries[i].get("code") or a.deliveries[i]["status"]
             for i in range(n - 8, n)]
    tap.ok(got and all(c in ("delivered", "node_unreachable",
                             "recipient_offline") for c in codes[:5]) and
           all(c in ("recipient_offline", "node_unreachable")
               for c in codes[5:]),
           "messages to eve around the kill: each one delivery (%s)" %
           ",".join(codes))
    await e.stop()
    # eve logs in again at another node
    e2 = await client(users["eve"], cl.n2).start()
    await until(lambda: a.presence_at("eve", True, t0), 20)
    await asyncio.sleep(1.2)
    mid = await a.message("eve", b"welcome back")
    got = await until(lambda: mid in a.deliveries and e2.received, 30)
    tap.ok(got and a.deliveries[mid]["status"] == "delivered" and
           e2.received[-1] == ("alice", b"welcome back"),
           "eve logs in again at n2 and gets alice's message",
           "delivery %s, eve received %d, online again at n1: %s" % (
               a.deliveries.get(mid), len(e2.received),
               a.presence_at("eve", True, t0)), cl.events())
    await e2.stop()
    # n3 back for what follows
    cl.n3.start()
    tap.ok(await cl.wait_links(), "n3 restarted: its links are made again")


async def kill_nats(cl, a, b):
    """One NATS server killed under traffic: every message accounted."""
    base = a.next_id
    stop = asyncio.Event()

    async def traffic():
        i = 0
        while not stop.is_set():
            await a.message("bob", b"through the failover %d" % i)
            i += 1
            await asyncio.sleep(0.05)
    task = asyncio.create_task(traffic())
    await asyncio.sleep(1.0)
    # the server alice's node is connected to: that node must fail over
    victim = cl.nats_of(cl.n1) or cl.topo.nats[0]
    tap.diag("killing NATS server %s (n1's)" % victim.url)
    t0 = time.monotonic()
    wall0 = time.time()
    victim.kill(signal.SIGKILL)
    await asyncio.sleep(4.0)
    stop.set()
    await task
    n = a.next_id
    got = await until(lambda: len(a.deliveries) >= n, 60)
    codes = {}
    for i in range(base, n):
        d = a.deliveries.get(i)
        k = "missing" if d is None else d.get("code") or d["status"]
        codes[k] = codes.get(k, 0) + 1
    tap.ok(got and codes.get("missing", 0) == 0 and
           set(codes) <= {"delivered", "node_unreachable"},
           "NATS server %s killed under traffic: %d messages, each one "
           "delivery (%s)" % (victim.url, n - base, codes))
    # the nodes still reach each other
    mid = await a.message("bob", b"after the failover")
    got = await until(lambda: mid in a.deliveries, 30)
    tap.ok(got and a.deliveries[mid]["status"] == "delivered",
           "after the failover alice reaches bob again")
    loop = asyncio.get_running_loop()
    recon = 0.0
    for node in cl.topo.nodes:
        m = await loop.run_in_executor(None, node.metrics)
        recon += m.get("secmsgd_cluster_nats_reconnects_total", 0)
    # failover: from the kill to n1's nats_reconnected (its log's clock)
    back = [log_time(l) for l in cl.n1.log().splitlines()
            if " event=nats_reconnected" in l]
    back = [t for t in back if t and t >= wall0 - 0.5]
    cl.results["nats_failover_s"] = (round(min(back) - wall0, 2) if back
                                     else None)
    del t0
    now = cl.nats_of(cl.n1)
    tap.ok(recon >= 1 and now is not None and now is not victim,
           "n1 reconnected to another server (%s; %d reconnections in all)"
           % (now and now.url, recon), cl.events())
    victim.start()
    await loop.run_in_executor(None, cl.topo.wait_nats, 240)


async def partition(cl, users, a):
    """n2 cut from NATS (its bridge port down) and back."""
    f = await client(users["frank"], cl.n2).start()
    await until(lambda: a.presence_at("frank", True, 0) or
                "frank" in a.ready["online"], 20)
    await asyncio.sleep(1.2)
    t0 = time.monotonic()
    await asyncio.get_running_loop().run_in_executor(None, cl.n2.partition)
    ok1 = await until(lambda: a.presence_at("frank", False, t0), 30, 0.02)
    ok2 = await until(lambda: f.presence_at("alice", False, t0), 30, 0.02)
    d1 = a.presence_at("frank", False, t0) - t0 if ok1 else None
    d2 = f.presence_at("alice", False, t0) - t0 if ok2 else None
    cl.results["partition_offline_s"] = d1
    cl.results["partition_isolated_side_s"] = d2
    tap.ok(ok1 and d1 <= BOUND + SLACK,
           "partition: frank (n2) offline at n1 after %.2f s" % (d1 or -1))
    tap.ok(ok2 and d2 <= BOUND + SLACK,
           "and the isolated node's client sees alice offline after %.2f s"
           % (d2 or -1))
    mid = await a.message("frank", b"during the partition")
    got = await until(lambda: mid in a.deliveries, 30)
    tap.ok(got and a.deliveries[mid].get("code") in ("recipient_offline",
                                                     "node_unreachable"),
           "a message to frank meanwhile fails, once (%s)" %
           (a.deliveries.get(mid, {}).get("code")))
    t1 = time.monotonic()
    await asyncio.get_running_loop().run_in_executor(None, cl.n2.heal)
    ok1 = await until(lambda: a.presence_at("frank", True, t1), 60, 0.02)
    ok2 = await until(lambda: f.presence_at("alice", True, t1), 60, 0.02)
    dt = max(a.presence_at("frank", True, t1) or t1,
             f.presence_at("alice", True, t1) or t1) - t1
    cl.results["partition_heal_s"] = dt
    tap.ok(ok1 and ok2, "the partition ends: presence converges both ways "
           "after %.2f s" % dt)
    await cl.wait_links()
    mid = await a.message("frank", b"after the partition")
    got = await until(lambda: mid in a.deliveries and f.received, 30)
    tap.ok(got and a.deliveries[mid]["status"] == "delivered" and
           f.received[-1] == ("alice", b"after the partition"),
           "and messages cross again")
    await f.stop()


async def load(cl):
    """LOAD_CLIENTS clients over the 3 nodes, each writing to clients of
    the other nodes: every message accounted."""
    nodes = cl.topo.nodes
    users = [h.User("l%d_%s" % (i, os.urandom(2).hex()))
             for i in range(LOAD_CLIENTS)]
    cs = [C(nodes[i % 3].url, u.name, u.priv, cl.topo.identity_pub,
            ("aes_256_gcm", "chacha20_poly1305")[i % 2])
          for i, u in enumerate(users)]
    sem = asyncio.Semaphore(8)
    t0 = time.monotonic()

    async def login(c):
        async with sem:
            for attempt in range(3):
                try:
                    return await c.start(register=True)
                except Exception:
                    # not left open unread: a login of the user
                    if c.ws is not None:
                        try:
                            await asyncio.wait_for(c.ws.close(), 10)
                        except Exception:
                            pass
                    c.ws = None
                    await asyncio.sleep(1)
            raise RuntimeError("%s cannot log in" % c.user)
    await asyncio.gather(*(login(c) for c in cs))
    tap.ok(True, "%d clients logged in over 3 nodes, registered on first "
           "use (%.1f s)" % (len(cs), time.monotonic() - t0))
    # the directory: everyone's heartbeat has them
    n = len(cs)
    await asyncio.sleep(2.5)
    sent = 0
    closed = []
    t1 = time.monotonic()
    for i, c in enumerate(cs):
        for off in (1, 2):      # i+1 and i+2 are on the two other nodes
            try:
                await c.message(cs[(i + off) % n].user, b"load %d>%d" %
                                (i, (i + off) % n))
            except Exception as e:  # its connection is gone
                closed.append((c.user, repr(e)))
                break
            sent += 1
    byname = {c.user: c for c in cs}
    tap.ok(not closed, "every load client's connection stayed open "
           "(%d closed)" % len(closed),
           *["%s: %s (pings answered %d, reader %s)\n%s" % (
               u, e, byname[u].pings, byname[u].read_error or "closed",
               "\n".join("%s: %s" % (nd.name, l) for nd in nodes
                         for l in nd.log().splitlines()
                         if "user=%s " % u in l + " "))
             for u, e in closed[:3]],
           *["%s: %s" % (nd.name, l) for nd in nodes
             for l in nd.log().splitlines()
             if " event=loop_stall " in l][-20:])
    now = time.monotonic()
    hist = {}
    for c in cs:
        k = (int(now - c.t_open) // 60, c.pings)
        hist[k] = hist.get(k, 0) + 1
    tap.diag("load clients by (minutes open, pings answered): %s" %
             sorted(hist.items()))
    # the server pings a connection silent for 60 s and hangs up 120 s
    # after an unanswered ping: a client open 90 s has answered one
    old = [c for c in cs if now - c.t_open >= 90]
    unpinged = [(c.user, round(now - c.t_open), [round(x) for x in c.ping_at])
                for c in old if not c.pings]
    tap.ok(not unpinged, "every load client open 90 s or more answered "
           "the server's ping (%d such clients)" % len(old),
           *["%s: open %d s, pings at %s" % u for u in unpinged[:10]])
    stalls = {}
    for nd in nodes:
        ms = [int(m) for m in re.findall(r" event=loop_stall ms=(\d+)",
                                          nd.log())]
        stalls[nd.name] = (len(ms), max(ms, default=0))
    tap.diag("loop stalls of 1 s or more (count, longest ms): %s" % stalls)
    errs = [(c.user, c.read_error) for c in cs if c.read_error]
    tap.ok(not errs, "every load client read every frame it got",
           *["%s: %s" % e for e in errs[:5]])
    got = await until(lambda: sum(len(c.deliveries) for c in cs) >= sent,
                      180, 0.2)
    delivered = sum(1 for c in cs for d in c.deliveries.values()
                    if d["status"] == "delivered")
    failed = sum(1 for c in cs for d in c.deliveries.values()
                 if d["status"] == "failed")
    received = sum(len(c.received) for c in cs)
    codes = {}
    for c in cs:
        for d in c.deliveries.values():
            if d["status"] == "failed":
                codes[d["code"]] = codes.get(d["code"], 0) + 1
    dt = time.monotonic() - t1
    cl.results["load"] = (sent, delivered, failed, dt)
    tap.ok(got and delivered + failed == sent,
           "load: sent %d = delivered %d + failed %d, 0 unaccounted "
           "(%.1f s; failures %s)" % (sent, delivered, failed, dt, codes))
    tap.ok(received == delivered,
           "each delivered message was received once (%d)" % received)
    await asyncio.gather(*(c.stop() for c in cs))


def scan_nodes(cl, needles):
    found = {}
    for n in (cl.n1, cl.n2):
        f, total = h.scan_memory(n.proc.pid, needles)
        found[n.name] = (f, total)
    return found


async def main_async(cl, users):
    loop = asyncio.get_running_loop()
    cap = Capture(ports=(4222, 6222))
    try:
        a, b = await chat(cl, users)
        c1, c3, d = await multilogin(cl, users)
        # the positive control: the marker as a user name crosses NATS
        # (in heartbeats) and sits in the nodes' memory (the directory)
        ctl_name = "mk" + cl.marker.decode()[7:]
        ctl = h.User(ctl_name)
        k = await client(ctl, cl.n1).start(register=True)
        await asyncio.sleep(2.5)
        cap.stop()
        tap.diag("captured %d segments, %d bytes of NATS traffic" %
                 (cap.frames, cap.bytes))
        tap.ok(cap.find(ctl_name.encode()) > 0,
               "capture control: a user name sent in a heartbeat is found "
               "on the wire")
        tap.ok(cap.find(cl.marker) == 0,
               "no plaintext marker in the NATS traffic (%d bytes)" %
               cap.bytes)
        secrets = []
        for c in (a, b, c1, c3, d, k):
            secrets.extend(c.secrets)
        found = await loop.run_in_executor(
            None, scan_nodes, cl, [cl.marker, ctl_name.encode()] + secrets)
        for name, (f, total) in found.items():
            tap.ok(f[ctl_name.encode()],
                   "memory control: %s's memory holds the user name "
                   "(%d MiB scanned)" % (name, total >> 20))
            tap.ok(not f[cl.marker] and
                   not any(f[s] for s in secrets),
                   "%s's memory holds no plaintext marker and none of %d "
                   "client secrets" % (name, len(secrets)))
        for c in (c1, c3, d, k):
            await c.stop()
        await kill_node(cl, users, a)
        await kill_nats(cl, a, b)
        await partition(cl, users, a)
        await a.stop()
        await b.stop()
        await load(cl)
    finally:
        if cap.running:
            cap.stop()


def main():
    cl = Cluster()
    cl.marker = b"MARKER-" + os.urandom(12).hex().encode()
    cl.results = {}
    names = ["alice", "bob", "carol", "dave", "eve", "frank"]
    users = {n: h.User(n) for n in names}
    try:
        t0 = time.monotonic()
        ok = cl.topo.start_nats(300)
        tap.ok(ok, "3 NATS servers, JetStream clustered, healthy (%.1f s)" %
               (time.monotonic() - t0))
        if not ok:
            return tap.done()
        warm_crypto()
        for n in cl.topo.nodes:
            n.start()
        tap.ok(True, "3 nodes started (%.1f s)" % (time.monotonic() - t0))
        # one command each adds a user cluster-wide
        rcs = [cl.n1.secmsgd("user", "add", u.name, sc.b64e(u.pub),
                             check=False).returncode
               for u in users.values()]
        tap.eq(rcs, [0] * len(users), "secmsgd user add, once per user, "
               "from n1")
        end = time.monotonic() + 60
        while time.monotonic() < end and not all(
                cl.has_user(n, "frank") for n in cl.topo.nodes):
            time.sleep(0.3)
        tap.ok(all(cl.has_user(n, u) for n in cl.topo.nodes for u in names),
               "every node's kernel has every user")
        ok = asyncio.run(cl.wait_links())
        tap.ok(ok, "every node has its links to both others (%.1f s)" %
               (time.monotonic() - t0))
        if not ok:
            for n in cl.topo.nodes:
                tap.diag(n.name + ":\n" + n.log()[-2000:])
            return tap.done()
        r = cl.n1.secmsgd("--status", check=False)
        tap.ok(r.returncode == 0 and "n2" in r.stdout and "n3" in r.stdout,
               "secmsgd --status lists the peers", r.stdout, r.stderr)
        try:
            asyncio.run(asyncio.wait_for(main_async(cl, users), 1500))
        except Exception as e:
            import traceback
            tap.ok(False, "the cluster scenarios ran to their end",
                   traceback.format_exc(),
                   *[n.name + ": " + n.log()[-1500:] for n in cl.topo.nodes])
            del e
        for k, v in sorted(cl.results.items()):
            tap.diag("result %s = %s" % (k, v))
        for n in cl.topo.nodes:
            if n.proc:
                rc = n.kill(signal.SIGTERM)
                tap.ok(rc == 0, "%s stops cleanly on SIGTERM (exit %s)" %
                       (n.name, rc))
    finally:
        cl.topo.cleanup()
    return tap.done()


sys.exit(main())
