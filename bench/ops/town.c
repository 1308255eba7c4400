/*
 * town.c - an old-town community's replica for the ops bench (town.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "bench/ops/town.h"
#include "crdt/db.h" /* bulk-load settings on the raw connection */
#include "crdt/err.h"
#include "crdt/schema.h"

#define OPS_PER_CHANGE 100
#define CHANGES_PER_TX 2000
#define DAY_MS 86400000ull

static struct town_cfg cfg;
static struct town *town_;
#define R (town_->r)

/* ---- small helpers ------------------------------------------------------ */

void town_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ops_bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

#define die town_die
#define CHECK TOWN_CHECK

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

/* One member in ZH_IN (a tenth) speaks Chinese: their name, skills, items
 * and wishes are in Chinese (issue 8), in the same categories and shapes as
 * the English ones, so `--search 梯子` and the like hit real posts. */
#define ZH_IN 10
static int speaks_zh(long member)
{
	return rnd(21, (uint64_t)member) % ZH_IN == 0;
}

static const char *const zh_surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
};
static const char *const zh_given[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "建华",
	"晓明",
};
/* the skills[] above, in Chinese */
static const char *const zh_skills[] = {
	"修水管", "电工", "急救", "护士", "医生", "木工", "做饭", "烘焙",
	"带孩子", "照顾老人", "开车", "货车司机", "修自行车", "电脑帮助",
	"修手机", "园艺", "缝纫", "编织", "刷墙", "数学辅导", "德语课",
	"英语课", "阿拉伯语", "土耳其语", "翻译", "搬重物", "搬家具",
	"跑腿买菜", "遛狗", "打扫卫生", "开锁", "修屋顶", "焊接", "音乐课",
	"理发", "心理咨询",
};
static const char *const zh_availability[] = {
	"晚上", "周末", "上午", "随时", "下午六点以后", "周六",
};
/* cats[] in Chinese, noun for noun */
static const char *const zh_nouns[][8] = {
	{ "饮用水", "水桶", "净水器", "瓶装水", "雨水桶", "净水片", "水壶",
	  "手压泵" },
	{ "罐头汤", "大米", "面条", "婴儿食品", "常温牛奶", "面粉", "扁豆",
	  "饼干" },
	{ "胰岛素冷藏盒", "止痛药", "绷带", "血压计", "体温计", "口服补液盐",
	  "吸入器储雾罐", "药盒" },
	{ "发电机", "充电宝", "太阳能板", "汽车电池", "延长线", "露营灯", "电池",
	  "应急启动电源" },
	{ "帐篷", "睡袋", "行军床", "毯子", "防水布", "充气床垫", "客房",
	  "取暖器" },
	{ "急救包", "除颤器", "夹板", "烫伤膏", "洗眼液", "止血带", "急救毯",
	  "担架" },
	{ "载货自行车", "轮椅", "汽车", "面包车", "自行车拖车", "手推车",
	  "婴儿车", "代步车" },
	{ "梯子", "电钻", "管钳", "电锯", "工具箱", "撬棍", "沙袋", "水泵" },
	{ "电饭锅", "慢炖锅", "高压锅", "搅拌机", "野营炉", "大锅", "烧水壶",
	  "食物烘干机" },
	{ "儿童书", "菜谱", "德语词典", "小说", "地图册", "课本", "漫画",
	  "编织图样" },
	{ "冬季大衣", "雨衣", "靴子", "婴儿衣服", "毛衣", "工作手套", "雨靴",
	  "围巾" },
	{ "割草机", "绿篱机", "幼苗", "花园水管", "堆肥", "耙子", "修枝剪",
	  "温室" },
	{ "婴儿床", "高脚椅", "儿童座椅", "婴儿监视器", "玩具", "游戏围栏",
	  "滑板车", "桌游" },
	{ "投影仪", "笔记本电脑", "收音机", "打印机", "电烙铁", "手机充电器",
	  "路由器", "对讲机" },
	{ "折叠桌", "椅子", "书架", "衣柜", "床垫", "书桌", "沙发", "床架" },
	{ "缝纫机", "织针", "颜料套装", "画架", "织布机", "热熔胶枪", "布料",
	  "毛线" },
};
static const char *const zh_adjs[] = {
	"闲置的", "旧但能用的", "大号", "小号", "全新", "折叠", "加厚", "便携",
	"干净的", "二手",
};
static const char *const zh_purposes[] = {
	"我妈妈", "周末", "三楼的邻居", "孩子们", "洪水之后", "地下室",
	"几天", "过冬",
};
static const char *const zh_tasks[] = {
	"修漏水的水管", "急救培训", "护理", "搬家具", "买菜", "德语课",
	"修自行车", "电脑", "陪伴老人", "给一家人做饭", "周二带孩子",
	"开车去医院", "看医生时翻译", "刷墙", "修屋顶", "遛狗", "打扫楼梯间",
	"开锁",
};
_Static_assert(sizeof zh_skills / sizeof zh_skills[0] == 36 &&
		       sizeof zh_tasks / sizeof zh_tasks[0] == 18 &&
		       sizeof zh_availability / sizeof zh_availability[0] == 6,
	       "the Chinese lists pair with the English ones");

