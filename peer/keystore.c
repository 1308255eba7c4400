#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crdt/codec.h"
#include "crdt/err.h"
#include "hosted.h"
#include "keystore.h"

/* The value of the environment variable name, or NULL when unset or empty. */
static const char *env_set(const char *name)
{
	const char *e = getenv(name);

	return e && *e ? e : NULL;
}

int peer_home(const char *arg, char *out, size_t cap)
{
	const char *home = env_set("KITH_HOME");
	const char *xdg = env_set("XDG_DATA_HOME");
	const char *user = env_set("HOME");
	int n;

	if (arg && *arg)
		n = snprintf(out, cap, "%s", arg);
	else if (home)
		n = snprintf(out, cap, "%s", home);
	else if (xdg)
		n = snprintf(out, cap, "%s/kith", xdg);
	else if (user)
		n = snprintf(out, cap, "%s/.local/share/kith", user);
	else
		return KITH_EINVAL;
	return n < 0 || (size_t)n >= cap ? KITH_ETOOBIG : 0;
}

int peer_home_ensure(const char *dir)
{
	char tmp[PEER_PATH_MAX];
	size_t i, n = strlen(dir);

	if (n >= sizeof tmp)
		return KITH_ETOOBIG;
	memcpy(tmp, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != 0)
			continue;
		tmp[i] = 0;
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return -errno;
		tmp[i] = dir[i];
	}
	return 0;
}

int peer_path(char *out, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= cap ? KITH_ETOOBIG : 0;
}

/* fsync a directory, so that a rename or link in it is on disk. */
int peer_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) && errno != EINVAL) /* some filesystems cannot */
		rc = -errno;
	close(fd);
	return rc;
}

int peer_write_secret(const char *dir, const char *name, const void *p,
			size_t n, int overwrite)
{
	char path[PEER_PATH_MAX], tmp[PEER_PATH_MAX];
	int fd, rc = 0;

	if (peer_path(path, sizeof path, dir, name) ||
	    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >=
		    (int)sizeof tmp)
		return KITH_ETOOBIG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, p, n) != (ssize_t)n || fsync(fd))
		rc = errno == ENOSPC ? KITH_EFULL : -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc) {
		if (overwrite)
			rc = rename(tmp, path) ? -errno : 0;
		else if (link(tmp, path))
			rc = errno == EEXIST ? KITH_EEXISTS : -errno;
	}
	unlink(tmp);
	if (!rc)
		rc = peer_sync_dir(dir);
	return rc;
}

int peer_read_file(const char *dir, const char *name, uint8_t *buf,
		     size_t cap, size_t *len)
{
	char path[PEER_PATH_MAX];
	ssize_t n;
	int fd;

	if (peer_path(path, sizeof path, dir, name))
		return KITH_ETOOBIG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? KITH_ENOTFOUND : -errno;
	n = read(fd, buf, cap);
	close(fd);
	if (n < 0)
		return -errno;
	*len = (size_t)n;
	return 0;
}

int peer_identity_create(const char *dir, const struct crdt_env *env,
			 struct crdt_identity *id)
{
	uint8_t seed[CRDT_SEED_LEN];
	char path[PEER_PATH_MAX];
	int rc;

	if (peer_path(path, sizeof path, dir, "identity"))
		return KITH_ETOOBIG;
	if (access(path, F_OK) == 0)
		return KITH_EEXISTS;
	env->random(env->ctx, seed, sizeof seed);
	rc = crdt_identity_from_seed(id, seed);
	crdt_wipe(seed, sizeof seed);
	if (rc)
		return rc;
	rc = peer_write_secret(dir, "identity", id->sk, CRDT_SK_LEN, 0);
	if (rc)
		crdt_identity_release(id);
	return rc;
}

int peer_identity_load(const char *dir, struct crdt_identity *id)
{
	uint8_t sk[CRDT_SK_LEN + 1];
	size_t n = 0;
	int rc = peer_read_file(dir, "identity", sk, sizeof sk, &n);

	if (rc == KITH_ENOTFOUND)
		return KITH_ENOIDENT;
	if (!rc && n != CRDT_SK_LEN)
		rc = KITH_EDECODE;
	if (!rc)
		rc = crdt_identity_from_sk(id, sk);
	crdt_wipe(sk, sizeof sk);
	return rc;
}

#define MEMBER_MAGIC "kith-member 1"

