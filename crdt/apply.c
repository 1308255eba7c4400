#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "db.h"
#include "err.h"
#include "schema.h"

enum { A_CUT, A_SIG_OK, A_DROP_PENDING, A_AUTHORS, A_NSQL };
static const char *const apply_sql[A_NSQL] = {
	/* an author's log from key ?1 on (to ?2: the next author's first) */
	[A_CUT] = "DELETE FROM changes WHERE k >= ?1 AND k < ?2",
	[A_SIG_OK] = "UPDATE changes SET sig_ok = 1 WHERE k = ?1",
	[A_DROP_PENDING] = "DELETE FROM pending WHERE n = ?1",
	[A_AUTHORS] = "SELECT pk FROM authors ORDER BY n",
};
static const struct crdt_stmts apply_stmts = CRDT_STMTS(apply_sql);

/* Drop author n's stored changes from seq on. */
static int cut_log(struct crdt_store *s, int64_t n, uint64_t seq)
{
	sqlite3_stmt *q = crdt_stmt(s, &apply_stmts, A_CUT);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, CRDT_KEY(n, seq));
	sqlite3_bind_int64(q, 2, CRDT_KEY(n + 1, 0));
	return crdt_run(s, q);
}

struct ent {
	struct crdt_change c;
	const uint8_t *p;
	size_t len;
	int ok;	    /* 2: put in pending by this call */
	int sig_ok; /* its own signature was checked and is good */
};

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	int d = memcmp(x->c.author, y->c.author, CRDT_PK_LEN);

	if (d)
		return d;
	if (x->c.seq != y->c.seq)
		return x->c.seq < y->c.seq ? -1 : 1;
	return memcmp(x->c.hash, y->c.hash, CRDT_HASH_LEN);
}

/* Store and materialize e as the author's next change. */
static int append(struct crdt_store *s, struct crdt_author *a, struct ent *e,
		  struct crdt_apply_stats *st)
{
	int rc = crdt_store_put_change(s, a->n, e->c.seq, e->c.hlc, e->p, e->len,
				       e->sig_ok);

	if (e->c.hlc > a->top)
		a->top = e->c.hlc;
	if (!rc)
		rc = crdt_store_materialize(s, &e->c, a->top);
	if (rc)
		return rc;
	a->head = e->c.seq;
	memcpy(a->head_hash, e->c.hash, CRDT_HASH_LEN);
	st->applied++;
	if (e->c.hlc > st->max_hlc)
		st->max_hlc = e->c.hlc;
	return 0;
}

/* After the head moved, apply held changes that now continue it. */
static int drain_pending(struct crdt_store *s, struct crdt_author *a,
			 struct crdt_apply_stats *st)
{
	struct crdt_buf buf;
	int rc = 0;

	crdt_buf_init(&buf, CRDT_MAX_BODY + CRDT_SIG_LEN);
	for (;;) {
		struct ent e = { 0 };

		rc = crdt_store_take_pending(s, a->n, a->head + 1, &buf,
					     &e.sig_ok);
		if (rc == KITH_ENOTFOUND) {
			rc = 0;
			break;
		}
		if (rc)
			break;
		e.ok = 0;
		if (crdt_change_decode(&e.c, buf.data, buf.len))
			break; /* cannot happen: it was decoded before */
		e.p = buf.data;
		e.len = buf.len;
		if (!crdt_equal(e.c.prev, a->head_hash, CRDT_HASH_LEN)) {
			crdt_change_release(&e.c);
			break; /* from a losing fork branch: dropped */
		}
		rc = append(s, a, &e, st);
		crdt_change_release(&e.c);
		if (rc)
			break;
	}
	crdt_buf_release(&buf);
	return rc;
}

/* The stored change (a, seq) hashed; KITH_ENOTFOUND if not stored. */
static int stored_hash(struct crdt_store *s, const struct crdt_author *a,
		       uint64_t seq, uint8_t hash[CRDT_HASH_LEN],
		       struct crdt_buf *buf)
{
	int rc;

	if (seq == a->head) {
		memcpy(hash, a->head_hash, CRDT_HASH_LEN);
		return 0;
	}
	rc = crdt_store_get_change(s, a->n, seq, buf);
	if (rc)
		return rc;
	if (buf->len < CRDT_SIG_LEN)
		return KITH_EDECODE;
	crdt_hash(hash, CRDT_HASH_LEN, buf->data, buf->len - CRDT_SIG_LEN);
	return 0;
}

