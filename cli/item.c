/*
 * item.c - kith item add|list|show|edit|withdraw|lend|return|request
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "crdt/err.h"
#include "crdt/schema.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* option values: field ids moved clear of getopt's 1 for positionals */
#define OPT_BASE 100

static int item_add(struct cli *c, int argc, char **argv);
static int item_list(struct cli *c, int argc, char **argv);
static int item_show(struct cli *c, int argc, char **argv);
static int item_edit(struct cli *c, int argc, char **argv);
static int item_withdraw(struct cli *c, int argc, char **argv);
static int item_lend(struct cli *c, int argc, char **argv);
static int item_return(struct cli *c, int argc, char **argv);
static int item_request(struct cli *c, int argc, char **argv);
static int item_renew(struct cli *c, int argc, char **argv);

#define ITEM_FLAGS                                                           \
	"[--kind give|lend|share|skill|service|space|resource] "             \
	"[--category C] [--qty N] [--unit U] [--condition C] "               \
	"[--location L] [--description D] [--until DATE]"

static const struct cli_cmd cmds[] = {
	{ "add", item_add, "item add --title T " ITEM_FLAGS,
	  N_("offer something; prints its id"), 0 },
	{ "list", item_list,
	  "item list [--mine] [--kind K] [--category C] [--search Q] [--all] "
	  "[--overdue]",
	  N_("list items (available, requested and on loan; --all for every one)"), 0 },
	{ "show", item_show, "item show ID", N_("show one item with its requests"), 0 },
	{ "edit", item_edit, "item edit ID [--title T] " ITEM_FLAGS,
	  N_("change your item"), 0 },
	{ "withdraw", item_withdraw, "item withdraw ID",
	  N_("take your item off the lists for good"), 0 },
	{ "lend", item_lend, "item lend ID --to MEMBER [--due DATE]",
	  N_("record that you lent your item to a member"), 0 },
	{ "return", item_return, "item return ID",
	  N_("record that your lent item came back"), 0 },
	{ "request", item_request, "item request ID [--note N]",
	  N_("ask the owner for an item"), 0 },
	{ "renew", item_renew, "item renew ID",
	  N_("keep your item listed (items expire 90 days after their last "
	  "change)"), 0 },
};

int cli_item(struct cli *c, int argc, char **argv)
{
	return cli_dispatch(c, "item", cmds, ARRAY_SIZE(cmds), argc, argv);
}

static const struct option item_opts[] = {
	{ "title", required_argument, NULL, OPT_BASE + F_ITEM_TITLE },
	{ "kind", required_argument, NULL, OPT_BASE + F_ITEM_KIND },
	{ "category", required_argument, NULL, OPT_BASE + F_ITEM_CATEGORY },
	{ "qty", required_argument, NULL, OPT_BASE + F_ITEM_QUANTITY },
	{ "unit", required_argument, NULL, OPT_BASE + F_ITEM_UNIT },
	{ "condition", required_argument, NULL, OPT_BASE + F_ITEM_CONDITION },
	{ "location", required_argument, NULL, OPT_BASE + F_ITEM_LOCATION },
	{ "description", required_argument, NULL, OPT_BASE + F_ITEM_DESCRIPTION },
	{ "until", required_argument, NULL, OPT_BASE + F_ITEM_UNTIL },
	{ NULL, 0, NULL, 0 },
};

/* Parse the item flags into op; returns 0 or an exit code.  *pos gets the
 * first positional argument (or NULL). */
static int parse_item(const struct cli_cmd *cmd, int argc, char **argv,
		      struct crdt_op *op, const char **pos)
{
	int ch, k;
	int64_t v;

