/*
 * net.c - kith daemon, sync, peers, status.
 *
 * These carry changes between machines rather than act for a person, so
 * they call peer/ directly; what they show people goes through _() and
 * names members by name (action/names.h).
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <time.h>

#include "action/names.h"
#include "action/pin.h"
#include "cli.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "peer/control.h"
#include "peer/daemon.h"
#include "peer/sync.h"
#include "peer/peers.h"
#include "web/pages.h"
#include "web_service.h"

/* The web app's service (cli/web.c), wrapped so that a member who joins
 * from it (POST /join) reaches the daemon: its start learns the loop,
 * and the pages' joined hook (web/pages.h) asks that daemon to reload. */
struct net_web {
	struct peer_service inner;
	struct cli_web *web; /* its server, while it serves */
	uv_loop_t *loop;     /* while it runs */
};

static int net_web_start(void *ctx, uv_loop_t *loop)
{
	struct net_web *w = ctx;

	w->loop = loop;
	return w->inner.start(w->inner.ctx, loop);
}

static void net_web_stop(void *ctx)
{
	struct net_web *w = ctx;

	w->loop = NULL;
	w->inner.stop(w->inner.ctx);
}

static const char *net_web_status(void *ctx)
{
	struct net_web *w = ctx;

	return w->inner.status ? w->inner.status(w->inner.ctx) : NULL;
}

/* Where the web app listens, for the LAN announcement (daemon.h): the
 * address it is bound to with the real port (its URL names loopback for
 * a wildcard address). */
static int net_web_http(void *ctx, struct sockaddr_storage *out, int *tls)
{
	struct net_web *w = ctx;

	if (!w->web || !w->web->srv)
		return KITH_EINVAL;
	*tls = web_server_tls(w->web->srv);
	return peer_parse_addr(web_server_listen(w->web->srv), out, -1);
}

static void net_web_joined(void *ctx)
{
	struct net_web *w = ctx;

	if (w->loop)
		peer_daemon_reload(w->loop);
}

/* The options of daemon and sync take -v as well as --verbose, so they
 * run getopt themselves (cli/fields.h has long options only). */

