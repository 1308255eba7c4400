/*
 * test_action_member.c - init, profile, whoami and the members list
 * (action/member.h): every refusal with its message and nothing written,
 * every success, and that init gives no "not joined" warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "action/member.h"
#include "crdt/codec.h"
#include "crdt/facts.h"
#include "crdt/rules.h"
#include "tests/testlib.h"

static int warnings;
static char last_warning[ACTION_MSG_MAX];

static void count_warning(void *ctx, const char *msg)
{
	(void)ctx;
	warnings++;
	snprintf(last_warning, sizeof last_warning, "%s", msg);
}

static void close_free(void *p)
{
	struct action *a = p;

	(void)action_close(a);
	free(a);
}

/* A data directory DIR/name opened with ACTION_CREATE, no identity. */
static struct action *fresh(struct tl_fixture *f, const char *name)
{
	struct action *a = calloc(1, sizeof *a);
	char dir[TL_PATH_MAX + 64];

	TL_CHECK(a != NULL, "out of memory");
	action_init(a, TL_EPOCH_MS);
	tl_defer(f, close_free, a);
	tl_path(f, name, dir, sizeof dir);
	TL_OK(action_open(a, dir, ACTION_CREATE));
	a->warn = count_warning;
	return a;
}

static int identity_exists(struct action *a)
{
	char path[PEER_PATH_MAX];
	struct stat st;

	TL_OK(peer_path(path, sizeof path, a->home, "identity"));
	return stat(path, &st) == 0;
}

/* ---- init --------------------------------------------------------------- */

static void init_creates_identity_and_profile(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = fresh(f, "ann");
	struct action_profile p = { "Ann", "Elm 4", "12", "bikes", "evenings" };
	uint8_t id[CRDT_PK_LEN];
	char name[64];

	warnings = 0;
	TL_OK(action_member_init(a, &p, id));
	TL_CHECK(identity_exists(a), "the identity file is written");
	TL_CHECK(a->r.id.sk && !memcmp(id, a->r.id.pk, CRDT_PK_LEN),
		 "id is the acting identity");
	TL_EQ(warnings, 0, "init before any community gives no warning");
	TL_EQ(tl_changes(a), 1, "one change: the profile");
	TL_OK(tl_text(&a->r, "SELECT name FROM members WHERE id = ?1", id,
		      CRDT_PK_LEN, name, sizeof name));
	TL_CHECK(!strcmp(name, "Ann"), "the profile is published: '%s'", name);
	TL_OK(tl_text(&a->r, "SELECT available FROM members WHERE id = ?1",
		      id, CRDT_PK_LEN, name, sizeof name));
	TL_CHECK(!strcmp(name, "evenings"), "available: '%s'", name);
}

static void init_refusals(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = fresh(f, "ann");
	struct action_profile none = { 0 }, empty = { "", 0, 0, 0, 0 };
	struct action_profile bad = { "Ann", "\xff\xfe", 0, 0, 0 };
	struct action_profile ok = { "Ann", 0, 0, 0, 0 };
	struct action_profile again = { "Mallory", 0, 0, 0, 0 };
	char *long_text = malloc(CRDT_MAX_TEXT + 2);
	uint8_t id[CRDT_PK_LEN], pk[CRDT_PK_LEN];
	char digest[65], digest2[65];

	TL_CHECK(long_text != NULL, "out of memory");
	tl_defer(f, free, long_text);
	memset(long_text, 'x', CRDT_MAX_TEXT + 1);
	long_text[CRDT_MAX_TEXT + 1] = 0;

	TL_RC(action_member_init(a, &none, id), KITH_EINVAL);
	TL_CHECK(strstr(a->msg, "a name is required") != NULL, "'%s'", a->msg);
	TL_RC(action_member_init(a, &empty, id), KITH_EINVAL);
	TL_CHECK(strstr(a->msg, "your name cannot be empty") != NULL, "'%s'",
		 a->msg);
	TL_RC(action_member_init(a, &bad, id), KITH_EINVAL);
	TL_CHECK(!strcmp(a->msg, "a profile text is not valid UTF-8"), "'%s'",
		 a->msg);
	{
		struct action_profile big = { "Ann", 0, 0, long_text, 0 };

		TL_RC(action_member_init(a, &big, id), KITH_EINVAL);
		TL_CHECK(!strcmp(a->msg, "a profile text is too long (at most "
					 "4096 bytes)"),
			 "'%s'", a->msg);
	}
	TL_CHECK(!identity_exists(a), "a refused init writes no identity");
	TL_EQ(tl_changes(a), 0, "a refused init writes no change");

	TL_OK(action_member_init(a, &ok, id));
	TL_OK(tl_digest(&a->r, digest));
	memcpy(pk, a->r.id.pk, CRDT_PK_LEN);
	TL_RC(action_member_init(a, &again, id), KITH_EEXISTS);
	TL_CHECK(strstr(a->msg, "an identity already exists in '") &&
			 strstr(a->msg, "refusing to overwrite it"),
		 "'%s'", a->msg);
	TL_OK(tl_digest(&a->r, digest2));
	TL_CHECK(!strcmp(digest, digest2), "nothing written");
	TL_EQ(tl_changes(a), 1, "still one change");
	TL_CHECK(!memcmp(pk, a->r.id.pk, CRDT_PK_LEN), "the identity is kept");
}

