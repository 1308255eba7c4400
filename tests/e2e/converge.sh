#!/bin/sh
# converge.sh - three members make random changes (items, wishes, claims,
# accepts, deliveries, confirmations, loans, profile edits) and meet only
# through bundles (full and --since) carried in random order, with
# duplicates, stale bundles and gaps.  Once every bundle has reached every
# member, all replicas must be identical: same digest, vector, lists and
# hours.  The seed is printed; KITH_E2E_SEED=N repeats a run.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
ROUNDS=${KITH_E2E_ROUNDS:-5}
echo "# seed $E2E_SEED (KITH_E2E_SEED=$E2E_SEED repeats this run)"

BAD_RC=0	# commands that exited with something other than 0, 1 or 2
BAD_IMPORT=0	# genuine bundles that failed to import
NB=0

# note_rc: remember a crash-like exit code of the last command
note_rc() {
	case $RC in
	0 | 1 | 2) ;;
	*)
		BAD_RC=$((BAD_RC + 1))
		echo "# unexpected exit $RC: $LAST"
		sed 's/^/#   /' "$T/err"
		;;
	esac
}

# nth N: line N (0-based) of stdin
nth() { sed -n "$(($1 + 1))p"; }

# random_line TEXT: one random non-empty line of TEXT (empty if none)
random_line() {
	_n=$(printf '%s\n' "$1" | grep -c .)
	[ "$_n" -gt 0 ] || return 0
	printf '%s\n' "$1" | grep . | nth "$(pick "$_n")"
}

# op DIR ID: one random change by the member of DIR (may be refused).
op() {
	_m=$1
	_me=$2
	_x=""
	case $(pick 12) in
	0 | 1)
		k "$_m" item add --title "thing $NB $(pick 1000)" \
			--kind "$(printf 'give\nlend\nshare\nskill\nservice\nspace\nresource\n' | nth "$(pick 7)")"
		;;
	2 | 3)
		k "$_m" wish add --title "need $NB $(pick 1000)" \
			--urgency "$(printf 'critical\nurgent\nnormal\nlow\n' | nth "$(pick 4)")"
		;;
	4)
		k "$_m" --json wish list
		_x=$(random_line "$(json "'\n'.join(w['id'] for w in d if w['author'] != '$_me')")")
		[ -n "$_x" ] && k "$_m" wish claim "$_x" --qty "$(($(pick 3) + 1))"
		;;
	5)
		k "$_m" --json wish list --mine
		_x=$(random_line "$(json "'\n'.join(c['id'] for w in d for c in w['claims'] if c['status'] == 'active')")")
		[ -n "$_x" ] && k "$_m" wish accept "$_x"
		;;
	6)
		k "$_m" --json wish list --mine
		_x=$(random_line "$(json "'\n'.join(w['id'] for w in d if w['status'] in ('claimed', 'delivered'))")")
		[ -n "$_x" ] && k "$_m" wish confirm "$_x" --hours "$(pick 4).5"
		;;
	7)
		k "$_m" --json wish list --all
		_x=$(random_line "$(json "'\n'.join(c['id'] for w in d for c in w['claims'] if c['claimant'] == '$_me' and c['status'] in ('active', 'accepted'))")")
		if [ -n "$_x" ]; then
			if [ "$(pick 2)" = 0 ]; then
				k "$_m" wish deliver "$_x"
			else
				k "$_m" wish unclaim "$_x"
			fi
		fi
		;;
	8)
		k "$_m" --json item list --mine
		_x=$(random_line "$(json "'\n'.join(i['id'] for i in d)")")
		if [ -n "$_x" ]; then
			case $(pick 3) in
			0) k "$_m" item edit "$_x" --title "renamed $(pick 1000)" ;;
			1) k "$_m" item withdraw "$_x" ;;
			2)
				k "$_m" --json members
				_y=$(random_line "$(json "'\n'.join(m['id'] for m in d if m['id'] != '$_me')")")
				[ -n "$_y" ] && k "$_m" item lend "$_x" --to "$_y"
				;;
			esac
		fi
		;;
	9)
		k "$_m" --json item list
		_x=$(random_line "$(json "'\n'.join(i['id'] for i in d if i['author'] != '$_me')")")
		[ -n "$_x" ] && k "$_m" item request "$_x" --note "please"
		;;
	10)
		k "$_m" --json item list --mine
		_x=$(random_line "$(json "'\n'.join(i['id'] for i in d if i['status'] == 'on_loan')")")
		[ -n "$_x" ] && k "$_m" item return "$_x"
		;;
	11)
		k "$_m" profile --skills "skill $(pick 1000)"
		;;
	esac
	note_rc
}

