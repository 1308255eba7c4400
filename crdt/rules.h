/*
 * rules.h - what a value in a change may be, decided on apply the same way
 * on every replica for changes from any carrier (local commit, bundle,
 * session).  A member holds the community key and can sign anything with
 * their own key, so the interfaces' checks are for people; these are the
 * ones that hold.
 *
 * An op that breaks a rule stays in the author's log (the hash chain stays
 * whole and the next change still applies) and is ignored by the view, as
 * edits of someone else's record are.  The decision reads only the op
 * itself: never the receiver's clock, never local settings.
 *
 * Rules on values (per field, from crdt/schema.h):
 *   - text is valid UTF-8 (no overlong forms, no surrogates, nothing above
 *     U+10FFFF) without NUL, at most CRDT_MAX_TEXT bytes;
 *   - a member reference is 32 bytes, a record reference 16;
 *   - seen lists (CRDT_F_SEEN) are a whole number of 32-byte hashes, at
 *     most CRDT_SEEN_MAX of them;
 *   - a replacement's cut list (CRDT_F_CUTS) is a whole number of 40-byte
 *     entries (a key and a seq), at most CRDT_SEEN_MAX of them;
 *   - flags (CRDT_F_BOOL) are 0 or 1;
 *   - enumerations are in range: item kind, wish kind, urgency, role,
 *     check-in status;
 *   - quantities are 1 .. CRDT_MAX_QTY;
 *   - dates (until, needed_by, due) are 0 .. CRDT_MAX_DATE (unix seconds);
 *   - hours credited by one confirmation are 0 .. CRDT_MAX_HOURS_Q
 *     quarters, so no sum over a replica can overflow;
 *   - a member's host (F_MEMBER_HOST, F_MEMBER_HOST_SIG) counts only in
 *     the member's first change (seq 1), both fields together, with the
 *     host's signature over crdt_host_message of the member and never the
 *     member as their own host (crdt_rules_host_ok); otherwise the two
 *     fields are not shown and the rest of the profile is (a host that is
 *     not 32 bytes breaks the member-key rule below: the whole op is not
 *     shown), so a member cannot name a host who did not sign, and the
 *     host never changes;
 *   - a device key belongs to a member only by its own first change, with
 *     the member's certificate (crdt_rules_root_ok); its records are then
 *     the member's, and whoever else's a key claims to be, nothing follows;
 *   - a value of the wrong type for a known field breaks the rule;
 *     unknown fields and record types (from a newer kith) are ignored, not
 *     refused.
 *
 * Design: docs/DESIGN.md s5.
 */
#ifndef KITH_RULES_H
#define KITH_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "change.h"
#include "schema.h"

#define CRDT_MAX_QTY 1000000000
#define CRDT_MAX_DATE 253402300799LL /* 9999-12-31T23:59:59Z */
#define CRDT_MAX_HOURS 100	     /* one confirmation credits at most */
#define CRDT_MAX_HOURS_Q (CRDT_MAX_HOURS * 4)
#define CRDT_SEEN_MAX 64

/* 1 if s[0..n) is valid UTF-8 without NUL, else 0. */
int crdt_utf8_valid(const uint8_t *s, size_t n);

/* What a host signs to host member (docs/DESIGN.md s5): "kith host 1"
 * and the member's key. */
#define CRDT_HOST_MSG_LEN (11 + 32)
void crdt_host_message(uint8_t out[CRDT_HOST_MSG_LEN], const uint8_t member[32]);
/* 1 if the member op op of change c names a host as the rule above says
 * (c->author is the member), else 0 (no host fields, or not kept). */
int crdt_rules_host_ok(const struct crdt_change *c, const struct crdt_op *op);

/* What a member signs to link a device key (docs/DESIGN.md s5): "kith
 * device 1" and the device's key. */
#define CRDT_DEVICE_MSG_LEN (13 + 32)
void crdt_device_message(uint8_t out[CRDT_DEVICE_MSG_LEN],
			 const uint8_t device[32]);
/* 1 if the member op op of change c claims a member for c's key as the
 * rule says: in the key's first change (seq 1), both F_MEMBER_ROOT and
 * F_MEMBER_ROOT_SIG, the member's signature over crdt_device_message of
 * the key, the member not the key itself; *root then points at the
 * member's key (in op).  Else 0: the key is its own member. */
int crdt_rules_root_ok(const struct crdt_change *c, const struct crdt_op *op,
		       const uint8_t **root);

/* 1 if every value of op keeps the rules of its record type r, else 0. */
int crdt_rules_op_ok(const struct crdt_rschema *r, const struct crdt_op *op);

#endif
