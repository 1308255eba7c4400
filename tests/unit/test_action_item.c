/*
 * test_action_item.c - items, requests and loans through the action layer
 * (action/item.h): every refusal (its code, its message, and that nothing
 * was written) and every success, between members with data directories
 * of their own (tests/testlib.h tl_member).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/action.h"
#include "action/item.h"
#include "action/loan.h"
#include "crdt/codec.h"
#include "crdt/rules.h"
#include "tests/testlib.h"

/* A refusal: rc, a->msg equal to (or containing, with part) want, and the
 * replica's state exactly as it was. */
#define REFUSED(a, call, want_rc, want_msg, part)                             \
	do {                                                                  \
		uint8_t before_[CRDT_HASH_LEN], after_[CRDT_HASH_LEN];        \
		TL_OK(tl_state(&(a)->r, TL_S_ALL, before_));                  \
		(a)->msg[0] = 0;                                              \
		TL_RC(call, want_rc);                                         \
		TL_CHECK((part) ? strstr((a)->msg, want_msg) != NULL          \
				: !strcmp((a)->msg, want_msg),                \
			 "message: expected %s'%s', got '%s'",                \
			 (part) ? "a part " : "", want_msg, (a)->msg);        \
		TL_OK(tl_state(&(a)->r, TL_S_ALL, after_));                   \
		TL_CHECK(!memcmp(before_, after_, sizeof before_),            \
			 "a refused %s wrote nothing", #call);                \
	} while (0)

/* The done struct is 8 KiB: kept off the stack of every test. */
static struct action_item_done *done_new(struct tl_fixture *f)
{
	struct action_item_done *d = calloc(1, sizeof *d);

	TL_CHECK(d != NULL, "out of memory");
	tl_defer(f, free, d);
	return d;
}

/* An item of a's with title; its full hex id into hex. */
static void add_item(struct action *a, struct action_item_done *d,
		     const char *title, const char *kind, char *hex)
{
	struct action_item_fields fl = { .title = title, .kind = kind };

	TL_OK(action_item_add(a, &fl, d));
	crdt_hex(hex, d->id, CRDT_ID_LEN);
}

/* src cut to fit dst (cap bytes). */
static void cp(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}

/* What a list or show hands out, copied. */
struct seen {
	int n;
	char id[8][33], status[8][32], owner[8][64], borrower[8][64];
	char loan[8][33];
	int64_t due[8];
	int mine[8], overdue[8], given[8], givable[8];
	int64_t qty[8];
	int nreq, req_standing[8], req_mine[8], req_waiting[8];
	char req_status[8][32], req_name[8][64], req_note[8][64];
	char req_short[8][33];
};

static int seen_item(void *ctx, const struct action_item_view *v)
{
	struct seen *s = ctx;
	int i = s->n++;

	if (i >= 8)
		return 0;
	cp(s->id[i], sizeof s->id[i], v->id);
	cp(s->status[i], sizeof s->status[i], v->status);
	cp(s->owner[i], sizeof s->owner[i], v->owner_name);
	cp(s->borrower[i], sizeof s->borrower[i], v->borrower_name);
	cp(s->loan[i], sizeof s->loan[i], v->loan_short_id);
	s->due[i] = v->due;
	s->mine[i] = v->mine;
	s->overdue[i] = v->overdue;
	s->given[i] = v->given;
	s->givable[i] = v->givable;
	s->qty[i] = v->quantity;
	TL_CHECK(strlen(v->short_id) >= 6 &&
			 !strncmp(v->short_id, v->id, strlen(v->short_id)),
		 "short id '%s' is a prefix of '%s'", v->short_id, v->id);
	return 0;
}

static int seen_request(void *ctx, const struct action_item_request_view *v)
{
	struct seen *s = ctx;
	int i = s->nreq++;

	if (i >= 8)
		return 0;
	cp(s->req_status[i], sizeof s->req_status[i], v->status);
	cp(s->req_name[i], sizeof s->req_name[i], v->requester_name);
	cp(s->req_note[i], sizeof s->req_note[i], v->note);
	cp(s->req_short[i], sizeof s->req_short[i], v->short_id);
	s->req_standing[i] = v->standing;
	s->req_waiting[i] = v->waiting;
	s->req_mine[i] = v->mine;
	return 0;
}

static struct seen *show(struct tl_fixture *f, struct action *a,
			 const char *id)
{
	struct seen *s = calloc(1, sizeof *s);

	TL_CHECK(s != NULL, "out of memory");
	tl_defer(f, free, s);
	TL_OK(action_item_show(a, id, seen_item, seen_request, s));
	TL_EQ(s->n, 1, "item show hands out one item");
	return s;
}

static void add_checks_values(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action_item_done *d = done_new(f);
	struct action_item_fields fl;
	struct seen *s;
	char hex[33], *big;

	memset(&fl, 0, sizeof fl);
	REFUSED(a, action_item_add(a, &fl, d), KITH_EINVAL,
		"an item needs a title", 0);
	fl.title = "";
	REFUSED(a, action_item_add(a, &fl, d), KITH_EINVAL,
		"the title cannot be empty", 0);
	fl.title = "Ladder";
	fl.kind = "borrow";
	REFUSED(a, action_item_add(a, &fl, d), KITH_EINVAL,
		"unknown kind 'borrow' (give, lend, share, skill, service, "
		"space or resource)",
		0);
	fl.kind = NULL;
	fl.quantity = CRDT_MAX_QTY + 1;
	REFUSED(a, action_item_add(a, &fl, d), KITH_EINVAL,
		"the quantity must be a whole number from 1 to 1000000000", 0);
	fl.quantity = -2;
	REFUSED(a, action_item_add(a, &fl, d), KITH_EINVAL,
		"the quantity must be", 1);
	fl.quantity = 0;
	fl.until = CRDT_MAX_DATE + 1;
	REFUSED(a, action_item_add(a, &fl, d), KITH_EINVAL,
		"the 'available until' date is out of range", 0);
	fl.until = 0;
	fl.location = "\xc0\xaf";
	REFUSED(a, action_item_add(a, &fl, d), KITH_EINVAL,
		"the location is not valid UTF-8 text", 0);
	fl.location = NULL;
	big = malloc(CRDT_MAX_TEXT + 2);
	TL_CHECK(big != NULL, "out of memory");
	tl_defer(f, free, big);
	memset(big, 'x', CRDT_MAX_TEXT + 1);
	big[CRDT_MAX_TEXT + 1] = 0;
	fl.description = big;
	REFUSED(a, action_item_add(a, &fl, d), KITH_EINVAL,
		"the description is too long (at most 4096 bytes)", 0);
	big[CRDT_MAX_TEXT] = 0; /* exactly the limit is fine */

	TL_OK(action_item_add(a, &fl, d));
	TL_CHECK(!strcmp(d->title, "Ladder"), "done names the title: '%s'",
		 d->title);
	TL_CHECK(strlen(d->short_id) >= 6 &&
			 !memcmp(d->id, d->item, CRDT_ID_LEN),
		 "done: the item's id and short id '%s'", d->short_id);
	crdt_hex(hex, d->id, CRDT_ID_LEN);
	TL_CHECK(!strncmp(hex, d->short_id, strlen(d->short_id)),
		 "the short id is a prefix");
	s = show(f, a, d->short_id);
	TL_CHECK(!strcmp(s->status[0], "available") && s->mine[0] &&
			 !strcmp(s->owner[0], "Alice"),
		 "a new item is Alice's and available: %s %d %s",
		 s->status[0], s->mine[0], s->owner[0]);
	TL_EQ(tl_int(&a->r, "SELECT kind FROM items"), 0, "default kind give");
	TL_EQ(tl_int(&a->r, "SELECT quantity FROM items"), 1,
	      "default quantity 1");
}

static void edit_withdraw_renew(void **state)
{
	struct tl_fixture *f = *state;
	struct action *a = tl_member(f, "Alice");
	struct action_item_done *d = done_new(f);
	struct action_item_fields fl;
	char hex[33], title[64], sid[16];

	add_item(a, d, "Ladder", "lend", hex);
	snprintf(sid, sizeof sid, "%.6s", hex);
	memset(&fl, 0, sizeof fl);
	REFUSED(a, action_item_edit(a, sid, &fl, d), KITH_EINVAL,
		"nothing to change", 0);
	fl.title = "";
	REFUSED(a, action_item_edit(a, sid, &fl, d), KITH_EINVAL,
		"the title cannot be empty", 0);
	fl.title = "Long ladder";
	REFUSED(a, action_item_edit(a, "abc", &fl, d), KITH_EINVAL,
		"id 'abc' is too short; give at least 6 characters", 0);
	REFUSED(a, action_item_edit(a, "ffffffffff", &fl, d), KITH_ENOTFOUND,
		"no item with id 'ffffffffff' (see 'kith item list')", 0);
	fl.quantity = 3;
	TL_OK(action_item_edit(a, sid, &fl, d));
	TL_CHECK(!strcmp(d->title, "Long ladder"), "done: new title '%s'",
		 d->title);
	TL_CHECK(!strcmp(tl_title(&a->r, CRDT_R_ITEM, d->item, title,
				  sizeof title),
			 "Long ladder"),
		 "the edit is stored");
	TL_EQ(tl_int(&a->r, "SELECT quantity FROM items"), 3, "quantity 3");
	TL_EQ(tl_int(&a->r, "SELECT kind FROM items"), 1, "kind stays lend");

	TL_OK(action_item_renew(a, sid, d));
	TL_CHECK(!strcmp(d->title, "Long ladder"), "renew: '%s'", d->title);
	TL_OK(action_item_withdraw(a, sid, d));
	TL_EQ(tl_int(&a->r, "SELECT withdrawn FROM items"), 1, "withdrawn");
	REFUSED(a, action_item_withdraw(a, sid, d), KITH_EDENIED,
		"item '", 1);
	TL_CHECK(strstr(a->msg, "is already withdrawn") != NULL, "'%s'",
		 a->msg);
	REFUSED(a, action_item_edit(a, sid, &fl, d), KITH_EDENIED,
		"was withdrawn; it cannot be edited", 1);
	REFUSED(a, action_item_renew(a, sid, d), KITH_EDENIED,
		"was withdrawn; it cannot be renewed", 1);
	REFUSED(a, action_loan_lend(a, sid, "Alice", 0, d), KITH_EDENIED,
		"was withdrawn; it cannot be lent", 1);
}

static void only_the_owner(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_item_done *d = done_new(f);
	struct action_item_fields fl = { .title = "Bob's now" };
	char hex[33], want[256], loan[33];

	add_item(alice, d, "Ladder", "lend", hex);
	TL_OK(action_loan_lend(alice, hex, "Bob", 0, d));
	cp(loan, sizeof loan, d->short_id);
	tl_member_sync(alice, bob);
#define NOT_YOURS(verb)                                                       \
	(snprintf(want, sizeof want,                                          \
		  "you cannot " verb " item '%s': it was posted by another "   \
		  "member",                                                   \
		  hex),                                                       \
	 want)
	REFUSED(bob, action_item_edit(bob, hex, &fl, d), KITH_EDENIED,
		NOT_YOURS("edit"), 0);
	REFUSED(bob, action_item_withdraw(bob, hex, d), KITH_EDENIED,
		NOT_YOURS("withdraw"), 0);
	REFUSED(bob, action_item_renew(bob, hex, d), KITH_EDENIED,
		NOT_YOURS("renew"), 0);
	REFUSED(bob, action_loan_lend(bob, hex, "Alice", 0, d), KITH_EDENIED,
		NOT_YOURS("lend"), 0);
	REFUSED(bob, action_loan_return(bob, hex, d), KITH_EDENIED,
		NOT_YOURS("record the return of"), 0);
#undef NOT_YOURS
	/* the borrower cannot close the loan by its id either */
	REFUSED(bob, action_loan_return(bob, loan, d), KITH_EDENIED,
		"the item was posted by another member", 1);
}

static void nobody_cannot_write(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action_item_done *d = done_new(f);
	struct action_item_fields fl = { .title = "Ladder" };
	struct action_item_filter lf = { .mine = 1 };
	struct seen s;
	struct action reader;
	char hex[33];
	uint8_t before[CRDT_HASH_LEN], after[CRDT_HASH_LEN];

	add_item(alice, d, "Ladder", NULL, hex);
	TL_OK(tl_state(&alice->r, TL_S_ALL, before));
	action_init(&reader, TL_EPOCH_MS);
	TL_OK(action_open(&reader, alice->home, ACTION_READ));
	TL_RC(action_item_add(&reader, &fl, d), KITH_ENOIDENT);
	TL_CHECK(strstr(reader.msg, "kith init") != NULL, "'%s'", reader.msg);
	TL_RC(action_item_request(&reader, hex, NULL, d), KITH_ENOIDENT);
	TL_RC(action_item_list(&reader, &lf, seen_item, &s), KITH_ENOIDENT);
	/* reading needs nobody; show finds out who is looking */
	memset(&s, 0, sizeof s);
	TL_OK(action_item_show(&reader, hex, seen_item, NULL, &s));
	TL_CHECK(s.n == 1 && s.mine[0], "show loads the identity: mine");
	(void)action_close(&reader);
	TL_OK(tl_state(&alice->r, TL_S_ALL, after));
	TL_CHECK(!memcmp(before, after, sizeof before),
		 "the reader wrote nothing");
}

static void request_lend_return(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_item_done *d = done_new(f);
	struct seen *s;
	char hex[33], own[33], loan[33], lsid[33], want[256];
	const int64_t due = (int64_t)(TL_EPOCH_MS / 1000) + 10 * 86400;

	add_item(alice, d, "Seedlings", NULL, own);
	add_item(alice, d, "Ladder", "lend", hex);
	REFUSED(alice, action_item_request(alice, own, NULL, d), KITH_EDENIED,
		"is your own; you cannot request it", 1);
	snprintf(want, sizeof want, "item '%s' is not on loan", hex);
	REFUSED(alice, action_loan_return(alice, hex, d), KITH_EDENIED, want,
		0);
	REFUSED(alice, action_loan_lend(alice, hex, "Alice", 0, d),
		KITH_EDENIED, "you cannot lend your own item to yourself", 0);
	REFUSED(alice, action_loan_lend(alice, hex, "Zed", 0, d),
		KITH_ENOTFOUND, "no member 'Zed'", 1);
	REFUSED(alice, action_loan_lend(alice, hex, "Bob", -1, d),
		KITH_EINVAL, "the due date is out of range", 0);

	/* Bob asks */
	tl_member_sync(alice, bob);
	REFUSED(bob, action_item_request(bob, hex, "\xff", d), KITH_EINVAL,
		"the note is not valid UTF-8 text", 0);
	TL_OK(action_item_request(bob, hex, "for the gutter", d));
	TL_CHECK(!strcmp(d->who, "Alice") && !strcmp(d->title, "Ladder") &&
			 strlen(d->short_id) >= 6,
		 "request: owner '%s', title '%s', id '%s'", d->who, d->title,
		 d->short_id);
	s = show(f, bob, hex);
	TL_CHECK(!strcmp(s->status[0], "requested") && !s->mine[0],
		 "Bob sees his request: '%s'", s->status[0]);
	tl_member_sync(alice, bob);
	s = show(f, alice, hex);
	TL_EQ(s->nreq, 1, "one request");
	TL_CHECK(!strcmp(s->req_name[0], "Bob") &&
			 !strcmp(s->req_status[0], "active") &&
			 !strcmp(s->req_note[0], "for the gutter"),
		 "the request by name: %s %s %s", s->req_name[0],
		 s->req_status[0], s->req_note[0]);

	/* Alice lends, answering it */
	TL_OK(action_loan_lend(alice, hex, "bob", due, d));
	TL_CHECK(!strcmp(d->who, "Bob") && d->due == due &&
			 !strcmp(d->title, "Ladder"),
		 "lend: borrower '%s', title '%s'", d->who, d->title);
	crdt_hex(loan, d->id, CRDT_ID_LEN);
	cp(lsid, sizeof lsid, d->short_id);
	TL_EQ(tl_int(&alice->r, "SELECT count(*) FROM loans WHERE claim IS "
				"NOT NULL"),
	      1, "the loan names the request it answers");
	s = show(f, alice, hex);
	TL_CHECK(!strcmp(s->status[0], "on_loan") &&
			 !strcmp(s->borrower[0], "Bob") && s->due[0] == due &&
			 !strcmp(s->loan[0], d->short_id) && !s->overdue[0],
		 "on loan to Bob: %s %s %s", s->status[0], s->borrower[0],
		 s->loan[0]);
	snprintf(want, sizeof want,
		 "item '%s' is already on loan to Bob; when it comes back, "
		 "record it with 'kith item return %s'",
		 hex, d->short_id);
	REFUSED(alice, action_loan_lend(alice, hex, "Bob", 0, d),
		KITH_EDENIED, want, 0);

	/* overdue in lists */
	{
		struct action_item_filter lf = { .overdue = 1 };
		struct seen l;

		memset(&l, 0, sizeof l);
		TL_OK(action_item_list(alice, &lf, seen_item, &l));
		TL_EQ(l.n, 0, "not overdue yet");
		alice->now = due + 86400;
		TL_OK(action_item_list(alice, &lf, seen_item, &l));
		TL_CHECK(l.n == 1 && !strcmp(l.id[0], hex) && l.overdue[0] &&
				 !strcmp(l.borrower[0], "Bob"),
			 "--overdue shows the ladder lent to Bob");
		alice->now = (int64_t)(TL_EPOCH_MS / 1000);
	}

	/* back, by the loan's short id (as the lend's message gave it) */
	TL_OK(action_loan_return(alice, lsid, d));
	TL_CHECK(!strcmp(d->who, "Bob") && !strcmp(d->title, "Ladder") &&
			 !strncmp(loan, d->short_id, strlen(d->short_id)),
		 "return: from '%s', loan '%s'", d->who, d->short_id);
	TL_EQ(tl_int(&alice->r, "SELECT returned FROM loans"), 1, "returned");
	snprintf(want, sizeof want, "loan '%.8s' was already returned", loan);
	{
		char l8[9];

		snprintf(l8, sizeof l8, "%.8s", loan);
		REFUSED(alice, action_loan_return(alice, l8, d), KITH_EDENIED,
			want, 0);
	}
	/* lent again and back by the item's id */
	TL_OK(action_loan_lend(alice, hex, "Bob", 0, d));
	TL_CHECK(d->due == 0, "no due date");
	TL_OK(action_loan_return(alice, hex, d));
	s = show(f, alice, hex);
	TL_CHECK(!strcmp(s->status[0], "available") && !s->borrower[0][0],
		 "available again: %s", s->status[0]);
	/* asking again after a loan is fine */
	tl_member_sync(alice, bob);
	TL_OK(action_item_request(bob, hex, NULL, d));
}

static void lists_and_filters(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_item_done *d = done_new(f);
	struct action_item_filter lf;
	struct seen *s = calloc(1, sizeof *s);
	char ladder[33], seeds[33], gen[33];

	TL_CHECK(s != NULL, "out of memory");
	tl_defer(f, free, s);
	add_item(alice, d, "Ladder", "lend", ladder);
	add_item(alice, d, "Seedlings", NULL, seeds);
	add_item(bob, d, "Generator", "resource", gen);
	TL_OK(action_item_withdraw(alice, seeds, d));
	tl_member_sync(alice, bob);

	memset(&lf, 0, sizeof lf);
	TL_OK(action_item_list(alice, &lf, seen_item, s));
	TL_EQ(s->n, 2, "two current items (the withdrawn one left out)");
	memset(s, 0, sizeof *s);
	lf.all = 1;
	TL_OK(action_item_list(alice, &lf, seen_item, s));
	TL_EQ(s->n, 3, "--all: three");
	memset(s, 0, sizeof *s);
	lf.all = 0;
	lf.mine = 1;
	TL_OK(action_item_list(bob, &lf, seen_item, s));
	TL_CHECK(s->n == 1 && !strcmp(s->id[0], gen) && s->mine[0] &&
			 !strcmp(s->owner[0], "Bob"),
		 "--mine: Bob's generator");
	memset(s, 0, sizeof *s);
	memset(&lf, 0, sizeof lf);
	lf.kind = "lend";
	TL_OK(action_item_list(bob, &lf, seen_item, s));
	TL_CHECK(s->n == 1 && !strcmp(s->id[0], ladder) &&
			 !strcmp(s->owner[0], "Alice"),
		 "--kind lend: Alice's ladder");
	lf.kind = "borrow";
	REFUSED(bob, action_item_list(bob, &lf, seen_item, s), KITH_EINVAL,
		"unknown kind 'borrow'", 1);
	memset(s, 0, sizeof *s);
	memset(&lf, 0, sizeof lf);
	lf.search = "gener";
	TL_OK(action_item_list(alice, &lf, seen_item, s));
	TL_CHECK(s->n == 1 && !strcmp(s->id[0], gen), "--search");
	REFUSED(alice,
		action_item_show(alice, "abcdef99", seen_item, NULL, s),
		KITH_ENOTFOUND,
		"no item with id 'abcdef99' (see 'kith item list')", 0);
}

/* Giving away: one (the item is gone, shown as given) or one of several
 * (the item stays listed, one fewer); the refusals in words of giving;
 * requests stand until the gift answers them. */
static void give_away(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action_item_done *d = done_new(f);
	struct seen *s;
	char chair[33], seeds[33], ladder[33], want[256];
	struct action_item_fields fl = { .title = "Seedlings", .quantity = 3 };
	int64_t n;

	add_item(alice, d, "Chair", NULL, chair);
	TL_OK(action_item_add(alice, &fl, d));
	crdt_hex(seeds, d->id, CRDT_ID_LEN);
	tl_member_sync(alice, bob);
	TL_OK(action_item_request(bob, chair, "for my balcony", d));
	/* one request per member while it waits */
	snprintf(want, sizeof want,
		 "you already asked for item '%s'; your request waits for "
		 "its owner", chair);
	REFUSED(bob, action_item_request(bob, chair, "again", d), KITH_EINVAL,
		want, 0);
	s = show(f, bob, chair);
	TL_CHECK(s->nreq == 1 && s->req_mine[0] && s->req_standing[0],
		 "Bob's own request stands: mine %d standing %d",
		 s->req_mine[0], s->req_standing[0]);
	tl_member_sync(alice, bob);
	s = show(f, alice, chair);
	TL_CHECK(s->nreq == 1 && !s->req_mine[0] && s->req_standing[0],
		 "Alice sees Bob's request standing");

	snprintf(want, sizeof want,
		 "you cannot give away item '%s': it was posted by another "
		 "member", chair);
	REFUSED(bob, action_loan_give(bob, chair, "Alice", d), KITH_EDENIED,
		want, 0);
	REFUSED(alice, action_loan_give(alice, chair, "Alice", d),
		KITH_EDENIED, "you cannot give your own item to yourself", 0);
	REFUSED(alice, action_loan_give(alice, chair, "Zed", d),
		KITH_ENOTFOUND, "no member 'Zed'", 1);

	TL_OK(action_loan_give(alice, chair, "Bob", d));
	TL_CHECK(!strcmp(d->who, "Bob") && !strcmp(d->title, "Chair") &&
			 d->quantity_left == 0,
		 "give: to '%s', '%s', left %lld", d->who, d->title,
		 (long long)d->quantity_left);
	TL_EQ(tl_int(&alice->r, "SELECT withdrawn FROM items WHERE title = "
				"'Chair'"),
	      1, "a single item given is gone from the lists");
	TL_EQ(tl_int(&alice->r, "SELECT count(*) FROM loans WHERE claim IS "
				"NOT NULL AND NOT returned"),
	      1, "the hand-over names Bob's request");
	s = show(f, alice, chair);
	TL_CHECK(!strcmp(s->status[0], "withdrawn") && s->given[0] &&
			 !strcmp(s->borrower[0], "Bob") && !s->req_standing[0],
		 "show says given to Bob: %s given %d '%s' standing %d",
		 s->status[0], s->given[0], s->borrower[0],
		 s->req_standing[0]);
	snprintf(want, sizeof want,
		 "item '%s' was withdrawn; it cannot be given away", chair);
	REFUSED(alice, action_loan_give(alice, chair, "Bob", d), KITH_EDENIED,
		want, 0);

	/* one of three, in one change: the hand-over is made returned */
	n = tl_changes(alice);
	TL_OK(action_loan_give(alice, seeds, "Bob", d));
	TL_EQ(d->quantity_left, 2, "two seedlings left");
	TL_EQ(tl_changes(alice), n + 1, "giving one of several is one change");
	TL_EQ(tl_int(&alice->r, "SELECT returned FROM loans WHERE item = "
				"(SELECT id FROM items WHERE title = "
				"'Seedlings')"),
	      1, "the hand-over of one of several is over at once");
	s = show(f, alice, seeds);
	TL_CHECK(!strcmp(s->status[0], "available") && !s->given[0] &&
			 s->qty[0] == 2 && !s->borrower[0][0],
		 "still listed, two left: %s qty %lld", s->status[0],
		 (long long)s->qty[0]);
	/* lent, it cannot be given until it is back */
	TL_OK(action_loan_lend(alice, seeds, "Bob", 0, d));
	REFUSED(alice, action_loan_give(alice, seeds, "Bob", d), KITH_EDENIED,
		"before you give it away", 1);
	TL_OK(action_loan_return(alice, seeds, d));

	/* only what is given away can be given: a ladder is lent */
	add_item(alice, d, "Ladder", "lend", ladder);
	snprintf(want, sizeof want,
		 "item '%s' is offered to lend or share, not to give away; "
		 "lend it instead", ladder);
	REFUSED(alice, action_loan_give(alice, ladder, "Bob", d), KITH_EDENIED,
		want, 0);
	s = show(f, alice, ladder);
	TL_CHECK(!s->givable[0], "a ladder is not givable");
	s = show(f, alice, seeds);
	TL_CHECK(s->givable[0], "seedlings are givable");
}

/* A request waits until the owner answers it: a second one by the same
 * member is refused while it waits (one standing, or while the item is
 * lent to someone else), and allowed again once a loan answered it. */
static void one_request_each(void **state)
{
	struct tl_fixture *f = *state;
	struct action *alice = tl_member(f, "Alice");
	struct action *bob = tl_member(f, "Bob");
	struct action *carol = tl_member(f, "Carol");
	struct action_item_done *d = done_new(f);
	struct seen *s;
	char ladder[33];

	add_item(alice, d, "Ladder", "lend", ladder);
	tl_member_sync(alice, bob);
	tl_member_sync(alice, carol);
	TL_OK(action_item_request(bob, ladder, NULL, d));
	TL_OK(action_item_request(carol, ladder, NULL, d));
	REFUSED(bob, action_item_request(bob, ladder, NULL, d), KITH_EINVAL,
		"you already asked for item", 1);
	tl_member_sync(bob, alice);
	tl_member_sync(carol, alice);
	TL_OK(action_loan_lend(alice, ladder, "Carol", 0, d));
	/* lent to Carol: Bob's request still waits, Carol's does not */
	s = show(f, alice, ladder);
	TL_CHECK(s->nreq == 2 && s->req_waiting[0] && !s->req_waiting[1],
		 "Bob waits, Carol has it: %d %d", s->req_waiting[0],
		 s->req_waiting[1]);
	tl_member_sync(alice, bob);
	REFUSED(bob, action_item_request(bob, ladder, NULL, d), KITH_EINVAL,
		"you already asked for item", 1);
	TL_OK(action_loan_return(alice, ladder, d));
	TL_OK(action_loan_lend(alice, ladder, "Bob", 0, d));
	TL_OK(action_loan_return(alice, ladder, d));
	tl_member_sync(alice, bob);
	/* answered and back: Bob may ask again */
	TL_OK(action_item_request(bob, ladder, NULL, d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
		T(add_checks_values),
		T(edit_withdraw_renew),
		T(only_the_owner),
		T(nobody_cannot_write),
		T(request_lend_return),
		T(lists_and_filters),
		T(give_away),
		T(one_request_each),
#undef T
	};

	return cmocka_run_group_tests(tests, tl_group_setup, NULL);
}
