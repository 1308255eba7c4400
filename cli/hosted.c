/*
 * hosted.c - kith member host, kith member hosted, and --as: neighbours
 * without a device, kept on this machine (action/hosted.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "action/hosted.h"
#include "cli.h"
#include "fields.h"

struct host_opts {
	const char *name, *building, *unit;
};

/* kith member host --name N [--building B] [--unit U] */
int cli_member_host(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("name", offsetof(struct host_opts, name),
			cli_field_text, NULL),
		CLI_OPT("building", offsetof(struct host_opts, building),
			cli_field_text, NULL),
		CLI_OPT("unit", offsetof(struct host_opts, unit),
			cli_field_text, NULL),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts),
					     CLI_OPTS_ONLY, NULL };
	struct host_opts o = { NULL, NULL, NULL };
	struct action_profile p = { 0 };
	struct action_person who;
	struct cli_args args;
	int status, err;

	status = cli_fields_parse(NULL, &t, argc, argv, &o, &args);
	if (status)
		return status;
	if (!o.name)
		return cli_usage(NULL, "--name is required");
	status = cli_open(c, 1);
	if (status)
		return status;
	p.name = o.name;
	p.building = o.building;
	p.unit = o.unit;
	err = action_member_host(&c->a, &p, &who);
	if (err)
		return cli_refused(c, NULL, err);
	if (c->json) {
		printf("{\"id\":\"%s\",\"name\":", who.hex);
		cli_json_str(stdout, o.name);
		printf("}\n");
		return CLI_OK;
	}
	printf("%s\n", who.hex);
	fprintf(stderr,
		_("%s is now a member, hosted on this machine; to post, check "
		  "in or confirm for them: kith --as %s COMMAND\n"),
		cli_txt(who.label), cli_txt(who.handle));
	return CLI_OK;
}

struct hosted_rows {
	struct cli *c;
	size_t n;
};

static int hosted_row(void *ctx, const struct action_hosted *h)
{
	struct hosted_rows *l = ctx;

	if (l->c->json) {
		printf("%s{\"id\":\"%s\",\"name\":", l->n++ ? "," : "[",
		       h->person.hex);
		cli_json_str(stdout, h->person.name);
		printf(",\"building\":");
		cli_json_str(stdout, h->building);
		printf(",\"unit\":");
		cli_json_str(stdout, h->unit);
		printf("}");
		return 0;
	}
	if (!l->n++) {
		cli_cell(_("NAME"), 24, "  ");
		cli_cell(_("ID"), 8, "  ");
		cli_cell(_("BUILDING"), 12, "  ");
		printf("%s\n", _("UNIT"));
	}
	cli_cell(h->person.label, 24, "  ");
	printf("%.8s  ", h->person.hex);
	cli_cell(h->building, 12, "  ");
	printf("%s\n", cli_txt(h->unit));
	return 0;
}

/* kith member hosted */
int cli_member_hosted(struct cli *c, int argc, char **argv)
{
	struct hosted_rows l = { c, 0 };
	int status;

	(void)argv;
	if (argc > 1)
		return cli_usage(NULL, "'member hosted' takes no arguments");
	status = cli_open(c, 1);
	if (status)
		return status;
	if (action_hosted_list(&c->a, hosted_row, &l))
		return cli_fail_action(c);
	if (c->json)
		printf(l.n ? "]\n" : "[]\n");
	else if (!l.n)
		fprintf(stderr,
			_("this machine hosts nobody; 'kith member host --name "
			  "NAME' adds a neighbour without a device\n"));
	return CLI_OK;
}
