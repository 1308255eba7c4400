/*
 * ops.h - read-side queries for neighbourhood operations: the resource
 * inventory, volunteers, matching wishes to items and volunteers, the
 * time-bank ledger and loans coming due.
 *
 * Nothing here writes to the replica: every answer is derived in SQL from
 * the materialized view, with the status rules of query.h (the very same
 * SQL expressions, crdt/query_sql.h).  Rows reach a crdt_row_fn callback as
 * named columns, like query.h; the CLI prints them as text or JSON.
 *
 * Definitions:
 *   - A member's building is members.building; posts are "in" their
 *     author's building.  An empty or missing building is "(no building)".
 *   - Inventory counts items of kind resource whose status is available,
 *     requested or on_loan and that are neither hidden by a coordinator
 *     nor blocked here, summed by (building, category, unit) - quantities
 *     in different units are not added up.  Categories and buildings
 *     compare case-insensitively.
 *   - Hours: a confirmed wish credits hours_q / 4 hours to the author of
 *     its accepted claim (not taken back), never to the wish's own author
 *     (query.h).  In a member's ledger that is +hours ("earned") for the
 *     helper and -hours ("given") for the wish's author; the balance is
 *     earned - given.  Earned hours equal `kith members` hours (the same
 *     SQL expression).
 *   - Matching (crdt_match): see there.
 *
 * Design: docs/DESIGN.md s2.
 */
#ifndef KITH_OPS_H
#define KITH_OPS_H

#include <stdint.h>

#include "query.h"
#include "store.h"

/*
 * Resource totals, one row per (building, category, unit), sorted by
 * building, category, unit (case-insensitive).  building (may be NULL)
 * keeps one building; "(no building)" selects members without one.
 * Columns: building, category ("(none)" when missing), unit ("" when
 * missing), quantity (sum; an item without a quantity counts 1), items
 * (how many posts).
 */
__attribute__((warn_unused_result)) int
crdt_inventory(struct crdt_store *s, const char *building, int64_t now,
	       crdt_row_fn fn, void *ctx);
/* The same over every building (or the one given): one row per
 * (category, unit), building "(all)". */
__attribute__((warn_unused_result)) int
crdt_inventory_totals(struct crdt_store *s, const char *building, int64_t now,
		      crdt_row_fn fn, void *ctx);

/*
 * Members with skills or availability in their profile (not blocked here),
 * nearest first: those of building near (may be NULL; the asker's own)
 * first, then by building, then name.  skill (may be NULL): every word of
 * it (words are separated by spaces or commas, also the Chinese ， and 、
 * and the ideographic space) must occur in the member's skills
 * (case-insensitive substring, so "nurs" finds "nurse" and "nursing", and
 * 修 finds 修水管 and 修自行车).  building (may be NULL): that
 * building only.  Buildings compare case-insensitively.
 * Columns: id, name, building, unit, skills, available, hours (earned).
 */
__attribute__((warn_unused_result)) int
crdt_volunteers(struct crdt_store *s, const char *skill, const char *building,
		const char *near, crdt_row_fn fn, void *ctx);

/*
 * Proposals for wishes.  With wish != NULL (16 bytes) for that wish
 * whatever its status, else for the nwishes most urgent open wishes (the
 * order of `kith wish list`: urgency, then oldest first; not hidden, not
 * blocked).
 *
 * The words of a wish are those of its title, category and description
 * (at most CRDT_MATCH_TERMS; lowercased, words shorter than 3 letters and
 * common filler words dropped, a plural or -ing/-er/-ed ending cut off);
 * each matches as a word prefix, like FTS5 "word"*.  CJK text (Chinese,
 * Japanese, Korean: no spaces between words, crdt/search.h) gives grams
 * instead (at most CRDT_MATCH_GRAMS): every pair of adjacent characters,
 * then every single character, common ones (需要, 帮忙, 的, 我 ...)
 * dropped; a pair matches where the two stand in a row, a character
 * wherever it stands, so 需要梯子 finds 铝合金梯子 (梯子, 梯, 子) and 借一把伞
 * finds 雨伞 (伞).  Posts that share more and rarer terms rank first.
 *
 * Items: available (the status of `kith item list`), not hidden or
 * blocked, not the wish author's own, and either in the wish's category or
 * matching its words or grams in title/description (FTS5).  Ranked by
 *   score = 3 * same category + 2 * words match + 1 * same building
 * (building = the item author's vs the wish author's); at equal score a
 * words match first, by bm25, then newest first.  Candidates are bounded
 * so a common word or a big category costs no more than a rare one: the
 * 150 best words matches and the 150 best grams matches, every item of
 * the category in the wish author's building, and the 100 newest of the
 * category; words (grams) found in more than 2.5 % of all items (at least
 * 500) are not looked for unless no rarer word (gram) is left.  Only the CRDT_MATCH_POOL best-scored candidates
 * are checked for availability.
 *
 * Volunteers: members (not the wish author, not blocked) whose skills
 * match the wish's words or grams (FTS5 over their skills), same building
 * first, then by bm25.
 *
 * Up to per_wish of each.  For each wish, out->wish gets the wish, then
 * out->item each item, out->volunteer each volunteer, then out->end (may
 * be NULL).  A non-zero return from a callback stops and is returned.
 *
 * Columns: wish: id, title, urgency, status, kind, category, author,
 * author_name, building, location, for_name, needed_by, created_ms;
 * item: id, title, kind, category, quantity, unit, location, author,
 * author_name, building, same_category, words, same_building, score;
 * volunteer: id, name, building, unit, skills, available, hours,
 * same_building.
 */
#define CRDT_MATCH_TERMS 8
#define CRDT_MATCH_GRAMS 16
#define CRDT_MATCH_POOL 60
struct crdt_match_out {
	crdt_row_fn wish;
	crdt_row_fn item;
	crdt_row_fn volunteer;
	int (*end)(void *ctx);
	void *ctx;
};
__attribute__((warn_unused_result)) int
crdt_match(struct crdt_store *s, const uint8_t *wish, int nwishes,
	   int per_wish, int64_t now, const struct crdt_match_out *out);

/* A member's time-bank totals, in quarter hours. */
struct crdt_hours {
	int64_t earned_q; /* helping others: equals `kith members` hours */
	int64_t given_q;  /* help received and confirmed */
};
__attribute__((warn_unused_result)) int
crdt_hours_totals(struct crdt_store *s, const uint8_t pk[32],
		  struct crdt_hours *out);

/*
 * A member's ledger: one row per confirmed wish that credited hours (> 0)
 * to or from them, oldest first.  Columns: wish (id), title, at_ms (the
 * wish's last change: its confirmation), direction ("earned" or "given"),
 * counterpart (id), counterpart_name, quarters (signed), hours (signed).
 */
__attribute__((warn_unused_result)) int
crdt_hours_ledger(struct crdt_store *s, const uint8_t pk[32], crdt_row_fn fn,
		  void *ctx);

/*
 * Loans not returned where pk is the borrower or the lender (the item's
 * owner, who recorded the loan), due before now + within_s (so overdue
 * ones too), soonest first.  Loans without a due date are not listed.
 * Columns: loan, item, title, role ("borrowed" or "lent"), counterpart,
 * counterpart_name, due (unix seconds), overdue (0/1).
 */
#define CRDT_LOANS_DUE_WITHIN (3 * 86400)
__attribute__((warn_unused_result)) int
crdt_loans_due(struct crdt_store *s, const uint8_t pk[32], int64_t now,
	       int64_t within_s, crdt_row_fn fn, void *ctx);

#endif
