/*
 * facts.c - ordered facts and their replay (see facts.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "err.h"
#include "facts.h"
#include "rules.h"
#include "schema.h"

enum { F_LOAD, F_SEEN, F_SEEN_CHECKIN, F_SEEN_MODERATION, F_NSQL };
static const char *const facts_sql[F_NSQL] = {
	/* column 13: the member the signing key belongs to (a device's,
	 * crdt/materialize.c's keys table), whose roles count */
#define ACTOR ", coalesce((SELECT member FROM keys k WHERE k.key = author)," \
	      " author)"
	[F_LOAD] =
		"SELECT 0, id, author, aseq, chash, created, member, role, grant_,"
		" building, NULL, NULL, NULL" ACTOR ", NULL, NULL FROM role_facts"
		" UNION ALL"
		" SELECT 1, id, author, aseq, chash, created, NULL, NULL, NULL,"
		" NULL, NULL, active, reason" ACTOR ", NULL, NULL FROM emergencies"
		" UNION ALL"
		" SELECT 2, id, author, aseq, chash, created, member, NULL, grant_,"
		" building, unit, NULL, NULL" ACTOR ", NULL, NULL FROM verifications"
		" UNION ALL"
		" SELECT 3, id, author, aseq, chash, created, member, NULL, NULL,"
		" NULL, NULL, NULL, NULL" ACTOR ", new_key, cuts FROM replacements",
#undef ACTOR
	[F_SEEN] = "SELECT fact, hash FROM fact_seen",
	/* The standing reports (crdt/community.h: superseded only by a
	 * report that names them and may follow them). */
	[F_SEEN_CHECKIN] =
		"SELECT DISTINCT f.chash, f.created FROM checkins f"
		" WHERE f.member = ?1"
		" AND NOT EXISTS (SELECT 1 FROM fact_seen s JOIN checkins g"
		"  ON g.id = s.fact WHERE s.hash = f.chash AND g.member = ?1"
		"  AND (f.author <> f.member OR g.author = f.member"
		"   OR g.author IN (SELECT member FROM temp.coord)))"
		" ORDER BY f.created DESC, f.chash LIMIT 64",
	[F_SEEN_MODERATION] =
		"SELECT DISTINCT f.chash, f.created FROM moderation f"
		" WHERE f.target = ?1"
		" AND NOT EXISTS (SELECT 1 FROM fact_seen s JOIN moderation g"
		"  ON g.id = s.fact WHERE s.hash = f.chash AND g.target = ?1)"
		" ORDER BY f.created DESC, f.chash LIMIT 64",
};
static const struct crdt_stmts facts_stmts = CRDT_STMTS(facts_sql);
_Static_assert(CRDT_SEEN_MAX == 64, "LIMIT 64 above is CRDT_SEEN_MAX");

enum { K_ROLE, K_EMERGENCY, K_VERIFY, K_REPLACE };

struct fact {
	int kind;
	uint8_t id[CRDT_ID_LEN];
	uint8_t author[32]; /* the signing key: its facts chain by aseq */
	uint8_t actor[32];  /* its claim's member (or itself): whose roles
			     * count, once replacements are followed */
	uint64_t aseq;
	uint8_t chash[CRDT_HASH_LEN];
	int64_t created;
	int has_member;
	uint8_t member[32];
	int role, grant, active;
	char *building, *unit, *reason;
	int has_key;	    /* a replacement: */
	uint8_t key[32];    /* the new key */
	uint8_t *cuts;	    /* CRDT_CUT_LEN each (CRDT_F_CUTS) */
	size_t ncuts;
	size_t *parents, np, cap;
	size_t *children, nc;
	int complete;
	int depth; /* -1 unknown, -2 being computed */
};

struct facts {
	struct fact *f;
	size_t n;
	size_t *order;	     /* replay order */
	size_t *pos;	     /* position of each fact in order */
	unsigned *mark, *mark2; /* walk: visited generation */
	unsigned gen;
	size_t *stack;
	unsigned char *void_; /* rule 4 */
	unsigned char *voided_by; /* rule 4 applied for this revocation */
};

/* ---- loading ------------------------------------------------------------ */

