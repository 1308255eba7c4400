/*
 * fields.c - options from a table (see fields.h), and the tables of the
 * fields of items and wishes.
 */
#include <stdint.h>
#include <string.h>

#include "action/item.h"
#include "action/wish.h"
#include "crdt/schema.h"
#include "fields.h"
#include "private.h"

/* getopt's value of table entry i.  A flag answers to its first letter:
 * getopt reports "--mine=x" by that value (optopt), and cli_bad_option
 * has always named such a flag "-m".  Options with a value use numbers
 * clear of every character getopt returns itself (1, '?', ':'). */
#define FIELD_VAL_BASE 256

static int field_val(const struct cli_field *f, size_t i)
{
	if (f->has_arg == no_argument)
		return (unsigned char)f->name[0];
	return FIELD_VAL_BASE + (int)i;
}

static const struct cli_field *field_of(const struct cli_fields *t, int ch)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (field_val(&t->f[i], i) == ch)
			return &t->f[i];
	return NULL;
}

/* A positional argument: kept, or "unexpected argument". */
static int take_pos(const struct cli_cmd *cmd, const struct cli_fields *t,
		    const char *word, struct cli_args *args)
{
	if (args->npos >= t->maxpos || args->npos >= CLI_ARGS_MAX)
		return cli_usage(cmd, "unexpected argument '%s'", word);
	args->pos[args->npos++] = word;
	return CLI_OK;
}

int cli_fields_parse(const struct cli_cmd *cmd, const struct cli_fields *t,
		     int argc, char **argv, void *dst, struct cli_args *args)
{
	struct option opts[CLI_FIELDS_MAX + 1];
	const char *optstring = t->maxpos < 0 ? "+:" : "-:";
	const struct cli_field *f;
	int ch, status = CLI_OK;
	size_t i;

	memset(args, 0, sizeof *args);
	memset(opts, 0, sizeof opts);
	if (t->n > CLI_FIELDS_MAX)
		return cli_fail("too many options in one table (at most %d)",
				CLI_FIELDS_MAX);
	for (i = 0; i < t->n; i++) {
		opts[i].name = t->f[i].name;
		opts[i].has_arg = t->f[i].has_arg;
		opts[i].val = field_val(&t->f[i], i);
	}
	optind = 0;
	while (status == CLI_OK) {
		ch = getopt_long(argc, argv, optstring, opts, NULL);
		if (ch == -1)
			break;
		f = ch == 1 ? NULL : field_of(t, ch);
		if (ch == 1) {
			status = take_pos(cmd, t, optarg, args);
		} else if (!f) {
			status = cli_bad_option(cmd, argv, ch);
		} else {
			args->nopts++;
			status = f->set(cmd, f, optarg, (char *)dst + f->off);
		}
	}
	if (status == CLI_OK && t->maxpos < 0 && optind < argc)
		status = cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
	if (status == CLI_OK && t->need && args->npos < t->maxpos)
		status = cli_usage(cmd, "%s", _(t->need));
	return status;
}

int cli_fields_open(struct cli *c, const struct cli_cmd *cmd,
		    const struct cli_fields *t, int argc, char **argv,
		    void *dst, struct cli_args *args, int need_identity)
{
	int status = cli_fields_parse(cmd, t, argc, argv, dst, args);

	if (!status)
		status = cli_open(c, need_identity);
	return status;
}

/* ---- setters ------------------------------------------------------------ */

int cli_field_text(const struct cli_cmd *cmd, const struct cli_field *f,
		   const char *value, void *member)
{
	*(const char **)member = value;
	return CLI_OK;
}

int cli_field_nonempty(const struct cli_cmd *cmd, const struct cli_field *f,
		       const char *value, void *member)
{
	if (*value)
		return cli_field_text(cmd, f, value, member);
	if (f->bad)
		return cli_usage(cmd, f->bad, value);
	return cli_usage(cmd, "--%s cannot be empty", f->name);
}

int cli_field_flag(const struct cli_cmd *cmd, const struct cli_field *f,
		   const char *value, void *member)
{
	*(int *)member = 1;
	return CLI_OK;
}

