#include <string.h>

#include "schema.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct crdt_field member_fields[] = {
	{ F_MEMBER_NAME, CRDT_V_BYTES, 0, "name" },
	{ F_MEMBER_BUILDING, CRDT_V_BYTES, 0, "building" },
	{ F_MEMBER_UNIT, CRDT_V_BYTES, 0, "unit" },
	{ F_MEMBER_SKILLS, CRDT_V_BYTES, 0, "skills" },
	{ F_MEMBER_LANGUAGES, CRDT_V_BYTES, 0, "languages" },
	{ F_MEMBER_HOUSEHOLD, CRDT_V_BYTES, 0, "household" },
	{ F_MEMBER_AVAILABLE, CRDT_V_BYTES, 0, "available" },
	{ F_MEMBER_PRIVATE, CRDT_V_BYTES, CRDT_F_BLOB, "private" },
	/* a hosted member's host: only in their first change, with the
	 * host's signature (crdt_rules_host_ok) */
	{ F_MEMBER_HOST, CRDT_V_BYTES, CRDT_F_REF | CRDT_F_MEMBER, "host" },
	{ F_MEMBER_HOST_SIG, CRDT_V_BYTES, CRDT_F_BLOB, "host_sig" },
	/* a device's claim of its member, in the device's first change,
	 * with the member's certificate (crdt_rules_root_ok): the view's
	 * keys table, not columns of members */
	{ F_MEMBER_ROOT, CRDT_V_BYTES, CRDT_F_REF | CRDT_F_MEMBER, "root" },
	{ F_MEMBER_ROOT_SIG, CRDT_V_BYTES, CRDT_F_BLOB, "root_sig" },
	/* a member removes one of their devices: its key, then the seq
	 * after which its changes count no more (u64, big-endian); the
	 * view's unlinked table, not a column */
	{ F_MEMBER_UNLINK, CRDT_V_BYTES, CRDT_F_BLOB, "unlink" },
	/* 1: a hosted member holds their own key now (kith member
	 * handover): from their own key, no host is shown from then on */
	{ F_MEMBER_HANDED, CRDT_V_INT, CRDT_F_BOOL, "handed" },
};

static const struct crdt_field item_fields[] = {
	{ F_ITEM_KIND, CRDT_V_INT, 0, "kind" },
	{ F_ITEM_TITLE, CRDT_V_BYTES, 0, "title" },
	{ F_ITEM_DESCRIPTION, CRDT_V_BYTES, 0, "description" },
	{ F_ITEM_CATEGORY, CRDT_V_BYTES, 0, "category" },
	{ F_ITEM_QUANTITY, CRDT_V_INT, 0, "quantity" },
	{ F_ITEM_UNIT, CRDT_V_BYTES, 0, "unit" },
	{ F_ITEM_CONDITION, CRDT_V_BYTES, 0, "condition" },
	{ F_ITEM_LOCATION, CRDT_V_BYTES, 0, "location" },
	{ F_ITEM_UNTIL, CRDT_V_INT, 0, "until" },
	{ F_ITEM_WITHDRAWN, CRDT_V_INT, CRDT_F_STICKY | CRDT_F_BOOL, "withdrawn" },
};

static const struct crdt_field wish_fields[] = {
	{ F_WISH_KIND, CRDT_V_INT, 0, "kind" },
	{ F_WISH_TITLE, CRDT_V_BYTES, 0, "title" },
	{ F_WISH_DESCRIPTION, CRDT_V_BYTES, 0, "description" },
	{ F_WISH_CATEGORY, CRDT_V_BYTES, 0, "category" },
	{ F_WISH_URGENCY, CRDT_V_INT, 0, "urgency" },
	{ F_WISH_QUANTITY, CRDT_V_INT, 0, "quantity" },
	{ F_WISH_NEEDED_BY, CRDT_V_INT, 0, "needed_by" },
	{ F_WISH_LOCATION, CRDT_V_BYTES, 0, "location" },
	{ F_WISH_FOR, CRDT_V_BYTES, 0, "on_behalf_of" },
	{ F_WISH_WITHDRAWN, CRDT_V_INT, CRDT_F_STICKY | CRDT_F_BOOL, "withdrawn" },
	{ F_WISH_ACCEPTED, CRDT_V_BYTES, CRDT_F_REF | CRDT_F_RECORD,
	  "accepted_claim" },
	{ F_WISH_CONFIRMED, CRDT_V_INT, CRDT_F_STICKY | CRDT_F_BOOL, "confirmed" },
	{ F_WISH_HOURS, CRDT_V_INT, 0, "hours_q" },
	{ F_WISH_PRIVATE, CRDT_V_BYTES, CRDT_F_BLOB, "private" },
};