	*pos = NULL;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", item_opts, NULL)) != -1) {
		if (ch == 1) {
			if (*pos)
				return cli_usage(cmd, "unexpected argument '%s'",
						 optarg);
			*pos = optarg;
			continue;
		}
		switch (ch) {
		case OPT_BASE + F_ITEM_KIND:
			k = crdt_enum_lookup(crdt_item_kinds, CRDT_ITEM_KINDS,
					     optarg);
			if (k < 0)
				return cli_usage(cmd, "unknown kind '%s'", optarg);
			(void)crdt_op_set_int(op, F_ITEM_KIND, k);
			break;
		case OPT_BASE + F_ITEM_QUANTITY:
			if (cli_parse_qty(optarg, &v))
				return cli_usage(cmd,
						 "--qty must be a whole number "
						 "from 1, not '%s'",
						 optarg);
			(void)crdt_op_set_int(op, F_ITEM_QUANTITY, v);
			break;
		case OPT_BASE + F_ITEM_UNTIL:
			if (cli_parse_date(optarg, &v))
				return cli_usage(cmd,
						 "--until needs a date like "
						 "2026-12-31, not '%s'",
						 optarg);
			(void)crdt_op_set_int(op, F_ITEM_UNTIL, v);
			break;
		case OPT_BASE + F_ITEM_TITLE:
			if (!*optarg)
				return cli_usage(cmd, "--title cannot be empty");
			/* fall through */
		case OPT_BASE + F_ITEM_CATEGORY:
		case OPT_BASE + F_ITEM_UNIT:
		case OPT_BASE + F_ITEM_CONDITION:
		case OPT_BASE + F_ITEM_LOCATION:
		case OPT_BASE + F_ITEM_DESCRIPTION:
			if (crdt_op_set_text(op, (unsigned)(ch - OPT_BASE), optarg))
				return cli_usage(cmd, "text is too long (at most "
						      "%d bytes)",
						 CRDT_MAX_TEXT);
			break;
		default:
			return cli_bad_option(cmd, argv, ch);
		}
	}
	return crdt_op_finish(op) ? CLI_USAGE : 0;
}

static int item_add(struct cli *c, int argc, char **argv)
{
	struct crdt_op op;
	const char *pos;
	uint64_t seq;
	int rc;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
	rc = parse_item(&cmds[0], argc, argv, &op, &pos);
	if (rc)
		return rc;
	if (pos)
		return cli_usage(&cmds[0], "unexpected argument '%s'", pos);
	if (!cli_has_field(&op, F_ITEM_TITLE))
		return cli_usage(&cmds[0], "--title is required");
	if (!cli_has_field(&op, F_ITEM_KIND))
		(void)crdt_op_set_int(&op, F_ITEM_KIND, 0);
	if (!cli_has_field(&op, F_ITEM_QUANTITY))
		(void)crdt_op_set_int(&op, F_ITEM_QUANTITY, 1);
	if (crdt_op_finish(&op))
		return CLI_USAGE;
	rc = cli_open(c, 1);
	if (rc)
		return rc;
	rc = crdt_replica_commit(&c->a.r, &op, 1, &seq);
	if (rc)
		return cli_fail_rc(c, rc, "cannot save the item");
	cli_print_new_id(c, seq, 0);
	return CLI_OK;
}

/* ---- list / show ------------------------------------------------------- */

struct list_ctx {
	struct cli *c;
	struct cli_json_list json;
	int n;
};

static int item_text_row(void *ctx, const struct crdt_row *r)
{
	struct list_ctx *l = ctx;
	char sid[9];
	const char *who = cli_col_text(r, "author_name");

	if (!l->n++)
		printf("%-8s  %-9s  %-8s  %4s  %-30s  %s\n", "ID", "STATUS", "KIND",
		       "QTY", "TITLE", "WHERE / WHO");
	cli_short_id(sid, cli_col_text(r, "id"));
	printf("%-8s  %-9s  %-8s  %4lld  ", cli_txt(sid),
	       cli_txt(cli_col_text(r, "status")), cli_txt(cli_col_text(r, "kind")),
	       (long long)cli_col_int(r, "quantity"));
	cli_cell(cli_col_text(r, "title"), 30, "  ");
	printf("%s%s%s\n", cli_txt(cli_col_text(r, "location")),
	       *who ? " / " : "", cli_txt(who));
	return 0;
}

