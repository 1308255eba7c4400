/*
 * search.c - CJK grams, compiled searches and match terms (see search.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "db.h"
#include "err.h"
#include "query_sql.h"
#include "schema.h"
#include "search.h"

/* The grams indexes, written while materializing (materialize.c); each
 * statement for items, then the same for wishes. */
enum { S_GRAMS_ITEM, S_GRAMS_WISH, S_FIND_ITEM, S_FIND_WISH, S_DROP_ITEM,
       S_DROP_WISH, S_NSQL };
static const char *const search_sql[S_NSQL] = {
	[S_GRAMS_ITEM] = "INSERT INTO items_grams(rowid, grams) VALUES (?1, ?2)",
	[S_GRAMS_WISH] = "INSERT INTO wishes_grams(rowid, grams)"
			 " VALUES (?1, ?2)",
	[S_FIND_ITEM] = "SELECT t.rowid, t.title, t.description, (SELECT"
			" g.grams FROM items_grams g WHERE g.rowid = t.rowid)"
			" FROM items t WHERE t.id = ?1",
	[S_FIND_WISH] = "SELECT t.rowid, t.title, t.description, (SELECT"
			" g.grams FROM wishes_grams g WHERE g.rowid = t.rowid)"
			" FROM wishes t WHERE t.id = ?1",
	[S_DROP_ITEM] = "DELETE FROM items_grams WHERE rowid = ?1",
	[S_DROP_WISH] = "DELETE FROM wishes_grams WHERE rowid = ?1",
};
static const struct crdt_stmts search_stmts = CRDT_STMTS(search_sql);

/* ---- characters --------------------------------------------------------- */

struct range {
	uint32_t lo, hi;
};

