/*
 * replica.c - kith members, digest, vector, export, import.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action/member.h"
#include "action/names.h"
#include "cli.h"
#include "crdt/bundle.h"
#include "crdt/err.h"

struct members_ctx {
	struct cli *c;
	struct cli_json_list json;
	int n;
};

static int member_row(void *ctx, const struct action_member *m)
{
	struct members_ctx *l = ctx;

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
	printf("%6.2f  %s%s\n", m->hours, m->forked ? _("FORKED  ") : "",
	       cli_txt(m->skills));
	return 0;
}

int cli_members(struct cli *c, int argc, char **argv)
{
	struct members_ctx m = { c, { 0 }, 0 };
	int rc;

	(void)argv;
	if (argc > 1)
		return cli_usage(NULL, "members takes no arguments");
	rc = cli_open(c, 0);
	if (rc)
		return rc;
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

int cli_digest(struct cli *c, int argc, char **argv)
{
	char hex[65];
	int rc;

	if (argc > 1)
		return cli_usage(NULL, "digest takes no arguments");
	rc = cli_open(c, 0);
	if (rc)
		return rc;
	rc = crdt_digest(c->a.r.store, hex);
	if (rc) {
		action_fail_rc(&c->a, rc, _("cannot compute digest"));
		return cli_fail_action(c);
	}
	{
		/* which community, and who founded it: equal digests of
		 * different communities would mean nothing (issue 7, 6) */
		struct peer_community com;
		char id[65] = "", creator[65] = "";
		struct action_person who;

		if (peer_community_load(c->a.home, &com) == 0) {
			if (com.version == 2)
				crdt_hex(id, com.genesis, CRDT_HASH_LEN);
			peer_community_wipe(&com);
		}
		if (c->a.have_community)
			crdt_hex(creator, c->a.creator, CRDT_PK_LEN);
		if (c->json) {
			printf("{\"digest\":\"%s\",\"community\":\"%s\","
			       "\"creator\":\"%s\"}\n",
			       hex, id, creator);
		} else {
			printf("%s\n", hex);
			if (*id && *creator) {
				action_person(&c->a, c->a.creator, &who);
				fprintf(stderr,
					_("community %.16s, founded by %s\n"),
					id, cli_txt(who.label));
			} else if (*id) {
				fprintf(stderr,
					_("community %.16s, founder not yet "
					  "known here\n"),
					id);
			}
		}
	}
	return CLI_OK;
}

int cli_vector(struct cli *c, int argc, char **argv)
{
	char tmp[PEER_PATH_MAX];
	struct crdt_vector vv;
	int rc;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(NULL, argc < 2 ? "a file name is required"
						: "unexpected argument '%s'",
				 argv[argc < 2 ? 0 : argc - 1]);
	rc = cli_open(c, 0);
	if (rc)
		return rc;
	if (cli_output_check(c, argv[1], "kith-vector 1\n", 14))
		return CLI_FAIL;
	rc = crdt_vector_load(c->a.r.store, &vv);
	if (rc) {
		action_fail_rc(&c->a, rc, _("cannot read version vector"));
		return cli_fail_action(c);
	}
	/* written next to the file, then renamed over it */
	rc = cli_output_tmp(argv[1], tmp, sizeof tmp);
	if (!rc) {
		rc = crdt_vector_write(&vv, tmp);
		if (rc)
			unlink(tmp);
		else
			rc = cli_output_place(tmp, argv[1]);
	}
	if (!rc && c->json)
		printf("{\"authors\":%zu}\n", vv.n);
	else if (!rc)
		fprintf(stderr,
			_("wrote what this replica holds (%zu authors) to "
			  "'%s'; take it to a neighbour, who runs 'kith export "
			  "FILE --since %s' to make a bundle of only what you "
			  "lack\n"),
			vv.n, argv[1], argv[1]);
	crdt_vector_release(&vv);
	if (rc)
		return cli_fail("cannot write '%s': %s", argv[1],
				cli_output_strerror(rc));
	return CLI_OK;
}