/*
 * e (verified) differs from our stored change at e->c.seq.  Lower hash
 * wins.  If e wins, our changes from that seq on are dropped (the first is
 * kept as evidence) and the view rebuilt; the caller then appends e.
 */
static int resolve_fork(struct crdt_store *s, struct crdt_author *a,
			struct ent *e, struct crdt_buf *buf, int *e_wins)
{
	uint8_t ours[CRDT_HASH_LEN];
	uint64_t seq = e->c.seq, k;
	int rc;

	rc = stored_hash(s, a, seq, ours, buf);
	if (rc)
		return rc;
	a->forked = 1;
	*e_wins = memcmp(e->c.hash, ours, CRDT_HASH_LEN) < 0;
	if (!*e_wins)
		return crdt_store_put_fork(s, a->n, seq, e->c.hash, e->p, e->len);
	rc = crdt_store_get_change(s, a->n, seq, buf);
	if (rc)
		return rc;
	{
		/* ours becomes evidence, forwarded and checked alone: keep it
		 * only with a good signature of its own */
		struct crdt_change c;

		if (crdt_change_decode(&c, buf->data, buf->len) == 0) {
			if (crdt_change_verify(&c) == 0)
				rc = crdt_store_put_fork(s, a->n, seq, ours,
							 buf->data, buf->len);
			crdt_change_release(&c);
		}
	}
	if (!rc)
		rc = cut_log(s, a->n, seq);
	if (rc)
		return rc;
	/* new head: seq - 1 */
	a->head = seq - 1;
	memset(a->head_hash, 0, CRDT_HASH_LEN);
	if (a->head) {
		rc = crdt_store_get_change(s, a->n, a->head, buf);
		if (rc)
			return rc;
		crdt_hash(a->head_hash, CRDT_HASH_LEN, buf->data,
			  buf->len - CRDT_SIG_LEN);
	}
	rc = crdt_store_rebuild(s);
	(void)k;
	return rc;
}

/* n changes of a continue another branch of a's log than ours: a fork we
 * cannot judge without the changes where the branches part. */
static void unchained(struct crdt_apply_stats *st, const struct crdt_author *a,
		      size_t n)
{
	st->unchained += n;
	if (!st->has_unchained) {
		st->has_unchained = 1;
		memcpy(st->unchained_pk, a->pk, CRDT_PK_LEN);
	}
}

/*
 * Hold r[i..m) (beyond a gap) in pending, whole or not at all: a held
 * stretch always ends on the run's last change, whose signature was
 * checked, so the log never ends on an unchecked one.  Bounded per author
 * and in all (what is not held is counted in st->dropped and comes again
 * with the changes before it).
 */
static int hold(struct crdt_store *s, struct crdt_author *a, struct ent *r,
		size_t m, size_t i, struct crdt_apply_stats *st)
{
	uint64_t mine, all;
	size_t k;
	int rc;

	if (r[m - 1].c.seq - a->head > CRDT_PENDING_MAX_GAP) {
		st->dropped += m - i;
		return 0;
	}
	rc = crdt_store_pending_count(s, a->n, &mine, &all);
	if (rc)
		return rc;
	if (mine + (m - i) > CRDT_PENDING_MAX_AUTHOR ||
	    all + (m - i) > CRDT_PENDING_MAX) {
		st->dropped += m - i;
		return 0;
	}
	for (k = i; k < m; k++) {
		rc = crdt_store_put_pending(s, a->n, r[k].c.seq, r[k].p,
					    r[k].len, r[k].sig_ok);
		if (rc)
			return rc;
		r[k].ok = 2; /* held; counted in apply_author if still waiting */
	}
	return 0;
}

