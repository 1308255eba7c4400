/*
 * test_devices.c - one member, several device keys: the device rule on
 * apply (crdt/rules.c crdt_rules_root_ok, crdt/materialize.c), tried with
 * changes signed by hand, delivered in every order that a per-key log
 * allows, and with claims a member crafted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/community.h"
#include "crdt/err.h"
#include "crdt/rules.h"
#include "tests/testlib.h"

#define F(state) ((struct tl_fixture *)*(state))

/* One key's log, signed by hand: each change chains to the one before. */
struct log {
	struct crdt_identity id;
	uint64_t seq;
	uint8_t prev[32];
};

static void log_init(struct log *l, uint64_t seed)
{
	memset(l, 0, sizeof *l);
	TL_OK(tl_identity(&l->id, seed));
}

/* Append a change of op (finished here) at hlc ms; out gets it. */
static void put(struct log *l, struct crdt_op *op, uint64_t ms,
		struct tl_changes *out)
{
	TL_OK(crdt_op_finish(op));
	l->seq++;
	TL_OK(tl_make_change(&l->id, l->seq, l->seq > 1 ? l->prev : NULL,
			     (TL_EPOCH_MS + ms) << 16, op, 1, out, l->prev));
}

/* The member's certificate for device: root signs "kith device 1"||pk. */
static void cert(const struct crdt_identity *root, const uint8_t dev[32],
		 uint8_t sig[CRDT_SIG_LEN])
{
	uint8_t msg[CRDT_DEVICE_MSG_LEN];

	crdt_device_message(msg, dev);
	crdt_sign(sig, msg, sizeof msg, root);
}

/* A claim of root by l's key (a SELF member op), root_len bytes of root,
 * sig_len of sig. */
static void claim(struct log *l, const uint8_t *root, size_t root_len,
		  const uint8_t *sig, size_t sig_len, uint64_t ms,
		  struct tl_changes *out)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	TL_OK(crdt_op_set_bytes(&op, F_MEMBER_ROOT, root, root_len));
	TL_OK(crdt_op_set_bytes(&op, F_MEMBER_ROOT_SIG, sig, sig_len));
	put(l, &op, ms, out);
}

static void profile(struct log *l, const char *name, uint64_t ms,
		    struct tl_changes *out)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	TL_OK(crdt_op_set_text(&op, F_MEMBER_NAME, name));
	put(l, &op, ms, out);
}

/* An item created by l's next change; id gets its record id. */
static void item(struct log *l, const char *title, uint64_t ms,
		 struct tl_changes *out, uint8_t id[CRDT_ID_LEN])
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
	TL_OK(crdt_op_set_int(&op, F_ITEM_KIND, 1));
	TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, title));
	crdt_record_id(id, l->id.pk, l->seq + 1, 0);
	put(l, &op, ms, out);
}

/* A REF edit of an item's title by l's next change. */
static void retitle(struct log *l, const uint8_t id[CRDT_ID_LEN],
		    const char *title, uint64_t ms, struct tl_changes *out)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_ITEM);
	memcpy(op.target, id, CRDT_ID_LEN);
	op.target_len = CRDT_ID_LEN;
	TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, title));
	put(l, &op, ms, out);
}

static const char *author_of(struct crdt_replica *r,
			     const uint8_t id[CRDT_ID_LEN], char out[65])
{
	TL_OK(tl_text(r, "SELECT lower(hex(author)) FROM items WHERE id = ?1",
		      id, CRDT_ID_LEN, out, 65));
	return out;
}

/* Apply the changes of several logs in the order given by `order`: each
 * entry names a log (0..n-1); its next change goes.  Every interleaving
 * keeps each key's own order, as sync does. */
static void deliver(struct crdt_replica *r, struct tl_changes **logs,
		    const char *order)
{
	size_t next[8] = { 0 };
	struct crdt_apply_stats st;
	const char *p;

	for (p = order; *p; p++) {
		int k = *p - '0';

		assert_true(next[k] < logs[k]->n);
		TL_OK(tl_apply(r, &logs[k]->v[next[k]], 1, &st));
		next[k]++;
	}
}

/*
 * Xu's laptop (her member key) and her phone (a device key she linked):
 * the phone's kettle is Xu's, there is one member, and edits from either
 * key end the same on every replica, whichever arrives first - the
 * laptop's rename even before the kettle it renames.
 */
static void device_posts_as_its_member(void **state)
{
	struct log xu, phone;
	struct tl_changes *a = tl_changes_new(F(state));
	struct tl_changes *b = tl_changes_new(F(state));
	struct tl_changes *logs[2] = { a, b };
	uint8_t sig[CRDT_SIG_LEN], kettle[CRDT_ID_LEN];
	const char *orders[] = { "001011", "110100", "011100", "101010" };
	char want[65], got[65], title[128], d0[65], d[65];
	size_t i;

	log_init(&xu, 30);
	log_init(&phone, 31);
	profile(&xu, "Xu", 1, a);			  /* a0 */
	cert(&xu.id, phone.id.pk, sig);
	claim(&phone, xu.id.pk, 32, sig, sizeof sig, 2, b); /* b0 */
	item(&phone, "kettle", 3, b, kettle);		  /* b1 */
	retitle(&xu, kettle, "kettle (blue)", 4, a);	  /* a1 */
	retitle(&phone, kettle, "kettle (red)", 5, b);	  /* b2: later */
	retitle(&xu, kettle, "kettle (green)", 6, a);	  /* a2: latest */
	snprintf(want, sizeof want, "%s", tl_hex(xu.id.pk, 32));
	for (i = 0; i < sizeof orders / sizeof orders[0]; i++) {
		char name[16];
		struct crdt_replica *r;

		snprintf(name, sizeof name, "r%zu", i);
		r = tl_open(F(state), name, 0);
		deliver(r, logs, orders[i]);
		assert_string_equal(author_of(r, kettle, got), want);
		assert_string_equal(tl_title(r, CRDT_R_ITEM, kettle, title,
					     sizeof title),
				    "kettle (green)");
		assert_int_equal(tl_int(r, "SELECT count(*) FROM members"), 1);
		TL_OK(tl_text(r, "SELECT name FROM members WHERE id = ?1",
			      xu.id.pk, 32, got, sizeof got));
		assert_string_equal(got, "Xu");
		TL_OK(tl_digest(r, i ? d : d0));
		if (i)
			assert_string_equal(d, d0);
		/* rebuilt from the log: the same */
		TL_OK(crdt_store_rebuild(r->store));
		TL_OK(tl_digest(r, d));
		assert_string_equal(d, d0);
	}
	crdt_identity_release(&xu.id);
	crdt_identity_release(&phone.id);
}

