/*
 * addr.h - peer addresses as people write them, and back.
 *
 * An address is "1.2.3.4:5", "[::1]:5" or "host:5"; without ":PORT" the
 * caller's default port applies (or the address is refused, when the
 * caller has none).  A host name is resolved once, when parsed
 * (getaddrinfo, the first answer); the daemon and `kith sync` then dial
 * that socket address.  Written back, an address is "IP:PORT" or
 * "[IPv6]:PORT", the form `kith status` and the logs show.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_ADDR_H
#define KITH_ADDR_H

#include <stddef.h>
#include <sys/socket.h>

#define PEER_DEFAULT_PORT 7473

/* Parse s into ss; dflt_port < 0: a port is required.  Port 0 is allowed
 * (listen on any free port).  KITH_EINVAL when s is not an address. */
__attribute__((warn_unused_result)) int
peer_parse_addr(const char *s, struct sockaddr_storage *ss, int dflt_port);
/* "IP:PORT" or "[IPv6]:PORT" of sa into out (cap bytes, always ended). */
void peer_addr_str(const struct sockaddr *sa, char *out, size_t cap);
/* The port of an IPv4 or IPv6 socket address. */
int peer_addr_port(const struct sockaddr_storage *ss);

#endif
