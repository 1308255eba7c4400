/*
 * names.c - members shown by name (see names.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crdt/codec.h"
#include "crdt/err.h"
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

static int shared_row(void *ctx, const struct crdt_row *r)
{
	struct action *a = ctx;
	const struct crdt_col *c = crdt_row_get(r, "name");
	char **v;

	if (!c || c->type != CRDT_COL_TEXT || !c->s)
		return 0;
	v = realloc(a->shared, (a->nshared + 1) * sizeof *v);
	if (!v)
		return KITH_ENOMEM;
	a->shared = v;
	v[a->nshared] = strdup(c->s);
	if (!v[a->nshared])
		return KITH_ENOMEM;
	a->nshared++;
	return 0;
}

static int cmp_name(const void *x, const void *y)
{
	return strcasecmp(*(char *const *)x, *(char *const *)y);
}

/* 1 when name (a member's) names that member alone, as crdt_resolve takes
 * a name: case-insensitively, and not when it looks like an id prefix
 * (hex, 6 characters or more: crdt_resolve tries ids first).  The shared
 * names are read once per action, not once per row of a list. */
static int name_unique(struct action *a, const char *name)
{
	size_t n = strlen(name);
	const char *key = name;

	if (n >= 6 && strspn(name, "0123456789abcdefABCDEF") == n)
		return 0;
	if (!a->shared_loaded) {
		if (crdt_shared_names(a->r.store, shared_row, a)) {
			action_forget(a);
			return 0; /* cannot tell: show the short id too */
		}
		if (a->nshared) /* qsort and bsearch want a real array */
			qsort(a->shared, a->nshared, sizeof *a->shared,
			      cmp_name);
		a->shared_loaded = 1;
	}
	return !a->nshared || !bsearch(&key, a->shared, a->nshared,
				       sizeof *a->shared, cmp_name);
}

void action_person(struct action *a, const uint8_t pk[CRDT_PK_LEN],
		   struct action_person *p)
{
	uint8_t other[CRDT_PK_LEN];
	char sid[ACTION_SHORT_MAX];
	int unique = 0, simple;

	/* no memset of the whole struct: lists call this twice a row, and
	 * the buffers are large; every field is set below */
	memcpy(p->pk, pk, CRDT_PK_LEN);
	crdt_hex(p->hex, pk, CRDT_PK_LEN);
	/* one indexed lookup each (lists ask once per row) */
	if (!a->open ||
	    crdt_member_name(a->r.store, pk, p->name, sizeof p->name))
		p->name[0] = 0;
	cut_utf8(p->name, sizeof p->name);
	p->named = p->name[0] != 0;
	if (p->named)
		unique = name_unique(a, p->name);
	/* a unique name a shell takes as it is, or in double quotes */
	simple = unique && !strpbrk(p->name, "\t\n'\"\\$`!");
	if (simple) { /* the name says it all: no short id needed */
		snprintf(p->label, sizeof p->label, "%s", p->name);
		snprintf(p->handle, sizeof p->handle,
			 strchr(p->name, ' ') ? "\"%s\"" : "%s", p->name);
		return;
	}
	if (p->named || (a->open && crdt_resolve(a->r.store, CRDT_R_MEMBER,
						 p->hex, other) == 0))
		action_short_id(a, CRDT_R_MEMBER, p->hex, sid, sizeof sid);
	else
		/* not a member here (yet): no prefix would resolve; its
		 * first 8 characters, as git shows an abbreviated id */
		snprintf(sid, sizeof sid, "%.8s", p->hex);
	if (!p->named)
		snprintf(p->label, sizeof p->label, "%s", sid);
	else if (unique)
		snprintf(p->label, sizeof p->label, "%s", p->name);
	else
		/* TRANSLATORS: a member's name and short id, when another
		 * member has the same name */
		snprintf(p->label, sizeof p->label, _("%s (%s)"), p->name, sid);
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