static char *dup_col(sqlite3_stmt *q, int col)
{
	const unsigned char *t = sqlite3_column_text(q, col);

	return strdup(t ? (const char *)t : "");
}

static int add_parent(struct fact *f, size_t p)
{
	size_t i;

	for (i = 0; i < f->np; i++)
		if (f->parents[i] == p)
			return 0;
	if (f->np == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 4;
		size_t *v = realloc(f->parents, cap * sizeof *v);

		if (!v)
			return KITH_ENOMEM;
		f->parents = v;
		f->cap = cap;
	}
	f->parents[f->np++] = p;
	return 0;
}

static int load_facts(struct crdt_store *s, struct facts *fs)
{
	sqlite3_stmt *q = crdt_stmt(s, &facts_stmts, F_LOAD);
	size_t cap = 0;
	int rc = 0, step;

	if (!q)
		return KITH_EDB;
	for (step = sqlite3_step(q); !rc && step == SQLITE_ROW;
	     step = sqlite3_step(q)) {
		struct fact *f;

		if (sqlite3_column_bytes(q, 1) != CRDT_ID_LEN ||
		    sqlite3_column_bytes(q, 2) != 32 ||
		    sqlite3_column_bytes(q, 4) != CRDT_HASH_LEN ||
		    sqlite3_column_bytes(q, 13) != 32)
			continue;
		if (fs->n == cap) {
			size_t nc = cap ? 2 * cap : 64;
			struct fact *v = realloc(fs->f, nc * sizeof *v);

			if (!v) {
				rc = KITH_ENOMEM;
				break;
			}
			fs->f = v;
			cap = nc;
		}
		f = &fs->f[fs->n];
		memset(f, 0, sizeof *f);
		f->kind = sqlite3_column_int(q, 0);
		memcpy(f->id, sqlite3_column_blob(q, 1), CRDT_ID_LEN);
		memcpy(f->author, sqlite3_column_blob(q, 2), 32);
		memcpy(f->actor, sqlite3_column_blob(q, 13), 32);
		f->aseq = (uint64_t)sqlite3_column_int64(q, 3);
		memcpy(f->chash, sqlite3_column_blob(q, 4), CRDT_HASH_LEN);
		f->created = sqlite3_column_int64(q, 5);
		if (sqlite3_column_bytes(q, 6) == 32) {
			f->has_member = 1;
			memcpy(f->member, sqlite3_column_blob(q, 6), 32);
		}
		f->role = sqlite3_column_int(q, 7);
		f->grant = sqlite3_column_int(q, 8) != 0;
		f->building = dup_col(q, 9);
		f->unit = dup_col(q, 10);
		f->active = sqlite3_column_int(q, 11) != 0;
		f->reason = dup_col(q, 12);
		if (sqlite3_column_bytes(q, 14) == 32) {
			f->has_key = 1;
			memcpy(f->key, sqlite3_column_blob(q, 14), 32);
		}
		f->ncuts = (size_t)sqlite3_column_bytes(q, 15) / CRDT_CUT_LEN;
		if (f->ncuts) {
			f->cuts = malloc(f->ncuts * CRDT_CUT_LEN);
			if (!f->cuts) {
				fs->n++;
				rc = KITH_ENOMEM;
				break;
			}
			memcpy(f->cuts, sqlite3_column_blob(q, 15),
			       f->ncuts * CRDT_CUT_LEN);
		}
		f->complete = 1;
		f->depth = -1;
		fs->n++;
		if (!f->building || !f->unit || !f->reason)
			rc = KITH_ENOMEM;
	}
	if (!rc && step != SQLITE_DONE)
		rc = crdt_store_err(s, step);
	crdt_reset(q);
	return rc;
}

/* Sorted views for lookups (qsort_r: no global state, so derivations may
 * run on several threads). */
static int by_id(const void *a, const void *b, void *ctx)
{
	const struct facts *fs = ctx;

	return memcmp(fs->f[*(const size_t *)a].id, fs->f[*(const size_t *)b].id,
		      CRDT_ID_LEN);
}

