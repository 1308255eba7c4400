/*
 * item.c - kith item add|list|show|edit|withdraw|lend|return|request|renew:
 * options in, action/item.h called, text or --json out.
 */
#include <getopt.h>
#include <string.h>

#include "action/item.h"
#include "action/loan.h"
#include "cli.h"
#include "crdt/codec.h"
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
	{ "return", item_return, "item return ID|LOAN",
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

enum { CMD_ADD, CMD_LIST, CMD_SHOW, CMD_EDIT, CMD_WITHDRAW, CMD_LEND,
       CMD_RETURN, CMD_REQUEST, CMD_RENEW };

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

/* Parse the item flags into f and check their values (action/item.h);
 * returns 0 or an exit code.  *pos gets the first positional argument (or
 * NULL). */
static int parse_item(struct cli *c, const struct cli_cmd *cmd, int argc,
		      char **argv, int adding, struct action_item_fields *f,
		      const char **pos)
{
	int ch;

	memset(f, 0, sizeof *f);
	*pos = NULL;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", item_opts, NULL)) != -1) {
		switch (ch) {
		case 1:
			if (*pos)
				return cli_usage(cmd, "unexpected argument '%s'",
						 optarg);
			*pos = optarg;
			break;
		case OPT_BASE + F_ITEM_TITLE:
			f->title = optarg;
			break;
		case OPT_BASE + F_ITEM_KIND:
			f->kind = optarg;
			break;
		case OPT_BASE + F_ITEM_CATEGORY:
			f->category = optarg;
			break;
		case OPT_BASE + F_ITEM_UNIT:
			f->unit = optarg;
			break;
		case OPT_BASE + F_ITEM_CONDITION:
			f->condition = optarg;
			break;
		case OPT_BASE + F_ITEM_LOCATION:
			f->location = optarg;
			break;
		case OPT_BASE + F_ITEM_DESCRIPTION:
			f->description = optarg;
			break;
		case OPT_BASE + F_ITEM_QUANTITY:
			if (cli_parse_qty(optarg, &f->quantity))
				return cli_usage(cmd,
						 "--qty must be a whole number "
						 "from 1, not '%s'",
						 optarg);
			break;
		case OPT_BASE + F_ITEM_UNTIL:
			if (cli_parse_date(optarg, &f->until))
				return cli_usage(cmd,
						 "--until needs a date like "
						 "2026-12-31, not '%s'",
						 optarg);
			break;
		default:
			return cli_bad_option(cmd, argv, ch);
		}
	}
	if (adding && *pos)
		return cli_usage(cmd, "unexpected argument '%s'", *pos);
	if (!adding && !*pos)
		return cli_usage(cmd, "an id is required");
	if (action_item_check(&c->a, f, adding))
		return cli_usage_action(c, cmd);
	return 0;
}

static int item_add(struct cli *c, int argc, char **argv)
{
	struct action_item_fields f;
	struct action_item_done done;
	const char *pos;
	int rc = parse_item(c, &cmds[CMD_ADD], argc, argv, 1, &f, &pos);

	if (rc)
		return rc;
	rc = cli_open(c, 1);
	if (rc)
		return rc;
	if (action_item_add(&c->a, &f, &done))
		return cli_fail_action(c);
	cli_print_id(c, done.id);
	cli_say(c, _("your item '%s' is posted (id %s); neighbours see it "
		  "when your machines sync. When someone asks for it, "
		  "'kith item show %s' lists the requests.\n"),
		cli_txt(done.title), done.short_id, done.short_id);
	return CLI_OK;
}

/* ---- list / show ------------------------------------------------------- */

struct list_ctx {
	struct cli *c;
	struct cli_json_list json;
	int n;
};

static const char *status_word(const char *s)
{
	return action_pgettext("status", s);
}

static const char *kind_word(const char *s)
{
	return action_pgettext("kind", s);
}