int cli_daemon(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "peer", required_argument, NULL, 'p' },
		{ "no-mdns", no_argument, NULL, 'n' },
		{ "interval", required_argument, NULL, 'i' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "web", required_argument, NULL, 'w' },
		{ "no-web", no_argument, NULL, 'W' },
		{ "web-cert", required_argument, NULL, 'C' },
		{ "web-key", required_argument, NULL, 'K' },
		{ "kiosk", no_argument, NULL, 'k' },
		{ "kiosk-idle", required_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cert = NULL, *key = NULL;
	struct peer_daemon_cfg cfg;
	struct peer_community com;
	struct peer_service web_sv;
	struct net_web net_web;
	struct cli_web web;
	const char *peers[64];
	uint64_t v;
	int ch, status, err, no_web = 0;

	memset(&cfg, 0, sizeof cfg);
	memset(&web, 0, sizeof web);
	memset(&web_sv, 0, sizeof web_sv);
	memset(&net_web, 0, sizeof net_web);
	memset(&com, 0, sizeof com);
	cfg.mdns = 1;
	cfg.interval_s = 60;
	cfg.peers = peers;
	optind = 0;
	for (;;) {
		ch = getopt_long(argc, argv, "+:v", opts, NULL);
		if (ch == -1)
			break;
		switch (ch) {
		case 'l':
			cfg.listen = optarg;
			break;
		case 'p':
			if (cfg.npeers == 64)
				return cli_usage(NULL, "at most 64 --peer");
			peers[cfg.npeers++] = optarg;
			break;
		case 'n':
			cfg.mdns = 0;
			break;
		case 'i':
			if (cli_parse_uint(optarg, 1, 86400, &v))
				return cli_usage(NULL, "--interval needs seconds "
						       "(1..86400), not '%s'",
						 optarg);
			cfg.interval_s = (unsigned)v;
			break;
		case 'v':
			log_verbose++;
			break;
		case 'w':
			web.cfg.listen = optarg;
			web.explicit = 1;
			break;
		case 'W':
			no_web = 1;
			break;
		case 'C':
			cert = optarg;
			break;
		case 'K':
			key = optarg;
			break;
		case 'k':
			if (!web.cfg.kiosk)
				web.cfg.kiosk = WEB_KIOSK_IDLE_S;
			break;
		case 'I':
			if (cli_parse_uint(optarg, WEB_KIOSK_IDLE_MIN_S,
					   WEB_KIOSK_IDLE_MAX_S, &v))
				return cli_usage(NULL, "--kiosk-idle needs "
						       "seconds (%d..%d), not "
						       "'%s'",
						 WEB_KIOSK_IDLE_MIN_S,
						 WEB_KIOSK_IDLE_MAX_S, optarg);
			web.cfg.kiosk = (int)v;
			break;
		default:
			return cli_bad_option(NULL, argv, ch);
		}
	}
	if (optind < argc)
		return cli_usage(NULL, "unexpected argument '%s'", argv[optind]);
	if (no_web && web.explicit)
		return cli_usage(NULL, "--web and --no-web exclude each other");
	if (!cert != !key)
		return cli_usage(NULL, "--web-cert and --web-key go together: "
				       "give both, or neither");
	if (no_web && (cert || web.cfg.kiosk))
		return cli_usage(NULL, "%s is for the web app, which --no-web "
				       "turns off",
				 cert ? "--web-cert" : "--kiosk");
	if (web.explicit) {
		status = cli_web_check(web.cfg.listen);
		if (status)
			return status;
	}
	if (cert) {
		status = cli_web_tls(&web, cert, key);
		if (status)
			return status;
	}
	status = cli_open(c, 1);
	if (status)
		goto out;
	/* not in a community yet: with the web app the daemon starts and
	 * waits for the member to join there (peer/daemon.h); without it
	 * nothing it could do would be of use */
	err = action_community_key(&c->a, &com, ACTION_KEY_SESSIONS);
	if (err && (err != KITH_ENOCOMMUNITY || no_web)) {
		status = cli_fail_action(c);
		goto out;
	}
	/* kiosk mode takes names and PINs only: say so when nobody can */
	if (web.cfg.kiosk && !action_pin_any(&c->a))
		log_warnx("kiosk mode: nobody can log in until a member has a "
			  "PIN ('kith member pin')");
	cfg.home = c->a.home;
	cfg.replica = &c->a.r;
	cfg.community = err ? NULL : com.key;
	if (!no_web) {
		cli_web_service(&web, &net_web.inner, c->a.home, &c->a);
		net_web.web = &web;
		web_sv = net_web.inner;
		web_sv.start = net_web_start;
		web_sv.stop = net_web_stop;
		web_sv.status = net_web_status;
		web_sv.http = net_web_http;
		web_sv.ctx = &net_web;
		web_pages_hooks.joined = net_web_joined;
		web_pages_hooks.ctx = &net_web;
		cfg.services = &web_sv;
		cfg.nservices = 1;
	}
	err = peer_daemon_run(&cfg);
	web_pages_hooks.joined = NULL;
	peer_community_wipe(&com);
	status = err ? CLI_FAIL : CLI_OK;
out:
	cli_web_release(&web);
	return status;
}

/*
 * The session code logs to stderr as a daemon does (a time, then "kith:
 * ..."); a one-shot sync reports its outcome in one line of its own, so
 * that log is kept out of the way unless -v asks for it.  Returns the
 * saved stderr to give to log_restore, or -1 (nothing to restore).
 */
static int log_hide(void)
{
	int saved, null;

	fflush(stderr);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0)
		return -1;
	saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (saved >= 0 && dup2(null, STDERR_FILENO) < 0) {
		close(saved);
		saved = -1;
	}
	close(null);
	return saved;
}

static void log_restore(int saved)
{
	if (saved < 0)
		return;
	fflush(stderr);
	(void)dup2(saved, STDERR_FILENO);
	close(saved);
}

/* Why a one-shot sync with addr failed (err), for people. */
static int sync_failed(const char *addr, int err,
		       const struct peer_sync_result *res)
{
	if (err == KITH_EINVAL)
		return cli_usage(NULL, "cannot understand address '%s'", addr);
	if (!res->have_peer &&
	    (err == KITH_EDENIED || err == UV_ECONNRESET || err == UV_EOF))
		return cli_fail("sync with %s failed: the peer hung up during "
				"the handshake (is it of another community?)",
				addr);
	if (res->st.applied)
		return cli_fail("sync with %s failed: %s (what arrived was "
				"kept)",
				addr, _(kith_strerror(err)));
	return cli_fail("sync with %s failed: %s", addr, _(kith_strerror(err)));
}

