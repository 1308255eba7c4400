/*
 * test_action_wish.c - wishes and offers through the action layer
 * (action/wish.h): every refusal (its rc, its message, and that nothing
 * was written) and every success path, among members with their own data
 * directories (tests/testlib.h tl_member).
 */
#include <stdio.h>
#include <string.h>

#include "action/action.h"
#include "action/wish.h"
#include "crdt/rules.h"
#include "tests/testlib.h"

/* rc and a part of the message, and nothing written. */
#define REFUSED(who, expr, want_rc, part)                                     \
	do {                                                                  \
		int64_t n_ = tl_changes(who);                                    \
		TL_RC((expr), (want_rc));                                     \
		TL_CHECK(strstr((who)->msg, (part)) != NULL,                  \
			 "%s: message has '%s': '%s'", #expr, (part),         \
			 (who)->msg);                                         \
		TL_EQ(tl_changes(who), n_, "a refusal writes nothing");          \
	} while (0)

static void hex_of(const uint8_t *id, char *out)
{
	crdt_hex(out, id, CRDT_ID_LEN);
}

/* A wish of a with this title; hex gets its id. */
static void post(struct action *a, const char *title, char *hex)
{
	struct action_wish_fields w;
	struct action_wish_result r;

	action_wish_fields_init(&w);
	w.title = title;
	TL_OK(action_wish_add(a, &w, &r));
	hex_of(r.wish, hex);
}

/* An offer of a on wish hex; out gets its id. */
static void offer(struct action *a, const char *wish, char *out)
{
	struct action_wish_result r;

	if (action_wish_claim(a, wish, 1, NULL, &r))
		fail_msg("offer on %s: %s", wish, a->msg);
	hex_of(r.claim, out);
}

struct status_ctx {
	char status[32];
	double hours;
	int nclaims;
	char claim_status[4][32];
	char claim_name[4][64];
};

static int status_row(void *ctx, const struct crdt_row *r)
{
	struct status_ctx *s = ctx;
	const struct crdt_col *c = crdt_row_get(r, "status");
	const struct crdt_col *h = crdt_row_get(r, "hours");

	snprintf(s->status, sizeof s->status, "%s", c && c->s ? c->s : "");
	s->hours = h && h->type != CRDT_COL_NULL ? h->d : -1;
	return 0;
}

static int claim_row(void *ctx, const struct crdt_row *r)
{
	struct status_ctx *s = ctx;
	const struct crdt_col *c = crdt_row_get(r, "status");
	const struct crdt_col *n = crdt_row_get(r, "claimant_name");

	if (s->nclaims < 4) {
		snprintf(s->claim_status[s->nclaims], 32, "%s",
			 c && c->s ? c->s : "");
		snprintf(s->claim_name[s->nclaims], 64, "%s",
			 n && n->s ? n->s : "");
	}
	s->nclaims++;
	return 0;
}

static void show(struct action *a, const char *wish, struct status_ctx *s)
{
	struct action_private_view v;

	memset(s, 0, sizeof *s);
	TL_OK(action_wish_show(a, wish, &v, status_row, claim_row, s, NULL));
	action_private_view_wipe(&v);
}

