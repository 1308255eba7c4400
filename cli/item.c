/*
 * item.c - kith item add|list|show|edit|withdraw|lend|give|return|request|
 * renew:
 * options in, action/item.h called, text or --json out.
 */
#include <stddef.h>
#include <string.h>

#include "action/item.h"
#include "action/loan.h"
#include "cli.h"
#include "crdt/codec.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "fields.h"

static int item_add(struct cli *c, int argc, char **argv);
static int item_list(struct cli *c, int argc, char **argv);
static int item_show(struct cli *c, int argc, char **argv);
static int item_edit(struct cli *c, int argc, char **argv);
static int item_withdraw(struct cli *c, int argc, char **argv);
static int item_lend(struct cli *c, int argc, char **argv);
static int item_give(struct cli *c, int argc, char **argv);
static int item_return(struct cli *c, int argc, char **argv);
static int item_request(struct cli *c, int argc, char **argv);
static int item_renew(struct cli *c, int argc, char **argv);

#define ITEM_FLAGS                                                           \
	"[--kind give|lend|share|skill|service|space|resource] "             \
	"[--category C] [--qty N] [--unit U] [--condition C] "               \
	"[--location L] [--description D] [--until DATE]"

enum { CMD_ADD, CMD_LIST, CMD_SHOW, CMD_EDIT, CMD_WITHDRAW, CMD_LEND,
       CMD_RETURN, CMD_REQUEST, CMD_RENEW, CMD_GIVE };

static const struct cli_cmd cmds[] = {
	[CMD_ADD] = { "add", item_add, "item add --title T " ITEM_FLAGS,
		      N_("offer something; prints its id"), 0 },
	[CMD_LIST] = { "list", item_list,
		       "item list [--mine] [--kind K] [--category C] [--search Q] "
		       "[--all] [--overdue]",
		       N_("list items (available, requested and on loan; --all for "
			  "every one)"), 0 },
	[CMD_SHOW] = { "show", item_show, "item show ID",
		       N_("show one item with its requests"), 0 },
	[CMD_EDIT] = { "edit", item_edit, "item edit ID [--title T] " ITEM_FLAGS,
		       N_("change your item"), 0 },
	[CMD_WITHDRAW] = { "withdraw", item_withdraw, "item withdraw ID",
			   N_("take your item off the lists for good"), 0 },
	[CMD_LEND] = { "lend", item_lend, "item lend ID --to MEMBER [--due DATE]",
		       N_("record that you lent your item to a member"), 0 },
	[CMD_RETURN] = { "return", item_return, "item return ID|LOAN",
			 N_("record that your lent item came back"), 0 },
	[CMD_REQUEST] = { "request", item_request, "item request ID [--note N]",
			  N_("ask the owner for an item"), 0 },
	[CMD_RENEW] = { "renew", item_renew, "item renew ID",
			N_("keep your item listed (items expire 90 days after their "
			   "last change)"), 0 },
	[CMD_GIVE] = { "give", item_give, "item give ID --to MEMBER",
		       N_("record that you gave your item (or one of them) to a "
			  "member"), 0 },
};

int cli_item(struct cli *c, int argc, char **argv)
{
	return cli_dispatch(c, "item", cmds, ARRAY_SIZE(cmds), argc, argv);
}

/* Parse the item flags into f and check their values (action/item.h);
 * returns 0 or an exit code.  *pos gets the first positional argument (or
 * NULL). */
static int parse_item(struct cli *c, const struct cli_cmd *cmd, int argc,
		      char **argv, int adding, struct action_item_fields *f,
		      const char **pos)
{
	struct cli_args args;
	int status;

	memset(f, 0, sizeof *f);
	status = cli_fields_parse(cmd, &cli_item_fields, argc, argv, f, &args);
	*pos = args.pos[0];
	if (status)
		return status;
	if (adding && *pos)
		return cli_usage(cmd, "unexpected argument '%s'", *pos);
	if (!adding && !*pos)
		return cli_usage(cmd, "an id is required");
	if (action_item_check(&c->a, f, adding))
		return cli_usage_action(c, cmd);
	return CLI_OK;
}

static int item_add(struct cli *c, int argc, char **argv)
{
	struct action_item_fields f;
	struct action_item_done done;
	const char *pos;
	int status = parse_item(c, &cmds[CMD_ADD], argc, argv, 1, &f, &pos);

	if (!status)
		status = cli_open(c, 1);
	if (status)
		return status;
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
	struct cli_rows *l = ctx;
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
#define FILTER(m) offsetof(struct action_item_filter, m)
	static const struct cli_field opts[] = {
		CLI_OPT_FLAG("mine", FILTER(mine)),
		CLI_OPT("kind", FILTER(kind), cli_field_text, NULL),
		CLI_OPT("category", FILTER(category), cli_field_text, NULL),
		CLI_OPT("search", FILTER(search), cli_field_text, NULL),
		CLI_OPT_FLAG("all", FILTER(all)),
		CLI_OPT_FLAG("overdue", FILTER(overdue)),
	};
#undef FILTER
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts),
					     CLI_OPTS_ONLY, NULL };
	struct action_item_filter f;
	struct cli_rows l = { c, { 0 }, 0 };
	struct cli_args args;
	int status, err;

	memset(&f, 0, sizeof f);
	status = cli_fields_parse(&cmds[CMD_LIST], &t, argc, argv, &f, &args);
	if (!status)
		status = cli_open(c, f.mine);
	if (status)
		return status;
	cli_banner(c);
	err = action_item_list(&c->a, &f, item_text_row, &l);
	if (err) /* KITH_EINVAL: a value the person gave (--kind) */
		return cli_refused(c, &cmds[CMD_LIST], err);
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
	show_field(_("entered by"), v->entered_by);
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
	int status;

	memset(&s, 0, sizeof s);
	s.c = c;
	status = cli_id_open(c, &cmds[CMD_SHOW], argc, argv, 0, &arg);
	if (status)
		return status;
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
	int status = parse_item(c, &cmds[CMD_EDIT], argc, argv, 0, &f, &pos);

	if (!status)
		status = cli_open(c, 1);
	if (status)
		return status;
	if (action_item_edit(&c->a, pos, &f, &done))
		return cli_fail_action(c);
	cli_say(c, _("item '%s' is updated (id %s); neighbours see the "
		  "change when your machines sync\n"),
		cli_txt(done.title), done.short_id);
	return CLI_OK;
}

