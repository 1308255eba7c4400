/*
 * private.h - private parts of wishes and profiles: sealing a text to its
 * readers, re-sealing when a wish's author accepts a helper, and opening
 * a private part for the person looking (crdt/seal.h has the envelope).
 *
 * Who can read a private part: its author, every member who is a
 * coordinator when it is sealed, each member named in to[] and, for a
 * wish, its accepted helper (added when the author accepts an offer).
 * A new text goes to exactly these readers; the earlier text stays
 * readable to its own readers (the log keeps every version).  Accepting an
 * offer re-seals the same text to its readers so far plus the helper (they
 * hold the old envelope anyway, so nobody is dropped).  Confirming a wish
 * with one unaccepted offer accepts it implicitly but does not re-seal: by
 * then the help has been given.
 *
 * An empty text removes the private part from now on (the caller stores an
 * empty value).
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_ACTION_PRIVATE_H
#define KITH_ACTION_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "action.h"
#include "crdt/seal.h"

/* What a person asked for: the text and the members (names or id
 * prefixes, as typed) who may read it besides the defaults. */
struct action_private {
	const char *text; /* NULL: unchanged; "": remove */
	const char *to[CRDT_SEAL_MAX_RECIPIENTS];
	int nto;
};

/*
 * Seal p->text (non-empty) from us to ourselves, the current coordinators,
 * the p->to members and helper (a member key, or NULL) into out
 * (CRDT_SEAL_MAX bytes), *len its size.  Needs an identity.  0 or an error
 * with a->msg (unknown member, too long, too many readers).
 */
__attribute__((warn_unused_result)) int
action_private_seal(struct action *a, const struct action_private *p,
		    const uint8_t *helper, uint8_t *out, size_t *len);

/*
 * Re-seal the private part of our own record (CRDT_R_WISH id, or
 * CRDT_R_MEMBER) to its readers so far, the current coordinators and add
 * (a member key) into out (CRDT_SEAL_MAX bytes).  *len = 0 when the record
 * has no private part.  Earlier readers this replica does not know keep
 * only the earlier version (a warning says so).  0 or an error.
 */
__attribute__((warn_unused_result)) int
action_private_reseal(struct action *a, int rtype, const uint8_t *id,
		      const uint8_t add[CRDT_PK_LEN], uint8_t *out,
		      size_t *len);

/* A private part as the person looking sees it. */
enum { ACTION_PRIV_NONE, ACTION_PRIV_OPEN, ACTION_PRIV_SEALED };
struct action_private_view {
	int state;
	size_t readers; /* recipients of the envelope */
	int why;	/* SEALED: KITH_EDENIED, or why it did not open */
	char text[CRDT_SEAL_MAX + 1];
};

/*
 * Read the private part of record (rtype, id) written by author and open it
 * with our identity if we have one (loaded here, quietly, when the action
 * was opened without).  Call action_private_view_wipe afterwards.  0 or an
 * error reading the replica.
 */
__attribute__((warn_unused_result)) int
action_private_read(struct action *a, int rtype, const uint8_t *id,
		    const uint8_t author[CRDT_PK_LEN],
		    struct action_private_view *v);
void action_private_view_wipe(struct action_private_view *v);

#endif
