#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/community.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "crdt/run.h"
#include "admit.h"
#include "frame.h"
#include "proto.h"
#include "recon.h"
#include "session.h"
#include "shs.h"

#define CHUNK_CHANGES 256      /* changes per RUN entry */
/* CHANGES payload we aim for: a session starts small, so a flaky link that
 * breaks every few hundred kilobytes still gets whole frames (applied)
 * through, and doubles the size with every acknowledged frame up to
 * FRAME_TARGET_MAX (fewer commits, each an fsync, on a good link) */
#define FRAME_TARGET_MIN (64u << 10)
#define FRAME_TARGET_MAX (512u << 10)
#define MAX_SENDS (1u << 24)
#define NET_MAX_RESENDS 8

enum state { S_HANDSHAKE, S_RECON, S_LIVE, S_CLOSING };

struct net_session {
	uv_tcp_t tcp; /* first: the handle's memory is the session's */
	uv_timer_t timer;
	uv_shutdown_t shutdown;
	struct net_session_cfg cfg;
	enum state state;
	int dialer;
	int handles; /* open handles; freed when it drops to 0 */
	int err;
	char addr[64];

	/* handshake */
	struct net_shs shs;
	uint8_t hs[NET_SHS_MSG3];
	size_t hslen;
	int hs_step;
	uint64_t started_ms;

	/* framing */
	struct net_frame_tx tx;
	struct net_frame_rx rx;
	int have_peer;
	uint8_t peer[CRDT_PK_LEN];
	uint64_t last_rx_ms, last_tx_ms;

	/* reconciliation and sending */
	struct net_recon recon;
	struct crdt_vector snap;     /* our vector at HELLO, for recon */
	struct crdt_vector believed; /* what we think the peer holds */
	struct net_recon_send *q;    /* queued sends */
	size_t qhead, qlen, qcap;
	int recon_done, sent_synced, peer_synced, synced_reported;
	int resends; /* RESEND asked or answered, bounded */
	int resends_waiting; /* RESEND we sent, RESENT not yet back */
	int resent_owed;     /* RESEND we answer: RESENT once sent */
	size_t frame_target; /* grows with acknowledged frames */
	struct crdt_buf payload;
	struct net_session_stats st;
};

struct wreq {
	uv_write_t req;
	struct net_session *s;
	size_t len;
	uint8_t data[];
};

static uint64_t now_ms(struct net_session *s)
{
	return uv_now(s->tcp.loop);
}

struct net_session *net_session_alloc(void)
{
	struct net_session *s = calloc(1, sizeof *s);

	return s;
}

uv_tcp_t *net_session_tcp(struct net_session *s)
{
	return &s->tcp;
}

const uint8_t *net_session_peer(const struct net_session *s)
{
	return s->have_peer ? s->peer : NULL;
}

int net_session_dialer(const struct net_session *s)
{
	return s->dialer;
}

int net_session_synced(const struct net_session *s)
{
	return s->synced_reported;
}

const char *net_session_addr(const struct net_session *s)
{
	return s->addr;
}

const struct net_session_stats *net_session_stats(const struct net_session *s)
{
	return &s->st;
}

void *net_session_data(const struct net_session *s)
{
	return s->cfg.data;
}

/* ---- teardown ---------------------------------------------------------- */

static void session_free(struct net_session *s)
{
	if (s->cfg.cb.on_close)
		s->cfg.cb.on_close(s, s->err);
	net_shs_release(&s->shs);
	net_frame_tx_release(&s->tx);
	net_frame_rx_release(&s->rx);
	net_recon_release(&s->recon);
	crdt_vector_release(&s->snap);
	crdt_vector_release(&s->believed);
	crdt_buf_release(&s->payload);
	free(s->q);
	free(s);
}

static void on_handle_closed(uv_handle_t *h)
{
	struct net_session *s = h->data;

	if (--s->handles == 0)
		session_free(s);
}