static int by_chash(const void *a, const void *b, void *ctx)
{
	const struct facts *fs = ctx;

	return memcmp(fs->f[*(const size_t *)a].chash,
		      fs->f[*(const size_t *)b].chash, CRDT_HASH_LEN);
}

static int by_author_seq(const void *a, const void *b, void *ctx)
{
	const struct facts *fs = ctx;
	const struct fact *x = &fs->f[*(const size_t *)a];
	const struct fact *y = &fs->f[*(const size_t *)b];
	int d = memcmp(x->author, y->author, 32);

	if (d)
		return d;
	return x->aseq < y->aseq ? -1 : x->aseq > y->aseq;
}

static int by_replay(const void *a, const void *b, void *ctx)
{
	const struct facts *fs = ctx;
	const struct fact *x = &fs->f[*(const size_t *)a];
	const struct fact *y = &fs->f[*(const size_t *)b];
	int d;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	d = memcmp(x->chash, y->chash, CRDT_HASH_LEN);
	return d ? d : memcmp(x->id, y->id, CRDT_ID_LEN);
}

/* First index in idx (sorted by cmp-key) whose fact matches key. */
static size_t lower(struct facts *fs, const size_t *idx, const void *key,
		    size_t off, size_t len)
{
	size_t lo = 0, hi = fs->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const uint8_t *k = (const uint8_t *)&fs->f[idx[mid]] + off;

		if (memcmp(k, key, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Parents: the facts each fact names, and its author's previous fact. */
static int link_facts(struct crdt_store *s, struct facts *fs)
{
	sqlite3_stmt *q = NULL;
	size_t *ids = malloc((fs->n + 1) * sizeof *ids);
	size_t *hs = malloc((fs->n + 1) * sizeof *hs);
	size_t *as = malloc((fs->n + 1) * sizeof *as);
	size_t i;
	int rc = 0, step = SQLITE_DONE;

	if (!ids || !hs || !as) {
		rc = KITH_ENOMEM;
		goto out;
	}
	for (i = 0; i < fs->n; i++)
		ids[i] = hs[i] = as[i] = i;
	qsort_r(ids, fs->n, sizeof *ids, by_id, fs);
	qsort_r(hs, fs->n, sizeof *hs, by_chash, fs);
	qsort_r(as, fs->n, sizeof *as, by_author_seq, fs);

	/* the author's previous facts (all of the highest lower seq) */
	for (i = 1; !rc && i < fs->n; i++) {
		size_t j = i;
		struct fact *f = &fs->f[as[i]];

		while (j > 0 && !memcmp(fs->f[as[j - 1]].author, f->author, 32) &&
		       fs->f[as[j - 1]].aseq == f->aseq)
			j--;
		if (j == 0 || memcmp(fs->f[as[j - 1]].author, f->author, 32))
			continue;
		{
			uint64_t pseq = fs->f[as[j - 1]].aseq;

			while (!rc && j > 0 &&
			       !memcmp(fs->f[as[j - 1]].author, f->author, 32) &&
			       fs->f[as[j - 1]].aseq == pseq)
				rc = add_parent(f, as[--j]);
		}
	}

	if (!rc) {
		q = crdt_stmt(s, &facts_stmts, F_SEEN);
		if (!q)
			rc = KITH_EDB;
	}
	for (step = rc ? SQLITE_DONE : sqlite3_step(q);
	     !rc && step == SQLITE_ROW; step = sqlite3_step(q)) {
		const uint8_t *id = sqlite3_column_blob(q, 0);
		const uint8_t *h = sqlite3_column_blob(q, 1);
		size_t k, found = 0;
		struct fact *f;

		if (sqlite3_column_bytes(q, 0) != CRDT_ID_LEN ||
		    sqlite3_column_bytes(q, 1) != CRDT_HASH_LEN)
			continue;
		k = lower(fs, ids, id, offsetof(struct fact, id), CRDT_ID_LEN);
		if (k >= fs->n || memcmp(fs->f[ids[k]].id, id, CRDT_ID_LEN))
			continue; /* a check-in's or moderation's */
		f = &fs->f[ids[k]];
		for (k = lower(fs, hs, h, offsetof(struct fact, chash),
			       CRDT_HASH_LEN);
		     !rc && k < fs->n &&
		     !memcmp(fs->f[hs[k]].chash, h, CRDT_HASH_LEN);
		     k++) {
			found = 1;
			if (&fs->f[hs[k]] != f)
				rc = add_parent(f, hs[k]);
		}
		if (!found)
			f->complete = 0; /* names what we do not hold (yet) */
	}
	if (q && !rc && step != SQLITE_DONE)
		rc = crdt_store_err(s, step);
	if (q)
		crdt_reset(q);
out:
	free(ids);
	free(hs);
	free(as);
	return rc;
}

/* Depth of every fact (longest chain of parents), iteratively.  A cycle
 * cannot be signed (a hash would have to name its own change); a crafted
 * one only leaves its facts incomplete. */
static int depths(struct facts *fs)
{
	size_t i, top;
	size_t *st = fs->stack;

	for (i = 0; i < fs->n; i++) {
		if (fs->f[i].depth >= 0)
			continue;
		top = 0;
		st[top++] = i;
		fs->f[i].depth = -2;
		while (top) {
			struct fact *f = &fs->f[st[top - 1]];
			size_t k;
			int d = 0, pending = 0;

			for (k = 0; k < f->np; k++) {
				struct fact *p = &fs->f[f->parents[k]];

				if (p->depth == -1) {
					p->depth = -2;
					st[top++] = f->parents[k];
					pending = 1;
					break;
				}
				if (p->depth == -2) { /* a cycle */
					f->complete = 0;
					continue;
				}
				/* a waiting parent does not hold this one back
				 * (rule 1 asks only for what it names): else
				 * one member naming an unknown hash would
				 * freeze every fact that names theirs */
				if (p->depth + 1 > d)
					d = p->depth + 1;
			}
			if (pending)
				continue;
			f->depth = d;
			top--;
		}
	}
	return 0;
}

/* Mark (in mark[], with a new generation) every fact reachable from b
 * over parents (up: its causal past) or over children (down: the facts
 * that have b in their past). */
static unsigned walk(struct facts *fs, size_t b, int up, unsigned *mark)
{
	size_t top = 0, k;

	if (++fs->gen == 0) {
		memset(fs->mark, 0, fs->n * sizeof *fs->mark);
		memset(fs->mark2, 0, fs->n * sizeof *fs->mark2);
		fs->gen = 1;
	}
	fs->stack[top++] = b;
	while (top) {
		struct fact *f = &fs->f[fs->stack[--top]];
		size_t *next = up ? f->parents : f->children;
		size_t nn = up ? f->np : f->nc;

		for (k = 0; k < nn; k++) {
			size_t p = next[k];

			if (mark[p] != fs->gen) {
				mark[p] = fs->gen;
				fs->stack[top++] = p;
			}
		}
	}
	return fs->gen;
}

/* children: the reverse of parents */
static int link_children(struct facts *fs)
{
	size_t i, k;

	for (i = 0; i < fs->n; i++)
		for (k = 0; k < fs->f[i].np; k++)
			fs->f[fs->f[i].parents[k]].nc++;
	for (i = 0; i < fs->n; i++) {
		fs->f[i].children = malloc((fs->f[i].nc + 1) *
					   sizeof *fs->f[i].children);
		if (!fs->f[i].children)
			return KITH_ENOMEM;
		fs->f[i].nc = 0;
	}
	for (i = 0; i < fs->n; i++)
		for (k = 0; k < fs->f[i].np; k++) {
			struct fact *p = &fs->f[fs->f[i].parents[k]];

			p->children[p->nc++] = i;
		}
	return 0;
}

/* ---- the derived state -------------------------------------------------- */

static size_t find_role(const struct crdt_roles *r, const uint8_t m[32],
			int role, const char *building, size_t from)
{
	size_t i;

	for (i = from; i < r->n; i++)
		if (r->v[i].role == role && !memcmp(r->v[i].member, m, 32) &&
		    (!building || !strcasecmp(r->v[i].building, building)))
			return i;
	return (size_t)-1;
}

int crdt_roles_has(const struct crdt_roles *r, const uint8_t member[32],
		   int role)
{
	return find_role(r, member, role, NULL, 0) != (size_t)-1;
}

int crdt_roles_heads(const struct crdt_roles *r, const uint8_t member[32],
		     const char *building)
{
	return building && *building &&
	       find_role(r, member, CRDT_ROLE_BUILDING_HEAD, building, 0) !=
		       (size_t)-1;
}

const struct crdt_verified *crdt_roles_verified(const struct crdt_roles *r,
						const uint8_t member[32])
{
	size_t i;

	for (i = 0; i < r->nver; i++)
		if (!memcmp(r->ver[i].member, member, 32))
			return &r->ver[i];
	return NULL;
}

static size_t coordinators(const struct crdt_roles *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->v[i].role == CRDT_ROLE_COORDINATOR;
	return n;
}

static int role_add(struct crdt_roles *r, const uint8_t m[32], int role,
		    const char *building)
{
	struct crdt_role *p;
	const char *b = role == CRDT_ROLE_BUILDING_HEAD ? building : "";

	if (find_role(r, m, role, role == CRDT_ROLE_BUILDING_HEAD ? b : NULL,
		      0) != (size_t)-1)
		return 0;
	p = realloc(r->v, (r->n + 1) * sizeof *p);
	if (!p)
		return KITH_ENOMEM;
	r->v = p;
	memcpy(p[r->n].member, m, 32);
	p[r->n].role = (uint8_t)role;
	p[r->n].building = strdup(b);
	if (!p[r->n].building)
		return KITH_ENOMEM;
	r->n++;
	return 0;
}

/* Drop the role (of one building, or every building when NULL). */
static void role_drop(struct crdt_roles *r, const uint8_t m[32], int role,
		      const char *building)
{
	size_t i;

	while ((i = find_role(r, m, role, building, 0)) != (size_t)-1) {
		free(r->v[i].building);
		r->v[i] = r->v[--r->n];
	}
}

static int verified_set(struct crdt_roles *r, const struct fact *f,
			const uint8_t by[32])
{
	struct crdt_verified *v = (struct crdt_verified *)crdt_roles_verified(
		r, f->member);

	if (!v) {
		struct crdt_verified *p =
			realloc(r->ver, (r->nver + 1) * sizeof *p);

		if (!p)
			return KITH_ENOMEM;
		r->ver = p;
		v = &p[r->nver++];
		memset(v, 0, sizeof *v);
		memcpy(v->member, f->member, 32);
	}
	free(v->building);
	free(v->unit);
	memcpy(v->by, by, 32);
	v->building = strdup(f->building);
	v->unit = strdup(f->unit);
	return v->building && v->unit ? 0 : KITH_ENOMEM;
}

static void verified_drop(struct crdt_roles *r, const uint8_t m[32])
{
	struct crdt_verified *v = (struct crdt_verified *)crdt_roles_verified(r, m);

	if (!v)
		return;
	free(v->building);
	free(v->unit);
	*v = r->ver[--r->nver];
}

void crdt_roles_release(struct crdt_roles *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].building);
	for (i = 0; i < r->nver; i++) {
		free(r->ver[i].building);
		free(r->ver[i].unit);
	}
	for (i = 0; i < r->nrepl; i++)
		free(r->repl[i].cuts);
	free(r->v);
	free(r->ver);
	free(r->repl);
	memset(r, 0, sizeof *r);
}

/* ---- replacements -------------------------------------------------------- */

/* The member key k writes as, after the replacements so far: the member
 * a replacement gave it, else k. */
static const uint8_t *resolve(const struct crdt_roles *r, const uint8_t k[32])
{
	size_t i;

	for (i = 0; i < r->nrepl; i++)
		if (!memcmp(r->repl[i].key, k, 32))
			return r->repl[i].member;
	return k;
}

/* The key f's signer writes under: its own when a replacement made it a
 * member's key, else its claim's member (or itself). */
static const uint8_t *fact_root(const struct crdt_roles *r,
				const struct fact *f)
{
	return resolve(r, f->author) != f->author ? f->author : f->actor;
}

/* Whose roles f's signer acts with now. */
static const uint8_t *fact_actor(const struct crdt_roles *r,
				 const struct fact *f)
{
	return resolve(r, fact_root(r, f));
}

uint64_t crdt_cuts_after(const uint8_t *cuts, size_t n, const uint8_t key[32])
{
	size_t i;
	uint64_t after = 0;
	int j;

	for (i = 0; i < n; i++) {
		const uint8_t *e = cuts + i * CRDT_CUT_LEN;

		if (memcmp(e, key, 32))
			continue;
		for (after = 0, j = 0; j < 8; j++)
			after = after << 8 | e[32 + j];
		return after;
	}
	return 0;
}

/* A replacement may count: two keys, the new key no replaced member's
 * and no other replacement's, the member no replacement's new key. */
static int replace_ok(const struct crdt_roles *r, const struct fact *f)
{
	size_t i;

	if (!f->has_member || !f->has_key || !memcmp(f->member, f->key, 32))
		return 0;
	for (i = 0; i < r->nrepl; i++)
		if (!memcmp(r->repl[i].key, f->key, 32) ||
		    !memcmp(r->repl[i].member, f->key, 32) ||
		    !memcmp(r->repl[i].key, f->member, 32))
			return 0;
	return 1;
}

static int replace_add(struct crdt_roles *r, const struct fact *f,
		       const uint8_t by[32])
{
	struct crdt_replacement *p = realloc(r->repl, (r->nrepl + 1) * sizeof *p);

	if (!p)
		return KITH_ENOMEM;
	r->repl = p;
	p = &p[r->nrepl];
	memset(p, 0, sizeof *p);
	memcpy(p->member, f->member, 32);
	memcpy(p->key, f->key, 32);
	memcpy(p->by, by, 32);
	p->created = f->created;
	if (f->ncuts) {
		p->cuts = malloc(f->ncuts * CRDT_CUT_LEN);
		if (!p->cuts)
			return KITH_ENOMEM;
		memcpy(p->cuts, f->cuts, f->ncuts * CRDT_CUT_LEN);
		p->ncuts = f->ncuts;
	}
	r->nrepl++;
	return 0;
}

/*
 * Rule 8: the replacement rv (index) counted (it is st's last); void
 * every fact of the member's keys it cuts: signed by a key that wrote as
 * the member, not under the new key, past the seq rv's list gives that
 * key (0 when not on it).  Returns how many of them the replay had
 * already passed (position before k): then it must start again.
 */
static size_t void_replaced(struct facts *fs, struct crdt_roles *st,
			    size_t rv, size_t k)
{
	const struct fact *r = &fs->f[rv];
	size_t i, n = 0;

	if (fs->voided_by[rv])
		return 0;
	fs->voided_by[rv] = 1;
	for (i = 0; i < fs->n; i++) {
		const struct fact *g = &fs->f[i];
		const uint8_t *root;

		if (i == rv || fs->void_[i])
			continue;
		root = fact_root(st, g);
		/* public keys, compared for the rule */
		if (!memcmp(root, r->key, 32) ||
		    memcmp(resolve(st, root), r->member, 32) ||
		    g->aseq <= crdt_cuts_after(r->cuts, r->ncuts, g->author))
			continue;
		fs->void_[i] = 1;
		n += fs->pos[i] < k;
	}
	return n;
}

/*
 * Rule 4: the revocation fact rv (index) of member x's role counted; void
 * x's facts that needed that role and are concurrent with it.  Returns
 * how many of them the replay had already passed (position before k):
 * then it must start again.
 */
static size_t void_concurrent(struct facts *fs, struct crdt_roles *st,
			      size_t rv, size_t k)
{
	const struct fact *r = &fs->f[rv];
	size_t i, n = 0;

	unsigned up = 0, down = 0;
	int walked = 0;

	/* once per revocation: what it voids stays void */
	if (fs->voided_by[rv])
		return 0;
	fs->voided_by[rv] = 1;

	for (i = 0; i < fs->n; i++) {
		const struct fact *g = &fs->f[i];
		int needed;

		if (i == rv || fs->void_[i] ||
		    memcmp(fact_actor(st, g), r->member, 32))
			continue;
		if (r->role == CRDT_ROLE_COORDINATOR)
			needed = g->kind != K_VERIFY ||
				 !crdt_roles_heads(st, fact_actor(st, g),
						   g->building);
		else
			needed = g->kind == K_VERIFY &&
				 (!*r->building ||
				  !strcasecmp(r->building, g->building)) &&
				 !crdt_roles_has(st, fact_actor(st, g),
						 CRDT_ROLE_COORDINATOR);
		if (!needed)
			continue;
		if (!walked) {
			/* rv's past and rv's future, once */
			up = walk(fs, rv, 1, fs->mark);
			down = walk(fs, rv, 0, fs->mark2);
			walked = 1;
		}
		if (fs->mark[i] == up || fs->mark2[i] == down)
			continue;
		fs->void_[i] = 1;
		n += fs->pos[i] < k;
	}
	return n;
}

/* One replay; *again when rule 4 voided something (replay anew). */
static int replay(struct facts *fs, const uint8_t *creator,
		  struct crdt_roles *out, int *again)
{
	size_t k;
	int rc = 0;

	*again = 0;
	if (creator)
		rc = role_add(out, creator, CRDT_ROLE_COORDINATOR, "");
	for (k = 0; !rc && k < fs->n; k++) {
		size_t i = fs->order[k];
		const struct fact *f = &fs->f[i];
		const uint8_t *actor = fact_actor(out, f);
		int coord = crdt_roles_has(out, actor, CRDT_ROLE_COORDINATOR);

		if (!f->complete) {
			out->waiting++;
			continue;
		}
		if (fs->void_[i])
			continue;
		switch (f->kind) {
		case K_EMERGENCY:
			if (!coord)
				break;
			out->emergency = f->active;
			snprintf(out->reason, sizeof out->reason, "%s",
				 f->active ? f->reason : "");
			out->since_ms = f->created >> 16;
			memcpy(out->started_by, actor, 32);
			break;
		case K_VERIFY:
			if (!f->has_member || !*f->building ||
			    (!coord && !crdt_roles_heads(out, actor,
							 f->building)))
				break;
			if (f->grant)
				rc = verified_set(out, f, actor);
			else
				verified_drop(out, f->member);
			break;
		case K_ROLE:
			if (!coord || !f->has_member || f->role < 0 ||
			    f->role >= CRDT_ROLES)
				break;
			if (f->grant) {
				if (f->role == CRDT_ROLE_BUILDING_HEAD &&
				    !*f->building)
					break; /* a head of what? */
				rc = role_add(out, f->member, f->role,
					      f->building);
				break;
			}
			if (!crdt_roles_has(out, f->member, f->role))
				break;
			if (f->role == CRDT_ROLE_COORDINATOR) {
				if (coordinators(out) <= 1)
					break; /* rule 5 */
				role_drop(out, f->member, f->role, NULL);
			} else {
				role_drop(out, f->member, f->role,
					  *f->building ? f->building : NULL);
			}
			if (void_concurrent(fs, out, i, k)) {
				*again = 1;
				return 0;
			}
			break;
		case K_REPLACE:
			if (!coord || !replace_ok(out, f))
				break;
			rc = replace_add(out, f, actor);
			if (!rc && void_replaced(fs, out, i, k)) {
				*again = 1;
				return 0;
			}
			break;
		}
	}
	return rc;
}

static void facts_release(struct facts *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		free(fs->f[i].parents);
		free(fs->f[i].children);
		free(fs->f[i].building);
		free(fs->f[i].unit);
		free(fs->f[i].reason);
		free(fs->f[i].cuts);
	}
	free(fs->f);
	free(fs->order);
	free(fs->pos);
	free(fs->mark);
	free(fs->mark2);
	free(fs->stack);
	free(fs->void_);
	free(fs->voided_by);
	memset(fs, 0, sizeof *fs);
}

