#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "daemon.h"
#include "keystore.h"
#include "net/admit.h"
#include "net/mdns.h"
#include "net/session.h"
#include "net/shs.h"
#include "notify.h"
#include "peers.h"

#define BACKOFF_MIN_MS 1000
#define NOT_JOINED                                                            \
	"not in a community yet: open the web app and paste an invite "      \
	"code, or run kith community join CODE"

struct peer_daemon;

struct target {
	struct peer_daemon *d;
	char addr[80];
	struct sockaddr_storage sa;
	const char *how; /* "static" or "mdns" */
	uint8_t node[32];
	int have_node;
	int self; /* it was us: never dial again */
	int busy; /* connecting or in a session */
	uv_timer_t retry;
	uint64_t backoff_ms;
};

/* Per-session context (net_session's data).  A session is on exactly
 * one list: accepted ones wait in the pre-handshake pool (d->admit) until
 * they are authenticated, then move to d->sessions; our own dials are on
 * d->sessions from the moment they connect. */
struct sctx {
	struct peer_daemon *d;
	struct target *t; /* NULL for accepted sessions */
	uv_connect_t connect;
	struct net_session *s;
	int synced_logged;
	int pending; /* in d->admit, not (yet) in d->sessions */
	int evicted; /* closed to make room in the pool */
};

struct peer_daemon {
	const struct peer_daemon_cfg *cfg;
	uint8_t community[32]; /* the wire key in use (reload replaces it) */
	int joined; /* community holds a key: sync may run (daemon.h) */
	uint64_t join_ms; /* not joined: when the key was last looked for */
	uv_loop_t loop;
	int loop_open;
	uv_tcp_t listener;
	struct peer_control control;
	uv_timer_t poll;
	uv_signal_t sigint, sigterm, sighup;
	struct net_mdns *mdns;
	char listen_addr[80];
	int64_t data_version;
	uint64_t log_writes; /* this connection's, when last pushed */
	int stopping;
	struct net_session *sessions[PEER_MAX_SESSIONS];
	int nsessions;
	/* accepted connections before their handshake is done (admit.h) */
	struct net_admit admit;
	struct net_loglimit hs_log;   /* their failures, per session */
	struct net_loglimit busy_log; /* "too many", once per interval */
	uint64_t pool_evicted, pool_failed; /* since report_ms */
	uint64_t report_ms;
	struct target targets[PEER_MAX_TARGETS];
	int ntargets;
	struct net_session_cb cb;
	int lockfd;
	int nservices; /* started, in cfg->services order */
};

static int64_t wall_s(void)
{
	return (int64_t)time(NULL);
}

static void hex8(char out[17], const uint8_t *pk)
{
	crdt_hex(out, pk, 8);
}

/* ---- sessions ----------------------------------------------------------- */

static void target_schedule(struct target *t, uint64_t ms);

static const uint8_t *dialer_of(struct peer_daemon *d, struct net_session *s)
{
	return net_session_dialer(s) ? d->cfg->replica->id.pk
				     : net_session_peer(s);
}

/* Take s off d->sessions or out of the pool, wherever it is. */
static void list_remove(struct peer_daemon *d, struct net_session *s)
{
	struct sctx *c = net_session_data(s);
	int i;

	if (c && c->pending) {
		net_admit_remove(&d->admit, s);
		c->pending = 0;
		return;
	}
	for (i = 0; i < d->nsessions; i++)
		if (d->sessions[i] == s) {
			d->sessions[i] = d->sessions[--d->nsessions];
			break;
		}
}

/* Connections closed before their handshake was done, and warnings held
 * back: one line per PEER_POOL_LOG_MS at most, at once when the last one
 * was longer ago than that. */
static void pool_report(struct peer_daemon *d)
{
	uint64_t now = uv_now(&d->loop), held;

	if (d->report_ms && now - d->report_ms < PEER_POOL_LOG_MS)
		return;
	if (!d->pool_evicted && !d->hs_log.suppressed &&
	    !d->busy_log.suppressed) {
		d->pool_failed = 0;
		return;
	}
	held = net_loglimit_flush(&d->hs_log) + net_loglimit_flush(&d->busy_log);
	log_warnx("connections that have not finished the handshake: %llu "
		  "closed to make room for newer ones (%d kept, %d from one "
		  "address), %llu failed or timed out, %u held now; %llu "
		  "warnings not shown (this report comes at most every %d s)",
		  (unsigned long long)d->pool_evicted, PEER_MAX_PENDING,
		  PEER_MAX_PENDING_PER_ADDR, (unsigned long long)d->pool_failed,
		  net_admit_count(&d->admit), (unsigned long long)held,
		  PEER_POOL_LOG_MS / 1000);
	d->pool_evicted = d->pool_failed = 0;
	d->report_ms = now;
}

