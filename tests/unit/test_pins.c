/*
 * test_pins.c - web login PINs: the hashes (crdt/crypto.c
 * crdt_pwhash_str), their files and the login log (peer/pins.c), the
 * PIN rules (action/pin.c action_pin_ok, action_pin_verify), the
 * per-address throttle (web/throttle.c) and the PIN sessions' lifetimes
 * (web/auth.c).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "action/pin.h"
#include "crdt/err.h"
#include "peer/pins.h"
#include "tests/testlib.h"
#include "web/auth.h"
#include "web/throttle.h"

#define F(state) ((struct tl_fixture *)*(state))

/* The cheapest cost libsodium takes: these tests check the format, not
 * the cost. */
static const struct crdt_pwhash_params fast = { CRDT_PWHASH_ARGON2ID13, 1,
						 8192 };

static void hash_round_trip(void **state)
{
	char h[CRDT_PWHASH_STR_LEN];

	(void)state;
	TL_OK(crdt_pwhash_str(h, "123456", 6, &fast));
	TL_CHECK(!strncmp(h, "$argon2id$v=19$", 15),
		 "expected an argon2id string, got '%s'", h);
	TL_OK(crdt_pwhash_str_verify(h, "123456", 6));
	TL_RC(crdt_pwhash_str_verify(h, "123457", 6), KITH_EDENIED);
	TL_RC(crdt_pwhash_str_verify(h, "12345", 5), KITH_EDENIED);
	TL_RC(crdt_pwhash_str_verify("", "123456", 6), KITH_EDENIED);
	TL_RC(crdt_pwhash_str_verify("$argon2i$v=19$m=8,t=1,p=1$AAAA$AAAA",
				     "123456", 6),
	      KITH_EDENIED);
	/* a crafted file asking for 4 TiB or a thousand passes: refused
	 * before any work */
	TL_RC(crdt_pwhash_str_verify("$argon2id$v=19$m=4294967296,t=2,p=1$"
				     "Ii1zjaDK63JQfIjFQIXiYQ$OBMPOFmhScylm46zvQh"
				     "+tyUgrGj8Ft/DK1L3K3EJmGk",
				     "123456", 6),
	      KITH_EDENIED);
	TL_RC(crdt_pwhash_str_verify("$argon2id$v=19$m=65536,t=1000,p=1$"
				     "Ii1zjaDK63JQfIjFQIXiYQ$OBMPOFmhScylm46zvQh"
				     "+tyUgrGj8Ft/DK1L3K3EJmGk",
				     "123456", 6),
	      KITH_EDENIED);
	/* the PIN cost: INTERACTIVE, within what a file may ask */
	TL_CHECK(crdt_pwhash_params_ok(&CRDT_PWHASH_PIN),
		 "expected the PIN cost to be one kith computes");
	TL_CHECK(CRDT_PWHASH_PIN.mem == 64ull * 1024 * 1024,
		 "expected INTERACTIVE's 64 MiB, got %llu",
		 (unsigned long long)CRDT_PWHASH_PIN.mem);
}

static void pin_rules(void **state)
{
	char h[CRDT_PWHASH_STR_LEN];

	(void)state;
	TL_CHECK(action_pin_ok("123456"), "expected 6 digits to pass");
	TL_CHECK(action_pin_ok("123456789012"), "expected 12 digits to pass");
	TL_CHECK(!action_pin_ok("12345"), "expected 5 digits refused");
	TL_CHECK(!action_pin_ok("1234567890123"), "expected 13 refused");
	TL_CHECK(!action_pin_ok("12345a"), "expected a letter refused");
	TL_CHECK(!action_pin_ok(" 123456"), "expected a space refused");
	TL_CHECK(!action_pin_ok("１２３４５６"), "expected wide digits refused");
	TL_CHECK(!action_pin_ok(""), "expected empty refused");
	TL_CHECK(!action_pin_ok(NULL), "expected NULL refused");
	TL_OK(crdt_pwhash_str(h, "654321", 6, &fast));
	TL_OK(action_pin_verify(h, "654321"));
	TL_RC(action_pin_verify(h, "654320"), KITH_EDENIED);
	/* nobody found: refused, after a hash all the same */
	TL_RC(action_pin_verify("", "654321"), KITH_EDENIED);
	TL_RC(action_pin_verify(NULL, "654321"), KITH_EDENIED);
}