int crdt_roles_derive(struct crdt_store *s, const uint8_t *creator,
		      struct crdt_roles *out)
{
	struct facts fs;
	size_t i, voided = 0;
	int rc, again = 1;

	memset(out, 0, sizeof *out);
	memset(&fs, 0, sizeof fs);
	rc = load_facts(s, &fs);
	if (!rc) {
		size_t n = fs.n + 1;

		fs.order = malloc(n * sizeof *fs.order);
		fs.pos = malloc(n * sizeof *fs.pos);
		fs.mark = calloc(n, sizeof *fs.mark);
		fs.mark2 = calloc(n, sizeof *fs.mark2);
		fs.stack = malloc(n * sizeof *fs.stack);
		fs.void_ = calloc(n, 1);
		fs.voided_by = calloc(n, 1);
		if (!fs.order || !fs.pos || !fs.mark || !fs.mark2 || !fs.stack ||
		    !fs.void_ ||
		    !fs.voided_by)
			rc = KITH_ENOMEM;
	}
	if (!rc)
		rc = link_facts(s, &fs);
	if (!rc)
		rc = link_children(&fs);
	if (!rc)
		rc = depths(&fs);
	if (!rc) {
		for (i = 0; i < fs.n; i++)
			fs.order[i] = i;
		qsort_r(fs.order, fs.n, sizeof *fs.order, by_replay, &fs);
		for (i = 0; i < fs.n; i++)
			fs.pos[fs.order[i]] = i;
	}
	while (!rc && again) {
		crdt_roles_release(out);
		rc = replay(&fs, creator, out, &again);
	}
	for (i = 0; i < fs.n; i++)
		voided += fs.void_ ? fs.void_[i] : 0;
	out->voided = voided;
	facts_release(&fs);
	if (rc)
		crdt_roles_release(out);
	return rc;
}