static int in_ranges(uint32_t cp, const struct range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* Scripts written without spaces between words (sorted). */
static const struct range cjk[] = {
	{ 0x1100, 0x11ff },   /* Hangul Jamo */
	{ 0x2e80, 0x2fdf },   /* CJK and Kangxi radicals */
	{ 0x3005, 0x3007 },   /* 々 〆 〇 */
	{ 0x3021, 0x3029 },   /* Hangzhou numerals */
	{ 0x3031, 0x3035 },   /* kana repeat marks */
	{ 0x303b, 0x303c },
	{ 0x3041, 0x309f },   /* Hiragana */
	{ 0x30a1, 0x30fa },   /* Katakana, without ゠ and the middle dot ・ */
	{ 0x30fc, 0x30ff },
	{ 0x3105, 0x318f },   /* Bopomofo, Hangul compatibility Jamo */
	{ 0x31a0, 0x31bf },   /* Bopomofo extended */
	{ 0x31f0, 0x31ff },   /* Katakana phonetic extensions */
	{ 0x3400, 0x4dbf },   /* CJK extension A */
	{ 0x4e00, 0x9fff },   /* CJK unified ideographs */
	{ 0xa960, 0xa97f },   /* Hangul Jamo extended A */
	{ 0xac00, 0xd7ff },   /* Hangul syllables, Jamo extended B */
	{ 0xf900, 0xfaff },   /* CJK compatibility ideographs */
	{ 0xff66, 0xff9f },   /* halfwidth Katakana */
	{ 0x1b000, 0x1b16f }, /* kana supplement and extensions */
	{ 0x20000, 0x3ffff }, /* CJK extensions B.. (planes 2 and 3) */
};

int crdt_search_is_cjk(uint32_t cp)
{
	return cp >= 0x1100 && in_ranges(cp, cjk, sizeof cjk / sizeof cjk[0]);
}

/* Punctuation and spaces around words (ASCII, Latin-1, general,
 * CJK and fullwidth punctuation). */
static const struct range punct[] = {
	{ 0x00a0, 0x00bf }, { 0x00d7, 0x00d7 }, { 0x00f7, 0x00f7 },
	{ 0x2000, 0x206f }, { 0x3000, 0x3004 }, { 0x3008, 0x3020 },
	{ 0x3030, 0x3030 }, { 0x303d, 0x303f }, { 0x30a0, 0x30a0 },
	{ 0x30fb, 0x30fb }, { 0xfe30, 0xfe4f }, { 0xff01, 0xff0f },
	{ 0xff1a, 0xff20 }, { 0xff3b, 0xff40 }, { 0xff5b, 0xff65 },
};

static int is_alnum(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
	       (cp >= 'A' && cp <= 'Z');
}

/* A character of a word of a script with spaces. */
static int is_word(uint32_t cp)
{
	if (cp < 0x80)
		return is_alnum(cp);
	return !crdt_search_is_cjk(cp) &&
	       !in_ranges(cp, punct, sizeof punct / sizeof punct[0]);
}

/* ---- grams -------------------------------------------------------------- */

struct out {
	char *p;
	size_t cap, n;
	int over;
};

static void put(struct out *o, const void *s, size_t len)
{
	if (o->over || o->n + len >= o->cap) {
		o->over = 1;
		return;
	}
	memcpy(o->p + o->n, s, len);
	o->n += len;
	o->p[o->n] = 0;
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* A token: a space first unless it is the first. */
static void put_token(struct out *o, const char *a, size_t alen,
		      const char *b, size_t blen)
{
	if (o->n)
		put(o, " ", 1);
	put(o, a, alen);
	if (b)
		put(o, b, blen);
}

int crdt_search_grams(char *out, size_t cap, size_t *n, const char *s,
		      size_t len)
{
	struct out o = { out, cap, *n, 0 };
	const unsigned char *p = (const unsigned char *)s;
	const char *prev = NULL;
	size_t i = 0, plen = 0;

	if (!cap)
		return KITH_ETOOBIG;
	if (o.n >= cap)
		return KITH_ETOOBIG;
	out[o.n] = 0;
	while (i < len) {
		uint32_t cp;
		int k = p[i] < 0xe1 ? 0 : crdt_utf8_next(p + i, len - i, &cp);

		if (k && crdt_search_is_cjk(cp)) {
			if (prev)
				put_token(&o, prev, plen, s + i, (size_t)k);
			prev = s + i;
			plen = (size_t)k;
			i += (size_t)k;
			continue;
		}
		if (prev)
			put_token(&o, prev, plen, NULL, 0);
		prev = NULL;
		i += k ? (size_t)k : 1;
	}
	if (prev)
		put_token(&o, prev, plen, NULL, 0);
	if (o.over)
		return KITH_ETOOBIG;
	*n = o.n;
	return 0;
}

/* Any byte that can start a CJK character (all are >= U+1100)? */
static int may_have_cjk(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0xe1 && (unsigned char)s[i] <= 0xf4)
			return 1;
	return 0;
}

/* kith_grams(text, ...): the grams of all its text arguments, NULL when
 * there are none. */
static void grams_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	size_t total = 0, n = 0;
	char *buf;
	int i;

	for (i = 0; i < argc; i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_TEXT)
			total += (size_t)sqlite3_value_bytes(argv[i]);
	buf = sqlite3_malloc64(CRDT_GRAMS_CAP(total));
	if (!buf) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	buf[0] = 0;
	for (i = 0; i < argc; i++) {
		const char *t;
		int len;

		if (sqlite3_value_type(argv[i]) != SQLITE_TEXT)
			continue;
		t = (const char *)sqlite3_value_text(argv[i]);
		len = sqlite3_value_bytes(argv[i]);
		if (t && crdt_search_grams(buf, CRDT_GRAMS_CAP(total), &n, t,
					   (size_t)len)) {
			sqlite3_free(buf);
			sqlite3_result_error_toobig(ctx);
			return;
		}
	}
	if (n)
		sqlite3_result_text(ctx, buf, (int)n, sqlite3_free);
	else {
		sqlite3_free(buf);
		sqlite3_result_null(ctx);
	}
}

int crdt_search_register(sqlite3 *db)
{
	if (sqlite3_create_function_v2(db, "kith_grams", -1,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC |
					       SQLITE_INNOCUOUS,
				       NULL, grams_fn, NULL, NULL, NULL))
		return KITH_EDB;
	return 0;
}

/* ---- the index ---------------------------------------------------------- */

