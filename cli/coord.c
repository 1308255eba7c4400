/*
 * coord.c - community operations: roles, verification, moderation, local
 * blocking, emergency mode and check-ins (roll call).
 *
 * Parse, call action/coord.h or action/checkin.h, print.  Every rule and
 * refusal lives there; an argument the action finds missing or malformed
 * (KITH_EINVAL) is shown here as a usage error.
 */
#include <stddef.h>
#include <string.h>

#include "action/checkin.h"
#include "action/coord.h"
#include "cli.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "fields.h"

/* --building B, the one option of role and checkins */
static const struct cli_field building_opt[] = {
	CLI_OPT("building", 0, cli_field_text, NULL),
};

/* A role word for people. */
static const char *role_word(int role)
{
	return role == CRDT_ROLE_COORDINATOR
		       ? action_pgettext("role", "coordinator")
		       : action_pgettext("role", "building head");
}

/* ---- roles -------------------------------------------------------------- */

static int role_row(void *ctx, const struct action_coord_role *r)
{
	struct cli_rows *o = ctx;

	if (o->c->json) {
		char name[ACTION_PERSON_MAX];

		/* as before: the profile name, or 16 hex characters */
		if (r->who.name[0])
			snprintf(name, sizeof name, "%s", r->who.name);
		else
			snprintf(name, sizeof name, "%.16s", r->who.hex);
		printf("%s{\"member\":\"%s\",\"name\":", o->n ? "," : "",
		       r->who.hex);
		cli_json_str(stdout, name);
		printf(",\"role\":\"%s\",\"building\":", r->word);
		cli_json_str(stdout, r->building);
		printf("}");
	} else {
		if (!o->n) {
			cli_cell(_("ROLE"), 16, "  ");
			cli_cell(_("NAME"), 24, "  ");
			printf("%s\n", _("BUILDING"));
		}
		cli_cell(role_word(r->role), 16, "  ");
		cli_cell(r->who.label, 24, "  ");
		printf("%s\n", cli_txt(r->building));
	}
	o->n++;
	return 0;
}

int cli_roles(struct cli *c, int argc, char **argv)
{
	struct cli_rows o = { c, { 0 }, 0 };
	int status, err;

	(void)argv;
	if (argc > 1)
		return cli_usage(NULL, "roles takes no arguments");
	status = cli_open(c, 0);
	if (status)
		return status;
	if (c->json)
		printf("[");
	else
		cli_banner(c);
	err = action_coord_roles(&c->a, role_row, &o);
	if (c->json)
		printf("]\n");
	if (err)
		return cli_fail_action(c);
	if (c->json || o.n)
		return CLI_OK;
	if (c->a.joined && !c->a.have_community)
		fprintf(stderr, "%s\n",
			_("no roles known yet: they come with the community's "
			  "founding record; sync with a neighbour (kith sync "
			  "ADDR) or import a bundle"));
	else
		fprintf(stderr, "%s\n",
			_("no roles yet (join a community first)"));
	return CLI_OK;
}

static void say_role(struct cli *c, const struct action_person *who,
		     int grant, int role, const char *building)
{
	const char *n = cli_txt(who->label);

	if (grant && role == CRDT_ROLE_COORDINATOR)
		cli_say(c,
			_("%s is now a coordinator, for everyone as their "
			  "machines sync; they can grant roles, verify "
			  "members, hide posts and start emergency mode\n"),
			n);
	else if (grant)
		cli_say(c,
			_("%s is now the building head of %s; once machines "
			  "sync they can verify the members who live there\n"),
			n, cli_txt(building));
	else if (role == CRDT_ROLE_COORDINATOR)
		cli_say(c,
			_("%s is no longer a coordinator, for everyone as "
			  "their machines sync\n"),
			n);
	else if (building)
		cli_say(c, _("%s is no longer the building head of %s\n"),
			n, cli_txt(building));
	else
		cli_say(c, _("%s is no longer a building head\n"), n);
}

