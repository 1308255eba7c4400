#!/bin/sh
# devices.sh - one person on several devices in headless Chromium: in
# every case of the matrix (phone and desktop, JavaScript on and off,
# English and Chinese) a member follows Settings to "Your devices", links
# a new device (its code once, with a QR code, which `kith init --link`
# takes), removes it after the question, and hands a neighbour kept on
# this computer over to her own phone from "Neighbours I help"; a
# coordinator replaces the key of a member who lost her only phone, from
# her page (a malformed id first, then the question, then done).
# Screenshots in BUILD/browser-artifacts.  The checks are in
# test_devices.py.
. "$(dirname "$0")/lib.sh" "$1"
browser_run test_devices.py
