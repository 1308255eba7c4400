/*
 * coord.c - community operations: roles, moderation, local blocking,
 * emergency mode and check-ins (roll call).
 *
 * Who may do what is derived (crdt/community.h) and checked here before
 * anything is written; the same rule decides on every replica whether a
 * fact counts, so a refused write could not have taken effect anyway.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "crdt/schema.h"

/*
 * Commit a fact, naming in its seen field (crdt/facts.h) the facts of its
 * kind this replica holds: that, not the clock, orders it.  key: the
 * member (check-ins) or post (moderation); NULL for roles, emergencies
 * and verifications.
 */
static int commit_fact(struct cli *c, struct crdt_op *op, unsigned seen_field,
		       enum crdt_seen_kind kind, const uint8_t *key,
		       const char *what)
{
	struct crdt_buf seen;
	int rc;

	crdt_buf_init(&seen, CRDT_SEEN_MAX * CRDT_HASH_LEN);
	rc = crdt_store_begin(c->a.r.store);
	if (!rc)
		rc = crdt_facts_seen(c->a.r.store, kind, key, &seen);
	if (!rc && seen.len)
		rc = crdt_op_set_bytes(op, seen_field, seen.data, seen.len);
	if (!rc)
		rc = crdt_op_finish(op);
	if (!rc)
		rc = crdt_replica_commit(&c->a.r, op, 1, NULL);
	if (!rc)
		rc = crdt_store_commit(c->a.r.store);
	else
		crdt_store_rollback(c->a.r.store);
	crdt_buf_release(&seen);
	if (rc)
		return cli_fail_rc(c, rc, what);
	return CLI_OK;
}

/* ---- roles -------------------------------------------------------------- */

struct name_ctx {
	char name[128];
};

static int name_row(void *ctx, const struct crdt_row *r)
{
	struct name_ctx *n = ctx;

	snprintf(n->name, sizeof n->name, "%s", cli_col_text(r, "name"));
	return 0;
}

static void member_name(struct cli *c, const uint8_t pk[32], char *out,
			size_t cap)
{
	struct name_ctx n = { "" };

	if (crdt_query_members(c->a.r.store, pk, name_row, &n) == 0 && n.name[0])
		snprintf(out, cap, "%s", n.name);
	else
		crdt_hex(out, pk, cap >= 17 ? 8 : (cap - 1) / 2);
}

int cli_roles(struct cli *c, int argc, char **argv)
{
	size_t i;
	int rc;

	if (argc > 1)
		return cli_usage(NULL, "roles takes no arguments");
	rc = cli_open(c, 0);
	if (rc)
		return rc;
	if (c->json)
		printf("[");
	else
		cli_banner(c);
	for (i = 0; i < c->a.roles.n; i++) {
		char hex[65], name[128];

		crdt_hex(hex, c->a.roles.v[i].member, 32);
		member_name(c, c->a.roles.v[i].member, name, sizeof name);
		if (c->json) {
			printf("%s{\"member\":\"%s\",\"name\":", i ? "," : "",
			       hex);
			cli_json_str(stdout, name);
			printf(",\"role\":\"%s\",\"building\":",
			       crdt_roles[c->a.roles.v[i].role]);
			cli_json_str(stdout, c->a.roles.v[i].building);
			printf("}");
		} else {
			if (!i)
				printf("%-14s  %-16s  %-20s  %s\n", "ROLE",
				       "MEMBER", "NAME", "BUILDING");
			printf("%-14s  %-16.16s  %-20s  %s\n",
			       crdt_roles[c->a.roles.v[i].role], hex, cli_txt(name),
			       cli_txt(c->a.roles.v[i].building));
		}
	}
	if (c->json)
		printf("]\n");
	else if (!c->a.roles.n && c->a.joined && !c->a.have_community)
		fprintf(stderr, "no roles known yet: they come with the "
				"community's founding record; sync with a "
				"neighbour (kith sync ADDR) or import a bundle\n");
	else if (!c->a.roles.n)
		fprintf(stderr, "no roles yet (join a community first)\n");
	return CLI_OK;
}

