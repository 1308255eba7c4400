/*
 * mdns.c - LAN discovery with avahi-client (see mdns.h), on the libuv loop
 * through net/avahi_uv.h.
 *
 * The client: avahi_client_new(AVAHI_CLIENT_NO_FAIL).  In S_RUNNING we
 * publish (entry group) and browse; every new service is resolved and its
 * TXT record checked.  When the daemon goes away avahi reports FAILURE with
 * AVAHI_ERR_DISCONNECTED; the client cannot be freed from inside its own
 * callback, so the `retry` timer frees it and makes a new one (which waits
 * in CONNECTING until the daemon is back).  The same timer retries with a
 * backoff when there is no system bus at all, and runs a net_mdns_stop()
 * that was called from inside an avahi callback.
 *
 * Publications: the kith service and, when asked, the HTTP one, each in
 * an entry group of its own (struct pub), so that a collision renames
 * only the one whose name is taken.
 *
 * Lifetime: m->open counts what must close before the struct is freed: the
 * retry timer and the poll.  net_mdns_stop frees every avahi object, which
 * frees its watches and timeouts through the poll, then closes the retry
 * timer and frees the poll; the struct is freed by whichever of their
 * callbacks brings the count to 0.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>

#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "net/addr.h"
#include "net/avahi_uv.h"
#include "net/mdns.h"
#include "net/proto.h"

#define SERVICE_TYPE "_kith._tcp"
#define HTTP_TYPE "_http._tcp"
#define HTTPS_TYPE "_https._tcp"
#define MAX_RESOLVERS 64     /* concurrent resolutions; more are dropped */
#define MAX_RENAMES 16       /* alternative names tried per publication */
#define RETRY_MIN_MS 1000
#define RETRY_MAX_MS 5000   /* a neighbour back on the LAN is found fast */

/* One service we publish, in an entry group of its own. */
struct pub {
	struct net_mdns *m;
	AvahiEntryGroup *group;
	const char *type;
	uint16_t port;
	AvahiStringList *txt;
	char *name; /* avahi_malloc'd; NULL: not chosen yet */
};

struct net_mdns {
	uv_loop_t *loop;
	struct net_avahi_uv *poll;
	uv_timer_t retry;
	struct net_mdns_cb cb;
	uint8_t node[32];
	uint8_t tag[8];
	uint16_t port;
	char txt_v[16], txt_id[3 + 65], txt_c[2 + 17];
	struct pub kith;
	struct pub http;  /* http.port 0: none asked for */
	char *http_what;  /* net_mdns_http's what (malloc'd) */

	AvahiClient *client;
	AvahiServiceBrowser *browser;
	int nresolvers;
	int rebrowse; /* renamed after a collision: browse afresh */

	int open;     /* the retry timer and the poll, until closed */
	int stopping;
	int warned;   /* the "not running" warning was given this outage */
	uint64_t backoff_ms;
};

static void browse(struct net_mdns *m, AvahiClient *c);

static void pub_release(struct pub *p)
{
	avahi_free(p->name);
	p->name = NULL;
	avahi_string_list_free(p->txt);
	p->txt = NULL;
}

static void mdns_free(struct net_mdns *m)
{
	pub_release(&m->kith);
	pub_release(&m->http);
	free(m->http_what);
	free(m);
}

/* Once the retry timer and the poll are both closed. */
static void one_closed(struct net_mdns *m)
{
	if (--m->open > 0)
		return;
	mdns_free(m);
}

/* ---- names ------------------------------------------------------------ */

int net_mdns_lan(const struct sockaddr *sa)
{
	return sa && (sa->sa_family == AF_INET || sa->sa_family == AF_INET6) &&
	       !net_addr_loopback(sa);
}

size_t net_mdns_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	/* back over continuation bytes (10xxxxxx) to the start of the
	 * character that does not fit */
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