/* ---- seen lists --------------------------------------------------------- */

/* The authority frontier: facts that are no other fact's parent. */
static int seen_authority(struct crdt_store *s, struct crdt_buf *out)
{
	struct facts fs;
	unsigned char *parent = NULL;
	size_t i, k, n = 0;
	int rc;

	memset(&fs, 0, sizeof fs);
	rc = load_facts(s, &fs);
	if (!rc)
		rc = link_facts(s, &fs);
	if (!rc && !(parent = calloc(fs.n + 1, 1)))
		rc = KITH_ENOMEM;
	for (i = 0; !rc && i < fs.n; i++)
		for (k = 0; k < fs.f[i].np; k++)
			parent[fs.f[i].parents[k]] = 1;
	/* newest changes first when there are more than fit */
	for (i = fs.n; !rc && i-- > 0 && n < CRDT_SEEN_MAX;) {
		size_t j;
		int dup = 0;

		if (parent[i])
			continue;
		for (j = 0; j < out->len; j += CRDT_HASH_LEN)
			dup |= !memcmp(out->data + j, fs.f[i].chash,
				       CRDT_HASH_LEN);
		if (dup)
			continue;
		rc = crdt_buf_put(out, fs.f[i].chash, CRDT_HASH_LEN);
		n++;
	}
	free(parent);
	facts_release(&fs);
	return rc;
}

