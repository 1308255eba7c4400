/*
 * rules.c - value rules of the apply path (see rules.h).
 */
#include <string.h>

#include "crypto.h"
#include "rules.h"

int crdt_utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		uint32_t cp;
		size_t k, len;

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0; /* continuation byte, overlong lead, > F4 */
		}
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

static int in(int64_t v, int64_t lo, int64_t hi)
{
	return v >= lo && v <= hi;
}

/* Range of an integer field; 1 when it has none. */
static int int_ok(unsigned rtype, unsigned field, int64_t v)
{
	switch (rtype) {
	case CRDT_R_ITEM:
		if (field == F_ITEM_KIND)
			return in(v, 0, CRDT_ITEM_KINDS - 1);
		if (field == F_ITEM_QUANTITY)
			return in(v, 1, CRDT_MAX_QTY);
		if (field == F_ITEM_UNTIL)
			return in(v, 0, CRDT_MAX_DATE);
		break;
	case CRDT_R_WISH:
		if (field == F_WISH_KIND)
			return in(v, 0, CRDT_WISH_KINDS - 1);
		if (field == F_WISH_URGENCY)
			return in(v, 0, CRDT_URGENCIES - 1);
		if (field == F_WISH_QUANTITY)
			return in(v, 1, CRDT_MAX_QTY);
		if (field == F_WISH_NEEDED_BY)
			return in(v, 0, CRDT_MAX_DATE);
		if (field == F_WISH_HOURS)
			return in(v, 0, CRDT_MAX_HOURS_Q);
		break;
	case CRDT_R_CLAIM:
		if (field == F_CLAIM_QUANTITY)
			return in(v, 1, CRDT_MAX_QTY);
		break;
	case CRDT_R_LOAN:
		if (field == F_LOAN_DUE)
			return in(v, 0, CRDT_MAX_DATE);
		break;
	case CRDT_R_ROLE:
		if (field == F_ROLE_ROLE)
			return in(v, 0, CRDT_ROLES - 1);
		break;
	case CRDT_R_CHECKIN:
		if (field == F_CHECKIN_STATUS)
			return in(v, 0, 1);
		break;
	}
	return 1;
}

static int val_ok(const struct crdt_rschema *r, const struct crdt_field *f,
		  const struct crdt_val *v)
{
	if (v->type != f->vtype)
		return 0;
	if (v->type == CRDT_V_INT) {
		if ((f->flags & CRDT_F_BOOL) && !in(v->i, 0, 1))
			return 0;
		return int_ok(r->rtype, f->id, v->i);
	}
	if (v->len > CRDT_MAX_TEXT)
		return 0;
	if (f->flags & CRDT_F_MEMBER)
		return v->len == CRDT_PK_LEN;
	if (f->flags & CRDT_F_RECORD)
		return v->len == CRDT_ID_LEN;
	if (f->flags & CRDT_F_SEEN)
		return v->len % CRDT_HASH_LEN == 0 &&
		       v->len / CRDT_HASH_LEN <= CRDT_SEEN_MAX;
	if (f->flags & CRDT_F_CUTS)
		return v->len % CRDT_CUT_LEN == 0 &&
		       v->len / CRDT_CUT_LEN <= CRDT_SEEN_MAX;
	if (f->flags & (CRDT_F_BLOB | CRDT_F_REF))
		return 1;
	return crdt_utf8_valid(v->p, v->len);
}

int crdt_rules_op_ok(const struct crdt_rschema *r, const struct crdt_op *op)
{
	uint32_t i;

	for (i = 0; i < op->nvals; i++) {
		const struct crdt_field *f =
			crdt_schema_field(r, op->vals[i].field);

		if (f && !val_ok(r, f, &op->vals[i]))
			return 0;
	}
	return 1;
}

void crdt_host_message(uint8_t out[CRDT_HOST_MSG_LEN], const uint8_t member[32])
{
	memcpy(out, "kith host 1", 11);
	memcpy(out + 11, member, 32);
}

int crdt_rules_host_ok(const struct crdt_change *c, const struct crdt_op *op)
{
	const struct crdt_val *host = NULL, *sig = NULL;
	uint8_t msg[CRDT_HOST_MSG_LEN];
	uint32_t i;

	for (i = 0; i < op->nvals; i++) {
		const struct crdt_val *v = &op->vals[i];

		if (v->field == F_MEMBER_HOST)
			host = v;
		else if (v->field == F_MEMBER_HOST_SIG)
			sig = v;
	}
	if (c->seq != 1 || !host || !sig || host->type != CRDT_V_BYTES ||
	    sig->type != CRDT_V_BYTES || host->len != CRDT_PK_LEN ||
	    sig->len != CRDT_SIG_LEN)
		return 0;
	/* public keys, compared for the rule, not for secrecy */
	if (!memcmp(host->p, c->author, CRDT_PK_LEN))
		return 0;
	crdt_host_message(msg, c->author);
	return crdt_verify(sig->p, msg, sizeof msg, host->p) == 0;
}

void crdt_device_message(uint8_t out[CRDT_DEVICE_MSG_LEN],
			 const uint8_t device[32])
{
	memcpy(out, "kith device 1", 13);
	memcpy(out + 13, device, 32);
}

int crdt_rules_root_ok(const struct crdt_change *c, const struct crdt_op *op,
		       const uint8_t **root)
{
	const struct crdt_val *m = NULL, *sig = NULL;
	uint8_t msg[CRDT_DEVICE_MSG_LEN];
	uint32_t i;

	for (i = 0; i < op->nvals; i++) {
		const struct crdt_val *v = &op->vals[i];

		if (v->field == F_MEMBER_ROOT)
			m = v;
		else if (v->field == F_MEMBER_ROOT_SIG)
			sig = v;
	}
	if (c->seq != 1 || !m || !sig || m->type != CRDT_V_BYTES ||
	    sig->type != CRDT_V_BYTES || m->len != CRDT_PK_LEN ||
	    sig->len != CRDT_SIG_LEN)
		return 0;
	/* public keys, compared for the rule, not for secrecy */
	if (!memcmp(m->p, c->author, CRDT_PK_LEN))
		return 0;
	crdt_device_message(msg, c->author);
	if (crdt_verify(sig->p, msg, sizeof msg, m->p))
		return 0;
	*root = m->p;
	return 1;
}
