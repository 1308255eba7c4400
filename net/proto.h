/*
 * proto.h - frame types of a kith session (after the handshake, inside
 * net/frame.h framing).  Payload formats are given where each is built.
 * The numbers are the wire's: a type keeps its number for ever.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_PROTO_H
#define KITH_PROTO_H

#define NET_PROTO_VERSION 1

enum net_msg {
	/* both sides, first: protocol version, vector fingerprint
	 * (net/recon.h); equal fingerprints mean in sync */
	NET_MSG_HELLO = 1,
	/* range-based reconciliation rounds (net/recon.h) */
	NET_MSG_RECON1 = 2, NET_MSG_RECON2 = 3,
	NET_MSG_RECON3 = 4, NET_MSG_RECON4 = 5,
	/* one or more RUN entries of the run stream (crdt/run.h),
	 * applied through the replica's apply path */
	NET_MSG_CHANGES = 6,
	/* receiver -> sender: changes applied up to here (varint count),
	 * the sender's flow-control credit */
	NET_MSG_ACK = 7,
	/* keep-alive */
	NET_MSG_PING = 8, NET_MSG_PONG = 9,
	/* orderly end (varint reason) */
	NET_MSG_BYE = 10,
	/* the sender has sent everything reconciliation found the receiver
	 * lacks (varint count); live pushes follow */
	NET_MSG_SYNCED = 11,
	/* author:32 from:varint - send me this author's log from that seq:
	 * what you sent continues a branch I do not hold (a copied
	 * identity); with the overlap I can judge the fork */
	NET_MSG_RESEND = 12,
	/* everything asked for by one RESEND has been sent (a one-shot sync
	 * waits for it before it ends) */
	NET_MSG_RESENT = 13,
};

#endif