void net_session_close(struct net_session *s, int err)
{
	if (s->state == S_CLOSING)
		return;
	s->state = S_CLOSING;
	s->err = err;
	if (!s->handles) { /* never started */
		session_free(s);
		return;
	}
	if (!uv_is_closing((uv_handle_t *)&s->timer))
		uv_close((uv_handle_t *)&s->timer, on_handle_closed);
	if (!uv_is_closing((uv_handle_t *)&s->tcp))
		uv_close((uv_handle_t *)&s->tcp, on_handle_closed);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct net_session *s = req->data;

	(void)status;
	if (!uv_is_closing((uv_handle_t *)&s->timer))
		uv_close((uv_handle_t *)&s->timer, on_handle_closed);
	if (!uv_is_closing((uv_handle_t *)&s->tcp))
		uv_close((uv_handle_t *)&s->tcp, on_handle_closed);
}

/* Close after what we wrote (a BYE) has gone out. */
static void shutdown_gracefully(struct net_session *s)
{
	if (s->state == S_CLOSING)
		return;
	s->state = S_CLOSING;
	s->err = 0;
	uv_read_stop((uv_stream_t *)&s->tcp);
	s->shutdown.data = s;
	if (uv_shutdown(&s->shutdown, (uv_stream_t *)&s->tcp, on_shutdown))
		on_shutdown(&s->shutdown, 0);
}

static void fail(struct net_session *s, int err, const char *why)
{
	if (s->state == S_CLOSING)
		return;
	/* before the handshake is done anyone can make us fail: the caller
	 * may want that quieter */
	if (s->state != S_HANDSHAKE || !s->cfg.hs_log ||
	    net_loglimit_take(s->cfg.hs_log, now_ms(s)))
		log_warnx("session %s: %s%s%s", s->addr, why,
			  err ? ": " : "", err ? kith_strerror(err) : "");
	net_session_close(s, err ? err : KITH_EDENIED);
}

/* ---- writing ----------------------------------------------------------- */

static void on_written(uv_write_t *req, int status)
{
	struct wreq *w = (struct wreq *)req;
	struct net_session *s = w->s;

	free(w);
	if (s->state == S_CLOSING)
		return;
	if (status < 0) {
		fail(s, status, "write failed");
		return;
	}
	net_session_push(s); /* room again: continue sending */
}

static int write_raw(struct net_session *s, const uint8_t *p, size_t n)
{
	struct wreq *w;
	uv_buf_t b;
	int rc;

	if (s->state == S_CLOSING)
		return KITH_EIO;
	w = malloc(sizeof *w + n);
	if (!w)
		return KITH_ENOMEM;
	w->s = s;
	w->len = n;
	memcpy(w->data, p, n);
	b = uv_buf_init((char *)w->data, (unsigned)n);
	rc = uv_write(&w->req, (uv_stream_t *)&s->tcp, &b, 1, on_written);
	if (rc) {
		free(w);
		return rc;
	}
	s->st.bytes_out += n;
	s->last_tx_ms = now_ms(s);
	return 0;
}

static int send_frame(struct net_session *s, uint8_t type, const void *p,
		      size_t n)
{
	struct crdt_buf out;
	int rc;

	crdt_buf_init(&out, n + NET_FRAME_OVERHEAD + 1);
	rc = net_frame_seal(&s->tx, type, p, n, &out);
	if (!rc)
		rc = write_raw(s, out.data, out.len);
	crdt_buf_release(&out);
	return rc;
}

static int send_varint(struct net_session *s, uint8_t type, uint64_t v)
{
	uint8_t tmp[16];
	struct crdt_buf b = { tmp, 0, sizeof tmp, sizeof tmp };
	int rc = crdt_buf_put_varint(&b, v);

	return rc ? rc : send_frame(s, type, tmp, b.len);
}

/* ---- believed peer vector ---------------------------------------------- */

static struct crdt_vv_entry *vv_find(struct crdt_vector *vv,
				     const uint8_t pk[32], size_t *pos)
{
	size_t lo = 0, hi = vv->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		/* public keys, ordered: not a secret comparison */
		int c = memcmp(vv->v[mid].pk, pk, CRDT_PK_LEN);

		if (!c)
			return &vv->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return NULL;
}

