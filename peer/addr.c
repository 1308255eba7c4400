#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "addr.h"
#include "crdt/err.h"

int peer_parse_addr(const char *s, struct sockaddr_storage *ss, int dflt_port)
{
	char host[256];
	const char *colon, *port = NULL;
	struct addrinfo hints, *res = NULL;
	size_t hl;
	long p;
	char *end;

	memset(ss, 0, sizeof *ss);
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb)
			return KITH_EINVAL;
		hl = (size_t)(rb - s - 1);
		if (hl >= sizeof host)
			return KITH_EINVAL;
		memcpy(host, s + 1, hl);
		host[hl] = 0;
		if (rb[1] == ':')
			port = rb + 2;
		else if (rb[1])
			return KITH_EINVAL;
	} else {
		colon = strrchr(s, ':');
		hl = colon ? (size_t)(colon - s) : strlen(s);
		if (hl >= sizeof host)
			return KITH_EINVAL;
		memcpy(host, s, hl);
		host[hl] = 0;
		if (colon)
			port = colon + 1;
	}
	if (port) {
		p = strtol(port, &end, 10);
		if (!*port || *end || p < 0 || p > 65535)
			return KITH_EINVAL;
	} else {
		if (dflt_port < 0)
			return KITH_EINVAL;
		p = dflt_port;
	}
	if (uv_ip4_addr(host, (int)p, (struct sockaddr_in *)ss) == 0 ||
	    uv_ip6_addr(host, (int)p, (struct sockaddr_in6 *)ss) == 0)
		return 0;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (!*host || getaddrinfo(host, NULL, &hints, &res) || !res)
		return KITH_EINVAL;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)p);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)p);
	freeaddrinfo(res);
	return 0;
}

void peer_addr_str(const struct sockaddr *sa, char *out, size_t cap)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)sa;

		uv_ip6_name(a, ip, sizeof ip);
		snprintf(out, cap, "[%s]:%u", ip, ntohs(a->sin6_port));
	} else {
		const struct sockaddr_in *a = (const void *)sa;

		uv_ip4_name(a, ip, sizeof ip);
		snprintf(out, cap, "%s:%u", ip, ntohs(a->sin_port));
	}
}

int peer_addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}