void net_mdns_http_name(char out[NET_MDNS_NAME_MAX + 1], const char *what,
			const char *host)
{
	static const char head[] = "kith \xe2\x80\x93 "; /* "kith – " */
	size_t hlen, wlen, room;

	if (!host)
		host = "";
	if (!what)
		what = "";
	hlen = strcspn(host, ".");
	if (hlen > NET_MDNS_HOST_SHOW)
		hlen = net_mdns_cut(host, NET_MDNS_HOST_SHOW);
	else
		hlen = net_mdns_cut(host, hlen);
	/* what gets what is left after "kith – " and " (HOST)" */
	room = NET_MDNS_NAME_MAX - (sizeof head - 1) - (hlen ? hlen + 3 : 0);
	wlen = net_mdns_cut(what, room);
	while (wlen && what[wlen - 1] == ' ')
		wlen--;
	if (wlen && hlen)
		snprintf(out, NET_MDNS_NAME_MAX + 1, "%s%.*s (%.*s)", head,
			 (int)wlen, what, (int)hlen, host);
	else if (wlen)
		snprintf(out, NET_MDNS_NAME_MAX + 1, "%s%.*s", head, (int)wlen,
			 what);
	else if (hlen)
		snprintf(out, NET_MDNS_NAME_MAX + 1, "kith (%.*s)", (int)hlen,
			 host);
	else
		snprintf(out, NET_MDNS_NAME_MAX + 1, "kith");
}

/* ---- publishing ---------------------------------------------------------- */

static int rename_service(struct pub *p)
{
	char *alt = avahi_alternative_service_name(p->name);

	if (!alt)
		return -1;
	avahi_free(p->name);
	p->name = alt;
	return 0;
}

/* The HTTP service's name, once the client knows the host name. */
static int http_name(struct net_mdns *m, AvahiClient *c)
{
	char name[NET_MDNS_NAME_MAX + 1];

	if (m->http.name)
		return 0;
	net_mdns_http_name(name, m->http_what, avahi_client_get_host_name(c));
	m->http.name = avahi_strdup(name);
	return m->http.name ? 0 : -1;
}

/* Add p's service to its empty group and commit it. */
static void publish(struct pub *p)
{
	AvahiEntryGroup *g = p->group;
	int i, r = AVAHI_ERR_COLLISION;

	if (!avahi_entry_group_is_empty(g))
		return;
	for (i = 0; i < MAX_RENAMES && r == AVAHI_ERR_COLLISION; i++) {
		r = avahi_entry_group_add_service_strlst(
			g, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, 0, p->name,
			p->type, NULL, NULL, p->port, p->txt);
		/* a local collision: another service here has the name */
		if (r == AVAHI_ERR_COLLISION && rename_service(p))
			break;
	}
	if (r >= 0)
		r = avahi_entry_group_commit(g);
	if (r < 0)
		log_warnx("cannot publish '%s' on the LAN: %s", p->name,
			  avahi_strerror(r));
}

static void on_group(AvahiEntryGroup *g, AvahiEntryGroupState state,
		     void *userdata)
{
	struct pub *p = userdata;
	struct net_mdns *m = p->m;

	switch (state) {
	case AVAHI_ENTRY_GROUP_ESTABLISHED:
		log_info("published '%s' (%s) on the LAN", p->name, p->type);
		/* While we held the other node's name, its PTR record was
		 * identical to ours and the browser folded the two into one
		 * item (ours, which we ignore); nothing tells us again that
		 * the other one is still there.  Browse afresh. */
		if (p == &m->kith && m->rebrowse && m->browser) {
			m->rebrowse = 0;
			avahi_service_browser_free(m->browser);
			m->browser = NULL;
			browse(m, avahi_entry_group_get_client(g));
		}
		break;
	case AVAHI_ENTRY_GROUP_COLLISION:
		/* someone else on the LAN has the name: take the next one */
		if (rename_service(p))
			break;
		log_info("service name taken on the LAN, trying '%s'",
			 p->name);
		if (p == &m->kith)
			m->rebrowse = 1;
		avahi_entry_group_reset(g);
		publish(p);
		break;
	case AVAHI_ENTRY_GROUP_FAILURE:
		log_warnx("cannot publish '%s' on the LAN: %s", p->name,
			  avahi_strerror(avahi_client_errno(
				  avahi_entry_group_get_client(g))));
		break;
	case AVAHI_ENTRY_GROUP_UNCOMMITED:
	case AVAHI_ENTRY_GROUP_REGISTERING:
		break;
	}
}

