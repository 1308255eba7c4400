/*
 * test_report.c - the data behind `kith report --csv` and `kith print`
 * (crdt/report.h): every table has its header row even when empty, cells
 * come back as the typed values they are (a title that looks like a
 * spreadsheet formula stays TEXT, byte for byte, so the CSV writer of
 * cli/report.c knows to neutralise it; numbers stay numbers), Chinese text
 * and names pass through unchanged, and the sheet's sections group members
 * by building.  The CSV escaping itself is cli/report.c's and is run by
 * tests/e2e/csv_injection.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crdt/report.h"
#include "tests/testlib.h"

#define NOW ((int64_t)(TL_EPOCH_MS / 1000) + 60)

/* One table as the callbacks saw it: the header's names, then each data
 * row's cells of one chosen column, with their types. */
struct table {
	int headers; /* header rows seen */
	int ncols;
	char names[CRDT_MAX_COLS][32];
	int header_types_null;
	int n; /* data rows */
	int data_before_header;
	const char *col;
	char text[8][200];
	enum crdt_col_type type[8];
};

static int on_header(void *ctx, const struct crdt_row *row)
{
	struct table *t = ctx;
	int i;

	t->headers++;
	t->ncols = row->n;
	t->header_types_null = 1;
	for (i = 0; i < row->n; i++) {
		snprintf(t->names[i], sizeof t->names[0], "%s", row->c[i].name);
		if (row->c[i].type != CRDT_COL_NULL)
			t->header_types_null = 0;
	}
	return 0;
}

static int on_row(void *ctx, const struct crdt_row *row)
{
	struct table *t = ctx;
	const struct crdt_col *c = t->col ? crdt_row_get(row, t->col) : NULL;

	if (!t->headers)
		t->data_before_header = 1;
	if (c && t->n < 8) {
		t->type[t->n] = c->type;
		if (c->type == CRDT_COL_TEXT)
			snprintf(t->text[t->n], sizeof t->text[0], "%s", c->s);
		else if (c->type == CRDT_COL_INT)
			snprintf(t->text[t->n], sizeof t->text[0], "%lld",
				 (long long)c->i);
		else if (c->type == CRDT_COL_REAL)
			snprintf(t->text[t->n], sizeof t->text[0], "%g", c->d);
	}
	t->n++;
	return 0;
}

static void read_table(struct crdt_store *s, enum crdt_report_table which,
		       const char *col, struct table *t)
{
	memset(t, 0, sizeof *t);
	t->col = col;
	TL_OK(crdt_report_table(s, which, on_header, on_row, t));
	TL_EQ(t->headers, 1, "header rows of a report table");
	TL_CHECK(t->header_types_null, "expected header cells of type NULL");
	TL_CHECK(!t->data_before_header, "expected the header first");
}

static int has_name(const struct table *t, const char *name)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		if (!strcmp(t->names[i], name))
			return 1;
	return 0;
}

/* SELF: name, building and unit of r's identity in one change. */
static void profile(struct crdt_replica *r, const char *name,
		    const char *building, const char *unit)
{
	struct crdt_op op;

	crdt_op_init(&op, CRDT_OP_SELF, CRDT_R_MEMBER);
	TL_OK(crdt_op_set_text(&op, F_MEMBER_NAME, name));
	TL_OK(crdt_op_set_text(&op, F_MEMBER_BUILDING, building));
	TL_OK(crdt_op_set_text(&op, F_MEMBER_UNIT, unit));
	TL_OK(tl_commit(r, &op, 1, NULL));
}

static void empty_community(void **state)
{
	static const char *const first[CRDT_REPORT_NTABLES] = {
		"id", "id", "id", "id", "member_id"
	};
	struct tl_fixture *f = *state;
	struct crdt_replica *r = tl_open(f, "a", 1);
	struct table t;
	int i;

	TL_OK(crdt_report_begin(r->store, NOW));
	for (i = 0; i < CRDT_REPORT_NTABLES; i++) {
		read_table(r->store, (enum crdt_report_table)i, NULL, &t);
		TL_EQ(t.n, 0, crdt_report_tables[i]);
		TL_CHECK(t.ncols > 1 && !strcmp(t.names[0], first[i]),
			 "table %s: expected the header to start with '%s', "
			 "got '%s' (%d columns)",
			 crdt_report_tables[i], first[i], t.names[0], t.ncols);
	}
	TL_OK(crdt_report_sections(r->store, NULL, on_row, &t));
	TL_OK(crdt_report_wishes(r->store, "", on_row, &t));
	TL_OK(crdt_report_items(r->store, "", on_row, &t));
	TL_OK(crdt_report_roll(r->store, "", 0, on_row, &t));
	TL_EQ(t.n, 0, "sheet rows of an empty community");
	crdt_report_end(r->store);
	crdt_report_end(r->store); /* a second end is harmless */
	TL_CHECK(!strcmp(crdt_report_tables[CRDT_REPORT_ITEMS], "items") &&
			 !strcmp(crdt_report_tables[CRDT_REPORT_HOURS], "hours"),
		 "table names");
}