/* A write on one item or loan, the id the one argument: fn(id, done)
 * with the identity open.  CLI_OK with done filled, or the exit status. */
static int item_do(struct cli *c, int which, int argc, char **argv,
		   int (*fn)(struct action *a, const char *id,
			     struct action_item_done *done),
		   struct action_item_done *done)
{
	const char *arg = NULL;
	int status = cli_id_open(c, &cmds[which], argc, argv, 1, &arg);

	if (status)
		return status;
	if (fn(&c->a, arg, done))
		return cli_fail_action(c);
	return CLI_OK;
}

static int item_withdraw(struct cli *c, int argc, char **argv)
{
	struct action_item_done done;
	int status = item_do(c, CMD_WITHDRAW, argc, argv, action_item_withdraw,
			     &done);

	if (status)
		return status;
	cli_say(c, _("item '%s' is withdrawn (id %s): it no longer shows "
		  "in lists, and this cannot be undone\n"),
		cli_txt(done.title), done.short_id);
	return CLI_OK;
}

/* kith item lend ID --to MEMBER [--due DATE] */
struct lend_opts {
	const char *to;
	int64_t due;
};

static int item_lend(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("to", offsetof(struct lend_opts, to), cli_field_text,
			NULL),
		CLI_OPT("due", offsetof(struct lend_opts, due), cli_field_date,
			N_("--due needs a date like 2026-12-31, not '%s'")),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts), 1,
					     N_("an id is required") };
	const struct cli_cmd *cmd = &cmds[CMD_LEND];
	struct lend_opts o = { NULL, 0 };
	struct action_item_done done;
	struct cli_args args;
	char d[32];
	int status;

	status = cli_fields_parse(cmd, &t, argc, argv, &o, &args);
	if (!status && !o.to)
		status = cli_usage(cmd, "--to MEMBER is required");
	if (!status)
		status = cli_open(c, 1);
	if (status)
		return status;
	if (action_loan_lend(&c->a, args.pos[0], o.to, o.due, &done))
		return cli_fail_action(c);
	cli_print_id(c, done.id);
	if (c->json)
		return CLI_OK;
	if (o.due) {
		cli_format_date(d, sizeof d, o.due);
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

/* kith item give ID --to MEMBER (the web app's "Give to", one change) */
static int item_give(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("to", 0, cli_field_text, NULL),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts), 1,
					     N_("an id is required") };
	const struct cli_cmd *cmd = &cmds[CMD_GIVE];
	struct action_item_done done;
	struct cli_args args;
	const char *to = NULL;
	int status;

	status = cli_fields_parse(cmd, &t, argc, argv, &to, &args);
	if (!status && !to)
		status = cli_usage(cmd, "--to MEMBER is required");
	if (!status)
		status = cli_open(c, 1);
	if (status)
		return status;
	if (action_loan_give(&c->a, args.pos[0], to, &done))
		return cli_fail_action(c);
	cli_print_id(c, done.id);
	if (c->json)
		return CLI_OK;
	if (done.quantity_left > 0)
		fprintf(stderr,
			_("you gave one '%s' to %s; %lld stay listed for other "
			  "neighbours\n"),
			cli_txt(done.title), cli_txt(done.who),
			(long long)done.quantity_left);
	else
		fprintf(stderr,
			_("you gave '%s' to %s; it no longer shows in the "
			  "lists. Thank you for sharing\n"),
			cli_txt(done.title), cli_txt(done.who));
	return CLI_OK;
}

static int item_return(struct cli *c, int argc, char **argv)
{
	struct action_item_done done;
	int status = item_do(c, CMD_RETURN, argc, argv, action_loan_return,
			     &done);

	if (status)
		return status;
	cli_say(c, _("'%s' is back from %s (loan %s); it can be lent "
		  "again\n"),
		cli_txt(done.title), cli_txt(done.who), done.short_id);
	return CLI_OK;
}

static int item_request(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("note", 0, cli_field_text, NULL),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts), 1,
					     N_("an id is required") };
	const struct cli_cmd *cmd = &cmds[CMD_REQUEST];
	struct action_item_done done;
	const char *note = NULL;
	struct cli_args args;
	int status;

	status = cli_fields_open(c, cmd, &t, argc, argv, &note, &args,
				 1);
	if (status)
		return status;
	if (action_item_request(&c->a, args.pos[0], note, &done))
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
	char d[32];
	int status = item_do(c, CMD_RENEW, argc, argv, action_item_renew,
			     &done);

	if (status)
		return status;
	if (!c->json) {
		cli_format_date(d, sizeof d, c->a.now + 90 * 86400);
		fprintf(stderr,
			_("item '%s' stays listed for another 90 days, until "
			  "%s; renew it again before then to keep it listed\n"),
			cli_txt(done.title), d);
	}
	return CLI_OK;
}