# carry_file FILE DIR: import a genuine bundle; it must succeed.
carry_file() {
	k "$2" import "$1"
	if [ "$RC" != 0 ]; then
		BAD_IMPORT=$((BAD_IMPORT + 1))
		echo "# import failed: $LAST"
		sed 's/^/#   /' "$T/err"
	fi
	note_rc
}

# state DIR: everything that must agree, as one text
state() {
	k "$1" digest
	echo "digest $OUT"
	k "$1" vector "$T/state.vec"
	cat "$T/state.vec"
	k "$1" --json item list --all
	json "sorted((i['id'], i['title'], i['status']) for i in d)"
	k "$1" --json wish list --all
	json "sorted((w['id'], w['title'], w['status'], [(c['id'], c['status']) for c in w['claims']]) for w in d)"
	k "$1" --json members
	json "sorted((m['id'], m['name'], m['skills'], m['hours']) for m in d)"
}

trial() {
	_t=$1
	_a=$T/t$_t-alice
	_b=$T/t$_t-bob
	_c=$T/t$_t-carol
	member "$_a" Alice || return 0
	_ia=$OUT
	community "$_a" "Trial $_t" || return 0
	member "$_b" Bob || return 0
	_ib=$OUT
	join "$_b" || return 0
	member "$_c" Carol || return 0
	_ic=$OUT
	join "$_c" || return 0
	_pool=""
	_r=0
	while [ $_r -lt "$ROUNDS" ]; do
		for _who in a b c; do
			_id=
			eval "_dir=\$_$_who; _id=\$_i$_who"
			_n=$(($(pick 3) + 1))
			while [ "$_n" -gt 0 ]; do
				op "$_dir" "$_id"
				_n=$((_n - 1))
			done
			NB=$((NB + 1))
			# a full bundle, or only what someone's (maybe stale)
			# vector lacks
			_f=$T/t$_t-$NB.kb
			_v=$T/t$_t-vec-$(printf 'a\nb\nc\n' | nth "$(pick 3)")
			if [ "$(pick 2)" = 0 ] && [ -f "$_v" ]; then
				k "$_dir" export "$_f" --since "$_v"
			else
				k "$_dir" export "$_f"
			fi
			note_rc
			[ "$RC" = 0 ] && _pool="$_pool $_f"
		done
		# some bundles reach some members, in random order
		# shellcheck disable=SC2086 # _pool is a list of words
		for _f in $(shuffle $_pool | head -n 4); do
			_to=$(printf '%s\n' "$_a" "$_b" "$_c" | nth "$(pick 3)")
			carry_file "$_f" "$_to"
		done
		for _who in a b c; do
			eval "_dir=\$_$_who"
			k "$_dir" vector "$T/t$_t-vec-$_who"
		done
		_r=$((_r + 1))
	done
	# now every bundle reaches every member, each in its own order
	for _dir in "$_a" "$_b" "$_c"; do
		# shellcheck disable=SC2086
		for _f in $(shuffle $_pool); do
			carry_file "$_f" "$_dir"
		done
	done
	k "$_a" --json wish list --all
	echo "# trial $_t: wishes by status $(json "json.dumps(sorted([w['status'] for w in d]))"), claims $(json "len([c for w in d for c in w['claims']])")"
	k "$_a" --json item list --all
	echo "# trial $_t: items by status $(json "json.dumps(sorted([i['status'] for i in d]))")"
	state "$_a" >"$T/state-a"
	state "$_b" >"$T/state-b"
	state "$_c" >"$T/state-c"
	if cmp -s "$T/state-a" "$T/state-b"; then
		pass "trial $_t: Bob's replica equals Alice's (digest, vector, lists, hours)"
	else
		fail "trial $_t: Bob's replica equals Alice's (digest, vector, lists, hours)" \
			"$(diff "$T/state-a" "$T/state-b" | head -n 12)"
	fi
	if cmp -s "$T/state-a" "$T/state-c"; then
		pass "trial $_t: Carol's replica equals Alice's (digest, vector, lists, hours)"
	else
		fail "trial $_t: Carol's replica equals Alice's (digest, vector, lists, hours)" \
			"$(diff "$T/state-a" "$T/state-c" | head -n 12)"
	fi
	_nd=$(grep -c . "$T/state.vec")
	check_eq "trial $_t: the vector knows all three authors" "$_nd" 4
	# every bundle once more: nothing new anywhere
	_d0=$(digest "$_b")
	_fresh=0
	# shellcheck disable=SC2086
	for _f in $(shuffle $_pool); do
		k "$_b" import "$_f"
		case $OUT in
		"applied 0 new changes"*) ;;
		*) _fresh=$((_fresh + 1)) ;;
		esac
	done
	check_eq "trial $_t: importing every bundle again applies nothing" "$_fresh" 0
	check_eq "trial $_t: and changes nothing" "$(digest "$_b")" "$_d0"
}

