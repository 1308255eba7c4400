#!/bin/sh
# members.sh - the people pages in headless Chromium: a member who has not
# joined pastes an invite code (phone, JavaScript off, Chinese), edits
# their profile and finds themselves in /members; the members page and one
# member's hours of help after a wish confirmed with hours (desktop,
# JavaScript on, English).  Screenshots in BUILD/browser-artifacts.  The
# checks are in test_members.py.
. "$(dirname "$0")/lib.sh" "$1"
browser_run test_members.py
