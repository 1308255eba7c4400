/*
 * replica.c - kith members, digest, vector, export, import.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action/member.h"
#include "action/names.h"
#include "cli.h"
#include "crdt/bundle.h"
#include "crdt/err.h"
#include "fields.h"

static int member_row(void *ctx, const struct action_member *m)
{
	struct cli_rows *l = ctx;

	if (l->c->json)
		return cli_json_list_row(&l->json, m->row);
	if (!l->n++) {
		cli_cell(_("NAME"), 24, "  ");
		cli_cell(_("ID"), 8, "  ");
		cli_cell(_("BUILDING"), 12, "  ");
		cli_cell(_("UNIT"), 8, "  ");
		cli_cell(_("VERIFIED"), 8, "  ");
		cli_cell_right(_("HOURS"), 6, "  ");
		printf("%s\n", _("SKILLS"));
	}
	cli_cell(m->shown, 24, "  ");
	cli_cell(m->short_id, 8, "  ");
	cli_cell(m->building, 12, "  ");
	cli_cell(m->unit, 8, "  ");
	cli_cell(m->verified ? _("yes") : "", 8, "  ");
	printf("%6.2f  %s%s", m->hours, m->forked ? _("FORKED  ") : "",
	       cli_txt(m->skills));
	if (*m->host_name) {
		if (*m->skills)
			printf("  ");
		printf(_("(hosted by %s)"), cli_txt(m->host_name));
	}
	printf("\n");
	return 0;
}

int cli_members(struct cli *c, int argc, char **argv)
{
	struct cli_rows m = { c, { 0 }, 0 };
	int status;

	(void)argv;
	if (argc > 1)
		return cli_usage(NULL, "members takes no arguments");
	status = cli_open(c, 0);
	if (status)
		return status;
	if (action_member_list(&c->a, member_row, &m))
		return cli_fail_action(c);
	if (c->json)
		printf(m.json.n ? "]\n" : "[]\n");
	else if (!m.n)
		fprintf(stderr, _("no members yet; 'kith init --name NAME' "
				  "makes you the first\n"));
	return CLI_OK;
}

/* The bundle commands below carry changes between machines rather than
 * act for a person, so they call crdt/bundle.h directly; what they show
 * people goes through _(). */

/* The community of this replica by the hash of its founding record (hex
 * into id, "" when not known), and who founded it (hex into creator, ""
 * when not yet known here). */
static void digest_community(struct cli *c, char id[65], char creator[65])
{
	struct peer_community com;

	id[0] = creator[0] = 0;
	if (peer_community_load(c->a.home, &com) == 0) {
		if (com.version == 2)
			crdt_hex(id, com.genesis, CRDT_HASH_LEN);
		peer_community_wipe(&com);
	}
	if (c->a.have_community)
		crdt_hex(creator, c->a.creator, CRDT_PK_LEN);
}

int cli_digest(struct cli *c, int argc, char **argv)
{
	char hex[65], id[65], creator[65];
	struct action_person who;
	int status, err;

	if (argc > 1)
		return cli_usage(NULL, "digest takes no arguments");
	status = cli_open(c, 0);
	if (status)
		return status;
	err = crdt_digest(c->a.r.store, hex);
	if (err) {
		action_fail_rc(&c->a, err, _("cannot compute digest"));
		return cli_fail_action(c);
	}
	/* which community, and who founded it: equal digests of different
	 * communities would mean nothing (issue 7, 6) */
	digest_community(c, id, creator);
	if (c->json) {
		printf("{\"digest\":\"%s\",\"community\":\"%s\","
		       "\"creator\":\"%s\"}\n",
		       hex, id, creator);
	} else {
		printf("%s\n", hex);
		if (*id && *creator) {
			action_person(&c->a, c->a.creator, &who);
			fprintf(stderr, _("community %.16s, founded by %s\n"),
				id, cli_txt(who.label));
		} else if (*id) {
			fprintf(stderr,
				_("community %.16s, founder not yet known "
				  "here\n"),
				id);
		}
	}
	return CLI_OK;
}

/* A file name, the one argument of vector and import. */
static int one_file_arg(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(NULL, argc < 2 ? "a file name is required"
						: "unexpected argument '%s'",
				 argv[argc < 2 ? 0 : argc - 1]);
	return CLI_OK;
}

static int write_vector(void *ctx, const char *tmp)
{
	return crdt_vector_write(ctx, tmp);
}

