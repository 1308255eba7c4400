/*
 * qr.c - QR codes on the command line: an invite code in the terminal
 * (`kith community invite --qr`) and on a printable page
 * (`--qr-page FILE`), made by action/qr.h.
 *
 * The page is one self-contained HTML file like the notice sheet (inline
 * CSS, no scripts, no external resources, large type, black on white,
 * A4): the community's name, the QR code as SVG, the code as text in
 * groups of four (the decoder ignores the spaces), and two plain
 * sentences for a resident, in the reader's language.  The code is a
 * secret: the file is written 0600 through cli/outfile.c, and the page
 * says to hand it over in person.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action/community.h"
#include "action/qr.h"
#include "cli.h"
#include "crdt/crypto.h"
#include "crdt/err.h"

int cli_qr_print(const char *text)
{
	struct action_qr q;
	int err = action_qr_make(&q, text);

	if (err)
		return cli_fail("cannot make a QR code: %s", kith_strerror(err));
	/* black on white forced on a terminal; plain blocks elsewhere */
	action_qr_text(&q, stdout, isatty(STDOUT_FILENO));
	action_qr_release(&q);
	return CLI_OK;
}

static const char page_css[] =
	"@page{size:A4;margin:15mm}"
	"html{background:#fff}"
	"body{margin:0 auto;max-width:180mm;padding:10mm;color:#000;"
	"background:#fff;font-family:'DejaVu Sans',Verdana,'Liberation Sans',"
	"Arial,sans-serif;font-size:18pt;line-height:1.35;text-align:center;"
	"-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"@media print{body{padding:0}}"
	"h1{font-size:30pt;line-height:1.15;margin:0 0 8pt}"
	".lead{font-size:22pt;font-weight:bold;margin:0 0 10pt}"
	"svg.qr{display:block;width:120mm;max-width:100%;height:auto;"
	"margin:0 auto 10pt}"
	".code{font-family:'DejaVu Sans Mono','Liberation Mono',monospace;"
	"font-size:17pt;font-weight:bold;word-spacing:6pt;"
	"border:2pt solid #000;padding:6pt 8pt;margin:0 0 10pt}"
	".small{font-size:14pt}";

/* the code in groups of four after its "kith1", for typing (the decoder
 * skips spaces) */
static void grouped(FILE *f, const char *code)
{
	char g[PEER_INVITE_MAX * 2];

	action_invite_grouped(code, g, sizeof g);
	cli_html_text(f, g);
	crdt_wipe(g, sizeof g);
}

/* the page into f (a memory stream): 0 or KITH_ENOMEM */
static int page(FILE *f, const struct action_community *info,
		const char *code, const struct action_qr *q)
{
	char line[512];
	const char *name = *info->name ? info->name : _("Our neighbourhood");

	/* TRANSLATORS: the language code of this translation (HTML lang) */
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta "
		   "charset=\"utf-8\">\n<meta name=\"viewport\" "
		   "content=\"width=device-width, initial-scale=1\">\n<title>",
		_("en"));
	/* TRANSLATORS: the title of the printed invite page; %s is the
	 * community's name */
	snprintf(line, sizeof line, _("Join %s on kith"), name);
	cli_html_text(f, line);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>",
		page_css);
	cli_html_text(f, line);
	fputs("</h1>\n<p class=\"lead\">", f);
	cli_html_text(f, _("Scan with your phone's camera, or type this code "
			   "into kith."));
	fputs("</p>\n", f);
	if (action_qr_svg(q, f))
		return KITH_ENOMEM;
	fputs("\n<p class=\"code\">", f);
	grouped(f, code);
	fputs("</p>\n<p>", f);
	cli_html_text(f, _("On a computer: run 'kith community join' and type "
			   "the code when it asks. Spaces do not matter."));
	fputs("</p>\n", f);
	if (*info->id) {
		fputs("<p class=\"small\">", f);
		/* TRANSLATORS: %s is the start of the community's id */
		snprintf(line, sizeof line,
			 _("Community id %s: after joining, 'kith digest' "
			   "shows the same."),
			 info->id);
		cli_html_text(f, line);
		fputs("</p>\n", f);
	}
	fputs("<p class=\"small\"><b>", f);
	cli_html_text(f, _("Keep this page private. Anyone holding this code "
			   "can read and post in the community: give it to "
			   "neighbours in person."));
	fputs("</b></p>\n</body>\n</html>\n", f);
	return 0;
}

int cli_qr_page(struct cli *c, const struct action_community *info,
		const char *code, const char *path)
{
	static const char magic[] = "<!DOCTYPE html>";
	struct action_qr q;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err, status = CLI_OK;

	if (cli_output_check(c, path, magic, sizeof magic - 1))
		return CLI_FAIL;
	err = action_qr_make(&q, code);
	if (err)
		return cli_fail("cannot make a QR code: %s", kith_strerror(err));
	f = open_memstream(&buf, &len);
	if (!f) {
		status = cli_fail("cannot write '%s': %s", path,
				  cli_oserr(errno));
		goto out;
	}
	err = page(f, info, code, &q);
	if (fclose(f) && !err)
		err = KITH_ENOMEM;
	if (!err)
		err = cli_output_write(path, buf, len);
	if (err)
		status = cli_fail("cannot write '%s': %s", path,
				  cli_output_strerror(err));
out:
	if (buf) {
		crdt_wipe(buf, len); /* it holds the code */
		free(buf);
	}
	action_qr_release(&q);
	return status;
}
