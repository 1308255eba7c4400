/*
 * notify.h - telling the service manager how the daemon is doing: the
 * sd_notify(3) protocol, written by hand (systemd documents it as stable
 * and meant to be reimplemented; no libsystemd).
 *
 * $NOTIFY_SOCKET names a unix datagram socket: an absolute path, or an
 * abstract socket when it starts with '@' (the '@' stands for the leading
 * NUL byte).  Unset or empty: not run by systemd (or not Type=notify), and
 * every call does nothing and returns 0.  The variable stays in the
 * environment, since the daemon speaks more than once.  A state is one
 * datagram of newline-separated VAR=VALUE lines, at most
 * PEER_NOTIFY_MAX bytes.  The daemon sends (peer/daemon.h):
 *
 *   READY=1 + STATUS=...      listening, the control socket bound;
 *   RELOADING=1 + MONOTONIC_USEC=<CLOCK_MONOTONIC in us>   on SIGHUP,
 *                             then READY=1 + STATUS=... once reloaded
 *                             (also when the reload failed);
 *   STOPPING=1                when SIGTERM or SIGINT starts a clean stop.
 *
 * Failures return a negative code and never stop the daemon: systemd
 * reports a missing READY=1 itself.  Sends are synchronous and never
 * block (a full socket buffer fails with -EAGAIN).
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_NOTIFY_H
#define KITH_NOTIFY_H

#define PEER_NOTIFY_MAX 1024

/* Send the state given as printf does (newline-separated VAR=VALUE).
 * 0 when sent or when there is no $NOTIFY_SOCKET; KITH_EINVAL when the
 * variable is neither a path nor '@'; KITH_ETOOBIG when the state or the
 * socket name is too long; else a negative errno. */
__attribute__((format(printf, 1, 2))) int peer_notify(const char *fmt, ...);
/* RELOADING=1 with MONOTONIC_USEC of now, as peer_notify. */
int peer_notify_reloading(void);

#endif