int peer_member_load(const char *dir, uint8_t member[CRDT_PK_LEN])
{
	char buf[128];
	size_t n = 0, ml = strlen(MEMBER_MAGIC);
	int rc = peer_read_file(dir, "member", (uint8_t *)buf, sizeof buf - 1,
				&n);

	if (rc)
		return rc;
	buf[n] = 0;
	if (n != ml + 2 + 2 * CRDT_PK_LEN || memcmp(buf, MEMBER_MAGIC, ml) ||
	    buf[ml] != '\n' || buf[n - 1] != '\n')
		return KITH_EDECODE;
	buf[n - 1] = 0;
	if (crdt_unhex(member, CRDT_PK_LEN, buf + ml + 1))
		return KITH_EDECODE;
	return 0;
}

int peer_member_save(const char *dir, const uint8_t member[CRDT_PK_LEN])
{
	char hex[2 * CRDT_PK_LEN + 1], buf[128];
	int n;

	crdt_hex(hex, member, CRDT_PK_LEN);
	n = snprintf(buf, sizeof buf, "%s\n%s\n", MEMBER_MAGIC, hex);
	return peer_write_secret(dir, "member", buf, (size_t)n, 0);
}

void peer_community_wire_key(const struct peer_community *c,
			     uint8_t out[CRDT_KEY_LEN])
{
	if (c->version == 2)
		crdt_community_bind(out, c->key, c->genesis);
	else
		memcpy(out, c->key, CRDT_KEY_LEN);
}

#define HEAD_MAGIC "kith-head 1"

/* Where the head of author pk is kept: DIR/head, or DIR/hosted/HEX.head
 * for a member this machine hosts (peer/hosted.h). */
static int head_place(const char *dir, const uint8_t pk[CRDT_PK_LEN],
		      char *sub, size_t cap, char name[2 * CRDT_PK_LEN + 6])
{
	if (!peer_hosted_here(dir, pk)) {
		strcpy(name, "head");
		return snprintf(sub, cap, "%s", dir) >= (int)cap ? KITH_ETOOBIG
								 : 0;
	}
	crdt_hex(name, pk, CRDT_PK_LEN);
	strcat(name, ".head");
	return snprintf(sub, cap, "%s/hosted", dir) >= (int)cap ? KITH_ETOOBIG
								 : 0;
}

int peer_head_load(const char *dir, const uint8_t pk[CRDT_PK_LEN],
		   struct crdt_head *h)
{
	char buf[512], author[2 * CRDT_PK_LEN + 1], hash[2 * CRDT_HASH_LEN + 1];
	char sub[PEER_PATH_MAX], name[2 * CRDT_PK_LEN + 6];
	uint8_t who[CRDT_PK_LEN];
	unsigned long long seq;
	size_t n = 0;
	int rc, end = 0;

	memset(h, 0, sizeof *h);
	rc = head_place(dir, pk, sub, sizeof sub, name);
	if (!rc)
		rc = peer_read_file(sub, name, (uint8_t *)buf, sizeof buf - 1,
				    &n);
	if (rc)
		return rc; /* KITH_ENOTFOUND when there is none */
	buf[n] = 0;
	/* exactly the four lines peer_head_save writes */
	if (sscanf(buf,
		   HEAD_MAGIC "\nauthor %64[0-9a-f]\nseq %20llu\nhash "
			      "%64[0-9a-f]\n%n",
		   author, &seq, hash, &end) != 3 ||
	    (size_t)end != n || strlen(author) != 2 * CRDT_PK_LEN ||
	    strlen(hash) != 2 * CRDT_HASH_LEN ||
	    crdt_unhex(who, CRDT_PK_LEN, author) ||
	    crdt_unhex(h->hash, CRDT_HASH_LEN, hash) || seq >= (1ull << 40)) {
		memset(h, 0, sizeof *h);
		return KITH_EDECODE;
	}
	if (!crdt_equal(who, pk, CRDT_PK_LEN)) {
		memset(h, 0, sizeof *h);
		return KITH_ENOTFOUND;
	}
	h->seq = seq;
	return 0;
}

