/*
 * test_action_community.c - community create, invite and join
 * (action/community.h): every refusal with its message and nothing
 * written (no key file, no change), every success, and that founding a
 * community gives no "not joined" warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/community.h"
#include "action/member.h"
#include "crdt/codec.h"
#include "tests/testlib.h"

static int warnings;

static void count_warning(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
	warnings++;
}

static void close_free(void *p)
{
	struct action *a = p;

	(void)action_close(a);
	free(a);
}

/* A data directory DIR/name with an identity and a profile (kith init),
 * no community; with no name, no identity either. */
static struct action *newcomer(struct tl_fixture *f, const char *dir_name,
			       const char *name)
{
	struct action *a = calloc(1, sizeof *a);
	struct action_profile p = { name, 0, 0, 0, 0 };
	uint8_t id[CRDT_PK_LEN];
	char dir[TL_PATH_MAX + 64];

	TL_CHECK(a != NULL, "out of memory");
	action_init(a, TL_EPOCH_MS);
	tl_defer(f, close_free, a);
	tl_path(f, dir_name, dir, sizeof dir);
	TL_OK(action_open(a, dir, ACTION_CREATE));
	a->warn = count_warning;
	if (name)
		TL_OK(action_member_init(a, &p, id));
	return a;
}

static int has_community_file(struct action *a)
{
	struct peer_community com;
	int rc = peer_community_load(a->home, &com);

	peer_community_wipe(&com);
	return rc == 0;
}

/* ---- create --------------------------------------------------------------- */

static void create_founds_a_community(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = newcomer(f, "olga", "Olga");
	struct action_community info;
	char code[PEER_INVITE_MAX], code2[PEER_INVITE_MAX];
	struct peer_community com;

	warnings = 0;
	TL_OK(action_community_create(a, "Oak Lane", &info, code, sizeof code));
	TL_EQ(warnings, 0, "founding gives no 'not joined' warning");
	TL_CHECK(!strncmp(code, "kith1", 5), "an invite code: '%s'", code);
	TL_CHECK(!strcmp(info.name, "Oak Lane"), "name: '%s'", info.name);
	TL_EQ(strlen(info.id), 16, "a 16-character community id");
	TL_CHECK(a->joined && a->have_community, "joined and known");
	TL_CHECK(!memcmp(a->creator, a->r.id.pk, CRDT_PK_LEN),
		 "the founder is the creator");
	TL_OK(action_require_role(a, CRDT_ROLE_COORDINATOR,
				  "only coordinators can grant roles"));
	TL_EQ(tl_changes(a), 2, "profile and genesis record");
	TL_OK(peer_community_load(a->home, &com));
	TL_EQ(com.version, 2, "a community with a genesis id");
	peer_community_wipe(&com);
	/* the code decodes to the same community */
	TL_OK(peer_invite_decode(code, &com));
	TL_CHECK(!strcmp(com.name, "Oak Lane"), "decoded name");
	peer_community_wipe(&com);
	TL_OK(action_community_invite(a, &info, code2, sizeof code2));
	TL_CHECK(!strcmp(code, code2), "invite gives the same code");
	crdt_wipe(code, sizeof code);
	crdt_wipe(code2, sizeof code2);
}

static void create_refusals(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *n = newcomer(f, "nora", "Nora");
	struct action *nobody = newcomer(f, "nobody", NULL);
	struct action_community info;
	char code[PEER_INVITE_MAX], name[PEER_NAME_MAX + 2];
	char digest[65], digest2[65];
	int64_t before = tl_changes(alice);

	memset(name, 'x', PEER_NAME_MAX + 1);
	name[PEER_NAME_MAX + 1] = 0;
	TL_RC(action_community_create(n, "", &info, code, sizeof code),
	      KITH_EINVAL);
	TL_CHECK(strstr(n->msg, "a community needs a name") != NULL, "'%s'",
		 n->msg);
	TL_RC(action_community_create(n, name, &info, code, sizeof code),
	      KITH_EINVAL);
	TL_CHECK(!strcmp(n->msg, "community name is too long (at most 64 "
				 "bytes)"),
		 "'%s'", n->msg);
	name[PEER_NAME_MAX] = 0; /* exactly the limit is fine later */
	TL_RC(action_community_create(n, "Oak\xff", &info, code, sizeof code),
	      KITH_EINVAL);
	TL_CHECK(strstr(n->msg, "not valid UTF-8") != NULL, "'%s'", n->msg);
	TL_CHECK(!has_community_file(n), "no key file after refusals");
	TL_EQ(tl_changes(n), 1, "only the profile: no genesis record");

	TL_RC(action_community_create(nobody, "Oak", &info, code, sizeof code),
	      KITH_ENOIDENT);
	TL_CHECK(strstr(nobody->msg, "kith init") != NULL, "'%s'",
		 nobody->msg);
	TL_CHECK(!has_community_file(nobody), "no key file");

	TL_OK(tl_digest(&alice->r, digest));
	TL_RC(action_community_create(alice, "Other", &info, code, sizeof code),
	      KITH_EEXISTS);
	TL_CHECK(!strcmp(alice->msg,
			 "this data directory already belongs to the community "
			 "'Test Street'; 'kith community invite' shows its "
			 "invite code"),
		 "'%s'", alice->msg);
	TL_OK(tl_digest(&alice->r, digest2));
	TL_CHECK(!strcmp(digest, digest2), "nothing written");
	TL_EQ(tl_changes(alice), before, "no genesis record");
	TL_OK(action_community_invite(alice, &info, code, sizeof code));
	TL_CHECK(!strcmp(info.name, "Test Street"), "the first is kept");

	TL_OK(action_community_create(n, name, &info, code, sizeof code));
	TL_CHECK(!strcmp(info.name, name), "a name of %d bytes is fine",
		 PEER_NAME_MAX);
	crdt_wipe(code, sizeof code);
}

