/*
 * sheet.c - the notice sheet's and the report's read models (see
 * sheet.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crdt/err.h"
#include "crdt/schema.h"
#include "i18n.h"
#include "sheet.h"

static void copy_col(char *out, size_t cap, const struct crdt_row *r,
		     const char *name)
{
	const struct crdt_col *c = crdt_row_get(r, name);

	snprintf(out, cap, "%s", c && c->s ? c->s : "");
}

static int contact_row(void *ctx, const struct crdt_row *r)
{
	struct action_sheet_contact *k = ctx;

	copy_col(k->name, sizeof k->name, r, "name");
	copy_col(k->building, sizeof k->building, r, "building");
	copy_col(k->unit, sizeof k->unit, r, "unit");
	return 0;
}

/* Coordinators and building heads, with their homes. */
static int load_contacts(struct action *a, struct action_sheet *sh)
{
	struct crdt_roles *ro = &a->roles;
	size_t i;
	int rc;

	if (!ro->n)
		return 0;
	sh->contacts = calloc(ro->n, sizeof *sh->contacts);
	if (!sh->contacts)
		return action_fail_rc(a, KITH_ENOMEM, _("cannot print"));
	for (i = 0; i < ro->n; i++) {
		struct action_sheet_contact *k = &sh->contacts[sh->ncontacts];

		memset(k, 0, sizeof *k);
		rc = crdt_query_members(a->r.store, ro->v[i].member,
					contact_row, k);
		if (rc)
			return action_fail_rc(a, rc, _("cannot print"));
		if (!k->name[0])
			continue; /* no profile: nobody to name */
		k->role = ro->v[i].role;
		if (k->role == CRDT_ROLE_BUILDING_HEAD)
			snprintf(k->building, sizeof k->building, "%s",
				 ro->v[i].building); /* the one they head */
		memcpy(k->member, ro->v[i].member, CRDT_PK_LEN);
		sh->ncontacts++;
	}
	return 0;
}

int action_sheet_begin(struct action *a, struct action_sheet *sh)
{
	return action_sheet_begin_section(a, sh, NULL);
}

int action_sheet_begin_section(struct action *a, struct action_sheet *sh,
			       const char *building)
{
	struct peer_community com;
	int rc;

	memset(sh, 0, sizeof *sh);
	if (peer_community_load(a->home, &com) == 0) {
		snprintf(sh->community, sizeof sh->community, "%s", com.name);
		peer_community_wipe(&com);
	}
	sh->emergency = a->roles.emergency;
	sh->since_ms = a->roles.since_ms;
	sh->reason = a->roles.reason;
	rc = load_contacts(a, sh);
	if (!rc) {
		rc = crdt_report_begin_section(a->r.store, a->now, building);
		if (rc)
			rc = action_fail_rc(a, rc, _("cannot print"));
	}
	if (rc) {
		free(sh->contacts);
		sh->contacts = NULL;
		sh->ncontacts = 0;
	}
	return rc;
}

void action_sheet_end(struct action *a, struct action_sheet *sh)
{
	crdt_report_end(a->r.store);
	free(sh->contacts);
	sh->contacts = NULL;
	sh->ncontacts = 0;
}

struct sections_ctx {
	struct action_sheet *sh;
	crdt_row_fn fn;
	void *ctx;
};

static int section_row(void *ctx, const struct crdt_row *r)
{
	struct sections_ctx *s = ctx;

	s->sh->sections++;
	return s->fn(s->ctx, r);
}

int action_sheet_sections(struct action *a, struct action_sheet *sh,
			  const char *building, crdt_row_fn fn, void *ctx)
{
	struct sections_ctx s = { sh, fn, ctx };
	int rc;

	if (building && !*building)
		return action_fail(a, KITH_EINVAL,
				   _("the building name cannot be empty"));
	a->msg[0] = 0; /* a section's own failure leaves its message */
	rc = crdt_report_sections(a->r.store, building, section_row, &s);
	if (!rc && !sh->sections && !building) {
		/* nobody and nothing yet: one empty page rather than none */
		struct crdt_row empty = { 1, { { "building", CRDT_COL_TEXT, 0,
						 0, "" } } };

		rc = section_row(&s, &empty);
	}
	if (rc) {
		if (!a->msg[0])
			action_fail_rc(a, rc, _("cannot print"));
		return rc;
	}
	if (!sh->sections)
		return action_fail(a, KITH_ENOTFOUND,
				   _("no building '%s' (see 'kith members')"),
				   building);
	return 0;
}

