#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every translation in po/ compiles with `msgfmt --check --statistics`.

    check-po.py PO_DIR [--complete LANG...]

Each language of po/LINGUAS must pass msgfmt's checks (format strings that
agree with the original, a valid header and plural forms). A language
named after --complete must also be translated whole: no untranslated
and no fuzzy message, and no message of today's sources missing. The
catalogue of today's sources is made here with xgettext, from the files
po/POTFILES.in names and with the keywords po/meson.build gives, so a
string marked after the last `awaitscope-update-po` counts as missing.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

po_dir = sys.argv[1]
complete = sys.argv[sys.argv.index("--complete") + 1:] if "--complete" in sys.argv else []
with open(os.path.join(po_dir, "LINGUAS"), encoding="utf-8") as f:
    langs = [w for line in f for w in line.split("#")[0].split()]

print(f"1..{len(langs)}")
if shutil.which("msgfmt") is None:
    for i, lang in enumerate(langs, 1):
        print(f"ok {i} {lang} # SKIP msgfmt is not installed (gettext)")
    sys.exit(0)

KEYWORDS = ["_", "N_", "C_:1c,2", "NC_:1c,2", "g_dcgettext:2", "g_dngettext:2,3",
            "g_dpgettext2:2c,3", "NG_:1,2"]


def current_catalogue():
    """Today's messages as a .pot file in a temporary folder, or None."""
    if not complete or shutil.which("xgettext") is None or shutil.which("msgcmp") is None:
        return None
    pot = os.path.join(tempfile.mkdtemp(prefix="aw-po-check-"), "current.pot")
    top = os.path.dirname(os.path.abspath(po_dir))
    subprocess.run(["xgettext", "--from-code=UTF-8", "--add-comments"]
                   + ["--keyword=" + k for k in KEYWORDS]
                   + ["--files-from=" + os.path.join(po_dir, "POTFILES.in"), "--directory=" + top,
                      "--output=" + pot],
                   check=True, env=dict(os.environ, LC_ALL="C", LANGUAGE=""))
    return pot


def missing(po, pot):
    """The messages of @pot that @po does not translate, as pot lines."""
    run = subprocess.run(["msgcmp", po, pot], capture_output=True, text=True,
                         env=dict(os.environ, LC_ALL="C", LANGUAGE=""))
    with open(pot, encoding="utf-8") as f:
        text = f.read().splitlines()
    lines = []
    for l in run.stderr.splitlines():
        m = re.match(r".*?:(\d+): this message is used but not defined", l)
        if m:
            n = int(m.group(1)) - 1
            while n < len(text) and not text[n].startswith("msgid"):
                n += 1
            lines.append(text[n] if n < len(text) else l)
    return run.returncode, lines


pot = current_catalogue()
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
    if lang in complete and pot is not None:
        rc, lines = missing(po, pot)
        if lines:
            problems.append(f"{len(lines)} messages of today's sources are missing "
                            "(meson compile awaitscope-update-po, then translate them):\n# "
                            + "\n# ".join(lines[:10]))
        elif rc != 0:
            problems.append("msgcmp failed")
    if problems:
        failed = True
        print(f"not ok {i} {lang}: {stats}; " + "; ".join(problems))
    else:
        print(f"ok {i} {lang}: {stats}")
if pot is not None:
    shutil.rmtree(os.path.dirname(pot), ignore_errors=True)
sys.exit(1 if failed else 0)
