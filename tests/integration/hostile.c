/*
 * hostile - a client that speaks kith's session protocol (net/shs.h,
 * net/frame.h, net/proto.h) wrongly on purpose, for
 * tests/integration/hostile.sh:
 *
 *   hostile MODE ADDR:PORT HOME
 *
 * HOME is a kith data directory whose community key the client uses (so
 * it is a member, except in wrongkey).  The client's identity is always a
 * fresh one.  Modes:
 *
 *   wrongkey        handshake under a random community key
 *   garbage         random bytes instead of a handshake
 *   garbage-frames  handshake, then a frame of random ciphertext
 *   truncated       handshake, then half a HELLO frame, then close
 *   oversized       handshake, then a frame length header of 64 MiB
 *   replay          handshake, then the same sealed HELLO frame twice
 *   forged          handshake, HELLO and reconciliation, then a CHANGES
 *                   frame with one change whose signature is forged
 *   forged-gap      the same with a forged change at seq 2 (beyond a gap:
 *                   it must not be held as pending either)
 *   forged-mixed    one good change and a forged one in one RUN, one frame
 *   badrun          a CHANGES frame that does not decode: a good change
 *                   followed by a truncated one and no END
 *   stall           a good message 1, then silence: the daemon must give
 *                   up on the handshake by itself (PEER_HANDSHAKE_MS,
 *                   5 s for accepted connections) and hang up
 *   honest          handshake, HELLO, reconciliation, one good change;
 *                   the daemon must ACK it (the control case: proves the
 *                   client can make a daemon accept a change at all)
 *
 * The changes are made with the crdt API on a scratch replica in a
 * temporary directory and encoded with crdt_runs_write, as a session does.
 *
 * Prints "local ADDR:PORT" (the address the daemon logs for this session)
 * and one line saying what the daemon did.  Exit status: 0 when the
 * daemon did what it must (hang up without answering a non-member; hang up
 * on a broken session without ACKing anything; for honest, ACK), 1 when
 * it did not, 2 on a usage or setup error.  Every wait is bounded; an
 * alarm ends the process after 30 s whatever happens.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "crdt/bundle.h"
#include "crdt/err.h"
#include "crdt/schema.h"
#include "net/frame.h"
#include "net/proto.h"
#include "net/recon.h"
#include "net/shs.h"
#include "peer/daemon.h"
#include "peer/keystore.h"

#define WAIT_MS 5000	 /* how long the daemon may take to hang up */
#define STALL_MS 15000	 /* the handshake timeout (5 s; 10 s for dials) and some */
#define RECON_MS 10000	 /* bound on the whole reconciliation */
#define ALARM_S 30