static const struct crdt_field claim_fields[] = {
	{ F_CLAIM_TARGET, CRDT_V_BYTES, CRDT_F_REF | CRDT_F_RECORD, "target" },
	{ F_CLAIM_QUANTITY, CRDT_V_INT, 0, "quantity" },
	{ F_CLAIM_NOTE, CRDT_V_BYTES, 0, "note" },
	{ F_CLAIM_CANCELLED, CRDT_V_INT, CRDT_F_STICKY | CRDT_F_BOOL,
	  "cancelled" },
	{ F_CLAIM_DELIVERED, CRDT_V_INT, CRDT_F_STICKY | CRDT_F_BOOL,
	  "delivered" },
};

static const struct crdt_field loan_fields[] = {
	{ F_LOAN_ITEM, CRDT_V_BYTES, CRDT_F_REF | CRDT_F_RECORD, "item" },
	{ F_LOAN_BORROWER, CRDT_V_BYTES, CRDT_F_REF | CRDT_F_MEMBER, "borrower" },
	{ F_LOAN_DUE, CRDT_V_INT, 0, "due" },
	{ F_LOAN_RETURNED, CRDT_V_INT, CRDT_F_STICKY | CRDT_F_BOOL, "returned" },
	{ F_LOAN_CLAIM, CRDT_V_BYTES, CRDT_F_REF | CRDT_F_RECORD, "claim" },
};

static const struct crdt_field role_fields[] = {
	{ F_ROLE_MEMBER, CRDT_V_BYTES, CRDT_F_REF | CRDT_F_MEMBER, "member" },
	{ F_ROLE_ROLE, CRDT_V_INT, 0, "role" },
	{ F_ROLE_GRANT, CRDT_V_INT, CRDT_F_BOOL, "grant_" },
	{ F_ROLE_BUILDING, CRDT_V_BYTES, 0, "building" },
	{ F_ROLE_SEEN, CRDT_V_BYTES, CRDT_F_SEEN, "seen" },
};

static const struct crdt_field moderation_fields[] = {
	{ F_MOD_TARGET, CRDT_V_BYTES, CRDT_F_REF | CRDT_F_RECORD, "target" },
	{ F_MOD_REASON, CRDT_V_BYTES, 0, "reason" },
	{ F_MOD_HIDDEN, CRDT_V_INT, CRDT_F_BOOL, "hidden" },
	{ F_MOD_SEEN, CRDT_V_BYTES, CRDT_F_SEEN, "seen" },
};

static const struct crdt_field emergency_fields[] = {
	{ F_EMERGENCY_ACTIVE, CRDT_V_INT, CRDT_F_BOOL, "active" },
	{ F_EMERGENCY_REASON, CRDT_V_BYTES, 0, "reason" },
	{ F_EMERGENCY_SEEN, CRDT_V_BYTES, CRDT_F_SEEN, "seen" },
};

static const struct crdt_field checkin_fields[] = {
	{ F_CHECKIN_MEMBER, CRDT_V_BYTES, CRDT_F_REF | CRDT_F_MEMBER, "member" },
	{ F_CHECKIN_STATUS, CRDT_V_INT, 0, "status" },
	{ F_CHECKIN_NOTE, CRDT_V_BYTES, 0, "note" },
	{ F_CHECKIN_SEEN, CRDT_V_BYTES, CRDT_F_SEEN, "seen" },
};

