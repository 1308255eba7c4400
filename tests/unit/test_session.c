/*
 * test_session.c - sync sessions (net/session.h) over loopback TCP on one
 * libuv loop: two sessions shake hands, exchange what each side lacks and
 * end in order; a peer of another community is refused before anything is
 * exchanged; and a hand-driven peer (net/shs.h and net/frame.h spoken by
 * the test) that sends a garbage frame, an oversized frame, or stops or
 * hangs up half way through the handshake makes the session close with an
 * error and leave the replica as it was.
 *
 * Every loop is bounded by a guard timer (GUARD_MS); callbacks only record
 * what happened, the checks run after uv_run returned, and every test ends
 * with uv_loop_close() == 0.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "crdt/schema.h"
#include "net/frame.h"
#include "net/session.h"
#include "net/shs.h"
#include "tests/testlib.h"

#define GUARD_MS 15000

/* What the hand-driven peer does once it is connected. */
enum raw_mode {
	RAW_NONE,	  /* no raw peer: two real sessions */
	RAW_GARBAGE,	  /* handshake, then a frame of random ciphertext */
	RAW_OVERSIZE,	  /* handshake, then a frame length of 64 MiB */
	RAW_STOP,	  /* message 1, then silence */
	RAW_HANGUP,	  /* message 1, then close after message 2 */
};

struct side {
	struct net_session *s;
	int hello, ready, synced, applied, closed, err;
	uint8_t peer[CRDT_PK_LEN];
	struct net_session_stats st;
};

struct pair {
	uv_loop_t loop;
	uv_tcp_t listener;
	uv_timer_t guard;
	uv_connect_t creq;
	int timed_out;
	struct sockaddr_in addr;
	struct net_session_cfg dial_cfg, lis_cfg;
	struct side dial, lis;
	int want_dial; /* a real dialing session takes part */

	/* the hand-driven peer */
	enum raw_mode mode;
	uv_tcp_t raw;
	int raw_open, raw_closed;
	struct net_shs shs;
	struct crdt_identity raw_id;
	uint8_t in[NET_SHS_MSG4];
	size_t inlen;
	int raw_step; /* messages of the listener read so far */
};

/* ---- ending the loop ---------------------------------------------------- */

static void close_if_open(uv_handle_t *h)
{
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/* Everything that takes part has ended: stop listening and guarding. */
static void maybe_done(struct pair *p)
{
	if (!p->lis.closed || (p->want_dial && !p->dial.closed))
		return;
	if (p->raw_open && !p->raw_closed)
		return;
	close_if_open((uv_handle_t *)&p->listener);
	close_if_open((uv_handle_t *)&p->guard);
}

static void on_raw_closed(uv_handle_t *h)
{
	struct pair *p = h->data;

	p->raw_closed = 1;
	maybe_done(p);
}

static void raw_close(struct pair *p)
{
	if (p->raw_open && !uv_is_closing((uv_handle_t *)&p->raw))
		uv_close((uv_handle_t *)&p->raw, on_raw_closed);
}

static void on_guard(uv_timer_t *t)
{
	struct pair *p = t->data;

	p->timed_out = 1;
	if (p->dial.s && !p->dial.closed)
		net_session_close(p->dial.s, UV_ETIMEDOUT);
	if (p->lis.s && !p->lis.closed)
		net_session_close(p->lis.s, UV_ETIMEDOUT);
	raw_close(p);
	close_if_open((uv_handle_t *)&p->listener);
	close_if_open((uv_handle_t *)&p->guard);
}

/* ---- session callbacks -------------------------------------------------- */

static struct side *side_of(struct net_session *s)
{
	struct pair *p = net_session_data(s);

	return net_session_dialer(s) ? &p->dial : &p->lis;
}

static void cb_hello(struct net_session *s)
{
	side_of(s)->hello++;
}

static int cb_ready(struct net_session *s)
{
	struct side *d = side_of(s);
	const uint8_t *peer = net_session_peer(s);

	d->ready++;
	if (peer)
		memcpy(d->peer, peer, CRDT_PK_LEN);
	return 0;
}

static void cb_synced(struct net_session *s)
{
	side_of(s)->synced++;
}

static void cb_applied(struct net_session *s)
{
	side_of(s)->applied++;
}

static void cb_close(struct net_session *s, int err)
{
	struct pair *p = net_session_data(s);
	struct side *d = side_of(s);

	d->closed++;
	d->err = err;
	d->st = *net_session_stats(s);
	d->s = NULL;
	/* the raw peer hangs up once the session did */
	if (!net_session_dialer(s))
		raw_close(p);
	maybe_done(p);
}

static void cfg_init(struct net_session_cfg *cfg, struct crdt_replica *r,
		     const uint8_t *key, struct pair *p, int one_shot)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->replica = r;
	cfg->me = &r->id;
	cfg->community = key;
	cfg->cb.on_hello = cb_hello;
	cfg->cb.on_ready = cb_ready;
	cfg->cb.on_synced = cb_synced;
	cfg->cb.on_applied = cb_applied;
	cfg->cb.on_close = cb_close;
	cfg->data = p;
	cfg->one_shot = one_shot;
}