static int vv_raise(struct crdt_vector *vv, const uint8_t pk[32], uint64_t seq)
{
	size_t pos = 0;
	struct crdt_vv_entry *e = vv_find(vv, pk, &pos), *p;

	if (e) {
		if (seq > e->seq)
			e->seq = seq;
		return 0;
	}
	p = realloc(vv->v, (vv->n + 1) * sizeof *p);
	if (!p)
		return KITH_ENOMEM;
	vv->v = p;
	memmove(&p[pos + 1], &p[pos], (vv->n - pos) * sizeof *p);
	memcpy(p[pos].pk, pk, CRDT_PK_LEN);
	p[pos].seq = seq;
	vv->n++;
	return 0;
}

static int enqueue(struct net_session *s, const uint8_t pk[32], uint64_t from,
		   uint64_t to)
{
	if (s->qhead == s->qlen)
		s->qhead = s->qlen = 0;
	if (s->qlen == s->qcap) {
		size_t cap = s->qcap ? s->qcap * 2 : 64;
		struct net_recon_send *p;

		if (cap > MAX_SENDS)
			return KITH_ETOOBIG;
		p = realloc(s->q, cap * sizeof *p);
		if (!p)
			return KITH_ENOMEM;
		s->q = p;
		s->qcap = cap;
	}
	memcpy(s->q[s->qlen].pk, pk, CRDT_PK_LEN);
	s->q[s->qlen].from = from;
	s->q[s->qlen].to = to;
	s->qlen++;
	return vv_raise(&s->believed, pk, to);
}

/* Urgent first on short contacts: queued runs of authors holding open
 * critical/urgent wishes or need-help check-ins move to the front (stable,
 * so each author's runs keep their order). */
static int urgent_first(struct net_session *s)
{
	struct crdt_vector urgent;
	struct net_recon_send *tmp = NULL;
	size_t n = s->qlen - s->qhead, i, k = 0, pass;
	int rc;

	if (n < 2)
		return 0;
	rc = crdt_urgent_authors(s->cfg.replica->store, &urgent);
	if (rc || !urgent.n)
		goto out;
	tmp = malloc(n * sizeof *tmp);
	if (!tmp) {
		rc = KITH_ENOMEM;
		goto out;
	}
	for (pass = 0; pass < 2; pass++)
		for (i = s->qhead; i < s->qlen; i++)
			if ((crdt_vector_get(&urgent, s->q[i].pk) != 0) ==
			    (pass == 0))
				tmp[k++] = s->q[i];
	memcpy(&s->q[s->qhead], tmp, n * sizeof *tmp);
out:
	free(tmp);
	crdt_vector_release(&urgent);
	return rc;
}

static int take_recon_sends(struct net_session *s)
{
	struct net_recon_send tmp[64];
	size_t n, i, before = s->qlen - s->qhead;
	int rc = 0;

	do {
		n = net_recon_take_sends(&s->recon, tmp, 64);
		for (i = 0; !rc && i < n; i++)
			rc = enqueue(s, tmp[i].pk, tmp[i].from, tmp[i].to);
	} while (!rc && n);
	if (!rc && s->qlen - s->qhead != before)
		rc = urgent_first(s);
	return rc;
}

/* ---- sending changes ---------------------------------------------------- */

static int payload_put(void *ctx, const void *p, size_t n)
{
	return crdt_buf_put(ctx, p, n);
}

/* Where the next RUN of q ends, given that fit changes from q->from fit
 * the frame: at most CHUNK_CHANGES of them if that can end well, else
 * further (as few as can); 0 if none of them can end the run.  The
 * receiver checks a run by the change it ends with, so it must be one
 * whose own signature is good, or the end of what q asks for. */