int cli_field_qty(const struct cli_cmd *cmd, const struct cli_field *f,
		  const char *value, void *member)
{
	int64_t v;

	if (cli_parse_qty(value, &v))
		return cli_usage(cmd, f->bad, value);
	*(int64_t *)member = v;
	return CLI_OK;
}

int cli_field_date(const struct cli_cmd *cmd, const struct cli_field *f,
		   const char *value, void *member)
{
	int64_t v;

	if (cli_parse_date(value, &v))
		return cli_usage(cmd, f->bad, value);
	*(int64_t *)member = v;
	return CLI_OK;
}

int cli_field_enum(const struct cli_cmd *cmd, const struct cli_field *f,
		   const char *value, void *member)
{
	int k = crdt_enum_lookup(f->words, f->nwords, value);

	if (k < 0)
		return cli_usage(cmd, f->bad, value);
	*(int *)member = k;
	return CLI_OK;
}

int cli_field_word(const struct cli_cmd *cmd, const struct cli_field *f,
		   const char *value, void *member)
{
	if (crdt_enum_lookup(f->words, f->nwords, value) < 0)
		return cli_usage(cmd, f->bad, value);
	return cli_field_text(cmd, f, value, member);
}

int cli_field_private(const struct cli_cmd *cmd, const struct cli_field *f,
		      const char *value, void *member)
{
	struct action_private *p = member;

	p->text = value; /* sealed by the action */
	return CLI_OK;
}

int cli_field_private_to(const struct cli_cmd *cmd,
			 const struct cli_field *f, const char *value,
			 void *member)
{
	return cli_private_add_to(cmd, member, value);
}

int cli_field_refused(const struct cli_cmd *cmd, const struct cli_field *f,
		      const char *value, void *member)
{
	return cli_usage(cmd, f->bad, value);
}

/* ---- the fields of items and wishes ------------------------------------- */

#define QTY_BAD N_("--qty must be a whole number from 1, not '%s'")
#define ITEM(m) offsetof(struct action_item_fields, m)
#define WISH(m) offsetof(struct action_wish_fields, m)

static const struct cli_field item_fields[] = {
	CLI_OPT("title", ITEM(title), cli_field_text, NULL),
	CLI_OPT("kind", ITEM(kind), cli_field_text, NULL),
	CLI_OPT("category", ITEM(category), cli_field_text, NULL),
	CLI_OPT("qty", ITEM(quantity), cli_field_qty, QTY_BAD),
	CLI_OPT("unit", ITEM(unit), cli_field_text, NULL),
	CLI_OPT("condition", ITEM(condition), cli_field_text, NULL),
	CLI_OPT("location", ITEM(location), cli_field_text, NULL),
	CLI_OPT("description", ITEM(description), cli_field_text, NULL),
	CLI_OPT("until", ITEM(until), cli_field_date,
		N_("--until needs a date like 2026-12-31, not '%s'")),
};

static const struct cli_field wish_fields[] = {
	CLI_OPT("title", WISH(title), cli_field_nonempty,
		N_("--title cannot be empty")),
	CLI_OPT_WORDS("kind", WISH(kind), cli_field_enum,
		      N_("unknown kind '%s'"), crdt_wish_kinds,
		      CRDT_WISH_KINDS),
	CLI_OPT("category", WISH(category), cli_field_text, NULL),
	CLI_OPT_WORDS("urgency", WISH(urgency), cli_field_enum,
		      N_("unknown urgency '%s'"), crdt_urgencies,
		      CRDT_URGENCIES),
	CLI_OPT("qty", WISH(quantity), cli_field_qty, QTY_BAD),
	CLI_OPT("needed-by", WISH(needed_by), cli_field_date,
		N_("--needed-by needs a date like 2026-12-31, not '%s'")),
	CLI_OPT("location", WISH(location), cli_field_text, NULL),
	CLI_OPT("for", WISH(for_name), cli_field_text, NULL),
	CLI_OPT("description", WISH(description), cli_field_text, NULL),
	CLI_OPT("private", WISH(priv), cli_field_private, NULL),
	CLI_OPT("private-to", WISH(priv), cli_field_private_to, NULL),
};

const struct cli_fields cli_item_fields = {
	item_fields, ARRAY_SIZE(item_fields), 1, NULL
};
const struct cli_fields cli_wish_fields = {
	wish_fields, ARRAY_SIZE(wish_fields), 1, NULL
};