/* ---- the hand-driven peer ------------------------------------------------ */

struct wreq {
	uv_write_t req;
	size_t len;
	uint8_t data[];
};

static void on_raw_written(uv_write_t *req, int status)
{
	(void)status;
	free(req);
}

static void raw_send(struct pair *p, const void *data, size_t len)
{
	struct wreq *w = malloc(sizeof *w + len);
	uv_buf_t b;

	if (!w) {
		raw_close(p);
		return;
	}
	memcpy(w->data, data, len);
	w->len = len;
	b = uv_buf_init((char *)w->data, (unsigned)len);
	if (uv_write(&w->req, (uv_stream_t *)&p->raw, &b, 1, on_raw_written)) {
		free(w);
		raw_close(p);
	}
}

/* After the handshake: the stream header, then the mode's bad frame. */
static void raw_misbehave(struct pair *p, const struct net_shs_result *res)
{
	uint8_t header[CRDT_STREAM_HEADER_LEN], frame[4 + 100];
	struct net_frame_tx tx;
	uint32_t len;
	size_t i;

	if (net_frame_tx_init(&tx, res->tx_key, header)) {
		raw_close(p);
		return;
	}
	net_frame_tx_release(&tx);
	raw_send(p, header, sizeof header);
	len = p->mode == RAW_OVERSIZE ? 64u << 20 : 100;
	frame[0] = (uint8_t)(len >> 24);
	frame[1] = (uint8_t)(len >> 16);
	frame[2] = (uint8_t)(len >> 8);
	frame[3] = (uint8_t)len;
	for (i = 4; i < sizeof frame; i++)
		frame[i] = (uint8_t)(i * 37 + 11);
	raw_send(p, frame, p->mode == RAW_OVERSIZE ? 4 + 16 : sizeof frame);
}

static void raw_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	(void)suggested;
	buf->base = malloc(65536);
	buf->len = buf->base ? 65536 : 0;
}

/* The listener's handshake messages 2 and 4, then whatever it sends. */
static void raw_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct pair *p = stream->data;
	const uint8_t *q = (const uint8_t *)buf->base;
	size_t n = nread > 0 ? (size_t)nread : 0;

	if (nread < 0) {
		free(buf->base);
		raw_close(p);
		return;
	}
	while (n && p->raw_step < 2) {
		size_t want = p->raw_step == 0 ? NET_SHS_MSG2 : NET_SHS_MSG4;
		size_t k = want - p->inlen < n ? want - p->inlen : n;
		uint8_t out[NET_SHS_MSG3];
		struct net_shs_result res;

		memcpy(p->in + p->inlen, q, k);
		p->inlen += k;
		q += k;
		n -= k;
		if (p->inlen < want)
			break;
		p->inlen = 0;
		if (p->raw_step++ == 0) {
			if (p->mode == RAW_STOP)
				break; /* silence; the bytes are ignored */
			if (p->mode == RAW_HANGUP ||
			    net_shs_client_auth(&p->shs, p->in, out)) {
				raw_close(p);
				break;
			}
			raw_send(p, out, sizeof out);
		} else {
			if (net_shs_client_finish(&p->shs, p->in, &res)) {
				raw_close(p);
				break;
			}
			raw_misbehave(p, &res);
			crdt_wipe(&res, sizeof res);
		}
	}
	free(buf->base);
}

