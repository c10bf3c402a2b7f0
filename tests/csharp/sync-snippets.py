#!/usr/bin/env python3
"""The code a scenario shows is its twins' code: the C# and the GLib C.

Every data/scenarios/ID.json has a C# twin, tests/csharp/ID.cs (and every
probe scenario tests/csharp/probes/ID.json one beside it), that compiles
with Mono's mcs and runs (tests/csharp/run-twins.py), and a C twin,
tests/c/ID.c, a whole GLib program that compiles, runs and leaks nothing
(tests/c/run-c-twins.py). The lines between `// <lesson>` and
`// </lesson>` in the C# twin, and between `/* <lesson> */` and
`/* </lesson> */` in the C twin (several regions are joined by one blank
line; their common indentation is removed) are the scenario's `csharp` and
`c` fields, verbatim.

    sync-snippets.py --check [--lang L] [ID...]   exit 1 and show the
                                       difference where a field is not its
                                       twin's region
    sync-snippets.py --write [--lang L] [ID...]   rewrite the fields from the
                                       twins, leaving the rest of each file
                                       byte for byte as it was

--lang csharp or c does one language only; without it, both.

Program nodes may point at a line of a snippet (`csharp_line`, `c_line`,
which the window marks during a replay). The anchor tables below say which
text that line holds; --write moves the numbers with the code, --check fails
when one points at the wrong line.
"""
import argparse
import difflib
import json
import os
import re
import sys

