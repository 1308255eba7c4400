/*
 * identity.c - kith init, whoami, profile, community.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "action/community.h"
#include "action/member.h"
#include "cli.h"
#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "fields.h"
#include "private.h"

/* The options of init and profile: the member's profile, and (profile
 * only) a private part. */
struct profile_opts {
	struct action_profile p;
	struct action_private priv;
	const char *link; /* init --link CODE */
};

#define PROFILE(m) offsetof(struct profile_opts, p.m)
#define PROFILE_FIELDS                                                       \
	CLI_OPT("name", PROFILE(name), cli_field_nonempty,                   \
		N_("--name cannot be empty")),                               \
	CLI_OPT("building", PROFILE(building), cli_field_text, NULL),        \
	CLI_OPT("unit", PROFILE(unit), cli_field_text, NULL),                \
	CLI_OPT("skills", PROFILE(skills), cli_field_text, NULL),            \
	/* when one can help: "evenings, weekends" */                        \
	CLI_OPT("available", PROFILE(available), cli_field_text, NULL)

static const struct cli_field init_opts[] = {
	PROFILE_FIELDS,
	CLI_OPT("link", offsetof(struct profile_opts, link), cli_field_nonempty,
		N_("--link needs the code 'kith device add' printed")),
	CLI_OPT("private", 0, cli_field_refused,
		N_("--private and --private-to belong to 'kith profile'")),
	CLI_OPT("private-to", 0, cli_field_refused,
		N_("--private and --private-to belong to 'kith profile'")),
};
static const struct cli_field profile_opts[] = {
	PROFILE_FIELDS,
	CLI_OPT("private", offsetof(struct profile_opts, priv),
		cli_field_private, NULL),
	CLI_OPT("private-to", offsetof(struct profile_opts, priv),
		cli_field_private_to, NULL),
};
#undef PROFILE_FIELDS
#undef PROFILE

/* The options of init (t: init_opts) or profile into o; 0 or an exit
 * status.  Usage errors show the synopsis of the command being run. */
static int parse_profile(const struct cli_field *opts, size_t n, int argc,
			 char **argv, struct profile_opts *o)
{
	const struct cli_fields t = { opts, n, CLI_OPTS_ONLY, NULL };
	struct cli_args args;
	int status;

	memset(o, 0, sizeof *o);
	status = cli_fields_parse(NULL, &t, argc, argv, o, &args);
	if (status)
		return status;
	return cli_private_check(NULL, &o->priv);
}

int cli_init(struct cli *c, int argc, char **argv)
{
	struct profile_opts o;
	uint8_t id[CRDT_PK_LEN];
	char hex[2 * CRDT_PK_LEN + 1];
	int status;

	status = parse_profile(init_opts, ARRAY_SIZE(init_opts), argc, argv,
			       &o);
	if (!status && o.link) {
		/* a device of a member: the profile is theirs already */
		if (o.p.name || o.p.building || o.p.unit || o.p.skills ||
		    o.p.available)
			return cli_usage(NULL, "--link takes no profile: the "
					       "device is yours, with your "
					       "profile");
		return cli_init_link(c, o.link);
	}
	if (!status && !o.p.name)
		status = cli_usage(NULL, "--name is required");
	if (!status)
		status = cli_open_flags(c, ACTION_CREATE);
	if (status)
		return status;
	if (action_member_init(&c->a, &o.p, id))
		return cli_fail_action(c);
	crdt_hex(hex, id, CRDT_PK_LEN);
	if (c->json) {
		printf("{\"id\":\"%s\",\"home\":", hex);
		cli_json_str(stdout, c->a.home);
		printf("}\n");
	} else {
		printf("%s\n", hex);
		fprintf(stderr,
			_("created your identity in '%s'.\nnext: 'kith community "
			  "create NAME' to start a community, or\n      'kith "
			  "community join CODE' with an invite code from a "
			  "neighbour\n"),
			c->a.home);
	}
	return CLI_OK;
}

int cli_profile(struct cli *c, int argc, char **argv)
{
	struct profile_opts o;
	const struct action_profile *p = &o.p;
	int status;

	status = parse_profile(profile_opts, ARRAY_SIZE(profile_opts), argc,
			       argv, &o);
	if (!status && !p->name && !p->building && !p->unit && !p->skills &&
	    !p->available && !o.priv.text)
		status = cli_usage(NULL, "nothing to change");
	if (!status)
		status = cli_open(c, 1);
	if (status)
		return status;
	if (action_member_profile(&c->a, p, &o.priv))
		return cli_fail_action(c);
	cli_say(c, _("your profile is updated; neighbours see it when your "
		  "machines sync. 'kith whoami' shows it\n"));
	return CLI_OK;
}

/* "label:" padded to the width of the longest label, then a space. */
static void label(char *out, size_t cap, const char *l)
{
	snprintf(out, cap, "%-10s ", l);
}

