#!/bin/sh
# story.sh - the issue's main story in two real browsers: a wish posted
# for a neighbour is offered help, accepted, delivered and confirmed with
# hours, between two members' daemons that sync; each browser shows each
# step after sync.  Member a on a phone, JavaScript off, in Chinese;
# member b on a desktop, JavaScript on, in English; then the main pages in
# the two other corners.  Screenshots in BUILD/browser-artifacts (or
# $KITH_ARTIFACTS).  The checks are in test_story.py.
. "$(dirname "$0")/lib.sh" "$1"
browser_run test_story.py
