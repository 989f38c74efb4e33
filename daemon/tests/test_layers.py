#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""secmsgd's layering: calls go one way, transport -> router -> kernel
adapter, and nothing calls back up into a layer above it.

Each header of daemon/ names its layer on a line "Layer: NAME" (transport,
router, kernel adapter; "beside" for a helper only main.c uses); a .c file
is in its header's layer (route_local.c in route.h's; main.c is on top);
a header without such a line is a leaf library, which may use only other
leaves.  Checked, each a TAP test point:
  * every file has a layer;
  * every #include "x.h" of every file goes to its own layer, a lower one
    or a leaf; a header marked "(internal header" is included only from
    its own layer;
  * the same for the symbols: every function or variable a daemon object
    (daemon/*.o, built by make) uses from another one (nm) is defined in
    its own layer, a lower one, or a leaf;
  * kbatch_flush(), the one flush point, is called from main.c only.
With --graph, print the file graph (who uses whom, and how many symbols)
instead.  The repository root is taken from this file's location.
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "tools" / "tests"))
import objgraph  # noqa: E402  (tools/tests/objgraph.py)
from tap import Tap  # noqa: E402  (tools/tests/tap.py)

DAEMON = ROOT / "daemon"
RANK = {"kernel": 1, "router": 2, "transport": 3}
# a .c file without a header of its own name: the header it implements
IMPLEMENTS = {"route_local.c": "route.h"}


def layer_of_header(path):
    m = re.search(r"^ \* Layer: (transport|router|kernel adapter|beside)"
                  r"([^\n]*)", path.read_text(), re.M)
    if not m:
        return "leaf", False
    name = m.group(1).split()[0]
    return name, "(internal header" in m.group(2)


def layers():
    """{file name: (layer, internal)} for every daemon/*.[ch]."""
    out = {}
    for h in sorted(DAEMON.glob("*.h")):
        out[h.name] = layer_of_header(h)
    for c in sorted(DAEMON.glob("*.c")):
        if c.name == "main.c":
            out[c.name] = ("main", False)
            continue
        h = IMPLEMENTS.get(c.name, c.name[:-2] + ".h")
        out[c.name] = out[h] if h in out else (None, False)
    return out


def allowed(src, dst, internal=False):
    """May a file of layer src use one of layer dst?"""
    if internal and src != dst:
        return False
    if dst == "leaf" or src == "main":
        return True
    if dst == "beside":
        return src == "beside"
    if src == "leaf":
        return False
    if src == "beside":
        return dst in ("kernel", "beside")
    return RANK[dst] <= RANK[src]


def includes(lay):
    bad = []
    for f in lay:
        text = (DAEMON / f).read_text()
        for h in re.findall(r'^#include "([^"/]+)"', text, re.M):
            if h not in lay:
                bad.append("%s includes %s, which is not in daemon/" % (f, h))
                continue
            if not allowed(lay[f][0], lay[h][0], lay[h][1]):
                bad.append("%s (%s) includes %s (%s%s)" % (
                    f, lay[f][0], h, lay[h][0],
                    ", internal" if lay[h][1] else ""))
    return bad


def symbols(lay):
    """({object: {defined symbols}}, {object: {used symbols}})."""
    return objgraph.symbols({c: DAEMON / (c[:-2] + ".o")
                             for c in lay if c.endswith(".c")})


def graph(lay, e):
    order = {"main": 0, "transport": 1, "beside": 2, "router": 3,
             "kernel": 4, "leaf": 5}
    files = sorted({f for f, _ in e} | {t for _, t in e},
                   key=lambda f: (order[lay[f][0]], f))
    for f in files:
        outs = [(t, len(s)) for (g, t), s in e.items() if g == f]
        outs.sort(key=lambda x: (order[lay[x[0]][0]], x[0]))
        print("%-10s %-13s -> %s" % (lay[f][0], f, ", ".join(
            "%s(%d)" % x for x in outs) or "-"))


def main():
    lay = layers()
    if "--graph" in sys.argv[1:]:
        graph(lay, objgraph.edges(*symbols(lay)))
        return 0
    tap = Tap()
    ok = tap.ok
    missing = sorted(f for f, (l, _) in lay.items() if l is None)
    ok(not missing and len(lay) > 20,
       "every daemon file has a layer (%d files)" % len(lay),
       *["no header names the layer of " + f for f in missing])
    if missing:
        return tap.done()
    ok(not allowed("kernel", "router") and not allowed("router", "transport")
       and not allowed("transport", "router", True) and
       not allowed("leaf", "kernel") and not allowed("router", "beside") and
       allowed("transport", "kernel") and allowed("router", "router", True),
       "the rule refuses calls up, into internals and into main's helpers")
    for name in ("transport", "router", "kernel"):
        ok(any(l == name for l, _ in lay.values()),
           "the %s layer has files" % name)
    bad = includes(lay)
    ok(not bad, "every #include goes down, sideways or to a leaf", *bad)
    try:
        defs, uses = symbols(lay)
    except (FileNotFoundError, subprocess.CalledProcessError) as err:
        ok(False, "the daemon's objects can be read", err)
        return tap.done()
    e = objgraph.edges(defs, uses)
    ok(len(e) > 20, "the objects use each other (%d file pairs)" % len(e))
    bad = ["%s (%s) uses %s of %s (%s)" % (f, lay[f][0], ", ".join(s), t,
                                          lay[t][0])
           for (f, t), s in sorted(e.items())
           if not allowed(lay[f][0], lay[t][0], lay[t][1])]
    ok(not bad, "no object calls up into a layer above it", *bad)
    callers = sorted(f for f, ss in uses.items() if "kbatch_flush" in ss)
    ok(callers == ["main.c"], "kbatch_flush() is called from main.c only",
       "called from " + ", ".join(callers))
    return tap.done()


sys.exit(main())
