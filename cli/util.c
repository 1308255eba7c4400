#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "action/hosted.h"
#include "cli.h"
#include "crdt/rules.h"
#include "peer/control.h"
#include "crdt/err.h"
#include "crdt/schema.h"

/* "kith: " and fmt, translated, with its arguments, as one line on
 * stderr. */
static void say_error(const char *fmt, va_list ap)
{
	fputs("kith: ", stderr);
	vfprintf(stderr, _(fmt), ap);
	fputc('\n', stderr);
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say_error(fmt, ap);
	va_end(ap);
	return CLI_FAIL;
}

/* The command being run (set by cli_dispatch): the synopsis of a usage
 * error when the caller passes no command of its own. */
static const struct cli_cmd *current;

void cli_print_usage(FILE *f, const struct cli_cmd *cmd)
{
	fprintf(f, _("usage: kith %s\n"), cmd->usage);
	if (cmd->help)
		fprintf(f, "%s\n", _(cmd->help));
}

int cli_usage(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say_error(fmt, ap);
	va_end(ap);
	if (!cmd)
		cmd = current;
	/* exactly one synopsis line after the one "kith: " line */
	if (cmd)
		fprintf(stderr, _("usage: kith %s\n"), cmd->usage);
	return CLI_USAGE;
}

int cli_bad_option(const struct cli_cmd *cmd, char **argv, int ch)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";

	if (ch == 1)
		return cli_usage(cmd, "unexpected argument '%s'", optarg);
	if (ch == ':')
		return cli_usage(cmd, "option '%s' needs a value", arg);
	if (optopt && optopt != '?')
		return cli_usage(cmd, "unknown option '-%c'", optopt);
	return cli_usage(cmd, "unknown option '%s'", arg);
}

int cli_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

int cli_dispatch(struct cli *c, const char *group, const struct cli_cmd *t,
		 size_t n, int argc, char **argv)
{
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		FILE *f = argc < 2 ? stderr : stdout;

		if (argc < 2)
			fprintf(stderr, _("kith: 'kith %s' needs a command\n"),
				group ? group : "");
		fprintf(f, _("usage: kith %s COMMAND ...\n\ncommands:\n"),
			group ? group : "");
		for (i = 0; i < n; i++)
			fprintf(f, "  kith %s\n      %s\n", t[i].usage,
				_(t[i].help));
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(argv[1], t[i].name))
			continue;
		if (!t[i].group && cli_wants_help(argc - 1, argv + 1)) {
			cli_print_usage(stdout, &t[i]);
			return CLI_OK;
		}
		current = &t[i];
		return t[i].fn(c, argc - 1, argv + 1);
	}
	fprintf(stderr, _("kith: unknown command '%s%s%s'; see 'kith %s%s--help'\n"),
		group ? group : "", group ? " " : "", argv[1], group ? group : "",
		group ? " " : "");
	if (group && current) /* the group's synopsis */
		fprintf(stderr, _("usage: kith %s\n"), current->usage);
	return CLI_USAGE;
}

int cli_fail_action(struct cli *c)
{
	if (!c->a.msg[0]) /* the layer below printed it */
		return CLI_FAIL;
	/* it may quote names and titles from the replica */
	return cli_fail("%s", cli_txt(c->a.msg));
}

int cli_usage_action(struct cli *c, const struct cli_cmd *cmd)
{
	if (!c->a.msg[0])
		return cli_fail_action(c);
	fprintf(stderr, "kith: %s\n", cli_txt(c->a.msg));
	if (!cmd)
		cmd = current;
	if (cmd)
		fprintf(stderr, _("usage: kith %s\n"), cmd->usage);
	return CLI_USAGE;
}

int cli_refused(struct cli *c, const struct cli_cmd *cmd, int err)
{
	if (err == KITH_EINVAL)
		return cli_usage_action(c, cmd);
	return cli_fail_action(c);
}

void cli_say(struct cli *c, const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(fmt);

	if (c->json)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (!n || fmt[n - 1] != '\n')
		fputc('\n', stderr);
}

void cli_print_id(struct cli *c, const uint8_t id[CRDT_ID_LEN])
{
	char hex[2 * CRDT_ID_LEN + 1];

	crdt_hex(hex, id, CRDT_ID_LEN);
	if (c->json)
		printf("{\"id\":\"%s\"}\n", hex);
	else
		printf("%s\n", hex);
}

