/*
 * private.h - the --private TEXT and --private-to MEMBER options of `wish
 * add`, `wish edit` and `profile`, and showing a private part (who reads
 * it and how it is sealed: action/private.h).
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_CLI_PRIVATE_H
#define KITH_CLI_PRIVATE_H

#include <stdio.h>

#include "action/private.h"
#include "cli.h"

/* Record one --private-to value; 0 or a usage error when there are too
 * many. */
int cli_private_add_to(const struct cli_cmd *cmd, struct action_private *p,
		       const char *member);
/* After parsing: --private-to needs a non-empty --private.  0 or
 * CLI_USAGE. */
int cli_private_check(const struct cli_cmd *cmd,
		      const struct action_private *p);

/* Text: "private:    TEXT" or "(sealed for N members)"; key is the label
 * already padded as the command's other lines are.  Nothing for NONE. */
void cli_private_print(FILE *f, const char *key,
		       const struct action_private_view *v);
/* JSON: ,"private":TEXT|null,"private_sealed":true|false (to be placed
 * inside an object). */
void cli_private_json(FILE *f, const struct action_private_view *v);

#endif