static void add_and_its_refusals(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action_wish_fields w;
	struct action_wish_result r;
	struct status_ctx s;
	char hex[33], big[CRDT_MAX_TEXT + 2];

	action_wish_fields_init(&w);
	REFUSED(a, action_wish_add(a, &w, &r), KITH_EINVAL,
		"a wish needs a title");
	w.title = "";
	REFUSED(a, action_wish_add(a, &w, &r), KITH_EINVAL,
		"a wish needs a title");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	w.title = big;
	REFUSED(a, action_wish_add(a, &w, &r), KITH_ETOOBIG,
		"the title is too long (at most 4096 bytes)");
	w.title = "Soup";
	w.description = big;
	REFUSED(a, action_wish_add(a, &w, &r), KITH_ETOOBIG,
		"the description is too long");
	w.description = NULL;
	w.urgency = CRDT_URGENCIES;
	REFUSED(a, action_wish_add(a, &w, &r), KITH_EINVAL, "unknown urgency");
	w.urgency = -1;
	w.kind = 7;
	REFUSED(a, action_wish_add(a, &w, &r), KITH_EINVAL, "unknown kind");
	w.kind = -1;
	w.quantity = CRDT_MAX_QTY + 1LL;
	REFUSED(a, action_wish_add(a, &w, &r), KITH_EINVAL,
		"the quantity must be a whole number from 1");
	w.quantity = 0;
	w.needed_by = CRDT_MAX_DATE + 1;
	REFUSED(a, action_wish_add(a, &w, &r), KITH_EINVAL, "out of range");
	w.needed_by = -1;

	TL_OK(action_wish_add(a, &w, &r));
	hex_of(r.wish, hex);
	TL_CHECK(strlen(r.wish_short) >= 6 && !strncmp(hex, r.wish_short,
							strlen(r.wish_short)),
		 "a short id that is a prefix: '%s' of '%s'", r.wish_short,
		 hex);
	show(a, hex, &s);
	TL_CHECK(!strcmp(s.status, "open"), "a new wish is open: '%s'",
		 s.status);
}

static void edit_withdraw_renew(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action *b = tl_member(f, "Bob");
	struct action_wish_fields w;
	struct action_wish_result r;
	struct status_ctx s;
	char w1[33], w2[33], msg[256];
	char t[64];

	post(a, "Soup", w1);
	post(a, "Bread", w2);
	tl_member_sync(a, b);
	action_wish_fields_init(&w);
	w.title = "Hot soup";
	snprintf(msg, sizeof msg,
		 "you cannot edit wish '%.6s': it was posted by another member",
		 w1);
	snprintf(t, sizeof t, "%.6s", w1);
	REFUSED(b, action_wish_edit(b, t, &w, &r), KITH_EDENIED, msg);
	TL_CHECK(!strcmp(b->msg, msg), "exact refusal: '%s'", b->msg);
	REFUSED(b, action_wish_withdraw(b, w1, &r), KITH_EDENIED,
		"you cannot withdraw wish");
	REFUSED(b, action_wish_renew(b, w1, &r), KITH_EDENIED,
		"you cannot renew wish");
	REFUSED(b, action_wish_edit(b, "abc", &w, &r), KITH_EINVAL,
		"too short");
	REFUSED(b, action_wish_edit(b, "abcdef0", &w, &r), KITH_ENOTFOUND,
		"no wish with id 'abcdef0'");

	TL_OK(action_wish_edit(a, w1, &w, &r));
	TL_CHECK(!strcmp(tl_title(&a->r, CRDT_R_WISH, r.wish, t, sizeof t),
			 "Hot soup"),
		 "the title changed: '%s'", t);
	action_wish_fields_init(&w);
	REFUSED(a, action_wish_edit(a, w1, &w, &r), KITH_EINVAL,
		"nothing to change");
	w.title = "";
	REFUSED(a, action_wish_edit(a, w1, &w, &r), KITH_EINVAL,
		"a wish needs a title");

	TL_OK(action_wish_renew(a, w2, &r));
	TL_OK(action_wish_withdraw(a, w2, &r));
	show(a, w2, &s);
	TL_CHECK(!strcmp(s.status, "withdrawn"), "withdrawn: '%s'", s.status);
	w.title = "X";
	REFUSED(a, action_wish_edit(a, w2, &w, &r), KITH_EINVAL, "was withdrawn");
	REFUSED(a, action_wish_withdraw(a, w2, &r), KITH_EINVAL,
		"was withdrawn");
	REFUSED(a, action_wish_renew(a, w2, &r), KITH_EINVAL, "was withdrawn");
}