static void store(void **state)
{
	struct tl_fixture *f = F(state);
	char h[CRDT_PWHASH_STR_LEN], got[CRDT_PWHASH_STR_LEN], path[4200];
	uint8_t pk[CRDT_PK_LEN], other[CRDT_PK_LEN];
	struct stat st;
	FILE *fp;

	memset(pk, 0xab, sizeof pk);
	memset(other, 0xcd, sizeof other);
	TL_CHECK(!peer_pin_any(f->dir), "expected no PIN in a new directory");
	TL_RC(peer_pin_load(f->dir, pk, got), KITH_ENOTFOUND);
	TL_OK(crdt_pwhash_str(h, "123456", 6, &fast));
	TL_OK(peer_pin_save(f->dir, pk, h));
	TL_CHECK(peer_pin_any(f->dir), "expected a PIN now");
	TL_OK(peer_pin_load(f->dir, pk, got));
	TL_CHECK(!strcmp(got, h), "expected the hash back, got '%s'", got);
	TL_RC(peer_pin_load(f->dir, other, got), KITH_ENOTFOUND);
	snprintf(path, sizeof path, "%s/pins", f->dir);
	TL_CHECK(!stat(path, &st) && (st.st_mode & 0777) == 0700,
		 "expected DIR/pins 0700, got %o", st.st_mode & 0777);
	snprintf(path, sizeof path, "%s/pins/%s", f->dir,
		 "abababababababababababababababababababababababababababababababab");
	TL_CHECK(!stat(path, &st) && (st.st_mode & 0777) == 0600,
		 "expected the PIN file 0600, got %o", st.st_mode & 0777);
	/* replaced whole */
	TL_OK(crdt_pwhash_str(h, "999999", 6, &fast));
	TL_OK(peer_pin_save(f->dir, pk, h));
	TL_OK(peer_pin_load(f->dir, pk, got));
	TL_OK(crdt_pwhash_str_verify(got, "999999", 6));
	TL_RC(crdt_pwhash_str_verify(got, "123456", 6), KITH_EDENIED);
	/* a hash with a newline in it is not stored */
	TL_RC(peer_pin_save(f->dir, pk, "a\nb"), KITH_EINVAL);
	TL_RC(peer_pin_save(f->dir, pk, ""), KITH_EINVAL);
	/* damaged: two lines, or no newline */
	fp = fopen(path, "w");
	TL_CHECK(fp != NULL, "expected to open the PIN file");
	fputs("$argon2id$x\nmore\n", fp);
	fclose(fp);
	TL_RC(peer_pin_load(f->dir, pk, got), KITH_EDECODE);
	TL_CHECK(got[0] == 0, "expected nothing read from a damaged file");
	TL_OK(peer_pin_remove(f->dir, pk));
	TL_RC(peer_pin_remove(f->dir, pk), KITH_ENOTFOUND);
	TL_CHECK(!peer_pin_any(f->dir), "expected no PIN after the remove");
}

static void log_lines(void **state)
{
	struct tl_fixture *f = F(state);
	char path[4200];
	uint8_t *data = NULL;
	size_t len = 0;
	struct stat st;

	TL_OK(peer_pin_log(f->dir, 86400, "login ok member=ab \"A\x1b[2J\""));
	TL_OK(peer_pin_log(f->dir, 86401, "pin set"));
	snprintf(path, sizeof path, "%s/login.log", f->dir);
	TL_OK(tl_read_file(path, &data, &len));
	TL_CHECK(len && !memcmp(data, "1970-01-02T00:00:00Z login ok member=ab "
				      "\"A?[2J\"\n1970-01-02T00:00:01Z pin set\n",
				len),
		 "expected two lines, the escape made '?', got '%.*s'",
		 (int)len, (char *)data);
	free(data);
	TL_CHECK(!stat(path, &st) && (st.st_mode & 0777) == 0600,
		 "expected login.log 0600, got %o", st.st_mode & 0777);
}

