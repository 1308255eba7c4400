/*
 * backup.c - the backup file and restoring it (see backup.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "crdt/codec.h"
#include "crdt/err.h"
#include "hosted.h"
#include "keystore.h"

#define MAGIC_LEN (sizeof PEER_BACKUP_MAGIC - 1)
/* "kith-backup 1\n" */
#define LINE_LEN (MAGIC_LEN + 2)
#define HEADER_LEN \
	(LINE_LEN + 1 + 8 + 8 + CRDT_PWHASH_SALT_LEN + CRDT_AEAD_NONCE_LEN + 4)
#define KEY_LEN (CRDT_SK_LEN + 8 + CRDT_HASH_LEN)
/* the contents: self, community, hosted */
#define CONTENTS_MIN (KEY_LEN + 2 + 4)
#define CONTENTS_MAX \
	(CONTENTS_MIN + PEER_BACKUP_COMMUNITY_MAX + \
	 (size_t)PEER_BACKUP_HOSTED_MAX * KEY_LEN)
#define FILE_MAX (HEADER_LEN + CONTENTS_MAX + CRDT_AEAD_ABYTES)

static void put_be(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

void peer_backup_init(struct peer_backup *b)
{
	memset(b, 0, sizeof *b);
}

void peer_backup_release(struct peer_backup *b)
{
	if (b->hosted) {
		crdt_wipe(b->hosted, b->cap * sizeof *b->hosted);
		free(b->hosted);
	}
	crdt_wipe(b, sizeof *b);
}

static void key_set(struct peer_backup_key *k, const struct crdt_identity *id,
		    const struct crdt_head *head)
{
	memcpy(k->sk, id->sk, CRDT_SK_LEN);
	memcpy(k->pk, id->pk, CRDT_PK_LEN);
	k->head = *head;
}

void peer_backup_set_self(struct peer_backup *b, const struct crdt_identity *id,
			  const struct crdt_head *head)
{
	key_set(&b->self, id, head);
}

/* Room for one more hosted member (the old array wiped as it moves). */
static int grow(struct peer_backup *b)
{
	struct peer_backup_key *v;
	size_t cap;

	if (b->nhosted < b->cap)
		return 0;
	if (b->nhosted >= PEER_BACKUP_HOSTED_MAX)
		return KITH_ETOOBIG;
	cap = b->cap ? 2 * b->cap : 16;
	if (cap > PEER_BACKUP_HOSTED_MAX)
		cap = PEER_BACKUP_HOSTED_MAX;
	v = calloc(cap, sizeof *v);
	if (!v)
		return KITH_ENOMEM;
	if (b->hosted) {
		memcpy(v, b->hosted, b->nhosted * sizeof *v);
		crdt_wipe(b->hosted, b->cap * sizeof *v);
		free(b->hosted);
	}
	b->hosted = v;
	b->cap = cap;
	return 0;
}

int peer_backup_add_hosted(struct peer_backup *b, const struct crdt_identity *id,
			   const struct crdt_head *head)
{
	int rc = grow(b);

	if (rc)
		return rc;
	key_set(&b->hosted[b->nhosted++], id, head);
	return 0;
}

int peer_backup_community(struct peer_backup *b, const char *dir)
{
	struct peer_community c;
	size_t n = 0;
	int rc;

	b->community_len = 0;
	rc = peer_read_file(dir, "community", (uint8_t *)b->community,
			    sizeof b->community, &n);
	if (rc == KITH_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	/* only a file this kith reads back (peer_community_load) */
	rc = peer_community_parse(b->community, n, &c);
	peer_community_wipe(&c);
	if (rc) {
		crdt_wipe(b->community, sizeof b->community);
		return rc;
	}
	b->community_len = n;
	return 0;
}

static uint8_t *put_key(uint8_t *p, const struct peer_backup_key *k)
{
	memcpy(p, k->sk, CRDT_SK_LEN);
	put_be(p + CRDT_SK_LEN, k->head.seq, 8);
	memcpy(p + CRDT_SK_LEN + 8, k->head.hash, CRDT_HASH_LEN);
	return p + KEY_LEN;
}

int peer_backup_seal(const struct peer_backup *b, const char *pass,
		     size_t pass_len, const struct crdt_pwhash_params *p,
		     const uint8_t rnd[PEER_BACKUP_RANDOM_LEN], uint8_t **out,
		     size_t *len)
{
	uint8_t key[CRDT_KEY_LEN], *plain = NULL, *file = NULL, *q, *h;
	size_t plen, i;
	int rc;

	*out = NULL;
	*len = 0;
	if (b->nhosted > PEER_BACKUP_HOSTED_MAX ||
	    b->community_len > PEER_BACKUP_COMMUNITY_MAX)
		return KITH_ETOOBIG;
	plen = CONTENTS_MIN + b->community_len + b->nhosted * KEY_LEN;
	plain = malloc(plen);
	file = malloc(HEADER_LEN + plen + CRDT_AEAD_ABYTES);
	if (!plain || !file) {
		rc = KITH_ENOMEM;
		goto out;
	}
	q = put_key(plain, &b->self);
	put_be(q, b->community_len, 2);
	memcpy(q + 2, b->community, b->community_len);
	q += 2 + b->community_len;
	put_be(q, b->nhosted, 4);
	q += 4;
	for (i = 0; i < b->nhosted; i++)
		q = put_key(q, &b->hosted[i]);

	h = file;
	snprintf((char *)h, LINE_LEN + 1, "%s%d\n", PEER_BACKUP_MAGIC,
		 PEER_BACKUP_VERSION);
	h += LINE_LEN;
	*h++ = p->alg;
	put_be(h, p->ops, 8);
	put_be(h + 8, p->mem, 8);
	h += 16;
	memcpy(h, rnd, PEER_BACKUP_RANDOM_LEN);
	h += PEER_BACKUP_RANDOM_LEN;
	put_be(h, plen + CRDT_AEAD_ABYTES, 4);
	rc = crdt_pwhash(key, pass, pass_len, rnd, p);
	if (rc)
		goto out;
	crdt_aead_seal(file + HEADER_LEN, plain, plen, file, HEADER_LEN,
		       rnd + CRDT_PWHASH_SALT_LEN, key);
	*out = file;
	*len = HEADER_LEN + plen + CRDT_AEAD_ABYTES;
	file = NULL;
out:
	crdt_wipe(key, sizeof key);
	if (plain) {
		crdt_wipe(plain, plen);
		free(plain);
	}
	free(file);
	return rc;
}

int peer_backup_check(const uint8_t *in, size_t len)
{
	struct crdt_pwhash_params p;
	const uint8_t *h = in + LINE_LEN;
	uint64_t clen;
	size_t i;

	/* the first line: "kith-backup N\n" */
	if (len < MAGIC_LEN || memcmp(in, PEER_BACKUP_MAGIC, MAGIC_LEN))
		return KITH_EDECODE;
	for (i = MAGIC_LEN; i < len && i < MAGIC_LEN + 8 && in[i] >= '0' &&
			    in[i] <= '9';
	     i++)
		;
	if (i == MAGIC_LEN || i == len)
		return i == len ? KITH_ETRUNCATED : KITH_EDECODE;
	if (in[i] != '\n')
		return KITH_EDECODE;
	if (i != MAGIC_LEN + 1 || in[MAGIC_LEN] != '0' + PEER_BACKUP_VERSION)
		return in[MAGIC_LEN] == '0' ? KITH_EDECODE : KITH_EVERSION;
	if (len < HEADER_LEN)
		return KITH_ETRUNCATED;
	p.alg = h[0];
	p.ops = get_be(h + 1, 8);
	p.mem = get_be(h + 9, 8);
	if (p.alg != CRDT_PWHASH_ARGON2ID13)
		return KITH_EVERSION; /* a passphrase scheme of a later kith */
	if (!crdt_pwhash_params_ok(&p))
		return KITH_EDECODE;
	clen = get_be(in + HEADER_LEN - 4, 4);
	if (clen < CONTENTS_MIN + CRDT_AEAD_ABYTES ||
	    clen > CONTENTS_MAX + CRDT_AEAD_ABYTES)
		return KITH_EDECODE;
	if (len - HEADER_LEN < clen)
		return KITH_ETRUNCATED;
	if (len - HEADER_LEN > clen)
		return KITH_EDECODE;
	return 0;
}

/* One key of the contents at p into k: its halves must agree. */
static int get_key(const uint8_t *p, struct peer_backup_key *k)
{
	struct crdt_identity id;
	int rc;

	memcpy(k->sk, p, CRDT_SK_LEN);
	k->head.seq = get_be(p + CRDT_SK_LEN, 8);
	memcpy(k->head.hash, p + CRDT_SK_LEN + 8, CRDT_HASH_LEN);
	if (k->head.seq >= (1ull << 40))
		return KITH_EDECODE;
	rc = crdt_identity_from_sk(&id, k->sk);
	if (rc)
		return rc;
	memcpy(k->pk, id.pk, CRDT_PK_LEN);
	crdt_identity_release(&id);
	return 0;
}

/* The contents (n bytes, in the clear) into b. */
static int parse(const uint8_t *p, size_t n, struct peer_backup *b)
{
	struct peer_community c;
	size_t clen, nh, i;
	int rc;

	if (n < CONTENTS_MIN)
		return KITH_EDECODE;
	rc = get_key(p, &b->self);
	if (rc)
		return rc;
	p += KEY_LEN;
	n -= KEY_LEN;
	clen = (size_t)get_be(p, 2);
	if (clen > PEER_BACKUP_COMMUNITY_MAX || n < 2 + clen + 4)
		return KITH_EDECODE;
	if (clen) {
		rc = peer_community_parse((const char *)p + 2, clen, &c);
		peer_community_wipe(&c);
		if (rc)
			return rc;
	}
	memcpy(b->community, p + 2, clen);
	b->community_len = clen;
	p += 2 + clen;
	n -= 2 + clen;
	nh = (size_t)get_be(p, 4);
	p += 4;
	n -= 4;
	if (nh > PEER_BACKUP_HOSTED_MAX || n != nh * KEY_LEN)
		return KITH_EDECODE;
	for (i = 0; i < nh; i++) {
		rc = grow(b);
		if (rc)
			return rc;
		rc = get_key(p + i * KEY_LEN, &b->hosted[b->nhosted]);
		if (rc)
			return rc;
		b->nhosted++;
	}
	return 0;
}

int peer_backup_open(const uint8_t *in, size_t len, const char *pass,
		     size_t pass_len, struct peer_backup *b)
{
	struct crdt_pwhash_params p;
	uint8_t key[CRDT_KEY_LEN], *plain = NULL;
	const uint8_t *h = in + LINE_LEN;
	size_t clen = 0;
	int rc;

	peer_backup_init(b);
	rc = peer_backup_check(in, len);
	if (rc)
		return rc;
	p.alg = h[0];
	p.ops = get_be(h + 1, 8);
	p.mem = get_be(h + 9, 8);
	clen = len - HEADER_LEN;
	plain = malloc(clen - CRDT_AEAD_ABYTES);
	if (!plain)
		return KITH_ENOMEM;
	rc = crdt_pwhash(key, pass, pass_len, h + 17, &p);
	if (!rc)
		rc = crdt_aead_open(plain, in + HEADER_LEN, clen, in,
				    HEADER_LEN, h + 17 + CRDT_PWHASH_SALT_LEN,
				    key);
	crdt_wipe(key, sizeof key);
	if (!rc)
		rc = parse(plain, clen - CRDT_AEAD_ABYTES, b);
	crdt_wipe(plain, clen - CRDT_AEAD_ABYTES);
	free(plain);
	if (rc)
		peer_backup_release(b);
	return rc;
}

int peer_backup_read(const char *path, uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t n = 0;
	ssize_t got;
	int fd, rc = 0;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? KITH_ENOTFOUND : -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EISDIR;
		if (!S_ISDIR(st.st_mode))
			rc = KITH_EDECODE;
		goto out;
	}
	if ((uint64_t)st.st_size > FILE_MAX) {
		rc = KITH_ETOOBIG;
		goto out;
	}
	/* one byte more than it says: a file that grows is noticed */
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = KITH_ENOMEM;
		goto out;
	}
	while (n <= (size_t)st.st_size) {
		got = read(fd, buf + n, (size_t)st.st_size + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > (size_t)st.st_size) {
		rc = KITH_EDECODE; /* written to while we read */
		goto out;
	}
	*out = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

/* 1 when DIR/name exists. */
static int exists(const char *dir, const char *name)
{
	char path[PEER_PATH_MAX];

	return peer_path(path, sizeof path, dir, name) == 0 &&
	       access(path, F_OK) == 0;
}

/* 0 when dir's community file is b's, or there is none; else
 * KITH_ECOMMUNITY (or the read error). */
static int same_community(const char *dir, const struct peer_backup *b,
			  int *have)
{
	char buf[PEER_BACKUP_COMMUNITY_MAX + 1];
	size_t n = 0;
	int rc = peer_read_file(dir, "community", (uint8_t *)buf, sizeof buf,
				&n);

	*have = rc == 0;
	if (rc == KITH_ENOTFOUND)
		return 0;
	if (!rc && (n != b->community_len ||
		    !crdt_equal(buf, b->community, n)))
		rc = KITH_ECOMMUNITY;
	crdt_wipe(buf, sizeof buf);
	return rc;
}

/* 0 when member k is not hosted in dir, or is with the same key under
 * host; *have says which.  Else KITH_EEXISTS. */
static int same_hosted(const char *dir, const struct crdt_identity *host,
		       const struct peer_backup_key *k, int *have)
{
	struct crdt_identity got;
	int rc;

	*have = peer_hosted_here(dir, k->pk);
	if (!*have)
		return 0;
	rc = peer_hosted_load(dir, host, k->pk, &got);
	if (rc)
		return KITH_EEXISTS;
	rc = crdt_equal(got.sk, k->sk, CRDT_SK_LEN) ? 0 : KITH_EEXISTS;
	crdt_identity_release(&got);
	return rc;
}

int peer_backup_fits(const char *dir, const struct peer_backup *b)
{
	struct crdt_identity host;
	size_t i;
	int rc, have;

	if (exists(dir, "identity"))
		return KITH_EEXISTS;
	rc = same_community(dir, b, &have);
	if (rc)
		return rc;
	rc = crdt_identity_from_sk(&host, b->self.sk);
	if (rc)
		return rc;
	for (i = 0; !rc && i < b->nhosted; i++)
		rc = same_hosted(dir, &host, &b->hosted[i], &have);
	crdt_identity_release(&host);
	return rc;
}

/* Record k's head in dir unless a head further along is kept there. */
static int put_head(const char *dir, const struct peer_backup_key *k)
{
	struct crdt_head now;
	int rc;

	if (!k->head.seq)
		return 0;
	rc = peer_head_load(dir, k->pk, &now);
	if (rc == 0 && now.seq >= k->head.seq)
		return 0;
	return peer_head_save(dir, k->pk, &k->head);
}

int peer_backup_restore(const char *dir, const struct peer_backup *b)
{
	struct crdt_identity host, member;
	size_t i;
	int rc, have;

	rc = same_community(dir, b, &have);
	if (!rc && !have && b->community_len)
		rc = peer_write_secret(dir, "community", b->community,
				       b->community_len, 0);
	if (rc)
		return rc;
	rc = crdt_identity_from_sk(&host, b->self.sk);
	if (rc)
		return rc;
	for (i = 0; !rc && i < b->nhosted; i++) {
		const struct peer_backup_key *k = &b->hosted[i];

		rc = same_hosted(dir, &host, k, &have);
		if (!rc && !have) {
			rc = crdt_identity_from_sk(&member, k->sk);
			if (!rc) {
				rc = peer_hosted_save(dir, &host, &member);
				crdt_identity_release(&member);
			}
		}
		/* after the key: the head goes next to it (keystore.c) */
		if (!rc)
			rc = put_head(dir, k);
	}
	if (!rc)
		rc = put_head(dir, &b->self);
	if (!rc)
		rc = peer_write_secret(dir, "identity", host.sk, CRDT_SK_LEN, 0);
	crdt_identity_release(&host);
	return rc;
}