/* The grams of a title and a description (not NUL-terminated, may be
 * NULL) into *buf (malloc'd, *n bytes; NULL and 0 when there are none). */
static int grams_of(const char *title, size_t tlen, const char *desc,
		    size_t dlen, char **buf, size_t *n)
{
	size_t cap;
	int rc;

	*buf = NULL;
	*n = 0;
	if (!title)
		tlen = 0;
	if (!desc)
		dlen = 0;
	if (!may_have_cjk(title, tlen) && !may_have_cjk(desc, dlen))
		return 0;
	cap = CRDT_GRAMS_CAP(tlen + dlen);
	*buf = malloc(cap);
	if (!*buf)
		return KITH_ENOMEM;
	(*buf)[0] = 0;
	rc = crdt_search_grams(*buf, cap, n, title, tlen);
	if (!rc)
		rc = crdt_search_grams(*buf, cap, n, desc, dlen);
	return rc;
}

/* Run statement which with ?1 rowid and ?2 text (may be NULL). */
static int grams_write(struct crdt_store *s, int which, int64_t rowid,
		       const char *text, size_t n)
{
	sqlite3_stmt *q = crdt_stmt(s, &search_stmts, which);

	if (!q)
		return KITH_EDB;
	sqlite3_bind_int64(q, 1, rowid);
	if (text)
		sqlite3_bind_text(q, 2, text, (int)n, SQLITE_STATIC);
	return crdt_run(s, q);
}

static int grams_insert(struct crdt_store *s, int item, int64_t rowid,
			const char *text, size_t n)
{
	return grams_write(s, item ? S_GRAMS_ITEM : S_GRAMS_WISH, rowid, text,
			   n);
}

int crdt_search_index(struct crdt_store *s, int rtype, int64_t rowid,
		      const char *title, size_t tlen, const char *desc,
		      size_t dlen)
{
	char *buf;
	size_t n;
	int rc;

	if (rtype != CRDT_R_ITEM && rtype != CRDT_R_WISH)
		return 0;
	rc = grams_of(title, tlen, desc, dlen, &buf, &n);
	if (!rc && n)
		rc = grams_insert(s, rtype == CRDT_R_ITEM, rowid, buf, n);
	free(buf);
	return rc;
}

/* Only reads until something must change: most edits are of posts without
 * CJK text, or leave their grams as they were (an English description
 * under a Chinese title).  A write is not free: FTS5 writes out its
 * pending terms when a write goes back to an older rowid, as an edit
 * does. */
int crdt_search_reindex(struct crdt_store *s, int rtype, const uint8_t *id)
{
	int item = rtype == CRDT_R_ITEM;
	sqlite3_stmt *q;
	int64_t rowid = 0;
	int rc, had = 0, same = 0;
	char *buf = NULL;
	size_t n = 0;

	if (rtype != CRDT_R_ITEM && rtype != CRDT_R_WISH)
		return 0;
	q = crdt_stmt(s, &search_stmts, item ? S_FIND_ITEM : S_FIND_WISH);
	if (!q)
		return KITH_EDB;
	sqlite3_bind_blob(q, 1, id, CRDT_ID_LEN, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(q, 1);
		size_t tlen = t ? (size_t)sqlite3_column_bytes(q, 1) : 0;
		const char *d = (const char *)sqlite3_column_text(q, 2);
		size_t dlen = d ? (size_t)sqlite3_column_bytes(q, 2) : 0;
		const char *old = (const char *)sqlite3_column_text(q, 3);
		size_t olen = old ? (size_t)sqlite3_column_bytes(q, 3) : 0;

		rowid = sqlite3_column_int64(q, 0);
		had = old != NULL;
		rc = grams_of(t, tlen, d, dlen, &buf, &n);
		same = !rc && olen == n && (!n || !memcmp(old, buf, n));
	} else {
		rc = rc == SQLITE_DONE ? 0 : crdt_store_err(s, rc);
		same = 1; /* no such post: nothing to do */
	}
	crdt_reset(q);
	if (!rc && !same && had)
		rc = grams_write(s, item ? S_DROP_ITEM : S_DROP_WISH, rowid,
				 NULL, 0);
	if (!rc && !same && n)
		rc = grams_insert(s, item, rowid, buf, n);
	free(buf);
	return rc;
}

