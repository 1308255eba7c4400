#include <signal.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "peers.h"
#include "sync.h"

struct once {
	uv_loop_t loop;
	uv_timer_t timer;
	uv_connect_t req;
	struct net_session *s;
	struct peer_sync_result *res;
	const char *addr;
	struct crdt_replica *r;
	const uint8_t *community;
	int done;
};

static void once_close(struct net_session *s, int err)
{
	struct once *o = net_session_data(s);

	o->res->st = *net_session_stats(s);
	o->res->err = err;
	if (net_session_peer(s)) {
		memcpy(o->res->peer, net_session_peer(s), 32);
		o->res->have_peer = 1;
	}
	o->s = NULL;
	o->done = 1;
	uv_timer_stop(&o->timer);
	uv_close((uv_handle_t *)&o->timer, NULL);
}

static int once_ready(struct net_session *s)
{
	struct once *o = net_session_data(s);

	if (crdt_equal(net_session_peer(s), o->r->id.pk, 32)) {
		log_warnx("%s is this node itself", o->addr);
		return 1;
	}
	return 0;
}

static void once_timeout(uv_timer_t *t)
{
	struct once *o = t->data;

	if (o->s)
		net_session_close(o->s, UV_ETIMEDOUT);
}

/* The close callback of a session's TCP handle that never started. */
static void once_unstarted(uv_handle_t *h)
{
	net_session_close(h->data, 0);
}

/* The connection failed (err): free the session, end the loop. */
static void once_fail(struct once *o, int err)
{
	o->res->err = err;
	net_session_tcp(o->s)->data = o->s;
	uv_close((uv_handle_t *)net_session_tcp(o->s), once_unstarted);
	o->s = NULL;
	uv_close((uv_handle_t *)&o->timer, NULL);
}

static void once_connected(uv_connect_t *req, int status)
{
	struct once *o = req->data;
	struct net_session_cfg cfg;

	if (status < 0) {
		once_fail(o, status);
		return;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.replica = o->r;
	cfg.me = &o->r->id;
	cfg.community = o->community;
	cfg.cb.on_ready = once_ready;
	cfg.cb.on_close = once_close;
	cfg.data = o;
	cfg.one_shot = 1;
	net_session_start(o->s, &cfg, 1, o->addr);
}

int peer_sync_once(struct crdt_replica *r, const uint8_t community[32],
		   const char *addr, unsigned timeout_ms,
		   struct peer_sync_result *res)
{
	struct sockaddr_storage sa;
	struct once o;
	int rc;

	memset(res, 0, sizeof *res);
	memset(&o, 0, sizeof o);
	signal(SIGPIPE, SIG_IGN);
	rc = peer_parse_addr(addr, &sa, PEER_DEFAULT_PORT);
	if (rc)
		return rc;
	o.res = res;
	o.addr = addr;
	o.r = r;
	uv_loop_init(&o.loop);
	o.community = community;
	uv_timer_init(&o.loop, &o.timer);
	o.timer.data = &o;
	uv_timer_start(&o.timer, once_timeout, timeout_ms, 0);
	o.s = net_session_alloc();
	if (!o.s) {
		uv_close((uv_handle_t *)&o.timer, NULL);
		uv_run(&o.loop, UV_RUN_DEFAULT);
		uv_loop_close(&o.loop);
		return KITH_ENOMEM;
	}
	uv_tcp_init(&o.loop, net_session_tcp(o.s));
	o.req.data = &o;
	rc = uv_tcp_connect(&o.req, net_session_tcp(o.s), (struct sockaddr *)&sa,
			    once_connected);
	if (rc)
		once_fail(&o, rc);
	uv_run(&o.loop, UV_RUN_DEFAULT);
	rc = uv_loop_close(&o.loop);
	if (peer_db_result(r->store, addr, res->have_peer ? res->peer : NULL,
			   res->st.sent, res->st.received,
			   res->err ? kith_strerror(res->err) : NULL,
			   (int64_t)time(NULL)))
		log_warnx("cannot record peer %s", addr);
	return res->err ? res->err : rc;
}
