/*
 * backup.c - kith backup --out FILE, kith restore FILE: a member's keys
 * (their own and their hosted neighbours') in a file under a passphrase,
 * and back on a new machine (action/backup.h).  The passphrase is read
 * for the person (cli/secret.c), never taken from the command line.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "action/backup.h"
#include "cli.h"
#include "crdt/crypto.h"
#include "fields.h"

#define PASS_CAP (ACTION_PASS_MAX + 2)

/* A new passphrase: twice on a terminal (a typo would lock the backup for
 * good), once from standard input.  Checked for length before the second
 * asking.  CLI_OK or the exit status, message printed. */
static int new_pass(struct cli *c, char *pass, char *again)
{
	int status;

	status = cli_read_secret(_("passphrase for the backup: "), pass,
				 PASS_CAP);
	if (status)
		return status;
	if (action_pass_check(&c->a, pass))
		return cli_fail_action(c);
	if (!cli_secret_tty())
		return CLI_OK;
	status = cli_read_secret(_("the same passphrase again: "), again,
				 PASS_CAP);
	if (status)
		return status;
	if (strcmp(pass, again))
		return cli_fail("the two passphrases differ; nothing was "
				"written");
	return CLI_OK;
}

static void json_info(const struct action_backup_info *info)
{
	printf("\"id\":\"%s\",\"seq\":%llu,\"hosted\":%zu,\"community\":",
	       info->hex, (unsigned long long)info->seq, info->nhosted);
	if (info->community[0])
		cli_json_str(stdout, info->community);
	else
		fputs("null", stdout);
}

/* kith backup --out FILE */
int cli_backup(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("out", 0, cli_field_nonempty, NULL),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts),
					     CLI_OPTS_ONLY, NULL };
	char pass[PASS_CAP] = "", again[PASS_CAP] = "";
	struct action_backup_info info;
	const char *out = NULL;
	struct cli_args args;
	uint8_t *buf = NULL;
	size_t len = 0;
	int status, err;

	status = cli_fields_parse(NULL, &t, argc, argv, &out, &args);
	if (status)
		return status;
	if (!out)
		return cli_usage(NULL, "--out FILE is required");
	status = cli_open(c, 1);
	if (status)
		return status;
	if (action_backup_ready(&c->a))
		return cli_fail_action(c);
	/* where it goes, before anyone types a passphrase */
	status = cli_output_check(c, out, PEER_BACKUP_MAGIC,
				  strlen(PEER_BACKUP_MAGIC));
	if (!status)
		status = new_pass(c, pass, again);
	if (!status && action_backup(&c->a, pass, &buf, &len, &info))
		status = cli_fail_action(c);
	crdt_wipe(pass, sizeof pass);
	crdt_wipe(again, sizeof again);
	if (status)
		goto out;
	err = cli_output_write(out, buf, len);
	if (err) {
		status = cli_fail("cannot write '%s': %s", out,
				  cli_output_strerror(err));
		goto out;
	}
	if (c->json) {
		fputs("{\"file\":", stdout);
		cli_json_str(stdout, out);
		putchar(',');
		json_info(&info);
		puts("}");
	} else {
		cli_say(c,
			ngettext("backup written to '%s': your key, the "
				 "community key and %zu hosted neighbour's key",
				 "backup written to '%s': your key, the "
				 "community key and %zu hosted neighbours' keys",
				 (unsigned long)info.nhosted),
			cli_txt(out), info.nhosted);
		cli_say(c, _("keep the file and the passphrase apart: with "
			     "both, anyone can act as you; without the "
			     "passphrase, nobody can restore it, you neither"));
	}
out:
	free(buf);
	return status;
}

/* kith restore FILE */
int cli_restore(struct cli *c, int argc, char **argv)
{
	static const struct cli_fields t = { NULL, 0, 1,
					     N_("the backup FILE is required") };
	char pass[PASS_CAP] = "";
	struct action_backup_info info;
	struct action_restore r;
	struct cli_args args;
	int status;

	status = cli_fields_parse(NULL, &t, argc, argv, NULL, &args);
	if (status)
		return status;
	if (c->as_arg)
		return cli_usage(NULL, "--as does not go with restore: it "
				       "restores your own identity");
	c->a.warn = NULL;
	if (action_restore_open(&c->a, c->home_arg, args.pos[0], &r)) {
		status = cli_fail_action(c);
		goto out;
	}
	status = cli_read_secret(_("passphrase of the backup: "), pass,
				 sizeof pass);
	if (!status && action_restore(&c->a, &r, pass, &info))
		status = cli_fail_action(c);
	crdt_wipe(pass, sizeof pass);
	if (status)
		goto out;
	if (c->json) {
		fputs("{\"home\":", stdout);
		cli_json_str(stdout, c->a.home);
		putchar(',');
		json_info(&info);
		puts("}");
		goto out;
	}
	if (info.community[0])
		cli_say(c,
			ngettext("restored your identity %.8s, the community "
				 "'%s' and %zu hosted neighbour into '%s'",
				 "restored your identity %.8s, the community "
				 "'%s' and %zu hosted neighbours into '%s'",
				 (unsigned long)info.nhosted),
			info.hex, cli_txt(info.community), info.nhosted,
			cli_txt(c->a.home));
	else
		cli_say(c,
			ngettext("restored your identity %.8s and %zu hosted "
				 "neighbour into '%s'",
				 "restored your identity %.8s and %zu hosted "
				 "neighbours into '%s'",
				 (unsigned long)info.nhosted),
			info.hex, info.nhosted, cli_txt(c->a.home));
	if (info.seq)
		cli_say(c,
			_("before you post, get your earlier changes (up to "
			  "#%llu) back from a neighbour: 'kith sync ADDR', or "
			  "'kith import FILE' with a bundle of theirs; until "
			  "then kith refuses to write, so your log does not "
			  "fork"),
			(unsigned long long)info.seq);
out:
	action_restore_release(&r);
	return status;
}
