/*
 * web_service.h - the web app (web/server.h) as a service of the daemon
 * (struct peer_service, peer/daemon.h), for cli/net.c; and the check of a
 * --web address.
 *
 * struct cli_web is owned by `kith daemon` (on its stack, for the
 * daemon's whole run); the server inside it lives from the service's
 * start to its stop.  With the default address, a port already taken is a
 * warning and the daemon runs without the web app; with --web,
 * --web-cert or --kiosk given, it stops the daemon from starting.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_CLI_WEB_SERVICE_H
#define KITH_CLI_WEB_SERVICE_H

#include "peer/daemon.h"
#include "web/server.h"

struct cli_web {
	struct web_server_cfg cfg; /* cfg.listen: NULL for the default */
	int explicit;		   /* --web was given */
	struct web_server *srv;	   /* NULL when not serving */
	/* --web-cert and --web-key: the files' text (cfg.tls_cert and
	 * cfg.tls_key point here), malloc'd; wiped by cli_web_release */
	char *cert, *key;
	size_t cert_len, key_len;
};

/* Fill sv so that the daemon runs w's web app for the data directory
 * home; app goes to every page (web_request.app). */
void cli_web_service(struct cli_web *w, struct peer_service *sv,
		     const char *home, void *app);

/* CLI_OK when addr is an ADDR[:PORT] (any address: off loopback the web
 * app takes PIN logins only); else the usage message and exit 2. */
int cli_web_check(const char *addr);

/*
 * --web-cert FILE --web-key FILE: read both (PEM, at most
 * CLI_WEB_PEM_MAX bytes each) for w's server to speak HTTPS.  CLI_OK, or
 * a one-line error and CLI_FAIL: this libmicrohttpd has no TLS; a file
 * that cannot be read, is empty, too large or not PEM of its kind (the
 * certificate must hold "-----BEGIN CERTIFICATE-----", the key "PRIVATE
 * KEY-----"); a key file that others can read or write (any permission
 * for "other"), or that its group can write - as ssh refuses such a key.
 * A group may read it (Debian's ssl-cert group).  Whether the key is the
 * certificate's is GnuTLS's to say when the server starts.
 */
#define CLI_WEB_PEM_MAX (64 * 1024)
int cli_web_tls(struct cli_web *w, const char *cert, const char *key);
/* Wipe and free what cli_web_tls read. */
void cli_web_release(struct cli_web *w);

/* 1 when the daemon running on the data directory home serves the web
 * app over TLS (its status line says https://), else 0. */
int cli_web_daemon_tls(const char *home);

#endif