static int item_text_row(void *ctx, const struct action_item_view *v)
{
	struct list_ctx *l = ctx;
	char qty[24], due[32], loan[256];

	if (l->c->json)
		return cli_json_list_row(&l->json, v->row);
	if (!l->n++) {
		cli_cell(_("ID"), 8, "  ");
		cli_cell(_("STATUS"), 10, "  ");
		cli_cell(_("KIND"), 8, "  ");
		printf("%5s  ", _("QTY"));
		cli_cell(_("TITLE"), 30, "  ");
		printf("%s\n", _("WHERE / WHO"));
	}
	cli_cell(v->short_id, 8, "  ");
	cli_cell(status_word(v->status), 10, "  ");
	cli_cell(kind_word(v->kind), 8, "  ");
	snprintf(qty, sizeof qty, "%lld", (long long)v->quantity);
	printf("%5s  ", qty);
	cli_cell(v->title, 30, "  ");
	printf("%s%s%s", cli_txt(v->location), *v->location ? " / " : "",
	       cli_txt(v->owner_name));
	if (v->on_loan && v->due) {
		cli_format_date(due, sizeof due, v->due);
		/* TRANSLATORS: after an item in a list: borrower, due date */
		snprintf(loan, sizeof loan, _(" (lent to %s until %s)"),
			 cli_txt(v->borrower_name), due);
		fputs(loan, stdout);
	} else if (v->on_loan) {
		snprintf(loan, sizeof loan, _(" (lent to %s)"),
			 cli_txt(v->borrower_name));
		fputs(loan, stdout);
	}
	putchar('\n');
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
	struct action_item_filter f;
	struct list_ctx l = { c, { 0 }, 0 };
	int ch, rc;

	memset(&f, 0, sizeof f);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			f.mine = 1;
			break;
		case 'k':
			f.kind = optarg;
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
			return cli_bad_option(&cmds[CMD_LIST], argv, ch);
		}
	}
	if (optind < argc)
		return cli_usage(&cmds[CMD_LIST], "unexpected argument '%s'",
				 argv[optind]);
	rc = cli_open(c, f.mine);
	if (rc)
		return rc;
	cli_banner(c);
	rc = action_item_list(&c->a, &f, item_text_row, &l);
	if (rc) /* KITH_EINVAL: a value the person gave (--kind) */
		return cli_refused(c, &cmds[CMD_LIST], rc);
	if (c->json)
		printf(l.json.n ? "]\n" : "[]\n");
	else if (!l.n && f.overdue)
		fprintf(stderr, "%s\n", _("no item is overdue"));
	else if (!l.n && f.all)
		fprintf(stderr, "%s\n", _("no items"));
	else if (!l.n)
		fprintf(stderr, "%s\n", _("no items (try --all)"));
	return CLI_OK;
}

struct show_ctx {
	struct cli *c;
	int n; /* requests shown */
	char loan[ACTION_HEX_MAX]; /* the current loan's short id */
	int mine;
};

static void show_field(const char *label, const char *v)
{
	cli_show_field(label, v);
}

static int item_show_row(void *ctx, const struct action_item_view *v)
{
	struct show_ctx *s = ctx;
	char d[32], owner[2 * CRDT_PK_LEN + 1];

	if (s->c->json) {
		cli_json_row(stdout, v->row);
		return 0;
	}
	show_field(_("id"), v->id);
	show_field(_("title"), v->title);
	show_field(_("status"), status_word(v->status));
	show_field(_("kind"), kind_word(v->kind));
	cli_cell(_("quantity"), 12, " ");
	printf("%lld%s%s\n", (long long)v->quantity,
	       *v->unit ? " " : "", cli_txt(v->unit));
	show_field(_("category"), v->category);
	show_field(_("condition"), v->condition);
	show_field(_("location"), v->location);
	show_field(_("description"), v->description);
	if (v->until) {
		cli_format_date(d, sizeof d, v->until);
		show_field(_("until"), d);
	}
	show_field(_("owner"), v->owner_name);
	action_short_id(&s->c->a, CRDT_R_MEMBER, v->owner, owner,
			sizeof owner);
	show_field(_("owner id"), owner);
	if (v->on_loan) {
		show_field(_("lent to"), v->borrower_name);
		if (v->due) {
			cli_format_date(d, sizeof d, v->due);
			show_field(_("due"), d);
		}
		show_field(_("loan"), v->loan_short_id);
		snprintf(s->loan, sizeof s->loan, "%s", v->loan_short_id);
	}
	s->mine = v->mine;
	return 0;
}

static int request_text_row(void *ctx, const struct action_item_request_view *v)
{
	struct show_ctx *s = ctx;

	if (!s->n++)
		printf("%s\n", _("requests:"));
	printf("  ");
	cli_cell(v->short_id, 8, "  ");
	cli_cell(status_word(v->status), 10, "  ");
	printf("%s%s%s\n", cli_txt(v->requester_name), *v->note ? ": " : "",
	       cli_txt(v->note));
	return 0;
}

static int item_show(struct cli *c, int argc, char **argv)
{
	struct show_ctx s;
	const char *arg = NULL;
	int rc;

	memset(&s, 0, sizeof s);
	s.c = c;
	rc = cli_one_id_arg(&cmds[CMD_SHOW], argc, argv, &arg);
	if (!rc)
		rc = cli_open(c, 0);
	if (rc)
		return rc;
	if (action_item_show(&c->a, arg, item_show_row,
			     c->json ? NULL : request_text_row, &s))
		return cli_fail_action(c);
	if (c->json)
		printf("\n");
	else if (s.mine && s.loan[0])
		fprintf(stderr,
			_("when it comes back: 'kith item return %s'\n"),
			s.loan);
	return CLI_OK;
}

/* ---- writes on an existing item ---------------------------------------- */