static uint64_t run_end(struct net_session *s, const struct net_recon_send *q,
			uint64_t fit)
{
	struct crdt_store *st = s->cfg.replica->store;
	uint64_t last = q->from + fit - 1, t;

	if (!fit)
		return 0;
	t = fit < CHUNK_CHANGES ? last : q->from + CHUNK_CHANGES - 1;
	for (;; t--) {
		if (t == q->to || crdt_runs_sig_ok(st, q->pk, t))
			return t;
		if (t == q->from)
			break;
	}
	for (t = q->from + CHUNK_CHANGES; t <= last; t++)
		if (t == q->to || crdt_runs_sig_ok(st, q->pk, t))
			return t;
	return 0;
}

/*
 * Fill one CHANGES frame from the queue; 0 and *n = 0 when empty.  Runs are
 * cut by count and by bytes: a frame holds what fits its target (the
 * first run of a frame, at worst what fits NET_FRAME_MAX), so many big
 * changes of one author never make a frame the receiver must refuse.  The
 * wire is unchanged: runs are only shorter.
 */
static int build_changes(struct net_session *s, uint64_t *n)
{
	struct crdt_store *st = s->cfg.replica->store;
	struct crdt_sink k = { payload_put, &s->payload };
	int rc = 0;

	*n = 0;
	crdt_buf_reset(&s->payload);
	while (!rc && s->qhead < s->qlen && s->payload.len < s->frame_target) {
		struct net_recon_send *q = &s->q[s->qhead];
		size_t hard = NET_FRAME_MAX - CRDT_RUN_END_MAX - s->payload.len;
		size_t soft = s->frame_target - s->payload.len;
		uint64_t max = q->to - q->from + 1, fit = 0, to;

		if (max > 2 * CHUNK_CHANGES)
			max = 2 * CHUNK_CHANGES;
		rc = crdt_runs_fit(st, q->pk, q->from, max,
				   soft < hard ? soft : hard, &fit);
		to = rc ? 0 : run_end(s, q, fit);
		if (!rc && !to && !s->payload.len && soft < hard) {
			rc = crdt_runs_fit(st, q->pk, q->from, max, hard, &fit);
			to = rc ? 0 : run_end(s, q, fit);
		}
		if (rc == KITH_ENOTFOUND) { /* no longer held (a fork) */
			s->qhead++;
			rc = 0;
			continue;
		}
		if (rc)
			break;
		if (!to && s->payload.len)
			break; /* the frame is full: the run starts the next */
		if (!to && fit) {
			/* no good signature to end on within a frame (a store
			 * from before sig_ok was kept): the receiver checks
			 * each change then */
			to = q->from + fit - 1;
		} else if (!to) {
			/* one change alone passes NET_FRAME_MAX (only a
			 * hostile member signs one: CRDT_MAX_BODY allows
			 * it): no session can carry it, nor what follows it
			 * in the author's log; bundles can */
			char h[17];

			crdt_hex(h, q->pk, 8);
			log_warnx("session %s: change %llu of %s is too big "
				  "for a session; it and the rest of that log "
				  "go by bundle only",
				  s->addr, (unsigned long long)q->from, h);
			s->qhead++;
			continue;
		}
		rc = crdt_runs_write(st, q->pk, q->from, to, &k);
		if (rc == KITH_ENOTFOUND) {
			s->qhead++;
			rc = 0;
			continue;
		}
		if (rc)
			break;
		*n += to - q->from + 1;
		q->from = to + 1;
		if (q->from > q->to)
			s->qhead++;
	}
	if (!rc && *n)
		rc = crdt_runs_end(&k, *n);
	return rc;
}

static void maybe_synced(struct net_session *s)
{
	if (s->synced_reported || !s->sent_synced || !s->peer_synced)
		return;
	s->synced_reported = 1;
	if (s->cfg.cb.on_synced)
		s->cfg.cb.on_synced(s);
}

static void maybe_finish(struct net_session *s)
{
	if (s->cfg.one_shot && s->dialer && s->synced_reported &&
	    s->st.acked >= s->st.sent && s->qhead == s->qlen &&
	    !s->resends_waiting && s->state == S_LIVE) {
		(void)send_varint(s, NET_MSG_BYE, 0);
		shutdown_gracefully(s);
	}
}