static void offers_by_helpers(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action *b = tl_member(f, "Bob");
	struct action *c = tl_member(f, "Carol");
	struct action_wish_result r;
	struct status_ctx s;
	char w1[33], w2[33], cb[33], big[CRDT_MAX_TEXT + 2];

	post(a, "Soup", w1);
	post(a, "Bread", w2);
	TL_OK(action_wish_withdraw(a, w2, &r));
	tl_member_sync(a, b);
	tl_member_sync(a, c);
	REFUSED(a, action_wish_claim(a, w1, 1, NULL, &r), KITH_EDENIED,
		"is your own; you cannot offer help with it");
	REFUSED(b, action_wish_claim(b, w2, 1, NULL, &r), KITH_EINVAL,
		"was withdrawn and no longer needs help");
	REFUSED(b, action_wish_claim(b, w1, 0, NULL, &r), KITH_EINVAL,
		"the quantity must be");
	memset(big, 'n', sizeof big - 1);
	big[sizeof big - 1] = 0;
	REFUSED(b, action_wish_claim(b, w1, 1, big, &r), KITH_ETOOBIG,
		"the note is too long");

	TL_OK(action_wish_claim(b, w1, 2, "I have a pot", &r));
	hex_of(r.claim, cb);
	TL_CHECK(!strcmp(r.name, "Alice"), "the other side is Alice: '%s'",
		 r.name);
	TL_CHECK(r.has_claim && strlen(r.claim_short) >= 6, "offer short id");
	show(b, w1, &s);
	TL_CHECK(!strcmp(s.status, "claimed") && s.nclaims == 1 &&
			 !strcmp(s.claim_name[0], "Bob"),
		 "one offer by Bob: '%s' %d", s.status, s.nclaims);

	/* one offer per helper: a second one is refused while the first
	 * stands, delivered or not (many would bury the wish's page) */
	REFUSED(b, action_wish_claim(b, w1, 1, "again", &r), KITH_EINVAL,
		"you already offered help with wish");

	tl_member_sync(b, c);
	REFUSED(c, action_wish_deliver(c, cb, &r), KITH_EDENIED,
		"you cannot mark offer");
	REFUSED(c, action_wish_unclaim(c, cb, &r), KITH_EDENIED,
		"you cannot take back offer");
	REFUSED(c, action_wish_unclaim(c, "ffffff", &r), KITH_ENOTFOUND,
		"no offer with id 'ffffff'");
	TL_OK(action_wish_deliver(b, cb, &r));
	TL_CHECK(!strcmp(r.name, "Alice"), "deliver names Alice: '%s'",
		 r.name);
	show(b, w1, &s);
	TL_CHECK(!strcmp(s.status, "delivered"), "delivered: '%s'", s.status);
	REFUSED(b, action_wish_deliver(b, cb, &r), KITH_EINVAL,
		"is already marked delivered");
	TL_OK(action_wish_unclaim(b, cb, &r));
	REFUSED(b, action_wish_unclaim(b, cb, &r), KITH_EINVAL,
		"was already taken back");
	REFUSED(b, action_wish_deliver(b, cb, &r), KITH_EINVAL,
		"was already taken back");
	/* taken back, Bob may offer again; then once more is refused */
	TL_OK(action_wish_claim(b, w1, 1, NULL, &r));
	show(b, w1, &s);
	TL_CHECK(s.nclaims == 2 && !strcmp(s.claim_status[1], "active"),
		 "a new offer after taking one back: %d '%s'", s.nclaims,
		 s.claim_status[1]);
	REFUSED(b, action_wish_claim(b, w1, 1, NULL, &r), KITH_EINVAL,
		"you already offered help with wish");
	/* another helper is not held back by Bob's offer */
	TL_OK(action_wish_claim(c, w1, 1, NULL, &r));
}