/* The later edit wins by its key's stamp, not by which came last: the
 * phone's clock ran ahead, so its rename stands against the laptop's
 * rename stamped before it, in either order. */
static void edits_from_two_keys_order_by_stamp(void **state)
{
	struct log xu, phone;
	struct tl_changes *a = tl_changes_new(F(state));
	struct tl_changes *b = tl_changes_new(F(state));
	struct tl_changes *logs[2] = { a, b };
	uint8_t sig[CRDT_SIG_LEN], kettle[CRDT_ID_LEN];
	const char *orders[] = { "00111", "11100", "10101" };
	char title[128];
	size_t i;

	log_init(&xu, 32);
	log_init(&phone, 33);
	profile(&xu, "Xu", 1, a);
	cert(&xu.id, phone.id.pk, sig);
	claim(&phone, xu.id.pk, 32, sig, sizeof sig, 2, b);
	item(&phone, "kettle", 3, b, kettle);
	retitle(&phone, kettle, "from the phone", 900, b); /* ahead */
	retitle(&xu, kettle, "from the laptop", 10, a);
	for (i = 0; i < sizeof orders / sizeof orders[0]; i++) {
		char name[16];
		struct crdt_replica *r;

		snprintf(name, sizeof name, "s%zu", i);
		r = tl_open(F(state), name, 0);
		deliver(r, logs, orders[i]);
		assert_string_equal(tl_title(r, CRDT_R_ITEM, kettle, title,
					     sizeof title),
				    "from the phone");
	}
	crdt_identity_release(&xu.id);
	crdt_identity_release(&phone.id);
}

/*
 * Every way Mallory may try to make her key one of Xu's devices (and so
 * edit Xu's posts): each claim is kept in the log and has no effect - her
 * key stays its own member, her kettle hers, and her rename of Xu's
 * kettle changes nothing.
 */
static void crafted_claims_are_ignored(void **state)
{
	struct log xu, other;
	uint8_t sig[CRDT_SIG_LEN], xk[CRDT_ID_LEN], mk[CRDT_ID_LEN];
	struct {
		const char *what;
		int kind;
	} cases[] = {
		{ "a certificate Mallory signed herself", 0 },
		{ "Xu's certificate for another device", 1 },
		{ "the claim in her second change, not her first", 2 },
		{ "a claim of her own key as her member", 3 },
		{ "a signature of 63 bytes", 4 },
		{ "a member key of 31 bytes", 5 },
		{ "a member key but no signature", 6 },
	};
	size_t i;

	log_init(&xu, 34);
	log_init(&other, 35);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tl_changes *a = tl_changes_new(F(state));
		struct tl_changes *m = tl_changes_new(F(state));
		struct tl_changes *logs[2] = { a, m };
		struct log mal;
		struct crdt_replica *r;
		char name[16], got[65], title[128], order[16];
		const uint8_t *root = xu.id.pk;
		size_t rl = 32, sl = CRDT_SIG_LEN;

		xu.seq = 0;
		log_init(&mal, 40 + i);
		profile(&xu, "Xu", 1, a);
		item(&xu, "Xu's kettle", 2, a, xk);
		switch (cases[i].kind) {
		case 0:
			cert(&mal.id, mal.id.pk, sig);
			break;
		case 1:
			cert(&xu.id, other.id.pk, sig);
			break;
		case 2:
			cert(&xu.id, mal.id.pk, sig);
			profile(&mal, "Mallory", 3, m);
			break;
		case 3:
			cert(&mal.id, mal.id.pk, sig);
			root = mal.id.pk;
			break;
		case 4:
			cert(&xu.id, mal.id.pk, sig);
			sl = CRDT_SIG_LEN - 1;
			break;
		case 5:
			cert(&xu.id, mal.id.pk, sig);
			rl = 31;
			break;
		case 6:
			cert(&xu.id, mal.id.pk, sig);
			sl = 0;
			break;
		}
		if (sl) {
			claim(&mal, root, rl, sig, sl, 4, m);
		} else {
			struct crdt_op op;

			crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
			TL_OK(crdt_op_set_bytes(&op, F_MEMBER_ROOT, root, rl));
			put(&mal, &op, 4, m);
		}
		item(&mal, "Mallory's kettle", 5, m, mk);
		retitle(&mal, xk, "stolen", 900, m);
		snprintf(name, sizeof name, "c%zu", i);
		r = tl_open(F(state), name, 0);
		/* Xu's log first, or Mallory's */
		memset(order, 0, sizeof order);
		memset(order, i % 2 ? '1' : '0', i % 2 ? m->n : a->n);
		memset(order + strlen(order), i % 2 ? '0' : '1',
		       i % 2 ? a->n : m->n);
		deliver(r, logs, order);
		print_message("%s\n", cases[i].what);
		assert_string_equal(author_of(r, mk, got),
				    tl_hex(mal.id.pk, 32));
		assert_string_equal(tl_title(r, CRDT_R_ITEM, xk, title,
					     sizeof title),
				    "Xu's kettle");
		assert_int_equal(tl_int(r, "SELECT count(*) FROM keys"), 0);
		crdt_identity_release(&mal.id);
	}
	crdt_identity_release(&xu.id);
	crdt_identity_release(&other.id);
}

/* A removal of Xu's phone as a member could craft it: each one but
 * Xu's own, well formed, leaves the phone's kettle shown; Xu's drops it
 * at once (the view is rebuilt in the same commit) and after a rebuild. */
