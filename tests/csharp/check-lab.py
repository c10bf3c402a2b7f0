#!/usr/bin/env python3
"""The C# lab (csharp/Awaitscope.Lab.cs) through `awaitscope`, on Mono.

  - every example in csharp/examples/ compiles with the lab, runs
    (`awaitscope run FILE.cs --trace`), and its recorded runs load back and
    draw (`awaitscope replay`); orders.cs is held to its shapes: the tasks,
    their parents and outcomes, the error the failed task threw, the
    deadlock the watchdog broke, the freeze, the pool thread;
  - `awaitscope run ID --csharp --json` puts the twin's runs beside the
    GLib runs: the same variants ending the same way, the error `await`
    rethrew, the deadlock, the crash; `render ID --csharp` draws both, and
    `gallery --csharp DIR ID ID` draws two lessons' comparisons so.

TAP. Without mcs or mono: `1..0 # SKIP`.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("AW_SOURCE_ROOT") or os.path.dirname(os.path.dirname(HERE))
AWAITSCOPE = os.environ.get("AWAITSCOPE") or os.path.join(ROOT, "build", "src", "awaitscope")

n = 0
failed = 0


def check(ok, label, detail=""):
    global n, failed
    n += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {label}" + ("" if ok else f": {detail}"))
    failed += 0 if ok else 1


def aw(*args, timeout=300):
    p = subprocess.run([AWAITSCOPE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def load_runs(path):
    with open(path, encoding="utf-8") as f:
        saved = json.load(f)
    runs = {}
    for t in saved["otherData"]["awaitscope"]["traces"]:
        strings = [None] + t["strings"]
        tasks = {}
        for ts, kind, task, parent, lane, s in t["events"]:
            text = strings[s]
            if kind in ("created", "call"):
                tasks[task] = {"name": text, "parent": parent, "lane": lane, "end": None, "error": None}
            elif kind in ("completed", "faulted", "cancelled", "deadlocked") and task in tasks and tasks[task]["end"] is None:
                tasks[task]["end"] = kind
                tasks[task]["error"] = text
        by_name = {}
        for tid, info in tasks.items():
            info["parent_name"] = tasks.get(info["parent"], {}).get("name")
            by_name.setdefault(info["name"], info)
        runs[t["metadata"]["variant"]] = {"tasks": by_name, "lanes": t["lanes"],
                                          "kinds": [e[1] for e in t["events"]]}
    return runs


def check_orders(runs):
    t = runs["one-by-one"]["tasks"]
    check(t["GetProfileAsync"]["parent_name"] == "OneByOneAsync" and t["OneByOneAsync"]["parent_name"] == "One by one",
          "orders: Lab.Run names a task and is the parent of what it starts", t)
    check(t["Render"]["end"] == "completed" and any(l.startswith("pool thread") for l in runs["one-by-one"]["lanes"]),
          "orders: Lab.Cpu runs on a pool thread", runs["one-by-one"]["lanes"])
    f = runs["failure"]["tasks"]
    check(f["GetPriceAsync"]["end"] == "faulted" and f["GetPriceAsync"]["error"] == "price service down"
          and f["LoadPriceAsync"]["error"] == "price service down" and "error-observed" in runs["failure"]["kinds"],
          "orders: the failure, the error await threw and its catch are recorded", f)
    r = runs["result"]
    check(r["tasks"]["LoadAsync().Result"]["end"] == "deadlocked" and r["tasks"]["GetOrdersAsync"]["end"] == "completed"
          and "watchdog" in r["kinds"] and "ui-block-begin" in r["kinds"],
          "orders: Lab.Wait on the UI thread deadlocks and the watchdog breaks it", r)
    check("ui-block-begin" in runs["block"]["kinds"] and runs["block"]["tasks"]["Thread.Sleep(500)"]["end"] == "completed",
          "orders: Lab.BlockUi freezes the UI thread", runs["block"])


def main():
    if not shutil.which("mcs") or not shutil.which("mono"):
        print("1..0 # SKIP mono-mcs is not installed (apt-get install mono-mcs)")
        return 0
    tmp = tempfile.mkdtemp(prefix="aw-lab-")
    env_cache = os.path.join(tmp, "cache")
    os.environ["XDG_CACHE_HOME"] = env_cache      # compiles afresh, into a cache of its own

    examples = os.path.join(ROOT, "csharp", "examples")
    for f in sorted(os.listdir(examples)):
        if not f.endswith(".cs"):
            continue
        trace = os.path.join(tmp, f + ".json")
        rc, out, err = aw("run", os.path.join(examples, f), "--json", "--speed", "2", "--deadline", "800", "--trace", trace)
        check(rc == 0 and os.path.exists(trace), f"example {f} compiles, runs and records", err[-800:])
        if rc != 0:
            continue
        rc, _, err = aw("replay", trace, "-o", os.path.join(tmp, f + ".png"))
        check(rc == 0, f"example {f}: its trace draws", err)
        if f == "orders.cs":
            check_orders(load_runs(trace))
            figures = {v["name"]: v for v in json.loads(out)["variants"]}
            check(figures["result"]["watchdog_fired"] and figures["result"]["outcome"].startswith("deadlocked")
                  and figures["block"]["max_main_loop_gap_ms"] >= 200,
                  "orders: run FILE.cs --json gives the figures of its runs", figures)

    # Run by hand (mono PROGRAM.exe --trace FILE), the lab writes the file
    # itself: its "traceEvents" carry the runs too, for the tools that read
    # only those (Perfetto, chrome://tracing), each task a slice from its
    # creation to its outcome.
    exe = os.path.join(tmp, "orders.exe")
    p = subprocess.run(["mcs", "-langversion:latest", "-nowarn:1998", "-out:" + exe, os.path.join(examples, "orders.cs"),
                        os.path.join(ROOT, "csharp", "Awaitscope.Lab.cs")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    trace = os.path.join(tmp, "orders-by-hand.json")
    if p.returncode == 0:
        p = subprocess.run(["mono", exe, "--speed", "4", "--deadline", "500", "--trace", trace],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    if p.returncode != 0 or not os.path.exists(trace):
        check(False, "orders.cs run by hand records its runs", p.stdout.decode(errors="replace")[-800:])
    else:
        with open(trace, encoding="utf-8") as f:
            saved = json.load(f)
        events = saved["traceEvents"]
        runs = load_runs(trace)
        names = {(e["pid"], e["name"]) for e in events if e["ph"] == "b"}
        processes = [e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "process_name"]
        open_ids = {}
        for e in events:
            if e["ph"] in ("b", "e"):
                open_ids[(e["id"], e["name"])] = open_ids.get((e["id"], e["name"]), 0) + (1 if e["ph"] == "b" else -1)
        missing = [(v, name) for pid, v in enumerate(runs, 1) for name in runs[v]["tasks"] if (pid, name) not in names]
        check(len(processes) == len(runs) and not missing and all(c == 0 for c in open_ids.values()),
              "orders.cs run by hand: traceEvents name each run and hold each task, every slice closed",
              f"{len(events)} events, processes {processes}, missing {missing[:5]}, "
              f"unclosed {[k for k, c in open_ids.items() if c][:5]}")
        # Read as another tool's trace (traceEvents alone), it draws the same runs.
        del saved["otherData"]
        alone = os.path.join(tmp, "orders-trace-events.json")
        with open(alone, "w", encoding="utf-8") as f:
            json.dump(saved, f)
        rc, out, err = aw("replay", alone, "-o", os.path.join(tmp, "orders-trace-events.png"))
        check(rc == 0, "orders.cs run by hand: its traceEvents alone draw", err[-800:])

    # The lab's tasks end as the .NET calls they stand for: a cancelled
    # Lab.Cpu is Canceled (Task.Run(..., token)), before it starts too;
    # Lab.Run<T> hands back its body's synchronous exception; an async void
    # that fails on a pool thread ends the process, recorded as the crash.
    semantics = os.path.join(ROOT, "tests", "fixtures", "csharp-lab", "semantics.cs")
    exe = os.path.join(tmp, "semantics.exe")
    p = subprocess.run(["mcs", "-langversion:latest", "-nowarn:1998", "-out:" + exe, semantics,
                        os.path.join(ROOT, "csharp", "Awaitscope.Lab.cs")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    if p.returncode != 0:
        check(False, "semantics.cs compiles with the lab", p.stdout.decode(errors="replace")[-800:])
    else:
        p = subprocess.run(["mono", exe, "--speed", "4", "--trace", os.path.join(tmp, "semantics.json")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        said = p.stdout.decode(errors="replace")
        check(p.returncode == 0 and "cpu-mid: Canceled" in said and "cpu-before: Canceled" in said,
              "Lab.Cpu: cancelled while running or before it starts, its task is Canceled", said[-800:])
        check("run-throws: ArgumentOutOfRangeException" in said,
              "Lab.Run<T>: the body's synchronous exception is the one the caller catches", said[-800:])
        crash = os.path.join(tmp, "semantics-crash.json")
        p = subprocess.run(["mono", exe, "crash", "--speed", "4", "--trace", crash],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        kinds = load_runs(crash)["crash"]["kinds"] if os.path.exists(crash) else []
        check(p.returncode != 0 and "crash" in kinds,
              "async void failing on a pool thread ends the process, and the lab records the crash first",
              (p.returncode, kinds))

    # A twin through the lab, beside its GLib run.
    expect = {
        "when-all": {"one-by-one": "completed", "when-all": "completed"},
        "deadlock": {"result": "deadlocked", "configure-await": "completed", "await": "completed"},
        "async-void": {"async-void": "crashed"},
        # The twin catches what await threw and logs it: its variants complete.
        "when-all-failures": {},
    }
    for sid, outcomes in expect.items():
        trace = os.path.join(tmp, sid + ".json")
        rc, out, err = aw("run", sid, "--csharp", "--json", "--speed", "4", "--deadline", "500", "--trace", trace)
        if rc != 0:
            check(False, f"run {sid} --csharp", err[-800:])
            continue
        doc = json.loads(out)
        glib = {v["name"]: v["outcome"].split(":")[0] for v in doc["variants"]}
        cs = {v["name"]: v for v in doc["csharp"]["variants"]}
        words = {k: v["outcome"].split(":")[0] for k, v in cs.items()}
        ok = set(cs) == set(glib) and all(words[k] == w and glib[k] == w for k, w in outcomes.items())
        check(ok, f"run {sid} --csharp: the twin's runs end as the GLib runs do", f"GLib {glib}, C# {words}")
        if sid == "when-all-failures":
            runs = load_runs(trace)
            charge = runs["await"]["tasks"].get("ChargeCardAsync", {})
            check(charge.get("end") == "faulted" and charge.get("error") == "card declined"
                  and "error-observed" in runs["await"]["kinds"]
                  and "await: GLib faulted, C# completed" in doc["csharp"]["differences"],
                  "when-all-failures --csharp: the failed task, the error the catch saw, and the difference", 
                  (charge, doc["csharp"]["differences"]))
        if sid == "deadlock":
            check(cs["result"]["watchdog_fired"] and cs["result"]["deadlocked"] >= 1 and not cs["await"]["watchdog_fired"],
                  "deadlock --csharp: the C# .Result deadlocks and the watchdog breaks it", cs["result"])

    png = os.path.join(tmp, "deadlock.png")
    rc, _, err = aw("render", "deadlock", "--csharp", "--speed", "4", "--deadline", "500", "-o", png)
    check(rc == 0 and os.path.getsize(png) > 10000, "render deadlock --csharp draws both runs", err)

    # gallery --csharp on two lessons: each comparison once more, C# beside GLib.
    gal = os.path.join(tmp, "gallery")
    rc, _, err = aw("gallery", "--csharp", gal, "when-all", "deadlock", timeout=600)
    made = sorted(os.listdir(gal)) if os.path.isdir(gal) else []
    check(rc == 0 and "when-all-csharp.png" in made and "deadlock-csharp.png" in made
          and not any(f.startswith(("when-any", "cancel")) for f in made),
          "gallery --csharp DIR when-all deadlock: both lessons, each with its C#-beside-GLib picture", (rc, made, err[-800:]))
    if rc == 0:
        with open(os.path.join(gal, "index.html"), encoding="utf-8") as f:
            index = f.read()
        check('href="when-all-csharp.png"' in index and "C# on Mono beside GLib" in index,
              "gallery --csharp: the index shows the C# pictures", index[-400:])
        check(os.path.getsize(os.path.join(gal, "deadlock-csharp.png")) > 20000,
              "gallery --csharp: the picture is drawn", os.path.getsize(os.path.join(gal, "deadlock-csharp.png")))
    rc, _, err = aw("gallery", os.path.join(tmp, "nope"), "no-such-lesson")
    check(rc == 2 and "no-such-lesson" in err, "gallery DIR ID: an unknown lesson is named, exit 2", (rc, err))

    # Without Mono on PATH: a clear message and a failure.
    p = subprocess.run([AWAITSCOPE, "run", "when-all", "--csharp"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, PATH="/nonexistent"), timeout=120)
    check(p.returncode != 0 and b"mono-mcs" in p.stderr, "without Mono, --csharp says how to install it",
          p.stderr.decode(errors="replace"))
    p = subprocess.run([AWAITSCOPE, "gallery", "--csharp", os.path.join(tmp, "g2"), "when-all"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=dict(os.environ, PATH="/nonexistent"), timeout=120)
    check(p.returncode != 0 and b"mono-mcs" in p.stderr and not os.path.exists(os.path.join(tmp, "g2", "index.html")),
          "without Mono, gallery --csharp says how to install it", p.stderr.decode(errors="replace"))

    shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