/* ---- profile ------------------------------------------------------------ */

static void profile_updates(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action_profile p = { "Alicia", "Oak 1", 0, "soup", 0 };
	struct action_me me;

	a->warn = count_warning;
	warnings = 0;
	TL_OK(action_member_profile(a, &p, NULL));
	TL_EQ(warnings, 0, "a member of a community is not warned");
	TL_OK(action_member_whoami(a, &me));
	TL_CHECK(!strcmp(me.name, "Alicia") && !strcmp(me.building, "Oak 1") &&
			 !strcmp(me.skills, "soup"),
		 "whoami shows the new profile: %s %s %s", me.name,
		 me.building, me.skills);
	action_member_me_wipe(&me);
	/* "" clears a field */
	p = (struct action_profile){ 0, "", 0, 0, 0 };
	TL_OK(action_member_profile(a, &p, NULL));
	TL_OK(action_member_whoami(a, &me));
	TL_CHECK(!strcmp(me.building, "") && !strcmp(me.name, "Alicia"),
		 "building cleared, name kept: '%s' '%s'", me.building,
		 me.name);
	action_member_me_wipe(&me);
}

static void profile_before_joining_warns(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = fresh(f, "ann");
	struct action_profile p = { "Ann", 0, 0, 0, 0 };
	struct action_profile s = { 0, 0, 0, "knitting", 0 };
	uint8_t id[CRDT_PK_LEN];

	warnings = 0;
	TL_OK(action_member_init(a, &p, id));
	TL_EQ(warnings, 0, "init does not warn");
	TL_OK(action_member_profile(a, &s, NULL));
	TL_EQ(warnings, 1, "a profile edit before joining warns once");
	TL_CHECK(strstr(last_warning, "not joined a community") != NULL,
		 "'%s'", last_warning);
}

static void profile_refusals(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action *r = fresh(f, "reader");
	struct action_profile none = { 0 }, empty = { "", 0, 0, 0, 0 };
	struct action_profile bad = { 0, 0, "\xc0\x80", 0, 0 };
	struct action_profile name = { "Bea", 0, 0, 0, 0 };
	struct action_private priv = { "secret", { "Zed" }, 1 };
	char digest[65], digest2[65];
	int64_t n = tl_changes(a);

	TL_OK(tl_digest(&a->r, digest));
	TL_RC(action_member_profile(a, &none, NULL), KITH_EINVAL);
	TL_CHECK(!strcmp(a->msg, "nothing to change in your profile"), "'%s'",
		 a->msg);
	TL_RC(action_member_profile(a, &empty, NULL), KITH_EINVAL);
	TL_CHECK(strstr(a->msg, "your name cannot be empty") != NULL, "'%s'",
		 a->msg);
	TL_RC(action_member_profile(a, &bad, NULL), KITH_EINVAL);
	TL_CHECK(strstr(a->msg, "not valid UTF-8") != NULL, "'%s'", a->msg);
	TL_RC(action_member_profile(a, &none, &priv), KITH_ENOTFOUND);
	TL_CHECK(strstr(a->msg, "no member 'Zed'") != NULL,
		 "an unknown private reader is named: '%s'", a->msg);
	TL_OK(tl_digest(&a->r, digest2));
	TL_CHECK(!strcmp(digest, digest2), "refusals write nothing");
	TL_EQ(tl_changes(a), n, "no change");

	/* a directory without an identity */
	TL_RC(action_member_profile(r, &name, NULL), KITH_ENOIDENT);
	TL_CHECK(strstr(r->msg, "kith init") != NULL, "'%s'", r->msg);
	TL_EQ(tl_changes(r), 0, "nothing written without an identity");
}

