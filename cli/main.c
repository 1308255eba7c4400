/*
 * main.c - kith [--home DIR] [--as MEMBER] [--json] COMMAND ...
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "crdt/crypto.h"

static const struct cli_cmd commands[] = {
	{ "init", cli_init, "init --name NAME [--building B] [--unit U] [--skills S] "
	  "[--available WHEN] | init --link CODE",
	  N_("create your identity in the data directory"), 0 },
	{ "whoami", cli_whoami, "whoami", N_("show your id, name and community"), 0 },
	{ "profile", cli_profile,
	  "profile [--name N] [--building B] [--unit U] [--skills S] "
	  "[--available WHEN] [--private TEXT [--private-to MEMBER]...]",
	  N_("publish changes to your member profile"), 0 },
	{ "community", cli_community,
	  "community create NAME | invite | join [CODE | -]",
	  N_("create, share or join a community"), 1 },
	{ "item", cli_item, "item add|list|show|edit|withdraw|renew|lend|give|return|request ...",
	  N_("things to lend or give, skills, rooms, resources"), 1 },
	{ "wish", cli_wish,
	  "wish add|list|show|edit|withdraw|renew|claim|unclaim|deliver|accept|confirm ...",
	  N_("needs of neighbours, and help offered for them"), 1 },
	{ "members", cli_members, "members", N_("list members with their time-bank hours"), 0 },
	{ "digest", cli_digest, "digest",
	  N_("print a hash of the replica's state (equal on replicas that agree)"), 0 },
	{ "vector", cli_vector, "vector FILE",
	  N_("write what this replica holds, for 'export --since'"), 0 },
	{ "export", cli_export, "export FILE [--since VECTOR_FILE] [--max-bytes N]",
	  N_("write an encrypted bundle of changes"), 0 },
	{ "import", cli_import, "import FILE", N_("apply an encrypted bundle"), 0 },
	{ "backup", cli_backup, "backup --out FILE",
	  N_("write your keys, your hosted neighbours' and the community's "
	     "to FILE, under a passphrase"), 0 },
	{ "restore", cli_restore, "restore FILE",
	  N_("bring the keys of a backup into a new data directory"), 0 },
	{ "daemon", cli_daemon,
	  "daemon [--listen ADDR:PORT] [--peer ADDR:PORT]... [--no-mdns] "
	  "[--interval SECS] [--web ADDR:PORT | --no-web] "
	  "[--web-cert FILE --web-key FILE] [--kiosk [--kiosk-idle SECONDS]] [-v|--verbose]",
	  N_("run in the foreground: find neighbours and keep in sync"), 0 },
	{ "open", cli_web_open, "open [--print]",
	  N_("log in to the web app: open (or print) a one-time link"), 0 },
	{ "sync", cli_sync, "sync ADDR:PORT [--timeout SECS] [-v|--verbose]",
	  N_("sync once with a peer, both ways, then exit"), 0 },
	{ "peers", cli_peers, "peers", N_("peers this node knows and synced with"), 0 },
	{ "status", cli_status, "status",
	  N_("this node, its replica, and whether the daemon runs"), 0 },
	{ "roles", cli_roles, "roles", N_("who coordinates and who heads a building"),
	  0 },
	{ "member", cli_member,
	  "member verify|unverify MEMBER [--building B --unit U] | "
	  "host --name N [--building B] [--unit U] | hosted | "
	  "pin MEMBER [--remove] | handover MEMBER [--qr] | "
	  "replace MEMBER --with ID",
	  N_("vouch for a member met in person; host a neighbour without a "
	     "device; set a web login PIN; replace a lost key "
	     "(coordinators)"),
	  0 },
	{ "device", cli_device, "device add [--qr] | list | remove KEY",
	  N_("use kith on another device of yours: link it, list them"), 1 },
	{ "role", cli_role, "role grant|revoke MEMBER ROLE [--building B]",
	  N_("appoint or remove a coordinator or building-head (coordinators)"),
	  0 },
	{ "hide", cli_hide, "hide ID --reason R",
	  N_("hide a post from everyone's lists (coordinators)"), 0 },
	{ "unhide", cli_unhide, "unhide ID [--reason R]",
	  N_("show a hidden post again (coordinators)"), 0 },
	{ "block", cli_block, "block MEMBER",
	  N_("hide a member's posts from you, on this machine only"), 0 },
	{ "unblock", cli_unblock, "unblock MEMBER", N_("undo 'kith block'"), 0 },
	{ "emergency", cli_emergency, "emergency [start \"REASON\" | end | status]",
	  N_("show, start or end emergency mode (coordinators)"), 0 },
	{ "checkin", cli_checkin,
	  "checkin safe|need-help [--for MEMBER_OR_NAME] [--note N]",
	  N_("say how a household is (yours, or a neighbour's)"), 0 },
	{ "checkins", cli_checkins, "checkins [--building B]",
	  N_("roll call: who is safe, who needs help, who has not checked in"), 0 },
	{ "inventory", cli_inventory, "inventory [--building B]",
	  N_("emergency resources totalled by building and category"), 0 },
	{ "volunteers", cli_volunteers, "volunteers [--skill S] [--building B]",
	  N_("members who offer skills or time, your building first"), 0 },
	{ "match", cli_match, "match [WISH] [--limit N]",
	  N_("propose items and volunteers for the N (20) most urgent open "
	  "wishes, or one WISH"), 0 },
	{ "hours", cli_hours, "hours [MEMBER]",
	  N_("a member's time-bank ledger and balance (default: yours)"), 0 },
	{ "print", cli_print, "print [--building B] [--out FILE.html] [--url URL]",
	  N_("a notice sheet to print, one page per building"), 0 },
	{ "report", cli_report, "report --csv DIR",
	  N_("CSV files of items, wishes, claims, check-ins, hours"), 0 },
	{ "version", cli_version, "version", N_("print kith's version"), 0 },
};

static void usage(FILE *f)
{
	size_t i;

	fputs(_("usage: kith [--home DIR] [--as MEMBER] [--json] COMMAND "
		"[ARGS]\n\n"
		"kith keeps your neighbourhood's shared items and wishes on "
		"your own machine\nand shares them with neighbours, with or "
		"without the internet.\n\ncommands:\n"),
	      f);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			_(commands[i].help));
	fputs(_("\nData directory: --home DIR, else $KITH_HOME, else "
		"$XDG_DATA_HOME/kith,\nelse ~/.local/share/kith.  'kith "
		"COMMAND --help' tells more.\n"),
	      f);
	fputs(_("--as MEMBER acts for a neighbour this machine hosts ('kith "
		"member hosted').\n"),
	      f);
}

int main(int argc, char **argv)
{
	struct cli c;
	const char *now;
	uint64_t fixed_ms = 0;
	int i, j, status;

	action_i18n_init();
	if (crdt_crypto_init()) {
		fprintf(stderr, "%s\n", _("kith: cannot initialise libsodium"));
		return 1;
	}
	/* everything kith creates (replica, its -wal and -shm, keys, the
	 * daemon's socket and lock, bundles, reports) is for this user only,
	 * whatever the mode of the directory it lands in */
	umask(077);
	memset(&c, 0, sizeof c);
	/* --json may appear anywhere; --home before the command */
	for (i = j = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[j++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--json"))
			c.json = 1;
		else
			argv[j++] = argv[i];
	}
	argc = j;
	argv[argc] = NULL;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--home") && i + 1 >= argc) {
			fprintf(stderr, "%s\n",
				_("kith: --home needs a directory"));
			return 2;
		} else if (!strcmp(argv[i], "--home")) {
			c.home_arg = argv[++i];
		} else if (!strncmp(argv[i], "--home=", 7)) {
			c.home_arg = argv[i] + 7;
		} else if (!strcmp(argv[i], "--as") && i + 1 >= argc) {
			fprintf(stderr, "%s\n",
				_("kith: --as needs a member hosted here"));
			return 2;
		} else if (!strcmp(argv[i], "--as")) {
			c.as_arg = argv[++i];
		} else if (!strncmp(argv[i], "--as=", 5)) {
			c.as_arg = argv[i] + 5;
		} else if (!strcmp(argv[i], "--version")) {
			return cli_version(&c, 1, argv + i);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, _("kith: unknown option '%s'\n"), argv[i]);
			usage(stderr);
			return 2;
		} else {
			break;
		}
	}
	if (i >= argc) {
		fprintf(stderr, _("kith: a command is required\n"));
		usage(stderr);
		return 2;
	}
	/* --as acts for a person; the machine's own work (the daemon and
	 * its sessions, the web login, this machine's identity and
	 * community) stays with the machine's own member */
	if (c.as_arg && (!strcmp(argv[i], "daemon") || !strcmp(argv[i], "sync") ||
			 !strcmp(argv[i], "open") || !strcmp(argv[i], "init") ||
			 !strcmp(argv[i], "community"))) {
		fprintf(stderr,
			_("kith: --as is for what a person does (wish, item, "
			  "checkin, profile, ...), not for '%s'\n"),
			argv[i]);
		return 2;
	}
	opterr = 0; /* commands report bad options themselves */
	now = getenv("KITH_NOW");
	if (now && *now) {
		uint64_t t;

		if (cli_parse_uint(now, 1, UINT64_MAX / 1000, &t)) {
			fprintf(stderr, _("kith: KITH_NOW must be unix seconds\n"));
			return 2;
		}
		fixed_ms = t * 1000;
	}
	action_init(&c.a, fixed_ms);
	status = cli_dispatch(&c, NULL, commands, ARRAY_SIZE(commands),
			      argc - i + 1, argv + i - 1);
	cli_close(&c);
	fflush(stdout);
	if (ferror(stdout)) {
		fprintf(stderr, _("kith: cannot write output\n"));
		return 1;
	}
	return status;
}
