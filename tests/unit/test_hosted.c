/*
 * test_hosted.c - hosted members: the host rule on apply
 * (crdt/rules.c crdt_rules_host_ok, crdt/materialize.c), tried with
 * changes a member crafted and signed by hand; and their keys at rest
 * (peer/hosted.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crdt/err.h"
#include "crdt/rules.h"
#include "peer/hosted.h"
#include "peer/keystore.h"
#include "tests/testlib.h"

#define F(state) ((struct tl_fixture *)*(state))

/* A member's profile change at seq (prev: the hash before, NULL for all
 * zero) with a name and, when host is not NULL, host fields: host_len
 * bytes of host and the signature sig (sig_len bytes). */
static void profile(const struct crdt_identity *id, uint64_t seq,
		    const uint8_t *prev, const char *name, const uint8_t *host,
		    size_t host_len, const uint8_t *sig, size_t sig_len,
		    struct tl_changes *out, uint8_t hash[32])
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	TL_OK(crdt_op_set_text(&op, F_MEMBER_NAME, name));
	if (host) {
		TL_OK(crdt_op_set_bytes(&op, F_MEMBER_HOST, host, host_len));
		TL_OK(crdt_op_set_bytes(&op, F_MEMBER_HOST_SIG, sig, sig_len));
	}
	TL_OK(crdt_op_finish(&op));
	TL_OK(tl_make_change(id, seq, prev, (TL_EPOCH_MS + seq) << 16, &op, 1,
			     out, hash));
}

/* host's signature for member */
static void host_sig(const struct crdt_identity *host,
		     const uint8_t member[32], uint8_t sig[CRDT_SIG_LEN])
{
	uint8_t msg[CRDT_HOST_MSG_LEN];

	crdt_host_message(msg, member);
	crdt_sign(sig, msg, sizeof msg, host);
}

/* The host key of member pk as shown (hex, "" when none) and their name. */
static void shown(struct crdt_replica *r, const uint8_t pk[32], char *host,
		  char *name)
{
	TL_OK(tl_text(r, "SELECT coalesce(lower(hex(host)), '') FROM members"
			 " WHERE id = ?1",
		      pk, 32, host, 65));
	TL_OK(tl_text(r, "SELECT coalesce(name, '') FROM members WHERE id = ?1",
		      pk, 32, name, 64));
}

static void apply_all(struct crdt_replica *r, struct tl_changes *c)
{
	struct crdt_apply_stats st;

	TL_OK(tl_apply(r, c->v, c->n, &st));
}

/* A host who signed: shown on every replica, whatever the order. */
static void signed_host_is_shown(void **state)
{
	struct crdt_identity host, okafor;
	struct tl_changes *c = tl_changes_new(F(state));
	struct crdt_replica *r = tl_open(F(state), "r", 0);
	uint8_t sig[CRDT_SIG_LEN], h1[32];
	char got[65], name[64];

	TL_OK(tl_identity(&host, 10));
	TL_OK(tl_identity(&okafor, 11));
	host_sig(&host, okafor.pk, sig);
	profile(&okafor, 1, NULL, "Mrs Okafor", host.pk, 32, sig, sizeof sig,
		c, h1);
	apply_all(r, c);
	shown(r, okafor.pk, got, name);
	assert_string_equal(got, tl_hex(host.pk, 32));
	assert_string_equal(name, "Mrs Okafor");
	/* rebuilt from the log: the same */
	TL_OK(crdt_store_rebuild(r->store));
	shown(r, okafor.pk, got, name);
	assert_string_equal(got, tl_hex(host.pk, 32));
	crdt_identity_release(&host);
	crdt_identity_release(&okafor);
}

