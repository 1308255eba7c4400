/*
 * ops.c - kith inventory, volunteers, match, hours; and the loans-due
 * lines of `kith status` (cli_loans_due).
 *
 * Every answer comes from the action layer (action/needs.h,
 * action/hours.h); this file only parses options and prints rows as text
 * or JSON.  --json rows are the crdt/ops.h rows as they come.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "action/hours.h"
#include "action/loan.h"
#include "action/names.h"
#include "action/needs.h"
#include "cli.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "fields.h"

/* The filters of inventory and volunteers: values that cannot be empty,
 * no positional arguments. */
struct needs_opts {
	const char *skill, *building;
};

static const struct cli_field needs_building[] = {
	CLI_OPT("building", offsetof(struct needs_opts, building),
		cli_field_nonempty, NULL),
};
static const struct cli_field needs_skill_building[] = {
	CLI_OPT("skill", offsetof(struct needs_opts, skill),
		cli_field_nonempty, NULL),
	CLI_OPT("building", offsetof(struct needs_opts, building),
		cli_field_nonempty, NULL),
};

/* A label the replica's queries make up ("(no building)", "(all)",
 * "(none)"), in the reader's language; other text as it is. */
static const char *label(const char *s)
{
	if (!strcmp(s, "(no building)"))
		return _("(no building)");
	if (!strcmp(s, "(all)"))
		/* TRANSLATORS: the inventory's line of totals over every
		 * building */
		return _("(all)");
	if (!strcmp(s, "(none)"))
		/* TRANSLATORS: an item without a category */
		return _("(none)");
	return s;
}

/* A member's short id, from the hex key of a row column. */
static void member_sid(struct cli *c, const char *hex, char *out, size_t cap)
{
	action_short_id(&c->a, CRDT_R_MEMBER, hex, out, cap);
}

/* A row of a JSON array that is already open: a comma before all but
 * the first (*n counts them). */
static int json_elem(int *n, const struct crdt_row *r)
{
	fputs((*n)++ ? "," : "", stdout);
	cli_json_row(stdout, r);
	return 0;
}

/* ---- inventory ---------------------------------------------------------- */

struct inv_ctx {
	int n, buildings;
	char building[256];
};

static void inv_head(void)
{
	cli_cell(_("BUILDING"), 20, "  ");
	cli_cell(_("CATEGORY"), 16, "  ");
	printf("%10s  ", _("QUANTITY"));
	/* TRANSLATORS: the unit of a quantity (boxes, litres) */
	cli_cell(action_pgettext("measure", "UNIT"), 10, "  ");
	printf("%s\n", _("POSTS"));
}

static int inv_row(void *ctx, const struct crdt_row *r)
{
	struct inv_ctx *v = ctx;
	const char *b = cli_col_text(r, "building");

	if (!v->n++)
		inv_head();
	/* the building once, at the top of its rows */
	if (v->n == 1 || strcmp(b, v->building)) {
		v->buildings++;
		cli_cell(label(b), 20, "  ");
	} else {
		cli_cell("", 20, "  ");
	}
	snprintf(v->building, sizeof v->building, "%s", b);
	cli_cell(label(cli_col_text(r, "category")), 16, "  ");
	printf("%10lld  ", (long long)cli_col_int(r, "quantity"));
	cli_cell(cli_col_text(r, "unit"), 10, "  ");
	printf("%5lld\n", (long long)cli_col_int(r, "items"));
	return 0;
}

int cli_inventory(struct cli *c, int argc, char **argv)
{
	static const struct cli_fields t = { needs_building,
					     ARRAY_SIZE(needs_building),
					     CLI_OPTS_ONLY, NULL };
	struct needs_opts o = { NULL, NULL };
	struct cli_json_list json = { 0 };
	struct cli_args args;
	struct inv_ctx v, t_all;
	int status;

	status = cli_fields_open(c, NULL, &t, argc, argv, &o, &args,
				 0);
	if (status)
		return status;
	memset(&v, 0, sizeof v);
	if (c->json) {
		if (action_needs_inventory(&c->a, o.building, cli_json_list_row,
					   &json))
			return cli_fail_action(c);
		printf(json.n ? "]\n" : "[]\n");
		return CLI_OK;
	}
	cli_banner(c);
	if (action_needs_inventory(&c->a, o.building, inv_row, &v))
		return cli_fail_action(c);
	if (!v.n) {
		if (o.building)
			fprintf(stderr,
				_("no resources in %s (post them with 'kith "
				  "item add --kind resource --category water "
				  "--qty 10 ...')\n"),
				cli_txt(o.building));
		else
			fprintf(stderr,
				_("no resources (post them with 'kith item add "
				  "--kind resource --category water --qty 10 "
				  "...')\n"));
		return CLI_OK;
	}
	/* the totals over all buildings, when there are several */
	if (v.buildings > 1) {
		memset(&t_all, 0, sizeof t_all);
		t_all.n = 1; /* no second header */
		printf("\n");
		if (action_needs_inventory_totals(&c->a, inv_row, &t_all))
			return cli_fail_action(c);
	}
	return CLI_OK;
}