static void profile_private_part(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action *b = tl_member(f, "Bob");
	struct action *c = tl_member(f, "Carol");
	struct action_private priv = { "spare key at unit 3", { "Carol" }, 1 };
	struct action_private gone = { "", { 0 }, 0 };
	struct action_private_view v;
	struct action_me me;

	tl_member_sync(b, a); /* Bob learns Carol's name */
	TL_OK(action_member_profile(b, &(struct action_profile){ 0 }, &priv));
	TL_OK(action_member_whoami(b, &me));
	TL_EQ(me.priv.state, ACTION_PRIV_OPEN, "Bob reads his own part");
	TL_CHECK(!strcmp(me.priv.text, "spare key at unit 3"), "'%s'",
		 me.priv.text);
	action_member_me_wipe(&me);
	tl_member_sync(a, b);
	tl_member_sync(c, b);
	TL_OK(action_private_read(c, CRDT_R_MEMBER, b->r.id.pk, b->r.id.pk,
				  &v));
	TL_EQ(v.state, ACTION_PRIV_OPEN, "Carol, named, reads it");
	action_private_view_wipe(&v);
	TL_OK(action_private_read(a, CRDT_R_MEMBER, b->r.id.pk, b->r.id.pk,
				  &v));
	TL_EQ(v.state, ACTION_PRIV_OPEN, "Alice, the coordinator, reads it");
	action_private_view_wipe(&v);

	TL_OK(action_member_profile(b, &(struct action_profile){ 0 }, &gone));
	TL_OK(action_member_whoami(b, &me));
	TL_EQ(me.priv.state, ACTION_PRIV_NONE, "\"\" removes the private part");
	action_member_me_wipe(&me);
}

/* ---- whoami ------------------------------------------------------------- */

static void whoami_shows_me(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action_me me;
	char hex[2 * CRDT_PK_LEN + 1];

	TL_OK(action_member_whoami(a, &me));
	crdt_hex(hex, a->r.id.pk, CRDT_PK_LEN);
	TL_CHECK(!strcmp(me.id, hex), "id: '%s'", me.id);
	TL_CHECK(!strcmp(me.name, "Alice"), "name: '%s'", me.name);
	TL_CHECK(me.joined && !strcmp(me.community, "Test Street"),
		 "community: %d '%s'", me.joined, me.community);
	TL_EQ(me.verified, 0, "not verified");
	TL_CHECK(me.hours == 0, "no hours");
	TL_EQ(me.priv.state, ACTION_PRIV_NONE, "no private part");
	action_member_me_wipe(&me);
}

static void whoami_refusals(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = fresh(f, "ann");
	struct action_me me;
	struct tl_env e;
	struct crdt_env env;

	TL_RC(action_member_whoami(a, &me), KITH_ENOIDENT);
	TL_CHECK(strstr(a->msg, "kith init") != NULL, "'%s'", a->msg);
	/* an identity without a profile (init cut short) */
	tl_env_init(&e, 7);
	env = tl_env_crdt(&e);
	TL_OK(peer_identity_create(a->home, &env, &a->r.id));
	TL_RC(action_member_whoami(a, &me), KITH_ENOTFOUND);
	TL_CHECK(!strcmp(a->msg, "your profile is missing; run 'kith profile "
				 "--name NAME'"),
		 "'%s'", a->msg);
}

/* ---- members list -------------------------------------------------------- */

