#!/usr/bin/env python3
"""The C# a scenario shows is its twin's code.

Every data/scenarios/ID.json has a C# twin, tests/csharp/ID.cs (and every
probe scenario tests/csharp/probes/ID.json one beside it), that compiles
with Mono's mcs and runs (tests/csharp/run-twins.py). The lines between
`// <lesson>` and `// </lesson>` in the twin (several regions are joined by
one blank line; their common indentation is removed) are the scenario's
`csharp` field, verbatim.

    sync-snippets.py --check [ID...]   exit 1 and show the difference where a
                                       field is not its twin's region
    sync-snippets.py --write [ID...]   rewrite the `csharp` fields from the
                                       twins, leaving the rest of each file
                                       byte for byte as it was

Program nodes may point at a line of the snippet (`csharp_line`, which the
window marks during a replay). ANCHORS below says which text that line holds;
--write moves the numbers with the code, --check fails when one points at the
wrong line.
"""
import argparse
import difflib
import json
import os
import re
import sys

ROOT = os.environ.get("AW_SOURCE_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = os.path.join(ROOT, "data", "scenarios")
TWINS = os.path.join(ROOT, "tests", "csharp")
PROBES = os.path.join(TWINS, "probes")   # probe scenarios of the csharp suite, twins beside them

BEGIN = "// <lesson>"
END = "// </lesson>"

# scenario -> {(variant or "*", node name): text that the node's csharp_line holds}
ANCHORS = {
    "deadlock": {
        ("*", "GetDataAsync().Result"): "label.Text = GetDataAsync().Result;",
        ("configure-await", "GetDataAsync().Result"): "GetStringAsync(url).ConfigureAwait(false)",
        ("*", "GetDataAsync"): "Parse(await http.GetStringAsync(url));",
        ("*", "await GetDataAsync()"): "label.Text = await GetDataAsync();",
    },
}


def lesson_lines(path):
    """The `// <lesson>` regions of a twin, as the lines a scenario shows."""
    regions, current = [], None
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n").rstrip()
            mark = line.strip()
            if mark == BEGIN:
                if current is not None:
                    raise ValueError(f"{path}:{number}: {BEGIN} inside a lesson region")
                current = []
            elif mark == END:
                if current is None:
                    raise ValueError(f"{path}:{number}: {END} without {BEGIN}")
                regions.append(current)
                current = None
            elif current is not None:
                current.append(line)
    if current is not None:
        raise ValueError(f"{path}: {BEGIN} is never closed")
    if not regions:
        raise ValueError(f"{path}: no {BEGIN} ... {END} region")
    lines = []
    for region in regions:
        while region and not region[0]:
            region.pop(0)
        while region and not region[-1]:
            region.pop()
        if lines:
            lines.append("")
        lines.extend(region)
    indent = min(len(l) - len(l.lstrip(" ")) for l in lines if l)
    return [l[indent:] for l in lines]


def as_lines(text):
    return text if isinstance(text, list) else text.split("\n")


def walk(node):
    yield node
    for child in node.get("children", []):
        yield from walk(child)
    if "child" in node:
        yield from walk(node["child"])


def anchor_for(sid, variant, name):
    table = ANCHORS.get(sid, {})
    return table.get((variant, name), table.get(("*", name)))


def wanted_lines(sid, scenario, lines):
    """[(variant, node name, current csharp_line, wanted csharp_line or error)]"""
    out = []
    for v in scenario.get("variants", []):
        for node in walk(v["program"]):
            if "csharp_line" not in node:
                continue
            name = node.get("name", "")
            anchor = anchor_for(sid, v["name"], name)
            if anchor is None:
                out.append((v["name"], name, node["csharp_line"],
                            f"no anchor: add ({v['name']!r} or '*', {name!r}) to ANCHORS[{sid!r}] in {os.path.basename(__file__)}"))
                continue
            hits = [i + 1 for i, l in enumerate(lines) if anchor in l]
            if not hits:
                out.append((v["name"], name, node["csharp_line"], f"no line of the snippet holds {anchor!r}"))
            else:
                out.append((v["name"], name, node["csharp_line"], hits[0]))
    return out


def render_field(lines, indent):
    inner = indent + "  "
    body = ",\n".join(inner + json.dumps(l, ensure_ascii=False) for l in lines)
    return "[\n" + body + "\n" + indent + "]"


def replace_csharp(text, lines):
    m = re.search(r'^([ \t]*)"csharp":[ \t]*', text, re.M)
    if not m:
        raise ValueError('no "csharp" member')
    indent = m.group(1)
    start = m.end()
    # The value: an array or a string; find its end with the JSON decoder.
    _, end = json.JSONDecoder().raw_decode(text, start)
    return text[:start] + render_field(lines, indent) + text[end:]


def replace_csharp_line(text, variant, name, number):
    """Sets csharp_line of the node called name, inside the variant called variant."""
    vm = re.search(r'"variants"\s*:', text)
    pos = vm.end() if vm else 0
    vstart = text.find(f'"name": {json.dumps(variant, ensure_ascii=False)}', pos)
    if vstart < 0:
        raise ValueError(f"variant {variant!r} not found")
    nstart = text.find(f'"name": {json.dumps(name, ensure_ascii=False)}', vstart)
    if nstart < 0:
        raise ValueError(f"node {name!r} not found in variant {variant!r}")
    rest = text[nstart + 1:]
    next_name = rest.find('"name":')
    lm = re.search(r'"csharp_line":\s*(\d+)', rest)
    if not lm or (next_name >= 0 and lm.start() > next_name):
        raise ValueError(f"node {name!r}: its csharp_line must follow its name")
    a, b = nstart + 1 + lm.start(1), nstart + 1 + lm.end(1)
    return text[:a] + str(number) + text[b:]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--write", action="store_true")
    ap.add_argument("ids", nargs="*")
    args = ap.parse_args()

    pairs = [(f[:-5], os.path.join(SCENARIOS, f), os.path.join(TWINS, f[:-5] + ".cs"))
             for f in sorted(os.listdir(SCENARIOS)) if f.endswith(".json")]
    if os.path.isdir(PROBES):
        pairs += [(f[:-5], os.path.join(PROBES, f), os.path.join(PROBES, f[:-5] + ".cs"))
                  for f in sorted(os.listdir(PROBES)) if f.endswith(".json")]
    if args.ids:
        pairs = [p for p in pairs if p[0] in args.ids]
    ids = [p[0] for p in pairs]
    problems = 0
    for sid, jpath, cpath in pairs:
        if not os.path.exists(cpath):
            print(f"{sid}: no twin: write {os.path.relpath(cpath, ROOT)}")
            problems += 1
            continue
        try:
            lines = lesson_lines(cpath)
        except ValueError as e:
            print(f"{sid}: {e}")
            problems += 1
            continue
        with open(jpath, encoding="utf-8") as f:
            text = f.read()
        scenario = json.loads(text)
        current = as_lines(scenario.get("csharp", ""))
        marks = wanted_lines(sid, scenario, lines)

        if args.write:
            new = text
            if current != lines:
                new = replace_csharp(new, lines)
            for variant, name, have, want in marks:
                if isinstance(want, str):
                    print(f"{sid}: {variant}/{name}: {want}")
                    problems += 1
                elif have != want:
                    new = replace_csharp_line(new, variant, name, want)
            if new != text:
                after = json.loads(new)
                before = json.loads(text)
                assert after["csharp"] == lines, sid
                before["csharp"] = lines
                for v in before.get("variants", []):
                    for node in walk(v["program"]):
                        if "csharp_line" in node:
                            w = [m[3] for m in marks if m[0] == v["name"] and m[1] == node.get("name")]
                            if w and isinstance(w[0], int):
                                node["csharp_line"] = w[0]
                assert after == before, f"{sid}: rewriting changed more than the C#"
                with open(jpath + ".tmp", "w", encoding="utf-8") as f:
                    f.write(new)
                os.replace(jpath + ".tmp", jpath)
                print(f"{sid}: updated")
            continue

        if current != lines:
            problems += 1
            print(f"{sid}: the csharp field is not the // <lesson> region of {os.path.relpath(cpath, ROOT)}"
                  " (run tests/csharp/sync-snippets.py --write):")
            for l in difflib.unified_diff(current, lines, "csharp field", "twin", lineterm="", n=1):
                print("    " + l)
        for variant, name, have, want in marks:
            if isinstance(want, str):
                problems += 1
                print(f"{sid}: {variant}/{name}: {want}")
            elif have != want:
                problems += 1
                print(f"{sid}: {variant}/{name}: csharp_line is {have}, the line holding "
                      f"{anchor_for(sid, variant, name)!r} is {want}")
    if args.check:
        print(f"{len(ids)} scenarios checked, {problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