static int item_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mine", no_argument, NULL, 'm' },
		{ "kind", required_argument, NULL, 'k' },
		{ "category", required_argument, NULL, 'c' },
		{ "search", required_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "overdue", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct crdt_item_filter f = { .kind = -1 };
	struct list_ctx l = { c, { 0 }, 0 };
	int ch, rc, mine = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			mine = 1;
			break;
		case 'k':
			f.kind = crdt_enum_lookup(crdt_item_kinds, CRDT_ITEM_KINDS,
						  optarg);
			if (f.kind < 0)
				return cli_usage(&cmds[1], "unknown kind '%s'",
						 optarg);
			break;
		case 'c':
			f.category = optarg;
			break;
		case 's':
			f.search = optarg;
			break;
		case 'a':
			f.all = 1;
			break;
		case 'o':
			f.overdue = 1;
			break;
		default:
			return cli_bad_option(&cmds[1], argv, ch);
		}
	}
	if (optind < argc)
		return cli_usage(&cmds[1], "unexpected argument '%s'",
				 argv[optind]);
	rc = cli_open(c, mine);
	if (rc)
		return rc;
	cli_banner(c);
	if (mine)
		f.author = c->a.r.id.pk;
	rc = crdt_query_items(c->a.r.store, &f, c->a.now,
			      c->json ? cli_json_list_row : item_text_row,
			      c->json ? (void *)&l.json : (void *)&l);
	if (rc)
		return cli_fail_rc(c, rc, "cannot list items");
	if (c->json)
		printf(l.json.n ? "]\n" : "[]\n");
	else if (!l.n)
		fprintf(stderr, "no items%s\n", f.all ? "" : " (try --all)");
	return CLI_OK;
}

static int claim_text_row(void *ctx, const struct crdt_row *r)
{
	struct list_ctx *l = ctx;
	char sid[9];

	if (!l->n++)
		printf("requests:\n");
	cli_short_id(sid, cli_col_text(r, "id"));
	printf("  %s  %-9s  %s%s%s\n", cli_txt(sid),
	       cli_txt(cli_col_text(r, "status")),
	       cli_txt(*cli_col_text(r, "claimant_name")
			       ? cli_col_text(r, "claimant_name")
			       : cli_col_text(r, "claimant")),
	       *cli_col_text(r, "note") ? ": " : "",
	       cli_txt(cli_col_text(r, "note")));
	return 0;
}

struct show_ctx {
	struct cli *c;
	int found;
};

static void print_field(const char *label, const char *v)
{
	cli_show_field(label, v);
}

static int item_show_row(void *ctx, const struct crdt_row *r)
{
	struct show_ctx *s = ctx;
	char d[32];
	const struct crdt_col *until = crdt_row_get(r, "until");
	const struct crdt_col *due = crdt_row_get(r, "due");

	s->found = 1;
	if (s->c->json) {
		cli_json_row(stdout, r);
		return 0;
	}
	print_field("id", cli_col_text(r, "id"));
	print_field("title", cli_col_text(r, "title"));
	print_field("status", cli_col_text(r, "status"));
	print_field("kind", cli_col_text(r, "kind"));
	printf("%-12s %lld%s%s\n", "quantity",
	       (long long)cli_col_int(r, "quantity"),
	       *cli_col_text(r, "unit") ? " " : "",
	       cli_txt(cli_col_text(r, "unit")));
	print_field("category", cli_col_text(r, "category"));
	print_field("condition", cli_col_text(r, "condition"));
	print_field("location", cli_col_text(r, "location"));
	print_field("description", cli_col_text(r, "description"));
	if (until && until->type == CRDT_COL_INT) {
		cli_format_date(d, sizeof d, until->i);
		print_field("until", d);
	}
	print_field("owner", cli_col_text(r, "author_name"));
	print_field("owner id", cli_col_text(r, "author"));
	print_field("lent to", cli_col_text(r, "borrower"));
	if (due && due->type == CRDT_COL_INT) {
		cli_format_date(d, sizeof d, due->i);
		print_field("due", d);
	}
	return 0;
}

static int item_show(struct cli *c, int argc, char **argv)
{
	struct crdt_item_filter f = { .kind = -1 };
	struct show_ctx s = { c, 0 };
	struct list_ctx l = { c, { 0 }, 0 };
	uint8_t id[CRDT_ID_LEN];
	const char *arg = NULL;
	int rc;

	rc = cli_one_id_arg(&cmds[2], argc, argv, &arg);
	if (!rc)
		rc = cli_open(c, 0);
	if (!rc)
		rc = cli_resolve(c, CRDT_R_ITEM, arg, id);
	if (rc)
		return rc;
	f.id = id;
	rc = crdt_query_items(c->a.r.store, &f, c->a.now, item_show_row, &s);
	if (!rc && !c->json)
		rc = crdt_query_claims(c->a.r.store, id, claim_text_row, &l);
	if (rc)
		return cli_fail_rc(c, rc, "cannot show item");
	if (c->json)
		printf("\n");
	return CLI_OK;
}

/* ---- writes on an existing item ---------------------------------------- */

