#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Keep the YNL spec (uapi/secmsg.yaml) in sync with the ABI header
(uapi/linux/secmsg.h) and the kernel's netlink code (kmod/).

Checks, each a TAP test point:
  * the spec parses and has the keys of a genetlink-legacy YNL spec;
  * every name the spec renders to C (constants, enum entries, attribute and
    command enums, their __MAX/MAX members, the family and group defines)
    has the value the header has, compiled by cc, and the header has no
    enumerator or numeric #define the spec lacks;
  * each attribute's type and checks are those of its nla_policy entry in
    kmod/; the global policy holds exactly the request attributes;
  * the operations: their attributes exist, do/dump/flags are those of the
    kernel's ops table, and the attributes each handler reads and puts are
    the request and reply lists (the event's those of its sender);
  * write-only attributes (private key, secrets, keys) are marked as such in
    the header and the spec and are in no reply, and the kernel never puts
    them.
The repository root is taken from this file's location (uapi/tests/).
"""
import os
import re
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
SPEC = ROOT / "uapi" / "secmsg.yaml"
HEADER = ROOT / "uapi" / "linux" / "secmsg.h"
KMOD = ROOT / "kmod"


# --- TAP ---------------------------------------------------------------------

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def result(self, problems, name):
        """One test point: passes when problems is empty."""
        self.n += 1
        if problems:
            self.failed += 1
            print(f"not ok {self.n} - {name}")
            for p in problems:
                for line in str(p).splitlines():
                    print(f"#   {line}")
        else:
            print(f"ok {self.n} - {name}")
        sys.stdout.flush()

    def check(self, name, fn, *args):
        """Run fn(*args), which returns a list of problems; an exception is
        a failure too (and its value None)."""
        try:
            problems, value = fn(*args), None
            if isinstance(problems, tuple):
                problems, value = problems
        except Exception as e:  # report, go on with the other checks
            problems, value = [f"{type(e).__name__}: {e}"], None
        self.result(problems, name)
        return value

    def comment(self, text):
        for line in text.splitlines():
            print(f"# {line}")

    def finish(self):
        print(f"1..{self.n}")
        sys.exit(1 if self.failed else 0)


def c_upper(name):
    return name.upper().replace("-", "_")


def c_lower(name):
    return name.lower().replace("-", "_")


# --- C sources ---------------------------------------------------------------

C_TOKENS = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|'
                      r"/\*.*?\*/|//[^\n]*", re.S)


def strip_comments(text):
    """C comments out (line numbers kept); in string and character
    literals, the characters that matter to this file's parsing (brackets,
    commas, semicolons, slashes, stars) become '_'."""
    def repl(m):
        tok = m.group(0)
        if tok[0] in "\"'":
            return tok[0] + re.sub(r"[][(){},;/*]", "_", tok[1:-1]) + tok[-1]
        return "\n" * tok.count("\n") or " "
    return C_TOKENS.sub(repl, text)


def strip_strings(text):
    return re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)


def join_continuations(text):
    return re.sub(r"\\\n", " ", text)


def matching(text, i, open_c="{", close_c="}"):
    """Index just after the bracket closing the one at text[i]."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] == open_c:
            depth += 1
        elif text[j] == close_c:
            depth -= 1
            if depth == 0:
                return j + 1
    raise ValueError(f"unbalanced {open_c} at offset {i}")


def split_top(text, sep=","):
    """Split on sep outside (), {} and []."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def designated(text):
    """'{ .a = x, .b = y }' -> {'a': 'x', 'b': 'y'}, or None."""
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    out = {}
    for part in split_top(text[1:-1]):
        m = re.fullmatch(r"\.(\w+)\s*=\s*(.+)", part, re.S)
        if not m:
            return None
        out[m.group(1)] = " ".join(m.group(2).split())
    return out


class Header:
    """uapi/linux/secmsg.h: enums, #defines, kernel-doc."""

    def __init__(self, path):
        self.raw = path.read_text()
        code = join_continuations(strip_comments(self.raw))
        self.enums = {}         # C enum name (or "<anon N>") -> [names]
        self.enum_of = {}       # enumerator -> C enum name
        for k, m in enumerate(re.finditer(r"\benum\s+(\w+)?\s*\{(.*?)\}\s*;",
                                          code, re.S)):
            ename = m.group(1) or f"<anonymous enum {k}>"
            names = []
            for item in split_top(m.group(2)):
                n = re.match(r"([A-Za-z_]\w*)", item)
                if n:
                    names.append(n.group(1))
                    self.enum_of[n.group(1)] = ename
            self.enums[ename] = names
        self.defines = {}       # name -> 'num' or 'str'
        for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(\w+)(\()?(.*)$",
                             code, re.M):
            name, fn_like, value = m.group(1), m.group(2), m.group(3).strip()
            if fn_like or not value:
                continue        # macros with arguments; the include guard
            self.defines[name] = "str" if value.startswith('"') else "num"
        self.docs = {}          # @NAME -> its kernel-doc text
        for block in re.findall(r"/\*\*(.*?)\*/", self.raw, re.S):
            for m in re.finditer(r"@(\w+):(.*?)(?=@\w+:|\Z)", block, re.S):
                self.docs[m.group(1)] = " ".join(
                    re.sub(r"^\s*\*", "", m.group(2), flags=re.M).split())
        self.values = {}        # name -> int or str, filled by compile()

    def names(self):
        return list(self.enum_of) + list(self.defines)

    def compile(self):
        """The value of every enumerator and #define, as cc sees them."""
        lines = ["#include <stdio.h>", "#include <linux/secmsg.h>", "",
                 "int main(void)", "{"]
        for name in self.enum_of:
            lines.append(f'\tprintf("N %s %llu\\n", "{name}", '
                         f'(unsigned long long)({name}));')
        for name, kind in self.defines.items():
            if kind == "str":
                lines.append(f'\tprintf("S %s %s\\n", "{name}", {name});')
            else:
                lines.append(f'\tprintf("N %s %llu\\n", "{name}", '
                             f'(unsigned long long)({name}));')
        lines += ["\treturn 0;", "}", ""]
        cc = os.environ.get("CC") or "cc"
        with tempfile.TemporaryDirectory(prefix="test_spec.") as tmp:
            src, exe = Path(tmp) / "values.c", Path(tmp) / "values"
            src.write_text("\n".join(lines))
            cmd = [cc, "-std=c11", "-Wall", "-Wextra", "-Werror",
                   f"-I{ROOT / 'uapi'}", "-o", str(exe), str(src)]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode:
                return [f"{' '.join(cmd)} failed:", r.stdout + r.stderr]
            r = subprocess.run([str(exe)], capture_output=True, text=True)
            if r.returncode:
                return [f"the value printer exited with {r.returncode}"]
        for line in r.stdout.splitlines():
            kind, name, value = line.split(" ", 2)
            self.values[name] = int(value) if kind == "N" else value
        missing = [n for n in self.names() if n not in self.values]
        return [f"no value printed for {n}" for n in missing]