static void whoami_print(struct cli *c, const struct action_me *me)
{
	char key[64];

	if (c->json) {
		printf("{\"id\":\"%s\",\"name\":", me->id);
		cli_json_str(stdout, me->name);
		printf(",\"building\":");
		cli_json_str(stdout, me->building);
		printf(",\"unit\":");
		cli_json_str(stdout, me->unit);
		printf(",\"community\":");
		if (me->joined)
			cli_json_str(stdout, me->community);
		else
			printf("null");
		cli_private_json(stdout, &me->priv);
		printf("}\n");
		return;
	}
	label(key, sizeof key, _("name:"));
	printf("%s%s\n", key, cli_txt(me->name));
	label(key, sizeof key, _("id:"));
	printf("%s%s\n", key, me->id);
	if (*me->building || *me->unit) {
		label(key, sizeof key, _("home:"));
		printf("%s%s %s\n", key, cli_txt(me->building),
		       cli_txt(me->unit));
	}
	label(key, sizeof key, _("community:"));
	printf("%s%s\n", key,
	       me->joined ? cli_txt(me->community) : _("(none yet)"));
	label(key, sizeof key, _("verified:"));
	printf("%s%s\n", key,
	       me->verified ? _("yes, in person")
			    : _("not yet (a coordinator or building head "
				"verifies members in person)"));
	label(key, sizeof key, _("hours:"));
	printf("%s%.2f\n", key, me->hours);
	label(key, sizeof key, _("private:"));
	cli_private_print(stdout, key, &me->priv);
}

int cli_whoami(struct cli *c, int argc, char **argv)
{
	struct action_me *me;
	int status;

	(void)argv;
	if (argc > 1)
		return cli_usage(NULL, "whoami takes no arguments");
	status = cli_open(c, 1);
	if (status)
		return status;
	me = malloc(sizeof *me); /* five texts and a private part */
	if (!me)
		return cli_fail("out of memory");
	if (action_member_whoami(&c->a, me)) {
		status = cli_fail_action(c);
		goto out;
	}
	whoami_print(c, me);
out:
	action_member_me_wipe(me); /* its private part, failures too */
	free(me);
	return status;
}

/* ---- community --------------------------------------------------------- */

static int community_create(struct cli *c, int argc, char **argv);
static int community_invite(struct cli *c, int argc, char **argv);
static int community_join(struct cli *c, int argc, char **argv);

enum { CMD_CREATE, CMD_INVITE, CMD_JOIN };

static const struct cli_cmd cmds[] = {
	[CMD_CREATE] = { "create", community_create, "community create NAME",
			 N_("start a community and print its invite code"), 0 },
	[CMD_INVITE] = { "invite", community_invite,
			 "community invite [--qr] [--qr-page FILE]",
			 N_("print the invite code again (--qr: also as a QR "
			    "code to scan; --qr-page FILE: a page to print "
			    "with the QR code and the code)"), 0 },
	[CMD_JOIN] = { "join", community_join, "community join [CODE | -]",
		       N_("join the community of an invite code (without CODE, or "
			  "with '-': read it from standard input, which keeps it "
			  "out of shell history and ps)"), 0 },
};

int cli_community(struct cli *c, int argc, char **argv)
{
	return cli_dispatch(c, "community", cmds, ARRAY_SIZE(cmds), argc, argv);
}

/* An invite code on stdout: bare, or {"name":...,"invite":...} with
 * --json. */
static void print_invite(struct cli *c, const struct action_community *info,
			 const char *code)
{
	if (c->json) {
		printf("{\"name\":");
		cli_json_str(stdout, info->name);
		printf(",\"invite\":\"%s\"}\n", code);
	} else {
		printf("%s\n", code);
	}
}

static int community_create(struct cli *c, int argc, char **argv)
{
	const struct cli_cmd *cmd = &cmds[CMD_CREATE];
	struct action_community info;
	char code[PEER_INVITE_MAX];
	int status;

	if (argc < 2 || !*argv[1])
		return cli_usage(cmd, "a community name is required");
	if (argc > 2)
		return cli_usage(cmd, "unexpected argument '%s' (quote a name "
				      "with spaces)",
				 argv[2]);
	status = cli_open(c, 1);
	if (status)
		return status;
	if (action_community_create(&c->a, argv[1], &info, code, sizeof code)) {
		status = cli_fail_action(c);
		goto out;
	}
	print_invite(c, &info, code);
	cli_say(c,
		_("you started the community '%s' (community id %s).\n"
		  "Give the invite code above to neighbours in person: "
		  "anyone holding it can read and post\nin the "
		  "community. They join with 'kith community join'. "
		  "Next: 'kith daemon' keeps you in sync\nwith "
		  "neighbours on this network.\n"),
		cli_txt(info.name), info.id);
out:
	crdt_wipe(code, sizeof code);
	return status;
}

/* kith community invite [--qr] [--qr-page FILE] */
struct invite_opts {
	int qr;
	const char *page;
};

