/*
 * web.c - kith open, and the web app as a service of the daemon.
 *
 * `kith daemon` runs the web app (web/server.h) on its loop through the
 * generic service hook of peer/daemon.h, so that peer/ never includes
 * web/.  `kith open` asks the running daemon (its control socket) where
 * the web app is, writes a one-time login token (web/auth.h) and prints
 * the login link, or hands it to xdg-open on a desktop (https:// when
 * the daemon serves TLS: --web-cert and --web-key, read here too).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

	if (rc && !w->explicit && !w->cfg.tls_cert && !w->cfg.kiosk) {
		/* the default port, taken (say, by another user's daemon):
		 * sync still runs; kith open will say there is no web app.
		 * Not when TLS or kiosk mode was asked for: that was meant */
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

/* ---- --web-cert, --web-key --------------------------------------------- */

/* The whole of path (a PEM file), NUL-terminated, into *out; key: a
 * private key, whose mode is checked.  CLI_OK or the one-line error. */
static int read_pem(const char *path, int key, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	size_t got = 0;
	int fd, status = CLI_FAIL;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cli_fail("cannot read '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		cli_fail("cannot read '%s': not a regular file", path);
		goto out;
	}
	if (key && (st.st_mode & 027)) {
		cli_fail("the key file '%s' is open to other users (mode %04o): "
			 "run 'chmod 600' on it",
			 path, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	if (st.st_size <= 0) {
		cli_fail("cannot use '%s': it is empty", path);
		goto out;
	}
	if (st.st_size > CLI_WEB_PEM_MAX) {
		cli_fail("cannot use '%s': it is larger than a certificate or "
			 "key can be (64 KiB)",
			 path);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		cli_fail("out of memory");
		goto out;
	}
	n = 1;
	while (got < (size_t)st.st_size && n > 0) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			n = 1;
		else if (n > 0)
			got += (size_t)n;
	}
	buf[got] = 0;
	if (n < 0) {
		cli_fail("cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (got != (size_t)st.st_size) {
		cli_fail("cannot read '%s': it changed while it was read", path);
		goto out;
	}
	if (memchr(buf, 0, got) ||
	    !strstr(buf, key ? "PRIVATE KEY-----" :
			       "-----BEGIN CERTIFICATE-----")) {
		if (key)
			cli_fail("'%s' holds no private key (PEM: '-----BEGIN "
				 "PRIVATE KEY-----')",
				 path);
		else
			cli_fail("'%s' holds no certificate (PEM: '-----BEGIN "
				 "CERTIFICATE-----')",
				 path);
		goto out;
	}
	*out = buf;
	*len = got;
	buf = NULL;
	status = CLI_OK;
out:
	if (buf) {
		crdt_wipe(buf, got);
		free(buf);
	}
	close(fd);
	return status;
}

int cli_web_tls(struct cli_web *w, const char *cert, const char *key)
{
	int status;

	if (!web_tls_supported())
		return cli_fail("this kith's libmicrohttpd was built without "
				"TLS: --web-cert and --web-key cannot be used");
	status = read_pem(cert, 0, &w->cert, &w->cert_len);
	if (!status)
		status = read_pem(key, 1, &w->key, &w->key_len);
	if (status) {
		cli_web_release(w);
		return status;
	}
	w->cfg.tls_cert = w->cert;
	w->cfg.tls_key = w->key;
	return CLI_OK;
}

void cli_web_release(struct cli_web *w)
{
	if (w->key)
		crdt_wipe(w->key, w->key_len);
	free(w->key);
	free(w->cert);
	w->key = w->cert = NULL;
	w->key_len = w->cert_len = 0;
	w->cfg.tls_cert = w->cfg.tls_key = NULL;
}

/* ---- kith open ---------------------------------------------------------- */

/* The web app's URL from the running daemon's status line, into out:
 * 0, -1 when no daemon runs, -2 when it serves no web app. */
static int status_url(const char *home, char *out, size_t cap)
{
	char st[PEER_CONTROL_MAX];
	const char *p;
	size_t n;

	if (peer_daemon_status(home, st, sizeof st))
		return -1;
	p = strstr(st, "\"web\":\"");
	if (p) {
		p += 7;
		n = strcspn(p, "\"");
		if (n && n < cap && (!strncmp(p, "http://", 7) ||
				     !strncmp(p, "https://", 8))) {
			memcpy(out, p, n);
			out[n] = 0;
			return 0;
		}
	}
	return -2;
}

/* The web app's URL, into out; else the one-line error. */
static int daemon_url(const char *home, char *out, size_t cap)
{
	int rc = status_url(home, out, cap);

	if (rc == -1)
		return cli_fail("the daemon is not running; start it with "
				"'kith daemon'");
	if (rc)
		return cli_fail("the daemon does not serve the web app "
				"(started with --no-web, or its port was "
				"taken: see its log)");
	return CLI_OK;
}

int cli_web_daemon_tls(const char *home)
{
	char url[WEB_URL_MAX];

	return !status_url(home, url, sizeof url) &&
	       !strncmp(url, "https://", 8);
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