void net_session_push(struct net_session *s)
{
	int rc = 0;

	if (s->state != S_LIVE)
		return;
	if (s->sent_synced && s->qhead == s->qlen) {
		/* live: look for what changed since we last looked */
		struct crdt_vector cur;
		size_t i, pos;

		rc = crdt_vector_load(s->cfg.replica->store, &cur);
		for (i = 0; !rc && i < cur.n; i++) {
			struct crdt_vv_entry *b =
				vv_find(&s->believed, cur.v[i].pk, &pos);
			uint64_t have = b ? b->seq : 0;

			if (cur.v[i].seq > have)
				rc = enqueue(s, cur.v[i].pk, have + 1,
					     cur.v[i].seq);
		}
		crdt_vector_release(&cur);
	}
	while (!rc && s->state == S_LIVE &&
	       uv_stream_get_write_queue_size((uv_stream_t *)&s->tcp) <
		       NET_SESSION_HIGH_WATER) {
		uint64_t n;

		rc = build_changes(s, &n);
		if (rc || !n)
			break;
		rc = send_frame(s, NET_MSG_CHANGES, s->payload.data,
				s->payload.len);
		s->st.sent += n;
		s->st.payload_out += s->payload.len;
	}
	if (rc) {
		fail(s, rc, "cannot send changes");
		return;
	}
	if (s->resent_owed && s->qhead == s->qlen) {
		for (; s->resent_owed > 0 && !rc; s->resent_owed--)
			rc = send_frame(s, NET_MSG_RESENT, NULL, 0);
		if (rc) {
			fail(s, rc, "cannot send");
			return;
		}
	}
	if (s->recon_done && !s->sent_synced && s->qhead == s->qlen) {
		s->sent_synced = 1;
		rc = send_varint(s, NET_MSG_SYNCED, s->st.sent);
		if (rc) {
			fail(s, rc, "cannot send");
			return;
		}
	}
	maybe_synced(s);
	maybe_finish(s);
}

/* ---- receiving ---------------------------------------------------------- */

static void on_run(void *ctx, const uint8_t pk[32], uint64_t first,
		   uint64_t count)
{
	struct net_session *s = ctx;

	/* the peer holds these now: never send them back */
	if (vv_raise(&s->believed, pk, first + count - 1))
		s->err = KITH_ENOMEM;
}

/* Our log of pk from seq `from` to our head goes to the peer. */
static int send_log_from(struct net_session *s, const uint8_t pk[32],
			 uint64_t from)
{
	struct crdt_author a;
	int rc = crdt_store_author(s->cfg.replica->store, pk, 0, &a);

	if (rc || !a.n || a.head < from)
		return rc;
	return enqueue(s, pk, from, a.head);
}

static int handle_changes(struct net_session *s, const uint8_t *p, size_t n)
{
	struct crdt_apply_stats st;
	uint8_t msg[CRDT_PK_LEN + 1];
	int rc;

	memset(&st, 0, sizeof st);
	rc = crdt_runs_apply(s->cfg.replica, p, n, 1, &st, on_run, s);
	if (rc == KITH_ESIG) {
		fail(s, rc, "peer sent changes with bad signatures; nothing of "
			    "that frame was kept, session dropped");
		return rc;
	}
	if (rc == KITH_EDECODE) {
		fail(s, rc, "peer sent a malformed CHANGES frame; nothing of it "
			    "was applied");
		return rc;
	}
	if (rc) {
		fail(s, rc, "cannot apply changes");
		return rc;
	}
	s->st.received += st.applied + st.duplicate + st.held + st.forked +
			  st.superseded + st.unchained;
	s->st.applied += st.applied;
	s->st.duplicate += st.duplicate;
	if (st.has_unchained && s->resends < NET_MAX_RESENDS) {
		/* a copied identity: ask for the whole log so the fork can be
		 * judged here (crdt/apply.h) */
		char h[17];

		crdt_hex(h, st.unchained_pk, 8);
		log_warnx("session %s: %s's log has two branches (a copied "
			  "identity?); asking for all of it",
			  s->addr, h);
		memcpy(msg, st.unchained_pk, CRDT_PK_LEN);
		msg[CRDT_PK_LEN] = 1; /* from seq 1 */
		s->resends++;
		s->resends_waiting++;
		rc = send_frame(s, NET_MSG_RESEND, msg, sizeof msg);
	}
	if (!rc && st.has_fork_won)
		rc = send_log_from(s, st.fork_pk, st.fork_seq);
	if (!rc && st.has_fork_won) /* before our ACK can end a one-shot */
		net_session_push(s);
	if (!rc)
		rc = send_varint(s, NET_MSG_ACK, s->st.received);
	if (rc) {
		fail(s, rc, "cannot send");
		return rc;
	}
	if (st.applied && s->cfg.cb.on_applied)
		s->cfg.cb.on_applied(s);
	return 0;
}

