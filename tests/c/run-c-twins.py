#!/usr/bin/env python3
"""The snippets suite: every scenario's GLib C twin compiles, runs and leaks nothing.

For each data/scenarios/ID.json this compiles tests/c/ID.c (with lab.c)
against GLib and GIO with the project's warnings as errors, runs it, and
fails on a warning, a non-zero exit (a twin's own check failed, or it got
stuck) or a memory error or leak:

  --leak-check asan       (the default) built with AddressSanitizer and
                          UndefinedBehaviorSanitizer; LeakSanitizer reports
                          what is left at exit
  --leak-check valgrind   built plainly and run under valgrind memcheck, with
                          GLib's suppressions: the default under the test
                          setup `valgrind` (AW_TEST_SLOW=valgrind), whose own
                          memcheck does not follow python3's children
  --leak-check none       built plainly, run as they are

GLib's allocator runs straight on malloc (G_SLICE=always-malloc), so that a
GObject or a GTask nobody unrefs is a leak the checker sees.

The twins run at --speed 10 (every duration divided by 10; MS() in lab.h),
or 2 under valgrind, which runs code many times slower. A twin whose own
check failed (exit status 3, LAB_CHECK_FAILED) is run again up to twice
before it counts as failed: a check about timing may fail on a busy
machine. A crash, a leak or a memory error fails at once.

Output is TAP, one test point per scenario.

    run-c-twins.py [--cc CC] [--cflags FLAGS] [--leak-check KIND] [--speed N] [ID...]
"""
import argparse
import concurrent.futures
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("AW_SOURCE_ROOT") or os.path.dirname(os.path.dirname(HERE))
SCENARIOS = os.path.join(ROOT, "data", "scenarios")
SHARED = ["lab.c"]             # what every twin is built with, not a twin itself
TIMEOUT = 120                  # seconds a twin may run (LAB_LIMIT_MS in lab.c stops a stuck one first)
CHECK_FAILED = 3               # LAB_CHECK_FAILED (lab.h)
ATTEMPTS = 3

# The GLib floor of the project (meson.build): newer API is an error. Callbacks
# have the parameters GLib gives them, used or not (the project's warnings,
# which meson passes with --cflags, say the same).
BASE_FLAGS = [
    "-std=gnu11", "-g", "-O1", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter",
    "-DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74",
    "-DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74",
]
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
VALGRIND = ["valgrind", "--quiet", "--leak-check=full", "--show-leak-kinds=definite,indirect",
            "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99", "--num-callers=30"]


def run(cmd, env=None, timeout=TIMEOUT):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=env, timeout=timeout)
        return p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return None, out + f"\n(killed after {timeout} s)"


