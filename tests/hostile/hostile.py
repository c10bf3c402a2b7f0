#!/usr/bin/env python3
# hostile.py: hostile inputs and outputs, made by a seeded generator, each
# run through the built `awaitscope` under a memory ceiling and a time limit
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every case must end within its budget (seconds), with an exit status of
# its own (never a signal: no crash, no abort, no kill by the time limit),
# with an answer: a correct result, or a message on stderr that names what
# was wrong and holds no raw control character. No case may leave a
# temporary file behind, and an output that was refused is left as it was.
#
#   hostile.py AWAITSCOPE [--seed N] [--only WORD]
#
# The seed is printed; AW_HOSTILE_SEED=N (or --seed) repeats a run. Output
# is TAP, one line per case, with peak resident memory and time.

import gzip
import json
import os
import random
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

# The address-space ceiling every case runs under. GLib, pango and
# fontconfig map far more than they touch (thread stacks, font files,
# locale archives), so the ceiling on address space stands well above what
# any case keeps resident, which is measured and printed, and checked
# against RSS_BUDGET_MB.
ADDRESS_SPACE = 2 << 30
RSS_BUDGET_MB = 2048
DEFAULT_SECONDS = 10

CONTROL = set(range(0x00, 0x20)) - {0x09, 0x0A} | {0x7F}


def scenario(program, title="t", extra=""):
    return ('{ "id": "hostile", "title": %s, "part": 1, "narration": "n", "csharp": "c", "c": "c",%s\n'
            '  "variants": [ { "name": "v", "title": "V", "program": %s } ] }\n'
            % (json.dumps(title), extra, program))


def nest(depth, leaf='{ "type": "delay", "ms": 1 }'):
    text = leaf
    for _ in range(depth):
        text = '{ "type": "sequence", "children": [ %s ] }' % text
    return text


class Case:
    def __init__(self, name, args, seconds=DEFAULT_SECONDS, status=(1, 2), stderr_has=None,
                 untouched=(), files=None, setup=None, check=None, signal_after=None, fsize=None):
        self.name = name
        self.args = args
        self.seconds = seconds
        self.status = status            # the exit statuses that are right
        self.stderr_has = stderr_has    # words the message must hold
        self.untouched = untouched      # files that must be left byte for byte and mode for mode
        self.files = files or {}        # inputs to write first: name -> bytes
        self.setup = setup              # callable(workdir) run after the files are written
        self.check = check              # callable(workdir, stdout, stderr) -> error text or None
        self.signal_after = signal_after  # (signal, seconds): send it then
        self.fsize = fsize              # RLIMIT_FSIZE for the case


