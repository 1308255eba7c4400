/*
 * ops_bench.c - how fast `kith match` and `kith checkins` answer on a
 * replica the size of a real old-town community (the target:
 * under 200 ms each).
 *
 * Untimed, through the crdt API only (crdt_replica_commit, each change
 * signed by its author): --members members in --buildings buildings, each
 * publishing their own profile (a SELF op signed by their own identity:
 * name, building, unit, most with skills, some with availability); then
 * --items items (--resource-pct of them resources with quantities) by
 * about one member in 20, up to 100 CREATE ops per change; --wishes
 * wishes of mixed urgency by about one member in 6, ten per change;
 * claims on --claim-pct of them by other members; the wish authors
 * accept and confirm half of the claimed ones with hours, and withdraw a
 * few; owners lend some items; the first member (the community's
 * creator, so a coordinator) starts an emergency; then most members check
 * in, some twice, and one member per building reports for neighbours.
 * The clock is injected: everything happens in the 12 days before now.
 *
 * Timed (best and median of --repeat runs):
 *   - the crdt-level queries: crdt_match for the --match-wishes most
 *     urgent open wishes and for one wish, crdt_checkins for everyone
 *     since the emergency began and for one building (what `kith
 *     checkins` runs), and the other queries of crdt/ops.h;
 *   - the commands themselves, when --kith names the binary (default
 *     build/kith if it exists): `kith --home H match`, `match WISH`,
 *     `checkins`, ... run as processes with stdout to /dev/null, wall
 *     time from fork to exit (process start, opening the replica and
 *     deriving roles included).
 *
 *   cc -std=c11 -D_GNU_SOURCE -O2 -I. -o build/bench/ops_bench \
 *      bench/ops/ops_bench.c build/libkith.a \
 *      $(pkg-config --libs sqlite3 libsodium libuv avahi-client)
 *   build/bench/ops_bench [--quick] [--repeat N] [--dir D] [--keep]
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crdt/community.h"
#include "crdt/err.h"
#include "crdt/ops.h"
#include "crdt/replica.h"
#include "crdt/schema.h"
#include "peer/keystore.h"

#define TARGET_MS 200.0
#define OPS_PER_CHANGE 100
#define CHANGES_PER_TX 2000
#define DAY_MS 86400000ull

static struct {
	long members, buildings, items, wishes;
	long resource_pct, claim_pct, match_wishes, repeat;
	const char *dir, *kith;
	int keep, strict;
} opt = {
	.members = 12000, .buildings = 69, .items = 50000, .wishes = 20000,
	.resource_pct = 10, .claim_pct = 30, .match_wishes = 20, .repeat = 5,
};

static char tmpdir[4096], home[4200];
static pid_t main_pid;

/* ---- small helpers ------------------------------------------------------ */

__attribute__((format(printf, 1, 2), noreturn)) static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ops_bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

#define CHECK(expr)                                                           \
	do {                                                                  \
		int rc_ = (expr);                                             \
		if (rc_)                                                      \
			die("%s:%d: %s: %s", __FILE__, __LINE__, #expr,       \
			    kith_strerror(rc_));                              \
	} while (0)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Deterministic "random" number for (stream, index). */
static uint64_t rnd(uint64_t stream, uint64_t i)
{
	return mix(mix(stream * 0x100000001b3ull) ^ mix(i));
}

#define PICK(a, k) ((a)[(k) % (sizeof(a) / sizeof((a)[0]))])
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int rm_one(const char *p, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(p);
	return 0;
}

