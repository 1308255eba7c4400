/*
 * wish.c - kith wish add|list|show|edit|withdraw|claim|unclaim|deliver|
 * accept|confirm
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "crdt/rules.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "private.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* option values: field ids moved clear of getopt's 1 for positionals */
#define OPT_BASE 100
#define OPT_PRIVATE_TO 200

static int wish_add(struct cli *c, int argc, char **argv);
static int wish_list(struct cli *c, int argc, char **argv);
static int wish_show(struct cli *c, int argc, char **argv);
static int wish_edit(struct cli *c, int argc, char **argv);
static int wish_withdraw(struct cli *c, int argc, char **argv);
static int wish_claim(struct cli *c, int argc, char **argv);
static int wish_unclaim(struct cli *c, int argc, char **argv);
static int wish_deliver(struct cli *c, int argc, char **argv);
static int wish_accept(struct cli *c, int argc, char **argv);
static int wish_confirm(struct cli *c, int argc, char **argv);
static int wish_renew(struct cli *c, int argc, char **argv);

#define WISH_FLAGS                                                            \
	"[--kind material|service] [--category C] "                           \
	"[--urgency critical|urgent|normal|low] [--qty N] "                   \
	"[--needed-by DATE] [--location L] [--for NAME] [--description D] "   \
	"[--private TEXT [--private-to MEMBER]...]"

enum { C_ADD, C_LIST, C_SHOW, C_EDIT, C_WITHDRAW, C_CLAIM, C_UNCLAIM,
       C_DELIVER, C_ACCEPT, C_CONFIRM, C_RENEW };

static const struct cli_cmd cmds[] = {
	[C_ADD] = { "add", wish_add, "wish add --title T " WISH_FLAGS,
		    N_("ask neighbours for something; prints its id"), 0 },
	[C_LIST] = { "list", wish_list,
		     "wish list [--status S] [--urgency U] [--search Q] [--mine] "
		     "[--all]",
		     N_("list wishes, most urgent first, then oldest"), 0 },
	[C_SHOW] = { "show", wish_show, "wish show ID",
		     N_("show one wish with its claims"), 0 },
	[C_EDIT] = { "edit", wish_edit, "wish edit ID [--title T] " WISH_FLAGS,
		     N_("change your wish"), 0 },
	[C_WITHDRAW] = { "withdraw", wish_withdraw, "wish withdraw ID",
			 N_("take back your wish for good"), 0 },
	[C_CLAIM] = { "claim", wish_claim, "wish claim ID [--qty N] [--note N]",
		      N_("offer to fulfil a wish; prints the claim id"), 0 },
	[C_UNCLAIM] = { "unclaim", wish_unclaim, "wish unclaim CLAIM",
			N_("take back your offer"), 0 },
	[C_DELIVER] = { "deliver", wish_deliver, "wish deliver CLAIM",
			N_("say that you have done what you offered"), 0 },
	[C_ACCEPT] = { "accept", wish_accept, "wish accept CLAIM",
		       N_("choose whose offer you take (your wish)"), 0 },
	[C_CONFIRM] = { "confirm", wish_confirm, "wish confirm ID [--hours H]",
			N_("say your wish was fulfilled; credits the helper's "
			"hours"), 0 },
	[C_RENEW] = { "renew", wish_renew, "wish renew ID",
		      N_("keep your wish listed (wishes expire 30 days after their "
		      "last change)"), 0 },
};

int cli_wish(struct cli *c, int argc, char **argv)
{
	return cli_dispatch(c, "wish", cmds, ARRAY_SIZE(cmds), argc, argv);
}

