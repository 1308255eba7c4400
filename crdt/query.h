/*
 * query.h - read side of the replica: lists, single records, derived
 * status, members and hours, id-prefix resolution, and the state digest.
 *
 * Status words are derived here (in SQL, one place) from facts, never
 * stored (docs/DESIGN.md s2):
 *   item:  withdrawn > expired (until passed) > on_loan (a loan by the
 *          item's owner not returned) > requested (an active claim by
 *          someone else) > available
 *   wish:  withdrawn > confirmed > expired (needed_by passed) > delivered
 *          (an active claim says delivered) > claimed (the accepted claim
 *          is active, or exactly one active claim) > contested (several,
 *          none accepted) > open
 *   claim: cancelled > confirmed (accepted + wish confirmed) > delivered >
 *          accepted > active
 * A claim is active while not cancelled and not by the target's author.
 * An item request stops counting once delivered, or once the owner lent
 * the item answering it (a loan names its request; older loans without
 * one count when made to the requester after the request, by HLC).
 * Hours: each confirmed wish credits hours_q / 4 hours to the author of its
 * accepted claim, never to the wish's own author, and not when the helper
 * took that claim back.
 * Posts expire: items 90 days after their last edit, wishes 30 days after
 * theirs (or past needed_by).  Lists leave out posts hidden by a
 * coordinator (crdt/community.h) and posts of members blocked locally,
 * unless asked for all.
 *
 * Search (the filters' search: `item list --search`, `wish list
 * --search`) looks in title and description.  The words of the search are
 * separated by spaces (ASCII or the ideographic U+3000); a post is listed
 * when every word matches (AND), each word by one of two indexes
 * (crdt/search.h):
 *   - a word without CJK characters (English, ...): a word of the post
 *     starting with it, case and accents aside, no stemming ("lad" finds
 *     "Ladder"), in <table>_fts (FTS5 unicode61) -- as it always was;
 *   - a word with CJK characters (Han, kana, Hangul): the characters in a
 *     row anywhere in the text, in <table>_grams, which holds every pair
 *     of adjacent CJK characters and the last character of each run.
 *     Short queries need no scan and no trigram: one character is a
 *     prefix query on the pairs ("菜"* finds the pair 菜X or 菜 ending a
 *     run), two are one pair token ("买菜"), three or more a phrase of
 *     consecutive pairs ("帮忙 忙买 买菜"), so 菜, 买菜 and 帮忙买菜 all
 *     find "帮忙买菜", each with one FTS5 lookup and exactly (no false
 *     positives to weed out; trigram FTS5 answers nothing under three
 *     characters and would triple the index cost of English posts);
 *   - a word that mixes both ("A4纸"): its CJK runs as above, and the whole
 *     word (without punctuation around it) must occur as it is in the
 *     title or description, ASCII case aside.
 * So "买菜 ladder" lists the posts that hold 买菜 and a word starting with
 * "ladder".  Latin letters written straight after CJK characters
 * ("二手iPhone") are one word to the unicode61 index: "iphone" alone does
 * not find them, "手iphone" does.
 *
 * Rows are handed to a callback as named columns; callers print them as
 * text or JSON without knowing SQL.  Column values point into SQLite memory
 * valid only during the callback.
 */
#ifndef KITH_QUERY_H
#define KITH_QUERY_H

#include <stdint.h>

#include "store.h"

enum crdt_col_type {
	CRDT_COL_NULL,
	CRDT_COL_INT,
	CRDT_COL_REAL,
	CRDT_COL_TEXT,
	CRDT_COL_JSON, /* text that is already JSON (arrays of claims) */
};

struct crdt_col {
	const char *name;
	enum crdt_col_type type;
	int64_t i;
	double d;
	const char *s;
};

#define CRDT_MAX_COLS 32
struct crdt_row {
	int n;
	struct crdt_col c[CRDT_MAX_COLS];
};

