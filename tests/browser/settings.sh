#!/bin/sh
# settings.sh - the web app's shell, settings and error pages in headless
# Chromium: a phone with JavaScript off in Chinese and a desktop with
# JavaScript on in English switch language and easy mode; every page
# fits (width, 44 px targets, 16 px text); screenshots in
# BUILD/browser-artifacts (or $KITH_ARTIFACTS).  The checks are in
# test_settings.py.
. "$(dirname "$0")/lib.sh" "$1"
browser_run test_settings.py