static void cells_as_they_are(void **state)
{
	static const char *const formula = "=HYPERLINK(\"http://x.example\","
					   "\"click\")";
	static const char *const chinese = "帮忙买菜，谢谢";
	struct tl_fixture *f = *state;
	struct crdt_apply_stats st;
	struct crdt_replica *a = tl_open(f, "a", 1);
	struct crdt_replica *b = tl_open(f, "b", 2);
	struct tl_rec item, wish;
	struct table t;

	profile(a, "+李雷", "Oak", "2");
	profile(b, "Bo", "oak", "10");
	TL_OK(tl_item(a, formula, &item));
	TL_OK(tl_wish(b, chinese, &wish));
	TL_OK(tl_sync(a, b, &st));
	TL_OK(crdt_report_begin(a->store, NOW));

	read_table(a->store, CRDT_REPORT_ITEMS, "title", &t);
	TL_CHECK(has_name(&t, "title") && has_name(&t, "status") &&
			 has_name(&t, "owner_name"),
		 "expected title, status and owner_name in the items header");
	TL_EQ(t.n, 1, "item rows");
	TL_CHECK(t.type[0] == CRDT_COL_TEXT && !strcmp(t.text[0], formula),
		 "expected the formula-like title as TEXT, byte for byte, "
		 "got type %d '%s'",
		 (int)t.type[0], t.text[0]);
	read_table(a->store, CRDT_REPORT_ITEMS, "owner_name", &t);
	TL_CHECK(t.type[0] == CRDT_COL_TEXT && !strcmp(t.text[0], "+李雷"),
		 "expected the owner's name as TEXT, got '%s'", t.text[0]);
	read_table(a->store, CRDT_REPORT_ITEMS, "status", &t);
	TL_CHECK(!strcmp(t.text[0], "available"),
		 "expected the item available, got '%s'", t.text[0]);
	read_table(a->store, CRDT_REPORT_ITEMS, "id", &t);
	TL_CHECK(!strcmp(t.text[0], tl_hex(item.id, CRDT_ID_LEN)),
		 "expected the item's id in lowercase hex, got '%s'",
		 t.text[0]);
	read_table(a->store, CRDT_REPORT_ITEMS, "created", &t);
	TL_CHECK(!strncmp(t.text[0], "2024-01-01T", 11) ||
			 !strncmp(t.text[0], "2023-12-31T", 11),
		 "expected an ISO 8601 time on 2024-01-01 (local), got '%s'",
		 t.text[0]);

	read_table(a->store, CRDT_REPORT_WISHES, "title", &t);
	TL_CHECK(t.n == 1 && !strcmp(t.text[0], chinese),
		 "expected the Chinese title unchanged, got '%s'", t.text[0]);
	read_table(a->store, CRDT_REPORT_WISHES, "status", &t);
	TL_CHECK(!strcmp(t.text[0], "open"), "expected the wish open, got '%s'",
		 t.text[0]);

	read_table(a->store, CRDT_REPORT_HOURS, "hours_earned", &t);
	TL_EQ(t.n, 2, "hours rows: one per member");
	TL_CHECK(t.type[0] == CRDT_COL_REAL && !strcmp(t.text[0], "0"),
		 "expected hours as a number 0, got type %d '%s'",
		 (int)t.type[0], t.text[0]);
	read_table(a->store, CRDT_REPORT_CLAIMS, NULL, &t);
	TL_EQ(t.n, 0, "claim rows without a claim");

	/* the sheet: one building (either spelling of Oak), two members */
	memset(&t, 0, sizeof t);
	t.headers = 1;
	t.col = "building";
	TL_OK(crdt_report_sections(a->store, NULL, on_row, &t));
	TL_EQ(t.n, 1, "sections: Oak and oak are one building");
	TL_CHECK(!strcasecmp(t.text[0], "oak"), "expected Oak, got '%s'",
		 t.text[0]);
	t.n = 0;
	t.col = "members";
	TL_OK(crdt_report_sections(a->store, "OAK", on_row, &t));
	TL_CHECK(t.n == 1 && !strcmp(t.text[0], "2"),
		 "expected 2 members in OAK, got %d rows ('%s')", t.n,
		 t.text[0]);
	t.n = 0;
	TL_OK(crdt_report_sections(a->store, "Elm", on_row, &t));
	TL_EQ(t.n, 0, "sections of a building nobody lives in");
	t.n = 0;
	t.col = "title";
	TL_OK(crdt_report_wishes(a->store, "Oak", on_row, &t));
	TL_CHECK(t.n == 1 && !strcmp(t.text[0], chinese),
		 "expected Oak's open wish, got %d rows", t.n);
	t.n = 0;
	t.col = "author_unit";
	TL_OK(crdt_report_items(a->store, "oak", on_row, &t));
	TL_CHECK(t.n == 1 && !strcmp(t.text[0], "2"),
		 "expected Oak's item with its owner's unit 2, got %d rows "
		 "('%s')",
		 t.n, t.text[0]);
	crdt_report_end(a->store);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(empty_community),
		T(cells_as_they_are),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