/* Return non-zero to stop the iteration (that value is returned). */
typedef int (*crdt_row_fn)(void *ctx, const struct crdt_row *row);

/* Column by name, or NULL. */
const struct crdt_col *crdt_row_get(const struct crdt_row *r, const char *name);

struct crdt_item_filter {
	const uint8_t *author; /* --mine: 32-byte key, or NULL */
	int kind;	       /* -1 for any */
	const char *category;  /* NULL for any */
	const char *search;    /* words (see the top), NULL for none */
	const uint8_t *id;     /* one record (show), or NULL */
	int all;	       /* include withdrawn and expired */
	int overdue;	       /* only items on loan past due */
};

struct crdt_wish_filter {
	const uint8_t *author;
	const uint8_t *helper; /* wishes that accepted this member's offer (not
				* with author; a search ignores it) */
	const char *status;  /* one status word, or NULL */
	int urgency;	     /* -1 for any */
	const char *search;
	const uint8_t *id;
	int all;
};

/* now: unix seconds, for expiry. */
__attribute__((warn_unused_result)) int
crdt_query_items(struct crdt_store *s, const struct crdt_item_filter *f,
		 int64_t now, crdt_row_fn fn, void *ctx);
__attribute__((warn_unused_result)) int
crdt_query_wishes(struct crdt_store *s, const struct crdt_wish_filter *f,
		  int64_t now, crdt_row_fn fn, void *ctx);
/* Claims on one wish or item (id), oldest first. */
__attribute__((warn_unused_result)) int
crdt_query_claims(struct crdt_store *s, const uint8_t id[16], crdt_row_fn fn,
		  void *ctx);
/* How many items, wishes, offers and loans member wrote (*n). */
__attribute__((warn_unused_result)) int
crdt_query_authored(struct crdt_store *s, const uint8_t member[CRDT_PK_LEN],
		    int64_t *n);
/* Every key that ever wrote as member (docs/DESIGN.md s5): theirs, each
 * new key a replacement gave them, each device those link, removed or
 * not.  Columns: key (hex), head (the seq of its newest change held
 * here, 0 for none). */
__attribute__((warn_unused_result)) int
crdt_query_member_keys(struct crdt_store *s, const uint8_t member[CRDT_PK_LEN],
		       crdt_row_fn fn, void *ctx);
/* A member's keys (docs/DESIGN.md s5): their own (the new key of their
 * last replacement, if any), then each device key it links and did not
 * remove.  Columns: key (hex), member (1 for their own key),
 * changes (how many of its changes this replica holds), last (unix
 * seconds of its newest change's stamp, 0 for none). */
__attribute__((warn_unused_result)) int
crdt_query_devices(struct crdt_store *s, const uint8_t member[CRDT_PK_LEN],
		   crdt_row_fn fn, void *ctx);
/* Members with hours; one member when pk != NULL. */
__attribute__((warn_unused_result)) int
crdt_query_members(struct crdt_store *s, const uint8_t *pk, crdt_row_fn fn,
		   void *ctx);

/*
 * Members in the order of a members page: by building (ASCII case aside;
 * members without one last), then name (ASCII case aside), then id; a
 * page of them, found through the index members_page (migration 13), so
 * a page costs the rows it shows and the offset it skips, never a sort of
 * every member.  search (NULL or "": everyone): words separated by spaces
 * or tabs; a member is listed when every word occurs in their name,
 * building, unit, skills or available (ASCII case aside, as LIKE: "%" and
 * "_" match themselves).  pk: one member (search, offset and limit do
 * not matter then).  Columns: id, name, building, unit, skills, available
 * ("" for a member blocked here, or who offers neither skills nor time:
 * as crdt_volunteers lists it), hours (earned), forked.
 */