static void crafted_removals_are_ignored(void **state)
{
	struct log xu, phone, ben;
	struct tl_changes *a = tl_changes_new(F(state));
	struct crdt_replica *r = tl_open(F(state), "u", 0);
	uint8_t sig[CRDT_SIG_LEN], kettle[CRDT_ID_LEN], v[CRDT_PK_LEN + 9];
	struct crdt_apply_stats st;
	struct {
		struct log *by;
		size_t len;
		const char *what;
	} cases[] = {
		{ &ben, CRDT_PK_LEN + 8, "Ben removes Xu's phone" },
		{ &phone, CRDT_PK_LEN + 8, "the phone removes itself" },
		{ &xu, CRDT_PK_LEN + 7, "a value of 39 bytes" },
		{ &xu, CRDT_PK_LEN + 9, "a value of 41 bytes" },
	};
	char title[128];
	size_t i;

	log_init(&xu, 50);
	log_init(&phone, 51);
	log_init(&ben, 52);
	profile(&xu, "Xu", 1, a);
	profile(&ben, "Ben", 1, a);
	cert(&xu.id, phone.id.pk, sig);
	claim(&phone, xu.id.pk, 32, sig, sizeof sig, 2, a);
	item(&phone, "kettle", 3, a, kettle);
	TL_OK(tl_apply(r, a->v, a->n, &st));
	memset(v, 0, sizeof v);
	memcpy(v, phone.id.pk, CRDT_PK_LEN); /* after 0: all of it */
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tl_changes *b = tl_changes_new(F(state));
		struct crdt_op op;

		crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
		TL_OK(crdt_op_set_bytes(&op, F_MEMBER_UNLINK, v, cases[i].len));
		put(cases[i].by, &op, 10 + i, b);
		TL_OK(tl_apply(r, b->v, b->n, &st));
		print_message("%s\n", cases[i].what);
		assert_string_equal(tl_title(r, CRDT_R_ITEM, kettle, title,
					     sizeof title),
				    "kettle");
	}
	{
		struct tl_changes *b = tl_changes_new(F(state));
		struct crdt_op op;

		v[CRDT_PK_LEN + 7] = 1; /* after its claim: the kettle goes */
		crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
		TL_OK(crdt_op_set_bytes(&op, F_MEMBER_UNLINK, v,
					CRDT_PK_LEN + 8));
		put(&xu, &op, 20, b);
		TL_OK(tl_apply(r, b->v, b->n, &st));
	}
	assert_string_equal(tl_title(r, CRDT_R_ITEM, kettle, title,
				     sizeof title), "");
	TL_OK(crdt_store_rebuild(r->store));
	assert_string_equal(tl_title(r, CRDT_R_ITEM, kettle, title,
				     sizeof title), "");
	assert_int_equal(tl_int(r, "SELECT count(*) FROM unlinked WHERE after = 1"), 1);
	crdt_identity_release(&xu.id);
	crdt_identity_release(&phone.id);
	crdt_identity_release(&ben.id);
}

/* Handed over (F_MEMBER_HANDED): only her own key clears her host; a
 * device of hers, a value of 2 or Mallory's own flag change nothing. */
static void handed_only_by_her_own_key(void **state)
{
	struct log host, her, dev, mal;
	struct tl_changes *a = tl_changes_new(F(state));
	struct crdt_replica *r = tl_open(F(state), "h", 0);
	uint8_t sig[CRDT_SIG_LEN], msg[CRDT_HOST_MSG_LEN];
	struct crdt_apply_stats st;
	struct crdt_op op;
	char got[65];
	int i;

	log_init(&host, 60);
	log_init(&her, 61);
	log_init(&dev, 62);
	log_init(&mal, 63);
	profile(&host, "Ben", 1, a);
	crdt_host_message(msg, her.id.pk);
	crdt_sign(sig, msg, sizeof msg, &host.id);
	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	TL_OK(crdt_op_set_text(&op, F_MEMBER_NAME, "Mrs Okafor"));
	TL_OK(crdt_op_set_bytes(&op, F_MEMBER_HOST, host.id.pk, 32));
	TL_OK(crdt_op_set_bytes(&op, F_MEMBER_HOST_SIG, sig, sizeof sig));
	put(&her, &op, 2, a);
	cert(&her.id, dev.id.pk, sig);
	claim(&dev, her.id.pk, 32, sig, sizeof sig, 3, a);
	profile(&mal, "Mallory", 4, a);
	for (i = 0; i < 3; i++) {
		struct log *by = i == 0 ? &dev : i == 1 ? &her : &mal;

		crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
		TL_OK(crdt_op_set_int(&op, F_MEMBER_HANDED, i == 1 ? 2 : 1));
		put(by, &op, 10 + (uint64_t)i, a);
	}
	TL_OK(tl_apply(r, a->v, a->n, &st));
	TL_OK(tl_text(r, "SELECT coalesce(lower(hex(host)), '') FROM members"
			 " WHERE id = ?1", her.id.pk, 32, got, sizeof got));
	assert_string_equal(got, tl_hex(host.id.pk, 32));
	{
		struct tl_changes *b = tl_changes_new(F(state));

		crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
		TL_OK(crdt_op_set_int(&op, F_MEMBER_HANDED, 1));
		put(&her, &op, 20, b);
		TL_OK(tl_apply(r, b->v, b->n, &st));
	}
	for (i = 0; i < 2; i++) {
		TL_OK(tl_text(r, "SELECT coalesce(lower(hex(host)), '') FROM"
				 " members WHERE id = ?1", her.id.pk, 32, got,
			      sizeof got));
		assert_string_equal(got, "");
		TL_OK(crdt_store_rebuild(r->store));
	}
	crdt_identity_release(&host.id);
	crdt_identity_release(&her.id);
	crdt_identity_release(&dev.id);
	crdt_identity_release(&mal.id);
}

/* A device's check-in is its member's: the roll call names Xu. */
static void device_checkin_is_its_members(void **state)
{
	struct log xu, phone;
	struct tl_changes *a = tl_changes_new(F(state));
	struct crdt_replica *r = tl_open(F(state), "k", 0);
	uint8_t sig[CRDT_SIG_LEN];
	struct crdt_apply_stats st;
	struct crdt_op op;
	char got[65];

	log_init(&xu, 36);
	log_init(&phone, 37);
	profile(&xu, "Xu", 1, a);
	cert(&xu.id, phone.id.pk, sig);
	claim(&phone, xu.id.pk, 32, sig, sizeof sig, 2, a);
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_CHECKIN);
	TL_OK(crdt_op_set_bytes(&op, F_CHECKIN_MEMBER, xu.id.pk, 32));
	TL_OK(crdt_op_set_int(&op, F_CHECKIN_STATUS, 0));
	put(&phone, &op, 3, a);
	TL_OK(tl_apply(r, a->v, a->n, &st));
	TL_OK(tl_text(r, "SELECT lower(hex(author)) FROM checkins", NULL, 0,
		      got, sizeof got));
	assert_string_equal(got, tl_hex(xu.id.pk, 32));
	crdt_identity_release(&xu.id);
	crdt_identity_release(&phone.id);
}