static void on_raw_connected(uv_connect_t *req, int status)
{
	struct pair *p = req->data;
	uint8_t m1[NET_SHS_MSG1];

	if (status < 0) {
		raw_close(p);
		return;
	}
	net_shs_client_hello(&p->shs, m1);
	raw_send(p, m1, sizeof m1);
	if (uv_read_start((uv_stream_t *)&p->raw, raw_alloc, raw_read))
		raw_close(p);
}

/* ---- listener and dialer ------------------------------------------------- */

/* A session whose handle was opened but never started: free it once the
 * handle is closed. */
static void close_unstarted(uv_handle_t *h)
{
	net_session_close(h->data, 0);
}

static void on_connection(uv_stream_t *server, int status)
{
	struct pair *p = server->data;
	struct net_session *s;
	uv_tcp_t *tcp;

	if (status < 0 || p->lis.s || p->lis.closed)
		return;
	s = net_session_alloc();
	if (!s)
		return;
	tcp = net_session_tcp(s);
	uv_tcp_init(&p->loop, tcp);
	if (uv_accept(server, (uv_stream_t *)tcp)) {
		tcp->data = s;
		uv_close((uv_handle_t *)tcp, close_unstarted);
		return;
	}
	p->lis.s = s;
	net_session_start(s, &p->lis_cfg, 0, "dialer");
}

static void on_dialed(uv_connect_t *req, int status)
{
	struct pair *p = req->data;

	if (status < 0) {
		struct net_session *s = p->dial.s;

		p->dial.closed = 1;
		p->dial.err = status;
		p->dial.s = NULL;
		net_session_tcp(s)->data = s;
		uv_close((uv_handle_t *)net_session_tcp(s), close_unstarted);
		maybe_done(p);
		return;
	}
	net_session_start(p->dial.s, &p->dial_cfg, 1, "listener");
}

/* Listen on 127.0.0.1 (a free port), arm the guard, connect the dialer
 * (a session, or the raw peer), run to the end, close the loop. */
static void run_pair(struct pair *p)
{
	struct sockaddr_storage ss;
	int len = sizeof ss;
	uv_tcp_t *tcp;

	TL_OK(uv_loop_init(&p->loop));
	TL_OK(uv_tcp_init(&p->loop, &p->listener));
	p->listener.data = p;
	uv_ip4_addr("127.0.0.1", 0, &p->addr);
	TL_OK(uv_tcp_bind(&p->listener, (struct sockaddr *)&p->addr, 0));
	TL_OK(uv_listen((uv_stream_t *)&p->listener, 4, on_connection));
	TL_OK(uv_tcp_getsockname(&p->listener, (struct sockaddr *)&ss, &len));
	memcpy(&p->addr, &ss, sizeof p->addr);
	TL_OK(uv_timer_init(&p->loop, &p->guard));
	p->guard.data = p;
	TL_OK(uv_timer_start(&p->guard, on_guard, GUARD_MS, 0));
	p->creq.data = p;
	if (p->mode == RAW_NONE) {
		p->want_dial = 1;
		p->dial.s = net_session_alloc();
		TL_CHECK(p->dial.s != NULL, "expected a session");
		tcp = net_session_tcp(p->dial.s);
		TL_OK(uv_tcp_init(&p->loop, tcp));
		TL_OK(uv_tcp_connect(&p->creq, tcp, (struct sockaddr *)&p->addr,
				     on_dialed));
	} else {
		TL_OK(uv_tcp_init(&p->loop, &p->raw));
		p->raw.data = p;
		p->raw_open = 1;
		TL_OK(uv_tcp_connect(&p->creq, &p->raw,
				     (struct sockaddr *)&p->addr,
				     on_raw_connected));
	}
	uv_run(&p->loop, UV_RUN_DEFAULT);
	TL_RC(uv_loop_close(&p->loop), 0);
	TL_CHECK(!p->timed_out, "expected the sessions to end within %d ms",
		 GUARD_MS);
}