int cli_role(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "building", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_cmd cmd = {
		"role", cli_role,
		"role grant|revoke MEMBER ROLE [--building B]",
		N_("appoint or remove a coordinator or building head (a building "
		"head heads --building B)"), 0
	};
	const char *pos[3] = { NULL, NULL, NULL }, *building = NULL;
	uint8_t who[32];
	struct crdt_op op;
	int grant, role, rc, ch, npos = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 1 && npos < 3)
			pos[npos++] = optarg;
		else if (ch == 'b')
			building = optarg;
		else
			return cli_bad_option(&cmd, argv, ch);
	}
	if (npos != 3)
		return cli_usage(&cmd, "grant or revoke, a member and a role "
				       "are required");
	if (!strcmp(pos[0], "grant"))
		grant = 1;
	else if (!strcmp(pos[0], "revoke"))
		grant = 0;
	else
		return cli_usage(&cmd, "'%s' is neither grant nor revoke",
				 pos[0]);
	role = crdt_enum_lookup(crdt_roles, CRDT_ROLES, pos[2]);
	if (role < 0)
		return cli_usage(&cmd, "unknown role '%s' (coordinator, "
				       "building-head)",
				 pos[2]);
	if (role == CRDT_ROLE_BUILDING_HEAD && grant &&
	    (!building || !*building))
		return cli_usage(&cmd, "say which building they head: "
				       "--building B");
	if (role == CRDT_ROLE_COORDINATOR && building)
		return cli_usage(&cmd, "coordinators serve every building: "
				       "leave out --building");
	rc = cli_open(c, 1);
	if (!rc)
		rc = cli_resolve(c, CRDT_R_MEMBER, pos[1], who);
	if (rc)
		return rc;
	if (!cli_require_role(c, CRDT_ROLE_COORDINATOR, "grant or revoke roles"))
		return CLI_FAIL;
	if (grant && (role == CRDT_ROLE_BUILDING_HEAD
			      ? crdt_roles_heads(&c->a.roles, who, building)
			      : crdt_roles_has(&c->a.roles, who, role)))
		return cli_fail("'%s' is already a %s", pos[1], crdt_roles[role]);
	if (!grant && (building ? !crdt_roles_heads(&c->a.roles, who, building)
				: !crdt_roles_has(&c->a.roles, who, role)))
		return cli_fail("'%s' is not a %s", pos[1], crdt_roles[role]);
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ROLE);
	(void)crdt_op_set_bytes(&op, F_ROLE_MEMBER, who, 32);
	(void)crdt_op_set_int(&op, F_ROLE_ROLE, role);
	(void)crdt_op_set_int(&op, F_ROLE_GRANT, grant);
	if (building && crdt_op_set_text(&op, F_ROLE_BUILDING, building))
		return cli_usage(&cmd, "--building is too long");
	rc = commit_fact(c, &op, F_ROLE_SEEN, CRDT_SEEN_AUTHORITY, NULL,
			 "cannot save the role");
	if (!rc && !c->json) {
		if (building)
			fprintf(stderr, "%s %s %s of %s\n", pos[1],
				grant ? "is now a" : "is no longer a",
				crdt_roles[role], building);
		else
			fprintf(stderr, "%s %s %s\n", pos[1],
				grant ? "is now a" : "is no longer a",
				crdt_roles[role]);
	}
	return rc;
}

/* ---- verification in person --------------------------------------------- */

