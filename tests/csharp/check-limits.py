#!/usr/bin/env python3
"""A C# program of the user's own (`awaitscope run FILE.cs`) runs within limits.

Each hostile program in tests/fixtures/csharp-limits/ ends within seconds,
with its message and a non-zero exit, and leaves no process behind:

  - spin.cs (an endless loop): "stopped after 2 s (time limit)";
  - allocate.cs (keeps every array): "used more than 256 MiB of memory";
  - threads.cs (a thread bomb): "started more than 256 threads";
  - flood.cs (writes without end): "(output limit)";
  - exit3.cs (Environment.Exit(3)): "exited with status 3";
  - throws.cs (throws in Main): the exception's type and message;
  - garbage.cs (control characters and bytes that are not UTF-8 on
    stdout and stderr, then Environment.Exit(4)): the end of its output is
    shown, and no control character reaches the terminal;
  - bad.cs (does not compile): "bad.cs:LINE:COL: error CSnnnn: ..." lines.

Where bwrap works, sandbox.cs sees no network, a /tmp of its own and a
read-only home; with AWAITSCOPE_CSHARP_SANDBOX=0 it sees them all and a
note says so.

TAP. Without mcs or mono: `1..0 # SKIP`.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("AW_SOURCE_ROOT") or os.path.dirname(os.path.dirname(HERE))
AWAITSCOPE = os.environ.get("AWAITSCOPE") or os.path.join(ROOT, "build", "src", "awaitscope")
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "csharp-limits")

n = 0
failed = 0


def check(ok, label, detail=""):
    global n, failed
    n += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {label}" + ("" if ok else f": {detail!r}"))
    failed += 0 if ok else 1


def aw(*args, env=None, timeout=120):
    start = time.monotonic()
    p = subprocess.run([AWAITSCOPE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, env=env)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - start


def controls(data):
    """The control bytes in @data but line breaks and tabs."""
    return [b for b in data if (b < 0x20 and b not in (0x0a, 0x09)) or b == 0x7f]


def leftovers(name):
    """Processes still running the compiled @name (NAME-HASH.exe)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().split(b"\0")
        except OSError:
            continue
        if any(re.search(rb"/%s-[0-9a-f]{16}\.exe$" % name.encode(), part) for part in cmd):
            found.append(pid)
    return found


def hostile(name, args, expect, within):
    rc, out, err, took = aw("run", *args, os.path.join(FIXTURES, name))
    text = err.decode("utf-8", errors="replace")
    check(rc == 1 and re.search(expect, text) is not None,
          f"{name}: exits 1 with \"{expect}\"", (rc, text[-600:]))
    check(took < within, f"{name}: ends within {within} s", took)
    check(not controls(err) and not controls(out), f"{name}: no control characters on the terminal",
          err[-300:])
    time.sleep(0.2)
    check(not leftovers(name[:-3]), f"{name}: no process is left running", leftovers(name[:-3]))
    return text


def main():
    if shutil.which("mcs") is None or shutil.which("mono") is None:
        print("1..0 # SKIP mcs or mono is not installed")
        return 0

    # Compile once, so the limits below time the runs, not mcs.
    hostile("spin.cs", ["--time-limit", "2"], r"spin\.cs: stopped after 2 s \(time limit\)", 120)
    hostile("spin.cs", ["--time-limit", "2"], r"spin\.cs: stopped after 2 s \(time limit\)", 8)
    hostile("allocate.cs", ["--memory-limit", "256"],
            r"allocate\.cs: used more than 256 MiB of memory and was stopped \(memory limit\)", 60)
    hostile("threads.cs", [], r"threads\.cs: started more than 256 threads and was stopped \(thread limit\)", 60)
    hostile("flood.cs", [], r"flood\.cs: wrote more than 64 MiB of output or trace and was stopped \(output limit\)", 60)
    hostile("exit3.cs", [], r"exit3\.cs: the program exited with status 3", 60)
    hostile("throws.cs", [], r"throws\.cs: the program ended with an unhandled exception: "
            r"System\.InvalidOperationException: the order book is empty", 60)
    text = hostile("garbage.cs", [], r"garbage\.cs: the program exited with status 4", 60)
    check("?[31mred?[0m ? bell" in text, "garbage.cs: the end of its output is shown, control characters as ?", text[-300:])

    rc, out, err, _ = aw("run", os.path.join(FIXTURES, "bad.cs"))
    lines = err.decode("utf-8", errors="replace").splitlines()
    check(rc == 1 and lines and all(re.match(r"^bad\.cs:\d+:\d+: error CS\d{4}: \S", l) for l in lines),
          "bad.cs: every line of the message is FILE:LINE:COL: error CSnnnn: text", lines)
    check("bad.cs:9:8: error CS1525:" in "\n".join(lines), "bad.cs: the error is where mcs found it", lines)
    check(not controls(err), "bad.cs: no control characters on the terminal", err)

    for bad in (["--time-limit", "0"], ["--memory-limit", "10"], ["--thread-limit", "5000"]):
        rc, _, err, _ = aw("run", *bad, os.path.join(FIXTURES, "exit3.cs"))
        check(rc == 2 and bad[0].encode() in err, f"run {' '.join(bad)} FILE.cs is refused", err)
    rc, _, err, _ = aw("run", "--time-limit", "5", "when-all")
    check(rc == 2 and b"for a FILE.cs" in err, "--time-limit goes with a FILE.cs only", err)

    # The sandbox.
    with tempfile.TemporaryDirectory(prefix="aw-limits-") as tmp, socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        marker = os.path.join(tmp, "marker")
        open(marker, "w").close()
        home = os.path.join(os.path.expanduser("~"), ".cache", "awaitscope", "limits-test")
        os.makedirs(home, exist_ok=True)
        trace = os.path.join(tmp, "look.json")
        env = dict(os.environ, AW_TEST_MARKER=marker, AW_TEST_PORT=str(server.getsockname()[1]),
                   AW_TEST_WRITABLE=home)

        def look(extra_env):
            if os.path.exists(os.path.join(home, "written-by-csharp")):
                os.unlink(os.path.join(home, "written-by-csharp"))
            rc, out, err, _ = aw("run", os.path.join(FIXTURES, "sandbox.cs"), "--trace", trace,
                                 env=dict(env, **extra_env))
            marks = []
            if rc == 0:
                import json
                with open(trace, encoding="utf-8") as f:
                    saved = json.load(f)
                t = saved["otherData"]["awaitscope"]["traces"][0]
                strings = [None] + t["strings"]
                marks = [strings[e[5]] for e in t["events"] if e[1] == "mark"]
            return rc, err.decode("utf-8", errors="replace"), marks

        rc, err, marks = look({})
        if "note:" in err:
            print(f"# no sandbox here: {err.strip()}")
            check(rc == 0 and "tmp: shared" in marks, "without a sandbox, the note says why and the program runs",
                  (rc, err, marks))
        else:
            check(rc == 0 and marks == ["network: unreachable", "tmp: private", "home: read-only"],
                  "in the sandbox: no network, a /tmp of its own, a read-only home", (rc, err, marks))
        rc, err, marks = look({"AWAITSCOPE_CSHARP_SANDBOX": "0"})
        check(rc == 0 and "note: the sandbox is turned off" in err
              and marks == ["network: reached", "tmp: shared", "home: writable"],
              "AWAITSCOPE_CSHARP_SANDBOX=0: a note, and the program sees it all", (rc, err, marks))
        shutil.rmtree(home, ignore_errors=True)

    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