/* ---- searches ----------------------------------------------------------- */

/* The FTS5 query of one word of the scripts with spaces, as it always
 * was: quoted (a '"' doubled), prefix-matched. */
static void words_term(struct out *o, const char *w, size_t len)
{
	size_t i;

	if (o->n)
		put(o, " ", 1);
	put(o, "\"", 1);
	for (i = 0; i < len; i++) {
		if (w[i] == '"')
			put(o, "\"", 1);
		put(o, w + i, 1);
	}
	put(o, "\"*", 2);
}

/* The grams query of one CJK run of n characters at s (len bytes). */
static void grams_term(struct out *o, const char *s, size_t len, int n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint32_t cp;
	int k, prev_len = 0, first = 1;

	if (o->n)
		put(o, " ", 1);
	put(o, "\"", 1);
	if (n == 1) {
		put(o, s, len);
		put(o, "\"*", 2);
		return;
	}
	while (i < len) {
		k = crdt_utf8_next(p + i, len - i, &cp);
		if (k <= 0)
			break; /* cannot happen: the run was decoded before */
		if (prev_len) {
			if (!first)
				put(o, " ", 1);
			put(o, s + i - prev_len, (size_t)prev_len + (size_t)k);
			first = 0;
		}
		prev_len = k;
		i += (size_t)k;
	}
	put(o, "\"", 1);
}

/* A word that must occur as it is, as a JSON string. */
static void verify_term(struct out *o, const char *w, size_t len)
{
	size_t i;

	put(o, o->n ? "," : "[", 1);
	put(o, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)w[i];

		if (ch == '"' || ch == '\\') {
			put(o, "\\", 1);
			put(o, w + i, 1);
		} else if (ch < 0x20) {
			char esc[8];

			snprintf(esc, sizeof esc, "\\u%04x", ch);
			put_str(o, esc);
		} else {
			put(o, w + i, 1);
		}
	}
	put(o, "\"", 1);
}

/* Length of the separator at s (ASCII space or U+3000), or 0. */
static int space_at(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		return 1;
	/* byte by byte: stops at the NUL of a cut-off sequence */
	if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	return 0;
}

/* One word of the search: w[0..len). */
static void compile_word(struct out *words, struct out *grams,
		       struct out *verify, const char *w, size_t len)
{
	const unsigned char *p = (const unsigned char *)w;
	size_t i = 0, lo = 0, hi = len, run = 0;
	int has_cjk = 0, other = 0, nrun = 0, k;
	uint32_t cp;

	/* the word without punctuation around it */
	while (lo < hi) {
		k = crdt_utf8_next(p + lo, hi - lo, &cp);
		if (k && !is_word(cp) && !crdt_search_is_cjk(cp))
			lo += (size_t)k;
		else
			break;
	}
	while (hi > lo) {
		size_t b = hi - 1;

		while (b > lo && (p[b] & 0xc0) == 0x80)
			b--;
		k = crdt_utf8_next(p + b, hi - b, &cp);
		if (k && (size_t)k == hi - b && !is_word(cp) &&
		    !crdt_search_is_cjk(cp))
			hi = b;
		else
			break;
	}
	for (i = lo; i < hi; i += k ? (size_t)k : 1) {
		k = crdt_utf8_next(p + i, hi - i, &cp);
		if (k && crdt_search_is_cjk(cp))
			has_cjk = 1;
		else
			other = 1;
	}
	if (!has_cjk) {
		/* as it always was: the whole word, punctuation and all */
		words_term(words, w, len);
		return;
	}
	for (i = lo; i <= hi; i += k ? (size_t)k : 1) {
		k = i < hi ? crdt_utf8_next(p + i, hi - i, &cp) : 0;
		if (i < hi && k && crdt_search_is_cjk(cp)) {
			if (!nrun++)
				run = i;
			continue;
		}
		if (nrun)
			grams_term(grams, w + run, i - run, nrun);
		nrun = 0;
		if (i == hi)
			break;
	}
	if (other)
		verify_term(verify, w + lo, hi - lo);
}

