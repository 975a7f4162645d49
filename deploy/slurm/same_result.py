#!/usr/bin/env python3
"""Checks that two ccsim JSON results are the same result: equal structure and strings, every
number equal within 1e-12 relative (merging reorders floating-point sums), ignoring only the
metadata that says how the work was run (`run.threads`, `run.shards`).
   same_result.py single.json merged.json      exit 0 when the same, 1 with the first difference."""
import json
import sys

IGNORED = {("run", "threads"), ("run", "shards")}
REL = 1e-12


def diff(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        keys = [k for k in a.keys() | b.keys() if (path[-1:] + (k,)) not in IGNORED]
        for k in sorted(keys):
            if k not in a or k not in b:
                return f"{'/'.join(path + (k,))}: only in {'the first' if k in a else 'the second'}"
            d = diff(a[k], b[k], path + (k,))
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{'/'.join(path)}: {len(a)} items against {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, path + (str(i),))
            if d:
                return d
        return None
    num = (int, float)
    if isinstance(a, num) and isinstance(b, num) and not isinstance(a, bool) and not isinstance(b, bool):
        if a == b or abs(a - b) <= REL * max(abs(a), abs(b)):
            return None
        return f"{'/'.join(path)}: {a!r} against {b!r}"
    return None if a == b else f"{'/'.join(path)}: {a!r} against {b!r}"


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        a = json.load(f)
    with open(sys.argv[2]) as f:
        b = json.load(f)
    d = diff(a, b, ())
    if d:
        print(f"results differ at {d}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
