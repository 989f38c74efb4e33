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
  * the transport (ws.c) comes before outbox.c, proto.c and api.c in the
    list, so that the point above forbids it to use them.
With --graph, print who uses whom (and how many symbols) instead.  The
repository root is taken from this file's location.
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent.parent
sys.path.insert(0, str(ROOT / "tools" / "tests"))
import objgraph  # noqa: E402  (tools/tests/objgraph.py)
from tap import Tap  # noqa: E402  (tools/tests/tap.py)

CLIENT = ROOT / "tools" / "lib" / "client"


def order():
    """The files of internal.h's list, lowest first."""
    text = (CLIENT / "internal.h").read_text()
    head = text[:text.index("#ifndef")]
    return re.findall(r"^ \*   (\w+\.c)\s", head, re.M)


def symbols(files):
    """({file: {defined}}, {file: {used}}) from the objects."""
    return objgraph.symbols({c: CLIENT / (c[:-2] + ".o") for c in files})


def main():
    files = order()
    rank = {f: i for i, f in enumerate(files)}
    present = sorted(p.name for p in CLIENT.glob("*.c"))
    if "--graph" in sys.argv[1:]:
        e = objgraph.edges(*symbols(files))
        for f in reversed(files):
            outs = ["%s(%d)" % (t, len(s)) for (g, t), s in
                    sorted(e.items(), key=lambda x: -rank[x[0][1]])
                    if g == f]
            print("%-10s -> %s" % (f, ", ".join(outs) or "-"))
        return 0
    tap = Tap()
    ok = tap.ok
    unlisted = sorted(set(present) - set(files))
    gone = sorted(set(files) - set(present))
    ok(len(files) >= 6 and not unlisted and not gone,
       "internal.h lists every file of tools/lib/client/ (%d)" % len(files),
       *["not listed: " + f for f in unlisted],
       *["listed, not there: " + f for f in gone])
    try:
        e = objgraph.edges(*symbols(files))
    except (FileNotFoundError, subprocess.CalledProcessError) as err:
        ok(False, "the library's objects can be read", err)
        return tap.done()
    up = ["%s uses %s of %s, which is below it" % (f, ", ".join(s), t)
          for (f, t), s in sorted(e.items()) if rank.get(t, -1) > rank[f]]
    ok(e and not up, "calls go one way: %d pairs of files, each down the "
       "list" % len(e), *up)
    upper = ("outbox.c", "proto.c", "api.c")
    ok(all(rank.get(f, -1) > rank.get("ws.c", len(files)) for f in upper),
       "the transport (ws.c) comes before %s in the list, so the point "
       "above keeps it from using them" % ", ".join(upper),
       "the list: " + " ".join(files))
    return tap.done()

if __name__ == "__main__":
    sys.exit(main())