static const uint8_t community[32] = { 0xc0, 0x11, 0x17 };

/* ---- two real sessions -------------------------------------------------- */

static void handshake_and_exchange(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_replica *a = tl_open(f, "a", 1);
	struct crdt_replica *b = tl_open(f, "b", 2);
	char da[65], db[65];
	struct pair *p = calloc(1, sizeof *p);

	TL_CHECK(p != NULL, "expected memory");
	tl_defer(f, free, p);
	TL_OK(tl_item(a, "Ladder", NULL));
	TL_OK(tl_item(a, "Drill", NULL));
	TL_OK(tl_wish(b, "Soup", NULL));
	TL_OK(tl_digest(a, da));
	TL_OK(tl_digest(b, db));
	TL_CHECK(strcmp(da, db), "expected different replicas before");
	cfg_init(&p->dial_cfg, a, community, p, 1);
	cfg_init(&p->lis_cfg, b, community, p, 0);
	run_pair(p);

	TL_EQ(p->dial.closed, 1, "the dialer closed once");
	TL_EQ(p->lis.closed, 1, "the listener closed once");
	TL_CHECK(p->dial.err == 0 && p->lis.err == 0,
		 "expected orderly ends, got dialer %d (%s), listener %d (%s)",
		 p->dial.err, kith_strerror(p->dial.err), p->lis.err,
		 kith_strerror(p->lis.err));
	TL_CHECK(p->dial.hello == 1 && p->lis.hello == 1,
		 "expected one hello each, got %d and %d", p->dial.hello,
		 p->lis.hello);
	TL_CHECK(p->dial.ready == 1 && p->lis.ready == 1,
		 "expected both sides ready once");
	TL_CHECK(!memcmp(p->dial.peer, b->id.pk, CRDT_PK_LEN) &&
			 !memcmp(p->lis.peer, a->id.pk, CRDT_PK_LEN),
		 "expected each side to learn the other's key");
	TL_CHECK(p->dial.synced == 1 && p->lis.synced == 1,
		 "expected both sides synced once, got %d and %d",
		 p->dial.synced, p->lis.synced);
	TL_EQ(p->dial.st.sent, 2, "changes the dialer sent");
	TL_EQ(p->dial.st.received, 1, "changes the dialer received");
	TL_EQ(p->lis.st.applied, 2, "changes the listener applied");
	TL_EQ(p->dial.st.acked, 2, "the dialer's changes acknowledged");
	TL_CHECK(p->dial.applied > 0 && p->lis.applied > 0,
		 "expected on_applied on both sides");
	TL_OK(tl_digest(a, da));
	TL_OK(tl_digest(b, db));
	TL_CHECK(!strcmp(da, db), "expected equal digests after the session");
}

/* n changes by a, each of nops claims on one wish with a CRDT_MAX_TEXT note
 * (what a hostile member can sign past the action layer), reach b by one
 * session: all of them, in frames under NET_FRAME_MAX. */