struct conn {
	int fd;
	struct net_frame_tx tx;
	struct net_frame_rx rx;
	int framing;
	uint64_t bytes_in;
	unsigned frames_in, acks_in;
	int closed; /* the daemon hung up (EOF or reset) */
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void rnd(void *p, size_t n)
{
	crdt_env_system.random(NULL, p, n);
}

/* All of p, or -1 (the daemon may already have hung up: EPIPE, reset). */
static int send_all(struct conn *c, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n) {
		ssize_t k = send(c->fd, b, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Read up to cap bytes, waiting until deadline: >0 bytes, 0 on EOF or
 * reset (c->closed set), -1 on timeout. */
static ssize_t recv_some(struct conn *c, uint8_t *p, size_t cap,
			 uint64_t deadline)
{
	for (;;) {
		uint64_t now = mono_ms();
		struct pollfd pfd = { c->fd, POLLIN, 0 };
		ssize_t k;
		int rc;

		if (now >= deadline)
			return -1;
		rc = poll(&pfd, 1, (int)(deadline - now));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			return -1;
		k = recv(c->fd, p, cap, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			c->closed = 1;
			return 0;
		}
		c->bytes_in += (uint64_t)k;
		return k;
	}
}

static int recv_exact(struct conn *c, uint8_t *p, size_t n, uint64_t deadline)
{
	while (n) {
		ssize_t k = recv_some(c, p, n, deadline);

		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int dial(struct conn *c, const char *addr)
{
	struct sockaddr_storage ss;
	struct sockaddr_in me;
	socklen_t len = sizeof me;
	char ip[INET_ADDRSTRLEN];

	memset(c, 0, sizeof *c);
	if (peer_parse_addr(addr, &ss, PEER_DEFAULT_PORT) ||
	    ss.ss_family != AF_INET) {
		fprintf(stderr, "hostile: cannot understand address '%s'\n",
			addr);
		return -1;
	}
	if (((struct sockaddr_in *)&ss)->sin_addr.s_addr !=
	    htonl(INADDR_LOOPBACK)) {
		fprintf(stderr, "hostile: only 127.0.0.1 is allowed\n");
		return -1;
	}
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0 ||
	    connect(c->fd, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)) ||
	    getsockname(c->fd, (struct sockaddr *)&me, &len)) {
		perror("hostile: connect");
		return -1;
	}
	inet_ntop(AF_INET, &me.sin_addr, ip, sizeof ip);
	printf("local %s:%u\n", ip, ntohs(me.sin_port));
	fflush(stdout);
	return 0;
}

/* The client side of net/shs.h, then our stream header. */
static int handshake(struct conn *c, const uint8_t K[32],
		     const struct crdt_identity *me)
{
	struct net_shs h;
	struct net_shs_result res;
	uint8_t seed[32], m1[NET_SHS_MSG1], m2[NET_SHS_MSG2];
	uint8_t m3[NET_SHS_MSG3], m4[NET_SHS_MSG4];
	uint8_t header[CRDT_STREAM_HEADER_LEN];
	uint64_t deadline = mono_ms() + WAIT_MS;
	int rc = -1;

	rnd(seed, sizeof seed);
	net_shs_init(&h, NET_SHS_CLIENT, K, me, seed);
	net_shs_client_hello(&h, m1);
	if (send_all(c, m1, sizeof m1) || recv_exact(c, m2, sizeof m2, deadline))
		goto out;
	if (net_shs_client_auth(&h, m2, m3) || send_all(c, m3, sizeof m3) ||
	    recv_exact(c, m4, sizeof m4, deadline))
		goto out;
	if (net_shs_client_finish(&h, m4, &res))
		goto out;
	if (net_frame_tx_init(&c->tx, res.tx_key, header) ||
	    net_frame_rx_init(&c->rx, res.rx_key))
		goto out;
	c->framing = 1;
	rc = send_all(c, header, sizeof header);
out:
	if (rc)
		fprintf(stderr, "hostile: handshake failed\n");
	crdt_wipe(&res, sizeof res);
	net_shs_release(&h);
	return rc;
}

/* Seal one frame into out (reset first). */
static int seal(struct conn *c, uint8_t type, const void *p, size_t n,
		struct crdt_buf *out)
{
	crdt_buf_reset(out);
	return net_frame_seal(&c->tx, type, p, n, out);
}

static int send_frame(struct conn *c, uint8_t type, const void *p, size_t n)
{
	struct crdt_buf out;
	int rc;

	crdt_buf_init(&out, n + NET_FRAME_OVERHEAD + 1);
	rc = seal(c, type, p, n, &out);
	if (!rc)
		rc = send_all(c, out.data, out.len);
	crdt_buf_release(&out);
	return rc;
}

/*
 * Read until a frame of type `want` arrives (its payload copied into
 * *got), the daemon hangs up, or the deadline.  want 0: read until hang-up.
 * ACKs are counted on the way.  1 found, 0 hung up, -1 timeout or error.
 */
static int next_frame(struct conn *c, uint8_t *want_types, size_t nwant,
		      uint8_t *type_out, struct crdt_buf *got, uint64_t deadline)
{
	static uint8_t buf[65536];

	for (;;) {
		uint8_t type;
		const uint8_t *payload;
		size_t len, i, room = sizeof buf;
		ssize_t k;
		int rc;

		for (rc = 0; c->framing;) {
			rc = net_frame_next(&c->rx, &type, &payload, &len);
			if (rc <= 0)
				break;
			c->frames_in++;
			if (type == NET_MSG_ACK)
				c->acks_in++;
			for (i = 0; i < nwant; i++)
				if (type == want_types[i]) {
					*type_out = type;
					crdt_buf_reset(got);
					return crdt_buf_put(got, payload, len) ? -1
									       : 1;
				}
		}
		if (c->framing && rc < 0) {
			fprintf(stderr, "hostile: daemon sent a bad frame: %s\n",
				kith_strerror(rc));
			return -1;
		}
		/* never more than the receive buffer has room for (frames
		 * were pulled above, so there is room for at least one) */
		if (c->framing && c->rx.in.limit - c->rx.in.len < room)
			room = c->rx.in.limit - c->rx.in.len;
		k = recv_some(c, buf, room, deadline);
		if (k < 0)
			return -1;
		if (k == 0)
			return 0;
		if (c->framing && net_frame_feed(&c->rx, buf, (size_t)k))
			return -1;
	}
}

/* Wait for the daemon to hang up; 0 when it did within wait_ms. */
static int expect_hangup(struct conn *c, unsigned wait_ms, uint64_t *took)
{
	struct crdt_buf dummy;
	uint64_t t0 = mono_ms();
	uint8_t type;
	int rc;

	crdt_buf_init(&dummy, 1);
	rc = next_frame(c, NULL, 0, &type, &dummy, t0 + wait_ms);
	crdt_buf_release(&dummy);
	*took = mono_ms() - t0;
	return rc == 0 && c->closed ? 0 : -1;
}

/* ---- changes ------------------------------------------------------------ */

struct scratch {
	char dir[256];
	char db[300];
	struct crdt_replica r;
	int open;
};

static int make_item(struct crdt_replica *r, const char *title)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
	if (crdt_op_set_text(&op, F_ITEM_TITLE, title) ||
	    crdt_op_set_int(&op, F_ITEM_QUANTITY, 1) || crdt_op_finish(&op))
		return KITH_EINVAL;
	return crdt_replica_commit(r, &op, 1, NULL);
}

/* A scratch replica under TMPDIR with two changes by id (seq 1, 2). */
static int scratch_open(struct scratch *s, const uint8_t seed[32])
{
	const char *tmp = getenv("TMPDIR");
	int rc;

	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "%s/kith-hostile.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(s->dir))
		return KITH_EIO;
	snprintf(s->db, sizeof s->db, "%s/replica.db", s->dir);
	rc = crdt_replica_open(&s->r, s->db, NULL);
	if (rc)
		return rc;
	s->open = 1;
	rc = crdt_identity_from_seed(&s->r.id, seed);
	if (!rc)
		rc = make_item(&s->r, "planted by a hostile peer (1)");
	if (!rc)
		rc = make_item(&s->r, "planted by a hostile peer (2)");
	return rc;
}

static void scratch_close(struct scratch *s)
{
	static const char *const files[] = { "", "-wal", "-shm", "-journal" };
	char p[320];
	size_t i;

	if (s->open)
		crdt_replica_close(&s->r);
	s->open = 0;
	if (!s->dir[0])
		return;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s%s", s->db, files[i]);
		unlink(p);
	}
	rmdir(s->dir);
}

static int payload_put(void *ctx, const void *p, size_t n)
{
	return crdt_buf_put(ctx, p, n);
}

/* RUN of seqs from..to of the scratch author into out; with flip, one
 * byte of the last change's signature (the RUN's last bytes) is flipped;
 * with end, the END entry follows. */
static int build_run(struct scratch *s, uint64_t from, uint64_t to, int flip,
		     int end, struct crdt_buf *out)
{
	struct crdt_sink k = { payload_put, out };
	int rc = crdt_runs_write(s->r.store, s->r.id.pk, from, to, &k);

	if (rc)
		return rc;
	if (flip)
		out->data[out->len - 1 - 20] ^= 0x01;
	if (end)
		rc = crdt_runs_end(&k, to - from + 1);
	return rc;
}

/* HELLO and reconciliation as the dialer, until this side is done. */
static int reconcile(struct conn *c, struct crdt_replica *r)
{
	static uint8_t want[] = { NET_MSG_HELLO, NET_MSG_RECON2,
				  NET_MSG_RECON4 };
	uint64_t deadline = mono_ms() + RECON_MS;
	struct crdt_vector vv;
	struct net_recon rc_;
	struct crdt_buf out, got;
	int rc;

	if (crdt_vector_load(r->store, &vv))
		return -1;
	net_recon_init(&rc_, 1, &vv);
	crdt_buf_init(&out, NET_RECON_MAX_MSG);
	crdt_buf_init(&got, NET_FRAME_MAX);
	rc = net_recon_hello(&rc_, &out);
	if (!rc)
		rc = send_frame(c, NET_MSG_HELLO, out.data, out.len);
	while (!rc && !net_recon_done(&rc_)) {
		uint8_t type;
		int out_type = 0;

		if (next_frame(c, want, sizeof want, &type, &got, deadline) != 1) {
			rc = -1;
			break;
		}
		rc = net_recon_recv(&rc_, type, got.data, got.len, &out_type,
				    &out);
		if (!rc && out_type)
			rc = send_frame(c, (uint8_t)out_type, out.data, out.len);
	}
	if (rc)
		fprintf(stderr, "hostile: reconciliation failed\n");
	crdt_buf_release(&got);
	crdt_buf_release(&out);
	net_recon_release(&rc_);
	crdt_vector_release(&vv);
	return rc ? -1 : 0;
}

/* ---- modes -------------------------------------------------------------- */

static int report_hangup(struct conn *c, const char *mode, int want_silence)
{
	unsigned wait_ms = strcmp(mode, "stall") ? WAIT_MS : STALL_MS;
	uint64_t took;

	if (expect_hangup(c, wait_ms, &took)) {
		printf("%s: daemon did not hang up within %u ms (%u frames "
		       "received)\n",
		       mode, wait_ms, c->frames_in);
		return 1;
	}
	printf("%s: daemon hung up after %llu ms (%llu bytes, %u frames, %u "
	       "acks received)\n",
	       mode, (unsigned long long)took, (unsigned long long)c->bytes_in,
	       c->frames_in, c->acks_in);
	if (want_silence && c->bytes_in) {
		printf("%s: daemon answered %llu bytes to a non-member\n", mode,
		       (unsigned long long)c->bytes_in);
		return 1;
	}
	if (c->acks_in) {
		printf("%s: daemon acknowledged changes it must refuse\n", mode);
		return 1;
	}
	return 0;
}

static int run_changes(struct conn *c, const char *mode,
		       const struct crdt_identity *me, const uint8_t seed[32],
		       const uint8_t K[32])
{
	struct scratch s;
	struct crdt_buf pl;
	int rc = 2;

	crdt_buf_init(&pl, NET_FRAME_MAX);
	if (scratch_open(&s, seed)) {
		fprintf(stderr, "hostile: cannot make the scratch replica\n");
		goto out;
	}
	if (!strcmp(mode, "forged"))
		rc = build_run(&s, 1, 1, 1, 1, &pl);
	else if (!strcmp(mode, "forged-gap"))
		rc = build_run(&s, 2, 2, 1, 1, &pl);
	else if (!strcmp(mode, "forged-mixed"))
		rc = build_run(&s, 1, 2, 1, 1, &pl);
	else if (!strcmp(mode, "honest"))
		rc = build_run(&s, 1, 1, 0, 1, &pl);
	else { /* badrun: a whole good change, then half of the next */
		rc = build_run(&s, 1, 2, 0, 0, &pl);
		pl.len -= 40;
	}
	if (rc) {
		fprintf(stderr, "hostile: cannot encode changes: %s\n",
			kith_strerror(rc));
		rc = 2;
		goto out;
	}
	rc = 1;
	if (handshake(c, K, me) || reconcile(c, &s.r))
		goto out;
	if (send_frame(c, NET_MSG_CHANGES, pl.data, pl.len)) {
		printf("%s: daemon hung up before the CHANGES frame\n", mode);
		goto out;
	}
	if (!strcmp(mode, "honest")) {
		static uint8_t want[] = { NET_MSG_ACK };
		struct crdt_buf got;
		uint8_t type;

		crdt_buf_init(&got, 64);
		rc = next_frame(c, want, 1, &type, &got, mono_ms() + WAIT_MS);
		crdt_buf_release(&got);
		printf("%s: %s\n", mode,
		       rc == 1 ? "daemon acknowledged the change"
			       : "daemon did not acknowledge the change");
		rc = rc == 1 ? 0 : 1;
		goto out;
	}
	rc = report_hangup(c, mode, 0);
out:
	scratch_close(&s);
	crdt_buf_release(&pl);
	return rc;
}

static int run_mode(const char *mode, const char *addr, const uint8_t K[32])
{
	struct crdt_identity me;
	uint8_t seed[32], junk[4096];
	struct conn c;
	struct crdt_buf f;
	int rc = 2;

	rnd(seed, sizeof seed);
	if (crdt_identity_from_seed(&me, seed))
		return 2;
	crdt_buf_init(&f, NET_FRAME_MAX + NET_FRAME_OVERHEAD + 1);
	if (dial(&c, addr))
		goto out;
	rnd(junk, sizeof junk);
	if (!strcmp(mode, "wrongkey")) {
		/* K is random here: message 1 fails the daemon's MAC */
		if (handshake(&c, K, &me) == 0) {
			printf("%s: handshake completed with a wrong key\n", mode);
			rc = 1;
			goto out;
		}
		rc = report_hangup(&c, mode, 1);
	} else if (!strcmp(mode, "garbage")) {
		(void)send_all(&c, junk, 256);
		rc = report_hangup(&c, mode, 1);
	} else if (!strcmp(mode, "stall")) {
		struct net_shs h;
		uint8_t eph[32], m1[NET_SHS_MSG1], m2[NET_SHS_MSG2];

		rnd(eph, sizeof eph);
		net_shs_init(&h, NET_SHS_CLIENT, K, &me, eph);
		net_shs_client_hello(&h, m1);
		net_shs_release(&h);
		rc = 1;
		if (send_all(&c, m1, sizeof m1) ||
		    recv_exact(&c, m2, sizeof m2, mono_ms() + WAIT_MS)) {
			printf("%s: daemon did not answer message 1\n", mode);
			goto out;
		}
		c.bytes_in = 0; /* message 2 was expected */
		rc = report_hangup(&c, mode, 1);
	} else if (!strcmp(mode, "garbage-frames")) {
		uint8_t len[4] = { 0, 0, 0x03, 0xe8 }; /* 1000 bytes */

		rc = 1;
		if (handshake(&c, K, &me))
			goto out;
		if (!send_all(&c, len, 4))
			(void)send_all(&c, junk, 1000);
		rc = report_hangup(&c, mode, 0);
	} else if (!strcmp(mode, "truncated")) {
		uint8_t hello[18] = { NET_PROTO_VERSION, 0 };

		rc = 1;
		if (handshake(&c, K, &me) ||
		    seal(&c, NET_MSG_HELLO, hello, sizeof hello, &f) ||
		    send_all(&c, f.data, f.len / 2))
			goto out;
		usleep(100 * 1000);
		printf("%s: sent %zu of %zu bytes of a frame, closing\n", mode,
		       f.len / 2, f.len);
		rc = 0;
	} else if (!strcmp(mode, "oversized")) {
		uint8_t len[4] = { 0x04, 0, 0, 0 }; /* 64 MiB */

		rc = 1;
		if (handshake(&c, K, &me))
			goto out;
		/* the header, then as much body as the daemon will take
		 * (bounded): it must not wait for the 64 MiB */
		if (!send_all(&c, len, 4))
			(void)send_all(&c, junk, sizeof junk);
		rc = report_hangup(&c, mode, 0);
	} else if (!strcmp(mode, "replay")) {
		struct crdt_vector none = { NULL, 0 };
		struct net_recon r;
		struct crdt_buf hello;

		rc = 1;
		if (handshake(&c, K, &me))
			goto out;
		net_recon_init(&r, 1, &none);
		crdt_buf_init(&hello, 256);
		if (!net_recon_hello(&r, &hello) &&
		    !seal(&c, NET_MSG_HELLO, hello.data, hello.len, &f) &&
		    !send_all(&c, f.data, f.len)) {
			usleep(50 * 1000); /* the first is taken on its own */
			(void)send_all(&c, f.data, f.len);
		}
		crdt_buf_release(&hello);
		net_recon_release(&r);
		rc = report_hangup(&c, mode, 0);
	} else if (!strcmp(mode, "forged") || !strcmp(mode, "forged-gap") ||
		   !strcmp(mode, "forged-mixed") || !strcmp(mode, "badrun") ||
		   !strcmp(mode, "honest")) {
		rc = run_changes(&c, mode, &me, seed, K);
	} else {
		fprintf(stderr, "hostile: unknown mode '%s'\n", mode);
		rc = 2;
	}
out:
	if (c.framing) {
		net_frame_tx_release(&c.tx);
		net_frame_rx_release(&c.rx);
	}
	if (c.fd > 0)
		close(c.fd);
	crdt_buf_release(&f);
	crdt_identity_release(&me);
	crdt_wipe(seed, sizeof seed);
	return rc;
}

int main(int argc, char **argv)
{
	struct peer_community com;
	int rc;

	if (argc != 4) {
		fprintf(stderr, "usage: hostile MODE ADDR:PORT HOME\n");
		return 2;
	}
	alarm(ALARM_S);
	signal(SIGPIPE, SIG_IGN);
	if (crdt_crypto_init())
		return 2;
	memset(&com, 0, sizeof com);
	if (!strcmp(argv[1], "wrongkey")) {
		rnd(com.key, sizeof com.key);
	} else {
		rc = peer_community_load(argv[3], &com);
		if (rc) {
			fprintf(stderr,
				"hostile: cannot read the community of '%s': "
				"%s\n",
				argv[3], kith_strerror(rc));
			return 2;
		}
		/* the key sessions use (bound to the genesis id) */
		peer_community_wire_key(&com, com.key);
	}
	rc = run_mode(argv[1], argv[2], com.key);
	peer_community_wipe(&com);
	return rc;
}