static void key_of(const char *ip, uint8_t key[WEB_THROTTLE_KEY])
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof ss);
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;

		v6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, ip, &v6->sin6_addr), 1);
	} else {
		struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;

		v4->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, ip, &v4->sin_addr), 1);
	}
	web_throttle_key((struct sockaddr *)&ss, key);
}

/* One wrong try from key at now (it must be allowed). */
static void wrong(struct web_throttle *t, const uint8_t *key, int64_t now)
{
	int64_t wait;
	int locked;

	TL_OK(web_throttle_begin(t, key, now, &wait, &locked));
	web_throttle_done(t, key, now, 0);
}

static void throttle_delays(void **state)
{
	struct web_throttle *t = calloc(1, sizeof *t);
	uint8_t a[WEB_THROTTLE_KEY], b[WEB_THROTTLE_KEY];
	static const int64_t want[] = { 1, 2, 4, 8, 8, 8, 8, 8, 8 };
	int64_t now = 1000000, wait;
	int locked, i;

	(void)state;
	assert_non_null(t);
	key_of("192.168.1.5", a);
	key_of("192.168.1.6", b);
	for (i = 0; i < 9; i++) {
		wrong(t, a, now);
		TL_RC(web_throttle_begin(t, a, now + want[i] * 1000 - 1, &wait,
					 &locked),
		      KITH_EBUSY);
		TL_CHECK(wait == 1 && !locked,
			 "expected wrong PIN %d to wait %llds, 1 ms left, not "
			 "locked; got %lld ms, locked %d",
			 i + 1, (long long)want[i], (long long)wait, locked);
		/* another address is not slowed down */
		TL_CHECK(web_throttle_wait(t, b, now) == 0,
			 "expected another address to try at once");
		now += want[i] * 1000;
	}
	/* the 10th: locked for 15 minutes */
	wrong(t, a, now);
	TL_RC(web_throttle_begin(t, a, now + 14 * 60 * 1000, &wait, &locked),
	      KITH_EBUSY);
	TL_CHECK(locked && wait == 60 * 1000,
		 "expected a lock with a minute left, got %lld ms, locked %d",
		 (long long)wait, locked);
	TL_OK(web_throttle_begin(t, b, now, &wait, &locked));
	web_throttle_done(t, b, now, 1);
	/* the lock over: a fresh start, one wrong waits 1 s again */
	now += 15 * 60 * 1000;
	wrong(t, a, now);
	TL_CHECK(web_throttle_wait(t, a, now) == 1000,
		 "expected 1 s after the lock, got %lld",
		 (long long)web_throttle_wait(t, a, now));
	/* a right PIN forgets the address */
	now += 1000;
	wrong(t, a, now);
	now += 2000;
	TL_OK(web_throttle_begin(t, a, now, &wait, &locked));
	web_throttle_done(t, a, now, 1);
	TL_CHECK(web_throttle_wait(t, a, now) == 0,
		 "expected no wait after a right PIN");
	wrong(t, a, now);
	TL_CHECK(web_throttle_wait(t, a, now) == 1000,
		 "expected the count started over (1 s)");
	/* 15 minutes without a wrong PIN: forgotten */
	wrong(t, a, now + 1000);
	now += 1000 + 15 * 60 * 1000;
	TL_OK(web_throttle_begin(t, a, now, &wait, &locked));
	web_throttle_done(t, a, now, 0);
	TL_CHECK(web_throttle_wait(t, a, now) == 1000,
		 "expected a month-old mistake not to count");
	free(t);
}