def twin_env(leak_check):
    env = dict(os.environ)
    env["G_SLICE"] = "always-malloc"
    env["G_DEBUG"] = "gc-friendly"
    env.setdefault("LC_ALL", "C.UTF-8")
    if leak_check == "asan":
        # Options set by the caller (the asan test setup) come after these, so they win.
        env["ASAN_OPTIONS"] = ":".join(filter(None, ["detect_leaks=1:fast_unwind_on_malloc=0", env.get("ASAN_OPTIONS")]))
        env["UBSAN_OPTIONS"] = ":".join(filter(None, ["print_stacktrace=1:halt_on_error=1",
                                                      env.get("UBSAN_OPTIONS")]))
    return env


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"), help="the C compiler (a command line)")
    ap.add_argument("--cflags", default="", help="more compiler flags, as one string")
    under_valgrind = os.environ.get("AW_TEST_SLOW") == "valgrind"
    ap.add_argument("--leak-check", choices=["asan", "valgrind", "none"],
                    default="valgrind" if under_valgrind else "asan")
    ap.add_argument("--speed", type=int, default=None,
                    help="divide every duration by this (default 10, or 2 under valgrind)")
    ap.add_argument("--builddir", default=None, help="where the twins are built (default: a temporary folder)")
    ap.add_argument("ids", nargs="*")
    args = ap.parse_args()

    ids = sorted(f[:-5] for f in os.listdir(SCENARIOS) if f.endswith(".json"))
    strays = sorted(f for f in os.listdir(HERE)
                    if f.endswith(".c") and f not in SHARED and f[:-2] not in ids)
    if args.ids:
        ids = [i for i in ids if i in args.ids]

    def pkg_config(*what):
        return subprocess.run(["pkg-config"] + list(what), check=True, stdout=subprocess.PIPE,
                              text=True).stdout.strip()

    try:
        glib_cflags = shlex.split(pkg_config("--cflags", "gio-2.0"))
        glib_libs = shlex.split(pkg_config("--libs", "gio-2.0"))
        glib_supp = os.path.join(pkg_config("--variable=prefix", "glib-2.0"),
                                 "share", "glib-2.0", "valgrind", "glib.supp")
    except (OSError, subprocess.CalledProcessError):
        print("1..0 # SKIP pkg-config does not know gio-2.0 (apt-get install libglib2.0-dev)")
        return 0
    if args.leak_check == "valgrind" and shutil.which("valgrind") is None:
        print("1..0 # SKIP valgrind is not installed (apt-get install valgrind)")
        return 0

    speed = args.speed or (2 if under_valgrind or args.leak_check == "valgrind" else 10)
    flags = (BASE_FLAGS + [f"-DLAB_SPEED={speed}"] + shlex.split(args.cflags)
             + (SANITIZE if args.leak_check == "asan" else []))

    def run_all(out):
        cc = shlex.split(args.cc)
        env = twin_env(args.leak_check)
        wrapper = []
        if args.leak_check == "valgrind":
            wrapper = VALGRIND + ([f"--suppressions={glib_supp}"] if os.path.exists(glib_supp) else [])

        shared = []
        for src in SHARED:
            obj = os.path.join(out, src[:-2] + ".o")
            status, log = run(cc + flags + glib_cflags + ["-c", os.path.join(HERE, src), "-o", obj])
            if status != 0 or log.strip():
                print(f"Bail out! {src} does not compile without warnings")
                for line in log.splitlines():
                    print("#   " + line)
                return 1
            shared.append(obj)

        def one(sid):
            """(ok, summary, log lines) for one twin."""
            src = os.path.join(HERE, sid + ".c")
            if not os.path.exists(src):
                return False, f"no C twin: write {os.path.relpath(src, ROOT)}", []
            exe = os.path.join(out, sid)
            status, log = run(cc + flags + glib_cflags + ["-I", HERE, src] + shared + ["-o", exe] + glib_libs)
            if status != 0 or log.strip():
                return False, "does not compile without warnings", log.splitlines()
            earlier = []
            for attempt in range(1, ATTEMPTS + 1):
                status, log = run(wrapper + [exe], env=env)
                lines = log.splitlines()
                if status != CHECK_FAILED or attempt == ATTEMPTS:
                    break
                earlier += [f"run {attempt}: " + l for l in lines if "check failed" in l] + [f"run {attempt}: again"]
            if status != 0:
                why = "killed (timeout)" if status is None else f"exit status {status}"
                if status == CHECK_FAILED:
                    why = f"a check failed ({attempt} runs)"
                return False, why, earlier + lines
            notes = [l.split(": ", 1)[1] for l in lines if l.startswith(sid + ": ")]
            again = f" (run {attempt})" if attempt > 1 else ""
            return True, "; ".join(notes) + again, earlier + [l for l in lines if not l.startswith(sid + ": ")]

        jobs = max(1, min(2, os.cpu_count() or 1))
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            results = list(pool.map(one, ids))

        failed = 0
        n = 0
        for sid, (ok, summary, log) in zip(ids, results):
            n += 1
            if not ok:
                failed += 1
            print(f"{'ok' if ok else 'not ok'} {n} - {sid}: {summary}")
            for line in log:
                print("#   " + line)
        for stray in strays:
            n += 1
            failed += 1
            print(f"not ok {n} - {stray}: a C twin without a scenario (data/scenarios/{stray[:-2]}.json)")
        print(f"1..{n}")
        return 1 if failed else 0


    if args.builddir:
        os.makedirs(args.builddir, exist_ok=True)
        return run_all(args.builddir)
    with tempfile.TemporaryDirectory(prefix="c-twins-") as out:
        return run_all(out)

if __name__ == "__main__":
    sys.exit(main())
