#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""The client library's layering: calls go one way.

tools/lib/client/internal.h lists the library's files in its opening
comment, one " *   name.c   what it holds" line each, lowest first; a file
may use what the files above it in that list define, never what a file
below it defines (the transport reports up through the callbacks of
struct client_ws_events, not by name).  Checked on the built objects
(nm), each a TAP test point:
  * every tools/lib/client/*.c is in the list, and every file listed
    exists;
  * every function or variable an object uses from another one of the
    library is defined by a file above it in the list;
  * the transport (ws.c) uses nothing of proto.c, outbox.c or api.c.
With --graph, print who uses whom (and how many symbols) instead.  The
repository root is taken from this file's location.
"""
import collections
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent.parent
CLIENT = ROOT / "tools" / "lib" / "client"


def order():
    """The files of internal.h's list, lowest first."""
    text = (CLIENT / "internal.h").read_text()
    head = text[:text.index("#ifndef")]
    return re.findall(r"^ \*   (\w+\.c)\s", head, re.M)


def symbols(files):
    """({file: {defined}}, {file: {used}}) from the objects."""
    defs, uses = {}, {}
    for c in files:
        o = CLIENT / (c[:-2] + ".o")
        if not o.exists():
            raise FileNotFoundError("%s is missing: run make" % o)
        out = subprocess.run(["nm", str(o)], capture_output=True, text=True,
                             check=True).stdout
        defs[c], uses[c] = set(), set()
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDRBC":
                defs[c].add(p[2])
            elif len(p) == 2 and p[0] == "U":
                uses[c].add(p[1])
    return defs, uses


def edges(defs, uses):
    """{(user, definer): [symbols]} between the library's files."""
    owner = {s: f for f, ss in defs.items() for s in ss}
    e = collections.defaultdict(list)
    for f, ss in uses.items():
        for s in sorted(ss):
            if s in owner and owner[s] != f:
                e[(f, owner[s])].append(s)
    return e


def main():
    files = order()
    rank = {f: i for i, f in enumerate(files)}
    present = sorted(p.name for p in CLIENT.glob("*.c"))
    if "--graph" in sys.argv[1:]:
        e = edges(*symbols(files))
        for f in reversed(files):
            outs = ["%s(%d)" % (t, len(s)) for (g, t), s in
                    sorted(e.items(), key=lambda x: -rank[x[0][1]])
                    if g == f]
            print("%-10s -> %s" % (f, ", ".join(outs) or "-"))
        return 0
    n = failed = 0

    def ok(cond, desc, diag=()):
        nonlocal n, failed
        n += 1
        failed += not cond
        print("%sok %d - %s" % ("" if cond else "not ", n, desc))
        for d in () if cond else diag:
            print("#   " + d)

    print("TAP version 13")
    unlisted = sorted(set(present) - set(files))
    gone = sorted(set(files) - set(present))
    ok(len(files) >= 6 and not unlisted and not gone,
       "internal.h lists every file of tools/lib/client/ (%d)" % len(files),
       ["not listed: " + f for f in unlisted] +
       ["listed, not there: " + f for f in gone])
    e = edges(*symbols(files))
    up = ["%s uses %s of %s, which is below it" % (f, ", ".join(s), t)
          for (f, t), s in sorted(e.items()) if rank[t] > rank[f]]
    ok(e and not up, "calls go one way: %d pairs of files, each down the "
       "list" % len(e), up)
    above = [t for (f, t) in e if f == "ws.c" and
             t in ("proto.c", "outbox.c", "api.c")]
    ok("ws.c" in rank and not above and
       all(rank[t] < rank["ws.c"] for (f, t) in e if f == "ws.c"),
       "the transport (ws.c) uses nothing of the protocol above it",
       ["ws.c uses " + t for t in above])
    print("1..%d" % n)
    print("# %d passed, %d failed" % (n - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
