/*
 * device.h - one person on several devices (docs/DESIGN.md s5).
 *
 * A member's own machine holds their member key.  Each other device of
 * theirs (a phone, the building's laptop, a new laptop) writes its own
 * log under a device key of its own, and every replica counts that key
 * as the member's: the device key's first change claims the member with
 * the member's certificate (crdt_rules_root_ok), so its posts, hours and
 * check-ins are the member's, and the member's edits of them (and the
 * device's of the member's) count, on apply, the same everywhere.
 *
 * Linking: `kith device add` on the member's own machine makes the new
 * device's key, writes its first change (the claim, signed by the new
 * key, certified by the member's) into the replica, and hands over a
 * link code (peer/keystore.h: "kithlink1...") holding that key, the
 * community and the hash of that first change.  `kith init --link CODE`
 * on the new device keeps the key, the member it belongs to
 * (DIR/member), the community and its head, so it never forks its own
 * log; it writes once it has synced (crdt/replica.h's head rule).  The
 * machine that made the code keeps no copy of the device's key.  The
 * code is a secret like an identity file: whoever holds it can write as
 * that device.
 *
 * A neighbour hosted on this machine who gets a device of their own is
 * handed over (action_member_handover): the link code then holds their
 * own key, the host keeps none, and every replica stops showing a host.
 */
#ifndef KITH_ACTION_DEVICE_H
#define KITH_ACTION_DEVICE_H

#include "action.h"
#include "names.h"

/* One key of a member, as action_device_list shows it. */
struct action_device {
	char key[2 * CRDT_PK_LEN + 1]; /* hex */
	int member;	/* the member's own key */
	int here;	/* the key of this machine */
	int64_t changes; /* its changes this replica holds */
	int64_t last;	/* unix seconds of its newest change, 0: none */
};

/*
 * Link a new device to our member: make its key, publish its claim, and
 * write its link code into code (cap >= PEER_LINK_MAX * 2).  key gets the
 * device key (hex).  Needs our member key (not a linked device: the code
 * must be made on the member's own machine), acting as ourselves, and a
 * community.  KITH_EDENIED, KITH_ENOCOMMUNITY or a write error, each with
 * a->msg.
 */
__attribute__((warn_unused_result)) int
action_device_add(struct action *a, char *code, size_t cap,
		  char key[2 * CRDT_PK_LEN + 1]);

/*
 * The keys of the member who acts: their own first, then each device
 * linked to them.  *v is malloc'd (free it), *n of them.
 */
__attribute__((warn_unused_result)) int
action_device_list(struct action *a, struct action_device **v, size_t *n);

/*
 * Remove a device of ours (typed: its key, or a prefix of at least 6 hex
 * characters, as action_device_list shows it): its changes up to the
 * ones this replica holds stay; every later one is ignored on every
 * replica, once this change reaches it.  Needs our member key (as
 * action_device_add).  removed gets its key (hex), *after its last seq
 * that counts.  KITH_ENOTFOUND (no device of ours), KITH_EAMBIGUOUS,
 * KITH_EDENIED (our member key itself, a linked device, acting for
 * someone), or a write error; each with a->msg.
 */
__attribute__((warn_unused_result)) int
action_device_remove(struct action *a, const char *typed,
		     char removed[2 * CRDT_PK_LEN + 1], uint64_t *after);

/*
 * Hand a neighbour this machine hosts over to a device of their own
 * (typed: as action_act_as reads it): publish, as them, that nobody
 * hosts them any more (F_MEMBER_HANDED), write the link code of their
 * own key into code (cap >= PEER_LINK_MAX * 2) and forget their key and
 * PIN here.  `kith init --link CODE` on their device then makes it their
 * member key.  who gets them.  Needs us acting as ourselves.
 * KITH_ENOTFOUND (nobody hosted here by that name), KITH_EDENIED, a
 * write error; each with a->msg.
 */
__attribute__((warn_unused_result)) int
action_member_handover(struct action *a, const char *typed, char *code,
		       size_t cap, struct action_person *who);

/*
 * Become the device of a link code, as typed (spaces, dashes, case
 * ignored), in a's data directory (opened without an identity, e.g.
 * ACTION_CREATE).  info gets the community.  KITH_EEXISTS (an identity or
 * a community is here already), KITH_ECHECKSUM (mistyped), KITH_EVERSION
 * (a newer kith made it), KITH_EDECODE (not a link code; an invite code
 * says to use `kith community join`), a write error; each with a->msg.
 */
__attribute__((warn_unused_result)) int
action_device_link(struct action *a, const char *code, char *community,
		   size_t cap);

#endif
