/*
 * identity.c - kith init, whoami, profile, community.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "action/community.h"
#include "action/member.h"
#include "cli.h"
#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "private.h"

static const struct cli_cmd init_cmd = {
	"init", cli_init,
	"init --name NAME [--building B] [--unit U] [--skills S] "
	"[--available WHEN]",
	N_("create your identity (a signing key) in the data directory"), 0
};
static const struct cli_cmd profile_cmd = {
	"profile", cli_profile,
	"profile [--name N] [--building B] [--unit U] [--skills S] "
	"[--available WHEN] [--private TEXT [--private-to MEMBER]...]",
	N_("publish changes to your member profile (--private: only you, the "
	"coordinators and members you name can read it)"), 0
};

/* priv: where --private / --private-to go (NULL: not accepted) */
static int profile_opts(const struct cli_cmd *cmd, int argc, char **argv,
			struct action_profile *p, struct action_private *priv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "building", required_argument, NULL, 'b' },
		{ "unit", required_argument, NULL, 'u' },
		{ "skills", required_argument, NULL, 's' },
		{ "available", required_argument, NULL, 'a' },
		{ "private", required_argument, NULL, 'p' },
		{ "private-to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, rc = 0;

	memset(p, 0, sizeof *p);
	if (priv)
		memset(priv, 0, sizeof *priv);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		if ((ch == 'p' || ch == 't') && !priv)
			return cli_usage(cmd, "--private and --private-to "
					      "belong to 'kith profile'");
		switch (ch) {
		case 'p':
			priv->text = optarg; /* sealed by the action */
			break;
		case 't':
			rc = cli_private_add_to(cmd, priv, optarg);
			if (rc)
				return rc;
			break;
		case 'n':
			if (!*optarg)
				return cli_usage(cmd, "--name cannot be empty");
			p->name = optarg;
			break;
		case 'b':
			p->building = optarg;
			break;
		case 'u':
			p->unit = optarg;
			break;
		case 's':
			p->skills = optarg;
			break;
		case 'a': /* when one can help: "evenings, weekends" */
			p->available = optarg;
			break;
		default:
			return cli_bad_option(cmd, argv, ch);
		}
	}
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
	return priv ? cli_private_check(cmd, priv) : 0;
}

int cli_init(struct cli *c, int argc, char **argv)
{
	struct action_profile p;
	uint8_t id[CRDT_PK_LEN];
	char hex[2 * CRDT_PK_LEN + 1];
	int rc;

	rc = profile_opts(&init_cmd, argc, argv, &p, NULL);
	if (rc)
		return rc;
	if (!p.name)
		return cli_usage(&init_cmd, "--name is required");
	rc = cli_open_flags(c, ACTION_CREATE);
	if (rc)
		return rc;
	if (action_member_init(&c->a, &p, id))
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
	struct action_private priv;
	struct action_profile p;
	int rc = profile_opts(&profile_cmd, argc, argv, &p, &priv);

	if (rc)
		return rc;
	if (!p.name && !p.building && !p.unit && !p.skills && !p.available &&
	    !priv.text)
		return cli_usage(&profile_cmd, "nothing to change");
	rc = cli_open(c, 1);
	if (rc)
		return rc;
	if (action_member_profile(&c->a, &p, &priv))
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
	int rc;

	(void)argv;
	if (argc > 1)
		return cli_usage(NULL, "whoami takes no arguments");
	rc = cli_open(c, 1);
	if (rc)
		return rc;
	me = malloc(sizeof *me); /* five texts and a private part */
	if (!me)
		return cli_fail("out of memory");
	rc = action_member_whoami(&c->a, me);
	if (rc) {
		free(me);
		return cli_fail_action(c);
	}
	whoami_print(c, me);
	action_member_me_wipe(me);
	free(me);
	return CLI_OK;
}

/* ---- community --------------------------------------------------------- */

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
	struct action_community info;
	char code[PEER_INVITE_MAX];
	int rc;

	if (argc < 2 || !*argv[1])
		return cli_usage(NULL, "a community name is required");
	if (argc > 2)
		return cli_usage(NULL, "unexpected argument '%s' (quote a name "
				       "with spaces)",
				 argv[2]);
	rc = cli_open(c, 1);
	if (rc)
		return rc;
	if (action_community_create(&c->a, argv[1], &info, code, sizeof code))
		return cli_fail_action(c);
	print_invite(c, &info, code);
	{
		cli_say(c,
			_("you started the community '%s' (community id %s).\n"
			  "Give the invite code above to neighbours in person: "
			  "anyone holding it can read and post\nin the "
			  "community. They join with 'kith community join'. "
			  "Next: 'kith daemon' keeps you in sync\nwith "
			  "neighbours on this network.\n"),
			cli_txt(info.name), info.id);
	}
	crdt_wipe(code, sizeof code);
	return CLI_OK;
}

static int community_invite(struct cli *c, int argc, char **argv)
{
	struct action_community info;
	char code[PEER_INVITE_MAX];
	int rc;

	if (argc != 1)
		return cli_usage(NULL, "unexpected argument '%s'", argv[1]);
	rc = cli_open(c, 0);
	if (rc)
		return rc;
	if (action_community_invite(&c->a, &info, code, sizeof code))
		return cli_fail_action(c);
	print_invite(c, &info, code);
	{
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
	}
	crdt_wipe(code, sizeof code);
	return CLI_OK;
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
	while ((ch = getchar()) != EOF) {
		if (tty && ch == '\n')
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
		return cli_usage(NULL, "an invite code is required: give CODE, "
				       "or pass it on standard input");
	return 0;
}

static int community_join(struct cli *c, int argc, char **argv)
{
	struct action_community info;
	char code[PEER_INVITE_MAX * 2] = "";
	int rc, i, again;

	if (argc < 2 || (argc == 2 && !strcmp(argv[1], "-"))) {
		/* from standard input, so it stays out of history and ps */
		rc = read_code(code, sizeof code);
		if (rc) {
			crdt_wipe(code, sizeof code);
			return rc;
		}
		argc = 1; /* no words to add */
	}
	/* the code may arrive split in several words */
	for (i = 1; i < argc; i++)
		if (strlen(code) + strlen(argv[i]) + 1 < sizeof code)
			strcat(code, argv[i]);
	rc = cli_open(c, 1);
	if (!rc && action_community_join(&c->a, code, &info, &again))
		rc = cli_fail_action(c);
	crdt_wipe(code, sizeof code);
	if (rc)
		return rc;
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

int cli_community(struct cli *c, int argc, char **argv)
{
	static const struct cli_cmd t[] = {
		{ "create", community_create, "community create NAME",
		  N_("start a community and print its invite code"), 0 },
		{ "invite", community_invite, "community invite",
		  N_("print the invite code again"), 0 },
		{ "join", community_join, "community join [CODE | -]",
		  N_("join the community of an invite code (without CODE, or with "
		  "'-': read it from standard input, which keeps it out of "
		  "shell history and ps)"), 0 },
	};

	return cli_dispatch(c, "community", t, sizeof t / sizeof t[0], argc,
			    argv);
}