/* Resolve ID, check that it is ours; fills info. */
static int own_item(struct cli *c, const char *arg, const char *verb,
		    struct crdt_record_info *info)
{
	uint8_t id[CRDT_ID_LEN];
	int rc = cli_open(c, 1);

	if (!rc)
		rc = cli_resolve(c, CRDT_R_ITEM, arg, id);
	if (rc)
		return rc;
	rc = crdt_record_info(c->a.r.store, CRDT_R_ITEM, id, info);
	if (rc)
		return cli_fail_rc(c, rc, "cannot read item");
	if (!crdt_equal(info->author, c->a.r.id.pk, CRDT_PK_LEN))
		return cli_fail("you cannot %s item '%s': it was posted by "
				"another member",
				verb, arg);
	return 0;
}

static int item_edit(struct cli *c, int argc, char **argv)
{
	struct crdt_record_info info;
	struct crdt_op op;
	const char *pos;
	int rc;

	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_ITEM);
	rc = parse_item(&cmds[3], argc, argv, &op, &pos);
	if (rc)
		return rc;
	if (!pos)
		return cli_usage(&cmds[3], "an id is required");
	if (!op.nvals)
		return cli_usage(&cmds[3], "nothing to change");
	rc = own_item(c, pos, "edit", &info);
	if (rc)
		return rc;
	if (info.closed)
		return cli_fail("item '%s' was withdrawn; it cannot be edited",
				pos);
	rc = cli_commit_ref(c, &op, info.id, "cannot save the edit");
	if (!rc && !c->json)
		fprintf(stderr, "item updated\n");
	return rc;
}

static int item_withdraw(struct cli *c, int argc, char **argv)
{
	struct crdt_record_info info;
	struct crdt_op op;
	const char *arg = NULL;
	int rc = cli_one_id_arg(&cmds[4], argc, argv, &arg);

	if (!rc)
		rc = own_item(c, arg, "withdraw", &info);
	if (rc)
		return rc;
	if (info.closed)
		return cli_fail("item '%s' is already withdrawn", arg);
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_ITEM);
	(void)crdt_op_set_int(&op, F_ITEM_WITHDRAWN, 1);
	rc = cli_commit_ref(c, &op, info.id, "cannot withdraw the item");
	if (!rc && !c->json)
		fprintf(stderr, "item withdrawn\n");
	return rc;
}

struct req_ctx {
	char who[2 * CRDT_PK_LEN + 1];
	uint8_t *claim;
	int found;
};

static int req_row(void *ctx, const struct crdt_row *r)
{
	struct req_ctx *q = ctx;

	if (q->found || strcmp(cli_col_text(r, "claimant"), q->who) ||
	    strcmp(cli_col_text(r, "status"), "active") ||
	    crdt_unhex(q->claim, CRDT_ID_LEN, cli_col_text(r, "id")))
		return 0;
	q->found = 1;
	return 0;
}

/* The borrower's open request on the item, answered by this loan. */
static int request_of(struct cli *c, const uint8_t item[CRDT_ID_LEN],
		      const uint8_t who[CRDT_PK_LEN], uint8_t claim[CRDT_ID_LEN])
{
	struct req_ctx q;

	memset(&q, 0, sizeof q);
	crdt_hex(q.who, who, CRDT_PK_LEN);
	q.claim = claim;
	if (crdt_query_claims(c->a.r.store, item, req_row, &q) || !q.found)
		return KITH_ENOTFOUND;
	return 0;
}

