/*
 * frame.c - encrypted framing (see frame.h for the wire format).
 *
 * The secretstream itself is crdt/crypto.c's (crdt_stream_*), so this file
 * needs no libsodium call of its own.
 *
 * Receive side states (rx->have_header):
 *   RX_HEADER  waiting for the peer's 24-byte stream header
 *   RX_FRAMES  pulling frames
 *   RX_ENDED   a frame with the FINAL tag arrived: any further byte is an
 *              error
 *   RX_DEAD    an error was returned: every later call returns KITH_ECRYPT
 *              (the session is over; the state no longer holds a key)
 */
#include <stdlib.h>
#include <string.h>

#include "crdt/err.h"
#include "net/frame.h"

enum { RX_HEADER = 0, RX_FRAMES = 1, RX_ENDED = 2, RX_DEAD = 3 };

/* Smallest and largest ciphertext a length prefix may announce. */
#define CT_MIN (1 + CRDT_STREAM_ABYTES)
#define CT_MAX (NET_FRAME_MAX + 1 + CRDT_STREAM_ABYTES)
/* The largest plaintext: type byte + payload. */
#define PT_MAX (NET_FRAME_MAX + 1)
/* The receive buffer: one whole maximal frame, the header, some slack. */
#define RX_LIMIT                                                              \
	(NET_FRAME_MAX + NET_FRAME_OVERHEAD + 64 + CRDT_STREAM_HEADER_LEN)

_Static_assert(4 + CT_MAX <= RX_LIMIT, "a maximal frame fits the buffer");
_Static_assert(CT_MAX <= UINT32_MAX, "length fits its u32 prefix");

static void put_be32(uint8_t p[4], uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t p[4])
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int net_frame_tx_init(struct net_frame_tx *tx, const uint8_t key[CRDT_KEY_LEN],
		      uint8_t header[CRDT_STREAM_HEADER_LEN])
{
	return crdt_stream_push_init(&tx->ss, header, key);
}

int net_frame_seal(struct net_frame_tx *tx, uint8_t type, const void *payload,
		   size_t len, struct crdt_buf *out)
{
	static const uint8_t tag_room[CRDT_STREAM_ABYTES];
	uint8_t hdr[4], *plain = NULL;
	size_t old = out->len;
	int rc;

	if (type == 0)
		return KITH_EINVAL;
	if (len > NET_FRAME_MAX)
		return KITH_ETOOBIG;
	plain = malloc(1 + len);
	if (!plain)
		return KITH_ENOMEM;
	plain[0] = type;
	if (len)
		memcpy(plain + 1, payload, len);
	put_be32(hdr, (uint32_t)(1 + len + CRDT_STREAM_ABYTES));

	/*
	 * Reserve the frame in out (the plaintext only reserves room, of
	 * the right size), then encrypt into it: secretstream does not
	 * promise that in-place encryption works.
	 */
	rc = crdt_buf_put(out, hdr, sizeof hdr);
	if (!rc)
		rc = crdt_buf_put(out, plain, 1 + len);
	if (!rc)
		rc = crdt_buf_put(out, tag_room, sizeof tag_room);
	if (rc) {
		out->len = old;
		goto out;
	}
	crdt_stream_push(&tx->ss, out->data + old + sizeof hdr, plain, 1 + len,
			 0);
out:
	free(plain);
	return rc;
}

void net_frame_tx_release(struct net_frame_tx *tx)
{
	crdt_stream_release(&tx->ss);
}

int net_frame_rx_init(struct net_frame_rx *rx, const uint8_t key[CRDT_KEY_LEN])
{
	memset(rx, 0, sizeof *rx);
	crdt_buf_init(&rx->in, RX_LIMIT);
	rx->plain = malloc(PT_MAX);
	if (!rx->plain) {
		rx->have_header = RX_DEAD;
		return KITH_ENOMEM;
	}
	memcpy(rx->key, key, CRDT_KEY_LEN);
	rx->have_header = RX_HEADER;
	return 0;
}

void net_frame_rx_release(struct net_frame_rx *rx)
{
	crdt_wipe(rx->key, sizeof rx->key);
	crdt_stream_release(&rx->ss);
	crdt_buf_release(&rx->in);
	free(rx->plain);
	rx->plain = NULL;
	rx->have_header = RX_DEAD;
}

/* Drop the first n unread bytes: just move the read offset; the buffer is
 * compacted once per batch of frames (compact), so many small frames in
 * one read cost linear, not quadratic, time. */
static void consume(struct net_frame_rx *rx, size_t n)
{
	rx->off += n;
}

static void compact(struct net_frame_rx *rx)
{
	if (!rx->off)
		return;
	memmove(rx->in.data, rx->in.data + rx->off, rx->in.len - rx->off);
	rx->in.len -= rx->off;
	rx->off = 0;
}

int net_frame_feed(struct net_frame_rx *rx, const uint8_t *p, size_t n)
{
	if (rx->have_header == RX_DEAD)
		return KITH_ECRYPT;
	compact(rx);
	/* over the limit: KITH_ETOOBIG and nothing buffered; the caller may
	 * pull frames and feed again */
	return crdt_buf_put(&rx->in, p, n);
}

static int rx_fail(struct net_frame_rx *rx, int rc)
{
	crdt_wipe(rx->key, sizeof rx->key);
	crdt_stream_release(&rx->ss);
	rx->have_header = RX_DEAD;
	return rc;
}

static int frame_next(struct net_frame_rx *rx, uint8_t *type,
		      const uint8_t **payload, size_t *len)
{
	const uint8_t *in = rx->in.data + rx->off;
	size_t avail = rx->in.len - rx->off;
	uint32_t clen;
	int final = 0;

	switch (rx->have_header) {
	case RX_HEADER:
		if (avail < CRDT_STREAM_HEADER_LEN)
			return 0;
		if (crdt_stream_pull_init(&rx->ss, in, rx->key))
			return rx_fail(rx, KITH_ECRYPT);
		crdt_wipe(rx->key, sizeof rx->key);
		consume(rx, CRDT_STREAM_HEADER_LEN);
		in += CRDT_STREAM_HEADER_LEN;
		avail -= CRDT_STREAM_HEADER_LEN;
		rx->have_header = RX_FRAMES;
		break;
	case RX_FRAMES:
		break;
	case RX_ENDED:
		return avail ? rx_fail(rx, KITH_ECRYPT) : 0;
	default:
		return KITH_ECRYPT;
	}

	if (avail < 4)
		return 0;
	clen = get_be32(in);
	/* checked before waiting for (and buffering) the body */
	if (clen > CT_MAX)
		return rx_fail(rx, KITH_ETOOBIG);
	if (clen < CT_MIN)
		return rx_fail(rx, KITH_EDECODE);
	if (avail - 4 < clen)
		return 0;
	if (crdt_stream_pull(&rx->ss, rx->plain, in + 4, clen, &final))
		return rx_fail(rx, KITH_ECRYPT);
	consume(rx, 4 + (size_t)clen);
	if (rx->plain[0] == 0)
		return rx_fail(rx, KITH_EDECODE);
	if (final)
		rx->have_header = RX_ENDED;
	*type = rx->plain[0];
	*payload = rx->plain + 1;
	*len = clen - CT_MIN;
	return 1;
}

int net_frame_next(struct net_frame_rx *rx, uint8_t *type,
		   const uint8_t **payload, size_t *len)
{
	int rc = frame_next(rx, type, payload, len);

	if (rc == 0)
		compact(rx); /* every complete frame taken */
	return rc;
}
