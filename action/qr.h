/*
 * qr.h - QR codes: an invite code or a web address as a square of dark
 * and light modules, for a terminal, a printed page and the web app.
 *
 * The matrix comes from libqrencode (QRcode_encodeString, error
 * correction level M, 8-bit mode, so any text encodes as its bytes); this
 * module is the only one that includes qrencode.h (tests/lint/layers.sh).
 * It adds the quiet zone, ACTION_QR_QUIET light modules on every side,
 * which scanners need to find the symbol: struct action_qr's width counts
 * it.  Three renderings of the same matrix:
 *
 *   text   for a terminal, two rows of modules per line with the UTF-8
 *          half blocks (U+2580 upper, U+2584 lower, U+2588 full, a space
 *          for two light modules).  Scanners read dark on light; a
 *          terminal's background may be either.  With colour, every line
 *          sets black on white first (SGR 30 and 47, then 107, bright
 *          white, where the terminal knows it) and resets at its end,
 *          so the code reads the same on a dark and on a light terminal.
 *          Without colour (output that is not a terminal: a file, a
 *          pipe) the blocks are the dark modules and the spaces the light
 *          ones: right on paper and on a light background.
 *   path   the d attribute of one SVG <path>: a rectangle per run of
 *          dark modules in a row, in module units ("M4 4h7v1h-7z..."),
 *          only the characters M h v z, digits and spaces: safe in any
 *          attribute without escaping.
 *   svg    a whole <svg> element (viewBox in modules, a white square, the
 *          path in black), colours as fill attributes, no style
 *          attribute (the web app's Content-Security-Policy forbids
 *          inline styles); its size is the page's CSS.
 *
 * What is encoded may be a secret (an invite code): action_qr_release
 * wipes the matrix before freeing it.  The caller owns struct action_qr.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_ACTION_QR_H
#define KITH_ACTION_QR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "action.h"

#define ACTION_QR_QUIET 4    /* light modules around the symbol */
#define ACTION_QR_TEXT_MAX 1024 /* bytes of text a code may carry */
#define ACTION_QR_URL_MAX 200	/* bytes of a web address on the sheet */

struct action_qr {
	int width;     /* modules per side, the quiet zone included */
	uint8_t *dark; /* width * width, row by row: 1 dark, 0 light */
};

/*
 * The QR code of text (NUL-terminated, 1..ACTION_QR_TEXT_MAX bytes) into
 * q.  KITH_EINVAL (empty or too long) or KITH_ENOMEM; q is then empty.
 */
__attribute__((warn_unused_result)) int action_qr_make(struct action_qr *q,
							const char *text);
/* Wipe and free the matrix; q may be released twice. */
void action_qr_release(struct action_qr *q);

/* Whether the module at column x, row y is dark (outside: light). */
int action_qr_dark(const struct action_qr *q, int x, int y);

/* The terminal rendering to f, colour or not (see above). */
void action_qr_text(const struct action_qr *q, FILE *f, int colour);

/* The path's d attribute: malloc'd, NUL-terminated; NULL when out of
 * memory. */
char *action_qr_path(const struct action_qr *q);

/* The whole <svg> element to f; 0 or KITH_ENOMEM. */
__attribute__((warn_unused_result)) int
action_qr_svg(const struct action_qr *q, FILE *f);

/*
 * A web address for the notice sheet's QR code, as typed: http:// or
 * https:// and a host, at most ACTION_QR_URL_MAX bytes of printable ASCII
 * without spaces.  KITH_EINVAL with a->msg.
 */
__attribute__((warn_unused_result)) int action_qr_url_check(struct action *a,
							     const char *url);

#endif