int cli_vector(struct cli *c, int argc, char **argv)
{
	struct crdt_vector vv;
	int status, err;

	status = one_file_arg(argc, argv);
	if (!status)
		status = cli_open(c, 0);
	if (!status)
		status = cli_output_check(c, argv[1], "kith-vector 1\n", 14);
	if (status)
		return status;
	err = crdt_vector_load(c->a.r.store, &vv);
	if (err) {
		action_fail_rc(&c->a, err, _("cannot read version vector"));
		return cli_fail_action(c);
	}
	/* written next to the file, then renamed over it */
	err = cli_output_with(argv[1], write_vector, &vv);
	if (err)
		status = cli_fail("cannot write '%s': %s", argv[1],
				  cli_output_strerror(err));
	else if (c->json)
		printf("{\"authors\":%zu}\n", vv.n);
	else
		fprintf(stderr,
			_("wrote what this replica holds (%zu authors) to "
			  "'%s'; take it to a neighbour, who runs 'kith export "
			  "FILE --since %s' to make a bundle of only what you "
			  "lack\n"),
			vv.n, argv[1], argv[1]);
	crdt_vector_release(&vv);
	return status;
}

/* --max-bytes N, Nk or NM: decimal digits, one optional suffix */
static int set_max_bytes(const struct cli_cmd *cmd, const struct cli_field *f,
			 const char *value, void *member)
{
	uint64_t *max = member, unit = 1;
	size_t n = strlen(value);
	char num[32];

	if (n && (value[n - 1] == 'k' || value[n - 1] == 'K'))
		unit = 1024;
	else if (n && value[n - 1] == 'M')
		unit = 1024 * 1024;
	n -= unit > 1;
	if (n < sizeof num) {
		memcpy(num, value, n);
		num[n] = 0;
	}
	if (n >= sizeof num || cli_parse_uint(num, 1, UINT64_MAX / unit, max))
		return cli_usage(cmd, "--max-bytes needs a size like 65536, 64k "
				      "or 2M, not '%s'",
				 value);
	*max *= unit;
	return CLI_OK;
}

/* kith export FILE [--since VECTOR_FILE] [--max-bytes N] */
struct export_opts {
	const char *since;
	uint64_t max;
};

/* What write_bundle writes. */
struct bundle_out {
	struct cli *c;
	const uint8_t *key;
	const struct crdt_vector *since; /* NULL: everything */
	uint64_t max;
	struct crdt_export_stats st;
};

static int write_bundle(void *ctx, const char *tmp)
{
	struct bundle_out *b = ctx;

	return crdt_bundle_export_max(&b->c->a.r, b->key, b->since, b->max,
				      tmp, &b->st);
}

int cli_export(struct cli *c, int argc, char **argv)
{
	static const struct cli_field opts[] = {
		CLI_OPT("since", offsetof(struct export_opts, since),
			cli_field_text, NULL),
		CLI_OPT("max-bytes", offsetof(struct export_opts, max),
			set_max_bytes, NULL),
	};
	static const struct cli_fields t = { opts, ARRAY_SIZE(opts), 1,
					     N_("a file name is required") };
	struct export_opts o = { NULL, 0 };
	struct crdt_vector vv = { NULL, 0 };
	struct bundle_out out;
	struct peer_community com;
	struct cli_args args;
	const char *file;
	int status, err;

	status = cli_fields_parse(NULL, &t, argc, argv, &o, &args);
	file = args.pos[0];
	if (!status)
		status = cli_open(c, 0);
	if (!status)
		status = cli_output_check(c, file, "KITHBNDL", 8);
	if (!status && action_community_key(&c->a, &com, ACTION_KEY_BUNDLES))
		status = cli_fail_action(c);
	if (status)
		return status;
	if (o.since) {
		err = crdt_vector_read(&vv, o.since);
		if (err) {
			status = cli_fail("cannot read version vector '%s': %s",
					  o.since,
					  err == KITH_EDECODE
						  ? _("not a file from 'kith "
						      "vector'")
						  : _(kith_strerror(err)));
			goto out;
		}
	}
	memset(&out, 0, sizeof out);
	out.c = c;
	out.key = com.key;
	out.since = o.since ? &vv : NULL;
	out.max = o.max;
	err = cli_output_with(file, write_bundle, &out);
	if (err == KITH_ETOOBIG && o.max) {
		status = cli_fail("--max-bytes %llu is too small for any bundle",
				  (unsigned long long)o.max);
		goto out;
	}
	if (err) {
		status = cli_fail("cannot write bundle '%s': %s", file,
				  _(cli_output_strerror(err)));
		goto out;
	}
	if (c->json)
		printf("{\"changes\":%llu,\"bytes\":%llu,\"left\":%llu}\n",
		       (unsigned long long)out.st.changes,
		       (unsigned long long)out.st.bytes,
		       (unsigned long long)out.st.left);
	else
		printf(ngettext("exported %llu change (%llu bytes) to '%s'\n",
				"exported %llu changes (%llu bytes) to '%s'\n",
				out.st.changes),
		       (unsigned long long)out.st.changes,
		       (unsigned long long)out.st.bytes, file);
	if (!c->json && out.st.left)
		printf(ngettext("%llu change did not fit; the most urgent went "
				"first\n",
				"%llu changes did not fit; the most urgent "
				"went first\n",
				out.st.left),
		       (unsigned long long)out.st.left);
	cli_say(c, _("carry '%s' to a neighbour's machine and run 'kith "
		  "import %s' there\n"),
		file, file);
out:
	crdt_vector_release(&vv);
	peer_community_wipe(&com);
	return status;
}