int cli_role(struct cli *c, int argc, char **argv)
{
	static const struct cli_fields t = {
		building_opt, ARRAY_SIZE(building_opt), 3,
		N_("grant or revoke, a member and a role are required")
	};
	const char *building = NULL;
	struct action_person who;
	struct cli_args args;
	int grant, role, status, err;

	status = cli_fields_parse(NULL, &t, argc, argv, &building, &args);
	if (status)
		return status;
	if (!strcmp(args.pos[0], "grant"))
		grant = 1;
	else if (!strcmp(args.pos[0], "revoke"))
		grant = 0;
	else
		return cli_usage(NULL, "'%s' is neither grant nor revoke",
				 args.pos[0]);
	role = crdt_enum_lookup(crdt_roles, CRDT_ROLES, args.pos[2]);
	if (role < 0)
		return cli_usage(NULL, "unknown role '%s' (coordinator, "
				       "building-head)",
				 args.pos[2]);
	status = cli_open(c, 1);
	if (status)
		return status;
	err = grant ? action_coord_role_grant(&c->a, args.pos[1], role,
					      building, &who)
		    : action_coord_role_revoke(&c->a, args.pos[1], role,
					       building, &who);
	if (err)
		return cli_refused(c, NULL, err);
	say_role(c, &who, grant, role, building);
	return CLI_OK;
}

/* ---- verification in person --------------------------------------------- */

/* kith member verify|unverify MEMBER [--building B --unit U] */
struct member_opts {
	const char *building, *unit;
};

int cli_member(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("building", offsetof(struct member_opts, building),
			cli_field_text, NULL),
		CLI_OPT("unit", offsetof(struct member_opts, unit),
			cli_field_text, NULL),
	};
	static const struct cli_fields t = {
		opts, ARRAY_SIZE(opts), 2,
		N_("verify or unverify, and a member, are required")
	};
	struct member_opts o = { NULL, NULL };
	char was[ACTION_PERSON_MAX];
	struct action_person who;
	struct cli_args args;
	int verify, status, err;

	if (argc > 1 && !strcmp(argv[1], "host"))
		return cli_member_host(c, argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "hosted"))
		return cli_member_hosted(c, argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "pin"))
		return cli_member_pin(c, argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "handover"))
		return cli_member_handover(c, argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "replace"))
		return cli_member_replace(c, argc - 1, argv + 1);
	status = cli_fields_parse(NULL, &t, argc, argv, &o, &args);
	if (status)
		return status;
	if (!strcmp(args.pos[0], "verify"))
		verify = 1;
	else if (!strcmp(args.pos[0], "unverify"))
		verify = 0;
	else
		return cli_usage(NULL, "unknown member command '%s' (verify, "
				       "unverify, host, hosted, pin, "
				       "handover, replace)",
				 args.pos[0]);
	if (!verify && (o.building || o.unit))
		return cli_usage(NULL, "'member unverify' takes only a member");
	status = cli_open(c, 1);
	if (status)
		return status;
	err = verify ? action_coord_verify(&c->a, args.pos[1], o.building,
					   o.unit, &who)
		     : action_coord_unverify(&c->a, args.pos[1], &who, was);
	if (err)
		return cli_refused(c, NULL, err);
	if (c->json)
		return CLI_OK;
	if (verify)
		fprintf(stderr,
			_("%s is verified as living in %s, unit %s; hours "
			  "between verified members count\n"),
			cli_txt(who.label), cli_txt(o.building),
			cli_txt(o.unit));
	else
		fprintf(stderr,
			_("%s is no longer verified; hours they give or "
			  "receive stop counting\n"),
			cli_txt(who.label));
	return CLI_OK;
}

/* ---- moderation and blocking -------------------------------------------- */

static int hide_or_show(struct cli *c, int argc, char **argv, int hide)
{
	static const struct cli_field opts[] = {
		CLI_OPT("reason", 0, cli_field_text, NULL),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts), 1,
					     N_("an id is required") };
	const char *reason = NULL;
	struct action_coord_post post;
	struct cli_args args;
	int status, err;

	status = cli_fields_open(c, NULL, &t, argc, argv, &reason, &args,
				 1);
	if (status)
		return status;
	err = hide ? action_coord_hide(&c->a, args.pos[0], reason, &post)
		   : action_coord_unhide(&c->a, args.pos[0], reason, &post);
	if (err)
		return cli_refused(c, NULL, err);
	if (c->json)
		return CLI_OK;
	if (hide)
		fprintf(stderr,
			_("'%s' (%s) is hidden from everyone's lists as their "
			  "machines sync; 'kith unhide %s' shows it again\n"),
			cli_txt(post.title), post.short_id, post.short_id);
	else
		fprintf(stderr,
			_("'%s' (%s) is shown in everyone's lists again as "
			  "their machines sync\n"),
			cli_txt(post.title), post.short_id);
	return CLI_OK;
}

