/*
 * fuzz_frame.c - the receiving side of the encrypted framing (net/frame.c).
 *
 * The stream key is fixed, so a recorded stream from the corpus decrypts and
 * the fuzzer's changes to it reach the length checks, the AEAD and the
 * bookkeeping after it.  The first byte chooses what the rest means:
 *
 *   bit 0 clear  "wire": the bytes a peer sends (24-byte stream header,
 *                then len:u32be ciphertext frames), fed to a receiver in
 *                chunks and pulled after every feed, as a read callback does.
 *   bit 0 set    "plain": frames as type:u8 len:u16be payload records; the
 *                target seals them itself, optionally flips one byte of the
 *                sealed stream (bit 1: the input's last 3 bytes are
 *                offset:u16be xor:u8), and receives them.
 *   bits 2..5    chunk sizes: pseudo-random in 1 .. 2^bits (seeded by the
 *                input), never more than the receive buffer has room for.
 *
 * Checked:
 *   - a delivered frame has a non-zero type and at most NET_FRAME_MAX
 *     payload bytes, all readable (ASan);
 *   - errors are KITH_ETOOBIG, KITH_EDECODE or KITH_ECRYPT, and after one
 *     every call fails;
 *   - feeding no more than the room left never fails, and after pulling
 *     every whole frame there is always room for more;
 *   - plain: every frame arrives exactly as sealed; with a flipped byte,
 *     exactly the frames before the damaged one arrive, then the stream
 *     stops (error, or waiting for bytes that never come); type 0 cannot be
 *     sealed.
 *
 * The corpus (tests/fuzz/corpus/fuzz_frame/) is written by this file built
 * with -DKITH_FUZZ_GEN:
 *   cc -std=c11 -D_GNU_SOURCE -I. -DKITH_FUZZ_GEN -o /tmp/gen_frame \
 *      tests/fuzz/fuzz_frame.c crdt/[a-z]*.c net/shs.c net/frame.c \
 *      $(pkg-config --libs sqlite3 libsodium)
 *   /tmp/gen_frame tests/fuzz/corpus/fuzz_frame
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "net/frame.h"

#define FAIL(...)                                                             \
	do {                                                                  \
		fprintf(stderr, "fuzz_frame: " __VA_ARGS__);                  \
		fputc('\n', stderr);                                          \
		abort();                                                      \
	} while (0)

static const uint8_t frame_key[CRDT_KEY_LEN] =
	"kith-fuzz-frame-stream-key-0001";

#define MAX_FRAMES 512

static void setup(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	if (crdt_crypto_init())
		FAIL("crdt_crypto_init failed");
}

/* xorshift32 for chunk sizes; never zero. */
static uint32_t next_rand(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static uint32_t seed_of(const uint8_t *d, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n && i < 64; i++)
		h = (h ^ d[i]) * 16777619u;
	h ^= (uint32_t)n;
	return h ? h : 1;
}

struct expect {
	size_t n;		  /* frames sealed */
	uint8_t type[MAX_FRAMES]; /* what each one was */
	const uint8_t *p[MAX_FRAMES];
	size_t len[MAX_FRAMES];
};

/*
 * Feed w in chunks, pulling after each; stops at the first error.  With
 * exp, each frame must match; returns how many frames arrived, *err the
 * last result (0 = waiting for more, or a negative error).
 */
