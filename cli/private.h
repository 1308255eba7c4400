/*
 * private.h - private parts of wishes and profiles on the command line:
 * the --private TEXT and --private-to MEMBER options of `wish add`, `wish
 * edit` and `profile`, re-sealing on `wish accept`, and showing a private
 * part to those who can open it (crdt/seal.h has the envelope).
 *
 * Who can read a private part: its author, every member who is a
 * coordinator when it is sealed, each member named with --private-to and,
 * for a wish, its accepted helper (added when the author accepts a claim).
 * A new --private text goes to exactly these readers; the earlier text
 * stays readable to its own readers (the log keeps every version).
 * Accepting a claim re-seals the same text to its readers so far plus the
 * helper (they hold the old envelope anyway, so nobody is dropped).
 * `wish confirm` on a wish with one unaccepted claim accepts it implicitly
 * but does not re-seal: by then the help has been given.
 *
 * --private "" (edit, profile) removes the private part from now on.
 */
#ifndef KITH_CLI_PRIVATE_H
#define KITH_CLI_PRIVATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "crdt/seal.h"

struct cli_private {
	const char *text; /* --private, or NULL when not given */
	const char *to[CRDT_SEAL_MAX_RECIPIENTS]; /* --private-to, as given */
	int nto;
};

/* Record one --private-to value; 0 or a usage error when there are too
 * many. */
int cli_private_add_to(const struct cli_cmd *cmd, struct cli_private *p,
		       const char *member);
/* After parsing: --private-to needs a non-empty --private.  0 or
 * CLI_USAGE. */
int cli_private_check(const struct cli_cmd *cmd, const struct cli_private *p);

/*
 * Seal p->text (non-empty) from us to ourselves, the current coordinators,
 * the --private-to members and helper (a member key, or NULL) into out
 * (CRDT_SEAL_MAX bytes), *len its size.  Needs cli_open(c, 1).  0 or
 * CLI_FAIL (the message printed: unknown member, too long, ...).
 */
int cli_private_seal(struct cli *c, const struct cli_private *p,
		     const uint8_t *helper, uint8_t *out, size_t *len);

/*
 * Re-seal the private part of our own record (CRDT_R_WISH id, or
 * CRDT_R_MEMBER) to its readers so far, the current coordinators and add
 * (a member key) into out (CRDT_SEAL_MAX bytes).  *len = 0 when the record
 * has no private part.  0 or CLI_FAIL (message printed).
 */
int cli_private_reseal(struct cli *c, int rtype, const uint8_t *id,
		       const uint8_t add[CRDT_PK_LEN], uint8_t *out,
		       size_t *len);

/* A private part as this member sees it. */
enum { CLI_PRIV_NONE, CLI_PRIV_OPEN, CLI_PRIV_SEALED };
struct cli_private_view {
	int state;
	size_t readers; /* recipients of the envelope */
	int why;	/* SEALED: KITH_EDENIED, or why it did not open */
	char text[CRDT_SEAL_MAX + 1];
};

/*
 * Read the private part of record (rtype, id) written by author and open it
 * with our identity if we have one (loaded here, quietly, when cli_open
 * was called without).  Call cli_private_view_wipe afterwards.  0 or
 * CLI_FAIL (message printed).
 */
int cli_private_read(struct cli *c, int rtype, const uint8_t *id,
		     const uint8_t author[CRDT_PK_LEN],
		     struct cli_private_view *v);
void cli_private_view_wipe(struct cli_private_view *v);

/* Text: "private:    TEXT" or "(sealed for N members)"; key is the label
 * already padded as the command's other lines are.  Nothing for NONE. */
void cli_private_print(FILE *f, const char *key,
		       const struct cli_private_view *v);
/* JSON: ,"private":TEXT|null,"private_sealed":true|false (to be placed
 * inside an object). */
void cli_private_json(FILE *f, const struct cli_private_view *v);

#endif
