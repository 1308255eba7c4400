/*
 * daemon.h - the peer: one libuv loop that listens, dials static and
 * discovered peers, runs sessions (net/session.h), pushes local writes,
 * answers on its control socket (peer/control.h) and tells systemd how it
 * is doing (peer/notify.h).
 *
 * Rules it keeps:
 * - one session per pair of nodes: when both dial at once, the connection
 *   dialed by the node with the lower id survives, on both sides;
 * - at most PEER_MAX_SESSIONS sessions; sessions to ourselves are refused.
 *   A session counts from the moment we dial it, or, when accepted, from
 *   the moment its peer is authenticated (it holds the community key);
 * - accepted connections that have not finished the handshake wait in a
 *   pool of their own (net/admit.h): PEER_MAX_PENDING are kept, at most
 *   PEER_MAX_PENDING_PER_ADDR from one address, PEER_HANDSHAKE_MS to
 *   finish.  A new connection is always taken; when the pool is full the
 *   oldest connection that has not even sent a valid first message (one
 *   made without the key) is closed to make room, but none younger than
 *   PEER_PENDING_GRACE_MS (the pool grows instead, up to NET_ADMIT_MAX).
 *   So nobody without the key can keep members, or our own dials, out:
 *   they can only push out each other.  What happens in the pool is logged at most
 *   PEER_POOL_LOG_BURST lines per PEER_POOL_LOG_MS and summed up in one
 *   line per PEER_POOL_LOG_MS, never a line per connection;
 * - a lost peer is redialed with exponential backoff (1 s doubling up to
 *   the --interval, default 60 s);
 * - local writes by the CLI are noticed through PRAGMA data_version (polled
 *   every PEER_POLL_MS), those of the services on the daemon's own
 *   connection (the web app) through crdt_store_log_writes, polled with
 *   it, and both are pushed to every synced session; changes
 *   received from one peer are pushed to the others; a knock on the
 *   control socket pushes at once;
 * - SIGINT/SIGTERM close every handle (STOPPING=1 to systemd first); the
 *   current transaction finishes first (transactions never span loop
 *   iterations), and uv_loop_close() must succeed;
 * - READY=1 goes to systemd once the port accepts connections and the
 *   control socket is bound, with STATUS= saying where it listens.
 *
 * SIGHUP reloads (systemctl reload: RELOADING=1, then READY=1).  What the
 * daemon loaded at start and reads again:
 *   1. the community key, DIR/community (peer/keystore.h): when it is no
 *      longer the key in use - the file was replaced, say a building moved
 *      its data directory to another community - every session and every
 *      connection still in its handshake is closed (their peers proved the
 *      old key, not the new one), new ones need the new key, and LAN
 *      discovery announces the new community's tag;
 *   2. LAN discovery (with mDNS on): unpublished and started again, so the
 *      service is announced anew and the LAN browsed afresh (after a
 *      network change, or when it was unavailable at start);
 *   3. dialing: the backoff of every known peer, static or discovered, is
 *      reset and each peer not in a session is dialed at once.
 * Nothing acknowledged is lost: a peer's changes are stored, one
 * transaction per frame, before they are acknowledged, and closing a
 * session never rolls a stored frame back; unchanged, sessions stay.  A
 * reload that cannot read the key (missing, damaged) changes nothing,
 * says why in one line on stderr and still sends READY=1.  The identity,
 * the listen address and the --peer list are not reloaded (they come from
 * the command line; a restart changes them).
 *
 * Not in a community yet (cfg->community NULL: a member with an identity
 * who has not joined; cli/net.c allows it only with a service to join
 * through, the web app): the daemon binds its port, its control socket
 * and its services as always, says "not in a community yet: ..." in one
 * line, and waits.  No sync: every connection to the port is taken and
 * closed unread, nothing is dialed, LAN discovery is off (sessions and the
 * LAN tag need the key).  The control socket's status says "joined":false
 * and STATUS= says it waits for an invite code.  It looks for the key in
 * DIR/community again on SIGHUP, on peer_daemon_reload (the web app's
 * POST /join), on every knock of the control socket and every
 * PEER_JOIN_POLL_MS (`kith community join` in another process writes only
 * that file); once it is there, sync starts as at a start with the key -
 * static peers dialed, LAN discovery on - without a restart, and the
 * daemon logs "joined a community: sync starts".  Only SIGHUP says why
 * when the key is still missing or cannot be read; a knock or the poll
 * says nothing.
 *
 * The data directory holds control.sock (0600) and daemon.lock (flock: one
 * daemon per data directory).
 *
 * Services: the daemon also runs, on its loop, the services its caller
 * hands it (struct peer_service; cli/net.c hands it the web app of web/,
 * which peer/ never includes).  They are started in order once the
 * control socket is bound, before READY=1 (one that fails to start stops
 * the daemon: its start says why), and stopped with everything else on
 * SIGINT/SIGTERM, before the loop closes.  Each one's status line is in
 * the control socket's answer (peer/control.h) and in STATUS=.  One that
 * serves HTTP on an address other than loopback is announced on the LAN
 * while LAN discovery runs (so, once in a community; anew on reload).
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_DAEMON_H
#define KITH_DAEMON_H

#include <stdint.h>
#include <uv.h>

#include "addr.h"
#include "crdt/replica.h"

#define PEER_MAX_SESSIONS 32
#define PEER_MAX_PENDING 32	     /* not yet authenticated (<= NET_ADMIT_MAX) */
#define PEER_MAX_PENDING_PER_ADDR 8
#define PEER_PENDING_GRACE_MS 500
#define PEER_HANDSHAKE_MS 5000	     /* for accepted connections */
#define PEER_POOL_LOG_MS 10000
#define PEER_POOL_LOG_BURST 3
#define PEER_MAX_TARGETS 256
#define PEER_POLL_MS 50
#define PEER_JOIN_POLL_MS 1000 /* not in a community yet: the key's file */

