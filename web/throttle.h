/*
 * throttle.h - how fast one address may try PINs at the web login
 * (web/login.c): the guesses a PIN must outlast are counted here.
 *
 * Per address, never per member: wrong PINs slow down and then lock the
 * address that sends them, and nobody else - a neighbour who guesses at
 * Mrs Okafor's PIN from his phone never locks her out of her own account
 * on hers.  An address is an IPv4 address, or the /64 an IPv6 address is
 * in (a device picks addresses in its /64 at will).
 *
 * After the n-th wrong PIN in a row (n = 1..WEB_THROTTLE_LOCK_AFTER-1)
 * the address waits 2^(n-1) seconds, at most WEB_THROTTLE_DELAY_MAX_S
 * (1, 2, 4, 8, 8, ...) before it may try again; after the
 * WEB_THROTTLE_LOCK_AFTER-th it is locked for WEB_THROTTLE_LOCK_S.  A
 * try before its time is refused (429) without being counted or hashed.
 * A right PIN forgets the address; so does WEB_THROTTLE_LOCK_S without a
 * wrong one (a mistyped PIN last month does not count today).  One try
 * at a time per address: while its PIN is being checked, another from
 * the same address is refused too, so a burst of guesses cannot slip in
 * before the first is counted.
 *
 * The table holds WEB_THROTTLE_SLOTS addresses; a new one takes a free
 * slot, else the one with nothing against it seen longest ago, else the
 * one not locked seen longest ago, else the one seen longest ago (never
 * one being checked): a flood of addresses can push out a lock only
 * when every slot holds one.
 *
 * Time is milliseconds from any steady clock, passed in (tests choose
 * it).  The table is plain memory, embedded in its owner; zeroed = empty.
 */
#ifndef KITH_WEB_THROTTLE_H
#define KITH_WEB_THROTTLE_H

#include <stdint.h>
#include <sys/socket.h>

#define WEB_THROTTLE_SLOTS 1024
#define WEB_THROTTLE_LOCK_AFTER 10
#define WEB_THROTTLE_LOCK_S (15 * 60)
#define WEB_THROTTLE_DELAY_MAX_S 8
#define WEB_THROTTLE_KEY 16

struct web_throttle_slot {
	uint8_t key[WEB_THROTTLE_KEY];
	int used;
	int busy;	 /* a PIN from it is being checked */
	unsigned fails;	 /* wrong PINs in a row */
	int64_t until;	 /* ms: no try before */
	int64_t last;	 /* ms: last seen */
};

struct web_throttle {
	struct web_throttle_slot s[WEB_THROTTLE_SLOTS];
};

/* The address of sa as the table keys it (zeros for a family it does
 * not know: all such share one slot). */
void web_throttle_key(const struct sockaddr *sa,
		      uint8_t key[WEB_THROTTLE_KEY]);

/* May key try a PIN at now?  0: yes, and it is marked busy until
 * web_throttle_done; KITH_EBUSY: not yet, *wait_ms says how long (for a
 * try already being checked: 1000); *locked 1 when it is locked. */
__attribute__((warn_unused_result)) int
web_throttle_begin(struct web_throttle *t, const uint8_t key[WEB_THROTTLE_KEY],
		   int64_t now, int64_t *wait_ms, int *locked);
/* key's try is over: ok (the right PIN) forgets key, else it counts. */
void web_throttle_done(struct web_throttle *t,
		       const uint8_t key[WEB_THROTTLE_KEY], int64_t now, int ok);
/* key's try never happened (it could not be checked): not counted. */
void web_throttle_cancel(struct web_throttle *t,
			 const uint8_t key[WEB_THROTTLE_KEY]);
/* Without a try: how long key must still wait (0: it may try). */
int64_t web_throttle_wait(const struct web_throttle *t,
			  const uint8_t key[WEB_THROTTLE_KEY], int64_t now);

#endif
