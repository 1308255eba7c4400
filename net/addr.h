/*
 * addr.h - what kind of address a socket address is, for the parts that
 * listen (net/mdns.c announces only what the LAN can reach; web/server.c
 * tells loopback visitors from the building's).
 */
#ifndef KITH_NET_ADDR_H
#define KITH_NET_ADDR_H

#include <sys/socket.h>

/* 1 when sa is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x.y.z);
 * 0 for any other, for NULL and for a family other than IPv4 and IPv6. */
int net_addr_loopback(const struct sockaddr *sa);

#endif