int crdt_search_compile(struct crdt_search *q, const char *in)
{
	struct out words = { q->words, sizeof q->words, 0, 0 };
	struct out grams = { q->grams, sizeof q->grams, 0, 0 };
	struct out verify = { q->verify, sizeof q->verify, 0, 0 };
	const char *p = in ? in : "";

	q->words[0] = q->grams[0] = q->verify[0] = 0;
	for (;;) {
		const char *w;
		int k;

		while ((k = space_at(p)) > 0)
			p += k;
		if (!*p)
			break;
		w = p;
		while (*p && !space_at(p))
			p++;
		compile_word(&words, &grams, &verify, w, (size_t)(p - w));
	}
	if (verify.n)
		put(&verify, "]", 1);
	if (words.over || grams.over || verify.over) {
		q->words[0] = q->grams[0] = q->verify[0] = 0;
		return KITH_ETOOBIG;
	}
	return 0;
}

/* ---- match terms -------------------------------------------------------- */

/* Filler words that say nothing about what is needed or offered. */
static const char *const stopwords[] = {
	"about", "also", "and", "any", "anyone", "are", "asap", "but", "can",
	"could", "does", "for", "from", "get", "give", "got", "has", "have",
	"help", "her", "him", "his", "into", "its", "just", "like", "looking",
	"lot", "more", "much", "must", "need", "needed", "needs", "not", "our",
	"please", "some", "someone", "something", "thank", "thanks", "that",
	"the", "their", "them", "then", "there", "these", "they", "thing",
	"things", "this", "too", "urgent", "urgently", "use", "very", "want",
	"was", "week", "were", "what", "when", "who", "will", "with", "would",
	"you", "your",
	/* the same for CJK text: pairs, then single characters */
	"帮忙", "帮助", "需要", "急需", "谢谢", "感谢", "请问", "有人", "谁有",
	"一下", "一个", "我们", "你们", "他们", "可以", "麻烦", "希望", "想要",
	"东西", "如果", "或者", "非常", "什么", "没有", "现在", "这个", "那个",
	"一些", "的话", "今天", "明天",
	"的", "了", "和", "与", "或", "及", "是", "在", "有", "我", "你", "您",
	"他", "她", "它", "们", "这", "那", "个", "一", "不", "也", "都", "就",
	"要", "请", "帮", "谢", "吗", "呢", "吧", "啊", "把", "给", "用", "能",
	"会", "可", "找", "借", "需", "想", "人", "很", "好", "下", "些",
};

static int is_stopword(const char *w)
{
	size_t i;

	for (i = 0; i < sizeof stopwords / sizeof stopwords[0]; i++)
		if (!strcmp(stopwords[i], w))
			return 1;
	return 0;
}

/* Cut one ending off an ASCII word, keeping at least 4 letters (5 for
 * -er, so "mother" and "winter" stay): what is left matches as a prefix
 * ("plumber", "plumbing" -> "plumb"). */
static void stem(char *w)
{
	static const struct {
		const char *s;
		size_t keep;
	} endings[] = { { "ings", 4 }, { "ing", 4 }, { "ers", 5 }, { "ies", 4 },
			{ "es", 4 },   { "er", 5 },  { "ed", 4 },  { "s", 4 } };
	size_t n = strlen(w), i, k;

	for (i = 0; i < n; i++)
		if ((unsigned char)w[i] >= 0x80)
			return;
	for (i = 0; i < sizeof endings / sizeof endings[0]; i++) {
		k = strlen(endings[i].s);
		if (n >= k + endings[i].keep &&
		    !strcmp(w + n - k, endings[i].s)) {
			/* "glass", "cordless": no plural to cut */
			if (k == 1 && w[n - 2] == 's')
				return;
			w[n - k] = 0;
			return;
		}
	}
}