int cli_export(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "max-bytes", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_cmd cmd = { "export", cli_export,
					    "export FILE [--since VECTOR_FILE] [--max-bytes N]",
					    NULL, 0 };
	struct peer_community com;
	struct crdt_vector vv = { NULL, 0 };
	struct crdt_export_stats st = { 0, 0, 0 };
	const char *file = NULL, *since = NULL;
	char tmp[PEER_PATH_MAX];
	uint64_t max = 0;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "-:", opts, NULL)) != -1) {
		if (ch == 1 && !file)
			file = optarg;
		else if (ch == 's')
			since = optarg;
		else if (ch == 'm') {
			char num[32];
			size_t n = strlen(optarg);
			uint64_t unit = 1;

			/* N, Nk or NM: decimal digits, one optional suffix */
			if (n && (optarg[n - 1] == 'k' || optarg[n - 1] == 'K'))
				unit = 1024;
			else if (n && optarg[n - 1] == 'M')
				unit = 1024 * 1024;
			n -= unit > 1;
			if (n < sizeof num) {
				memcpy(num, optarg, n);
				num[n] = 0;
			}
			if (n >= sizeof num ||
			    cli_parse_uint(num, 1, UINT64_MAX / unit, &max))
				return cli_usage(&cmd, "--max-bytes needs a size "
						       "like 65536, 64k or 2M, "
						       "not '%s'",
						 optarg);
			max *= unit;
		} else
			return cli_bad_option(&cmd, argv, ch);
	}
	if (!file)
		return cli_usage(&cmd, "a file name is required");
	rc = cli_open(c, 0);
	if (!rc)
		rc = cli_output_check(c, file, "KITHBNDL", 8);
	if (!rc && action_community_key(&c->a, &com, ACTION_KEY_BUNDLES))
		rc = cli_fail_action(c);
	if (rc)
		return rc;
	if (since) {
		rc = crdt_vector_read(&vv, since);
		if (rc) {
			peer_community_wipe(&com);
			return cli_fail("cannot read version vector '%s': %s",
					since,
					rc == KITH_EDECODE
						? _("not a file from 'kith "
						    "vector'")
						: _(kith_strerror(rc)));
		}
	}
	rc = cli_output_tmp(file, tmp, sizeof tmp);
	if (!rc) {
		rc = crdt_bundle_export_max(&c->a.r, com.key, since ? &vv : NULL,
					    max, tmp, &st);
		if (rc)
			unlink(tmp);
		else
			rc = cli_output_place(tmp, file);
	}
	peer_community_wipe(&com);
	crdt_vector_release(&vv);
	if (rc == KITH_ETOOBIG && max)
		return cli_fail("--max-bytes %llu is too small for any bundle",
				(unsigned long long)max);
	if (rc)
		return cli_fail("cannot write bundle '%s': %s", file,
				_(cli_output_strerror(rc)));
	if (c->json)
		printf("{\"changes\":%llu,\"bytes\":%llu,\"left\":%llu}\n",
		       (unsigned long long)st.changes,
		       (unsigned long long)st.bytes,
		       (unsigned long long)st.left);
	else
		printf(ngettext("exported %llu change (%llu bytes) to '%s'\n",
				"exported %llu changes (%llu bytes) to '%s'\n",
				st.changes),
		       (unsigned long long)st.changes,
		       (unsigned long long)st.bytes, file);
	if (!c->json && st.left)
		printf(ngettext("%llu change did not fit; the most urgent went "
				"first\n",
				"%llu changes did not fit; the most urgent "
				"went first\n",
				st.left),
		       (unsigned long long)st.left);
	cli_say(c, _("carry '%s' to a neighbour's machine and run 'kith "
		  "import %s' there\n"),
		file, file);
	return CLI_OK;
}

