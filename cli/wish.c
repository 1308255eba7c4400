/*
 * wish.c - kith wish add|list|show|edit|withdraw|claim|unclaim|deliver|
 * accept|confirm|renew: options in, action/wish.h, words out.
 *
 * stdout keeps what scripts read: the bare id of a new wish or offer (or
 * {"id":...} with --json), lists and records.  What happened and what to do
 * next goes to stderr, in text mode only.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action/hours_parse.h"
#include "action/wish.h"
#include "cli.h"
#include "crdt/rules.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "fields.h"
#include "private.h"

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

enum { CMD_ADD, CMD_LIST, CMD_SHOW, CMD_EDIT, CMD_WITHDRAW, CMD_CLAIM,
       CMD_UNCLAIM, CMD_DELIVER, CMD_ACCEPT, CMD_CONFIRM, CMD_RENEW };

static const struct cli_cmd cmds[] = {
	[CMD_ADD] = { "add", wish_add, "wish add --title T " WISH_FLAGS,
		    N_("ask neighbours for something; prints its id"), 0 },
	[CMD_LIST] = { "list", wish_list,
		     "wish list [--status S] [--urgency U] [--search Q] [--mine] "
		     "[--all]",
		     N_("list wishes, most urgent first, then oldest"), 0 },
	[CMD_SHOW] = { "show", wish_show, "wish show ID",
		     N_("show one wish with its offers"), 0 },
	[CMD_EDIT] = { "edit", wish_edit, "wish edit ID [--title T] " WISH_FLAGS,
		     N_("change your wish"), 0 },
	[CMD_WITHDRAW] = { "withdraw", wish_withdraw, "wish withdraw ID",
			 N_("take back your wish for good"), 0 },
	[CMD_CLAIM] = { "claim", wish_claim, "wish claim ID [--qty N] [--note N]",
		      N_("offer to fulfil a wish; prints the offer id"), 0 },
	[CMD_UNCLAIM] = { "unclaim", wish_unclaim, "wish unclaim OFFER",
			N_("take back your offer"), 0 },
	[CMD_DELIVER] = { "deliver", wish_deliver, "wish deliver OFFER",
			N_("say that you have done what you offered"), 0 },
	[CMD_ACCEPT] = { "accept", wish_accept, "wish accept OFFER|WISH",
		       N_("choose whose offer you take (your wish); a wish id "
			  "takes its only offer"), 0 },
	[CMD_CONFIRM] = { "confirm", wish_confirm, "wish confirm ID [--hours H]",
			N_("say your wish was fulfilled; credits the helper's "
			"hours"), 0 },
	[CMD_RENEW] = { "renew", wish_renew, "wish renew ID",
		      N_("keep your wish listed (wishes expire 30 days after their "
		      "last change)"), 0 },
};

int cli_wish(struct cli *c, int argc, char **argv)
{
	return cli_dispatch(c, "wish", cmds, ARRAY_SIZE(cmds), argc, argv);
}

/* Options of add and edit into w: 0 or an exit status.  *pos gets the
 * positional argument (or NULL), *nset counts the options given. */
static int parse_wish(const struct cli_cmd *cmd, int argc, char **argv,
		      struct action_wish_fields *w, const char **pos, int *nset)
{
	struct cli_args args;
	int status;

	action_wish_fields_init(w);
	status = cli_fields_parse(cmd, &cli_wish_fields, argc, argv, w, &args);
	*pos = args.pos[0];
	*nset = args.nopts;
	if (status)
		return status;
	return cli_private_check(cmd, &w->priv);
}