int cli_member(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "building", required_argument, NULL, 'b' },
		{ "unit", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_cmd cmd = {
		"member", cli_member,
		"member verify MEMBER --building B --unit U | "
		"member unverify MEMBER",
		N_("vouch for a member you met in person (coordinators, and "
		"building heads for their building)"), 0
	};
	const char *pos[2] = { NULL, NULL }, *building = NULL, *unit = NULL;
	const struct crdt_verified *v;
	uint8_t who[32];
	struct crdt_op op;
	int verify, rc, ch, npos = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 1 && npos < 2)
			pos[npos++] = optarg;
		else if (ch == 'b')
			building = optarg;
		else if (ch == 'u')
			unit = optarg;
		else
			return cli_bad_option(&cmd, argv, ch);
	}
	if (npos != 2)
		return cli_usage(&cmd, "verify or unverify, and a member, are "
				       "required");
	if (!strcmp(pos[0], "verify"))
		verify = 1;
	else if (!strcmp(pos[0], "unverify"))
		verify = 0;
	else
		return cli_usage(&cmd, "unknown member command '%s'", pos[0]);
	if (verify && (!building || !*building || !unit || !*unit))
		return cli_usage(&cmd, "say where they live: --building B "
				       "--unit U");
	if (!verify && (building || unit))
		return cli_usage(&cmd, "'member unverify' takes only a member");
	rc = cli_open(c, 1);
	if (!rc)
		rc = cli_resolve(c, CRDT_R_MEMBER, pos[1], who);
	if (rc)
		return rc;
	v = crdt_roles_verified(&c->a.roles, who);
	if (!verify && !v)
		return cli_fail("'%s' is not verified", pos[1]);
	if (!verify)
		building = v->building;
	if (!c->a.r.id.sk ||
	    (!crdt_roles_has(&c->a.roles, c->a.r.id.pk, CRDT_ROLE_COORDINATOR) &&
	     !crdt_roles_heads(&c->a.roles, c->a.r.id.pk, building)))
		return cli_fail("only coordinators, and the building head of "
				"'%s', can %s members there",
				building, verify ? "verify" : "unverify");
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_VERIFY);
	(void)crdt_op_set_bytes(&op, F_VERIFY_MEMBER, who, 32);
	(void)crdt_op_set_int(&op, F_VERIFY_GRANT, verify);
	if (crdt_op_set_text(&op, F_VERIFY_BUILDING, building) ||
	    (unit && crdt_op_set_text(&op, F_VERIFY_UNIT, unit)))
		return cli_usage(&cmd, "--building or --unit is too long");
	rc = commit_fact(c, &op, F_VERIFY_SEEN, CRDT_SEEN_AUTHORITY, NULL,
			 "cannot save the verification");
	if (!rc && !c->json) {
		if (verify)
			fprintf(stderr, "%s is verified as living in %s, unit "
					"%s; hours they give and receive count "
					"from now on\n",
				pos[1], building, unit);
		else
			fprintf(stderr, "%s is no longer verified; their hours "
					"stop counting\n",
				pos[1]);
	}
	return rc;
}

/* ---- moderation and blocking -------------------------------------------- */

static int hide_or_show(struct cli *c, int argc, char **argv, int hide)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_cmd hide_cmd = {
		"hide", cli_hide, "hide ID --reason R",
		N_("hide a post from everyone's lists (coordinators)"), 0
	};
	static const struct cli_cmd show_cmd = {
		"unhide", cli_unhide, "unhide ID [--reason R]",
		N_("show a hidden post again (coordinators)"), 0
	};
	const struct cli_cmd *cmd = hide ? &hide_cmd : &show_cmd;
	const char *arg = NULL, *reason = NULL;
	uint8_t id[CRDT_ID_LEN];
	struct crdt_op op;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 1 && !arg)
			arg = optarg;
		else if (ch == 'r')
			reason = optarg;
		else
			return cli_bad_option(cmd, argv, ch);
	}
	if (!arg)
		return cli_usage(cmd, "an id is required");
	if (hide && (!reason || !*reason))
		return cli_usage(cmd, "--reason is required: say why, for the "
				      "record");
	rc = cli_open(c, 1);
	if (rc)
		return rc;
	if (crdt_resolve(c->a.r.store, CRDT_R_ITEM, arg, id) &&
	    crdt_resolve(c->a.r.store, CRDT_R_WISH, arg, id))
		return cli_fail("no item or wish with id '%s'", arg);
	if (!cli_require_role(c, CRDT_ROLE_COORDINATOR,
			      hide ? "hide posts" : "unhide posts"))
		return CLI_FAIL;
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_MODERATION);
	(void)crdt_op_set_bytes(&op, F_MOD_TARGET, id, CRDT_ID_LEN);
	(void)crdt_op_set_int(&op, F_MOD_HIDDEN, hide);
	if (reason && crdt_op_set_text(&op, F_MOD_REASON, reason))
		return cli_usage(cmd, "--reason is too long");
	rc = commit_fact(c, &op, F_MOD_SEEN, CRDT_SEEN_MODERATION, id,
			 "cannot save the moderation record");
	if (!rc && !c->json)
		fprintf(stderr, "%s\n", hide ? "hidden from the shared lists"
					     : "shown again");
	return rc;
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
	uint8_t who[32];
	int rc;

	if (argc != 2)
		return cli_usage(NULL, argc < 2 ? "a member is required"
						: "unexpected argument '%s'",
				 argv[argc < 2 ? 0 : argc - 1]);
	rc = cli_open(c, 1);
	if (!rc)
		rc = cli_resolve(c, CRDT_R_MEMBER, argv[1], who);
	if (rc)
		return rc;
	if (crdt_equal(who, c->a.r.id.pk, 32))
		return cli_fail("you cannot block yourself");
	rc = crdt_block(c->a.r.store, who, block);
	if (rc)
		return cli_fail_rc(c, rc, "cannot save");
	if (!c->json)
		fprintf(stderr, "%s %s on this machine only\n",
			block ? "their posts are now hidden from you"
			      : "their posts are shown again",
			"(nobody else is told)");
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

