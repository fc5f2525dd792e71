#!/usr/bin/env python3
"""Dump the policies/ YAML files as a Lua chunk for the catalog tests.

Usage: yaml2lua.py [REPO_ROOT]   (default: two levels above this file)

Writes to stdout a chunk that returns a list of {path=, doc=}, where doc
has the shape the C loader hands to catalog.new: mappings become tables
with string keys, sequences become arrays, every scalar is the string as
written (true stays "true"), and plain nulls are left out. Exit status 3
means PyYAML is missing (install python3-yaml), so the caller can skip.
"""
import os
import sys

try:
    import yaml
except ImportError:
    sys.stderr.write("yaml2lua: PyYAML is missing (apt-get install"
                     " python3-yaml)\n")
    sys.exit(3)

NULLS = ("", "~", "null", "Null", "NULL")


class Loader(yaml.BaseLoader):
    """BaseLoader keeps every scalar as written; plain nulls become None."""


def _scalar(loader, node):
    if node.style is None and node.value in NULLS:
        return None
    return node.value


Loader.add_constructor("tag:yaml.org,2002:str", _scalar)


def lua_string(s):
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append("\\%03d" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def lua_value(v, indent):
    pad = "  " * (indent + 1)
    if isinstance(v, dict):
        parts = ["%s[%s] = %s,\n"
                 % (pad, lua_string(k), lua_value(x, indent + 1))
                 for k, x in v.items() if x is not None]
        return "{\n" + "".join(parts) + "  " * indent + "}"
    if isinstance(v, list):
        parts = ["%s%s,\n" % (pad, lua_value(x, indent + 1))
                 for x in v if x is not None]
        return "{\n" + "".join(parts) + "  " * indent + "}"
    return lua_string(v)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..")
    base = os.path.join(root, "policies")
    paths = []
    for d, _, names in os.walk(base):
        for n in names:
            if n.endswith(".yml"):
                paths.append(os.path.relpath(os.path.join(d, n), root))
    paths.sort()
    sys.stdout.write("return {\n")
    for p in paths:
        with open(os.path.join(root, p), encoding="utf-8") as f:
            doc = yaml.load(f, Loader=Loader)
        sys.stdout.write("  {path = %s, doc = %s},\n"
                         % (lua_string(p.replace(os.sep, "/")),
                            lua_value(doc, 1)))
    sys.stdout.write("}\n")


if __name__ == "__main__":
    main()