static int item_lend(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "due", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct crdt_record_info info;
	struct crdt_op op;
	uint8_t who[CRDT_PK_LEN], claim[CRDT_ID_LEN];
	const char *arg = NULL, *to = NULL;
	int64_t due = 0;
	uint64_t seq;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 1 && !arg)
			arg = optarg;
		else if (ch == 't')
			to = optarg;
		else if (ch == 'd' && !cli_parse_date(optarg, &due))
			;
		else if (ch == 'd')
			return cli_usage(&cmds[5], "--due needs a date like "
						   "2026-12-31, not '%s'",
					 optarg);
		else
			return cli_bad_option(&cmds[5], argv, ch);
	}
	if (!arg || !to)
		return cli_usage(&cmds[5], !arg ? "an id is required"
						: "--to MEMBER is required");
	rc = own_item(c, arg, "lend", &info);
	if (!rc)
		rc = cli_resolve(c, CRDT_R_MEMBER, to, who);
	if (rc)
		return rc;
	if (info.closed)
		return cli_fail("item '%s' was withdrawn", arg);
	if (info.has_loan)
		return cli_fail("item '%s' is already on loan; record its return "
				"first with 'kith item return %s'",
				arg, arg);
	if (crdt_equal(who, c->a.r.id.pk, CRDT_PK_LEN))
		return cli_fail("you cannot lend an item to yourself");
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_LOAN);
	(void)crdt_op_set_bytes(&op, F_LOAN_ITEM, info.id, CRDT_ID_LEN);
	(void)crdt_op_set_bytes(&op, F_LOAN_BORROWER, who, CRDT_PK_LEN);
	if (due)
		(void)crdt_op_set_int(&op, F_LOAN_DUE, due);
	if (request_of(c, info.id, who, claim) == 0)
		(void)crdt_op_set_bytes(&op, F_LOAN_CLAIM, claim, CRDT_ID_LEN);
	if (crdt_op_finish(&op))
		return CLI_USAGE;
	rc = crdt_replica_commit(&c->a.r, &op, 1, &seq);
	if (rc)
		return cli_fail_rc(c, rc, "cannot record the loan");
	cli_print_new_id(c, seq, 0);
	return CLI_OK;
}

static int item_return(struct cli *c, int argc, char **argv)
{
	struct crdt_record_info info;
	struct crdt_op op;
	const char *arg = NULL;
	int rc = cli_one_id_arg(&cmds[6], argc, argv, &arg);

	if (!rc)
		rc = own_item(c, arg, "record the return of", &info);
	if (rc)
		return rc;
	if (!info.has_loan)
		return cli_fail("item '%s' is not on loan", arg);
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_LOAN);
	(void)crdt_op_set_int(&op, F_LOAN_RETURNED, 1);
	rc = cli_commit_ref(c, &op, info.active_loan, "cannot record the return");
	if (!rc && !c->json)
		fprintf(stderr, "item returned\n");
	return rc;
}

static int item_request(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct crdt_record_info info;
	struct crdt_op op;
	uint8_t id[CRDT_ID_LEN];
	const char *arg = NULL, *note = NULL;
	uint64_t seq;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 1 && !arg)
			arg = optarg;
		else if (ch == 'n')
			note = optarg;
		else
			return cli_bad_option(&cmds[7], argv, ch);
	}
	if (!arg)
		return cli_usage(&cmds[7], "an id is required");
	rc = cli_open(c, 1);
	if (!rc)
		rc = cli_resolve(c, CRDT_R_ITEM, arg, id);
	if (rc)
		return rc;
	rc = crdt_record_info(c->a.r.store, CRDT_R_ITEM, id, &info);
	if (rc)
		return cli_fail_rc(c, rc, "cannot read item");
	if (crdt_equal(info.author, c->a.r.id.pk, CRDT_PK_LEN))
		return cli_fail("item '%s' is your own", arg);
	if (info.closed)
		return cli_fail("item '%s' was withdrawn by its owner", arg);
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_CLAIM);
	(void)crdt_op_set_bytes(&op, F_CLAIM_TARGET, id, CRDT_ID_LEN);
	(void)crdt_op_set_int(&op, F_CLAIM_QUANTITY, 1);
	if (note && crdt_op_set_text(&op, F_CLAIM_NOTE, note))
		return cli_usage(&cmds[7], "--note is too long");
	if (crdt_op_finish(&op))
		return CLI_USAGE;
	rc = crdt_replica_commit(&c->a.r, &op, 1, &seq);
	if (rc)
		return cli_fail_rc(c, rc, "cannot save the request");
	cli_print_new_id(c, seq, 0);
	return CLI_OK;
}

static int item_renew(struct cli *c, int argc, char **argv)
{
	static const struct cli_cmd cmd = { "renew", item_renew, "item renew ID",
					    NULL, 0 };
	struct crdt_record_info info;
	struct crdt_op op;
	const char *arg = NULL;
	int rc = cli_one_id_arg(&cmd, argc, argv, &arg);

	if (!rc)
		rc = own_item(c, arg, "renew", &info);
	if (rc)
		return rc;
	if (info.closed)
		return cli_fail("item '%s' was withdrawn", arg);
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_ITEM); /* no fields: renew */
	rc = cli_commit_ref(c, &op, info.id, "cannot renew the item");
	if (!rc && !c->json)
		fprintf(stderr, "item renewed for another 90 days\n");
	return rc;
}
