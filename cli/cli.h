/*
 * cli.h - shared state and helpers of the kith command.
 *
 * One file per command group (identity.c, item.c, wish.c, replica.c),
 * dispatched from tables of {name, fn, usage, help} (main.c; a group's
 * subcommands by named index, cmds[CMD_ADD]); options parsed from tables
 * of fields (fields.h).  Conventions (docs/DESIGN.md s6): text for people,
 * --json for scripts; errors are one line on stderr starting "kith: "; exit
 * 0 ok, 1 failure, 2 usage error.
 *
 * Two kinds of numbers, never kept in one variable: an exit status
 * (CLI_OK, CLI_FAIL, CLI_USAGE; `status` in this folder), which the
 * functions here return unless they say otherwise, and a KITH_E* code
 * from the layers below (`err`), which cli_fail_action / cli_refused turn
 * into a message and a status.
 *
 * The clock can be pinned with KITH_NOW=<unix seconds> (tests and demos);
 * everything else uses the real clock and libsodium's randomness.
 */
#ifndef KITH_CLI_H
#define KITH_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "action/action.h"
#include "action/i18n.h"

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct cli {
	const char *home_arg;
	const char *as_arg; /* --as: a member hosted here (action/hosted.h) */
	int json;
	struct action a; /* the replica, identity and roles (action/action.h) */
};

struct cli_cmd {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	const char *usage; /* "item add --title T [...]" (not translated) */
	const char *help;  /* one line, N_("...") (shown translated) */
	int group;	   /* has subcommands: they answer --help */
};

/* Groups, defined in their files. */
int cli_init(struct cli *c, int argc, char **argv);
int cli_whoami(struct cli *c, int argc, char **argv);
int cli_community(struct cli *c, int argc, char **argv);
int cli_profile(struct cli *c, int argc, char **argv);
int cli_item(struct cli *c, int argc, char **argv);
int cli_wish(struct cli *c, int argc, char **argv);
int cli_members(struct cli *c, int argc, char **argv);
int cli_digest(struct cli *c, int argc, char **argv);
int cli_vector(struct cli *c, int argc, char **argv);
int cli_export(struct cli *c, int argc, char **argv);
int cli_import(struct cli *c, int argc, char **argv);
int cli_daemon(struct cli *c, int argc, char **argv);
int cli_web_open(struct cli *c, int argc, char **argv);
int cli_sync(struct cli *c, int argc, char **argv);
int cli_peers(struct cli *c, int argc, char **argv);
int cli_status(struct cli *c, int argc, char **argv);
int cli_roles(struct cli *c, int argc, char **argv);
int cli_role(struct cli *c, int argc, char **argv);
int cli_member(struct cli *c, int argc, char **argv);
int cli_member_host(struct cli *c, int argc, char **argv);
int cli_member_hosted(struct cli *c, int argc, char **argv);
int cli_member_pin(struct cli *c, int argc, char **argv);
int cli_device(struct cli *c, int argc, char **argv);
int cli_member_handover(struct cli *c, int argc, char **argv);
int cli_member_replace(struct cli *c, int argc, char **argv);
/* kith init --link CODE (cli/device.c). */
int cli_init_link(struct cli *c, const char *code);
int cli_hide(struct cli *c, int argc, char **argv);
int cli_unhide(struct cli *c, int argc, char **argv);
int cli_block(struct cli *c, int argc, char **argv);
int cli_unblock(struct cli *c, int argc, char **argv);
int cli_emergency(struct cli *c, int argc, char **argv);
int cli_checkin(struct cli *c, int argc, char **argv);
int cli_checkins(struct cli *c, int argc, char **argv);
int cli_inventory(struct cli *c, int argc, char **argv);
int cli_volunteers(struct cli *c, int argc, char **argv);
int cli_match(struct cli *c, int argc, char **argv);
int cli_hours(struct cli *c, int argc, char **argv);
/* kith status: loans due within 3 days or overdue where you borrow or
 * lend (cli/ops.c); text lines, or a JSON array with --json.  Needs
 * c->r.id loaded (prints nothing / [] without an identity). */