static void accept_by_offer_or_wish(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action *b = tl_member(f, "Bob");
	struct action *c = tl_member(f, "Carol");
	struct action_wish_result r;
	struct status_ctx s;
	char w1[33], w2[33], cb[33], cc[33], cb2[33], want[128];
	char t[33];
	struct tl_rec item;

	post(a, "Soup", w1);
	post(a, "Bread", w2);
	TL_OK(tl_item(&a->r, "Ladder", &item));
	snprintf(t, sizeof t, "%.6s", w1);
	snprintf(want, sizeof want,
		 "nobody has offered help with wish '%s' yet", t);
	REFUSED(a, action_wish_accept(a, t, &r), KITH_ENOTFOUND, want);
	hex_of(item.id, t);
	REFUSED(a, action_wish_accept(a, t, &r), KITH_ENOTFOUND,
		"no offer or wish with id");

	tl_member_sync(a, b);
	tl_member_sync(a, c);
	offer(b, w1, cb);
	offer(c, w1, cc);
	offer(b, w2, cb2);
	tl_member_sync(b, a);
	tl_member_sync(c, a);

	/* several offers: listed by name */
	REFUSED(a, action_wish_accept(a, w1, &r), KITH_EAMBIGUOUS,
		"2 neighbours offered help with wish");
	snprintf(want, sizeof want, "Bob (offer %.6s", cb);
	TL_CHECK(strstr(a->msg, want), "lists '%s': '%s'", want, a->msg);
	snprintf(want, sizeof want, "Carol (offer %.6s", cc);
	TL_CHECK(strstr(a->msg, want), "lists '%s': '%s'", want, a->msg);
	TL_CHECK(strstr(a->msg, "accept one of them with 'kith wish accept "),
		 "says how: '%s'", a->msg);

	/* not the wish's author */
	tl_member_sync(a, c);
	REFUSED(c, action_wish_accept(c, cb, &r), KITH_EDENIED,
		"you cannot accept offers on wish");
	REFUSED(c, action_wish_accept(c, w2, &r), KITH_EDENIED,
		"you cannot accept offers on wish");

	/* by offer id */
	TL_OK(action_wish_accept(a, cc, &r));
	TL_CHECK(!strcmp(r.name, "Carol") && r.has_claim,
		 "Carol's offer accepted: '%s'", r.name);
	show(a, w1, &s);
	TL_CHECK(!strcmp(s.status, "claimed"), "claimed: '%s'", s.status);

	/* by wish id with one offer */
	TL_OK(action_wish_accept(a, w2, &r));
	TL_CHECK(!strcmp(r.name, "Bob") && !memcmp(r.claim_short, cb2, 6),
		 "Bob's only offer accepted: '%s' %s", r.name, r.claim_short);
	show(a, w2, &s);
	TL_CHECK(s.nclaims == 1 && !strcmp(s.claim_status[0], "accepted"),
		 "the offer is accepted: '%s'", s.claim_status[0]);

	/* a taken-back offer */
	TL_OK(action_wish_unclaim(b, cb, &r));
	tl_member_sync(b, a);
	REFUSED(a, action_wish_accept(a, cb, &r), KITH_EINVAL,
		"was taken back by its helper");
}