/* ---- replacements of a lost member key (crdt/facts.h rule 8) --------- */

/* A replacement by coord of member's key with key, cutting n entries of
 * cuts (40 bytes each; cuts_len bytes in all when not n * 40), naming
 * seen (n_seen hashes). */
static void replace_fact(struct log *coord, const uint8_t *member,
			 const uint8_t *key, size_t key_len,
			 const uint8_t *cuts, size_t cuts_len,
			 const uint8_t *seen, size_t n_seen, uint64_t ms,
			 struct tl_changes *out)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_REPLACE);
	TL_OK(crdt_op_set_bytes(&op, F_REPLACE_MEMBER, member, 32));
	TL_OK(crdt_op_set_bytes(&op, F_REPLACE_KEY, key, key_len));
	if (cuts_len)
		TL_OK(crdt_op_set_bytes(&op, F_REPLACE_CUTS, cuts, cuts_len));
	if (n_seen)
		TL_OK(crdt_op_set_bytes(&op, F_REPLACE_SEEN, seen,
					n_seen * CRDT_HASH_LEN));
	put(coord, &op, ms, out);
}

/* One cut list entry: key stops after seq. */
static void cut_entry(uint8_t *e, const uint8_t key[32], uint64_t seq)
{
	int b;

	memcpy(e, key, 32);
	for (b = 0; b < 8; b++)
		e[32 + b] = (uint8_t)(seq >> (56 - 8 * b));
}

/* A role grant (or revocation) of coordinator by l, naming seen. */
static void coord_role(struct log *l, const uint8_t member[32], int grant,
		       const uint8_t *seen, size_t n_seen, uint64_t ms,
		       struct tl_changes *out)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ROLE);
	TL_OK(crdt_op_set_bytes(&op, F_ROLE_MEMBER, member, 32));
	TL_OK(crdt_op_set_int(&op, F_ROLE_ROLE, CRDT_ROLE_COORDINATOR));
	TL_OK(crdt_op_set_int(&op, F_ROLE_GRANT, grant));
	if (n_seen)
		TL_OK(crdt_op_set_bytes(&op, F_ROLE_SEEN, seen,
					n_seen * CRDT_HASH_LEN));
	put(l, &op, ms, out);
}

/* What the view shows once the replay's replacements reach it, with
 * creator the community's first coordinator. */
static void refresh(struct crdt_replica *r, const uint8_t creator[32])
{
	struct crdt_roles roles;

	TL_OK(crdt_community_refresh(r->store, creator, &roles));
	crdt_roles_release(&roles);
}

/*
 * Xu's laptop (her member key) is stolen.  Her phone's and her laptop's
 * changes up to what the coordinator held stay hers; her new laptop (a
 * new key) and a device it links write as Xu, its profile edit shows on
 * her; what the thief signs with her key after, and a device the thief
 * links with her key, show nowhere - on every replica, whatever order
 * the logs came in, and after a rebuild.
 */