static int wish_add(struct cli *c, int argc, char **argv)
{
	const struct cli_cmd *cmd = &cmds[CMD_ADD];
	struct action_wish_fields w;
	struct action_wish_result res;
	const char *pos;
	int status, nset;

	status = parse_wish(cmd, argc, argv, &w, &pos, &nset);
	if (!status && pos)
		status = cli_usage(cmd, "unexpected argument '%s'", pos);
	if (!status && !w.title)
		status = cli_usage(cmd, "--title is required");
	if (!status && w.priv.text && !*w.priv.text)
		status = cli_usage(cmd, "--private cannot be empty");
	if (!status)
		status = cli_open(c, 1);
	if (status)
		return status;
	if (action_wish_add(&c->a, &w, &res))
		return cli_fail_action(c);
	cli_print_id(c, res.wish);
	cli_say(c, _("your wish is posted (id %s); neighbours see it when your "
		 "machines sync. When someone offers help, 'kith wish show %s' "
		 "lists the offers."),
	    res.wish_short, res.wish_short);
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
	struct action *a = &l->c->a;
	char sid[ACTION_SHORT_MAX];
	struct action_person who;
	const char *forname = cli_col_text(r, "for_name");

	if (!l->n++) {
		cli_cell(_("ID"), 8, "  ");
		cli_cell(_("URGENCY"), 8, "  ");
		cli_cell(_("STATUS"), 9, "  ");
		cli_cell(_("TITLE"), 30, "  ");
		printf("%s\n", _("WHO / WHERE"));
	}
	action_short_id(a, CRDT_R_WISH, cli_col_text(r, "id"), sid, sizeof sid);
	action_person_hex(a, cli_col_text(r, "author"), &who);
	printf("%-8s  ", cli_txt(sid));
	cli_cell(action_pgettext("urgency", cli_col_text(r, "urgency")), 8,
		 "  ");
	cli_cell(action_pgettext("status", cli_col_text(r, "status")), 9, "  ");
	cli_cell(cli_col_text(r, "title"), 30, "  ");
	if (*forname)
		/* TRANSLATORS: a neighbour a wish is for, via its poster */
		printf(_("%s (via %s)"), cli_txt(forname), cli_txt(who.label));
	else
		fputs(cli_txt(who.label), stdout);
	putchar('\n');
	return 0;
}

static int wish_list(struct cli *c, int argc, char **argv)
{
#define QUERY(m) offsetof(struct action_wish_query, m)
	static const struct cli_field opts[] = {
		CLI_OPT_WORDS("status", QUERY(status), cli_field_word,
			      N_("unknown status '%s' (open, claimed, contested, "
				 "delivered, confirmed, withdrawn, expired)"),
			      action_wish_statuses, ACTION_WISH_STATUSES),
		CLI_OPT_WORDS("urgency", QUERY(urgency), cli_field_enum,
			      N_("unknown urgency '%s'"), crdt_urgencies,
			      CRDT_URGENCIES),
		CLI_OPT("search", QUERY(search), cli_field_text, NULL),
		CLI_OPT_FLAG("mine", QUERY(mine)),
		CLI_OPT_FLAG("all", QUERY(all)),
	};
#undef QUERY
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts),
					     CLI_OPTS_ONLY, NULL };
	struct action_wish_query q = { .urgency = -1 };
	struct list_ctx l = { c, { 0 }, 0, NULL };
	struct cli_args args;
	int status;

	status = cli_fields_parse(&cmds[CMD_LIST], &t, argc, argv, &q, &args);
	if (!status)
		status = cli_open(c, q.mine);
	if (status)
		return status;
	cli_banner(c);
	if (action_wish_list(&c->a, &q,
			     c->json ? cli_json_list_row : wish_text_row,
			     c->json ? (void *)&l.json : (void *)&l))
		return cli_fail_action(c);
	if (c->json)
		printf(l.json.n ? "]\n" : "[]\n");
	else if (!l.n && q.all)
		fprintf(stderr, "%s\n", _("no wishes"));
	else if (!l.n)
		fprintf(stderr, "%s\n",
			_("no wishes (try --all for fulfilled, withdrawn and "
			  "expired ones)"));
	return CLI_OK;
}

static int claim_text_row(void *ctx, const struct crdt_row *r)
{
	struct list_ctx *l = ctx;
	struct action *a = &l->c->a;
	char sid[ACTION_SHORT_MAX];
	struct action_person who;
	const char *note = cli_col_text(r, "note");

	if (!l->n++)
		printf("%s\n", _("offers:"));
	action_short_id(a, CRDT_R_CLAIM, cli_col_text(r, "id"), sid, sizeof sid);
	action_person_hex(a, cli_col_text(r, "claimant"), &who);
	printf("  %-8s  ", cli_txt(sid));
	cli_cell(action_pgettext("status", cli_col_text(r, "status")), 9, "  ");
	printf("%lld  %s", (long long)cli_col_int(r, "quantity"),
	       cli_txt(who.label));
	if (*note)
		printf(": %s", cli_txt(note));
	putchar('\n');
	return 0;
}

