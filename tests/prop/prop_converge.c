/*
 * prop_converge.c - the convergence property (docs/DESIGN.md s7), checked
 * against a reference model of the data model (docs/DESIGN.md s2).
 *
 * Each seed opens 3-5 replicas, each with its own identity and a fake clock
 * (some skewed by up to two hours).  The replicas make random changes, each
 * acting on what its own replica shows: mostly what the CLI would write
 * (cli/item.c, cli/wish.c), sometimes what a hostile or buggy client could
 * sign: edits of other members' records, confirmations of other members'
 * wishes, claims on one's own wish, loans of other members' items, attempts
 * to reopen closed records, unknown record types and fields, values of the
 * wrong type.  Several replicas claim the same wish before hearing of each
 * other.  Changes travel in random subsets, shuffled, duplicated and with
 * gaps (so they wait in `pending`), one by one newest first, and as bundles
 * made for a current, stale or absent version vector; more changes are made
 * in between.  At the end everyone syncs with everyone, then:
 *   - every replica holds every change, none is left pending, and no
 *     change was ever rejected or taken for a fork;
 *   - crdt_digest is the same everywhere and survives crdt_store_rebuild;
 *   - items, wishes, claims and members as the queries show them (status,
 *     every plain column, hours, order of claims, --status and --search
 *     filters) and crdt_record_info (what the CLI decides with) equal what
 *     the model derives.
 * Replicas are also compared with the model in the middle of a run, at the
 * prefix of each author's log they hold at that moment.
 *
 * In most seeds a hostile member (an author without a replica) signs
 * crafted changes with its own key.  In some of them its first change
 * names an honest member as its host, with that member's signature: it is
 * then a neighbour hosted by them (docs/DESIGN.md s5), whose host every
 * replica must show; in others it names a host who did not sign, itself,
 * or a real host too late (crdt_rules_host_ok).  It also signs values
 * that break rules.h, seen lists naming hashes nobody holds or too many,
 * facts stamped to win under stamp
 * ordering, check-ins for others from the far future, self-verification,
 * confirmations with huge hours, back-dated and far-future stamps, bad
 * signatures inside runs and at checkpoints, a gap it never fills.  At the
 * end every honest member's head on every replica is its own head, and
 * the hostile's reaches exactly as far as crdt/apply.h allows.
 *
 * The model is plain C over arrays, written from the headers: records with
 * one writer (edits by anyone else ignored), fields last-written by seq,
 * sticky terminal facts (max), ops breaking a value rule ignored whole
 * (rules.h), the derived statuses as query.h's header comment states them,
 * the replay of roles, emergencies and verifications (facts.h), the roll
 * call (community.h), HIDDEN, LAST_EDIT and hours between verified members
 * (query_sql.h).  Where a header leaves a case open the model follows the
 * code and says so (NOT IN THE HEADER).
 *
 * Environment: PROP_SEEDS=N runs seeds PROP_FIRST..N (PROP_FIRST default
 * 1, PROP_SEEDS default 100), PROP_SEED=N runs seed N only, PROP_VERBOSE=1 traces every step, PROP_MEMORY=1 keeps the
 * replicas in ":memory:" instead of files under /dev/shm (or $TMPDIR, /tmp),
 * PROP_STATS=1 counts the final statuses (is every status still reached?).
 * A failing seed prints "prop_converge: seed N failed: WHY"; the last line
 * is "N passed, N failed" (seeds) and the exit status is 1 on any failure.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "crdt/apply.h"
#include "crdt/bundle.h"
#include "crdt/community.h"
#include "crdt/db.h" /* the model reads the tables: crdt_store_db */
#include "crdt/err.h"
#include "crdt/facts.h"
#include "crdt/query.h"
#include "crdt/replica.h"
#include "crdt/rules.h"
#include "crdt/schema.h"
#include "tests/testlib.h" /* tl_make_change: the hostile signs by hand */
#undef fail			  /* cmocka's; this file has its own */

#define MAXR 6	      /* authors per seed: up to 5 replicas + the hostile */
#define MAXSEQ 128    /* changes per author per seed */
#define HONEST_SEQ 96 /* changes per honest author per seed */
#define MAXOPS 4      /* ops per change */
#define MAXVALS 16    /* values per op */
#define MAXB 40	      /* longest byte value kept inline (longer: heap) */
#define MAXREC 3072   /* records per seed (>= MAXR * MAXSEQ * MAXOPS) */
#define NFIELD 16     /* field ids 1..15 */
#define HT 8192	      /* id hash table slots (power of two > MAXREC) */
#define MAXFACT 1024  /* authority facts per seed */
#define NOW 1704067200 /* "now" for expiry, unix seconds (2024-01-01) */
#define DAY 86400
#define EPOCH_MS ((uint64_t)NOW * 1000)
_Static_assert(MAXREC >= MAXR * MAXSEQ * MAXOPS && HT > MAXREC &&
		       (HT & (HT - 1)) == 0,
	       "every record of a seed fits the model");

/* ---- the log as the test wrote it ------------------------------------- */

struct mval {
	uint8_t field, type;
	uint16_t len;
	int64_t i;
	uint8_t b[MAXB];
	uint8_t *heap; /* the bytes when len > MAXB */
};
#define VB(v) ((v)->heap ? (const uint8_t *)(v)->heap : (v)->b)

struct mop {
	uint8_t kind, rtype, tlen, nvals;
	uint8_t target[32];
	uint64_t tseq;
	uint32_t tidx;
	struct mval v[MAXVALS];
};

struct mchange {
	uint64_t hlc;
	uint8_t nops;
	struct mop op[MAXOPS];
	uint8_t *raw; /* "body sig" as the author's replica stored it */
	size_t len;
	uint8_t hash[CRDT_HASH_LEN]; /* of the body: what seen lists name */
	uint8_t bad_sig;	     /* the hostile signed it badly */
	uint8_t withheld;	     /* the hostile never sends it (a gap) */
};

struct author {
	uint8_t pk[CRDT_PK_LEN];
	int n; /* changes made; ch[seq - 1] */
	struct mchange ch[MAXSEQ];
};

/* ---- the reference model ---------------------------------------------- */

struct mfield {
	uint8_t set, type;
	uint16_t len;
	int64_t i;
	const uint8_t *p; /* the value's bytes, in the log (struct mval) */
};

struct mrec {
	uint8_t id[CRDT_ID_LEN];
	uint8_t rtype;
	int author;
	uint64_t seq, created; /* created: the HLC of the creating change */
	uint64_t updated;      /* HLC of its writer's last edit (expiry) */
	uint32_t idx;
	struct mfield f[NFIELD];
};

/* What the replay of the authority facts derives (crdt/facts.h). */
struct mrole {
	uint8_t pk[CRDT_PK_LEN];
	uint8_t role;
	const uint8_t *bld; /* building heads: the building they head */
	uint16_t blen;
};

struct mver {
	uint8_t pk[CRDT_PK_LEN], by[CRDT_PK_LEN];
	const uint8_t *bld, *unit;
	uint16_t blen, ulen;
};

struct mauth {
	int nrole, nver;
	struct mrole role[MAXFACT + 1];
	struct mver ver[MAXFACT];
	int emergency, has_em;	 /* has_em: some emergency fact counted */
	const uint8_t *reason;	 /* when on */
	uint16_t rlen;
	uint64_t em_created;	 /* HLC of the last counting emergency fact */
	uint8_t started_by[CRDT_PK_LEN];
	int waiting, voided;	 /* facts waiting (rule 1), void (rule 4) */
};

struct mstate {
	int nrec;
	int ht[HT]; /* index + 1, 0 = empty */
	struct mrec rec[MAXREC];
	int member[MAXR];
	struct mfield mf[MAXR][NFIELD];
	struct mauth A; /* derived by model_eval */
};

struct qrows;

/* ---- the world of one seed -------------------------------------------- */

struct rep {
	struct crdt_replica r;
	uint64_t now_ms, rng, step;
	char path[512];
	int open;
};

struct world {
	uint64_t seed, rng;
	int nr, verbose, memory;
	int na;	     /* authors: the replicas, then the hostile if any */
	int hostile; /* its author index (== nr), or -1 */
	struct crdt_identity hid; /* the hostile's identity */
	unsigned ctr; /* for unique titles */
	uint8_t community[32];
	char dir[256];
	uint8_t *tmpl; /* an empty replica file, migrated once per process */
	size_t tmpl_len;
	char err[512];
	int failed;
	struct rep rep[MAXR];
	struct author au[MAXR];
	struct mstate S; /* scratch: somebody's view */
	int stats;	 /* PROP_STATS=1: how often each final status came up */
	char tally_name[32][24];
	unsigned long tally[32];
	struct qrows *qp;
};

static uint64_t sm64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t below(struct world *w, uint64_t n)
{
	return sm64(&w->rng) % n;
}

static int chance(struct world *w, int pct)
{
	return (int)below(w, 100) < pct;
}

/* Record the first failure of this seed; returns -1. */
__attribute__((format(printf, 2, 3))) static int fail(struct world *w,
						      const char *fmt, ...)
{
	va_list ap;

	if (!w->failed) {
		va_start(ap, fmt);
		vsnprintf(w->err, sizeof w->err, fmt, ap);
		va_end(ap);
		w->failed = 1;
	}
	return -1;
}