static void confirm_and_hours(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action *b = tl_member(f, "Bob");
	struct action *c = tl_member(f, "Carol");
	struct action_wish_result r;
	struct status_ctx s;
	char w1[33], w2[33], w3[33], cb[33], cc[33];

	post(a, "Soup", w1);
	post(a, "Bread", w2);
	post(a, "Lift", w3);
	tl_member_sync(a, b);
	tl_member_sync(a, c);
	offer(b, w1, cb);
	offer(c, w1, cc);
	offer(b, w2, cb);
	tl_member_sync(b, a);
	tl_member_sync(c, a);

	REFUSED(b, action_wish_confirm(b, w2, 4, &r), KITH_EDENIED,
		"you cannot confirm wish");
	REFUSED(a, action_wish_confirm(a, w1, 4, &r), KITH_EAMBIGUOUS,
		"several neighbours offered help");
	REFUSED(a, action_wish_confirm(a, w2, CRDT_MAX_HOURS_Q + 1, &r),
		KITH_EINVAL, "hours must be a number from 0 to 100");
	REFUSED(a, action_wish_confirm(a, w3, 4, &r), KITH_EINVAL,
		"so there is no one to credit hours to");

	/* the check says who would be credited, and writes nothing */
	{
		int64_t n = tl_changes(a);

		TL_OK(action_wish_confirm_check(a, w2, -1, &r));
		TL_CHECK(r.other_found && !strcmp(r.name, "Bob"),
			 "Bob would be credited: '%s'", r.name);
		TL_EQ(tl_changes(a), n, "a check writes nothing");
	}

	/* no hours given: confirmed, nothing credited, hours may follow */
	TL_OK(action_wish_confirm(a, w2, -1, &r));
	TL_CHECK(r.other_found && r.quarters == -1 && !r.late_hours,
		 "confirmed without hours");
	TL_CHECK(r.unverified, "nobody is verified here: hours do not count");
	show(a, w2, &s);
	TL_CHECK(!strcmp(s.status, "confirmed") && s.hours < 0,
		 "confirmed, no hours: '%s' %g", s.status, s.hours);
	REFUSED(a, action_wish_confirm(a, w2, -1, &r), KITH_EINVAL,
		"is already confirmed as fulfilled");
	TL_OK(action_wish_confirm(a, w2, 6, &r));
	TL_CHECK(r.late_hours && r.quarters == 6 && !strcmp(r.name, "Bob"),
		 "1.5 hours added afterwards for Bob");
	show(a, w2, &s);
	TL_CHECK(s.hours == 1.5, "1.5 hours on the wish: %g", s.hours);
	REFUSED(a, action_wish_confirm(a, w2, 8, &r), KITH_EINVAL,
		"is already confirmed as fulfilled");

	/* confirmed wishes take no other writes */
	REFUSED(a, action_wish_withdraw(a, w2, &r), KITH_EINVAL,
		"already confirmed");
	tl_member_sync(a, c);
	REFUSED(c, action_wish_claim(c, w2, 1, NULL, &r), KITH_EINVAL,
		"is already fulfilled and no longer needs help");

	/* nobody offered: confirm without hours is fine */
	TL_OK(action_wish_confirm(a, w3, -1, &r));
	TL_CHECK(!r.other_found, "nobody credited");
	REFUSED(a, action_wish_confirm(a, w3, 4, &r), KITH_EINVAL,
		"already confirmed");

	/* after accepting one of two, confirm credits that one */
	TL_OK(action_wish_accept(a, cc, &r));
	TL_OK(action_wish_confirm(a, w1, 0, &r));
	TL_CHECK(!strcmp(r.name, "Carol") && r.quarters == 0,
		 "Carol, the accepted helper, 0 hours: '%s'", r.name);
}

static int count_row(void *ctx, const struct crdt_row *r)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

static void lists_and_show(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action *b = tl_member(f, "Bob");
	struct action_wish_query q = { .urgency = -1 };
	struct action_wish_fields w;
	struct action_wish_result r;
	struct action_private_view v;
	struct status_ctx s;
	char w1[33], w2[33];
	int n;

	post(a, "Soup", w1);
	action_wish_fields_init(&w);
	w.title = "Insulin fridge";
	w.urgency = 0;
	w.priv.text = "flat 4, ring twice";
	TL_OK(action_wish_add(a, &w, &r));
	hex_of(r.wish, w2);
	tl_member_sync(a, b);

	n = 0;
	TL_OK(action_wish_list(b, &q, count_row, &n));
	TL_EQ(n, 2, "Bob sees two wishes");
	q.urgency = 0;
	n = 0;
	TL_OK(action_wish_list(b, &q, count_row, &n));
	TL_EQ(n, 1, "one critical");
	q.urgency = -1;
	q.mine = 1;
	n = 0;
	TL_OK(action_wish_list(b, &q, count_row, &n));
	TL_EQ(n, 0, "Bob has none of his own");
	q.mine = 0;
	q.status = "pending";
	TL_RC(action_wish_list(b, &q, count_row, &n), KITH_EINVAL);
	TL_CHECK(strstr(b->msg, "unknown status 'pending'"), "'%s'", b->msg);

	/* the private part opens for its author, not for Bob */
	memset(&s, 0, sizeof s);
	TL_OK(action_wish_show(a, w2, &v, status_row, claim_row, &s, NULL));
	TL_CHECK(v.state == ACTION_PRIV_OPEN &&
			 !strcmp(v.text, "flat 4, ring twice"),
		 "Alice reads her private part");
	action_private_view_wipe(&v);
	TL_OK(action_wish_show(b, w2, &v, status_row, claim_row, &s, NULL));
	TL_CHECK(v.state == ACTION_PRIV_SEALED, "sealed for Bob");
	action_private_view_wipe(&v);
	TL_RC(action_wish_show(b, "000000", &v, status_row, NULL, &s, NULL),
	      KITH_ENOTFOUND);
	action_private_view_wipe(&v);

	/* accepting Bob re-seals it to him */
	TL_OK(action_wish_claim(b, w2, 1, NULL, &r));
	tl_member_sync(a, b);
	TL_OK(action_wish_accept(a, w2, &r));
	tl_member_sync(a, b);
	TL_OK(action_wish_show(b, w2, &v, status_row, claim_row, &s, NULL));
	TL_CHECK(v.state == ACTION_PRIV_OPEN, "the accepted helper reads it");
	action_private_view_wipe(&v);
}