#define MAXROWS 8
struct rows {
	int n;
	char shown[MAXROWS][64];
	char short_id[MAXROWS][65];
	char id[MAXROWS][65];
	int verified[MAXROWS];
	int forked[MAXROWS];
	double hours[MAXROWS];
	int stop_at; /* return 7 at this row (1-based), 0: never */
};

static int collect(void *ctx, const struct action_member *m)
{
	struct rows *r = ctx;

	TL_CHECK(r->n < MAXROWS, "too many rows");
	TL_CHECK(m->row && crdt_row_get(m->row, "hours") &&
			 crdt_row_get(m->row, "skills"),
		 "the replica's row comes along (machine output)");
	snprintf(r->shown[r->n], 64, "%s", m->shown);
	snprintf(r->short_id[r->n], 65, "%s", m->short_id);
	snprintf(r->id[r->n], 65, "%s", m->id);
	r->verified[r->n] = m->verified;
	r->forked[r->n] = m->forked;
	r->hours[r->n] = m->hours;
	r->n++;
	return r->stop_at == r->n ? 7 : 0;
}

/* Alice (coordinator) verifies member pk in building "Elm". */
static void verify(struct action *a, const uint8_t pk[CRDT_PK_LEN])
{
	struct crdt_buf seen;
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_VERIFY);
	TL_OK(crdt_op_set_bytes(&op, F_VERIFY_MEMBER, pk, CRDT_PK_LEN));
	TL_OK(crdt_op_set_int(&op, F_VERIFY_GRANT, 1));
	TL_OK(crdt_op_set_text(&op, F_VERIFY_BUILDING, "Elm"));
	TL_OK(crdt_op_set_text(&op, F_VERIFY_UNIT, "1"));
	crdt_buf_init(&seen, CRDT_SEEN_MAX * CRDT_HASH_LEN);
	TL_OK(crdt_facts_seen(a->r.store, CRDT_SEEN_AUTHORITY, NULL, &seen));
	if (seen.len)
		TL_OK(crdt_op_set_bytes(&op, F_VERIFY_SEEN, seen.data,
					seen.len));
	TL_OK(crdt_op_finish(&op));
	TL_OK(action_commit(a, &op, 1, NULL, "cannot verify"));
	crdt_buf_release(&seen);
	TL_OK(action_refresh(a));
}

static void members_list_by_name(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action *b = tl_member(f, "bob");
	struct action *x = fresh(f, "nameless");
	struct action_profile p = { 0, "Elm", 0, 0, 0 };
	struct rows r = { 0 };
	struct tl_env e;
	struct crdt_env env;
	struct crdt_apply_stats st;
	uint8_t got[CRDT_PK_LEN];
	char hex[65];
	int i;

	/* a member who published a profile without a name */
	tl_env_init(&e, 99);
	env = tl_env_crdt(&e);
	TL_OK(peer_identity_create(x->home, &env, &x->r.id));
	TL_OK(action_member_profile(x, &p, NULL));
	TL_OK(tl_sync(&a->r, &x->r, &st));
	verify(a, b->r.id.pk);

	TL_OK(action_member_list(a, collect, &r));
	TL_EQ(r.n, 3, "three members");
	crdt_hex(hex, x->r.id.pk, CRDT_PK_LEN);
	/* sorted by name, case-insensitive; the nameless first ("") */
	TL_CHECK(!strcmp(r.id[0], hex), "the nameless member sorts first");
	TL_CHECK(!strcmp(r.shown[0], r.short_id[0]),
		 "a member without a name is shown by short id: '%s'",
		 r.shown[0]);
	TL_CHECK(!strcmp(r.shown[1], "Alice") && !strcmp(r.shown[2], "bob"),
		 "names: '%s' '%s'", r.shown[1], r.shown[2]);
	TL_CHECK(!r.verified[0] && !r.verified[1] && r.verified[2],
		 "only bob is verified: %d %d %d", r.verified[0],
		 r.verified[1], r.verified[2]);
	for (i = 0; i < r.n; i++) {
		TL_CHECK(strlen(r.short_id[i]) >= 6 &&
				 !strncmp(r.short_id[i], r.id[i],
					  strlen(r.short_id[i])),
			 "short id '%s' is a prefix of '%s'", r.short_id[i],
			 r.id[i]);
		TL_OK(action_resolve(a, CRDT_R_MEMBER, r.short_id[i], got));
		crdt_hex(hex, got, CRDT_PK_LEN);
		TL_CHECK(!strcmp(hex, r.id[i]), "'%s' names its member",
			 r.short_id[i]);
		TL_CHECK(r.hours[i] == 0 && !r.forked[i], "no hours, no fork");
	}

	/* the callback stops the list */
	memset(&r, 0, sizeof r);
	r.stop_at = 2;
	TL_RC(action_member_list(a, collect, &r), 7);
	TL_EQ(r.n, 2, "stopped after the second row");

	/* no identity needed to read */
	{
		struct action *reader = calloc(1, sizeof *reader);

		TL_CHECK(reader != NULL, "out of memory");
		action_init(reader, TL_EPOCH_MS);
		tl_defer(f, close_free, reader);
		TL_OK(action_open(reader, a->home, ACTION_READ));
		memset(&r, 0, sizeof r);
		TL_OK(action_member_list(reader, collect, &r));
		TL_EQ(r.n, 3, "a reader without identity sees three");
	}
}