static int read_varint(const uint8_t *p, size_t n, uint64_t *v)
{
	struct crdt_rd r;

	crdt_rd_init(&r, p, n);
	*v = crdt_rd_varint(&r);
	return r.err || crdt_rd_left(&r) ? KITH_EDECODE : 0;
}

static void handle_frame(struct net_session *s, uint8_t type, const uint8_t *p,
			 size_t n)
{
	struct crdt_buf out;
	uint64_t v;
	int rc = 0, out_type = 0;

	switch (type) {
	case NET_MSG_HELLO:
	case NET_MSG_RECON1:
	case NET_MSG_RECON2:
	case NET_MSG_RECON3:
	case NET_MSG_RECON4:
		if (s->recon_done && type != NET_MSG_HELLO) {
			fail(s, KITH_EDECODE, "unexpected reconciliation message");
			return;
		}
		crdt_buf_init(&out, NET_RECON_MAX_MSG);
		rc = net_recon_recv(&s->recon, type, p, n, &out_type, &out);
		if (!rc && out_type)
			rc = send_frame(s, (uint8_t)out_type, out.data, out.len);
		crdt_buf_release(&out);
		if (!rc)
			rc = take_recon_sends(s);
		if (rc) {
			fail(s, rc, "reconciliation failed");
			return;
		}
		if (net_recon_done(&s->recon) && !s->recon_done) {
			s->recon_done = 1;
			s->st.recon_rounds = s->recon.rounds;
		}
		net_session_push(s);
		return;
	case NET_MSG_CHANGES:
		if (handle_changes(s, p, n) == 0)
			maybe_finish(s);
		return;
	case NET_MSG_ACK:
		if (read_varint(p, n, &v) || v > s->st.sent) {
			fail(s, KITH_EDECODE, "bad ACK");
			return;
		}
		if (v > s->st.acked && s->frame_target < FRAME_TARGET_MAX)
			s->frame_target *= 2; /* the link carries whole frames */
		s->st.acked = v;
		maybe_finish(s);
		return;
	case NET_MSG_SYNCED:
		if (read_varint(p, n, &v) || s->peer_synced) {
			fail(s, KITH_EDECODE, "bad SYNCED");
			return;
		}
		s->peer_synced = 1;
		maybe_synced(s);
		maybe_finish(s);
		return;
	case NET_MSG_RESEND: {
		struct crdt_rd r;
		const uint8_t *pk;

		crdt_rd_init(&r, p, n);
		pk = crdt_rd_bytes(&r, CRDT_PK_LEN);
		v = crdt_rd_varint(&r);
		if (r.err || crdt_rd_left(&r) || !pk || v < 1 ||
		    ++s->resends > 4 * NET_MAX_RESENDS) {
			fail(s, KITH_EDECODE, "bad RESEND");
			return;
		}
		if (send_log_from(s, pk, v)) {
			fail(s, KITH_EIO, "cannot read the log to resend");
			return;
		}
		s->resent_owed++;
		net_session_push(s);
		return;
	}
	case NET_MSG_RESENT:
		if (s->resends_waiting > 0)
			s->resends_waiting--;
		maybe_finish(s);
		return;
	case NET_MSG_PING:
		if (send_frame(s, NET_MSG_PONG, NULL, 0))
			fail(s, KITH_EIO, "cannot send");
		return;
	case NET_MSG_PONG:
		return;
	case NET_MSG_BYE:
		log_debug("session %s: peer said goodbye", s->addr);
		shutdown_gracefully(s);
		return;
	default:
		fail(s, KITH_EDECODE, "unknown frame type");
	}
}