/* One verified run r[0..m) of author a, ascending seq, chained. */
static int apply_run(struct crdt_store *s, struct crdt_author *a, struct ent *r,
		     size_t m, struct crdt_apply_stats *st, struct crdt_buf *buf)
{
	size_t i = 0;
	int rc;

	/* overlap with what we hold: one hash comparison covers the prefix
	 * thanks to the chain */
	if (r[0].c.seq <= a->head) {
		size_t last = 0;
		uint8_t h[CRDT_HASH_LEN];

		while (last + 1 < m && r[last + 1].c.seq <= a->head)
			last++;
		rc = stored_hash(s, a, r[last].c.seq, h, buf);
		if (rc)
			return rc;
		if (crdt_equal(h, r[last].c.hash, CRDT_HASH_LEN)) {
			st->duplicate += last + 1;
			i = last + 1;
		} else {
			/* find the first differing change */
			for (i = 0; i <= last; i++) {
				int e_wins;

				if (i == 0 && r[0].c.seq > 1) {
					uint8_t p[CRDT_HASH_LEN];

					/* does the run part from our log at
					 * r[0] itself, or earlier? */
					rc = stored_hash(s, a, r[0].c.seq - 1, p,
							 buf);
					if (rc)
						return rc;
					if (!crdt_equal(p, r[0].c.prev,
							CRDT_HASH_LEN)) {
						/* earlier: the change that
						 * decides is not in this
						 * input, so judge nothing */
						unchained(st, a, m);
						return 0;
					}
				}
				rc = stored_hash(s, a, r[i].c.seq, h, buf);
				if (rc)
					return rc;
				if (crdt_equal(h, r[i].c.hash, CRDT_HASH_LEN)) {
					st->duplicate++;
					continue;
				}
				if (crdt_store_is_fork(s, a->n, r[i].c.seq,
						       r[i].c.hash)) {
					/* a loser we judged before: the sender
					 * still holds it and needs ours */
					st->duplicate += m - i;
					st->has_fork_won = 1;
					memcpy(st->fork_pk, a->pk, CRDT_PK_LEN);
					st->fork_seq = r[i].c.seq;
					return 0;
				}
				/* fork evidence is kept and sent on, and will
				 * be checked alone: its own signature must be
				 * good (the run's vouches only for bodies) */
				if (crdt_change_verify(&r[i].c)) {
					st->rejected += m - i;
					return 0;
				}
				rc = resolve_fork(s, a, &r[i], buf, &e_wins);
				if (rc)
					return rc;
				st->forked++;
				if (!e_wins) {
					/* ours stays: the rest of theirs is
					 * the losing branch, and whoever sent
					 * it should get ours from here */
					st->superseded += m - i - 1;
					st->has_fork_won = 1;
					memcpy(st->fork_pk, a->pk, CRDT_PK_LEN);
					st->fork_seq = r[i].c.seq;
					return 0;
				}
				break;
			}
		}
	}
	for (; i < m; i++) {
		struct ent *e = &r[i];

		if (e->c.seq == a->head + 1) {
			if (!crdt_equal(e->c.prev, a->head_hash, CRDT_HASH_LEN)) {
				/* continues a branch we do not hold */
				unchained(st, a, m - i);
				return 0;
			}
			rc = append(s, a, e, st);
			if (rc)
				return rc;
			continue;
		}
		rc = hold(s, a, r, m, i, st);
		if (rc)
			return rc;
		break;
	}
	return drain_pending(s, a, st);
}

int crdt_is_checkpoint(const struct crdt_change *c)
{
	return c->seq % CRDT_SIG_EVERY == 0 || c->body_len > CRDT_SIG_BIG;
}

/*
 * r[0..m) is a run whose last signature is good.  Check the signature of
 * every checkpoint in it (crdt/apply.h); at the first bad one the author's
 * log ends, on every replica alike, at the last change before it whose own
 * signature is good.  Returns how many changes of the run may be applied
 * (the rest are counted refused).
 */
static size_t checkpoints(struct ent *r, size_t m, const struct crdt_author *a,
			  struct crdt_apply_stats *st)
{
	size_t k, b;

	for (b = 0; b + 1 < m; b++) {
		if (r[b].c.seq <= a->head || !crdt_is_checkpoint(&r[b].c))
			continue;
		if (crdt_change_verify(&r[b].c) == 0) {
			r[b].sig_ok = 1;
			continue;
		}
		break;
	}
	if (b + 1 >= m)
		return m;
	/* back to the last good signature after what we hold */
	for (k = b; k > 0; k--) {
		if (r[k - 1].c.seq <= a->head)
			break;
		if (r[k - 1].sig_ok || crdt_change_verify(&r[k - 1].c) == 0) {
			r[k - 1].sig_ok = 1;
			break;
		}
	}
	st->refused += m - k;
	return k;
}