static size_t receive(const uint8_t *w, size_t n, unsigned chunk_bits,
		      uint32_t seed, const struct expect *exp, int *err)
{
	struct net_frame_rx rx;
	const uint8_t *payload;
	size_t off = 0, got = 0, len, i;
	uint32_t rs = seed ? seed : 1;
	uint8_t type, sum = 0;
	int rc = 0;

	if (net_frame_rx_init(&rx, frame_key))
		FAIL("rx_init failed");
	while (off < n && rc == 0) {
		size_t room = rx.in.limit - rx.in.len;
		size_t k = 1 + next_rand(&rs) % (1u << chunk_bits);

		if (room <= 64)
			FAIL("only %zu bytes of room after pulling", room);
		if (k > room)
			k = room;
		if (k > n - off)
			k = n - off;
		rc = net_frame_feed(&rx, w + off, k);
		if (rc)
			FAIL("feed of %zu bytes with %zu room gave %d", k, room,
			     rc);
		off += k;
		while ((rc = net_frame_next(&rx, &type, &payload, &len)) == 1) {
			if (type == 0)
				FAIL("delivered a frame of type 0");
			if (len > NET_FRAME_MAX)
				FAIL("delivered %zu bytes", len);
			for (i = 0; i < len; i++)
				sum ^= payload[i];
			if (exp) {
				if (got >= exp->n)
					FAIL("more frames than were sealed");
				if (type != exp->type[got] ||
				    len != exp->len[got] ||
				    (len && memcmp(payload, exp->p[got], len)))
					FAIL("frame %zu differs from what was "
					     "sealed",
					     got);
			}
			got++;
		}
	}
	if (rc < 0) {
		if (rc != KITH_ETOOBIG && rc != KITH_EDECODE &&
		    rc != KITH_ECRYPT)
			FAIL("unexpected error %d", rc);
		if (net_frame_next(&rx, &type, &payload, &len) != KITH_ECRYPT ||
		    net_frame_feed(&rx, w, n ? 1 : 0) != KITH_ECRYPT)
			FAIL("the receiver answered after an error");
	}
	*err = rc;
	(void)sum;
	net_frame_rx_release(&rx);
	return got;
}

