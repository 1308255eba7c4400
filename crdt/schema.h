/*
 * schema.h - the record types of the data model (docs/DESIGN.md s2) and
 * their fields, shared by the change codec, the materializer and queries.
 *
 * Field ids are part of the signed wire format: never renumber, only add.
 * A field's value is either an integer or a byte string (text or a record
 * reference); the type travels in the encoded tag, so replicas of an older
 * version keep changes with fields they do not know in the log and ignore
 * those fields when materializing.
 */
#ifndef KITH_SCHEMA_H
#define KITH_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

enum crdt_rtype {
	CRDT_R_MEMBER = 1,
	CRDT_R_ITEM = 2,
	CRDT_R_WISH = 3,
	CRDT_R_CLAIM = 4,
	CRDT_R_LOAN = 5,
	CRDT_R_ROLE = 6,       /* a coordinator grants or revokes a role */
	CRDT_R_MODERATION = 7, /* a coordinator hides or shows a post */
	CRDT_R_EMERGENCY = 8,  /* a coordinator starts or ends emergency mode */
	CRDT_R_CHECKIN = 9,    /* a household says safe / needs help */
	CRDT_R_VERIFY = 10,    /* a coordinator or building head vouches
				* for a member met in person */
	CRDT_R_COMMUNITY = 11, /* genesis: the creator founds the community;
				* the hash of its change names it */
	CRDT_R_REPLACE = 12,   /* a coordinator replaces the key of a member
				* who lost it (crdt/facts.h) */
};
#define CRDT_R_MAX 12
/* Record types from CRDT_R_ROLE on are facts: created once, never edited,
 * ordered by what their signer had seen (crdt/facts.h). */
#define CRDT_R_FIRST_FACT CRDT_R_ROLE

enum crdt_vtype { CRDT_V_INT = 0, CRDT_V_BYTES = 1 };

enum crdt_field_flags {
	CRDT_F_STICKY = 1, /* terminal fact: once non-zero it stays (max) */
	CRDT_F_REF = 2,	   /* a record id (16 bytes) or member key (32) */
	CRDT_F_BLOB = 4,   /* opaque bytes (sealed private parts) */
	CRDT_F_SEEN = 8,   /* hashes (32 bytes each) of the changes holding
			    * the facts its signer had seen (crdt/facts.h) */
	CRDT_F_MEMBER = 16, /* a member key: exactly 32 bytes */
	CRDT_F_RECORD = 32, /* a record id: exactly 16 bytes */
	CRDT_F_BOOL = 64,   /* 0 or 1 */
	CRDT_F_CUTS = 128,  /* keys and where they stop: entries of a key (32
			     * bytes) and a seq (u64, big-endian), at most
			     * CRDT_SEEN_MAX of them */
};
#define CRDT_CUT_LEN 40

enum { F_MEMBER_NAME = 1, F_MEMBER_BUILDING, F_MEMBER_UNIT, F_MEMBER_SKILLS,
       F_MEMBER_LANGUAGES, F_MEMBER_HOUSEHOLD, F_MEMBER_AVAILABLE,
       F_MEMBER_PRIVATE, F_MEMBER_HOST, F_MEMBER_HOST_SIG, F_MEMBER_ROOT,
       F_MEMBER_ROOT_SIG, F_MEMBER_UNLINK, F_MEMBER_HANDED };
enum { F_ITEM_KIND = 1, F_ITEM_TITLE, F_ITEM_DESCRIPTION, F_ITEM_CATEGORY,
       F_ITEM_QUANTITY, F_ITEM_UNIT, F_ITEM_CONDITION, F_ITEM_LOCATION,
       F_ITEM_UNTIL, F_ITEM_WITHDRAWN };
enum { F_WISH_KIND = 1, F_WISH_TITLE, F_WISH_DESCRIPTION, F_WISH_CATEGORY,
       F_WISH_URGENCY, F_WISH_QUANTITY, F_WISH_NEEDED_BY, F_WISH_LOCATION,
       F_WISH_FOR, F_WISH_WITHDRAWN, F_WISH_ACCEPTED, F_WISH_CONFIRMED,
       F_WISH_HOURS, F_WISH_PRIVATE };
enum { F_CLAIM_TARGET = 1, F_CLAIM_QUANTITY, F_CLAIM_NOTE, F_CLAIM_CANCELLED,
       F_CLAIM_DELIVERED };
enum { F_LOAN_ITEM = 1, F_LOAN_BORROWER, F_LOAN_DUE, F_LOAN_RETURNED,
       F_LOAN_CLAIM };
enum { F_ROLE_MEMBER = 1, F_ROLE_ROLE, F_ROLE_GRANT, F_ROLE_BUILDING,
       F_ROLE_SEEN };
enum { F_MOD_TARGET = 1, F_MOD_REASON, F_MOD_HIDDEN, F_MOD_SEEN };
enum { F_EMERGENCY_ACTIVE = 1, F_EMERGENCY_REASON, F_EMERGENCY_SEEN };
enum { F_CHECKIN_MEMBER = 1, F_CHECKIN_STATUS, F_CHECKIN_NOTE,
       F_CHECKIN_SEEN };
enum { F_COMMUNITY_NAME = 1 };
enum { F_VERIFY_MEMBER = 1, F_VERIFY_BUILDING, F_VERIFY_UNIT, F_VERIFY_GRANT,
       F_VERIFY_SEEN };
enum { F_REPLACE_MEMBER = 1, F_REPLACE_KEY, F_REPLACE_CUTS, F_REPLACE_SEEN };

/* roles and check-in states, stored as small integers */
enum { CRDT_ROLE_COORDINATOR = 0, CRDT_ROLE_BUILDING_HEAD = 1 };
#define CRDT_ROLES 2
extern const char *const crdt_roles[];	   /* "coordinator", "building-head" */
enum { CRDT_CHECKIN_SAFE = 0, CRDT_CHECKIN_NEED_HELP = 1 };
extern const char *const crdt_checkin_states[]; /* "safe", "need-help" */

struct crdt_field {
	uint8_t id;
	uint8_t vtype;
	uint8_t flags;
	const char *column; /* materialized column and CLI/JSON name */
};

struct crdt_rschema {
	uint8_t rtype;
	const char *table;
	const char *name; /* "item", "wish", ... */
	const struct crdt_field *fields;
	size_t nfields;
};

/* NULL for an unknown record type. */
const struct crdt_rschema *crdt_schema(unsigned rtype);
/* NULL for an unknown field of that type. */
const struct crdt_field *crdt_schema_field(const struct crdt_rschema *s,
					   unsigned field);

/* Enumerations stored as small integers. */
extern const char *const crdt_item_kinds[];  /* index 0..6 */
extern const char *const crdt_wish_kinds[];  /* index 0..1 */
extern const char *const crdt_urgencies[];   /* 0 critical .. 3 low */
#define CRDT_ITEM_KINDS 7
#define CRDT_WISH_KINDS 2
#define CRDT_URGENCIES 4
#define CRDT_URGENCY_NORMAL 2
/* Index of word in a NULL-free table of n words, or -1. */
int crdt_enum_lookup(const char *const *words, int n, const char *word);

#endif