int cli_sync(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct peer_sync_result res;
	struct peer_community com;
	const char *addr = NULL;
	uint64_t timeout = 120;
	char peer[65] = "";
	struct action_person who;
	int ch, status, err, saved = -1;

	optind = 0;
	for (;;) {
		ch = getopt_long(argc, argv, "-:v", opts, NULL);
		if (ch == -1)
			break;
		if (ch == 'v') {
			log_verbose++;
		} else if (ch == 1 && !addr) {
			addr = optarg;
		} else if (ch == 't') {
			if (cli_parse_uint(optarg, 1, 86400, &timeout))
				return cli_usage(NULL, "--timeout needs seconds "
						       "(1..86400), not '%s'",
						 optarg);
		} else {
			return cli_bad_option(NULL, argv, ch);
		}
	}
	if (!addr)
		return cli_usage(NULL, "an address is required");
	status = cli_open(c, 1);
	if (!status && action_community_key(&c->a, &com, ACTION_KEY_SESSIONS))
		status = cli_fail_action(c);
	if (status)
		return status;
	if (!log_verbose)
		saved = log_hide();
	err = peer_sync_once(&c->a.r, com.key, addr, (unsigned)timeout * 1000,
			     &res);
	log_restore(saved);
	peer_community_wipe(&com);
	if (err)
		return sync_failed(addr, err, &res);
	if (res.have_peer)
		crdt_hex(peer, res.peer, 32);
	if (c->json) {
		printf("{\"peer\":\"%s\",\"sent\":%llu,\"received\":%llu,"
		       "\"applied\":%llu,\"duplicate\":%llu,\"rejected\":%llu,"
		       "\"bytes_in\":%llu,\"bytes_out\":%llu}\n",
		       peer, (unsigned long long)res.st.sent,
		       (unsigned long long)res.st.received,
		       (unsigned long long)res.st.applied,
		       (unsigned long long)res.st.duplicate,
		       (unsigned long long)res.st.rejected,
		       (unsigned long long)res.st.bytes_in,
		       (unsigned long long)res.st.bytes_out);
		return CLI_OK;
	}
	/* the peer's identity is a member key: their name, now that their
	 * profile may have arrived */
	if (res.have_peer)
		action_person(&c->a, res.peer, &who);
	else
		snprintf(who.label, sizeof who.label, "?");
	printf(ngettext("synced with %s at %s: sent %llu change, received "
			"%llu (%llu new)\n",
			"synced with %s at %s: sent %llu changes, received "
			"%llu (%llu new)\n",
			res.st.sent),
	       cli_txt(who.label), cli_txt(addr), (unsigned long long)res.st.sent,
	       (unsigned long long)res.st.received,
	       (unsigned long long)res.st.applied);
	if (res.st.applied)
		fprintf(stderr, "%s\n",
			_("'kith wish list' and 'kith item list' show what is "
			  "new"));
	return CLI_OK;
}

