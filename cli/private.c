/*
 * private.c - --private / --private-to, re-sealing and showing private
 * parts (see private.h).
 */
#include <string.h>

#include "crdt/err.h"
#include "crdt/schema.h"
#include "private.h"

int cli_private_add_to(const struct cli_cmd *cmd, struct cli_private *p,
		       const char *member)
{
	if (p->nto == CRDT_SEAL_MAX_RECIPIENTS)
		return cli_usage(cmd, "too many --private-to members (at most "
				      "%d)",
				 CRDT_SEAL_MAX_RECIPIENTS);
	p->to[p->nto++] = member;
	return 0;
}

int cli_private_check(const struct cli_cmd *cmd, const struct cli_private *p)
{
	if (p->nto && (!p->text || !*p->text))
		return cli_usage(cmd, "--private-to needs --private TEXT");
	return 0;
}

/* Ourselves and every current coordinator. */
static int add_defaults(struct cli *c, struct crdt_seal_to *to)
{
	size_t i;
	int rc = crdt_seal_to_add(to, c->r.id.pk);

	for (i = 0; !rc && i < c->roles.n; i++)
		if (c->roles.v[i].role == CRDT_ROLE_COORDINATOR)
			rc = crdt_seal_to_add(to, c->roles.v[i].member);
	return rc;
}

static int too_many(void)
{
	return cli_fail("a private part can have at most %d readers (you, the "
			"coordinators and the members you name)",
			CRDT_SEAL_MAX_RECIPIENTS);
}

static int seal_to(struct cli *c, const char *text,
		   const struct crdt_seal_to *to, uint8_t *out, size_t *len)
{
	size_t tlen = strlen(text);
	int rc = crdt_seal(out, CRDT_SEAL_MAX, len, text, tlen, c->r.id.pk,
			   (const uint8_t(*)[CRDT_PK_LEN])to->pk, to->n, &c->env);

	if (rc == KITH_ETOOBIG)
		return cli_fail("--private is too long to seal for %zu readers: "
				"at most %zu bytes, got %zu",
				to->n, crdt_seal_max_text(to->n), tlen);
	if (rc == KITH_EINVAL)
		return cli_fail("cannot seal the private part: a reader's key "
				"is not a valid member key");
	if (rc)
		return cli_fail("cannot seal the private part: %s",
				kith_strerror(rc));
	return 0;
}

int cli_private_seal(struct cli *c, const struct cli_private *p,
		     const uint8_t *helper, uint8_t *out, size_t *len)
{
	struct crdt_seal_to to;
	uint8_t pk[CRDT_PK_LEN];
	int i, rc;

	crdt_seal_to_init(&to);
	if (add_defaults(c, &to) || (helper && crdt_seal_to_add(&to, helper)))
		return too_many();
	for (i = 0; i < p->nto; i++) {
		rc = cli_resolve(c, CRDT_R_MEMBER, p->to[i], pk);
		if (rc)
			return rc;
		if (crdt_seal_to_add(&to, pk))
			return too_many();
	}
	return seal_to(c, p->text, &to, out, len);
}

/* The full key of an earlier reader known by its prefix, or -1. */
static int reader_key(struct cli *c, const uint8_t *prefix, const uint8_t *add,
		      uint8_t pk[CRDT_PK_LEN])
{
	char hex[2 * CRDT_SEAL_PREFIX_LEN + 1];
	size_t i;

	if (crdt_equal(prefix, c->r.id.pk, CRDT_SEAL_PREFIX_LEN)) {
		memcpy(pk, c->r.id.pk, CRDT_PK_LEN);
		return 0;
	}
	if (crdt_equal(prefix, add, CRDT_SEAL_PREFIX_LEN)) {
		memcpy(pk, add, CRDT_PK_LEN);
		return 0;
	}
	for (i = 0; i < c->roles.n; i++) {
		if (crdt_equal(prefix, c->roles.v[i].member,
			       CRDT_SEAL_PREFIX_LEN)) {
			memcpy(pk, c->roles.v[i].member, CRDT_PK_LEN);
			return 0;
		}
	}
	crdt_hex(hex, prefix, CRDT_SEAL_PREFIX_LEN);
	return crdt_resolve(c->r.store, CRDT_R_MEMBER, hex, pk) ? -1 : 0;
}

