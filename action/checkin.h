/*
 * checkin.h - check-ins and the roll call: "we are safe" or "we need
 * help", said by a household itself or by a neighbour for them, and the
 * list a coordinator or building head walks through in an emergency.
 *
 * Anyone may check in for themselves or for another member (a neighbour
 * knocked on their door).  A report stands until a later report about
 * the same member that names it (crdt/community.h): a member's own
 * report is superseded only by their own later report or a
 * coordinator's, so a neighbour's "safe" never hides someone's own "need
 * help".  While emergency mode is on, the roll call counts only reports
 * since it started; otherwise it shows each member's latest.
 *
 * Conventions as in action/coord.h: members as typed (a name or an id
 * prefix), KITH_EINVAL for a missing or malformed argument (interfaces
 * show it as a usage error), a refused check-in writes nothing.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_ACTION_CHECKIN_H
#define KITH_ACTION_CHECKIN_H

#include <stdint.h>

#include "action.h"
#include "coord.h"
#include "crdt/query.h"

/* What a roll call row says; the first two are CRDT_CHECKIN_*. */
enum {
	ACTION_CHECKIN_SAFE = 0,
	ACTION_CHECKIN_NEED_HELP = 1,
	ACTION_CHECKIN_UNKNOWN = 2, /* not heard from */
};

/*
 * Check in with status (ACTION_CHECKIN_SAFE or _NEED_HELP; else EINVAL)
 * for member (as typed; NULL: yourself), with an optional note (NULL or
 * ""; EINVAL when too long).  Needs the identity.  Refusals: EINVAL, an
 * unknown member (action_resolve's message).  who gets the member.
 */
__attribute__((warn_unused_result)) int
action_checkin(struct action *a, int status, const char *member,
	       const char *note, struct action_person *who);

/* One member in the roll call. */
struct action_checkin_row {
	const struct crdt_row *row; /* the row as crdt_checkins has it
				       (machine output keeps its columns) */
	struct action_person who;
	const char *building;	   /* "" when none */
	const char *unit;	   /* "" when none */
	int status;		   /* ACTION_CHECKIN_* */
	const char *word;	   /* "safe", "need-help", "unknown" (English) */
	int64_t at_ms;		   /* when the report shown was made; 0 none */
	struct action_person by;   /* who made it (valid when at_ms) */
	const char *note;	   /* "" when none */
};
typedef int (*action_checkin_fn)(void *ctx,
				 const struct action_checkin_row *r);

/*
 * The roll call: every member (of building, case-insensitive, or all when
 * NULL), sorted by building, unit and name, to fn (non-zero stops and is
 * returned).  Rows of one building come together.  0 or an error with
 * a->msg.
 */
__attribute__((warn_unused_result)) int
action_checkin_roll(struct action *a, const char *building,
		    action_checkin_fn fn, void *ctx);

#endif
