/*
 * test_backup.c - backups (peer/backup.c, action/backup.c, and the
 * passphrase key of crdt/crypto.c): the file round trip; a wrong
 * passphrase, every changed byte, every cut length, a later version or
 * passphrase scheme and a cost out of range refused; restoring only into
 * a data directory without an identity or another community, heads and
 * hosted keys put back, a restore cut short run again; and the whole way
 * through action/: a member with a hosted neighbour backs up (at the
 * product's cost), a new machine restores, writing is refused until the
 * member's own changes arrive, then goes on with the next seq.
 *
 * The file tests use the lowest cost libsodium allows (passed in, as a
 * later kith could store any cost in a file): a few thousand openings
 * take a second.  Only the test through action/ pays the real cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "action/backup.h"
#include "action/hosted.h"
#include "action/member.h"
#include "crdt/err.h"
#include "peer/backup.h"
#include "peer/hosted.h"
#include "peer/keystore.h"
#include "tests/testlib.h"

#define F(state) ((struct tl_fixture *)*(state))
#define PASS "correct horse battery"

/* The cheapest cost: the file logic, not Argon2, is under test here. */
static const struct crdt_pwhash_params cheap = { CRDT_PWHASH_ARGON2ID13, 1,
						 8192 };

static const char community[] =
	"kith-community 1\nname Elm Street\nkey "
	"0101010101010101010101010101010101010101010101010101010101010101\n"
	"genesis "
	"0202020202020202020202020202020202020202020202020202020202020202\n";

/* A backup of identity 1 (head 7) hosting identities 2 and 3. */
static void sample(struct peer_backup *b)
{
	struct crdt_identity id;
	struct crdt_head h;
	int i;

	peer_backup_init(b);
	for (i = 1; i <= 3; i++) {
		TL_OK(tl_identity(&id, (uint64_t)i));
		h.seq = (uint64_t)(i == 1 ? 7 : i);
		memset(h.hash, 0x40 + i, sizeof h.hash);
		if (i == 1)
			peer_backup_set_self(b, &id, &h);
		else
			TL_OK(peer_backup_add_hosted(b, &id, &h));
		crdt_identity_release(&id);
	}
	memcpy(b->community, community, sizeof community - 1);
	b->community_len = sizeof community - 1;
}

static void seal(const struct peer_backup *b, uint8_t **out, size_t *len)
{
	uint8_t rnd[PEER_BACKUP_RANDOM_LEN];

	memset(rnd, 0x77, sizeof rnd);
	TL_OK(peer_backup_seal(b, PASS, strlen(PASS), &cheap, rnd, out, len));
}

static void same_key(const struct peer_backup_key *a,
		     const struct peer_backup_key *b, const char *what)
{
	TL_CHECK(!memcmp(a->sk, b->sk, CRDT_SK_LEN) &&
			 !memcmp(a->pk, b->pk, CRDT_PK_LEN),
		 "%s: expected the same key back", what);
	TL_EQ(b->head.seq, a->head.seq, what);
	TL_CHECK(!memcmp(a->head.hash, b->head.hash, CRDT_HASH_LEN),
		 "%s: expected the same head hash back", what);
}

static void round_trip(void **state)
{
	struct peer_backup b, got;
	uint8_t *file;
	size_t len, i;

	(void)state;
	sample(&b);
	seal(&b, &file, &len);
	TL_CHECK(len > 14 && !memcmp(file, "kith-backup 1\n", 14),
		 "expected the file to start with its magic and version");
	TL_CHECK(!memmem(file, len, b.self.sk, 16),
		 "expected no secret key in the clear");
	TL_CHECK(!memmem(file, len, "Elm Street", 10),
		 "expected the community file encrypted");
	TL_OK(peer_backup_check(file, len));
	TL_OK(peer_backup_open(file, len, PASS, strlen(PASS), &got));
	same_key(&b.self, &got.self, "own key");
	TL_EQ(got.nhosted, 2, "hosted members back");
	for (i = 0; i < 2; i++)
		same_key(&b.hosted[i], &got.hosted[i], "hosted key");
	TL_EQ(got.community_len, b.community_len, "community file length");
	TL_CHECK(!memcmp(got.community, community, got.community_len),
		 "expected the community file back as it was");
	peer_backup_release(&got);

	/* no community, nobody hosted, nothing written: the smallest file */
	b.nhosted = 0;
	b.community_len = 0;
	b.self.head = (struct crdt_head){ 0 };
	free(file);
	seal(&b, &file, &len);
	TL_OK(peer_backup_open(file, len, PASS, strlen(PASS), &got));
	TL_EQ(got.nhosted + got.community_len + got.self.head.seq, 0,
	      "an empty backup comes back empty");
	peer_backup_release(&got);
	peer_backup_release(&b);
	free(file);
}

