/*
 * test_keystore.c - the data directory (peer/keystore.c): where it is
 * (--home, $KITH_HOME, $XDG_DATA_HOME, $HOME) and how it is made (0700,
 * parents too); the identity (made once, 0600, never overwritten, a file
 * of the wrong size refused); the community file (round trip, 0600, one
 * community only, damaged or tampered text refused); invite codes (round
 * trip, forgiving spelling, a mistyped or altered code refused, a later
 * version asked to upgrade, the wire key bound to the genesis); and the
 * head file: DIR/head records the identity's newest committed change next
 * to the identity, so a lost replica is noticed (crdt/replica.h has the
 * rules; test_replica.c tests them).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "peer/keystore.h"
#include "tests/testlib.h"

static void head(struct crdt_head *h, uint64_t seq, uint8_t fill)
{
	h->seq = seq;
	memset(h->hash, fill, sizeof h->hash);
}

static void pk_of(uint8_t pk[CRDT_PK_LEN], uint8_t fill)
{
	memset(pk, fill, CRDT_PK_LEN);
}

static const char *path_of(struct tl_fixture *f, char *buf, size_t n)
{
	return tl_path(f, "head", buf, n);
}

static void write_text(struct tl_fixture *f, const char *text)
{
	char p[TL_PATH_MAX + 16];

	TL_OK(tl_write_file(path_of(f, p, sizeof p), text, strlen(text)));
}

static void save_then_load(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_head h, got;
	uint8_t pk[CRDT_PK_LEN];
	char p[TL_PATH_MAX + 16], want[512];
	uint8_t *data = NULL;
	size_t len = 0;
	struct stat sb;
	struct dirent *de;
	DIR *d;
	int n;

	pk_of(pk, 0xab);
	head(&h, 42, 0x5c);
	TL_OK(peer_head_save(f->dir, pk, &h));
	TL_OK(peer_head_load(f->dir, pk, &got));
	TL_EQ(got.seq, 42, "loaded seq");
	TL_CHECK(!memcmp(got.hash, h.hash, CRDT_HASH_LEN),
		 "loaded hash: expected %s, got %s",
		 tl_hex(h.hash, CRDT_HASH_LEN), tl_hex(got.hash, CRDT_HASH_LEN));

	TL_CHECK(stat(path_of(f, p, sizeof p), &sb) == 0, "expected '%s'", p);
	TL_EQ(sb.st_mode & 0777, 0600, "head file mode (octal 600)");
	TL_OK(tl_read_file(p, &data, &len));
	n = snprintf(want, sizeof want,
		     "kith-head 1\nauthor %s\nseq 42\nhash %s\n",
		     tl_hex(pk, CRDT_PK_LEN), tl_hex(h.hash, CRDT_HASH_LEN));
	TL_CHECK(len == (size_t)n && !memcmp(data, want, len),
		 "head file text: expected\n%s\ngot\n%.*s", want, (int)len,
		 (const char *)data);
	free(data);

	/* a replace, not an append; no temporary file stays behind */
	head(&h, 7, 0x11);
	TL_OK(peer_head_save(f->dir, pk, &h));
	TL_OK(peer_head_load(f->dir, pk, &got));
	TL_EQ(got.seq, 7, "seq after the second save (save replaces)");
	TL_CHECK(got.hash[0] == 0x11, "hash after the second save");
	d = opendir(f->dir);
	TL_CHECK(d != NULL, "expected to list '%s'", f->dir);
	while ((de = readdir(d)))
		TL_CHECK(!strstr(de->d_name, ".tmp"),
			 "expected no temporary file, found '%s'", de->d_name);
	closedir(d);
}

static void missing_or_foreign(void **state)
{
	struct tl_fixture *f = *state;
	struct crdt_head h, got;
	uint8_t pk[CRDT_PK_LEN], other[CRDT_PK_LEN];

	pk_of(pk, 1);
	pk_of(other, 2);
	TL_RC(peer_head_load(f->dir, pk, &got), KITH_ENOTFOUND);
	TL_EQ(got.seq, 0, "seq when there is no head file");
	head(&h, 3, 9);
	TL_OK(peer_head_save(f->dir, other, &h));
	/* another identity's record says nothing about ours */
	TL_RC(peer_head_load(f->dir, pk, &got), KITH_ENOTFOUND);
	TL_EQ(got.seq, 0, "seq of another identity's head file");
	TL_OK(peer_head_load(f->dir, other, &got));
	TL_EQ(got.seq, 3, "the other identity still reads its own");
}