static void print_emergency(struct cli *c)
{
	char when[32], by[128];

	if (c->json) {
		printf("{\"emergency\":%s", c->a.roles.emergency ? "true" : "false");
		if (c->a.roles.emergency) {
			printf(",\"reason\":");
			cli_json_str(stdout, c->a.roles.reason);
			printf(",\"since_ms\":%lld", (long long)c->a.roles.since_ms);
		}
		printf("}\n");
		return;
	}
	if (!c->a.roles.emergency) {
		printf("no emergency\n");
		return;
	}
	cli_format_date(when, sizeof when, c->a.roles.since_ms / 1000);
	member_name(c, c->a.roles.started_by, by, sizeof by);
	printf("EMERGENCY since %s (started by %s): %s\n", when, cli_txt(by),
	       cli_txt(c->a.roles.reason));
}

int cli_emergency(struct cli *c, int argc, char **argv)
{
	static const struct cli_cmd cmd = {
		"emergency", cli_emergency,
		"emergency [start \"REASON\" | end]",
		N_("show, start or end emergency mode (coordinators)"), 0
	};
	struct crdt_op op;
	int start, rc;

	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "status"))) {
		rc = cli_open(c, 0);
		if (!rc)
			print_emergency(c);
		return rc;
	}
	if (!strcmp(argv[1], "start")) {
		if (argc != 3 || !*argv[2])
			return cli_usage(&cmd, "say why: kith emergency start "
					       "\"REASON\"");
		start = 1;
	} else if (!strcmp(argv[1], "end")) {
		if (argc != 2)
			return cli_usage(&cmd, "'emergency end' takes no more "
					       "arguments");
		start = 0;
	} else {
		return cli_usage(&cmd, "unknown emergency command '%s'", argv[1]);
	}
	rc = cli_open(c, 1);
	if (rc)
		return rc;
	if (!cli_require_role(c, CRDT_ROLE_COORDINATOR,
			      start ? "start emergency mode"
				    : "end emergency mode"))
		return CLI_FAIL;
	if (!start && !c->a.roles.emergency)
		return cli_fail("emergency mode is not on");
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_EMERGENCY);
	(void)crdt_op_set_int(&op, F_EMERGENCY_ACTIVE, start);
	if (start && crdt_op_set_text(&op, F_EMERGENCY_REASON, argv[2]))
		return cli_usage(&cmd, "the reason is too long");
	rc = commit_fact(c, &op, F_EMERGENCY_SEEN, CRDT_SEEN_AUTHORITY, NULL,
			 "cannot save");
	if (rc)
		return rc;
	crdt_roles_release(&c->a.roles);
	rc = crdt_community_refresh(c->a.r.store, c->a.creator, &c->a.roles);
	if (rc)
		return cli_fail_rc(c, rc, "cannot read roles");
	print_emergency(c);
	return CLI_OK;
}

/* ---- check-ins ---------------------------------------------------------- */

