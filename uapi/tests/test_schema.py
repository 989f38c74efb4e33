#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""uapi/secmsg.yaml validates against the kernel's generic netlink schema
(Documentation/netlink/<protocol>.yaml of linux-source-6.12, which make
extracts), with python3-jsonschema.  TAP.

A copy of the spec with a key the schema does not know must fail, so that
the first point cannot pass by validating nothing."""
import copy
import os
import sys
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
YNL = Path(os.environ.get("YNL_DIR", ROOT / "@YNL_DIR@"))


def main():
    spec = yaml.safe_load((ROOT / "uapi" / "secmsg.yaml").read_text())
    schema_path = (YNL / "Documentation" / "netlink" /
                   f"{spec.get('protocol')}.yaml")
    n = failed = 0

    def point(ok, name, why=""):
        nonlocal n, failed
        n += 1
        failed += not ok
        print(f"{'ok' if ok else 'not ok'} {n} - {name}")
        for line in why.splitlines():
            print(f"#   {line}")

    try:
        schema = yaml.safe_load(schema_path.read_text())
    except OSError as e:
        point(False, "read the kernel's schema", str(e))
        print(f"1..{n}")
        return 1
    name = f"uapi/secmsg.yaml validates against {schema_path.name}"
    try:
        jsonschema.validate(spec, schema)
        point(True, name)
    except jsonschema.ValidationError as e:
        point(False, name, str(e)[:2000])
    bad = copy.deepcopy(spec)
    bad["operations"]["list"][0]["no-such-key"] = 1
    try:
        jsonschema.validate(bad, schema)
        point(False, "a spec with an unknown key is refused")
    except jsonschema.ValidationError:
        point(True, "a spec with an unknown key is refused")
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