/* Warnings of the action layer: "kith: warning: ..." on stderr. */
static void cli_warn(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "kith: %s %s\n", _("warning:"), msg);
}

int cli_open_flags(struct cli *c, int flags)
{
	c->a.warn = cli_warn;
	c->a.warn_ctx = c;
	/* --as: every command acts, and reads "mine", as that member */
	if (c->as_arg)
		flags |= ACTION_IDENTITY;
	if (action_open(&c->a, c->home_arg, flags))
		return cli_fail_action(c);
	if (c->as_arg && !action_acting_as(&c->a) &&
	    action_act_as(&c->a, c->as_arg, NULL))
		return cli_fail_action(c);
	return CLI_OK;
}

int cli_open(struct cli *c, int need_identity)
{
	return cli_open_flags(c, need_identity ? ACTION_IDENTITY : ACTION_READ);
}

void cli_close(struct cli *c)
{
	if (action_close(&c->a))
		peer_daemon_notify(c->a.home); /* we wrote: a daemon pushes now */
}

void cli_banner(struct cli *c)
{
	char when[32];

	if (c->json || !c->a.roles.emergency)
		return;
	cli_format_time(when, sizeof when, "%Y-%m-%d %H:%M",
			c->a.roles.since_ms / 1000);
	if (c->a.roles.reason[0])
		printf(_("*** EMERGENCY since %s: %s ***\n"), when,
		       cli_txt(c->a.roles.reason));
	else
		printf(_("*** EMERGENCY since %s (no reason given) ***\n"),
		       when);
	printf("%s\n\n", _("*** critical and urgent needs are listed first; "
			    "check in with 'kith checkin safe' ***"));
}

int cli_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	/* no strtoul: it skips spaces, takes a sign ("-1" wraps) and, with
	 * base 0, hex and octal; here only ASCII digits, read as decimal */
	if (!s || !*s)
		return -1;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1; /* overflow */
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_qty(const char *s, int64_t *out)
{
	uint64_t v;

	if (cli_parse_uint(s, 1, 1000000000, &v))
		return -1;
	*out = (int64_t)v;
	return 0;
}

/* n decimal digits at s into *v; 0 or -1 */
static int fixed_digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* YYYY-MM-DD (end of that local day) or YYYY-MM-DDTHH:MM / "YYYY-MM-DD
 * HH:MM" (that local minute); decimal digits only, exactly as shown. */
int cli_parse_date(const char *s, int64_t *out)
{
	struct tm tm;
	int y, mo, d, h = 23, mi = 59, sec = 59;
	size_t len = strlen(s);
	time_t t;

	memset(&tm, 0, sizeof tm);
	if ((len != 10 && len != 16) || fixed_digits(s, 4, &y) ||
	    s[4] != '-' || fixed_digits(s + 5, 2, &mo) || s[7] != '-' ||
	    fixed_digits(s + 8, 2, &d))
		return -1;
	if (len == 16) {
		if ((s[10] != 'T' && s[10] != ' ') ||
		    fixed_digits(s + 11, 2, &h) || s[13] != ':' ||
		    fixed_digits(s + 14, 2, &mi))
			return -1;
		sec = 0;
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h < 0 || h > 23 || mi < 0 || mi > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1 || tm.tm_mday != d)
		return -1;
	*out = (int64_t)t;
	return 0;
}

void cli_format_time(char *out, size_t cap, const char *fmt, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || !strftime(out, cap, fmt, &tm))
		snprintf(out, cap, "?");
}

void cli_format_date(char *out, size_t cap, int64_t t)
{
	cli_format_time(out, cap, "%Y-%m-%d", t);
}

int cli_one_id_arg(const struct cli_cmd *cmd, int argc, char **argv,
		      const char **id)
{
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(cmd, argc < 2 ? "an id is required"
					       : "unexpected argument '%s'",
				 argv[argc < 2 ? 0 : argc - 1]);
	*id = argv[1];
	return 0;
}

int cli_id_open(struct cli *c, const struct cli_cmd *cmd, int argc,
		char **argv, int need_identity, const char **id)
{
	int status = cli_one_id_arg(cmd, argc, argv, id);

	if (!status)
		status = cli_open(c, need_identity);
	return status;
}