static void who_falls_back_to_a_short_id(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action_person p;
	uint8_t stranger[CRDT_PK_LEN];
	char hex[65];

	crdt_hex(hex, a->r.id.pk, CRDT_PK_LEN);
	action_person_hex(a, hex, &p);
	TL_CHECK(!strcmp(p.label, "Alice"), "a name: '%s'", p.label);
	/* a member this replica has not heard of: a short id */
	memset(stranger, 0x3c, sizeof stranger);
	crdt_hex(hex, stranger, CRDT_PK_LEN);
	action_person_hex(a, hex, &p);
	TL_CHECK(strlen(p.label) >= 6 &&
			 !strncmp(p.label, hex, strlen(p.label)),
		 "no name: a short id: '%s'", p.label);
}

/* What waits for a helper: counts the offers, keeps the last one. */
struct waiting_ctx {
	int n;
	char title[64], wish[ACTION_SHORT_MAX], claim[ACTION_SHORT_MAX];
	char author[ACTION_PERSON_MAX];
};

static int waiting_row(void *ctx, const struct action_wish_waiting *t)
{
	struct waiting_ctx *c = ctx;
	const struct crdt_col *title = crdt_row_get(t->wish, "title");

	c->n++;
	snprintf(c->title, sizeof c->title, "%s",
		 title && title->s ? title->s : "");
	snprintf(c->wish, sizeof c->wish, "%s", t->wish_short);
	snprintf(c->claim, sizeof c->claim, "%s", t->claim_short);
	snprintf(c->author, sizeof c->author, "%s", t->author);
	return 0;
}

static int waiting_count(struct action *a)
{
	struct waiting_ctx c;

	memset(&c, 0, sizeof c);
	TL_OK(action_wish_to_deliver(a, waiting_row, &c));
	return c.n;
}

static int waiting_stop(void *ctx, const struct action_wish_waiting *t)
{
	(void)t;
	++*(int *)ctx;
	return 7;
}

