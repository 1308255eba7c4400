/*
 * community.h - starting a community, inviting neighbours, joining.
 *
 * A community is its key (DIR/community, 0600; peer/keystore.h) and its
 * genesis record: a change of its founder's log whose hash is the
 * community's id, so nobody but the founder could have written it
 * (crdt/community.h).  The founder is its first coordinator.
 *
 * Actions
 *   create   found a community named as typed (at most PEER_NAME_MAX
 *            bytes): sign the genesis record, save the key.  Needs an
 *            identity.  Refused when the name is empty or too long, or
 *            this data directory belongs to a community already.
 *   invite   the invite code of the community this data directory
 *            belongs to.  Any member may pass it on (holding the key is
 *            membership); no identity needed.  Refused when there is no
 *            community yet.
 *   join     save the community of an invite code.  Needs an identity.
 *            Refused when the code is not a kith code, is mistyped (its
 *            checksum), was made by a newer kith, or this data directory
 *            belongs to another community.  Joining the same community
 *            again changes nothing and is no error (*again says so).
 *
 * The invite code is a secret: anyone holding it reads and posts in the
 * community.  It comes back in a buffer of the caller's (at least
 * PEER_INVITE_MAX bytes), which the caller wipes (crdt_wipe) after
 * showing it; codes handed in are read, never kept.  The community key
 * itself never leaves this module: keys read here are wiped on every path.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_ACTION_COMMUNITY_H
#define KITH_ACTION_COMMUNITY_H

#include <stddef.h>

#include "action.h"

/* What a person is told about a community (no secrets). */
struct action_community {
	char name[PEER_NAME_MAX + 1];
	/* the first 16 hex characters of the community id, which 'kith
	 * digest' shows too, so neighbours can compare them; "" for a
	 * community made before ids (version 1) */
	char id[17];
};

/*
 * Found the community name: the genesis record, then the key file.  info
 * gets what to show, code (cap >= PEER_INVITE_MAX) the invite code.
 * KITH_EINVAL (name), KITH_EEXISTS (already in a community), or a write
 * error, each with a->msg.
 */
__attribute__((warn_unused_result)) int
action_community_create(struct action *a, const char *name,
			struct action_community *info, char *code, size_t cap);

/*
 * What to show of our community (its name and id), without the invite
 * code.  KITH_ENOCOMMUNITY with how to start or join one, or a read error.
 */
__attribute__((warn_unused_result)) int
action_community_about(struct action *a, struct action_community *info);

/*
 * The invite code of our community into code (cap >= PEER_INVITE_MAX).
 * KITH_ENOCOMMUNITY with how to start or join one, or a read error.
 */
__attribute__((warn_unused_result)) int
action_community_invite(struct action *a, struct action_community *info,
			char *code, size_t cap);

/*
 * Join the community of the invite code as typed (spaces, dashes and case
 * are ignored).  *again = 1 when it is the community we are in already
 * (nothing written).  KITH_ECHECKSUM (mistyped), KITH_EVERSION (a newer
 * kith made it), KITH_EDECODE (not a code), KITH_EEXISTS (another
 * community), or a write error, each with a->msg.
 */
__attribute__((warn_unused_result)) int
action_community_join(struct action *a, const char *code,
		      struct action_community *info, int *again);

/* code ("kith1...", or a link code "kithlink1...") with a space after
 * every four characters past its "kith1" (or "kithlink1"), for reading aloud and typing (the decoder skips spaces), into
 * out (cap >= 2 * strlen(code) + 1 is always enough; cut otherwise). */
void action_invite_grouped(const char *code, char *out, size_t cap);

#endif
