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
 *   - flags (CRDT_F_BOOL) are 0 or 1;
 *   - enumerations are in range: item kind, wish kind, urgency, role,
 *     check-in status;
 *   - quantities are 1 .. CRDT_MAX_QTY;
 *   - dates (until, needed_by, due) are 0 .. CRDT_MAX_DATE (unix seconds);
 *   - hours credited by one confirmation are 0 .. CRDT_MAX_HOURS_Q
 *     quarters, so no sum over a replica can overflow;
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

/* 1 if every value of op keeps the rules of its record type r, else 0. */
int crdt_rules_op_ok(const struct crdt_rschema *r, const struct crdt_op *op);

#endif
