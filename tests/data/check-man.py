#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""awaitscope(1) renders with man, and tells every command and option.

    check-man.py BUILT-AWAITSCOPE BUILT-PAGE.1

The commands and options are read from the program's --help, as a user
would check the page against the program.
"""

import os
import re
import shutil
import subprocess
import sys

binary, page = sys.argv[1:3]
print("1..3")
if shutil.which("man") is None:
    print("ok 1 # SKIP man is not installed")
    print("ok 2 # SKIP man is not installed")
    print("ok 3 # SKIP man is not installed")
    sys.exit(0)

env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="", MANWIDTH="100", MAN_KEEP_FORMATTING="")
env.pop("DISPLAY", None)
run = subprocess.run(["man", "-l", "--warnings=w", page], env=env, capture_output=True, text=True)
text = run.stdout
warnings = [l for l in run.stderr.splitlines() if l.strip()]
ok = run.returncode == 0 and "AWAITSCOPE(1)" in text and "SYNOPSIS" in text
print(("ok" if ok else "not ok") + " 1 man -l renders the page")
if not ok or warnings:
    print("# " + "\n# ".join((run.stderr or "no output").splitlines()))
if warnings:
    print("not ok 2 troff warnings")
    sys.exit(1)

def helptext(*args):
    return subprocess.run([binary, *args, "--help"], env=env, capture_output=True,
                          text=True, check=True).stdout

commands = re.findall(r"^  ([a-z][a-z-]*)  ", helptext().split("Commands", 1)[1], re.M)
flat = re.sub(r"\s+", " ", text.replace("\u2010", "-"))
missing = [c for c in commands if f"AWAITSCOPE {c.upper()}" not in text]
print(("ok" if commands and not missing else "not ok") +
      f" 2 a section for each of the {len(commands)} commands" +
      (f": missing {missing}" if missing else ""))
absent = []
for c in commands:
    section = text.split(f"AWAITSCOPE {c.upper()}", 1)[-1]
    for opt in re.findall(r"^  (?:-\w, )?(--[a-z][a-z-]*)", helptext(c), re.M):
        if opt not in section:
            absent.append(f"{c} {opt}")
print(("ok" if not absent else "not ok") + " 3 every command's options" +
      (f": missing {absent}" if absent else ""))
sys.exit(0 if ok and not missing and not absent else 1)
