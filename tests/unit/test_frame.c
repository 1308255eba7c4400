/*
 * test_frame.c - encrypted framing (net/frame.c): frames of every size
 * survive any split of the byte stream, and a hostile stream (oversized or
 * short lengths, flipped bits, replayed, reordered or truncated frames, a
 * wrong key or a garbage header, bytes after the final frame) is refused
 * with the documented error, never delivered.
 */
#include <stdlib.h>
#include <string.h>

#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "net/frame.h"
#include "net/shs.h"
#include "tests/testlib.h"

#define HDR CRDT_STREAM_HEADER_LEN
#define ABYTES CRDT_STREAM_ABYTES
/* Largest ciphertext a length prefix may announce. */
#define CT_MAX (NET_FRAME_MAX + 1 + ABYTES)
#define WIRE_LIMIT (64u << 20)

static const uint8_t key1[CRDT_KEY_LEN] = "frame test key, direction one..";
static const uint8_t key2[CRDT_KEY_LEN] = "frame test key, direction two..";

/* Payload byte j of frame i, so nothing has to be kept to check it. */
static uint8_t pbyte(size_t i, size_t j)
{
	return (uint8_t)(i * 31 + j * 7 + (j >> 8));
}

static uint8_t ftype(size_t i)
{
	return (uint8_t)(1 + i % 255);
}

