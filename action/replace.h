/*
 * replace.h - a member who lost the only device that held their key
 * (docs/DESIGN.md s5).
 *
 * A member whose other devices are gone removes a lost one themself
 * (action_device_remove).  When the lost device held the member key
 * itself and nothing else of theirs can sign, a coordinator replaces it:
 * the member makes a new identity on their new machine (`kith init`,
 * `kith whoami` shows its id) and the coordinator names it.  One fact
 * (crdt/facts.h: a replacement, ordered with roles and verifications)
 * then says, on every replica the same way:
 *   - the new key writes as the member from its first change on: their
 *     name, profile, posts, hours and roles stay theirs, and the member's
 *     own edits, device links and removals come from the new key now;
 *   - each key the member had (the lost one and every device linked to
 *     it) counts up to the changes this replica held when the
 *     coordinator replaced it, never after; a device the lost key links
 *     later counts for nothing (whoever holds the lost key can sign such
 *     links).  The member links their other devices again from the new
 *     key.
 * It counts when a coordinator signed it (a revoked coordinator's,
 * concurrent with the revocation, does not), and never for a key that is
 * the member itself or the new key of another replacement.
 *
 * A coordinator holds this power over every member: the replacement is
 * a fact everyone's replica keeps, and each member's page shows who
 * replaced their key and when.
 */
#ifndef KITH_ACTION_REPLACE_H
#define KITH_ACTION_REPLACE_H

#include <stddef.h>

#include "action.h"
#include "names.h"

struct action_replace {
	struct action_person who;	/* the member whose key was replaced */
	char key[2 * CRDT_PK_LEN + 1];	/* the new key (hex) */
	size_t cut;			/* their keys that stop here */
};

/*
 * Replace member's key (typed: a name or id prefix, action_resolve) with
 * new_key (typed: the full id `kith whoami` shows on the new machine,
 * 64 hex characters; spaces ignored).  Needs a coordinator acting as
 * themself, a community.  Refused, each with a->msg: KITH_EINVAL (new_key
 * is not an id), KITH_ENOTFOUND / KITH_EAMBIGUOUS (member), KITH_EDENIED
 * (not a coordinator; acting for someone), KITH_EEXISTS (new_key is the
 * member already, a key of theirs, or another member's or device's key
 * that has posted here: its posts would become theirs), a write error.
 */
__attribute__((warn_unused_result)) int
action_member_replace(struct action *a, const char *member,
		      const char *new_key, struct action_replace *out);

/* One replacement of a member's key, as their page shows it. */
struct action_replaced {
	struct action_person by;	/* the coordinator */
	char key[2 * CRDT_PK_LEN + 1];	/* the new key (hex) */
	int64_t when;			/* unix seconds (its stamp) */
};

/*
 * The replacements that count for member pk, oldest first: *v is
 * malloc'd (free it), *n of them (0: none).
 */
__attribute__((warn_unused_result)) int
action_member_replacements(struct action *a, const uint8_t pk[CRDT_PK_LEN],
			   struct action_replaced **v, size_t *n);

#endif
