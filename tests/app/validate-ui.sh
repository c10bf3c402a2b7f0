#!/bin/sh
# Every .ui file passes gtk4-builder-tool validate (which needs a display on GTK 4.8).
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "no display: skipped (run under xvfb-run)"
  exit 77
fi
status=0
for ui in "$@"; do
  if gtk4-builder-tool validate "$ui"; then
    echo "ok: $ui"
  else
    echo "invalid: $ui"
    status=1
  fi
done
exit $status
