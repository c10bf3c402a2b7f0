#!/usr/bin/env python3
# check-layers.py: no file of a core layer includes a header of a higher layer
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The layer programs in src/core/meson.build catch calls into a higher
# layer at link time; this catches the includes, which may bring types and
# inline code up a layer without any call. Usage:
#   check-layers.py SRCDIR LAYER=file.c,file.c... LAYER=... (lowest first)

import os
import re
import sys

# Headers with no .c file of the same name in the source folder (some are
# generated), and the layer they belong to.
HEADER_ONLY = {
    'aw-i18n.h': 'trace',          # marking text for translation: every layer
    'aw-trace-private.h': 'trace',
    'aw-trace-model-private.h': 'trace',
    'aw-trace-io-private.h': 'trace',
    'aw-trace-enums.h': 'trace',
    'aw-engine-enums.h': 'engine',
    'aw-engine-private.h': 'engine',
    'aw-interp-private.h': 'engine',
    'aw-scenario-private.h': 'engine',
    'aw-clock-private.h': 'engine',
    'aw-runner-private.h': 'engine',
    'aw-analysis-enums.h': 'analysis',
    'aw-core-resources.h': 'analysis',
    'aw-render-private.h': 'render',
    'aw-render-enums.h': 'render',
}

def main():
    srcdir = sys.argv[1]
    layers = []
    owner = dict(HEADER_ONLY)
    files = {}
    for arg in sys.argv[2:]:
        name, sources = arg.split('=', 1)
        layers.append(name)
        for source in sources.split(','):
            stem = source[:-2]
            owner[stem + '.h'] = name
            files.setdefault(name, []).append(source)
            if os.path.exists(os.path.join(srcdir, stem + '.h')):
                files[name].append(stem + '.h')
    for header, layer in HEADER_ONLY.items():
        if os.path.exists(os.path.join(srcdir, header)):
            files.setdefault(layer, []).append(header)

    rank = {name: i for i, name in enumerate(layers)}
    failures = 0
    for layer, names in files.items():
        for name in names:
            with open(os.path.join(srcdir, name), encoding='utf-8') as f:
                for number, line in enumerate(f, 1):
                    m = re.match(r'\s*#\s*include\s+"(aw-[^"]+\.h)"', line)
                    if not m:
                        continue
                    included = m.group(1)
                    if included not in owner:
                        print(f'{name}:{number}: includes {included}, which belongs to no layer')
                        failures += 1
                    elif rank[owner[included]] > rank[layer]:
                        print(f'{name}:{number}: the {layer} layer includes {included} of the '
                              f'{owner[included]} layer above it')
                        failures += 1
    if failures:
        sys.exit(1)
    print('every include goes down the layers: ' + ' -> '.join(layers))

if __name__ == '__main__':
    main()