static void wrong_passphrase(void **state)
{
	struct peer_backup b, got;
	uint8_t *file;
	size_t len;

	(void)state;
	sample(&b);
	seal(&b, &file, &len);
	TL_RC(peer_backup_open(file, len, "correct horse battery!", 22, &got),
	      KITH_ECRYPT);
	TL_RC(peer_backup_open(file, len, PASS, strlen(PASS) - 1, &got),
	      KITH_ECRYPT);
	TL_RC(peer_backup_open(file, len, "", 0, &got), KITH_ECRYPT);
	TL_EQ(got.nhosted + got.community_len, 0,
	      "a refused file leaves nothing behind");
	peer_backup_release(&b);
	free(file);
}

/* Every bit of every byte changed: never opens. */
static void tampered(void **state)
{
	struct peer_backup b, got;
	uint8_t *file;
	size_t len, i;
	int bit, rc;

	(void)state;
	sample(&b);
	seal(&b, &file, &len);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit += 3) {
			file[i] ^= (uint8_t)(1 << bit);
			rc = peer_backup_open(file, len, PASS, strlen(PASS),
					      &got);
			file[i] ^= (uint8_t)(1 << bit);
			TL_CHECK(rc != 0,
				 "byte %zu bit %d changed: expected a refusal",
				 i, bit);
			if (i > 14) /* past the version and the scheme */
				TL_CHECK(rc == KITH_ECRYPT || rc == KITH_EDECODE ||
						 rc == KITH_ETRUNCATED,
					 "byte %zu changed: got %s", i,
					 kith_strerror(rc));
		}
	}
	/* the salt, the nonce and the ciphertext: only decryption tells */
	for (i = 14 + 17; i < len; i++) {
		if (i >= 14 + 17 + 40 && i < 14 + 17 + 44)
			continue; /* the length */
		file[i] ^= 0x01;
		TL_RC(peer_backup_open(file, len, PASS, strlen(PASS), &got),
		      KITH_ECRYPT);
		file[i] ^= 0x01;
	}
	/* a byte added at the end */
	file = realloc(file, len + 1);
	TL_CHECK(file != NULL, "out of memory");
	file[len] = 0;
	TL_RC(peer_backup_check(file, len + 1), KITH_EDECODE);
	TL_OK(peer_backup_open(file, len, PASS, strlen(PASS), &got));
	peer_backup_release(&got);
	peer_backup_release(&b);
	free(file);
}

static void truncated(void **state)
{
	struct peer_backup b, got;
	uint8_t *file;
	size_t len, n, header = 14 + 17 + 16 + 24 + 4;

	(void)state;
	sample(&b);
	seal(&b, &file, &len);
	for (n = 0; n < len; n++) {
		int rc = peer_backup_check(file, n);

		if (n < 12) /* not even "kith-backup " */
			TL_CHECK(rc == KITH_EDECODE,
				 "cut at %zu: expected not a backup, got %s", n,
				 kith_strerror(rc));
		else
			TL_CHECK(rc == KITH_ETRUNCATED,
				 "cut at %zu: expected truncated, got %s", n,
				 kith_strerror(rc));
		TL_RC(peer_backup_open(file, n, PASS, strlen(PASS), &got), rc);
	}
	TL_CHECK(len > header, "expected a header of %zu bytes", header);
	peer_backup_release(&b);
	free(file);
}