def make_cases(rng, base_trace):
    cases = []

    # Scenario files -------------------------------------------------------
    huge = rng.choice([1000001, 2000000, 4294967296, 10 ** 30])
    cases.append(Case("count over the limit (%d)" % huge, ["check", "{w}/s.json"],
                      files={"s.json": scenario('{ "type": "repeat", "count": %d, "child": { "type": "delay", "ms": 1 } }' % huge)},
                      stderr_has="s.json"))
    a, b = rng.choice([(1000, 1001), (1001, 1000), (100000, 11)])
    cases.append(Case("counts that multiply past the limit (%d x %d)" % (a, b), ["check", "{w}/s.json"],
                      files={"s.json": scenario('{ "type": "parallel", "count": %d, "child": { "type": "repeat", "count": %d, "child": { "type": "delay", "ms": 1 } } }' % (a, b))},
                      stderr_has="too many tasks"))
    cases.append(Case("a million timer awaits at once, virtual clock", ["run", "{w}/s.json", "--virtual-clock"],
                      files={"s.json": scenario('{ "type": "parallel", "count": 999999, "child": { "type": "delay", "ms": %d } }' % rng.randint(1, 50))},
                      status=(0,), seconds=60))
    cases.append(Case("a million timer awaits, saved as a trace", ["run", "{w}/s.json", "--virtual-clock", "--trace", "{w}/t.json"],
                      files={"s.json": scenario('{ "type": "parallel", "count": 999999, "child": { "type": "delay", "ms": 5 } }')},
                      status=(1,), seconds=60, stderr_has="t.json",
                      check=lambda w, o, e: "a trace was written" if os.path.exists(os.path.join(w, "t.json")) else None))
    depth = rng.randint(65, 400)
    cases.append(Case("program nodes nested %d deep" % depth, ["check", "{w}/s.json"],
                      files={"s.json": scenario(nest(depth))}, stderr_has="nest"))
    brackets = rng.randint(200000, 600000)
    cases.append(Case("%d open brackets" % brackets, ["check", "{w}/s.json"],
                      files={"s.json": "[" * brackets}, stderr_has="s.json"))
    cases.append(Case("brackets hidden in strings and escapes", ["check", "{w}/s.json"],
                      files={"s.json": '{ "a": "' + "[\\\"" * 50000 + '" ' + "[" * 100000}, stderr_has="s.json"))
    size = rng.randint(70 * 1024, 900 * 1024)
    cases.append(Case("a title of %d bytes" % size, ["check", "{w}/s.json"],
                      files={"s.json": scenario('{ "type": "delay", "ms": 1 }', title="x" * size)}, stderr_has="s.json"))
    ctl = "".join(chr(rng.choice(sorted(CONTROL - {0}))) for _ in range(20))
    cases.append(Case("control characters in a title", ["run", "{w}/s.json", "--virtual-clock"],
                      files={"s.json": scenario('{ "type": "delay", "ms": 1 }', title="\x1b]0;pwned\x07" + ctl)},
                      status=(0, 1)))
    cases.append(Case("raw control characters and a NUL in the file", ["check", "{w}/s.json"],
                      files={"s.json": scenario('{ "type": "delay", "ms": 1 }').encode().replace(b'"t"', b'"\x1b[2J\x00\x07"')},
                      stderr_has="s.json"))
    cases.append(Case("a NUL in the file name", ["check", "{w}/s\\x00.json"], status=(1, 2)))
    cases.append(Case("garbage bytes", ["check", "{w}/s.json"],
                      files={"s.json": bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 200000)))},
                      stderr_has="s.json"))
    cases.append(Case("not UTF-8 in a string", ["check", "{w}/s.json"],
                      files={"s.json": scenario('{ "type": "delay", "ms": 1 }').encode().replace(b'"t"', b'"\xff\xfe\xc0\x80"')},
                      stderr_has="s.json"))
    cases.append(Case("a scenario file of 4 GiB (sparse)", ["check", "{w}/s.json"],
                      setup=lambda w: os.truncate(os.path.join(w, "s.json"), 4 << 30),
                      files={"s.json": b""}, stderr_has="1048576"))
    cases.append(Case("a scenario that is a folder", ["check", "{w}"], stderr_has="hostile-"))
    for ms in rng.sample(["1e300", "-1", "600001", "18446744073709551616", "NaN", "1.5", "\"10\""], 4):
        cases.append(Case("duration %s" % ms, ["check", "{w}/s.json"],
                          files={"s.json": scenario('{ "type": "delay", "ms": %s }' % ms)}, stderr_has="s.json"))
    cases.append(Case("an hour and a minute of CPU work in copies", ["check", "{w}/s.json"],
                      files={"s.json": scenario('{ "type": "repeat", "count": 61, "child": { "type": "cpu", "ms": 60000, "cooperative": false } }')},
                      stderr_has="60 minutes"))
    cases.append(Case("11 minutes of blocked UI thread in 100 ms blocks", ["check", "{w}/s.json"],
                      files={"s.json": scenario('{ "type": "repeat", "count": 6600, "child": { "type": "block_ui", "ms": 100 } }')},
                      stderr_has="10 minutes"))
    cases.append(Case("half a million ConfigureAwait(false) waits", ["run", "{w}/s.json"],
                      files={"s.json": scenario('{ "type": "parallel", "count": 499999, "child": { "type": "wait_blocking", "deadline_ms": 1000, "continue_on": "worker", "child": { "type": "delay", "ms": 1 } } }')},
                      stderr_has="10 minutes"))
    cases.append(Case("100,000 ConfigureAwait(false) waits, cancelled after 1 s",
                      ["run", "{w}/s.json", "--cancel-after", "1000"],
                      files={"s.json": scenario('{ "type": "parallel", "count": 100000, "child": { "type": "wait_blocking", "deadline_ms": 5, "continue_on": "worker", "child": { "type": "delay", "ms": 1 } } }')},
                      status=(0,), seconds=4))
    inner = '{ "type": "wait_blocking", "deadline_ms": 300, "continue_on": "worker", "child": { "type": "delay", "ms": 20 } }'
    for _ in range(rng.randint(2, 4)):
        inner = '{ "type": "wait_blocking", "deadline_ms": 300, "continue_on": "%s", "child": %s }' % (rng.choice(["worker", "main"]), inner)
    cases.append(Case("nested ConfigureAwait waits", ["run", "{w}/s.json"],
                      files={"s.json": scenario(inner)}, status=(0,), seconds=8))
    cases.append(Case("a loop of 100 ms UI blocks (100 s), cancelled after 300 ms",
                      ["run", "{w}/s.json", "--cancel-after", "300"],
                      files={"s.json": scenario('{ "type": "repeat", "count": 1000, "child": { "type": "block_ui", "ms": 100 } }')},
                      status=(0,), seconds=2))
    cases.append(Case("a parallel of 100 ms UI blocks, cancelled after 300 ms",
                      ["run", "{w}/s.json", "--cancel-after", "300"],
                      files={"s.json": scenario('{ "type": "parallel", "count": 1000, "child": { "type": "block_ui", "ms": 100 } }')},
                      status=(0,), seconds=2))
    cases.append(Case("a loop of CPU work that ignores its token, cancelled after 300 ms",
                      ["run", "{w}/s.json", "--cancel-after", "300"],
                      files={"s.json": scenario('{ "type": "repeat", "count": 1000, "child": { "type": "cpu", "ms": 100, "cooperative": false } }')},
                      status=(0,), seconds=2))
    cases.append(Case("a file that names a command", ["check", "{w}/s.json"],
                      files={"s.json": scenario('{ "type": "delay", "ms": 1, "command": "rm -rf /" }')},
                      stderr_has="command"))
    cases.append(Case("no such scenario id, with an escape sequence", ["run", "\x1b[2Jno-such-id"]))
    cases.append(Case("screenshot of no such id", ["screenshot", "no-such-id", "-o", "{w}/x.png"],
                      status=(1, 2), seconds=15))

    # Traces -----------------------------------------------------------------
    cut = rng.randint(1, len(base_trace) - 1)
    cases.append(Case("a trace cut at byte %d of %d" % (cut, len(base_trace)), ["replay", "{w}/t.json", "-o", "{w}/o.png"],
                      files={"t.json": base_trace[:cut]}, stderr_has="t.json",
                      check=lambda w, o, e: "a picture was written" if os.path.exists(os.path.join(w, "o.png")) else None))
    noisy = bytearray(base_trace)
    for _ in range(rng.randint(1, 50)):
        noisy[rng.randrange(len(noisy))] = rng.getrandbits(8)
    cases.append(Case("a trace with bytes flipped", ["replay", "{w}/t.json", "-o", "{w}/o.png"],
                      files={"t.json": bytes(noisy)}, status=(0, 1), seconds=20))
    cases.append(Case("garbage as a gzip trace", ["replay", "{w}/t.json.gz", "-o", "{w}/o.png"],
                      files={"t.json.gz": b"\x1f\x8b" + bytes(rng.getrandbits(8) for _ in range(5000))}, stderr_has="t.json.gz"))
    bomb = gzip.compress(b"[" + b" " * (80 << 20) + b"]", 9)
    cases.append(Case("a gzip trace of 80 MiB once decompressed", ["replay", "{w}/t.json.gz", "-o", "{w}/o.png"],
                      files={"t.json.gz": bomb}, stderr_has="t.json.gz", seconds=15))
    pids = rng.randint(1025, 3000)
    events = ",".join('{"ph":"X","name":"a","pid":%d,"tid":1,"ts":%d,"dur":1}' % (p, p) for p in range(pids))
    cases.append(Case("a trace of %d processes" % pids, ["replay", "{w}/t.json", "-o", "{w}/o.png"],
                      files={"t.json": ('{"traceEvents":[%s]}' % events).encode()}, stderr_has="1024"))
    many = b'{"traceEvents":[' + b",".join([b'{"ph":"i","name":"a","pid":1,"tid":1,"ts":1}'] * 2000001) + b"]}"
    cases.append(Case("2,000,001 events (gzip)", ["replay", "{w}/t.json.gz", "-o", "{w}/o.png"],
                      files={"t.json.gz": gzip.compress(many, 1)}, stderr_has="t.json.gz", seconds=20))
    cases.append(Case("trace brackets 100,000 deep", ["replay", "{w}/t.json", "-o", "{w}/o.png"],
                      files={"t.json": b'{"traceEvents":' + b"[" * 100000}, stderr_has="t.json"))
    cases.append(Case("times no clock reaches", ["replay", "{w}/t.json", "-o", "{w}/o.png"],
                      files={"t.json": b'{"traceEvents":[{"ph":"X","name":"a","pid":1,"tid":1,"ts":1e300,"dur":1e300},'
                                       b'{"ph":"X","name":"b","pid":1,"tid":1,"ts":-9e18,"dur":5}]}'},
                      status=(0, 1), seconds=15))

    # Outputs ------------------------------------------------------------------
    def read_only(w):
        os.chmod(os.path.join(w, "o.png"), 0o444)

    def hard_link(w):
        os.link(os.path.join(w, "o.png"), os.path.join(w, "other.png"))

    long_run = scenario('{ "type": "delay", "ms": 20000 }')
    cases.append(Case("render onto a read-only file", ["render", "{w}/s.json", "-o", "{w}/o.png"],
                      files={"s.json": long_run, "o.png": b"old picture"}, setup=read_only,
                      untouched=["o.png"], stderr_has="read-only", seconds=2))
    cases.append(Case("render onto a hard-linked file", ["render", "{w}/s.json", "-o", "{w}/o.png"],
                      files={"s.json": long_run, "o.png": b"old picture"}, setup=hard_link,
                      untouched=["o.png", "other.png"], stderr_has="hard links", seconds=2))
    cases.append(Case("render onto a folder", ["render", "{w}/s.json", "-o", "{w}/d.png"],
                      files={"s.json": long_run}, setup=lambda w: os.mkdir(os.path.join(w, "d.png")),
                      stderr_has="folder", seconds=2))
    cases.append(Case("render onto /dev/full (through a link)", ["render", "{w}/s.json", "-o", "{w}/full.png"],
                      files={"s.json": long_run}, setup=lambda w: os.symlink("/dev/full", os.path.join(w, "full.png")),
                      stderr_has="not a regular file", seconds=2))
    cases.append(Case("render into a missing folder", ["render", "{w}/s.json", "-o", "{w}/no/such/o.svg"],
                      files={"s.json": long_run}, stderr_has="does not exist", seconds=2))
    cases.append(Case("a trace into a missing folder, before a 20 s run", ["run", "{w}/s.json", "--trace", "{w}/no/t.json"],
                      files={"s.json": long_run}, stderr_has="does not exist", seconds=2))
    cases.append(Case("a trace onto a read-only file, before a 20 s run", ["run", "{w}/s.json", "--trace", "{w}/o.png"],
                      files={"s.json": long_run, "o.png": b"old trace"}, setup=read_only,
                      untouched=["o.png"], stderr_has="read-only", seconds=2))
    cases.append(Case("replay onto a hard-linked file", ["replay", "{w}/t.json", "-o", "{w}/o.png"],
                      files={"t.json": base_trace, "o.png": b"old picture"}, setup=hard_link,
                      untouched=["o.png", "other.png"], stderr_has="hard links", seconds=2))
    cases.append(Case("screenshot onto a read-only file", ["screenshot", "when-all", "-o", "{w}/o.png"],
                      files={"o.png": b"old picture"}, setup=read_only, untouched=["o.png"],
                      stderr_has="read-only", seconds=2))
    cases.append(Case("a gallery whose index is read-only", ["gallery", "{w}/g"],
                      setup=lambda w: (os.mkdir(os.path.join(w, "g")),
                                       open(os.path.join(w, "g", "index.html"), "w").write("old index"),
                                       os.chmod(os.path.join(w, "g", "index.html"), 0o444)),
                      untouched=["g/index.html"], stderr_has="read-only", seconds=2))
    cases.append(Case("a gallery whose picture is hard-linked", ["gallery", "{w}/g"],
                      setup=lambda w: (os.mkdir(os.path.join(w, "g")),
                                       open(os.path.join(w, "g", "when-all.png"), "w").write("old"),
                                       os.link(os.path.join(w, "g", "when-all.png"), os.path.join(w, "other"))),
                      untouched=["g/when-all.png"], stderr_has="hard links", seconds=2))
    cases.append(Case("a gallery into a file", ["gallery", "{w}/s.json"], files={"s.json": b"x"}, seconds=2))

    def keeps_mode(w, out, err):
        mode = stat.S_IMODE(os.stat(os.path.join(w, "o.svg")).st_mode)
        return None if mode == 0o640 else "the picture's mode became %o" % mode
    cases.append(Case("a replaced picture keeps its mode", ["render", "when-all", "--virtual-clock", "-o", "{w}/o.svg"],
                      files={"o.svg": b"old"}, setup=lambda w: os.chmod(os.path.join(w, "o.svg"), 0o640),
                      status=(0,), check=keeps_mode))

    # A good gallery, then a run in which pictures fail (a small file size
    # limit stands in for a full disk): the good index is kept.
    def gallery_kept(w, out, err):
        with open(os.path.join(w, "g", "index.html"), "rb") as f:
            if f.read() != w_index[0]:
                return "the good index was replaced"
        return None
    w_index = [None]

    def good_gallery(w):
        subprocess.run([AWAITSCOPE, "gallery", os.path.join(w, "g"), "--size", "640x0"],
                       check=True, capture_output=True, timeout=120)
        with open(os.path.join(w, "g", "index.html"), "rb") as f:
            w_index[0] = f.read()
    cases.append(Case("a gallery whose pictures fail keeps the good index", ["gallery", "{w}/g", "--size", "640x0"],
                      setup=good_gallery, fsize=60000, status=(1,), stderr_has="was kept", check=gallery_kept,
                      seconds=60))

    # Signals ----------------------------------------------------------------------
    for signum, name, code in [(signal.SIGINT, "SIGINT", 130), (signal.SIGTERM, "SIGTERM", 143)]:
        cases.append(Case("%s during a long blocked run with --trace" % name,
                          ["run", "{w}/s.json", "--trace", "{w}/t.json"],
                          files={"s.json": scenario('{ "type": "block_ui", "ms": 20000 }')},
                          signal_after=(signum, rng.uniform(0.1, 0.5)), status=(code,), stderr_has="no file was left",
                          check=lambda w, o, e: "a trace was written" if os.path.exists(os.path.join(w, "t.json")) else None))
    cases.append(Case("SIGTERM in the middle of a gallery", ["gallery", "{w}/g", "--format", "png,svg,pdf"],
                      signal_after=(signal.SIGTERM, rng.uniform(0.3, 3.0)), status=(0, 143), seconds=60))
    return cases


