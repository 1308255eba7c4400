/*
 * migrate.c - the schema as numbered migrations (see migrate.h).
 */
#include <stdio.h>

#include "db.h"
#include "err.h"
#include "migrate.h"

/* Numbered migrations keyed on PRAGMA user_version; only ever append. */
static const char *const migrations[] = {
	/* 1: the change log and the materialized view */
	"CREATE TABLE meta(k TEXT PRIMARY KEY, v) WITHOUT ROWID;"
	"CREATE TABLE authors(n INTEGER PRIMARY KEY, pk BLOB NOT NULL UNIQUE,"
	" head INTEGER NOT NULL DEFAULT 0, head_hash BLOB,"
	" forked INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE changes(k INTEGER PRIMARY KEY, hlc INTEGER NOT NULL,"
	" data BLOB NOT NULL);"
	"CREATE TABLE pending(n INTEGER, seq INTEGER, data BLOB NOT NULL,"
	" PRIMARY KEY(n, seq)) WITHOUT ROWID;"
	"CREATE TABLE forks(n INTEGER, seq INTEGER, hash BLOB, data BLOB NOT NULL,"
	" PRIMARY KEY(n, seq, hash)) WITHOUT ROWID;"
	"CREATE TABLE members(id BLOB PRIMARY KEY, updated INTEGER, name TEXT,"
	" building TEXT, unit TEXT, skills TEXT, languages TEXT, household TEXT)"
	" WITHOUT ROWID;"
	"CREATE TABLE items(id BLOB NOT NULL UNIQUE, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, kind INTEGER, title TEXT,"
	" description TEXT, category TEXT, quantity INTEGER, unit TEXT,"
	" condition TEXT, location TEXT, until INTEGER,"
	" withdrawn INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE wishes(id BLOB NOT NULL UNIQUE, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, kind INTEGER, title TEXT,"
	" description TEXT, category TEXT, urgency INTEGER, quantity INTEGER,"
	" needed_by INTEGER, location TEXT, on_behalf_of TEXT,"
	" withdrawn INTEGER NOT NULL DEFAULT 0, accepted_claim BLOB,"
	" confirmed INTEGER NOT NULL DEFAULT 0, hours_q INTEGER);"
	"CREATE TABLE claims(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, target BLOB, quantity INTEGER,"
	" note TEXT, cancelled INTEGER NOT NULL DEFAULT 0,"
	" delivered INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE INDEX claims_target ON claims(target);"
	"CREATE TABLE loans(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, item BLOB, borrower BLOB, due INTEGER,"
	" returned INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE INDEX loans_item ON loans(item);"
	"CREATE VIRTUAL TABLE items_fts USING fts5(title, description,"
	" content='items', content_rowid='rowid');"
	"CREATE VIRTUAL TABLE wishes_fts USING fts5(title, description,"
	" content='wishes', content_rowid='rowid');"
	"CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN"
	" INSERT INTO items_fts(rowid, title, description)"
	" VALUES (new.rowid, new.title, new.description); END;"
	"CREATE TRIGGER items_au AFTER UPDATE OF title, description ON items BEGIN"
	" INSERT INTO items_fts(items_fts, rowid, title, description)"
	" VALUES ('delete', old.rowid, old.title, old.description);"
	" INSERT INTO items_fts(rowid, title, description)"
	" VALUES (new.rowid, new.title, new.description); END;"
	"CREATE TRIGGER wishes_ai AFTER INSERT ON wishes BEGIN"
	" INSERT INTO wishes_fts(rowid, title, description)"
	" VALUES (new.rowid, new.title, new.description); END;"
	"CREATE TRIGGER wishes_au AFTER UPDATE OF title, description ON wishes"
	" BEGIN INSERT INTO wishes_fts(wishes_fts, rowid, title, description)"
	" VALUES ('delete', old.rowid, old.title, old.description);"
	" INSERT INTO wishes_fts(rowid, title, description)"
	" VALUES (new.rowid, new.title, new.description); END;",
	/* 2: peers this node synced with (local, never synced itself) */
	"CREATE TABLE peers(addr TEXT PRIMARY KEY, node BLOB, how TEXT,"
	" last_sync INTEGER, sent INTEGER NOT NULL DEFAULT 0,"
	" received INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
	" updated INTEGER) WITHOUT ROWID;",
	/* 3: community operations (roles, moderation, emergencies, check-ins),
	 * availability and sealed private parts */
	"ALTER TABLE members ADD COLUMN available TEXT;"
	"ALTER TABLE members ADD COLUMN private BLOB;"
	"ALTER TABLE wishes ADD COLUMN private BLOB;"
	"CREATE TABLE role_facts(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, member BLOB, role INTEGER,"
	" grant_ INTEGER) WITHOUT ROWID;"
	"CREATE TABLE moderation(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, target BLOB, reason TEXT,"
	" hidden INTEGER) WITHOUT ROWID;"
	"CREATE INDEX moderation_target ON moderation(target);"
	"CREATE TABLE emergencies(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, active INTEGER, reason TEXT)"
	" WITHOUT ROWID;"
	"CREATE TABLE checkins(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, member BLOB, status INTEGER,"
	" note TEXT) WITHOUT ROWID;"
	"CREATE INDEX checkins_member ON checkins(member, created);"
	"CREATE INDEX items_author ON items(author);"
	"CREATE INDEX wishes_author ON wishes(author);",
	/* 4: members this replica's user blocked (local, never synced) */
	"CREATE TABLE blocked(member BLOB PRIMARY KEY) WITHOUT ROWID;",
	/* 5: mat_create writes the full-text row of a new item or wish
	 * itself.  With an AFTER INSERT trigger every INSERT runs inside a
	 * statement savepoint, and FTS5 flushes its pending terms to a new
	 * segment at every savepoint: one segment (and merge work) per
	 * record, 60 % of the CPU of applying a large sync. */
	"DROP TRIGGER items_ai; DROP TRIGGER wishes_ai;",
	/* 6: indexes for kith match, inventory and hours (crdt/ops.c):
	 * open wishes in urgency order, the newest items of a category,
	 * members of a building, resources, a member's claims (hours) */
	"CREATE INDEX wishes_urgency ON wishes(coalesce(urgency, 2), created,"
	" id);"
	"CREATE INDEX items_category ON items(category COLLATE NOCASE,"
	" created);"
	"CREATE INDEX members_building ON members(lower(building));"
	"CREATE INDEX items_kind ON items(kind);"
	"CREATE INDEX claims_author ON claims(author);",
	/* 7: a loan names the request it answers (no clock comparison) */
	"ALTER TABLE loans ADD COLUMN claim BLOB;",
	/* 8: facts are ordered by what their signer had seen (crdt/facts.h):
	 * each fact keeps the hash and seq of its change and the hashes it
	 * names (fact_seen); building heads carry their building;
	 * verifications of members met in person; which stored signatures
	 * were checked (sig_ok: 1 checked good, NULL not checked).  The
	 * view is rebuilt and held logs re-checked after this migration
	 * (meta 'recheck'). */
	"ALTER TABLE role_facts ADD COLUMN building TEXT;"
	"ALTER TABLE role_facts ADD COLUMN seen BLOB;"
	"ALTER TABLE role_facts ADD COLUMN chash BLOB;"
	"ALTER TABLE role_facts ADD COLUMN aseq INTEGER;"
	"ALTER TABLE moderation ADD COLUMN seen BLOB;"
	"ALTER TABLE moderation ADD COLUMN chash BLOB;"
	"ALTER TABLE moderation ADD COLUMN aseq INTEGER;"
	"ALTER TABLE emergencies ADD COLUMN seen BLOB;"
	"ALTER TABLE emergencies ADD COLUMN chash BLOB;"
	"ALTER TABLE emergencies ADD COLUMN aseq INTEGER;"
	"ALTER TABLE checkins ADD COLUMN seen BLOB;"
	"ALTER TABLE checkins ADD COLUMN chash BLOB;"
	"ALTER TABLE checkins ADD COLUMN aseq INTEGER;"
	"CREATE TABLE verifications(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, member BLOB, building TEXT,"
	" unit TEXT, grant_ INTEGER, seen BLOB, chash BLOB, aseq INTEGER)"
	" WITHOUT ROWID;"
	"CREATE TABLE fact_seen(fact BLOB NOT NULL, hash BLOB NOT NULL,"
	" PRIMARY KEY(fact, hash)) WITHOUT ROWID;"
	"CREATE INDEX fact_seen_hash ON fact_seen(hash);"
	"CREATE INDEX checkins_chash ON checkins(chash);"
	"CREATE INDEX moderation_chash ON moderation(chash);"
	"ALTER TABLE changes ADD COLUMN sig_ok INTEGER;"
	"ALTER TABLE pending ADD COLUMN sig_ok INTEGER;"
	"INSERT OR REPLACE INTO meta(k, v) VALUES ('recheck', 1);",
	/* 9: genesis records: the hash of the change holding one names a
	 * community (crdt/community.h crdt_genesis_author) */
	"CREATE TABLE communities(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, name TEXT, chash BLOB,"
	" aseq INTEGER) WITHOUT ROWID;"
	"CREATE INDEX communities_chash ON communities(chash);",
	/* 10: CJK text is found by its characters, one or more in a row
	 * (crdt/search.h): the grams of the posts that hold any, written by
	 * crdt_search_index / crdt_search_reindex while materializing
	 * (materialize.c; no triggers: an AFTER INSERT trigger makes FTS5
	 * flush per row, see 5; and the sqlite3 shell has no kith_grams) */
	"CREATE VIRTUAL TABLE items_grams USING fts5(grams, tokenize='ascii');"
	"CREATE VIRTUAL TABLE wishes_grams USING fts5(grams, tokenize='ascii');"
	"INSERT INTO items_grams(rowid, grams) SELECT rowid, g FROM"
	" (SELECT rowid, kith_grams(title, description) AS g FROM items)"
	" WHERE g IS NOT NULL;"
	"INSERT INTO wishes_grams(rowid, grams) SELECT rowid, g FROM"
	" (SELECT rowid, kith_grams(title, description) AS g FROM wishes)"
	" WHERE g IS NOT NULL;",
	/* 11: members by name, as people type them (crdt_resolve; a list
	 * that shows a name only when no one else has it asks per row) */
	"CREATE INDEX IF NOT EXISTS members_name ON members(name COLLATE NOCASE);",
	/* 12: the newest items first (the web app's /items stops after a
	 * page of them; without the index every list sorted all items: 400
	 * ms on the bench's town of 50,000) */
	"CREATE INDEX IF NOT EXISTS items_created ON items(created DESC, id);",
	/* 13: members in the order of a members page (crdt_query_members_page:
	 * without a building last, building and name ASCII case aside, id),
	 * so a page of 100 walks 100 entries instead of sorting every member
	 * (the web app's /members: 105 ms of CPU on the bench's town of
	 * 12,000, 1 ms with it); a missing building or name (NULL) sorts
	 * as "".  building and name again at the end: SQLite (3.40)
	 * takes an index as covering only when it holds every column named,
	 * and an offset of 11,900 then skips index entries without a seek
	 * into the table for each (9 ms -> 3 ms) */
	"CREATE INDEX IF NOT EXISTS members_page ON members("
	"coalesce(building, '') = '', lower(coalesce(building, '')),"
	" coalesce(name, '') COLLATE NOCASE, id, building, name);",
	/* 14: members of a building as people type it, any case (the
	 * notice sheet's and roll call's sections, crdt/report.c; 6's index
	 * on lower(building) serves no "= ? COLLATE NOCASE": every section
	 * of the sheet scanned all posts, 37 s for the bench's town) */
	"CREATE INDEX IF NOT EXISTS members_building_nocase"
	" ON members(building COLLATE NOCASE);",
	/* 15: hosted members (docs/DESIGN.md s5): the host a member's first
	 * change names with the host's signature (materialize.c).  Older
	 * kith kept such fields in the log unshown, so the view is rebuilt
	 * once (meta 'rebuild', crdt_apply_recheck) */
	"ALTER TABLE members ADD COLUMN host BLOB;"
	"ALTER TABLE members ADD COLUMN host_sig BLOB;"
	"CREATE INDEX IF NOT EXISTS members_host ON members(host)"
	" WHERE host IS NOT NULL;"
	"INSERT OR REPLACE INTO meta(k, v) VALUES ('rebuild', 1);",
	/* 16: a member's several devices (docs/DESIGN.md s5,
	 * crdt/materialize.c): which member each device key belongs to;
	 * each key's stamp (authors.top: the highest HLC of its log so far); the stamp
	 * of the edit each field shows, so that edits from several keys of
	 * one member end the same everywhere; edits that came before the
	 * record they edit; devices their member removed (kept through a
	 * rebuild: only ever lowered, by the member's own changes).  The
	 * view is rebuilt once to fill them. */
	"CREATE TABLE keys(key BLOB PRIMARY KEY, member BLOB NOT NULL)"
	" WITHOUT ROWID;"
	"ALTER TABLE authors ADD COLUMN top INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE field_stamps(id BLOB NOT NULL, field INTEGER NOT NULL,"
	" stamp INTEGER NOT NULL, key BLOB NOT NULL, seq INTEGER NOT NULL,"
	" PRIMARY KEY(id, field)) WITHOUT ROWID;"
	"CREATE TABLE unlinked(key BLOB NOT NULL, by BLOB NOT NULL,"
	" after INTEGER NOT NULL, PRIMARY KEY(key, by)) WITHOUT ROWID;"
	"CREATE TABLE parked(target BLOB NOT NULL, author BLOB NOT NULL,"
	" seq INTEGER NOT NULL, op INTEGER NOT NULL, who BLOB NOT NULL,"
	" stamp INTEGER NOT NULL, PRIMARY KEY(target, author, seq, op))"
	" WITHOUT ROWID;"
	"INSERT OR REPLACE INTO meta(k, v) VALUES ('rebuild', 1);",
	/* 17: a member's lost key replaced by a coordinator (docs/DESIGN.md
	 * s5, crdt/facts.h rule 8): the replacement facts; then what the
	 * replay makes of them, for the view (crdt_community_refresh writes
	 * them, a rebuild keeps them): each new key, its member and its
	 * place among the member's replacements (replaced), and each key a
	 * replacement cuts and the seq it stops after (cuts).  Older kith
	 * kept replacements in the log unshown: the view is rebuilt once. */
	"CREATE TABLE replacements(id BLOB PRIMARY KEY, author BLOB NOT NULL,"
	" created INTEGER, updated INTEGER, member BLOB, new_key BLOB,"
	" cuts BLOB, seen BLOB, chash BLOB, aseq INTEGER) WITHOUT ROWID;"
	"CREATE INDEX replacements_member ON replacements(member);"
	"CREATE TABLE replaced(new BLOB PRIMARY KEY, member BLOB NOT NULL,"
	" ord INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX replaced_member ON replaced(member, ord);"
	"CREATE TABLE cuts(key BLOB NOT NULL, member BLOB NOT NULL,"
	" ord INTEGER NOT NULL, after INTEGER NOT NULL,"
	" PRIMARY KEY(key, member, ord)) WITHOUT ROWID;"
	"INSERT OR REPLACE INTO meta(k, v) VALUES ('rebuild', 1);",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))