/* The pool's hook (net/admit.h): a whole message 1 sits unread in the
 * socket of this accepted session (the loop has not read it yet). */
static int hello_waiting(void *conn)
{
	uv_os_fd_t fd;
	int n = 0;

	if (uv_fileno((uv_handle_t *)net_session_tcp(conn), &fd) ||
	    ioctl(fd, FIONREAD, &n))
		return 0;
	return n >= NET_SHS_MSG1;
}

/* Close a session the pool let go (net_admit_add or _trim). */
static void evict(struct peer_daemon *d, struct net_session *victim)
{
	struct sctx *vc = net_session_data(victim);

	vc->pending = 0; /* out of the pool already */
	vc->evicted = 1;
	d->pool_evicted++;
	net_session_close(victim, KITH_EBUSY);
	pool_report(d);
}

static int on_ready(struct net_session *s)
{
	struct sctx *c = net_session_data(s);
	struct peer_daemon *d = c->d;
	const uint8_t *peer = net_session_peer(s);
	char h[17];
	int i;

	hex8(h, peer);
	if (crdt_equal(peer, d->cfg->replica->id.pk, 32)) {
		log_info("session %s: that is this node itself", net_session_addr(s));
		if (c->t)
			c->t->self = 1;
		return 1;
	}
	if (c->t) {
		memcpy(c->t->node, peer, 32);
		c->t->have_node = 1;
	}
	for (i = 0; i < d->nsessions; i++) {
		struct net_session *o = d->sessions[i];
		const uint8_t *op = net_session_peer(o);

		if (o == s || !op || !crdt_equal(op, peer, 32))
			continue;
		/* both dialed: the lower dialer id wins, on both nodes (an
		 * order of public keys, not a secret comparison) */
		if (memcmp(dialer_of(d, s), dialer_of(d, o), 32) < 0) {
			log_debug("session %s: replaces a duplicate to %s",
				  net_session_addr(s), h);
			/* off the list now: its place is s's */
			list_remove(d, o);
			net_session_close(o, KITH_EEXISTS);
			break;
		}
		log_debug("session %s: duplicate of a session with %s",
			  net_session_addr(s), h);
		return 1;
	}
	if (c->pending) {
		/* authenticated: from the pool to the sessions */
		if (d->nsessions >= PEER_MAX_SESSIONS) {
			if (net_loglimit_take(&d->busy_log, uv_now(&d->loop)))
				log_warnx("too many sessions (%d); refusing %s "
					  "at %s",
					  d->nsessions, h, net_session_addr(s));
			return 1;
		}
		net_admit_remove(&d->admit, s);
		c->pending = 0;
		d->sessions[d->nsessions++] = s;
	}
	log_info("session %s: peer %s authenticated", net_session_addr(s), h);
	return 0;
}

static void on_hello(struct net_session *s)
{
	struct sctx *c = net_session_data(s);

	if (c->pending)
		net_admit_proven(&c->d->admit, s);
}

static void on_synced(struct net_session *s)
{
	struct sctx *c = net_session_data(s);
	const struct net_session_stats *st = net_session_stats(s);
	char h[17];

	hex8(h, net_session_peer(s));
	log_info("synced with %s at %s: sent %llu, received %llu changes", h,
		 net_session_addr(s), (unsigned long long)st->sent,
		 (unsigned long long)st->received);
	if (c->t)
		c->t->backoff_ms = 0;
	if (peer_db_result(c->d->cfg->replica->store, net_session_addr(s),
			   net_session_peer(s), 0, 0, NULL, wall_s()))
		log_warnx("cannot record peer %s", net_session_addr(s));
}