static void rm_tmpdir(void)
{
	if (tmpdir[0] && getpid() == main_pid && !opt.keep)
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void on_signal(int sig)
{
	rm_tmpdir();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ---- what an old town's posts look like ---------------------------------- */

static const char *const streets[] = {
	"Market Lane", "Church Street", "Mill Row", "Tanners' Alley",
	"Castle Hill", "Bakers' Court", "Fountain Square", "Well Street",
	"Old Wall", "Bridge Street", "Weavers' Lane", "Chapel Row",
	"Salt Gate", "Cooper Yard",
};
static const char *const first_names[] = {
	"Amira", "Ben", "Chloé", "Dariusz", "Elif", "Femi", "Greta", "Hamid",
	"Ines", "Jonas", "Kemal", "Lena", "Malik", "Nora", "Olek", "Priya",
	"Quentin", "Rosa", "Sami", "Tanja", "Umut", "Vera", "Wim", "Yusuf",
	"Zofia", "Anton", "Birgit", "Carlos", "Doris", "Emil",
};
static const char *const last_names[] = {
	"Okafor", "Schmidt", "Nowak", "Yilmaz", "Rossi", "Haddad", "Jansen",
	"Kowalski", "Müller", "Dubois", "Hoffmann", "Petrov", "Santos",
	"Weber", "Ahmadi", "Fischer", "Lindqvist", "Costa", "Bauer", "Kaya",
};
static const char *const skills[] = {
	"plumbing", "electrician", "first aid", "nurse", "doctor",
	"carpentry", "cooking", "baking", "childcare", "elderly care",
	"driving", "van driver", "bicycle repair", "computer help",
	"phone repair", "gardening", "sewing", "knitting", "painting",
	"tutoring maths", "German lessons", "English lessons", "Arabic",
	"Turkish", "translation", "heavy lifting", "moving furniture",
	"shopping errands", "dog walking", "cleaning", "locksmith", "roofing",
	"welding", "music lessons", "hairdressing", "counselling",
};
static const char *const availability[] = {
	"evenings", "weekends", "mornings", "any time", "after 6 pm",
	"Saturdays",
};

struct category {
	const char *name;
	const char *nouns[8];
	const char *unit; /* resources */
};
/* the first eight are the emergency resources */
static const struct category cats[] = {
	{ "water", { "drinking water", "water canister", "water filter",
		     "bottled water", "rain barrel", "purification tablets",
		     "water jug", "hand pump" }, "litres" },
	{ "food", { "tinned soup", "rice", "pasta", "baby food",
		    "long-life milk", "flour", "lentils", "crispbread" },
	  "kg" },
	{ "medicine", { "insulin cooler", "painkillers", "bandages",
			"blood pressure monitor", "thermometer",
			"rehydration salts", "inhaler spacer", "pill box" },
	  "packs" },
	{ "power", { "generator", "power bank", "solar panel", "car battery",
		     "extension cord", "camping lamp", "batteries",
		     "jump starter" }, "pieces" },
	{ "shelter", { "tent", "sleeping bag", "camp bed", "blankets",
		       "tarpaulin", "air mattress", "guest room",
		       "space heater" }, "places" },
	{ "first aid", { "first aid kit", "defibrillator", "splint",
			 "burn gel", "eye wash", "tourniquet",
			 "emergency blanket", "stretcher" }, "kits" },
	{ "transport", { "cargo bike", "wheelchair", "car", "van",
			 "bicycle trailer", "wheelbarrow", "stroller",
			 "mobility scooter" }, "seats" },
	{ "tools", { "ladder", "cordless drill", "pipe wrench", "chainsaw",
		     "toolbox", "crowbar", "sandbags", "water pump" },
	  "pieces" },
	{ "kitchen", { "rice cooker", "slow cooker", "pressure cooker",
		       "mixer", "camping stove", "large pot", "kettle",
		       "dehydrator" }, NULL },
	{ "books", { "children's books", "cookbook", "German dictionary",
		     "novels", "atlas", "school books", "comics",
		     "knitting patterns" }, NULL },
	{ "clothes", { "winter coat", "rain jacket", "boots", "baby clothes",
		       "wool jumper", "work gloves", "gumboots", "scarf" },
	  NULL },
	{ "garden", { "lawn mower", "hedge trimmer", "seedlings",
		      "garden hose", "compost", "rake", "pruning shears",
		      "greenhouse" }, NULL },
	{ "children", { "cot", "high chair", "car seat", "baby monitor",
			"toys", "playpen", "scooter", "board games" }, NULL },
	{ "electronics", { "projector", "laptop", "radio", "printer",
			   "soldering iron", "phone charger", "router",
			   "walkie-talkies" }, NULL },
	{ "furniture", { "folding table", "chairs", "bookshelf", "wardrobe",
			 "mattress", "desk", "sofa", "bed frame" }, NULL },
	{ "crafts", { "sewing machine", "knitting needles", "paint set",
		      "easel", "loom", "glue gun", "fabric", "yarn" }, NULL },
};
#define RESOURCE_CATS 8

static const char *const adjs[] = {
	"spare", "old but working", "large", "small", "new", "folding",
	"heavy-duty", "portable", "clean", "second-hand",
};
static const char *const purposes[] = {
	"my mother", "the weekend", "a neighbour on the 3rd floor",
	"our kids", "after the flood", "the cellar", "a few days",
	"the winter",
};
static const char *const tasks[] = {
	"fixing a leaking pipe", "first aid training", "nursing care",
	"moving furniture", "shopping errands", "German lessons",
	"bicycle repair", "computer help", "elderly care visits",
	"cooking for a family", "childcare on Tuesday", "driving to hospital",
	"translation at the doctor", "painting a room", "roofing repair",
	"dog walking", "cleaning the stairwell", "a locksmith",
};

/* ---- the replica and its authors --------------------------------------- */

static struct crdt_replica R;
static uint64_t clock_ms, step_ms;
static uint8_t (*pks)[CRDT_PK_LEN];
static long changes, authors_used;
static uint8_t *used;

static uint64_t fake_now(void *ctx)
{
	(void)ctx;
	clock_ms += step_ms;
	return clock_ms;
}

static void fake_random(void *ctx, void *buf, size_t n)
{
	static uint64_t k;
	uint8_t *p = buf;

	(void)ctx;
	while (n--)
		*p++ = (uint8_t)rnd(99, k++);
}

static void seed_of(long member, uint8_t seed[32])
{
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t v = rnd(7, (uint64_t)member * 4 + (uint64_t)i);

		memcpy(seed + 8 * i, &v, 8);
	}
}

/* Phase clock: the next n changes are spread over [from, to) days before
 * the end of the build. */
static uint64_t end_ms;
static void phase(double from_days_ago, double to_days_ago, long n)
{
	clock_ms = end_ms - (uint64_t)(from_days_ago * DAY_MS);
	step_ms = n > 0 ? (uint64_t)((from_days_ago - to_days_ago) * DAY_MS /
				     (double)(n + 1) / 2) : 1;
	if (!step_ms)
		step_ms = 1;
}

static void tx_begin(void)
{
	CHECK(crdt_store_begin(R.store));
}

/* Sign and apply ops as member's next change (their own identity). */
static uint64_t commit_as(long member, struct crdt_op *ops, uint32_t n)
{
	uint8_t seed[32];
	uint64_t seq;
	uint32_t i;

	for (i = 0; i < n; i++)
		CHECK(crdt_op_finish(&ops[i]));
	seed_of(member, seed);
	CHECK(crdt_identity_from_seed(&R.id, seed));
	CHECK(crdt_replica_commit(&R, ops, n, &seq));
	crdt_identity_release(&R.id);
	memset(&R.id, 0, sizeof R.id);
	if (!used[member]) {
		used[member] = 1;
		authors_used++;
	}
	if (++changes % CHANGES_PER_TX == 0) {
		CHECK(crdt_store_commit(R.store));
		tx_begin();
	}
	return seq;
}

/* ---- building the community ---------------------------------------------- */

struct rec {
	uint8_t id[CRDT_ID_LEN];
	long author;
};

static struct rec *items, *wishes, *claims; /* claims[w]: on wish w */
static uint8_t *claimed, *urgency;
static long nresources, nclaims, nconfirmed, nwithdrawn, nloans, ncheckins;
static char bname[256][64];

static long building_of(long m)
{
	return (long)(rnd(11, (uint64_t)m) % (uint64_t)opt.buildings);
}

static void build_profiles(void)
{
	static char name[64], unit[16], sk[128];
	struct crdt_op op;
	long i;

	phase(12, 10, opt.members);
	for (i = 0; i < opt.members; i++) {
		uint64_t k = rnd(12, (uint64_t)i);
		int nsk = (int)(k % 4); /* 0..3 skills; a quarter have none */

		crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
		snprintf(name, sizeof name, "%s %s", PICK(first_names, k >> 8),
			 PICK(last_names, k >> 16));
		snprintf(unit, sizeof unit, "%u", (unsigned)(k >> 24) % 40 + 1);
		(void)crdt_op_set_text(&op, F_MEMBER_NAME, name);
		(void)crdt_op_set_text(&op, F_MEMBER_BUILDING,
				       bname[building_of(i)]);
		(void)crdt_op_set_text(&op, F_MEMBER_UNIT, unit);
		if (nsk) {
			snprintf(sk, sizeof sk, "%s%s%s%s%s",
				 PICK(skills, k >> 28),
				 nsk > 1 ? ", " : "",
				 nsk > 1 ? PICK(skills, k >> 36) : "",
				 nsk > 2 ? ", " : "",
				 nsk > 2 ? PICK(skills, k >> 44) : "");
			(void)crdt_op_set_text(&op, F_MEMBER_SKILLS, sk);
		}
		if ((k >> 52) % 10 < 4)
			(void)crdt_op_set_text(&op, F_MEMBER_AVAILABLE,
					       PICK(availability, k >> 56));
		(void)commit_as(i, &op, 1);
	}
}

/* Texts of one change's ops live here until it is committed. */
static struct crdt_op ops[OPS_PER_CHANGE];
static char txt[OPS_PER_CHANGE][3][160];

static void build_items(void)
{
	long per = opt.members / 600 > 0 ? opt.members / 600 : 1;
	long nauthors = (opt.members + per - 1) / per;
	long i = 0, a;

	phase(10, 6, opt.items / OPS_PER_CHANGE + nauthors);
	for (a = 0; i < opt.items; a = (a + 1) % nauthors) {
		long author = a * per;
		uint32_t n = 0;
		long take = opt.items / nauthors + 1;
		uint64_t seq;
		uint32_t j;

		if (take > OPS_PER_CHANGE)
			take = OPS_PER_CHANGE;
		for (; n < take && i + n < opt.items; n++) {
			uint64_t k = rnd(13, (uint64_t)(i + n));
			int res = (int)(k % 100) < opt.resource_pct;
			const struct category *c =
				res ? &cats[(k >> 8) % RESOURCE_CATS]
				    : &cats[RESOURCE_CATS +
					    (k >> 8) % (COUNT(cats) - RESOURCE_CATS)];
			struct crdt_op *op = &ops[n];

			/* a few resources are tools for the flood, too */
			crdt_op_init(op, CRDT_OP_CREATE, CRDT_R_ITEM);
			snprintf(txt[n][0], sizeof txt[n][0], "%s %s",
				 PICK(adjs, k >> 12), PICK(c->nouns, k >> 16));
			snprintf(txt[n][1], sizeof txt[n][1],
				 "%s, %s. Ask at the door, %s.",
				 PICK(c->nouns, k >> 16),
				 (k >> 20) % 2 ? "works well" : "some wear",
				 PICK(availability, k >> 24));
			snprintf(txt[n][2], sizeof txt[n][2], "%s, cellar",
				 bname[building_of(author)]);
			(void)crdt_op_set_text(op, F_ITEM_TITLE, txt[n][0]);
			(void)crdt_op_set_text(op, F_ITEM_DESCRIPTION, txt[n][1]);
			(void)crdt_op_set_text(op, F_ITEM_CATEGORY, c->name);
			(void)crdt_op_set_text(op, F_ITEM_LOCATION, txt[n][2]);
			if (res) {
				(void)crdt_op_set_int(op, F_ITEM_KIND, 6);
				(void)crdt_op_set_int(op, F_ITEM_QUANTITY,
						      (int64_t)((k >> 32) % 50 + 1));
				(void)crdt_op_set_text(op, F_ITEM_UNIT, c->unit);
				nresources++;
			} else {
				(void)crdt_op_set_int(op, F_ITEM_KIND,
						      (int64_t)((k >> 40) % 6));
				(void)crdt_op_set_int(op, F_ITEM_QUANTITY, 1);
			}
		}
		seq = commit_as(author, ops, n);
		for (j = 0; j < n; j++, i++) {
			crdt_record_id(items[i].id, pks[author], seq, j);
			items[i].author = author;
		}
	}
}

static void build_wishes(void)
{
	long per = 6, i = 0, a, nauthors = (opt.members + per - 1) / per;
	uint64_t now_s = end_ms / 1000;

	phase(6, 2.5, opt.wishes / 10 + nauthors);
	for (a = 0; i < opt.wishes; a = (a + 1) % nauthors) {
		long author = a * per + 1 < opt.members ? a * per + 1 : a * per;
		uint32_t n = 0, j;
		uint64_t seq;

		for (; n < 10 && i + n < opt.wishes; n++) {
			uint64_t k = rnd(14, (uint64_t)(i + n));
			const struct category *c = &cats[(k >> 8) % COUNT(cats)];
			struct crdt_op *op = &ops[n];
			unsigned u = (unsigned)(k % 100);
			int urg = u < 3 ? 0 : u < 13 ? 1 : u < 73 ? 2 : 3;

			crdt_op_init(op, CRDT_OP_CREATE, CRDT_R_WISH);
			if ((k >> 16) % 3 == 0) { /* help with a task */
				snprintf(txt[n][0], sizeof txt[n][0],
					 "Help with %s", PICK(tasks, k >> 20));
				(void)crdt_op_set_int(op, F_WISH_KIND, 1);
			} else {
				snprintf(txt[n][0], sizeof txt[n][0],
					 "%s %s for %s",
					 (k >> 24) % 2 ? "Need" : "Looking for",
					 PICK(c->nouns, k >> 28),
					 PICK(purposes, k >> 32));
				(void)crdt_op_set_text(op, F_WISH_CATEGORY,
						       c->name);
			}
			(void)crdt_op_set_text(op, F_WISH_TITLE, txt[n][0]);
			if ((k >> 36) % 3 == 0) {
				snprintf(txt[n][1], sizeof txt[n][1],
					 "Ring twice, %s. Thank you!",
					 PICK(purposes, k >> 40));
				(void)crdt_op_set_text(op, F_WISH_DESCRIPTION,
						       txt[n][1]);
			}
			(void)crdt_op_set_int(op, F_WISH_URGENCY, urg);
			if ((k >> 44) % 50 == 0) /* 2 %: the date has passed */
				(void)crdt_op_set_int(op, F_WISH_NEEDED_BY,
						      (int64_t)(now_s - 86400));
			else if ((k >> 44) % 5 == 0)
				(void)crdt_op_set_int(op, F_WISH_NEEDED_BY,
						      (int64_t)(now_s + 7 * 86400));
			urgency[i + n] = (uint8_t)urg;
		}
		seq = commit_as(author, ops, n);
		for (j = 0; j < n; j++, i++) {
			crdt_record_id(wishes[i].id, pks[author], seq, j);
			wishes[i].author = author;
		}
	}
}

static int by_author(const void *a, const void *b)
{
	const long *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : (x[1] > y[1]) - (x[1] < y[1]);
}

/* Pairs (member, index) sorted by member: one change per member. */
static void grouped(long (*pairs)[2], long n, void (*emit)(long member,
							   long *idx, long k))
{
	static long idx[OPS_PER_CHANGE];
	long i = 0;

	qsort(pairs, (size_t)n, sizeof pairs[0], by_author);
	while (i < n) {
		long m = pairs[i][0], k = 0;

		while (i < n && pairs[i][0] == m && k < OPS_PER_CHANGE)
			idx[k++] = pairs[i++][1];
		emit(m, idx, k);
	}
}

static void emit_claims(long member, long *idx, long k)
{
	uint64_t seq;
	long j;

	for (j = 0; j < k; j++) {
		crdt_op_init(&ops[j], CRDT_OP_CREATE, CRDT_R_CLAIM);
		(void)crdt_op_set_bytes(&ops[j], F_CLAIM_TARGET, wishes[idx[j]].id,
					CRDT_ID_LEN);
		(void)crdt_op_set_int(&ops[j], F_CLAIM_QUANTITY, 1);
	}
	seq = commit_as(member, ops, (uint32_t)k);
	for (j = 0; j < k; j++) {
		crdt_record_id(claims[idx[j]].id, pks[member], seq, (uint32_t)j);
		claims[idx[j]].author = member;
		claimed[idx[j]] = 1;
	}
	nclaims += k;
}

static void emit_closing(long member, long *idx, long k)
{
	long j;

	for (j = 0; j < k; j++) {
		long w = idx[j];
		struct crdt_op *op = &ops[j];

		crdt_op_init(op, CRDT_OP_REF, CRDT_R_WISH);
		memcpy(op->target, wishes[w].id, CRDT_ID_LEN);
		op->target_len = CRDT_ID_LEN;
		if (claimed[w]) {
			(void)crdt_op_set_bytes(op, F_WISH_ACCEPTED, claims[w].id,
						CRDT_ID_LEN);
			(void)crdt_op_set_int(op, F_WISH_CONFIRMED, 1);
			(void)crdt_op_set_int(op, F_WISH_HOURS,
					      (int64_t)(rnd(16, (uint64_t)w) % 16 + 1));
			nconfirmed++;
		} else {
			(void)crdt_op_set_int(op, F_WISH_WITHDRAWN, 1);
			nwithdrawn++;
		}
	}
	(void)commit_as(member, ops, (uint32_t)k);
}

static void build_claims(void)
{
	long (*pairs)[2] = calloc((size_t)opt.wishes + 1, sizeof *pairs);
	long n = 0, w;

	if (!pairs)
		die("out of memory");
	for (w = 0; w < opt.wishes; w++) {
		uint64_t k = rnd(15, (uint64_t)w);
		long m = (long)((k >> 8) % (uint64_t)opt.members);

		if ((long)(k % 100) >= opt.claim_pct)
			continue;
		if (m == wishes[w].author)
			m = (m + 1) % opt.members;
		pairs[n][0] = m;
		pairs[n++][1] = w;
	}
	phase(2.5, 1.5, n / 3);
	grouped(pairs, n, emit_claims);
	/* the wish authors confirm half of the claimed wishes and withdraw
	 * 4 % of the others */
	n = 0;
	for (w = 0; w < opt.wishes; w++) {
		uint64_t k = rnd(17, (uint64_t)w);

		if ((claimed[w] && k % 2) || (!claimed[w] && k % 25 == 0)) {
			pairs[n][0] = wishes[w].author;
			pairs[n++][1] = w;
		}
	}
	phase(1.5, 1, n / 3);
	grouped(pairs, n, emit_closing);
	free(pairs);
}

static void emit_loans(long member, long *idx, long k)
{
	static uint8_t who[OPS_PER_CHANGE][CRDT_PK_LEN];
	uint64_t now_s = end_ms / 1000;
	long j;

	for (j = 0; j < k; j++) {
		uint64_t r = rnd(18, (uint64_t)idx[j]);
		long b = (long)(r % (uint64_t)opt.members);

		if (b == member)
			b = (b + 1) % opt.members;
		memcpy(who[j], pks[b], CRDT_PK_LEN);
		crdt_op_init(&ops[j], CRDT_OP_CREATE, CRDT_R_LOAN);
		(void)crdt_op_set_bytes(&ops[j], F_LOAN_ITEM, items[idx[j]].id,
					CRDT_ID_LEN);
		(void)crdt_op_set_bytes(&ops[j], F_LOAN_BORROWER, who[j],
					CRDT_PK_LEN);
		(void)crdt_op_set_int(&ops[j], F_LOAN_DUE,
				      (int64_t)(now_s - 3 * 86400 +
						(r >> 20) % (14 * 86400)));
	}
	(void)commit_as(member, ops, (uint32_t)k);
	nloans += k;
}

static void build_loans(void)
{
	long n = opt.items / 150, i;
	long (*pairs)[2] = calloc((size_t)n + 1, sizeof *pairs);

	if (!pairs)
		die("out of memory");
	for (i = 0; i < n; i++) {
		long it = (long)(rnd(19, (uint64_t)i) % (uint64_t)opt.items);

		pairs[i][0] = items[it].author;
		pairs[i][1] = it;
	}
	/* an item lent twice would be refused by the CLI: keep the first */
	phase(1, 0.9, n);
	qsort(pairs, (size_t)n, sizeof pairs[0], by_author);
	for (i = 1; i < n; i++)
		if (pairs[i][1] == pairs[i - 1][1])
			pairs[i][0] = -1;
	{
		long m = 0;

		for (i = 0; i < n; i++)
			if (pairs[i][0] >= 0) {
				pairs[m][0] = pairs[i][0];
				pairs[m++][1] = pairs[i][1];
			}
		grouped(pairs, m, emit_loans);
	}
	free(pairs);
}

static uint64_t emergency_ms;

static void build_emergency(void)
{
	struct crdt_op op;

	phase(0.8, 0.79, 1);
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_EMERGENCY);
	(void)crdt_op_set_int(&op, F_EMERGENCY_ACTIVE, 1);
	(void)crdt_op_set_text(&op, F_EMERGENCY_REASON,
			       "Flood in the lower streets");
	emergency_ms = clock_ms;
	(void)commit_as(0, &op, 1);
}