def c_eval(expr, values):
    """Value of a simple C constant expression over the header's names."""
    def name(m):
        word = m.group(0)
        if word in values and isinstance(values[word], int):
            return str(values[word])
        raise ValueError(f"unknown name {word} in '{expr}'")
    e = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b", r"\1", expr)
    e = re.sub(r"\b[A-Za-z_]\w*\b", name, e)
    if not re.fullmatch(r"[\s0-9a-fA-FxX()+\-*/<>|&~]*", e):
        raise ValueError(f"cannot evaluate '{expr}'")
    return int(eval(e.replace("/", "//"), {"__builtins__": {}}))


class Kmod:
    """kmod/*.c: policies, the family, its ops and groups, functions."""

    def __init__(self, path):
        self.files = {}
        for f in sorted(path.glob("*.c")):
            if f.name.endswith(".mod.c"):
                continue
            self.files[f.name] = join_continuations(
                strip_comments(f.read_text()))
        self.policies = {}      # array name -> (max symbol, {attr: expr})
        self.macros = {}        # function-like macros: name -> (params, body)
        for fname, code in self.files.items():
            for m in re.finditer(r"^#\s*define\s+(\w+)\(([^)]*)\)(.*)$",
                                 code, re.M):
                self.macros[m.group(1)] = (
                    [p.strip() for p in m.group(2).split(",")],
                    m.group(3).strip())
            for m in re.finditer(
                    r"struct\s+nla_policy\s+(\w+)\s*\[\s*(\w+)\s*\+\s*1\s*\]"
                    r"\s*(?:__\w+\s*)?=\s*\{", code):
                body = code[m.end() - 1:matching(code, m.end() - 1)]
                entries = {}
                for item in split_top(body[1:-1]):
                    e = re.fullmatch(r"\[\s*(\w+)\s*\]\s*=\s*(.+)", item, re.S)
                    if not e:
                        raise ValueError(f"{fname}: policy {m.group(1)}: "
                                         f"cannot parse '{item}'")
                    entries[e.group(1)] = " ".join(e.group(2).split())
                self.policies[m.group(1)] = (m.group(2), entries)
        self.functions = {}     # name -> (file, body), C functions
        for fname, code in self.files.items():
            for m in re.finditer(r"^(?![#\s])(?:[\w*]+[ \t*]+)+(\w+)\s*"
                                 r"\(([^()]*)\)\s*\{", code, re.M):
                start = m.end() - 1
                end = matching(code, start)
                self.functions[m.group(1)] = (fname, code[start:end])

    def array(self, struct_type):
        """The (first) initialized array of struct_type: name, elements."""
        for code in self.files.values():
            m = re.search(r"struct\s+" + struct_type +
                          r"\s+(\w+)\s*\[\s*\]\s*=\s*\{", code)
            if m:
                body = code[m.end() - 1:matching(code, m.end() - 1)]
                return m.group(1), split_top(body[1:-1])
        return None, []

    def expand(self, item):
        """Expand one function-like macro invocation, textually."""
        m = re.fullmatch(r"(\w+)\s*\((.*)\)", item.strip(), re.S)
        if m and m.group(1) in self.macros:
            params, body = self.macros[m.group(1)]
            args = split_top(m.group(2))
            for p, a in zip(params, args):
                body = re.sub(r"\b" + re.escape(p) + r"\b", a, body)
            return body
        return item

    def family(self):
        for code in self.files.values():
            m = re.search(r"struct\s+genl_family\s+(\w+)[^=;{]*=\s*\{", code)
            if m:
                return designated(code[m.end() - 1:matching(code,
                                                             m.end() - 1)])
        return None

    def reachable(self, start, files):
        """Functions reached from start through calls, within files."""
        seen, todo = set(), [start]
        while todo:
            f = todo.pop()
            if f in seen or f not in self.functions:
                continue
            if self.functions[f][0] not in files:
                continue
            seen.add(f)
            todo += re.findall(r"\b(\w+)\s*\(", self.functions[f][1])
        return seen


def reads_and_puts(bodies, prefix, ignore):
    """The attributes (C names starting with prefix) that C function bodies
    read: info->attrs[X] (or tb[X] on it), SECMSG_REQUIRE(info, X),
    nla_type(a) == X; and put: any other mention (nla_put*(skb, X, ...),
    nla_nest_start(skb, X), a helper given X).  Names in ignore (the
    unused and pad attributes, __MAX and MAX) are neither."""
    attr = "(" + re.escape(prefix) + r"\w+)"
    read_res = [r"\[\s*" + attr + r"\s*\]",
                r"\bSECMSG_REQUIRE\s*\(\s*\w+\s*,\s*" + attr + r"\s*\)",
                r"\bnla_type\s*\([^()]*\)\s*[!=]=\s*" + attr]
    reads, puts = set(), set()
    for body in bodies:
        body = strip_strings(body)
        for r in read_res:
            reads.update(re.findall(r, body))
            body = re.sub(r, " ", body)
        puts.update(re.findall(r"\b" + attr + r"\b", body))
    return reads - ignore, puts - ignore


# --- the spec, as YNL renders it ---------------------------------------------

LIMITS = {f"{s}{w}-{e}" for s in "us" for w in (8, 16, 32, 64)
          for e in ("min", "max")}


def limit_value(name):
    width = int(name[1:-4])
    if name[0] == "u":
        return 0 if name.endswith("-min") else (1 << width) - 1
    return -(1 << (width - 1)) if name.endswith("-min") else \
        (1 << (width - 1)) - 1


