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
 * Also, on request (net_mdns_http), a web server of ours: `_http._tcp`
 * (`_https._tcp` when it speaks TLS) on its port with TXT "path=/" (the DNS-SD convention for HTTP), named for
 * people browsing the LAN: "kith – WHAT (HOST)", HOST avahi's host name.
 * It has an entry group of its own (a name taken on the LAN moves it to
 * "... #2" without touching the kith service) and is announced on every
 * interface avahi serves, like the kith service.  A server listening on
 * loopback only (127.0.0.0/8, ::1, ::ffff:127.x) is never announced.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_MDNS_H
#define KITH_MDNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

/* A service name is one DNS label: at most 63 bytes of UTF-8. */
#define NET_MDNS_NAME_MAX 63
/* Bytes of the host name kept in an HTTP service's name. */
#define NET_MDNS_HOST_SHOW 24

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

/* Also announce the HTTP server listening at sa (its port), named for
 * what (e.g. the community's name; "" for none), from now until
 * net_mdns_stop, as `_https._tcp` when tls is 1; a second call replaces
 * the first.  Nothing is announced
 * when sa is loopback (net_mdns_lan).  0, KITH_EINVAL or KITH_ENOMEM. */
__attribute__((warn_unused_result)) int
net_mdns_http(struct net_mdns *m, const struct sockaddr *sa, const char *what,
	      int tls);

/* The pure parts, for tests. */
/* 1 when a server listening at sa is reachable from the LAN: an IPv4 or
 * IPv6 address that is not loopback (0.0.0.0 and :: are); else 0. */
int net_mdns_lan(const struct sockaddr *sa);
/* The longest start of s, at most max bytes, that does not split a UTF-8
 * character: its length in bytes. */
size_t net_mdns_cut(const char *s, size_t max);
/* "kith – WHAT (HOST)" into out: HOST's first label (up to the first
 * '.') cut to NET_MDNS_HOST_SHOW bytes, then WHAT cut so that the whole
 * fits NET_MDNS_NAME_MAX bytes; "kith (HOST)" when what is empty, "kith –
 * WHAT" when host is.  Cuts fall on character boundaries. */
void net_mdns_http_name(char out[NET_MDNS_NAME_MAX + 1], const char *what,
			const char *host);

#endif
