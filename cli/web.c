/*
 * web.c - kith open, and the web app as a service of the daemon.
 *
 * `kith daemon` runs the web app (web/server.h) on its loop through the
 * generic service hook of peer/daemon.h, so that peer/ never includes
 * web/.  `kith open` asks the running daemon (its control socket) where
 * the web app is, writes a one-time login token (web/auth.h) and prints
 * the login link, or hands it to xdg-open on a desktop.
 */
#include <getopt.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "cli.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "peer/control.h"
#include "web/pages.h"
#include "web/server.h"
#include "web_service.h"

extern char **environ;

/* ---- the daemon's service ----------------------------------------------- */

static int service_start(void *ctx, uv_loop_t *loop)
{
	struct cli_web *w = ctx;
	int rc = web_server_start(&w->srv, loop, &w->cfg);

	if (rc && !w->explicit) {
		/* the default port, taken (say, by another user's daemon):
		 * sync still runs; kith open will say there is no web app */
		log_warnx("running without the web app (--web ADDR:PORT "
			  "chooses another port)");
		return 0;
	}
	return rc;
}

static void service_stop(void *ctx)
{
	struct cli_web *w = ctx;

	web_server_stop(w->srv);
	w->srv = NULL;
}

static const char *service_status(void *ctx)
{
	struct cli_web *w = ctx;

	return w->srv ? web_server_url(w->srv) : NULL;
}

void cli_web_service(struct cli_web *w, struct peer_service *sv,
		     const char *home, void *app)
{
	w->cfg.home = home;
	w->cfg.app = app;
	w->cfg.routes = web_pages_routes;
	w->cfg.nroutes = web_pages_nroutes;
	w->cfg.error_page = web_page_error;
	sv->name = "web";
	sv->start = service_start;
	sv->stop = service_stop;
	sv->status = service_status;
	sv->ctx = w;
}

int cli_web_check(const char *addr)
{
	struct sockaddr_storage ss;
	int err = web_listen_parse(addr, &ss);

	/* any address: off loopback, members log in with a PIN and a login
	 * link works only on this machine (web/server.h) */
	if (err)
		return cli_usage(NULL, "--web needs ADDR:PORT, not '%s'", addr);
	return CLI_OK;
}

/* ---- kith open ---------------------------------------------------------- */

/* The web app's URL from the daemon's status line, into out. */
static int daemon_url(const char *home, char *out, size_t cap)
{
	char st[PEER_CONTROL_MAX];
	const char *p;
	size_t n;

	if (peer_daemon_status(home, st, sizeof st))
		return cli_fail("the daemon is not running; start it with "
				"'kith daemon'");
	p = strstr(st, "\"web\":\"");
	if (p) {
		p += 7;
		n = strcspn(p, "\"");
		if (n && n < cap && !strncmp(p, "http://", 7)) {
			memcpy(out, p, n);
			out[n] = 0;
			return CLI_OK;
		}
	}
	return cli_fail("the daemon does not serve the web app (started "
			"with --no-web, or its port was taken: see its log)");
}

/* xdg-open URL; 0 when it says it opened it. */
static int xdg_open(const char *url)
{
	char *argv[] = { "xdg-open", (char *)url, NULL };
	int st;
	pid_t pid;

	if (posix_spawnp(&pid, "xdg-open", NULL, NULL, argv, environ))
		return -1;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int cli_web_open(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "print", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	char home[PEER_PATH_MAX], base[WEB_URL_MAX];
	char token[WEB_TOKEN_HEX + 1], url[WEB_URL_MAX + 128];
	const char *d, *wl;
	int ch, print = 0, status, err;

	optind = 0;
	for (;;) {
		ch = getopt_long(argc, argv, "+:", opts, NULL);
		if (ch == -1)
			break;
		if (ch == 'p')
			print = 1;
		else
			return cli_bad_option(NULL, argv, ch);
	}
	if (optind < argc)
		return cli_usage(NULL, "unexpected argument '%s'", argv[optind]);
	if (peer_home(c->home_arg, home, sizeof home))
		return cli_fail("cannot find the data directory");
	status = daemon_url(home, base, sizeof base);
	if (status)
		return status;
	err = web_auth_issue(home, (int64_t)time(NULL), token);
	if (err)
		return cli_fail("cannot write a login token in '%s': %s",
				home, _(kith_strerror(err)));
	snprintf(url, sizeof url, "%s/login?token=%s", base, token);
	crdt_wipe(token, sizeof token);
	d = getenv("DISPLAY");
	wl = getenv("WAYLAND_DISPLAY");
	if (!print && ((d && *d) || (wl && *wl)) && xdg_open(url) == 0) {
		cli_say(c, "%s", _("opened the web app in your browser (the "
				   "link works once, for 10 minutes)"));
		status = CLI_OK;
		goto out;
	}
	if (c->json)
		printf("{\"url\":\"%s\"}\n", url);
	else
		printf("%s\n", url);
	status = CLI_OK;
out:
	crdt_wipe(url, sizeof url);
	return status;
}
