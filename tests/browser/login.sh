#!/bin/sh
# login.sh - the web server's own pages in headless Chromium: /healthz,
# logging in with `kith open --print`'s link, refusals (403, 404), the
# logout form; phone and desktop, JavaScript on and off, English and
# Chinese; screenshots in BUILD/browser-artifacts (or $KITH_ARTIFACTS).
# The checks are in test_login.py.
. "$(dirname "$0")/lib.sh" "$1"
browser_run test_login.py