def has_control(text):
    return any(ord(c) in CONTROL for c in text)


def snapshot(path):
    st = os.lstat(path)
    with open(path, "rb") as f:
        return (f.read(), stat.S_IMODE(st.st_mode), st.st_nlink)


# AddressSanitizer maps terabytes of shadow memory and runs code about
# three times slower: no address-space ceiling there, longer budgets.
SANITIZED = "ASAN_OPTIONS" in os.environ
SLOWER = 3 if SANITIZED else 1


def limits(fsize):
    def apply():
        if not SANITIZED:
            resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return apply


def run_case(case, root, index):
    w = os.path.join(root, "case-%03d" % index)
    os.mkdir(w)
    for name, data in case.files.items():
        with open(os.path.join(w, name), "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
    if case.setup:
        case.setup(w)
    before = {name: snapshot(os.path.join(w, name)) for name in case.untouched}
    args = []
    for a in case.args:
        a = a.replace("{w}", w)
        if "\\x00" in a:
            a = a.replace("\\x00", "")  # argv cannot hold a NUL: the shell cuts there
        args.append(a)

    env = dict(os.environ, LC_ALL="C.UTF-8", GSK_RENDERER="cairo", GTK_A11Y="none", GSETTINGS_BACKEND="memory")
    out_path, err_path = os.path.join(root, "stdout-%03d" % index), os.path.join(root, "stderr-%03d" % index)
    with open(out_path, "wb") as out_file, open(err_path, "wb") as err_file:
        start = time.monotonic()
        proc = subprocess.Popen([AWAITSCOPE] + args, stdout=out_file, stderr=err_file, cwd=w, env=env,
                                preexec_fn=limits(case.fsize))
    # wait4 gives this child's own peak resident memory.
    killed = False
    signalled = case.signal_after is None
    budget = case.seconds * SLOWER
    deadline = start + budget + 5
    while True:
        pid, wstatus, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            break
        now = time.monotonic()
        if not signalled and now - start >= case.signal_after[1]:
            os.kill(proc.pid, case.signal_after[0])
            signalled = True
        if now > deadline and not killed:
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
        time.sleep(0.01)
    proc.returncode = os.waitstatus_to_exitcode(wstatus)
    elapsed = time.monotonic() - start
    rss_mb = usage.ru_maxrss / 1024
    with open(out_path, "rb") as f:
        out = f.read().decode("utf-8", "replace")
    with open(err_path, "rb") as f:
        err = f.read().decode("utf-8", "replace")

    problems = []
    if killed:
        problems.append("did not end within %d s" % (budget + 5))
    elif proc.returncode < 0:
        problems.append("ended by signal %d" % -proc.returncode)
    elif proc.returncode not in case.status:
        problems.append("exit status %d, expected %s" % (proc.returncode, case.status))
    if elapsed > budget:
        problems.append("took %.1f s, budget %d s" % (elapsed, budget))
    if proc.returncode not in (0,) and not killed and not err.strip():
        problems.append("failed without a message")
    if case.stderr_has and case.stderr_has not in err:
        problems.append("the message does not say %r: %r" % (case.stderr_has, err[:300]))
    if has_control(err) or has_control(out):
        problems.append("raw control characters reached the terminal")
    for line in err.splitlines():
        if "CRITICAL" in line or "GLib-ERROR" in line or "WARNING **" in line:
            problems.append("GLib complained: %s" % line[:200])
    for name, snap in before.items():
        if snapshot(os.path.join(w, name)) != snap:
            problems.append("%s was changed" % name)
    for dirpath, _, names in os.walk(w):
        for n in names:
            if n.startswith(".awaitscope-"):
                problems.append("left a temporary file: %s" % os.path.join(dirpath, n))
    if case.check and not killed:
        text = case.check(w, out, err)
        if text:
            problems.append(text)
    return problems, elapsed, proc.returncode, err.strip().splitlines()[-1:] if err.strip() else [], rss_mb


def main():
    global AWAITSCOPE
    argv = sys.argv[1:]
    if not argv:
        print("usage: hostile.py AWAITSCOPE [--seed N] [--only WORD]", file=sys.stderr)
        return 2
    AWAITSCOPE = os.path.abspath(argv[0])
    if os.environ.get("AW_TEST_SLOW"):
        # Under valgrind every case would take minutes and the ceilings
        # would measure memcheck, not Awaitscope.
        print("1..0 # SKIP timing and memory budgets mean nothing under valgrind")
        return 0
    seed = int(os.environ.get("AW_HOSTILE_SEED", random.SystemRandom().randrange(1 << 32)))
    only = None
    if "--seed" in argv:
        seed = int(argv[argv.index("--seed") + 1])
    if "--only" in argv:
        only = argv[argv.index("--only") + 1]
    rng = random.Random(seed)

    root = tempfile.mkdtemp(prefix="hostile-")
    try:
        # A real trace to cut and flip: a saved run of a bundled lesson.
        base = os.path.join(root, "base.json")
        subprocess.run([AWAITSCOPE, "run", "when-all", "--virtual-clock", "--trace", base],
                       check=True, capture_output=True, timeout=60)
        with open(base, "rb") as f:
            base_trace = f.read()

        cases = [c for c in make_cases(rng, base_trace) if only is None or only in c.name]
        print("# seed %d (AW_HOSTILE_SEED=%d repeats it)" % (seed, seed))
        print("1..%d" % len(cases))
        failed = 0
        peak = 0.0
        for i, case in enumerate(cases, 1):
            problems, elapsed, status, last, rss = run_case(case, root, i)
            peak = max(peak, rss)
            if rss > RSS_BUDGET_MB:
                problems.append("peak resident memory %.0f MiB over %d MiB" % (rss, RSS_BUDGET_MB))
            if problems:
                failed += 1
                print("not ok %d %s" % (i, case.name))
                for p in problems:
                    print("#   %s" % p)
            else:
                print("ok %d %s # %.2f s, exit %d, %.0f MiB" % (i, case.name, elapsed, status, rss))
            if last:
                print("#   stderr: %s" % last[0][:160].encode("unicode_escape").decode())
        print("# peak resident memory of any case: %.0f MiB" % peak)
        return 1 if failed else 0
    finally:
        for dirpath, dirnames, names in os.walk(root):
            for n in dirnames + names:
                try:
                    os.chmod(os.path.join(dirpath, n), 0o755)
                except OSError:
                    pass
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
