/*
 * identity.c - kith init, whoami, profile, community.
 */
#include <getopt.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "crdt/err.h"
#include "crdt/schema.h"
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
			struct crdt_op *op, struct action_private *priv)
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
	int ch, field, rc = 0;

	crdt_op_init(op, CRDT_OP_SELF, CRDT_R_MEMBER);
	if (priv)
		memset(priv, 0, sizeof *priv);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		if ((ch == 'p' || ch == 't') && !priv)
			return cli_usage(cmd, "--private and --private-to "
					      "belong to 'kith profile'");
		if (ch == 'p') {
			priv->text = optarg; /* sealed once the replica is open */
			continue;
		}
		if (ch == 't') {
			rc = cli_private_add_to(cmd, priv, optarg);
			if (rc)
				return rc;
			continue;
		}
		switch (ch) {
		case 'n':
			field = F_MEMBER_NAME;
			if (!*optarg)
				return cli_usage(cmd, "--name cannot be empty");
			break;
		case 'b':
			field = F_MEMBER_BUILDING;
			break;
		case 'u':
			field = F_MEMBER_UNIT;
			break;
		case 's':
			field = F_MEMBER_SKILLS;
			break;
		case 'a': /* when one can help: "evenings, weekends" */
			field = F_MEMBER_AVAILABLE;
			break;
		default:
			return cli_bad_option(cmd, argv, ch);
		}
		if (strlen(optarg) > CRDT_MAX_TEXT)
			return cli_usage(cmd, "text is too long (at most %d bytes)",
					 CRDT_MAX_TEXT);
		rc = crdt_op_set_text(op, (unsigned)field, optarg);
		if (rc)
			return cli_usage(cmd, "invalid value");
	}
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
	if (priv) {
		rc = cli_private_check(cmd, priv);
		if (rc)
			return rc;
	}
	return crdt_op_finish(op) ? CLI_USAGE : 0;
}

int cli_init(struct cli *c, int argc, char **argv)
{
	struct crdt_op op;
	char hex[2 * CRDT_PK_LEN + 1];
	int rc;

	rc = profile_opts(&init_cmd, argc, argv, &op, NULL);
	if (rc)
		return rc;
	if (!op.nvals || op.vals[0].field != F_MEMBER_NAME)
		return cli_usage(&init_cmd, "--name is required");
	rc = cli_open_flags(c, ACTION_CREATE);
	if (rc)
		return rc;
	rc = peer_identity_create(c->a.home, &c->a.env, &c->a.r.id);
	if (rc == KITH_EEXISTS)
		return cli_fail("an identity already exists in '%s'; refusing to "
				"overwrite it",
				c->a.home);
	if (rc)
		return cli_fail("cannot create identity in '%s': %s", c->a.home,
				kith_strerror(rc));
	rc = crdt_replica_commit(&c->a.r, &op, 1, NULL);
	if (rc)
		return cli_fail_rc(c, rc, "cannot publish your profile");
	crdt_hex(hex, c->a.r.id.pk, CRDT_PK_LEN);
	if (c->json) {
		printf("{\"id\":\"%s\",\"home\":", hex);
		cli_json_str(stdout, c->a.home);
		printf("}\n");
	} else {
		printf("%s\n", hex);
		fprintf(stderr,
			"created your identity in '%s'.\nnext: 'kith community "
			"create NAME' to start a community, or\n      'kith "
			"community join CODE' with an invite code from a "
			"neighbour\n",
			c->a.home);
	}
	return CLI_OK;
}

int cli_profile(struct cli *c, int argc, char **argv)
{
	struct action_private priv;
	struct crdt_op op;
	uint8_t sealed[CRDT_SEAL_MAX];
	size_t slen = 0;
	int rc = profile_opts(&profile_cmd, argc, argv, &op, &priv);

	if (rc)
		return rc;
	if (!op.nvals && !priv.text)
		return cli_usage(&profile_cmd, "nothing to change");
	rc = cli_open(c, 1);
	if (!rc && priv.text && *priv.text)
		rc = cli_private_seal(c, &priv, NULL, sealed, &slen);
	if (rc)
		return rc;
	if (priv.text) { /* "" removes the private part */
		(void)crdt_op_set_bytes(&op, F_MEMBER_PRIVATE, sealed, slen);
		if (crdt_op_finish(&op))
			return CLI_USAGE;
	}
	rc = crdt_replica_commit(&c->a.r, &op, 1, NULL);
	if (rc)
		return cli_fail_rc(c, rc, "cannot publish your profile");
	if (!c->json)
		fprintf(stderr, "profile updated\n");
	return CLI_OK;
}

