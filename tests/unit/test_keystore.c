/*
 * test_keystore.c - the data directory's head file (peer/keystore.c):
 * DIR/head records the identity's newest committed change next to the
 * identity, so a lost replica is noticed (crdt/replica.h has the rules;
 * test_replica.c tests them).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(save_then_load),
		T(missing_or_foreign),
		T(damaged_files),
	};
#undef T

	return cmocka_run_group_tests_name("keystore", tests, tl_group_setup,
					   NULL);
}