/* ---- the replica and its authors ------------------------------------------ */

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

void town_member_seed(long member, uint8_t seed[32])
{
	seed_of(member, seed);
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
static uint8_t *claimed;
static long helper = -1;   /* a member credited hours */
static long borrower = -1; /* a member with a loan due */
static long nresources, nclaims, nconfirmed, nwithdrawn, nloans, ncheckins;
static char bname[256][64];

static long building_of(long m)
{
	return (long)(rnd(11, (uint64_t)m) % (uint64_t)cfg.buildings);
}

static void build_profiles(void)
{
	static char name[64], unit[16], sk[128];
	struct crdt_op op;
	long i;

	phase(12, 10, cfg.members);
	for (i = 0; i < cfg.members; i++) {
		uint64_t k = rnd(12, (uint64_t)i);
		int nsk = (int)(k % 4); /* 0..3 skills; a quarter have none */

		int zh = speaks_zh(i);

		crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
		if (zh)
			snprintf(name, sizeof name, "%s%s",
				 PICK(zh_surnames, k >> 8), PICK(zh_given, k >> 16));
		else
			snprintf(name, sizeof name, "%s %s",
				 PICK(first_names, k >> 8),
				 PICK(last_names, k >> 16));
		snprintf(unit, sizeof unit, "%u", (unsigned)(k >> 24) % 40 + 1);
		(void)crdt_op_set_text(&op, F_MEMBER_NAME, name);
		(void)crdt_op_set_text(&op, F_MEMBER_BUILDING,
				       bname[building_of(i)]);
		(void)crdt_op_set_text(&op, F_MEMBER_UNIT, unit);
		if (nsk) {
			const char *const *sl = zh ? zh_skills : skills;
			const char *sep = zh ? "，" : ", ";

			snprintf(sk, sizeof sk, "%s%s%s%s%s", sl[(k >> 28) % 36],
				 nsk > 1 ? sep : "",
				 nsk > 1 ? sl[(k >> 36) % 36] : "",
				 nsk > 2 ? sep : "",
				 nsk > 2 ? sl[(k >> 44) % 36] : "");
			(void)crdt_op_set_text(&op, F_MEMBER_SKILLS, sk);
		}
		if ((k >> 52) % 10 < 4)
			(void)crdt_op_set_text(&op, F_MEMBER_AVAILABLE,
					       zh ? PICK(zh_availability, k >> 56)
						  : PICK(availability, k >> 56));
		(void)commit_as(i, &op, 1);
	}
}

/* Texts of one change's ops live here until it is committed. */
static struct crdt_op ops[OPS_PER_CHANGE];
static char txt[OPS_PER_CHANGE][3][160];

static void build_items(void)
{
	long per = cfg.members / 600 > 0 ? cfg.members / 600 : 1;
	long nauthors = (cfg.members + per - 1) / per;
	long i = 0, a;

	phase(10, 6, cfg.items / OPS_PER_CHANGE + nauthors);
	for (a = 0; i < cfg.items; a = (a + 1) % nauthors) {
		long author = a * per;
		uint32_t n = 0;
		long take = cfg.items / nauthors + 1;
		uint64_t seq;
		uint32_t j;

		if (take > OPS_PER_CHANGE)
			take = OPS_PER_CHANGE;
		for (; n < take && i + n < cfg.items; n++) {
			uint64_t k = rnd(13, (uint64_t)(i + n));
			int res = (int)(k % 100) < cfg.resource_pct;
			const struct category *c =
				res ? &cats[(k >> 8) % RESOURCE_CATS]
				    : &cats[RESOURCE_CATS +
					    (k >> 8) % (COUNT(cats) - RESOURCE_CATS)];
			struct crdt_op *op = &ops[n];

			/* a few resources are tools for the flood, too */
			crdt_op_init(op, CRDT_OP_CREATE, CRDT_R_ITEM);
			if (speaks_zh(author)) {
				const char *noun =
					zh_nouns[c - cats][(k >> 16) % 8];

				snprintf(txt[n][0], sizeof txt[n][0], "%s%s",
					 PICK(zh_adjs, k >> 12), noun);
				snprintf(txt[n][1], sizeof txt[n][1],
					 "%s，%s。请到门口取，%s。", noun,
					 (k >> 20) % 2 ? "很好用" : "有些磨损",
					 PICK(zh_availability, k >> 24));
			} else {
				snprintf(txt[n][0], sizeof txt[n][0], "%s %s",
					 PICK(adjs, k >> 12),
					 PICK(c->nouns, k >> 16));
				snprintf(txt[n][1], sizeof txt[n][1],
					 "%s, %s. Ask at the door, %s.",
					 PICK(c->nouns, k >> 16),
					 (k >> 20) % 2 ? "works well"
						       : "some wear",
					 PICK(availability, k >> 24));
			}
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
	long per = 6, i = 0, a, nauthors = (cfg.members + per - 1) / per;
	uint64_t now_s = end_ms / 1000;

	phase(6, 2.5, cfg.wishes / 10 + nauthors);
	for (a = 0; i < cfg.wishes; a = (a + 1) % nauthors) {
		long author = a * per + 1 < cfg.members ? a * per + 1 : a * per;
		uint32_t n = 0, j;
		uint64_t seq;
		int zh = speaks_zh(author);

		for (; n < 10 && i + n < cfg.wishes; n++) {
			uint64_t k = rnd(14, (uint64_t)(i + n));
			const struct category *c = &cats[(k >> 8) % COUNT(cats)];
			struct crdt_op *op = &ops[n];
			unsigned u = (unsigned)(k % 100);
			int urg = u < 3 ? 0 : u < 13 ? 1 : u < 73 ? 2 : 3;

			crdt_op_init(op, CRDT_OP_CREATE, CRDT_R_WISH);
			if ((k >> 16) % 3 == 0) { /* help with a task */
				if (zh)
					snprintf(txt[n][0], sizeof txt[n][0],
						 "帮忙%s",
						 zh_tasks[(k >> 20) % 18]);
				else
					snprintf(txt[n][0], sizeof txt[n][0],
						 "Help with %s",
						 PICK(tasks, k >> 20));
				(void)crdt_op_set_int(op, F_WISH_KIND, 1);
			} else {
				if (zh)
					snprintf(txt[n][0], sizeof txt[n][0],
						 "%s%s，给%s用",
						 (k >> 24) % 2 ? "需要" : "想借",
						 zh_nouns[c - cats][(k >> 28) % 8],
						 PICK(zh_purposes, k >> 32));
				else
					snprintf(txt[n][0], sizeof txt[n][0],
						 "%s %s for %s",
						 (k >> 24) % 2 ? "Need"
							       : "Looking for",
						 PICK(c->nouns, k >> 28),
						 PICK(purposes, k >> 32));
				(void)crdt_op_set_text(op, F_WISH_CATEGORY,
						       c->name);
			}
			(void)crdt_op_set_text(op, F_WISH_TITLE, txt[n][0]);
			if ((k >> 36) % 3 == 0) {
				if (zh)
					snprintf(txt[n][1], sizeof txt[n][1],
						 "请按两次门铃，%s。谢谢！",
						 PICK(zh_purposes, k >> 40));
				else
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
			if (helper < 0)
				helper = claims[w].author;
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
	long (*pairs)[2] = calloc((size_t)cfg.wishes + 1, sizeof *pairs);
	long n = 0, w;

	if (!pairs)
		die("out of memory");
	for (w = 0; w < cfg.wishes; w++) {
		uint64_t k = rnd(15, (uint64_t)w);
		long m = (long)((k >> 8) % (uint64_t)cfg.members);

		if ((long)(k % 100) >= cfg.claim_pct)
			continue;
		if (m == wishes[w].author)
			m = (m + 1) % cfg.members;
		pairs[n][0] = m;
		pairs[n++][1] = w;
	}
	phase(2.5, 1.5, n / 3);
	grouped(pairs, n, emit_claims);
	/* the wish authors confirm half of the claimed wishes and withdraw
	 * 4 % of the others */
	n = 0;
	for (w = 0; w < cfg.wishes; w++) {
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
		long b = (long)(r % (uint64_t)cfg.members);
		/* from three days overdue to eleven days ahead */
		uint64_t due = now_s - 3 * 86400 + (r >> 20) % (14 * 86400);

		if (b == member)
			b = (b + 1) % cfg.members;
		if (borrower < 0 && due < now_s + 86400)
			borrower = b;
		memcpy(who[j], pks[b], CRDT_PK_LEN);
		crdt_op_init(&ops[j], CRDT_OP_CREATE, CRDT_R_LOAN);
		(void)crdt_op_set_bytes(&ops[j], F_LOAN_ITEM, items[idx[j]].id,
					CRDT_ID_LEN);
		(void)crdt_op_set_bytes(&ops[j], F_LOAN_BORROWER, who[j],
					CRDT_PK_LEN);
		(void)crdt_op_set_int(&ops[j], F_LOAN_DUE, (int64_t)due);
	}
	(void)commit_as(member, ops, (uint32_t)k);
	nloans += k;
}

static void build_loans(void)
{
	long n = cfg.items / 150, i;
	long (*pairs)[2] = calloc((size_t)n + 1, sizeof *pairs);

	if (!pairs)
		die("out of memory");
	for (i = 0; i < n; i++) {
		long it = (long)(rnd(19, (uint64_t)i) % (uint64_t)cfg.items);

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

static void build_emergency(void)
{
	struct crdt_op op;

	phase(0.8, 0.79, 1);
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_EMERGENCY);
	(void)crdt_op_set_int(&op, F_EMERGENCY_ACTIVE, 1);
	(void)crdt_op_set_text(&op, F_EMERGENCY_REASON,
			       "Flood in the lower streets");
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
	phase(0.78, 0.02, cfg.members + cfg.members / 10 + cfg.buildings * 20);
	for (m = 0; m < cfg.members; m++) {
		uint64_t k = rnd(20, (uint64_t)m);

		if (k % 100 >= 75)
			continue; /* silent */
		checkin(m, m, k % 100 < 8, k % 100 < 8 ? "no water, 3rd floor"
						       : NULL);
		if ((k >> 8) % 10 == 0)
			checkin(m, m, 0, "all fine now");
	}
	/* one member per building reports for neighbours without a device */
	for (b = 0; b < cfg.buildings; b++) {
		long head = -1, n = 0;

		for (m = 0; m < cfg.members && n < 20; m++) {
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

/* ---- the whole town -------------------------------------------------------- */

void town_bytes(void *buf, size_t n)
{
	fake_random(NULL, buf, n);
}

void town_build(struct town *t, const struct town_cfg *c, const char *path)
{
	struct crdt_env env = { fake_now, fake_random, NULL };
	long i;

	memset(t, 0, sizeof *t);
	town_ = t;
	cfg = *c;
	for (i = 0; i < cfg.buildings; i++)
		snprintf(bname[i], sizeof bname[i], "%s %ld",
			 streets[i % (long)COUNT(streets)],
			 i / (long)COUNT(streets) * 2 + 1 + i % 3);
	pks = calloc((size_t)cfg.members, sizeof *pks);
	used = calloc((size_t)cfg.members, 1);
	items = calloc((size_t)cfg.items + 1, sizeof *items);
	wishes = calloc((size_t)cfg.wishes + 1, sizeof *wishes);
	claims = calloc((size_t)cfg.wishes + 1, sizeof *claims);
	claimed = calloc((size_t)cfg.wishes + 1, 1);
	if (!pks || !used || !items || !wishes || !claims || !claimed)
		die("out of memory");
	for (i = 0; i < cfg.members; i++) {
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
	if (sqlite3_exec(crdt_store_db(R.store),
			 "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA optimize;",
			 NULL, NULL, NULL))
		die("checkpoint failed: %s",
		    sqlite3_errmsg(crdt_store_db(R.store)));

	t->end_ms = end_ms;
	t->changes = changes;
	t->authors = authors_used;
	t->resources = nresources;
	t->claims = nclaims;
	t->confirmed = nconfirmed;
	t->withdrawn = nwithdrawn;
	t->loans = nloans;
	t->checkins = ncheckins;
	memcpy(t->creator, pks[0], CRDT_PK_LEN);
	memcpy(t->helper, pks[helper >= 0 ? helper : 0], CRDT_PK_LEN);
	memcpy(t->borrower, pks[borrower >= 0 ? borrower : 0], CRDT_PK_LEN);
	snprintf(t->first_building, sizeof t->first_building, "%s", bname[0]);
	free(pks);
	free(used);
	free(items);
	free(wishes);
	free(claims);
	free(claimed);
}

void town_release(struct town *t)
{
	crdt_replica_close(&t->r);
}
