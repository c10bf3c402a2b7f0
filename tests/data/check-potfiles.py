#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""po/POTFILES.in lists every file with text marked for translation.

    check-potfiles.py SOURCE_ROOT

A C file that uses _(), N_(), C_(), NC_() or NG_(), and a .ui file with
translatable="yes", must be listed, or its text never reaches the
translators; every file listed must exist.
"""

import os
import re
import sys

top = sys.argv[1]
with open(os.path.join(top, "po", "POTFILES.in"), encoding="utf-8") as f:
    listed = [l.strip() for l in f if l.strip() and not l.startswith("#")]

marked = []
c_mark = re.compile(r"\b(?:_|N_|C_|NC_|NG_)\s*\(\s*\"")
for folder in ("src", "ui", "data"):
    for root, _dirs, files in os.walk(os.path.join(top, folder)):
        for name in files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, top)
            if name.endswith((".c", ".h")):
                with open(path, encoding="utf-8") as f:
                    # Marks in comments (examples) are no text.
                    code = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
                    if c_mark.search(code):
                        marked.append(rel)
            elif name.endswith(".ui"):
                with open(path, encoding="utf-8") as f:
                    if 'translatable="yes"' in f.read():
                        marked.append(rel)

print("1..2")
unlisted = sorted(set(marked) - set(listed))
print(("ok" if not unlisted else "not ok") + " 1 every file with marked text is in po/POTFILES.in" +
      ("".join(f"\n# not listed: {p}" for p in unlisted)))
gone = [p for p in listed if not os.path.exists(os.path.join(top, p))]
print(("ok" if not gone else "not ok") + " 2 every file listed exists" +
      ("".join(f"\n# no such file: {p}" for p in gone)))
sys.exit(1 if unlisted or gone else 0)