/* ---- volunteers --------------------------------------------------------- */

static int vol_row(void *ctx, const struct crdt_row *r)
{
	struct cli_rows *v = ctx;
	const char *b = cli_col_text(r, "building");
	char sid[2 * CRDT_PK_LEN + 1];

	if (!v->n++) {
		cli_cell(_("ID"), 8, "  ");
		cli_cell(_("NAME"), 20, "  ");
		cli_cell(_("BUILDING"), 14, "  ");
		cli_cell(_("UNIT"), 6, "  ");
		printf("%6s  %s\n", _("HOURS"), _("SKILLS / AVAILABLE"));
	}
	member_sid(v->c, cli_col_text(r, "id"), sid, sizeof sid);
	cli_cell(sid, 8, "  ");
	cli_cell(cli_col_text(r, "name"), 20, "  ");
	cli_cell(*b ? b : "-", 14, "  ");
	cli_cell(cli_col_text(r, "unit"), 6, "  ");
	printf("%6.2f  %s", crdt_row_get(r, "hours")->d,
	       cli_txt(cli_col_text(r, "skills")));
	if (*cli_col_text(r, "available"))
		printf("%s(%s)", *cli_col_text(r, "skills") ? " " : "",
		       cli_txt(cli_col_text(r, "available")));
	printf("\n");
	return 0;
}

static void no_volunteers(const char *skill, const char *building)
{
	const char *hint = _("members add skills with 'kith profile --skills S "
			     "--available WHEN'");

	if (skill && building)
		fprintf(stderr, _("no volunteers with skill %s in %s (%s)\n"),
			cli_txt(skill), cli_txt(building), hint);
	else if (skill)
		fprintf(stderr, _("no volunteers with skill %s (%s)\n"),
			cli_txt(skill), hint);
	else if (building)
		fprintf(stderr, _("no volunteers in %s (%s)\n"),
			cli_txt(building), hint);
	else
		fprintf(stderr, _("no volunteers yet (%s)\n"), hint);
}

int cli_volunteers(struct cli *c, int argc, char **argv)
{
	static const struct cli_fields t = { needs_skill_building,
					     ARRAY_SIZE(needs_skill_building),
					     CLI_OPTS_ONLY, NULL };
	struct needs_opts o = { NULL, NULL };
	struct cli_json_list json = { 0 };
	struct cli_rows v = { c, { 0 }, 0 };
	struct cli_args args;
	int status;

	status = cli_fields_open(c, NULL, &t, argc, argv, &o, &args,
				 0);
	if (status)
		return status;
	if (!c->json)
		cli_banner(c);
	if (action_needs_volunteers(&c->a, o.skill, o.building,
				    c->json ? cli_json_list_row : vol_row,
				    c->json ? (void *)&json : (void *)&v))
		return cli_fail_action(c);
	if (c->json)
		printf(json.n ? "]\n" : "[]\n");
	else if (!v.n)
		no_volunteers(o.skill, o.building);
	return CLI_OK;
}

/* ---- match -------------------------------------------------------------- */

struct match_ctx {
	struct cli *c;
	int wishes, items, vols;
	int in_vols; /* JSON: the volunteers array is open */
};

static int m_wish(void *ctx, const struct crdt_row *r)
{
	struct match_ctx *m = ctx;
	const char *b = cli_col_text(r, "building");
	const char *for_name = cli_col_text(r, "for_name");
	const char *cat = cli_col_text(r, "category");
	char sid[2 * CRDT_ID_LEN + 1];
	struct action_person author;

	m->items = m->vols = m->in_vols = 0;
	if (m->c->json) {
		fputs(m->wishes++ ? ",\n {\"wish\":" : "[{\"wish\":", stdout);
		cli_json_row(stdout, r);
		fputs(",\"items\":[", stdout);
		return 0;
	}
	if (m->wishes++)
		printf("\n");
	action_short_id(&m->c->a, CRDT_R_WISH, cli_col_text(r, "id"), sid,
			sizeof sid);
	action_person_hex(&m->c->a, cli_col_text(r, "author"), &author);
	printf("[%s] %s  (%s, %s)\n",
	       action_pgettext("urgency", cli_col_text(r, "urgency")),
	       cli_txt(cli_col_text(r, "title")), sid,
	       action_pgettext("status", cli_col_text(r, "status")));
	if (*b)
		printf(_("  asked by %s, %s"), cli_txt(author.label), cli_txt(b));
	else
		printf(_("  asked by %s"), cli_txt(author.label));
	if (*for_name)
		printf(_(" for %s"), cli_txt(for_name));
	if (*cat)
		printf(_("; category %s"), cli_txt(cat));
	printf("\n");
	return 0;
}