/* Make p's group if need be and publish into it. */
static void pub_start(struct pub *p, AvahiClient *c)
{
	if (!p->group)
		p->group = avahi_entry_group_new(c, on_group, p);
	if (p->group)
		publish(p);
	else
		log_warnx("cannot publish on the LAN: %s",
			  avahi_strerror(avahi_client_errno(c)));
}

static void http_start(struct net_mdns *m, AvahiClient *c)
{
	if (!m->http.port)
		return;
	if (http_name(m, c)) {
		log_warnx("cannot publish the web app on the LAN: %s",
			  kith_strerror(KITH_ENOMEM));
		return;
	}
	pub_start(&m->http, c);
}

/* ---- browsing ----------------------------------------------------------- */

/* The value of "key=value" in txt into out (NUL-terminated); 0 or -1. */
static int txt_value(AvahiStringList *txt, const char *key, char *out,
		     size_t cap)
{
	AvahiStringList *l = avahi_string_list_find(txt, key);
	size_t klen = strlen(key), size, vlen;
	const char *text;

	if (!l)
		return -1;
	text = (const char *)avahi_string_list_get_text(l);
	size = avahi_string_list_get_size(l);
	if (size <= klen || text[klen] != '=')
		return -1;
	vlen = size - klen - 1;
	if (vlen >= cap || memchr(text + klen + 1, '\0', vlen))
		return -1;
	memcpy(out, text + klen + 1, vlen);
	out[vlen] = '\0';
	return 0;
}

/* "ip:port" or "[ip]:port"; -1 for link-local IPv6 (no scope to dial). */
static int format_addr(char *out, size_t cap, const AvahiAddress *a,
		       uint16_t port)
{
	char ip[AVAHI_ADDRESS_STR_MAX];

	if (!avahi_address_snprint(ip, sizeof ip, a))
		return -1;
	if (a->proto == AVAHI_PROTO_INET6) {
		if (a->data.ipv6.address[0] == 0xfe &&
		    (a->data.ipv6.address[1] & 0xc0) == 0x80)
			return -1;
		snprintf(out, cap, "[%s]:%u", ip, (unsigned)port);
	} else {
		snprintf(out, cap, "%s:%u", ip, (unsigned)port);
	}
	return 0;
}