/* A service run on the daemon's loop (see above). */
struct peer_service {
	const char *name; /* its key in the status line, e.g. "web" */
	/* 0, or an error (it has said why, and holds no handle) */
	int (*start)(void *ctx, uv_loop_t *loop);
	/* close every handle it has; the loop finishes the closes */
	void (*stop)(void *ctx);
	/* one line (no quotes), e.g. its URL; NULL: nothing to say */
	const char *(*status)(void *ctx);
	/* NULL, or where it serves HTTP (0; else nothing to say), *tls 1
	 * when it speaks HTTPS: with LAN discovery on and an address that
	 * is not loopback, the daemon announces it as `_http._tcp` (or
	 * `_https._tcp`) named for the community (net/mdns.h
	 * net_mdns_http) */
	int (*http)(void *ctx, struct sockaddr_storage *out, int *tls);
	void *ctx;
};

struct peer_daemon_cfg {
	const char *home;
	struct crdt_replica *replica; /* with identity */
	const uint8_t *community;     /* 32 bytes, the wire key; copied;
					 NULL: not in a community yet */
	const char *listen;	      /* "ADDR:PORT" (peer/addr.h), NULL for
					 the default */
	const char **peers;	      /* static "ADDR:PORT" */
	int npeers;
	int mdns;
	unsigned interval_s; /* max redial backoff */
	const struct peer_service *services; /* at most PEER_MAX_SERVICES */
	int nservices;
};

/* Run until SIGINT/SIGTERM.  0 on a clean stop. */
int peer_daemon_run(const struct peer_daemon_cfg *cfg);

/* For a service, on the loop's thread: reload as on SIGHUP (above) the
 * daemon whose loop (peer_service.start's) this is - say, a member just
 * joined a community from the web app.  Nothing once it stops. */
void peer_daemon_reload(uv_loop_t *loop);

#endif