static void push_all(struct peer_daemon *d, struct net_session *except)
{
	int i;

	for (i = 0; i < d->nsessions; i++)
		if (d->sessions[i] != except)
			net_session_push(d->sessions[i]);
}

static void on_applied(struct net_session *s)
{
	struct sctx *c = net_session_data(s);

	push_all(c->d, s);
	/* the poll need not push them again */
	c->d->log_writes = crdt_store_log_writes(c->d->cfg->replica->store);
}

static void on_close(struct net_session *s, int err)
{
	struct sctx *c = net_session_data(s);
	struct peer_daemon *d;
	const struct net_session_stats *st = net_session_stats(s);
	int i;

	if (!c)
		return;
	d = c->d;
	if (c->pending && !c->evicted && err && err != KITH_EEXISTS)
		d->pool_failed++;
	list_remove(d, s);
	if (net_session_peer(s) && err != KITH_EEXISTS &&
	    peer_db_result(d->cfg->replica->store, net_session_addr(s),
			   net_session_peer(s), st->sent, st->received,
			   err ? kith_strerror(err) : NULL, wall_s()))
		log_warnx("cannot record peer %s", net_session_addr(s));
	if (c->t) {
		c->t->busy = 0;
		if (!d->stopping && !c->t->self)
			target_schedule(c->t, 0);
	}
	/* a target whose node this was may dial again */
	for (i = 0; !d->stopping && i < d->ntargets; i++)
		if (&d->targets[i] != c->t && d->targets[i].have_node &&
		    net_session_peer(s) &&
		    crdt_equal(d->targets[i].node, net_session_peer(s), 32) &&
		    !d->targets[i].busy)
			target_schedule(&d->targets[i], 200);
	free(c);
}

static struct net_session_cfg session_cfg(struct peer_daemon *d, struct sctx *c)
{
	struct net_session_cfg cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.replica = d->cfg->replica;
	cfg.me = &d->cfg->replica->id;
	cfg.community = d->community;
	cfg.cb = d->cb;
	cfg.data = c;
	if (!c->t) { /* accepted: anyone may have connected */
		cfg.handshake_ms = PEER_HANDSHAKE_MS;
		cfg.hs_log = &d->hs_log;
	}
	return cfg;
}

static void close_unstarted(uv_handle_t *h)
{
	net_session_close(h->data, 0);
}

/* ---- dialing ------------------------------------------------------------ */

static int node_connected(struct peer_daemon *d, const uint8_t node[32])
{
	int i;

	for (i = 0; i < d->nsessions; i++) {
		const uint8_t *p = net_session_peer(d->sessions[i]);

		if (p && crdt_equal(p, node, 32))
			return 1;
	}
	return 0;
}

static void on_connect(uv_connect_t *req, int status)
{
	struct sctx *c = req->data;
	struct peer_daemon *d = c->d;
	struct net_session_cfg cfg;
	uv_tcp_t *tcp = net_session_tcp(c->s);

	if (status < 0 || d->stopping || d->nsessions >= PEER_MAX_SESSIONS) {
		if (status < 0)
			log_debug("cannot reach %s: %s", c->t->addr,
				  uv_strerror(status));
		if (status < 0 &&
		    peer_db_result(d->cfg->replica->store, c->t->addr, NULL, 0, 0,
				   uv_strerror(status), wall_s()))
			log_warnx("cannot record peer %s", c->t->addr);
		c->t->busy = 0;
		if (!d->stopping)
			target_schedule(c->t, 0);
		tcp->data = c->s;
		uv_close((uv_handle_t *)tcp, close_unstarted);
		free(c);
		return;
	}
	d->sessions[d->nsessions++] = c->s;
	cfg = session_cfg(d, c);
	net_session_start(c->s, &cfg, 1, c->t->addr);
}

static void target_dial(struct target *t)
{
	struct peer_daemon *d = t->d;
	struct sctx *c;
	uv_tcp_t *tcp;
	int rc;

	if (d->stopping || t->busy || t->self ||
	    (t->have_node && node_connected(d, t->node)))
		return;
	c = calloc(1, sizeof *c);
	if (!c)
		return;
	c->d = d;
	c->t = t;
	c->s = net_session_alloc();
	if (!c->s) {
		free(c);
		return;
	}
	tcp = net_session_tcp(c->s);
	uv_tcp_init(&d->loop, tcp);
	c->connect.data = c;
	t->busy = 1;
	rc = uv_tcp_connect(&c->connect, tcp, (struct sockaddr *)&t->sa,
			    on_connect);
	if (rc) {
		t->busy = 0;
		tcp->data = c->s;
		uv_close((uv_handle_t *)tcp, close_unstarted);
		free(c);
		target_schedule(t, 0);
	}
}