/* Every way a member may try to name a host who did not sign. */
static void crafted_hosts_are_ignored(void **state)
{
	struct crdt_identity host, mallory, other;
	struct crdt_replica *r = tl_open(F(state), "r", 0);
	uint8_t sig[CRDT_SIG_LEN], own[CRDT_SIG_LEN], h1[32], h2[32];
	char got[65], name[64];
	struct {
		const char *what;
		uint64_t seed;
		int kind;
	} cases[] = {
		{ "signed by the member, not the host", 20, 0 },
		{ "the host's signature for someone else", 21, 1 },
		{ "the member as their own host", 22, 2 },
		{ "a signature of 63 bytes", 23, 3 },
		{ "a host but no signature", 24, 4 },
	};
	size_t i;

	TL_OK(tl_identity(&host, 10));
	TL_OK(tl_identity(&other, 12));
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tl_changes *c = tl_changes_new(F(state));
		const uint8_t *h = host.pk;
		size_t sl = CRDT_SIG_LEN;
		uint8_t msg[CRDT_HOST_MSG_LEN];

		TL_OK(tl_identity(&mallory, cases[i].seed));
		crdt_host_message(msg, mallory.pk);
		crdt_sign(own, msg, sizeof msg, &mallory);
		switch (cases[i].kind) {
		case 0:
			memcpy(sig, own, sizeof sig);
			break;
		case 1:
			host_sig(&host, other.pk, sig);
			break;
		case 2:
			h = mallory.pk;
			memcpy(sig, own, sizeof sig);
			break;
		case 3:
			host_sig(&host, mallory.pk, sig);
			sl = CRDT_SIG_LEN - 1;
			break;
		case 4:
			break;
		}
		if (cases[i].kind == 4) {
			struct crdt_op op;

			crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
			TL_OK(crdt_op_set_text(&op, F_MEMBER_NAME, "Mallory"));
			TL_OK(crdt_op_set_bytes(&op, F_MEMBER_HOST, host.pk,
						32));
			TL_OK(crdt_op_finish(&op));
			TL_OK(tl_make_change(&mallory, 1, NULL,
					     (TL_EPOCH_MS + 1) << 16, &op, 1,
					     c, h1));
		} else {
			profile(&mallory, 1, NULL, "Mallory", h, 32, sig, sl,
				c, h1);
		}
		apply_all(r, c);
		shown(r, mallory.pk, got, name);
		if (strcmp(got, "")) {
			fail_msg("%s: host %s shown", cases[i].what, got);
		}
		/* the rest of the profile still counts */
		if (strcmp(name, "Mallory"))
			fail_msg("%s: name '%s'", cases[i].what, name);
		crdt_identity_release(&mallory);
	}
	/* a real signature, but in a later change: the host never changes */
	{
		struct tl_changes *c = tl_changes_new(F(state));

		TL_OK(tl_identity(&mallory, 30));
		profile(&mallory, 1, NULL, "Later", NULL, 0, NULL, 0, c, h1);
		host_sig(&host, mallory.pk, sig);
		profile(&mallory, 2, h1, "Later", host.pk, 32, sig, sizeof sig,
			c, h2);
		apply_all(r, c);
		shown(r, mallory.pk, got, name);
		assert_string_equal(got, "");
		crdt_identity_release(&mallory);
	}
	/* a host key of 31 bytes breaks the member-key rule: the op is
	 * not shown at all */
	{
		struct tl_changes *c = tl_changes_new(F(state));

		TL_OK(tl_identity(&mallory, 31));
		host_sig(&host, mallory.pk, sig);
		profile(&mallory, 1, NULL, "Short", host.pk, 31, sig,
			sizeof sig, c, h1);
		apply_all(r, c);
		assert_int_equal(tl_int(r, "SELECT count(*) FROM members WHERE"
					   " name = 'Short'"),
				 0);
		crdt_identity_release(&mallory);
	}
	crdt_identity_release(&host);
	crdt_identity_release(&other);
}

/* ---- keys at rest ------------------------------------------------------- */

static int count_one(void *ctx, const uint8_t pk[CRDT_PK_LEN])
{
	(void)pk;
	++*(int *)ctx;
	return 0;
}

