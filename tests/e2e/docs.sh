#!/bin/sh
# docs.sh - the manual and the bash completion keep up with the command.
#
# What `kith --help` and `kith COMMAND --help` print is the list of what
# must be documented: every command, every subcommand of a group, every
# long option of each usage line, the words an option takes (--kind
# give|lend|...) and the words a command takes (checkin safe|need-help).
# For each of them:
#   - docs/kith.1.scd has an entry for the command (a line starting
#     "*kith COMMAND" or "*kith GROUP SUB"), and the option or word
#     appears in that entry; global options appear under GLOBAL OPTIONS;
#     the options of `daemon` and `sync` appear in kith-daemon.8.scd too;
#   - dist/bash-completion/kith, sourced in bash, offers it: _kith is
#     called with COMP_WORDS / COMP_CWORD set as bash would, and COMPREPLY
#     must hold it.  It must offer no command or subcommand that kith does
#     not have, directories after --home and files after `import`.
# Then scdoc compiles both pages and `man --warnings -l` (groff -ww) renders
# them with nothing on stderr.  Without scdoc, man or bash the checks that
# need them are skipped with a reason, except under CI (CI=true), where
# their absence is a failure.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$E2E_DIR/../.." && pwd)
MAN1=$ROOT/docs/kith.1.scd
MAN8=$ROOT/docs/kith-daemon.8.scd
COMP=$ROOT/dist/bash-completion/kith
T=$TMP_DIR

for f in "$MAN1" "$MAN8" "$COMP"; do
	[ -f "$f" ] || fail "'$f' exists"
done
[ "$LIB_FAILED" = 0 ] || finish

# needs TOOL: 0 when TOOL is installed; else a skip (a failure under CI).
needs() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "${CI:-}" = true ]; then
		fail "$1 is installed (CI=true)"
	else
		echo "# skipped: $1 is not installed (needed for: $2)"
	fi
	return 1
}

# ---- what kith says it has -----------------------------------------------

k - --help
check_eq "kith --help exits 0" "$RC" 0
printf '%s\n' "$OUT" >"$T/help"
# commands: the indented lines of the list; global options: the rest
sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' "$T/help" >"$T/commands"
grep -v '^  [a-z]' "$T/help" | grep -o -- '--[a-z][a-z-]*' | sort -u \
	>"$T/global"
check "kith --help lists commands" test -s "$T/commands"
check "kith --help names global options" grep -qx -- --home "$T/global"

# parse CMD SUB USAGE: one line per thing USAGE (a synopsis without
# "kith CMD [SUB]") asks for: "opt --x", "val --x word", "kw N word".
parse() {
	printf '%s\n' "$3" | awk -v cmd="$1" '{
		gsub(/\.\.\./, " "); gsub(/"/, " ")
		gsub(/\[/, " [ "); gsub(/\]/, " ] ")
		n = split($0, t, " ")
		pos = 0; depth = 0; cur = ""; skipcmd = 0
		for (i = 1; i <= n; i++) {
			w = t[i]
			if (skipcmd && w == cmd) { skipcmd = 0; continue }
			skipcmd = 0
			if (w == "[") { base[++depth] = pos; cur = ""; continue }
			if (w == "]") { if (depth) depth--; cur = ""; continue }
			if (w == "|") {
				pos = depth ? base[depth] : 0
				skipcmd = !depth
				cur = ""
				continue
			}
			if (w == "-") continue
			if (w ~ /^-.*\|/) {	# -v|--verbose: one option, two names
				m = split(w, alt, "|")
				for (j = 1; j <= m; j++)
					if (alt[j] ~ /^--[a-z]/) print "opt " alt[j]
				cur = ""
				continue
			}
			if (w ~ /^--[a-z]/) { print "opt " w; cur = w; continue }
			if (w ~ /^-[a-zA-Z]$/) { cur = ""; continue }
			if (w ~ /[A-Z]/) {
				if (cur == "") pos++
				cur = ""
				continue
			}
			m = split(w, alt, "|")
			if (cur == "") pos++
			for (j = 1; j <= m; j++)
				if (alt[j] != "") {
					if (cur != "") print "val " cur " " alt[j]
					else print "kw " pos " " alt[j]
				}
			cur = ""
		}
	}'
}