static void run_plain(const uint8_t *d, size_t n, int flip, unsigned bits,
		      uint32_t seed)
{
	static struct expect exp;
	static size_t start[MAX_FRAMES + 1];
	struct net_frame_tx tx;
	struct crdt_buf w;
	uint8_t hdr[CRDT_STREAM_HEADER_LEN], x = 0;
	size_t pos = 0, off = 0, got, k;
	int err, rc;

	if (flip) {
		if (n < 3)
			return;
		pos = (size_t)d[n - 3] << 8 | d[n - 2];
		x = d[n - 1];
		n -= 3;
	}
	exp.n = 0;
	crdt_buf_init(&w, 1u << 24);
	if (net_frame_tx_init(&tx, frame_key, hdr) ||
	    crdt_buf_put(&w, hdr, sizeof hdr))
		FAIL("cannot start the stream");
	while (off < n && exp.n < MAX_FRAMES) {
		uint8_t type = d[off];
		size_t len = 0;

		if (n - off >= 3)
			len = (size_t)d[off + 1] << 8 | d[off + 2];
		off += n - off >= 3 ? 3 : n - off;
		if (len > n - off)
			len = n - off;
		start[exp.n] = w.len;
		rc = net_frame_seal(&tx, type, d + off, len, &w);
		if (type == 0) {
			if (rc != KITH_EINVAL)
				FAIL("sealing type 0 gave %d", rc);
		} else if (rc) {
			FAIL("seal failed: %d", rc);
		} else {
			exp.type[exp.n] = type;
			exp.p[exp.n] = d + off;
			exp.len[exp.n] = len;
			exp.n++;
		}
		off += len;
	}
	start[exp.n] = w.len;
	net_frame_tx_release(&tx);

	if (!flip || x == 0) {
		got = receive(w.data, w.len, bits, seed, &exp, &err);
		if (got != exp.n || err)
			FAIL("intact stream: %zu of %zu frames, %d", got,
			     exp.n, err);
	} else {
		/* flip one byte; frame k holds it (k = 0 for the header) */
		pos %= w.len;
		w.data[pos] ^= x;
		for (k = 0; k < exp.n && pos >= start[k + 1]; k++)
			;
		got = receive(w.data, w.len, bits, seed, NULL, &err);
		if (got != k)
			FAIL("byte %zu flipped (frame %zu): %zu frames arrived",
			     pos, k, got);
	}
	crdt_buf_release(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned bits;
	uint32_t seed;
	int err;

	setup();
	if (size < 1)
		return 0;
	bits = (data[0] >> 2) & 15;
	seed = seed_of(data, size);
	if (data[0] & 1)
		run_plain(data + 1, size - 1, (data[0] & 2) != 0, bits, seed);
	else
		(void)receive(data + 1, size - 1, bits, seed, NULL, &err);
	return 0;
}

#ifdef KITH_FUZZ_GEN
static void put(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[1024];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (fuzz_write_file(path, p, n))
		FAIL("cannot write '%s'", path);
}

/*
 * A wire-mode input: mode byte, header, the frames.  extra 1: then a frame
 * with the FINAL tag and one more; extra 2: then a frame of type 0 (both
 * are authentic, but net_frame_seal would not make them).
 */
static void wire(const char *dir, const char *name, uint8_t mode,
		 const size_t *sizes, size_t n, int extra)
{
	struct net_frame_tx tx;
	struct crdt_buf w;
	uint8_t hdr[CRDT_STREAM_HEADER_LEN], p[2048];
	size_t i, j;

	crdt_buf_init(&w, 1u << 20);
	if (crdt_buf_put_u8(&w, mode) ||
	    net_frame_tx_init(&tx, frame_key, hdr) ||
	    crdt_buf_put(&w, hdr, sizeof hdr))
		FAIL("cannot start");
	for (i = 0; i < n; i++) {
		for (j = 0; j < sizes[i] && j < sizeof p; j++)
			p[j] = (uint8_t)(i + j);
		if (net_frame_seal(&tx, (uint8_t)(1 + i % 10), p, sizes[i],
				   &w))
			FAIL("cannot seal");
	}
	if (extra) {
		struct crdt_stream *ss = &tx.ss;
		uint8_t pt[3] = { 10, 'e', 'n' }, ct[3 + CRDT_STREAM_ABYTES];
		uint8_t lp[4] = { 0, 0, 0, sizeof ct };

		if (extra == 2)
			pt[0] = 0;
		crdt_stream_push(ss, ct, pt, sizeof pt, extra == 1);
		if (crdt_buf_put(&w, lp, 4) || crdt_buf_put(&w, ct, sizeof ct))
			FAIL("cannot append");
		pt[0] = 10;
		crdt_stream_push(ss, ct, pt, sizeof pt, 0);
		if (crdt_buf_put(&w, lp, 4) || crdt_buf_put(&w, ct, sizeof ct))
			FAIL("cannot append");
	}
	net_frame_tx_release(&tx);
	put(dir, name, w.data, w.len);
	crdt_buf_release(&w);
}

int main(int argc, char **argv)
{
	static const size_t some[] = { 0, 1, 17, 100, 5, 0, 300 };
	static const size_t one[] = { 40 };
	static const size_t big[] = { 2000, 10 };
	static const uint8_t plain[] = {
		0x01 | 3 << 2,			 /* plain, chunks up to 8 */
		1, 0, 5, 'h', 'e', 'l', 'l', 'o', /* type 1 "hello" */
		6, 0, 0,			 /* type 6, empty */
		0, 0, 2, 'x', 'y',		 /* type 0: refused */
		9, 0, 3, 'a', 'b', 'c',
	};
	uint8_t flip[sizeof plain + 3];

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	setup();
	wire(argv[1], "wire-some", 0 | 4 << 2, some, 7, 0);
	wire(argv[1], "wire-bytewise", 0, some, 3, 0);
	wire(argv[1], "wire-one", 0 | 15 << 2, one, 1, 0);
	wire(argv[1], "wire-big", 0 | 10 << 2, big, 2, 0);
	wire(argv[1], "wire-final", 0 | 2 << 2, one, 1, 1);
	wire(argv[1], "wire-type0", 0 | 5 << 2, one, 1, 2);
	put(argv[1], "plain-records", plain, sizeof plain);
	memcpy(flip, plain, sizeof plain);
	flip[0] |= 2;
	memcpy(flip + sizeof plain, "\x00\x30\x04", 3);
	put(argv[1], "plain-flip", flip, sizeof flip);
	printf("fuzz_frame: wrote the corpus into %s\n", argv[1]);
	return 0;
}
#endif
