/*
 * mdns.h - finding neighbours on the LAN with avahi: publish our service
 * `_kith._tcp`, browse for the others and resolve each, and hand the
 * daemon the address of every neighbour of our community.  avahi-client
 * runs on the caller's libuv loop (net/avahi_uv.h; no extra thread).
 *
 * TXT records: "v=<proto version>", "id=<node id, 64 hex>",
 * "c=<community tag, 16 hex>" (crdt_community_tag: a keyed hash, so the key
 * is not revealed).  Services of another community, of another protocol
 * version, or our own are ignored.
 *
 * Without avahi-daemon the module warns once and keeps retrying in the
 * background (AVAHI_CLIENT_NO_FAIL); when the daemon comes back it
 * registers again.  Static peers keep working meanwhile.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_MDNS_H
#define KITH_MDNS_H

#include <stdint.h>
#include <uv.h>

struct net_mdns;

struct net_mdns_cb {
	/* a peer of our community resolved: "ip:port" (IPv6 as "[ip]:port") */
	void (*found)(void *data, const char *addr, const uint8_t node[32]);
	void *data;
};

/* Start publishing our service on port and browsing for others; *out is
 * owned by the caller until net_mdns_stop().  KITH_EINVAL, KITH_ENOMEM or a
 * libuv code, with *out NULL; a missing avahi-daemon is not an error. */
__attribute__((warn_unused_result)) int
net_mdns_start(struct net_mdns **out, uv_loop_t *loop, const uint8_t node[32],
	       const uint8_t tag[8], uint16_t port, const struct net_mdns_cb *cb);
/* Unpublish, free avahi objects and close every libuv handle; the struct
 * is freed once they are closed (the loop then closes cleanly).  Safe from
 * inside the found callback (the work is done on the next tick). */
void net_mdns_stop(struct net_mdns *m);

#endif