static void keys_open_only_under_their_host(void **state)
{
	struct crdt_identity host, thief, m1, m2, got;
	char dir[TL_PATH_MAX], other[TL_PATH_MAX], a[TL_PATH_MAX + 80],
		b[TL_PATH_MAX + 80];
	struct crdt_head h = { 0 }, back;
	int n = 0;

	tl_path(F(state), "home", dir, sizeof dir);
	tl_path(F(state), "other", other, sizeof other);
	TL_OK(peer_home_ensure(dir));
	TL_OK(peer_home_ensure(other));
	TL_OK(tl_identity(&host, 40));
	TL_OK(tl_identity(&thief, 41));
	TL_OK(tl_identity(&m1, 42));
	TL_OK(tl_identity(&m2, 43));
	assert_int_equal(peer_hosted_here(dir, m1.pk), 0);
	TL_OK(peer_hosted_save(dir, &host, &m1));
	TL_OK(peer_hosted_save(dir, &host, &m2));
	assert_int_equal(peer_hosted_save(dir, &host, &m1), KITH_EEXISTS);
	assert_int_equal(peer_hosted_here(dir, m1.pk), 1);

	TL_OK(peer_hosted_load(dir, &host, m1.pk, &got));
	assert_memory_equal(got.pk, m1.pk, 32);
	assert_memory_equal(got.sk, m1.sk, CRDT_SK_LEN);
	crdt_identity_release(&got);
	/* another identity's key does not open it */
	assert_int_equal(peer_hosted_load(dir, &thief, m1.pk, &got),
			 KITH_ECRYPT);
	assert_null(got.sk);
	/* a file renamed to another member does not open as them */
	snprintf(a, sizeof a, "%s/hosted/%s", dir, tl_hex(m1.pk, 32));
	snprintf(b, sizeof b, "%s/hosted/%s", dir, tl_hex(m2.pk, 32));
	assert_int_equal(rename(a, b), 0);
	assert_int_equal(peer_hosted_load(dir, &host, m2.pk, &got),
			 KITH_ECRYPT);
	assert_int_equal(peer_hosted_load(dir, &host, m1.pk, &got),
			 KITH_ENOTFOUND);

	/* each hosted member's head is their own file */
	TL_OK(peer_hosted_save(other, &host, &m1));
	h.seq = 7;
	memset(h.hash, 0xab, sizeof h.hash);
	TL_OK(peer_head_save(other, m1.pk, &h));
	TL_OK(peer_head_load(other, m1.pk, &back));
	assert_int_equal(back.seq, 7);
	assert_int_equal(peer_head_load(other, host.pk, &back), KITH_ENOTFOUND);
	snprintf(a, sizeof a, "%s/hosted/%s.head", other, tl_hex(m1.pk, 32));
	assert_int_equal(access(a, F_OK), 0);
	snprintf(a, sizeof a, "%s/head", other);
	assert_int_equal(access(a, F_OK), -1);

	/* listed (the key file, not its head), then forgotten with their
	 * head */
	TL_OK(peer_hosted_each(other, count_one, &n));
	assert_int_equal(n, 1);
	TL_OK(peer_hosted_remove(other, m1.pk));
	assert_int_equal(peer_hosted_here(other, m1.pk), 0);
	snprintf(a, sizeof a, "%s/hosted/%s.head", other, tl_hex(m1.pk, 32));
	assert_int_equal(access(a, F_OK), -1);
	assert_int_equal(peer_hosted_remove(other, m1.pk), KITH_ENOTFOUND);
	crdt_identity_release(&host);
	crdt_identity_release(&thief);
	crdt_identity_release(&m1);
	crdt_identity_release(&m2);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(signed_host_is_shown),
		T(crafted_hosts_are_ignored),
		T(keys_open_only_under_their_host),
	};
#undef T

	return cmocka_run_group_tests_name("hosted", tests, tl_group_setup,
					   NULL);
}
