/*
 * report.c - kith report --csv DIR: the committee's tables (items,
 * wishes, claims, check-ins, hours) as RFC 4180 CSV files.  The data comes
 * from action/sheet.h; the files are machine output: English headers, raw
 * values, only the messages around them in the reader's language.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "action/sheet.h"
#include "cli.h"
#include "crdt/err.h"
#include "fields.h"

/* Every table in memory first, every path checked, then the files
 * written, each through a temp file (0600: they hold personal data).
 * Returns the exit status, message printed. */
static int csv_write_all(struct cli *c,
			 char path[CRDT_REPORT_NTABLES][PEER_PATH_MAX],
			 long *rows)
{
	char *buf[CRDT_REPORT_NTABLES] = { NULL };
	size_t len[CRDT_REPORT_NTABLES];
	int i, err = 0, status = CLI_OK;

	for (i = 0; !err && i < CRDT_REPORT_NTABLES; i++)
		err = action_report_csv(&c->a, (enum crdt_report_table)i,
					&buf[i], &len[i], &rows[i]);
	if (err) {
		status = cli_fail_action(c);
		goto out;
	}
	/* an earlier report is known by its header line */
	for (i = 0; !status && i < CRDT_REPORT_NTABLES; i++)
		status = cli_output_check(c, path[i], buf[i],
					  strcspn(buf[i], "\n") + 1);
	for (i = 0; !status && i < CRDT_REPORT_NTABLES; i++) {
		err = cli_output_write(path[i], buf[i], len[i]);
		if (err)
			status = cli_fail("cannot write '%s': %s", path[i],
					  cli_output_strerror(err));
	}
out:
	for (i = 0; i < CRDT_REPORT_NTABLES; i++)
		free(buf[i]);
	return status;
}

int cli_report(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("csv", 0, cli_field_nonempty,
			N_("--csv needs a directory")),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts), 0, NULL };
	char path[CRDT_REPORT_NTABLES][PEER_PATH_MAX];
	long rows[CRDT_REPORT_NTABLES];
	const char *dir = NULL;
	struct cli_args args;
	struct stat st;
	int status, err, i;

	status = cli_fields_parse(NULL, &t, argc, argv, &dir, &args);
	if (status)
		return status;
	if (!dir)
		return cli_usage(NULL, "--csv DIR is required");
	for (i = 0; i < CRDT_REPORT_NTABLES; i++) {
		int n = snprintf(path[i], sizeof path[i], "%s/%s.csv", dir,
				 crdt_report_tables[i]);

		if (n < 0 || (size_t)n >= sizeof path[i])
			return cli_fail("cannot write '%s': path is too long",
					dir);
	}
	status = cli_open(c, 0);
	if (status)
		return status;
	err = peer_home_ensure(dir);
	if (err)
		return cli_fail("cannot write '%s': %s", dir,
				cli_output_strerror(err));
	if (stat(dir, &st))
		return cli_fail("cannot write '%s': %s", dir, cli_oserr(errno));
	if (!S_ISDIR(st.st_mode))
		return cli_fail("cannot write '%s': %s", dir, cli_oserr(ENOTDIR));
	if (action_report_begin(&c->a))
		return cli_fail_action(c);
	status = csv_write_all(c, path, rows);
	action_report_end(&c->a);
	if (status)
		return status;
	if (c->json) {
		fputs("{\"dir\":", stdout);
		cli_json_str(stdout, dir);
		fputs(",\"files\":[", stdout);
		for (i = 0; i < CRDT_REPORT_NTABLES; i++) {
			fputs(i ? ",{\"name\":" : "{\"name\":", stdout);
			cli_json_str(stdout, crdt_report_tables[i]);
			fputs(",\"path\":", stdout);
			cli_json_str(stdout, path[i]);
			printf(",\"rows\":%ld}", rows[i]);
		}
		fputs("]}\n", stdout);
	} else {
		for (i = 0; i < CRDT_REPORT_NTABLES; i++)
			printf(ngettext("%s  (%ld row)\n", "%s  (%ld rows)\n",
					(unsigned long)rows[i]),
			       path[i], rows[i]);
		fprintf(stderr,
			_("open the files in a spreadsheet; they hold "
			  "neighbours' personal data: keep them private\n"));
	}
	return CLI_OK;
}