static void on_resolve(AvahiServiceResolver *r, AvahiIfIndex iface,
		       AvahiProtocol proto, AvahiResolverEvent event,
		       const char *name, const char *type, const char *domain,
		       const char *host, const AvahiAddress *a, uint16_t port,
		       AvahiStringList *txt, AvahiLookupResultFlags flags,
		       void *userdata)
{
	struct net_mdns *m = userdata;
	char v[16], id[65], c[17], addr[AVAHI_ADDRESS_STR_MAX + 8];
	uint8_t node[32], tag[8];

	(void)iface, (void)proto, (void)type, (void)domain, (void)flags;
	m->nresolvers--;
	if (event != AVAHI_RESOLVER_FOUND) {
		log_debug("cannot resolve '%s' on the LAN: %s", name,
			  avahi_strerror(avahi_client_errno(
				  avahi_service_resolver_get_client(r))));
		goto out;
	}
	if (m->stopping)
		goto out;
	if (txt_value(txt, "v", v, sizeof v) || strcmp(v, m->txt_v + 2)) {
		log_debug("ignoring '%s': not protocol version %s", name,
			  m->txt_v + 2);
		goto out;
	}
	if (txt_value(txt, "id", id, sizeof id) ||
	    crdt_unhex(node, sizeof node, id) ||
	    txt_value(txt, "c", c, sizeof c) ||
	    crdt_unhex(tag, sizeof tag, c)) {
		log_debug("ignoring '%s': malformed TXT record", name);
		goto out;
	}
	/* ids and tags are public (TXT records), compared without an early
	 * exit all the same (house rule) */
	if (crdt_equal(node, m->node, sizeof node))
		goto out; /* ourselves */
	if (!crdt_equal(tag, m->tag, sizeof tag)) {
		log_debug("ignoring '%s': another community", name);
		goto out;
	}
	if (format_addr(addr, sizeof addr, a, port))
		goto out;
	log_debug("resolved '%s' at %s (%s)", name, addr, host);
	if (m->cb.found)
		m->cb.found(m->cb.data, addr, node);
out:
	avahi_service_resolver_free(r);
}

static void on_browse(AvahiServiceBrowser *b, AvahiIfIndex iface,
		      AvahiProtocol proto, AvahiBrowserEvent event,
		      const char *name, const char *type, const char *domain,
		      AvahiLookupResultFlags flags, void *userdata)
{
	struct net_mdns *m = userdata;
	AvahiClient *c = avahi_service_browser_get_client(b);

	(void)flags;
	switch (event) {
	case AVAHI_BROWSER_NEW:
		/* not skipped when flagged OUR_OWN: a colliding name can
		 * carry the flag for the other node's record; our own are
		 * recognised by id after resolving */
		if (m->nresolvers >= MAX_RESOLVERS) {
			log_debug("ignoring '%s': too many services at once",
				  name);
			break;
		}
		if (avahi_service_resolver_new(c, iface, proto, name, type,
					       domain, AVAHI_PROTO_INET, 0,
					       on_resolve, m))
			m->nresolvers++;
		else
			log_debug("cannot resolve '%s': %s", name,
				  avahi_strerror(avahi_client_errno(c)));
		break;
	case AVAHI_BROWSER_REMOVE:
		log_debug("'%s' left the LAN", name);
		break;
	case AVAHI_BROWSER_FAILURE:
		log_warnx("cannot browse the LAN: %s",
			  avahi_strerror(avahi_client_errno(c)));
		break;
	case AVAHI_BROWSER_ALL_FOR_NOW:
	case AVAHI_BROWSER_CACHE_EXHAUSTED:
		break;
	}
}

/* ---- the client --------------------------------------------------------- */

static void warn_not_running(struct net_mdns *m)
{
	if (m->warned)
		return;
	m->warned = 1;
	log_warnx("avahi-daemon is not running; LAN discovery is off until "
		  "it starts, static peers still work");
}

static void on_retry(uv_timer_t *h);

static void schedule_retry(struct net_mdns *m, uint64_t ms)
{
	if (!uv_is_closing((uv_handle_t *)&m->retry))
		uv_timer_start(&m->retry, on_retry, ms, 0);
}

static void browse(struct net_mdns *m, AvahiClient *c)
{
	if (m->browser)
		return;
	m->browser = avahi_service_browser_new(c, AVAHI_IF_UNSPEC,
					       AVAHI_PROTO_INET, SERVICE_TYPE,
					       NULL, 0, on_browse, m);
	if (!m->browser)
		log_warnx("cannot browse the LAN: %s",
			  avahi_strerror(avahi_client_errno(c)));
}

static void client_running(struct net_mdns *m, AvahiClient *c)
{
	m->client = c;
	m->backoff_ms = 0;
	if (m->warned)
		log_info("avahi-daemon is running; LAN discovery is on");
	m->warned = 0;
	pub_start(&m->kith, c);
	http_start(m, c);
	browse(m, c);
}

