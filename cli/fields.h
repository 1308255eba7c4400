/*
 * fields.h - a command's options from one table, and the fields of the
 * posts a person writes (item add|edit, wish add|edit).
 *
 * A table lists each option once: its name, whether it takes a value,
 * the member of the caller's struct it sets (offsetof) and the function
 * that checks the value and sets it.  cli_fields_parse runs getopt_long
 * over such a table, so every command parses, checks and refuses its
 * options the same way, and the options item and wish share (title,
 * kind, category, qty, location, description) are spelled, checked and
 * refused the same way in both: cli_item_fields and cli_wish_fields below,
 * side by side.
 *
 * Rules of the parse:
 *   - Options come in any order; a value refused ends the parse at once
 *     with its usage error (CLI_USAGE, message printed), before later
 *     options are looked at.  An option given twice: the last one counts
 *     (--private-to adds a reader each time).
 *   - maxpos >= 0: positional arguments may stand between the options
 *     (getopt's "-"), up to maxpos of them, kept in order in args->pos;
 *     one more is "unexpected argument".  After "--" getopt stops.
 *     With need, fewer than maxpos is that usage error, once every
 *     option has been read.
 *   - CLI_OPTS_ONLY: options only; they end at the first other word
 *     (getopt's "+"), which is an "unexpected argument".
 *   - The caller initialises the struct; the parse only sets the members
 *     of the options given.  cmd NULL: usage errors show the synopsis of
 *     the command being run (cli_usage).
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_CLI_FIELDS_H
#define KITH_CLI_FIELDS_H

#include <getopt.h>
#include <stddef.h>

#include "cli.h"

#define CLI_FIELDS_MAX 16 /* options in one table */
#define CLI_ARGS_MAX 3	  /* positional arguments a command takes */
#define CLI_OPTS_ONLY (-1)

struct cli_field;

/* Check value (NULL for a flag) and set *member; 0, or an exit code with
 * the message printed. */
typedef int cli_field_set_fn(const struct cli_cmd *cmd,
			     const struct cli_field *f, const char *value,
			     void *member);

struct cli_field {
	const char *name; /* the long option, without "--" */
	/* required_argument, or no_argument for a flag (the flags of one
	 * table start with different letters: fields.c) */
	int has_arg;
	size_t off;	  /* offsetof the member it sets */
	cli_field_set_fn *set;
	/* the usage error of a refused value, N_(): its one %s is the
	 * value (NULL for cli_field_nonempty: "--NAME cannot be empty") */
	const char *bad;
	const char *const *words; /* cli_field_enum, cli_field_word */
	int nwords;
};

/* Table entries: an option with a value (bad: NULL, or its usage error),
 * one whose value is one of words, a flag. */
#define CLI_OPT(name, off, set, bad)                                         \
	{ name, required_argument, off, set, bad, NULL, 0 }
#define CLI_OPT_WORDS(name, off, set, bad, words, nwords)                    \
	{ name, required_argument, off, set, bad, words, nwords }
#define CLI_OPT_FLAG(name, off)                                              \
	{ name, no_argument, off, cli_field_flag, NULL, NULL, 0 }

struct cli_fields {
	const struct cli_field *f;
	size_t n;
	int maxpos; /* positional arguments taken, or CLI_OPTS_ONLY */
	/* N_(): the usage error when fewer than maxpos are given (NULL:
	 * they may be left out) */
	const char *need;
};

struct cli_args {
	const char *pos[CLI_ARGS_MAX]; /* in order; NULL: not given */
	int npos;
	int nopts; /* options given */
};

/* Parse argv (argv[0]: the command's name) into the struct at dst; 0 or
 * an exit code (CLI_USAGE), message printed. */
__attribute__((warn_unused_result)) int
cli_fields_parse(const struct cli_cmd *cmd, const struct cli_fields *t,
		 int argc, char **argv, void *dst, struct cli_args *args);

/* cli_fields_parse, then cli_open: CLI_OK or the exit status. */
__attribute__((warn_unused_result)) int
cli_fields_open(struct cli *c, const struct cli_cmd *cmd,
		const struct cli_fields *t, int argc, char **argv, void *dst,
		struct cli_args *args, int need_identity);

/* Setters.  The member each one sets: */
cli_field_set_fn cli_field_text;     /* const char *: the value as given */
cli_field_set_fn cli_field_nonempty; /* const char *: "" refused */
cli_field_set_fn cli_field_flag;     /* int: 1 (a flag: no value) */
cli_field_set_fn cli_field_qty;	     /* int64_t: cli_parse_qty */
cli_field_set_fn cli_field_date;     /* int64_t: cli_parse_date */
cli_field_set_fn cli_field_enum;     /* int: the value's index in words */
cli_field_set_fn cli_field_word;     /* const char *: one of words */
cli_field_set_fn cli_field_private;  /* struct action_private: its text */
/* struct action_private: one more reader (cli_private_add_to) */
cli_field_set_fn cli_field_private_to;
cli_field_set_fn cli_field_refused; /* none: the option is bad here */

/* The options of item add and item edit (struct action_item_fields;
 * their values are checked again by action_item_check) and of wish add
 * and wish edit (struct action_wish_fields, initialised with
 * action_wish_fields_init): "-" parsing, one positional argument. */
extern const struct cli_fields cli_item_fields;
extern const struct cli_fields cli_wish_fields;

#endif
