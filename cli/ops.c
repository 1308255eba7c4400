/*
 * ops.c - kith inventory, volunteers, match, hours; and the loans-due
 * lines of `kith status` (cli_loans_due).
 *
 * Every answer comes from crdt/ops.h; this file only parses options and
 * prints rows as text or JSON.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "crdt/err.h"
#include "crdt/ops.h"
#include "crdt/schema.h"

#define MATCH_DEFAULT_WISHES 20
#define MATCH_MAX_WISHES 1000
#define MATCH_PER_WISH 3

static const struct cli_cmd inventory_cmd = {
	"inventory", cli_inventory, "inventory [--building B]",
	N_("emergency resources (items of kind resource) totalled by building "
	"and category"),
	0
};
static const struct cli_cmd volunteers_cmd = {
	"volunteers", cli_volunteers, "volunteers [--skill S] [--building B]",
	N_("members who offer skills or time, your building first"), 0
};
static const struct cli_cmd match_cmd = {
	"match", cli_match, "match [WISH] [--limit N]",
	N_("propose items and volunteers for the N (default 20) most urgent open "
	"wishes, or for one WISH"),
	0
};
static const struct cli_cmd hours_cmd = {
	"hours", cli_hours, "hours [MEMBER]",
	N_("a member's time-bank ledger and balance (default: yours)"), 0
};

/* Options with a value and no positional arguments; 0 or an exit code. */
static int value_opts(const struct cli_cmd *cmd, int argc, char **argv,
		      const struct option *opts, const char **vals)
{
	int ch, i;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		for (i = 0; opts[i].name; i++)
			if (opts[i].val == ch)
				break;
		if (!opts[i].name)
			return cli_bad_option(cmd, argv, ch);
		if (!*optarg)
			return cli_usage(cmd, "--%s cannot be empty",
					 opts[i].name);
		vals[i] = optarg;
	}
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* ---- inventory ---------------------------------------------------------- */

struct inv_ctx {
	int n, buildings;
	char building[256];
};

static void inv_head(void)
{
	printf("%-20s  %-16s  %10s  %-10s  %s\n", "BUILDING", "CATEGORY",
	       "QUANTITY", "UNIT", "POSTS");
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
		cli_cell(b, 20, "  ");
	} else {
		cli_cell("", 20, "  ");
	}
	snprintf(v->building, sizeof v->building, "%s", b);
	cli_cell(cli_col_text(r, "category"), 16, "  ");
	printf("%10lld  ", (long long)cli_col_int(r, "quantity"));
	cli_cell(cli_col_text(r, "unit"), 10, "  ");
	printf("%5lld\n", (long long)cli_col_int(r, "items"));
	return 0;
}

int cli_inventory(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "building", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *vals[1] = { NULL };
	struct cli_json_list json = { 0 };
	struct inv_ctx v, t;
	int rc;

	rc = value_opts(&inventory_cmd, argc, argv, opts, vals);
	if (!rc)
		rc = cli_open(c, 0);
	if (rc)
		return rc;
	memset(&v, 0, sizeof v);
	if (c->json) {
		rc = crdt_inventory(c->a.r.store, vals[0], c->a.now,
				    cli_json_list_row, &json);
		if (!rc)
			printf(json.n ? "]\n" : "[]\n");
		return rc ? cli_fail_rc(c, rc, "cannot total resources") : CLI_OK;
	}
	cli_banner(c);
	rc = crdt_inventory(c->a.r.store, vals[0], c->a.now, inv_row, &v);
	if (!rc && !v.n) {
		fprintf(stderr,
			"no resources%s%s (post them with 'kith item add "
			"--kind resource --category water --qty 10 ...')\n",
			vals[0] ? " in " : "", vals[0] ? vals[0] : "");
		return CLI_OK;
	}
	/* the totals over all buildings, when there are several */
	if (!rc && v.buildings > 1) {
		memset(&t, 0, sizeof t);
		t.n = 1; /* no second header */
		printf("\n");
		rc = crdt_inventory_totals(c->a.r.store, NULL, c->a.now, inv_row,
					   &t);
	}
	if (rc)
		return cli_fail_rc(c, rc, "cannot total resources");
	return CLI_OK;
}

/* ---- volunteers --------------------------------------------------------- */

struct name_ctx {
	char name[256];
	char building[256];
	int found;
};

static int name_row(void *ctx, const struct crdt_row *r)
{
	struct name_ctx *n = ctx;

	n->found = 1;
	snprintf(n->name, sizeof n->name, "%s", cli_col_text(r, "name"));
	snprintf(n->building, sizeof n->building, "%s",
		 cli_col_text(r, "building"));
	return 0;
}

