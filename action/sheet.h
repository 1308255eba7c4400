/*
 * sheet.h - what goes on paper: the notice sheet for the hallway (`kith
 * print`: open wishes, what neighbours offer and the check-in list, one
 * page per building, the whole neighbourhood last) and the committee's
 * tables (`kith report`: items, wishes, claims, check-ins, hours).
 *
 * The read models only; how they are laid out (HTML, CSV) is the
 * interface's business.  What is printed is what any member's lists show:
 * sealed private parts and check-in notes (often about someone's health)
 * never reach paper that hangs in a hallway (crdt/report.h chooses the
 * columns).  Anyone holding the replica may print.
 *
 * Everything of one sheet or report is read in one snapshot:
 * action_sheet_begin ... action_sheet_end (or action_report_begin ...
 * action_report_end), so the pages agree with each other even while a
 * daemon writes.  Rows reach crdt_row_fn callbacks with the columns of
 * crdt/report.h.  Buildings are given as typed; NULL means every one.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_ACTION_SHEET_H
#define KITH_ACTION_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "action.h"
#include "crdt/report.h"

/* Someone to ask: a coordinator or a building head with a profile name. */
struct action_sheet_contact {
	uint8_t member[CRDT_PK_LEN];
	char name[128];
	char building[128]; /* a head: the building they head */
	char unit[64];
	int role; /* CRDT_ROLE_COORDINATOR or CRDT_ROLE_BUILDING_HEAD */
};

struct action_sheet {
	char community[PEER_NAME_MAX + 1]; /* its name; "" when it has none */
	struct action_sheet_contact *contacts; /* owned; action_sheet_end */
	size_t ncontacts;
	int emergency;	  /* emergency mode is on */
	int64_t since_ms; /* ...since then */
	const char *reason; /* ...and why ("" when not said); a->roles owns */
	int sections;	    /* sections handed out so far */
};

/*
 * Read the community's name and its contacts (members without a profile
 * name are left out: nobody to name), and open the snapshot as of a->now.
 * On failure nothing is left to end.
 */
__attribute__((warn_unused_result)) int
action_sheet_begin(struct action *a, struct action_sheet *sh);
/* The same for one section's sheet only (building as typed; "" the
 * whole neighbourhood; NULL every section): only that section's posts are
 * read, so it takes a moment on a town of thousands where the whole
 * took seconds.  Then action_sheet_sections with that building (or
 * action_sheet_whole for ""). */
__attribute__((warn_unused_result)) int
action_sheet_begin_section(struct action *a, struct action_sheet *sh,
			   const char *building);
/* Close the snapshot, free the contacts. */
void action_sheet_end(struct action *a, struct action_sheet *sh);

/*
 * The sections of the sheet: one row (column building) per building with
 * members or posts, then "" for the whole neighbourhood; with building,
 * only that one.  An empty replica still gets one (empty) section "".
 * Refused: a building nobody lives in or posts from (KITH_ENOTFOUND).
 * sh->sections counts the sections handed out.
 */
__attribute__((warn_unused_result)) int
action_sheet_sections(struct action *a, struct action_sheet *sh,
		      const char *building, crdt_row_fn fn, void *ctx);

/* The whole neighbourhood's section alone (building ""), as
 * action_sheet_sections hands it: what a sheet of it prints. */
__attribute__((warn_unused_result)) int
action_sheet_whole(struct action *a, struct action_sheet *sh, crdt_row_fn fn,
		   void *ctx);

/* The buildings (columns building, members: how many live there), by
 * name, without a snapshot: an index of the sheet's sections. */
__attribute__((warn_unused_result)) int
action_sheet_buildings(struct action *a, crdt_row_fn fn, void *ctx);

/*
 * Who to ask, on the section of building ("" the whole neighbourhood):
 * the heads of that building (case-insensitive) first, then the
 * coordinators, each person once (a coordinator who heads the building is
 * named as its head).  fn gets each as a translated phrase ("Ann Lee
 * (building head, unit 4)", "Bo (coordinator, Oak 3)"); returns how many.
 * action_sheet_ask_tail(n) is the sentence that follows them: how to
 * take part without a computer.  Both for kith print and /coord/sheet.
 */
size_t action_sheet_ask(const struct action_sheet *sh, const char *building,
			void (*fn)(void *ctx, const char *who), void *ctx);
const char *action_sheet_ask_tail(size_t n);

/* The open wishes, offered items and check-in list of one section
 * ("" = the whole neighbourhood).  The check-in list shows each
 * household's status since the emergency started when one is on, else
 * their latest check-in. */
__attribute__((warn_unused_result)) int
action_sheet_wishes(struct action *a, const char *building, crdt_row_fn fn,
		    void *ctx);
__attribute__((warn_unused_result)) int
action_sheet_items(struct action *a, const char *building, crdt_row_fn fn,
		   void *ctx);
__attribute__((warn_unused_result)) int
action_sheet_roll(struct action *a, const char *building, crdt_row_fn fn,
		  void *ctx);

/* The report's tables (crdt_report_tables names them): a snapshot, then
 * each table as a header row and its rows. */
__attribute__((warn_unused_result)) int action_report_begin(struct action *a);
void action_report_end(struct action *a);
__attribute__((warn_unused_result)) int
action_report_table(struct action *a, enum crdt_report_table t,
		    crdt_row_fn header, crdt_row_fn fn, void *ctx);

/*
 * One table as RFC 4180 CSV in memory (*buf malloc'd, the caller frees
 * it; *len its bytes; *rows the data rows, may be NULL), inside
 * action_report_begin ... _end: the bytes `kith report --csv` writes and
 * the web app sends.  The header row holds the English column names;
 * lines end in CRLF; numbers are written as numbers (hours as 1.5, 0.25,
 * 2).  A committee opens these files in a spreadsheet, which runs a cell
 * that starts with = + - @ (or a tab or carriage return before one) as a
 * formula: =HYPERLINK(...) leaks data, =cmd|... runs programs.  So any
 * text cell starting so is written quoted with a leading apostrophe,
 * which the spreadsheet shows as plain text (OWASP, "CSV Injection"); a
 * negative number stays a number.  0 or an error with a->msg (*buf is
 * then NULL).
 */
__attribute__((warn_unused_result)) int
action_report_csv(struct action *a, enum crdt_report_table t, char **buf,
		  size_t *len, long *rows);

/* The same with a limit (max bytes, 0: none) for a server's memory: the
 * rows stop as soon as the text passes max, and the table is refused
 * (KITH_ETOOBIG, a sentence that says how to get it otherwise); memory
 * used stays within about max. */
__attribute__((warn_unused_result)) int
action_report_csv_max(struct action *a, enum crdt_report_table t, size_t max,
		      char **buf, size_t *len, long *rows);

/* The table named name (crdt_report_tables: "items", ...), or -1. */
int action_report_lookup(const char *name);

#endif