static int m_item(void *ctx, const struct crdt_row *r)
{
	struct match_ctx *m = ctx;
	const char *b = cli_col_text(r, "building");
	const char *loc = cli_col_text(r, "location");
	char sid[2 * CRDT_ID_LEN + 1];
	struct action_person from;
	int sep = 0;

	if (m->c->json) {
		return json_elem(&m->items, r);
	}
	if (!m->items++)
		printf("%s\n", _("  items:"));
	action_short_id(&m->c->a, CRDT_R_ITEM, cli_col_text(r, "id"), sid,
			sizeof sid);
	action_person_hex(&m->c->a, cli_col_text(r, "author"), &from);
	printf("    %s  %s", sid, cli_txt(cli_col_text(r, "title")));
	if (cli_col_int(r, "quantity") > 1 || *cli_col_text(r, "unit"))
		printf(" (%lld%s%s)", (long long)cli_col_int(r, "quantity"),
		       *cli_col_text(r, "unit") ? " " : "",
		       cli_txt(cli_col_text(r, "unit")));
	if (*b)
		printf(_(", from %s, %s"), cli_txt(from.label), cli_txt(b));
	else
		printf(_(", from %s"), cli_txt(from.label));
	if (*loc)
		printf(_(", at %s"), cli_txt(loc));
	printf("  [");
	if (cli_col_int(r, "same_category"))
		sep = printf("%s", _("same category"));
	if (cli_col_int(r, "words"))
		sep = printf("%s%s", sep ? ", " : "", _("words"));
	if (cli_col_int(r, "same_building"))
		printf("%s%s", sep ? ", " : "", _("same building"));
	printf("]\n");
	return 0;
}

static int m_vol(void *ctx, const struct crdt_row *r)
{
	struct match_ctx *m = ctx;
	const char *b = cli_col_text(r, "building");
	const char *unit = cli_col_text(r, "unit");
	char sid[2 * CRDT_PK_LEN + 1];

	if (m->c->json) {
		if (!m->in_vols)
			fputs("],\"volunteers\":[", stdout);
		m->in_vols = 1;
		return json_elem(&m->vols, r);
	}
	if (!m->vols++) {
		if (!m->items)
			printf("%s\n", _("  items: none found"));
		printf("%s\n", _("  volunteers:"));
	}
	member_sid(m->c, cli_col_text(r, "id"), sid, sizeof sid);
	printf("    %s  %s", sid, cli_txt(cli_col_text(r, "name")));
	if (*b && *unit)
		printf(_(" (%s, unit %s)"), cli_txt(b), cli_txt(unit));
	else if (*b)
		printf(" (%s)", cli_txt(b));
	else if (*unit)
		printf(_(" (unit %s)"), cli_txt(unit));
	printf(": %s", cli_txt(cli_col_text(r, "skills")));
	if (*cli_col_text(r, "available"))
		printf(_("; available %s"),
		       cli_txt(cli_col_text(r, "available")));
	printf("\n");
	return 0;
}

static int m_end(void *ctx)
{
	struct match_ctx *m = ctx;

	if (m->c->json) {
		fputs(m->in_vols ? "]}" : "],\"volunteers\":[]}", stdout);
		return 0;
	}
	if (!m->items && !m->vols)
		printf("%s\n", _("  items: none found"));
	if (!m->vols)
		printf("%s\n", _("  volunteers: none found"));
	return 0;
}

/* --limit N: how many wishes to match */
static int set_limit(const struct cli_cmd *cmd, const struct cli_field *f,
		     const char *value, void *member)
{
	if (cli_parse_uint(value, 1, ACTION_MATCH_MAX_WISHES, member))
		return cli_usage(cmd,
				 "--limit must be a number of wishes from 1 to "
				 "%d, not '%s'",
				 ACTION_MATCH_MAX_WISHES, value);
	return CLI_OK;
}

int cli_match(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("limit", 0, set_limit, NULL),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts), 1, NULL };
	struct crdt_match_out out = { m_wish, m_item, m_vol, m_end, NULL };
	struct match_ctx m;
	struct cli_args args;
	uint64_t limit = ACTION_MATCH_DEFAULT_WISHES;
	int status;

	status = cli_fields_open(c, NULL, &t, argc, argv, &limit, &args,
				 0);
	if (status)
		return status;
	memset(&m, 0, sizeof m);
	m.c = c;
	out.ctx = &m;
	if (!c->json)
		cli_banner(c);
	if (action_needs_match(&c->a, args.pos[0], (int)limit, &out)) {
		if (c->json && m.wishes)
			printf("]\n");
		return cli_fail_action(c);
	}
	if (c->json)
		printf(m.wishes ? "]\n" : "[]\n");
	else if (!m.wishes)
		fprintf(stderr, "%s\n",
			_("no open wishes to match (when a neighbour posts one, "
			  "'kith match' proposes items and volunteers for "
			  "it)"));
	return CLI_OK;
}