int peer_head_save(const char *dir, const uint8_t pk[CRDT_PK_LEN],
		   const struct crdt_head *h)
{
	char buf[512], author[2 * CRDT_PK_LEN + 1], hash[2 * CRDT_HASH_LEN + 1];
	char sub[PEER_PATH_MAX], name[2 * CRDT_PK_LEN + 6];
	int n;

	crdt_hex(author, pk, CRDT_PK_LEN);
	crdt_hex(hash, h->hash, CRDT_HASH_LEN);
	n = snprintf(buf, sizeof buf, HEAD_MAGIC "\nauthor %s\nseq %llu\nhash %s\n",
		     author, (unsigned long long)h->seq, hash);
	if (n < 0 || (size_t)n >= sizeof buf)
		return KITH_ETOOBIG;
	if (head_place(dir, pk, sub, sizeof sub, name))
		return KITH_ETOOBIG;
	return peer_write_secret(sub, name, buf, (size_t)n, 1);
}

void peer_community_wipe(struct peer_community *c)
{
	crdt_wipe(c, sizeof *c);
}

/* The end of a load or decode into c: nothing of c is left on failure. */
static int community_done(struct peer_community *c, int rc)
{
	if (rc)
		peer_community_wipe(c);
	return rc;
}

int peer_community_parse(const char *text, size_t len, struct peer_community *c)
{
	char buf[1024], *line, *save = NULL;
	char keyhex[2 * CRDT_KEY_LEN + 1] = "", creatorhex[2 * CRDT_PK_LEN + 1] = "";
	int rc = 0, fields = 0;

	memset(c, 0, sizeof *c);
	if (len >= sizeof buf) {
		rc = KITH_EDECODE;
		goto out;
	}
	memcpy(buf, text, len);
	buf[len] = 0;
	line = strtok_r(buf, "\n", &save);
	if (!line || strcmp(line, "kith-community 1")) {
		rc = KITH_EDECODE;
		goto out;
	}
	for (line = strtok_r(NULL, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "name ", 5) &&
		    strlen(line + 5) <= PEER_NAME_MAX) {
			strcpy(c->name, line + 5);
			fields |= 1;
		} else if (!strncmp(line, "key ", 4) &&
			   strlen(line + 4) == 2 * CRDT_KEY_LEN) {
			strcpy(keyhex, line + 4);
			fields |= 2;
		} else if (!strncmp(line, "creator ", 8) &&
			   strlen(line + 8) == 2 * CRDT_PK_LEN) {
			strcpy(creatorhex, line + 8);
			fields |= 4;
		} else if (!strncmp(line, "genesis ", 8) &&
			   strlen(line + 8) == 2 * CRDT_HASH_LEN) {
			strcpy(creatorhex, line + 8);
			fields |= 8;
		}
	}
	c->version = fields & 8 ? 2 : 1;
	if ((fields != 7 && fields != 11) ||
	    crdt_unhex(c->key, CRDT_KEY_LEN, keyhex) ||
	    crdt_unhex(c->version == 2 ? c->genesis : c->creator, CRDT_PK_LEN,
		       creatorhex))
		rc = KITH_EDECODE;
out:
	crdt_wipe(buf, sizeof buf);
	crdt_wipe(keyhex, sizeof keyhex);
	return community_done(c, rc);
}

int peer_community_load(const char *dir, struct peer_community *c)
{
	char buf[1024];
	size_t n = 0;
	int rc;

	memset(c, 0, sizeof *c);
	rc = peer_read_file(dir, "community", (uint8_t *)buf, sizeof buf - 1, &n);
	if (rc == KITH_ENOTFOUND)
		rc = KITH_ENOCOMMUNITY;
	if (!rc)
		rc = peer_community_parse(buf, n, c);
	crdt_wipe(buf, sizeof buf);
	return community_done(c, rc);
}

int peer_community_save(const char *dir, const struct peer_community *c)
{
	char buf[512], keyhex[2 * CRDT_KEY_LEN + 1], creatorhex[2 * CRDT_PK_LEN + 1];
	int n, rc;

	crdt_hex(keyhex, c->key, CRDT_KEY_LEN);
	crdt_hex(creatorhex, c->version == 2 ? c->genesis : c->creator,
		 CRDT_PK_LEN);
	n = snprintf(buf, sizeof buf,
		     "kith-community 1\nname %s\nkey %s\n%s %s\n", c->name,
		     keyhex, c->version == 2 ? "genesis" : "creator",
		     creatorhex);
	rc = n > 0 && (size_t)n < sizeof buf
		     ? peer_write_secret(dir, "community", buf, (size_t)n, 0)
		     : KITH_ETOOBIG;
	crdt_wipe(buf, sizeof buf);
	crdt_wipe(keyhex, sizeof keyhex);
	return rc;
}