static int peer_text_row(void *ctx, const struct crdt_row *r)
{
	struct cli_rows *p = ctx;
	const struct crdt_col *last = crdt_row_get(r, "last_sync");
	const char *node = cli_col_text(r, "node");
	char when[32];
	struct action_person who;

	if (!p->n++) {
		cli_cell(_("NEIGHBOUR"), 16, "  ");
		cli_cell(_("ADDRESS"), 22, "  ");
		cli_cell(_("FOUND"), 6, "  ");
		cli_cell(_("LAST SYNC"), 19, "  ");
		printf("%6s  %8s  %s\n", _("SENT"), _("RECEIVED"),
		       _("LAST ERROR"));
	}
	snprintf(when, sizeof when, "%s", _("never"));
	if (last && last->type == CRDT_COL_INT) {
		time_t t = (time_t)last->i;
		struct tm tm;

		if (localtime_r(&t, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	}
	/* by name; a peer not (yet) known here by its short id */
	if (*node)
		action_person_hex(&p->c->a, node, &who);
	else
		snprintf(who.label, sizeof who.label, "?");
	cli_cell(who.label, 16, "  ");
	cli_cell(cli_col_text(r, "addr"), 22, "  ");
	cli_cell(cli_col_text(r, "how"), 6, "  ");
	cli_cell(when, 19, "  ");
	printf("%6lld  %8lld  %s\n", (long long)cli_col_int(r, "sent"),
	       (long long)cli_col_int(r, "received"),
	       cli_txt(cli_col_text(r, "last_error")));
	return 0;
}

int cli_peers(struct cli *c, int argc, char **argv)
{
	struct cli_rows p = { c, { 0 }, 0 };
	int status, err;

	if (argc > 1)
		return cli_usage(NULL, "peers takes no arguments");
	status = cli_open(c, 0);
	if (status)
		return status;
	err = peer_db_list(c->a.r.store,
			   c->json ? cli_json_list_row : peer_text_row,
			   c->json ? (void *)&p.json : (void *)&p);
	if (err) {
		action_fail_rc(&c->a, err, _("cannot list peers"));
		return cli_fail_action(c);
	}
	if (c->json)
		printf(p.json.n ? "]\n" : "[]\n");
	else if (!p.n)
		fprintf(stderr, "%s\n",
			_("no peers yet (start 'kith daemon', or 'kith sync "
			  "ADDR:PORT')"));
	return CLI_OK;
}

/* How many sessions the daemon's status (JSON) lists. */
static int count_sessions(const char *daemon)
{
	const char *p = strstr(daemon, "\"sessions\":[");
	int n = 0;

	while (p) {
		p = strstr(p + 1, "\"peer\":");
		if (p)
			n++;
	}
	return n;
}

int cli_status(struct cli *c, int argc, char **argv)
{
	struct crdt_counts n;
	char daemon[16384], id[65] = "";
	int status, err, running;

	if (argc > 1)
		return cli_usage(NULL, "status takes no arguments");
	status = cli_open(c, 0);
	if (status)
		return status;
	if (peer_identity_load(c->a.home, &c->a.r.id) == 0)
		crdt_hex(id, c->a.r.id.pk, 32);
	err = crdt_counts(c->a.r.store, c->a.now, &n);
	if (err) {
		action_fail_rc(&c->a, err, _("cannot read replica"));
		return cli_fail_action(c);
	}
	running = peer_daemon_status(c->a.home, daemon, sizeof daemon) == 0;
	if (running) {
		size_t l = strlen(daemon);

		while (l && (daemon[l - 1] == '\n'))
			daemon[--l] = 0;
	}
	if (c->json) {
		printf("{\"node\":\"%s\",\"emergency\":%s,\"members\":%lld,"
		       "\"items\":%lld,"
		       "\"wishes\":%lld,\"open_wishes\":%lld,\"changes\":%lld,"
		       "\"daemon\":",
		       id, c->a.roles.emergency ? "true" : "false",
		       (long long)n.members, (long long)n.items,
		       (long long)n.wishes, (long long)n.open_wishes,
		       (long long)n.changes);
		cli_json_raw(stdout, running ? daemon : NULL);
		printf(",\"loans\":");
		status = cli_loans_due(c);
		printf("}\n");
		return status;
	}
	cli_banner(c);
	if (*id)
		printf(_("node:      %s\n"), id);
	else
		printf("%s\n", _("node:      (no identity yet: kith init)"));
	printf(_("members:   %lld\n"), (long long)n.members);
	printf(_("items:     %lld\n"), (long long)n.items);
	printf(_("wishes:    %lld (%lld open)\n"), (long long)n.wishes,
	       (long long)n.open_wishes);
	printf(_("changes:   %lld\n"), (long long)n.changes);
	status = cli_loans_due(c);
	if (status)
		return status;
	if (running && strstr(daemon, "\"joined\":false")) {
		printf("%s\n", _("daemon:    running, not in a community yet: "
				 "paste an invite code in the web app ('kith "
				 "open'), or run 'kith community join CODE'"));
	} else if (running) {
		const char *l = strstr(daemon, "\"listen\":\"");
		int peers = count_sessions(daemon);

		printf(ngettext("daemon:    running, listening on %.*s, %d "
				"session\n",
				"daemon:    running, listening on %.*s, %d "
				"sessions\n",
				(unsigned long)peers),
		       l ? (int)strcspn(l + 10, "\"") : 1, l ? l + 10 : "?",
		       peers);
	} else {
		printf("%s\n", _("daemon:    not running (start it with 'kith "
				 "daemon')"));
	}
	return CLI_OK;
}