static void damaged_files(void **state)
{
	static const char *const bad[] = {
		"",
		"kith-head 1\n",
		"kith-head 2\nauthor %s\nseq 1\nhash %s\n",
		"kith-head 1\nauthor %s\nseq 1\n",
		"kith-head 1\nauthor %s\nseq x\nhash %s\n",
		"kith-head 1\nauthor %s\nseq 1\nhash %s\nextra\n",
		"kith-head 1\nauthor %s\nseq 1\nhash %.60s\n",
		"kith-head 1\nauthor %s\nseq 1099511627776\nhash %s\n",
		"kith-head 1\nauthor %s\nseq -1\nhash %s\n",
	};
	struct tl_fixture *f = *state;
	struct crdt_head got;
	uint8_t pk[CRDT_PK_LEN], hash[CRDT_HASH_LEN];
	char text[512], pkhex[65], hhex[65];
	size_t i;

	pk_of(pk, 3);
	memset(hash, 0xee, sizeof hash);
	snprintf(pkhex, sizeof pkhex, "%s", tl_hex(pk, CRDT_PK_LEN));
	snprintf(hhex, sizeof hhex, "%s", tl_hex(hash, CRDT_HASH_LEN));
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(text, sizeof text, bad[i], pkhex, hhex);
		write_text(f, text);
		TL_RC(peer_head_load(f->dir, pk, &got), KITH_EDECODE);
		TL_EQ(got.seq, 0, "seq of a damaged head file");
	}
	/* the well-formed text of the same shape loads */
	snprintf(text, sizeof text,
		 "kith-head 1\nauthor %s\nseq 1099511627775\nhash %s\n", pkhex,
		 hhex);
	write_text(f, text);
	TL_OK(peer_head_load(f->dir, pk, &got));
	TL_EQ(got.seq, 1099511627775ull, "the largest seq (2^40 - 1)");
}

/* ---- where the data directory is ----------------------------------------- */

static void home_lookup_order(void **state)
{
	static const char *const vars[] = { "KITH_HOME", "XDG_DATA_HOME",
					    "HOME" };
	char saved[3][TL_PATH_MAX], out[TL_PATH_MAX], tiny[8];
	int had[3];
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);

		had[i] = v != NULL;
		snprintf(saved[i], sizeof saved[i], "%s", v ? v : "");
	}
	setenv("KITH_HOME", "/k", 1);
	setenv("XDG_DATA_HOME", "/x", 1);
	setenv("HOME", "/h", 1);
	TL_OK(peer_home("/arg", out, sizeof out));
	TL_CHECK(!strcmp(out, "/arg"), "--home first, got '%s'", out);
	TL_OK(peer_home(NULL, out, sizeof out));
	TL_CHECK(!strcmp(out, "/k"), "then $KITH_HOME, got '%s'", out);
	setenv("KITH_HOME", "", 1);
	TL_OK(peer_home("", out, sizeof out));
	TL_CHECK(!strcmp(out, "/x/kith"), "then $XDG_DATA_HOME/kith, got '%s'",
		 out);
	unsetenv("XDG_DATA_HOME");
	TL_OK(peer_home(NULL, out, sizeof out));
	TL_CHECK(!strcmp(out, "/h/.local/share/kith"),
		 "then ~/.local/share/kith, got '%s'", out);
	TL_RC(peer_home(NULL, tiny, sizeof tiny), KITH_ETOOBIG);
	unsetenv("HOME");
	unsetenv("KITH_HOME");
	TL_RC(peer_home(NULL, out, sizeof out), KITH_EINVAL);
	for (i = 0; i < 3; i++)
		if (had[i])
			setenv(vars[i], saved[i], 1);
}

