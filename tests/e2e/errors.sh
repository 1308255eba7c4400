#!/bin/sh
# errors.sh - the CLI's error contract: --help everywhere (exit 0, usage on
# stdout); usage errors exit 2; failures exit 1; every error is one
# "kith: " line on stderr with nothing on stdout; id prefixes that are too
# short, unknown, ambiguous or of the wrong record type.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
alice_and_bob
k "$A" item add --title "Ladder"
ITEM=$OUT
k "$A" wish add --title "Soup"
WISH=$OUT
carry "$A" "$B"
k "$B" wish claim "$WISH"
CLAIM=$OUT
carry "$B" "$A"

# ---- --help everywhere -------------------------------------------------

NOHOME=$T/never-created
help_ok() {
	_want=$1
	shift
	k "$NOHOME" "$@"
	_first=$(head -n 1 "$T/out")
	if [ "$RC" != 0 ]; then
		fail "kith $* exits 0" "$(last)"
	elif ! printf '%s\n' "$_first" | grep -Eq -- "$_want"; then
		fail "kith $* prints its usage" "first line is not /$_want/" "$(last)"
	else
		pass "kith $* prints its usage"
	fi
}

help_ok '^usage: kith ' --help
help_ok '^usage: kith ' -h
for c in init whoami profile members digest vector export import; do
	help_ok "^usage: kith $c( |\$)" "$c" --help
done
help_ok '^usage: kith init( |$)' init -h
for g in community item wish; do
	help_ok "^usage: kith $g( |\$)" "$g" --help
done
k "$NOHOME" item --help
for s in add list show edit withdraw lend return request; do
	check_match "kith item --help names 'item $s'" "$OUT" "(^|[ |])$s([ |]|\$)"
done
k "$NOHOME" wish --help
for s in add list show edit withdraw claim unclaim deliver accept confirm; do
	check_match "kith wish --help names 'wish $s'" "$OUT" "(^|[ |])$s([ |]|\$)"
done
k "$NOHOME" community --help
for s in create invite join; do
	check_match "kith community --help names 'community $s'" "$OUT" "(^|[ |])$s([ |]|\$)"
done
help_ok '^usage: kith community create NAME *$' community create --help
help_ok '^usage: kith community invite \[--qr\] \[--qr-page FILE\]$' community invite --help
help_ok '^usage: kith community join \[CODE \| -\] *$' community join --help
for s in add list show edit withdraw lend return request; do
	help_ok "^usage: kith item $s( |\$)" item "$s" --help
done
for s in add list show edit withdraw claim unclaim deliver accept confirm; do
	help_ok "^usage: kith wish $s( |\$)" wish "$s" --help
done
help_ok '^usage: kith wish claim( |$)' wish claim -h
k "$NOHOME" item add --help
check_match "kith item add --help shows its options" "$OUT" "--title"
k "$NOHOME" wish confirm --help
check_match "kith wish confirm --help shows its options" "$OUT" "--hours"
check "--help creates no data directory" test ! -e "$NOHOME"

# ---- unknown commands and options --------------------------------------

run_err 2 "frobnicate" "an unknown command is a usage error naming it" "$A" frobnicate
run_err 2 "frobnicate" "an unknown item command is a usage error naming it" "$A" item frobnicate
run_err 2 "frobnicate" "an unknown wish command is a usage error naming it" "$A" wish frobnicate
run_err 2 "frobnicate" "an unknown community command is a usage error naming it" "$A" community frobnicate
run_rc 2 "kith without a command is a usage error with a 'kith: ' line" "$A"
run_rc 2 "kith item without a command is a usage error with a 'kith: ' line" "$A" item
check_nomatch "the item command list does not say 'kith item item'" "$ERR" "kith item item"
run_rc 2 "kith wish without a command is a usage error with a 'kith: ' line" "$A" wish
check_nomatch "the wish command list does not say 'kith wish wish'" "$ERR" "kith wish wish"
run_rc 2 "kith community without a command is a usage error" "$A" community
run_err 2 "--frob" "an unknown global option is a usage error naming it" "$A" --frob digest
run_err 2 "--home" "--home without a directory is a usage error about --home" - --home
check_match "... and it says a directory is needed, not that --home is unknown" \
	"$(head -n 1 "$T/err")" "need|requir|missing|argument|DIR|directory"