static const struct option wish_opts[] = {
	{ "title", required_argument, NULL, OPT_BASE + F_WISH_TITLE },
	{ "kind", required_argument, NULL, OPT_BASE + F_WISH_KIND },
	{ "category", required_argument, NULL, OPT_BASE + F_WISH_CATEGORY },
	{ "urgency", required_argument, NULL, OPT_BASE + F_WISH_URGENCY },
	{ "qty", required_argument, NULL, OPT_BASE + F_WISH_QUANTITY },
	{ "needed-by", required_argument, NULL, OPT_BASE + F_WISH_NEEDED_BY },
	{ "location", required_argument, NULL, OPT_BASE + F_WISH_LOCATION },
	{ "for", required_argument, NULL, OPT_BASE + F_WISH_FOR },
	{ "description", required_argument, NULL, OPT_BASE + F_WISH_DESCRIPTION },
	{ "private", required_argument, NULL, OPT_BASE + F_WISH_PRIVATE },
	{ "private-to", required_argument, NULL, OPT_PRIVATE_TO },
	{ NULL, 0, NULL, 0 },
};

static int parse_wish(const struct cli_cmd *cmd, int argc, char **argv,
		      struct crdt_op *op, const char **pos,
		      struct action_private *priv)
{
	int ch, k, rc;
	int64_t v;

	*pos = NULL;
	memset(priv, 0, sizeof *priv);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", wish_opts, NULL)) != -1) {
		switch (ch) {
		case 1:
			if (*pos)
				return cli_usage(cmd, "unexpected argument '%s'",
						 optarg);
			*pos = optarg;
			break;
		case OPT_BASE + F_WISH_KIND:
			k = crdt_enum_lookup(crdt_wish_kinds, CRDT_WISH_KINDS,
					     optarg);
			if (k < 0)
				return cli_usage(cmd, "unknown kind '%s'", optarg);
			(void)crdt_op_set_int(op, F_WISH_KIND, k);
			break;
		case OPT_BASE + F_WISH_URGENCY:
			k = crdt_enum_lookup(crdt_urgencies, CRDT_URGENCIES,
					     optarg);
			if (k < 0)
				return cli_usage(cmd, "unknown urgency '%s'",
						 optarg);
			(void)crdt_op_set_int(op, F_WISH_URGENCY, k);
			break;
		case OPT_BASE + F_WISH_QUANTITY:
			if (cli_parse_qty(optarg, &v))
				return cli_usage(cmd,
						 "--qty must be a whole number "
						 "from 1, not '%s'",
						 optarg);
			(void)crdt_op_set_int(op, F_WISH_QUANTITY, v);
			break;
		case OPT_BASE + F_WISH_NEEDED_BY:
			if (cli_parse_date(optarg, &v))
				return cli_usage(cmd,
						 "--needed-by needs a date like "
						 "2026-12-31, not '%s'",
						 optarg);
			(void)crdt_op_set_int(op, F_WISH_NEEDED_BY, v);
			break;
		case OPT_BASE + F_WISH_TITLE:
			if (!*optarg)
				return cli_usage(cmd, "--title cannot be empty");
			/* fall through */
		case OPT_BASE + F_WISH_CATEGORY:
		case OPT_BASE + F_WISH_LOCATION:
		case OPT_BASE + F_WISH_FOR:
		case OPT_BASE + F_WISH_DESCRIPTION:
			if (crdt_op_set_text(op, (unsigned)(ch - OPT_BASE), optarg))
				return cli_usage(cmd, "text is too long (at most "
						      "%d bytes)",
						 CRDT_MAX_TEXT);
			break;
		case OPT_BASE + F_WISH_PRIVATE:
			priv->text = optarg; /* sealed once the replica is open */
			break;
		case OPT_PRIVATE_TO:
			rc = cli_private_add_to(cmd, priv, optarg);
			if (rc)
				return rc;
			break;
		default:
			return cli_bad_option(cmd, argv, ch);
		}
	}
	rc = cli_private_check(cmd, priv);
	if (rc)
		return rc;
	return crdt_op_finish(op) ? CLI_USAGE : 0;
}

/* The author of the accepted claim of a wish, if it still stands. */
static const uint8_t *accepted_helper(struct cli *c,
				      const struct crdt_record_info *wish,
				      struct crdt_record_info *claim)
{
	if (!wish->has_accepted ||
	    crdt_record_info(c->a.r.store, CRDT_R_CLAIM, wish->accepted, claim) ||
	    claim->closed)
		return NULL;
	return claim->author;
}

/* Seal --private into the op (sealed: CRDT_SEAL_MAX bytes, alive until the
 * commit); "" removes the private part. */