# Every command or subcommand, as "CMD SUB<TAB>USAGE" (SUB "-" for none).
: >"$T/entries"
: >"$T/groups"
while read -r cmd; do
	k - "$cmd" --help
	if [ "$RC" != 0 ]; then
		fail "kith $cmd --help exits 0" "$(last)"
		continue
	fi
	if printf '%s\n' "$OUT" | grep -q '^commands:'; then
		echo "$cmd" >>"$T/groups"
		printf '%s\n' "$OUT" |
			sed -n "s/^  kith $cmd \([a-z][a-z-]*\)\(.*\)/$cmd \1	\2/p" \
				>>"$T/entries"
	else
		printf '%s\n' "$OUT" |
			sed -n "1s/^usage: kith $cmd\(.*\)/$cmd -	\1/p" \
				>>"$T/entries"
	fi
done <"$T/commands"
check "every command has a usage line" \
	test "$(cut -f1 "$T/entries" | cut -d' ' -f1 | sort -u | wc -l)" \
	-eq "$(wc -l <"$T/commands")"

# ---- the manual ------------------------------------------------------------

# entry HEAD: the text of every entry of kith.1.scd whose first line starts
# with "*kith HEAD" followed by "*" or a space, up to the next entry or
# heading.
entry() {
	awk -v h="*kith $1" '
		/^\*kith / || /^#/ { on = 0 }
		index($0, h) == 1 {
			c = substr($0, length(h) + 1, 1)
			if (c == "*" || c == " ") on = 1
		}
		on' "$MAN1"
}

# has_word FILE WORD: WORD stands alone in FILE (not inside a longer
# option or word: "--private" is not found in "--private-to").
has_word() {
	grep -Eq -- "(^|[^a-z-])$2([^a-z-]|\$)" "$1"
}

sed -n '/^# GLOBAL OPTIONS/,/^# [A-Z]/p' "$MAN1" >"$T/man-global"
while read -r o; do
	check "kith(1) GLOBAL OPTIONS has $o" has_word "$T/man-global" "$o"
done <"$T/global"

# what each entry asks for, into $T/asks: "CMD SUB KIND A B"
: >"$T/asks"
while IFS='	' read -r cs usage; do
	set -- $cs
	parse "$1" "$2" "$usage" | sed "s/^/$1 $2 /" >>"$T/asks"
done <"$T/entries"

while IFS='	' read -r cs usage; do
	set -- $cs
	cmd=$1 sub=$2
	if [ "$sub" = - ]; then
		name=$cmd
	else
		name="$cmd $sub"
	fi
	entry "$name" >"$T/entry"
	if [ ! -s "$T/entry" ]; then
		fail "kith(1) has an entry for 'kith $name'"
		continue
	fi
	pass "kith(1) has an entry for 'kith $name'"
	grep "^$cmd $sub " "$T/asks" >"$T/mine"
	while read -r _c _s kind a b; do
		case $kind in
		opt) check "kith(1) 'kith $name' has $a" has_word "$T/entry" "$a" ;;
		val) check "kith(1) 'kith $name' has $a $b" \
			has_word "$T/entry" "$b" ;;
		kw) check "kith(1) 'kith $name' has '$b'" \
			has_word "$T/entry" "$b" ;;
		esac
	done <"$T/mine"
done <"$T/entries"

for cmd in daemon sync peers status; do
	check "kith-daemon(8) mentions 'kith $cmd'" \
		grep -q "\*kith\* .*\*$cmd\*\|\*kith $cmd\*" "$MAN8"
done
grep '^\(daemon\|sync\) - opt ' "$T/asks" >"$T/net-opts"
while read -r cmd _s _k o; do
	check "kith-daemon(8) has $cmd $o" has_word "$MAN8" "$o"
done <"$T/net-opts"
check "kith-daemon(8) is checked for options" test -s "$T/net-opts"

# ---- the completion --------------------------------------------------------

# Queries for _kith, one a line: the words of the command line, the last
# being the word completed (a line ending in a space: an empty word).
: >"$T/queries"
q() {
	printf '%s\n' "$*" >>"$T/queries"
}
# want DESC WORD...: a query (the line before) whose answer must hold WORD.
: >"$T/wants"
want() {
	_n=$(wc -l <"$T/queries" | tr -d ' ')
	_d=$1
	shift
	for _w in "$@"; do
		printf '%s\t%s\t%s\n' "$_n" "$_w" "$_d" >>"$T/wants"
	done
}