static void checkin(long author, long member, int status, const char *note)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_CHECKIN);
	(void)crdt_op_set_bytes(&op, F_CHECKIN_MEMBER, pks[member], CRDT_PK_LEN);
	(void)crdt_op_set_int(&op, F_CHECKIN_STATUS, status);
	if (note)
		(void)crdt_op_set_text(&op, F_CHECKIN_NOTE, note);
	(void)commit_as(author, &op, 1);
	ncheckins++;
}

static void build_checkins(void)
{
	long m, b;

	/* a few members checked in before the emergency: they do not count */
	phase(0.78, 0.02, opt.members + opt.members / 10 + opt.buildings * 20);
	for (m = 0; m < opt.members; m++) {
		uint64_t k = rnd(20, (uint64_t)m);

		if (k % 100 >= 75)
			continue; /* silent */
		checkin(m, m, k % 100 < 8, k % 100 < 8 ? "no water, 3rd floor"
						       : NULL);
		if ((k >> 8) % 10 == 0)
			checkin(m, m, 0, "all fine now");
	}
	/* one member per building reports for neighbours without a device */
	for (b = 0; b < opt.buildings; b++) {
		long head = -1, n = 0;

		for (m = 0; m < opt.members && n < 20; m++) {
			if (building_of(m) != b)
				continue;
			if (head < 0) {
				head = m;
				continue;
			}
			if (rnd(20, (uint64_t)m) % 100 >= 75) {
				checkin(head, m, n % 4 == 0, "reported by neighbour");
				n++;
			}
		}
	}
}

