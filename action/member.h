/*
 * member.h - a person in kith: their identity, their profile, and the
 * members list everyone sees.
 *
 * Actions
 *   init     create the identity (an Ed25519 key, DIR/identity, 0600) in a
 *            data directory opened with ACTION_CREATE, and publish the
 *            first profile.  Anyone may; refused when the directory holds
 *            an identity already (it is never overwritten), or the profile
 *            is refused (below).  Not being in a community yet is the
 *            normal state here: init gives no "not joined" warning.
 *   profile  publish changes to the acting member's own profile (a member
 *            record has one writer: its member).  Needs an identity.
 *            Refused when nothing changes, the name is empty, a text is
 *            too long or not UTF-8, or the private part cannot be sealed
 *            (action/private.h: unknown reader, too many, too long).
 *
 * Read models
 *   whoami   the acting member as the replica has them, with the
 *            community they belong to and their own private part.
 *   list     every member this replica knows, by name: building, unit,
 *            skills, hours credited, whether verified in person, whether
 *            their identity was copied (forked), their roles.
 *   find     the members list as a page shows it: by building, then
 *            name; searched; one member; a window of it (offset, limit);
 *            with when they can help and the hours of help they received.
 *
 * Texts are taken as the person typed them (UTF-8, at most CRDT_MAX_TEXT
 * bytes each); members named as private readers are names or id prefixes
 * as typed (action_resolve).  Every rule here is enforced again on apply
 * (crdt/rules.h): only a member writes their own record.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_ACTION_MEMBER_H
#define KITH_ACTION_MEMBER_H

#include <stdint.h>

#include "action.h"
#include "private.h"

/* Profile fields as given; NULL leaves a field as it is, "" clears it
 * (but a name cannot be cleared). */
struct action_profile {
	const char *name;
	const char *building;
	const char *unit;
	const char *skills;
	const char *available; /* when one can help: "evenings, weekends" */
};

/* The SELF op of p into op (its values point into p; more may be added
 * before crdt_op_finish); 0 or KITH_EINVAL with a->msg.  For this layer
 * (action/hosted.c). */
__attribute__((warn_unused_result)) int
action_profile_op(struct action *a, const struct action_profile *p,
		  struct crdt_op *op);

/*
 * Create the identity in a's data directory (a opened without one, e.g.
 * ACTION_CREATE) and publish p, which must carry a name.  id gets the new
 * member's key.  KITH_EINVAL (no name, bad text), KITH_EEXISTS (an
 * identity is there already) or a write error, each with a->msg.
 */
__attribute__((warn_unused_result)) int
action_member_init(struct action *a, const struct action_profile *p,
		   uint8_t id[CRDT_PK_LEN]);

/*
 * Publish the changes in p and, when priv->text is not NULL, the private
 * part (sealed to us, the coordinators and priv->to; "" removes it).
 * priv may be NULL.  Needs an identity.  KITH_EINVAL when there is
 * nothing to change or a value is refused, else what sealing or
 * committing said.
 */
__attribute__((warn_unused_result)) int
action_member_profile(struct action *a, const struct action_profile *p,
		      const struct action_private *priv);

/* The acting member (action_member_whoami). */
struct action_me {
	char id[2 * CRDT_PK_LEN + 1]; /* full hex */
	char name[CRDT_MAX_TEXT + 1];
	char building[CRDT_MAX_TEXT + 1];
	char unit[CRDT_MAX_TEXT + 1];
	char skills[CRDT_MAX_TEXT + 1];
	char available[CRDT_MAX_TEXT + 1];   /* when one can help */
	double hours;			     /* credited */
	int verified;			     /* verified in person */
	int joined;			     /* a community key is here */
	char community[PEER_NAME_MAX + 1];   /* its name, when joined */
	struct action_private_view priv;     /* our own private part */
};

/*
 * Fill me with the acting member (needs an identity).  KITH_ENOTFOUND
 * when the replica holds no profile of ours ("run 'kith profile --name
 * NAME'").  Call action_member_me_wipe afterwards, on every path.
 */
__attribute__((warn_unused_result)) int
action_member_whoami(struct action *a, struct action_me *me);
void action_member_me_wipe(struct action_me *me);

/* One row of the members list. */
struct action_member {
	/* the replica's row: id, name, building, unit, skills, hours,
	 * forked - what machine output prints, column for column */
	const struct crdt_row *row;
	const char *id;				/* full hex */
	char short_id[2 * CRDT_PK_LEN + 1];	/* action_short_id */
	const char *name;			/* "" when none given */
	const char *shown; /* how to call them: name, else short_id */
	const char *building, *unit, *skills;
	double hours;  /* credited by confirmations */
	int verified;  /* verified in person by a coordinator or head */
	int forked;    /* two devices wrote as this identity */
	int coordinator; /* holds the coordinator role now */
	int head;	 /* heads a building now (building head) */
	/* offers skills or time, as action_needs_volunteers counts them
	 * (action_member_list sees the skills only) */
	int volunteer;
	/* a neighbour without a device: their host's name ("" when not
	 * hosted, action/hosted.h) */
	const char *host_name;
	/* action_member_find only ("" and 0 in action_member_list): */
	const char *available; /* when they can help */
	double received;       /* hours of help they received, confirmed */
};

/* Return non-zero to stop (that value is returned). */
typedef int (*action_member_fn)(void *ctx, const struct action_member *m);

/*
 * Hand every member this replica knows to fn, sorted by name (then id).
 * No identity needed.  0, fn's non-zero value, or a read error with
 * a->msg.
 */
__attribute__((warn_unused_result)) int
action_member_list(struct action *a, action_member_fn fn, void *ctx);

/* Which members action_member_find hands over. */
struct action_member_filter {
	/* words as typed (NULL or "": everyone); every word must occur in
	 * the name, building, unit, skills or available (letters A-Z in
	 * any case) */
	const char *search;
	/* one member as typed (a name or id prefix, action_resolve), or
	 * NULL */
	const char *member;
	size_t offset; /* skip this many of those found */
	size_t limit;  /* hand at most this many; 0: all */
};

/*
 * The members f selects, sorted by building (case-insensitive; members
 * without a building last), then name, then id, to fn - the window
 * [offset, offset + limit) of them, found and ordered by the replica
 * (crdt_query_members_page): a page costs its rows and the offset
 * skipped, not every member.  m->row is NULL here and the fields are
 * valid during the call only (fn runs while the replica's statement
 * does: it must not call action_member_find itself); m->available and
 * m->received are filled.
 * *total (may be NULL) gets how many were found in all.  No identity
 * needed.  Refused:
 * a search too long or not UTF-8 (KITH_EINVAL), an unknown or ambiguous
 * member (action_resolve's refusal).  0, fn's non-zero value, or the
 * refusal with a->msg.
 */
__attribute__((warn_unused_result)) int
action_member_find(struct action *a, const struct action_member_filter *f,
		   action_member_fn fn, void *ctx, size_t *total);

#endif