static void replaced_key_writes_as_member(void **state)
{
	struct log co, xu, phone, nk, bike, fake;
	struct tl_changes *l[6];
	uint8_t sig[CRDT_SIG_LEN], cuts[2 * CRDT_CUT_LEN];
	uint8_t kettle[CRDT_ID_LEN], radio[CRDT_ID_LEN], lamp[CRDT_ID_LEN],
		chair[CRDT_ID_LEN], stolen[CRDT_ID_LEN], cycle[CRDT_ID_LEN],
		forged[CRDT_ID_LEN];
	const char *orders[] = { "00011122223334445555", "55544433322221110000",
				 "10203040512345012345", "33344455500011122222",
				 "22223331115554440000" };
	char want[65], got[65], title[128], d0[65], d[65];
	struct crdt_key_use u;
	size_t i;

	for (i = 0; i < 6; i++)
		l[i] = tl_changes_new(F(state));
	log_init(&co, 60);
	log_init(&xu, 61);
	log_init(&phone, 62);
	log_init(&nk, 63);
	log_init(&bike, 64);
	log_init(&fake, 65);
	profile(&xu, "Xu", 1, l[0]);				/* 0: 1 */
	item(&xu, "kettle", 2, l[0], kettle);			/* 0: 2 */
	cert(&xu.id, phone.id.pk, sig);
	claim(&phone, xu.id.pk, 32, sig, sizeof sig, 3, l[1]);	/* 1: 1 */
	item(&phone, "radio", 4, l[1], radio);			/* 1: 2 */
	item(&phone, "lamp", 5, l[1], lamp);			/* 1: 3, cut */
	profile(&nk, "Xu (new laptop)", 50, l[2]);		/* 2: 1 */
	item(&nk, "chair", 51, l[2], chair);			/* 2: 2 */
	cut_entry(cuts, xu.id.pk, 2);
	cut_entry(cuts + CRDT_CUT_LEN, phone.id.pk, 2);
	replace_fact(&co, xu.id.pk, nk.id.pk, 32, cuts, sizeof cuts, NULL, 0,
		     40, l[3]);					/* 3: 1 */
	item(&xu, "stolen", 60, l[0], stolen);			/* 0: 3, cut */
	cert(&nk.id, bike.id.pk, sig);
	claim(&bike, nk.id.pk, 32, sig, sizeof sig, 70, l[4]);	/* 4: 1 */
	item(&bike, "bike", 71, l[4], cycle);			/* 4: 2 */
	cert(&xu.id, fake.id.pk, sig);
	claim(&fake, xu.id.pk, 32, sig, sizeof sig, 80, l[5]);	/* 5: 1 */
	item(&fake, "forged", 81, l[5], forged);		/* 5: 2 */
	/* the orders above hold each log's count of changes */
	assert_int_equal(l[0]->n, 3);
	assert_int_equal(l[1]->n, 3);
	assert_int_equal(l[2]->n, 2);
	assert_int_equal(l[3]->n, 1);
	snprintf(want, sizeof want, "%s", tl_hex(xu.id.pk, 32));
	for (i = 0; i < sizeof orders / sizeof orders[0]; i++) {
		char name[16], o[32];
		struct crdt_replica *r;
		size_t k, n = 0;

		/* the orders name up to 4 changes of each log: keep each
		 * log's count */
		size_t left[6];

		for (k = 0; k < 6; k++)
			left[k] = l[k]->n;
		for (k = 0; orders[i][k]; k++) {
			int j = orders[i][k] - '0';

			if (left[j]) {
				left[j]--;
				o[n++] = orders[i][k];
			}
		}
		for (k = 0; k < 6; k++)
			while (left[k]--)
				o[n++] = (char)('0' + k);
		o[n] = '\0';
		snprintf(name, sizeof name, "x%zu", i);
		r = tl_open(F(state), name, 0);
		deliver(r, l, o);
		refresh(r, co.id.pk);
		assert_string_equal(author_of(r, kettle, got), want);
		assert_string_equal(author_of(r, radio, got), want);
		assert_string_equal(author_of(r, chair, got), want);
		assert_string_equal(author_of(r, cycle, got), want);
		assert_string_equal(tl_title(r, CRDT_R_ITEM, lamp, title,
					     sizeof title), "");
		assert_string_equal(tl_title(r, CRDT_R_ITEM, stolen, title,
					     sizeof title), "");
		assert_string_equal(tl_title(r, CRDT_R_ITEM, forged, title,
					     sizeof title), "");
		assert_int_equal(tl_int(r, "SELECT count(*) FROM items"), 4);
		assert_int_equal(tl_int(r, "SELECT count(*) FROM members"), 1);
		TL_OK(tl_text(r, "SELECT name FROM members WHERE id = ?1",
			      xu.id.pk, 32, got, sizeof got));
		assert_string_equal(got, "Xu (new laptop)");
		/* how the view counts each key */
		TL_OK(crdt_store_key_use(r->store, xu.id.pk, &u));
		assert_true(u.replaced && u.own && u.after == 2);
		TL_OK(crdt_store_key_use(r->store, nk.id.pk, &u));
		assert_true(!u.replaced && u.own && u.after == UINT64_MAX);
		assert_memory_equal(u.who, xu.id.pk, 32);
		TL_OK(crdt_store_key_use(r->store, bike.id.pk, &u));
		assert_true(!u.own && u.after == UINT64_MAX);
		assert_memory_equal(u.who, xu.id.pk, 32);
		TL_OK(crdt_store_key_use(r->store, fake.id.pk, &u));
		assert_true(u.replaced && u.after == 0);
		TL_OK(tl_digest(r, i ? d : d0));
		if (i)
			assert_string_equal(d, d0);
		TL_OK(crdt_store_rebuild(r->store));
		TL_OK(tl_digest(r, d));
		assert_string_equal(d, d0);
		/* and a second refresh changes nothing */
		refresh(r, co.id.pk);
		TL_OK(tl_digest(r, d));
		assert_string_equal(d, d0);
	}
	crdt_identity_release(&co.id);
	crdt_identity_release(&xu.id);
	crdt_identity_release(&phone.id);
	crdt_identity_release(&nk.id);
	crdt_identity_release(&bike.id);
	crdt_identity_release(&fake.id);
}

/*
 * Replacements a member could craft, or that break a rule: each is kept
 * in the log and changes nothing - the new key's chair stays its own,
 * Xu's kettle stays hers, and nothing of Xu's is cut.  Stamps decide
 * nothing: the coordinator's back-dated and far-future ones count.
 */
