#!/bin/sh
# chinese.sh - kith in Simplified Chinese (po/zh_CN.po through gettext):
# LANG=zh_CN.UTF-8 makes help, messages, labels and status words Chinese
# while --json keeps its English keys and values; a machine without the
# zh_CN locale generated speaks Chinese too (action/i18n.c falls back to
# C.UTF-8); and English stays English.
. "$(dirname "$0")/lib.sh"

# zh ARGS...: k with the language of a resident in Shanghai
zh() {
	LC_ALL=zh_CN.UTF-8
	export LC_ALL
	k "$@"
	LC_ALL=C.UTF-8
}

# has_cjk TEXT: TEXT contains Chinese characters
has_cjk() {
	printf '%s' "$1" | "$PY" -S -E -c '
import sys
t = sys.stdin.buffer.read().decode("utf-8", "replace")
sys.exit(0 if any("\u4e00" <= ch <= "\u9fff" for ch in t) else 1)'
}

A=$TMP_DIR/alice
B=$TMP_DIR/bob
NOW=1796468400 # 2026-12-05

# ---- help and errors ---------------------------------------------------

zh - --help
check_eq "kith --help exits 0" "$RC" 0
check "kith --help is Chinese" has_cjk "$OUT"
check_match "... and names the commands as typed" "$OUT" "^  wish "
zh - wish --help
check "kith wish --help is Chinese" has_cjk "$OUT"
zh - wish add --help
check "kith wish add --help is Chinese" has_cjk "$OUT"
check_match "... with the options as typed" "$OUT" "--title"
k - --help
if has_cjk "$OUT"; then fail "English help has no Chinese" "$OUT"; else pass "English help has no Chinese"; fi

zh "$TMP_DIR/nowhere" wish list
check_eq "a missing data directory fails" "$RC" 1
check "... saying so in Chinese" has_cjk "$ERR"
check_match "... in one 'kith: ' line naming it" "$ERR" "^kith: .*nowhere"
zh - wish frobnicate
check_eq "an unknown command is a usage error" "$RC" 2
check "... in Chinese" has_cjk "$ERR"

# ---- a resident's day in Chinese ----------------------------------------

mkdir -p "$A" "$B"
zh "$A" init --name 王阿姨 --building 3号楼 --unit 502
check_eq "init works" "$RC" 0
check "... and says what next in Chinese" has_cjk "$ERR"
k "$A" community create 幸福里
CODE=$OUT
member "$B" 小李
join "$B"

zh "$A" wish add --title 帮忙买菜 --urgency urgent --description 腿脚不便
WISH=$OUT
check_eq "posting a wish works" "$RC" 0
check_match "... the id on stdout" "$OUT" "$HEX32"
check "... and what happens next, in Chinese" has_cjk "$ERR"
carry "$A" "$B"

zh "$B" wish list
check_eq "wish list works" "$RC" 0
check_match "the list shows the Chinese title" "$OUT" "帮忙买菜"
check "... and Chinese headers and status words" has_cjk \
	"$(printf '%s\n' "$OUT" | sed 's/帮忙买菜//g; s/王阿姨//g')"
zh "$B" --json wish list
check_json "--json keeps English keys and status words" \
	"d[0]['title'] == '帮忙买菜' and d[0]['status'] == 'open' and d[0]['urgency'] == 'urgent'"

zh "$B" wish claim "$WISH" --note 我下午去超市
check_eq "offering help works" "$RC" 0
check "... and says what happens next in Chinese" has_cjk "$ERR"
zh "$B" wish claim "$WISH"
zh "$B" wish show "$WISH"
check "wish show labels are Chinese" has_cjk \
	"$(printf '%s\n' "$OUT" | sed 's/帮忙买菜//g; s/王阿姨//g; s/腿脚不便//g; s/小李//g; s/我下午去超市//g')"

carry "$B" "$A"
zh "$A" wish confirm "$WISH" --hours 500
check_eq "an unreasonable number of hours is refused" "$RC" 2
check "... in Chinese" has_cjk "$ERR"

zh "$A" members
check_match "members lists the Chinese names" "$OUT" "小李"
check "... under Chinese headers" has_cjk "$(printf '%s\n' "$OUT" | sed 's/王阿姨//g; s/小李//g; s/3号楼//g')"

# ---- without the locale generated ---------------------------------------

# LANG (not LC_ALL) names a Chinese locale this machine has not generated
# (none is ever called "@kithtest"): still Chinese, through C.UTF-8
unset LC_ALL
LANG=zh_CN.UTF-8@kithtest
export LANG
k "$TMP_DIR/nowhere" wish list
check "a Chinese LANG that is not installed still speaks Chinese" has_cjk "$ERR"
LANG=zh_CN.UTF-8
k "$TMP_DIR/nowhere" wish list
check "LANG=zh_CN.UTF-8 alone speaks Chinese" has_cjk "$ERR"
LANGUAGE=
export LANGUAGE
k "$TMP_DIR/nowhere" wish list
check "... also with LANGUAGE set but empty" has_cjk "$ERR"
unset LANG LANGUAGE
LC_ALL=C.UTF-8
export LC_ALL

finish