static void put_be32(uint8_t p[4], uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Header + one frame per size into out (initialised here). */
static void make_stream(const uint8_t key[CRDT_KEY_LEN], const size_t *sizes,
			size_t n, struct crdt_buf *out)
{
	struct net_frame_tx tx;
	uint8_t hdr[HDR], *p = NULL;
	size_t i, j, max = 0;

	for (i = 0; i < n; i++)
		if (sizes[i] > max)
			max = sizes[i];
	p = malloc(max ? max : 1);
	assert_non_null(p);
	crdt_buf_init(out, WIRE_LIMIT);
	TL_OK(net_frame_tx_init(&tx, key, hdr));
	TL_OK(crdt_buf_put(out, hdr, sizeof hdr));
	for (i = 0; i < n; i++) {
		size_t before = out->len;

		for (j = 0; j < sizes[i]; j++)
			p[j] = pbyte(i, j);
		TL_OK(net_frame_seal(&tx, ftype(i), p, sizes[i], out));
		TL_EQ(out->len - before, sizes[i] + NET_FRAME_OVERHEAD + 1,
		      "sealed frame size");
	}
	net_frame_tx_release(&tx);
	free(p);
}

/* Check frame i as delivered. */
static void check_frame(size_t i, const size_t *sizes, uint8_t type,
			const uint8_t *payload, size_t len)
{
	size_t j;

	TL_EQ(type, ftype(i), "frame type");
	TL_EQ(len, sizes[i], "frame payload length");
	for (j = 0; j < len; j++)
		if (payload[j] != pbyte(i, j))
			fail_msg("frame %zu byte %zu: expected %02x, got %02x",
				 i, j, pbyte(i, j), payload[j]);
}

/*
 * Feed the wire in chunks (1 byte each if max_chunk is 1, else random
 * sizes up to max_chunk, never more than the buffer has room for) and pull
 * every frame after each feed, as a read callback would.
 */
static void receive_all(const uint8_t key[CRDT_KEY_LEN], const uint8_t *w,
			size_t n, const size_t *sizes, size_t nframes,
			struct tl_env *e, size_t max_chunk)
{
	struct net_frame_rx rx;
	size_t off = 0, got = 0;
	const uint8_t *payload;
	uint8_t type;
	size_t len;
	int rc;

	TL_OK(net_frame_rx_init(&rx, key));
	while (off < n) {
		size_t room = rx.in.limit - rx.in.len;
		size_t k = max_chunk == 1 ? 1 : 1 + tl_rand_below(e, max_chunk);

		TL_CHECK(room > 64, "expected room after pulling, got %zu",
			 room);
		if (k > room)
			k = room;
		if (k > n - off)
			k = n - off;
		TL_OK(net_frame_feed(&rx, w + off, k));
		off += k;
		while ((rc = net_frame_next(&rx, &type, &payload, &len)) == 1) {
			TL_CHECK(got < nframes, "expected %zu frames, got more",
				 nframes);
			check_frame(got, sizes, type, payload, len);
			got++;
		}
		TL_RC(rc, 0);
	}
	TL_EQ(got, nframes, "frames delivered");
	TL_EQ(rx.in.len, 0, "bytes left over");
	net_frame_rx_release(&rx);
}

static void round_trip(void **state)
{
	static const size_t fixed[] = {
		0, 1, 2, 15, 16, 17, 18, 63, 64, 255, 256, 1000, 4095, 4096,
		65535, 65536, 0, 0, NET_FRAME_MAX, NET_FRAME_MAX - 1, 3,
		NET_FRAME_MAX, 100, 0,
	};
	size_t sizes[sizeof fixed / sizeof fixed[0] + 200];
	size_t n = 0, i;
	struct tl_env e;
	struct crdt_buf w;

	(void)state;
	tl_env_init(&e, 42);
	for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		sizes[n++] = fixed[i];
	for (i = 0; i < 200; i++)
		sizes[n++] = i % 50 == 0 ? tl_rand_below(&e, NET_FRAME_MAX + 1)
					 : tl_rand_below(&e, 3000);
	make_stream(key1, sizes, n, &w);

	receive_all(key1, w.data, w.len, sizes, n, &e, 1);
	receive_all(key1, w.data, w.len, sizes, n, &e, 7);
	receive_all(key1, w.data, w.len, sizes, n, &e, 1500);
	receive_all(key1, w.data, w.len, sizes, n, &e, 65536);
	receive_all(key1, w.data, w.len, sizes, n, &e, 3u << 20);
	crdt_buf_release(&w);
}

/* Many small frames in one feed, as one TCP read brings them. */
static void many_small_frames_at_once(void **state)
{
	size_t sizes[3000], i;
	struct crdt_buf w;
	struct tl_env e;

	(void)state;
	tl_env_init(&e, 7);
	for (i = 0; i < 3000; i++)
		sizes[i] = i % 3;
	make_stream(key1, sizes, 3000, &w);
	TL_CHECK(w.len < NET_FRAME_MAX, "the test wants one feed");
	receive_all(key1, w.data, w.len, sizes, 3000, &e, w.len);
	crdt_buf_release(&w);
}

static void seal_limits(void **state)
{
	struct net_frame_tx tx;
	struct crdt_buf out;
	uint8_t hdr[HDR], *big;

	(void)state;
	big = calloc(1, NET_FRAME_MAX + 1);
	assert_non_null(big);
	crdt_buf_init(&out, 100);
	TL_OK(net_frame_tx_init(&tx, key1, hdr));
	TL_RC(net_frame_seal(&tx, 0, "x", 1, &out), KITH_EINVAL);
	TL_RC(net_frame_seal(&tx, 1, big, NET_FRAME_MAX + 1, &out),
	      KITH_ETOOBIG);
	/* out holds 100 bytes: after a 52-byte frame, a 27-byte payload (49
	 * bytes sealed) is refused and leaves out unchanged; 26 fits */
	TL_OK(net_frame_seal(&tx, 1, big, 30, &out));
	TL_EQ(out.len, 30 + NET_FRAME_OVERHEAD + 1, "first frame");
	TL_RC(net_frame_seal(&tx, 1, big, 100 - out.len - NET_FRAME_OVERHEAD,
			     &out),
	      KITH_ETOOBIG);
	TL_EQ(out.len, 30 + NET_FRAME_OVERHEAD + 1, "unchanged after ETOOBIG");
	TL_OK(net_frame_seal(&tx, 2, big,
			     100 - out.len - NET_FRAME_OVERHEAD - 1, &out));
	TL_EQ(out.len, 100, "buffer exactly full");
	TL_RC(net_frame_seal(&tx, 3, NULL, 0, &out), KITH_ETOOBIG);
	net_frame_tx_release(&tx);
	crdt_buf_release(&out);
	free(big);
}

/* rx with the header of a real stream under key1 already fed. */
static void rx_with_header(struct net_frame_rx *rx, struct crdt_buf *w)
{
	static const size_t one[] = { 5 };

	make_stream(key1, one, 1, w);
	TL_OK(net_frame_rx_init(rx, key1));
	TL_OK(net_frame_feed(rx, w->data, HDR));
}

static void expect_dead(struct net_frame_rx *rx)
{
	const uint8_t *payload;
	uint8_t type;
	size_t len;

	TL_RC(net_frame_next(rx, &type, &payload, &len), KITH_ECRYPT);
	TL_RC(net_frame_feed(rx, (const uint8_t *)"x", 1), KITH_ECRYPT);
}

static void bad_lengths(void **state)
{
	static const uint32_t too_big[] = { CT_MAX + 1, CT_MAX + 1000,
					    0x7fffffffu, 0xffffffffu };
	static const uint32_t too_small[] = { 0, 1, ABYTES - 1, ABYTES };
	struct net_frame_rx rx;
	struct crdt_buf w;
	const uint8_t *payload;
	uint8_t type, lp[4];
	size_t len, i;

	(void)state;
	/* refused as soon as the 4 length bytes are in, before any body */
	for (i = 0; i < sizeof too_big / sizeof too_big[0]; i++) {
		rx_with_header(&rx, &w);
		put_be32(lp, too_big[i]);
		TL_OK(net_frame_feed(&rx, lp, 3));
		TL_RC(net_frame_next(&rx, &type, &payload, &len), 0);
		TL_OK(net_frame_feed(&rx, lp + 3, 1));
		TL_CHECK(net_frame_next(&rx, &type, &payload, &len) ==
				 KITH_ETOOBIG,
			 "length %u: expected ETOOBIG", (unsigned)too_big[i]);
		expect_dead(&rx);
		net_frame_rx_release(&rx);
		crdt_buf_release(&w);
	}
	for (i = 0; i < sizeof too_small / sizeof too_small[0]; i++) {
		rx_with_header(&rx, &w);
		put_be32(lp, too_small[i]);
		TL_OK(net_frame_feed(&rx, lp, 4));
		TL_CHECK(net_frame_next(&rx, &type, &payload, &len) ==
				 KITH_EDECODE,
			 "length %u: expected EDECODE", (unsigned)too_small[i]);
		expect_dead(&rx);
		net_frame_rx_release(&rx);
		crdt_buf_release(&w);
	}
	/* the largest legal length just waits for its body */
	rx_with_header(&rx, &w);
	put_be32(lp, CT_MAX);
	TL_OK(net_frame_feed(&rx, lp, 4));
	TL_RC(net_frame_next(&rx, &type, &payload, &len), 0);
	net_frame_rx_release(&rx);
	crdt_buf_release(&w);
}

static void feed_limit(void **state)
{
	static const size_t sizes[] = { NET_FRAME_MAX, 200 };
	struct net_frame_rx rx;
	struct crdt_buf w;
	const uint8_t *payload;
	uint8_t type;
	size_t len, room;

	(void)state;
	make_stream(key1, sizes, 2, &w);
	TL_OK(net_frame_rx_init(&rx, key1));
	/* everything but the last byte of the big frame, then the rest at
	 * once: over the limit, refused whole */
	TL_OK(net_frame_feed(&rx, w.data, HDR + 4 + CT_MAX - 1));
	TL_RC(net_frame_next(&rx, &type, &payload, &len), 0);
	room = rx.in.limit - rx.in.len;
	TL_CHECK(room >= 64 && room < w.len - (HDR + 4 + CT_MAX - 1),
		 "expected some room but not enough, got %zu", room);
	TL_RC(net_frame_feed(&rx, w.data + HDR + 4 + CT_MAX - 1,
			     w.len - (HDR + 4 + CT_MAX - 1)),
	      KITH_ETOOBIG);
	/* not fatal: feed what fits, pull, feed the rest */
	TL_OK(net_frame_feed(&rx, w.data + HDR + 4 + CT_MAX - 1, 1));
	TL_RC(net_frame_next(&rx, &type, &payload, &len), 1);
	TL_EQ(len, NET_FRAME_MAX, "big frame");
	TL_OK(net_frame_feed(&rx, w.data + HDR + 4 + CT_MAX,
			     w.len - (HDR + 4 + CT_MAX)));
	TL_RC(net_frame_next(&rx, &type, &payload, &len), 1);
	check_frame(1, sizes, type, payload, len);
	TL_RC(net_frame_next(&rx, &type, &payload, &len), 0);
	net_frame_rx_release(&rx);
	crdt_buf_release(&w);
}

/* Deliver frames until one is refused; how many were delivered, and the
 * error (0 if the stream ended waiting for more). */
static size_t deliver(const uint8_t key[CRDT_KEY_LEN], const uint8_t *w,
		      size_t n, int *err)
{
	struct net_frame_rx rx;
	const uint8_t *payload;
	uint8_t type;
	size_t len, got = 0;
	int rc;

	TL_OK(net_frame_rx_init(&rx, key));
	TL_OK(net_frame_feed(&rx, w, n));
	while ((rc = net_frame_next(&rx, &type, &payload, &len)) == 1)
		got++;
	*err = rc;
	if (rc < 0)
		expect_dead(&rx);
	net_frame_rx_release(&rx);
	return got;
}

static void flipped_bits(void **state)
{
	static const size_t sizes[] = { 3, 40, 7 };
	struct crdt_buf w;
	size_t f[4], i, k, got;
	int bit, err;

	(void)state;
	make_stream(key1, sizes, 3, &w);
	f[0] = HDR; /* frame k starts at f[k] */
	for (k = 0; k < 3; k++)
		f[k + 1] = f[k] + 4 + 1 + sizes[k] + ABYTES;
	TL_EQ(deliver(key1, w.data, w.len, &err), 3, "untouched stream");
	TL_RC(err, 0);

	for (i = 0; i < w.len; i++) {
		for (k = 0; i >= HDR && i >= f[k + 1]; k++)
			;
		for (bit = 0; bit < 8; bit++) {
			w.data[i] ^= (uint8_t)(1u << bit);
			got = deliver(key1, w.data, w.len, &err);
			w.data[i] ^= (uint8_t)(1u << bit);
			if (i < HDR)
				TL_CHECK(got == 0 && err == KITH_ECRYPT,
					 "header byte %zu bit %d: expected "
					 "ECRYPT at once, got %zu frames, %d",
					 i, bit, got, err);
			else if (i >= f[k] + 4)
				TL_CHECK(got == k && err == KITH_ECRYPT,
					 "frame %zu body byte %zu bit %d: "
					 "expected ECRYPT after %zu frames, "
					 "got %zu, %d",
					 k, i - f[k] - 4, bit, k, got, err);
			else /* a length: refused, or waits for more */
				TL_CHECK(got == k,
					 "frame %zu length byte %zu bit %d: "
					 "expected %zu frames, got %zu (%d)",
					 k, i - f[k], bit, k, got, err);
		}
	}
	crdt_buf_release(&w);
}

static void replayed_reordered_truncated(void **state)
{
	static const size_t sizes[] = { 10, 20, 30 };
	struct crdt_buf w, bad;
	size_t f[4], i;
	int err;

	(void)state;
	make_stream(key1, sizes, 3, &w);
	f[0] = HDR;
	for (i = 0; i < 3; i++)
		f[i + 1] = f[i] + 4 + 1 + sizes[i] + ABYTES;
	TL_EQ(f[3], w.len, "stream length");
	crdt_buf_init(&bad, WIRE_LIMIT);

	/* header f0 f0: the replayed copy fails */
	TL_OK(crdt_buf_put(&bad, w.data, f[1]));
	TL_OK(crdt_buf_put(&bad, w.data + f[0], f[1] - f[0]));
	TL_EQ(deliver(key1, bad.data, bad.len, &err), 1, "replay: delivered");
	TL_RC(err, KITH_ECRYPT);

	/* header f0 f1 f1 */
	crdt_buf_reset(&bad);
	TL_OK(crdt_buf_put(&bad, w.data, f[2]));
	TL_OK(crdt_buf_put(&bad, w.data + f[1], f[2] - f[1]));
	TL_EQ(deliver(key1, bad.data, bad.len, &err), 2, "replay 2");
	TL_RC(err, KITH_ECRYPT);

	/* header f1 f0: reordered */
	crdt_buf_reset(&bad);
	TL_OK(crdt_buf_put(&bad, w.data, HDR));
	TL_OK(crdt_buf_put(&bad, w.data + f[1], f[2] - f[1]));
	TL_OK(crdt_buf_put(&bad, w.data + f[0], f[1] - f[0]));
	TL_EQ(deliver(key1, bad.data, bad.len, &err), 0, "reordered");
	TL_RC(err, KITH_ECRYPT);

	/* header f0 f2: one dropped */
	crdt_buf_reset(&bad);
	TL_OK(crdt_buf_put(&bad, w.data, f[1]));
	TL_OK(crdt_buf_put(&bad, w.data + f[2], f[3] - f[2]));
	TL_EQ(deliver(key1, bad.data, bad.len, &err), 1, "dropped");
	TL_RC(err, KITH_ECRYPT);

	/* truncated anywhere: what is whole arrives, the rest waits */
	for (i = 0; i < w.len; i++) {
		size_t want = i >= f[2] ? 2 : i >= f[1] ? 1 : 0;

		TL_CHECK(deliver(key1, w.data, i, &err) == want && err == 0,
			 "truncated to %zu: expected %zu frames and 0, got %d",
			 i, want, err);
	}
	crdt_buf_release(&bad);
	crdt_buf_release(&w);
}

static void wrong_key_and_garbage_header(void **state)
{
	static const size_t sizes[] = { 0, 12 };
	struct crdt_buf w;
	struct tl_env e;
	size_t i;
	int err;

	(void)state;
	make_stream(key1, sizes, 2, &w);
	TL_EQ(deliver(key2, w.data, w.len, &err), 0, "wrong key");
	TL_RC(err, KITH_ECRYPT);
	tl_env_init(&e, 3);
	for (i = 0; i < 20; i++) {
		tl_rand_bytes(&e, w.data, HDR);
		TL_EQ(deliver(key1, w.data, w.len, &err), 0, "garbage header");
		TL_RC(err, KITH_ECRYPT);
	}
	/* a header alone, or part of one, is not an error */
	TL_EQ(deliver(key1, w.data, HDR, &err), 0, "header only");
	TL_RC(err, 0);
	TL_EQ(deliver(key1, w.data, 5, &err), 0, "part of a header");
	TL_RC(err, 0);
	crdt_buf_release(&w);
}

/* Frames net_frame_seal does not make, built with the stream directly. */
static void raw_frame(struct crdt_stream *ss, struct crdt_buf *out,
		      const uint8_t *plain, size_t n, int final)
{
	uint8_t lp[4], ct[64 + ABYTES];

	assert_true(n <= 64);
	crdt_stream_push(ss, ct, plain, n, final);
	put_be32(lp, (uint32_t)(n + ABYTES));
	TL_OK(crdt_buf_put(out, lp, 4));
	TL_OK(crdt_buf_put(out, ct, n + ABYTES));
}

static void type_zero_and_final(void **state)
{
	static const uint8_t zero[] = { 0, 'h', 'i' }, ok[] = { 7, 'o', 'k' };
	struct crdt_stream ss;
	struct crdt_buf w;
	uint8_t hdr[HDR];
	int err;

	(void)state;
	/* type 0 is malformed, even when authentic */
	crdt_buf_init(&w, WIRE_LIMIT);
	TL_OK(crdt_stream_push_init(&ss, hdr, key1));
	TL_OK(crdt_buf_put(&w, hdr, HDR));
	raw_frame(&ss, &w, ok, sizeof ok, 0);
	raw_frame(&ss, &w, zero, sizeof zero, 0);
	raw_frame(&ss, &w, ok, sizeof ok, 0);
	TL_EQ(deliver(key1, w.data, w.len, &err), 1, "before type 0");
	TL_RC(err, KITH_EDECODE);
	crdt_stream_release(&ss);
	crdt_buf_release(&w);

	/* a FINAL frame is delivered; nothing may follow it */
	crdt_buf_init(&w, WIRE_LIMIT);
	TL_OK(crdt_stream_push_init(&ss, hdr, key1));
	TL_OK(crdt_buf_put(&w, hdr, HDR));
	raw_frame(&ss, &w, ok, sizeof ok, 0);
	raw_frame(&ss, &w, ok, sizeof ok, 1);
	TL_EQ(deliver(key1, w.data, w.len, &err), 2, "up to final");
	TL_RC(err, 0);
	raw_frame(&ss, &w, ok, sizeof ok, 0);
	TL_EQ(deliver(key1, w.data, w.len, &err), 2, "after final");
	TL_RC(err, KITH_ECRYPT);
	crdt_stream_release(&ss);
	crdt_buf_release(&w);
}

/* The handshake's keys drive one stream each way. */
static void after_handshake(void **state)
{
	uint8_t K[CRDT_KEY_LEN], seed[32], ea[32], eb[32];
	uint8_t m1[NET_SHS_MSG1], m2[NET_SHS_MSG2], m3[NET_SHS_MSG3],
		m4[NET_SHS_MSG4], hc[HDR], hs[HDR];
	struct crdt_identity c, s;
	struct net_shs shc, shs;
	struct net_shs_result rc_, rs;
	struct net_frame_tx ctx, stx;
	struct net_frame_rx crx, srx;
	struct crdt_buf c2s, s2c;
	const uint8_t *payload;
	uint8_t type;
	size_t len;

	(void)state;
	memset(K, 0x4b, sizeof K);
	memset(seed, 1, sizeof seed);
	TL_OK(crdt_identity_from_seed(&c, seed));
	memset(seed, 2, sizeof seed);
	TL_OK(crdt_identity_from_seed(&s, seed));
	memset(ea, 3, sizeof ea);
	memset(eb, 4, sizeof eb);
	net_shs_init(&shc, NET_SHS_CLIENT, K, &c, ea);
	net_shs_init(&shs, NET_SHS_SERVER, K, &s, eb);
	net_shs_client_hello(&shc, m1);
	TL_OK(net_shs_server_hello(&shs, m1, m2));
	TL_OK(net_shs_client_auth(&shc, m2, m3));
	TL_OK(net_shs_server_accept(&shs, m3, m4, &rs));
	TL_OK(net_shs_client_finish(&shc, m4, &rc_));

	crdt_buf_init(&c2s, 4096);
	crdt_buf_init(&s2c, 4096);
	TL_OK(net_frame_tx_init(&ctx, rc_.tx_key, hc));
	TL_OK(net_frame_tx_init(&stx, rs.tx_key, hs));
	TL_OK(net_frame_rx_init(&crx, rc_.rx_key));
	TL_OK(net_frame_rx_init(&srx, rs.rx_key));
	TL_OK(crdt_buf_put(&c2s, hc, HDR));
	TL_OK(crdt_buf_put(&s2c, hs, HDR));
	TL_OK(net_frame_seal(&ctx, 1, "from client", 11, &c2s));
	TL_OK(net_frame_seal(&stx, 1, "from server", 11, &s2c));

	TL_OK(net_frame_feed(&srx, c2s.data, c2s.len));
	TL_RC(net_frame_next(&srx, &type, &payload, &len), 1);
	TL_CHECK(len == 11 && !memcmp(payload, "from client", 11),
		 "server: expected the client's frame");
	TL_OK(net_frame_feed(&crx, s2c.data, s2c.len));
	TL_RC(net_frame_next(&crx, &type, &payload, &len), 1);
	TL_CHECK(len == 11 && !memcmp(payload, "from server", 11),
		 "client: expected the server's frame");

	/* a frame reflected back to its sender is refused */
	net_frame_rx_release(&crx);
	TL_OK(net_frame_rx_init(&crx, rc_.rx_key));
	TL_OK(net_frame_feed(&crx, c2s.data, c2s.len));
	TL_RC(net_frame_next(&crx, &type, &payload, &len), KITH_ECRYPT);

	net_frame_tx_release(&ctx);
	net_frame_tx_release(&stx);
	net_frame_rx_release(&crx);
	net_frame_rx_release(&srx);
	crdt_buf_release(&c2s);
	crdt_buf_release(&s2c);
	net_shs_release(&shc);
	net_shs_release(&shs);
	crdt_identity_release(&c);
	crdt_identity_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(many_small_frames_at_once),
		cmocka_unit_test(seal_limits),
		cmocka_unit_test(bad_lengths),
		cmocka_unit_test(feed_limit),
		cmocka_unit_test(flipped_bits),
		cmocka_unit_test(replayed_reordered_truncated),
		cmocka_unit_test(wrong_key_and_garbage_header),
		cmocka_unit_test(type_zero_and_final),
		cmocka_unit_test(after_handshake),
	};

	return cmocka_run_group_tests_name("frame", tests, tl_group_setup,
					   NULL);
}