static int set_private(struct cli *c, struct crdt_op *op,
		       const struct action_private *priv, const uint8_t *helper,
		       uint8_t *sealed)
{
	size_t len = 0;
	int rc;

	if (!priv->text)
		return 0;
	if (*priv->text) {
		rc = cli_private_seal(c, priv, helper, sealed, &len);
		if (rc)
			return rc;
	}
	(void)crdt_op_set_bytes(op, F_WISH_PRIVATE, sealed, len);
	return crdt_op_finish(op) ? CLI_USAGE : 0;
}

static int wish_add(struct cli *c, int argc, char **argv)
{
	struct action_private priv;
	struct crdt_op op;
	uint8_t sealed[CRDT_SEAL_MAX];
	const char *pos;
	uint64_t seq;
	int rc;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_WISH);
	rc = parse_wish(&cmds[C_ADD], argc, argv, &op, &pos, &priv);
	if (rc)
		return rc;
	if (pos)
		return cli_usage(&cmds[C_ADD], "unexpected argument '%s'", pos);
	if (!cli_has_field(&op, F_WISH_TITLE))
		return cli_usage(&cmds[C_ADD], "--title is required");
	if (priv.text && !*priv.text)
		return cli_usage(&cmds[C_ADD], "--private cannot be empty");
	if (!cli_has_field(&op, F_WISH_URGENCY))
		(void)crdt_op_set_int(&op, F_WISH_URGENCY, CRDT_URGENCY_NORMAL);
	if (!cli_has_field(&op, F_WISH_KIND))
		(void)crdt_op_set_int(&op, F_WISH_KIND, 0);
	if (!cli_has_field(&op, F_WISH_QUANTITY))
		(void)crdt_op_set_int(&op, F_WISH_QUANTITY, 1);
	if (crdt_op_finish(&op))
		return CLI_USAGE;
	rc = cli_open(c, 1);
	if (!rc)
		rc = set_private(c, &op, &priv, NULL, sealed);
	if (rc)
		return rc;
	rc = crdt_replica_commit(&c->a.r, &op, 1, &seq);
	if (rc)
		return cli_fail_rc(c, rc, "cannot save the wish");
	cli_print_new_id(c, seq, 0);
	return CLI_OK;
}

/* ---- list / show ------------------------------------------------------- */

struct list_ctx {
	struct cli *c;
	struct cli_json_list json;
	int n;
	const struct action_private_view *priv; /* show: the private part */
};

static int wish_text_row(void *ctx, const struct crdt_row *r)
{
	struct list_ctx *l = ctx;
	char sid[9];
	const char *who = cli_col_text(r, "author_name");
	const char *forname = cli_col_text(r, "for_name");

	if (!l->n++)
		printf("%-8s  %-8s  %-9s  %-30s  %s\n", "ID", "URGENCY", "STATUS",
		       "TITLE", "WHO / WHERE");
	cli_short_id(sid, cli_col_text(r, "id"));
	printf("%-8s  %-8s  %-9s  ", cli_txt(sid),
	       cli_txt(cli_col_text(r, "urgency")),
	       cli_txt(cli_col_text(r, "status")));
	cli_cell(cli_col_text(r, "title"), 30, "  ");
	printf("%s%s%s%s\n", cli_txt(*forname ? forname : who),
	       *forname ? " (via " : "", cli_txt(*forname ? who : ""),
	       *forname ? ")" : "");
	return 0;
}

