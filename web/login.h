/*
 * login.h - the server's own routes (web/server.h lists what they do):
 *
 *   GET  /healthz   200 "ok", no login
 *   GET  /login     redeem a one-time token (?token=T) for a session
 *                   (from this machine only: web_request_local; never in
 *                   kiosk mode); without one, the PIN form when some
 *                   member has a PIN here (?idle=1: after kiosk mode's
 *                   reload, it says why the person was logged out)
 *   POST /login     member and pin: a session (web/login_pin.c)
 *   GET  /logout    a small page with the logout form (needs login)
 *   POST /logout    end the session
 *
 * The messages are whole sentences through gettext; the refusals are
 * the error pages of web_server_cfg.error_page (web_reply_error).  The /logout page is
 * HTML written through web/html.h (its page shell, escaped by context) in
 * the language the browser's Accept-Language chooses (web/lang.h).
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_WEB_LOGIN_H
#define KITH_WEB_LOGIN_H

#include <stddef.h>

#include "server.h"

extern const struct web_route web_login_routes[];
extern const size_t web_login_nroutes;

/* PIN login (web/login_pin.c): whether some member has a PIN here; the
 * form (GET /login without a token); POST /login. */
int web_login_pin_possible(struct web_request *rq);
__attribute__((warn_unused_result)) int
web_login_pin_form(struct web_request *rq, struct web_reply *rp);
__attribute__((warn_unused_result)) int
web_login_pin_post(struct web_request *rq, struct web_reply *rp);

/* "This page opens only for a member who has logged in ...", translated. */
const char *web_not_logged_in(void);
/* "This login link is not valid: ...", translated. */
const char *web_link_refused(void);
/* "On this shared computer, everyone logs in with their name and PIN
 * ...", translated (a login link in kiosk mode). */
const char *web_kiosk_link_refused(void);
/* How to come back, in a resident's words ("open kith again from the link
 * or the icon you were given ..."), and one line for the technical ("On
 * this computer: kith open"), translated. */
const char *web_come_back(void);
const char *web_come_back_tech(void);
/* Both as two paragraphs, the second smaller (class "hint tech"). */
struct web_buf;
void web_come_back_html(struct web_buf *b);

#endif
