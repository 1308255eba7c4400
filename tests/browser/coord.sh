#!/bin/sh
# coord.sh - the coordinator's pages in headless Chromium: an emergency
# started from the hub, a member's "I need help" on a phone without
# JavaScript in Chinese, the roll call that shows it; the hub, roll call,
# supplies and notice sheet in phone and desktop, English and Chinese;
# screenshots in BUILD/browser-artifacts (or $KITH_ARTIFACTS).  The checks
# are in test_coord.py.
. "$(dirname "$0")/lib.sh" "$1"
browser_run test_coord.py