/* ---- invite --------------------------------------------------------------- */

static void invite_and_refusal(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action *n = newcomer(f, "nora", "Nora");
	struct action_community info, about;
	char a_code[PEER_INVITE_MAX], b_code[PEER_INVITE_MAX];

	TL_OK(action_community_invite(alice, &info, a_code, sizeof a_code));
	TL_CHECK(!strcmp(info.name, "Test Street") && strlen(info.id) == 16,
		 "info: '%s' '%s'", info.name, info.id);
	TL_OK(action_community_invite(bob, &info, b_code, sizeof b_code));
	TL_CHECK(!strcmp(a_code, b_code), "any member passes the same code on");
	/* what to show of it, without a code */
	TL_OK(action_community_about(bob, &about));
	TL_CHECK(!strcmp(about.name, "Test Street") &&
			 !strcmp(about.id, info.id),
		 "about: '%s' '%s'", about.name, about.id);
	TL_RC(action_community_about(n, &about), KITH_ENOCOMMUNITY);
	TL_CHECK(strstr(n->msg, "you have not joined a community") &&
			 !about.name[0],
		 "about without a community: '%s'", n->msg);
	TL_RC(action_community_invite(n, &info, a_code, sizeof a_code),
	      KITH_ENOCOMMUNITY);
	TL_CHECK(!strcmp(n->msg, "you have not joined a community; use 'kith "
				 "community create NAME' or 'kith community "
				 "join CODE'"),
		 "'%s'", n->msg);
	crdt_wipe(a_code, sizeof a_code);
	crdt_wipe(b_code, sizeof b_code);
}

/* ---- join ----------------------------------------------------------------- */

static void join_and_again(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *n = newcomer(f, "nora", "Nora");
	struct action_community info, ainfo;
	char code[PEER_INVITE_MAX], spaced[2 * PEER_INVITE_MAX];
	int again = -1;
	size_t i, o = 0;

	TL_OK(action_community_invite(alice, &ainfo, code, sizeof code));
	/* typed with capitals and dashes */
	for (i = 0; code[i]; i++) {
		if (i && i % 8 == 0)
			spaced[o++] = '-';
		spaced[o++] = (char)(code[i] >= 'a' && code[i] <= 'z'
					     ? code[i] - 32
					     : code[i]);
	}
	spaced[o] = 0;
	TL_OK(action_community_join(n, spaced, &info, &again));
	TL_EQ(again, 0, "a first join");
	TL_CHECK(!strcmp(info.name, "Test Street") &&
			 !strcmp(info.id, ainfo.id),
		 "info: '%s' '%s'", info.name, info.id);
	TL_CHECK(n->joined && has_community_file(n), "joined");
	TL_CHECK(!n->have_community, "the founder is unknown until a sync");
	tl_member_sync(n, alice);
	TL_CHECK(n->have_community &&
			 !memcmp(n->creator, alice->r.id.pk, CRDT_PK_LEN),
		 "after a sync the founder is Alice");

	TL_OK(action_community_join(n, code, &info, &again));
	TL_EQ(again, 1, "joining the same again changes nothing");
	TL_CHECK(!strcmp(info.name, "Test Street"), "'%s'", info.name);
	crdt_wipe(code, sizeof code);
}