/* ---- hours -------------------------------------------------------------- */

static int hours_row(void *ctx, const struct crdt_row *r)
{
	struct cli_rows *h = ctx;
	char date[32], amount[32];
	struct action_person who;

	if (h->c->json) {
		return json_elem(&h->n, r);
	}
	if (!h->n++) {
		cli_cell(_("DATE"), 10, "  ");
		printf("%8s  ", _("HOURS"));
		cli_cell(_("WISH"), 32, "  ");
		printf("%s\n", _("WITH"));
	}
	cli_format_date(date, sizeof date, cli_col_int(r, "at_ms") / 1000);
	snprintf(amount, sizeof amount, "%+.2f", crdt_row_get(r, "hours")->d);
	printf("%-10s  %8s  ", date, amount);
	cli_cell(cli_col_text(r, "title"), 32, "  ");
	action_person_hex(&h->c->a, cli_col_text(r, "counterpart"), &who);
	printf("%s\n", cli_txt(who.label));
	return 0;
}

int cli_hours(struct cli *c, int argc, char **argv)
{
	static const struct cli_fields t = { NULL, 0, 1, NULL };
	struct cli_rows h = { c, { 0 }, 0 };
	struct action_hours ledger;
	struct cli_args args;
	char sid[2 * CRDT_PK_LEN + 1];
	int status, err;

	status = cli_fields_open(c, NULL, &t, argc, argv, NULL, &args,
				 0);
	if (status)
		return status;
	if (action_hours_of(&c->a, args.pos[0], &ledger))
		return cli_fail_action(c);
	if (c->json) {
		printf("{\"member\":\"%s\",\"name\":", ledger.hex);
		cli_json_str(stdout, ledger.name);
		printf(",\"earned\":%.2f,\"given\":%.2f,\"balance\":%.2f,"
		       "\"ledger\":[",
		       ledger.earned_q / 4.0, ledger.given_q / 4.0,
		       (ledger.earned_q - ledger.given_q) / 4.0);
	} else {
		member_sid(c, ledger.hex, sid, sizeof sid);
		if (*ledger.name)
			printf(_("time bank of %s (%s)\n\n"),
			       cli_txt(ledger.name), sid);
		else
			printf(_("time bank of member %s (no name given)\n\n"),
			       sid);
	}
	err = action_hours_ledger(&c->a, &ledger, hours_row, &h);
	if (c->json) {
		printf("]}\n");
	} else if (!err) {
		if (!h.n)
			printf("%s\n",
			       _("no hours credited yet (hours count when the "
				 "author of a wish confirms the help: 'kith "
				 "wish confirm WISH --hours H')"));
		printf(_("\nearned %.2f h, given %.2f h, balance %+.2f h\n"),
		       ledger.earned_q / 4.0, ledger.given_q / 4.0,
		       (ledger.earned_q - ledger.given_q) / 4.0);
	}
	if (err)
		return cli_fail_action(c);
	return CLI_OK;
}

/* ---- loans due (for kith status) ---------------------------------------- */

static int loan_row(void *ctx, const struct crdt_row *r)
{
	struct cli_rows *l = ctx;
	int lent = !strcmp(cli_col_text(r, "role"), "lent");
	char date[32];
	struct action_person who;

	if (l->c->json) {
		return json_elem(&l->n, r);
	}
	if (!l->n++)
		printf("%s\n", _("loans:     due within 3 days or overdue"));
	cli_format_date(date, sizeof date, cli_col_int(r, "due"));
	action_person_hex(&l->c->a, cli_col_text(r, "counterpart"), &who);
	printf("  %-8s %s  ",
	       cli_col_int(r, "overdue") ? _("OVERDUE") : _("due"), date);
	if (lent)
		/* TRANSLATORS: an item's title, then a neighbour's name */
		printf(_("%s, lent to %s\n"), cli_txt(cli_col_text(r, "title")),
		       cli_txt(who.label));
	else
		/* TRANSLATORS: an item's title, then a neighbour's name */
		printf(_("%s, borrowed from %s\n"),
		       cli_txt(cli_col_text(r, "title")), cli_txt(who.label));
	return 0;
}

int cli_loans_due(struct cli *c)
{
	struct cli_rows l = { c, { 0 }, 0 };
	int err;

	if (c->json)
		printf("[");
	err = action_loan_due(&c->a, loan_row, &l);
	if (c->json)
		printf("]");
	else if (!err && !l.n)
		printf("%s\n", _("loans:     none due within 3 days"));
	if (err)
		return cli_fail_action(c);
	return CLI_OK;
}