static int wish_list(struct cli *c, int argc, char **argv)
{
	static const char *const statuses[] = { "open",	     "claimed",
						"contested", "delivered",
						"confirmed", "withdrawn",
						"expired" };
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "urgency", required_argument, NULL, 'u' },
		{ "search", required_argument, NULL, 'q' },
		{ "mine", no_argument, NULL, 'm' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct crdt_wish_filter f = { .urgency = -1 };
	struct list_ctx l = { c, { 0 }, 0, NULL };
	int ch, rc, mine = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (crdt_enum_lookup(statuses, ARRAY_SIZE(statuses),
					     optarg) < 0)
				return cli_usage(&cmds[C_LIST],
						 "unknown status '%s' (open, "
						 "claimed, contested, delivered, "
						 "confirmed, withdrawn, expired)",
						 optarg);
			f.status = optarg;
			break;
		case 'u':
			f.urgency = crdt_enum_lookup(crdt_urgencies,
						     CRDT_URGENCIES, optarg);
			if (f.urgency < 0)
				return cli_usage(&cmds[C_LIST],
						 "unknown urgency '%s'", optarg);
			break;
		case 'q':
			f.search = optarg;
			break;
		case 'm':
			mine = 1;
			break;
		case 'a':
			f.all = 1;
			break;
		default:
			return cli_bad_option(&cmds[C_LIST], argv, ch);
		}
	}
	if (optind < argc)
		return cli_usage(&cmds[C_LIST], "unexpected argument '%s'",
				 argv[optind]);
	rc = cli_open(c, mine);
	if (rc)
		return rc;
	cli_banner(c);
	if (mine)
		f.author = c->a.r.id.pk;
	rc = crdt_query_wishes(c->a.r.store, &f, c->a.now,
			       c->json ? cli_json_list_row : wish_text_row,
			       c->json ? (void *)&l.json : (void *)&l);
	if (rc)
		return cli_fail_rc(c, rc, "cannot list wishes");
	if (c->json)
		printf(l.json.n ? "]\n" : "[]\n");
	else if (!l.n)
		fprintf(stderr, "no wishes%s\n", f.all ? "" : " (try --all)");
	return CLI_OK;
}

static int claim_text_row(void *ctx, const struct crdt_row *r)
{
	struct list_ctx *l = ctx;
	char sid[9];
	const char *name = cli_col_text(r, "claimant_name");

	if (!l->n++)
		printf("claims:\n");
	cli_short_id(sid, cli_col_text(r, "id"));
	printf("  %s  %-9s  %lld  %s%s%s\n", cli_txt(sid),
	       cli_txt(cli_col_text(r, "status")),
	       (long long)cli_col_int(r, "quantity"),
	       cli_txt(*name ? name : cli_col_text(r, "claimant")),
	       *cli_col_text(r, "note") ? ": " : "",
	       cli_txt(cli_col_text(r, "note")));
	return 0;
}

static int wish_show_row(void *ctx, const struct crdt_row *r)
{
	struct list_ctx *l = ctx;
	const struct crdt_col *nb = crdt_row_get(r, "needed_by");
	char d[32];

	l->n = 1;
	if (l->c->json) {
		char *buf = NULL;
		size_t n = 0;
		FILE *m = open_memstream(&buf, &n);

		/* the row's object, with the private fields added inside */
		if (!m)
			return KITH_ENOMEM;
		cli_json_row(m, r);
		if (fclose(m) || n < 1) {
			free(buf);
			return KITH_ENOMEM;
		}
		fwrite(buf, 1, n - 1, stdout);
		free(buf);
		cli_private_json(stdout, l->priv);
		printf("}\n");
		return 0;
	}
	cli_show_field("id", cli_col_text(r, "id"));
	cli_show_field("title", cli_col_text(r, "title"));
	cli_show_field("status", cli_col_text(r, "status"));
	cli_show_field("urgency", cli_col_text(r, "urgency"));
	printf("%-12s %s, %lld\n", "kind", cli_txt(cli_col_text(r, "kind")),
	       (long long)cli_col_int(r, "quantity"));
	cli_show_field("category", cli_col_text(r, "category"));
	if (nb && nb->type == CRDT_COL_INT) {
		cli_format_date(d, sizeof d, nb->i);
		cli_show_field("needed by", d);
	}
	cli_show_field("location", cli_col_text(r, "location"));
	cli_show_field("for", cli_col_text(r, "for_name"));
	cli_show_field("description", cli_col_text(r, "description"));
	cli_private_print(stdout, "private      ", l->priv);
	printf("%-12s %s\n", "posted by", cli_txt(cli_col_text(r, "author_name")));
	cli_show_field("author id", cli_col_text(r, "author"));
	return 0;
}

