#!/bin/sh
# Runs the AT-SPI client in a private session bus (the accessibility bus
# needs one), against the real app on the current X display.
if [ -z "${DISPLAY:-}" ]; then
  echo "no display: skipped (run under xvfb-run)"
  exit 77
fi
if ! /usr/bin/python3 -c "import pyatspi" 2>/dev/null; then
  echo "python3-pyatspi is not installed: skipped"
  exit 77
fi
exec dbus-run-session -- /usr/bin/python3 "$(dirname "$0")/atspi-client.py"