class Spec:
    def __init__(self, d):
        self.d = d
        self.name = d["name"]
        self.consts = {x["name"]: x for x in d.get("definitions", [])}
        self.sets = {s["name"]: s for s in d["attribute-sets"]}
        self.ops = d["operations"]["list"]
        self.groups = d.get("mcast-groups", {}).get("list", [])
        self.op_prefix = c_upper(d["operations"].get(
            "name-prefix", f"{self.name}-cmd-"))

    def resolve(self, v):
        """A check value: integer, const name (optionally ' - 1'), limit."""
        if isinstance(v, int):
            return v
        m = re.fullmatch(r"([\w-]+)( - 1)?", str(v))
        if not m:
            raise ValueError(f"bad limit {v!r}")
        base, minus = m.group(1), 1 if m.group(2) else 0
        if base in self.consts and self.consts[base]["type"] == "const":
            return self.consts[base]["value"] - minus
        if base in LIMITS:
            return limit_value(base) - minus
        raise ValueError(f"unknown limit or constant {v!r}")

    def enum_entries(self, d):
        """[(C name, user value, raw value)] of an enum/flags definition."""
        pfx = d.get("name-prefix", f"{self.name}-{d['name']}-")
        start = d.get("value-start", 0)
        if not isinstance(start, int):
            raise ValueError(f"{d['name']}: non-integer value-start")
        out, prev = [], None
        for e in d.get("entries", []):
            e = {"name": e} if isinstance(e, str) else e
            v = e.get("value", prev + 1 if prev is not None else start)
            prev = v
            user = v if d["type"] == "enum" else 1 << v
            out.append((c_upper(pfx + e["name"]), user, v))
        return out

    def enum_rendered(self, d):
        """{C name: value} of an enum/flags incl. its render-max members."""
        pfx = d.get("name-prefix", f"{self.name}-{d['name']}-")
        ents = self.enum_entries(d)
        out = {n: v for n, v, _ in ents}
        if d.get("render-max"):
            if d["type"] == "flags":
                mask = 0
                for _, v, _ in ents:
                    mask |= v
                out[c_upper(pfx + "mask")] = mask
            else:
                last = ents[-1][2] if ents else -1
                cnt = d.get("enum-cnt-name") or "__" + pfx + "max"
                out[c_upper(cnt)] = last + 1
                out[c_upper(pfx + "max")] = last
        return out

    def set_prefix(self, s):
        if "name-prefix" in s:
            return s["name-prefix"]
        if s["name"] == self.name:
            return f"{self.name}-a-"
        return f"{self.name}-a-{s['name']}-"

    def set_attrs(self, s):
        """[(attr dict, C name, value)] of an attribute set."""
        pfx = self.set_prefix(s)
        out, val = [], 1
        for a in s["attributes"]:
            val = a.get("value", val)
            out.append((a, c_upper(a.get("name-prefix", pfx) + a["name"]),
                        val))
            val += 1
        return out

    def set_c_prefix(self, s):
        """(C prefix, names that are no attribute) of a set, for scans."""
        ignore = set(self.set_limits(s))
        ignore |= {c for a, c, _ in self.set_attrs(s)
                   if a["type"] in ("unused", "pad")}
        return c_upper(self.set_prefix(s)), ignore

    def set_limits(self, s):
        pfx = c_upper(self.set_prefix(s))
        return (c_upper(s.get("attr-cnt-name", f"__{pfx}max")),
                c_upper(s.get("attr-max-name", f"{pfx}max")))

    def set_rendered(self, s):
        attrs = self.set_attrs(s)
        out = {cname: v for _, cname, v in attrs}
        cnt, mx = self.set_limits(s)
        last = attrs[-1][2] if attrs else 0
        out[cnt] = last + 1
        out[mx] = last
        return out

    def op_values(self):
        out, val = [], 1
        for op in self.ops:
            val = op.get("value", val)
            out.append((op, c_upper(self.op_prefix + op["name"]), val))
            val += 1
        return out

    def ops_rendered(self):
        ops = self.op_values()
        out = {cname: v for _, cname, v in ops}
        last = ops[-1][2] if ops else 0
        out[c_upper(self.d.get("cmd-cnt-name", f"__{self.op_prefix}max"))] = \
            last + 1
        out[c_upper(self.d.get("cmd-max-name", f"{self.op_prefix}max"))] = last
        return out

    def family_rendered(self):
        return {
            c_upper(self.d.get("c-family-name", f"{self.name}-family-name")):
                self.name,
            c_upper(self.d.get("c-version-name",
                               f"{self.name}-family-version")):
                self.d.get("version", 1),
        }

    def groups_rendered(self):
        return {c_upper(g.get("c-define-name",
                              f"{self.name}-mcgrp-{g['name']}")): g["name"]
                for g in self.groups}

    def all_rendered(self):
        """[(C name, value, where)] of everything the spec defines."""
        out = []

        def add(where, names):
            out.extend((n, v, where) for n, v in names.items())
        add("family", self.family_rendered())
        for d in self.consts.values():
            if d["type"] == "const":
                add(f"const {d['name']}",
                    {c_upper(f"{self.name}-{d['name']}"): d["value"]})
            elif d["type"] in ("enum", "flags"):
                add(f"{d['type']} {d['name']}", self.enum_rendered(d))
        for s in self.sets.values():
            if "subset-of" not in s:
                add(f"attribute-set {s['name']}", self.set_rendered(s))
        add("operations", self.ops_rendered())
        add("mcast-groups", self.groups_rendered())
        return out

    def op_lists(self, op):
        """{'do request': [...], ...} of one operation."""
        out = {}
        for mode in ("do", "dump"):
            for part in ("request", "reply"):
                sub = (op.get(mode) or {}).get(part)
                if sub is not None:
                    out[f"{mode} {part}"] = sub.get("attributes", [])
        if "event" in op:
            out["event"] = op["event"].get("attributes", [])
        return out

    def attr_policy(self, s, a):
        """(type, checks) of the kernel policy YNL would generate, or None
        when an attribute gets no policy entry."""
        t = a["type"]
        checks = dict(a.get("checks", {}))
        if t in ("unused", "pad"):
            return None
        if t in ("u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
                 "uint", "sint"):
            enum = self.consts.get(a.get("enum")) if "enum" in a else None
            bitfield = a.get("enum-as-flags") or \
                (enum is not None and enum["type"] == "flags")
            if "flags-mask" in checks or bitfield:
                src = self.consts[checks.get("flags-mask", a.get("enum"))]
                mask = 0
                for _, v, _ in self.enum_entries(src):
                    mask |= v if src["type"] == "flags" else 1 << v
                return (t, {"mask": mask})
            if enum is not None:
                vals = [v for _, v, _ in self.enum_entries(enum)]
                if vals:
                    lo, hi = min(vals), max(vals)
                    if "min" not in checks and (lo != 0 or t[0] == "s"):
                        checks["min"] = lo
                    if "max" not in checks:
                        checks["max"] = hi
            out = {k: self.resolve(checks[k]) for k in ("min", "max")
                   if k in checks}
            return (t, out)
        if t == "string":
            if "exact-len" in checks:
                return ("binary", {"exact-len":
                                   self.resolve(checks["exact-len"])})
            out = {}
            if "max-len" in checks:
                out["max-len"] = self.resolve(checks["max-len"])
            if checks.get("unterminated-ok"):
                out["unterminated-ok"] = True
            return ("string", out)
        if t == "binary":
            out = {k: self.resolve(checks[k])
                   for k in ("exact-len", "min-len", "max-len") if k in checks}
            return ("binary", out)
        if t == "nest":
            return ("nest", {"nested": a.get("nested-attributes")})
        if t == "indexed-array":
            return ("indexed-array", {"nested": a.get("nested-attributes")})
        if t == "flag":
            return ("flag", {})
        raise ValueError(f"{s['name']}.{a['name']}: type {t} not handled")