static int wish_show(struct cli *c, int argc, char **argv)
{
	struct crdt_wish_filter f = { .urgency = -1 };
	struct list_ctx l = { c, { 0 }, 0, NULL }, lc = { c, { 0 }, 0, NULL };
	struct crdt_record_info info;
	struct action_private_view priv;
	uint8_t id[CRDT_ID_LEN];
	const char *arg = NULL;
	int rc;

	rc = cli_one_id_arg(&cmds[C_SHOW], argc, argv, &arg);
	if (!rc)
		rc = cli_open(c, 0);
	if (!rc)
		rc = cli_resolve(c, CRDT_R_WISH, arg, id);
	if (rc)
		return rc;
	rc = crdt_record_info(c->a.r.store, CRDT_R_WISH, id, &info);
	if (rc)
		return cli_fail_rc(c, rc, "cannot show wish");
	rc = cli_private_read(c, CRDT_R_WISH, id, info.author, &priv);
	if (rc)
		return rc;
	l.priv = &priv;
	f.id = id;
	rc = crdt_query_wishes(c->a.r.store, &f, c->a.now, wish_show_row, &l);
	action_private_view_wipe(&priv);
	if (!rc && !c->json)
		rc = crdt_query_claims(c->a.r.store, id, claim_text_row, &lc);
	if (rc)
		return cli_fail_rc(c, rc, "cannot show wish");
	return CLI_OK;
}

/* ---- writes ------------------------------------------------------------ */

static int load(struct cli *c, int rtype, const char *arg,
		struct crdt_record_info *info)
{
	uint8_t id[CRDT_ID_LEN];
	int rc = cli_open(c, 1);

	if (!rc)
		rc = cli_resolve(c, rtype, arg, id);
	if (rc)
		return rc;
	rc = crdt_record_info(c->a.r.store, rtype, id, info);
	if (rc)
		return cli_fail_rc(c, rc, "cannot read record");
	return 0;
}

static int mine(struct cli *c, const struct crdt_record_info *info)
{
	return crdt_equal(info->author, c->a.r.id.pk, CRDT_PK_LEN);
}

static int own_wish(struct cli *c, const char *arg, const char *verb,
		    struct crdt_record_info *info)
{
	int rc = load(c, CRDT_R_WISH, arg, info);

	if (rc)
		return rc;
	if (!mine(c, info))
		return cli_fail("you cannot %s wish '%s': it was posted by "
				"another member",
				verb, arg);
	if (info->closed)
		return cli_fail("wish '%s' was withdrawn", arg);
	if (info->confirmed)
		return cli_fail("wish '%s' is already confirmed as fulfilled",
				arg);
	return 0;
}

/* A claim of ours on a wish. */
static int own_claim(struct cli *c, const char *arg, const char *verb,
		     struct crdt_record_info *info)
{
	int rc = load(c, CRDT_R_CLAIM, arg, info);

	if (rc)
		return rc;
	if (!mine(c, info))
		return cli_fail("you cannot %s claim '%s': it was made by another "
				"member",
				verb, arg);
	if (info->closed)
		return cli_fail("claim '%s' was already taken back", arg);
	return 0;
}

static int wish_edit(struct cli *c, int argc, char **argv)
{
	struct crdt_record_info info, claim;
	struct action_private priv;
	struct crdt_op op;
	uint8_t sealed[CRDT_SEAL_MAX];
	const char *pos;
	int rc;

	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_WISH);
	rc = parse_wish(&cmds[C_EDIT], argc, argv, &op, &pos, &priv);
	if (rc)
		return rc;
	if (!pos)
		return cli_usage(&cmds[C_EDIT], "an id is required");
	if (!op.nvals && !priv.text)
		return cli_usage(&cmds[C_EDIT], "nothing to change");
	rc = own_wish(c, pos, "edit", &info);
	if (!rc)
		rc = set_private(c, &op, &priv,
				 accepted_helper(c, &info, &claim), sealed);
	if (!rc)
		rc = cli_commit_ref(c, &op, info.id, "cannot save the edit");
	if (!rc && !c->json)
		fprintf(stderr, "wish updated\n");
	return rc;
}

