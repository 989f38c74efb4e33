#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""jsoncheck.py EXPR: parse one JSON document from stdin, bind it to d,
and exit 0 when the Python expression EXPR is true (1 when false, 2 when
stdin is not valid JSON).  Used by selftests/secmsgctl_test.sh."""
import json
import sys

try:
    d = json.load(sys.stdin)
except ValueError as e:
    print("# invalid JSON: %s" % e)
    sys.exit(2)
try:
    ok = eval(sys.argv[1], {"d": d})
except Exception as e:  # a missing member is a failure, not a crash
    print("# %s: %r" % (type(e).__name__, e))
    ok = False
if not ok:
    print("# expression false: %s" % sys.argv[1])
    print("# document: %s" % json.dumps(d)[:1500])
sys.exit(0 if ok else 1)