static void crafted_replacements_are_ignored(void **state)
{
	struct {
		const char *what;
		int kind, counts;
	} cases[] = {
		{ "signed by a member who is no coordinator", 0, 0 },
		{ "the member as their own new key", 1, 0 },
		{ "a cut list of 39 bytes", 2, 0 },
		{ "a new key of 31 bytes", 3, 0 },
		{ "a cut list of 65 entries", 4, 0 },
		{ "by a coordinator whose role was revoked concurrently", 5, 0 },
		{ "the new key of an earlier replacement, for Ben", 6, 0 },
		{ "an earlier replacement's new key as the member", 7, 0 },
		{ "by the coordinator, back-dated to 1970", 8, 1 },
		{ "by the coordinator, a hundred years ahead", 9, 1 },
		{ "by a coordinator she appointed, who saw the grant", 10, 1 },
	};
	struct tl_changes *a = tl_changes_new(F(state));
	struct tl_changes *c = tl_changes_new(F(state));
	struct tl_changes *n = tl_changes_new(F(state));
	struct tl_changes *m = tl_changes_new(F(state));
	struct tl_changes *logs[4] = { a, c, n, m };
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct log co, xu, nk, mal, ben, k2;
		static uint8_t cuts[65 * CRDT_CUT_LEN];
		uint8_t kettle[CRDT_ID_LEN], chair[CRDT_ID_LEN],
			bens[CRDT_ID_LEN], grant[CRDT_HASH_LEN];
		struct crdt_replica *r;
		char name[16], got[65], title[128], order[32];
		int kind = cases[i].kind, j;

		for (j = 0; j < 4; j++)
			tl_changes_free(logs[j]);
		log_init(&co, 70);
		log_init(&xu, 71);
		log_init(&nk, 72);
		log_init(&mal, 73);
		log_init(&ben, 74);
		log_init(&k2, 75);
		profile(&xu, "Xu", 1, a);
		item(&xu, "kettle", 2, a, kettle);
		profile(&nk, "Xu again", 3, n);
		item(&nk, "chair", 4, n, chair);
		item(&ben, "Ben's tools", 5, m, bens);
		cut_entry(cuts, xu.id.pk, 0); /* even her kettle, if it held */
		switch (kind) {
		case 0:
			replace_fact(&mal, xu.id.pk, nk.id.pk, 32, cuts,
				     CRDT_CUT_LEN, NULL, 0, 10, c);
			break;
		case 1:
			replace_fact(&co, xu.id.pk, xu.id.pk, 32, cuts,
				     CRDT_CUT_LEN, NULL, 0, 10, c);
			break;
		case 2:
			replace_fact(&co, xu.id.pk, nk.id.pk, 32, cuts,
				     CRDT_CUT_LEN - 1, NULL, 0, 10, c);
			break;
		case 3:
			replace_fact(&co, xu.id.pk, nk.id.pk, 31, cuts,
				     CRDT_CUT_LEN, NULL, 0, 10, c);
			break;
		case 4:
			replace_fact(&co, xu.id.pk, nk.id.pk, 32, cuts,
				     sizeof cuts, NULL, 0, 10, c);
			break;
		case 5:
		case 10:
			/* co appoints k2; k2 replaces (having seen the
			 * grant); in case 5 co revokes k2 without having
			 * seen that */
			coord_role(&co, k2.id.pk, 1, NULL, 0, 10, c);
			memcpy(grant, co.prev, CRDT_HASH_LEN);
			replace_fact(&k2, xu.id.pk, nk.id.pk, 32, cuts,
				     CRDT_CUT_LEN, grant, 1, 11, m);
			if (kind == 5)
				coord_role(&co, k2.id.pk, 0, grant, 1, 12, c);
			break;
		case 6:
		case 7:
			replace_fact(&co, ben.id.pk, kind == 6 ? nk.id.pk
							       : k2.id.pk,
				     32, NULL, 0, NULL, 0, 10, c);
			/* the second, after the first in co's log */
			replace_fact(&co, kind == 6 ? xu.id.pk : k2.id.pk,
				     nk.id.pk, 32, cuts, CRDT_CUT_LEN, NULL, 0,
				     11, c);
			break;
		case 8:
			replace_fact(&co, xu.id.pk, nk.id.pk, 32, cuts,
				     CRDT_CUT_LEN, NULL, 0, 0 - TL_EPOCH_MS, c);
			break;
		case 9:
			replace_fact(&co, xu.id.pk, nk.id.pk, 32, cuts,
				     CRDT_CUT_LEN, NULL, 0,
				     86400000ull * 365 * 100, c);
			break;
		}
		snprintf(name, sizeof name, "k%zu", i);
		r = tl_open(F(state), name, 0);
		/* every log whole, in turn; the odd cases backwards */
		memset(order, 0, sizeof order);
		{
			int j, o;

			for (j = 0; j < 4; j++) {
				o = i % 2 ? 3 - j : j;
				memset(order + strlen(order), '0' + o,
				       logs[o]->n);
			}
		}
		deliver(r, logs, order);
		refresh(r, co.id.pk);
		print_message("%s\n", cases[i].what);
		if (kind == 6 || kind == 7) {
			/* the first counts (Ben's key replaced), not the
			 * second */
			assert_string_equal(author_of(r, kettle, got),
					    tl_hex(xu.id.pk, 32));
			assert_int_equal(tl_int(r, "SELECT count(*) FROM"
						   " replaced"), 1);
		} else if (cases[i].counts) {
			assert_string_equal(author_of(r, chair, got),
					    tl_hex(xu.id.pk, 32));
			assert_string_equal(tl_title(r, CRDT_R_ITEM, kettle,
						     title, sizeof title), "");
		} else {
			assert_string_equal(author_of(r, chair, got),
					    tl_hex(nk.id.pk, 32));
			assert_string_equal(author_of(r, kettle, got),
					    tl_hex(xu.id.pk, 32));
			assert_string_equal(author_of(r, bens, got),
					    tl_hex(ben.id.pk, 32));
			assert_int_equal(tl_int(r, "SELECT count(*) FROM"
						   " replaced"), 0);
		}
		crdt_identity_release(&co.id);
		crdt_identity_release(&xu.id);
		crdt_identity_release(&nk.id);
		crdt_identity_release(&mal.id);
		crdt_identity_release(&ben.id);
		crdt_identity_release(&k2.id);
	}
}

/* ---- the property: keys of one member, partitioned, one replaced ------- */

/*
 * Keys: Xu (0) and two devices of hers (1, 2), Ben (3), Mallory (4),
 * whose first change claims Xu with a certificate that is not Xu's for
 * her key, a new key (5) and a device it links (6), and the coordinator
 * (7).  Each writes a log of random changes - items, renames of any
 * item (her own member's or not), names, removals of one of Xu's keys -
 * on a clock of its own, skewed, sometimes back-dated or far ahead.  On
 * half the seeds, at a random point, the coordinator replaces Xu's key
 * with key 5, cutting Xu's three keys where its replica held them then
 * (one fewer now and then, or leaving one off the list).  Three replicas
 * take every log in a random interleaving of their own (each key's log
 * in its order, as sync gives it); one is compared with the model
 * half-way, at the prefix of each log it holds; at the end all three show
 * the same digest and the model: items are their key's member's (5 and 6
 * are Xu's once the replacement is held, else 5's), a change of a cut key
 * past its cut or of a removed device past its removal counts nowhere, a
 * rename counts when its key is of the item's member, and the rename with
 * the highest (stamp, key, seq) stands, stamp the highest HLC of its
 * key's log so far.
 */
#define PK 8
#define PMAX 20
#define CO 7

struct pch {
	int kind; /* 0 claim, 1 item, 2 rename, 3 name, 4 unlink, 5 replace */
	int item; /* 2: which item; 4: which key */
	uint64_t after; /* 4 */
	uint64_t hlc, stamp;
	char text[24];
};

struct pitem {
	int key, seq;
	uint8_t id[CRDT_ID_LEN];
	char title[24];
};

struct pworld {
	uint64_t rng;
	struct log lg[PK];
	struct tl_changes *ch[PK];
	struct pch c[PK][PMAX + 1]; /* c[k][seq] */
	int n[PK];
	struct pitem it[PK * PMAX];
	int nit;
	int replaced;	    /* the coordinator's first change replaces */
	uint64_t cut[3];    /* where it cuts Xu's keys 0..2 */
};

