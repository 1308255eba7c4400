/*
 * throttle.c - wrong PINs slow down the address that sends them (see
 * throttle.h).
 */
#include <netinet/in.h>
#include <string.h>

#include "crdt/err.h"
#include "throttle.h"

void web_throttle_key(const struct sockaddr *sa, uint8_t key[WEB_THROTTLE_KEY])
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0,
					      0, 0, 0, 0, 0xff, 0xff };
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_in *v4 = (const struct sockaddr_in *)sa;

	memset(key, 0, WEB_THROTTLE_KEY);
	if (sa && sa->sa_family == AF_INET) {
		memcpy(key, v4mapped, sizeof v4mapped);
		memcpy(key + 12, &v4->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		const uint8_t *b = v6->sin6_addr.s6_addr;

		/* an IPv4 client of a dual-stack socket: its whole address */
		memcpy(key, b, memcmp(b, v4mapped, sizeof v4mapped) ? 8 : 16);
	}
}

static struct web_throttle_slot *find(const struct web_throttle *t,
				      const uint8_t key[WEB_THROTTLE_KEY])
{
	size_t i;

	for (i = 0; i < WEB_THROTTLE_SLOTS; i++)
		if (t->s[i].used && !memcmp(t->s[i].key, key, WEB_THROTTLE_KEY))
			return (struct web_throttle_slot *)&t->s[i];
	return NULL;
}

/* Nothing against it any more: no wrong PIN for WEB_THROTTLE_LOCK_S and
 * no lock running. */
static int spent(const struct web_throttle_slot *s, int64_t now)
{
	return !s->busy && now >= s->until &&
	       now - s->last >= (int64_t)WEB_THROTTLE_LOCK_S * 1000;
}

static struct web_throttle_slot *take(struct web_throttle *t, int64_t now)
{
	struct web_throttle_slot *idle = NULL, *open = NULL, *old = NULL;
	size_t i;

	for (i = 0; i < WEB_THROTTLE_SLOTS; i++) {
		struct web_throttle_slot *s = &t->s[i];

		if (!s->used)
			return s;
		if (s->busy)
			continue;
		if ((!s->fails || spent(s, now)) &&
		    (!idle || s->last < idle->last))
			idle = s;
		if (s->fails < WEB_THROTTLE_LOCK_AFTER &&
		    (!open || s->last < open->last))
			open = s;
		if (!old || s->last < old->last)
			old = s;
	}
	return idle ? idle : open ? open : old;
}

int64_t web_throttle_wait(const struct web_throttle *t,
			  const uint8_t key[WEB_THROTTLE_KEY], int64_t now)
{
	const struct web_throttle_slot *s = find(t, key);

	if (!s || spent(s, now))
		return 0;
	if (s->busy)
		return 1000;
	return s->until > now ? s->until - now : 0;
}

int web_throttle_begin(struct web_throttle *t,
		       const uint8_t key[WEB_THROTTLE_KEY], int64_t now,
		       int64_t *wait_ms, int *locked)
{
	struct web_throttle_slot *s = find(t, key);

	*wait_ms = 0;
	*locked = 0;
	if (s && spent(s, now)) {
		s->fails = 0;
		s->until = 0;
	}
	if (s && (s->busy || s->until > now)) {
		*wait_ms = s->busy ? 1000 : s->until - now;
		*locked = s->fails >= WEB_THROTTLE_LOCK_AFTER;
		return KITH_EBUSY;
	}
	if (!s) {
		s = take(t, now);
		if (!s || s->busy) { /* every slot is being checked */
			*wait_ms = 1000;
			return KITH_EBUSY;
		}
		memset(s, 0, sizeof *s);
		s->used = 1;
		memcpy(s->key, key, WEB_THROTTLE_KEY);
	}
	s->busy = 1;
	s->last = now;
	return 0;
}

void web_throttle_done(struct web_throttle *t,
		       const uint8_t key[WEB_THROTTLE_KEY], int64_t now, int ok)
{
	struct web_throttle_slot *s = find(t, key);
	int64_t delay;

	if (!s)
		return;
	s->busy = 0;
	s->last = now;
	if (ok) {
		memset(s, 0, sizeof *s);
		return;
	}
	s->fails++;
	if (s->fails >= WEB_THROTTLE_LOCK_AFTER) {
		s->until = now + (int64_t)WEB_THROTTLE_LOCK_S * 1000;
		return;
	}
	delay = (int64_t)1 << (s->fails - 1 < 10 ? s->fails - 1 : 10);
	if (delay > WEB_THROTTLE_DELAY_MAX_S)
		delay = WEB_THROTTLE_DELAY_MAX_S;
	s->until = now + delay * 1000;
}

void web_throttle_cancel(struct web_throttle *t,
			 const uint8_t key[WEB_THROTTLE_KEY])
{
	struct web_throttle_slot *s = find(t, key);

	if (s)
		s->busy = 0;
}