static void offers_to_deliver(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action *b = tl_member(f, "Bob");
	struct action *c = tl_member(f, "Carol");
	struct action_wish_result r;
	struct waiting_ctx t;
	char w1[33], w2[33], w3[33], cb1[33], cb2[33], cc3[33], cb3[33];
	int n;

	post(a, "Soup", w1);
	post(a, "Bread", w2);
	post(a, "Tea", w3);
	tl_member_sync(a, b);
	tl_member_sync(a, c);
	TL_EQ(waiting_count(b), 0, "nothing offered: nothing to deliver");
	offer(b, w1, cb1);
	offer(b, w2, cb2);
	offer(c, w3, cc3);
	offer(b, w3, cb3);
	tl_member_sync(b, a);
	tl_member_sync(c, a);
	TL_EQ(waiting_count(b), 0, "offers not yet accepted wait for nobody");

	/* Alice accepts Bob on Soup, Carol on Tea */
	TL_OK(action_wish_accept(a, cb1, &r));
	TL_OK(action_wish_accept(a, cc3, &r));
	tl_member_sync(a, b);
	tl_member_sync(a, c);
	memset(&t, 0, sizeof t);
	TL_OK(action_wish_to_deliver(b, waiting_row, &t));
	TL_EQ(t.n, 1, "Bob has one accepted offer to deliver");
	TL_CHECK(!strcmp(t.title, "Soup") && !strcmp(t.author, "Alice") &&
			 !strncmp(t.wish, w1, strlen(t.wish)) &&
			 !strncmp(t.claim, cb1, strlen(t.claim)) &&
			 strlen(t.claim) >= 6,
		 "it is Soup, Alice's, with short ids: '%s' '%s' %s %s",
		 t.title, t.author, t.wish, t.claim);
	TL_EQ(waiting_count(c), 1, "Carol has Tea to deliver");
	TL_EQ(waiting_count(a), 0, "the wish's author delivers nothing");
	n = 0;
	TL_RC(action_wish_to_deliver(c, waiting_stop, &n), 7);
	TL_EQ(n, 1, "non-zero from fn stops and is returned");

	/* delivered: no longer waits */
	TL_OK(action_wish_deliver(b, cb1, &r));
	TL_EQ(waiting_count(b), 0, "a delivered offer waits no more");
	/* taken back: no longer waits */
	TL_OK(action_wish_unclaim(c, cc3, &r));
	TL_EQ(waiting_count(c), 0, "a taken-back offer waits no more");
	/* a withdrawn wish: no longer waits */
	TL_OK(action_wish_accept(a, cb2, &r));
	tl_member_sync(a, b);
	TL_EQ(waiting_count(b), 1, "Bread accepted: it waits for Bob");
	TL_OK(action_wish_withdraw(a, w2, &r));
	tl_member_sync(a, b);
	TL_EQ(waiting_count(b), 0, "a withdrawn wish waits no more");
}

/* What waits for the author, title by title: need per wish. */
struct answer_ctx {
	int n;
	char title[4][32];
	int need[4];
};

static int answer_row(void *ctx, const struct action_wish_answer *t)
{
	struct answer_ctx *x = ctx;

	if (x->n < 4) {
		snprintf(x->title[x->n], sizeof x->title[x->n], "%s",
			 action_col_text(t->wish, "title"));
		x->need[x->n] = t->need;
	}
	x->n++;
	return 0;
}

/* The need for title in x, or -1 when it does not wait. */
static int need_of(const struct answer_ctx *x, const char *title)
{
	int i;

	for (i = 0; i < x->n && i < 4; i++)
		if (!strcmp(x->title[i], title))
			return x->need[i];
	return -1;
}

