/*
 * pin.c - kith member pin: the web login PIN of this machine's own member
 * or of a neighbour it hosts (action/pin.h).
 *
 * The PIN is read with cli_read_secret (cli/secret.c): at a terminal
 * twice, without echo; from a script, the first line of standard input.
 * Never from the command line.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "action/pin.h"
#include "cli.h"
#include "fields.h"

/* Room for a PIN too long, to say so rather than cut it. */
#define PIN_CAP (ACTION_PIN_MAX + 8)

struct pin_opts {
	int remove;
};

/* The PIN, twice at a terminal; CLI_OK or an exit code (said). */
static int read_pin(struct cli *c, char pin[PIN_CAP], char again[PIN_CAP])
{
	int status;

	status = cli_read_secret(_("new PIN (6 to 12 digits): "), pin, PIN_CAP);
	if (status)
		return status;
	if (!action_pin_ok(pin))
		return cli_fail("%s", _("a PIN is 6 to 12 digits (0-9), "
					"nothing else"));
	if (!cli_secret_tty())
		return CLI_OK;
	status = cli_read_secret(_("the same PIN again: "), again, PIN_CAP);
	if (status)
		return status;
	if (strcmp(pin, again))
		return cli_fail("%s", _("the two PINs differ; nothing was "
					"changed"));
	(void)c;
	return CLI_OK;
}

/* kith member pin MEMBER [--remove] */
int cli_member_pin(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT_FLAG("remove", offsetof(struct pin_opts, remove)),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts), 1,
					     N_("a member is required") };
	struct pin_opts o = { 0 };
	char pin[PIN_CAP] = "", again[PIN_CAP] = "";
	struct action_person who;
	struct cli_args args;
	int status, err;

	status = cli_fields_parse(NULL, &t, argc, argv, &o, &args);
	if (status)
		return status;
	status = cli_open(c, 1);
	if (status)
		return status;
	if (o.remove) {
		err = action_pin_clear(&c->a, args.pos[0], &who);
	} else {
		/* who it is first: nobody types a PIN for a member who
		 * cannot have one */
		uint8_t pk[CRDT_PK_LEN];
		int hosted;

		err = action_pin_member(&c->a, args.pos[0], pk, &hosted);
		if (err)
			return cli_refused(c, NULL, err);
		status = read_pin(c, pin, again);
		if (!status) {
			char id[2 * CRDT_PK_LEN + 1];

			crdt_hex(id, pk, CRDT_PK_LEN);
			err = action_pin_set(&c->a, id, pin, &who);
		}
		crdt_wipe(pin, sizeof pin);
		crdt_wipe(again, sizeof again);
		if (status)
			return status;
	}
	if (err)
		return cli_refused(c, NULL, err);
	if (c->json) {
		printf("{\"id\":\"%s\",\"name\":", who.hex);
		cli_json_str(stdout, who.name);
		printf(",\"pin\":%s}\n", o.remove ? "false" : "true");
		return CLI_OK;
	}
	if (o.remove)
		fprintf(stderr,
			_("%s has no PIN now and cannot log in to the web app "
			  "with one\n"),
			cli_txt(who.label));
	else
		fprintf(stderr,
			_("%s can now log in to the web app with their name "
			  "and this PIN (on the addresses the daemon's --web "
			  "serves)\n"),
			cli_txt(who.label));
	return CLI_OK;
}