/* ---- find: the list as a page shows it ----------------------------------- */

struct found_rows {
	int n;
	char shown[MAXROWS][64];
	char available[MAXROWS][64];
	int coordinator[MAXROWS], head[MAXROWS], volunteer[MAXROWS];
	double received[MAXROWS];
};

static int collect_found(void *ctx, const struct action_member *m)
{
	struct found_rows *r = ctx;

	TL_CHECK(r->n < MAXROWS, "too many rows");
	TL_CHECK(m->row == NULL, "find hands copies, not the replica's row");
	snprintf(r->shown[r->n], 64, "%s", m->shown);
	snprintf(r->available[r->n], 64, "%s", m->available);
	r->coordinator[r->n] = m->coordinator;
	r->head[r->n] = m->head;
	r->volunteer[r->n] = m->volunteer;
	r->received[r->n] = m->received;
	r->n++;
	return 0;
}

/* find with search s, offset, limit into r (cleared); returns total. */
static size_t find(struct action *a, const char *s, size_t offset,
		   size_t limit, struct found_rows *r)
{
	struct action_member_filter flt = { s, NULL, offset, limit };
	size_t total = 99;

	memset(r, 0, sizeof *r);
	TL_OK(action_member_find(a, &flt, collect_found, r, &total));
	return total;
}