static void waits_for_the_author(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action *b = tl_member(f, "Bob");
	struct action *c = tl_member(f, "Carol");
	struct action_wish_result r;
	struct answer_ctx x;
	char w1[33], w2[33], w3[33], cb1[33], cb2[33], cc2[33], cb3[33];

	post(a, "Soup", w1);
	post(a, "Bread", w2);
	post(a, "Tea", w3);
	tl_member_sync(a, b);
	tl_member_sync(a, c);
	memset(&x, 0, sizeof x);
	TL_OK(action_wish_to_answer(a, answer_row, &x));
	TL_EQ(x.n, 0, "no offers: nothing waits for the author");
	offer(b, w1, cb1);
	offer(b, w2, cb2);
	offer(c, w2, cc2);
	offer(b, w3, cb3);
	tl_member_sync(b, a);
	tl_member_sync(c, a);
	memset(&x, 0, sizeof x);
	TL_OK(action_wish_to_answer(a, answer_row, &x));
	TL_CHECK(x.n == 3 && need_of(&x, "Soup") == ACTION_WISH_ACCEPT_ONE &&
			 need_of(&x, "Bread") == ACTION_WISH_CHOOSE &&
			 need_of(&x, "Tea") == ACTION_WISH_ACCEPT_ONE,
		 "one to accept, one to choose from: %d", x.n);
	/* accepted: Soup waits for Bob, not for Alice */
	TL_OK(action_wish_accept(a, cb1, &r));
	TL_OK(action_wish_deliver(b, cb3, &r));
	tl_member_sync(b, a);
	memset(&x, 0, sizeof x);
	TL_OK(action_wish_to_answer(a, answer_row, &x));
	TL_CHECK(need_of(&x, "Soup") == -1 &&
			 need_of(&x, "Tea") == ACTION_WISH_CONFIRM,
		 "Soup waits for its helper, Tea is to confirm: %d %d",
		 need_of(&x, "Soup"), need_of(&x, "Tea"));
	/* the accepted helper took it back: Soup waits for Alice again */
	TL_OK(action_wish_unclaim(b, cb1, &r));
	offer(c, w1, cc2);
	tl_member_sync(b, a);
	tl_member_sync(c, a);
	memset(&x, 0, sizeof x);
	TL_OK(action_wish_to_answer(a, answer_row, &x));
	TL_CHECK(need_of(&x, "Soup") == ACTION_WISH_ACCEPT_ONE,
		 "a taken-back accepted offer: Soup waits for Alice: %d",
		 need_of(&x, "Soup"));
	memset(&x, 0, sizeof x);
	TL_OK(action_wish_to_answer(b, answer_row, &x));
	TL_EQ(x.n, 0, "Bob posted no wish: nothing waits for him as author");
}

/* When the author is asked "was it fulfilled?": not for an offer merely
 * made; yes once accepted, or once the only offer is said done; not for a
 * helper, nor twice. */
static void confirm_when_due(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action *b = tl_member(f, "Bob");
	struct action *c = tl_member(f, "Carol");
	struct action_wish_result r;
	char w1[33], w2[33], w3[33], cb1[33], cb2[33], cb3[33], cc3[33];

	post(a, "Soup", w1);
	post(a, "Bread", w2);
	post(a, "Tea", w3);
	TL_EQ(action_wish_confirm_due(a, w1), 0, "no offer: not due");
	tl_member_sync(a, b);
	tl_member_sync(a, c);
	offer(b, w1, cb1);
	offer(b, w2, cb2);
	offer(b, w3, cb3);
	offer(c, w3, cc3);
	tl_member_sync(b, a);
	tl_member_sync(c, a);
	TL_EQ(action_wish_confirm_due(a, w1), 0,
	      "an offer made, not accepted: not due");
	TL_OK(action_wish_confirm_check(a, w1, -1, &r));
	TL_OK(action_wish_accept(a, cb1, &r));
	TL_EQ(action_wish_confirm_due(a, w1), 1, "accepted: due");
	TL_EQ(action_wish_confirm_due(b, w1), 0, "never for the helper");
	TL_OK(action_wish_deliver(b, cb2, &r));
	tl_member_sync(b, a);
	TL_EQ(action_wish_confirm_due(a, w2), 1,
	      "the only offer, said done: due");
	TL_OK(action_wish_deliver(b, cb3, &r));
	tl_member_sync(b, a);
	TL_EQ(action_wish_confirm_due(a, w3), 0,
	      "two offers, none accepted: choose first");
	TL_OK(action_wish_accept(a, cc3, &r));
	TL_EQ(action_wish_confirm_due(a, w3), 1, "one accepted: due");
	TL_OK(action_wish_confirm(a, w1, 4, &r));
	TL_EQ(action_wish_confirm_due(a, w1), 0, "confirmed: not again");
	TL_EQ(action_wish_confirm_due(a, "000000"), 0, "no such wish: 0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
		T(add_and_its_refusals),
		T(edit_withdraw_renew),
		T(offers_by_helpers),
		T(accept_by_offer_or_wish),
		T(confirm_and_hours),
		T(lists_and_show),
		T(who_falls_back_to_a_short_id),
		T(offers_to_deliver),
		T(waits_for_the_author),
		T(confirm_when_due),
#undef T
	};

	return cmocka_run_group_tests(tests, tl_group_setup, NULL);
}