static void big_changes_sync(struct tl_fixture *f, int n, uint32_t nops,
			     int too_big)
{
	static char note[CRDT_MAX_TEXT + 1];
	static struct crdt_op ops[512];
	struct crdt_replica *a = tl_open(f, "a", 1);
	struct crdt_replica *b = tl_open(f, "b", 2);
	struct pair *p = calloc(1, sizeof *p);
	struct tl_rec wish;
	char da[65], db[65];
	uint32_t j;
	int i;

	TL_CHECK(p != NULL, "expected memory");
	tl_defer(f, free, p);
	TL_CHECK(nops <= 512, "the test holds 512 ops");
	memset(note, '<', CRDT_MAX_TEXT);
	TL_OK(tl_wish(a, "Firewood", &wish));
	for (i = 0; i < n; i++) {
		for (j = 0; j < nops; j++) {
			crdt_op_init(&ops[j], CRDT_OP_CREATE, CRDT_R_CLAIM);
			TL_OK(crdt_op_set_bytes(&ops[j], F_CLAIM_TARGET,
						wish.id, CRDT_ID_LEN));
			TL_OK(crdt_op_set_int(&ops[j], F_CLAIM_QUANTITY, 1));
			TL_OK(crdt_op_set_text(&ops[j], F_CLAIM_NOTE, note));
		}
		TL_OK(tl_commit(a, ops, nops, NULL));
	}
	cfg_init(&p->dial_cfg, a, community, p, 1);
	cfg_init(&p->lis_cfg, b, community, p, 0);
	run_pair(p);

	TL_CHECK(p->dial.err == 0 && p->lis.err == 0,
		 "expected orderly ends, got dialer %d (%s), listener %d (%s)",
		 p->dial.err, kith_strerror(p->dial.err), p->lis.err,
		 kith_strerror(p->lis.err));
	if (too_big) {
		/* what no frame can hold is left to bundles; the session still
		 * ends in order, with the rest sent */
		TL_EQ(p->dial.st.sent, 1, "changes the dialer sent");
		TL_EQ(p->lis.st.applied, 1, "changes the listener applied");
		return;
	}
	TL_EQ(p->dial.st.sent, (uint64_t)n + 1, "changes the dialer sent");
	TL_EQ(p->lis.st.applied, (uint64_t)n + 1,
	      "changes the listener applied");
	TL_EQ(p->dial.st.acked, (uint64_t)n + 1,
	      "the dialer's changes acknowledged");
	TL_CHECK(p->dial.st.bytes_out > (uint64_t)n * nops * CRDT_MAX_TEXT,
		 "expected every note on the wire, got %llu bytes",
		 (unsigned long long)p->dial.st.bytes_out);
	TL_OK(tl_digest(a, da));
	TL_OK(tl_digest(b, db));
	TL_CHECK(!strcmp(da, db), "expected equal digests after the session");
}

/* 300 changes of one author with 4 KB notes: 256 of them (one run as
 * sessions cut them before) pass NET_FRAME_MAX, and the sender failed for
 * ever with "data exceeds its size limit". */
static void many_big_changes(void **state)
{
	big_changes_sync(*state, 300, 1, 0);
}

/* Changes of about 400 KB: two fit a frame, not three, and one alone
 * passes the session's first frame target (64 KiB). */
static void huge_changes(void **state)
{
	big_changes_sync(*state, 7, 100, 0);
}

/* One change of 300 such claims (1.2 MB; CRDT_MAX_BODY allows 8 MiB) fits
 * no frame: the sender skips that author's log instead of failing the
 * session again and again. */
static void change_over_frame(void **state)
{
	big_changes_sync(*state, 1, 300, 1);
}