int action_sheet_whole(struct action *a, struct action_sheet *sh,
		       crdt_row_fn fn, void *ctx)
{
	struct sections_ctx s = { sh, fn, ctx };
	struct crdt_row whole = { 1, { { "building", CRDT_COL_TEXT, 0, 0,
					 "" } } };

	a->msg[0] = 0;
	return section_row(&s, &whole);
}

int action_sheet_buildings(struct action *a, crdt_row_fn fn, void *ctx)
{
	int rc = crdt_report_buildings(a->r.store, fn, ctx);

	if (rc < 0)
		return action_fail_rc(a, rc, _("cannot print"));
	return rc;
}

/* ---- who to ask --------------------------------------------------------- */

static int heads_here(const struct action_sheet_contact *k,
		      const char *building)
{
	return k->role == CRDT_ROLE_BUILDING_HEAD && *building &&
	       !strcasecmp(k->building, building);
}

static void ask_one(const struct action_sheet_contact *k, int head,
		    void (*fn)(void *ctx, const char *who), void *ctx)
{
	char who[512];

	if (head && *k->unit)
		snprintf(who, sizeof who,
			 _("%s (building head, unit\xc2\xa0%s)"), k->name,
			 k->unit);
	else if (head)
		snprintf(who, sizeof who, _("%s (building head)"), k->name);
	else if (*k->building && *k->unit)
		/* TRANSLATORS: name, building, unit */
		snprintf(who, sizeof who,
			 _("%s (coordinator, %s unit\xc2\xa0%s)"), k->name,
			 k->building, k->unit);
	else if (*k->building)
		snprintf(who, sizeof who, _("%s (coordinator, %s)"), k->name,
			 k->building);
	else if (*k->unit)
		snprintf(who, sizeof who, _("%s (coordinator, unit\xc2\xa0%s)"),
			 k->name, k->unit);
	else
		snprintf(who, sizeof who, _("%s (coordinator)"), k->name);
	fn(ctx, who);
}

size_t action_sheet_ask(const struct action_sheet *sh, const char *building,
			void (*fn)(void *ctx, const char *who), void *ctx)
{
	size_t i, j, n = 0;

	if (!building)
		building = "";
	for (i = 0; i < sh->ncontacts; i++)
		if (heads_here(&sh->contacts[i], building)) {
			ask_one(&sh->contacts[i], 1, fn, ctx);
			n++;
		}
	for (i = 0; i < sh->ncontacts; i++) {
		const struct action_sheet_contact *k = &sh->contacts[i];

		if (k->role != CRDT_ROLE_COORDINATOR)
			continue;
		for (j = 0; j < sh->ncontacts; j++)
			if (heads_here(&sh->contacts[j], building) &&
			    !memcmp(sh->contacts[j].member, k->member,
				    CRDT_PK_LEN))
				break;
		if (j == sh->ncontacts) {
			ask_one(k, 0, fn, ctx);
			n++;
		}
	}
	return n;
}

const char *action_sheet_ask_tail(size_t n)
{
	return n ? _(". No computer? They or a neighbour can post a wish or "
		     "check you in for you.")
		 : _("No computer? A neighbour can post a wish or check you "
		     "in for you.");
}

int action_sheet_wishes(struct action *a, const char *building,
			crdt_row_fn fn, void *ctx)
{
	int rc = crdt_report_wishes(a->r.store, building, fn, ctx);

	if (rc)
		return action_fail_rc(a, rc, _("cannot print"));
	return 0;
}

int action_sheet_items(struct action *a, const char *building, crdt_row_fn fn,
		       void *ctx)
{
	int rc = crdt_report_items(a->r.store, building, fn, ctx);

	if (rc)
		return action_fail_rc(a, rc, _("cannot print"));
	return 0;
}

int action_sheet_roll(struct action *a, const char *building, crdt_row_fn fn,
		      void *ctx)
{
	int rc = crdt_report_roll(a->r.store, building,
				  a->roles.emergency ? a->roles.since_ms : 0,
				  fn, ctx);

	if (rc)
		return action_fail_rc(a, rc, _("cannot print"));
	return 0;
}