# --- schema (genetlink-legacy), the keys only --------------------------------

TOP_KEYS = {"name", "doc", "protocol", "uapi-header", "c-family-name",
            "c-version-name", "max-by-define", "cmd-max-name", "cmd-cnt-name",
            "kernel-policy", "version", "definitions", "attribute-sets",
            "operations", "mcast-groups", "kernel-family"}
TOP_REQUIRED = {"name", "doc", "attribute-sets", "operations"}
DEF_KEYS = {"name", "header", "type", "doc", "value", "value-start",
            "entries", "render-max", "enum-name", "name-prefix",
            "enum-cnt-name", "members"}
ENTRY_KEYS = {"name", "value", "doc"}
SET_KEYS = {"name", "name-prefix", "enum-name", "doc", "subset-of",
            "attr-cnt-name", "attr-max-name", "header", "attributes"}
ATTR_KEYS = {"name", "type", "doc", "value", "type-value", "byte-order",
             "multi-attr", "nested-attributes", "enum", "enum-as-flags",
             "checks", "sub-type", "display-hint", "name-prefix", "struct"}
ATTR_TYPES = {"unused", "pad", "flag", "binary", "bitfield32", "uint", "sint",
              "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "string",
              "nest", "indexed-array", "nest-type-value"}
CHECK_KEYS = {"flags-mask", "min", "max", "min-len", "max-len", "exact-len",
              "unterminated-ok"}
OPS_KEYS = {"enum-model", "name-prefix", "enum-name", "async-prefix",
            "async-enum", "fixed-header", "list"}
OP_KEYS = {"name", "doc", "value", "attribute-set", "flags", "dont-validate",
           "config-cond", "fixed-header", "do", "dump", "notify", "event",
           "mcgrp"}
SUBOP_KEYS = {"request", "reply", "pre", "post"}
MSG_KEYS = {"attributes", "value"}
GROUP_KEYS = {"name", "c-define-name", "flags"}
CMD_FLAGS = {"admin-perm", "uns-admin-perm"}
NAME_RE = re.compile(r"[0-9a-z][0-9a-z-]*")


def check_schema(d):
    p = []

    def keys(where, obj, allowed, required=()):
        if not isinstance(obj, dict):
            p.append(f"{where}: not a mapping")
            return False
        for k in set(obj) - allowed:
            p.append(f"{where}: unknown key '{k}'")
        for k in set(required) - set(obj):
            p.append(f"{where}: missing key '{k}'")
        return True

    def name_ok(where, n):
        if not isinstance(n, str) or not NAME_RE.fullmatch(n):
            p.append(f"{where}: bad name {n!r}")

    keys("top level", d, TOP_KEYS, TOP_REQUIRED)
    if d.get("protocol") != "genetlink-legacy":
        p.append(f"protocol is {d.get('protocol')!r}, "
                 "want genetlink-legacy (version, kernel-policy)")
    if d.get("kernel-policy") not in (None, "split", "per-op", "global"):
        p.append(f"kernel-policy {d.get('kernel-policy')!r}")
    for x in d.get("definitions", []):
        where = f"definition {x.get('name')}"
        keys(where, x, DEF_KEYS, {"name", "type"})
        name_ok(where, x.get("name"))
        if x.get("type") not in ("const", "enum", "flags", "struct"):
            p.append(f"{where}: type {x.get('type')!r}")
        if x.get("type") == "const" and not isinstance(x.get("value"), int):
            p.append(f"{where}: value must be an integer")
        for e in x.get("entries", []):
            if isinstance(e, dict):
                keys(f"{where} entry {e.get('name')}", e, ENTRY_KEYS,
                     {"name"})
                name_ok(f"{where} entry", e.get("name"))
            else:
                name_ok(f"{where} entry", e)
    for s in d.get("attribute-sets", []):
        where = f"attribute-set {s.get('name')}"
        keys(where, s, SET_KEYS, {"name", "attributes"})
        name_ok(where, s.get("name"))
        for a in s.get("attributes", []):
            aw = f"{where} attribute {a.get('name')}"
            keys(aw, a, ATTR_KEYS, {"name", "type"})
            name_ok(aw, a.get("name"))
            if a.get("type") not in ATTR_TYPES:
                p.append(f"{aw}: type {a.get('type')!r}")
            if "checks" in a:
                keys(f"{aw} checks", a["checks"], CHECK_KEYS)
            if a.get("type") == "nest" and "nested-attributes" not in a:
                p.append(f"{aw}: a nest without nested-attributes")
    ops = d.get("operations", {})
    if keys("operations", ops, OPS_KEYS, {"list"}):
        for op in ops.get("list", []):
            where = f"operation {op.get('name')}"
            keys(where, op, OP_KEYS, {"name", "doc"})
            name_ok(where, op.get("name"))
            for f in op.get("flags", []):
                if f not in CMD_FLAGS:
                    p.append(f"{where}: flag {f!r}")
            for mode in ("do", "dump"):
                if mode in op and keys(f"{where} {mode}", op[mode],
                                       SUBOP_KEYS):
                    for part in ("request", "reply"):
                        if part in op[mode]:
                            keys(f"{where} {mode} {part}", op[mode][part],
                                 MSG_KEYS)
            if "event" in op:
                keys(f"{where} event", op["event"], {"attributes"})
    groups = d.get("mcast-groups", {"list": []})
    if keys("mcast-groups", groups, {"list"}, {"list"}):
        for g in groups["list"]:
            keys(f"mcast-group {g.get('name')}", g, GROUP_KEYS, {"name"})
            for f in g.get("flags", []):
                if f not in CMD_FLAGS:
                    p.append(f"mcast-group {g.get('name')}: flag {f!r}")
    return p


