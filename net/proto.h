/*
 * proto.h - frame types of a kith session (after the handshake, inside
 * net/frame.h framing).  Payload formats are given where each is built.
 *
 *   HELLO      both sides, first: protocol version, vector fingerprint
 *              (net/recon.h); equal fingerprints mean in sync
 *   RECON1..4  range-based reconciliation rounds (net/recon.h)
 *   CHANGES    one or more RUN entries of the run stream
 *              (crdt/run.h), applied through the replica's apply path
 *   ACK        receiver -> sender: changes applied up to here (varint
 *              count), the sender's flow-control credit
 *   PING/PONG  keep-alive
 *   BYE        orderly end (varint reason)
 *   RESEND     author:32 from:varint - send me this author's log from that
 *              seq: what you sent continues a branch I do not hold (a
 *              copied identity); with the overlap I can judge the fork
 *   RESENT     everything asked for by one RESEND has been sent (a one-shot
 *              sync waits for it before it ends)
 *   SYNCED     the sender has sent everything reconciliation found the
 *              receiver lacks (varint count); live pushes follow
 */
#ifndef KITH_PROTO_H
#define KITH_PROTO_H

#define NET_PROTO_VERSION 1

enum net_msg {
	NET_MSG_HELLO = 1,
	NET_MSG_RECON1 = 2,
	NET_MSG_RECON2 = 3,
	NET_MSG_RECON3 = 4,
	NET_MSG_RECON4 = 5,
	NET_MSG_CHANGES = 6,
	NET_MSG_ACK = 7,
	NET_MSG_PING = 8,
	NET_MSG_PONG = 9,
	NET_MSG_BYE = 10,
	NET_MSG_SYNCED = 11,
	NET_MSG_RESEND = 12,
	NET_MSG_RESENT = 13,
};

#endif
