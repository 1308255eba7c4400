/*
 * report.h - read-only views of the replica for paper and for the
 * committee: the printed notice sheet (`kith print`, one section per
 * building) and the CSV tables (`kith report --csv`).
 *
 * Status words and hours stay derived in one place, query.c: a report
 * first runs the crdt_query_* lists once and notes each record's derived
 * status (and each member's earned hours) in a temp table of this
 * connection, temp.report_derived; the SQL here only joins, groups, sorts
 * and resolves names.  crdt_report_begin() takes one read snapshot
 * (crdt_store_begin_read, a deferred transaction: the temp table is this
 * connection's own, so no write lock on the replica is ever taken) and
 * crdt_report_end() releases it, so every section of one sheet and every
 * file of one report describe the same state.  The statements are
 * report.c's own table (crdt/db.h), prepared on first use.
 *
 * Buildings are grouped case-insensitively by the building in the author's
 * (or member's) profile.  A building of "" names the section of the whole
 * neighbourhood: authors and members without a building, and authors with
 * no profile at all.
 *
 * Nothing here reads a sealed private part (members.private,
 * wishes.private): they never reach paper or a CSV file.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_REPORT_H
#define KITH_REPORT_H

#include <stdint.h>

#include "query.h"
#include "store.h"

/* Open a read snapshot and derive statuses as of now (unix seconds). */
__attribute__((warn_unused_result)) int
crdt_report_begin(struct crdt_store *s, int64_t now);
/* The same for the sheet of one section only (building as typed, any
 * case; "" the whole neighbourhood's; NULL everything, as above): only
 * the posts of that section's authors are derived, so the sheet's
 * statements alone are meaningful in it (not the committee's tables). */
__attribute__((warn_unused_result)) int
crdt_report_begin_section(struct crdt_store *s, int64_t now,
			  const char *building);
/* End the snapshot (safe to call after a failed begin). */
void crdt_report_end(struct crdt_store *s);

/*
 * The sheet's sections, in print order: one row per building (columns
 * "building": its most common spelling, "members": how many), by name; then the whole neighbourhood (building "") when it has members or
 * something open.  only != NULL keeps that one building (no case).
 */
__attribute__((warn_unused_result)) int
crdt_report_sections(struct crdt_store *s, const char *only, crdt_row_fn fn,
		     void *ctx);
/* The buildings alone (the rows of crdt_report_sections but the
 * neighbourhood's), no snapshot needed: an index of the sheet. */
__attribute__((warn_unused_result)) int
crdt_report_buildings(struct crdt_store *s, crdt_row_fn fn, void *ctx);

/*
 * Open wishes of a section, not hidden or blocked: critical first, then
 * the soonest needed_by, then the oldest.  Columns: id, title, urgency,
 * kind, category, quantity, needed_by (unix s or NULL), location,
 * for_name, description, author_name, author_unit.
 */
__attribute__((warn_unused_result)) int
crdt_report_wishes(struct crdt_store *s, const char *building, crdt_row_fn fn,
		   void *ctx);

/*
 * Available items of a section, not hidden or blocked: resources first,
 * then by kind and title.  Columns: id, title, kind, category, quantity,
 * unit, condition, location, until, author_name, author_unit.
 */
__attribute__((warn_unused_result)) int
crdt_report_items(struct crdt_store *s, const char *building, crdt_row_fn fn,
		  void *ctx);

/*
 * Roll call of a section: crdt_checkins() of that building (or of the
 * members without one), latest check-in at or after since_ms; sorted by
 * unit in natural order ("2" before "10", no unit last), then name.
 */
__attribute__((warn_unused_result)) int
crdt_report_roll(struct crdt_store *s, const char *building, int64_t since_ms,
		 crdt_row_fn fn, void *ctx);

/*
 * The committee's tables.  Each row has ids as lowercase hex, names from
 * member profiles, and times as ISO 8601 local time with its UTC offset
 * (TEXT, "2026-03-01T14:20:00+01:00"; dates such as needed_by are the end
 * of that day).
 *   items     every item, with status, owner, borrower
 *   wishes    every wish, with status, author, the accepted helper, hours
 *   claims    every claim on a wish or item, with status and claimant
 *   checkins  every check-in, oldest first, with member and reporter
 *   hours     every member: hours earned (as query.h derives them) and
 *             hours given (credited by their own confirmations to others)
 */
enum crdt_report_table {
	CRDT_REPORT_ITEMS,
	CRDT_REPORT_WISHES,
	CRDT_REPORT_CLAIMS,
	CRDT_REPORT_CHECKINS,
	CRDT_REPORT_HOURS,
	CRDT_REPORT_NTABLES
};
extern const char *const crdt_report_tables[]; /* "items", ... */

/*
 * header (may be NULL) gets one row of column names (types CRDT_COL_NULL)
 * before any data row, even when there is none; then fn gets each row.
 */
__attribute__((warn_unused_result)) int
crdt_report_table(struct crdt_store *s, enum crdt_report_table t,
		  crdt_row_fn header, crdt_row_fn fn, void *ctx);

#endif
