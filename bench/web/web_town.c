/*
 * web_town.c - a data directory that holds the ops bench's old town
 * (bench/ops/town.h: 12,000 members, 50,000 items, 20,000 wishes, an
 * emergency and its check-ins), for the web bench (bench/web/webbench.py)
 * to serve with a real `kith daemon`.
 *
 *   build/bench/web_town HOME [--quick]
 *
 * HOME must not exist yet.  It gets replica.db (the town), the community
 * file (its creator is member 0) and the identity of member 0, so the
 * daemon acts as the town's first coordinator: the home page shows the
 * emergency banner, the roll call is theirs to see.  The head file is left
 * out (the replica is the truth then; the daemon writes it when it first
 * commits).  Prints one line: what was built and how long it took.
 * Any failure ends the process with a message (it is a benchmark).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bench/ops/town.h"
#include "crdt/community.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "peer/keystore.h"

static uint8_t member0_seed[CRDT_SEED_LEN];

/* The environment peer_identity_create draws the seed from: member 0's. */
static void seed_random(void *ctx, void *buf, size_t n)
{
	(void)ctx;
	memset(buf, 0, n);
	memcpy(buf, member0_seed, n < sizeof member0_seed ? n : sizeof member0_seed);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct town_cfg cfg = { .members = 12000, .buildings = 69,
				.items = 50000, .wishes = 20000,
				.resource_pct = 10, .claim_pct = 30 };
	struct crdt_env env = { crdt_env_system.now_ms, seed_random, NULL };
	struct peer_community com;
	struct crdt_identity id;
	struct town t;
	struct stat st;
	char path[PEER_PATH_MAX + 32];
	const char *home;
	double t0;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--quick"))) {
		fprintf(stderr, "usage: web_town HOME [--quick]\n");
		return 2;
	}
	home = argv[1];
	if (argc == 3) {
		cfg.members /= 10;
		cfg.items /= 10;
		cfg.wishes /= 10;
	}
	if (stat(home, &st) == 0)
		town_die("'%s' exists; give a new directory", home);
	TOWN_CHECK(crdt_crypto_init());
	TOWN_CHECK(peer_home_ensure(home));
	snprintf(path, sizeof path, "%s/replica.db", home);

	t0 = now_s();
	town_build(&t, &cfg, path);

	memset(&com, 0, sizeof com);
	snprintf(com.name, sizeof com.name, "Old Town");
	town_bytes(com.key, sizeof com.key);
	memcpy(com.creator, t.creator, CRDT_PK_LEN);
	com.version = 1;
	TOWN_CHECK(peer_community_save(home, &com));
	peer_community_wipe(&com);

	town_member_seed(0, member0_seed);
	TOWN_CHECK(peer_identity_create(home, &env, &id));
	if (memcmp(id.pk, t.creator, CRDT_PK_LEN))
		town_die("the identity written is not the town's creator");
	crdt_identity_release(&id);
	crdt_wipe(member0_seed, sizeof member0_seed);

	printf("web_town: %ld members, %ld items, %ld wishes, %ld changes "
	       "in %.1f s\n",
	       cfg.members, cfg.items, cfg.wishes, t.changes, now_s() - t0);
	town_release(&t);
	return 0;
}