static void home_made_private(void **state)
{
	struct tl_fixture *f = *state;
	char dir[TL_PATH_MAX + 16], file[TL_PATH_MAX + 16];
	struct crdt_identity id;
	struct stat sb;

	tl_path(f, "a/b/c", dir, sizeof dir);
	TL_OK(peer_home_ensure(dir));
	TL_CHECK(stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode),
		 "expected the directory '%s' with its parents", dir);
	TL_EQ(sb.st_mode & 0777, 0700, "data directory mode (octal 700)");
	TL_OK(peer_home_ensure(dir)); /* already there: fine */
	/* a regular file where the directory should be */
	tl_path(f, "file", file, sizeof file);
	TL_OK(tl_write_file(file, "x", 1));
	tl_path(f, "file/sub", dir, sizeof dir);
	TL_CHECK(peer_home_ensure(dir) < 0,
		 "expected no directory under a regular file");
	/* a missing directory has no identity, no community, no head */
	tl_path(f, "missing", dir, sizeof dir);
	TL_RC(peer_identity_load(dir, &id), KITH_ENOIDENT);
	TL_CHECK(access(dir, F_OK) != 0, "expected a load not to create '%s'",
		 dir);
}

/* ---- the identity -------------------------------------------------------- */

static void identity_once(void **state)
{
	struct tl_fixture *f = *state;
	struct tl_env e;
	struct crdt_env env;
	struct crdt_identity id, again, other;
	char p[TL_PATH_MAX + 16];
	uint8_t *data = NULL, *after = NULL;
	size_t len = 0, alen = 0;
	struct stat sb;

	tl_env_init(&e, 5);
	env = tl_env_crdt(&e);
	TL_RC(peer_identity_load(f->dir, &id), KITH_ENOIDENT);
	TL_OK(peer_identity_create(f->dir, &env, &id));
	tl_path(f, "identity", p, sizeof p);
	TL_CHECK(stat(p, &sb) == 0, "expected '%s'", p);
	TL_EQ(sb.st_mode & 0777, 0600, "identity file mode (octal 600)");
	TL_EQ(sb.st_size, CRDT_SK_LEN, "identity file size");
	TL_OK(peer_identity_load(f->dir, &again));
	TL_CHECK(!memcmp(id.pk, again.pk, CRDT_PK_LEN),
		 "expected the loaded key %s, got %s", tl_hex(id.pk, 32),
		 tl_hex(again.pk, 32));
	crdt_identity_release(&again);

	/* never overwritten, whatever the randomness says */
	TL_OK(tl_read_file(p, &data, &len));
	tl_defer(f, free, data);
	tl_env_init(&e, 6);
	TL_RC(peer_identity_create(f->dir, &env, &other), KITH_EEXISTS);
	TL_OK(tl_read_file(p, &after, &alen));
	tl_defer(f, free, after);
	TL_CHECK(alen == len && !memcmp(after, data, len),
		 "expected the identity file unchanged");
	crdt_identity_release(&id);
}

static void identity_damaged(void **state)
{
	struct tl_fixture *f = *state;
	char p[TL_PATH_MAX + 16];
	uint8_t sk[CRDT_SK_LEN + 1];
	struct crdt_identity id;

	memset(sk, 0x3c, sizeof sk);
	tl_path(f, "identity", p, sizeof p);
	TL_OK(tl_write_file(p, sk, CRDT_SK_LEN - 1));
	TL_RC(peer_identity_load(f->dir, &id), KITH_EDECODE);
	TL_OK(tl_write_file(p, sk, CRDT_SK_LEN + 1));
	TL_RC(peer_identity_load(f->dir, &id), KITH_EDECODE);
	TL_OK(tl_write_file(p, "", 0));
	TL_RC(peer_identity_load(f->dir, &id), KITH_EDECODE);
	/* the right size, but its public half is not the seed's: a key
	 * whose signatures would never verify is refused at load */
	TL_OK(tl_write_file(p, sk, CRDT_SK_LEN));
	TL_RC(peer_identity_load(f->dir, &id), KITH_EDECODE);
	TL_CHECK(id.sk == NULL, "expected no secret key kept after a refusal");
}

/* ---- the community file --------------------------------------------------- */

