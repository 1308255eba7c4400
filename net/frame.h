/*
 * frame.h - encrypted framing of a session after the handshake.
 *
 * Each direction is one crypto_secretstream_xchacha20poly1305 stream under
 * the direction's key from the handshake.  On the wire:
 *
 *   header:24                          (first bytes each side sends)
 *   frame = len:u32be ciphertext(len)  len = plaintext + 17
 *   plaintext = type:u8 payload
 *
 * len is checked against a hard cap (NET_FRAME_MAX payload bytes) before
 * any buffering; a frame that fails authentication, is oversized, out of order
 * or replayed (secretstream's counter) ends the session.
 *
 * net_frame_rx is incremental: feed it whatever bytes arrived, then pull
 * complete frames.  It owns a receive buffer whose size is bounded by the
 * cap; nothing grows past it.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_FRAME_H
#define KITH_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "crdt/codec.h"
#include "crdt/crypto.h"

#define NET_FRAME_MAX (1u << 20) /* payload bytes of one frame (+ type) */
#define NET_FRAME_OVERHEAD (4 + CRDT_STREAM_ABYTES)

struct net_frame_tx {
	struct crdt_stream ss;
};

/* Start the sending stream; writes the 24-byte header to send first. */
__attribute__((warn_unused_result)) int
net_frame_tx_init(struct net_frame_tx *tx, const uint8_t key[CRDT_KEY_LEN],
		  uint8_t header[CRDT_STREAM_HEADER_LEN]);
/* Append one sealed frame (type + payload) to out: KITH_EINVAL for type 0,
 * KITH_ETOOBIG for len > NET_FRAME_MAX or when out is full (out is then
 * unchanged). */
__attribute__((warn_unused_result)) int
net_frame_seal(struct net_frame_tx *tx, uint8_t type, const void *payload,
	       size_t len, struct crdt_buf *out);
void net_frame_tx_release(struct net_frame_tx *tx);

struct net_frame_rx {
	uint8_t key[CRDT_KEY_LEN];
	int have_header;
	struct crdt_stream ss;
	struct crdt_buf in; /* bytes received, not yet a whole frame */
	size_t off;	    /* in.data[0..off) already consumed */
	uint8_t *plain;	    /* NET_FRAME_MAX + 1 bytes, the last frame */
};

__attribute__((warn_unused_result)) int
net_frame_rx_init(struct net_frame_rx *rx, const uint8_t key[CRDT_KEY_LEN]);
void net_frame_rx_release(struct net_frame_rx *rx);
/* Add received bytes (KITH_ETOOBIG if that would exceed one max frame
 * plus header: the caller must pull frames between feeds). */
__attribute__((warn_unused_result)) int
net_frame_feed(struct net_frame_rx *rx, const uint8_t *p, size_t n);
/*
 * Next complete frame: 1 with type, payload and len set (payload valid until
 * the next call), 0 if more bytes are needed, or a negative error:
 * KITH_ETOOBIG (length over the cap), KITH_EDECODE (length too short for a
 * type byte, or type 0), KITH_ECRYPT (forged, reordered, replayed or after
 * the final frame).  After an error every call fails: end the session.
 */
__attribute__((warn_unused_result)) int
net_frame_next(struct net_frame_rx *rx, uint8_t *type, const uint8_t **payload,
	       size_t *len);

#endif