# --- the checks --------------------------------------------------------------

class UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader that refuses a key twice in one mapping (PyYAML
    would silently keep the last one)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_spec():
    d = yaml.load(SPEC.read_text(), Loader=UniqueKeyLoader)
    if not isinstance(d, dict):
        return ["the spec is not a YAML mapping"], None
    return [], d


def compare_values(spec_names, hdr, where):
    """spec_names: {C name: value}; each must be in the header, same value."""
    p = []
    for name, value in spec_names.items():
        if name not in hdr.values:
            p.append(f"{where}: {name} ({value!r}) is not in the header")
        elif hdr.values[name] != value:
            p.append(f"{where}: {name} is {value!r} in the spec, "
                     f"{hdr.values[name]!r} in the header")
    return p


def implicit_unspec(spec, hdr):
    """The header's command 0 (SECMSG_CMD_UNSPEC): YNL leaves value 0 of the
    command enum unnamed, the operations starting at 1."""
    name = spec.op_prefix + "UNSPEC"
    if hdr.values.get(name) == 0 and \
            all(v != 0 for _, _, v in spec.op_values()):
        return {name}
    return set()


def check_all_names(spec, hdr):
    p = []
    rendered = spec.all_rendered()
    seen = {}
    for name, value, where in rendered:
        if name in seen:
            p.append(f"{name} is rendered twice: by {seen[name]} and {where}")
        seen[name] = where
    extra = implicit_unspec(spec, hdr)
    for name in hdr.names():
        if name not in seen and name not in extra:
            p.append(f"the header's {name} ({hdr.values.get(name)!r}) is "
                     "not in the spec")
    return p


def check_enum_grouping(spec, hdr):
    """Each spec enum, attribute set and the commands are one C enum of the
    header holding exactly their names (named by enum-name)."""
    p = []
    groups = []
    for d in spec.consts.values():
        if d["type"] not in ("enum", "flags"):
            continue
        default = f"{spec.name}_{c_lower(d['name'])}"
        ename = d.get("enum-name", default)
        groups.append((f"{d['type']} {d['name']}", ename,
                       set(spec.enum_rendered(d))))
    for s in spec.sets.values():
        if "subset-of" not in s:
            groups.append((f"attribute-set {s['name']}", s.get("enum-name"),
                           set(spec.set_rendered(s))))
    groups.append(("operations", spec.d["operations"].get("enum-name"),
                   set(spec.ops_rendered()) | implicit_unspec(spec, hdr)))
    for where, ename, names in groups:
        if ename is None:
            # anonymous: #defines in the header (session flags)
            for n in sorted(names):
                if n in hdr.enum_of:
                    p.append(f"{where}: {n} is in enum {hdr.enum_of[n]}, "
                             "the spec gives no enum-name")
            continue
        cname = c_lower(ename)
        if cname not in hdr.enums:
            p.append(f"{where}: no enum {cname} in the header")
            continue
        have = set(hdr.enums[cname])
        for n in sorted(names - have):
            p.append(f"{where}: {n} is not in enum {cname}")
        for n in sorted(have - names):
            p.append(f"{where}: enum {cname} has {n}, the spec does not")
    return p


def kernel_policy_of(expr, hdr, set_of_array):
    """(type, checks) of one nla_policy initializer."""
    def ev(x):
        return c_eval(x, hdr.values)

    def nla(t):
        m = re.fullmatch(r"NLA_(\w+)", t.strip())
        if not m:
            raise ValueError(f"type {t}")
        return m.group(1).lower()
    m = re.fullmatch(r"(NLA_POLICY_\w+)\s*\((.*)\)", expr, re.S)
    if m:
        macro, args = m.group(1), split_top(m.group(2))
        if macro == "NLA_POLICY_RANGE":
            return (nla(args[0]), {"min": ev(args[1]), "max": ev(args[2])})
        if macro == "NLA_POLICY_MAX":
            return (nla(args[0]), {"max": ev(args[1])})
        if macro == "NLA_POLICY_MIN":
            return (nla(args[0]), {"min": ev(args[1])})
        if macro == "NLA_POLICY_MASK":
            return (nla(args[0]), {"mask": ev(args[1])})
        if macro == "NLA_POLICY_EXACT_LEN":
            return ("binary", {"exact-len": ev(args[0])})
        if macro == "NLA_POLICY_MAX_LEN":
            return ("binary", {"max-len": ev(args[0])})
        if macro == "NLA_POLICY_MIN_LEN":
            return ("binary", {"min-len": ev(args[0])})
        if macro in ("NLA_POLICY_NESTED", "NLA_POLICY_NESTED_ARRAY"):
            kind = "nest" if macro == "NLA_POLICY_NESTED" else \
                "indexed-array"
            arr = args[-1]
            if arr not in set_of_array:
                raise ValueError(f"nested policy {arr}: no attribute set")
            return (kind, {"nested": set_of_array[arr]})
        raise ValueError(f"{macro} not understood by this test")
    fields = designated(expr)
    if fields is None:
        raise ValueError(f"cannot parse '{expr}'")
    t = fields.get("type", "NLA_UNSPEC")
    if t == "NLA_NUL_STRING":
        return ("string", {"max-len": ev(fields["len"])} if "len" in fields
                else {})
    if t == "NLA_STRING":
        out = {"unterminated-ok": True}
        if "len" in fields:
            out["max-len"] = ev(fields["len"])
        return ("string", out)
    if t == "NLA_BINARY":
        return ("binary", {"max-len": ev(fields["len"])} if "len" in fields
                else {})
    if t == "NLA_UNSPEC" and "len" in fields:
        return ("binary", {"min-len": ev(fields["len"])})
    if t == "NLA_NESTED":
        return ("nest", {"nested": None})
    if set(fields) != {"type"}:
        raise ValueError(f"cannot parse '{expr}'")
    return (nla(t), {})


def main():
    tap = Tap()
    try:
        checks(tap)
    except Exception:
        tap.result(traceback.format_exc().splitlines(),
                   "the checks ran to their end")
    tap.finish()