/* Called with the client being made, from inside avahi_client_new too
 * (m->client is not set yet then). */
static void on_client(AvahiClient *c, AvahiClientState state, void *userdata)
{
	struct net_mdns *m = userdata;
	int e;

	if (m->stopping)
		return;
	switch (state) {
	case AVAHI_CLIENT_S_RUNNING:
		client_running(m, c);
		break;
	case AVAHI_CLIENT_S_COLLISION:
	case AVAHI_CLIENT_S_REGISTERING:
		/* the host name is changing: records come back in RUNNING */
		if (m->kith.group)
			avahi_entry_group_reset(m->kith.group);
		if (m->http.group)
			avahi_entry_group_reset(m->http.group);
		break;
	case AVAHI_CLIENT_CONNECTING:
		warn_not_running(m);
		break;
	case AVAHI_CLIENT_FAILURE:
		/* not from inside the client: a fresh one on the next tick */
		e = avahi_client_errno(c);
		if (e == AVAHI_ERR_DISCONNECTED) {
			log_info("lost avahi-daemon, reconnecting");
			schedule_retry(m, 0);
		} else {
			log_warnx("avahi client failed: %s",
				  avahi_strerror(e));
			if (m->backoff_ms < RETRY_MIN_MS)
				m->backoff_ms = RETRY_MIN_MS;
			schedule_retry(m, m->backoff_ms);
		}
		break;
	}
}

/* Nothing made from a client is held (it is freed, or never was). */
static void client_forget(struct net_mdns *m)
{
	m->browser = NULL;
	m->kith.group = NULL;
	m->http.group = NULL;
	m->client = NULL;
	m->nresolvers = 0;
}

/* Free the client and everything made from it (avahi frees the browser,
 * the group and the resolvers along with the client). */
static void client_drop(struct net_mdns *m)
{
	if (m->browser)
		avahi_service_browser_free(m->browser);
	if (m->kith.group)
		avahi_entry_group_free(m->kith.group);
	if (m->http.group)
		avahi_entry_group_free(m->http.group);
	if (m->client)
		avahi_client_free(m->client);
	client_forget(m);
}

static void client_connect(struct net_mdns *m)
{
	AvahiClient *c;
	int err = 0;

	client_drop(m);
	c = avahi_client_new(net_avahi_uv_api(m->poll), AVAHI_CLIENT_NO_FAIL,
			     on_client, m, &err);
	if (c) {
		m->client = c;
		return;
	}
	/* no system bus (or worse): whatever the callback saw is freed */
	client_forget(m);
	if (err == AVAHI_ERR_NO_DAEMON || err == AVAHI_ERR_DBUS_ERROR)
		warn_not_running(m);
	else
		log_warnx("cannot start LAN discovery: %s",
			  avahi_strerror(err));
	m->backoff_ms = m->backoff_ms ? m->backoff_ms * 2 : RETRY_MIN_MS;
	if (m->backoff_ms > RETRY_MAX_MS)
		m->backoff_ms = RETRY_MAX_MS;
	log_debug("cannot reach avahi: %s; retrying in %llu ms",
		  avahi_strerror(err), (unsigned long long)m->backoff_ms);
	schedule_retry(m, m->backoff_ms);
}

static void on_retry_close(uv_handle_t *h)
{
	one_closed(h->data);
}

static void on_poll_freed(void *data)
{
	one_closed(data);
}

static void teardown(struct net_mdns *m)
{
	struct net_avahi_uv *p = m->poll;

	client_drop(m);
	if (!uv_is_closing((uv_handle_t *)&m->retry))
		uv_close((uv_handle_t *)&m->retry, on_retry_close);
	m->poll = NULL;
	net_avahi_uv_free(p, on_poll_freed, m);
}