static int item_edit(struct cli *c, int argc, char **argv)
{
	struct action_item_fields f;
	struct action_item_done done;
	const char *pos;
	int rc = parse_item(c, &cmds[CMD_EDIT], argc, argv, 0, &f, &pos);

	if (rc)
		return rc;
	rc = cli_open(c, 1);
	if (rc)
		return rc;
	if (action_item_edit(&c->a, pos, &f, &done))
		return cli_fail_action(c);
	cli_say(c, _("item '%s' is updated (id %s); neighbours see the "
		  "change when your machines sync\n"),
		cli_txt(done.title), done.short_id);
	return CLI_OK;
}

static int item_withdraw(struct cli *c, int argc, char **argv)
{
	struct action_item_done done;
	const char *arg = NULL;
	int rc = cli_one_id_arg(&cmds[CMD_WITHDRAW], argc, argv, &arg);

	if (!rc)
		rc = cli_open(c, 1);
	if (rc)
		return rc;
	if (action_item_withdraw(&c->a, arg, &done))
		return cli_fail_action(c);
	cli_say(c, _("item '%s' is withdrawn (id %s): it no longer shows "
		  "in lists, and this cannot be undone\n"),
		cli_txt(done.title), done.short_id);
	return CLI_OK;
}

static int item_lend(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "due", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_cmd *cmd = &cmds[CMD_LEND];
	struct action_item_done done;
	const char *arg = NULL, *to = NULL;
	char d[32];
	int64_t due = 0;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 1 && !arg)
			arg = optarg;
		else if (ch == 1)
			return cli_usage(cmd, "unexpected argument '%s'",
					 optarg);
		else if (ch == 't')
			to = optarg;
		else if (ch == 'd' && cli_parse_date(optarg, &due))
			return cli_usage(cmd, "--due needs a date like "
					      "2026-12-31, not '%s'",
					 optarg);
		else if (ch != 'd')
			return cli_bad_option(cmd, argv, ch);
	}
	if (!arg)
		return cli_usage(cmd, "an id is required");
	if (!to)
		return cli_usage(cmd, "--to MEMBER is required");
	rc = cli_open(c, 1);
	if (rc)
		return rc;
	if (action_loan_lend(&c->a, arg, to, due, &done))
		return cli_fail_action(c);
	cli_print_id(c, done.id);
	if (c->json)
		return CLI_OK;
	if (due) {
		cli_format_date(d, sizeof d, due);
		fprintf(stderr,
			_("'%s' is lent to %s until %s (loan %s); when it "
			  "comes back: 'kith item return %s'\n"),
			cli_txt(done.title), cli_txt(done.who), d,
			done.short_id, done.short_id);
	} else {
		fprintf(stderr,
			_("'%s' is lent to %s (loan %s); when it comes back: "
			  "'kith item return %s'\n"),
			cli_txt(done.title), cli_txt(done.who), done.short_id,
			done.short_id);
	}
	return CLI_OK;
}

static int item_return(struct cli *c, int argc, char **argv)
{
	struct action_item_done done;
	const char *arg = NULL;
	int rc = cli_one_id_arg(&cmds[CMD_RETURN], argc, argv, &arg);

	if (!rc)
		rc = cli_open(c, 1);
	if (rc)
		return rc;
	if (action_loan_return(&c->a, arg, &done))
		return cli_fail_action(c);
	cli_say(c, _("'%s' is back from %s (loan %s); it can be lent "
		  "again\n"),
		cli_txt(done.title), cli_txt(done.who), done.short_id);
	return CLI_OK;
}

static int item_request(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_cmd *cmd = &cmds[CMD_REQUEST];
	struct action_item_done done;
	const char *arg = NULL, *note = NULL;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 1 && !arg)
			arg = optarg;
		else if (ch == 1)
			return cli_usage(cmd, "unexpected argument '%s'",
					 optarg);
		else if (ch == 'n')
			note = optarg;
		else
			return cli_bad_option(cmd, argv, ch);
	}
	if (!arg)
		return cli_usage(cmd, "an id is required");
	rc = cli_open(c, 1);
	if (rc)
		return rc;
	if (action_item_request(&c->a, arg, note, &done))
		return cli_fail_action(c);
	cli_print_id(c, done.id);
	cli_say(c, _("you asked %s for '%s' (request %s); %s sees it when "
		  "your machines sync and can lend it to you\n"),
		cli_txt(done.who), cli_txt(done.title), done.short_id,
		cli_txt(done.who));
	return CLI_OK;
}

static int item_renew(struct cli *c, int argc, char **argv)
{
	struct action_item_done done;
	const char *arg = NULL;
	char d[32];
	int rc = cli_one_id_arg(&cmds[CMD_RENEW], argc, argv, &arg);

	if (!rc)
		rc = cli_open(c, 1);
	if (rc)
		return rc;
	if (action_item_renew(&c->a, arg, &done))
		return cli_fail_action(c);
	if (!c->json) {
		cli_format_date(d, sizeof d, c->a.now + 90 * 86400);
		fprintf(stderr,
			_("item '%s' stays listed for another 90 days, until "
			  "%s; renew it again before then to keep it listed\n"),
			cli_txt(done.title), d);
	}
	return CLI_OK;
}