static uint64_t prng(struct pworld *w, uint64_t n)
{
	uint64_t z = (w->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (z ^ (z >> 31)) % n;
}

/* Whether the replacement is held, with the first pre[j] changes of each
 * key j. */
static int repl_held(const struct pworld *w, const int pre[PK])
{
	return w->replaced && pre[CO] >= 1;
}

/* The member key k writes as (Mallory's claim never holds). */
static int member_of(const struct pworld *w, int k, const int pre[PK])
{
	if (k == 1 || k == 2)
		return 0;
	if (k == 5 || k == 6)
		return repl_held(w, pre) ? 0 : 5;
	return k;
}

static void pput(struct pworld *w, int k, struct crdt_op *op, uint64_t ms)
{
	struct pch *c;
	uint64_t top = 0;
	int s;

	put(&w->lg[k], op, ms, w->ch[k]);
	s = ++w->n[k];
	c = &w->c[k][s];
	c->hlc = (TL_EPOCH_MS + ms) << 16;
	for (top = c->hlc; s > 1 && top < w->c[k][s - 1].stamp;)
		top = w->c[k][s - 1].stamp;
	c->stamp = top;
}

/* The claim of key k (seq 1) with root's certificate. */
static void pclaim(struct pworld *w, int k, int root, uint64_t ms)
{
	uint8_t sig[CRDT_SIG_LEN];

	cert(&w->lg[root].id, w->lg[k].id.pk, sig);
	w->c[k][1].kind = 0;
	claim(&w->lg[k], w->lg[root].id.pk, 32, sig, sizeof sig, ms, w->ch[k]);
	w->n[k] = 1;
	w->c[k][1].hlc = w->c[k][1].stamp = (TL_EPOCH_MS + ms) << 16;
}

/* The coordinator replaces Xu's key with key 5, cutting her keys where
 * they are now (or one fewer, or not listed: 0). */
static void preplace(struct pworld *w, uint64_t ms)
{
	uint8_t cuts[3 * CRDT_CUT_LEN];
	size_t n = 0;
	int k;

	for (k = 0; k < 3; k++) {
		uint64_t at = (uint64_t)w->n[k];

		if (at && !prng(w, 4))
			at--;
		if (!prng(w, 8)) {
			w->cut[k] = 0; /* left off the list */
			continue;
		}
		w->cut[k] = at;
		cut_entry(cuts + n++ * CRDT_CUT_LEN, w->lg[k].id.pk, at);
	}
	replace_fact(&w->lg[CO], w->lg[0].id.pk, w->lg[5].id.pk, 32, cuts,
		     n * CRDT_CUT_LEN, NULL, 0, ms, w->ch[CO]);
	w->n[CO] = 1;
	w->c[CO][1].kind = 5;
	w->c[CO][1].hlc = w->c[CO][1].stamp = (TL_EPOCH_MS + ms) << 16;
}

static void gen(struct pworld *w, struct tl_fixture *f)
{
	uint8_t sig[CRDT_SIG_LEN];
	uint64_t clk[PK];
	int k, i, at;

	for (k = 0; k < PK; k++) {
		log_init(&w->lg[k], w->rng * 8 + (uint64_t)k + 100);
		w->ch[k] = tl_changes_new(f);
		clk[k] = 1000 + prng(w, 7200000); /* up to 2 h of skew */
	}
	pclaim(w, 1, 0, clk[1]);
	pclaim(w, 2, 0, clk[2]);
	pclaim(w, 6, 5, clk[6]);
	/* Mallory: Xu's certificate for device 1, or her own */
	if (prng(w, 2))
		cert(&w->lg[0].id, w->lg[1].id.pk, sig);
	else
		cert(&w->lg[4].id, w->lg[4].id.pk, sig);
	claim(&w->lg[4], w->lg[0].id.pk, 32, sig, sizeof sig, clk[4],
	      w->ch[4]);
	w->n[4] = 1;
	w->c[4][1].hlc = w->c[4][1].stamp = (TL_EPOCH_MS + clk[4]) << 16;
	w->replaced = (int)prng(w, 2);
	at = (int)prng(w, (CO - 1) * (PMAX - 2));
	for (i = 0; i < (CO - 1) * (PMAX - 2); i++) {
		struct crdt_op op;
		struct pch *c;
		uint8_t v[CRDT_PK_LEN + 8]; /* the op points at it */
		uint64_t ms;
		int kind;

		if (i == at && w->replaced)
			preplace(w, clk[CO] + prng(w, 60000));
		k = (int)prng(w, CO);
		if (w->n[k] >= PMAX)
			continue;
		/* mostly forward, sometimes back-dated, rarely far ahead */
		clk[k] += 1 + prng(w, 60000);
		ms = clk[k];
		if (!prng(w, 8))
			ms -= prng(w, ms < 3600000 ? ms : 3600000);
		if (!prng(w, 30))
			ms += 86400000ull * 365;
		kind = w->nit == 0 || prng(w, 10) < 3 ? 1
		       : prng(w, 10) < 7		  ? 2
							  : 3;
		if (!prng(w, 12))
			kind = 4;
		if (kind == 1) {
			struct pitem *it = &w->it[w->nit++];

			it->key = k;
			it->seq = w->n[k] + 1;
			snprintf(it->title, sizeof it->title, "item %d.%d", k,
				 it->seq);
			crdt_record_id(it->id, w->lg[k].id.pk,
				       (uint64_t)it->seq, 0);
			crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
			TL_OK(crdt_op_set_int(&op, F_ITEM_KIND, 1));
			TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, it->title));
		} else if (kind == 2) {
			int t = (int)prng(w, (uint64_t)w->nit);

			crdt_op_init(&op, CRDT_OP_REF, CRDT_R_ITEM);
			memcpy(op.target, w->it[t].id, CRDT_ID_LEN);
			op.target_len = CRDT_ID_LEN;
			w->c[k][w->n[k] + 1].item = t;
		} else {
			crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
		}
		if (kind == 4) {
			/* a removal of one of Xu's keys: of a device by
			 * Xu's own key (counts), of her own key, or by
			 * anyone else (never counts) */
			int t = (int)prng(w, 3), b;
			uint64_t after = prng(w, (uint64_t)w->n[t] + 1);

			memcpy(v, w->lg[t].id.pk, CRDT_PK_LEN);
			for (b = 0; b < 8; b++)
				v[CRDT_PK_LEN + b] = (uint8_t)(after >> (56 - 8 * b));
			TL_OK(crdt_op_set_bytes(&op, F_MEMBER_UNLINK, v,
						sizeof v));
			w->c[k][w->n[k] + 1].item = t;
			w->c[k][w->n[k] + 1].after = after;
		}
		c = &w->c[k][w->n[k] + 1];
		c->kind = kind;
		snprintf(c->text, sizeof c->text, "%s %d.%d",
			 kind == 3 ? "name" : "title", k, w->n[k] + 1);
		if (kind == 2)
			TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, c->text));
		if (kind == 3)
			TL_OK(crdt_op_set_text(&op, F_MEMBER_NAME, c->text));
		pput(w, k, &op, ms);
	}
}