int cli_private_reseal(struct cli *c, int rtype, const uint8_t *id,
		       const uint8_t add[CRDT_PK_LEN], uint8_t *out,
		       size_t *len)
{
	uint8_t old[CRDT_SEAL_MAX], pk[CRDT_PK_LEN];
	uint8_t prefix[CRDT_SEAL_MAX_RECIPIENTS][CRDT_SEAL_PREFIX_LEN];
	char text[CRDT_SEAL_MAX + 1];
	struct crdt_seal_to to;
	size_t olen = 0, tlen, n = 0, i, lost = 0;
	int rc;

	*len = 0;
	rc = crdt_query_private(c->r.store, rtype, id, old, sizeof old, &olen);
	if (rc)
		return cli_fail_rc(c, rc, "cannot read the private part");
	if (!olen)
		return 0;
	rc = crdt_seal_open(text, sizeof text, &tlen, old, olen, c->r.id.pk,
			    &c->r.id);
	if (!rc)
		rc = crdt_seal_recipients(old, olen, prefix,
					  CRDT_SEAL_MAX_RECIPIENTS, &n);
	if (rc) {
		crdt_wipe(text, sizeof text);
		return cli_fail("cannot open the private part to share it: %s "
				"(replace it with --private)",
				kith_strerror(rc));
	}
	crdt_seal_to_init(&to);
	rc = add_defaults(c, &to);
	for (i = 0; !rc && i < n; i++) {
		if (reader_key(c, prefix[i], add, pk))
			lost++;
		else
			rc = crdt_seal_to_add(&to, pk);
	}
	if (!rc)
		rc = crdt_seal_to_add(&to, add);
	if (rc)
		rc = too_many();
	else
		rc = seal_to(c, text, &to, out, len);
	crdt_wipe(text, sizeof text);
	if (!rc && lost)
		fprintf(stderr,
			"note: %zu earlier reader%s of the private part %s not "
			"known here; %s keep%s only the earlier version\n",
			lost, lost == 1 ? "" : "s", lost == 1 ? "is" : "are",
			lost == 1 ? "it" : "they", lost == 1 ? "s" : "");
	return rc;
}

int cli_private_read(struct cli *c, int rtype, const uint8_t *id,
		     const uint8_t author[CRDT_PK_LEN],
		     struct cli_private_view *v)
{
	uint8_t env[CRDT_SEAL_MAX];
	size_t len = 0, tlen;
	int rc;

	memset(v, 0, sizeof *v);
	rc = crdt_query_private(c->r.store, rtype, id, env, sizeof env, &len);
	if (rc && rc != KITH_ENOTFOUND)
		return cli_fail_rc(c, rc, "cannot read the private part");
	if (rc || !len)
		return 0;
	v->state = CLI_PRIV_SEALED;
	v->why = crdt_seal_recipients(env, len, NULL, 0, &v->readers);
	if (v->why)
		return 0;
	/* a reader without an identity (or with a broken one) just can't
	 * open it; that is not an error of this command */
	if (!c->r.id.sk && peer_identity_load(c->home, &c->r.id)) {
		v->why = KITH_EDENIED;
		return 0;
	}
	v->why = crdt_seal_open(v->text, sizeof v->text, &tlen, env, len,
				author, &c->r.id);
	if (!v->why)
		v->state = CLI_PRIV_OPEN;
	return 0;
}

void cli_private_view_wipe(struct cli_private_view *v)
{
	crdt_wipe(v, sizeof *v);
}

void cli_private_print(FILE *f, const char *key,
		       const struct cli_private_view *v)
{
	if (v->state == CLI_PRIV_OPEN) {
		char indent[32];
		size_t n = strlen(key) < sizeof indent ? strlen(key)
						       : sizeof indent - 1;

		memset(indent, ' ', n); /* more lines start under the first */
		indent[n] = 0;
		fputs(key, f);
		cli_txt_write_ml(f, v->text, indent);
		fputc('\n', f);
	}
	else if (v->state == CLI_PRIV_SEALED && v->why == KITH_EDENIED)
		fprintf(f, "%s(sealed for %zu member%s)\n", key, v->readers,
			v->readers == 1 ? "" : "s");
	else if (v->state == CLI_PRIV_SEALED)
		fprintf(f, "%s(sealed; cannot be opened: %s)\n", key,
			kith_strerror(v->why));
}

void cli_private_json(FILE *f, const struct cli_private_view *v)
{
	fputs(",\"private\":", f);
	if (v->state == CLI_PRIV_OPEN)
		cli_json_str(f, v->text);
	else
		fputs("null", f);
	fprintf(f, ",\"private_sealed\":%s",
		v->state == CLI_PRIV_SEALED ? "true" : "false");
}