static int community_invite(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT_FLAG("qr", offsetof(struct invite_opts, qr)),
		CLI_OPT("qr-page", offsetof(struct invite_opts, page),
			cli_field_nonempty, N_("--qr-page needs a file name")),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts),
					     CLI_OPTS_ONLY, NULL };
	const struct cli_cmd *cmd = &cmds[CMD_INVITE];
	struct invite_opts o = { 0, NULL };
	struct action_community info;
	char code[PEER_INVITE_MAX];
	struct cli_args args;
	int status;

	status = cli_fields_parse(cmd, &t, argc, argv, &o, &args);
	if (!status && o.qr && c->json)
		status = cli_usage(cmd, "--qr draws a picture for people; "
					"with --json use --qr-page FILE");
	if (!status)
		status = cli_open(c, 0);
	if (status)
		return status;
	if (action_community_invite(&c->a, &info, code, sizeof code)) {
		status = cli_fail_action(c);
		goto out;
	}
	if (o.page) {
		status = cli_qr_page(c, &info, code, o.page);
		if (status)
			goto out;
	}
	if (o.qr) {
		status = cli_qr_print(code);
		if (status)
			goto out;
	}
	if (c->json && o.page) {
		printf("{\"name\":");
		cli_json_str(stdout, info.name);
		printf(",\"invite\":\"%s\",\"page\":", code);
		cli_json_str(stdout, o.page);
		printf("}\n");
	} else {
		print_invite(c, &info, code);
	}
	if (o.page)
		cli_say(c,
			_("wrote '%s': the invite as a QR code, to print and "
			  "hand to a neighbour in person. Keep it private: "
			  "it holds the code\n"),
			o.page);
	if (*info.id)
		cli_say(c,
			_("the invite code of '%s' (community id %s). "
			  "Give it to neighbours in person:\nanyone "
			  "holding it can read and post in the "
			  "community. They join with 'kith community "
			  "join'.\n"),
			cli_txt(info.name), info.id);
	else
		cli_say(c,
			_("the invite code of '%s'. Give it to "
			  "neighbours in person:\nanyone holding it can "
			  "read and post in the community. They join "
			  "with 'kith community join'.\n"),
			cli_txt(info.name));
out:
	crdt_wipe(code, sizeof code);
	return status;
}

/*
 * Read an invite code from standard input into code (cap bytes, wiped by
 * the caller): the code is a secret, and on the command line it lands in
 * the shell's history and in every user's 'ps'.  On a terminal we prompt
 * and turn echo off; otherwise (a pipe, a file) we read it all.  Line
 * breaks and spaces are dropped (the decoder ignores spaces and dashes
 * anyway).  0, or CLI_FAIL / CLI_USAGE (nothing there) with the message
 * printed.
 */
static int read_code(char *code, size_t cap)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO), echo_off = 0, ch;
	size_t n = 0;

	if (tty) {
		fputs(_("invite code: "), stderr);
		fflush(stderr);
		if (tcgetattr(STDIN_FILENO, &old) == 0) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
		}
	}
	for (;;) {
		ch = getchar();
		if (ch == EOF || (tty && ch == '\n'))
			break;
		if (ch == '\n' || ch == '\r' || ch == ' ' || ch == '\t')
			continue;
		if (n + 1 >= cap) {
			n = cap; /* too long: not a code */
			break;
		}
		code[n++] = (char)ch;
	}
	if (echo_off)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	if (tty)
		fputc('\n', stderr);
	if (n >= cap) {
		code[0] = 0;
		return cli_fail("that is not a kith invite code (too long)");
	}
	code[n] = 0;
	if (!n)
		return cli_usage(&cmds[CMD_JOIN], "an invite code is required: "
						  "give CODE, or pass it on "
						  "standard input");
	return 0;
}

static int community_join(struct cli *c, int argc, char **argv)
{
	struct action_community info;
	char code[PEER_INVITE_MAX * 2] = "";
	int status = CLI_OK, i, again;

	if (argc < 2 || (argc == 2 && !strcmp(argv[1], "-"))) {
		/* from standard input, so it stays out of history and ps */
		status = read_code(code, sizeof code);
		argc = 1; /* no words to add */
	}
	/* the code may arrive split in several words */
	for (i = 1; i < argc; i++)
		if (strlen(code) + strlen(argv[i]) + 1 < sizeof code)
			strcat(code, argv[i]);
	if (!status)
		status = cli_open(c, 1);
	if (!status && action_community_join(&c->a, code, &info, &again))
		status = cli_fail_action(c);
	crdt_wipe(code, sizeof code);
	if (status)
		return status;
	if (c->json) {
		printf("{\"name\":");
		cli_json_str(stdout, info.name);
		printf("}\n");
	} else if (again) {
		fprintf(stderr,
			_("you are already a member of '%s'; nothing changed\n"),
			cli_txt(info.name));
	} else {
		fprintf(stderr,
			_("you joined '%s'. Next: 'kith daemon' keeps you in "
			  "sync with neighbours on this network,\nor 'kith sync "
			  "ADDR:PORT' syncs once with a neighbour's machine.\n"),
			cli_txt(info.name));
		if (*info.id)
			fprintf(stderr,
				_("community id %s: 'kith digest' shows it; "
				  "check with a neighbour that theirs is the "
				  "same\n"),
				info.id);
	}
	return CLI_OK;
}