static void add_word(struct crdt_terms *t, char *w, size_t n, int digits)
{
	int i;

	w[n] = 0;
	/* too short, a number, filler, or cut mid-character */
	if (n < 3 || digits || n == CRDT_TERM_MAX - 1 || is_stopword(w))
		return;
	stem(w);
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i], w))
			return;
	if (t->n < CRDT_TERMS_WORDS)
		memcpy(t->v[t->n++], w, strlen(w) + 1);
}

static void add_gram(struct crdt_terms *t, const char *g, size_t len)
{
	char w[sizeof t->g[0]];
	int i;

	if (len >= sizeof w || t->ngrams >= CRDT_TERMS_GRAMS)
		return;
	memcpy(w, g, len);
	w[len] = 0;
	if (is_stopword(w))
		return;
	for (i = 0; i < t->ngrams; i++)
		if (!strcmp(t->g[i], w))
			return;
	memcpy(t->g[t->ngrams++], w, len + 1);
}

/* The grams of one CJK run: its pairs, then its characters. */
static void add_run(struct crdt_terms *t, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;
	uint32_t cp;
	int k, prev = 0;

	for (i = 0; i < len; i += (size_t)k) {
		k = crdt_utf8_next(p + i, len - i, &cp);
		if (k <= 0)
			return;
		if (prev)
			add_gram(t, s + i - prev, (size_t)(prev + k));
		prev = k;
	}
	for (i = 0; i < len; i += (size_t)k) {
		k = crdt_utf8_next(p + i, len - i, &cp);
		add_gram(t, s + i, (size_t)k);
	}
}

void crdt_terms_add(struct crdt_terms *t, const char *text)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	size_t len = strlen((const char *)p), i = 0;
	char w[CRDT_TERM_MAX];

	while (i < len) {
		size_t n = 0, run;
		int digits = 1, k;
		uint32_t cp;

		k = crdt_utf8_next(p + i, len - i, &cp);
		if (k && crdt_search_is_cjk(cp)) {
			run = i;
			while (i < len && (k = crdt_utf8_next(p + i, len - i, &cp)) &&
			       crdt_search_is_cjk(cp))
				i += (size_t)k;
			add_run(t, (const char *)p + run, i - run);
			continue;
		}
		if (!k || !is_word(cp)) {
			i += k ? (size_t)k : 1;
			continue;
		}
		while (i < len && (k = crdt_utf8_next(p + i, len - i, &cp)) &&
		       is_word(cp)) {
			if (cp < '0' || cp > '9')
				digits = 0;
			if (cp >= 'A' && cp <= 'Z')
				cp += 'a' - 'A';
			if (n + (size_t)k < CRDT_TERM_MAX - 1) {
				if (cp < 0x80)
					w[n++] = (char)cp;
				else
					memcpy(w + n, p + i, (size_t)k),
						n += (size_t)k;
			} else {
				n = CRDT_TERM_MAX - 1; /* too long */
			}
			i += (size_t)k;
		}
		add_word(t, w, n, digits);
	}
}

void crdt_terms_words_fts(const struct crdt_terms *t, char *out, size_t cap)
{
	struct out o = { out, cap, 0, 0 };
	int i;

	if (cap)
		out[0] = 0;
	for (i = 0; i < t->n; i++) {
		/* terms hold no '"' (only word characters): quoting is plain */
		if (i)
			put_str(&o, " OR ");
		put_str(&o, "\"");
		put_str(&o, t->v[i]);
		put_str(&o, "\"*");
	}
	if (o.over && cap)
		out[0] = 0;
}

void crdt_terms_grams_fts(const struct crdt_terms *t, char *out, size_t cap)
{
	struct out o = { out, cap, 0, 0 };
	int i;

	if (cap)
		out[0] = 0;
	for (i = 0; i < t->ngrams; i++) {
		uint32_t cp;
		size_t len = strlen(t->g[i]);
		int k = crdt_utf8_next((const unsigned char *)t->g[i], len, &cp);

		if (i)
			put_str(&o, " OR ");
		put_str(&o, "\"");
		put_str(&o, t->g[i]);
		/* one character: every pair it starts, or it ending a run */
		put_str(&o, (size_t)k == len ? "\"*" : "\"");
	}
	if (o.over && cap)
		out[0] = 0;
}