static void later_version(void **state)
{
	struct peer_backup b, got;
	uint8_t *file;
	size_t len;

	(void)state;
	sample(&b);
	seal(&b, &file, &len);
	file[12] = '2';
	TL_RC(peer_backup_check(file, len), KITH_EVERSION);
	TL_RC(peer_backup_open(file, len, PASS, strlen(PASS), &got),
	      KITH_EVERSION);
	/* "kith-backup 10\n..." is later too, whatever follows */
	TL_RC(peer_backup_check((const uint8_t *)"kith-backup 10\nxx", 17),
	      KITH_EVERSION);
	TL_RC(peer_backup_check((const uint8_t *)"kith-backup x\n", 14),
	      KITH_EDECODE);
	TL_RC(peer_backup_check((const uint8_t *)"KITHBNDL....", 12),
	      KITH_EDECODE);
	file[12] = '1';
	/* another passphrase scheme: a later kith's */
	file[14] = 2;
	TL_RC(peer_backup_check(file, len), KITH_EVERSION);
	file[14] = CRDT_PWHASH_ARGON2ID13;
	/* a cost past what this kith computes: damaged (never run) */
	file[15] = 0x80;
	TL_RC(peer_backup_check(file, len), KITH_EDECODE);
	file[15] = 0;
	TL_OK(peer_backup_check(file, len));
	peer_backup_release(&b);
	free(file);
}

static void pwhash(void **state)
{
	uint8_t salt[CRDT_PWHASH_SALT_LEN], k1[32], k2[32], k3[32];
	struct crdt_pwhash_params p = cheap;

	(void)state;
	memset(salt, 9, sizeof salt);
	TL_OK(crdt_pwhash(k1, "abc", 3, salt, &cheap));
	TL_OK(crdt_pwhash(k2, "abc", 3, salt, &cheap));
	TL_CHECK(!memcmp(k1, k2, 32), "expected the same key twice");
	salt[0] ^= 1;
	TL_OK(crdt_pwhash(k3, "abc", 3, salt, &cheap));
	TL_CHECK(memcmp(k1, k3, 32), "expected another salt, another key");
	TL_CHECK(crdt_pwhash_params_ok(&CRDT_PWHASH_DEFAULT),
		 "expected the default cost within bounds");
	TL_CHECK(CRDT_PWHASH_DEFAULT.mem >= 256u << 20 &&
			 CRDT_PWHASH_DEFAULT.ops >= 3,
		 "expected libsodium's MODERATE cost (256 MiB, 3 passes)");
	p.mem = 1ull << 40;
	TL_RC(crdt_pwhash(k3, "abc", 3, salt, &p), KITH_EINVAL);
	p = cheap;
	p.ops = 0;
	TL_RC(crdt_pwhash(k3, "abc", 3, salt, &p), KITH_EINVAL);
	p = cheap;
	p.alg = 9;
	TL_RC(crdt_pwhash(k3, "abc", 3, salt, &p), KITH_EINVAL);
}

static void pass_length(void **state)
{
	struct action a;

	(void)state;
	action_init(&a, TL_EPOCH_MS);
	TL_RC(action_pass_check(&a, "1234567"), KITH_EINVAL);
	TL_CHECK(strstr(a.msg, "at least 8") != NULL,
		 "expected the minimum in the message: %s", a.msg);
	TL_OK(action_pass_check(&a, "12345678"));
	/* characters, not bytes: 7 Chinese characters are 21 bytes */
	TL_RC(action_pass_check(&a, "七个汉字的密码"), KITH_EINVAL);
	TL_OK(action_pass_check(&a, "八个汉字组成密码"));
}

