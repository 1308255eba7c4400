#!/bin/sh
# pin.sh - logging in with a name and PIN in headless Chromium: the form,
# a wrong PIN, the right one; phone and desktop, JavaScript on and off,
# English and Chinese; screenshots in BUILD/browser-artifacts (or
# $KITH_ARTIFACTS).  The checks are in test_pin.py.
. "$(dirname "$0")/lib.sh" "$1"
browser_run test_pin.py
