/*
 * town.h - an old-town community's replica, built for the ops bench
 * (bench/ops/ops_bench.c) through the crdt API only.
 *
 * cfg->members members in cfg->buildings buildings, each publishing their
 * own profile (a SELF op signed by their own identity: name, building,
 * unit, three in four with skills, some with availability); cfg->items
 * items (cfg->resource_pct of them resources with quantities and units) by
 * about one member in 20, up to 100 CREATE ops per change; cfg->wishes
 * wishes of mixed urgency (3 % critical, 10 % urgent, 60 % normal) by
 * about one member in 6, ten per change; claims on cfg->claim_pct of them
 * by other members; the wish authors accept and confirm half of the
 * claimed ones with hours and withdraw a few; owners lend some items; the
 * first member (the community's creator, so a coordinator) starts an
 * emergency; then most members check in, some twice, and one member per
 * building reports for neighbours.  Contents and keys come from fixed
 * seeds; the clock is injected, everything happens in the 12 days before
 * the wall clock at build time (t->end_ms).  One member in ten speaks
 * Chinese: their name, skills, items and wishes are in Chinese (the same
 * categories and shapes), so Chinese searches hit real posts.
 *
 * town_build owns t->r (open, no identity) until town_release.  Any
 * failure ends the process with a message (it is a benchmark).
 */
#ifndef KITH_BENCH_TOWN_H
#define KITH_BENCH_TOWN_H

#include <stdint.h>

#include "crdt/replica.h"

struct town_cfg {
	long members, buildings, items, wishes, resource_pct, claim_pct;
};

struct town {
	struct crdt_replica r;
	uint64_t end_ms;	    /* "now" for queries, unix ms */
	long changes, authors;	    /* signed changes, distinct signers */
	long resources, claims, confirmed, withdrawn, loans, checkins;
	uint8_t creator[32];	    /* member 0: the first coordinator */
	uint8_t helper[32];	    /* a member credited hours */
	uint8_t borrower[32];	    /* a member who borrowed something */
	char first_building[64];
};

/* Build the replica at path (a new file). */
void town_build(struct town *t, const struct town_cfg *cfg, const char *path);
void town_release(struct town *t);
/* The 32-byte seed of member number member's identity (0: the creator),
 * so a benchmark can act as that member (bench/web/web_town.c). */
void town_member_seed(long member, uint8_t seed[32]);
/* n deterministic bytes (a community key for the bench). */
void town_bytes(void *buf, size_t n);

__attribute__((format(printf, 1, 2), noreturn)) void
town_die(const char *fmt, ...);
#define TOWN_CHECK(expr)                                                      \
	do {                                                                  \
		int rc_ = (expr);                                             \
		if (rc_)                                                      \
			town_die("%s:%d: %s: %s", __FILE__, __LINE__, #expr,  \
				 kith_strerror(rc_));                         \
	} while (0)

#endif