static int wish_withdraw(struct cli *c, int argc, char **argv)
{
	struct crdt_record_info info;
	struct crdt_op op;
	const char *arg = NULL;
	int rc = cli_one_id_arg(&cmds[C_WITHDRAW], argc, argv, &arg);

	if (!rc)
		rc = own_wish(c, arg, "withdraw", &info);
	if (rc)
		return rc;
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_WISH);
	(void)crdt_op_set_int(&op, F_WISH_WITHDRAWN, 1);
	rc = cli_commit_ref(c, &op, info.id, "cannot withdraw the wish");
	if (!rc && !c->json)
		fprintf(stderr, "wish withdrawn\n");
	return rc;
}

static int wish_claim(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "qty", required_argument, NULL, 'q' },
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct crdt_record_info info;
	struct crdt_op op;
	const char *arg = NULL, *note = NULL;
	int64_t qty = 1;
	uint64_t seq;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 1 && !arg)
			arg = optarg;
		else if (ch == 'n')
			note = optarg;
		else if (ch == 'q' && cli_parse_qty(optarg, &qty))
			return cli_usage(&cmds[C_CLAIM],
					 "--qty must be a whole number from 1, "
					 "not '%s'",
					 optarg);
		else if (ch != 'q')
			return cli_bad_option(&cmds[C_CLAIM], argv, ch);
	}
	if (!arg)
		return cli_usage(&cmds[C_CLAIM], "an id is required");
	rc = load(c, CRDT_R_WISH, arg, &info);
	if (rc)
		return rc;
	if (mine(c, &info))
		return cli_fail("wish '%s' is your own; you cannot claim it", arg);
	if (info.closed || info.confirmed)
		return cli_fail("wish '%s' is %s and no longer needs help", arg,
				info.closed ? "withdrawn" : "already fulfilled");
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_CLAIM);
	(void)crdt_op_set_bytes(&op, F_CLAIM_TARGET, info.id, CRDT_ID_LEN);
	(void)crdt_op_set_int(&op, F_CLAIM_QUANTITY, qty);
	if (note && crdt_op_set_text(&op, F_CLAIM_NOTE, note))
		return cli_usage(&cmds[C_CLAIM], "--note is too long");
	if (crdt_op_finish(&op))
		return CLI_USAGE;
	rc = crdt_replica_commit(&c->a.r, &op, 1, &seq);
	if (rc)
		return cli_fail_rc(c, rc, "cannot save the claim");
	cli_print_new_id(c, seq, 0);
	return CLI_OK;
}

static int claim_flag(struct cli *c, int argc, char **argv, int which,
		      unsigned field, const char *verb, const char *done)
{
	struct crdt_record_info info;
	struct crdt_op op;
	const char *arg = NULL;
	int rc = cli_one_id_arg(&cmds[which], argc, argv, &arg);

	if (!rc)
		rc = own_claim(c, arg, verb, &info);
	if (rc)
		return rc;
	if (field == F_CLAIM_DELIVERED && info.confirmed)
		return cli_fail("claim '%s' is already marked delivered", arg);
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_CLAIM);
	(void)crdt_op_set_int(&op, field, 1);
	rc = cli_commit_ref(c, &op, info.id, "cannot save");
	if (!rc && !c->json)
		fprintf(stderr, "%s\n", done);
	return rc;
}

static int wish_unclaim(struct cli *c, int argc, char **argv)
{
	return claim_flag(c, argc, argv, C_UNCLAIM, F_CLAIM_CANCELLED,
			  "take back", "claim taken back");
}

static int wish_deliver(struct cli *c, int argc, char **argv)
{
	return claim_flag(c, argc, argv, C_DELIVER, F_CLAIM_DELIVERED,
			  "mark delivered", "marked as delivered; the wish's "
					    "author can now confirm it");
}