/* Our own building ("" without an identity or one): nearest first. */
static void own_building(struct cli *c, char *out, size_t cap)
{
	struct name_ctx me = { "", "", 0 };

	out[0] = 0;
	if (!c->a.r.id.sk && peer_identity_load(c->a.home, &c->a.r.id))
		return;
	if (crdt_query_members(c->a.r.store, c->a.r.id.pk, name_row, &me) == 0)
		snprintf(out, cap, "%s", me.building);
}

struct vol_ctx {
	int n;
};

static int vol_row(void *ctx, const struct crdt_row *r)
{
	struct vol_ctx *v = ctx;
	const char *b = cli_col_text(r, "building");
	char sid[9];

	if (!v->n++)
		printf("%-8s  %-20s  %-14s  %-6s  %6s  %s\n", "ID", "NAME",
		       "BUILDING", "UNIT", "HOURS", "SKILLS / AVAILABLE");
	cli_short_id(sid, cli_col_text(r, "id"));
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

int cli_volunteers(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "skill", required_argument, NULL, 's' },
		{ "building", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *vals[2] = { NULL, NULL };
	struct cli_json_list json = { 0 };
	struct vol_ctx v = { 0 };
	char near[256];
	int rc;

	rc = value_opts(&volunteers_cmd, argc, argv, opts, vals);
	if (!rc && vals[0] && strlen(vals[0]) > CRDT_MAX_TEXT)
		rc = cli_usage(&volunteers_cmd, "--skill is too long");
	if (!rc)
		rc = cli_open(c, 0);
	if (rc)
		return rc;
	if (!c->json)
		cli_banner(c);
	own_building(c, near, sizeof near);
	rc = crdt_volunteers(c->a.r.store, vals[0], vals[1], *near ? near : NULL,
			     c->json ? cli_json_list_row : vol_row,
			     c->json ? (void *)&json : (void *)&v);
	if (rc)
		return cli_fail_rc(c, rc, "cannot list volunteers");
	if (c->json)
		printf(json.n ? "]\n" : "[]\n");
	else if (!v.n)
		fprintf(stderr, "no volunteers%s%s%s%s (members add skills with "
				"'kith profile --skills S --available WHEN')\n",
			vals[0] ? " with skill " : "", cli_txt(vals[0]),
			vals[1] ? " in " : "", cli_txt(vals[1]));
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
	const char *who = cli_col_text(r, "author_name");
	char sid[9];

	m->items = m->vols = m->in_vols = 0;
	if (m->c->json) {
		fputs(m->wishes++ ? ",\n {\"wish\":" : "[{\"wish\":", stdout);
		cli_json_row(stdout, r);
		fputs(",\"items\":[", stdout);
		return 0;
	}
	if (m->wishes++)
		printf("\n");
	cli_short_id(sid, cli_col_text(r, "id"));
	printf("[%s] %s  (%s, %s)\n", cli_txt(cli_col_text(r, "urgency")),
	       cli_txt(cli_col_text(r, "title")), cli_txt(sid),
	       cli_txt(cli_col_text(r, "status")));
	printf("  asked by %s%s%s", *who ? cli_txt(who) : "?", *b ? ", " : "",
	       cli_txt(b));
	if (*cli_col_text(r, "for_name"))
		printf(" for %s", cli_txt(cli_col_text(r, "for_name")));
	if (*cli_col_text(r, "category"))
		printf("; category %s", cli_txt(cli_col_text(r, "category")));
	printf("\n");
	return 0;
}

static int m_item(void *ctx, const struct crdt_row *r)
{
	struct match_ctx *m = ctx;
	const char *b = cli_col_text(r, "building");
	const char *loc = cli_col_text(r, "location");
	char sid[9];
	int sep = 0;

	if (m->c->json) {
		fputs(m->items++ ? "," : "", stdout);
		cli_json_row(stdout, r);
		return 0;
	}
	if (!m->items++)
		printf("  items:\n");
	cli_short_id(sid, cli_col_text(r, "id"));
	printf("    %s  %s", cli_txt(sid), cli_txt(cli_col_text(r, "title")));
	if (cli_col_int(r, "quantity") > 1 || *cli_col_text(r, "unit"))
		printf(" (%lld%s%s)", (long long)cli_col_int(r, "quantity"),
		       *cli_col_text(r, "unit") ? " " : "",
		       cli_txt(cli_col_text(r, "unit")));
	printf(", from %s%s%s%s%s  [", cli_txt(cli_col_text(r, "author_name")),
	       *b ? ", " : "", cli_txt(b), *loc ? ", at " : "", cli_txt(loc));
	if (cli_col_int(r, "same_category"))
		sep = printf("same category");
	if (cli_col_int(r, "words"))
		sep = printf("%swords", sep ? ", " : "");
	if (cli_col_int(r, "same_building"))
		printf("%ssame building", sep ? ", " : "");
	printf("]\n");
	return 0;
}

static int m_vol(void *ctx, const struct crdt_row *r)
{
	struct match_ctx *m = ctx;
	const char *b = cli_col_text(r, "building");
	const char *unit = cli_col_text(r, "unit");
	char sid[9];

	if (m->c->json) {
		if (!m->in_vols)
			fputs("],\"volunteers\":[", stdout);
		m->in_vols = 1;
		fputs(m->vols++ ? "," : "", stdout);
		cli_json_row(stdout, r);
		return 0;
	}
	if (!m->vols++)
		printf("%s  volunteers:\n",
		       m->items ? "" : "  items: none found\n");
	cli_short_id(sid, cli_col_text(r, "id"));
	printf("    %s  %s", cli_txt(sid), cli_txt(cli_col_text(r, "name")));
	if (*b || *unit)
		printf(" (%s%s%s)", cli_txt(b),
		       !*unit ? "" : *b ? ", unit " : "unit ", cli_txt(unit));
	printf(": %s", cli_txt(cli_col_text(r, "skills")));
	if (*cli_col_text(r, "available"))
		printf("; available %s", cli_txt(cli_col_text(r, "available")));
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
		printf("  items: none found\n");
	if (!m->vols)
		printf("  volunteers: none found\n");
	return 0;
}

struct status_ctx {
	char status[16];
};

static int status_row(void *ctx, const struct crdt_row *r)
{
	struct status_ctx *s = ctx;

	snprintf(s->status, sizeof s->status, "%s", cli_col_text(r, "status"));
	return 0;
}

int cli_match(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct crdt_match_out out = { m_wish, m_item, m_vol, m_end, NULL };
	struct match_ctx m;
	uint8_t id[CRDT_ID_LEN];
	const char *arg = NULL;
	uint64_t limit = MATCH_DEFAULT_WISHES;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 1 && !arg) {
			arg = optarg;
		} else if (ch == 'n') {
			if (cli_parse_uint(optarg, 1, MATCH_MAX_WISHES, &limit))
				return cli_usage(&match_cmd,
						 "--limit must be a number of "
						 "wishes from 1 to %d, not '%s'",
						 MATCH_MAX_WISHES, optarg);
		} else {
			return cli_bad_option(&match_cmd, argv, ch);
		}
	}
	rc = cli_open(c, 0);
	if (rc)
		return rc;
	if (arg) {
		struct crdt_wish_filter f = { .urgency = -1 };
		struct status_ctx st = { "" };

		rc = cli_resolve(c, CRDT_R_WISH, arg, id);
		if (rc)
			return rc;
		f.id = id;
		rc = crdt_query_wishes(c->a.r.store, &f, c->a.now, status_row, &st);
		if (rc)
			return cli_fail_rc(c, rc, "cannot read the wish");
		if (!strcmp(st.status, "withdrawn") ||
		    !strcmp(st.status, "confirmed") ||
		    !strcmp(st.status, "expired") ||
		    !strcmp(st.status, "delivered"))
			return cli_fail("wish '%s' is %s: there is nothing left "
					"to match",
					arg, st.status);
	}
	memset(&m, 0, sizeof m);
	m.c = c;
	out.ctx = &m;
	if (!c->json)
		cli_banner(c);
	rc = crdt_match(c->a.r.store, arg ? id : NULL, (int)limit, MATCH_PER_WISH,
			c->a.now, &out);
	if (rc)
		return cli_fail_rc(c, rc, "cannot match wishes");
	if (c->json)
		printf(m.wishes ? "]\n" : "[]\n");
	else if (!m.wishes)
		fprintf(stderr, "no open wishes to match\n");
	return CLI_OK;
}