static int apply_author(struct crdt_store *s, struct ent *g, size_t m,
			struct crdt_apply_stats *st, struct crdt_buf *buf)
{
	struct crdt_author a;
	uint64_t head0;
	int forked0, rc;
	size_t i = 0;

	rc = crdt_store_author(s, g[0].c.author, 1, &a);
	if (rc)
		return rc;
	head0 = a.head;
	forked0 = a.forked;
	while (i < m) {
		size_t j = i + 1, k;

		while (j < m && g[j].c.seq == g[j - 1].c.seq + 1 &&
		       crdt_equal(g[j].c.prev, g[j - 1].c.hash, CRDT_HASH_LEN))
			j++;
		/* authenticate the run by its newest signature */
		if (crdt_change_verify(&g[j - 1].c) == 0) {
			g[j - 1].sig_ok = 1;
			k = checkpoints(&g[i], j - i, &a, st);
			if (k)
				rc = apply_run(s, &a, &g[i], k, st, buf);
		} else {
			/* check one by one; apply the good ones singly */
			for (k = i; !rc && k < j; k++) {
				if (crdt_change_verify(&g[k].c)) {
					st->rejected++;
					continue;
				}
				g[k].sig_ok = 1;
				rc = apply_run(s, &a, &g[k], 1, st, buf);
			}
		}
		if (rc)
			return rc;
		i = j;
	}
	/* held: what this call put aside and is still waiting for a gap */
	for (i = 0; i < m; i++)
		if (g[i].ok == 2 && g[i].c.seq > a.head)
			st->held++;
	if (a.head != head0 || a.forked != forked0)
		rc = crdt_store_set_head(s, &a);
	return rc;
}

int crdt_apply(struct crdt_store *s, const struct crdt_raw *in, size_t n,
	       struct crdt_apply_stats *st)
{
	struct ent *e;
	struct crdt_buf buf;
	size_t i, m = 0, g;
	int rc = 0;

	if (!n)
		return 0;
	e = calloc(n, sizeof *e);
	if (!e)
		return KITH_ENOMEM;
	for (i = 0; i < n; i++) {
		if (crdt_change_decode(&e[m].c, in[i].p, in[i].len)) {
			st->rejected++;
			continue;
		}
		e[m].p = in[i].p;
		e[m].len = in[i].len;
		m++;
	}
	qsort(e, m, sizeof *e, ent_cmp);
	/* identical copies within the input are duplicates */
	for (i = 1, g = m ? 1 : 0; i < m; i++) {
		if (e[i].c.seq == e[g - 1].c.seq &&
		    !memcmp(e[i].c.author, e[g - 1].c.author, CRDT_PK_LEN) &&
		    !memcmp(e[i].c.hash, e[g - 1].c.hash, CRDT_HASH_LEN)) {
			st->duplicate++;
			crdt_change_release(&e[i].c);
			continue;
		}
		e[g++] = e[i];
	}
	m = g;
	crdt_buf_init(&buf, CRDT_MAX_BODY + CRDT_SIG_LEN);
	for (i = 0; !rc && i < m;) {
		size_t j = i + 1;

		while (j < m && !memcmp(e[j].c.author, e[i].c.author, CRDT_PK_LEN))
			j++;
		rc = apply_author(s, &e[i], j - i, st, &buf);
		i = j;
	}
	crdt_buf_release(&buf);
	for (i = 0; i < m; i++)
		crdt_change_release(&e[i].c);
	free(e);
	return rc;
}

/* ---- migration: the checkpoint rule over logs an older kith kept ------- */

static int mark_sig_ok(struct crdt_store *s, int64_t n, uint64_t seq)
{
	sqlite3_stmt *q = crdt_stmt(s, &apply_stmts, A_SIG_OK);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, CRDT_KEY(n, seq));
	return crdt_run(s, q);
}

/* Is the stored change (a, seq) signed well?  Marks it when it is. */
static int stored_sig_ok(struct crdt_store *s, const struct crdt_author *a,
			 uint64_t seq, struct crdt_buf *buf, int *ok,
			 int *checkpoint)
{
	struct crdt_change c;
	int rc = crdt_store_get_change_sig(s, a->n, seq, buf, ok);

	*checkpoint = 0;
	if (rc)
		return rc;
	if (crdt_change_decode(&c, buf->data, buf->len))
		return KITH_EDECODE;
	*checkpoint = crdt_is_checkpoint(&c);
	if (!*ok && (*checkpoint || seq == a->head) &&
	    crdt_change_verify(&c) == 0)
		*ok = 1;
	crdt_change_release(&c);
	return *ok ? mark_sig_ok(s, a->n, seq) : 0;
}

