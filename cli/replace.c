/*
 * replace.c - kith member replace MEMBER --with ID: a coordinator names
 * the new key of a member who lost the only device that held theirs
 * (action/replace.h).
 *
 * Parse, call action_member_replace, print.  Who may replace, and which
 * keys are refused, is the action's to say: its refusal is printed as it
 * is (a malformed id, KITH_EINVAL, as a usage error).
 */
#include <stdio.h>

#include "action/replace.h"
#include "cli.h"
#include "fields.h"

/* kith member replace MEMBER --with ID */
int cli_member_replace(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("with", 0, cli_field_text, NULL),
	};
	static const struct cli_fields t = {
		opts, ARRAY_SIZE(opts), 1,
		N_("replace needs the member whose device was lost")
	};
	const char *with = NULL;
	struct action_replace r;
	struct cli_args args;
	int status, err;

	status = cli_fields_parse(NULL, &t, argc, argv, &with, &args);
	if (status)
		return status;
	if (!with)
		return cli_usage(NULL, "--with is required: the id 'kith "
				       "whoami' shows on their new machine");
	status = cli_open(c, 1);
	if (status)
		return status;
	err = action_member_replace(&c->a, args.pos[0], with, &r);
	if (err)
		return cli_refused(c, NULL, err);
	if (c->json) {
		printf("{\"member\":\"%s\",\"name\":", r.who.hex);
		cli_json_str(stdout, r.who.name);
		printf(",\"key\":\"%s\",\"cut\":%zu}\n", r.key, r.cut);
		return CLI_OK;
	}
	printf("%s\n", r.key);
	/* TRANSLATORS: %1$s: the member; %2$.12s: the start of the new
	 * machine's id */
	fprintf(stderr,
		_("%1$s's key is replaced: the machine %2$.12s now writes as "
		  "them, and anything their old phone or computer writes from "
		  "now on is ignored everywhere, once machines sync.\nTell "
		  "them to link their other devices again from the new "
		  "machine (kith device add).\n"),
		cli_txt(r.who.label), r.key);
	return CLI_OK;
}
