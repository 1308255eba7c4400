/*
 * qr.c - QR codes with libqrencode, rendered for a terminal and as SVG
 * (see qr.h).
 */
#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "action/i18n.h"
#include "action/qr.h"
#include "crdt/crypto.h"
#include "crdt/err.h"

int action_qr_make(struct action_qr *q, const char *text)
{
	QRcode *code;
	size_t len = text ? strlen(text) : 0;
	int w, x, y;

	q->width = 0;
	q->dark = NULL;
	if (!len || len > ACTION_QR_TEXT_MAX)
		return KITH_EINVAL;
	/* version 0: the smallest that holds it; case-sensitive 8-bit */
	code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!code)
		return errno == ERANGE || errno == EINVAL ? KITH_EINVAL
							  : KITH_ENOMEM;
	w = code->width + 2 * ACTION_QR_QUIET;
	q->dark = calloc((size_t)w * (size_t)w, 1);
	if (!q->dark) {
		crdt_wipe(code->data, (size_t)code->width * (size_t)code->width);
		QRcode_free(code);
		return KITH_ENOMEM;
	}
	q->width = w;
	/* bit 0 of each byte is the module's colour (qrencode.h) */
	for (y = 0; y < code->width; y++)
		for (x = 0; x < code->width; x++)
			q->dark[(size_t)(y + ACTION_QR_QUIET) * (size_t)w +
				(size_t)(x + ACTION_QR_QUIET)] =
				code->data[y * code->width + x] & 1;
	crdt_wipe(code->data, (size_t)code->width * (size_t)code->width);
	QRcode_free(code);
	return 0;
}

void action_qr_release(struct action_qr *q)
{
	if (q->dark)
		crdt_wipe(q->dark, (size_t)q->width * (size_t)q->width);
	free(q->dark);
	q->dark = NULL;
	q->width = 0;
}

int action_qr_dark(const struct action_qr *q, int x, int y)
{
	if (!q->dark || x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->dark[(size_t)y * (size_t)q->width + (size_t)x];
}

void action_qr_text(const struct action_qr *q, FILE *f, int colour)
{
	/* indexed by top + 2 * bottom */
	static const char *const cell[4] = {
		" ", "\xe2\x96\x80", "\xe2\x96\x84", "\xe2\x96\x88"
	};
	int x, y;

	for (y = 0; y < q->width; y += 2) {
		if (colour)
			fputs("\033[30;47;107m", f);
		for (x = 0; x < q->width; x++)
			fputs(cell[action_qr_dark(q, x, y) +
				   2 * action_qr_dark(q, x, y + 1)],
			      f);
		if (colour)
			fputs("\033[0m", f);
		fputc('\n', f);
	}
}

char *action_qr_path(const struct action_qr *q)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *sep = "";
	int x, y, run;

	if (!f)
		return NULL;
	for (y = 0; y < q->width; y++) {
		for (x = 0; x < q->width; x += run ? run : 1) {
			for (run = 0; action_qr_dark(q, x + run, y); run++)
				;
			if (!run)
				continue;
			fprintf(f, "%sM%d %dh%dv1h-%dz", sep, x, y, run, run);
			sep = " ";
		}
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int action_qr_svg(const struct action_qr *q, FILE *f)
{
	char *d = action_qr_path(q);

	if (!d)
		return KITH_ENOMEM;
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" "
		"viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\" "
		"aria-hidden=\"true\">"
		"<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
		"<path fill=\"#000\" d=\"%s\"/></svg>",
		q->width, q->width, q->width, q->width, d);
	free(d);
	return 0;
}

int action_qr_url_check(struct action *a, const char *url)
{
	const char *host, *p;

	if (strlen(url) > ACTION_QR_URL_MAX)
		return action_fail(a, KITH_EINVAL,
				   _("that web address is too long (at most "
				     "%d characters)"),
				   ACTION_QR_URL_MAX);
	for (p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return action_fail(a, KITH_EINVAL, "%s",
					   _("a web address has no spaces and "
					     "only plain letters, digits and "
					     "signs"));
	if (!strncasecmp(url, "http://", 7))
		host = url + 7;
	else if (!strncasecmp(url, "https://", 8))
		host = url + 8;
	else
		return action_fail(a, KITH_EINVAL,
				   _("'%s' is not a web address: it starts "
				     "with http:// or https://, as in "
				     "http://192.168.1.20:7474"),
				   url);
	if (!*host || *host == '/')
		return action_fail(a, KITH_EINVAL,
				   _("'%s' names no machine: write its address "
				     "after http://, as in "
				     "http://192.168.1.20:7474"),
				   url);
	return 0;
}