/* 1 when dir/name exists. */
static int has(const char *dir, const char *name)
{
	char p[TL_PATH_MAX + 128];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

static void restore_rules(void **state)
{
	struct tl_fixture *f = F(state);
	struct peer_backup b;
	struct crdt_identity host, got;
	struct crdt_head h;
	char dir[TL_PATH_MAX + 16], name[80];

	sample(&b);
	tl_path(f, "new", dir, sizeof dir);
	TL_OK(peer_home_ensure(dir));
	TL_OK(peer_backup_fits(dir, &b));
	TL_OK(peer_backup_restore(dir, &b));
	TL_OK(peer_identity_load(dir, &host));
	TL_CHECK(!memcmp(host.pk, b.self.pk, 32), "expected the identity back");
	TL_OK(peer_head_load(dir, b.self.pk, &h));
	TL_EQ(h.seq, 7, "own head back");
	TL_OK(peer_hosted_load(dir, &host, b.hosted[1].pk, &got));
	TL_CHECK(!memcmp(got.sk, b.hosted[1].sk, 64),
		 "expected the hosted key back, under the restored identity");
	crdt_identity_release(&got);
	TL_OK(peer_head_load(dir, b.hosted[1].pk, &h));
	TL_EQ(h.seq, 3, "hosted head back, next to their key");
	crdt_hex(name, b.hosted[1].pk, 32);
	strcat(name, ".head");
	TL_CHECK(has(dir, "hosted") && has(dir, "community"),
		 "expected hosted/ and the community file");

	/* never over an identity */
	TL_RC(peer_backup_fits(dir, &b), KITH_EEXISTS);
	TL_RC(peer_backup_restore(dir, &b), KITH_EEXISTS);

	/* cut short before the identity: run again, the rest is taken as it
	 * is, and a head further along is kept */
	TL_CHECK(unlink(tl_path(f, "new/identity", dir, sizeof dir)) == 0,
		 "unlink");
	tl_path(f, "new", dir, sizeof dir);
	h.seq = 9;
	TL_OK(peer_head_save(dir, b.self.pk, &h));
	TL_OK(peer_backup_fits(dir, &b));
	TL_OK(peer_backup_restore(dir, &b));
	TL_OK(peer_head_load(dir, b.self.pk, &h));
	TL_EQ(h.seq, 9, "a head further along is kept");

	/* another community here: refused, nothing written */
	TL_CHECK(unlink(tl_path(f, "new/identity", dir, sizeof dir)) == 0,
		 "unlink");
	tl_path(f, "new", dir, sizeof dir);
	b.community[30] ^= 1;
	TL_RC(peer_backup_fits(dir, &b), KITH_ECOMMUNITY);
	TL_RC(peer_backup_restore(dir, &b), KITH_ECOMMUNITY);
	TL_CHECK(!has(dir, "identity"), "expected no identity written");
	b.community[30] ^= 1;

	/* a hosted key file of another host: refused */
	TL_CHECK(unlink(tl_path(f, "new/community", dir, sizeof dir)) == 0,
		 "unlink");
	tl_path(f, "new", dir, sizeof dir);
	TL_OK(peer_hosted_remove(dir, b.hosted[0].pk));
	{
		struct crdt_identity other, member;

		TL_OK(tl_identity(&other, 50));
		TL_OK(crdt_identity_from_sk(&member, b.hosted[0].sk));
		TL_OK(peer_hosted_save(dir, &other, &member));
		crdt_identity_release(&other);
		crdt_identity_release(&member);
	}
	TL_RC(peer_backup_fits(dir, &b), KITH_EEXISTS);
	TL_CHECK(!has(dir, "community"), "expected nothing written");
	crdt_identity_release(&host);
	peer_backup_release(&b);
}

static void close_action(void *p)
{
	action_close(p);
}

/* The whole way: a member and a hosted neighbour, backed up, restored on
 * a new machine, refused until their changes arrive, then no fork. */
static void through_actions(void **state)
{
	struct tl_fixture *f = F(state);
	struct action *a = tl_member(f, "Amira"), *nb = tl_member(f, "Ben");
	struct action n, bad;
	struct action_profile p = { "Mrs Okafor", "Elm", "4", NULL, NULL };
	struct action_person okafor;
	struct action_backup_info info, rinfo;
	struct action_restore r;
	struct crdt_head h;
	char file[TL_PATH_MAX + 16], home[TL_PATH_MAX + 16];
	uint8_t *buf;
	size_t len;

	TL_OK(action_member_host(a, &p, &okafor));
	TL_OK(tl_wish(&a->r, "ladder", NULL));
	TL_OK(action_act_as_pk(a, okafor.pk));
	TL_OK(tl_wish(&a->r, "shopping", NULL));
	action_act_self(a);
	tl_member_sync(a, nb);

	TL_RC(action_backup(a, "short", &buf, &len, &info), KITH_EINVAL);
	TL_OK(action_act_as_pk(a, okafor.pk));
	TL_RC(action_backup(a, PASS, &buf, &len, &info), KITH_EDENIED);
	action_act_self(a);
	TL_OK(action_backup(a, PASS, &buf, &len, &info));
	TL_EQ(info.nhosted, 1, "hosted neighbours in the backup");
	TL_EQ(info.seq, 3, "own head in the backup (profile, genesis, wish)");
	TL_CHECK(info.community[0] != 0, "expected the community's name");
	tl_path(f, "amira.kb", file, sizeof file);
	TL_OK(tl_write_file(file, buf, len));
	free(buf);

	/* over an identity: refused before any passphrase */
	action_init(&bad, TL_EPOCH_MS);
	TL_RC(action_restore_open(&bad, nb->home, file, &r), KITH_EEXISTS);
	TL_CHECK(strstr(bad.msg, "already an identity") != NULL, "got: %s",
		 bad.msg);
	action_restore_release(&r);

	/* a wrong passphrase writes nothing, not even the directory */
	tl_path(f, "new-machine", home, sizeof home);
	TL_OK(action_restore_open(&bad, home, file, &r));
	TL_RC(action_restore(&bad, &r, "not the passphrase", &rinfo),
	      KITH_ECRYPT);
	TL_CHECK(strstr(bad.msg, "wrong passphrase") != NULL, "got: %s",
		 bad.msg);
	TL_CHECK(access(home, F_OK) != 0, "expected no data directory made");
	TL_OK(action_restore(&bad, &r, PASS, &rinfo));
	action_restore_release(&r);
	TL_EQ(rinfo.seq, 3, "restored head");
	TL_CHECK(!strcmp(rinfo.hex, info.hex), "expected the same identity");

	/* the new machine: refused until Amira's own changes are there */
	action_init(&n, TL_EPOCH_MS);
	tl_defer(f, close_action, &n);
	if (action_open(&n, home, ACTION_IDENTITY))
		fail_msg("open the restored home: %s", n.msg);
	TL_RC(tl_wish(&n.r, "too early", NULL), KITH_EBEHIND);
	TL_OK(action_act_as_pk(&n, okafor.pk));
	TL_RC(tl_wish(&n.r, "too early for her", NULL), KITH_EBEHIND);
	action_act_self(&n);
	TL_EQ(tl_changes(&n), 0, "nothing written while behind");
	/* a neighbour's replica brings them */
	tl_member_sync(&n, nb);
	TL_OK(tl_wish(&n.r, "after restore", NULL));
	TL_OK(crdt_replica_own_head(&n.r, &h, NULL, NULL));
	TL_EQ(h.seq, 4, "the next seq after the backup's head");
	TL_OK(action_act_as_pk(&n, okafor.pk));
	TL_OK(tl_wish(&n.r, "for her after restore", NULL));
	TL_OK(crdt_replica_own_head(&n.r, &h, NULL, NULL));
	TL_EQ(h.seq, 3, "her next seq");
	action_act_self(&n);
	tl_member_sync(&n, nb);
	tl_member_sync(a, nb);
	TL_EQ(tl_int(&nb->r, "SELECT count(*) FROM authors WHERE forked"), 0,
	      "no author forked");
	{
		char d1[65], d2[65];

		TL_OK(tl_digest(&n.r, d1));
		TL_OK(tl_digest(&a->r, d2));
		TL_CHECK(!strcmp(d1, d2), "expected the replicas to agree");
	}
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(pwhash),
		T(round_trip),
		T(wrong_passphrase),
		T(tampered),
		T(truncated),
		T(later_version),
		T(pass_length),
		T(restore_rules),
		T(through_actions),
	};
#undef T

	return cmocka_run_group_tests_name("backup", tests, tl_group_setup,
					   NULL);
}