for cmd in "init --name X" "profile --name X" "item add --title X" "item list" \
	"item edit $ITEM --title X" "item lend $ITEM --to Bob" "item request $ITEM" \
	"wish add --title X" "wish list" "wish edit $WISH --title X" \
	"wish claim $WISH" "wish confirm $WISH" "export $T/x.kb"; do
	# shellcheck disable=SC2086
	run_err 2 "--bogus" "kith $(echo $cmd | awk '{ print ($2 ~ /^[a-z]+$/) ? $1 " " $2 : $1 }') --bogus: usage error naming the option" \
		"$A" $cmd --bogus
done
run_err 2 "--title" "item add --title without a value: usage error naming the option" \
	"$A" item add --title
run_err 2 "--qty" "wish claim --qty without a value: usage error naming the option" \
	"$A" wish claim "$WISH" --qty
run_err 2 "--name" "init --name without a value: usage error naming the option" \
	"$T/x" init --name

# ---- wrong number of arguments -----------------------------------------

run_rc 2 "whoami with an argument is a usage error" "$A" whoami extra
run_rc 2 "members with an argument is a usage error" "$A" members extra
run_rc 2 "digest with an argument is a usage error" "$A" digest extra
run_rc 2 "vector without a file is a usage error" "$A" vector
run_rc 2 "vector with two files is a usage error" "$A" vector a b
run_rc 2 "import without a file is a usage error" "$A" import
run_rc 2 "import with two files is a usage error" "$A" import a b
run_rc 2 "export without a file is a usage error" "$A" export
run_rc 2 "export with two files is a usage error" "$A" export a b
run_rc 2 "community create without a name is a usage error" "$A" community create
run_rc 2 "community create with two names is a usage error" "$T/y" community create a b
run_rc 2 "community invite with an argument is a usage error" "$A" community invite extra
run_rc 2 "item list with an argument is a usage error" "$A" item list extra
run_rc 2 "wish list with an argument is a usage error" "$A" wish list extra
for c in "item show" "item withdraw" "item return" "wish show" "wish withdraw" \
	"wish unclaim" "wish deliver" "wish accept"; do
	# shellcheck disable=SC2086
	run_rc 2 "$c without an id is a usage error" "$A" $c
	# shellcheck disable=SC2086
	run_rc 2 "$c with two ids is a usage error" "$A" $c "$ITEM" "$WISH"
done
for c in "item request" "item lend" "wish claim" "wish confirm" "wish edit" "item edit"; do
	# shellcheck disable=SC2086
	run_rc 2 "$c without an id is a usage error" "$A" $c
done

# ---- bad values --------------------------------------------------------

run_rc 2 "wish claim --qty 0 is a usage error" "$B" wish claim "$WISH" --qty 0
run_rc 2 "wish confirm --hours abc is a usage error" "$A" wish confirm "$WISH" --hours abc
run_rc 2 "wish confirm --hours -1 is a usage error" "$A" wish confirm "$WISH" --hours -1
KITH_NOW=yesterday "$KITH" --home "$A" digest >"$T/out" 2>"$T/err"
RC=$?
LAST="KITH_NOW=yesterday kith digest"
if [ "$RC" = 2 ] && [ -z "$(err_shape 2)" ]; then
	pass "a bad KITH_NOW is a usage error"
else
	fail "a bad KITH_NOW is a usage error" "$(err_shape 2)" "$(last)"
fi

# ---- ids ---------------------------------------------------------------

run_ok "a 6-character prefix is accepted" "$A" item show "$(printf %.6s "$ITEM")"
run_ok "the full id is accepted" "$A" item show "$ITEM"
run_err 1 "6|short" "a 5-character prefix is too short" "$A" item show "$(printf %.5s "$ITEM")"
run_err 1 "6|short" "a 1-character prefix is too short" "$A" item show "$(printf %.1s "$ITEM")"
UNKNOWN=
for p in 000000 111111 222222 333333 444444 555555 666666 777777 888888 999999; do
	case "$ITEM $WISH $CLAIM" in
	*"$p"*) ;;
	*) UNKNOWN=$p && break ;;
	esac