q "kith "
want "kith <TAB> offers the command" $(cat "$T/commands")
q "kith -"
want "kith -<TAB> offers the global option" $(cat "$T/global")
for g in $(cat "$T/groups"); do
	q "kith $g "
	want "kith $g <TAB> offers the subcommand" \
		$(grep "^$g " "$T/entries" | cut -f1 | cut -d' ' -f2)
done
while IFS='	' read -r cs usage; do
	set -- $cs
	cmd=$1 sub=$2
	line="kith $cmd"
	[ "$sub" = - ] || line="$line $sub"
	grep "^$cmd $sub " "$T/asks" >"$T/mine"
	opts=$(awk '$3 == "opt" { print $4 }' "$T/mine")
	if [ -n "$opts" ]; then
		q "$line --"
		want "$line --<TAB> offers" $opts
	fi
	for o in $(awk '$3 == "val" { print $4 }' "$T/mine" | sort -u); do
		q "$line $o "
		want "$line $o <TAB> offers" \
			$(awk -v o="$o" '$3 == "val" && $4 == o { print $5 }' \
				"$T/mine")
	done
	for p in $(awk '$3 == "kw" { print $4 }' "$T/mine" | sort -u); do
		fill=
		i=1
		while [ "$i" -lt "$p" ]; do
			fill="${fill}x "
			i=$((i + 1))
		done
		q "$line $fill"
		want "$line ${fill}<TAB> offers" \
			$(awk -v p="$p" '$3 == "kw" && $4 == p { print $5 }' \
				"$T/mine")
	done
done <"$T/entries"
# files and directories, from a directory holding one of each
mkdir -p "$T/cwd/somedir"
: >"$T/cwd/somefile"
q "kith --home "
want "kith --home <TAB> offers directories" somedir
n_home=$(wc -l <"$T/queries" | tr -d ' ')
q "kith import "
want "kith import <TAB> offers files" somefile

if needs bash "the completion checks"; then
	(
		cd "$T/cwd" &&
			bash --norc --noprofile -c '
. "$1" || exit 1
while IFS= read -r line; do
	read -ra COMP_WORDS <<<"$line"
	case $line in *" ") COMP_WORDS+=("") ;; esac
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_kith
	echo "${COMPREPLY[*]}"
done <"$2"' kith-docs "$COMP" "$T/queries"
	) >"$T/replies" 2>"$T/replies.err"
	rc=$?
	check_eq "the completion runs in bash with nothing on stderr" \
		"$rc:$(cat "$T/replies.err")" "0:"
	while IFS='	' read -r n w d; do
		got=$(sed -n "${n}p" "$T/replies")
		case " $got " in
		*" $w "*) pass "$d $w" ;;
		*) fail "$d $w" "query: $(sed -n "${n}p" "$T/queries")" \
			"offered: $got" ;;
		esac
	done <"$T/wants"
	# nothing that kith does not have
	for w in $(sed -n 1p "$T/replies"); do
		check "completed command '$w' exists" grep -qx -- "$w" \
			"$T/commands"
	done
	g_n=3
	for g in $(cat "$T/groups"); do
		for w in $(sed -n "${g_n}p" "$T/replies"); do
			check "completed subcommand 'kith $g $w' exists" \
				grep -q "^$g $w	" "$T/entries"
		done
		g_n=$((g_n + 1))
	done
	check_nomatch "kith --home <TAB> offers no plain files" \
		"$(sed -n "${n_home}p" "$T/replies")" somefile
fi

# ---- the pages render --------------------------------------------------------

if needs scdoc "compiling the man pages"; then
	for p in kith.1 kith-daemon.8; do
		scdoc <"$ROOT/docs/$p.scd" >"$T/$p" 2>"$T/$p.err"
		check_eq "scdoc compiles $p" "$?:$(cat "$T/$p.err")" "0:"
	done
	if needs man "rendering the man pages"; then
		for p in kith.1 kith-daemon.8; do
			MANWIDTH=80 man --warnings -l "$T/$p" >"$T/$p.txt" \
				2>"$T/$p.warn"
			check_eq "man renders $p without warnings" \
				"$?:$(cat "$T/$p.warn")" "0:"
			check "man renders $p as text" grep -q "^NAME" "$T/$p.txt"
		done
	fi
fi

finish