struct whoami_ctx {
	struct cli *c;
	const struct peer_community *com;
	const struct action_private_view *priv; /* our own private part */
	int found;
};

static int whoami_row(void *ctx, const struct crdt_row *r)
{
	struct whoami_ctx *w = ctx;
	const char *com = w->com ? w->com->name : NULL;

	w->found = 1;
	if (w->c->json) {
		printf("{\"id\":\"%s\",\"name\":", cli_col_text(r, "id"));
		cli_json_str(stdout, cli_col_text(r, "name"));
		printf(",\"building\":");
		cli_json_str(stdout, cli_col_text(r, "building"));
		printf(",\"unit\":");
		cli_json_str(stdout, cli_col_text(r, "unit"));
		printf(",\"community\":");
		if (com)
			cli_json_str(stdout, com);
		else
			printf("null");
		cli_private_json(stdout, w->priv);
		printf("}\n");
	} else {
		printf("id:        %s\nname:      %s\n",
		       cli_txt(cli_col_text(r, "id")),
		       cli_txt(cli_col_text(r, "name")));
		if (*cli_col_text(r, "building") || *cli_col_text(r, "unit"))
			printf("home:      %s %s\n",
			       cli_txt(cli_col_text(r, "building")),
			       cli_txt(cli_col_text(r, "unit")));
		printf("community: %s\n", com ? cli_txt(com) : "(none yet)");
		cli_private_print(stdout, "private:   ", w->priv);
	}
	return 0;
}

int cli_whoami(struct cli *c, int argc, char **argv)
{
	struct peer_community com;
	struct action_private_view priv;
	struct whoami_ctx w = { c, NULL, &priv, 0 };
	int rc;

	if (argc > 1)
		return cli_usage(NULL, "whoami takes no arguments");
	rc = cli_open(c, 1);
	if (!rc)
		rc = cli_private_read(c, CRDT_R_MEMBER, c->a.r.id.pk, c->a.r.id.pk,
				      &priv);
	if (rc)
		return rc;
	if (peer_community_load(c->a.home, &com) == 0)
		w.com = &com;
	rc = crdt_query_members(c->a.r.store, c->a.r.id.pk, whoami_row, &w);
	action_private_view_wipe(&priv);
	peer_community_wipe(&com);
	if (rc)
		return cli_fail_rc(c, rc, "cannot read your profile");
	if (!w.found)
		return cli_fail("your profile is missing; run 'kith profile "
				"--name NAME'");
	return CLI_OK;
}

/* ---- community --------------------------------------------------------- */

static int load_community(struct cli *c, struct peer_community *com)
{
	int rc = peer_community_load(c->a.home, com);

	if (rc == KITH_ENOCOMMUNITY)
		return cli_fail("you have not joined a community; use 'kith "
				"community create NAME' or 'kith community "
				"join CODE'");
	if (rc)
		return cli_fail("cannot read community key in '%s': %s", c->a.home,
				kith_strerror(rc));
	return 0;
}

static int print_invite(struct cli *c, const struct peer_community *com,
			int fresh)
{
	char code[PEER_INVITE_MAX];

	if (peer_invite_encode(com, code, sizeof code))
		return cli_fail("cannot make an invite code");
	if (c->json) {
		printf("{\"name\":");
		cli_json_str(stdout, com->name);
		printf(",\"invite\":\"%s\"}\n", code);
	} else {
		if (com->version == 2) {
			char id[17];

			crdt_hex(id, com->genesis, 8);
			fprintf(stderr, "community id %s\n", id);
		}
		printf("%s\n", code);
		fprintf(stderr,
			"%s'%s'. Give this invite code to neighbours in person;\n"
			"anyone holding it can read and post in the "
			"community.\n",
			fresh ? "created community " : "invite code for ",
			cli_txt(com->name));
	}
	crdt_wipe(code, sizeof code);
	return CLI_OK;
}

