/*
 * control.h - the daemon's control socket, DIR/control.sock (mode 0600):
 * the daemon's end (peer_control_*) and the CLI's (peer_daemon_*).
 *
 * Protocol: a client connects; the daemon writes its status as one line
 * of JSON and closes the connection:
 *
 *   {"pid":N,"node":"HEX64","listen":"ADDR:PORT","joined":true|false,
 *    "mdns":true|false,"handshaking":N,"services":{"NAME":"STATUS",...},
 *    "sessions":[{"peer":"HEX64","addr":"ADDR:PORT",
 *    "synced":true|false,"sent":N,"received":N},...]}\n
 *
 * "joined" is false while the daemon waits for a community key (it
 * runs its services, and no sync: peer/daemon.h).  "services" holds the status line of each service the daemon runs
 * beside sync (peer/daemon.h: "web" and its URL); a service with nothing
 * to say, or whose line holds a quote, a backslash or a control
 * character, is left out.
 *
 * The line is at most PEER_CONTROL_MAX bytes (cut there, sessions last).
 * Every connection is also a knock: the daemon pushes to its sessions at
 * once instead of at its next poll (peer/daemon.h).  A CLI that just wrote
 * to the replica knocks by connecting and hanging up (peer_daemon_notify).
 *
 * Ownership: struct peer_control is embedded in its owner (the daemon),
 * its pipe is a handle of the owner's loop, and the owner's loop finishes
 * its close.  Each client connection is a block of its own, freed in its
 * close callback.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_CONTROL_H
#define KITH_CONTROL_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "keystore.h"
#include "net/session.h"

#define PEER_CONTROL_MAX 16384
#define PEER_MAX_SERVICES 4

/* What the status line says; filled by the owner on every connection. */
struct peer_control_status {
	const uint8_t *node; /* 32 bytes */
	const char *listen;
	int joined; /* 0: not in a community yet (no sync) */
	int mdns;
	unsigned handshaking;
	struct net_session *const *sessions;
	int nsessions;
	int nservices;
	const char *service_name[PEER_MAX_SERVICES];
	const char *service_status[PEER_MAX_SERVICES]; /* NULL: left out */
};

struct peer_control {
	uv_pipe_t pipe;
	char path[PEER_PATH_MAX]; /* "" when the data directory's is too long */
	/* a client connected (before the status is asked) */
	void (*knock)(void *data);
	void (*status)(void *data, struct peer_control_status *st);
	void *data;
};

/* Init the pipe on loop, then bind and listen on DIR/control.sock (a file
 * left there by a daemon that died is removed first).  When that fails it
 * warns and the daemon runs without one; the pipe is initialised either
 * way, so peer_control_close always applies. */
void peer_control_start(struct peer_control *c, uv_loop_t *loop,
			const char *home);
/* Close the pipe and remove the socket file. */
void peer_control_close(struct peer_control *c);

/* Ask a running daemon for its status line (JSON); KITH_ENOTFOUND when
 * none runs on this data directory.  cap 0: only knock (see notify). */
int peer_daemon_status(const char *home, char *out, size_t cap);
/* Tell a running daemon (if any) that the replica changed, so it pushes
 * at once instead of at its next poll. */
void peer_daemon_notify(const char *home);

#endif
