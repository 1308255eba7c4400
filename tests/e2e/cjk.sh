#!/bin/sh
# cjk.sh - kith in Chinese (issue 8): `--search` finds Chinese posts by one,
# two or more characters in a row (and English words as before, and both
# at once), `volunteers --skill` and `match` work with Chinese skills and
# wishes, and text tables line up with wide characters (display width,
# cut with "…"), also under LANG=C.
. "$(dirname "$0")/lib.sh"

T=$TMP_DIR
A=$T/amira B=$T/ben C=$T/chen
member "$A" Amira || finish
community "$A" "Elm Street" || finish
member "$B" Ben && join "$B" || finish
member "$C" Chen && join "$C" || finish
k "$B" profile --building "Elm 12" --skills "修水管, 电工"
k "$C" profile --building "Oak 3" --skills "修自行车, cooking"

# ---- posts ------------------------------------------------------------------
run_ok "wish add with a Chinese title" "$A" wish add --title "帮忙买菜"
W_SHOP=$OUT
k "$A" wish add --title "菜园浇水" --description "每天早上"
W_GARDEN=$OUT
k "$A" wish add --title "Need a ladder" --description "帮忙 买菜"
W_LADDER=$OUT
k "$A" wish add --title "帮忙" --description "买菜"
W_SPLIT=$OUT
k "$A" wish add --title "需要梯子"
W_TIZI=$OUT
k "$B" item add --title "铝合金梯子" --category tools
I_TIZI=$OUT
k "$B" item add --title "A4纸 一包"
I_PAPER=$OUT
k "$B" item add --title "Aluminium ladder"
I_LADDER=$OUT
carry "$A" "$B"; carry "$B" "$C"; carry "$C" "$A"; carry "$A" "$B"

# ids of `wish list --search Q --json` on A, space-separated, list order
wfound() {
	k "$A" --json wish list --all --search "$1"
	json "' '.join(w['id'] for w in d)"
}
ifound() {
	k "$A" --json item list --all --search "$1"
	json "' '.join(i['id'] for i in d)"
}

# ---- search -----------------------------------------------------------------
check_eq "wish list --search 买菜 finds 帮忙买菜 (and 买菜 in descriptions)" \
	"$(wfound 买菜)" "$W_SHOP $W_LADDER $W_SPLIT"
check_eq "--search 菜: one character" "$(wfound 菜)" \
	"$W_SHOP $W_GARDEN $W_LADDER $W_SPLIT"
check_eq "--search 帮忙买菜: the whole title" "$(wfound 帮忙买菜)" "$W_SHOP"
check_eq "--search 帮忙买: three characters" "$(wfound 帮忙买)" "$W_SHOP"
check_eq "--search 浇水 finds the second title" "$(wfound 浇水)" "$W_GARDEN"
check_eq "--search 早上 finds a description" "$(wfound 早上)" "$W_GARDEN"
check_eq "--search 忙买: not across a space or title and description" \
	"$(wfound 忙买)" "$W_SHOP"
check_eq "--search 菜买 (reversed) finds nothing" "$(wfound 菜买)" ""
check_eq "--search 猫 finds nothing" "$(wfound 猫)" ""
check_eq "--search '买菜 ladder': every word must match" \
	"$(wfound '买菜 ladder')" "$W_LADDER"
check_eq "--search ladder: English as before" "$(wfound ladder)" "$W_LADDER"
check_eq "--search LAD: a word prefix, any case" "$(wfound LAD)" "$W_LADDER"
check_eq "item list --search 梯子" "$(ifound 梯子)" "$I_TIZI"
check_eq "item list --search 梯: one character" "$(ifound 梯)" "$I_TIZI"
check_eq "item list --search a4纸: Latin and Chinese in one word" \
	"$(ifound a4纸)" "$I_PAPER"
check_eq "item list --search b4纸 finds nothing" "$(ifound b4纸)" ""
check_eq "item list --search ladder" "$(ifound ladder)" "$I_LADDER"
k "$A" wish list --search 买菜
check_match "text list shows the Chinese title" "$OUT" "帮忙买菜"
k "$A" item list --search 马
check_eq "no match: exit 0" "$RC" 0
check_match "no match: says so" "$ERR" "no items"

# ---- volunteers and match ---------------------------------------------------
vols() {
	k "$A" --json volunteers --skill "$1"
	json "' '.join(v['name'] for v in d)"
}
check_eq "volunteers --skill 修" "$(vols 修)" "Ben Chen"
check_eq "volunteers --skill 水管" "$(vols 水管)" "Ben"
check_eq "volunteers --skill '修 电工': both words" "$(vols '修 电工')" "Ben"
check_eq "volunteers --skill 管修 finds nobody" "$(vols 管修)" ""
k "$A" --json match "$W_TIZI"
check_json "match 需要梯子 proposes the 铝合金梯子" \
	"[i['id'] for i in d[0]['items']] == ['$I_TIZI']"
k "$A" wish add --title "找人修水管"
k "$A" --json match "$OUT"
check_json "match 找人修水管 proposes Ben (修水管) first, by his Chinese skills" \
	"[v['name'] for v in d[0]['volunteers']][:1] == ['Ben']"

# ---- tables line up ---------------------------------------------------------
# column (in terminal cells) where TEXT starts in LINE
col_of() {
	"$PY" -S -E -c '
import sys, unicodedata
line, text = sys.argv[1], sys.argv[2]
def w(c):
    if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
i = line.find(text)
print(sum(w(c) for c in line[:i]) if i >= 0 else -1)
' "$1" "$2"
}
LONG="帮忙买菜帮忙买菜帮忙买菜帮忙买菜帮忙买菜帮忙买菜"
k "$A" wish add --title "$LONG"
k "$A" wish add --title "Crème brûlée for the street party"
k "$A" wish add --title "AB帮忙买菜帮忙买菜帮忙买菜帮忙买菜帮忙买菜"
LANG=C LC_ALL=C
export LANG LC_ALL
k "$A" wish list
unset LANG LC_ALL
printf '%s\n' "$OUT" >"$T/list.txt"
header=$(sed -n 1p "$T/list.txt")
want=$(col_of "$header" "WHO / WHERE")
check_ne "wish list has the WHO column" "$want" -1
bad=
while IFS= read -r line; do
	case $line in ID*) continue ;; esac
	got=$(col_of "$line" "Amira")
	[ "$got" = "$want" ] || bad="$bad
column $got, not $want: $line"
done <"$T/list.txt"
check_eq "under LANG=C every row's next column starts where its header does" \
	"$bad" ""
check_match "a short Chinese title is shown whole" "$OUT" "帮忙买菜  +Amira"
check_match "a too long one is cut with an ellipsis" "$OUT" \
	"帮忙买菜帮忙买菜帮忙买菜帮忙… +Amira"
check_match "a wide character is not split at the edge (padded instead)" \
	"$OUT" "AB帮忙买菜帮忙买菜帮忙买菜帮…   Amira"
check_match "accents take one column each" "$OUT" \
	"Crème brûlée for the street p…  Amira"
k "$A" --json wish show \
	"$(echo "$OUT" | grep -F ' 帮忙买菜帮忙买菜帮忙买菜帮忙…' | cut -d' ' -f1)"
check_json "--json keeps the whole title" "d['title'] == '$LONG'"

finish