static void other_community_refused(void **state)
{
	static const uint8_t other[32] = { 0x07 };
	struct tl_fixture *f = *state;
	struct crdt_replica *a = tl_open(f, "a", 1);
	struct crdt_replica *b = tl_open(f, "b", 2);
	uint8_t before[CRDT_HASH_LEN], after[CRDT_HASH_LEN];
	struct pair *p = calloc(1, sizeof *p);

	TL_CHECK(p != NULL, "expected memory");
	tl_defer(f, free, p);
	TL_OK(tl_item(a, "Ladder", NULL));
	TL_OK(tl_state(b, TL_S_ALL, before));
	cfg_init(&p->dial_cfg, a, other, p, 1);
	cfg_init(&p->lis_cfg, b, community, p, 0);
	run_pair(p);

	TL_CHECK(p->dial.closed == 1 && p->lis.closed == 1,
		 "expected both sessions closed");
	TL_CHECK(p->lis.err != 0, "expected the listener to end with an error");
	TL_CHECK(p->dial.err != 0, "expected the dialer to end with an error");
	TL_EQ(p->lis.hello, 0, "the listener's hellos from another community");
	TL_CHECK(p->dial.ready == 0 && p->lis.ready == 0,
		 "expected no side ready");
	TL_EQ(p->lis.st.received, 0, "changes received from another community");
	TL_OK(tl_state(b, TL_S_ALL, after));
	TL_CHECK(!memcmp(before, after, sizeof before),
		 "expected the listener's replica unchanged");
}

/* ---- a misbehaving peer ------------------------------------------------- */

static void raw_case(struct tl_fixture *f, enum raw_mode mode,
		     unsigned handshake_ms, int want_err)
{
	struct crdt_replica *b = tl_open(f, "b", 2);
	uint8_t before[CRDT_HASH_LEN], after[CRDT_HASH_LEN];
	struct pair *p = calloc(1, sizeof *p);
	uint8_t seed[32];

	TL_CHECK(p != NULL, "expected memory");
	tl_defer(f, free, p);
	TL_OK(tl_wish(b, "Soup", NULL));
	TL_OK(tl_state(b, TL_S_ALL, before));
	TL_OK(tl_identity(&p->raw_id, 9));
	memset(seed, 0x42, sizeof seed);
	net_shs_init(&p->shs, NET_SHS_CLIENT, community, &p->raw_id, seed);
	p->mode = mode;
	cfg_init(&p->lis_cfg, b, community, p, 0);
	p->lis_cfg.handshake_ms = handshake_ms;
	run_pair(p);
	net_shs_release(&p->shs);
	crdt_identity_release(&p->raw_id);

	TL_EQ(p->lis.closed, 1, "the session closed once");
	TL_CHECK(p->lis.err == want_err,
		 "mode %d: expected the session to end with %d (%s), got %d "
		 "(%s)",
		 (int)mode, want_err, kith_strerror(want_err), p->lis.err,
		 kith_strerror(p->lis.err));
	TL_EQ(p->lis.synced, 0, "synced with a misbehaving peer");
	TL_EQ(p->lis.st.received, 0, "changes taken from a misbehaving peer");
	TL_OK(tl_state(b, TL_S_ALL, after));
	TL_CHECK(!memcmp(before, after, sizeof before),
		 "expected the replica unchanged");
}

static void garbage_frame(void **state)
{
	struct tl_fixture *f = *state;

	raw_case(f, RAW_GARBAGE, 0, KITH_ECRYPT);
}

static void oversize_frame(void **state)
{
	struct tl_fixture *f = *state;

	raw_case(f, RAW_OVERSIZE, 0, KITH_ETOOBIG);
}

static void peer_stops_midway(void **state)
{
	struct tl_fixture *f = *state;

	/* the limit is checked by the session's 1 s tick */
	raw_case(f, RAW_STOP, 200, UV_ETIMEDOUT);
}

static void peer_hangs_up_midway(void **state)
{
	struct tl_fixture *f = *state;

	raw_case(f, RAW_HANGUP, 0, UV_EOF);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(handshake_and_exchange),
		T(many_big_changes),
		T(huge_changes),
		T(change_over_frame),
		T(other_community_refused),
		T(garbage_frame),
		T(oversize_frame),
		T(peer_stops_midway),
		T(peer_hangs_up_midway),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