int cli_hide(struct cli *c, int argc, char **argv)
{
	return hide_or_show(c, argc, argv, 1);
}

int cli_unhide(struct cli *c, int argc, char **argv)
{
	return hide_or_show(c, argc, argv, 0);
}

static int block_member(struct cli *c, int argc, char **argv, int block)
{
	struct action_person who;
	int status;

	if (argc != 2)
		return argc < 2 ? cli_usage(NULL, "a member is required")
				: cli_usage(NULL, "unexpected argument '%s'",
					    argv[argc - 1]);
	status = cli_open(c, 1);
	if (status)
		return status;
	if (block ? action_coord_block(&c->a, argv[1], &who)
		  : action_coord_unblock(&c->a, argv[1], &who))
		return cli_fail_action(c);
	if (c->json)
		return CLI_OK;
	if (block)
		fprintf(stderr,
			_("%s's posts are now hidden from you, on this "
			  "machine only (nobody else is told); 'kith unblock "
			  "%s' shows them again\n"),
			cli_txt(who.label), cli_txt(who.handle));
	else
		fprintf(stderr, _("%s's posts are shown to you again\n"),
			cli_txt(who.label));
	return CLI_OK;
}

int cli_block(struct cli *c, int argc, char **argv)
{
	return block_member(c, argc, argv, 1);
}

int cli_unblock(struct cli *c, int argc, char **argv)
{
	return block_member(c, argc, argv, 0);
}

/* ---- emergency ---------------------------------------------------------- */

static void print_emergency(struct cli *c, const struct action_coord_emergency *e)
{
	char when[32];

	if (c->json) {
		printf("{\"emergency\":%s", e->on ? "true" : "false");
		if (e->on) {
			printf(",\"reason\":");
			cli_json_str(stdout, e->reason);
			printf(",\"since_ms\":%lld", (long long)e->since_ms);
		}
		printf("}\n");
		return;
	}
	if (!e->on) {
		printf("%s\n", _("no emergency"));
		return;
	}
	cli_format_date(when, sizeof when, e->since_ms / 1000);
	printf(_("EMERGENCY since %s (started by %s): %s\n"), when,
	       cli_txt(e->by.label), cli_txt(e->reason));
}

int cli_emergency(struct cli *c, int argc, char **argv)
{
	struct action_coord_emergency e;
	int start, status, err;

	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "status"))) {
		status = cli_open(c, 0);
		if (status)
			return status;
		action_coord_emergency(&c->a, &e);
		print_emergency(c, &e);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "start")) {
		if (argc > 3)
			return cli_usage(NULL, "say why in one argument: kith "
					       "emergency start \"REASON\"");
		start = 1;
	} else if (!strcmp(argv[1], "end")) {
		if (argc != 2)
			return cli_usage(NULL, "'emergency end' takes no more "
					       "arguments");
		start = 0;
	} else {
		return cli_usage(NULL, "unknown emergency command '%s'",
				 argv[1]);
	}
	status = cli_open(c, 1);
	if (status)
		return status;
	err = start ? action_coord_emergency_start(&c->a,
						   argc == 3 ? argv[2] : NULL,
						   &e)
		    : action_coord_emergency_end(&c->a, &e);
	if (err)
		return cli_refused(c, NULL, err);
	print_emergency(c, &e);
	if (c->json)
		return CLI_OK;
	if (start)
		fprintf(stderr, "%s\n",
			_("emergency mode is on for everyone as their machines "
			  "sync; residents can check in with 'kith checkin "
			  "safe' or 'kith checkin need-help'"));
	else
		fprintf(stderr, "%s\n",
			_("emergency mode is off for everyone as their machines "
			  "sync; the roll call shows each member's latest "
			  "check-in again"));
	return CLI_OK;
}

/* ---- check-ins ---------------------------------------------------------- */

static void say_checkin(struct cli *c, const struct action_person *who,
			int self, int st)
{
	const char *n = cli_txt(who->label);

	if (self && st == ACTION_CHECKIN_SAFE)
		cli_say(c, "%s",
			_("you are checked in as safe; coordinators and "
			  "neighbours see it as your machines sync"));
	else if (self)
		cli_say(c, "%s",
			_("you are checked in as needing help; coordinators "
			  "and neighbours see it as your machines sync; when "
			  "you are safe again, run 'kith checkin safe'"));
	else if (st == ACTION_CHECKIN_SAFE)
		cli_say(c,
			_("%s is checked in as safe, reported by you; "
			  "coordinators and neighbours see it as your machines "
			  "sync\n"),
			n);
	else
		cli_say(c,
			_("%s is checked in as needing help, reported by you; "
			  "coordinators and neighbours see it as your machines "
			  "sync\n"),
			n);
}