static void throttle_busy_and_keys(void **state)
{
	struct web_throttle *t = calloc(1, sizeof *t);
	uint8_t a[WEB_THROTTLE_KEY], a2[WEB_THROTTLE_KEY], c[WEB_THROTTLE_KEY];
	uint8_t v6[WEB_THROTTLE_KEY], v6b[WEB_THROTTLE_KEY];
	uint8_t v6o[WEB_THROTTLE_KEY], m[WEB_THROTTLE_KEY];
	int64_t wait;
	int locked, i;

	(void)state;
	assert_non_null(t);
	key_of("10.0.0.1", a);
	key_of("10.0.0.1", a2);
	key_of("10.0.0.2", c);
	key_of("2001:db8:1:2::1", v6);
	key_of("2001:db8:1:2:ffff::9", v6b);
	key_of("2001:db8:1:3::1", v6o);
	key_of("::ffff:10.0.0.1", m);
	TL_CHECK(!memcmp(a, a2, sizeof a), "expected one key per address");
	TL_CHECK(memcmp(a, c, sizeof a), "expected two IPv4 keys");
	TL_CHECK(!memcmp(v6, v6b, sizeof v6), "expected one key per /64");
	TL_CHECK(memcmp(v6, v6o, sizeof v6), "expected two /64s");
	TL_CHECK(!memcmp(a, m, sizeof a),
		 "expected a v4-mapped client keyed as its IPv4 address");
	/* one try at a time per address */
	TL_OK(web_throttle_begin(t, a, 0, &wait, &locked));
	TL_RC(web_throttle_begin(t, a, 0, &wait, &locked), KITH_EBUSY);
	TL_OK(web_throttle_begin(t, c, 0, &wait, &locked));
	web_throttle_cancel(t, a);
	TL_OK(web_throttle_begin(t, a, 0, &wait, &locked));
	web_throttle_done(t, a, 0, 0);
	web_throttle_done(t, c, 0, 1);
	/* a flood of addresses: the table stays bounded, and a locked
	 * address is the last thing forgotten */
	for (i = 0; i < 10; i++)
		wrong(t, v6, (int64_t)i * 10000);
	for (i = 0; i < 3 * WEB_THROTTLE_SLOTS; i++) {
		uint8_t k[WEB_THROTTLE_KEY];

		memset(k, 0, sizeof k);
		k[0] = 0x20;
		k[1] = (uint8_t)(i >> 8);
		k[2] = (uint8_t)i;
		wrong(t, k, 200000 + i);
	}
	TL_CHECK(web_throttle_wait(t, v6, 200000) > 0,
		 "expected the locked /64 still locked after a flood of others");
	free(t);
}

static void pin_sessions(void **state)
{
	struct web_auth *a = calloc(1, sizeof *a);
	struct web_session *s, *tok;
	char id[WEB_TOKEN_HEX + 1], tid[WEB_TOKEN_HEX + 1];
	int64_t t0 = 1700000000, now;

	(void)state;
	assert_non_null(a);
	TL_OK(web_auth_init(a, "/nonexistent"));
	TL_OK(web_auth_open(a, t0, 1, &s));
	TL_CHECK(s->pin && !s->acting && !s->fixed,
		 "expected a PIN session acting for nobody");
	memcpy(id, s->id, sizeof id);
	TL_OK(web_auth_open(a, t0, 0, &tok));
	memcpy(tid, tok->id, sizeof tid);
	/* idle 29 minutes: alive; then 31: gone */
	TL_CHECK(web_auth_session(a, id, t0 + 29 * 60) != NULL,
		 "expected a PIN session alive after 29 idle minutes");
	TL_CHECK(web_auth_session(a, id, t0 + 29 * 60 + 31 * 60) == NULL,
		 "expected a PIN session gone after 31 idle minutes");
	TL_CHECK(web_auth_session(a, tid, t0 + 60 * 60) != NULL,
		 "expected a login link's session alive after an idle hour");
	/* busy all day: gone after 12 hours all the same */
	TL_OK(web_auth_open(a, t0, 1, &s));
	memcpy(id, s->id, sizeof id);
	for (now = t0; now < t0 + 12 * 3600; now += 20 * 60)
		TL_CHECK(web_auth_session(a, id, now) != NULL,
			 "expected a busy PIN session alive at +%llds",
			 (long long)(now - t0));
	TL_CHECK(web_auth_session(a, id, t0 + 12 * 3600 + 60) == NULL,
		 "expected a PIN session gone 12 hours after its login");
	web_auth_release(a);
	free(a);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(hash_round_trip),
		T(pin_rules),
		T(store),
		T(log_lines),
		T(throttle_delays),
		T(throttle_busy_and_keys),
		T(pin_sessions),
	};
#undef T

	return cmocka_run_group_tests_name("pins", tests, tl_group_setup, NULL);
}
