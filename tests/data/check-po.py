#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every translation in po/ compiles with `msgfmt --check --statistics`.

    check-po.py PO_DIR [--complete LANG...]

Each language of po/LINGUAS must pass msgfmt's checks (format strings that
agree with the original, a valid header and plural forms). A language
named after --complete must also be translated whole: no untranslated
and no fuzzy message.
"""

import os
import re
import shutil
import subprocess
import sys

po_dir = sys.argv[1]
complete = sys.argv[sys.argv.index("--complete") + 1:] if "--complete" in sys.argv else []
with open(os.path.join(po_dir, "LINGUAS"), encoding="utf-8") as f:
    langs = [w for line in f for w in line.split("#")[0].split()]

print(f"1..{len(langs)}")
if shutil.which("msgfmt") is None:
    for i, lang in enumerate(langs, 1):
        print(f"ok {i} {lang} # SKIP msgfmt is not installed (gettext)")
    sys.exit(0)

failed = False
for i, lang in enumerate(langs, 1):
    po = os.path.join(po_dir, lang + ".po")
    run = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, po],
                         capture_output=True, text=True, env=dict(os.environ, LC_ALL="C", LANGUAGE=""))
    stats = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
    counts = {k: int(n) for n, k in re.findall(r"(\d+) (translated|fuzzy|untranslated)", stats)}
    problems = []
    if run.returncode != 0:
        problems.append("msgfmt --check failed:\n# " + "\n# ".join(run.stderr.splitlines()))
    if lang in complete and (counts.get("fuzzy", 0) or counts.get("untranslated", 0)):
        problems.append("not translated whole")
    if problems:
        failed = True
        print(f"not ok {i} {lang}: {stats}; " + "; ".join(problems))
    else:
        print(f"ok {i} {lang}: {stats}")
sys.exit(1 if failed else 0)
