#!/bin/sh
# outputs.sh - files that export, vector, print --out and report --csv
# write (issue 7, finding 8).  Pointed at the identity, the community file,
# the replica (and its -wal), by name, through a symlink, a hard link or
# "dir/../", or at any other file in the data directory that is not an
# earlier output, they refuse with one "kith: " line and leave every file
# as it was.  An earlier output in the data directory may be replaced.  An
# existing file is never truncated in place: the new one is written next to
# it and renamed over it (a hard link to the old file keeps the old bytes).
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
A=$T/amira O=$T/files
member "$A" Amira || finish
community "$A" Elm || finish
k "$A" item add --title Ladder
mkdir -p "$O"
cp "$A/identity" "$T/identity.orig"
cp "$A/community" "$T/community.orig"
echo "my own notes" >"$A/notes.txt"
ln -s "$A/identity" "$O/link-to-identity"
ln "$A/community" "$O/hardlink-to-community"

# untouched DESC: the key files are exactly as they were
untouched() {
	if cmp -s "$A/identity" "$T/identity.orig" &&
		cmp -s "$A/community" "$T/community.orig" &&
		[ "$(cat "$A/notes.txt")" = "my own notes" ]; then
		pass "$1: identity, community and notes unchanged"
	else
		fail "$1: identity, community and notes unchanged"
		cp "$T/identity.orig" "$A/identity"
		cp "$T/community.orig" "$A/community"
		echo "my own notes" >"$A/notes.txt"
	fi
}

for target in "$A/identity" "$A/community" "$A/replica.db" \
	"$A/replica.db-wal" "$A/../amira/identity" "$O/link-to-identity" \
	"$O/hardlink-to-community" "$A/notes.txt"; do
	for cmd in export vector print; do
		case $cmd in
		print) set -- print --out "$target" ;;
		*) set -- "$cmd" "$target" ;;
		esac
		refused "$cmd onto $(basename "$target")" "$A" \
			'refus|cannot write' "$@"
		untouched "$cmd onto $(basename "$target")"
	done
done
check "the symlink still points at the identity" test -L "$O/link-to-identity"
mkdir -p "$O/rep-link"
ln -s "$A/identity" "$O/rep-link/items.csv"
refused "report --csv onto a link to the identity" "$A" 'refus' \
	report --csv "$O/rep-link"
untouched "report --csv onto a link to the identity"

# earlier outputs in the data directory may be replaced
run_ok "export into the data directory" "$A" export "$A/out.kb"
run_ok "export over that earlier bundle" "$A" export "$A/out.kb"
run_ok "vector into the data directory" "$A" vector "$A/have.vec"
run_ok "vector over that earlier vector" "$A" vector "$A/have.vec"
run_ok "print into the data directory" "$A" print --out "$A/sheet.html"
run_ok "print over that earlier sheet" "$A" print --out "$A/sheet.html"
run_ok "report into the data directory" "$A" report --csv "$A"
run_ok "report over that earlier report" "$A" report --csv "$A"
refused "export over the earlier sheet (another kind)" "$A" 'refus' \
	export "$A/sheet.html"
untouched "after the outputs in the data directory"

# never truncated in place: a hard link to the old file keeps it
inplace() {
	_f=$1
	shift
	echo "old content" >"$_f"
	ln -f "$_f" "$_f.keep"
	k "$A" "$@"
	if [ "$RC" = 0 ] && [ "$(cat "$_f.keep")" = "old content" ] &&
		! cmp -s "$_f" "$_f.keep"; then
		pass "$1 replaces '$(basename "$_f")' by rename, not in place"
	else
		fail "$1 replaces '$(basename "$_f")' by rename, not in place" \
			"old file now: $(head -c 60 "$_f.keep" | od -c | head -n 2)" \
			"$(last)"
	fi
}
inplace "$O/b.kb" export "$O/b.kb"
inplace "$O/v.vec" vector "$O/v.vec"
inplace "$O/s.html" print --out "$O/s.html"
mkdir -p "$O/rep"
inplace "$O/rep/items.csv" report --csv "$O/rep"
check_eq "an output is private to the user (0600)" "$(mode "$O/s.html")" \
	"-rw-------"
check_eq "no temp files are left behind" \
	"$(find "$O" "$A" -name '.*.??????' -o -name '*.tmp' | wc -l | tr -d ' ')" 0
finish
