/*
 * query_sql.h - SQL fragments shared by the read-side modules (query.c,
 * ops.c).  Internal to crdt/: not part of any public API.
 *
 * The status rules of docs/DESIGN.md s2 are written once, here, as string
 * macros over a table alias t and a bound parameter now (unix seconds), so
 * every query that needs "is this item available?" or "is this wish open?"
 * uses the very same expression as `kith item list` and `kith wish list`.
 *
 * Inner subqueries use the aliases c (claims), l (loans), m and m2
 * (moderation, members) and s (fact_seen); callers must not use those
 * for t.
 *
 * Each module prepares its statements from its own table (crdt/db.h).
 */
#ifndef KITH_QUERY_SQL_H
#define KITH_QUERY_SQL_H

#define HEX(x) "lower(hex(" x "))"

/* Posts expire (derived, never deleted): items 90 days after their last
 * edit or renewal, wishes 30 days after theirs (or at needed_by). */
#define ITEM_TTL "7776000"
#define WISH_TTL "2592000"
/* A stamp more than a day ahead of the viewer's clock gains nothing: the
 * post reads as last edited at the epoch (so expired), never as fresh for
 * years.  Only views use the viewer's clock; the replica never does. */
#define LAST_EDIT(t, now)                                                     \
	"(CASE WHEN (" t ".updated >> 16) / 1000 > " now " + 86400 THEN 0"   \
	" ELSE (" t ".updated >> 16) / 1000 END)"

/* Hidden while a hide by a current coordinator stands: no moderation
 * record of a current coordinator about the same post names it
 * (crdt/facts.h: ordered by naming, not by stamps). */
#define HIDDEN(t)                                                             \
	"EXISTS (SELECT 1 FROM moderation m WHERE m.target = " t ".id"       \
	" AND m.hidden AND m.author IN (SELECT member FROM temp.coord)"      \
	" AND NOT EXISTS (SELECT 1 FROM fact_seen s JOIN moderation m2"      \
	"  ON m2.id = s.fact WHERE s.hash = m.chash AND m2.target = m.target" \
	"  AND m2.author IN (SELECT member FROM temp.coord)))"
#define BLOCKED(t) "EXISTS (SELECT 1 FROM blocked b WHERE b.member = " t ".author)"

/* A claim c on target t (alias) is active. */
#define ACTIVE_CLAIM(t) "NOT c.cancelled AND c.author <> " t ".author"

/* withdrawn > expired > on_loan > requested > available */
#define ITEM_STATUS(t, now)                                                   \
	"CASE WHEN " t ".withdrawn THEN 'withdrawn'"                         \
	"  WHEN " t ".until IS NOT NULL AND " t ".until < " now              \
	" THEN 'expired'"                                                     \
	"  WHEN " LAST_EDIT(t, now) " + " ITEM_TTL " < " now " THEN 'expired'"    \
	"  WHEN EXISTS (SELECT 1 FROM loans l WHERE l.item = " t ".id"       \
	"   AND l.author = " t ".author AND NOT l.returned) THEN 'on_loan'"  \
	"  WHEN EXISTS (SELECT 1 FROM claims c WHERE c.target = " t ".id AND " \
	ACTIVE_CLAIM(t) " AND NOT c.delivered AND NOT EXISTS (SELECT 1 FROM" \
	"   loans l WHERE l.item = " t ".id AND l.author = " t ".author"     \
	"   AND (l.claim = c.id OR (l.claim IS NULL"                          \
	"   AND l.borrower = c.author AND l.created > c.created))))"          \
	"   THEN 'requested'"                                                 \
	"  ELSE 'available' END"

/* withdrawn > confirmed > expired > delivered > claimed > contested >
 * open */
#define WISH_STATUS(t, now)                                                   \
	"CASE WHEN " t ".withdrawn THEN 'withdrawn'"                         \
	"  WHEN " t ".confirmed THEN 'confirmed'"                            \
	"  WHEN " t ".needed_by IS NOT NULL AND " t ".needed_by < " now      \
	" THEN 'expired'"                                                     \
	"  WHEN " LAST_EDIT(t, now) " + " WISH_TTL " < " now " THEN 'expired'"    \
	"  WHEN EXISTS (SELECT 1 FROM claims c WHERE c.target = " t ".id AND " \
	ACTIVE_CLAIM(t) " AND c.delivered) THEN 'delivered'"                 \
	"  WHEN EXISTS (SELECT 1 FROM claims c WHERE c.id = " t              \
	".accepted_claim AND c.target = " t ".id AND " ACTIVE_CLAIM(t)       \
	") THEN 'claimed'"                                                    \
	"  WHEN (SELECT count(*) FROM claims c WHERE c.target = " t ".id AND " \
	ACTIVE_CLAIM(t) ") = 1 THEN 'claimed'"                               \
	"  WHEN (SELECT count(*) FROM claims c WHERE c.target = " t ".id AND " \
	ACTIVE_CLAIM(t) ") > 1 THEN 'contested'"                             \
	"  ELSE 'open' END"

/* Kind and urgency words (crdt_item_kinds, crdt_urgencies). */
#define ITEM_KIND(t)                                                          \
	"CASE " t ".kind WHEN 0 THEN 'give' WHEN 1 THEN 'lend'"              \
	" WHEN 2 THEN 'share' WHEN 3 THEN 'skill' WHEN 4 THEN 'service'"     \
	" WHEN 5 THEN 'space' WHEN 6 THEN 'resource' ELSE 'give' END"
#define URGENCY(t)                                                            \
	"CASE " t ".urgency WHEN 0 THEN 'critical' WHEN 1 THEN 'urgent'"     \
	" WHEN 3 THEN 'low' ELSE 'normal' END"

/* Credit counts only between members verified in person (crdt/facts.h;
 * this connection's temp.verified). */
#define VERIFIED(x) x " IN (SELECT member FROM temp.verified)"

/* Hours a member earned: confirmed wishes of others whose accepted claim
 * (not taken back) is the member's, in quarters, when both the member and
 * the wish's author are verified.  m is the member row. */
#define EARNED_Q(m)                                                           \
	"coalesce((SELECT sum(w.hours_q) FROM wishes w JOIN claims c"        \
	"  ON c.id = w.accepted_claim AND c.target = w.id AND NOT c.cancelled" \
	"  WHERE w.confirmed AND c.author = " m ".id AND w.author <> " m     \
	".id AND " VERIFIED("c.author") " AND " VERIFIED("w.author") "), 0)"

#endif
