#!/bin/sh
# for.sh - acting for a neighbour without a device in headless Chromium:
# on a phone with JavaScript off in Chinese, a host chooses Mrs Okafor on
# "Neighbours I help" and posts a wish as her under the banner; on a
# desktop with JavaScript on in English, adds a neighbour, acts for her,
# posts a wish and acts as themselves again from the banner.  Screenshots
# in BUILD/browser-artifacts.  The checks are in test_for.py.
. "$(dirname "$0")/lib.sh" "$1"
browser_run test_for.py