/* Why import refused bundle f (err), for people. */
static int import_failed(struct cli *c, const char *f, int err)
{
	switch (err) {
	case KITH_ECOMMUNITY:
		return cli_fail("bundle '%s' belongs to another community; "
				"nothing was imported",
				f);
	case KITH_EVERSION:
		return cli_fail("bundle '%s' was made by a newer version of kith; "
				"update kith to read it; nothing was imported",
				f);
	case KITH_EDECODE:
		return cli_fail("'%s' is not a kith bundle; nothing was imported",
				f);
	case KITH_ETRUNCATED:
		return cli_fail("bundle '%s' is truncated (was the copy "
				"interrupted?); nothing was imported",
				f);
	case KITH_ECRYPT:
		return cli_fail("bundle '%s' is damaged or was tampered with; "
				"nothing was imported",
				f);
	default:
		return cli_fail("cannot import '%s': %s; nothing was imported",
				f,
				err == KITH_EDB || err == KITH_EFULL ||
						err == KITH_EBUSY
					? crdt_store_errmsg(c->a.r.store)
					: _(kith_strerror(err)));
	}
}

/* One line of the import's text summary, for n changes (none: no line);
 * fmt: ngettext's choice for n. */
static void import_count(unsigned long long n, const char *fmt)
{
	if (n)
		printf(fmt, n);
}

static void import_text(const struct crdt_apply_stats *st)
{
	printf(ngettext("applied %llu new change, %llu already known, "
			"%llu rejected\n",
			"applied %llu new changes, %llu already known, "
			"%llu rejected\n",
			st->applied),
	       (unsigned long long)st->applied,
	       (unsigned long long)st->duplicate,
	       (unsigned long long)st->rejected);
	import_count(st->held,
		     ngettext("%llu change waits for older ones from another "
			      "bundle\n",
			      "%llu changes wait for older ones from another "
			      "bundle\n",
			      st->held));
	import_count(st->refused,
		     ngettext("%llu change refused: its author signed it with "
			      "garbage; nobody else's changes are held up\n",
			      "%llu changes refused: their author signed them "
			      "with garbage; nobody else's changes are held "
			      "up\n",
			      st->refused));
	import_count(st->dropped,
		     ngettext("%llu change not kept: too far ahead of what "
			      "this replica holds; it comes again with the "
			      "older ones\n",
			      "%llu changes not kept: too far ahead of what "
			      "this replica holds; they come again with the "
			      "older ones\n",
			      st->dropped));
	import_count(st->forked,
		     ngettext("warning: %llu change shows that someone's "
			      "identity was copied to two machines (a fork); "
			      "see FORKED in 'kith members'\n",
			      "warning: %llu changes show that someone's "
			      "identity was copied to two machines (a fork); "
			      "see FORKED in 'kith members'\n",
			      (unsigned long)st->forked));
}

int cli_import(struct cli *c, int argc, char **argv)
{
	struct peer_community com;
	struct crdt_apply_stats st;
	int status, err;

	status = one_file_arg(argc, argv);
	if (!status)
		status = cli_open(c, 0);
	if (!status && action_community_key(&c->a, &com, ACTION_KEY_BUNDLES))
		status = cli_fail_action(c);
	if (status)
		return status;
	memset(&st, 0, sizeof st);
	err = crdt_bundle_import(&c->a.r, com.key, argv[1], &st);
	peer_community_wipe(&com);
	if (err)
		return import_failed(c, argv[1], err);
	if (!c->json) {
		import_text(&st);
		return CLI_OK;
	}
	printf("{\"applied\":%llu,\"duplicate\":%llu,\"rejected\":%llu",
	       (unsigned long long)st.applied,
	       (unsigned long long)st.duplicate,
	       (unsigned long long)st.rejected);
	if (st.held)
		printf(",\"held\":%llu", (unsigned long long)st.held);
	if (st.refused)
		printf(",\"refused\":%llu", (unsigned long long)st.refused);
	if (st.dropped)
		printf(",\"dropped\":%llu", (unsigned long long)st.dropped);
	printf("}\n");
	return CLI_OK;
}
