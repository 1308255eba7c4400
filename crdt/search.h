/*
 * search.h - the words of posts and of searches: what the full-text
 * indexes hold, what `--search` and `kith match` look for in them.
 *
 * Each searchable table (items, wishes) has two FTS5 indexes over title
 * and description (crdt/migrate.c):
 *
 *   <table>_fts    tokenizer unicode61: words.  Scripts that put spaces
 *                  between words (English, German, Turkish, Russian ...).
 *                  A row for every post, written by crdt/materialize.c after
 *                  the INSERT; edits by the AFTER UPDATE trigger.
 *   <table>_grams  tokenizer ascii, content stored: the CJK grams of the
 *                  post (below), a row only for posts that hold CJK text
 *                  (so English posts cost one byte scan, no SQL);
 *                  written by crdt_search_index() when a post is created
 *                  and crdt_search_reindex() when its title or description
 *                  changes, from crdt/materialize.c.
 *
 * CJK grams.  Chinese, Japanese (and often Korean) are written without
 * spaces between words, so a word index holds 帮忙买菜 as one word and
 * cannot find 买菜 or 菜 in it; which characters form a word is not
 * known without a dictionary.  So the grams index holds every character
 * position instead: each maximal run c1 c2 ... cn of CJK characters
 * (crdt_search_is_cjk) becomes the tokens
 *
 *     c1c2 c2c3 ... c(n-1)cn cn
 *
 * every adjacent pair, then the last character alone (which also ends the
 * run: no phrase reaches from one run into the next).  Every character of
 * a run starts exactly one token.  A query run q1..qk is then, exactly:
 *
 *     k = 1   the prefix query "q1"*     (a pair that starts with q1, or
 *                                          q1 ending a run)
 *     k = 2   the token "q1q2"
 *     k >= 3  the phrase "q1q2 q2q3 ... q(k-1)qk"   (consecutive pairs)
 *
 * so 菜, 买菜 and 帮忙买菜 all find 帮忙买菜, and a post matches iff one
 * run of its title or description holds those characters in a row.  The
 * index needs no tokenizer of our own (the sqlite3 shell can read and
 * check it) and is about 2.3 bytes per byte of CJK text.  Changing what
 * crdt_search_is_cjk() or crdt_search_grams() return changes the index:
 * that needs a migration that rebuilds it (crdt/migrate.c, like the one
 * that made it).
 *
 * The grams of a text are also an SQL function on every store connection,
 * kith_grams(text, ...) (NULL when there are none), for migrations, the
 * match's temporary volunteer index and consistency checks.
 *
 * Searches (crdt_search_compile): see crdt/query.h.  Match terms
 * (crdt_terms_add): see crdt/ops.h.
 *
 * Design: docs/DESIGN.md s2.
 */
#ifndef KITH_SEARCH_H
#define KITH_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* 1 for a character of a script written without spaces between words:
 * Han (every CJK ideograph block, radicals, 々 〆 〇), Hiragana, Katakana
 * (not the middle dot ・), Bopomofo, Hangul. */
int crdt_search_is_cjk(uint32_t cp);

/* Enough room for the grams of len bytes of text (and a NUL). */
#define CRDT_GRAMS_CAP(len) (3 * (size_t)(len) + 16)

/*
 * Append the grams of s[0..len) to out (*n bytes used of cap; tokens are
 * separated by one space; NUL-terminated).  Invalid UTF-8 separates runs
 * like any other non-CJK byte.  0, or KITH_ETOOBIG when cap is too small
 * (CRDT_GRAMS_CAP of all the text appended is enough).
 */
__attribute__((warn_unused_result)) int
crdt_search_grams(char *out, size_t cap, size_t *n, const char *s, size_t len);

/* crdt_search_register (the SQL function kith_grams) is in db.h. */

/*
 * Index maintenance, called by crdt/materialize.c inside the materializing
 * transaction.  rtype CRDT_R_ITEM or CRDT_R_WISH (others: nothing).
 * crdt_search_index: the new post at rowid with this title and
 * description (not NUL-terminated, may be NULL).  crdt_search_reindex:
 * the post id (16 bytes) after an edit of its title or description.
 */
__attribute__((warn_unused_result)) int
crdt_search_index(struct crdt_store *s, int rtype, int64_t rowid,
		  const char *title, size_t tlen, const char *desc,
		  size_t dlen);
__attribute__((warn_unused_result)) int
crdt_search_reindex(struct crdt_store *s, int rtype, const uint8_t *id);

/*
 * A search, compiled for the two indexes (crdt/query.h says what matches).
 * Each part is "" when it has nothing to say.
 */
#define CRDT_SEARCH_CAP 4096
struct crdt_search {
	char words[CRDT_SEARCH_CAP];  /* FTS5 query for <table>_fts */
	char grams[CRDT_SEARCH_CAP];  /* FTS5 query for <table>_grams */
	char verify[CRDT_SEARCH_CAP]; /* JSON array of words that must occur
					 as they are (ASCII case aside) */
};
/* 0, or KITH_ETOOBIG when the words do not fit. */
__attribute__((warn_unused_result)) int
crdt_search_compile(struct crdt_search *q, const char *in);

/*
 * The terms `kith match` looks for (crdt/ops.h): words of the scripts with
 * spaces (lowercased, at least 3 bytes, not a number, not filler, one
 * plural or -ing/-er/-ed ending cut off) and CJK grams (the pairs of each
 * run, then its single characters; common function words and characters
 * such as 需要, 帮忙, 的, 我 left out).  In order of appearance, no
 * duplicates, at most CRDT_TERMS_WORDS words and CRDT_TERMS_GRAMS grams.
 */
#define CRDT_TERMS_WORDS 8
#define CRDT_TERMS_GRAMS 16
#define CRDT_TERM_MAX 64
struct crdt_terms {
	int n, ngrams;
	char v[CRDT_TERMS_WORDS][CRDT_TERM_MAX];
	char g[CRDT_TERMS_GRAMS][12]; /* one or two characters */
};
void crdt_terms_add(struct crdt_terms *t, const char *text);
/* FTS5 queries, every term ORed: words as prefixes for <table>_fts, grams
 * for <table>_grams (a pair as a token, a character as a prefix).  ""
 * when there are no such terms. */
void crdt_terms_words_fts(const struct crdt_terms *t, char *out, size_t cap);
void crdt_terms_grams_fts(const struct crdt_terms *t, char *out, size_t cap);

#endif