int cli_loans_due(struct cli *c);
int cli_print(struct cli *c, int argc, char **argv);
int cli_report(struct cli *c, int argc, char **argv);
int cli_version(struct cli *c, int argc, char **argv);
int cli_backup(struct cli *c, int argc, char **argv);
int cli_restore(struct cli *c, int argc, char **argv);

/* Dispatch argv[1] (argv[0] is the group name) through a table. */
int cli_dispatch(struct cli *c, const char *group, const struct cli_cmd *t,
		 size_t n, int argc, char **argv);
/* Print usage of a command (to stdout for --help, stderr otherwise). */
void cli_print_usage(FILE *f, const struct cli_cmd *cmd);
/* 1 if argv has -h/--help (before a "--"). */
int cli_wants_help(int argc, char **argv);

/* "kith: ..." on stderr; returns CLI_FAIL.  cli_fail and cli_usage
 * translate fmt themselves (action/i18n.h): pass the English literal, not
 * _("..."); `make pot` finds them by name. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "kith: ..." plus usage on stderr; returns CLI_USAGE. */
int cli_usage(const struct cli_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The usage error for what getopt_long returned ('?', ':' or 1). */
int cli_bad_option(const struct cli_cmd *cmd, char **argv, int ch);

/* Open the replica of the data directory, which must exist; with
 * need_identity, load the identity too and fail with advice when there is
 * none.  cli_open_flags: ACTION_* flags (action/action.h). */
int cli_open(struct cli *c, int need_identity);
int cli_open_flags(struct cli *c, int flags);
/* Print the message of a failed action (a->msg, sanitised: it may quote
 * names and titles) and return CLI_FAIL. */
int cli_fail_action(struct cli *c);
/* The same as a usage error (the synopsis of cmd, or of the command being
 * run, follows); returns CLI_USAGE. */
int cli_usage_action(struct cli *c, const struct cli_cmd *cmd);
/* An action's refusal err (a KITH_E* code): KITH_EINVAL (a value the
 * person gave is missing or malformed) as cli_usage_action, anything else
 * as cli_fail_action.  Returns the exit status. */
int cli_refused(struct cli *c, const struct cli_cmd *cmd, int err);
/* Say what happened, for people: fmt (already translated, _()) and its
 * arguments on stderr, ended by a newline unless fmt ends with one; nothing
 * with --json (stdout then holds the result). */
void cli_say(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A new record's full id on stdout, for scripts: bare, or {"id":"..."}
 * with --json. */
void cli_print_id(struct cli *c, const uint8_t id[CRDT_ID_LEN]);
void cli_close(struct cli *c);

/* Parsing of option values; 0 or -1 (message printed by caller).  Numbers
 * are strictly decimal: ASCII digits only (no sign, spaces, hex, octal,
 * exponent or trailing characters), checked for overflow. */
int cli_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int cli_parse_qty(const char *s, int64_t *out);
int cli_parse_date(const char *s, int64_t *out); /* end of that day */
void cli_format_date(char *out, size_t cap, int64_t t); /* YYYY-MM-DD */
/* t (unix seconds) in local time by strftime's fmt; "?" when it cannot. */
void cli_format_time(char *out, size_t cap, const char *fmt, int64_t t);

/* Output files (cli/outfile.c): see there for the rules. */
/* CLI_OK if path may be written by a command whose files start with magic
 * (how an earlier output is recognised); else CLI_FAIL, message printed. */
int cli_output_check(struct cli *c, const char *path, const void *magic,
		     size_t magic_len);
/* Errors of these (err): a negative KITH_E* or -errno. */
/* An empty 0600 temp file next to path (tmp: its name); 0 or an error. */
int cli_output_tmp(const char *path, char *tmp, size_t cap);
/* fsync tmp and rename it to path; tmp is removed on failure. */
int cli_output_place(const char *tmp, const char *path);
/* The file at path written by write_fn(ctx, tmp) into the temp file
 * tmp, then placed; tmp is removed when write_fn fails.  0 or an error
 * (write_fn's, or one of the above). */
int cli_output_with(const char *path,
		    int (*write_fn)(void *ctx, const char *tmp), void *ctx);
/* buf to path through a temp file and rename; 0 or an error. */
int cli_output_write(const char *path, const void *buf, size_t len);
/* Message for an error of the four above. */
const char *cli_output_strerror(int err);

/* s escaped for HTML text and attributes (& < > " ' and controls), as
 * the notice sheet writes it (cli/paper.c). */
void cli_html_text(FILE *f, const char *s);

/* QR codes (cli/qr.c, action/qr.h): text as a QR code on stdout (black on
 * white forced on a terminal), and the printable invite page at path
 * (0600, cli/outfile.c); CLI_OK or an exit status, message printed. */
int cli_qr_print(const char *text);
struct action_community;
int cli_qr_page(struct cli *c, const struct action_community *info,
		const char *code, const char *path);

/* Exactly one positional id argument. */
int cli_one_id_arg(const struct cli_cmd *cmd, int argc, char **argv,
		   const char **id);
/* cli_one_id_arg, then cli_open: CLI_OK or the exit status. */
int cli_id_open(struct cli *c, const struct cli_cmd *cmd, int argc,
		char **argv, int need_identity, const char **id);
/* The emergency banner (text mode, when emergency mode is on). */
void cli_banner(struct cli *c);

/* Output (cli/out.c).  Every text value from the replica that is printed
 * goes through one of these; never printf("%s") it directly. */
/* One UTF-8 sequence at s: its length (1..4) and code point, or 0 when the
 * byte at s does not start valid UTF-8. */
int cli_utf8_next(const char *s, uint32_t *cp);
/* Text for a terminal: controls, C1 and invalid UTF-8 replaced by U+FFFD,
 * a tab or newline by a space. */
void cli_txt_write(FILE *f, const char *s);
/* The same, but newlines are kept, each followed by indent. */
void cli_txt_write_ml(FILE *f, const char *s, const char *indent);
/* s sanitised as cli_txt_write into one of 8 rotating buffers, for printf
 * arguments ("" for NULL). */
const char *cli_txt(const char *s);
/* "LABEL        value" for show pages (nothing when v is empty); the value
 * may span lines, indented under itself. */
void cli_show_field(const char *label, const char *v);
/* JSON string, quoted; controls escaped, invalid UTF-8 as \ufffd. */
void cli_json_str(FILE *f, const char *s);
/* JSON text made by kith or SQLite, with invalid UTF-8 and C1 controls in
 * its strings escaped. */
void cli_json_raw(FILE *f, const char *json);
void cli_json_row(FILE *f, const struct crdt_row *r);
/* Collects rows into a JSON array on stdout. */
struct cli_json_list {
	int n;
};
int cli_json_list_row(void *ctx, const struct crdt_row *r);
/* The context of a callback that prints rows as a table: the command, the
 * rows printed so far (the header goes before the first), and the JSON
 * list for --json. */
struct cli_rows {
	struct cli *c;
	struct cli_json_list json;
	int n;
};
const char *cli_col_text(const struct crdt_row *r, const char *name);
int64_t cli_col_int(const struct crdt_row *r, const char *name);
void cli_short_id(char *out, const char *hex); /* first 8 chars */
/* s in exactly width terminal columns (CJK wide: 2), cut with "…" when
 * longer, then sep; sanitised as cli_txt. */
void cli_cell(const char *s, int width, const char *sep);
/* The same, right-aligned (numbers and their headers). */
void cli_cell_right(const char *s, int width, const char *sep);
/* Terminal columns of s as cli_txt would print it (CJK wide: 2). */
int cli_width(const char *s);

/* Secrets a person types (cli/secret.c): passphrases, PINs.  Never from
 * the command line.  When standard input is a terminal, prompt on the
 * terminal and read there with echo off; else the first line of standard
 * input.  out (cap bytes) gets it NUL-terminated, without the line break;
 * the caller wipes it.  CLI_OK, or CLI_FAIL with the message printed
 * (nothing typed, longer than cap - 2 bytes, no terminal to read). */
int cli_read_secret(const char *prompt, char *out, size_t cap);
/* 1 when secrets come from a person at a terminal (so a new one is asked
 * for twice), 0 when from standard input. */
int cli_secret_tty(void);

/* strerror(e), lowercased as kith's messages are (cli/outfile.c); a
 * static buffer. */
const char *cli_oserr(int e);

#endif
