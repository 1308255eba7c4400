/*
 * private.c - --private / --private-to, re-sealing and showing private
 * parts (see private.h).
 */
#include <string.h>

#include "crdt/err.h"
#include "crdt/schema.h"
#include "private.h"

int cli_private_add_to(const struct cli_cmd *cmd, struct action_private *p,
		       const char *member)
{
	if (p->nto == CRDT_SEAL_MAX_RECIPIENTS)
		return cli_usage(cmd, "too many --private-to members (at most "
				      "%d)",
				 CRDT_SEAL_MAX_RECIPIENTS);
	p->to[p->nto++] = member;
	return 0;
}

int cli_private_check(const struct cli_cmd *cmd, const struct action_private *p)
{
	if (p->nto && (!p->text || !*p->text))
		return cli_usage(cmd, "--private-to needs --private TEXT");
	return 0;
}

void cli_private_print(FILE *f, const char *key,
		       const struct action_private_view *v)
{
	if (v->state == ACTION_PRIV_OPEN) {
		char indent[32];
		size_t n = strlen(key) < sizeof indent ? strlen(key)
						       : sizeof indent - 1;

		memset(indent, ' ', n); /* more lines start under the first */
		indent[n] = 0;
		fputs(key, f);
		cli_txt_write_ml(f, v->text, indent);
		fputc('\n', f);
	}
	else if (v->state == ACTION_PRIV_SEALED && v->why == KITH_EDENIED)
		fprintf(f, ngettext("%s(sealed for %zu member)\n",
				    "%s(sealed for %zu members)\n",
				    v->readers),
			key, v->readers);
	else if (v->state == ACTION_PRIV_SEALED)
		fprintf(f, _("%s(sealed; cannot be opened: %s)\n"), key,
			_(kith_strerror(v->why)));
}

void cli_private_json(FILE *f, const struct action_private_view *v)
{
	fputs(",\"private\":", f);
	if (v->state == ACTION_PRIV_OPEN)
		cli_json_str(f, v->text);
	else
		fputs("null", f);
	fprintf(f, ",\"private_sealed\":%s",
		v->state == ACTION_PRIV_SEALED ? "true" : "false");
}