int cli_checkin(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "for", required_argument, NULL, 'f' },
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_cmd cmd = {
		"checkin", cli_checkin,
		"checkin safe|need-help [--for MEMBER_OR_NAME] [--note N]",
		N_("say how a household is (yours, or a neighbour's)"), 0
	};
	const char *state = NULL, *who = NULL, *note = NULL;
	uint8_t member[32];
	struct crdt_op op;
	int ch, st, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 1 && !state)
			state = optarg;
		else if (ch == 'f')
			who = optarg;
		else if (ch == 'n')
			note = optarg;
		else
			return cli_bad_option(&cmd, argv, ch);
	}
	if (!state)
		return cli_usage(&cmd, "say 'safe' or 'need-help'");
	st = crdt_enum_lookup(crdt_checkin_states, 2, state);
	if (st < 0)
		return cli_usage(&cmd, "'%s' is neither safe nor need-help", state);
	rc = cli_open(c, 1);
	if (rc)
		return rc;
	if (who) {
		rc = cli_resolve(c, CRDT_R_MEMBER, who, member);
		if (rc)
			return rc;
	} else {
		memcpy(member, c->a.r.id.pk, 32);
	}
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_CHECKIN);
	(void)crdt_op_set_bytes(&op, F_CHECKIN_MEMBER, member, 32);
	(void)crdt_op_set_int(&op, F_CHECKIN_STATUS, st);
	if (note && crdt_op_set_text(&op, F_CHECKIN_NOTE, note))
		return cli_usage(&cmd, "--note is too long");
	rc = commit_fact(c, &op, F_CHECKIN_SEEN, CRDT_SEEN_CHECKIN, member,
			 "cannot save the check-in");
	if (!rc && !c->json)
		fprintf(stderr, "checked in %s as %s\n", who ? who : "yourself",
			st ? "NEEDING HELP" : "safe");
	return rc;
}

struct roll {
	struct cli *c;
	struct cli_json_list json;
	char building[256];
	int n, safe, help, unknown;
};

static void roll_totals(struct roll *r)
{
	if (r->n)
		printf("  -- safe %d, need help %d, not checked in %d\n\n",
		       r->safe, r->help, r->unknown);
	r->safe = r->help = r->unknown = 0;
}

static int roll_row(void *ctx, const struct crdt_row *row)
{
	struct roll *r = ctx;
	const char *b = cli_col_text(row, "building");
	const char *st = cli_col_text(row, "status");
	char when[32] = "";

	if (!r->n || strcmp(b, r->building)) {
		roll_totals(r);
		snprintf(r->building, sizeof r->building, "%s", b);
		printf("%s\n", *b ? cli_txt(b) : "(no building)");
	}
	r->n++;
	if (!strcmp(st, "safe"))
		r->safe++;
	else if (!strcmp(st, "need-help"))
		r->help++;
	else
		r->unknown++;
	if (cli_col_int(row, "at_ms"))
		cli_format_date(when, sizeof when, cli_col_int(row, "at_ms") / 1000);
	printf("  ");
	cli_cell(cli_col_text(row, "unit"), 6, "  ");
	cli_cell(cli_col_text(row, "name"), 22, "  ");
	printf("%-10s", !strcmp(st, "unknown") ? "-" : cli_txt(st));
	if (*when)
		printf("  %s by %s", when,
		       cli_txt(cli_col_text(row, "reported_by")));
	if (*cli_col_text(row, "note"))
		printf(": %s", cli_txt(cli_col_text(row, "note")));
	printf("\n");
	return 0;
}

int cli_checkins(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "building", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_cmd cmd = {
		"checkins", cli_checkins, "checkins [--building B]",
		N_("roll call: who is safe, who needs help, who has not checked in"),
		0
	};
	struct roll r;
	const char *building = NULL;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		if (ch == 'b')
			building = optarg;
		else
			return cli_bad_option(&cmd, argv, ch);
	}
	if (optind < argc)
		return cli_usage(&cmd, "unexpected argument '%s'", argv[optind]);
	rc = cli_open(c, 0);
	if (rc)
		return rc;
	memset(&r, 0, sizeof r);
	r.c = c;
	if (!c->json) {
		cli_banner(c);
		if (!c->a.roles.emergency)
			printf("(no emergency: showing the latest check-in of "
			       "each member)\n\n");
	}
	rc = crdt_checkins(c->a.r.store, building,
			   c->a.roles.emergency ? c->a.roles.since_ms : 0,
			   c->json ? cli_json_list_row : roll_row,
			   c->json ? (void *)&r.json : (void *)&r);
	if (rc)
		return cli_fail_rc(c, rc, "cannot list check-ins");
	if (c->json)
		printf(r.json.n ? "]\n" : "[]\n");
	else if (r.n)
		roll_totals(&r);
	else
		fprintf(stderr, "no members%s%s\n", building ? " in " : "",
			building ? building : "");
	return CLI_OK;
}