trial 1
trial 2

# ---- a copied identity (a restored backup): a fork ---------------------

F=$T/fork
member "$F-alice" Alice
FA=$OUT
community "$F-alice" "Fork Lane"
member "$F-bob" Bob
join "$F-bob"
member "$F-carol" Carol
join "$F-carol"
k "$F-alice" item add --title "base"
carry "$F-alice" "$F-bob"
cp -R "$F-alice" "$F-alice2"
k "$F-alice" item add --title "only on the original"
k "$F-alice2" item add --title "only on the copy"
k "$F-alice2" item add --title "copy, second"
k "$F-alice" export "$T/fa.kb"
k "$F-alice2" export "$T/fa2.kb"
k "$F-bob" import "$T/fa.kb"
k "$F-bob" import "$T/fa2.kb"
check_eq "a fork in a bundle is no error" "$RC" 0
check_match "import warns about a copied identity" "$OUT$ERR" "fork|copied identity"
k "$F-carol" import "$T/fa2.kb"
k "$F-carol" import "$T/fa.kb"
check_match "the other order warns too" "$OUT$ERR" "fork|copied identity"
k "$F-bob" members
_mt=$OUT
k "$F-bob" --json members
check_match "'kith members', which the warning points to, shows the fork" \
	"$_mt $(json "[m for m in d if m['id'] == '$FA']")" "fork|copied"
r=0
while [ $r -lt 2 ]; do
	for s in alice alice2 bob carol; do
		k "$F-$s" export "$T/f-$s.kb"
	done
	for d in $(shuffle alice alice2 bob carol); do
		for s in $(shuffle alice alice2 bob carol); do
			carry_file "$T/f-$s.kb" "$F-$d"
		done
	done
	r=$((r + 1))
done
state "$F-alice" >"$T/fs-alice"
for s in alice2 bob carol; do
	state "$F-$s" >"$T/fs-$s"
	if cmp -s "$T/fs-alice" "$T/fs-$s"; then
		pass "after the fork, $s's replica equals the original's"
	else
		fail "after the fork, $s's replica equals the original's" \
			"$(diff "$T/fs-alice" "$T/fs-$s" | head -n 12)"
	fi
done
k "$F-carol" --json item list
check_json "exactly one side of the fork is shown, everywhere the same" \
	"len([i for i in d if i['title'] in ('only on the original', 'only on the copy')]) == 1"
check_eq "no command crashed in the fork trial" "$BAD_RC" 0
check_eq "no command crashed (exit codes only 0, 1 or 2)" "$BAD_RC" 0
check_eq "every genuine bundle imported" "$BAD_IMPORT" 0

finish
