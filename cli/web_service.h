/*
 * web_service.h - the web app (web/server.h) as a service of the daemon
 * (struct peer_service, peer/daemon.h), for cli/net.c; and the check of a
 * --web address.
 *
 * struct cli_web is owned by `kith daemon` (on its stack, for the
 * daemon's whole run); the server inside it lives from the service's
 * start to its stop.  With the default address, a port already taken is a
 * warning and the daemon runs without the web app; with --web given, it
 * stops the daemon from starting.
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
};

/* Fill sv so that the daemon runs w's web app for the data directory
 * home; app goes to every page (web_request.app). */
void cli_web_service(struct cli_web *w, struct peer_service *sv,
		     const char *home, void *app);

/* CLI_OK when addr is an ADDR[:PORT] (any address: off loopback the web
 * app takes PIN logins only); else the usage message and exit 2. */
int cli_web_check(const char *addr);

#endif