enum { MIG_VERSION, MIG_NSQL };
static const char *const migrate_sql[MIG_NSQL] = {
	[MIG_VERSION] = "PRAGMA user_version",
};
static const struct crdt_stmts migrate_stmts = CRDT_STMTS(migrate_sql);

int crdt_migrate_version(void)
{
	return NMIGRATIONS;
}

/* The file's schema version (PRAGMA user_version) into *version. */
static int file_version(struct crdt_store *s, int *version)
{
	sqlite3_stmt *q = crdt_stmt(s, &migrate_stmts, MIG_VERSION);
	int rc;

	*version = 0;
	if (!q)
		return KITH_EDB;
	rc = crdt_step_row(s, q);
	if (!rc)
		*version = sqlite3_column_int(q, 0);
	crdt_reset(q);
	return rc == KITH_ENOTFOUND ? 0 : rc;
}

/* Migration i (0-based) and its version bump, in one transaction. */
static int migrate_one(struct crdt_store *s, int i)
{
	sqlite3 *db = crdt_store_db(s);
	char bump[64];
	int rc;

	rc = crdt_store_begin(s);
	if (rc)
		return rc;
	/* a script of several statements, run once per file: sqlite3_exec,
	 * not a statement table */
	rc = sqlite3_exec(db, migrations[i], NULL, NULL, NULL);
	if (!rc) {
		snprintf(bump, sizeof bump, "PRAGMA user_version = %d", i + 1);
		rc = sqlite3_exec(db, bump, NULL, NULL, NULL);
	}
	if (rc) {
		rc = crdt_store_err(s, rc);
		crdt_store_rollback(s);
		return rc;
	}
	return crdt_store_commit(s);
}

int crdt_migrate(struct crdt_store *s)
{
	int version, rc, i;

	rc = file_version(s, &version);
	if (rc)
		return rc;
	if (version > NMIGRATIONS)
		return crdt_store_errf(s, KITH_EDB,
				       "replica was written by a newer kith"
				       " (schema %d)",
				       version);
	for (i = version; !rc && i < NMIGRATIONS; i++)
		rc = migrate_one(s, i);
	return rc;
}