static int community_create(struct cli *c, int argc, char **argv)
{
	struct peer_community com;
	int rc;

	if (argc < 2 || !*argv[1])
		return cli_usage(NULL, "a community name is required");
	if (argc > 2)
		return cli_usage(NULL, "unexpected argument '%s' (quote a name "
				       "with spaces)",
				 argv[2]);
	if (strlen(argv[1]) > PEER_NAME_MAX)
		return cli_fail("community name is too long (at most %d bytes)",
				PEER_NAME_MAX);
	rc = cli_open(c, 1);
	if (rc)
		return rc;
	memset(&com, 0, sizeof com);
	strcpy(com.name, argv[1]);
	rc = peer_community_load(c->a.home, &com);
	if (rc != KITH_ENOCOMMUNITY) {
		peer_community_wipe(&com);
		return cli_fail("this data directory already belongs to a "
				"community; see 'kith community invite'");
	}
	strcpy(com.name, argv[1]);
	c->a.env.random(c->a.env.ctx, com.key, sizeof com.key);
	com.version = 2;
	/* the genesis record: its change's hash names the community, and
	 * only we could sign it (crdt/community.h) */
	{
		struct crdt_op op;
		struct crdt_author a;

		crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_COMMUNITY);
		rc = crdt_op_set_text(&op, F_COMMUNITY_NAME, com.name);
		if (!rc)
			rc = crdt_op_finish(&op);
		if (!rc)
			rc = crdt_replica_commit(&c->a.r, &op, 1, NULL);
		if (!rc)
			rc = crdt_store_author(c->a.r.store, c->a.r.id.pk, 0, &a);
		if (rc) {
			peer_community_wipe(&com);
			return cli_fail_rc(c, rc, "cannot found the community");
		}
		memcpy(com.genesis, a.head_hash, CRDT_HASH_LEN);
	}
	rc = peer_community_save(c->a.home, &com);
	if (rc == KITH_EEXISTS) {
		peer_community_wipe(&com);
		return cli_fail("this data directory already belongs to a "
				"community; see 'kith community invite'");
	}
	if (rc) {
		peer_community_wipe(&com);
		return cli_fail("cannot save community key: %s",
				kith_strerror(rc));
	}
	rc = print_invite(c, &com, 1);
	peer_community_wipe(&com);
	return rc;
}

static int community_invite(struct cli *c, int argc, char **argv)
{
	struct peer_community com;
	int rc;

	if (argc != 1)
		return cli_usage(NULL, "unexpected argument '%s'", argv[1]);
	rc = cli_open(c, 0);
	if (!rc)
		rc = load_community(c, &com);
	if (rc)
		return rc;
	rc = print_invite(c, &com, 0);
	peer_community_wipe(&com);
	return rc;
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
		fputs("invite code: ", stderr);
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
	struct peer_community com, old;
	char code[PEER_INVITE_MAX * 2] = "";
	int rc, i;

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
	rc = peer_invite_decode(code, &com);
	crdt_wipe(code, sizeof code);
	if (rc == KITH_ECHECKSUM)
		return cli_fail("invite code is mistyped (its checksum does not "
				"match); check it letter by letter");
	if (rc == KITH_EVERSION)
		return cli_fail("this invite code was made by a newer kith; "
				"upgrade kith, then join again");
	if (rc)
		return cli_fail("that is not a kith invite code (they start "
				"with 'kith1')");
	rc = cli_open(c, 1);
	if (rc) {
		peer_community_wipe(&com);
		return rc;
	}
	if (peer_community_load(c->a.home, &old) == 0) {
		int same = crdt_equal(old.key, com.key, CRDT_KEY_LEN) &&
			   old.version == com.version &&
			   crdt_equal(old.genesis, com.genesis, CRDT_HASH_LEN);

		peer_community_wipe(&com);
		if (same) {
			if (c->json) {
				printf("{\"name\":");
				cli_json_str(stdout, old.name);
				printf("}\n");
			} else {
				fprintf(stderr, "already a member of this "
						"community\n");
			}
			peer_community_wipe(&old);
			return CLI_OK;
		}
		peer_community_wipe(&old);
		return cli_fail("this data directory already belongs to another "
				"community");
	}
	rc = peer_community_save(c->a.home, &com);
	if (rc) {
		peer_community_wipe(&com);
		return cli_fail("cannot save community key: %s",
				kith_strerror(rc));
	}
	if (c->json) {
		printf("{\"name\":");
		cli_json_str(stdout, com.name);
		printf("}\n");
	} else {
		printf("joined community '%s'\n", cli_txt(com.name));
		if (com.version == 2) {
			char id[17];

			crdt_hex(id, com.genesis, 8);
			fprintf(stderr,
				"community id %s: 'kith digest' shows it; "
				"check with a neighbour that theirs is the "
				"same\n",
				id);
		}
	}
	peer_community_wipe(&com);
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