/* ---- invite codes ------------------------------------------------------ */

static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
#define INVITE_PREFIX "kith1"
#define INVITE_SUM 4

/* "prefix" + base32 of raw[0..n) and its checksum (raw has room for
 * INVITE_SUM more bytes). */
static int code_encode(const char *prefix, uint8_t *raw, size_t n, char *out,
		       size_t cap)
{
	size_t i, o;
	uint32_t acc = 0;
	int bits = 0;

	crdt_hash(raw + n, INVITE_SUM, raw, n);
	n += INVITE_SUM;
	if (cap < strlen(prefix) + (n * 8 + 4) / 5 + 1)
		return KITH_ETOOBIG;
	o = (size_t)snprintf(out, cap, "%s", prefix);
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
	return 0;
}

/* The bytes of a code with this prefix into raw (cap bytes), checksum
 * checked and cut off: *n of them, at least min.  KITH_EDECODE when it is
 * not such a code, KITH_ECHECKSUM on a typo (a code too short for min is
 * taken for one). */
static int code_decode(const char *code, const char *prefix, size_t min,
		       uint8_t *raw, size_t cap, size_t *n)
{
	uint8_t sum[INVITE_SUM];
	char norm[PEER_LINK_MAX * 2];
	size_t m = 0, i, pl = strlen(prefix);
	uint32_t acc = 0;
	int bits = 0, rc = 0;

	*n = 0;
	for (i = 0; code[i]; i++) {
		char ch = code[i];

		if (ch == ' ' || ch == '-' || ch == '\n' || ch == '\t')
			continue;
		if (m + 1 >= sizeof norm) {
			rc = KITH_EDECODE;
			goto out;
		}
		norm[m++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
	norm[m] = 0;
	if (m < pl || memcmp(norm, prefix, pl)) { /* the public prefix */
		rc = KITH_EDECODE;
		goto out;
	}
	for (i = pl; i < m; i++) {
		const char *p = strchr(b32, norm[i]);

		if (!p || !norm[i]) {
			rc = KITH_ECHECKSUM; /* a typo, e.g. '1' or '8' */
			goto out;
		}
		acc = acc << 5 | (uint32_t)(p - b32);
		bits += 5;
		if (bits >= 8) {
			if (*n >= cap) {
				rc = KITH_EDECODE;
				goto out;
			}
			raw[(*n)++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	/* one spelling per code: at most 4 padding bits, all zero (else a
	 * stray trailing letter would be accepted) */
	if (bits >= 5 || (acc & ((1u << bits) - 1)) || *n < min + INVITE_SUM) {
		rc = KITH_ECHECKSUM;
		goto out;
	}
	*n -= INVITE_SUM;
	crdt_hash(sum, INVITE_SUM, raw, *n);
	if (!crdt_equal(sum, raw + *n, INVITE_SUM))
		rc = KITH_ECHECKSUM;
out:
	crdt_wipe(norm, sizeof norm);
	return rc;
}

/* The community part of a code (version 2 or 1) at raw; its length. */
static size_t invite_put(const struct peer_community *c, uint8_t *raw)
{
	size_t nl = strlen(c->name), n = 0;

	raw[n++] = c->version == 2 ? 2 : 1;
	memcpy(raw + n, c->key, CRDT_KEY_LEN);
	n += CRDT_KEY_LEN;
	memcpy(raw + n, c->version == 2 ? c->genesis : c->creator, CRDT_PK_LEN);
	n += CRDT_PK_LEN;
	raw[n++] = (uint8_t)nl;
	memcpy(raw + n, c->name, nl);
	return n + nl;
}

/* The community part of raw[0..n) into c; its length in *used. */
static int invite_get(const uint8_t *raw, size_t n, struct peer_community *c,
		      size_t *used)
{
	size_t nl;

	memset(c, 0, sizeof *c);
	if (n < 1 + CRDT_KEY_LEN + CRDT_PK_LEN + 1)
		return KITH_EDECODE;
	if (raw[0] > 2)
		return KITH_EVERSION; /* a later kith made it */
	nl = raw[1 + CRDT_KEY_LEN + CRDT_PK_LEN];
	if (raw[0] < 1 || nl > PEER_NAME_MAX ||
	    1 + CRDT_KEY_LEN + CRDT_PK_LEN + 1 + nl > n)
		return KITH_EDECODE;
	memcpy(c->key, raw + 1, CRDT_KEY_LEN);
	c->version = raw[0];
	memcpy(c->version == 2 ? c->genesis : c->creator,
	       raw + 1 + CRDT_KEY_LEN, CRDT_PK_LEN);
	memcpy(c->name, raw + 1 + CRDT_KEY_LEN + CRDT_PK_LEN + 1, nl);
	c->name[nl] = 0;
	*used = 1 + CRDT_KEY_LEN + CRDT_PK_LEN + 1 + nl;
	return strlen(c->name) == nl ? 0 : KITH_EDECODE;
}

int peer_invite_encode(const struct peer_community *c, char *out, size_t cap)
{
	uint8_t raw[1 + CRDT_KEY_LEN + CRDT_PK_LEN + 1 + PEER_NAME_MAX +
		    INVITE_SUM];
	int rc;

	if (strlen(c->name) > PEER_NAME_MAX)
		return KITH_EINVAL;
	rc = code_encode(INVITE_PREFIX, raw, invite_put(c, raw), out, cap);
	crdt_wipe(raw, sizeof raw);
	return rc;
}

int peer_invite_decode(const char *code, struct peer_community *c)
{
	uint8_t raw[PEER_INVITE_MAX];
	size_t n, used = 0;
	int rc = code_decode(code, INVITE_PREFIX,
			     1 + CRDT_KEY_LEN + CRDT_PK_LEN + 1, raw, sizeof raw,
			     &n);

	memset(c, 0, sizeof *c);
	if (!rc)
		rc = invite_get(raw, n, c, &used);
	if (!rc && used != n)
		rc = KITH_EDECODE;
	crdt_wipe(raw, sizeof raw);
	return community_done(c, rc);
}

/* ---- link codes -------------------------------------------------------- */

#define LINK_PREFIX "kithlink1"
#define LINK_VERSION 1

int peer_link_encode(const struct peer_link *l, char *out, size_t cap)
{
	uint8_t raw[PEER_LINK_MAX];
	size_t n = 0, i;
	int rc;

	if (strlen(l->community.name) > PEER_NAME_MAX)
		return KITH_EINVAL;
	raw[n++] = LINK_VERSION;
	n += invite_put(&l->community, raw + n);
	memcpy(raw + n, l->seed, sizeof l->seed);
	n += sizeof l->seed;
	memcpy(raw + n, l->member, CRDT_PK_LEN);
	n += CRDT_PK_LEN;
	for (i = 0; i < 8; i++)
		raw[n++] = (uint8_t)(l->seq >> (56 - 8 * i));
	memcpy(raw + n, l->head, CRDT_HASH_LEN);
	n += CRDT_HASH_LEN;
	rc = code_encode(LINK_PREFIX, raw, n, out, cap);
	crdt_wipe(raw, sizeof raw);
	return rc;
}

int peer_link_decode(const char *code, struct peer_link *l)
{
	uint8_t raw[PEER_LINK_MAX];
	size_t n, used = 0;
	int rc = code_decode(code, LINK_PREFIX,
			     2 + CRDT_KEY_LEN + CRDT_PK_LEN + 1, raw, sizeof raw,
			     &n);

	memset(l, 0, sizeof *l);
	if (!rc && raw[0] != LINK_VERSION)
		rc = raw[0] > LINK_VERSION ? KITH_EVERSION : KITH_EDECODE;
	if (!rc)
		rc = invite_get(raw + 1, n - 1, &l->community, &used);
	if (!rc && 1 + used + sizeof l->seed + CRDT_PK_LEN + 8 +
			   CRDT_HASH_LEN != n)
		rc = KITH_EDECODE;
	if (!rc) {
		const uint8_t *p = raw + 1 + used;
		int i;

		memcpy(l->seed, p, sizeof l->seed);
		p += sizeof l->seed;
		memcpy(l->member, p, CRDT_PK_LEN);
		p += CRDT_PK_LEN;
		for (i = 0; i < 8; i++)
			l->seq = l->seq << 8 | *p++;
		memcpy(l->head, p, CRDT_HASH_LEN);
		if (!l->seq)
			rc = KITH_EDECODE;
	}
	crdt_wipe(raw, sizeof raw);
	if (rc)
		peer_link_wipe(l);
	return rc;
}

void peer_link_wipe(struct peer_link *l)
{
	crdt_wipe(l, sizeof *l);
}
