/*
 * test_devices.c - one member, several device keys: the device rule on
 * apply (crdt/rules.c crdt_rules_root_ok, crdt/materialize.c), tried with
 * changes signed by hand, delivered in every order that a per-key log
 * allows, and with claims a member crafted.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
		T(device_posts_as_its_member),
		T(edits_from_two_keys_order_by_stamp),
		T(crafted_claims_are_ignored),
		T(device_checkin_is_its_members),
#undef T
	};

	return cmocka_run_group_tests_name("devices", tests, tl_group_setup,
					   NULL);
}
