/*
 * device.c - kith device add|list|remove, and kith init --link CODE: one person
 * on several devices (action/device.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/device.h"
#include "cli.h"
#include "fields.h"

static const struct cli_cmd device_cmds[];

/* A link code on stdout, and with qr as a QR code below it. */
static int print_code(const char *code, int qr)
{
	printf("%s\n", code);
	return qr ? cli_qr_print(code) : CLI_OK;
}

/* kith device add [--qr] */
static int device_add(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT_FLAG("qr", 0),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts),
					     CLI_OPTS_ONLY, NULL };
	char code[PEER_LINK_MAX * 2], key[2 * CRDT_PK_LEN + 1];
	struct cli_args args;
	int qr = 0, status, err;

	status = cli_fields_parse(&device_cmds[0], &t, argc, argv, &qr, &args);
	if (status)
		return status;
	status = cli_open(c, 1);
	if (status)
		return status;
	err = action_device_add(&c->a, code, sizeof code, key);
	if (err)
		return cli_refused(c, &device_cmds[0], err);
	if (c->json) {
		printf("{\"device\":\"%s\",\"code\":\"%s\"}\n", key, code);
		return CLI_OK;
	}
	status = print_code(code, qr);
	if (status)
		return status;
	fprintf(stderr,
		_("a new device of yours is ready. On it, run:\n"
		  "  kith init --link CODE\n"
		  "with the code above, then sync it with this machine (same "
		  "network, or a bundle).\nKeep the code secret: whoever has "
		  "it can post as you from that device until you remove "
		  "it.\n"));
	return CLI_OK;
}

/* kith device list */
static int device_list(struct cli *c, int argc, char **argv)
{
	struct action_device *v = NULL;
	size_t n = 0, i;
	int status, err;

	if (argc > 1)
		return cli_usage(&device_cmds[1], "list takes no arguments");
	status = cli_open(c, 1);
	if (status)
		return status;
	err = action_device_list(&c->a, &v, &n);
	if (err)
		return cli_fail_action(c);
	if (c->json)
		printf("[");
	for (i = 0; i < n; i++) {
		char when[32] = "";

		if (v[i].last)
			cli_format_time(when, sizeof when, "%Y-%m-%d %H:%M",
					v[i].last);
		if (c->json) {
			printf("%s{\"key\":\"%s\",\"member_key\":%s,"
			       "\"here\":%s,\"changes\":%lld,\"last\":%lld}",
			       i ? "," : "", v[i].key,
			       v[i].member ? "true" : "false",
			       v[i].here ? "true" : "false",
			       (long long)v[i].changes, (long long)v[i].last);
			continue;
		}
		printf("%.12s  %-22s %s%s\n", v[i].key,
		       v[i].member ? _("your member key") : _("linked device"),
		       v[i].last ? when : _("has not written yet"),
		       v[i].here ? _("  (this machine)") : "");
	}
	if (c->json)
		printf("]\n");
	free(v);
	return CLI_OK;
}

/* kith device remove KEY */
static int device_remove(struct cli *c, int argc, char **argv)
{
	char key[2 * CRDT_PK_LEN + 1];
	uint64_t after = 0;
	int status, err;

	if (argc != 2)
		return cli_usage(&device_cmds[2], "remove takes one device key "
						  "(see 'kith device list')");
	status = cli_open(c, 1);
	if (status)
		return status;
	err = action_device_remove(&c->a, argv[1], key, &after);
	if (err)
		return cli_refused(c, &device_cmds[2], err);
	if (c->json) {
		printf("{\"device\":\"%s\",\"after\":%llu}\n", key,
		       (unsigned long long)after);
		return CLI_OK;
	}
	printf("%s\n", key);
	fprintf(stderr,
		_("device %.12s is removed: its %llu changes so far stay, "
		  "anything it writes later is ignored on every replica this "
		  "reaches (sync soon)\n"),
		key, (unsigned long long)after);
	return CLI_OK;
}

static const struct cli_cmd device_cmds[] = {
	{ "add", device_add, "device add [--qr]",
	  N_("link a new device of yours: prints the code 'kith init --link' "
	     "takes"),
	  0 },
	{ "list", device_list, "device list",
	  N_("your member key and the devices linked to it"), 0 },
	{ "remove", device_remove, "device remove KEY",
	  N_("remove a lost or stolen device: what it writes from now on is "
	     "ignored everywhere"),
	  0 },
};

int cli_device(struct cli *c, int argc, char **argv)
{
	return cli_dispatch(c, "device", device_cmds, ARRAY_SIZE(device_cmds),
			    argc, argv);
}

/* kith member handover MEMBER [--qr] */
int cli_member_handover(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT_FLAG("qr", 0),
	};
	static const struct cli_fields t = {
		opts, ARRAY_SIZE(opts), 1,
		N_("handover needs the hosted neighbour's name")
	};
	char code[PEER_LINK_MAX * 2];
	struct action_person who;
	struct cli_args args;
	int qr = 0, status, err;

	status = cli_fields_parse(NULL, &t, argc, argv, &qr, &args);
	if (status)
		return status;
	status = cli_open(c, 1);
	if (status)
		return status;
	err = action_member_handover(&c->a, args.pos[0], code, sizeof code,
				     &who);
	if (err)
		return cli_refused(c, NULL, err);
	if (c->json) {
		printf("{\"id\":\"%s\",\"code\":\"%s\"}\n", who.hex, code);
		return CLI_OK;
	}
	status = print_code(code, qr);
	if (status)
		return status;
	fprintf(stderr,
		_("%s is handed over: this machine no longer holds their key. "
		  "Give them the code above now (it is the only copy); on "
		  "their own device they run:\n  kith init --link CODE\n"),
		cli_txt(who.label));
	return CLI_OK;
}

int cli_init_link(struct cli *c, const char *code)
{
	char community[PEER_NAME_MAX + 1] = "", hex[2 * CRDT_PK_LEN + 1];
	int status;

	status = cli_open_flags(c, ACTION_CREATE);
	if (status)
		return status;
	if (action_device_link(&c->a, code, community, sizeof community))
		return cli_fail_action(c);
	crdt_hex(hex, c->a.r.id.pk, CRDT_PK_LEN);
	if (c->json) {
		printf("{\"device\":\"%s\",\"member\":\"", hex);
		crdt_hex(hex, action_me(&c->a), CRDT_PK_LEN);
		printf("%s\",\"community\":", hex);
		cli_json_str(stdout, community);
		printf("}\n");
		return CLI_OK;
	}
	printf("%s\n", hex);
	if (!c->a.linked) {
		fprintf(stderr,
			_("this machine now holds your own member key in "
			  "'%s'.\nnext: sync with a neighbour ('kith daemon' "
			  "on the same network, or 'kith import' of a bundle); "
			  "then post as usual\n"),
			cli_txt(community));
		return CLI_OK;
	}
	fprintf(stderr,
		_("this machine is now one of your devices in '%s'.\nnext: "
		  "sync with your other machine ('kith daemon' on the same "
		  "network, or 'kith import' of a bundle); then post as "
		  "usual\n"),
		cli_txt(community));
	return CLI_OK;
}