static void on_retry(uv_timer_t *timer)
{
	target_dial(timer->data);
}

/* ms == 0: the next backoff step. */
static void target_schedule(struct target *t, uint64_t ms)
{
	uint64_t max = (uint64_t)t->d->cfg->interval_s * 1000;

	if (!ms) {
		t->backoff_ms = t->backoff_ms ? t->backoff_ms * 2 : BACKOFF_MIN_MS;
		if (t->backoff_ms > max)
			t->backoff_ms = max;
		ms = t->backoff_ms;
	}
	uv_timer_start(&t->retry, on_retry, ms, 0);
}

static struct target *target_add(struct peer_daemon *d, const char *addr,
				 const struct sockaddr_storage *sa,
				 const char *how)
{
	struct target *t;
	int i;

	for (i = 0; i < d->ntargets; i++)
		if (!strcmp(d->targets[i].addr, addr))
			return &d->targets[i];
	if (d->ntargets == PEER_MAX_TARGETS)
		return NULL;
	t = &d->targets[d->ntargets++];
	memset(t, 0, sizeof *t);
	t->d = d;
	snprintf(t->addr, sizeof t->addr, "%s", addr);
	t->sa = *sa;
	t->how = how;
	uv_timer_init(&d->loop, &t->retry);
	t->retry.data = t;
	return t;
}

static void on_found(void *data, const char *addr, const uint8_t node[32])
{
	struct peer_daemon *d = data;
	struct sockaddr_storage sa;
	struct target *t;
	char h[17];

	if (d->stopping || peer_parse_addr(addr, &sa, -1))
		return;
	t = target_add(d, addr, &sa, "mdns");
	if (!t)
		return;
	memcpy(t->node, node, 32);
	t->have_node = 1;
	hex8(h, node);
	log_info("found %s at %s on the LAN", h, addr);
	if (peer_db_seen(d->cfg->replica->store, addr, node, "mdns", wall_s()))
		log_warnx("cannot record peer %s", addr);
	/* the lower id dials, so two nodes that find each other make one
	 * connection; the other waits (and dials later if nothing comes) */
	if (memcmp(d->cfg->replica->id.pk, node, 32) < 0) /* public keys */
		target_dial(t);
	else if (!t->busy)
		target_schedule(t, 3000);
}

/* ---- accepting ---------------------------------------------------------- */

static void free_handle(uv_handle_t *h)
{
	free(h);
}

/* Not in a community yet: a connection is taken and closed unanswered
 * (sessions need the key; nothing of it is read). */
static void refuse(uv_stream_t *server)
{
	uv_tcp_t *tcp = malloc(sizeof *tcp);

	if (!tcp)
		return;
	uv_tcp_init(server->loop, tcp);
	if (uv_accept(server, (uv_stream_t *)tcp))
		log_debug("cannot take a connection: not in a community yet");
	uv_close((uv_handle_t *)tcp, free_handle);
}

static void on_connection(uv_stream_t *server, int status)
{
	struct peer_daemon *d = server->data;
	struct net_session *s;
	struct net_session_cfg cfg;
	struct sockaddr_storage sa;
	struct sctx *c;
	char addr[80] = "?";
	int len = sizeof sa, have_sa = 0;
	uv_tcp_t *tcp;
	void *victim;

	if (status < 0 || d->stopping)
		return;
	if (!d->joined) {
		refuse(server);
		return;
	}
	s = net_session_alloc();
	c = calloc(1, sizeof *c);
	if (!s || !c) {
		free(s);
		free(c);
		return;
	}
	tcp = net_session_tcp(s);
	uv_tcp_init(&d->loop, tcp);
	tcp->data = s;
	if (uv_accept(server, (uv_stream_t *)tcp)) {
		uv_close((uv_handle_t *)tcp, close_unstarted);
		free(c);
		return;
	}
	if (uv_tcp_getpeername(tcp, (struct sockaddr *)&sa, &len) == 0) {
		peer_addr_str((struct sockaddr *)&sa, addr, sizeof addr);
		have_sa = 1;
	}
	c->d = d;
	c->s = s;
	/* not a session yet: it waits in the pool, where it can only ever
	 * push out another connection that has not finished its handshake
	 * (never a session, never our dials), and is let in whatever the
	 * pressure (net/admit.h) */
	c->pending = 1;
	victim = net_admit_add(&d->admit, s,
			       have_sa ? (struct sockaddr *)&sa : NULL,
			       uv_now(&d->loop));
	cfg = session_cfg(d, c);
	net_session_start(s, &cfg, 0, addr);
	if (victim)
		evict(d, victim);
}