/* (stamp, key, seq) of a > b's */
static int later(struct pworld *w, int ka, int sa, int kb, int sb)
{
	int d;

	if (w->c[ka][sa].stamp != w->c[kb][sb].stamp)
		return w->c[ka][sa].stamp > w->c[kb][sb].stamp;
	d = memcmp(w->lg[ka].id.pk, w->lg[kb].id.pk, 32);
	return d ? d > 0 : sa > sb;
}

/* Whether change s of key k counts, with the first pre[j] changes of
 * each key j held: not past its cut when the replacement is held, not
 * when one of Xu's own keys (hers, or key 5 once it is) removed the
 * device k is before it, in a change that counts. */
static int counts(struct pworld *w, int k, int s, const int pre[PK])
{
	int j, r = repl_held(w, pre);

	if (s > pre[k])
		return 0;
	if (r && k <= 2 && (uint64_t)s > w->cut[k])
		return 0;
	if (k != 1 && k != 2)
		return 1;
	for (j = 0; j <= 5; j += 5) {
		int t;

		if (j == 5 && !r)
			break;
		for (t = 1; t <= pre[j]; t++)
			if (w->c[j][t].kind == 4 && w->c[j][t].item == k &&
			    (uint64_t)s > w->c[j][t].after &&
			    counts(w, j, t, pre))
				return 0;
	}
	return 1;
}

/* The replica r, holding the first pre[k] changes of each key, against
 * the model. */
static void model_check(struct pworld *w, struct crdt_replica *r,
			const int pre[PK])
{
	char got[65], title[128];
	int i, k, s, items = 0, members = 0;

	refresh(r, w->lg[CO].id.pk);
	for (i = 0; i < w->nit; i++) {
		const struct pitem *it = &w->it[i];
		const char *want = it->title;
		int bk = -1, bs = 0, m = member_of(w, it->key, pre);

		if (!counts(w, it->key, it->seq, pre)) {
			assert_string_equal(tl_title(r, CRDT_R_ITEM, it->id,
						     title, sizeof title),
					    "");
			continue;
		}
		items++;
		for (k = 0; k < PK; k++)
			for (s = 1; s <= pre[k]; s++)
				if (w->c[k][s].kind == 2 &&
				    w->c[k][s].item == i &&
				    member_of(w, k, pre) == m &&
				    counts(w, k, s, pre) &&
				    (bk < 0 || later(w, k, s, bk, bs))) {
					bk = k;
					bs = s;
				}
		if (bk >= 0)
			want = w->c[bk][bs].text;
		assert_string_equal(tl_title(r, CRDT_R_ITEM, it->id, title,
					     sizeof title),
				    want);
		assert_string_equal(author_of(r, it->id, got),
				    tl_hex(w->lg[m].id.pk, 32));
	}
	assert_int_equal(tl_int(r, "SELECT count(*) FROM items"), items);
	for (i = 0; i < PK; i++) {
		int bk = -1, bs = 0;

		if (member_of(w, i, pre) != i)
			continue;
		for (k = 0; k < PK; k++)
			for (s = 1; s <= pre[k]; s++)
				if (w->c[k][s].kind == 3 &&
				    member_of(w, k, pre) == i &&
				    counts(w, k, s, pre) &&
				    (bk < 0 || later(w, k, s, bk, bs))) {
					bk = k;
					bs = s;
				}
		if (bk < 0)
			continue;
		members++;
		TL_OK(tl_text(r, "SELECT name FROM members WHERE id = ?1",
			      w->lg[i].id.pk, 32, got, sizeof got));
		assert_string_equal(got, w->c[bk][bs].text);
	}
	assert_int_equal(tl_int(r, "SELECT count(*) FROM members"), members);
}

static void devices_converge(void **state)
{
	unsigned seed, seeds = 60;
	const char *env = getenv("KITH_DEVICE_SEEDS");

	(void)state;
	if (env && atoi(env) > 0)
		seeds = (unsigned)atoi(env);
	for (seed = 1; seed <= seeds; seed++) {
		struct tl_fixture *f = tl_fixture_new(seed);
		struct pworld *w = calloc(1, sizeof *w);
		char d0[65] = "", d[65];
		int rep, k;

		assert_non_null(f);
		assert_non_null(w);
		w->rng = seed;
		gen(w, f);
		for (rep = 0; rep < 3; rep++) {
			struct crdt_replica *r;
			struct crdt_apply_stats st;
			int pre[PK] = { 0 }, left = 0, mid;
			char name[16];

			snprintf(name, sizeof name, "p%d", rep);
			r = tl_open(f, name, 0);
			for (k = 0; k < PK; k++)
				left += w->n[k];
			mid = (int)prng(w, (uint64_t)left);
			while (left) {
				k = (int)prng(w, PK);
				if (pre[k] >= w->n[k])
					continue;
				TL_OK(tl_apply(r, &w->ch[k]->v[pre[k]], 1, &st));
				assert_int_equal(st.applied, 1);
				pre[k]++;
				if (--left == mid && rep == 0)
					model_check(w, r, pre);
			}
			model_check(w, r, pre);
			TL_OK(tl_digest(r, rep ? d : d0));
			if (rep)
				assert_string_equal(d, d0);
			TL_OK(crdt_store_rebuild(r->store));
			TL_OK(tl_digest(r, d));
			assert_string_equal(d, d0);
		}
		for (k = 0; k < PK; k++)
			crdt_identity_release(&w->lg[k].id);
		free(w);
		tl_fixture_free(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
		T(device_posts_as_its_member),
		T(edits_from_two_keys_order_by_stamp),
		T(crafted_claims_are_ignored),
		T(device_checkin_is_its_members),
		T(crafted_removals_are_ignored),
		T(handed_only_by_her_own_key),
		T(replaced_key_writes_as_member),
		T(crafted_replacements_are_ignored),
		cmocka_unit_test(devices_converge),
#undef T
	};

	return cmocka_run_group_tests_name("devices", tests, tl_group_setup,
					   NULL);
}