static void members_find_by_building(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action *b = tl_member(f, "Bob");
	struct action *c = tl_member(f, "Carol");
	struct action_profile pa = { 0, "elm", 0, "Cooking, sewing", 0 };
	struct action_profile pb = { 0, "Oak", "3", 0, "weekends" };
	struct action_profile pc = { 0, "", 0, 0, 0 };
	struct action_member_filter one = { 0 };
	struct found_rows r;
	struct action_me *me = calloc(1, sizeof *me);
	char big[CRDT_MAX_TEXT + 2];
	size_t total;
	int64_t before;

	TL_CHECK(me != NULL, "out of memory");
	TL_OK(action_member_profile(a, &pa, NULL));
	TL_OK(action_member_profile(b, &pb, NULL));
	TL_OK(action_member_profile(c, &pc, NULL));
	tl_member_sync(a, b);
	tl_member_sync(a, c);

	/* by building, case-insensitive; no building last */
	total = find(a, NULL, 0, 0, &r);
	TL_EQ(total, 3, "three members found");
	TL_EQ(r.n, 3, "three handed over");
	TL_CHECK(!strcmp(r.shown[0], "Alice") && !strcmp(r.shown[1], "Bob") &&
			 !strcmp(r.shown[2], "Carol"),
		 "elm, Oak, none: '%s' '%s' '%s'", r.shown[0], r.shown[1],
		 r.shown[2]);
	TL_CHECK(r.coordinator[0] && !r.coordinator[1] && !r.coordinator[2],
		 "the founder is the coordinator: %d %d %d", r.coordinator[0],
		 r.coordinator[1], r.coordinator[2]);
	TL_CHECK(!r.head[0] && !r.head[1] && !r.head[2], "no building heads");
	TL_CHECK(r.volunteer[0] && r.volunteer[1] && !r.volunteer[2],
		 "skills or time make a volunteer: %d %d %d", r.volunteer[0],
		 r.volunteer[1], r.volunteer[2]);
	TL_CHECK(!strcmp(r.available[1], "weekends") && !*r.available[0],
		 "when they can help: '%s' '%s'", r.available[0],
		 r.available[1]);
	TL_CHECK(r.received[0] == 0 && r.received[1] == 0, "no hours yet");

	/* search: every word, in any field, any case */
	total = find(a, "COOK", 0, 0, &r);
	TL_CHECK(total == 1 && r.n == 1 && !strcmp(r.shown[0], "Alice"),
		 "a skill in capitals: %zu '%s'", total, r.shown[0]);
	total = find(a, " weekends  oak ", 0, 0, &r);
	TL_CHECK(total == 1 && !strcmp(r.shown[0], "Bob"),
		 "two words, available and building: %zu", total);
	total = find(a, "cook oak", 0, 0, &r);
	TL_CHECK(total == 0 && r.n == 0, "every word must match: %zu", total);
	total = find(a, "", 0, 0, &r);
	TL_EQ(total, 3, "an empty search is everyone");

	/* a window */
	total = find(a, NULL, 1, 1, &r);
	TL_CHECK(total == 3 && r.n == 1 && !strcmp(r.shown[0], "Bob"),
		 "offset 1, limit 1: %zu %d '%s'", total, r.n, r.shown[0]);
	total = find(a, NULL, 10, 5, &r);
	TL_CHECK(total == 3 && r.n == 0, "past the end: %zu %d", total, r.n);
	total = find(a, NULL, 2, 5, &r);
	TL_CHECK(total == 3 && r.n == 1 && !strcmp(r.shown[0], "Carol"),
		 "the last of a window not full: %zu %d", total, r.n);
	total = find(a, "c", 0, 1, &r);
	TL_CHECK(total == 2 && r.n == 1 && !strcmp(r.shown[0], "Alice"),
		 "a full window of a search counts the rest: %zu %d", total,
		 r.n);

	/* one member */
	memset(&r, 0, sizeof r);
	one.member = "bob";
	TL_OK(action_member_find(a, &one, collect_found, &r, &total));
	TL_CHECK(total == 1 && !strcmp(r.shown[0], "Bob"), "one by name");
	one.member = "Zed";
	TL_RC(action_member_find(a, &one, collect_found, &r, &total),
	      KITH_ENOTFOUND);
	TL_CHECK(strstr(a->msg, "Zed") != NULL, "'%s'", a->msg);

	/* refusals, nothing written */
	before = tl_changes(a);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	one.member = NULL;
	one.search = big;
	TL_RC(action_member_find(a, &one, collect_found, &r, &total),
	      KITH_EINVAL);
	TL_CHECK(!strcmp(a->msg, "the search is too long (at most 4096 bytes)"),
		 "'%s'", a->msg);
	one.search = "caf\xff";
	TL_RC(action_member_find(a, &one, collect_found, &r, &total),
	      KITH_EINVAL);
	TL_CHECK(!strcmp(a->msg, "the search is not valid UTF-8"), "'%s'",
		 a->msg);
	TL_EQ(tl_changes(a), before, "reading wrote nothing");

	/* whoami gives when I can help */
	TL_OK(action_member_whoami(b, me));
	TL_CHECK(!strcmp(me->available, "weekends") && !strcmp(me->unit, "3"),
		 "available '%s', unit '%s'", me->available, me->unit);
	action_member_me_wipe(me);
	free(me);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
		T(init_creates_identity_and_profile),
		T(init_refusals),
		T(profile_updates),
		T(profile_before_joining_warns),
		T(profile_refusals),
		T(profile_private_part),
		T(whoami_shows_me),
		T(whoami_refusals),
		T(members_list_by_name),
		T(members_find_by_building),
#undef T
	};

	return cmocka_run_group_tests(tests, tl_group_setup, NULL);
}