int crdt_facts_seen(struct crdt_store *s, enum crdt_seen_kind kind,
		    const uint8_t *key, struct crdt_buf *out)
{
	sqlite3_stmt *q;
	int rc = 0, step;

	crdt_buf_reset(out);
	if (kind == CRDT_SEEN_AUTHORITY)
		return seen_authority(s, out);
	q = crdt_stmt(s, &facts_stmts,
		      kind == CRDT_SEEN_CHECKIN ? F_SEEN_CHECKIN
						: F_SEEN_MODERATION);
	if (!q)
		return KITH_EDB;
	if (kind == CRDT_SEEN_CHECKIN)
		sqlite3_bind_blob(q, 1, key, 32, SQLITE_STATIC);
	else
		sqlite3_bind_blob(q, 1, key, CRDT_ID_LEN, SQLITE_STATIC);
	for (step = sqlite3_step(q); !rc && step == SQLITE_ROW;
	     step = sqlite3_step(q))
		if (sqlite3_column_bytes(q, 0) == CRDT_HASH_LEN)
			rc = crdt_buf_put(out, sqlite3_column_blob(q, 0),
					  CRDT_HASH_LEN);
	if (!rc && step != SQLITE_DONE)
		rc = crdt_store_err(s, step);
	crdt_reset(q);
	return rc;
}