static void start_framing(struct net_session *s, const struct net_shs_result *res)
{
	uint8_t header[CRDT_STREAM_HEADER_LEN];
	struct crdt_buf hello;
	int rc;

	memcpy(s->peer, res->peer_pk, CRDT_PK_LEN);
	s->have_peer = 1;
	rc = net_frame_tx_init(&s->tx, res->tx_key, header);
	if (!rc)
		rc = net_frame_rx_init(&s->rx, res->rx_key);
	if (rc) {
		fail(s, rc, "cannot start encryption");
		return;
	}
	if (s->cfg.cb.on_ready && s->cfg.cb.on_ready(s)) {
		net_session_close(s, KITH_EEXISTS);
		return;
	}
	s->state = S_RECON;
	rc = crdt_vector_load(s->cfg.replica->store, &s->snap);
	if (!rc)
		rc = crdt_vector_load(s->cfg.replica->store, &s->believed);
	if (rc) {
		fail(s, rc, "cannot read the replica");
		return;
	}
	net_recon_init(&s->recon, s->dialer, &s->snap);
	crdt_buf_init(&hello, 256);
	rc = write_raw(s, header, sizeof header);
	if (!rc)
		rc = net_recon_hello(&s->recon, &hello);
	if (!rc)
		rc = send_frame(s, NET_MSG_HELLO, hello.data, hello.len);
	crdt_buf_release(&hello);
	if (rc)
		fail(s, rc, "cannot send");
	else
		s->state = S_LIVE;
}

/* Handshake bytes; returns how many of p were used. */
static size_t handshake_input(struct net_session *s, const uint8_t *p, size_t n)
{
	static const size_t want_client[] = { NET_SHS_MSG2, NET_SHS_MSG4 };
	static const size_t want_server[] = { NET_SHS_MSG1, NET_SHS_MSG3 };
	struct net_shs_result res;
	uint8_t out[NET_SHS_MSG4];
	int step = s->hs_step;
	size_t want = s->dialer ? want_client[step] : want_server[step];
	size_t k = want - s->hslen < n ? want - s->hslen : n;
	int rc;

	memcpy(s->hs + s->hslen, p, k);
	s->hslen += k;
	if (s->hslen < want)
		return k;
	s->hslen = 0;
	s->hs_step++;
	memset(&res, 0, sizeof res);
	if (s->dialer && step == 0) {
		rc = net_shs_client_auth(&s->shs, s->hs, out);
		if (!rc)
			rc = write_raw(s, out, NET_SHS_MSG3);
		if (!rc && s->cfg.cb.on_hello)
			s->cfg.cb.on_hello(s);
	} else if (s->dialer) {
		rc = net_shs_client_finish(&s->shs, s->hs, &res);
	} else if (step == 0) {
		rc = net_shs_server_hello(&s->shs, s->hs, out);
		if (!rc)
			rc = write_raw(s, out, NET_SHS_MSG2);
		if (!rc && s->cfg.cb.on_hello)
			s->cfg.cb.on_hello(s);
	} else {
		rc = net_shs_server_accept(&s->shs, s->hs, out, &res);
		if (!rc)
			rc = write_raw(s, out, NET_SHS_MSG4);
	}
	if (rc) {
		fail(s, rc, rc == KITH_EDENIED
				    ? "handshake failed (not of our community, or "
				      "tampered)"
				    : "handshake failed");
		return n;
	}
	if (s->hs_step == 2) {
		net_shs_release(&s->shs);
		start_framing(s, &res);
		crdt_wipe(&res, sizeof res);
	}
	return k;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	(void)suggested;
	buf->base = malloc(65536);
	buf->len = buf->base ? 65536 : 0;
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct net_session *s = stream->data;
	const uint8_t *p = (const uint8_t *)buf->base;
	size_t n = nread > 0 ? (size_t)nread : 0;

	if (nread < 0) {
		if (s->state != S_CLOSING) {
			if (nread == UV_EOF && s->state == S_LIVE &&
			    s->synced_reported)
				net_session_close(s, 0);
			else
				fail(s, (int)nread, "connection lost");
		}
		goto out;
	}
	s->st.bytes_in += n;
	/* quiet means no whole frame: bytes that never complete one (a
	 * corrupted length) must not keep a deaf session alive */
	if (s->state == S_HANDSHAKE)
		s->last_rx_ms = now_ms(s);
	while (n && s->state == S_HANDSHAKE) {
		size_t k = handshake_input(s, p, n);

		p += k;
		n -= k;
	}
	while (n && (s->state == S_LIVE || s->state == S_RECON)) {
		size_t room = s->rx.in.limit - s->rx.in.len;
		size_t k = n < room ? n : room;
		uint8_t type;
		const uint8_t *payload;
		size_t len;
		int rc = net_frame_feed(&s->rx, p, k);

		p += k;
		n -= k;
		while (!rc && s->state != S_CLOSING) {
			rc = net_frame_next(&s->rx, &type, &payload, &len);
			if (rc <= 0)
				break;
			rc = 0;
			s->last_rx_ms = now_ms(s);
			handle_frame(s, type, payload, len);
		}
		if (rc < 0) {
			fail(s, rc, rc == KITH_ETOOBIG
					    ? "peer sent an oversized frame"
					    : "peer sent a forged, replayed or "
					      "garbled frame");
			break;
		}
	}
out:
	free(buf->base);
}