static int wish_show_json(struct list_ctx *l, const struct crdt_row *r)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	int err = 0;

	/* the row's object, with the private fields added inside */
	if (!m)
		return KITH_ENOMEM;
	cli_json_row(m, r);
	if (fclose(m) || n < 1) {
		err = KITH_ENOMEM;
		goto out;
	}
	fwrite(buf, 1, n - 1, stdout);
	cli_private_json(stdout, l->priv);
	printf("}\n");
out:
	free(buf);
	return err;
}

static int wish_show_row(void *ctx, const struct crdt_row *r)
{
	struct list_ctx *l = ctx;
	struct action *a = &l->c->a;
	const struct crdt_col *nb = crdt_row_get(r, "needed_by");
	char d[32], label[64];
	struct action_person who;

	if (l->c->json)
		return wish_show_json(l, r);
	cli_show_field(_("id"), cli_col_text(r, "id"));
	cli_show_field(_("title"), cli_col_text(r, "title"));
	cli_show_field(_("status"),
		       action_pgettext("status", cli_col_text(r, "status")));
	cli_show_field(_("urgency"),
		       action_pgettext("urgency", cli_col_text(r, "urgency")));
	/* TRANSLATORS: "material, 2" - the kind of wish and how many */
	cli_cell(_("kind"), 12, " ");
	printf(_("%s, %lld"), action_pgettext("kind", cli_col_text(r, "kind")),
	       (long long)cli_col_int(r, "quantity"));
	putchar('\n');
	cli_show_field(_("category"), cli_col_text(r, "category"));
	if (nb && nb->type == CRDT_COL_INT) {
		cli_format_date(d, sizeof d, nb->i);
		cli_show_field(_("needed by"), d);
	}
	cli_show_field(_("location"), cli_col_text(r, "location"));
	cli_show_field(_("for"), cli_col_text(r, "for_name"));
	cli_show_field(_("description"), cli_col_text(r, "description"));
	snprintf(label, sizeof label, "%-12s ", _("private"));
	cli_private_print(stdout, label, l->priv);
	action_person_hex(a, cli_col_text(r, "author"), &who);
	cli_show_field(_("posted by"), who.label);
	/* a neighbour without a device: who entered it for them */
	cli_show_field(_("entered by"), cli_col_text(r, "entered_by"));
	cli_show_field(_("author id"), cli_col_text(r, "author"));
	return 0;
}

static int wish_show(struct cli *c, int argc, char **argv)
{
	struct list_ctx l = { c, { 0 }, 0, NULL };
	struct action_private_view priv;
	uint8_t id[CRDT_ID_LEN];
	const char *arg = NULL;
	int status, err;

	status = cli_id_open(c, &cmds[CMD_SHOW], argc, argv, 0, &arg);
	if (status)
		return status;
	l.priv = &priv;
	err = action_wish_show(&c->a, arg, &priv, wish_show_row,
			       c->json ? NULL : claim_text_row, &l, id);
	action_private_view_wipe(&priv);
	if (err)
		return cli_fail_action(c);
	if (!c->json && l.n == 0)
		printf("%s\n", _("no offers of help yet"));
	return CLI_OK;
}

/* ---- writes ------------------------------------------------------------ */

static int wish_edit(struct cli *c, int argc, char **argv)
{
	const struct cli_cmd *cmd = &cmds[CMD_EDIT];
	struct action_wish_fields w;
	struct action_wish_result res;
	const char *pos;
	int status, nset;

	status = parse_wish(cmd, argc, argv, &w, &pos, &nset);
	if (!status && !pos)
		status = cli_usage(cmd, "an id is required");
	if (!status && !nset)
		status = cli_usage(cmd, "nothing to change");
	if (!status)
		status = cli_open(c, 1);
	if (status)
		return status;
	if (action_wish_edit(&c->a, pos, &w, &res))
		return cli_fail_action(c);
	cli_say(c, _("wish %s is changed; neighbours see the change when your "
		 "machines sync."),
	    res.wish_short);
	return CLI_OK;
}

