/*
 * version.c - kith version, kith --version.
 *
 * Prints "kith VERSION" (or {"version":"VERSION"} with --json).  VERSION
 * comes from the file VERSION at the top of the tree, with git's
 * "-N-gHASH" when built from a checkout (dist/version.sh); the Makefile
 * writes it into $(BUILD)/kith_version.h, which changes only when the
 * version does.
 */
#include "cli.h"
#include "kith_version.h"

int cli_version(struct cli *c, int argc, char **argv)
{
	static const struct cli_cmd cmd = {
		"version", cli_version, "version", NULL, 0
	};

	if (argc > 1)
		return cli_usage(&cmd, "unexpected argument '%s'", argv[1]);
	if (c->json) {
		fputs("{\"version\":", stdout);
		cli_json_str(stdout, KITH_VERSION);
		fputs("}\n", stdout);
	} else {
		printf("kith %s\n", KITH_VERSION);
	}
	return CLI_OK;
}
