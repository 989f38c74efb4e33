# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Who uses whom among a set of built C objects, read with nm(1).

For the layering tests, daemon/tests/test_layers and
tools/secmsg-client/tests/test_client_layers: each names its files and
their objects, and judges the edges by rules of its own.
"""
import collections
import subprocess


def symbols(objects):
    """objects: {file: path of its .o}.  Returns ({file: {defined}},
    {file: {used}}) for the functions and variables; FileNotFoundError
    when an object is missing (make builds them), CalledProcessError when
    nm cannot read one."""
    defs, uses = {}, {}
    for f, o in sorted(objects.items()):
        if not o.exists():
            raise FileNotFoundError("%s is missing: run make" % o)
        out = subprocess.run(["nm", str(o)], capture_output=True, text=True,
                             check=True).stdout
        defs[f], uses[f] = set(), set()
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDRBC":
                defs[f].add(p[2])
            elif len(p) == 2 and p[0] == "U":
                uses[f].add(p[1])
    return defs, uses


def edges(defs, uses):
    """{(user, definer): [symbols, sorted]} between the files."""
    owner = {s: f for f, ss in defs.items() for s in ss}
    e = collections.defaultdict(list)
    for f, ss in uses.items():
        for s in sorted(ss):
            if s in owner and owner[s] != f:
                e[(f, owner[s])].append(s)
    return e