/* ---- hours -------------------------------------------------------------- */

struct hours_ctx {
	struct cli *c;
	int n;
};

static int hours_row(void *ctx, const struct crdt_row *r)
{
	struct hours_ctx *h = ctx;
	const char *who = cli_col_text(r, "counterpart_name");
	char date[32], amount[32];

	if (h->c->json) {
		fputs(h->n++ ? "," : "", stdout);
		cli_json_row(stdout, r);
		return 0;
	}
	if (!h->n++)
		printf("%-10s  %8s  %-32s  %s\n", "DATE", "HOURS", "WISH",
		       "WITH");
	cli_format_date(date, sizeof date, cli_col_int(r, "at_ms") / 1000);
	snprintf(amount, sizeof amount, "%+.2f", crdt_row_get(r, "hours")->d);
	printf("%-10s  %8s  ", date, amount);
	cli_cell(cli_col_text(r, "title"), 32, "  ");
	if (*who)
		printf("%s\n", cli_txt(who));
	else
		printf("%.8s\n", cli_txt(cli_col_text(r, "counterpart")));
	return 0;
}

int cli_hours(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };
	struct hours_ctx h = { c, 0 };
	struct name_ctx name = { "", "", 0 };
	struct crdt_hours t;
	uint8_t pk[CRDT_PK_LEN];
	char hex[2 * CRDT_PK_LEN + 1];
	const char *arg = NULL;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 1 && !arg)
			arg = optarg;
		else
			return cli_bad_option(&hours_cmd, argv, ch);
	}
	rc = cli_open(c, !arg);
	if (rc)
		return rc;
	if (arg) {
		rc = cli_resolve(c, CRDT_R_MEMBER, arg, pk);
		if (rc)
			return rc;
	} else {
		memcpy(pk, c->a.r.id.pk, CRDT_PK_LEN);
	}
	rc = crdt_query_members(c->a.r.store, pk, name_row, &name);
	if (!rc)
		rc = crdt_hours_totals(c->a.r.store, pk, &t);
	if (rc)
		return cli_fail_rc(c, rc, "cannot read hours");
	crdt_hex(hex, pk, CRDT_PK_LEN);
	if (c->json) {
		printf("{\"member\":\"%s\",\"name\":", hex);
		cli_json_str(stdout, name.name);
		printf(",\"earned\":%.2f,\"given\":%.2f,\"balance\":%.2f,"
		       "\"ledger\":[",
		       t.earned_q / 4.0, t.given_q / 4.0,
		       (t.earned_q - t.given_q) / 4.0);
	} else {
		printf("time bank of %s (%.8s)\n\n",
		       *name.name ? cli_txt(name.name) : "?", hex);
	}
	rc = crdt_hours_ledger(c->a.r.store, pk, hours_row, &h);
	if (c->json) {
		printf("]}\n");
	} else if (!rc) {
		if (!h.n)
			printf("no hours credited yet\n");
		printf("\nearned %.2f h, given %.2f h, balance %+.2f h\n",
		       t.earned_q / 4.0, t.given_q / 4.0,
		       (t.earned_q - t.given_q) / 4.0);
	}
	if (rc)
		return cli_fail_rc(c, rc, "cannot read hours");
	return CLI_OK;
}

