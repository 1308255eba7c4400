#!/bin/sh
# fulldisk.sh - a completely full disk (issue 7, finding 12).  The data
# directory sits on a 3 MB tmpfs that is then filled to the last byte.
# Read-only commands (lists, members, digest, status, the notice sheet, a
# vector written elsewhere) still work; writes fail with one clear "kith: "
# line and change nothing; an export over an earlier bundle on the full
# disk fails and leaves that bundle whole.  Needs root (mount); skipped
# with a reason otherwise, except under CI=true, where not being root is a
# failure.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
M=$T/disk
if [ "$(id -u)" != 0 ]; then
	if [ "${CI:-}" = true ]; then
		fail "fulldisk needs root under CI=true (mount a tmpfs)"
		finish
	fi
	skip "not root: cannot mount a small tmpfs to fill"
fi
mkdir -p "$M"
if ! mount -t tmpfs -o size=3m,mode=0700 kith-fulldisk "$M" 2>"$T/mount.err"; then
	if [ "${CI:-}" = true ]; then
		fail "mount a tmpfs" "$(cat "$T/mount.err")"
		finish
	fi
	skip "cannot mount a tmpfs here: $(head -n 1 "$T/mount.err")"
fi
trap 'umount "$M" 2>/dev/null; rm -rf "$TMP_DIR"' EXIT

A=$M/amira
member "$A" Amira || finish
community "$A" Elm || finish
k "$A" item add --title Ladder --kind resource --category tools
ITEM=$OUT
k "$A" wish add --title "Insulin fridge" --urgency critical
WISH=$OUT
k "$A" checkin safe
k "$A" export "$M/old.kb"
cp "$M/old.kb" "$T/old.kb"
DIGEST=$(digest "$A")
check_match "the replica has a digest" "$DIGEST" "$HEX64"

# fill the disk to the last byte
dd if=/dev/zero of="$M/fill" bs=4096 >/dev/null 2>&1
dd if=/dev/zero of="$M/fill2" bs=1 >/dev/null 2>&1
check_eq "the disk is full" "$(df -P "$M" | awk 'NR == 2 { print $4 }')" 0

run_ok "item list on a full disk" "$A" item list
check_match "lists the item" "$OUT" "Ladder"
run_ok "wish list on a full disk" "$A" wish list
check_match "lists the wish" "$OUT" "Insulin fridge"
run_ok "item show on a full disk" "$A" item show "$ITEM"
run_ok "wish show on a full disk" "$A" wish show "$WISH"
run_ok "members on a full disk" "$A" members
run_ok "digest on a full disk" "$A" digest
check_eq "the digest is unchanged" "$OUT" "$DIGEST"
run_ok "whoami on a full disk" "$A" whoami
run_ok "status on a full disk" "$A" status
run_ok "roles on a full disk" "$A" roles
run_ok "checkins on a full disk" "$A" checkins
run_ok "inventory on a full disk" "$A" inventory
run_ok "volunteers on a full disk" "$A" volunteers
run_ok "hours on a full disk" "$A" hours
run_ok "peers on a full disk" "$A" peers
run_ok "--json item list on a full disk" "$A" --json item list
check_json "gives the item" 'd[0]["title"] == "Ladder"'
run_ok "print to stdout on a full disk" "$A" print
run_ok "vector to another disk" "$A" vector "$T/have.vec"
run_ok "export to another disk" "$A" export "$T/new.kb"

run_err 1 "full" "item add fails on a full disk" "$A" item add --title Saw
run_err 1 "full" "export over an earlier bundle on the full disk fails" \
	"$A" export "$M/old.kb"
check "the earlier bundle is whole" cmp -s "$M/old.kb" "$T/old.kb"
check_eq "no temp files are left" \
	"$(find "$M" -name '.*.??????*' -o -name '*.tmp' | wc -l | tr -d ' ')" 0

rm -f "$M/fill" "$M/fill2"
check_eq "after freeing space the digest is the same" "$(digest "$A")" "$DIGEST"
run_ok "and writes work again" "$A" item add --title Saw
finish
