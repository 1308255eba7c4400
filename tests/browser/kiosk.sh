#!/bin/sh
# kiosk.sh - kiosk mode (`kith daemon --kiosk`, a shared computer in the
# sharing hut) in headless Chromium: the login page, home, settings and
# the logged-out page with the "Shared computer" banner and the big Log
# out button, easy mode forced, the login link refused, and (once) the
# page reloading itself to the login page once its idle time is over (--kiosk-idle 30);
# phone and desktop, JavaScript on and off, English and Chinese;
# screenshots in BUILD/browser-artifacts (or $KITH_ARTIFACTS).  The
# checks are in test_kiosk.py.
. "$(dirname "$0")/lib.sh" "$1"
browser_run test_kiosk.py