ROOT = os.environ.get("AW_SOURCE_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = os.path.join(ROOT, "data", "scenarios")
PROBES = os.path.join(ROOT, "tests", "csharp", "probes")   # probe scenarios of the csharp suite


class Lang:
    """One language a scenario shows: its field, its twins and their markers."""

    def __init__(self, name, field, line_field, twins, ext, begin, end, anchors, probes):
        self.name, self.field, self.line_field = name, field, line_field
        self.twins, self.ext, self.begin, self.end = twins, ext, begin, end
        # scenario -> {(variant or "*", node name): text that the node's line_field holds}
        self.anchors = anchors
        self.probes = probes           # whether probe scenarios have twins in this language


LANGS = [
    Lang("csharp", "csharp", "csharp_line", os.path.join(ROOT, "tests", "csharp"), ".cs",
         "// <lesson>", "// </lesson>", probes=True, anchors={
             "deadlock": {
                 ("*", "GetDataAsync().Result"): "label.Text = GetDataAsync().Result;",
                 ("configure-await", "GetDataAsync().Result"): "GetStringAsync(url).ConfigureAwait(false)",
                 ("*", "GetDataAsync"): "Parse(await http.GetStringAsync(url));",
                 ("*", "await GetDataAsync()"): "label.Text = await GetDataAsync();",
             },
             "bounded": {
                 ("*", "foreach (url) await DownloadAsync(url)"): "foreach (string url in urls)",
                 ("one-by-one", "DownloadAsync(url)"): "await DownloadAsync(url);",
                 ("*", "Task.WhenAll(100 downloads)"): "await Task.WhenAll(urls.Select(url => DownloadAsync(url)));",
                 ("all-at-once", "DownloadAsync(url)"): "urls.Select(url => DownloadAsync(url))",
                 ("*", "Task.WhenAll(100 downloads), SemaphoreSlim(10)"): "await Task.WhenAll(urls.Select(async url =>",
                 ("at-most-10", "DownloadAsync(url)"): "try { await DownloadAsync(url); }",
             },
             "async-void": {
                 ("*", "SaveDraft(draft)"): "SaveDraft(draft);",
                 ("async-void", "await UploadAsync(d)"): "// IOException at 0.3 s",
                 ("async-void", "await ShowToastAsync(\"Saved\")"): "await ShowToastAsync(\"Saved\");",
                 ("*", "drafts.ForEach(async d => ...)"): "drafts.ForEach(",
                 ("*", "await ShowToastAsync(\"All saved\")"): "await ShowToastAsync(\"All saved\");",
                 ("*", "await SaveDraftAsync(draft)"): "await SaveDraftAsync(draft);",
             },
             "result-vs-await": {
                 ("*", "RefreshAsync()"): "Task RefreshAsync()",
                 ("*", "RefreshBlockingAsync()"): "Task RefreshBlockingAsync()",
                 ("*", "RefreshGetResultAsync()"): "Task RefreshGetResultAsync()",
                 ("*", "await GetPriceAsync()"): "(await GetPriceAsync())",
                 ("await", "await tile.ShowAsync(text)"): "await tile.ShowAsync(text);",
                 ("*", "GetPriceAsync().Result"): "GetPriceAsync().Result",
                 ("*", "GetPriceAsync().GetAwaiter().GetResult()"): "GetPriceAsync().GetAwaiter().GetResult()",
                 ("*", "GetPriceAsync() (ConfigureAwait(false))"): ".ConfigureAwait(false);",
             },
             "async-not-a-thread": {
                 ("*", "Parse(json): before the first await"): "var catalog = Parse(json);",
                 ("cpu-before-await", "await SaveAsync(catalog)"): "// the first await that waits",
                 ("*", "await ParseAsync(json)"): "var catalog = await ParseAsync(json);",
                 ("*", "Parse(json): inside ParseAsync"): "return Parse(json);",
                 ("*", "await Task.Run(() => Parse(json))"): "await Task.Run(() => Parse(json));",
             },
             "starvation": {
                 ("*", "StartSync(urls)"): "static void StartSync(string[] urls)",
                 ("*", "Task.Run(() => DownloadAsync(url).Result)"): "Task.Run(() => Save(DownloadAsync(url).Result))",
                 ("*", "StartSyncAsync(urls)"): "static void StartSyncAsync(string[] urls)",
                 ("*", "await DownloadAsync(url)"): "Save(await DownloadAsync(url))",
                 ("*", "await Task.Run(ComputeTotal)"): "await Task.Run(() => ComputeTotal());",
             },
             "progress": {
                 ("*", "OnStartClickedBlocking"): "static void OnStartClickedBlocking(",
                 ("*", "Compute(progress) on the UI thread"): "Compute(progress, CancellationToken.None);",
                 ("*", "OnStartClicked (async)"): "static async void OnStartClicked(",
                 ("*", "Task.Run(() => Compute(progress, token))"): "await Task.Run(() => Compute(progress, token), token);",
             },
             "completion-source": {
                 ("*", "await InlineAsync(client)"): "static Task InlineAsync(ILegacyClient client) =>",
                 ("inline", "ProcessAsync(A)"): 'ProcessAsync(client, "A", TaskCreationOptions.None)',
                 ("inline", "ProcessAsync(B)"): 'ProcessAsync(client, "B", TaskCreationOptions.None)',
                 ("inline", "ProcessAsync(C)"): 'ProcessAsync(client, "C", TaskCreationOptions.None)',
                 ("*", "await QueuedAsync(client)"): "static Task QueuedAsync(ILegacyClient client) =>",
                 ("queued", "ProcessAsync(A)"): 'ProcessAsync(client, "A", TaskCreationOptions.RunContinuationsAsynchronously)',
                 ("queued", "ProcessAsync(B)"): 'ProcessAsync(client, "B", TaskCreationOptions.RunContinuationsAsynchronously)',
                 ("queued", "ProcessAsync(C)"): 'ProcessAsync(client, "C", TaskCreationOptions.RunContinuationsAsynchronously)',
             },
         }),
    Lang("c", "c", "c_line", os.path.join(ROOT, "tests", "c"), ".c",
         "/* <lesson> */", "/* </lesson> */", probes=False, anchors={
             "deadlock": {
                 ("*", "GetDataAsync().Result"): "while (page->data == NULL)",
                 ("*", "GetDataAsync"): "get_data_async (NULL, on_data, page);",
                 ("*", "await GetDataAsync()"): "get_data_async (NULL, on_data_then_update_label, page);",
             },
             "bounded": {
                 ("*", "foreach (url) await DownloadAsync(url)"): "while (crawl->in_flight < crawl->limit",
                 ("*", "Task.WhenAll(100 downloads)"): "while (crawl->in_flight < crawl->limit",
                 ("*", "Task.WhenAll(100 downloads), SemaphoreSlim(10)"): "while (crawl->in_flight < crawl->limit",
                 ("*", "DownloadAsync(url)"): "download_async (crawl->next++, NULL, on_downloaded, crawl);",
             },
             "async-void": {
                 ("*", "SaveDraft(draft)"): "save_draft (user_data, NULL);",
                 ("async-void", "await UploadAsync(d)"): "upload_async (draft, NULL, on_uploaded, NULL);",
                 ("async-void", "await ShowToastAsync(\"Saved\")"): "show_toast_async (\"Saved\", NULL, on_toast_done, NULL);",
                 ("*", "drafts.ForEach(async d => ...)"): "g_ptr_array_foreach (",
                 ("*", "await ShowToastAsync(\"All saved\")"): "show_toast_async (\"All saved\"",
                 ("*", "await SaveDraftAsync(draft)"): "save_draft_async (user_data, NULL, on_saved, NULL);",
             },
             "result-vs-await": {
                 ("*", "await GetPriceAsync()"): "price = get_price_finish (result, &error);",
                 ("await", "await tile.ShowAsync(text)"): "tile_show_async (user_data",
                 ("*", "GetPriceAsync().Result"): "while (result == NULL)",
                 ("*", "GetPriceAsync().GetAwaiter().GetResult()"): "while (result == NULL)",
                 ("*", "GetPriceAsync() (ConfigureAwait(false))"): "get_price_async (NULL, keep_result, &result);",
             },
             "async-not-a-thread": {
                 ("*", "Parse(json): before the first await"): "Catalog *catalog = parse (json, window);",
                 ("cpu-before-await", "await SaveAsync(catalog)"): "save_async (catalog, on_saved, window);",
                 ("*", "await ParseAsync(json)"): "parse_async (json, on_parsed, window);",
                 ("*", "Parse(json): inside ParseAsync"): "g_task_return_pointer (task, parse (text, window), g_free);",
                 ("*", "await Task.Run(() => Parse(json))"): "g_thread_pool_push (workers, task, NULL);",
             },
             "starvation": {
                 ("*", "StartSync(urls)"): "start_sync (App *app)",
                 ("*", "Task.Run(() => DownloadAsync(url).Result)"): "g_main_context_iteration (context, TRUE);",
                 ("*", "StartSyncAsync(urls)"): "start_sync_async (App *app)",
                 ("*", "await DownloadAsync(url)"): "download_async (on_synced, app);",
                 ("*", "await Task.Run(ComputeTotal)"): "push_job (compute_total, on_total, app);",
             },
             "progress": {
                 ("*", "OnStartClickedBlocking"): "on_start_clicked_blocking (GtkButton",
                 ("*", "Compute(progress) on the UI thread"): "compute (progress, NULL);",
                 ("*", "OnStartClicked (async)"): "on_start_clicked (GtkButton",
                 ("*", "Task.Run(() => Compute(progress, token))"): "if (compute (g_task_get_task_data (task), g_task_get_cancellable (task)))",
             },
             "completion-source": {
                 ("*", "await InlineAsync(client)"): "on_fetched_inline (const char *data",
                 ("inline", "ProcessAsync(A)"): "parse (data);",
                 ("inline", "ProcessAsync(B)"): "parse (data);",
                 ("inline", "ProcessAsync(C)"): "parse (data);",
                 ("*", "await QueuedAsync(client)"): "on_fetched_queued (const char *data",
                 ("queued", "ProcessAsync(A)"): "g_thread_pool_push (workers, task, NULL);",
                 ("queued", "ProcessAsync(B)"): "g_thread_pool_push (workers, task, NULL);",
                 ("queued", "ProcessAsync(C)"): "g_thread_pool_push (workers, task, NULL);",
             },
         }),
]


def lesson_lines(path, lang):
    """The lesson regions of a twin, as the lines a scenario shows."""
    begin, end = lang.begin, lang.end
    regions, current = [], None
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n").rstrip()
            mark = line.strip()
            if mark == begin:
                if current is not None:
                    raise ValueError(f"{path}:{number}: {begin} inside a lesson region")
                current = []
            elif mark == end:
                if current is None:
                    raise ValueError(f"{path}:{number}: {end} without {begin}")
                regions.append(current)
                current = None
            elif current is not None:
                current.append(line)
    if current is not None:
        raise ValueError(f"{path}: {begin} is never closed")
    if not regions:
        raise ValueError(f"{path}: no {begin} ... {end} region")
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


def anchor_for(lang, sid, variant, name):
    table = lang.anchors.get(sid, {})
    return table.get((variant, name), table.get(("*", name)))


def wanted_lines(lang, sid, scenario, lines):
    """[(variant, node name, current line number, wanted line number or error)]"""
    out = []
    key = lang.line_field
    for v in scenario.get("variants", []):
        for node in walk(v["program"]):
            if key not in node:
                continue
            name = node.get("name", "")
            anchor = anchor_for(lang, sid, v["name"], name)
            if anchor is None:
                out.append((v["name"], name, node[key],
                            f"no anchor: add ({v['name']!r} or '*', {name!r}) to the {lang.name} anchors "
                            f"of {sid!r} in {os.path.basename(__file__)}"))
                continue
            hits = [i + 1 for i, l in enumerate(lines) if anchor in l]
            if not hits:
                out.append((v["name"], name, node[key], f"no line of the {lang.name} snippet holds {anchor!r}"))
            else:
                out.append((v["name"], name, node[key], hits[0]))
    return out


def render_field(lines, indent):
    inner = indent + "  "
    body = ",\n".join(inner + json.dumps(l, ensure_ascii=False) for l in lines)
    return "[\n" + body + "\n" + indent + "]"


def replace_field(text, field, lines):
    m = re.search(r'^([ \t]*)' + re.escape(json.dumps(field)) + r':[ \t]*', text, re.M)
    if not m:
        raise ValueError(f'no "{field}" member')
    indent = m.group(1)
    start = m.end()
    # The value: an array or a string; find its end with the JSON decoder.
    _, end = json.JSONDecoder().raw_decode(text, start)
    return text[:start] + render_field(lines, indent) + text[end:]


def replace_line_number(text, key, variant, name, number):
    """Sets the member key (csharp_line, c_line) of the node called name, inside the variant called variant."""
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
    lm = re.search(json.dumps(key) + r':\s*(\d+)', rest)
    if not lm or (next_name >= 0 and lm.start() > next_name):
        raise ValueError(f"node {name!r}: its {key} must follow its name")
    a, b = nstart + 1 + lm.start(1), nstart + 1 + lm.end(1)
    return text[:a] + str(number) + text[b:]


def sync(lang, sid, jpath, tpath, write):
    """Checks or rewrites one scenario's field in one language; returns the number of problems."""
    if not os.path.exists(tpath):
        print(f"{sid}: no {lang.name} twin: write {os.path.relpath(tpath, ROOT)}")
        return 1
    try:
        lines = lesson_lines(tpath, lang)
    except ValueError as e:
        print(f"{sid}: {e}")
        return 1
    with open(jpath, encoding="utf-8") as f:
        text = f.read()
    scenario = json.loads(text)
    current = as_lines(scenario.get(lang.field, ""))
    marks = wanted_lines(lang, sid, scenario, lines)
    problems = 0

    if write:
        new = text
        if current != lines:
            new = replace_field(new, lang.field, lines)
        for variant, name, have, want in marks:
            if isinstance(want, str):
                print(f"{sid}: {variant}/{name}: {want}")
                problems += 1
            elif have != want:
                new = replace_line_number(new, lang.line_field, variant, name, want)
        if new != text:
            after = json.loads(new)
            before = json.loads(text)
            assert after[lang.field] == lines, sid
            before[lang.field] = lines
            for v in before.get("variants", []):
                for node in walk(v["program"]):
                    if lang.line_field in node:
                        w = [m[3] for m in marks if m[0] == v["name"] and m[1] == node.get("name")]
                        if w and isinstance(w[0], int):
                            node[lang.line_field] = w[0]
            assert after == before, f"{sid}: rewriting changed more than the {lang.name} snippet"
            with open(jpath + ".tmp", "w", encoding="utf-8") as f:
                f.write(new)
            os.replace(jpath + ".tmp", jpath)
            print(f"{sid}: {lang.field} updated")
        return problems

    if current != lines:
        problems += 1
        print(f"{sid}: the {lang.field} field is not the {lang.begin} region of {os.path.relpath(tpath, ROOT)}"
              f" (run tests/csharp/sync-snippets.py --write --lang {lang.name}):")
        for l in difflib.unified_diff(current, lines, f"{lang.field} field", "twin", lineterm="", n=1):
            print("    " + l)
    for variant, name, have, want in marks:
        if isinstance(want, str):
            problems += 1
            print(f"{sid}: {variant}/{name}: {want}")
        elif have != want:
            problems += 1
            print(f"{sid}: {variant}/{name}: {lang.line_field} is {have}, the line holding "
                  f"{anchor_for(lang, sid, variant, name)!r} is {want}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--write", action="store_true")
    ap.add_argument("--lang", choices=[lang.name for lang in LANGS])
    ap.add_argument("ids", nargs="*")
    args = ap.parse_args()

    scenarios = [(f[:-5], os.path.join(SCENARIOS, f), False)
                 for f in sorted(os.listdir(SCENARIOS)) if f.endswith(".json")]
    if os.path.isdir(PROBES):
        scenarios += [(f[:-5], os.path.join(PROBES, f), True)
                      for f in sorted(os.listdir(PROBES)) if f.endswith(".json")]
    if args.ids:
        scenarios = [s for s in scenarios if s[0] in args.ids]
    problems = checked = 0
    for lang in LANGS:
        if args.lang and lang.name != args.lang:
            continue
        for sid, jpath, probe in scenarios:
            if probe and not lang.probes:
                continue
            twins = os.path.dirname(jpath) if probe else lang.twins
            problems += sync(lang, sid, jpath, os.path.join(twins, sid + lang.ext), args.write)
            checked += 1
    if args.check:
        print(f"{checked} snippets checked, {problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