/* A write on one wish or offer, the id the one argument: fn(id, res) with
 * the identity open.  CLI_OK with res filled, or the exit status. */
static int wish_do(struct cli *c, int which, int argc, char **argv,
		   int (*fn)(struct action *a, const char *id,
			     struct action_wish_result *out),
		   struct action_wish_result *res)
{
	const char *arg = NULL;
	int status = cli_id_open(c, &cmds[which], argc, argv, 1, &arg);

	if (status)
		return status;
	if (fn(&c->a, arg, res))
		return cli_fail_action(c);
	return CLI_OK;
}

static int wish_withdraw(struct cli *c, int argc, char **argv)
{
	struct action_wish_result res;
	int status = wish_do(c, CMD_WITHDRAW, argc, argv, action_wish_withdraw,
			     &res);

	if (status)
		return status;
	cli_say(c, _("wish %s is withdrawn for good; neighbours stop seeing it "
		 "once your machines sync. To ask again, post a new wish with "
		 "'kith wish add'."),
	    res.wish_short);
	return CLI_OK;
}

static int wish_renew(struct cli *c, int argc, char **argv)
{
	struct action_wish_result res;
	int status = wish_do(c, CMD_RENEW, argc, argv, action_wish_renew,
			     &res);

	if (status)
		return status;
	cli_say(c, _("wish %s stays listed for another 30 days; if you still need "
		 "help after that, renew it again with 'kith wish renew %s'."),
	    res.wish_short, res.wish_short);
	return CLI_OK;
}

/* kith wish claim ID [--qty N] [--note N] */
struct claim_opts {
	int64_t qty;
	const char *note;
};

static int wish_claim(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("qty", offsetof(struct claim_opts, qty), cli_field_qty,
			N_("--qty must be a whole number from 1, not '%s'")),
		CLI_OPT("note", offsetof(struct claim_opts, note),
			cli_field_text, NULL),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts), 1,
					     N_("an id is required") };
	const struct cli_cmd *cmd = &cmds[CMD_CLAIM];
	struct claim_opts o = { 1, NULL };
	struct action_wish_result res;
	struct cli_args args;
	int status;

	status = cli_fields_open(c, cmd, &t, argc, argv, &o, &args,
				 1);
	if (status)
		return status;
	if (action_wish_claim(&c->a, args.pos[0], o.qty, o.note, &res))
		return cli_fail_action(c);
	cli_print_id(c, res.claim);
	cli_say(c, _("your offer to help %s is saved (offer %s); they see it when "
		 "your machines sync. When you have helped, say so with 'kith "
		 "wish deliver %s'."),
	    cli_txt(res.name), res.claim_short, res.claim_short);
	return CLI_OK;
}

static int wish_unclaim(struct cli *c, int argc, char **argv)
{
	struct action_wish_result res;
	int status = wish_do(c, CMD_UNCLAIM, argc, argv, action_wish_unclaim,
			     &res);

	if (status)
		return status;
	cli_say(c, _("your offer %s is taken back; %s sees this when your machines "
		 "sync."),
	    res.claim_short, cli_txt(res.name));
	return CLI_OK;
}

static int wish_deliver(struct cli *c, int argc, char **argv)
{
	struct action_wish_result res;
	int status = wish_do(c, CMD_DELIVER, argc, argv, action_wish_deliver,
			     &res);

	if (status)
		return status;
	cli_say(c, _("your offer %s is marked as delivered; when your machines "
		 "sync, %s can confirm that the wish was fulfilled."),
	    res.claim_short, cli_txt(res.name));
	return CLI_OK;
}

static int wish_accept(struct cli *c, int argc, char **argv)
{
	struct action_wish_result res;
	int status = wish_do(c, CMD_ACCEPT, argc, argv, action_wish_accept,
			     &res);

	if (status)
		return status;
	cli_say(c, _("you accepted %s's offer on wish %s; when %s has helped, "
		 "confirm with 'kith wish confirm %s --hours 1.5'."),
	    cli_txt(res.name), res.wish_short, cli_txt(res.name),
	    res.wish_short);
	return CLI_OK;
}