/* ---- the loop ----------------------------------------------------------- */

static int join_check(struct peer_daemon *d, int say);
static void ready(struct peer_daemon *d);

static void on_poll(uv_timer_t *t)
{
	struct peer_daemon *d = t->data;
	int64_t v;
	uint64_t w;
	void *victim;
	int i;

	/* not in a community yet: has someone joined (a file appeared)? */
	if (!d->joined && !d->stopping &&
	    uv_now(&d->loop) - d->join_ms >= PEER_JOIN_POLL_MS) {
		d->join_ms = uv_now(&d->loop);
		if (join_check(d, 0))
			ready(d);
	}

	/* back to the pool's limits once the young have aged; bounded */
	for (i = 0; !d->stopping && i < NET_ADMIT_MAX; i++) {
		victim = net_admit_trim(&d->admit, uv_now(&d->loop));
		if (!victim)
			break;
		evict(d, victim);
	}
	pool_report(d);
	w = crdt_store_log_writes(d->cfg->replica->store);
	if (crdt_store_data_version(d->cfg->replica->store, &v))
		return;
	if (v != d->data_version || w != d->log_writes) {
		d->data_version = v;
		d->log_writes = w;
		push_all(d, NULL);
	}
}

/* The control socket's hooks (peer/control.h). */
static void control_knock(void *data)
{
	struct peer_daemon *d = data;

	/* not in a community yet: a CLI that knocks may have just joined */
	if (!d->joined && !d->stopping && join_check(d, 0))
		ready(d);
	on_poll(&d->poll);
}

static void control_status(void *data, struct peer_control_status *st)
{
	struct peer_daemon *d = data;
	int i;

	st->node = d->cfg->replica->id.pk;
	st->listen = d->listen_addr;
	st->joined = d->joined;
	st->mdns = d->mdns != NULL;
	st->handshaking = net_admit_count(&d->admit);
	st->sessions = d->sessions;
	st->nsessions = d->nsessions;
	for (i = 0; i < d->nservices; i++) {
		const struct peer_service *sv = &d->cfg->services[i];

		st->service_name[i] = sv->name;
		st->service_status[i] = sv->status ? sv->status(sv->ctx) : NULL;
	}
	st->nservices = d->nservices;
}

/* Close every session and every connection in the pool. */
static void close_all(struct peer_daemon *d)
{
	/* on_close removes each from its list later, when its handles are
	 * closed; close them all from a copy */
	struct net_session *all[PEER_MAX_SESSIONS];
	void *pool[NET_ADMIT_MAX];
	unsigned k, np = net_admit_count(&d->admit);
	int i, n = d->nsessions;

	memcpy(all, d->sessions, sizeof(all[0]) * (size_t)n);
	for (i = 0; i < n; i++)
		net_session_close(all[i], 0);
	for (k = 0; k < np; k++)
		pool[k] = d->admit.e[k].conn;
	for (k = 0; k < np; k++)
		net_session_close(pool[k], 0);
}

/* Announce the services that serve HTTP (daemon.h), named for the
 * community (its name in the key file; none when it cannot be read). */
static void mdns_http(struct peer_daemon *d)
{
	struct sockaddr_storage ss;
	struct peer_community com;
	char name[PEER_NAME_MAX + 1] = "";
	int i, rc, tls;

	if (!peer_community_load(d->cfg->home, &com)) {
		memcpy(name, com.name, sizeof name);
		peer_community_wipe(&com);
	}
	for (i = 0; i < d->nservices; i++) {
		const struct peer_service *sv = &d->cfg->services[i];

		tls = 0;
		if (!sv->http || sv->http(sv->ctx, &ss, &tls))
			continue;
		rc = net_mdns_http(d->mdns, (struct sockaddr *)&ss, name, tls);
		if (rc)
			log_warnx("cannot announce '%s' on the LAN: %s",
				  sv->name, kith_strerror(rc));
	}
}