static void on_retry(uv_timer_t *h)
{
	struct net_mdns *m = h->data;

	if (m->stopping)
		teardown(m);
	else
		client_connect(m);
}
/* ---- public ------------------------------------------------------------- */

int net_mdns_start(struct net_mdns **out, uv_loop_t *loop,
		   const uint8_t node[32], const uint8_t tag[8], uint16_t port,
		   const struct net_mdns_cb *cb)
{
	struct net_mdns *m;
	char id[65], c[17];
	int rc;

	*out = NULL;
	if (!loop || !node || !tag || !cb)
		return KITH_EINVAL;
	m = calloc(1, sizeof *m);
	if (!m)
		return KITH_ENOMEM;
	m->loop = loop;
	m->cb = *cb;
	memcpy(m->node, node, sizeof m->node);
	memcpy(m->tag, tag, sizeof m->tag);
	m->port = port;
	crdt_hex(id, node, 32);
	crdt_hex(c, tag, 8);
	snprintf(m->txt_v, sizeof m->txt_v, "v=%d", NET_PROTO_VERSION);
	snprintf(m->txt_id, sizeof m->txt_id, "id=%s", id);
	snprintf(m->txt_c, sizeof m->txt_c, "c=%s", c);
	id[8] = '\0';
	m->kith.m = m;
	m->kith.type = SERVICE_TYPE;
	m->kith.port = port;
	m->http.m = m;
	m->http.type = HTTP_TYPE;
	rc = KITH_ENOMEM;
	m->kith.name = avahi_strdup_printf("kith-%s", id);
	m->kith.txt = avahi_string_list_new(m->txt_v, m->txt_id, m->txt_c,
					    NULL);
	m->http.txt = avahi_string_list_new("path=/", NULL);
	if (!m->kith.name || !m->kith.txt || !m->http.txt)
		goto fail;
	rc = net_avahi_uv_new(&m->poll, loop);
	if (rc)
		goto fail;
	/* last: from here on, freeing waits for close callbacks */
	rc = uv_timer_init(loop, &m->retry);
	if (rc)
		goto fail;
	m->retry.data = m;
	m->open = 2;
	client_connect(m);
	*out = m;
	return 0;
fail:
	if (m->poll) /* no handle open yet: freed at once */
		net_avahi_uv_free(m->poll, NULL, NULL);
	mdns_free(m);
	return rc;
}

void net_mdns_stop(struct net_mdns *m)
{
	if (!m || m->stopping)
		return;
	m->stopping = 1;
	/* from inside an avahi callback: next tick */
	if (net_avahi_uv_dispatching(m->poll))
		schedule_retry(m, 0);
	else
		teardown(m);
}

int net_mdns_http(struct net_mdns *m, const struct sockaddr *sa,
		  const char *what, int tls)
{
	uint16_t port;
	char *w;

	if (!m || !sa || !what)
		return KITH_EINVAL;
	if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
		return KITH_EINVAL;
	port = ntohs(sa->sa_family == AF_INET
			     ? ((const struct sockaddr_in *)sa)->sin_port
			     : ((const struct sockaddr_in6 *)sa)->sin6_port);
	if (!port)
		return KITH_EINVAL;
	if (!net_mdns_lan(sa)) {
		log_debug("HTTP on loopback only: not announced on the LAN");
		return 0;
	}
	w = strdup(what);
	if (!w)
		return KITH_ENOMEM;
	free(m->http_what);
	m->http_what = w;
	if (m->http.group) {
		avahi_entry_group_free(m->http.group);
		m->http.group = NULL;
	}
	avahi_free(m->http.name);
	m->http.name = NULL;
	m->http.port = port;
	m->http.type = tls ? HTTPS_TYPE : HTTP_TYPE;
	if (m->client && !m->stopping &&
	    avahi_client_get_state(m->client) == AVAHI_CLIENT_S_RUNNING)
		http_start(m, m->client);
	return 0;
}
