/*
 * names.h - how a person is shown to people: by the name in their profile,
 * never by a key in hex.
 *
 * A key the replica knows no name for (a member who has not published a
 * profile, or one this replica has not heard of yet: a peer's identity
 * before the first sync) is shown by its short id (action_short_id), so
 * there is always something to show and to type back.
 */
#ifndef KITH_ACTION_NAMES_H
#define KITH_ACTION_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "action.h"

/*
 * The name of member pk (32 bytes) into out (cap bytes, cut on a
 * character boundary), or their short id when they have no name here.
 * Returns 1 when a name was found, 0 for the short id.  Never fails: a
 * replica that cannot be read also gives the short id.  The name is the
 * member's own text: sanitise it for the medium it is printed on.
 */
int action_member_name(struct action *a, const uint8_t pk[CRDT_PK_LEN],
		       char *out, size_t cap);

/* The same for a member key given as 64 hex characters (as rows of
 * crdt/query.h give them); out gets hex itself when it is not a key. */
int action_member_name_hex(struct action *a, const char *hex, char *out,
			   size_t cap);

#endif
