/*
 * hosted.h - neighbours without a device, hosted on this machine
 * (docs/DESIGN.md s5).
 *
 * A host (any member) creates a member for a neighbour who has no device:
 * a new identity, whose key this machine keeps encrypted under the host's
 * own (peer/hosted.h), and whose first change publishes their profile
 * with the host's signature (crdt_rules_host_ok: every replica then shows
 * who hosts them, and nobody can name a host who did not sign).  Acting
 * as them (kith --as, the web app's chooser) makes their changes theirs:
 * their wishes, check-ins and hours are theirs, never the host's, and
 * each post shows who entered it (crdt/query.h: entered_by).
 *
 * One struct action acts as one person at a time: action_act_as swaps
 * the acting identity (a->r.id) for the hosted member's, loaded for that
 * moment, and keeps the host's own in a->self; action_act_self swaps
 * back and releases the member's key.
 */
#ifndef KITH_ACTION_HOSTED_H
#define KITH_ACTION_HOSTED_H

#include "action.h"
#include "member.h"
#include "names.h"

/*
 * Host a neighbour: p must carry a name (building and unit as they live).
 * Needs our own identity, not acting as someone else.  who gets the new
 * member.  KITH_EINVAL (no name, bad text), KITH_EDENIED (acting as
 * another), a write error; each with a->msg.
 */
__attribute__((warn_unused_result)) int
action_member_host(struct action *a, const struct action_profile *p,
		   struct action_person *who);

/*
 * Act as the hosted member named by typed (a name, or an id prefix of at
 * least 6 hex characters) among those this machine hosts; a opened with
 * ACTION_IDENTITY.  who gets them.  KITH_ENOTFOUND (nobody hosted here by
 * that name: the message says how to see who is), KITH_EAMBIGUOUS,
 * KITH_ECRYPT (their key does not open with ours), each with a->msg.
 */
__attribute__((warn_unused_result)) int
action_act_as(struct action *a, const char *typed, struct action_person *who);
/* The same for a key known to be hosted here (the web app's chooser). */
__attribute__((warn_unused_result)) int
action_act_as_pk(struct action *a, const uint8_t pk[CRDT_PK_LEN]);
/* Act as ourselves again (nothing when we already do). */
void action_act_self(struct action *a);
/* Whether a acts for a hosted member now. */
int action_acting_as(const struct action *a);

/* 1 when typed names exactly one member hosted here (as action_act_as
 * reads it), no other member has that name, and we act as ourselves: pk
 * gets them; else 0, and no message (a warning when hosted/ cannot be
 * read).  Posting or checking in "for" them then acts as them
 * (action_wish_add, action_checkin), so the wish, the check-in and the
 * hours are theirs. */
int action_hosted_named(struct action *a, const char *typed,
			uint8_t pk[CRDT_PK_LEN]);

/* The members hosted here whom typed names, as action_act_as reads it
 * (a name, or an id prefix of 6+ hex characters), without loading a key
 * or a profile: *found gets how many (0, 1, or 2 for "more than one"),
 * pk the first.  0, or an error reading them (no message). */
__attribute__((warn_unused_result)) int
action_hosted_match(struct action *a, const char *typed,
		    uint8_t pk[CRDT_PK_LEN], size_t *found);

/* Whether pk is hosted on this machine (its key is here). */
int action_hosts(const struct action *a, const uint8_t pk[CRDT_PK_LEN]);

/* One member hosted here, for lists. */
struct action_hosted {
	struct action_person person;
	char building[ACTION_NAME_MAX];
	char unit[ACTION_NAME_MAX];
};
typedef int (*action_hosted_fn)(void *ctx, const struct action_hosted *h);
/* Every member hosted here, by name; fn's non-zero return stops and is
 * returned.  A key file whose profile this replica does not hold yet is
 * listed by its short id. */
__attribute__((warn_unused_result)) int
action_hosted_list(struct action *a, action_hosted_fn fn, void *ctx);

#endif
