#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""The man pages document what the programs' --help lists.

For secmsgd(8), secmsgctl(8) and secmsg-client(1), each a TAP test point
per program:
  * every option --help names (-x and --long) is in the man page, as
    \\-x or \\-\\-long; secmsgd's long options are its configuration keys,
    so for it the key (--max-frame, --no-presence: max_frame, presence)
    counts as well;
  * for secmsgctl, every keyword of its usage lines (objects, commands and
    their arguments: session, rotate-interval, key-file, ...) is in the
    man page too.
The programs are run from the tree (make builds them first).  The
repository root is taken from this file's location.
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

PROGRAMS = [
    # program, man page, long options may be written as keys
    ("daemon/secmsgd", "daemon/secmsgd.8", True),
    ("tools/secmsgctl/secmsgctl", "tools/secmsgctl.8", False),
    ("tools/secmsg-client/secmsg-client", "tools/secmsg-client.1", False),
]


def help_text(prog):
    r = subprocess.run([str(ROOT / prog), "--help"], capture_output=True,
                       text=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError(f"{prog} --help: exit {r.returncode}")
    return r.stdout + r.stderr


def options(text):
    longs = set(re.findall(r"(?<![\w-])--([a-z][a-z0-9-]*)", text))
    shorts = set(re.findall(r"(?<![\w-])-([a-zA-Z])\b", text))
    return longs, shorts


def keywords(text):
    """The literal words of secmsgctl's usage lines (not its METAVARS)."""
    words = set()
    for line in text.splitlines():
        m = re.match(r"\s*(?:usage:\s*)?secmsgctl \[OPTIONS\] (.*)", line)
        if not m:
            m = re.match(r"\s*(?:OBJECT|POLICY) := (.*)", line)
        if not m:
            m = re.match(r"\s{10,}([\[a-z].*)", line)
        if m:
            words |= set(re.findall(r"(?<![\w-])([a-z][a-z0-9-]+)",
                                    m.group(1)))
    return words


def main():
    failed = 0
    print(f"1..{len(PROGRAMS) + 1}")
    n = 0
    for prog, page, keys in PROGRAMS:
        n += 1
        man = (ROOT / page).read_text()
        text = help_text(prog)
        longs, shorts = options(text)
        missing = []
        for o in sorted(longs):
            escaped = "\\-\\-" + o.replace("-", "\\-")
            if escaped in man:
                continue
            # a yes/no key's --no-KEY is the key too
            key = re.sub(r"^no-", "", o).replace("-", "_")
            if keys and re.search(r"\b" + re.escape(key) + r"\b", man):
                continue
            missing.append("--" + o)
        for o in sorted(shorts):
            if "\\-" + o not in man:
                missing.append("-" + o)
        if not longs or missing:
            failed += 1
            print(f"not ok {n} - {page}: {len(longs)} long and "
                  f"{len(shorts)} short options in --help; not in the man "
                  f"page: {' '.join(missing) or '(no options found)'}")
        else:
            print(f"ok {n} - {page}: all {len(longs)} long and "
                  f"{len(shorts)} short options of {prog} --help")
    n += 1
    man = (ROOT / "tools/secmsgctl.8").read_text()
    words = keywords(help_text("tools/secmsgctl/secmsgctl"))
    missing = sorted(w for w in words
                     if w.replace("-", "\\-") not in man)
    if len(words) < 20 or missing:
        failed += 1
        print(f"not ok {n} - secmsgctl.8: {len(words)} usage keywords; "
              f"not in the man page: {' '.join(missing) or '(too few found)'}")
    else:
        print(f"ok {n} - secmsgctl.8: all {len(words)} keywords of the "
              f"usage lines ({', '.join(sorted(words)[:6])}, ...)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