static void mdns_start(struct peer_daemon *d)
{
	struct net_mdns_cb mcb = { on_found, d };
	struct sockaddr_storage sa;
	uint8_t tag[CRDT_TAG_LEN];
	int len = sizeof sa;

	uv_tcp_getsockname(&d->listener, (struct sockaddr *)&sa, &len);
	crdt_community_tag(tag, d->community);
	if (net_mdns_start(&d->mdns, &d->loop, d->cfg->replica->id.pk, tag,
			   (uint16_t)peer_addr_port(&sa), &mcb)) {
		log_warnx("LAN discovery unavailable; static peers only");
		return;
	}
	mdns_http(d);
}

static void mdns_stop(struct peer_daemon *d)
{
	if (d->mdns)
		net_mdns_stop(d->mdns);
	d->mdns = NULL;
}

static void ready(struct peer_daemon *d)
{
	char more[256] = "";
	size_t n = 0;
	int i, rc;

	for (i = 0; i < d->nservices && n < sizeof more; i++) {
		const struct peer_service *sv = &d->cfg->services[i];
		const char *st = sv->status ? sv->status(sv->ctx) : NULL;

		if (st)
			n += (size_t)snprintf(more + n, sizeof more - n,
					      ", %s on %s", sv->name, st);
	}
	if (d->joined)
		rc = peer_notify("READY=1\nSTATUS=listening on %s, %d peers "
				 "known, %d in session%s",
				 d->listen_addr, d->ntargets, d->nsessions,
				 more);
	else
		rc = peer_notify("READY=1\nSTATUS=not in a community yet, "
				 "waiting for an invite code%s",
				 more);

	if (rc)
		log_warnx("cannot tell systemd we are ready: %s",
			  kith_strerror(rc));
}

static void stop(struct peer_daemon *d)
{
	int i;

	if (d->stopping)
		return;
	d->stopping = 1;
	(void)peer_notify("STOPPING=1");
	log_info("stopping");
	uv_close((uv_handle_t *)&d->listener, NULL);
	peer_control_close(&d->control);
	uv_close((uv_handle_t *)&d->poll, NULL);
	uv_close((uv_handle_t *)&d->sigint, NULL);
	uv_close((uv_handle_t *)&d->sigterm, NULL);
	uv_close((uv_handle_t *)&d->sighup, NULL);
	/* libuv gave SIGHUP its default back (which ends the process): a
	 * reload asked for while we stop is ignored instead */
	signal(SIGHUP, SIG_IGN);
	for (i = 0; i < d->ntargets; i++)
		uv_close((uv_handle_t *)&d->targets[i].retry, NULL);
	close_all(d);
	mdns_stop(d);
	while (d->nservices) {
		const struct peer_service *sv = &d->cfg->services[--d->nservices];

		sv->stop(sv->ctx);
	}
}

/* Start the caller's services in order; 0, or the first one's error. */
static int services_start(struct peer_daemon *d)
{
	const struct peer_daemon_cfg *cfg = d->cfg;
	int rc;

	if (cfg->nservices > PEER_MAX_SERVICES)
		return KITH_EINVAL;
	while (d->nservices < cfg->nservices) {
		const struct peer_service *sv = &cfg->services[d->nservices];

		rc = sv->start(sv->ctx, &d->loop);
		if (rc)
			return rc;
		d->nservices++;
	}
	return 0;
}

/* SIGHUP, or a service's peer_daemon_reload (daemon.h says what it
 * reloads and why). */