static void on_tick(uv_timer_t *t)
{
	struct net_session *s = t->data;
	uint64_t now = now_ms(s);

	if (s->state == S_CLOSING)
		return;
	if (s->state == S_HANDSHAKE && now - s->started_ms > s->cfg.handshake_ms) {
		fail(s, UV_ETIMEDOUT, "handshake timed out");
		return;
	}
	if (now - s->last_rx_ms > NET_IDLE_TIMEOUT_MS) {
		fail(s, UV_ETIMEDOUT, "peer went quiet");
		return;
	}
	if (s->state == S_LIVE && now - s->last_tx_ms > NET_PING_MS &&
	    send_frame(s, NET_MSG_PING, NULL, 0))
		fail(s, KITH_EIO, "cannot send");
}

void net_session_start(struct net_session *s, const struct net_session_cfg *cfg,
		       int dialer, const char *addr)
{
	uint8_t seed[32];
	int rc;

	s->cfg = *cfg;
	if (!s->cfg.handshake_ms)
		s->cfg.handshake_ms = NET_HANDSHAKE_TIMEOUT_MS;
	s->dialer = dialer;
	s->state = S_HANDSHAKE;
	snprintf(s->addr, sizeof s->addr, "%s", addr ? addr : "?");
	s->frame_target = FRAME_TARGET_MIN;
	crdt_buf_init(&s->payload, NET_FRAME_MAX);
	s->tcp.data = s;
	s->handles = 1;
	uv_timer_init(s->tcp.loop, &s->timer);
	s->timer.data = s;
	s->handles++;
	s->started_ms = s->last_rx_ms = s->last_tx_ms = now_ms(s);
	uv_timer_start(&s->timer, on_tick, 1000, 1000);
	cfg->replica->env.random(cfg->replica->env.ctx, seed, sizeof seed);
	net_shs_init(&s->shs, dialer ? NET_SHS_CLIENT : NET_SHS_SERVER,
		     cfg->community, cfg->me, seed);
	crdt_wipe(seed, sizeof seed);
	uv_tcp_nodelay(&s->tcp, 1);
	rc = uv_read_start((uv_stream_t *)&s->tcp, on_alloc, on_read);
	if (!rc && dialer) {
		uint8_t m1[NET_SHS_MSG1];

		net_shs_client_hello(&s->shs, m1);
		rc = write_raw(s, m1, sizeof m1);
	}
	if (rc)
		fail(s, rc, "cannot start session");
}