static int recheck_author(struct crdt_store *s, struct crdt_author *a,
			  struct crdt_buf *buf, int *cut)
{
	uint64_t seq, good = 0, end = a->head;
	int rc = 0, ok, cp;

	*cut = 0;
	for (seq = 1; seq <= a->head; seq++) {
		rc = stored_sig_ok(s, a, seq, buf, &ok, &cp);
		if (rc)
			return rc;
		if (ok) {
			good = seq;
			continue;
		}
		if (!cp && seq != a->head)
			continue;
		/* a bad checkpoint (or head): the log ends at the last good
		 * signature before it */
		for (end = seq - 1; end > good; end--) {
			struct crdt_change c;
			int v = 1;

			rc = crdt_store_get_change(s, a->n, end, buf);
			if (rc)
				return rc;
			if (crdt_change_decode(&c, buf->data, buf->len))
				return KITH_EDECODE;
			v = crdt_change_verify(&c);
			crdt_change_release(&c);
			if (v == 0) {
				rc = mark_sig_ok(s, a->n, end);
				if (rc)
					return rc;
				break;
			}
		}
		break;
	}
	if (end >= a->head)
		return 0;
	rc = cut_log(s, a->n, end + 1);
	if (!rc) {
		sqlite3_stmt *q = crdt_stmt(s, &apply_stmts, A_DROP_PENDING);

		if (!q)
			return KITH_EDB;
		sqlite3_bind_int64(q, 1, a->n);
		rc = crdt_run(s, q);
	}
	if (rc)
		return rc;
	a->head = end;
	memset(a->head_hash, 0, CRDT_HASH_LEN);
	if (end) {
		rc = crdt_store_get_change(s, a->n, end, buf);
		if (rc)
			return rc;
		crdt_hash(a->head_hash, CRDT_HASH_LEN, buf->data,
			  buf->len - CRDT_SIG_LEN);
	}
	*cut = 1;
	return crdt_store_set_head(s, a);
}

int crdt_apply_recheck(struct crdt_store *s)
{
	sqlite3_stmt *q;
	struct crdt_buf buf;
	int64_t need = 0;
	int rc, step;

	int64_t view = 0;

	rc = crdt_store_meta_get_int(s, "recheck", &need);
	if (!rc)
		rc = crdt_store_meta_get_int(s, "rebuild", &view);
	if (rc || (!need && !view))
		return rc;
	rc = crdt_store_begin(s);
	if (rc)
		return rc;
	if (!need) {
		/* a migration that adds a column the view fills (15) */
		rc = crdt_store_rebuild(s);
		if (!rc)
			rc = crdt_store_meta_set_int(s, "rebuild", 0);
		if (!rc)
			return crdt_store_commit(s);
		crdt_store_rollback(s);
		return rc;
	}
	crdt_buf_init(&buf, CRDT_MAX_BODY + CRDT_SIG_LEN);
	q = crdt_stmt(s, &apply_stmts, A_AUTHORS);
	if (!q) {
		rc = KITH_EDB;
		goto out;
	}
	step = sqlite3_step(q);
	while (!rc && step == SQLITE_ROW) {
		struct crdt_author a;
		int cut;

		if (sqlite3_column_bytes(q, 0) == CRDT_PK_LEN) {
			rc = crdt_store_author(s, sqlite3_column_blob(q, 0), 0,
					       &a);
			if (!rc && a.n)
				rc = recheck_author(s, &a, &buf, &cut);
		}
		if (!rc)
			step = sqlite3_step(q);
	}
	if (!rc && step != SQLITE_DONE)
		rc = crdt_store_err(s, step);
	crdt_reset(q);
	if (!rc)
		rc = crdt_store_rebuild(s);
	if (!rc)
		rc = crdt_store_meta_set_int(s, "recheck", 0);
	if (!rc && view)
		rc = crdt_store_meta_set_int(s, "rebuild", 0);
out:
	crdt_buf_release(&buf);
	if (!rc)
		rc = crdt_store_commit(s);
	else
		crdt_store_rollback(s);
	return rc;
}