done
run_err 1 "$UNKNOWN" "an unknown prefix is a failure naming it" "$A" item show "$UNKNOWN"
run_err 1 "zzzzzzzz" "a non-hex id is a failure naming it" "$A" item show zzzzzzzz
run_err 1 "no item|not found" "a 33-character id is a failure" "$A" item show "${ITEM}0"
run_err 1 "no item|not an item|not found" "a wish id is no item id" "$A" item show "$WISH"
run_err 1 "no wish|not a wish|not found" "an item id is no wish id" "$B" wish claim "$ITEM"
# wish accept takes an offer id or a wish id: a wish with one offer
# accepts that offer; an id of something else names both
run_ok "a wish id is no claim id, but accepts the wish's only offer" "$A" wish accept "$WISH"
check_match "... and says whose offer was accepted and how to confirm" "$ERR" \
	"accepted Bob's offer.*kith wish confirm [0-9a-f]{6,} --hours"
run_err 1 "no offer or wish with id" "an item id is neither an offer nor a wish id" \
	"$A" wish accept "$ITEM"
run_err 1 "no wish|not found" "wish show of an unknown prefix" "$A" wish show "$UNKNOWN"
k "$A" --json item show "$UNKNOWN"
check_eq "--json errors exit 1 too" "$RC" 1
check_eq "--json errors print nothing on stdout" "$OUT" ""

# two items whose ids share 6 characters (made in a scratch copy, straight
# in SQLite: finding a real collision would take thousands of items)
if [ "$HAVE_SQLITE3" = 1 ]; then
	cp -R "$A" "$T/scratch"
	P6=$(printf %.6s "$ITEM")
	c7=$(printf '%s' "$ITEM" | cut -c7)
	n7=0
	[ "$c7" = 0 ] && n7=1
	FAKE=${P6}${n7}$(printf %.25s "$ITEM" | tr '0-9a-f' 'fedcba9876543210')
	sqlite3 "$T/scratch/replica.db" "insert into items(id, author, kind, title, quantity)
		select x'$FAKE', author, 0, 'Twin', 1 from items where id = x'$ITEM'"
	run_err 1 "several|ambiguous|more characters" "a prefix shared by two items is ambiguous" \
		"$T/scratch" item show "$P6"
	run_ok "one more character tells them apart" "$T/scratch" item show "$(printf %.7s "$ITEM")"
	check_match "... and finds the right one" "$OUT" "Ladder"
else
	echo "# sqlite3 not found: ambiguous-prefix check skipped"
fi

# two members with the same name
S1=$T/sam1
S2=$T/sam2
member "$S1" Sam
SAM1=$OUT
member "$S2" Sam
k "$S1" community join "$CODE"
k "$S2" community join "$CODE"
carry "$S1" "$A"
carry "$S2" "$A"
run_err 1 "several|ambiguous" "--to NAME shared by two members is ambiguous" \
	"$A" item lend "$ITEM" --to Sam
run_ok "--to by member id prefix works when names clash" "$A" item lend "$ITEM" --to "$(printf %.8s "$SAM1")"
run_err 1 "no member|Zoe" "--to an unknown member is a failure" "$A" item lend "$ITEM" --to Zoe

# ---- broken data directories -------------------------------------------

: >"$T/a-file"
run_rc 1 "--home pointing at a file is a one-line failure" "$T/a-file" digest
mkdir -p "$T/corrupt"
dd if=/dev/urandom of="$T/corrupt/replica.db" bs=1024 count=8 2>/dev/null
run_err 1 "replica|database" "a corrupt replica.db is a one-line failure" "$T/corrupt" item list
run_ok "--json may come after the command" "$A" item list --json
check_json "... and still gives JSON" "isinstance(d, list)"

finish