def checks(tap):

    # 1. the YAML parses, and looks like a YNL spec
    d = tap.check(f"{SPEC.relative_to(ROOT)} parses as YAML", load_spec)
    if d is None:
        return
    tap.check("the spec has the keys of a genetlink-legacy YNL spec "
              "(name, doc, protocol, definitions, attribute-sets, "
              "operations, mcast-groups), none unknown",
              lambda: check_schema(d) + [
                  f"missing top-level key {k}" for k in
                  ("protocol", "definitions", "mcast-groups")
                  if k not in d])
    try:
        spec = Spec(d)
    except Exception as e:
        tap.result([f"{type(e).__name__}: {e}"], "the spec's structure")
        return

    # 2. names and values: the spec against the compiled header
    hdr = Header(HEADER)
    ok = tap.check(f"{HEADER.relative_to(ROOT)} compiles and prints the "
                   f"value of its {len(hdr.enum_of)} enumerators and "
                   f"{len(hdr.defines)} #defines",
                   lambda: (hdr.compile(), True))
    if not ok or not hdr.values:
        return

    tap.check("family name and version (SECMSG_GENL_NAME, "
              "SECMSG_GENL_VERSION)",
              compare_values, spec.family_rendered(), hdr, "family")
    consts = {c_upper(f"{spec.name}-{x['name']}"): x["value"]
              for x in spec.consts.values() if x["type"] == "const"}
    tap.check(f"the {len(consts)} constants (definitions of type const) "
              "have the header's #define values",
              compare_values, consts, hdr, "const")
    for x in spec.consts.values():
        if x["type"] in ("enum", "flags"):
            tap.check(f"{x['type']} {x['name']}: every entry has the "
                      "header's value",
                      compare_values, spec.enum_rendered(x), hdr,
                      f"{x['type']} {x['name']}")
    for s in spec.sets.values():
        tap.check(f"attribute-set {s['name']}: every attribute (and the "
                  "__MAX/MAX members) has the header's value",
                  compare_values, spec.set_rendered(s), hdr,
                  f"attribute-set {s['name']}")
    tap.check("operations: every command (and __MAX/MAX) has the header's "
              "value",
              compare_values, spec.ops_rendered(), hdr, "operations")
    tap.check("mcast-groups: the group names are the header's",
              compare_values, spec.groups_rendered(), hdr, "mcast-groups")
    tap.check("every enumerator and #define of the header is in the spec, "
              "none twice", check_all_names, spec, hdr)
    tap.check("each C enum of the header holds exactly the names of one "
              "spec enum, attribute set or the operations (enum-name)",
              check_enum_grouping, spec, hdr)
    if implicit_unspec(spec, hdr):
        tap.comment(f"{spec.op_prefix}UNSPEC = 0: the unnamed command 0 of "
                    "a YNL spec (operations start at 1)")

    # 3. attribute types and checks against the kernel's policies
    kmod = Kmod(KMOD)
    set_by_max = {}
    for s in spec.sets.values():
        set_by_max[spec.set_limits(s)[1]] = s["name"]
    set_of_array = {}
    p = []
    for arr, (maxsym, _) in kmod.policies.items():
        if maxsym in set_by_max:
            set_of_array[arr] = set_by_max[maxsym]
        else:
            p.append(f"kernel policy {arr}[{maxsym} + 1]: no attribute set "
                     f"has attr-max-name {maxsym}")
    for s in spec.sets.values():
        n = [a for a, name in set_of_array.items() if name == s["name"]]
        if len(n) > 1:
            p.append(f"attribute-set {s['name']}: several kernel policies "
                     f"({', '.join(n)})")
    tap.result(p, f"every kernel nla_policy array ({len(kmod.policies)} in "
               "kmod/) belongs to one attribute set")
    policy_of_set = {v: k for k, v in set_of_array.items()}

    fam = kmod.family() or {}
    op_sets = {op.get("attribute-set") for op in spec.ops
               if "attribute-set" in op}

    def check_family():
        p = []
        if not fam:
            return ["no struct genl_family initializer in kmod/"]
        if spec.d.get("kernel-policy", "split") != "global":
            p.append("the kernel has one family-wide policy: the spec's "
                     "kernel-policy must be global")
        gp = fam.get("policy")
        if len(op_sets) != 1:
            p.append(f"a global policy needs one attribute set for all "
                     f"operations, they use {sorted(op_sets)}")
        elif set_of_array.get(gp) != next(iter(op_sets)):
            p.append(f"the family's policy {gp} is not the policy of "
                     f"attribute-set {next(iter(op_sets))}")
        if op_sets and len(op_sets) == 1:
            s = spec.sets[next(iter(op_sets))]
            if fam.get("maxattr") != spec.set_limits(s)[1]:
                p.append(f"the family's maxattr is {fam.get('maxattr')}, "
                         f"the set's max is {spec.set_limits(s)[1]}")
        if c_eval(fam.get("version", "1"), hdr.values) != \
                spec.d.get("version", 1):
            p.append(f"the family's version {fam.get('version')} is not "
                     f"the spec's {spec.d.get('version', 1)}")
        name = fam.get("name", "")
        name = hdr.values.get(name, name.strip('"'))
        if name != spec.name:
            p.append(f"the family's name is {name!r}, the spec's "
                     f"{spec.name!r}")
        return p
    tap.check("the kernel family: global policy of the operations' set, "
              "maxattr, name and version", check_family)

    # sets reachable from requests need a policy
    req_sets = set(op_sets)
    todo = list(req_sets)
    request_attrs = {}              # set -> attributes in some request
    for op in spec.ops:
        for key, attrs in spec.op_lists(op).items():
            if key.endswith("request") and op.get("attribute-set"):
                request_attrs.setdefault(op["attribute-set"], set()).update(
                    attrs)
    while todo:
        sname = todo.pop()
        s = spec.sets.get(sname)
        if not s:
            continue
        used = request_attrs.get(sname) if sname in op_sets else None
        for a in s["attributes"]:
            if used is not None and a["name"] not in used:
                continue
            n = a.get("nested-attributes")
            if n and n not in req_sets:
                req_sets.add(n)
                todo.append(n)

    for s in spec.sets.values():
        def check_set(s=s):
            p = []
            arr = policy_of_set.get(s["name"])
            top = s["name"] in op_sets
            if arr is None:
                if s["name"] in req_sets:
                    return [f"attribute-set {s['name']} is in requests but "
                            "has no kernel policy"]
                for a in s["attributes"]:
                    if a.get("checks"):
                        p.append(f"{a['name']}: checks on a reply-only "
                                 "attribute")
                return p
            entries = kmod.policies[arr][1]
            by_cname = {c: a for a, c, _ in spec.set_attrs(s)}
            for key in entries:
                if key not in by_cname:
                    p.append(f"{arr}: [{key}] is no attribute of the set")
            used = request_attrs.get(s["name"], set())
            for a, cname, _ in spec.set_attrs(s):
                want = spec.attr_policy(s, a)
                have = entries.get(cname)
                if top and want is not None and a["name"] not in used:
                    # a global policy holds the request attributes only
                    if have is not None:
                        p.append(f"{a['name']}: the kernel accepts {cname} "
                                 f"({have}) but no request lists it")
                    elif a.get("checks"):
                        p.append(f"{a['name']}: checks on a reply-only "
                                 "attribute")
                    continue
                if want is None:
                    if have is not None:
                        p.append(f"{a['name']}: type {a['type']}, but the "
                                 f"kernel has a policy: {have}")
                    continue
                if have is None:
                    p.append(f"{a['name']} ({cname}): no entry in {arr}, "
                             "the kernel rejects it")
                    continue
                try:
                    k = kernel_policy_of(have, hdr, set_of_array)
                except ValueError as e:
                    p.append(f"{a['name']}: {e}")
                    continue
                if k != want:
                    p.append(f"{a['name']}: the spec says {want[0]} "
                             f"{want[1]}, the kernel ({cname} = {have}) "
                             f"{k[0]} {k[1]}")
            return p
        what = "reply only, no policy" if s["name"] not in policy_of_set \
            else f"policy {policy_of_set[s['name']]}"
        tap.check(f"attribute-set {s['name']}: types and checks match the "
                  f"kernel ({what})", check_set)

    # 4. operations
    def check_op_attrs():
        p = []
        for op in spec.ops:
            lists = spec.op_lists(op)
            sname = op.get("attribute-set")
            if lists and sname not in spec.sets:
                p.append(f"{op['name']}: attribute-set {sname!r} does not "
                         "exist")
                continue
            names = {a["name"] for a in spec.sets[sname]["attributes"]} \
                if sname else set()
            for key, attrs in lists.items():
                for a in attrs:
                    if a not in names:
                        p.append(f"{op['name']} {key}: {a} is not in "
                                 f"attribute-set {sname}")
                    elif next(x for x in spec.sets[sname]["attributes"]
                              if x["name"] == a)["type"] in ("unused", "pad"):
                        p.append(f"{op['name']} {key}: {a} is {sname}'s "
                                 "unused/pad attribute")
                if len(set(attrs)) != len(attrs):
                    p.append(f"{op['name']} {key}: an attribute twice")
            if not any(k in op for k in ("do", "dump", "event", "notify")):
                p.append(f"{op['name']}: neither do, dump nor a notification")
        for s in spec.sets.values():
            for a in s["attributes"]:
                n = a.get("nested-attributes")
                if n and n not in spec.sets:
                    p.append(f"{s['name']}.{a['name']}: nested-attributes "
                             f"{n} does not exist")
                e = a.get("enum") or a.get("checks", {}).get("flags-mask")
                if e and (e not in spec.consts or
                          spec.consts[e]["type"] not in ("enum", "flags")):
                    p.append(f"{s['name']}.{a['name']}: enum {e} does not "
                             "exist")
        return p
    tap.check("every operation's request, reply and event attributes exist "
              "in its attribute set (and nests and enums exist)",
              check_op_attrs)

    def check_commands():
        p = []
        ops = {cname: (op, v) for op, cname, v in spec.op_values()}
        cnt, mx = (c_upper(spec.d.get("cmd-cnt-name",
                                      f"__{spec.op_prefix}max")),
                   c_upper(spec.d.get("cmd-max-name",
                                      f"{spec.op_prefix}max")))
        ename = c_lower(spec.d["operations"].get("enum-name") or "")
        if ename not in hdr.enums:
            return [f"no enum {ename} (operations' enum-name) in the header"]
        skip = {cnt, mx} | implicit_unspec(spec, hdr)
        for name in hdr.enums[ename]:
            if name in skip:
                continue
            if name not in ops:
                p.append(f"{name} is not an operation of the spec")
            elif ops[name][1] != hdr.values[name]:
                p.append(f"{name}: value {ops[name][1]} in the spec, "
                         f"{hdr.values[name]} in the header")
        return p
    tap.check("every command of enum secmsg_cmd is an operation of the spec",
              check_commands)

    # the ops table
    table_name, items = kmod.array("genl_small_ops")
    if table_name is None:
        table_name, items = kmod.array("genl_ops")
    table = {}
    problems = []
    for item in items:
        f = designated(kmod.expand(item))
        if f is None or "cmd" not in f:
            problems.append(f"{table_name}: cannot parse '{item}'")
            continue
        table[f["cmd"]] = f
    tap.result(problems, f"the kernel's ops table {table_name} parses "
               f"({len(table)} commands)")
    flag_map = {"GENL_ADMIN_PERM": "admin-perm",
                "GENL_UNS_ADMIN_PERM": "uns-admin-perm"}
    validate_map = {"GENL_DONT_VALIDATE_STRICT": "strict",
                    "GENL_DONT_VALIDATE_DUMP": "dump",
                    "GENL_DONT_VALIDATE_DUMP_STRICT": "dump-strict"}

    def tokens(expr, mapping, what):
        out, bad = set(), []
        for t in re.findall(r"\w+", expr or ""):
            if t in mapping:
                out.add(mapping[t])
            elif t != "0":
                bad.append(f"{what} {t} has no YNL name")
        return out, bad

    nl_files = {f for f in kmod.files if f.startswith("nl_") or
                f == "netlink.c"}
    for op, cname, _ in spec.op_values():
        def check_op(op=op, cname=cname):
            p = []
            lists = spec.op_lists(op)
            if "event" in op or "notify" in op:
                if cname in table:
                    p.append(f"{cname} is a notification in the spec but in "
                             f"the kernel's {table_name}")
                if op.get("mcgrp") not in {g["name"] for g in spec.groups}:
                    p.append(f"mcgrp {op.get('mcgrp')!r} is no mcast group")
                if "notify" in op:
                    return p
                senders = [f for f, (_, body) in kmod.functions.items()
                           if re.search(r"\bgenlmsg_put\w*\s*\([^;]*\b" +
                                        cname + r"\b", body)]
                if not senders:
                    return p + [f"no function in kmod/ puts a {cname}"]
                _, puts = reads_and_puts(
                    (kmod.functions[f][1] for f in senders),
                    *spec.set_c_prefix(spec.sets[op["attribute-set"]]))
                want = {c_upper(spec.set_prefix(spec.sets[op["attribute-set"]])
                                + a) for a in lists.get("event", [])}
                p += diff(puts, want, f"{'/'.join(senders)} puts",
                          "the event lists")
                return p
            f = table.get(cname)
            if f is None:
                return [f"{cname} is not in the kernel's {table_name}"]
            flags, bad = tokens(f.get("flags"), flag_map, "flag")
            p += bad
            if flags != set(op.get("flags", [])):
                p.append(f"flags: the kernel has {sorted(flags)}, the spec "
                         f"{sorted(op.get('flags', []))}")
            dv, bad = tokens(f.get("validate"), validate_map, "validate")
            p += bad
            if dv != set(op.get("dont-validate", [])):
                p.append(f"dont-validate: the kernel has {sorted(dv)}, the "
                         f"spec {sorted(op.get('dont-validate', []))}")
            pfx = spec.set_prefix(spec.sets[op["attribute-set"]])
            for mode, handler in (("do", f.get("doit")),
                                  ("dump", f.get("dumpit"))):
                if (mode in op) != (handler is not None):
                    p.append(f"{mode}: the kernel has "
                             f"{handler or 'no ' + mode + 'it'}, the spec "
                             f"{'a' if mode in op else 'no'} {mode}")
                    continue
                if handler is None:
                    continue
                if handler not in kmod.functions:
                    p.append(f"{mode}: no function {handler} in kmod/")
                    continue
                funcs = kmod.reachable(handler, nl_files)
                reads, puts = reads_and_puts(
                    (kmod.functions[x][1] for x in funcs),
                    *spec.set_c_prefix(spec.sets[op["attribute-set"]]))
                req = {c_upper(pfx + a)
                       for a in lists.get(f"{mode} request", [])}
                rep = {c_upper(pfx + a)
                       for a in lists.get(f"{mode} reply", [])}
                p += diff(reads, req, f"{handler} reads", f"the {mode} "
                          "request lists")
                p += diff(puts, rep, f"{handler} puts", f"the {mode} "
                          "reply lists")
            return p
        kind = "event" if "event" in op or "notify" in op else \
            "/".join(m for m in ("do", "dump") if m in op)
        tap.check(f"operation {op['name']} ({kind}): matches the kernel",
                  check_op)

    def check_extra_ops():
        spec_cmds = {c for _, c, _ in spec.op_values()}
        return [f"{c} is in the kernel's {table_name} but not in the spec"
                for c in table if c not in spec_cmds]
    tap.check("every command of the kernel's ops table is in the spec",
              check_extra_ops)

    def check_groups():
        p = []
        gname, items = kmod.array("genl_multicast_group")
        kernel = {}
        for item in items:
            f = designated(item)
            if f is None or "name" not in f:
                p.append(f"{gname}: cannot parse '{item}'")
                continue
            name = hdr.values.get(f["name"], f["name"].strip('"'))
            flags, bad = tokens(f.get("flags"),
                                {"GENL_MCAST_CAP_NET_ADMIN": "uns-admin-perm"},
                                "group flag")
            p += bad
            kernel[name] = flags
        spec_groups = {g["name"]: set(g.get("flags", []))
                       for g in spec.groups}
        p += diff(set(kernel), set(spec_groups), "the kernel's groups",
                  "the spec's mcast-groups")
        for g in set(kernel) & set(spec_groups):
            if kernel[g] != spec_groups[g]:
                p.append(f"group {g}: flags {sorted(kernel[g])} in the "
                         f"kernel (GENL_MCAST_CAP_NET_ADMIN is "
                         f"uns-admin-perm), {sorted(spec_groups[g])} in "
                         "the spec")
        if fam.get("mcgrps") != gname:
            p.append(f"the family's mcgrps is {fam.get('mcgrps')}, "
                     f"not {gname}")
        return p
    tap.check("mcast-groups: the kernel's groups, with their flags",
              check_groups)

    # write-only attributes
    def check_write_only():
        p = []
        attr_names = {c: (s, a) for s in spec.sets.values()
                      for a, c, _ in spec.set_attrs(s)}
        hdr_wo = {n for n in attr_names if
                  re.search(r"write-only", hdr.docs.get(n, ""), re.I)}
        spec_wo = {n for n, (s, a) in attr_names.items()
                   if re.search(r"write-only", a.get("doc", ""), re.I)}
        p += diff(spec_wo, hdr_wo, "write-only in the spec",
                  "write-only in the header")
        if not hdr_wo:
            p.append("the header marks no attribute write-only")
        for op in spec.ops:
            pfx = spec.set_prefix(spec.sets[op["attribute-set"]])
            for key, attrs in spec.op_lists(op).items():
                if key.endswith("request"):
                    continue
                for a in attrs:
                    if c_upper(pfx + a) in hdr_wo | spec_wo:
                        p.append(f"{op['name']} {key}: write-only {a}")
        for s in spec.sets.values():
            for fname in kmod.files:
                _, puts = reads_and_puts(
                    (body for ff, body in kmod.functions.values()
                     if ff == fname), *spec.set_c_prefix(s))
                for n in sorted(puts & (hdr_wo | spec_wo)):
                    p.append(f"kmod/{fname} puts write-only {n}")
        return p
    tap.check("write-only attributes (keys, secrets, the private key): "
              "marked in the header and the spec, in no reply or event, "
              "never put by kmod/", check_write_only)

    def check_docs():
        p = []
        for s in spec.sets.values():
            for a in s["attributes"]:
                if a["type"] not in ("unused", "pad") and \
                        not str(a.get("doc", "")).strip():
                    p.append(f"attribute {s['name']}.{a['name']}: no doc")
        for x in spec.consts.values():
            if x["type"] in ("enum", "flags") and not x.get("doc"):
                p.append(f"{x['type']} {x['name']}: no doc")
        return p
    tap.check("every attribute, enum and flags has a doc", check_docs)


def diff(have, want, have_what, want_what):
    p = []
    for n in sorted(have - want):
        p.append(f"{have_what} {n}, {want_what} do not")
    for n in sorted(want - have):
        p.append(f"{want_what} {n}, {have_what} not")
    return p


if __name__ == "__main__":
    main()
