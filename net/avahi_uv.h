/*
 * avahi_uv.h - avahi's AvahiPoll interface on a libuv loop: whatever uses
 * avahi-client (net/mdns.h) runs its watches and timeouts on the loop that
 * runs everything else, with no thread of its own.
 *
 *   - a watch is a uv_poll_t.  libuv allows one uv_poll_t per file
 *     descriptor and loop (a second uv_poll_init on the same fd fails with
 *     UV_EEXIST), while libdbus keeps a read and a write watch on the same
 *     socket, so every fd gets one poll handle, started with the union of
 *     the events of the live watches on it; an event is handed to each
 *     watch that asked for it (errors and hang-ups to all of them).
 *   - a watch freed while watches are being dispatched is only marked dead
 *     and freed after the dispatch (the loop walking the list still holds
 *     it); otherwise at once.  An fd's poll handle is closed when its last
 *     watch goes.
 *   - a timeout is a uv_timer_t.  avahi gives absolute gettimeofday()
 *     times; one in the past fires on the next loop iteration.
 *
 * Ownership: net_avahi_uv_new() allocates; every handle is embedded in a
 * struct of this module and freed in its close callback.  The owner frees
 * every avahi object made with the poll (the client, which takes its
 * browsers, groups and resolvers with it) before net_avahi_uv_free(); the
 * poll itself is freed once its last handle has closed, and then says so
 * through the done callback.  A watch avahi never freed keeps the poll
 * alive (and is reported).  So a loop that ran to its end after
 * net_avahi_uv_free() closes cleanly: uv_loop_close() == 0.
 *
 * Avahi's callbacks run from inside the dispatch (net_avahi_uv_dispatching()
 * is then non-zero).  avahi-client must not be freed from inside its own
 * callbacks: defer that to a timer of the owner's.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_AVAHI_UV_H
#define KITH_AVAHI_UV_H

#include <avahi-common/watch.h>
#include <uv.h>

struct net_avahi_uv;

/* A poll on loop; KITH_ENOMEM.  Opens no libuv handle yet. */
__attribute__((warn_unused_result)) int
net_avahi_uv_new(struct net_avahi_uv **out, uv_loop_t *loop);

/* The AvahiPoll to hand to avahi_client_new(); valid until freed. */
const AvahiPoll *net_avahi_uv_api(struct net_avahi_uv *p);

/* Non-zero while an avahi callback runs from this poll's dispatch. */
int net_avahi_uv_dispatching(const struct net_avahi_uv *p);

/* Free the poll (once) after the avahi objects using it.  done(data)
 * (done may be NULL) runs when the last handle has closed: from a close
 * callback of the loop, or at once when no handle was open.  p must not
 * be used after this call (but avahi may still free a watch it kept). */
void net_avahi_uv_free(struct net_avahi_uv *p, void (*done)(void *data),
		       void *data);

#endif