static int wish_accept(struct cli *c, int argc, char **argv)
{
	struct crdt_record_info claim, wish;
	struct crdt_op op;
	uint8_t sealed[CRDT_SEAL_MAX];
	size_t slen = 0;
	char hex[2 * CRDT_ID_LEN + 1];
	const char *arg = NULL;
	int rc = cli_one_id_arg(&cmds[C_ACCEPT], argc, argv, &arg);

	if (!rc)
		rc = load(c, CRDT_R_CLAIM, arg, &claim);
	if (rc)
		return rc;
	if (claim.target_rtype != CRDT_R_WISH)
		return cli_fail("claim '%s' is not on a wish this replica knows",
				arg);
	crdt_hex(hex, claim.target, CRDT_ID_LEN);
	rc = own_wish(c, hex, "accept a claim on", &wish);
	if (rc)
		return rc;
	if (claim.closed)
		return cli_fail("claim '%s' was taken back by its helper", arg);
	/* the helper may now read the private part: seal it to them too */
	rc = cli_private_reseal(c, CRDT_R_WISH, wish.id, claim.author, sealed,
				&slen);
	if (rc)
		return rc;
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_WISH);
	(void)crdt_op_set_bytes(&op, F_WISH_ACCEPTED, claim.id, CRDT_ID_LEN);
	if (slen)
		(void)crdt_op_set_bytes(&op, F_WISH_PRIVATE, sealed, slen);
	rc = cli_commit_ref(c, &op, wish.id, "cannot accept the claim");
	if (!rc && !c->json)
		fprintf(stderr, "claim accepted\n");
	return rc;
}

static int wish_confirm(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hours", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct crdt_record_info info;
	struct crdt_op op;
	const char *arg = NULL;
	const uint8_t *claim = NULL;
	int64_t quarters = -1;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 1 && !arg)
			arg = optarg;
		else if (ch == 'h' && cli_parse_hours(optarg, &quarters))
			return cli_usage(&cmds[C_CONFIRM],
					 "--hours must be a number of hours "
					 "from 0 to %d, like 1.5, not '%s'",
					 CRDT_MAX_HOURS, optarg);
		else if (ch != 'h')
			return cli_bad_option(&cmds[C_CONFIRM], argv, ch);
	}
	if (!arg)
		return cli_usage(&cmds[C_CONFIRM], "an id is required");
	rc = own_wish(c, arg, "confirm", &info);
	if (rc)
		return rc;
	if (info.has_accepted) {
		struct crdt_record_info ci;

		/* an accepted claim its helper took back credits nobody */
		if (crdt_record_info(c->a.r.store, CRDT_R_CLAIM, info.accepted,
				     &ci) == 0 &&
		    !ci.closed)
			claim = info.accepted;
		else
			info.has_accepted = 0;
	}
	if (claim)
		;
	else if (info.active_claims == 1)
		claim = info.one_claim;
	else if (info.active_claims > 1)
		return cli_fail("several neighbours offered help; choose one "
				"first with 'kith wish accept CLAIM' (see 'kith "
				"wish show %s')",
				arg);
	if (!claim && quarters > 0)
		return cli_fail("nobody claimed wish '%s', so there is no one to "
				"credit hours to",
				arg);
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_WISH);
	(void)crdt_op_set_int(&op, F_WISH_CONFIRMED, 1);
	if (claim && !info.has_accepted)
		(void)crdt_op_set_bytes(&op, F_WISH_ACCEPTED, claim, CRDT_ID_LEN);
	if (quarters >= 0)
		(void)crdt_op_set_int(&op, F_WISH_HOURS, quarters);
	rc = cli_commit_ref(c, &op, info.id, "cannot confirm the wish");
	if (!rc && !c->json)
		fprintf(stderr, "wish confirmed as fulfilled%s\n",
			quarters > 0 ? "; hours credited to the helper" : "");
	return rc;
}

static int wish_renew(struct cli *c, int argc, char **argv)
{
	struct crdt_record_info info;
	struct crdt_op op;
	const char *arg = NULL;
	int rc = cli_one_id_arg(&cmds[C_RENEW], argc, argv, &arg);

	if (!rc)
		rc = own_wish(c, arg, "renew", &info);
	if (rc)
		return rc;
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_WISH); /* no fields: renew */
	rc = cli_commit_ref(c, &op, info.id, "cannot renew the wish");
	if (!rc && !c->json)
		fprintf(stderr, "wish renewed for another 30 days\n");
	return rc;
}