static void community_of(struct peer_community *c, int version)
{
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "Riverside 河边");
	memset(c->key, 0x4b, sizeof c->key);
	memset(c->creator, 0xc1, sizeof c->creator);
	memset(c->genesis, 0x9e, sizeof c->genesis);
	c->version = version;
}

static void community_round_trip(void **state)
{
	struct tl_fixture *f = *state;
	struct peer_community c, got;
	char p[TL_PATH_MAX + 16];
	struct stat sb;

	TL_RC(peer_community_load(f->dir, &got), KITH_ENOCOMMUNITY);
	community_of(&c, 2);
	TL_OK(peer_community_save(f->dir, &c));
	tl_path(f, "community", p, sizeof p);
	TL_CHECK(stat(p, &sb) == 0, "expected '%s'", p);
	TL_EQ(sb.st_mode & 0777, 0600, "community file mode (octal 600)");
	TL_OK(peer_community_load(f->dir, &got));
	TL_CHECK(!strcmp(got.name, c.name), "name: expected '%s', got '%s'",
		 c.name, got.name);
	TL_EQ(got.version, 2, "version of a community with a genesis");
	TL_CHECK(!memcmp(got.key, c.key, CRDT_KEY_LEN), "the key read back");
	TL_CHECK(!memcmp(got.genesis, c.genesis, CRDT_HASH_LEN),
		 "the genesis read back");
	/* one community per data directory */
	community_of(&c, 1);
	TL_RC(peer_community_save(f->dir, &c), KITH_EEXISTS);
	TL_OK(peer_community_load(f->dir, &got));
	TL_EQ(got.version, 2, "the first community stays");
	peer_community_wipe(&got);
	TL_CHECK(got.key[0] == 0 && got.name[0] == 0,
		 "expected the key and name wiped");
}

static void community_tampered(void **state)
{
	static const char *const bad[] = {
		"",
		"kith-community 2\nname R\nkey %s\ngenesis %s\n",
		"kith-community 1\nname R\ngenesis %s\n",
		"kith-community 1\nname R\nkey %s\n",
		"kith-community 1\nname R\nkey %.62s\ngenesis %s\n",
		"kith-community 1\nname R\nkey %.62szz\ngenesis %s\n",
		"kith-community 1\nkey %s\ngenesis %s\n",
	};
	struct tl_fixture *f = *state;
	struct peer_community c;
	char p[TL_PATH_MAX + 16], text[512], key[65], gen[65];
	size_t i;

	memset(key, 'a', 64);
	key[64] = 0;
	memset(gen, 'b', 64);
	gen[64] = 0;
	tl_path(f, "community", p, sizeof p);
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(text, sizeof text, bad[i], key, gen);
		TL_OK(tl_write_file(p, text, strlen(text)));
		TL_RC(peer_community_load(f->dir, &c), KITH_EDECODE);
		TL_CHECK(c.key[0] == 0, "case %zu: expected no key left behind",
			 i);
	}
	snprintf(text, sizeof text,
		 "kith-community 1\nname R\nkey %s\ngenesis %s\n", key, gen);
	TL_OK(tl_write_file(p, text, strlen(text)));
	TL_OK(peer_community_load(f->dir, &c));
	TL_EQ(c.key[0], 0xaa, "the well-formed file's key");
	peer_community_wipe(&c);
}

/* ---- invite codes ---------------------------------------------------------- */

/* An invite code of any version, written from the format in keystore.h:
 * "kith1" + base32 of version key:32 id:32 name_len name checksum:4. */
static const char *invite_v(uint8_t version, char *out, size_t cap)
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint8_t raw[1 + 32 + 32 + 1 + 1 + 4];
	size_t n = 0, i, o = 5;
	uint32_t acc = 0;
	int bits = 0;

	raw[n++] = version;
	memset(raw + n, 0x4b, 64);
	n += 64;
	raw[n++] = 1;
	raw[n++] = 'R';
	crdt_hash(raw + n, 4, raw, n);
	n += 4;
	TL_CHECK(cap > 5 + (n * 8 + 4) / 5, "room for an invite code");
	memcpy(out, "kith1", 5);
	for (i = 0; i < n; i++) {
		acc = acc << 8 | raw[i];
		for (bits += 8; bits >= 5; bits -= 5)
			out[o++] = b32[(acc >> (bits - 5)) & 31];
	}
	if (bits)
		out[o++] = b32[(acc << (5 - bits)) & 31];
	out[o] = 0;
	return out;
}

