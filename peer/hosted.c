/*
 * hosted.c - the keys of hosted members, encrypted at rest (see hosted.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crdt/codec.h"
#include "crdt/err.h"
#include "hosted.h"
#include "keystore.h"

#define HOSTED_MAGIC "kith-hosted 1\n"
#define MAGIC_LEN (sizeof HOSTED_MAGIC - 1)
#define FILE_LEN \
	(MAGIC_LEN + CRDT_AEAD_NONCE_LEN + CRDT_SK_LEN + CRDT_AEAD_ABYTES)

static int hosted_dir(const char *dir, char *out, size_t cap)
{
	return peer_path(out, cap, dir, "hosted");
}

/* The associated data: "kith hosted", the member, the host. */
static void hosted_ad(uint8_t ad[11 + 2 * CRDT_PK_LEN],
		      const uint8_t member[CRDT_PK_LEN],
		      const uint8_t host[CRDT_PK_LEN])
{
	memcpy(ad, "kith hosted", 11);
	memcpy(ad + 11, member, CRDT_PK_LEN);
	memcpy(ad + 11 + CRDT_PK_LEN, host, CRDT_PK_LEN);
}

int peer_hosted_save(const char *dir, const struct crdt_identity *host,
		     const struct crdt_identity *member)
{
	uint8_t buf[FILE_LEN], key[CRDT_KEY_LEN], ad[11 + 2 * CRDT_PK_LEN];
	char sub[PEER_PATH_MAX], hex[2 * CRDT_PK_LEN + 1];
	int rc;

	if (hosted_dir(dir, sub, sizeof sub))
		return KITH_ETOOBIG;
	if (mkdir(sub, 0700) == 0) {
		/* the new directory itself survives a power cut: the key
		 * goes in before the profile is published (action/hosted.c) */
		rc = peer_sync_dir(dir);
		if (rc)
			return rc;
	} else if (errno != EEXIST) {
		return -errno;
	}
	memcpy(buf, HOSTED_MAGIC, MAGIC_LEN);
	crdt_crypto_random(buf + MAGIC_LEN, CRDT_AEAD_NONCE_LEN);
	crdt_identity_subkey(key, host, CRDT_IDKEY_HOSTED);
	hosted_ad(ad, member->pk, host->pk);
	crdt_aead_seal(buf + MAGIC_LEN + CRDT_AEAD_NONCE_LEN, member->sk,
		       CRDT_SK_LEN, ad, sizeof ad, buf + MAGIC_LEN, key);
	crdt_wipe(key, sizeof key);
	crdt_hex(hex, member->pk, CRDT_PK_LEN);
	rc = peer_write_secret(sub, hex, buf, sizeof buf, 0);
	crdt_wipe(buf, sizeof buf);
	return rc;
}

int peer_hosted_load(const char *dir, const struct crdt_identity *host,
		     const uint8_t pk[CRDT_PK_LEN], struct crdt_identity *out)
{
	uint8_t buf[FILE_LEN + 1], key[CRDT_KEY_LEN], ad[11 + 2 * CRDT_PK_LEN];
	uint8_t sk[CRDT_SK_LEN];
	char sub[PEER_PATH_MAX], hex[2 * CRDT_PK_LEN + 1];
	size_t n = 0;
	int rc;

	out->sk = NULL;
	if (hosted_dir(dir, sub, sizeof sub))
		return KITH_ETOOBIG;
	crdt_hex(hex, pk, CRDT_PK_LEN);
	rc = peer_read_file(sub, hex, buf, sizeof buf, &n);
	if (rc)
		return rc;
	if (n != FILE_LEN || memcmp(buf, HOSTED_MAGIC, MAGIC_LEN)) {
		crdt_wipe(buf, sizeof buf);
		return KITH_EDECODE;
	}
	crdt_identity_subkey(key, host, CRDT_IDKEY_HOSTED);
	hosted_ad(ad, pk, host->pk);
	rc = crdt_aead_open(sk, buf + MAGIC_LEN + CRDT_AEAD_NONCE_LEN,
			    CRDT_SK_LEN + CRDT_AEAD_ABYTES, ad, sizeof ad,
			    buf + MAGIC_LEN, key);
	crdt_wipe(key, sizeof key);
	crdt_wipe(buf, sizeof buf);
	if (!rc)
		rc = crdt_identity_from_sk(out, sk);
	crdt_wipe(sk, sizeof sk);
	/* a file renamed to another member opens (the AD names pk) only
	 * when it holds pk's key: crdt_identity_from_sk checked the pair */
	if (!rc && !crdt_equal(out->pk, pk, CRDT_PK_LEN)) {
		crdt_identity_release(out);
		rc = KITH_ECRYPT;
	}
	return rc;
}

int peer_hosted_here(const char *dir, const uint8_t pk[CRDT_PK_LEN])
{
	char sub[PEER_PATH_MAX], hex[2 * CRDT_PK_LEN + 1], path[PEER_PATH_MAX];

	if (hosted_dir(dir, sub, sizeof sub))
		return 0;
	crdt_hex(hex, pk, CRDT_PK_LEN);
	if (peer_path(path, sizeof path, sub, hex))
		return 0;
	return access(path, F_OK) == 0;
}

int peer_hosted_each(const char *dir,
		     int (*fn)(void *ctx, const uint8_t pk[CRDT_PK_LEN]),
		     void *ctx)
{
	char sub[PEER_PATH_MAX];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (hosted_dir(dir, sub, sizeof sub))
		return KITH_ETOOBIG;
	d = opendir(sub);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!rc && (e = readdir(d)) != NULL) {
		uint8_t pk[CRDT_PK_LEN];

		/* HEX alone: not HEX.head, not a writer's temp file */
		if (strlen(e->d_name) != 2 * CRDT_PK_LEN ||
		    crdt_unhex(pk, CRDT_PK_LEN, e->d_name))
			continue;
		rc = fn(ctx, pk);
	}
	closedir(d);
	return rc;
}

int peer_hosted_remove(const char *dir, const uint8_t pk[CRDT_PK_LEN])
{
	char sub[PEER_PATH_MAX], hex[2 * CRDT_PK_LEN + 6], path[PEER_PATH_MAX];
	uint8_t zero[FILE_LEN] = { 0 };
	int fd, rc = 0;

	if (hosted_dir(dir, sub, sizeof sub))
		return KITH_ETOOBIG;
	crdt_hex(hex, pk, CRDT_PK_LEN);
	if (peer_path(path, sizeof path, sub, hex))
		return KITH_ETOOBIG;
	/* the ciphertext overwritten in place before the name goes (on
	 * filesystems that write in place; the host key guards the rest) */
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? KITH_ENOTFOUND : -errno;
	if (write(fd, zero, sizeof zero) != (ssize_t)sizeof zero || fsync(fd))
		rc = -errno;
	close(fd);
	if (unlink(path) && !rc)
		rc = -errno;
	strcat(hex, ".head");
	if (peer_path(path, sizeof path, sub, hex) == 0)
		(void)unlink(path);
	return rc;
}