int cli_import(struct cli *c, int argc, char **argv)
{
	struct peer_community com;
	struct crdt_apply_stats st;
	const char *why;
	int rc;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(NULL, argc < 2 ? "a file name is required"
						: "unexpected argument '%s'",
				 argv[argc < 2 ? 0 : argc - 1]);
	rc = cli_open(c, 0);
	if (!rc && action_community_key(&c->a, &com, ACTION_KEY_BUNDLES))
		rc = cli_fail_action(c);
	if (rc)
		return rc;
	memset(&st, 0, sizeof st);
	rc = crdt_bundle_import(&c->a.r, com.key, argv[1], &st);
	peer_community_wipe(&com);
	switch (rc) {
	case 0:
		break;
	case KITH_ECOMMUNITY:
		return cli_fail("bundle '%s' belongs to another community; "
				"nothing was imported",
				argv[1]);
	case KITH_EVERSION:
		return cli_fail("bundle '%s' was made by a newer version of kith; "
				"update kith to read it; nothing was imported",
				argv[1]);
	case KITH_EDECODE:
		return cli_fail("'%s' is not a kith bundle; nothing was imported",
				argv[1]);
	case KITH_ETRUNCATED:
		return cli_fail("bundle '%s' is truncated (was the copy "
				"interrupted?); nothing was imported",
				argv[1]);
	case KITH_ECRYPT:
		return cli_fail("bundle '%s' is damaged or was tampered with; "
				"nothing was imported",
				argv[1]);
	default:
		why = rc == KITH_EDB || rc == KITH_EFULL || rc == KITH_EBUSY
			      ? crdt_store_errmsg(c->a.r.store)
			      : _(kith_strerror(rc));
		return cli_fail("cannot import '%s': %s; nothing was imported",
				argv[1], why);
	}
	if (c->json) {
		printf("{\"applied\":%llu,\"duplicate\":%llu,\"rejected\":%llu",
		       (unsigned long long)st.applied,
		       (unsigned long long)st.duplicate,
		       (unsigned long long)st.rejected);
		if (st.held)
			printf(",\"held\":%llu", (unsigned long long)st.held);
		if (st.refused)
			printf(",\"refused\":%llu",
			       (unsigned long long)st.refused);
		if (st.dropped)
			printf(",\"dropped\":%llu",
			       (unsigned long long)st.dropped);
		printf("}\n");
	} else {
		printf(ngettext("applied %llu new change, %llu already known, "
				"%llu rejected\n",
				"applied %llu new changes, %llu already known, "
				"%llu rejected\n",
				st.applied),
		       (unsigned long long)st.applied,
		       (unsigned long long)st.duplicate,
		       (unsigned long long)st.rejected);
		if (st.held)
			printf(ngettext("%llu change waits for older ones "
					"from another bundle\n",
					"%llu changes wait for older ones from "
					"another bundle\n",
					st.held),
			       (unsigned long long)st.held);
		if (st.refused)
			printf(ngettext("%llu change refused: its author "
					"signed it with garbage; nobody else's "
					"changes are held up\n",
					"%llu changes refused: their author "
					"signed them with garbage; nobody "
					"else's changes are held up\n",
					st.refused),
			       (unsigned long long)st.refused);
		if (st.dropped)
			printf(ngettext("%llu change not kept: too far ahead "
					"of what this replica holds; it comes "
					"again with the older ones\n",
					"%llu changes not kept: too far ahead "
					"of what this replica holds; they come "
					"again with the older ones\n",
					st.dropped),
			       (unsigned long long)st.dropped);
		if (st.forked)
			printf(ngettext("warning: %llu change shows that "
					"someone's identity was copied to two "
					"machines (a fork); see FORKED in 'kith "
					"members'\n",
					"warning: %llu changes show that "
					"someone's identity was copied to two "
					"machines (a fork); see FORKED in 'kith "
					"members'\n",
					(unsigned long)st.forked),
			       (unsigned long long)st.forked);
	}
	return CLI_OK;
}
