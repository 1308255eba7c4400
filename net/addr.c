/*
 * addr.c - kinds of socket addresses (see addr.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "addr.h"

int net_addr_loopback(const struct sockaddr *sa)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0,
					      0, 0, 0, 0, 0xff, 0xff };
	const struct sockaddr_in *v4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)sa;
	const uint8_t *b;

	if (!sa)
		return 0;
	if (sa->sa_family == AF_INET)
		return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family != AF_INET6)
		return 0;
	b = v6->sin6_addr.s6_addr;
	/* an address prefix, compared: ::ffff:0:0/96 holds IPv4 */
	return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr) ||
	       (!memcmp(b, v4mapped, sizeof v4mapped) && b[12] == 127);
}