int action_report_begin(struct action *a)
{
	int rc = crdt_report_begin(a->r.store, a->now);

	if (rc)
		return action_fail_rc(a, rc, _("cannot read the replica"));
	return 0;
}

void action_report_end(struct action *a)
{
	crdt_report_end(a->r.store);
}

int action_report_table(struct action *a, enum crdt_report_table t,
			crdt_row_fn header, crdt_row_fn fn, void *ctx)
{
	int rc;

	if ((int)t < 0 || t >= CRDT_REPORT_NTABLES)
		return action_fail(a, KITH_EINVAL, _("no such table"));
	rc = crdt_report_table(a->r.store, t, header, fn, ctx);
	if (rc)
		return action_fail_rc(a, rc, _("cannot read the replica"));
	return 0;
}

/* ---- CSV (RFC 4180) ------------------------------------------------------- */

struct csv {
	FILE *f;
	long rows;
	size_t max; /* stop past this many bytes; 0: no limit */
	int over;   /* ...and it was passed */
};

/* One cell (see sheet.h: formulas neutralised in text cells). */
static void csv_field(FILE *f, const char *s, int text)
{
	int formula = text && *s && strchr("=+-@\t\r", *s);

	if (!formula && !strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_line(FILE *f, const struct crdt_row *r, int names)
{
	char num[64];
	int i;

	for (i = 0; i < r->n; i++) {
		const struct crdt_col *c = &r->c[i];

		if (i)
			fputc(',', f);
		if (names) {
			csv_field(f, c->name, 0);
			continue;
		}
		switch (c->type) {
		case CRDT_COL_INT:
			fprintf(f, "%lld", (long long)c->i);
			break;
		case CRDT_COL_REAL: {
			/* hours are quarters: 1.5, 0.25, 2 */
			char *e;

			snprintf(num, sizeof num, "%.2f", c->d);
			e = num + strlen(num) - 1;
			while (*e == '0')
				*e-- = 0;
			if (*e == '.')
				*e = 0;
			fputs(num, f);
			break;
		}
		case CRDT_COL_TEXT:
		case CRDT_COL_JSON:
			csv_field(f, c->s ? c->s : "", 1);
			break;
		case CRDT_COL_NULL:
			break;
		}
	}
	fputs("\r\n", f);
}

static int csv_header(void *ctx, const struct crdt_row *r)
{
	csv_line(((struct csv *)ctx)->f, r, 1);
	return 0;
}

static int csv_row(void *ctx, const struct crdt_row *r)
{
	struct csv *w = ctx;

	long at;

	csv_line(w->f, r, 0);
	w->rows++;
	if (w->max && ((at = ftell(w->f)) < 0 || (size_t)at > w->max)) {
		w->over = 1;
		return KITH_ETOOBIG; /* stop reading: nothing more is kept */
	}
	return 0;
}

int action_report_csv(struct action *a, enum crdt_report_table t, char **buf,
		      size_t *len, long *rows)
{
	return action_report_csv_max(a, t, 0, buf, len, rows);
}

int action_report_csv_max(struct action *a, enum crdt_report_table t,
			  size_t max, char **buf, size_t *len, long *rows)
{
	struct csv w = { NULL, 0, max, 0 };
	int rc;

	*buf = NULL;
	*len = 0;
	w.f = open_memstream(buf, len);
	if (!w.f)
		return action_fail_rc(a, KITH_ENOMEM, _("cannot write the report"));
	rc = action_report_table(a, t, csv_header, csv_row, &w);
	if (w.over)
		rc = action_fail(a, KITH_ETOOBIG,
				 _("This table is too big to download here "
				   "(more than %zu MB). On the computer that "
				   "keeps the replica, run: kith report --csv"),
				 max >> 20);
	if (fclose(w.f) && !rc)
		rc = action_fail_rc(a, KITH_ENOMEM, _("cannot write the report"));
	if (rc) {
		free(*buf);
		*buf = NULL;
		*len = 0;
	}
	if (rows)
		*rows = w.rows;
	return rc;
}

int action_report_lookup(const char *name)
{
	int i;

	for (i = 0; i < CRDT_REPORT_NTABLES; i++)
		if (!strcmp(name, crdt_report_tables[i]))
			return i;
	return -1;
}