static void invite_codes(void **state)
{
	struct peer_community c, got;
	uint8_t wire1[CRDT_KEY_LEN], wire2[CRDT_KEY_LEN];
	char code[PEER_INVITE_MAX], spaced[2 * PEER_INVITE_MAX], alt[PEER_INVITE_MAX];
	size_t i, o = 0;

	(void)state;
	community_of(&c, 2);
	TL_OK(peer_invite_encode(&c, code, sizeof code));
	TL_CHECK(!strncmp(code, "kith1", 5), "expected 'kith1...', got '%s'",
		 code);
	TL_OK(peer_invite_decode(code, &got));
	TL_CHECK(got.version == 2 && !strcmp(got.name, c.name) &&
			 !memcmp(got.key, c.key, CRDT_KEY_LEN) &&
			 !memcmp(got.genesis, c.genesis, CRDT_HASH_LEN),
		 "expected the code to carry name, key and genesis");
	/* spaces, dashes and case are ignored */
	for (i = 0; code[i]; i++) {
		if (i && i % 5 == 0)
			spaced[o++] = i % 10 ? ' ' : '-';
		spaced[o++] = (char)(i % 3 ? code[i] - 32 * (code[i] >= 'a' &&
							    code[i] <= 'z')
					   : code[i]);
	}
	spaced[o] = 0;
	TL_OK(peer_invite_decode(spaced, &got));
	TL_CHECK(!memcmp(got.key, c.key, CRDT_KEY_LEN),
		 "the key of the spaced, mixed-case code");
	/* one letter changed anywhere after the prefix: a checksum error */
	for (i = 5; i < strlen(code); i += 7) {
		snprintf(alt, sizeof alt, "%s", code);
		alt[i] = alt[i] == 'a' ? 'b' : 'a';
		TL_RC(peer_invite_decode(alt, &got), KITH_ECHECKSUM);
	}
	snprintf(alt, sizeof alt, "%s", code);
	alt[strlen(alt) - 1] = 0;
	TL_CHECK(peer_invite_decode(alt, &got) < 0, "a code cut short");
	TL_RC(peer_invite_decode("hello world", &got), KITH_EDECODE);
	TL_RC(peer_invite_decode("kith1", &got), KITH_ECHECKSUM);
	TL_CHECK(peer_invite_decode(code + 1, &got) == KITH_EDECODE,
		 "a code without its prefix");
	/* a later version: upgrade */
	TL_RC(peer_invite_decode(invite_v(3, code, sizeof code), &got),
	      KITH_EVERSION);
	TL_OK(peer_invite_decode(invite_v(2, code, sizeof code), &got));
	/* the key on the wire is bound to the genesis */
	community_of(&c, 2);
	peer_community_wire_key(&c, wire1);
	c.genesis[0] ^= 1;
	peer_community_wire_key(&c, wire2);
	TL_CHECK(memcmp(wire1, wire2, CRDT_KEY_LEN),
		 "expected another genesis to give another wire key");
	TL_CHECK(memcmp(wire1, c.key, CRDT_KEY_LEN),
		 "expected the wire key not to be the bare key (version 2)");
	c.version = 1;
	peer_community_wire_key(&c, wire1);
	TL_CHECK(!memcmp(wire1, c.key, CRDT_KEY_LEN),
		 "expected the bare key on the wire for version 1");
	TL_RC(peer_invite_encode(&c, code, 20), KITH_ETOOBIG);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(save_then_load),
		T(missing_or_foreign),
		T(damaged_files),
		T(home_lookup_order),
		T(home_made_private),
		T(identity_once),
		T(identity_damaged),
		T(community_round_trip),
		T(community_tampered),
		T(invite_codes),
	};
#undef T

	return cmocka_run_group_tests_name("keystore", tests, tl_group_setup,
					   NULL);
}