struct crdt_member_page {
	const uint8_t *pk;  /* one member, or NULL */
	const char *search; /* words, or NULL */
	int64_t offset;	    /* skip this many of those found */
	int64_t limit;	    /* at most this many; <= 0: all */
};
__attribute__((warn_unused_result)) int
crdt_query_members_page(struct crdt_store *s, const struct crdt_member_page *p,
			crdt_row_fn fn, void *ctx);
/* How many members p finds in all (its offset and limit aside; with
 * p->pk 1 or 0). */
__attribute__((warn_unused_result)) int
crdt_count_members(struct crdt_store *s, const struct crdt_member_page *p,
		   int64_t *total);

/* Facts the CLI checks before writing (authorization, targets). */
struct crdt_record_info {
	uint8_t rtype;
	uint8_t id[CRDT_ID_LEN];
	uint8_t author[CRDT_PK_LEN];
	uint8_t target[CRDT_ID_LEN]; /* claim: its wish/item; loan: its item */
	int target_rtype;	     /* claim: CRDT_R_WISH or CRDT_R_ITEM */
	int closed;		     /* withdrawn / cancelled / returned */
	int confirmed;		     /* wish confirmed, claim delivered */
	uint8_t accepted[CRDT_ID_LEN]; /* wish: accepted claim */
	int has_accepted;
	int active_claims;	       /* wish/item: active claims */
	uint8_t one_claim[CRDT_ID_LEN]; /* the oldest active claim */
	uint8_t active_loan[CRDT_ID_LEN]; /* item: loan not returned */
	int has_loan;
};
__attribute__((warn_unused_result)) int
crdt_record_info(struct crdt_store *s, int rtype, const uint8_t id[16],
		 struct crdt_record_info *info);

/*
 * Resolve a hex id prefix (>= 6 chars) of a record of type rtype; for
 * CRDT_R_MEMBER also an exact name (case-insensitive) when unique.
 * out gets 16 bytes (32 for members).  KITH_ENOTFOUND, KITH_EAMBIGUOUS,
 * KITH_EINVAL (too short / not hex).
 */
__attribute__((warn_unused_result)) int
crdt_resolve(struct crdt_store *s, int rtype, const char *prefix,
	     uint8_t *out);
/* Every member whose name is name (ASCII case aside, the index
 * members_name) to fn, until it returns non-zero (returned). */
__attribute__((warn_unused_result)) int
crdt_members_named(struct crdt_store *s, const char *name,
		   int (*fn)(void *ctx, const uint8_t pk[CRDT_PK_LEN]),
		   void *ctx);

/*
 * The sealed private part (crdt/seal.h) of a wish (id: 16 bytes) or member
 * (id: 32-byte key) as stored, copied into out (cap bytes); *len = 0 when
 * it has none.  KITH_ENOTFOUND (no such record), KITH_ETOOBIG, KITH_EINVAL
 * (another record type).
 */
__attribute__((warn_unused_result)) int
crdt_query_private(struct crdt_store *s, int rtype, const uint8_t *id,
		   uint8_t *out, size_t cap, size_t *len);

/* The name of member pk into out (cap bytes, cut; "" when the member has
 * none); KITH_ENOTFOUND when pk is not a member here. */
__attribute__((warn_unused_result)) int
crdt_member_name(struct crdt_store *s, const uint8_t pk[32], char *out,
		 size_t cap);

/* Names that more than one member has (ASCII case aside), one row each
 * with a column "name": a list shows a name alone only when it names one
 * member. */
__attribute__((warn_unused_result)) int
crdt_shared_names(struct crdt_store *s, crdt_row_fn fn, void *ctx);

/* Hash of the materialized state (64 hex chars + NUL). */
__attribute__((warn_unused_result)) int crdt_digest(struct crdt_store *s,
						    char out[65]);

/* Counts for status lines. */
struct crdt_counts {
	int64_t members, items, wishes, changes, authors, open_wishes;
};
__attribute__((warn_unused_result)) int
crdt_counts(struct crdt_store *s, int64_t now, struct crdt_counts *c);

#endif
