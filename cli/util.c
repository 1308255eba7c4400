#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "crdt/rules.h"
#include "peer/daemon.h"
#include "crdt/err.h"
#include "crdt/schema.h"

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("kith: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_FAIL;
}

/* The command being run (set by cli_dispatch): the synopsis of a usage
 * error when the caller passes no command of its own. */
static const struct cli_cmd *current;

void cli_print_usage(FILE *f, const struct cli_cmd *cmd)
{
	fprintf(f, "usage: kith %s\n", cmd->usage);
	if (cmd->help)
		fprintf(f, "%s\n", cmd->help);
}

int cli_usage(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("kith: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (!cmd)
		cmd = current;
	/* exactly one synopsis line after the one "kith: " line */
	if (cmd)
		fprintf(stderr, "usage: kith %s\n", cmd->usage);
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
			fprintf(stderr, "kith: 'kith %s' needs a command\n",
				group ? group : "");
		fprintf(f, "usage: kith %s COMMAND ...\n\ncommands:\n",
			group ? group : "");
		for (i = 0; i < n; i++)
			fprintf(f, "  kith %s\n      %s\n", t[i].usage, t[i].help);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(argv[1], t[i].name))
			continue;
		if (!t[i].group && cli_wants_help(argc - 1, argv + 1)) {
			printf("usage: kith %s\n%s\n", t[i].usage, t[i].help);
			return CLI_OK;
		}
		current = &t[i];
		return t[i].fn(c, argc - 1, argv + 1);
	}
	fprintf(stderr, "kith: unknown command '%s%s%s'; see 'kith %s%s--help'\n",
		group ? group : "", group ? " " : "", argv[1], group ? group : "",
		group ? " " : "");
	if (group && current) /* the group's synopsis */
		fprintf(stderr, "usage: kith %s\n", current->usage);
	return CLI_USAGE;
}

static uint64_t cli_now_ms(void *ctx)
{
	struct cli *c = ctx;

	return c->fixed_ms ? c->fixed_ms : crdt_env_system.now_ms(NULL);
}

/* The keeper of DIR/head (crdt/replica.h, peer/keystore.h). */
static int cli_head_load(void *ctx, const uint8_t pk[CRDT_PK_LEN],
			 struct crdt_head *h)
{
	struct cli *c = ctx;
	int rc = peer_head_load(c->home, pk, h);

	if (rc == KITH_EDECODE) {
		/* the replica is the truth then; a new file follows */
		if (!c->head_warned)
			fprintf(stderr, "kith: warning: '%s/head' is damaged; "
					"taking this replica as the truth\n",
				c->home);
		c->head_warned = 1;
		rc = KITH_ENOTFOUND;
	}
	c->head = rc ? (struct crdt_head){ 0 } : *h;
	return rc;
}

static int cli_head_save(void *ctx, const uint8_t pk[CRDT_PK_LEN],
			 const struct crdt_head *h)
{
	struct cli *c = ctx;
	int rc = peer_head_save(c->home, pk, h);

	if (rc && !c->head_warned && !c->head_quiet)
		fprintf(stderr, "kith: warning: cannot record your change #%llu "
				"in '%s/head': %s\n",
			(unsigned long long)h->seq, c->home, kith_strerror(rc));
	if (rc && !c->head_quiet)
		c->head_warned = 1;
	return rc;
}

/* The refusal of a write while the replica lacks our own head. */
static int cli_fail_behind(struct cli *c)
{
	struct crdt_head h;

	if (crdt_replica_own_head(&c->r, &h, NULL, NULL) == 0 &&
	    h.seq >= c->head.seq)
		return cli_fail("this replica holds another change #%llu of "
				"yours than this machine made (a copied "
				"identity?); sync with a neighbour (kith sync "
				"ADDR) or import a bundle before writing",
				(unsigned long long)c->head.seq);
	return cli_fail("this replica is missing your own earlier changes "
			"(up to #%llu); sync with a neighbour (kith sync ADDR), "
			"import a bundle or restore a backup before writing",
			(unsigned long long)c->head.seq);
}

/* Days are enough: a clock that far behind is wrong, not skewed. */
#define CLI_CLOCK_BEHIND_MS (86400ull * 1000)

/* Warn when the clock is far behind the newest stamp this replica has
 * seen (a Raspberry Pi without a real-time clock after a power cut):
 * crdt/replica.h stamps from that newest stamp on. */