static void reload(struct peer_daemon *d)
{
	struct peer_community com;
	uint8_t key[32];
	int rc, i;

	(void)peer_notify_reloading();
	log_info("reloading");
	if (!d->joined) {
		/* the first key: sync starts (nothing to close) */
		join_check(d, 1);
		goto out;
	}
	rc = peer_community_load(d->cfg->home, &com);
	if (rc) {
		log_warnx("reload failed: cannot read the community key in "
			  "'%s': %s; nothing changed",
			  d->cfg->home, kith_strerror(rc));
		goto out;
	}
	peer_community_wire_key(&com, key);
	peer_community_wipe(&com);
	if (!crdt_equal(key, d->community, sizeof key)) {
		log_warnx("the community key changed: closing %d sessions and "
			  "%u handshakes made with the old one",
			  d->nsessions, net_admit_count(&d->admit));
		memcpy(d->community, key, sizeof key);
		close_all(d);
	}
	crdt_wipe(key, sizeof key);
	if (d->cfg->mdns) {
		mdns_stop(d);
		mdns_start(d);
	}
	for (i = 0; i < d->ntargets; i++) {
		d->targets[i].backoff_ms = 0;
		if (!d->targets[i].busy && !d->targets[i].self) {
			uv_timer_stop(&d->targets[i].retry);
			target_dial(&d->targets[i]);
		}
	}
	on_poll(&d->poll);
out:
	ready(d);
}

static void on_signal(uv_signal_t *h, int signum)
{
	if (signum == SIGHUP)
		reload(h->data);
	else
		stop(h->data);
}

static int lock_home(struct peer_daemon *d, const char *home)
{
	char path[PEER_PATH_MAX], pid[32];
	int n, rc = 0;

	if (peer_path(path, sizeof path, home, "daemon.lock")) {
		rc = KITH_ETOOBIG;
		goto out;
	}
	d->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d->lockfd < 0) {
		rc = -errno;
		goto out;
	}
	if (flock(d->lockfd, LOCK_EX | LOCK_NB)) {
		close(d->lockfd);
		d->lockfd = -1;
		rc = KITH_EBUSY;
		goto out;
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(d->lockfd, 0) || write(d->lockfd, pid, (size_t)n) != n)
		log_warn("cannot write '%s'", path);
out:
	if (rc == KITH_EBUSY)
		log_warnx("another kith daemon is already running for '%s'",
			  home);
	else if (rc)
		log_warnx("cannot lock '%s': %s", home, kith_strerror(rc));
	return rc;
}

/* Bind and listen on sa; d->listen_addr says where. */
static int listen_tcp(struct peer_daemon *d, struct sockaddr_storage *sa)
{
	const char *listen = d->cfg->listen;
	int rc, len = sizeof *sa;

	uv_tcp_init(&d->loop, &d->listener);
	d->listener.data = d;
	rc = uv_tcp_bind(&d->listener, (struct sockaddr *)sa, 0);
	if (!rc)
		rc = uv_listen((uv_stream_t *)&d->listener, 64, on_connection);
	if (rc) {
		log_warnx("cannot listen on '%s': %s",
			  listen ? listen : "default port", uv_strerror(rc));
		uv_close((uv_handle_t *)&d->listener, NULL);
		return rc;
	}
	uv_tcp_getsockname(&d->listener, (struct sockaddr *)sa, &len);
	peer_addr_str((struct sockaddr *)sa, d->listen_addr,
		      sizeof d->listen_addr);
	log_warnx("listening on %s", d->listen_addr);
	return 0;
}

static void signal_start(struct peer_daemon *d, uv_signal_t *h, int signum)
{
	uv_signal_init(&d->loop, h);
	h->data = d;
	uv_signal_start(h, on_signal, signum);
}

/* The static peers: recorded, then dialed. */
static void dial_static(struct peer_daemon *d)
{
	const struct peer_daemon_cfg *cfg = d->cfg;
	struct sockaddr_storage sa;
	struct target *t;
	int i;

	for (i = 0; i < cfg->npeers; i++) {
		if (peer_parse_addr(cfg->peers[i], &sa, PEER_DEFAULT_PORT)) {
			log_warnx("cannot understand peer address '%s'",
				  cfg->peers[i]);
			continue;
		}
		t = target_add(d, cfg->peers[i], &sa, "static");
		if (t && peer_db_seen(cfg->replica->store, t->addr, NULL,
				      "static", wall_s()))
			log_warnx("cannot record peer %s", t->addr);
		if (t)
			target_dial(t);
	}
}

/* Not in a community yet: is the key there now?  1 when it is, and sync
 * has started as at a start with the key (static peers dialed, LAN
 * discovery on).  say: the line that says why not when it is not. */