/* ---- timing ------------------------------------------------------------- */

struct counter {
	long rows;
	char first_wish[40];
	char first_building[64];
};

static int count_row(void *ctx, const struct crdt_row *r)
{
	(void)r;
	((struct counter *)ctx)->rows++;
	return 0;
}

static int wish_row(void *ctx, const struct crdt_row *r)
{
	struct counter *c = ctx;
	const struct crdt_col *id = crdt_row_get(r, "id");
	const struct crdt_col *b = crdt_row_get(r, "building");

	if (!c->first_wish[0] && id && id->s) {
		snprintf(c->first_wish, sizeof c->first_wish, "%s", id->s);
		snprintf(c->first_building, sizeof c->first_building, "%s",
			 b && b->s ? b->s : "");
	}
	c->rows++;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct result {
	char name[96];
	double best, median;
	long rows;
	int target; /* 1: 200 ms target applies */
};
static struct result results[32];
static int nresults;

static void record(const char *name, double *t, long n, long rows, int target)
{
	struct result *r = &results[nresults++];

	qsort(t, (size_t)n, sizeof *t, cmp_double);
	snprintf(r->name, sizeof r->name, "%s", name);
	r->best = t[0] * 1000;
	r->median = t[n / 2] * 1000;
	r->rows = rows;
	r->target = target;
}

enum q { Q_MATCH_TOP, Q_MATCH_ONE, Q_CHECKINS, Q_CHECKINS_ONE, Q_INVENTORY,
	 Q_VOLUNTEERS, Q_HOURS, Q_LOANS };

static uint8_t one_wish[CRDT_ID_LEN];
static uint8_t busy_member[CRDT_PK_LEN];
static char one_building[64];
static struct crdt_roles roles;

static long run_query(enum q which, struct counter *c)
{
	struct crdt_match_out out = { wish_row, count_row, count_row, NULL, c };
	int64_t now = (int64_t)(end_ms / 1000);

	memset(c, 0, sizeof *c);
	switch (which) {
	case Q_MATCH_TOP:
		CHECK(crdt_match(R.store, NULL, (int)opt.match_wishes, 3, now,
				 &out));
		break;
	case Q_MATCH_ONE:
		CHECK(crdt_match(R.store, one_wish, 1, 3, now, &out));
		break;
	case Q_CHECKINS:
		CHECK(crdt_checkins(R.store, NULL, roles.since_ms, count_row, c));
		break;
	case Q_CHECKINS_ONE:
		CHECK(crdt_checkins(R.store, one_building, roles.since_ms,
				    count_row, c));
		break;
	case Q_INVENTORY:
		CHECK(crdt_inventory(R.store, NULL, now, count_row, c));
		CHECK(crdt_inventory_totals(R.store, NULL, now, count_row, c));
		break;
	case Q_VOLUNTEERS:
		CHECK(crdt_volunteers(R.store, "first aid", one_building,
				      count_row, c));
		break;
	case Q_HOURS: {
		struct crdt_hours h;

		CHECK(crdt_hours_totals(R.store, busy_member, &h));
		CHECK(crdt_hours_ledger(R.store, busy_member, count_row, c));
		break;
	}
	case Q_LOANS:
		CHECK(crdt_loans_due(R.store, pks[0], now, CRDT_LOANS_DUE_WITHIN,
				     count_row, c));
		break;
	}
	return c->rows;
}

static void time_query(enum q which, const char *name, int target)
{
	double t[64];
	struct counter c;
	long i, rows = 0;

	run_query(which, &c); /* warm: statements prepared, pages cached */
	for (i = 0; i < opt.repeat; i++) {
		double t0 = now_s();

		rows = run_query(which, &c);
		t[i] = now_s() - t0;
	}
	record(name, t, opt.repeat, rows, target);
}

/* Wall time of `kith --home HOME args...` with stdout to /dev/null. */
static double run_kith(char *const *args)
{
	char *argv[16];
	double t0;
	pid_t pid;
	int st, i, n = 0;

	argv[n++] = (char *)opt.kith;
	argv[n++] = "--home";
	argv[n++] = home;
	for (i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	t0 = now_s();
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		die("'%s %s' failed (status %d)", opt.kith, args[0],
		    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return now_s() - t0;
}

static void time_kith(const char *name, char *const *args, int target)
{
	double t[64];
	long i;

	(void)run_kith(args);
	for (i = 0; i < opt.repeat; i++)
		t[i] = run_kith(args);
	record(name, t, opt.repeat, -1, target);
}

/* ---- main --------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ops_bench [--members N] [--buildings N] [--items N] "
		"[--wishes N]\n"
		"                 [--resource-pct P] [--claim-pct P] "
		"[--match-wishes N] [--repeat N]\n"
		"                 [--kith PATH] [--dir DIR] [--keep] [--strict] "
		"[--quick]\n"
		"defaults: 12000 members, 69 buildings, 50000 items (10 %% "
		"resources),\n20000 wishes (30 %% claimed), match the 20 most "
		"urgent, best of 5;\n--kith defaults to build/kith when it "
		"exists; --quick is a tenth of the size.\n");
}

static long num(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0)
		die("%s needs a number, not '%s'", what, s);
	return v;
}

static void parse(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long *dst = NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--keep")) {
			opt.keep = 1;
			continue;
		} else if (!strcmp(a, "--strict")) {
			opt.strict = 1;
			continue;
		} else if (!strcmp(a, "--quick")) {
			opt.members /= 10;
			opt.items /= 10;
			opt.wishes /= 10;
			opt.repeat = 3;
			continue;
		}
		if (!v) {
			usage(stderr);
			die("'%s' needs a value", a);
		}
		if (!strcmp(a, "--members"))
			dst = &opt.members;
		else if (!strcmp(a, "--buildings"))
			dst = &opt.buildings;
		else if (!strcmp(a, "--items"))
			dst = &opt.items;
		else if (!strcmp(a, "--wishes"))
			dst = &opt.wishes;
		else if (!strcmp(a, "--resource-pct"))
			dst = &opt.resource_pct;
		else if (!strcmp(a, "--claim-pct"))
			dst = &opt.claim_pct;
		else if (!strcmp(a, "--match-wishes"))
			dst = &opt.match_wishes;
		else if (!strcmp(a, "--repeat"))
			dst = &opt.repeat;
		else if (!strcmp(a, "--kith"))
			opt.kith = v;
		else if (!strcmp(a, "--dir"))
			opt.dir = v;
		else {
			usage(stderr);
			die("unknown option '%s'", a);
		}
		if (dst)
			*dst = num(v, a);
		i++;
	}
	if (opt.members < 10 || opt.buildings < 1 || opt.buildings > 256 ||
	    opt.repeat < 1 || opt.repeat > 64 || opt.match_wishes < 1 ||
	    opt.match_wishes > 1000)
		die("sizes out of range (members >= 10, 1..256 buildings, "
		    "1..64 repeats, 1..1000 match wishes)");
	if (!opt.kith && access("build/kith", X_OK) == 0)
		opt.kith = "build/kith";
}

int main(int argc, char **argv)
{
	struct crdt_env env = { fake_now, fake_random, NULL };
	struct peer_community com;
	char path[4300], hex[65];
	double t0, build_s;
	long i;
	int passed = 1;

	parse(argc, argv);
	main_pid = getpid();
	CHECK(crdt_crypto_init());
	snprintf(tmpdir, sizeof tmpdir, "%s/kith-ops-bench.XXXXXX",
		 opt.dir ? opt.dir : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir))
		die("cannot make a directory in '%s': %s", tmpdir, strerror(errno));
	atexit(rm_tmpdir);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	snprintf(home, sizeof home, "%s/home", tmpdir);
	CHECK(peer_home_ensure(home));
	snprintf(path, sizeof path, "%s/replica.db", home);

	for (i = 0; i < opt.buildings; i++)
		snprintf(bname[i], sizeof bname[i], "%s %ld",
			 streets[i % (long)COUNT(streets)],
			 i / (long)COUNT(streets) * 2 + 1 + i % 3);
	pks = calloc((size_t)opt.members, sizeof *pks);
	used = calloc((size_t)opt.members, 1);
	items = calloc((size_t)opt.items + 1, sizeof *items);
	wishes = calloc((size_t)opt.wishes + 1, sizeof *wishes);
	claims = calloc((size_t)opt.wishes + 1, sizeof *claims);
	claimed = calloc((size_t)opt.wishes + 1, 1);
	urgency = calloc((size_t)opt.wishes + 1, 1);
	if (!pks || !used || !items || !wishes || !claims || !claimed ||
	    !urgency)
		die("out of memory");

	t0 = now_s();
	for (i = 0; i < opt.members; i++) {
		struct crdt_identity id;
		uint8_t seed[32];

		seed_of(i, seed);
		CHECK(crdt_identity_from_seed(&id, seed));
		memcpy(pks[i], id.pk, CRDT_PK_LEN);
		crdt_identity_release(&id);
	}
	end_ms = crdt_env_system.now_ms(NULL) - 60000;
	CHECK(crdt_replica_open(&R, path, &env));
	/* the bench's own connection: no fsync per batch while building */
	if (sqlite3_exec(crdt_store_db(R.store), "PRAGMA synchronous=OFF", NULL,
			 NULL, NULL))
		die("pragma failed");
	tx_begin();
	build_profiles();
	build_items();
	build_wishes();
	build_claims();
	build_loans();
	build_emergency();
	build_checkins();
	CHECK(crdt_store_commit(R.store));
	if (sqlite3_exec(crdt_store_db(R.store), "PRAGMA wal_checkpoint(TRUNCATE);"
			 " PRAGMA optimize;", NULL, NULL, NULL))
		die("checkpoint failed: %s", sqlite3_errmsg(crdt_store_db(R.store)));
	build_s = now_s() - t0;

	/* the community file, so `kith` sees the creator as coordinator and
	 * the emergency as on */
	memset(&com, 0, sizeof com);
	snprintf(com.name, sizeof com.name, "Old Town");
	fake_random(NULL, com.key, sizeof com.key);
	memcpy(com.creator, pks[0], CRDT_PK_LEN);
	CHECK(peer_community_save(home, &com));
	CHECK(crdt_community_refresh(R.store, pks[0], &roles));
	if (!roles.emergency)
		die("the emergency did not start");

	/* the wish `match WISH` is timed on: the most urgent open one */
	{
		struct counter c;

		run_query(Q_MATCH_TOP, &c);
		if (!c.first_wish[0])
			die("no open wish to match");
		for (i = 0; i < CRDT_ID_LEN; i++) {
			unsigned v;

			sscanf(c.first_wish + 2 * i, "%2x", &v);
			one_wish[i] = (uint8_t)v;
		}
		snprintf(one_building, sizeof one_building, "%s",
			 c.first_building[0] ? c.first_building : bname[0]);
	}
	for (i = 0; i < opt.wishes; i++)
		if (claimed[i]) {
			memcpy(busy_member, pks[claims[i].author], CRDT_PK_LEN);
			break;
		}

	printf("ops bench: %ld members in %ld buildings, %ld items (%ld "
	       "resources), %ld wishes (%ld claimed, %ld confirmed, %ld "
	       "withdrawn), %ld loans, %ld check-ins\n",
	       opt.members, opt.buildings, opt.items, nresources, opt.wishes,
	       nclaims, nconfirmed, nwithdrawn, nloans, ncheckins);
	printf("%ld changes signed by %ld authors, built in %.1f s; SQLite %s; "
	       "best and median of %ld runs\n\n",
	       changes, authors_used, build_s, sqlite3_libversion(), opt.repeat);

	{
		char name[96];

		snprintf(name, sizeof name, "crdt_match: %ld most urgent open",
			 opt.match_wishes);
		time_query(Q_MATCH_TOP, name, 1);
	}
	time_query(Q_MATCH_ONE, "crdt_match: one wish", 1);
	time_query(Q_CHECKINS, "crdt_checkins: all, since emergency", 1);
	time_query(Q_CHECKINS_ONE, "crdt_checkins: one building", 1);
	time_query(Q_INVENTORY, "crdt_inventory + totals", 1);
	time_query(Q_VOLUNTEERS, "crdt_volunteers: skill, building", 1);
	time_query(Q_HOURS, "crdt_hours_totals + ledger", 1);
	time_query(Q_LOANS, "crdt_loans_due", 1);

	if (opt.kith) {
		char lim[16], bld[80];

		crdt_hex(hex, one_wish, CRDT_ID_LEN);
		snprintf(lim, sizeof lim, "%ld", opt.match_wishes);
		snprintf(bld, sizeof bld, "%s", one_building);
		{
			char *a[] = { "match", "--limit", lim, NULL };
			char name[96];

			snprintf(name, sizeof name, "kith match --limit %ld",
				 opt.match_wishes);
			time_kith(name, a, 1);
		}
		{
			char *a[] = { "--json", "match", "--limit", lim, NULL };

			time_kith("kith --json match", a, 1);
		}
		{
			char *a[] = { "match", hex, NULL };

			time_kith("kith match WISH", a, 1);
		}
		{
			char *a[] = { "checkins", NULL };

			time_kith("kith checkins (all buildings)", a, 1);
		}
		{
			char *a[] = { "checkins", "--building", bld, NULL };

			time_kith("kith checkins --building B", a, 1);
		}
		{
			char *a[] = { "inventory", NULL };

			time_kith("kith inventory", a, 1);
		}
		{
			char *a[] = { "volunteers", "--skill", "nurse", NULL };

			time_kith("kith volunteers --skill nurse", a, 1);
		}
		{
			char mhex[65];
			char *a[] = { "hours", mhex, NULL };

			crdt_hex(mhex, busy_member, CRDT_PK_LEN);
			time_kith("kith hours MEMBER", a, 1);
		}
	}

	printf("%-40s %9s %9s %8s %7s  %s\n", "row", "best ms", "median", "rows",
	       "target", "");
	for (i = 0; i < nresults; i++) {
		struct result *r = &results[i];
		int ok = r->median <= TARGET_MS;
		char rows[24];

		if (r->rows >= 0)
			snprintf(rows, sizeof rows, "%ld", r->rows);
		else
			snprintf(rows, sizeof rows, "-");
		printf("%-40s %9.1f %9.1f %8s %7.0f  %s\n", r->name, r->best,
		       r->median, rows, TARGET_MS,
		       r->target ? (ok ? "pass" : "FAIL") : "info");
		if (r->target && !ok)
			passed = 0;
	}
	if (!opt.kith)
		printf("(no kith binary: --kith PATH times the commands too)\n");
	if (opt.keep)
		printf("replica kept in %s\n", home);
	crdt_roles_release(&roles);
	crdt_replica_close(&R);
	free(pks);
	free(used);
	free(items);
	free(wishes);
	free(claims);
	free(claimed);
	free(urgency);
	return opt.strict && !passed ? 1 : 0;
}