static void cli_check_clock(struct cli *c)
{
	uint64_t newest, now_ms = cli_now_ms(c);
	char now_s[32], seen_s[32];

	if (crdt_replica_newest_hlc(&c->r, &newest))
		return;
	newest >>= 16;
	if (newest <= now_ms + CLI_CLOCK_BEHIND_MS)
		return;
	cli_format_date(now_s, sizeof now_s, (int64_t)(now_ms / 1000));
	cli_format_date(seen_s, sizeof seen_s, (int64_t)(newest / 1000));
	fprintf(stderr, "kith: warning: this computer's clock says %s, %llu "
			"days behind the newest change seen (%s); posts are "
			"stamped just after that change; set the clock\n",
		now_s, (unsigned long long)((newest - now_ms) / 86400000),
		seen_s);
}

int cli_open(struct cli *c, int need_identity)
{
	char path[PEER_PATH_MAX];
	struct crdt_env env = c->env;
	int rc, fd;

	if (c->open)
		goto identity;
	if (peer_home(c->home_arg, c->home, sizeof c->home))
		return cli_fail("cannot find a data directory; use --home DIR");
	rc = peer_home_ensure(c->home);
	if (rc)
		return cli_fail("cannot create data directory '%s': %s", c->home,
				kith_strerror(rc));
	if (peer_path(path, sizeof path, c->home, "replica.db"))
		return cli_fail("data directory path is too long");
	/* a new replica is created 0600 here, whatever the umask; SQLite
	 * gives its -wal and -shm the mode of the database file */
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	env.now_ms = cli_now_ms;
	env.ctx = c;
	c->env = env;
	c->now = (int64_t)(cli_now_ms(c) / 1000);
	/* crdt_store_open prints "kith: cannot open replica ..." itself */
	rc = crdt_replica_open(&c->r, path, &env);
	if (rc)
		return CLI_FAIL;
	c->open = 1;
	c->r.keeper.load = cli_head_load;
	c->r.keeper.save = cli_head_save;
	c->r.keeper.ctx = c;
	cli_check_clock(c);
	{
		struct peer_community com;

		if (peer_community_load(c->home, &com) == 0) {
			c->joined = 1;
			/* version 2: the creator signed the genesis change
			 * the code names; unknown until the replica holds it */
			if (com.version == 1) {
				memcpy(c->creator, com.creator, 32);
				c->have_community = 1;
			} else if (crdt_genesis_author(c->r.store, com.genesis,
						       c->creator) == 0) {
				c->have_community = 1;
			}
			peer_community_wipe(&com);
		}
	}
	rc = crdt_community_refresh(c->r.store,
				    c->have_community ? c->creator : NULL,
				    &c->roles);
	if (rc)
		return cli_fail_rc(c, rc, "cannot read roles");
identity:
	if (!need_identity || c->r.id.sk)
		return CLI_OK;
	rc = peer_identity_load(c->home, &c->r.id);
	if (rc == KITH_ENOIDENT)
		return cli_fail("no identity in '%s'; run 'kith init --name "
				"YOUR_NAME' first",
				c->home);
	if (rc)
		return cli_fail("cannot read identity in '%s': %s", c->home,
				kith_strerror(rc));
	/* first open of an identity without DIR/head, or after a crash
	 * between a commit and its record: record the replica's head (never
	 * over a record this replica does not hold) */
	/* quietly: on a full disk this would repeat on every command; a
	 * new change that cannot be recorded still warns */
	c->head_quiet = 1;
	rc = crdt_replica_keep_head(&c->r);
	c->head_quiet = 0;
	(void)rc; /* reads and refusals still work */
	return CLI_OK;
}

void cli_close(struct cli *c)
{
	if (c->open && crdt_replica_wrote(&c->r))
		peer_daemon_notify(c->home); /* we wrote: a daemon pushes now */
	if (c->open)
		crdt_replica_close(&c->r);
	c->open = 0;
	crdt_roles_release(&c->roles);
}

void cli_banner(struct cli *c)
{
	char when[32];

	if (c->json || !c->roles.emergency)
		return;
	{
		time_t t = (time_t)(c->roles.since_ms / 1000);
		struct tm tm;

		if (!localtime_r(&t, &tm) ||
		    !strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm))
			snprintf(when, sizeof when, "?");
	}
	printf("*** EMERGENCY since %s: %s ***\n", when,
	       c->roles.reason[0] ? cli_txt(c->roles.reason)
				  : "(no reason given)");
	printf("*** critical and urgent needs are listed first; check in with "
	       "'kith checkin safe' ***\n\n");
}

int cli_require_role(struct cli *c, int role, const char *what)
{
	if (c->r.id.sk && crdt_roles_has(&c->roles, c->r.id.pk, role))
		return 1;
	cli_fail("only %ss can %s", crdt_roles[role], what);
	return 0;
}