/* A code of version v with a right checksum (peer/keystore.h format). */
static void make_code(int v, char *out, size_t cap)
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint8_t raw[1 + 32 + 32 + 1 + 3 + 4];
	size_t n = 0, i, o;
	uint32_t acc = 0;
	int bits = 0;

	raw[n++] = (uint8_t)v;
	memset(raw + n, 7, 64);
	n += 64;
	raw[n++] = 3;
	memcpy(raw + n, "Elm", 3);
	n += 3;
	crdt_hash(raw + n, 4, raw, n);
	n += 4;
	o = (size_t)snprintf(out, cap, "kith1");
	for (i = 0; i < n; i++) {
		acc = acc << 8 | raw[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits)
		out[o++] = b32[(acc << (5 - bits)) & 31];
	out[o] = 0;
}

static void join_refusals(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *n = newcomer(f, "nora", "Nora");
	struct action *olga = newcomer(f, "olga", "Olga");
	struct action *nobody = newcomer(f, "nobody", NULL);
	struct action_community info;
	char code[PEER_INVITE_MAX], bad[PEER_INVITE_MAX];
	char o_code[PEER_INVITE_MAX], o_code2[PEER_INVITE_MAX];
	char huge[3 * PEER_INVITE_MAX];
	char digest[65], digest2[65];
	int again;

	TL_OK(action_community_invite(alice, &info, code, sizeof code));
	TL_OK(tl_digest(&n->r, digest));

	/* one letter changed in the middle */
	snprintf(bad, sizeof bad, "%s", code);
	bad[20] = bad[20] == 'a' ? 'b' : 'a';
	TL_RC(action_community_join(n, bad, &info, &again), KITH_ECHECKSUM);
	TL_CHECK(!strcmp(n->msg, "invite code is mistyped (its checksum does "
				 "not match); check it letter by letter"),
		 "'%s'", n->msg);
	/* cut off */
	bad[40] = 0;
	TL_RC(action_community_join(n, bad, &info, &again), KITH_ECHECKSUM);
	TL_RC(action_community_join(n, "hello", &info, &again), KITH_EDECODE);
	TL_CHECK(!strcmp(n->msg, "that is not a kith invite code (they start "
				 "with 'kith1')"),
		 "'%s'", n->msg);
	memset(huge, 'a', sizeof huge - 1);
	huge[sizeof huge - 1] = 0;
	TL_RC(action_community_join(n, huge, &info, &again), KITH_EDECODE);
	TL_CHECK(strstr(n->msg, "too long") != NULL, "'%s'", n->msg);
	make_code(3, bad, sizeof bad);
	TL_RC(action_community_join(n, bad, &info, &again), KITH_EVERSION);
	TL_CHECK(!strcmp(n->msg, "this invite code was made by a newer kith; "
				 "upgrade kith, then join again"),
		 "'%s'", n->msg);
	TL_CHECK(!has_community_file(n), "no key file after refusals");
	TL_OK(tl_digest(&n->r, digest2));
	TL_CHECK(!strcmp(digest, digest2), "nothing written");

	TL_RC(action_community_join(nobody, code, &info, &again),
	      KITH_ENOIDENT);
	TL_CHECK(strstr(nobody->msg, "kith init") != NULL, "'%s'",
		 nobody->msg);
	TL_CHECK(!has_community_file(nobody), "no key file");

	/* a member of another community */
	TL_OK(action_community_create(olga, "Oak Lane", &info, o_code,
				      sizeof o_code));
	TL_OK(tl_digest(&olga->r, digest));
	TL_RC(action_community_join(olga, code, &info, &again), KITH_EEXISTS);
	TL_CHECK(!strcmp(olga->msg,
			 "this data directory already belongs to another "
			 "community, 'Oak Lane'; use another --home DIR for a "
			 "second one"),
		 "'%s'", olga->msg);
	TL_OK(tl_digest(&olga->r, digest2));
	TL_CHECK(!strcmp(digest, digest2), "nothing written");
	TL_OK(action_community_invite(olga, &info, o_code2, sizeof o_code2));
	TL_CHECK(!strcmp(o_code, o_code2) && !strcmp(info.name, "Oak Lane"),
		 "Olga's community is kept");
	crdt_wipe(code, sizeof code);
	crdt_wipe(o_code, sizeof o_code);
	crdt_wipe(o_code2, sizeof o_code2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
		T(create_founds_a_community),
		T(create_refusals),
		T(invite_and_refusal),
		T(join_and_again),
		T(join_refusals),
#undef T
	};

	return cmocka_run_group_tests(tests, tl_group_setup, NULL);
}