static const struct crdt_field verify_fields[] = {
	{ F_VERIFY_MEMBER, CRDT_V_BYTES, CRDT_F_REF | CRDT_F_MEMBER, "member" },
	{ F_VERIFY_BUILDING, CRDT_V_BYTES, 0, "building" },
	{ F_VERIFY_UNIT, CRDT_V_BYTES, 0, "unit" },
	{ F_VERIFY_GRANT, CRDT_V_INT, CRDT_F_BOOL, "grant_" },
	{ F_VERIFY_SEEN, CRDT_V_BYTES, CRDT_F_SEEN, "seen" },
};

/* the member, their new key, and each key of theirs the coordinator's
 * replica held with the seq after which it counts no more */
static const struct crdt_field replace_fields[] = {
	{ F_REPLACE_MEMBER, CRDT_V_BYTES, CRDT_F_REF | CRDT_F_MEMBER, "member" },
	{ F_REPLACE_KEY, CRDT_V_BYTES, CRDT_F_REF | CRDT_F_MEMBER, "new_key" },
	{ F_REPLACE_CUTS, CRDT_V_BYTES, CRDT_F_CUTS, "cuts" },
	{ F_REPLACE_SEEN, CRDT_V_BYTES, CRDT_F_SEEN, "seen" },
};

static const struct crdt_field community_fields[] = {
	{ F_COMMUNITY_NAME, CRDT_V_BYTES, 0, "name" },
};

static const struct crdt_rschema schemas[] = {
	{ CRDT_R_MEMBER, "members", "member", member_fields,
	  ARRAY_SIZE(member_fields) },
	{ CRDT_R_ITEM, "items", "item", item_fields, ARRAY_SIZE(item_fields) },
	{ CRDT_R_WISH, "wishes", "wish", wish_fields, ARRAY_SIZE(wish_fields) },
	{ CRDT_R_CLAIM, "claims", "claim", claim_fields,
	  ARRAY_SIZE(claim_fields) },
	{ CRDT_R_LOAN, "loans", "loan", loan_fields, ARRAY_SIZE(loan_fields) },
	{ CRDT_R_ROLE, "role_facts", "role record", role_fields,
	  ARRAY_SIZE(role_fields) },
	{ CRDT_R_MODERATION, "moderation", "moderation record",
	  moderation_fields, ARRAY_SIZE(moderation_fields) },
	{ CRDT_R_EMERGENCY, "emergencies", "emergency record",
	  emergency_fields, ARRAY_SIZE(emergency_fields) },
	{ CRDT_R_CHECKIN, "checkins", "check-in", checkin_fields,
	  ARRAY_SIZE(checkin_fields) },
	{ CRDT_R_VERIFY, "verifications", "verification", verify_fields,
	  ARRAY_SIZE(verify_fields) },
	{ CRDT_R_COMMUNITY, "communities", "community", community_fields,
	  ARRAY_SIZE(community_fields) },
	{ CRDT_R_REPLACE, "replacements", "replacement", replace_fields,
	  ARRAY_SIZE(replace_fields) },
};

const struct crdt_rschema *crdt_schema(unsigned rtype)
{
	if (rtype < 1 || rtype > ARRAY_SIZE(schemas))
		return NULL;
	return &schemas[rtype - 1];
}

const struct crdt_field *crdt_schema_field(const struct crdt_rschema *s,
					   unsigned field)
{
	/* fields are numbered 1..n in order */
	if (!s || field < 1 || field > s->nfields)
		return NULL;
	return &s->fields[field - 1];
}

const char *const crdt_item_kinds[] = { "give",	   "lend",  "share",
					"skill",   "service", "space",
					"resource" };
const char *const crdt_wish_kinds[] = { "material", "service" };
const char *const crdt_urgencies[] = { "critical", "urgent", "normal", "low" };
const char *const crdt_roles[] = { "coordinator", "building-head" };
const char *const crdt_checkin_states[] = { "safe", "need-help" };

int crdt_enum_lookup(const char *const *words, int n, const char *word)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(words[i], word))
			return i;
	return -1;
}
