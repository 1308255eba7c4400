/*
 * names.c - members shown by name (see names.h).
 */
#include <stdio.h>
#include <string.h>

#include "crdt/codec.h"
#include "crdt/schema.h"
#include "names.h"

struct name_ctx {
	char *out;
	size_t cap;
	int found;
};

static int name_row(void *ctx, const struct crdt_row *r)
{
	struct name_ctx *n = ctx;
	const struct crdt_col *c = crdt_row_get(r, "name");

	if (c && c->s && *c->s) {
		snprintf(n->out, n->cap, "%s", c->s);
		n->found = 1;
	}
	return 0;
}

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

int action_member_name(struct action *a, const uint8_t pk[CRDT_PK_LEN],
		       char *out, size_t cap)
{
	struct name_ctx n = { out, cap, 0 };
	char hex[2 * CRDT_PK_LEN + 1];
	uint8_t id[CRDT_PK_LEN];

	if (!cap)
		return 0;
	out[0] = 0;
	if (a->open && crdt_query_members(a->r.store, pk, name_row, &n) == 0 &&
	    n.found) {
		cut_utf8(out, cap);
		return 1;
	}
	crdt_hex(hex, pk, CRDT_PK_LEN);
	/* a key this replica does not know resolves at no length: then its
	 * first 8 characters, as git shows an abbreviated id */
	if (a->open && crdt_resolve(a->r.store, CRDT_R_MEMBER, hex, id) == 0)
		action_short_id(a, CRDT_R_MEMBER, hex, out, cap);
	else
		snprintf(out, cap, "%.8s", hex);
	return 0;
}

int action_member_name_hex(struct action *a, const char *hex, char *out,
			   size_t cap)
{
	uint8_t pk[CRDT_PK_LEN];

	if (hex && strlen(hex) == 2 * CRDT_PK_LEN &&
	    crdt_unhex(pk, CRDT_PK_LEN, hex) == 0)
		return action_member_name(a, pk, out, cap);
	snprintf(out, cap, "%s", hex ? hex : "");
	return 0;
}
