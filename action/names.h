/*
 * names.h - how a person is shown to people: by the name in their profile,
 * never by a key in hex.  This is the one way every part of kith names a
 * member (lists, results of actions, refusals); interfaces print
 * action_person's label and never build one themselves.
 *
 * A key the replica knows no name for (a member who has not published a
 * profile, or one this replica has not heard of yet: a peer's identity
 * before the first sync) is shown by its short id (action_short_id), so
 * there is always something to show and to type back.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_ACTION_NAMES_H
#define KITH_ACTION_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "action.h"

/* A member's name as given (CRDT_MAX_TEXT bytes at most, crdt/rules.h). */
#define ACTION_NAME_MAX (CRDT_MAX_TEXT + 1)
/* A short id (action_short_id). */
#define ACTION_SHORT_MAX (2 * CRDT_PK_LEN + 1)
/* "Name (3fa2c1)". */
#define ACTION_PERSON_MAX (ACTION_NAME_MAX + ACTION_SHORT_MAX + 3)

/* A member as people see them.  Copied: nothing to free. */
struct action_person {
	uint8_t pk[CRDT_PK_LEN];
	char hex[2 * CRDT_PK_LEN + 1]; /* full key, for --json */
	int named;		       /* their profile here gives a name */
	char name[ACTION_NAME_MAX];    /* that name, "" if none */
	/* How to show them: their name; "Ben (3fa2c1)" when another member
	 * has the same name; their short id when they have no name (the
	 * first 8 hex characters for a key this replica does not know: no
	 * prefix of it would resolve). */
	char label[ACTION_PERSON_MAX];
	/* What to type to name them in a command: their name when it is
	 * unique ("Ben", or "\"Ben Okafor\"" in double quotes when it has
	 * spaces), else their short id (also for names with characters a
	 * shell would take apart: quotes, $, `, \, !). */
	char handle[ACTION_PERSON_MAX];
};

/*
 * Fill p for member pk (32 bytes).  Never fails: a member this replica
 * does not know, or a replica that cannot be read, gives the short id.
 * The name is the member's own text: sanitise label and name for the
 * medium they are printed on.
 */
void action_person(struct action *a, const uint8_t pk[CRDT_PK_LEN],
		   struct action_person *p);

/* The same for a member key given as 64 hex characters (as rows of
 * crdt/query.h give them).  Text that is not a key is shown as it is
 * (label and handle; pk zero, named 0). */
void action_person_hex(struct action *a, const char *hex,
		       struct action_person *p);

#endif