static int join_check(struct peer_daemon *d, int say)
{
	struct peer_community com;
	int rc = peer_community_load(d->cfg->home, &com);

	if (rc == KITH_ENOCOMMUNITY) {
		if (say)
			log_warnx(NOT_JOINED);
		return 0;
	}
	if (rc) {
		if (say)
			log_warnx("cannot read the community key in '%s': %s; "
				  "sync still waits",
				  d->cfg->home, kith_strerror(rc));
		return 0;
	}
	peer_community_wire_key(&com, d->community);
	peer_community_wipe(&com);
	d->joined = 1;
	log_warnx("joined a community: sync starts");
	dial_static(d);
	if (d->cfg->mdns)
		mdns_start(d);
	return 1;
}

void peer_daemon_reload(uv_loop_t *loop)
{
	struct peer_daemon *d = loop->data;

	if (d && !d->stopping)
		reload(d);
}

int peer_daemon_run(const struct peer_daemon_cfg *cfg)
{
	struct peer_daemon *d = calloc(1, sizeof *d);
	struct sockaddr_storage sa;
	int rc, closed;

	if (!d)
		return KITH_ENOMEM;
	d->cfg = cfg;
	if (cfg->community) {
		memcpy(d->community, cfg->community, sizeof d->community);
		d->joined = 1;
	}
	d->lockfd = -1;
	net_admit_init(&d->admit, PEER_MAX_PENDING, PEER_MAX_PENDING_PER_ADDR,
		       PEER_PENDING_GRACE_MS, hello_waiting);
	net_loglimit_init(&d->hs_log, PEER_POOL_LOG_MS, PEER_POOL_LOG_BURST);
	net_loglimit_init(&d->busy_log, PEER_POOL_LOG_MS, 1);
	d->cb.on_ready = on_ready;
	d->cb.on_hello = on_hello;
	d->cb.on_synced = on_synced;
	d->cb.on_applied = on_applied;
	d->cb.on_close = on_close;
	d->control.knock = control_knock;
	d->control.status = control_status;
	d->control.data = d;
	signal(SIGPIPE, SIG_IGN);
	rc = lock_home(d, cfg->home);
	if (rc)
		goto out;
	rc = peer_parse_addr(cfg->listen ? cfg->listen : "0.0.0.0", &sa,
			     PEER_DEFAULT_PORT);
	if (rc) {
		log_warnx("cannot understand listen address '%s'", cfg->listen);
		goto out;
	}
	uv_loop_init(&d->loop);
	d->loop.data = d; /* for peer_daemon_reload */
	d->loop_open = 1;
	rc = listen_tcp(d, &sa);
	if (rc)
		goto out;
	peer_control_start(&d->control, &d->loop, cfg->home);
	uv_timer_init(&d->loop, &d->poll);
	d->poll.data = d;
	if (crdt_store_data_version(cfg->replica->store, &d->data_version))
		d->data_version = -1;
	d->log_writes = crdt_store_log_writes(cfg->replica->store);
	uv_timer_start(&d->poll, on_poll, PEER_POLL_MS, PEER_POLL_MS);
	signal_start(d, &d->sigint, SIGINT);
	signal_start(d, &d->sigterm, SIGTERM);
	signal_start(d, &d->sighup, SIGHUP);
	rc = services_start(d);
	if (rc) {
		stop(d); /* what started is closed; the loop below finishes */
		goto out;
	}
	if (d->joined) {
		dial_static(d);
		if (cfg->mdns)
			mdns_start(d);
	} else {
		log_warnx(NOT_JOINED);
	}
	ready(d);
	uv_run(&d->loop, UV_RUN_DEFAULT);
out:
	if (d->loop_open) {
		/* after a stop nothing is left; after a failed start, the
		 * closes made on the way out finish here */
		uv_run(&d->loop, UV_RUN_DEFAULT);
		closed = uv_loop_close(&d->loop);
		if (closed)
			log_warnx("event loop did not close cleanly: %s",
				  uv_strerror(closed));
		if (!rc)
			rc = closed;
	}
	if (d->lockfd >= 0)
		close(d->lockfd);
	crdt_wipe(d->community, sizeof d->community);
	free(d);
	return rc;
}