int cli_fail_rc(struct cli *c, int rc, const char *what)
{
	if (rc == KITH_EBEHIND)
		return cli_fail_behind(c);
	if (rc == KITH_EDB || rc == KITH_EBUSY || rc == KITH_EFULL ||
	    rc == KITH_EIO)
		return cli_fail("%s: %s (%s)", what, kith_strerror(rc),
				crdt_store_errmsg(c->r.store));
	return cli_fail("%s: %s", what, kith_strerror(rc));
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

/* Decimal hours, "2", "1.5", ".25": digits with at most one '.', nothing
 * else (no sign, exponent, hex float, inf); rounded to quarters. */
int cli_parse_hours(const char *s, int64_t *quarters)
{
	uint64_t whole = 0, frac = 0, scale = 1;
	int digits = 0, dot = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (*p == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (*p < '0' || *p > '9')
			return -1;
		digits++;
		if (!dot) {
			whole = whole * 10 + (uint64_t)(*p - '0');
			if (whole > CRDT_MAX_HOURS)
				return -1;
		} else if (scale < 1000000000) { /* later digits cannot matter */
			frac = frac * 10 + (uint64_t)(*p - '0');
			scale *= 10;
		}
	}
	if (!digits)
		return -1;
	/* quarters, rounding half up: whole*4 + round(frac/scale * 4) */
	*quarters = (int64_t)(whole * 4 + (frac * 8 + scale) / (2 * scale));
	if (*quarters > CRDT_MAX_HOURS_Q)
		return -1;
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

void cli_format_date(char *out, size_t cap, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || !strftime(out, cap, "%Y-%m-%d", &tm))
		snprintf(out, cap, "?");
}

int cli_resolve(struct cli *c, int rtype, const char *arg, uint8_t *out)
{
	const struct crdt_rschema *r = crdt_schema((unsigned)rtype);
	int rc = crdt_resolve(c->r.store, rtype, arg, out);

	switch (rc) {
	case 0:
		return 0;
	case KITH_EINVAL:
		return cli_fail("id '%s' is too short; give at least 6 characters",
				arg);
	case KITH_EAMBIGUOUS:
		if (rtype == CRDT_R_MEMBER)
			return cli_fail("'%s' matches several members; use their "
					"id (see 'kith members')",
					arg);
		return cli_fail("id '%s' matches several %ss; give more "
				"characters",
				arg, r->name);
	case KITH_ENOTFOUND:
		if (rtype == CRDT_R_MEMBER)
			return cli_fail("no member '%s' (see 'kith members')", arg);
		return cli_fail("no %s with id '%s'", r->name, arg);
	default:
		return cli_fail_rc(c, rc, "cannot look up id");
	}
}

int cli_has_field(const struct crdt_op *op, unsigned field)
{
	uint32_t i;

	for (i = 0; i < op->nvals; i++)
		if (op->vals[i].field == field)
			return 1;
	return 0;
}


/* Print a new record's id. */
void cli_print_new_id(struct cli *c, uint64_t seq, uint32_t idx)
{
	uint8_t id[CRDT_ID_LEN];
	char hex[2 * CRDT_ID_LEN + 1];

	crdt_record_id(id, c->r.id.pk, seq, idx);
	crdt_hex(hex, id, CRDT_ID_LEN);
	if (c->json)
		printf("{\"id\":\"%s\"}\n", hex);
	else
		printf("%s\n", hex);
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


int cli_commit_ref(struct cli *c, struct crdt_op *op, const uint8_t *id,
		      const char *what)
{
	int rc;

	memcpy(op->target, id, CRDT_ID_LEN);
	op->target_len = CRDT_ID_LEN;
	rc = crdt_op_finish(op);
	if (!rc)
		rc = crdt_replica_commit(&c->r, op, 1, NULL);
	if (rc)
		return cli_fail_rc(c, rc, what);
	return CLI_OK;
}


int cli_community_key(struct cli *c, struct peer_community *com,
		      const char *what)
{
	int rc = peer_community_load(c->home, com);

	if (rc == KITH_ENOCOMMUNITY)
		return cli_fail("you have not joined a community; %s are "
				"encrypted with its key ('kith community join "
				"CODE')",
				what);
	if (rc)
		return cli_fail("cannot read community key: %s",
				kith_strerror(rc));
	/* what bundles and sessions use: bound to the genesis id */
	peer_community_wire_key(com, com->key);
	return 0;
}