__attribute__((format(printf, 2, 3))) static void trace(struct world *w,
							 const char *fmt, ...)
{
	va_list ap;

	if (!w->verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *hex8(const uint8_t *p)
{
	static char buf[4][17];
	static int k;
	char *o = buf[k++ & 3];

	crdt_hex(o, p, 8);
	return o;
}

/* ==== the model ========================================================= */

/*
 * Field types, from the table in docs/DESIGN.md s2, the field lists of schema.h
 * and the value rules of rules.h (not read from schema.c, so a wrong type,
 * flag or range there shows up):
 *   I integer           S sticky flag (0/1, only grows)   b flag (0/1)
 *   T text (UTF-8)      R record reference (16 bytes)
 *   M member reference (32 bytes)   B opaque bytes   H seen list
 * Types from CRDT_R_ROLE on are facts: created, never edited.  Record types
 * above MODEL_R_MAX are unknown to the model (and to this version of kith:
 * kept, not shown).
 */
#define MODEL_R_MAX 10
static const char *const ftypes[MODEL_R_MAX + 1] = {
	[CRDT_R_MEMBER] = "TTTTTTTBMB", /* 9, 10: host, host_sig */
	[CRDT_R_ITEM] = "ITTTITTTIS",
	[CRDT_R_WISH] = "ITTTIIITTSRSIB",
	[CRDT_R_CLAIM] = "RITSS",
	[CRDT_R_LOAN] = "RMISR",
	[CRDT_R_ROLE] = "MIbTH",
	[CRDT_R_MODERATION] = "RTbH",
	[CRDT_R_EMERGENCY] = "bTH",
	[CRDT_R_CHECKIN] = "MITH",
	[CRDT_R_VERIFY] = "MTTbH",
};
#define UNKNOWN_RTYPE 250

static char ftype(unsigned rtype, unsigned field)
{
	if (rtype < 1 || rtype > MODEL_R_MAX || field < 1 ||
	    field > strlen(ftypes[rtype]))
		return 0;
	return ftypes[rtype][field - 1];
}

static int int_type(char t)
{
	return t == 'I' || t == 'S' || t == 'b';
}

/* rules.h: valid UTF-8 (no overlong forms, no surrogates, nothing above
 * U+10FFFF) without NUL. */
static int utf8_ok(const uint8_t *s, size_t n)
{
	size_t i = 0, k, len;
	uint32_t cp, min;

	while (i < n) {
		if (!s[i])
			return 0;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0)
			len = 2, cp = s[i] & 0x1f, min = 0x80;
		else if ((s[i] & 0xf0) == 0xe0)
			len = 3, cp = s[i] & 0x0f, min = 0x800;
		else if ((s[i] & 0xf8) == 0xf0)
			len = 4, cp = s[i] & 0x07, min = 0x10000;
		else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

static int within(int64_t v, int64_t lo, int64_t hi)
{
	return v >= lo && v <= hi;
}

/* rules.h: flags are 0 or 1; enumerations, quantities, dates and hours in
 * range. */
static int int_ok(unsigned rtype, unsigned field, char t, int64_t v)
{
	if (t == 'S' || t == 'b')
		return within(v, 0, 1);
	switch (rtype) {
	case CRDT_R_ITEM:
		return field == F_ITEM_KIND	  ? within(v, 0, CRDT_ITEM_KINDS - 1)
		       : field == F_ITEM_QUANTITY ? within(v, 1, CRDT_MAX_QTY)
		       : field == F_ITEM_UNTIL	  ? within(v, 0, CRDT_MAX_DATE)
						  : 1;
	case CRDT_R_WISH:
		return field == F_WISH_KIND	   ? within(v, 0, CRDT_WISH_KINDS - 1)
		       : field == F_WISH_URGENCY   ? within(v, 0, CRDT_URGENCIES - 1)
		       : field == F_WISH_QUANTITY  ? within(v, 1, CRDT_MAX_QTY)
		       : field == F_WISH_NEEDED_BY ? within(v, 0, CRDT_MAX_DATE)
		       : field == F_WISH_HOURS	   ? within(v, 0, CRDT_MAX_HOURS_Q)
						   : 1;
	case CRDT_R_CLAIM:
		return field != F_CLAIM_QUANTITY || within(v, 1, CRDT_MAX_QTY);
	case CRDT_R_LOAN:
		return field != F_LOAN_DUE || within(v, 0, CRDT_MAX_DATE);
	case CRDT_R_ROLE:
		return field != F_ROLE_ROLE || within(v, 0, CRDT_ROLES - 1);
	case CRDT_R_CHECKIN:
		return field != F_CHECKIN_STATUS || within(v, 0, 1);
	}
	return 1;
}

/* rules.h: an op with a value that breaks a rule is ignored by the view
 * (unknown fields are ignored, not refused). */
static int op_ok(unsigned rtype, const struct mop *op)
{
	int k;

	for (k = 0; k < op->nvals; k++) {
		const struct mval *v = &op->v[k];
		char t = ftype(rtype, v->field);

		if (!t)
			continue;
		if (int_type(t) != (v->type == CRDT_V_INT))
			return 0;
		if (v->type == CRDT_V_INT) {
			if (!int_ok(rtype, v->field, t, v->i))
				return 0;
			continue;
		}
		if (v->len > CRDT_MAX_TEXT)
			return 0;
		if ((t == 'R' && v->len != CRDT_ID_LEN) ||
		    (t == 'M' && v->len != CRDT_PK_LEN) ||
		    (t == 'H' && (v->len % CRDT_HASH_LEN ||
				  v->len / CRDT_HASH_LEN > CRDT_SEEN_MAX)) ||
		    (t == 'T' && !utf8_ok(VB(v), v->len)))
			return 0;
	}
	return 1;
}

static unsigned ht_slot(const uint8_t *id)
{
	return ((unsigned)id[0] | (unsigned)id[1] << 8) & (HT - 1);
}

static int rec_find(const struct mstate *S, const uint8_t *id, size_t len)
{
	unsigned j;

	if (len != CRDT_ID_LEN)
		return -1;
	for (j = ht_slot(id); S->ht[j]; j = (j + 1) & (HT - 1))
		if (!memcmp(S->rec[S->ht[j] - 1].id, id, CRDT_ID_LEN))
			return S->ht[j] - 1;
	return -1;
}

/* Apply op's values (which keep the rules) to fields f; returns how many
 * were taken.  Unknown fields are ignored; sticky fields only grow after
 * creation. */
static int set_fields(struct mfield *f, unsigned rtype, const struct mop *op,
		      int create)
{
	int k, n = 0;

	for (k = 0; k < op->nvals; k++) {
		const struct mval *v = &op->v[k];
		char t = ftype(rtype, v->field);
		struct mfield *m;

		if (!t)
			continue;
		m = &f[v->field];
		if (t == 'S' && !create) {
			int64_t cur = m->set ? m->i : 0;

			m->i = v->i > cur ? v->i : cur;
		} else {
			m->i = v->i;
			m->len = v->len;
			m->p = VB(v);
		}
		m->set = 1;
		m->type = v->type;
		n++;
	}
	return n;
}

/* rules.h: a member's host counts only in their first change, both
 * fields together, the host's signature over "kith host 1" and the
 * member's key, never the member as their own host. */
static int host_kept(const struct world *w, int a, uint64_t seq,
		     const struct mop *op)
{
	const struct mval *host = NULL, *sig = NULL;
	uint8_t msg[11 + CRDT_PK_LEN];
	int k;

	for (k = 0; k < op->nvals; k++) {
		if (op->v[k].field == F_MEMBER_HOST)
			host = &op->v[k];
		if (op->v[k].field == F_MEMBER_HOST_SIG)
			sig = &op->v[k];
	}
	if (seq != 1 || !host || !sig || host->type != CRDT_V_BYTES ||
	    sig->type != CRDT_V_BYTES || host->len != CRDT_PK_LEN ||
	    sig->len != CRDT_SIG_LEN ||
	    !memcmp(VB(host), w->au[a].pk, CRDT_PK_LEN))
		return 0;
	memcpy(msg, "kith host 1", 11);
	memcpy(msg + 11, w->au[a].pk, CRDT_PK_LEN);
	return crdt_verify(VB(sig), msg, sizeof msg, VB(host)) == 0;
}

static int has_field(const struct mop *op, unsigned field)
{
	int k;

	for (k = 0; k < op->nvals; k++)
		if (op->v[k].field == field)
			return 1;
	return 0;
}

static int model_apply(struct world *w, struct mstate *S, int a, uint64_t seq,
		       uint32_t k, uint64_t hlc, const struct mop *op)
{
	uint8_t id[CRDT_ID_LEN];
	struct mrec *r;
	unsigned j;
	int i = -1;

	if (op->rtype < 1 || op->rtype > MODEL_R_MAX)
		return 0; /* a newer record type: kept, not shown */
	if (!op_ok(op->rtype, op))
		return 0; /* breaks a rule of rules.h: kept, not shown */
	if (op->rtype == CRDT_R_MEMBER) {
		/* a profile is written only by its member, about itself */
		if (op->kind == CRDT_OP_SELF ||
		    (op->kind == CRDT_OP_REF && op->tlen == CRDT_PK_LEN &&
		     !memcmp(op->target, w->au[a].pk, CRDT_PK_LEN))) {
			/* the fields keep pointers into op: set them all,
			 * then put back a host that does not count */
			struct mfield h = S->mf[a][F_MEMBER_HOST];
			struct mfield hs = S->mf[a][F_MEMBER_HOST_SIG];
			int n = set_fields(S->mf[a], CRDT_R_MEMBER, op, 0);

			if (!host_kept(w, a, seq, op)) {
				n -= has_field(op, F_MEMBER_HOST) +
				     has_field(op, F_MEMBER_HOST_SIG);
				S->mf[a][F_MEMBER_HOST] = h;
				S->mf[a][F_MEMBER_HOST_SIG] = hs;
			}
			if (n > 0)
				S->member[a] = 1;
		}
		return 0;
	}
	if (op->rtype >= CRDT_R_ROLE && op->kind != CRDT_OP_CREATE)
		return 0; /* facts are never edited, not even by their author */
	switch (op->kind) {
	case CRDT_OP_CREATE:
		if (S->nrec >= MAXREC)
			return fail(w, "test bug: more than %d records", MAXREC);
		r = &S->rec[S->nrec];
		memset(r, 0, sizeof *r);
		crdt_record_id(r->id, w->au[a].pk, seq, k);
		r->rtype = op->rtype;
		r->author = a;
		r->seq = seq;
		r->idx = k;
		r->created = r->updated = hlc;
		set_fields(r->f, op->rtype, op, 1);
		for (j = ht_slot(r->id); S->ht[j]; j = (j + 1) & (HT - 1))
			;
		S->ht[j] = ++S->nrec;
		return 0;
	case CRDT_OP_OWN:
		if (op->tseq > seq)
			return 0;
		crdt_record_id(id, w->au[a].pk, op->tseq, op->tidx);
		i = rec_find(S, id, CRDT_ID_LEN);
		break;
	case CRDT_OP_REF:
		i = rec_find(S, op->target, op->tlen);
		break;
	default:
		return 0;
	}
	/* single writer: only the record's author changes it */
	if (i < 0 || S->rec[i].rtype != op->rtype || S->rec[i].author != a)
		return 0;
	/* an edit (or an empty one: a renewal) counts from its stamp for
	 * expiry (query.h "90 days after their last edit") */
	if (set_fields(S->rec[i].f, op->rtype, op, 0) || !op->nvals)
		S->rec[i].updated = hlc;
	return 0;
}

static int64_t fi(const struct mrec *r, int f)
{
	return r->f[f].set ? r->f[f].i : 0;
}

static int f_is(const struct mrec *r, int f, const uint8_t *p, size_t n)
{
	return r->f[f].set && r->f[f].len == n && !memcmp(r->f[f].p, p, n);
}

static const uint8_t *pk_of(const struct world *w, const struct mrec *r)
{
	return w->au[r->author].pk;
}

/* The hash of the change that holds record r (what seen lists name). */
static const uint8_t *chash_of(const struct world *w, const struct mrec *r)
{
	return w->au[r->author].ch[r->seq - 1].hash;
}

/* Does y's seen list (field sf) name the change holding x? */
static int names(const struct world *w, const struct mrec *y, int sf,
		 const struct mrec *x)
{
	const struct mfield *f = &y->f[sf];
	const uint8_t *h = chash_of(w, x);
	size_t k;

	for (k = 0; f->set && k + CRDT_HASH_LEN <= f->len; k += CRDT_HASH_LEN)
		if (!memcmp(f->p + k, h, CRDT_HASH_LEN))
			return 1;
	return 0;
}

/* ---- authority: roles, emergencies, verifications (crdt/facts.h) ------ */

/* Building names compare case-insensitively (ASCII, like strcasecmp). */
static int same_bld(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	size_t i;

	if (an != bn)
		return 0;
	for (i = 0; i < an; i++)
		if (tolower(a[i]) != tolower(b[i]))
			return 0;
	return 1;
}

static int auth_has(const struct mauth *A, const uint8_t *pk, int role)
{
	int i;

	for (i = 0; i < A->nrole; i++)
		if (A->role[i].role == role &&
		    !memcmp(A->role[i].pk, pk, CRDT_PK_LEN))
			return 1;
	return 0;
}

static int auth_coord(const struct mauth *A, const uint8_t *pk)
{
	return auth_has(A, pk, CRDT_ROLE_COORDINATOR);
}

/* Is pk a building head of building b (non-empty)? */
static int auth_heads(const struct mauth *A, const uint8_t *pk,
		      const uint8_t *b, size_t bn)
{
	int i;

	for (i = 0; bn && i < A->nrole; i++)
		if (A->role[i].role == CRDT_ROLE_BUILDING_HEAD &&
		    !memcmp(A->role[i].pk, pk, CRDT_PK_LEN) &&
		    same_bld(A->role[i].bld, A->role[i].blen, b, bn))
			return 1;
	return 0;
}

static int auth_ncoord(const struct mauth *A)
{
	int i, n = 0;

	for (i = 0; i < A->nrole; i++)
		n += A->role[i].role == CRDT_ROLE_COORDINATOR;
	return n;
}

static const struct mver *auth_verified(const struct mauth *A,
					const uint8_t *pk)
{
	int i;

	for (i = 0; i < A->nver; i++)
		if (!memcmp(A->ver[i].pk, pk, CRDT_PK_LEN))
			return &A->ver[i];
	return NULL;
}

static void role_add(struct mauth *A, const uint8_t *pk, int role,
		     const uint8_t *b, size_t bn)
{
	struct mrole *x;

	if (role == CRDT_ROLE_COORDINATOR ? auth_coord(A, pk)
					  : auth_heads(A, pk, b, bn))
		return;
	x = &A->role[A->nrole++];
	memcpy(x->pk, pk, CRDT_PK_LEN);
	x->role = (uint8_t)role;
	x->bld = role == CRDT_ROLE_BUILDING_HEAD ? b : NULL;
	x->blen = role == CRDT_ROLE_BUILDING_HEAD ? (uint16_t)bn : 0;
}

/* Drop pk's role (building heads: of building b, or of every building
 * when bn is 0). */
static void role_drop(struct mauth *A, const uint8_t *pk, int role,
		      const uint8_t *b, size_t bn)
{
	int i;

	for (i = 0; i < A->nrole;) {
		struct mrole *x = &A->role[i];

		if (x->role == role && !memcmp(x->pk, pk, CRDT_PK_LEN) &&
		    (role == CRDT_ROLE_COORDINATOR || !bn ||
		     same_bld(x->bld, x->blen, b, bn)))
			*x = A->role[--A->nrole];
		else
			i++;
	}
}

/* Scratch of the replay: the facts, their pasts (bit sets) and order. */
struct replay {
	int n;
	int rec[MAXFACT];   /* index in S->rec */
	int depth[MAXFACT]; /* -1 not yet, -2 being computed */
	uint8_t named_ok[MAXFACT]; /* every hash it names is held as a fact */
	uint8_t complete[MAXFACT];
	uint8_t isvoid[MAXFACT], revoked_once[MAXFACT];
	uint64_t past[MAXFACT][MAXFACT / 64];
	int order[MAXFACT];
};

static int is_authority(const struct mrec *r)
{
	return r->rtype == CRDT_R_ROLE || r->rtype == CRDT_R_EMERGENCY ||
	       r->rtype == CRDT_R_VERIFY;
}

static int seen_field(unsigned rtype)
{
	return rtype == CRDT_R_ROLE	    ? F_ROLE_SEEN
	       : rtype == CRDT_R_EMERGENCY  ? F_EMERGENCY_SEEN
	       : rtype == CRDT_R_VERIFY	    ? F_VERIFY_SEEN
	       : rtype == CRDT_R_CHECKIN    ? F_CHECKIN_SEEN
	       : rtype == CRDT_R_MODERATION ? F_MOD_SEEN
					    : 0;
}

#define IN_PAST(R, f, g) (((R)->past[f][(g) >> 6] >> ((g) & 63)) & 1)

/* Is fact g a parent of fact f: named by f, or signed by f's author
 * before f (lower seq)? */
static int parent_of(const struct world *w, const struct mstate *S,
		     const struct replay *R, int f, int g)
{
	const struct mrec *x = &S->rec[R->rec[f]], *y = &S->rec[R->rec[g]];

	if (f == g)
		return 0;
	if (y->author == x->author && y->seq < x->seq)
		return 1;
	return names(w, x, seen_field(x->rtype), y);
}

/* Depth (longest chain of facts below it) and past of fact f. */
static void visit(const struct world *w, const struct mstate *S,
		  struct replay *R, int f)
{
	int g, k, d = 0;

	if (R->depth[f] >= 0)
		return;
	R->depth[f] = -2;
	for (g = 0; g < R->n; g++) {
		if (!parent_of(w, S, R, f, g))
			continue;
		if (R->depth[g] == -2) /* a cycle cannot be signed */
			continue;
		visit(w, S, R, g);
		for (k = 0; k < MAXFACT / 64; k++)
			R->past[f][k] |= R->past[g][k];
		R->past[f][g >> 6] |= 1ull << (g & 63);
		if (R->depth[g] + 1 > d)
			d = R->depth[g] + 1;
	}
	R->depth[f] = d;
}

static const struct mstate *g_S; /* for qsort */
static const struct world *g_w;
static const struct replay *g_R;

static int replay_cmp(const void *a, const void *b)
{
	int f = *(const int *)a, g = *(const int *)b, d;
	const struct mrec *x = &g_S->rec[g_R->rec[f]];
	const struct mrec *y = &g_S->rec[g_R->rec[g]];

	if (g_R->depth[f] != g_R->depth[g])
		return g_R->depth[f] < g_R->depth[g] ? -1 : 1;
	d = memcmp(chash_of(g_w, x), chash_of(g_w, y), CRDT_HASH_LEN);
	return d ? d : memcmp(x->id, y->id, CRDT_ID_LEN);
}

/*
 * Rule 4: revocation f of member pk's role (role, building b) counted:
 * every fact of pk that needed that role and is concurrent with f is void.
 * Returns 1 when it voided something (the replay starts again).
 */
static int void_concurrent(const struct world *w, const struct mstate *S,
			   struct replay *R, const struct mauth *A, int f,
			   const uint8_t *pk, int role, const uint8_t *b,
			   size_t bn)
{
	int g, any = 0;

	if (R->revoked_once[f])
		return 0; /* what it voids stays void; once is enough */
	R->revoked_once[f] = 1;
	for (g = 0; g < R->n; g++) {
		const struct mrec *y = &S->rec[R->rec[g]];
		const struct mfield *yb = &y->f[F_VERIFY_BUILDING];
		size_t ybn = y->rtype == CRDT_R_VERIFY && yb->set ? yb->len : 0;
		int needed;

		if (g == f || R->isvoid[g] ||
		    memcmp(pk_of(w, y), pk, CRDT_PK_LEN))
			continue;
		if (role == CRDT_ROLE_COORDINATOR)
			needed = y->rtype != CRDT_R_VERIFY ||
				 !auth_heads(A, pk, yb->p, ybn);
		else
			needed = y->rtype == CRDT_R_VERIFY &&
				 (!bn || same_bld(b, bn, yb->p, ybn)) &&
				 !auth_coord(A, pk);
		if (!needed || IN_PAST(R, f, g) || IN_PAST(R, g, f))
			continue;
		R->isvoid[g] = 1;
		any = 1;
	}
	return any;
}

/* One fact of the replay (crdt/facts.h rules 3-7); 1: start again. */
static int replay_fact(const struct world *w, const struct mstate *S,
		       struct replay *R, struct mauth *A, int f)
{
	const struct mrec *x = &S->rec[R->rec[f]];
	const uint8_t *author = pk_of(w, x);
	int coord = auth_coord(A, author);
	const struct mfield *b, *m;
	int role;

	switch (x->rtype) {
	case CRDT_R_EMERGENCY:
		if (!coord)
			return 0;
		A->has_em = 1;
		A->emergency = fi(x, F_EMERGENCY_ACTIVE) != 0;
		A->reason = x->f[F_EMERGENCY_REASON].p;
		A->rlen = A->emergency && x->f[F_EMERGENCY_REASON].set
				  ? x->f[F_EMERGENCY_REASON].len
				  : 0;
		A->em_created = x->created;
		memcpy(A->started_by, author, CRDT_PK_LEN);
		return 0;
	case CRDT_R_VERIFY:
		m = &x->f[F_VERIFY_MEMBER];
		b = &x->f[F_VERIFY_BUILDING];
		/* rule 7: a verification (or removal) without a building
		 * does not count, even from a coordinator */
		if (!m->set || !b->set || !b->len ||
		    (!coord && !auth_heads(A, author, b->p, b->len)))
			return 0;
		if (fi(x, F_VERIFY_GRANT)) {
			struct mver *v = (struct mver *)auth_verified(A, m->p);

			if (!v) {
				v = &A->ver[A->nver++];
				memcpy(v->pk, m->p, CRDT_PK_LEN);
			}
			memcpy(v->by, author, CRDT_PK_LEN);
			v->bld = b->p;
			v->blen = b->len;
			v->unit = x->f[F_VERIFY_UNIT].p;
			v->ulen = x->f[F_VERIFY_UNIT].set ? x->f[F_VERIFY_UNIT].len
							  : 0;
		} else {
			struct mver *v = (struct mver *)auth_verified(A, m->p);

			if (v)
				*v = A->ver[--A->nver];
		}
		return 0;
	case CRDT_R_ROLE:
		m = &x->f[F_ROLE_MEMBER];
		b = &x->f[F_ROLE_BUILDING];
		role = (int)fi(x, F_ROLE_ROLE);
		if (!coord || !m->set)
			return 0;
		if (fi(x, F_ROLE_GRANT)) {
			if (role == CRDT_ROLE_BUILDING_HEAD &&
			    (!b->set || !b->len))
				return 0; /* rule 6: a head of what? */
			role_add(A, m->p, role, b->p, b->set ? b->len : 0);
			return 0;
		}
		/* rule 4: a revocation of a role the member does not hold
		 * (in any building) has no effect and voids nothing */
		if (!auth_has(A, m->p, role))
			return 0;
		if (role == CRDT_ROLE_COORDINATOR && auth_ncoord(A) <= 1)
			return 0; /* rule 5 */
		role_drop(A, m->p, role, b->p, b->set ? b->len : 0);
		return void_concurrent(w, S, R, A, f, m->p, role, b->p,
				       b->set ? b->len : 0);
	}
	return 0;
}

/* crdt/facts.h: replay the authority facts of S into S->A. */
static int model_authority(struct world *w, struct mstate *S)
{
	static struct replay R;
	struct mauth *A = &S->A;
	int i, f, g, k;

	memset(&R, 0, sizeof R);
	for (i = 0; i < S->nrec; i++)
		if (is_authority(&S->rec[i])) {
			if (R.n == MAXFACT)
				return fail(w, "test bug: more than %d facts",
					    MAXFACT);
			R.rec[R.n++] = i;
		}
	/* rule 1: every hash it names is held as a fact */
	for (f = 0; f < R.n; f++) {
		const struct mrec *x = &S->rec[R.rec[f]];
		const struct mfield *sf = &x->f[seen_field(x->rtype)];
		size_t h;

		R.named_ok[f] = 1;
		R.depth[f] = -1;
		for (h = 0; sf->set && h + CRDT_HASH_LEN <= sf->len;
		     h += CRDT_HASH_LEN) {
			for (g = 0; g < R.n; g++)
				if (!memcmp(sf->p + h, chash_of(w, &S->rec[R.rec[g]]),
					    CRDT_HASH_LEN))
					break;
			if (g == R.n)
				R.named_ok[f] = 0;
		}
	}
	for (f = 0; f < R.n; f++)
		visit(w, S, &R, f);
	/* rule 1: a fact waits only for the hashes it names itself */
	for (f = 0; f < R.n; f++)
		R.complete[f] = R.named_ok[f];
	for (f = 0; f < R.n; f++)
		R.order[f] = f;
	g_S = S;
	g_w = w;
	g_R = &R;
	qsort(R.order, (size_t)R.n, sizeof R.order[0], replay_cmp);
	for (;;) {
		memset(A, 0, sizeof *A);
		/* the community's creator: replica 0 */
		role_add(A, w->au[0].pk, CRDT_ROLE_COORDINATOR, NULL, 0);
		for (k = 0; k < R.n; k++) {
			f = R.order[k];
			if (!R.complete[f] || R.isvoid[f])
				continue;
			if (replay_fact(w, S, &R, A, f))
				break;
		}
		if (k == R.n)
			break;
	}
	for (f = 0; f < R.n; f++) {
		A->waiting += !R.complete[f];
		A->voided += R.isvoid[f];
	}
	return 0;
}

/* The state made by the first vv[x] changes of every author x. */
static int model_eval(struct world *w, const uint64_t *vv, struct mstate *S)
{
	int a, k;
	uint64_t s;

	S->nrec = 0;
	memset(S->ht, 0, sizeof S->ht);
	memset(S->member, 0, sizeof S->member);
	memset(S->mf, 0, sizeof S->mf);
	for (a = 0; a < w->na; a++)
		for (s = 1; s <= vv[a]; s++) {
			const struct mchange *c = &w->au[a].ch[s - 1];

			for (k = 0; k < c->nops; k++)
				if (model_apply(w, S, a, s, (uint32_t)k, c->hlc,
						&c->op[k]))
					return -1;
		}
	return model_authority(w, S);
}

/* ---- check-ins and moderation (crdt/community.h, query_sql.h) --------- */

/*
 * Is record r of type rtype about key (member key or post id)?
 */
static int about(const struct mrec *r, unsigned rtype, const uint8_t *key)
{
	if (r->rtype != rtype)
		return 0;
	return rtype == CRDT_R_CHECKIN
		       ? f_is(r, F_CHECKIN_MEMBER, key, CRDT_PK_LEN)
		       : f_is(r, F_MOD_TARGET, key, CRDT_ID_LEN);
}

/* HIDDEN: a hide by a current coordinator stands (no moderation record of
 * a current coordinator about the same post names it). */
static int hidden(const struct world *w, const struct mstate *S,
		  const struct mrec *post)
{
	int i, j;

	for (i = 0; i < S->nrec; i++) {
		const struct mrec *m = &S->rec[i];
		int stands = 1;

		if (!about(m, CRDT_R_MODERATION, post->id) ||
		    fi(m, F_MOD_HIDDEN) != 1 || !auth_coord(&S->A, pk_of(w, m)))
			continue;
		for (j = 0; stands && j < S->nrec; j++) {
			const struct mrec *m2 = &S->rec[j];

			if (about(m2, CRDT_R_MODERATION, post->id) &&
			    auth_coord(&S->A, pk_of(w, m2)) &&
			    names(w, m2, F_MOD_SEEN, m))
				stands = 0;
		}
		if (stands)
			return 1;
	}
	return 0;
}

/* Does check-in x about member pk stand (community.h)?  A report stands
 * until a report about the same member names it; the member's own report
 * only falls to their own or a coordinator's. */
static int checkin_stands(const struct world *w, const struct mstate *S,
			  const struct mrec *x, const uint8_t *pk)
{
	int j;

	for (j = 0; j < S->nrec; j++) {
		const struct mrec *y = &S->rec[j];

		if (!about(y, CRDT_R_CHECKIN, pk) || !names(w, y, F_CHECKIN_SEEN, x))
			continue;
		if (memcmp(pk_of(w, x), pk, CRDT_PK_LEN) ||
		    !memcmp(pk_of(w, y), pk, CRDT_PK_LEN) ||
		    auth_coord(&S->A, pk_of(w, y)))
			return 0;
	}
	return 1;
}

/* The roll call's status of member pk from the standing reports at or
 * after since_ms: 2 need-help, 1 safe, 0 unknown. */
static int rollcall(const struct world *w, const struct mstate *S,
		    const uint8_t *pk, int64_t since_ms)
{
	int i, st = 0;

	for (i = 0; i < S->nrec; i++) {
		const struct mrec *x = &S->rec[i];

		if (!about(x, CRDT_R_CHECKIN, pk) ||
		    (int64_t)(x->created >> 16) < since_ms ||
		    !checkin_stands(w, S, x, pk) || !x->f[F_CHECKIN_STATUS].set)
			continue;
		if (fi(x, F_CHECKIN_STATUS) == 1)
			return 2;
		st = 1;
	}
	return st;
}

/* ---- derived facts, from the header comment of query.h ---------------- */

static int claim_on(const struct mrec *c, const struct mrec *t)
{
	return c->rtype == CRDT_R_CLAIM &&
	       f_is(c, F_CLAIM_TARGET, t->id, CRDT_ID_LEN);
}

/* "A claim is active while not cancelled and not by the target's author." */
static int active_on(const struct mrec *c, const struct mrec *t)
{
	return claim_on(c, t) && !fi(c, F_CLAIM_CANCELLED) &&
	       c->author != t->author;
}

/* A loan of item i by the item's owner (loans by others mean nothing). */
static int owner_loan(const struct mrec *l, const struct mrec *i)
{
	return l->rtype == CRDT_R_LOAN && l->author == i->author &&
	       f_is(l, F_LOAN_ITEM, i->id, CRDT_ID_LEN);
}

/* The accepted claim of wish w, if it is a claim on w. */
static const struct mrec *accepted(const struct mstate *S, const struct mrec *w)
{
	int i;

	if (!w->f[F_WISH_ACCEPTED].set)
		return NULL;
	i = rec_find(S, w->f[F_WISH_ACCEPTED].p, w->f[F_WISH_ACCEPTED].len);
	if (i < 0 || !claim_on(&S->rec[i], w))
		return NULL;
	return &S->rec[i];
}

/* query_sql.h LAST_EDIT: the last edit's stamp in unix seconds, but the
 * epoch when it is more than a day ahead of the viewer's clock (NOW). */
static int64_t last_edit(const struct mrec *r)
{
	int64_t t = (int64_t)((r->updated >> 16) / 1000);

	return t > NOW + DAY ? 0 : t;
}

/*
 * item: withdrawn > expired (until passed, or 90 days after the last edit)
 * > on_loan (a loan by the item's owner not returned) > requested (an
 * active claim by someone else, not delivered and not answered by a loan:
 * one that names it, or one without a claim made to the requester after
 * the request, by HLC) > available.
 */
static const char *item_status(struct world *w, const struct mstate *S,
			       const struct mrec *it)
{
	int i, j;

	if (fi(it, F_ITEM_WITHDRAWN))
		return "withdrawn";
	if (it->f[F_ITEM_UNTIL].set && it->f[F_ITEM_UNTIL].i < NOW)
		return "expired";
	if (last_edit(it) + 7776000 < NOW)
		return "expired";
	for (i = 0; i < S->nrec; i++)
		if (owner_loan(&S->rec[i], it) &&
		    !fi(&S->rec[i], F_LOAN_RETURNED))
			return "on_loan";
	for (i = 0; i < S->nrec; i++) {
		const struct mrec *c = &S->rec[i];
		int answered = 0;

		if (!active_on(c, it) || fi(c, F_CLAIM_DELIVERED))
			continue;
		for (j = 0; j < S->nrec; j++) {
			const struct mrec *l = &S->rec[j];

			if (!owner_loan(l, it))
				continue;
			if (l->f[F_LOAN_CLAIM].set
				    ? f_is(l, F_LOAN_CLAIM, c->id, CRDT_ID_LEN)
				    : f_is(l, F_LOAN_BORROWER, w->au[c->author].pk,
					   CRDT_PK_LEN) &&
					      l->created > c->created)
				answered = 1;
		}
		if (!answered)
			return "requested";
	}
	return "available";
}

/*
 * wish: withdrawn > confirmed > expired (needed_by passed, or 30 days after
 * the last edit) > delivered (an
 * active claim says delivered) > claimed (the accepted claim is active, or
 * exactly one active claim) > contested (several, none accepted) > open
 */
static const char *wish_status(const struct mstate *S, const struct mrec *w)
{
	const struct mrec *acc;
	int i, n = 0, delivered = 0;

	if (fi(w, F_WISH_WITHDRAWN))
		return "withdrawn";
	if (fi(w, F_WISH_CONFIRMED))
		return "confirmed";
	if (w->f[F_WISH_NEEDED_BY].set && w->f[F_WISH_NEEDED_BY].i < NOW)
		return "expired";
	if (last_edit(w) + 2592000 < NOW)
		return "expired";
	for (i = 0; i < S->nrec; i++)
		if (active_on(&S->rec[i], w)) {
			n++;
			if (fi(&S->rec[i], F_CLAIM_DELIVERED))
				delivered = 1;
		}
	if (delivered)
		return "delivered";
	acc = accepted(S, w);
	if (acc && active_on(acc, w))
		return "claimed";
	return n == 1 ? "claimed" : n > 1 ? "contested" : "open";
}

/* claim: cancelled > confirmed (accepted + wish confirmed) > delivered >
 * accepted > active */
static const char *claim_status(const struct mstate *S, const struct mrec *c)
{
	const struct mrec *w = NULL;
	int t = c->f[F_CLAIM_TARGET].set
			? rec_find(S, c->f[F_CLAIM_TARGET].p,
				   c->f[F_CLAIM_TARGET].len)
			: -1;
	int acc;

	if (t >= 0 && S->rec[t].rtype == CRDT_R_WISH)
		w = &S->rec[t];
	acc = w && f_is(w, F_WISH_ACCEPTED, c->id, CRDT_ID_LEN);
	if (fi(c, F_CLAIM_CANCELLED))
		return "cancelled";
	if (acc && fi(w, F_WISH_CONFIRMED))
		return "confirmed";
	if (fi(c, F_CLAIM_DELIVERED))
		return "delivered";
	return acc ? "accepted" : "active";
}

/* query.h: "each confirmed wish credits hours_q / 4 hours to the author
 * of its accepted claim, never to the wish's own author, and not when the
 * helper took that claim back"; query_sql.h EARNED_Q: only when both the
 * helper and the wish's author are verified (crdt/facts.h rule 7).  In
 * quarters. */
static int64_t hours_q(const struct world *w, const struct mstate *S, int m)
{
	int64_t sum = 0;
	int i;

	for (i = 0; i < S->nrec; i++) {
		const struct mrec *wi = &S->rec[i], *c;

		if (wi->rtype != CRDT_R_WISH || !fi(wi, F_WISH_CONFIRMED) ||
		    wi->author == m || !auth_verified(&S->A, w->au[m].pk) ||
		    !auth_verified(&S->A, pk_of(w, wi)))
			continue;
		c = accepted(S, wi);
		if (c && c->author == m && !fi(c, F_CLAIM_CANCELLED))
			sum += fi(wi, F_WISH_HOURS);
	}
	return sum;
}

static int wish_closed(const struct mrec *w)
{
	return fi(w, F_WISH_WITHDRAWN) || fi(w, F_WISH_CONFIRMED);
}

static int n_active(const struct mstate *S, const struct mrec *t,
		    const struct mrec **oldest)
{
	int i, n = 0;

	if (oldest)
		*oldest = NULL;
	for (i = 0; i < S->nrec; i++) {
		const struct mrec *c = &S->rec[i];

		if (!active_on(c, t))
			continue;
		n++;
		if (oldest && (!*oldest || c->created < (*oldest)->created ||
			       (c->created == (*oldest)->created &&
				memcmp(c->id, (*oldest)->id, CRDT_ID_LEN) < 0)))
			*oldest = c;
	}
	return n;
}

static int has_owner_loan(const struct mstate *S, const struct mrec *it)
{
	int i;

	for (i = 0; i < S->nrec; i++)
		if (owner_loan(&S->rec[i], it) && !fi(&S->rec[i], F_LOAN_RETURNED))
			return 1;
	return 0;
}

/* ==== replicas ========================================================== */

static uint64_t fake_now(void *ctx)
{
	struct rep *p = ctx;
	uint64_t t = p->now_ms;

	p->now_ms += 1 + sm64(&p->rng) % p->step;
	return t;
}

static void fake_random(void *ctx, void *buf, size_t n)
{
	struct rep *p = ctx;
	uint8_t *o = buf;

	while (n) {
		uint64_t v = sm64(&p->rng);
		size_t k = n < 8 ? n : 8;

		memcpy(o, &v, k);
		o += k;
		n -= k;
	}
}

/*
 * How far the hostile's log can reach on any replica (crdt/apply.h): not
 * past a change it never sends (a gap never filled), not past the first
 * checkpoint (seq a multiple of CRDT_SIG_EVERY or a body over CRDT_SIG_BIG
 * bytes) whose own signature is bad, and it ends on a change whose own
 * signature is good (a run is accepted on its newest signature).
 */
static int checkpoint(const struct mchange *c, uint64_t seq)
{
	return seq % CRDT_SIG_EVERY == 0 || c->len - CRDT_SIG_LEN > CRDT_SIG_BIG;
}

static uint64_t hostile_end(const struct world *w)
{
	const struct author *au;
	uint64_t s, end = 0;

	if (w->hostile < 0)
		return 0;
	au = &w->au[w->hostile];
	for (s = 1; s <= (uint64_t)au->n; s++) {
		const struct mchange *c = &au->ch[s - 1];

		if (c->withheld || (c->bad_sig && checkpoint(c, s)))
			break;
		if (!c->bad_sig)
			end = s;
	}
	return end;
}

/* What every replica holds once everything sent has arrived. */
static void made(const struct world *w, uint64_t vv[MAXR])
{
	int x;

	for (x = 0; x < w->na; x++)
		vv[x] = x == w->hostile ? hostile_end(w) : (uint64_t)w->au[x].n;
}

/* Heads of every author on replica t: its version vector. */
static int heads(struct world *w, int t, uint64_t vv[MAXR])
{
	struct crdt_author a;
	int x, rc;

	for (x = 0; x < w->na; x++) {
		rc = crdt_store_author(w->rep[t].r.store, w->au[x].pk, 0, &a);
		if (rc)
			return fail(w, "replica %d: reading author %d: %s", t, x,
				    kith_strerror(rc));
		vv[x] = a.n ? a.head : 0;
	}
	return 0;
}

static int64_t sql_int(struct world *w, int t, const char *sql)
{
	sqlite3 *db = crdt_store_db(w->rep[t].r.store);
	sqlite3_stmt *q = NULL;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

static void close_all(struct world *w)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	char p[600];
	int x, k;
	uint64_t s;

	for (x = 0; x < MAXR; x++) {
		struct rep *r = &w->rep[x];

		if (r->open)
			crdt_replica_close(&r->r);
		r->open = 0;
		if (!w->memory && r->path[0])
			for (k = 0; k < 3; k++) {
				snprintf(p, sizeof p, "%s%s", r->path, sfx[k]);
				unlink(p);
			}
		for (s = 0; s < MAXSEQ; s++) {
			struct mchange *c = &w->au[x].ch[s];
			int o, v;

			free(c->raw);
			for (o = 0; o < MAXOPS; o++)
				for (v = 0; v < MAXVALS; v++)
					free(c->op[o].v[v].heap);
		}
		memset(&w->au[x], 0, sizeof w->au[x]);
	}
	if (w->hid.sk)
		crdt_identity_release(&w->hid);
	memset(&w->hid, 0, sizeof w->hid);
	snprintf(p, sizeof p, "%s/bundle", w->dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/vector", w->dir);
	unlink(p);
}

/*
 * Creating the schema costs more than the rest of a small seed, so the
 * first replica file made in this process (by crdt_replica_open, closed
 * cleanly so the WAL is folded in) is copied for every replica after it.
 */
static int put_template(struct world *w, const char *path)
{
	char tp[600];
	struct crdt_replica r;
	FILE *f;
	int rc = 0;

	if (!w->tmpl) {
		snprintf(tp, sizeof tp, "%s/template.db", w->dir);
		rc = crdt_replica_open(&r, tp, NULL);
		if (rc)
			return rc;
		crdt_replica_close(&r);
		f = fopen(tp, "rb");
		if (!f)
			return KITH_EIO;
		fseek(f, 0, SEEK_END);
		w->tmpl_len = (size_t)ftell(f);
		rewind(f);
		w->tmpl = malloc(w->tmpl_len ? w->tmpl_len : 1);
		if (!w->tmpl || fread(w->tmpl, 1, w->tmpl_len, f) != w->tmpl_len)
			rc = KITH_EIO;
		fclose(f);
		unlink(tp);
		if (rc) {
			free(w->tmpl);
			w->tmpl = NULL;
			return rc;
		}
	}
	f = fopen(path, "wb");
	if (!f)
		return KITH_EIO;
	if (fwrite(w->tmpl, 1, w->tmpl_len, f) != w->tmpl_len)
		rc = KITH_EIO;
	if (fclose(f))
		rc = KITH_EIO;
	return rc;
}

static int open_all(struct world *w)
{
	uint8_t idseed[32];
	int x, k, rc;

	w->nr = 3 + (int)below(w, 3);
	for (k = 0; k < 32; k++)
		w->community[k] = (uint8_t)below(w, 256);
	for (x = 0; x < w->nr; x++) {
		struct rep *r = &w->rep[x];
		struct crdt_env env = { fake_now, fake_random, r };

		r->rng = sm64(&w->rng);
		r->step = 1 + below(w, 3000);
		r->now_ms = EPOCH_MS;
		if (chance(w, 30)) /* a clock far off, beyond the drift limit */
			r->now_ms += below(w, 4 * 3600 * 1000) - 2 * 3600 * 1000;
		else
			r->now_ms += below(w, 20000);
		if (w->memory)
			snprintf(r->path, sizeof r->path, ":memory:");
		else
			snprintf(r->path, sizeof r->path, "%s/r%d.db", w->dir, x);
		rc = w->memory ? 0 : put_template(w, r->path);
		if (!rc)
			rc = crdt_replica_open(&r->r, r->path, &env);
		if (rc)
			return fail(w, "cannot open replica %d: %s", x,
				    kith_strerror(rc));
		r->open = 1;
		for (k = 0; k < 32; k++)
			idseed[k] = (uint8_t)(sm64(&w->rng) | (k == 0));
		rc = crdt_identity_from_seed(&r->r.id, idseed);
		if (rc)
			return fail(w, "identity %d: %s", x, kith_strerror(rc));
		memcpy(w->au[x].pk, r->r.id.pk, CRDT_PK_LEN);
	}
	/* most seeds have a hostile member: an author without a replica who
	 * signs crafted changes with its own key */
	w->hostile = -1;
	w->na = w->nr;
	if (chance(w, 85)) {
		for (k = 0; k < 32; k++)
			idseed[k] = (uint8_t)(sm64(&w->rng) | (k == 0));
		rc = crdt_identity_from_seed(&w->hid, idseed);
		if (rc)
			return fail(w, "hostile identity: %s", kith_strerror(rc));
		w->hostile = w->nr;
		w->na = w->nr + 1;
		memcpy(w->au[w->hostile].pk, w->hid.pk, CRDT_PK_LEN);
	}
	return 0;
}

/* ==== making changes ==================================================== */

struct build {
	struct crdt_op ops[MAXOPS];
	uint32_t n;
	uint64_t seq; /* the seq this change will get */
	uint8_t arena[8192];
	size_t used;
	char desc[512];
};

static void b_note(struct build *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void b_note(struct build *b, const char *fmt, ...)
{
	size_t n = strlen(b->desc);
	va_list ap;

	if (n + 2 >= sizeof b->desc)
		return;
	if (n)
		b->desc[n++] = ';', b->desc[n++] = ' ';
	va_start(ap, fmt);
	vsnprintf(b->desc + n, sizeof b->desc - n, fmt, ap);
	va_end(ap);
}

static struct crdt_op *b_op(struct build *b, unsigned kind, unsigned rtype)
{
	struct crdt_op *op = &b->ops[b->n++];

	crdt_op_init(op, kind, rtype);
	return op;
}

static void b_bytes(struct build *b, struct crdt_op *op, unsigned field,
		    const void *p, size_t n)
{
	uint8_t *d = b->arena + b->used;

	if (b->used + n > sizeof b->arena || n > CRDT_MAX_TEXT)
		abort(); /* test bug */
	memcpy(d, p, n);
	b->used += n;
	(void)crdt_op_set_bytes(op, field, d, n);
}

static void b_text(struct build *b, struct crdt_op *op, unsigned field,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void b_text(struct build *b, struct crdt_op *op, unsigned field,
		   const char *fmt, ...)
{
	char s[MAXB + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof s, fmt, ap);
	va_end(ap);
	b_bytes(b, op, field, s, strlen(s));
}

static void b_ref(struct crdt_op *op, const uint8_t *id, size_t n)
{
	memcpy(op->target, id, n);
	op->target_len = n;
}

/* An op on one of our own records: REF by id or OWN by (seq, idx). */
static struct crdt_op *b_edit(struct world *w, struct build *b,
			      const struct mrec *r)
{
	struct crdt_op *op;

	if (chance(w, 50)) {
		op = b_op(b, CRDT_OP_OWN, r->rtype);
		op->tseq = r->seq;
		op->tidx = r->idx;
	} else {
		op = b_op(b, CRDT_OP_REF, r->rtype);
		b_ref(op, r->id, CRDT_ID_LEN);
	}
	return op;
}

/* A date before or after NOW: days away, seconds away, or NOW itself
 * (which has not passed yet). */
static int64_t rand_date(struct world *w)
{
	int64_t d;

	if (chance(w, 5))
		return NOW;
	if (chance(w, 25))
		d = 1 + (int64_t)below(w, 120);
	else
		d = (int64_t)(1 + below(w, 30)) * DAY + (int64_t)below(w, DAY);
	return chance(w, 40) ? NOW - d : NOW + d;
}

/* Keep change raw[0..len) as au[a]'s next one: its bytes, HLC, hash and
 * ops as decoded (what every replica will decode). */
static int record(struct world *w, int a, const uint8_t *raw, size_t len)
{
	struct author *au = &w->au[a];
	struct mchange *mc = &au->ch[au->n];
	struct crdt_change dc;
	uint32_t i, k;
	int rc;

	if (au->n >= MAXSEQ)
		return fail(w, "test bug: more than %d changes of r%d", MAXSEQ, a);
	memset(mc, 0, sizeof *mc);
	mc->raw = malloc(len);
	if (!mc->raw)
		return fail(w, "out of memory");
	memcpy(mc->raw, raw, len);
	mc->len = len;
	rc = crdt_change_decode(&dc, mc->raw, mc->len);
	if (rc)
		return fail(w, "r%d: decoding #%d: %s", a, au->n + 1,
			    kith_strerror(rc));
	if (dc.seq != (uint64_t)au->n + 1 || dc.nops > MAXOPS) {
		crdt_change_release(&dc);
		return fail(w, "r%d: change #%d decodes as seq %llu with %u ops",
			    a, au->n + 1, (unsigned long long)dc.seq, dc.nops);
	}
	mc->hlc = dc.hlc;
	memcpy(mc->hash, dc.hash, CRDT_HASH_LEN);
	mc->nops = (uint8_t)dc.nops;
	for (i = 0; i < dc.nops; i++) {
		const struct crdt_op *o = &dc.ops[i];
		struct mop *m = &mc->op[i];

		m->kind = o->kind;
		m->rtype = o->rtype;
		m->tlen = (uint8_t)o->target_len;
		memcpy(m->target, o->target, sizeof m->target);
		m->tseq = o->tseq;
		m->tidx = o->tidx;
		m->nvals = (uint8_t)(o->nvals < MAXVALS ? o->nvals : MAXVALS);
		for (k = 0; k < m->nvals; k++) {
			struct mval *v = &m->v[k];

			v->field = o->vals[k].field;
			v->type = o->vals[k].type;
			v->i = o->vals[k].i;
			v->len = (uint16_t)o->vals[k].len;
			if (v->len > MAXB) {
				v->heap = malloc(v->len);
				if (!v->heap) {
					crdt_change_release(&dc);
					return fail(w, "out of memory");
				}
			}
			if (v->len)
				memcpy(v->heap ? v->heap : v->b, o->vals[k].p,
				       v->len);
		}
	}
	crdt_change_release(&dc);
	au->n++;
	return 0;
}

static int commit(struct world *w, int a, struct build *b)
{
	struct rep *r = &w->rep[a];
	struct author *au = &w->au[a];
	struct crdt_author ca;
	struct crdt_buf buf;
	uint64_t seq = 0;
	uint32_t i;
	int rc;

	for (i = 0; i < b->n; i++)
		if (crdt_op_finish(&b->ops[i]) || b->ops[i].nvals > MAXVALS)
			return fail(w, "test bug: bad op %u of '%s'", i, b->desc);
	rc = crdt_replica_commit(&r->r, b->ops, b->n, &seq);
	if (rc)
		return fail(w, "replica %d: commit: %s", a, kith_strerror(rc));
	if (seq != b->seq)
		return fail(w, "replica %d: commit gave seq %llu, expected %llu",
			    a, (unsigned long long)seq,
			    (unsigned long long)b->seq);
	trace(w, "  r%d #%llu: %s", a, (unsigned long long)seq, b->desc);
	/* the change as stored, for delivery and for its HLC */
	crdt_buf_init(&buf, CRDT_MAX_BODY + CRDT_SIG_LEN);
	rc = crdt_store_author(r->r.store, au->pk, 0, &ca);
	if (!rc)
		rc = crdt_store_get_change(r->r.store, ca.n, seq, &buf);
	if (rc) {
		crdt_buf_release(&buf);
		return fail(w, "replica %d: reading back #%llu: %s", a,
			    (unsigned long long)seq, kith_strerror(rc));
	}
	rc = record(w, a, buf.data, buf.len);
	crdt_buf_release(&buf);
	if (rc)
		return rc;
	if (au->ch[seq - 1].nops != b->n)
		return fail(w, "replica %d: #%llu stored with %u ops, made %u",
			    a, (unsigned long long)seq, au->ch[seq - 1].nops,
			    b->n);
	return 0;
}

/* ---- actions: each adds ops to b from what replica a shows (S); 1 when
 * there is nothing to do --------------------------------------------------- */

typedef int (*action_fn)(struct world *w, int a, const struct mstate *S,
			 struct build *b);

/* Pick a random record satisfying cond (which may use r); -1 if none. */
#define PICK(w, S, var, cond)                                                 \
	do {                                                                  \
		int n_ = 0, i_;                                               \
		(var) = -1;                                                   \
		for (i_ = 0; i_ < (S)->nrec; i_++) {                          \
			const struct mrec *r = &(S)->rec[i_];                 \
			if ((cond) && below((w), (uint64_t)++n_) == 0)        \
				(var) = i_;                                   \
		}                                                             \
	} while (0)

static int a_post_item(struct world *w, int a, const struct mstate *S,
		       struct build *b)
{
	struct crdt_op *op = b_op(b, CRDT_OP_CREATE, CRDT_R_ITEM);
	unsigned t = w->ctr++;

	/* a third in Chinese too (kept apart by a space: the model's words
	 * are ASCII), for the grams index (crdt/search.h) */
	b_text(b, op, F_ITEM_TITLE, "item %d.%u%s", a, t,
	       t % 3 ? "" : " 梯子买菜");
	if (chance(w, 90))
		(void)crdt_op_set_int(op, F_ITEM_KIND, (int64_t)below(w, 7));
	if (chance(w, 90))
		(void)crdt_op_set_int(op, F_ITEM_QUANTITY, 1 + (int64_t)below(w, 5));
	if (chance(w, 25))
		(void)crdt_op_set_int(op, F_ITEM_UNTIL, rand_date(w));
	if (chance(w, 30))
		b_text(b, op, F_ITEM_CATEGORY, chance(w, 50) ? "tools" : "food");
	if (chance(w, 20))
		b_text(b, op, F_ITEM_LOCATION, "building %u", (unsigned)below(w, 4));
	if (chance(w, 20))
		b_text(b, op, F_ITEM_DESCRIPTION, "works %u", (unsigned)below(w, 9));
	if (chance(w, 15))
		b_text(b, op, F_ITEM_UNIT, chance(w, 50) ? "kg" : "boxes");
	if (chance(w, 15))
		b_text(b, op, F_ITEM_CONDITION, chance(w, 50) ? "new" : "used");
	b_note(b, "post item %u", t);
	return 0;
}

static int a_post_wish(struct world *w, int a, const struct mstate *S,
		       struct build *b)
{
	struct crdt_op *op = b_op(b, CRDT_OP_CREATE, CRDT_R_WISH);
	unsigned t = w->ctr++;

	b_text(b, op, F_WISH_TITLE, "wish %d.%u%s", a, t,
	       t % 3 ? "" : " 帮忙买菜");
	(void)crdt_op_set_int(op, F_WISH_KIND, (int64_t)below(w, 2));
	if (chance(w, 90))
		(void)crdt_op_set_int(op, F_WISH_URGENCY, (int64_t)below(w, 4));
	(void)crdt_op_set_int(op, F_WISH_QUANTITY, 1 + (int64_t)below(w, 3));
	if (chance(w, 30))
		(void)crdt_op_set_int(op, F_WISH_NEEDED_BY, rand_date(w));
	if (chance(w, 15))
		b_text(b, op, F_WISH_FOR, "neighbour %u", (unsigned)below(w, 9));
	if (chance(w, 20))
		b_text(b, op, F_WISH_DESCRIPTION, "please");
	b_note(b, "post wish %u", t);
	return 0;
}

static int a_edit_own(struct world *w, int a, const struct mstate *S,
		      struct build *b)
{
	/* the CLI refuses edits of withdrawn items and of withdrawn or
	 * confirmed wishes; a stale client might not */
	int stale = chance(w, 15), i;
	const struct mrec *r;
	struct crdt_op *op;

	PICK(w, S, i,
	     r->author == a &&
		     ((r->rtype == CRDT_R_ITEM &&
		       (stale || !fi(r, F_ITEM_WITHDRAWN))) ||
		      (r->rtype == CRDT_R_WISH && (stale || !wish_closed(r)))));
	if (i < 0)
		return 1;
	r = &S->rec[i];
	op = b_edit(w, b, r);
	if (r->rtype == CRDT_R_ITEM) {
		if (chance(w, 60)) {
			unsigned t = w->ctr++;

			b_text(b, op, F_ITEM_TITLE, "item %d.%u%s", a, t,
			       t % 2 ? "" : " 新梯子");
		}
		if (chance(w, 40))
			(void)crdt_op_set_int(op, F_ITEM_QUANTITY,
					      1 + (int64_t)below(w, 9));
		if (chance(w, 25))
			(void)crdt_op_set_int(op, F_ITEM_UNTIL, rand_date(w));
		if (chance(w, 15)) {
			unsigned t = w->ctr++;

			b_text(b, op, F_ITEM_DESCRIPTION, "now %u%s", t,
			       t % 2 ? "" : " 很好用");
		}
		if (chance(w, 15) || !op->nvals)
			(void)crdt_op_set_int(op, F_ITEM_KIND, (int64_t)below(w, 7));
	} else {
		if (chance(w, 60)) {
			unsigned t = w->ctr++;

			b_text(b, op, F_WISH_TITLE, "wish %d.%u%s", a, t,
			       t % 2 ? "" : " 修水管");
		}
		if (chance(w, 30))
			(void)crdt_op_set_int(op, F_WISH_QUANTITY,
					      1 + (int64_t)below(w, 9));
		if (chance(w, 25))
			(void)crdt_op_set_int(op, F_WISH_NEEDED_BY, rand_date(w));
		if (chance(w, 15))
			b_text(b, op, F_WISH_LOCATION, "hall %u", w->ctr++);
		if (chance(w, 25) || !op->nvals)
			(void)crdt_op_set_int(op, F_WISH_URGENCY, (int64_t)below(w, 4));
	}
	b_note(b, "edit own %s %s%s", r->rtype == CRDT_R_ITEM ? "item" : "wish",
	       hex8(r->id), stale ? " (stale)" : "");
	return 0;
}

/* A hostile edit of someone else's record: must change nothing. */
static int a_edit_other(struct world *w, int a, const struct mstate *S,
			struct build *b)
{
	const struct mrec *r;
	struct crdt_op *op;
	int i;

	PICK(w, S, i, r->author != a);
	if (i < 0)
		return 1;
	r = &S->rec[i];
	op = b_op(b, CRDT_OP_REF, r->rtype);
	b_ref(op, r->id, CRDT_ID_LEN);
	switch (r->rtype) {
	case CRDT_R_ITEM:
		b_text(b, op, F_ITEM_TITLE, "hijacked by %d 偷梁换柱", a);
		(void)crdt_op_set_int(op, F_ITEM_WITHDRAWN, 1);
		break;
	case CRDT_R_WISH:
		b_text(b, op, F_WISH_TITLE, "hijacked by %d 偷梁换柱", a);
		(void)crdt_op_set_int(op, chance(w, 50) ? F_WISH_WITHDRAWN
							: F_WISH_NEEDED_BY,
				      1);
		(void)crdt_op_set_int(op, F_WISH_HOURS, 99);
		break;
	case CRDT_R_CLAIM:
		(void)crdt_op_set_int(op, chance(w, 50) ? F_CLAIM_CANCELLED
							: F_CLAIM_DELIVERED,
				      1);
		break;
	default:
		(void)crdt_op_set_int(op, F_LOAN_RETURNED, 1);
		break;
	}
	b_note(b, "HOSTILE edit of r%d's %s", r->author, hex8(r->id));
	return 0;
}

static int a_withdraw(struct world *w, int a, const struct mstate *S,
		      struct build *b)
{
	const struct mrec *r;
	struct crdt_op *op;
	int i;

	PICK(w, S, i,
	     r->author == a &&
		     ((r->rtype == CRDT_R_ITEM && !fi(r, F_ITEM_WITHDRAWN)) ||
		      (r->rtype == CRDT_R_WISH && !wish_closed(r))));
	if (i < 0)
		return 1;
	r = &S->rec[i];
	op = b_edit(w, b, r);
	(void)crdt_op_set_int(op, r->rtype == CRDT_R_ITEM ? F_ITEM_WITHDRAWN
							 : F_WISH_WITHDRAWN,
			      1);
	b_note(b, "withdraw %s", hex8(r->id));
	return 0;
}

/* Claim a wish (or request an item): a CREATE claim on target t. */
static void claim_op(struct world *w, struct build *b, const struct mrec *t)
{
	struct crdt_op *op = b_op(b, CRDT_OP_CREATE, CRDT_R_CLAIM);

	b_bytes(b, op, F_CLAIM_TARGET, t->id, CRDT_ID_LEN);
	(void)crdt_op_set_int(op, F_CLAIM_QUANTITY, 1 + (int64_t)below(w, 3));
	if (chance(w, 30))
		b_text(b, op, F_CLAIM_NOTE, "can do %u", (unsigned)below(w, 99));
}

static int a_claim(struct world *w, int a, const struct mstate *S,
		   struct build *b)
{
	int i;

	PICK(w, S, i,
	     r->rtype == CRDT_R_WISH && r->author != a && !wish_closed(r));
	if (i < 0)
		return 1;
	claim_op(w, b, &S->rec[i]);
	b_note(b, "claim wish %s", hex8(S->rec[i].id));
	if (b->n < MAXOPS && chance(w, 15)) {
		/* and mark it delivered in the same change */
		struct crdt_op *op;
		uint8_t id[CRDT_ID_LEN];

		crdt_record_id(id, w->au[a].pk, b->seq, b->n - 1);
		if (chance(w, 50)) {
			op = b_op(b, CRDT_OP_REF, CRDT_R_CLAIM);
			b_ref(op, id, CRDT_ID_LEN);
		} else {
			op = b_op(b, CRDT_OP_OWN, CRDT_R_CLAIM);
			op->tseq = b->seq;
			op->tidx = b->n - 2;
		}
		(void)crdt_op_set_int(op, F_CLAIM_DELIVERED, 1);
		b_note(b, "deliver it at once");
	}
	return 0;
}

static int a_request(struct world *w, int a, const struct mstate *S,
		     struct build *b)
{
	int i;

	PICK(w, S, i,
	     r->rtype == CRDT_R_ITEM && r->author != a &&
		     !fi(r, F_ITEM_WITHDRAWN));
	if (i < 0)
		return 1;
	claim_op(w, b, &S->rec[i]);
	b_note(b, "request item %s", hex8(S->rec[i].id));
	return 0;
}

static int claim_flag(struct world *w, int a, const struct mstate *S,
		      struct build *b, unsigned field)
{
	struct crdt_op *op;
	int i;

	PICK(w, S, i,
	     r->rtype == CRDT_R_CLAIM && r->author == a &&
		     !fi(r, F_CLAIM_CANCELLED) &&
		     (field != F_CLAIM_DELIVERED || !fi(r, F_CLAIM_DELIVERED)));
	if (i < 0)
		return 1;
	op = b_edit(w, b, &S->rec[i]);
	(void)crdt_op_set_int(op, field, 1);
	b_note(b, "%s claim %s",
	       field == F_CLAIM_CANCELLED ? "unclaim" : "deliver",
	       hex8(S->rec[i].id));
	return 0;
}

static int a_unclaim(struct world *w, int a, const struct mstate *S,
		     struct build *b)
{
	return claim_flag(w, a, S, b, F_CLAIM_CANCELLED);
}

static int a_deliver(struct world *w, int a, const struct mstate *S,
		     struct build *b)
{
	return claim_flag(w, a, S, b, F_CLAIM_DELIVERED);
}

/* The wish a claim targets, in S; NULL if S does not hold it. */
static const struct mrec *claim_wish(const struct mstate *S,
				     const struct mrec *c)
{
	int t;

	if (!c->f[F_CLAIM_TARGET].set)
		return NULL;
	t = rec_find(S, c->f[F_CLAIM_TARGET].p, c->f[F_CLAIM_TARGET].len);
	return t >= 0 && S->rec[t].rtype == CRDT_R_WISH ? &S->rec[t] : NULL;
}

/* kith wish accept: a claim not taken back, on an open wish of a's */
static int acceptable(const struct mstate *S, const struct mrec *c, int a)
{
	const struct mrec *wi = claim_wish(S, c);

	return wi && wi->author == a && !wish_closed(wi) &&
	       !fi(c, F_CLAIM_CANCELLED);
}

static int a_accept(struct world *w, int a, const struct mstate *S,
		    struct build *b)
{
	const struct mrec *wi;
	struct crdt_op *op;
	int i;

	PICK(w, S, i, acceptable(S, r, a));
	if (i < 0)
		return 1;
	wi = claim_wish(S, &S->rec[i]);
	op = b_edit(w, b, wi);
	b_bytes(b, op, F_WISH_ACCEPTED, S->rec[i].id, CRDT_ID_LEN);
	b_note(b, "accept claim %s on %s", hex8(S->rec[i].id), hex8(wi->id));
	return 0;
}

static int a_confirm(struct world *w, int a, const struct mstate *S,
		     struct build *b)
{
	const struct mrec *wi, *one;
	const uint8_t *claim = NULL;
	struct crdt_op *op;
	/* kith wish confirm --hours H takes up to 1000 hours, but rules.h
	 * credits at most CRDT_MAX_HOURS_Q quarters per confirmation: beyond
	 * that the whole confirmation is ignored */
	int64_t quarters = chance(w, 20)   ? -1
			   : chance(w, 90) ? 1 + (int64_t)below(w, 12)
			   : chance(w, 80) ? (int64_t)below(w, CRDT_MAX_HOURS_Q + 1)
					   : CRDT_MAX_HOURS_Q + 1 +
						     (int64_t)below(w, 3600);
	int i, n, has_acc;

	/* kith wish confirm, by its rules; mostly a wish someone helped with */
	PICK(w, S, i,
	     r->rtype == CRDT_R_WISH && r->author == a && !wish_closed(r) &&
		     n_active(S, r, NULL));
	if (i < 0 && chance(w, 30))
		PICK(w, S, i,
		     r->rtype == CRDT_R_WISH && r->author == a && !wish_closed(r));
	if (i < 0)
		return 1;
	wi = &S->rec[i];
	has_acc = wi->f[F_WISH_ACCEPTED].set &&
		  wi->f[F_WISH_ACCEPTED].len == CRDT_ID_LEN;
	n = n_active(S, wi, &one);
	if (has_acc)
		claim = wi->f[F_WISH_ACCEPTED].p;
	else if (n == 1)
		claim = one->id;
	else if (n > 1)
		return 1; /* "several neighbours offered help; choose one" */
	if (!claim && quarters > 0)
		quarters = 0; /* "nobody claimed ... no one to credit" */
	op = b_edit(w, b, wi);
	(void)crdt_op_set_int(op, F_WISH_CONFIRMED, 1);
	if (claim && !has_acc)
		b_bytes(b, op, F_WISH_ACCEPTED, claim, CRDT_ID_LEN);
	if (quarters >= 0)
		(void)crdt_op_set_int(op, F_WISH_HOURS, quarters);
	b_note(b, "confirm %s (claim %s, %lld quarters)", hex8(wi->id),
	       claim ? hex8(claim) : "-", (long long)quarters);
	return 0;
}

/* Confirm or accept on someone else's wish, crediting oneself. */
static int a_bad_confirm(struct world *w, int a, const struct mstate *S,
			 struct build *b)
{
	const struct mrec *wi;
	struct crdt_op *op;
	int i, mine;

	PICK(w, S, i, r->rtype == CRDT_R_WISH && r->author != a);
	if (i < 0)
		return 1;
	wi = &S->rec[i];
	PICK(w, S, mine, r->author == a && claim_on(r, wi));
	op = b_op(b, CRDT_OP_REF, CRDT_R_WISH);
	b_ref(op, wi->id, CRDT_ID_LEN);
	if (chance(w, 80))
		(void)crdt_op_set_int(op, F_WISH_CONFIRMED, 1);
	(void)crdt_op_set_int(op, F_WISH_HOURS, 40);
	if (mine >= 0)
		b_bytes(b, op, F_WISH_ACCEPTED, S->rec[mine].id, CRDT_ID_LEN);
	b_note(b, "HOSTILE confirm/accept of r%d's wish %s", wi->author,
	       hex8(wi->id));
	return 0;
}

/* Claim one's own wish and maybe accept and confirm it with hours: no
 * claim is active, no hours are credited. */
static int a_self_claim(struct world *w, int a, const struct mstate *S,
			struct build *b)
{
	struct crdt_op *op;
	uint8_t id[CRDT_ID_LEN];
	int i;

	if (b->n + 2 > MAXOPS)
		return 1;
	PICK(w, S, i, r->rtype == CRDT_R_WISH && r->author == a && !wish_closed(r));
	if (i < 0)
		return 1;
	claim_op(w, b, &S->rec[i]);
	b_note(b, "HOSTILE claim of own wish %s", hex8(S->rec[i].id));
	if (chance(w, 40)) {
		crdt_record_id(id, w->au[a].pk, b->seq, b->n - 1);
		op = b_edit(w, b, &S->rec[i]);
		b_bytes(b, op, F_WISH_ACCEPTED, id, CRDT_ID_LEN);
		if (chance(w, 70)) {
			(void)crdt_op_set_int(op, F_WISH_CONFIRMED, 1);
			(void)crdt_op_set_int(op, F_WISH_HOURS, 8);
		}
		b_note(b, "accept%s it", op->nvals > 1 ? " and confirm" : "");
	}
	return 0;
}

/* The author of a wish accepts (and maybe confirms with hours) a claim made
 * on a different wish: it is not a claim on this wish, so it neither
 * claims it nor earns hours from it. */
static int a_cross_accept(struct world *w, int a, const struct mstate *S,
			  struct build *b)
{
	const struct mrec *wi;
	struct crdt_op *op;
	int i, c;

	PICK(w, S, i, r->rtype == CRDT_R_WISH && r->author == a && !wish_closed(r));
	if (i < 0)
		return 1;
	wi = &S->rec[i];
	PICK(w, S, c,
	     r->rtype == CRDT_R_CLAIM && r->author != a && !claim_on(r, wi));
	if (c < 0)
		return 1;
	op = b_edit(w, b, wi);
	b_bytes(b, op, F_WISH_ACCEPTED, S->rec[c].id, CRDT_ID_LEN);
	if (chance(w, 60)) {
		(void)crdt_op_set_int(op, F_WISH_CONFIRMED, 1);
		(void)crdt_op_set_int(op, F_WISH_HOURS, 12);
	}
	b_note(b, "HOSTILE accept%s of claim %s (on another record) for %s",
	       op->nvals > 1 ? " and confirm" : "", hex8(S->rec[c].id),
	       hex8(wi->id));
	return 0;
}

static int a_lend(struct world *w, int a, const struct mstate *S,
		  struct build *b)
{
	const struct mrec *it;
	struct crdt_op *op;
	int i, c, who;

	/* kith item lend: own item, not withdrawn, not on loan */
	PICK(w, S, i,
	     r->rtype == CRDT_R_ITEM && r->author == a &&
		     !fi(r, F_ITEM_WITHDRAWN) && !has_owner_loan(S, r));
	if (i < 0)
		return 1;
	it = &S->rec[i];
	PICK(w, S, c, active_on(r, it));
	if (c >= 0 && chance(w, 70))
		who = S->rec[c].author;
	else
		who = (a + 1 + (int)below(w, (uint64_t)w->nr - 1)) % w->nr;
	op = b_op(b, CRDT_OP_CREATE, CRDT_R_LOAN);
	b_bytes(b, op, F_LOAN_ITEM, it->id, CRDT_ID_LEN);
	b_bytes(b, op, F_LOAN_BORROWER, w->au[who].pk, CRDT_PK_LEN);
	if (chance(w, 50))
		(void)crdt_op_set_int(op, F_LOAN_DUE, rand_date(w));
	b_note(b, "lend %s to r%d", hex8(it->id), who);
	return 0;
}

static int a_return(struct world *w, int a, const struct mstate *S,
		    struct build *b)
{
	struct crdt_op *op;
	int i;

	PICK(w, S, i,
	     r->rtype == CRDT_R_LOAN && r->author == a &&
		     !fi(r, F_LOAN_RETURNED));
	if (i < 0)
		return 1;
	op = b_edit(w, b, &S->rec[i]);
	(void)crdt_op_set_int(op, F_LOAN_RETURNED, 1);
	b_note(b, "return loan %s", hex8(S->rec[i].id));
	return 0;
}

/* A loan of someone else's item: does not put it on loan. */
static int a_bad_loan(struct world *w, int a, const struct mstate *S,
		      struct build *b)
{
	struct crdt_op *op;
	int i;

	PICK(w, S, i, r->rtype == CRDT_R_ITEM && r->author != a);
	if (i < 0)
		return 1;
	op = b_op(b, CRDT_OP_CREATE, CRDT_R_LOAN);
	b_bytes(b, op, F_LOAN_ITEM, S->rec[i].id, CRDT_ID_LEN);
	b_bytes(b, op, F_LOAN_BORROWER, w->au[a].pk, CRDT_PK_LEN);
	b_note(b, "HOSTILE loan of r%d's item %s", S->rec[i].author,
	       hex8(S->rec[i].id));
	return 0;
}

static int a_profile(struct world *w, int a, const struct mstate *S,
		     struct build *b)
{
	struct crdt_op *op;

	if (chance(w, 70)) {
		op = b_op(b, CRDT_OP_SELF, CRDT_R_MEMBER);
	} else {
		op = b_op(b, CRDT_OP_REF, CRDT_R_MEMBER);
		b_ref(op, w->au[a].pk, CRDT_PK_LEN);
	}
	if (chance(w, 80))
		b_text(b, op, F_MEMBER_NAME, "member %d.%u", a, w->ctr++);
	if (chance(w, 40))
		b_text(b, op, F_MEMBER_BUILDING, "block %u", (unsigned)below(w, 5));
	if (chance(w, 30) || !op->nvals)
		b_text(b, op, F_MEMBER_SKILLS, "skill %u", (unsigned)below(w, 9));
	b_note(b, "profile");
	return 0;
}

static int a_bad_profile(struct world *w, int a, const struct mstate *S,
			 struct build *b)
{
	struct crdt_op *op = b_op(b, CRDT_OP_REF, CRDT_R_MEMBER);
	int x = (a + 1 + (int)below(w, (uint64_t)w->nr - 1)) % w->nr;

	b_ref(op, w->au[x].pk, CRDT_PK_LEN);
	b_text(b, op, F_MEMBER_NAME, "mallory %d", a);
	b_note(b, "HOSTILE profile of r%d", x);
	return 0;
}

/* Try to undo a terminal fact of one's own: sticky, so nothing changes. */
static int a_reopen(struct world *w, int a, const struct mstate *S,
		    struct build *b)
{
	static const uint8_t sticky[MODEL_R_MAX + 1][2] = {
		[CRDT_R_ITEM] = { F_ITEM_WITHDRAWN, F_ITEM_WITHDRAWN },
		[CRDT_R_WISH] = { F_WISH_WITHDRAWN, F_WISH_CONFIRMED },
		[CRDT_R_CLAIM] = { F_CLAIM_CANCELLED, F_CLAIM_DELIVERED },
		[CRDT_R_LOAN] = { F_LOAN_RETURNED, F_LOAN_RETURNED },
	};
	const struct mrec *r;
	struct crdt_op *op;
	int i;

	PICK(w, S, i,
	     r->author == a && (fi(r, sticky[r->rtype][0]) ||
				fi(r, sticky[r->rtype][1])));
	if (i < 0)
		return 1;
	r = &S->rec[i];
	op = b_edit(w, b, r);
	(void)crdt_op_set_int(op, sticky[r->rtype][0], 0);
	if (sticky[r->rtype][1] != sticky[r->rtype][0])
		(void)crdt_op_set_int(op, sticky[r->rtype][1], 0);
	b_note(b, "try to reopen %s", hex8(r->id));
	return 0;
}

/* What an older replica must keep but not show, and what nobody shows. */
static int a_odd(struct world *w, int a, const struct mstate *S,
		 struct build *b)
{
	struct crdt_op *op;
	uint8_t junk[CRDT_PK_LEN];
	int i, k;

	switch (below(w, 3)) {
	case 0: /* a record type from the future */
		op = b_op(b, CRDT_OP_CREATE, UNKNOWN_RTYPE);
		(void)crdt_op_set_int(op, 1, 7);
		b_text(b, op, 2, "from the future");
		b_note(b, "unknown record type");
		return 0;
	case 1: /* own item: a wrong-typed title and an unknown field */
		PICK(w, S, i, r->rtype == CRDT_R_ITEM && r->author == a);
		if (i < 0)
			return 1;
		op = b_edit(w, b, &S->rec[i]);
		(void)crdt_op_set_int(op, F_ITEM_TITLE, 12345);
		b_text(b, op, 15, "a field from the future");
		b_note(b, "odd fields on %s", hex8(S->rec[i].id));
		return 0;
	default: /* a 32-byte target for an item: matches nothing */
		for (k = 0; k < CRDT_PK_LEN; k++)
			junk[k] = (uint8_t)below(w, 256);
		op = b_op(b, CRDT_OP_REF, CRDT_R_ITEM);
		b_ref(op, junk, CRDT_PK_LEN);
		(void)crdt_op_set_int(op, F_ITEM_WITHDRAWN, 1);
		b_note(b, "edit of no record");
		return 0;
	}
}

/* ---- facts, as `kith role|member|emergency|hide|checkin` write them ---- */

/* The seen list of a new fact, as cli/coord.c commit_fact makes it:
 * crdt_facts_seen on the acting replica (its coordinators refreshed). */
static int b_seen(struct world *w, int a, struct build *b, struct crdt_op *op,
		  unsigned field, enum crdt_seen_kind kind, const uint8_t *key)
{
	struct crdt_store *st = w->rep[a].r.store;
	struct crdt_roles ro;
	struct crdt_buf seen;
	int rc;

	crdt_buf_init(&seen, CRDT_SEEN_MAX * CRDT_HASH_LEN);
	rc = crdt_community_refresh(st, w->au[0].pk, &ro);
	if (!rc) {
		crdt_roles_release(&ro);
		rc = crdt_facts_seen(st, kind, key, &seen);
	}
	if (!rc && seen.len)
		b_bytes(b, op, field, seen.data, seen.len);
	crdt_buf_release(&seen);
	if (rc)
		return fail(w, "replica %d: facts seen: %s", a, kith_strerror(rc));
	return 0;
}

/* A member to act on: any author (the hostile too). */
static int any_member(struct world *w)
{
	return (int)below(w, (uint64_t)w->na);
}

/* The CLI refuses what the acting member may not do; a buggy or stale
 * client sometimes signs it anyway (it must count for nothing). */
#define MAY(w, ok) ((ok) || chance((w), 10))

static int a_role(struct world *w, int a, const struct mstate *S,
		  struct build *b)
{
	const struct mauth *A = &S->A;
	int coord = auth_coord(A, w->au[a].pk), x, role, grant, k;
	char bld[16];
	size_t bn = 0;
	struct crdt_op *op;

	if (!MAY(w, coord))
		return 1;
	grant = A->nrole < 2 || chance(w, 55);
	if (grant) {
		x = any_member(w);
		role = chance(w, 50) ? CRDT_ROLE_COORDINATOR
				     : CRDT_ROLE_BUILDING_HEAD;
		if (role == CRDT_ROLE_BUILDING_HEAD)
			bn = (size_t)snprintf(bld, sizeof bld, "%s %u",
					      chance(w, 20) ? "BLOCK" : "block",
					      (unsigned)below(w, 3));
		if (coord && (role == CRDT_ROLE_COORDINATOR
				      ? auth_coord(A, w->au[x].pk)
				      : auth_heads(A, w->au[x].pk,
						   (const uint8_t *)bld, bn)))
			return 1; /* "is already a ..." */
	} else {
		const struct mrole *r = &A->role[below(w, (uint64_t)A->nrole)];

		for (x = 0; x < w->na; x++)
			if (!memcmp(w->au[x].pk, r->pk, CRDT_PK_LEN))
				break;
		if (x == w->na)
			return 1;
		role = r->role;
		if (role == CRDT_ROLE_BUILDING_HEAD && chance(w, 60) &&
		    r->blen < sizeof bld) {
			memcpy(bld, r->bld, r->blen);
			bn = r->blen;
		}
	}
	op = b_op(b, CRDT_OP_CREATE, CRDT_R_ROLE);
	b_bytes(b, op, F_ROLE_MEMBER, w->au[x].pk, CRDT_PK_LEN);
	(void)crdt_op_set_int(op, F_ROLE_ROLE, role);
	(void)crdt_op_set_int(op, F_ROLE_GRANT, grant);
	if (bn)
		b_bytes(b, op, F_ROLE_BUILDING, bld, bn);
	k = b_seen(w, a, b, op, F_ROLE_SEEN, CRDT_SEEN_AUTHORITY, NULL);
	b_note(b, "%s%s %s r%d %.*s", coord ? "" : "NOT A COORDINATOR: ",
	       grant ? "grant" : "revoke",
	       role ? "building head" : "coordinator", x, (int)bn, bld);
	return k;
}

static int a_emergency(struct world *w, int a, const struct mstate *S,
		       struct build *b)
{
	int coord = auth_coord(&S->A, w->au[a].pk);
	int start = !S->A.emergency || chance(w, 20);
	struct crdt_op *op;

	if (!MAY(w, coord))
		return 1;
	op = b_op(b, CRDT_OP_CREATE, CRDT_R_EMERGENCY);
	(void)crdt_op_set_int(op, F_EMERGENCY_ACTIVE, start);
	if (start)
		b_text(b, op, F_EMERGENCY_REASON, "storm %u",
		       (unsigned)below(w, 9));
	b_note(b, "%semergency %s", coord ? "" : "NOT A COORDINATOR: ",
	       start ? "start" : "end");
	return b_seen(w, a, b, op, F_EMERGENCY_SEEN, CRDT_SEEN_AUTHORITY, NULL);
}

/* kith member verify / unverify: coordinators, and building heads for
 * their building. */
static int a_verify(struct world *w, int a, const struct mstate *S,
		    struct build *b)
{
	const struct mauth *A = &S->A;
	const uint8_t *me = w->au[a].pk;
	int coord = auth_coord(A, me), x = any_member(w), verify, k;
	char bld[16];
	size_t bn;
	struct crdt_op *op;

	verify = !A->nver || chance(w, 80);
	if (verify) {
		/* a head verifies in a building they head */
		for (k = 0; !coord && k < A->nrole; k++)
			if (A->role[k].role == CRDT_ROLE_BUILDING_HEAD &&
			    !memcmp(A->role[k].pk, me, CRDT_PK_LEN) &&
			    A->role[k].blen < sizeof bld)
				break;
		if (!coord && k < A->nrole) {
			memcpy(bld, A->role[k].bld, A->role[k].blen);
			bn = A->role[k].blen;
		} else {
			bn = (size_t)snprintf(bld, sizeof bld, "block %u",
					      (unsigned)below(w, 3));
		}
	} else {
		const struct mver *v = &A->ver[below(w, (uint64_t)A->nver)];

		for (x = 0; x < w->na; x++)
			if (!memcmp(w->au[x].pk, v->pk, CRDT_PK_LEN))
				break;
		if (x == w->na || v->blen >= sizeof bld)
			return 1;
		memcpy(bld, v->bld, v->blen);
		bn = v->blen;
	}
	if (!MAY(w, coord || auth_heads(A, me, (const uint8_t *)bld, bn)))
		return 1;
	op = b_op(b, CRDT_OP_CREATE, CRDT_R_VERIFY);
	b_bytes(b, op, F_VERIFY_MEMBER, w->au[x].pk, CRDT_PK_LEN);
	(void)crdt_op_set_int(op, F_VERIFY_GRANT, verify);
	b_bytes(b, op, F_VERIFY_BUILDING, bld, bn);
	if (verify)
		b_text(b, op, F_VERIFY_UNIT, "%u", (unsigned)below(w, 40));
	b_note(b, "%s r%d in %.*s", verify ? "verify" : "unverify", x, (int)bn,
	       bld);
	return b_seen(w, a, b, op, F_VERIFY_SEEN, CRDT_SEEN_AUTHORITY, NULL);
}

/* kith hide / unhide (coordinators). */
static int a_hide(struct world *w, int a, const struct mstate *S,
		  struct build *b)
{
	int coord = auth_coord(&S->A, w->au[a].pk), i, hide = chance(w, 60);
	struct crdt_op *op;

	if (!MAY(w, coord))
		return 1;
	PICK(w, S, i, r->rtype == CRDT_R_ITEM || r->rtype == CRDT_R_WISH);
	if (i < 0)
		return 1;
	op = b_op(b, CRDT_OP_CREATE, CRDT_R_MODERATION);
	b_bytes(b, op, F_MOD_TARGET, S->rec[i].id, CRDT_ID_LEN);
	(void)crdt_op_set_int(op, F_MOD_HIDDEN, hide);
	if (hide || chance(w, 50))
		b_text(b, op, F_MOD_REASON, "reason %u", (unsigned)below(w, 9));
	b_note(b, "%s%s %s", coord ? "" : "NOT A COORDINATOR: ",
	       hide ? "hide" : "unhide", hex8(S->rec[i].id));
	return b_seen(w, a, b, op, F_MOD_SEEN, CRDT_SEEN_MODERATION,
		      S->rec[i].id);
}

/* kith checkin safe|need-help [--for MEMBER]: anyone. */
static int a_checkin(struct world *w, int a, const struct mstate *S,
		     struct build *b)
{
	int x = chance(w, 65) ? a : any_member(w), st = chance(w, 40);
	struct crdt_op *op = b_op(b, CRDT_OP_CREATE, CRDT_R_CHECKIN);

	b_bytes(b, op, F_CHECKIN_MEMBER, w->au[x].pk, CRDT_PK_LEN);
	(void)crdt_op_set_int(op, F_CHECKIN_STATUS, st);
	if (chance(w, 50))
		b_text(b, op, F_CHECKIN_NOTE, "note %u", (unsigned)below(w, 9));
	b_note(b, "check in r%d as %s", x, st ? "need-help" : "safe");
	return b_seen(w, a, b, op, F_CHECKIN_SEEN, CRDT_SEEN_CHECKIN, w->au[x].pk);
}

/* An edit of a fact: facts are never edited, not even by their author. */
static int a_fact_edit(struct world *w, int a, const struct mstate *S,
		       struct build *b)
{
	const struct mrec *r;
	struct crdt_op *op;
	int i;

	PICK(w, S, i, r->rtype >= CRDT_R_ROLE);
	if (i < 0)
		return 1;
	r = &S->rec[i];
	op = r->author == a ? b_edit(w, b, r) : b_op(b, CRDT_OP_REF, r->rtype);
	if (op->kind == CRDT_OP_REF)
		b_ref(op, r->id, CRDT_ID_LEN);
	(void)crdt_op_set_int(op, r->rtype == CRDT_R_EMERGENCY ? 1 : 3, 1);
	b_text(b, op, 2, "edited by %d", a);
	b_note(b, "edit of r%d's fact %s", r->author, hex8(r->id));
	return 0;
}

struct action {
	action_fn fn;
	int weight;
};

static const struct action actions[] = {
	{ a_post_item, 10 }, { a_post_wish, 12 }, { a_edit_own, 7 },
	{ a_edit_other, 4 }, { a_withdraw, 3 },	  { a_claim, 14 },
	{ a_request, 6 },    { a_unclaim, 3 },	  { a_deliver, 5 },
	{ a_accept, 5 },     { a_confirm, 10 },	  { a_bad_confirm, 3 },
	{ a_self_claim, 2 }, { a_cross_accept, 2 }, { a_lend, 5 },	  { a_return, 4 },
	{ a_bad_loan, 2 },   { a_profile, 5 },	  { a_bad_profile, 2 },
	{ a_reopen, 2 },     { a_odd, 2 },	  { a_role, 5 },
	{ a_emergency, 2 },  { a_verify, 10 },	  { a_hide, 2 },
	{ a_checkin, 3 },    { a_fact_edit, 1 },
};
#define NACTIONS ((int)(sizeof actions / sizeof actions[0]))

static action_fn pick_action(struct world *w)
{
	int i, total = 0, x;

	for (i = 0; i < NACTIONS; i++)
		total += actions[i].weight;
	x = (int)below(w, (uint64_t)total);
	for (i = 0; x >= actions[i].weight; i++)
		x -= actions[i].weight;
	return actions[i].fn;
}

/* Replica a makes one change (of 1..3 actions) from what it shows. */
static int act(struct world *w, int a)
{
	struct build b;
	uint64_t vv[MAXR];
	int k, nact, tries, rc;

	if (w->au[a].n >= HONEST_SEQ)
		return 0;
	if (heads(w, a, vv) || model_eval(w, vv, &w->S))
		return -1;
	memset(&b, 0, sizeof b);
	b.seq = (uint64_t)w->au[a].n + 1;
	nact = chance(w, 15) ? 2 + (int)below(w, 2) : 1;
	for (k = 0, tries = 0; k < nact && tries < 10 && b.n < MAXOPS; tries++) {
		rc = pick_action(w)(w, a, &w->S, &b);
		if (rc < 0)
			return rc;
		if (rc == 0)
			k++;
	}
	return b.n ? commit(w, a, &b) : 0;
}

/* Several replicas claim the same wish, each before hearing of the
 * others' claims. */
static int burst(struct world *w)
{
	uint64_t vv[MAXR][MAXR], all[MAXR];
	uint8_t id[CRDT_ID_LEN];
	int x, i, n = 0;

	made(w, all);
	for (x = 0; x < w->nr; x++)
		if (heads(w, x, vv[x]))
			return -1;
	if (model_eval(w, all, &w->S))
		return -1;
	PICK(w, &w->S, i, r->rtype == CRDT_R_WISH && !wish_closed(r));
	if (i < 0)
		return 0;
	memcpy(id, w->S.rec[i].id, CRDT_ID_LEN);
	trace(w, "burst of claims on %s", hex8(id));
	for (x = 0; x < w->nr; x++) {
		struct build b;
		int j;

		if (w->au[x].n >= HONEST_SEQ)
			continue;
		if (model_eval(w, vv[x], &w->S))
			return -1;
		j = rec_find(&w->S, id, CRDT_ID_LEN);
		if (j < 0 || w->S.rec[j].author == x || wish_closed(&w->S.rec[j]))
			continue;
		memset(&b, 0, sizeof b);
		b.seq = (uint64_t)w->au[x].n + 1;
		claim_op(w, &b, &w->S.rec[j]);
		b_note(&b, "burst claim %s", hex8(id));
		if (commit(w, x, &b))
			return -1;
		n++;
	}
	trace(w, "  %d claims in the burst", n);
	return 0;
}

/* ==== moving changes ==================================================== */

/* How many of v[0..n) are the hostile's changes with a bad signature. */
static uint64_t bad_sigs(const struct world *w, const struct crdt_raw *v,
			 size_t n)
{
	const struct author *au;
	uint64_t bad = 0;
	size_t i;
	int s;

	if (w->hostile < 0)
		return 0;
	au = &w->au[w->hostile];
	for (i = 0; i < n; i++)
		for (s = 0; s < au->n; s++)
			bad += v[i].p == au->ch[s].raw && au->ch[s].bad_sig;
	return bad;
}

/* Apply v[0..n) to replica t: nothing is rejected but what the hostile
 * signed badly, nothing is ever taken for a fork. */
static int apply_raw(struct world *w, int t, struct crdt_raw *v, size_t n,
		     const char *how)
{
	struct crdt_apply_stats st;
	uint64_t bad = bad_sigs(w, v, n);
	int rc;

	memset(&st, 0, sizeof st);
	rc = crdt_replica_apply(&w->rep[t].r, v, n, &st);
	if (rc)
		return fail(w, "replica %d: apply (%s): %s", t, how,
			    kith_strerror(rc));
	if (st.rejected > bad || st.forked)
		return fail(w, "replica %d: apply (%s): %llu rejected, %llu "
			       "forked, expected at most %llu and none",
			    t, how, (unsigned long long)st.rejected,
			    (unsigned long long)st.forked,
			    (unsigned long long)bad);
	/* what the CLI prints: "N changes wait for older ones" */
	if (st.held > n)
		return fail(w, "replica %d: apply (%s) of %zu changes says %llu "
			       "are held",
			    t, how, n, (unsigned long long)st.held);
	return 0;
}

/* Everything replica s holds as raw changes (from the log the test kept). */
static size_t held(struct world *w, int s, struct crdt_raw *v)
{
	uint64_t vv[MAXR], q;
	size_t n = 0;
	int x;

	if (heads(w, s, vv))
		return 0;
	for (x = 0; x < w->na; x++)
		for (q = 1; q <= vv[x]; q++) {
			v[n].p = w->au[x].ch[q - 1].raw;
			v[n++].len = w->au[x].ch[q - 1].len;
		}
	return n;
}

static void shuffle(struct world *w, struct crdt_raw *v, size_t n)
{
	size_t i, j;
	struct crdt_raw t;

	for (i = n; i > 1; i--) {
		j = (size_t)below(w, i);
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* A random subset of what s holds, shuffled, some twice, in 1-3 calls. */
static int deliver_subset(struct world *w, int s, int t)
{
	static struct crdt_raw all[MAXR * MAXSEQ], v[2 * MAXR * MAXSEQ];
	static const int pcts[] = { 100, 70, 40, 15 };
	size_t n = held(w, s, all), m = 0, i, cut1, cut2;
	int pct = pcts[below(w, 4)];

	for (i = 0; i < n; i++) {
		if (chance(w, pct))
			v[m++] = all[i];
		if (chance(w, 10))
			v[m++] = all[i];
	}
	shuffle(w, v, m);
	cut1 = m ? (size_t)below(w, m + 1) : 0;
	cut2 = cut1 + (m > cut1 ? (size_t)below(w, m - cut1 + 1) : 0);
	trace(w, "deliver %zu of %zu changes r%d -> r%d (%d%%)", m, n, s, t,
	      pct);
	if (apply_raw(w, t, v, cut1, "subset") ||
	    apply_raw(w, t, v + cut1, cut2 - cut1, "subset") ||
	    apply_raw(w, t, v + cut2, m - cut2, "subset"))
		return -1;
	return 0;
}

/* One author's changes that t lacks, newest first, one call each: all
 * but the last wait in pending. */
static int deliver_reverse(struct world *w, int s, int t)
{
	uint64_t vs[MAXR], vt[MAXR], q;
	int x, k, cand[MAXR], nc = 0;

	if (heads(w, s, vs) || heads(w, t, vt))
		return -1;
	for (x = 0; x < w->na; x++)
		if (vs[x] > vt[x] + 1)
			cand[nc++] = x;
	if (!nc)
		return deliver_subset(w, s, t);
	x = cand[below(w, (uint64_t)nc)];
	/* sometimes leave the gap open for a while */
	k = chance(w, 30);
	trace(w, "deliver r%d's #%llu..#%llu newest first r%d -> r%d%s", x,
	      (unsigned long long)vt[x] + 1 + (unsigned)k,
	      (unsigned long long)vs[x], s, t, k ? " (gap stays)" : "");
	for (q = vs[x]; q > vt[x] + (unsigned)k; q--) {
		struct crdt_raw r = { w->au[x].ch[q - 1].raw,
				      w->au[x].ch[q - 1].len };

		if (apply_raw(w, t, &r, 1, "newest first"))
			return -1;
	}
	return 0;
}

/* A bundle from s for t: since t's vector (sometimes via a vector file),
 * a stale copy of it, nothing, or the vector of a third replica (a carrier
 * that asked somebody else what it lacks: t may be left with gaps). */
static int deliver_bundle(struct world *w, int s, int t)
{
	struct crdt_vector vv = { NULL, 0 };
	struct crdt_export_stats es;
	struct crdt_apply_stats st;
	uint64_t vs[MAXR], vt[MAXR], want = 0;
	char bpath[600], vpath[600];
	int mode = (int)below(w, 5), rc, x, u = t;
	size_t i;

	snprintf(bpath, sizeof bpath, "%s/bundle", w->dir);
	snprintf(vpath, sizeof vpath, "%s/vector", w->dir);
	if (heads(w, s, vs) || heads(w, t, vt))
		return -1;
	if (mode == 4)
		u = (int)below(w, (uint64_t)w->nr);
	rc = mode != 3 ? crdt_vector_load(w->rep[u].r.store, &vv) : 0;
	if (!rc && mode == 1) {
		rc = crdt_vector_write(&vv, vpath);
		crdt_vector_release(&vv);
		if (!rc)
			rc = crdt_vector_read(&vv, vpath);
	}
	if (rc)
		return fail(w, "replica %d: version vector: %s", t,
			    kith_strerror(rc));
	if (mode == 2)
		for (i = 0; i < vv.n; i++)
			vv.v[i].seq = below(w, vv.v[i].seq + 1);
	for (x = 0; x < w->na; x++) {
		uint64_t have = mode == 3 ? 0 : crdt_vector_get(&vv, w->au[x].pk);

		if (vs[x] > have)
			want += vs[x] - have;
	}
	memset(&es, 0, sizeof es);
	rc = crdt_bundle_export(&w->rep[s].r, w->community,
				mode == 3 ? NULL : &vv, bpath, &es);
	crdt_vector_release(&vv);
	if (rc)
		return fail(w, "replica %d: export: %s", s, kith_strerror(rc));
	trace(w, "bundle r%d -> r%d (%s): %llu changes", s, t,
	      (const char *[]){ "since", "since file", "stale", "all",
				"another's vector" }[mode],
	      (unsigned long long)es.changes);
	if (es.changes != want)
		return fail(w, "replica %d: bundle has %llu changes, the vector "
			       "says %llu",
			    s, (unsigned long long)es.changes,
			    (unsigned long long)want);
	memset(&st, 0, sizeof st);
	rc = crdt_bundle_import(&w->rep[t].r, w->community, bpath, &st);
	if (rc)
		return fail(w, "replica %d: import: %s", t, kith_strerror(rc));
	if (st.rejected || st.forked || st.held > es.changes)
		return fail(w, "replica %d: import of %llu changes: %llu "
			       "rejected, %llu forked, %llu held",
			    t, (unsigned long long)es.changes,
			    (unsigned long long)st.rejected,
			    (unsigned long long)st.forked,
			    (unsigned long long)st.held);
	return 0;
}

static int deliver(struct world *w)
{
	int s = (int)below(w, (uint64_t)w->nr);
	int t = (s + 1 + (int)below(w, (uint64_t)w->nr - 1)) % w->nr;
	int mode = (int)below(w, 10);

	if (mode < 5)
		return deliver_subset(w, s, t);
	if (mode < 7)
		return deliver_reverse(w, s, t);
	return deliver_bundle(w, s, t);
}

/* ==== the hostile member ================================================ */

/*
 * An author without a replica that signs crafted changes with its own key
 * (tl_make_change): values out of range, text that is not UTF-8, wrong
 * lengths, seen lists naming what nobody holds or naming too much, facts
 * stamped to win under stamp ordering, check-ins for others from the far
 * future, self-verification, confirmations with huge hours; stamps
 * back-dated or far ahead; bad signatures inside its runs and at
 * checkpoints; a change it never sends (a gap never filled).
 */

/* A stamp: HLC is physical ms << 16 | a counter. */
static uint64_t hostile_hlc(struct world *w)
{
	int64_t ms = (int64_t)EPOCH_MS;
	uint64_t y = 365ull * DAY * 1000;

	switch (below(w, 8)) {
	case 0: /* back-dated by years */
		ms -= (int64_t)(y * (1 + below(w, 20)));
		break;
	case 1: /* the dawn of time */
		return below(w, 1000);
	case 2: /* years ahead */
		ms += (int64_t)(y * (1 + below(w, 300)));
		break;
	case 3: /* hours ahead: less than a day gains nothing either */
		ms += (int64_t)(3600000 * (2 + below(w, 21)));
		break;
	case 4: /* days ahead */
		ms += (int64_t)(DAY * 1000ull * (1 + below(w, 60)));
		break;
	default:
		ms += (int64_t)below(w, 7200000) - 3600000;
		break;
	}
	return ((uint64_t)ms << 16) | below(w, 1000);
}

/* Has the hostile held a change back already? */
static int hostile_gap(const struct world *w)
{
	int s;

	for (s = 0; s < w->au[w->hostile].n; s++)
		if (w->au[w->hostile].ch[s].withheld)
			return 1;
	return 0;
}

/* Sign b as the hostile's next change and keep it. */
static int hostile_commit(struct world *w, struct build *b, uint64_t hlc)
{
	int h = w->hostile;
	struct author *au = &w->au[h];
	struct tl_changes out = { NULL, 0, 0 };
	struct mchange *mc;
	uint32_t i;
	int rc;

	if (au->n >= MAXSEQ)
		return 0;
	for (i = 0; i < b->n; i++)
		if (crdt_op_finish(&b->ops[i]))
			return fail(w, "test bug: bad hostile op %u", i);
	rc = tl_make_change(&w->hid, (uint64_t)au->n + 1,
			    au->n ? au->ch[au->n - 1].hash : NULL, hlc, b->ops,
			    b->n, &out, NULL);
	if (rc) {
		tl_changes_free(&out);
		return fail(w, "hostile: signing: %s", kith_strerror(rc));
	}
	rc = record(w, h, out.v[0].p, out.v[0].len);
	tl_changes_free(&out);
	if (rc)
		return -1;
	mc = &au->ch[au->n - 1];
	/* bad signatures: now and then inside a run, more rarely at a
	 * checkpoint (which ends the log there on every replica) */
	if (chance(w, checkpoint(mc, (uint64_t)au->n) ? 20 : 12)) {
		mc->bad_sig = 1;
		mc->raw[mc->len - 1 - below(w, CRDT_SIG_LEN)] ^=
			(uint8_t)(1 + below(w, 255));
	}
	/* once in a while a change that is never sent */
	if (au->n > 10 && chance(w, 1) && !hostile_gap(w))
		mc->withheld = 1;
	trace(w, "  HOSTILE #%d%s%s hlc %llu: %s", au->n,
	      mc->bad_sig ? " (bad signature)" : "",
	      mc->withheld ? " (never sent)" : "",
	      (unsigned long long)(hlc >> 16), b->desc);
	return 0;
}

/* A crafted seen list: the facts it names are the hashes of changes. */
static void h_seen(struct world *w, struct build *b, struct crdt_op *op,
		   unsigned field, const struct mstate *S)
{
	uint8_t buf[(CRDT_SEEN_MAX + 2) * CRDT_HASH_LEN];
	size_t n = 0, k, want;
	int i;

	switch (below(w, 8)) {
	case 0: /* none */
		return;
	case 1: /* a hash nobody holds */
		for (k = 0; k < CRDT_HASH_LEN; k++)
			buf[k] = (uint8_t)below(w, 256);
		n = CRDT_HASH_LEN;
		break;
	case 2: /* too many hashes: breaks rules.h */
		want = CRDT_SEEN_MAX + 1;
		for (n = 0; n < want * CRDT_HASH_LEN; n++)
			buf[n] = (uint8_t)below(w, 256);
		break;
	case 3: /* not a whole number of hashes */
		n = CRDT_HASH_LEN + 1 + below(w, 30);
		memset(buf, 7, n);
		break;
	case 4: /* the hash of a change that is never sent */
		for (i = 0; i < w->au[w->hostile].n; i++)
			if (w->au[w->hostile].ch[i].withheld) {
				memcpy(buf, w->au[w->hostile].ch[i].hash,
				       CRDT_HASH_LEN);
				n = CRDT_HASH_LEN;
			}
		if (!n)
			return;
		break;
	default: /* facts it knows of: a random handful */
		want = 1 + below(w, 6);
		for (k = 0; k < want; k++) {
			PICK(w, S, i, r->rtype >= CRDT_R_ROLE);
			if (i < 0)
				break;
			memcpy(buf + n, chash_of(w, &S->rec[i]), CRDT_HASH_LEN);
			n += CRDT_HASH_LEN;
		}
		if (!n)
			return;
		break;
	}
	b_bytes(b, op, field, buf, n);
}

/* One value that breaks a rule of rules.h, added to op (the whole op is
 * then ignored). */
static void h_break(struct world *w, struct build *b, struct crdt_op *op)
{
	static const uint8_t bad_utf8[][4] = {
		{ 0xc0, 0x80 },	      /* overlong NUL */
		{ 0xed, 0xa0, 0x80 }, /* a surrogate */
		{ 0xf5, 0x80, 0x80, 0x80 }, /* above U+10FFFF */
		{ 0x80 },	      /* a lone continuation byte */
		{ 'a', 0, 'b' },      /* NUL */
		{ 0xe2, 0x82 },	      /* truncated */
	};
	static const uint8_t lens[] = { 2, 3, 4, 1, 3, 2 };
	int k = (int)below(w, 6);
	uint8_t junk[CRDT_PK_LEN + 1];

	memset(junk, 0x5a, sizeof junk);
	switch (op->rtype) {
	case CRDT_R_ITEM:
		switch (below(w, 5)) {
		case 0:
			(void)crdt_op_set_int(op, F_ITEM_KIND, chance(w, 50) ? 7 : -1);
			return;
		case 1:
			(void)crdt_op_set_int(op, F_ITEM_QUANTITY,
					      chance(w, 50) ? 0 : CRDT_MAX_QTY + 1);
			return;
		case 2:
			(void)crdt_op_set_int(op, F_ITEM_UNTIL,
					      chance(w, 50) ? -1 : CRDT_MAX_DATE + 1);
			return;
		case 3:
			(void)crdt_op_set_int(op, F_ITEM_WITHDRAWN, 2);
			return;
		default:
			b_bytes(b, op, F_ITEM_DESCRIPTION, bad_utf8[k], lens[k]);
			return;
		}
	case CRDT_R_WISH:
		switch (below(w, 5)) {
		case 0:
			(void)crdt_op_set_int(op, F_WISH_URGENCY, 4 + (int64_t)below(w, 9));
			return;
		case 1:
			(void)crdt_op_set_int(op, F_WISH_KIND, 2);
			return;
		case 2:
			(void)crdt_op_set_int(op, F_WISH_NEEDED_BY, INT64_MAX);
			return;
		case 3: /* a wrong type */
			b_text(b, op, F_WISH_QUANTITY, "many");
			return;
		default:
			b_bytes(b, op, F_WISH_LOCATION, bad_utf8[k], lens[k]);
			return;
		}
	case CRDT_R_CLAIM:
		if (chance(w, 50))
			(void)crdt_op_set_int(op, F_CLAIM_QUANTITY, 0);
		else
			b_bytes(b, op, F_CLAIM_NOTE, bad_utf8[k], lens[k]);
		return;
	case CRDT_R_ROLE:
		(void)crdt_op_set_int(op, chance(w, 50) ? F_ROLE_ROLE : F_ROLE_GRANT,
				      2 + (int64_t)below(w, 5));
		return;
	case CRDT_R_CHECKIN:
		if (chance(w, 50))
			(void)crdt_op_set_int(op, F_CHECKIN_STATUS, 2);
		else
			b_bytes(b, op, F_CHECKIN_MEMBER, junk, CRDT_PK_LEN - 1);
		return;
	case CRDT_R_VERIFY:
		b_bytes(b, op, F_VERIFY_MEMBER, junk, CRDT_PK_LEN + 1);
		return;
	default:
		(void)crdt_op_set_int(op, 1, INT64_MIN);
		return;
	}
}

/* A member key: someone real mostly, else one nobody has. */
static const uint8_t *h_member(struct world *w)
{
	static uint8_t nobody[CRDT_PK_LEN];

	if (chance(w, 85))
		return w->au[below(w, (uint64_t)w->na)].pk;
	memset(nobody, 0x42, sizeof nobody);
	return nobody;
}

/* One crafted op (or two) from what everyone has made (S). */
static int h_op(struct world *w, const struct mstate *S, struct build *b)
{
	const uint8_t *me = w->au[w->hostile].pk;
	struct crdt_op *op;
	int i, c, h = w->hostile;

	switch (below(w, 12)) {
	case 0: /* a post, sometimes with a broken value */
		op = b_op(b, CRDT_OP_CREATE,
			  chance(w, 50) ? CRDT_R_ITEM : CRDT_R_WISH);
		b_text(b, op, F_ITEM_TITLE, "bargain %u", w->ctr++);
		if (op->rtype == CRDT_R_WISH)
			(void)crdt_op_set_int(op, F_WISH_URGENCY,
					      (int64_t)below(w, 4));
		if (chance(w, 40))
			h_break(w, b, op);
		b_note(b, "post%s", op->nvals > 2 ? " (maybe broken)" : "");
		return 0;
	case 1: /* claim a neighbour's wish or item, sometimes broken */
		PICK(w, S, i,
		     (r->rtype == CRDT_R_WISH || r->rtype == CRDT_R_ITEM) &&
			     r->author != h);
		if (i < 0)
			return 1;
		op = b_op(b, CRDT_OP_CREATE, CRDT_R_CLAIM);
		b_bytes(b, op, F_CLAIM_TARGET, S->rec[i].id,
			chance(w, 90) ? CRDT_ID_LEN : CRDT_ID_LEN - 1);
		(void)crdt_op_set_int(op, F_CLAIM_QUANTITY, 1);
		if (chance(w, 20))
			h_break(w, b, op);
		b_note(b, "claim %s", hex8(S->rec[i].id));
		return 0;
	case 2: /* accept a claim on its own wish and confirm with hours, at
		 * most 100 (counts when both are verified) or far more
		 * (ignored) */
		PICK(w, S, c, r->rtype == CRDT_R_CLAIM && r->author != h &&
				      claim_wish(S, r) &&
				      claim_wish(S, r)->author == h);
		if (c < 0) {
			PICK(w, S, i, r->rtype == CRDT_R_WISH && r->author == h);
			if (i < 0)
				return 1;
		} else {
			i = rec_find(S, S->rec[c].f[F_CLAIM_TARGET].p, CRDT_ID_LEN);
		}
		op = b_op(b, CRDT_OP_REF, CRDT_R_WISH);
		b_ref(op, S->rec[i].id, CRDT_ID_LEN);
		if (c >= 0)
			b_bytes(b, op, F_WISH_ACCEPTED, S->rec[c].id, CRDT_ID_LEN);
		(void)crdt_op_set_int(op, F_WISH_CONFIRMED, 1);
		(void)crdt_op_set_int(op, F_WISH_HOURS,
				      chance(w, 50) ? (int64_t)below(w, CRDT_MAX_HOURS_Q + 1)
				      : chance(w, 50) ? CRDT_MAX_HOURS_Q + 1
				      : chance(w, 50) ? -4
						      : (int64_t)1 << 40);
		b_note(b, "confirm own wish %s", hex8(S->rec[i].id));
		return 0;
	case 3: /* grant itself (or a friend) a role */
		op = b_op(b, CRDT_OP_CREATE, CRDT_R_ROLE);
		b_bytes(b, op, F_ROLE_MEMBER, chance(w, 70) ? me : h_member(w),
			CRDT_PK_LEN);
		(void)crdt_op_set_int(op, F_ROLE_ROLE, (int64_t)below(w, 2));
		(void)crdt_op_set_int(op, F_ROLE_GRANT, 1);
		if (chance(w, 60))
			b_text(b, op, F_ROLE_BUILDING, "block %u", (unsigned)below(w, 3));
		h_seen(w, b, op, F_ROLE_SEEN, S);
		if (chance(w, 10))
			h_break(w, b, op);
		b_note(b, "role grant");
		return 0;
	case 4: /* revoke a coordinator (the creator, mostly) */
		op = b_op(b, CRDT_OP_CREATE, CRDT_R_ROLE);
		b_bytes(b, op, F_ROLE_MEMBER,
			chance(w, 60) ? w->au[0].pk : h_member(w), CRDT_PK_LEN);
		(void)crdt_op_set_int(op, F_ROLE_ROLE, (int64_t)below(w, 2));
		(void)crdt_op_set_int(op, F_ROLE_GRANT, 0);
		h_seen(w, b, op, F_ROLE_SEEN, S);
		b_note(b, "role revoke");
		return 0;
	case 5: /* emergency */
		op = b_op(b, CRDT_OP_CREATE, CRDT_R_EMERGENCY);
		(void)crdt_op_set_int(op, F_EMERGENCY_ACTIVE, (int64_t)below(w, 2));
		b_text(b, op, F_EMERGENCY_REASON, "panic %u", w->ctr++);
		h_seen(w, b, op, F_EMERGENCY_SEEN, S);
		b_note(b, "emergency");
		return 0;
	case 6: /* verify itself (or someone) */
		op = b_op(b, CRDT_OP_CREATE, CRDT_R_VERIFY);
		b_bytes(b, op, F_VERIFY_MEMBER, chance(w, 70) ? me : h_member(w),
			CRDT_PK_LEN);
		(void)crdt_op_set_int(op, F_VERIFY_GRANT, chance(w, 80));
		if (chance(w, 85))
			b_text(b, op, F_VERIFY_BUILDING, "block %u",
			       (unsigned)below(w, 3));
		b_text(b, op, F_VERIFY_UNIT, "%u", (unsigned)below(w, 9));
		h_seen(w, b, op, F_VERIFY_SEEN, S);
		if (chance(w, 10))
			h_break(w, b, op);
		b_note(b, "verification");
		return 0;
	case 7: /* hide or unhide a neighbour's post */
		PICK(w, S, i, r->rtype == CRDT_R_ITEM || r->rtype == CRDT_R_WISH);
		if (i < 0)
			return 1;
		op = b_op(b, CRDT_OP_CREATE, CRDT_R_MODERATION);
		b_bytes(b, op, F_MOD_TARGET, S->rec[i].id, CRDT_ID_LEN);
		(void)crdt_op_set_int(op, F_MOD_HIDDEN, (int64_t)below(w, 2));
		h_seen(w, b, op, F_MOD_SEEN, S);
		b_note(b, "moderation of %s", hex8(S->rec[i].id));
		return 0;
	case 8: /* a check-in for someone else, naming their reports */
		op = b_op(b, CRDT_OP_CREATE, CRDT_R_CHECKIN);
		b_bytes(b, op, F_CHECKIN_MEMBER, h_member(w), CRDT_PK_LEN);
		if (chance(w, 90))
			(void)crdt_op_set_int(op, F_CHECKIN_STATUS, chance(w, 70));
		h_seen(w, b, op, F_CHECKIN_SEEN, S);
		if (chance(w, 10))
			h_break(w, b, op);
		b_note(b, "check-in for someone");
		return 0;
	case 9: /* an edit of its own post with a broken value, or renewal */
		PICK(w, S, i,
		     (r->rtype == CRDT_R_ITEM || r->rtype == CRDT_R_WISH) &&
			     r->author == h);
		if (i < 0)
			return 1;
		op = b_edit(w, b, &S->rec[i]);
		if (chance(w, 70))
			h_break(w, b, op);
		b_note(b, "edit own %s", hex8(S->rec[i].id));
		return 0;
	case 10: /* a profile */
		op = b_op(b, CRDT_OP_SELF, CRDT_R_MEMBER);
		b_text(b, op, F_MEMBER_NAME, "mallory %u", w->ctr++);
		if (chance(w, 20))
			b_bytes(b, op, F_MEMBER_SKILLS, "\xff\xfe", 2);
		b_note(b, "profile");
		return 0;
	default: /* an edit of someone else's record */
		PICK(w, S, i, r->author != h && r->rtype <= CRDT_R_LOAN);
		if (i < 0)
			return 1;
		op = b_op(b, CRDT_OP_REF, S->rec[i].rtype);
		b_ref(op, S->rec[i].id, CRDT_ID_LEN);
		(void)crdt_op_set_int(op, S->rec[i].rtype == CRDT_R_WISH
						  ? F_WISH_WITHDRAWN
						  : 4,
				      1);
		b_note(b, "edit of r%d's %s", S->rec[i].author, hex8(S->rec[i].id));
		return 0;
	}
}

/* A change whose body is over CRDT_SIG_BIG bytes (a checkpoint at any
 * seq): padding in a record type from the future. */
static void h_big(struct world *w, struct build *b)
{
	static uint8_t pad[CRDT_MAX_TEXT];
	struct crdt_op *op = b_op(b, CRDT_OP_CREATE, UNKNOWN_RTYPE);

	memset(pad, 'x', sizeof pad);
	(void)crdt_op_set_bytes(op, 1, pad, 3000);
	(void)crdt_op_set_bytes(op, 2, pad, 1500);
	b_note(b, "big");
}

/*
 * The hostile's profile with host fields: in its first change, mostly a
 * real host (an honest member signed: the hostile is then a neighbour
 * that member hosts, and everything it signs is "entered by" them);
 * otherwise a host who did not sign, itself as its own host, another
 * member's signature, a short signature, or a real signature too late.
 */
static void h_host(struct world *w, struct build *b)
{
	struct crdt_op *op = b_op(b, CRDT_OP_SELF, CRDT_R_MEMBER);
	const uint8_t *me = w->au[w->hostile].pk;
	int x = (int)below(w, (uint64_t)w->nr);
	const struct crdt_identity *host = &w->rep[x].r.id;
	uint8_t msg[CRDT_HOST_MSG_LEN], sig[CRDT_SIG_LEN];
	/* 5: a real signature, which counts in the first change only */
	int how = b->seq == 1 && chance(w, 60) ? 0 : 1 + (int)below(w, 5);

	crdt_host_message(msg, me);
	switch (how) {
	case 1: /* signed by the hostile itself */
		crdt_sign(sig, msg, sizeof msg, &w->hid);
		break;
	case 2: /* the host's signature for another member */
		crdt_host_message(msg, w->au[(x + 1) % w->nr].pk);
		/* fall through */
	default:
		crdt_sign(sig, msg, sizeof msg, host);
		break;
	}
	b_text(b, op, F_MEMBER_NAME, "hosted %u", w->ctr++);
	b_bytes(b, op, F_MEMBER_HOST, how == 3 ? me : host->pk, CRDT_PK_LEN);
	b_bytes(b, op, F_MEMBER_HOST_SIG, sig,
		how == 4 ? CRDT_SIG_LEN - 1 : CRDT_SIG_LEN);
	b_note(b, "%s host r%d (%d)", how ? "HOSTILE" : "hosted by", x, how);
}

/* The hostile makes one change, or a run of them. */
static int hostile_act(struct world *w)
{
	uint64_t vv[MAXR];
	int k, n, tries;

	made(w, vv);
	if (model_eval(w, vv, &w->S))
		return -1;
	n = chance(w, 15) ? 5 + (int)below(w, 25) : 1;
	for (k = 0; k < n && w->au[w->hostile].n < MAXSEQ; k++) {
		struct build b;
		int rc = 1;

		memset(&b, 0, sizeof b);
		b.seq = (uint64_t)w->au[w->hostile].n + 1;
		if (chance(w, 6))
			h_big(w, &b);
		else if (b.seq == 1 ? chance(w, 50) : chance(w, 2))
			h_host(w, &b);
		else
			for (tries = 0; rc == 1 && tries < 5; tries++)
				rc = h_op(w, &w->S, &b);
		if (rc < 0)
			return rc;
		if (b.n && b.n < MAXOPS && chance(w, 15) && h_op(w, &w->S, &b) < 0)
			return -1;
		if (b.n && hostile_commit(w, &b, hostile_hlc(w)))
			return -1;
	}
	return 0;
}

/* Some of the hostile's changes reach replica t: a random subset,
 * shuffled, some twice, or the first ones in order, or newest first. */
static int hostile_send(struct world *w, int t, int all)
{
	static struct crdt_raw v[2 * MAXSEQ];
	const struct author *au = &w->au[w->hostile];
	uint64_t end = hostile_end(w);
	size_t m = 0;
	int s, mode = all ? 3 : (int)below(w, 3);

	for (s = 0; s < au->n; s++) {
		const struct mchange *c = &au->ch[s];

		if (c->withheld)
			continue;
		if (mode == 1 && (uint64_t)s >= end)
			break;
		if (mode == 0 && !chance(w, 60))
			continue;
		v[m].p = c->raw;
		v[m++].len = c->len;
		if (mode == 0 && chance(w, 10)) {
			v[m] = v[m - 1];
			m++;
		}
	}
	trace(w, "hostile sends %zu changes to r%d (%s)", m, t,
	      (const char *[]){ "some", "in order", "newest first", "all" }[mode]);
	if (mode == 0) {
		shuffle(w, v, m);
		return apply_raw(w, t, v, m, "from the hostile");
	}
	if (mode == 2) {
		for (; m > 0 && chance(w, 80); m--)
			if (apply_raw(w, t, &v[m - 1], 1, "hostile, newest first"))
				return -1;
		return 0;
	}
	if (mode == 1)
		return apply_raw(w, t, v, m, "hostile, in order");
	/* everything: what the signature rules let through, in one run,
	 * then the rest */
	for (s = 0; s < (int)m && (uint64_t)s < end; s++)
		;
	if (apply_raw(w, t, v, (size_t)s, "hostile, all") ||
	    apply_raw(w, t, v + s, m - (size_t)s, "hostile, the rest"))
		return -1;
	return 0;
}

/* ==== comparing a replica with the model ================================ */

/* A column of a query row that shows a field as written (no derivation). */
struct colspec {
	const char *col;
	uint8_t field;
};

static const struct colspec item_cols[] = {
	{ "title", F_ITEM_TITLE },	 { "description", F_ITEM_DESCRIPTION },
	{ "category", F_ITEM_CATEGORY }, { "quantity", F_ITEM_QUANTITY },
	{ "unit", F_ITEM_UNIT },	 { "condition", F_ITEM_CONDITION },
	{ "location", F_ITEM_LOCATION }, { "until", F_ITEM_UNTIL },
	{ NULL, 0 },
};
static const struct colspec wish_cols[] = {
	{ "title", F_WISH_TITLE },	   { "description", F_WISH_DESCRIPTION },
	{ "category", F_WISH_CATEGORY },   { "quantity", F_WISH_QUANTITY },
	{ "needed_by", F_WISH_NEEDED_BY }, { "location", F_WISH_LOCATION },
	{ "for_name", F_WISH_FOR },	   { NULL, 0 },
};
static const struct colspec claim_cols[] = {
	{ "quantity", F_CLAIM_QUANTITY },
	{ "note", F_CLAIM_NOTE },
	{ NULL, 0 },
};
static const struct colspec member_cols[] = {
	{ "name", F_MEMBER_NAME },   { "building", F_MEMBER_BUILDING },
	{ "unit", F_MEMBER_UNIT },   { "skills", F_MEMBER_SKILLS },
	{ NULL, 0 },
};
#define MAXCOLS 8

struct qrow {
	char id[65], status[16], kind[16], urgency[16], who[65];
	int has_hours, hidden;
	double hours;
	/* the colspec columns: NULL, an integer or text */
	uint8_t type[MAXCOLS];
	int64_t iv[MAXCOLS];
	char tv[MAXCOLS][MAXB + 1];
	size_t tlen[MAXCOLS];
};

struct qrows {
	const struct colspec *cols;
	int n, over;
	struct qrow r[MAXREC];
};

static void col_text(char *dst, size_t n, const struct crdt_row *row,
		     const char *name)
{
	const struct crdt_col *c = crdt_row_get(row, name);

	dst[0] = 0;
	if (c && c->type == CRDT_COL_TEXT && c->s)
		snprintf(dst, n, "%s", c->s);
}

static int collect(void *ctx, const struct crdt_row *row)
{
	struct qrows *q = ctx;
	const struct crdt_col *c;
	struct qrow *r;
	int k;

	if (q->n >= MAXREC) {
		q->over = 1;
		return 0;
	}
	r = &q->r[q->n++];
	memset(r, 0, sizeof *r);
	col_text(r->id, sizeof r->id, row, "id");
	col_text(r->status, sizeof r->status, row, "status");
	col_text(r->kind, sizeof r->kind, row, "kind");
	col_text(r->urgency, sizeof r->urgency, row, "urgency");
	col_text(r->who, sizeof r->who, row, "claimant");
	c = crdt_row_get(row, "hidden");
	r->hidden = c && c->type == CRDT_COL_INT ? (int)c->i : -1;
	c = crdt_row_get(row, "hours");
	if (c && (c->type == CRDT_COL_REAL || c->type == CRDT_COL_INT)) {
		r->has_hours = 1;
		r->hours = c->d;
	}
	for (k = 0; q->cols && q->cols[k].col; k++) {
		c = crdt_row_get(row, q->cols[k].col);
		r->type[k] = c ? (uint8_t)c->type : CRDT_COL_NULL;
		if (c && c->type == CRDT_COL_INT)
			r->iv[k] = c->i;
		if (c && c->type == CRDT_COL_TEXT && c->s) {
			r->tlen[k] = strlen(c->s);
			snprintf(r->tv[k], sizeof r->tv[k], "%s", c->s);
		}
	}
	return 0;
}

/* The model record a row names, of type rtype; -1 if none. */
static int row_rec(const struct mstate *S, const struct qrow *q, int rtype)
{
	uint8_t id[CRDT_ID_LEN];
	int i;

	if (strlen(q->id) != 2 * CRDT_ID_LEN || crdt_unhex(id, CRDT_ID_LEN, q->id))
		return -1;
	i = rec_find(S, id, CRDT_ID_LEN);
	return i >= 0 && S->rec[i].rtype == rtype ? i : -1;
}

/* Every colspec column of row against the model's fields f. */
static int same_cols(struct world *w, const struct qrows *q,
		     const struct qrow *row, const struct mfield *f,
		     const char *what)
{
	char got[MAXB + 8], want[MAXB + 8];
	int k;

	for (k = 0; q->cols[k].col; k++) {
		const struct mfield *m = &f[q->cols[k].field];
		int ok;

		if (!m->set)
			ok = row->type[k] == CRDT_COL_NULL;
		else if (m->type == CRDT_V_INT)
			ok = row->type[k] == CRDT_COL_INT && row->iv[k] == m->i;
		else
			ok = row->type[k] == CRDT_COL_TEXT &&
			     row->tlen[k] == m->len &&
			     !memcmp(row->tv[k], m->p, m->len);
		if (ok)
			continue;
		if (row->type[k] == CRDT_COL_INT)
			snprintf(got, sizeof got, "%lld", (long long)row->iv[k]);
		else
			snprintf(got, sizeof got, "'%s'", row->tv[k]);
		if (m->set && m->type == CRDT_V_INT)
			snprintf(want, sizeof want, "%lld", (long long)m->i);
		else
			snprintf(want, sizeof want, "'%.*s'", (int)m->len, m->p);
		return fail(w, "%s: %s is %s, the model says %s", what,
			    q->cols[k].col,
			    row->type[k] == CRDT_COL_NULL ? "NULL" : got,
			    m->set ? want : "NULL");
	}
	return 0;
}

static int query_fail(struct world *w, int t, const char *what, int rc)
{
	return fail(w, "replica %d: %s: %s", t, what, kith_strerror(rc));
}

static int check_items(struct world *w, int t, const struct mstate *S,
		       const char *when)
{
	struct crdt_item_filter f = { .kind = -1, .all = 1 };
	struct qrows *q = w->qp;
	char what[128];
	int i, k, nitems = 0, listed = 0, rc;

	for (i = 0; i < S->nrec; i++)
		if (S->rec[i].rtype == CRDT_R_ITEM) {
			const char *st = item_status(w, S, &S->rec[i]);

			nitems++;
			listed += strcmp(st, "withdrawn") &&
				  strcmp(st, "expired") &&
				  !hidden(w, S, &S->rec[i]);
		}
	q->cols = item_cols;
	q->n = q->over = 0;
	rc = crdt_query_items(w->rep[t].r.store, &f, NOW, collect, q);
	if (rc)
		return query_fail(w, t, "item list --all", rc);
	if (q->n != nitems)
		return fail(w, "%s: replica %d lists %d items, the model has %d",
			    when, t, q->n, nitems);
	for (k = 0; k < q->n; k++) {
		const struct qrow *row = &q->r[k];
		const struct mrec *r;
		const char *st, *kind;

		i = row_rec(S, row, CRDT_R_ITEM);
		if (i < 0)
			return fail(w, "%s: replica %d lists item %s the model "
				       "does not have",
				    when, t, row->id);
		r = &S->rec[i];
		st = item_status(w, S, r);
		kind = r->f[F_ITEM_KIND].set && r->f[F_ITEM_KIND].i >= 0 &&
				       r->f[F_ITEM_KIND].i < CRDT_ITEM_KINDS
			       ? crdt_item_kinds[r->f[F_ITEM_KIND].i]
			       : "give";
		snprintf(what, sizeof what, "%s: replica %d: item %.16s", when,
			 t, row->id);
		if (strcmp(row->status, st))
			return fail(w, "%s is '%s', the model says '%s'", what,
				    row->status, st);
		if (strcmp(row->kind, kind))
			return fail(w, "%s is a '%s', the model says '%s'", what,
				    row->kind, kind);
		if (row->hidden != hidden(w, S, r))
			return fail(w, "%s is %shidden, the model says %s", what,
				    row->hidden == 1 ? "" : "not ",
				    hidden(w, S, r) ? "hidden" : "shown");
		if (same_cols(w, q, row, r->f, what))
			return -1;
	}
	f.all = 0;
	q->n = 0;
	rc = crdt_query_items(w->rep[t].r.store, &f, NOW, collect, q);
	if (rc)
		return query_fail(w, t, "item list", rc);
	if (q->n != listed)
		return fail(w, "%s: replica %d lists %d current items, the model "
			       "%d",
			    when, t, q->n, listed);
	return 0;
}

static const char *const wish_statuses[] = { "open",	  "claimed",
					      "contested", "delivered",
					      "confirmed", "withdrawn",
					      "expired" };

static int check_wishes(struct world *w, int t, const struct mstate *S,
			const char *when, int by_status)
{
	struct crdt_wish_filter f = { .urgency = -1, .all = 1 };
	struct qrows *q = w->qp;
	char what[128];
	int i, k, nw = 0, listed = 0, per[7] = { 0 }, rc;

	for (i = 0; i < S->nrec; i++)
		if (S->rec[i].rtype == CRDT_R_WISH) {
			const char *st = wish_status(S, &S->rec[i]);

			nw++;
			for (k = 0; k < 7; k++)
				per[k] += !strcmp(st, wish_statuses[k]) &&
					  !hidden(w, S, &S->rec[i]);
			listed += strcmp(st, "confirmed") &&
				  strcmp(st, "withdrawn") &&
				  strcmp(st, "expired") && !hidden(w, S, &S->rec[i]);
		}
	q->cols = wish_cols;
	q->n = q->over = 0;
	rc = crdt_query_wishes(w->rep[t].r.store, &f, NOW, collect, q);
	if (rc)
		return query_fail(w, t, "wish list --all", rc);
	if (q->n != nw)
		return fail(w, "%s: replica %d lists %d wishes, the model has %d",
			    when, t, q->n, nw);
	for (k = 0; k < q->n; k++) {
		const struct qrow *row = &q->r[k];
		const struct mrec *r;
		const char *st, *urg, *kind;
		int64_t u;

		i = row_rec(S, row, CRDT_R_WISH);
		if (i < 0)
			return fail(w, "%s: replica %d lists wish %s the model "
				       "does not have",
				    when, t, row->id);
		r = &S->rec[i];
		st = wish_status(S, r);
		u = r->f[F_WISH_URGENCY].set ? r->f[F_WISH_URGENCY].i : -1;
		urg = u == 0 ? "critical" : u == 1 ? "urgent" : u == 3 ? "low"
								   : "normal";
		kind = fi(r, F_WISH_KIND) == 1 ? "service" : "material";
		snprintf(what, sizeof what, "%s: replica %d: wish %.16s", when,
			 t, row->id);
		if (strcmp(row->status, st))
			return fail(w, "%s is '%s', the model says '%s'", what,
				    row->status, st);
		if (strcmp(row->urgency, urg) || strcmp(row->kind, kind))
			return fail(w, "%s is %s/%s, the model says %s/%s", what,
				    row->urgency, row->kind, urg, kind);
		if (r->f[F_WISH_HOURS].set
			    ? !row->has_hours ||
				      row->hours != r->f[F_WISH_HOURS].i / 4.0
			    : row->has_hours)
			return fail(w, "%s shows %g hours, the model %g", what,
				    row->hours, fi(r, F_WISH_HOURS) / 4.0);
		if (row->hidden != hidden(w, S, r))
			return fail(w, "%s is %shidden, the model says %s", what,
				    row->hidden == 1 ? "" : "not ",
				    hidden(w, S, r) ? "hidden" : "shown");
		if (same_cols(w, q, row, r->f, what))
			return -1;
	}
	f.all = 0;
	q->n = 0;
	rc = crdt_query_wishes(w->rep[t].r.store, &f, NOW, collect, q);
	if (rc)
		return query_fail(w, t, "wish list", rc);
	if (q->n != listed)
		return fail(w, "%s: replica %d lists %d current wishes, the "
			       "model %d",
			    when, t, q->n, listed);
	for (k = 0; by_status && k < 7; k++) {
		f.status = wish_statuses[k];
		q->n = 0;
		rc = crdt_query_wishes(w->rep[t].r.store, &f, NOW, collect, q);
		if (rc)
			return query_fail(w, t, "wish list --status", rc);
		if (q->n != per[k])
			return fail(w, "%s: replica %d lists %d wishes '%s', the "
				       "model %d",
				    when, t, q->n, wish_statuses[k], per[k]);
	}
	return 0;
}

static int claim_before(const struct mrec *x, const struct mrec *y)
{
	return x->created < y->created ||
	       (x->created == y->created &&
		memcmp(x->id, y->id, CRDT_ID_LEN) < 0);
}

/* Claims on every item and wish: which, in what order, with what status. */
static int check_claims(struct world *w, int t, const struct mstate *S,
			const char *when)
{
	static int list[MAXREC];
	struct qrows *q = w->qp;
	char hex[2 * CRDT_PK_LEN + 1], what[128];
	int i, j, k, n, rc;

	q->cols = claim_cols;
	for (i = 0; i < S->nrec; i++) {
		const struct mrec *tr = &S->rec[i];

		if (tr->rtype != CRDT_R_ITEM && tr->rtype != CRDT_R_WISH)
			continue;
		for (j = 0, n = 0; j < S->nrec; j++) {
			if (!claim_on(&S->rec[j], tr))
				continue;
			for (k = n++; k > 0 && claim_before(&S->rec[j],
							    &S->rec[list[k - 1]]);
			     k--)
				list[k] = list[k - 1];
			list[k] = j;
		}
		q->n = q->over = 0;
		rc = crdt_query_claims(w->rep[t].r.store, tr->id, collect, q);
		if (rc)
			return query_fail(w, t, "claims", rc);
		if (q->n != n)
			return fail(w, "%s: replica %d shows %d claims on %s, the "
				       "model %d",
				    when, t, q->n, hex8(tr->id), n);
		for (k = 0; k < n; k++) {
			const struct mrec *c = &S->rec[list[k]];
			const char *st = claim_status(S, c);

			crdt_hex(hex, c->id, CRDT_ID_LEN);
			snprintf(what, sizeof what,
				 "%s: replica %d: claim %.16s on %s", when, t, hex,
				 hex8(tr->id));
			if (strcmp(hex, q->r[k].id))
				return fail(w, "%s: replica %d: claim %d on %s is "
					       "%.16s, the model %.16s",
					    when, t, k, hex8(tr->id), q->r[k].id,
					    hex);
			if (strcmp(st, q->r[k].status))
				return fail(w, "%s is '%s', the model says '%s'",
					    what, q->r[k].status, st);
			crdt_hex(hex, w->au[c->author].pk, CRDT_PK_LEN);
			if (strcmp(hex, q->r[k].who))
				return fail(w, "%s has claimant %.16s, the model "
					       "%.16s",
					    what, q->r[k].who, hex);
			if (same_cols(w, q, &q->r[k], c->f, what))
				return -1;
		}
	}
	return 0;
}

static int check_members(struct world *w, int t, const struct mstate *S,
			 const char *when)
{
	struct qrows *q = w->qp;
	char hex[2 * CRDT_PK_LEN + 1], what[128];
	int k, x, n = 0, rc;

	for (x = 0; x < w->na; x++)
		n += S->member[x];
	q->cols = member_cols;
	q->n = q->over = 0;
	rc = crdt_query_members(w->rep[t].r.store, NULL, collect, q);
	if (rc)
		return query_fail(w, t, "members", rc);
	if (q->n != n)
		return fail(w, "%s: replica %d lists %d members, the model %d",
			    when, t, q->n, n);
	for (k = 0; k < q->n; k++) {
		const struct qrow *row = &q->r[k];
		double h;

		for (x = 0; x < w->na; x++) {
			crdt_hex(hex, w->au[x].pk, CRDT_PK_LEN);
			if (!strcmp(hex, row->id))
				break;
		}
		if (x == w->na || !S->member[x])
			return fail(w, "%s: replica %d lists member %.16s the "
				       "model does not have",
				    when, t, row->id);
		snprintf(what, sizeof what, "%s: replica %d: member r%d", when,
			 t, x);
		if (same_cols(w, q, row, S->mf[x], what))
			return -1;
		h = (double)hours_q(w, S, x) / 4.0;
		if (!row->has_hours || row->hours != h)
			return fail(w, "%s has %g hours, the model %g", what,
				    row->hours, h);
	}
	return 0;
}

/* crdt_record_info, which the CLI decides with, against the model. */
static int check_info(struct world *w, int t, const struct mstate *S,
		      const char *when)
{
	struct crdt_record_info in;
	int i, j, rc;

	for (i = 0; i < S->nrec; i++) {
		const struct mrec *r = &S->rec[i], *one = NULL;
		int closed, confirmed, n = 0, loans = 0, ok = 1, tt = 0;
		uint64_t newest;

		if (r->rtype < CRDT_R_ITEM || r->rtype > CRDT_R_LOAN)
			continue;
		rc = crdt_record_info(w->rep[t].r.store, r->rtype, r->id, &in);
		if (rc)
			return fail(w, "%s: replica %d: record_info of %s: %s",
				    when, t, hex8(r->id), kith_strerror(rc));
		switch (r->rtype) {
		case CRDT_R_ITEM:
			closed = fi(r, F_ITEM_WITHDRAWN) != 0;
			confirmed = 0;
			n = n_active(S, r, &one);
			break;
		case CRDT_R_WISH:
			closed = fi(r, F_WISH_WITHDRAWN) != 0;
			confirmed = fi(r, F_WISH_CONFIRMED) != 0;
			n = n_active(S, r, &one);
			ok = r->f[F_WISH_ACCEPTED].set &&
					     r->f[F_WISH_ACCEPTED].len == CRDT_ID_LEN
				     ? in.has_accepted &&
					       !memcmp(in.accepted,
						       r->f[F_WISH_ACCEPTED].p,
						       CRDT_ID_LEN)
				     : !in.has_accepted;
			break;
		case CRDT_R_CLAIM:
			closed = fi(r, F_CLAIM_CANCELLED) != 0;
			confirmed = fi(r, F_CLAIM_DELIVERED) != 0;
			j = rec_find(S, r->f[F_CLAIM_TARGET].p,
				     r->f[F_CLAIM_TARGET].len);
			if (j >= 0 && (S->rec[j].rtype == CRDT_R_WISH ||
				       S->rec[j].rtype == CRDT_R_ITEM))
				tt = S->rec[j].rtype;
			ok = in.target_rtype == tt &&
			     !memcmp(in.target, r->f[F_CLAIM_TARGET].p,
				     CRDT_ID_LEN);
			break;
		default:
			closed = fi(r, F_LOAN_RETURNED) != 0;
			confirmed = 0;
			ok = !memcmp(in.target, r->f[F_LOAN_ITEM].p, CRDT_ID_LEN);
			break;
		}
		if (!ok || (in.closed != 0) != closed ||
		    (in.confirmed != 0) != confirmed || in.active_claims != n ||
		    (one && memcmp(in.one_claim, one->id, CRDT_ID_LEN)) ||
		    memcmp(in.author, w->au[r->author].pk, CRDT_PK_LEN))
			return fail(w, "%s: replica %d: record_info of %s says "
				       "closed %d confirmed %d active claims %d, "
				       "the model %d %d %d (or author, target, "
				       "accepted or oldest claim differ)",
				    when, t, hex8(r->id), in.closed, in.confirmed,
				    in.active_claims, closed, confirmed, n);
		if (r->rtype != CRDT_R_ITEM)
			continue;
		/* the loan `item return` would close: the newest open one
		 * (two made in one change tie; either will do) */
		for (j = 0, ok = 0, newest = 0; j < S->nrec; j++)
			if (owner_loan(&S->rec[j], r) &&
			    !fi(&S->rec[j], F_LOAN_RETURNED) &&
			    S->rec[j].created > newest)
				newest = S->rec[j].created;
		for (j = 0; j < S->nrec; j++) {
			if (!owner_loan(&S->rec[j], r) ||
			    fi(&S->rec[j], F_LOAN_RETURNED))
				continue;
			loans++;
			ok |= in.has_loan && S->rec[j].created == newest &&
			      !memcmp(in.active_loan, S->rec[j].id, CRDT_ID_LEN);
		}
		if (loans ? !ok : in.has_loan)
			return fail(w, "%s: replica %d: record_info of item %s "
				       "names loan %s, the model has %d open",
				    when, t, hex8(r->id),
				    in.has_loan ? hex8(in.active_loan) : "-",
				    loans);
	}
	return 0;
}

/* One stored column against a model field; sticky facts read 0 unset. */
static int same_value(sqlite3_stmt *q, int col, const struct mfield *m, char t)
{
	int ty = sqlite3_column_type(q, col);
	size_t n = (size_t)sqlite3_column_bytes(q, col);

	if (!m->set)
		return t == 'S' ? ty == SQLITE_INTEGER &&
					  sqlite3_column_int64(q, col) == 0
				: ty == SQLITE_NULL;
	if (m->type == CRDT_V_INT)
		return ty == SQLITE_INTEGER && sqlite3_column_int64(q, col) == m->i;
	/* seen lists may be kept as text or blob: only fact_seen is read */
	if ((t == 'H' ? ty != SQLITE_TEXT && ty != SQLITE_BLOB
		      : ty != (t == 'T' ? SQLITE_TEXT : SQLITE_BLOB)) ||
	    n != m->len)
		return 0;
	return !n || !memcmp(t == 'T' ? (const void *)sqlite3_column_text(q, col)
				      : sqlite3_column_blob(q, col),
			     m->p, n);
}

/*
 * The materialized tables themselves, every record type, every field the
 * model knows (column names from schema.c, types from the model's table):
 * the view is what the single-writer rules make of the log.
 */
static int check_view(struct world *w, int t, const struct mstate *S,
		      const char *when)
{
	sqlite3 *db = crdt_store_db(w->rep[t].r.store);
	unsigned rtype;
	int rc = 0;

	for (rtype = 1; !rc && rtype <= MODEL_R_MAX; rtype++) {
		const struct crdt_rschema *sc = crdt_schema(rtype);
		sqlite3_stmt *q = NULL;
		char sql[1024], *p = sql;
		int rows = 0, want = 0, i, k, nf;

		if (!sc)
			return fail(w, "schema.c lacks record type %u", rtype);
		nf = (int)strlen(ftypes[rtype]);
		p += sprintf(p, "SELECT id, %s", rtype == CRDT_R_MEMBER
							 ? "NULL, NULL"
							 : "author, created");
		for (k = 1; k <= nf; k++) {
			const struct crdt_field *f = crdt_schema_field(sc, (unsigned)k);

			if (!f)
				return fail(w, "schema.c lacks field %d of %s", k,
					    sc->name);
			p += sprintf(p, ", %s", f->column);
		}
		sprintf(p, " FROM %s", sc->table);
		if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
			return fail(w, "replica %d: %s: %s", t, sql,
				    sqlite3_errmsg(db));
		while (!rc && sqlite3_step(q) == SQLITE_ROW) {
			const uint8_t *id = sqlite3_column_blob(q, 0);
			size_t idn = (size_t)sqlite3_column_bytes(q, 0);
			const struct mfield *f = NULL;
			const struct mrec *r = NULL;

			rows++;
			if (rtype == CRDT_R_MEMBER) {
				for (i = 0; i < w->na; i++)
					if (idn == CRDT_PK_LEN && S->member[i] &&
					    !memcmp(id, w->au[i].pk, CRDT_PK_LEN))
						f = S->mf[i];
			} else {
				i = rec_find(S, id, idn);
				if (i >= 0 && S->rec[i].rtype == rtype) {
					r = &S->rec[i];
					f = r->f;
				}
			}
			if (!f) {
				rc = fail(w, "%s: replica %d: %s %s is stored, the "
					     "model does not have it",
					  when, t, sc->name, hex8(id));
				break;
			}
			if (r && ((size_t)sqlite3_column_bytes(q, 1) != CRDT_PK_LEN ||
				  memcmp(sqlite3_column_blob(q, 1),
					 w->au[r->author].pk, CRDT_PK_LEN) ||
				  (uint64_t)sqlite3_column_int64(q, 2) != r->created)) {
				rc = fail(w, "%s: replica %d: %s %s has the wrong "
					     "author or creation time",
					  when, t, sc->name, hex8(id));
				break;
			}
			for (k = 1; k <= nf; k++)
				if (!same_value(q, 2 + k, &f[k], ftypes[rtype][k - 1])) {
					rc = fail(w, "%s: replica %d: %s %s: stored %s "
						     "differs from the model",
						  when, t, sc->name, hex8(id),
						  crdt_schema_field(sc, (unsigned)k)
							  ->column);
					break;
				}
		}
		sqlite3_finalize(q);
		if (rc)
			return rc;
		if (rtype == CRDT_R_MEMBER)
			for (i = 0; i < w->na; i++)
				want += S->member[i];
		else
			for (i = 0; i < S->nrec; i++)
				want += S->rec[i].rtype == rtype;
		if (rows != want)
			return fail(w, "%s: replica %d stores %d %ss, the model "
				       "has %d",
				    when, t, rows, sc->name, want);
	}
	return rc;
}

/* Does some word of text (ASCII letters and digits, any case) start with
 * prefix?  That is what the FTS5 search of query.c matches for one word. */
static int has_word(const struct mfield *f, const char *prefix)
{
	size_t i = 0, n = strlen(prefix), k;

	if (!f->set || f->type != CRDT_V_BYTES)
		return 0;
	while (i < f->len) {
		while (i < f->len && !isalnum(f->p[i]))
			i++;
		for (k = 0; k < n && i + k < f->len &&
			    tolower(f->p[i + k]) == tolower((unsigned char)prefix[k]);
		     k++)
			;
		if (k == n && i < f->len)
			return 1;
		while (i < f->len && isalnum(f->p[i]))
			i++;
	}
	return 0;
}

/* The CJK grams index (crdt/search.h) holds exactly the grams of the
 * current title and description of every item and wish: it follows every
 * create, edit, ignored hijack and rebuild, in any order of arrival. */
static int check_grams(struct world *w, int t, const char *when)
{
	sqlite3 *db = crdt_store_db(w->rep[t].r.store);
	sqlite3_stmt *q = NULL;
	int bad = -1;

	if (sqlite3_prepare_v2(db,
			       "SELECT (SELECT count(*) FROM items i FULL JOIN"
			       " items_grams g ON g.rowid = i.rowid WHERE"
			       " kith_grams(i.title, i.description) IS NOT g.grams)"
			       " + (SELECT count(*) FROM wishes x FULL JOIN"
			       " wishes_grams g ON g.rowid = x.rowid WHERE"
			       " kith_grams(x.title, x.description) IS NOT g.grams)",
			       -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		bad = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (bad)
		return fail(w, "%s: replica %d: %d rows of the grams index "
			       "disagree with their posts (%s)",
			    when, t, bad, sqlite3_errmsg(db));
	return 0;
}

/* `item list --search` and `wish list --search` for a few words taken from
 * current titles: the FTS index must follow every edit.  Items and wishes
 * keep title and description under the same field ids. */
_Static_assert((int)F_ITEM_TITLE == (int)F_WISH_TITLE &&
		       (int)F_ITEM_DESCRIPTION == (int)F_WISH_DESCRIPTION,
	       "title and description share field ids");
static int check_search(struct world *w, int t, const struct mstate *S,
			const char *when)
{
	struct qrows *q = w->qp;
	char word[MAXB + 1];
	int k, i, j, n, rc;

	q->cols = NULL;
	for (k = 0; k < 4; k++) {
		const struct mfield *title;
		size_t at, len;
		int rtype = k & 1 ? CRDT_R_WISH : CRDT_R_ITEM;

		PICK(w, S, i, r->rtype == rtype);
		if (i < 0)
			continue;
		/* a word (or the start of one) of its title */
		title = &S->rec[i].f[rtype == CRDT_R_ITEM ? F_ITEM_TITLE
							  : F_WISH_TITLE];
		if (!title->set || title->type != CRDT_V_BYTES || !title->len)
			continue;
		at = (size_t)below(w, title->len);
		while (at > 0 && isalnum(title->p[at - 1]))
			at--;
		while (at < title->len && !isalnum(title->p[at]))
			at++;
		for (len = 0; at + len < title->len && isalnum(title->p[at + len]);
		     len++)
			word[len] = (char)title->p[at + len];
		if (!len)
			continue;
		word[1 + below(w, len)] = 0;
		for (j = 0, n = 0; j < S->nrec; j++)
			n += S->rec[j].rtype == rtype &&
			     (has_word(&S->rec[j].f[F_ITEM_TITLE], word) ||
			      has_word(&S->rec[j].f[F_ITEM_DESCRIPTION], word));
		q->n = q->over = 0;
		if (rtype == CRDT_R_ITEM) {
			struct crdt_item_filter f = { .kind = -1, .all = 1,
						      .search = word };

			rc = crdt_query_items(w->rep[t].r.store, &f, NOW, collect,
					      q);
		} else {
			struct crdt_wish_filter f = { .urgency = -1, .all = 1,
						      .search = word };

			rc = crdt_query_wishes(w->rep[t].r.store, &f, NOW, collect,
					       q);
		}
		if (rc)
			return query_fail(w, t, "search", rc);
		for (j = 0; j < q->n; j++) {
			i = row_rec(S, &q->r[j], rtype);
			if (i < 0 ||
			    !(has_word(&S->rec[i].f[F_ITEM_TITLE], word) ||
			      has_word(&S->rec[i].f[F_ITEM_DESCRIPTION], word)))
				return fail(w, "%s: replica %d: search '%s' finds "
					       "%.16s, the model does not",
					    when, t, word, q->r[j].id);
		}
		if (q->n != n)
			return fail(w, "%s: replica %d: search '%s' finds %d "
				       "%ss, the model %d",
				    when, t, word, q->n,
				    rtype == CRDT_R_ITEM ? "item" : "wish", n);
	}
	return 0;
}

static void tally(struct world *w, const char *kind, const char *status)
{
	char name[24];
	int k;

	snprintf(name, sizeof name, "%s %s", kind, status);
	for (k = 0; k < 32 && w->tally_name[k][0]; k++)
		if (!strcmp(w->tally_name[k], name))
			break;
	if (k == 32)
		return;
	if (!w->tally_name[k][0])
		snprintf(w->tally_name[k], sizeof w->tally_name[k], "%s", name);
	w->tally[k]++;
}

/* Count the statuses the model derives at the end of a seed, so a change to
 * the generator that stops reaching some status is noticed. */
static void tally_all(struct world *w, const struct mstate *S)
{
	int i;

	for (i = 0; i < S->nrec; i++) {
		const struct mrec *r = &S->rec[i];

		if (r->rtype == CRDT_R_ITEM)
			tally(w, "item", item_status(w, S, r));
		else if (r->rtype == CRDT_R_WISH)
			tally(w, "wish", wish_status(S, r));
		else if (r->rtype == CRDT_R_CLAIM)
			tally(w, "claim", claim_status(S, r));
	}
	for (i = 0; i < w->na; i++) {
		if (S->member[i] && hours_q(w, S, i))
			tally(w, "member", "with hours");
		if (S->member[i] && rollcall(w, S, w->au[i].pk, 0) == 2)
			tally(w, "member", "need-help");
		if (auth_verified(&S->A, w->au[i].pk))
			tally(w, "member", "verified");
	}
	for (i = 0; i < S->nrec; i++) {
		const struct mrec *r = &S->rec[i];

		if ((r->rtype == CRDT_R_ITEM || r->rtype == CRDT_R_WISH) &&
		    hidden(w, S, r))
			tally(w, "post", "hidden");
	}
	if (auth_ncoord(&S->A) > 1)
		tally(w, "seed", "coordinators > 1");
	if (S->A.emergency)
		tally(w, "seed", "emergency");
	if (S->A.voided)
		tally(w, "seed", "void facts");
	if (S->A.waiting)
		tally(w, "seed", "waiting facts");
}

/* ---- roles, emergency, verifications, check-ins ------------------------ */

static int same_bytes(const char *s, const uint8_t *p, size_t n)
{
	return strlen(s) == n && !memcmp(s, p, n);
}

/* crdt_community_refresh (what the CLI and the list queries use) against
 * the model's replay of crdt/facts.h. */
static int check_authority(struct world *w, int t, const struct mstate *S,
			   const struct crdt_roles *ro, const char *when)
{
	const struct mauth *A = &S->A;
	size_t i;
	int k, n;

	for (i = 0; i < ro->n; i++) {
		const struct crdt_role *x = &ro->v[i];
		int ok = x->role == CRDT_ROLE_COORDINATOR
				 ? auth_coord(A, x->member)
				 : auth_heads(A, x->member,
					      (const uint8_t *)x->building,
					      strlen(x->building));

		if (!ok)
			return fail(w, "%s: replica %d: %.16s is a %s%s%s, the "
				       "model says not",
				    when, t, hex8(x->member),
				    x->role == CRDT_ROLE_COORDINATOR
					    ? "coordinator"
					    : "building head of ",
				    x->role == CRDT_ROLE_COORDINATOR ? ""
								     : x->building,
				    "");
	}
	if (ro->n != (size_t)A->nrole) {
		for (k = 0; k < A->nrole; k++) {
			const struct mrole *x = &A->role[k];

			for (i = 0; i < ro->n; i++)
				if (ro->v[i].role == x->role &&
				    !memcmp(ro->v[i].member, x->pk, CRDT_PK_LEN) &&
				    (x->role == CRDT_ROLE_COORDINATOR ||
				     same_bld((const uint8_t *)ro->v[i].building,
					      strlen(ro->v[i].building), x->bld,
					      x->blen)))
					break;
			if (i == ro->n)
				return fail(w, "%s: replica %d: %.16s is no %s "
					       "%.*s, the model says it is",
					    when, t, hex8(x->pk),
					    x->role == CRDT_ROLE_COORDINATOR
						    ? "coordinator"
						    : "building head of",
					    (int)x->blen,
					    x->bld ? (const char *)x->bld : "");
		}
		return fail(w, "%s: replica %d has %zu roles, the model %d",
			    when, t, ro->n, A->nrole);
	}
	if ((ro->emergency != 0) != A->emergency ||
	    ro->since_ms != (int64_t)(A->has_em ? A->em_created >> 16 : 0) ||
	    (A->has_em && memcmp(ro->started_by, A->started_by, CRDT_PK_LEN)) ||
	    (A->emergency && !same_bytes(ro->reason, A->reason, A->rlen)))
		return fail(w, "%s: replica %d: emergency %d since %lld by %.16s "
			       "('%s'), the model %d since %lld by %.16s",
			    when, t, ro->emergency, (long long)ro->since_ms,
			    hex8(ro->started_by), ro->reason, A->emergency,
			    (long long)(A->em_created >> 16),
			    hex8(A->started_by));
	for (i = 0, n = 0; i < ro->nver; i++) {
		const struct crdt_verified *v = &ro->ver[i];
		const struct mver *m = auth_verified(A, v->member);

		if (!m || memcmp(m->by, v->by, CRDT_PK_LEN) ||
		    !same_bytes(v->building, m->bld, m->blen) ||
		    !same_bytes(v->unit, m->unit, m->ulen))
			return fail(w, "%s: replica %d: %.16s verified by %.16s "
				       "in '%s' unit '%s', the model says %s",
				    when, t, hex8(v->member), hex8(v->by),
				    v->building, v->unit,
				    m ? "otherwise" : "not verified");
		n++;
	}
	if (n != A->nver)
		return fail(w, "%s: replica %d has %d verified members, the "
			       "model %d",
			    when, t, n, A->nver);
	if (ro->waiting != (size_t)A->waiting || ro->voided != (size_t)A->voided)
		return fail(w, "%s: replica %d: %zu facts wait and %zu are void, "
			       "the model %d and %d",
			    when, t, ro->waiting, ro->voided, A->waiting,
			    A->voided);
	return 0;
}

struct roll_rows {
	int n;
	char member[MAXR * 2][65], status[MAXR * 2][16], reporter[MAXR * 2][65];
};

static int roll_row(void *ctx, const struct crdt_row *row)
{
	struct roll_rows *q = ctx;

	if (q->n >= MAXR * 2)
		return 0;
	col_text(q->member[q->n], sizeof q->member[0], row, "member");
	col_text(q->status[q->n], sizeof q->status[0], row, "status");
	col_text(q->reporter[q->n], sizeof q->reporter[0], row, "reporter");
	q->n++;
	return 0;
}

/* The roll call (crdt_checkins) against community.h's rules. */
static int check_checkins(struct world *w, int t, const struct mstate *S,
			  const char *when)
{
	static const char *const words[] = { "unknown", "safe", "need-help" };
	struct roll_rows q;
	char hex[2 * CRDT_PK_LEN + 1];
	int64_t since = chance(w, 50) ? 0
				      : (int64_t)EPOCH_MS - 7200000 +
						(int64_t)below(w, 4 * 3600000);
	int k, x, i, n = 0, rc;

	memset(&q, 0, sizeof q);
	rc = crdt_checkins(w->rep[t].r.store, NULL, since, roll_row, &q);
	if (rc)
		return query_fail(w, t, "checkins", rc);
	for (x = 0; x < w->na; x++)
		n += S->member[x];
	if (q.n != n)
		return fail(w, "%s: replica %d: the roll call has %d members, the "
			       "model %d",
			    when, t, q.n, n);
	for (k = 0; k < q.n; k++) {
		const uint8_t *pk = NULL;
		int st, ok = 0;

		for (x = 0; x < w->na; x++) {
			crdt_hex(hex, w->au[x].pk, CRDT_PK_LEN);
			if (S->member[x] && !strcmp(hex, q.member[k]))
				pk = w->au[x].pk;
		}
		if (!pk)
			return fail(w, "%s: replica %d: the roll call lists %.16s, "
				       "not a member in the model",
				    when, t, q.member[k]);
		st = rollcall(w, S, pk, since);
		if (strcmp(q.status[k], words[st]))
			return fail(w, "%s: replica %d: %.16s checked in as '%s' "
				       "(since %lld), the model says '%s'",
				    when, t, q.member[k], q.status[k],
				    (long long)since, words[st]);
		/* who reported it: one of the standing reports saying so (the
		 * stamp only picks which) */
		for (i = 0; i < S->nrec; i++) {
			const struct mrec *r = &S->rec[i];
			int rs;

			if (!about(r, CRDT_R_CHECKIN, pk) ||
			    (int64_t)(r->created >> 16) < since ||
			    !checkin_stands(w, S, r, pk))
				continue;
			rs = !r->f[F_CHECKIN_STATUS].set ? 0
							 : 1 + (int)fi(r, F_CHECKIN_STATUS);
			crdt_hex(hex, pk_of(w, r), CRDT_PK_LEN);
			ok |= rs == st && !strcmp(hex, q.reporter[k]);
		}
		if (!ok && (st || q.reporter[k][0]))
			return fail(w, "%s: replica %d: %.16s's '%s' is reported "
				       "by %.16s, not by a standing report",
				    when, t, q.member[k], q.status[k],
				    q.reporter[k][0] ? q.reporter[k] : "nobody");
	}
	return 0;
}

/* The hostile's log on replica t never reaches past what the signature
 * rules allow (crdt/apply.h) and ends on a good signature. */
static int check_hostile_head(struct world *w, int t, const uint64_t *vv,
			      const char *when)
{
	uint64_t h;

	if (w->hostile < 0)
		return 0;
	h = vv[w->hostile];
	if (h > hostile_end(w) || (h && w->au[w->hostile].ch[h - 1].bad_sig))
		return fail(w, "%s: replica %d holds the hostile's log up to "
			       "#%llu, it may reach #%llu (and must end on a "
			       "good signature)",
			    when, t, (unsigned long long)h,
			    (unsigned long long)hostile_end(w));
	return 0;
}

/* Replica t against the model at exactly the changes t holds. */
static int check_replica(struct world *w, int t, const char *when, int full)
{
	struct crdt_roles ro;
	uint64_t vv[MAXR];
	int rc;

	if (heads(w, t, vv) || check_hostile_head(w, t, vv, when) ||
	    model_eval(w, vv, &w->S))
		return -1;
	trace(w, "check r%d (%s)", t, when);
	/* this connection's coordinators and verified members, which the
	 * list queries use (as `kith` does on opening) */
	rc = crdt_community_refresh(w->rep[t].r.store, w->au[0].pk, &ro);
	if (rc)
		return query_fail(w, t, "community refresh", rc);
	rc = check_authority(w, t, &w->S, &ro, when);
	crdt_roles_release(&ro);
	if (rc || check_view(w, t, &w->S, when) ||
	    check_items(w, t, &w->S, when) ||
	    check_wishes(w, t, &w->S, when, full) ||
	    check_claims(w, t, &w->S, when) ||
	    check_members(w, t, &w->S, when) || check_info(w, t, &w->S, when) ||
	    check_search(w, t, &w->S, when) || check_grams(w, t, when) ||
	    check_checkins(w, t, &w->S, when))
		return -1;
	return 0;
}

/* ==== one seed ========================================================== */

static int sync_all(struct world *w)
{
	static struct crdt_raw v[MAXR * MAXSEQ];
	uint64_t vv[MAXR], all[MAXR];
	int s, t, x, round;
	size_t n;

	/* the hostile sends everything once more, to everyone */
	for (t = 0; w->hostile >= 0 && t < w->nr; t++)
		if (hostile_send(w, t, 1))
			return -1;
	made(w, all);
	for (round = 0; round < 3; round++) {
		int done = 1;

		for (t = 0; t < w->nr; t++) {
			if (heads(w, t, vv))
				return -1;
			for (x = 0; x < w->na; x++)
				done &= vv[x] == all[x];
		}
		if (done)
			return 0;
		trace(w, "sync round %d", round);
		for (t = 0; t < w->nr; t++)
			for (s = 0; s < w->nr; s++) {
				if (s == t)
					continue;
				if (chance(w, 20)) {
					if (deliver_bundle(w, s, t))
						return -1;
					continue;
				}
				n = held(w, s, v);
				shuffle(w, v, n);
				if (apply_raw(w, t, v, n, "sync"))
					return -1;
			}
	}
	return fail(w, "replicas still differ after 3 rounds of syncing with "
		       "everyone");
}

static int final_checks(struct world *w)
{
	char d0[65], d[65], sql[256], hex[2 * CRDT_PK_LEN + 1];
	struct crdt_counts c;
	uint64_t all[MAXR], vv[MAXR];
	int64_t total = 0;
	int t, x, rc;

	made(w, all);
	for (x = 0; x < w->na; x++)
		total += (int64_t)all[x];
	crdt_hex(hex, w->hostile >= 0 ? w->au[w->hostile].pk : w->au[0].pk,
		 CRDT_PK_LEN);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM pending p JOIN authors a ON a.n = p.n"
		 " WHERE %s lower(hex(a.pk)) <> '%s'",
		 w->hostile >= 0 ? "" : "1 OR", hex);
	for (t = 0; t < w->nr; t++) {
		struct crdt_replica *r = &w->rep[t].r;
		/* only the hostile's changes beyond its gap may wait */
		int64_t pending = sql_int(w, t, sql);

		/* every honest member's changes arrived, all of them; the
		 * hostile's as far as the signature rules let them */
		if (heads(w, t, vv))
			return -1;
		for (x = 0; x < w->na; x++)
			if (vv[x] != all[x])
				return fail(w, "replica %d holds r%d's log up to "
					       "#%llu, %s #%llu",
					    t, x, (unsigned long long)vv[x],
					    x == w->hostile ? "the hostile's may "
							      "reach"
							    : "its author's head "
							      "is",
					    (unsigned long long)all[x]);

		rc = crdt_digest(r->store, t ? d : d0);
		if (!rc)
			rc = crdt_counts(r->store, NOW, &c);
		if (rc)
			return fail(w, "replica %d: digest: %s", t,
				    kith_strerror(rc));
		if (t && strcmp(d, d0))
			return fail(w, "replica %d digest %.16s differs from "
				       "replica 0's %.16s",
				    t, d, d0);
		if (c.changes != total)
			return fail(w, "replica %d holds %lld changes, %lld were "
				       "made",
				    t, (long long)c.changes, (long long)total);
		if (pending != 0)
			return fail(w, "replica %d still has %lld honest changes "
				       "pending with nothing missing",
				    t, (long long)pending);
	}
	/* the view is a function of the log: rebuilding it changes nothing */
	t = (int)below(w, (uint64_t)w->nr);
	rc = crdt_store_begin(w->rep[t].r.store);
	if (!rc) {
		rc = crdt_store_rebuild(w->rep[t].r.store);
		if (!rc)
			rc = crdt_store_commit(w->rep[t].r.store);
		else
			crdt_store_rollback(w->rep[t].r.store);
	}
	if (!rc)
		rc = crdt_digest(w->rep[t].r.store, d);
	if (rc)
		return fail(w, "replica %d: rebuild: %s", t, kith_strerror(rc));
	if (strcmp(d, d0))
		return fail(w, "replica %d: digest after rebuild %.16s, before "
			       "%.16s",
			    t, d, d0);
	/* the rebuilt one: its search index was rebuilt too */
	rc = check_replica(w, t, "final", 1);
	if (!rc && w->stats)
		tally_all(w, &w->S);
	return rc;
}

static int run_seed(struct world *w, uint64_t seed)
{
	int step, steps, r, rc = 0;

	w->seed = seed;
	w->rng = seed * 0x2545f4914f6cdd1dull + 1;
	w->failed = 0;
	w->err[0] = 0;
	w->ctr = 0;
	trace(w, "seed %llu", (unsigned long long)seed);
	if (open_all(w))
		goto out;
	/* `kith init --name` publishes a profile; not everyone ran it */
	for (r = 0; !rc && r < w->nr; r++) {
		struct build b;

		if (chance(w, 15))
			continue;
		memset(&b, 0, sizeof b);
		b.seq = 1;
		a_profile(w, r, &w->S, &b);
		rc = commit(w, r, &b);
	}
	/* the creator verifies some members it met (kith member verify), so
	 * hours count between some pairs and not between others */
	for (r = 0; !rc && r < w->na; r++) {
		struct build b;
		struct crdt_op *op;
		uint64_t vv[MAXR];

		if (chance(w, 35) || heads(w, 0, vv) || model_eval(w, vv, &w->S))
			continue;
		memset(&b, 0, sizeof b);
		b.seq = (uint64_t)w->au[0].n + 1;
		op = b_op(&b, CRDT_OP_CREATE, CRDT_R_VERIFY);
		b_bytes(&b, op, F_VERIFY_MEMBER, w->au[r].pk, CRDT_PK_LEN);
		(void)crdt_op_set_int(op, F_VERIFY_GRANT, 1);
		b_text(&b, op, F_VERIFY_BUILDING, "block %u", (unsigned)below(w, 3));
		b_text(&b, op, F_VERIFY_UNIT, "%u", (unsigned)below(w, 40));
		b_note(&b, "verify r%d", r);
		rc = b_seen(w, 0, &b, op, F_VERIFY_SEEN, CRDT_SEEN_AUTHORITY, NULL);
		if (!rc)
			rc = commit(w, 0, &b);
	}
	steps = 50 + (int)below(w, 60);
	for (step = 0; !rc && step < steps; step++) {
		r = (int)below(w, 100);
		if (r < 60)
			rc = act(w, (int)below(w, (uint64_t)w->nr));
		else if (r < 64)
			rc = burst(w);
		else if (r < 80 || (r < 94 && w->hostile < 0))
			rc = deliver(w);
		else if (r < 88)
			rc = hostile_act(w);
		else if (r < 94)
			rc = hostile_send(w, (int)below(w, (uint64_t)w->nr), 0);
		else
			rc = check_replica(w, (int)below(w, (uint64_t)w->nr),
					   "mid-run", 0);
	}
	if (!rc && !sync_all(w))
		final_checks(w);
out:
	close_all(w);
	return w->failed ? -1 : 0;
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 10) : dflt;
}

int main(void)
{
	static const char *const bases[] = { "/dev/shm", NULL, "/tmp" };
	struct world *w;
	uint64_t first = env_u64("PROP_FIRST", 1);
	uint64_t last = env_u64("PROP_SEEDS", 100), s;
	unsigned long passed = 0, failed = 0;
	int i;

	if (getenv("PROP_SEED") && *getenv("PROP_SEED"))
		first = last = env_u64("PROP_SEED", 1);
	if (crdt_crypto_init()) {
		fprintf(stderr, "prop_converge: cannot initialise libsodium\n");
		return 1;
	}
	w = calloc(1, sizeof *w);
	if (!w) {
		fprintf(stderr, "prop_converge: out of memory\n");
		return 1;
	}
	w->qp = malloc(sizeof *w->qp);
	if (!w->qp) {
		fprintf(stderr, "prop_converge: out of memory\n");
		free(w);
		return 1;
	}
	w->verbose = env_u64("PROP_VERBOSE", 0) != 0;
	w->memory = env_u64("PROP_MEMORY", 0) != 0;
	w->stats = env_u64("PROP_STATS", 0) != 0;
	for (i = 0; i < 3; i++) {
		const char *base = bases[i] ? bases[i] : getenv("TMPDIR");
		struct stat sb;

		if (!base || stat(base, &sb) || !S_ISDIR(sb.st_mode) ||
		    access(base, W_OK))
			continue;
		snprintf(w->dir, sizeof w->dir, "%s/kith-prop-XXXXXX", base);
		if (mkdtemp(w->dir))
			break;
	}
	if (i == 3) {
		fprintf(stderr, "prop_converge: cannot make a temporary "
				"directory\n");
		free(w);
		return 1;
	}
	for (s = first; s <= last; s++) {
		if (run_seed(w, s) == 0) {
			passed++;
			continue;
		}
		failed++;
		fprintf(stderr, "prop_converge: seed %llu failed: %s\n",
			(unsigned long long)s, w->err);
		fflush(stderr);
	}
	for (i = 0; w->stats && i < 32 && w->tally_name[i][0]; i++)
		fprintf(stderr, "%-22s %lu\n", w->tally_name[i], w->tally[i]);
	rmdir(w->dir);
	free(w->tmpl);
	free(w->qp);
	free(w);
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}
