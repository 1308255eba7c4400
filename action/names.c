/*
 * names.c - members shown by name (see names.h).
 */
#include <stdio.h>
#include <string.h>

#include "crdt/codec.h"
#include "crdt/schema.h"
#include "i18n.h"
#include "names.h"

/* Cut s (cap bytes) back to a whole UTF-8 sequence. */
static void cut_utf8(char *s, size_t cap)
{
	size_t n = strlen(s), i;

	if (n + 1 < cap || !n)
		return;
	/* the last sequence may be cut: drop it when it is incomplete */
	i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i > 0 && (unsigned char)s[i - 1] >= 0xc0) {
		unsigned char lead = (unsigned char)s[i - 1];
		size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;

		if (n - (i - 1) < want)
			s[i - 1] = 0;
	}
}

static int name_row(void *ctx, const struct crdt_row *r)
{
	const struct crdt_col *c = crdt_row_get(r, "name");
	struct action_person *p = ctx;

	if (c && c->type == CRDT_COL_TEXT && c->s)
		snprintf(p->name, sizeof p->name, "%s", c->s);
	return 0;
}

void action_person(struct action *a, const uint8_t pk[CRDT_PK_LEN],
		   struct action_person *p)
{
	uint8_t other[CRDT_PK_LEN];
	char sid[ACTION_SHORT_MAX];
	int unique = 0;

	memset(p, 0, sizeof *p);
	memcpy(p->pk, pk, CRDT_PK_LEN);
	crdt_hex(p->hex, pk, CRDT_PK_LEN);
	if (!a->open || crdt_query_members(a->r.store, pk, name_row, p))
		p->name[0] = 0;
	cut_utf8(p->name, sizeof p->name);
	p->named = p->name[0] != 0;
	if (p->named) {
		unique = crdt_resolve(a->r.store, CRDT_R_MEMBER, p->name,
				      other) == 0 &&
			 crdt_equal(other, pk, CRDT_PK_LEN);
		action_short_id(a, CRDT_R_MEMBER, p->hex, sid, sizeof sid);
	} else if (a->open && crdt_resolve(a->r.store, CRDT_R_MEMBER, p->hex,
					   other) == 0) {
		action_short_id(a, CRDT_R_MEMBER, p->hex, sid, sizeof sid);
	} else {
		/* not a member here (yet): no prefix would resolve; its
		 * first 8 characters, as git shows an abbreviated id */
		snprintf(sid, sizeof sid, "%.8s", p->hex);
	}
	if (!p->named)
		snprintf(p->label, sizeof p->label, "%s", sid);
	else if (unique)
		snprintf(p->label, sizeof p->label, "%s", p->name);
	else
		/* TRANSLATORS: a member's name and short id, when another
		 * member has the same name */
		snprintf(p->label, sizeof p->label, _("%s (%s)"), p->name, sid);
	if (unique && !strpbrk(p->name, " \t\n'\"\\$`"))
		snprintf(p->handle, sizeof p->handle, "%s", p->name);
	else
		snprintf(p->handle, sizeof p->handle, "%s", sid);
}

void action_person_hex(struct action *a, const char *hex,
		       struct action_person *p)
{
	uint8_t pk[CRDT_PK_LEN];

	if (hex && strlen(hex) == 2 * CRDT_PK_LEN &&
	    crdt_unhex(pk, CRDT_PK_LEN, hex) == 0) {
		action_person(a, pk, p);
		return;
	}
	memset(p, 0, sizeof *p);
	snprintf(p->label, sizeof p->label, "%s", hex ? hex : "");
	snprintf(p->handle, sizeof p->handle, "%s", p->label);
}