/* ---- loans due (for kith status) ---------------------------------------- */

struct loans_ctx {
	struct cli *c;
	int n;
};

static int loan_row(void *ctx, const struct crdt_row *r)
{
	struct loans_ctx *l = ctx;
	const char *who = cli_col_text(r, "counterpart_name");
	int lent = !strcmp(cli_col_text(r, "role"), "lent");
	char date[32];

	if (l->c->json) {
		fputs(l->n++ ? "," : "", stdout);
		cli_json_row(stdout, r);
		return 0;
	}
	if (!l->n++)
		printf("loans:     due within 3 days or overdue\n");
	cli_format_date(date, sizeof date, cli_col_int(r, "due"));
	printf("  %-8s %s  %s, %s %s\n",
	       cli_col_int(r, "overdue") ? "OVERDUE" : "due", date,
	       cli_txt(cli_col_text(r, "title")),
	       lent ? "lent to" : "borrowed from",
	       cli_txt(*who ? who : cli_col_text(r, "counterpart")));
	return 0;
}

int cli_loans_due(struct cli *c)
{
	struct loans_ctx l = { c, 0 };
	int rc = 0;

	if (c->json)
		printf("[");
	if (c->a.r.id.sk)
		rc = crdt_loans_due(c->a.r.store, c->a.r.id.pk, c->a.now,
				    CRDT_LOANS_DUE_WITHIN, loan_row, &l);
	if (c->json)
		printf("]");
	else if (!rc && !l.n)
		printf("loans:     none due within 3 days\n");
	if (rc)
		return cli_fail_rc(c, rc, "cannot list loans");
	return CLI_OK;
}