/* kith checkin safe|need-help [--for MEMBER_OR_NAME] [--note N] */
struct checkin_opts {
	const char *who, *note;
};

int cli_checkin(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("for", offsetof(struct checkin_opts, who),
			cli_field_text, NULL),
		CLI_OPT("note", offsetof(struct checkin_opts, note),
			cli_field_text, NULL),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts), 1,
					     N_("say 'safe' or 'need-help'") };
	struct checkin_opts o = { NULL, NULL };
	const char *state;
	struct action_person p;
	struct cli_args args;
	int st, status, err;

	status = cli_fields_parse(NULL, &t, argc, argv, &o, &args);
	if (status)
		return status;
	state = args.pos[0];
	st = crdt_enum_lookup(crdt_checkin_states, 2, state);
	if (st < 0)
		return cli_usage(NULL, "'%s' is neither safe nor need-help",
				 state);
	status = cli_open(c, 1);
	if (status)
		return status;
	err = action_checkin(&c->a, st, o.who, o.note, &p);
	if (err)
		return cli_refused(c, NULL, err);
	say_checkin(c, &p, !o.who, st);
	return CLI_OK;
}

/* The roll call's words, as the text shows them (--json keeps the
 * English column values); spelled out so xgettext sees the context. */
static const char *roll_word(int status)
{
	if (status == ACTION_CHECKIN_SAFE)
		return action_pgettext("status", "safe");
	if (status == ACTION_CHECKIN_NEED_HELP)
		return action_pgettext("status", "needs help");
	return action_pgettext("status", "not heard from");
}

struct roll {
	struct cli *c;
	struct cli_json_list json;
	char building[256];
	int n, count[3];
};

static void roll_totals(struct roll *r)
{
	if (r->n)
		printf(_("  -- safe %d, needs help %d, not heard from %d\n\n"),
		       r->count[ACTION_CHECKIN_SAFE],
		       r->count[ACTION_CHECKIN_NEED_HELP],
		       r->count[ACTION_CHECKIN_UNKNOWN]);
	memset(r->count, 0, sizeof r->count);
}

static int roll_row(void *ctx, const struct action_checkin_row *row)
{
	struct roll *r = ctx;
	char when[32];

	if (r->c->json)
		return cli_json_list_row(&r->json, row->row);
	if (!r->n || strcmp(row->building, r->building)) {
		roll_totals(r);
		snprintf(r->building, sizeof r->building, "%s", row->building);
		printf("%s\n", *row->building ? cli_txt(row->building)
					      : _("(no building)"));
	}
	r->n++;
	r->count[row->status]++;
	printf("  ");
	cli_cell(row->unit, 6, "  ");
	cli_cell(row->who.label, 22, "  ");
	cli_cell(roll_word(row->status), 14, "");
	if (row->at_ms) {
		cli_format_date(when, sizeof when, row->at_ms / 1000);
		/* TRANSLATORS: a date, then who reported the check-in */
		printf(_("  %s by %s"), when, cli_txt(row->by.label));
	}
	if (*row->note)
		printf(": %s", cli_txt(row->note));
	printf("\n");
	return 0;
}

int cli_checkins(struct cli *c, int argc, char **argv)
{
	static const struct cli_fields t = { building_opt,
					     ARRAY_SIZE(building_opt),
					     CLI_OPTS_ONLY, NULL };
	struct roll r;
	const char *building = NULL;
	struct cli_args args;
	int status;

	status = cli_fields_open(c, NULL, &t, argc, argv, &building, &args,
				 0);
	if (status)
		return status;
	memset(&r, 0, sizeof r);
	r.c = c;
	if (!c->json) {
		cli_banner(c);
		if (!c->a.roles.emergency)
			printf("%s\n\n",
			       _("(no emergency: showing the latest check-in of "
				 "each member)"));
	}
	if (action_checkin_roll(&c->a, building, roll_row, &r))
		return cli_fail_action(c);
	if (c->json)
		printf(r.json.n ? "]\n" : "[]\n");
	else if (r.n)
		roll_totals(&r);
	else if (building)
		fprintf(stderr, _("no members in '%s'\n"), cli_txt(building));
	else
		fprintf(stderr, "%s\n", _("no members yet"));
	return CLI_OK;
}