/*
 * Ask how many hours the helper gave (stdin is a terminal): Enter for none
 * (-1); a bad answer is asked again once, then refused.  0, or CLI_FAIL
 * with nothing written.
 */
static int ask_hours(const struct action_wish_result *res, int64_t *quarters)
{
	char line[64];
	int tries;

	for (tries = 0; tries < 2; tries++) {
		fprintf(stderr,
			_("How many hours did %s help? (0 to %d, like 1.5; "
			  "Enter for none): "),
			cli_txt(res->name), CRDT_MAX_HOURS);
		fflush(stderr);
		if (!fgets(line, sizeof line, stdin))
			return cli_fail("no answer; wish '%s' was not confirmed",
					res->wish_short);
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0]) {
			*quarters = -1;
			return 0;
		}
		if (!action_hours_parse(line, quarters))
			return 0;
		fprintf(stderr, _("'%s' is not a number of hours from 0 to %d\n"),
			cli_txt(line), CRDT_MAX_HOURS);
	}
	return cli_fail("no hours understood; wish '%s' was not confirmed",
			res->wish_short);
}

static void say_confirmed(struct cli *c, const struct action_wish_result *r)
{
	const char *who = cli_txt(r->name);
	double hours = (double)r->quarters / 4.0;
	unsigned long n = r->quarters == 4 ? 1 : 2; /* "1 hour", "1.5 hours" */

	if (r->late_hours)
		cli_say(c, ngettext("%s is credited %g hour for wish %s.",
				    "%s is credited %g hours for wish %s.", n),
			who, hours, r->wish_short);
	else if (!r->other_found)
		cli_say(c, _("wish %s is confirmed as fulfilled."), r->wish_short);
	else if (r->quarters > 0)
		cli_say(c, ngettext("wish %s is confirmed as fulfilled; %s is "
				    "credited %g hour.",
				    "wish %s is confirmed as fulfilled; %s is "
				    "credited %g hours.",
				    n),
			r->wish_short, who, hours);
	else if (r->quarters == 0)
		cli_say(c, _("wish %s is confirmed as fulfilled; no hours were "
			     "credited to %s."),
			r->wish_short, who);
	else
		cli_say(c, _("wish %s is confirmed as fulfilled; no hours were "
			     "credited to %s. If %s's help should count, add the "
			     "hours with 'kith wish confirm %s --hours 1.5'."),
			r->wish_short, who, who, r->wish_short);
	if (r->quarters > 0 && r->unverified)
		cli_say(c, ngettext("It counts in the time bank once a "
				    "coordinator or building head has verified "
				    "you both in person.",
				    "They count in the time bank once a "
				    "coordinator or building head has verified "
				    "you both in person.",
				    n));
}

/* --hours H: a number of hours, as quarters */
static int set_hours(const struct cli_cmd *cmd, const struct cli_field *f,
		     const char *value, void *member)
{
	if (action_hours_parse(value, member))
		return cli_usage(cmd,
				 "--hours must be a number of hours from 0 to "
				 "%d, like 1.5, not '%s'",
				 CRDT_MAX_HOURS, value);
	return CLI_OK;
}

static int wish_confirm(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("hours", 0, set_hours, NULL),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts), 1,
					     N_("an id is required") };
	const struct cli_cmd *cmd = &cmds[CMD_CONFIRM];
	struct action_wish_result res;
	struct cli_args args;
	const char *arg;
	int64_t quarters = -1;
	int status;

	status = cli_fields_parse(cmd, &t, argc, argv, &quarters, &args);
	arg = args.pos[0];
	if (!status)
		status = cli_open(c, 1);
	if (status)
		return status;
	/* no --hours on a terminal: ask, before anything is written */
	if (quarters < 0 && !c->json && isatty(STDIN_FILENO)) {
		if (action_wish_confirm_check(&c->a, arg, quarters, &res))
			return cli_fail_action(c);
		if (res.other_found) {
			status = ask_hours(&res, &quarters);
			if (status)
				return status;
		}
	}
	if (action_wish_confirm(&c->a, arg, quarters, &res))
		return cli_fail_action(c);
	say_confirmed(c, &res);
	return CLI_OK;
}
