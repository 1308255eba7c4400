#!/bin/sh
# items.sh - the item pages in headless Chromium with two members whose
# daemons sync: a offers a ladder to lend, b finds it and asks for it in
# b's browser, a sees the request (home and the item's page) and lends it
# to b, b sees it is lent to them, a marks it returned.  Phone without
# JavaScript in Chinese, desktop with JavaScript in English; screenshots
# in BUILD/browser-artifacts (or $KITH_ARTIFACTS).  The checks are in
# test_items.py.
. "$(dirname "$0")/lib.sh" "$1"
browser_run test_items.py
