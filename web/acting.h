/*
 * acting.h - acting for a neighbour without a device in the web app
 * (action/hosted.h: hosted members): the login session's choice, applied
 * to every page, and the banner that says so.
 *
 * A session chooses a member this machine hosts on GET /for
 * (web/page_for.c); the choice is their public key, kept in the session
 * (web/auth.h: struct web_session.acting), never in the browser.  Every
 * page of the route table runs through web_acting_run (pages.c wraps each
 * one): before the page the daemon's struct action acts as her
 * (action_act_as_pk), after it as itself again (action_act_self).  So
 * every page - home and what waits there, wishes, items, check-in,
 * confirm with hours - reads "mine" as hers and writes her changes,
 * signed with her key and entered by the host; and between requests,
 * and for every other session, the daemon is itself.  The pages of /for
 * are the host's own and run as the host.
 *
 * A choice that no longer opens (her key was removed from this machine,
 * or does not open under ours): it is dropped, the session acts as
 * itself, and the next page says so once (web_session.lost); a POST is
 * then not run at all (303 to /for): nothing meant for her is done as
 * the host.
 *
 * While a session acts for someone, every page with the shell opens with
 * a banner above everything (web_acting_banner: "You are acting for Mrs
 * Okafor ..." and a button back to oneself, posting do=self to /for) and
 * its footer says it too (pages.c).
 *
 * A hosted neighbour who logged in with her own PIN (web/login_pin.c)
 * has a fixed session: every page runs as her the same way, but nothing
 * says "acting for" (she is herself), the pages of /for are closed to it
 * (403), and when her key no longer opens the session ends (403, log in
 * again) - it never falls back to the host.
 *
 * Pages run on the loop thread one at a time (web/pages.h), so one struct
 * action serves them all.
 */
#ifndef KITH_WEB_ACTING_H
#define KITH_WEB_ACTING_H

#include "action/action.h"
#include "action/names.h"
#include "web/html.h"
#include "web/server.h"

typedef int (*web_page_fn)(struct web_request *rq, struct web_reply *rp);

/* Run page fn for rq as the neighbour its session acts for (or as
 * ourselves), and act as ourselves again after.  fn's return. */
__attribute__((warn_unused_result)) int
web_acting_run(struct web_request *rq, struct web_reply *rp, web_page_fn fn);

/* 1 when rq's session acts for someone: who gets them (as this replica
 * names them); else 0 (also for a fixed session: she is herself). */
int web_acting_who(struct web_request *rq, struct action_person *who);

/* The public key of the person at the keyboard: ours, also while the
 * action acts for a hosted member. */
const uint8_t *web_acting_host_pk(const struct action *a);

/* The banner (web_page.top): ctx is the page's struct web_ui, whose
 * acting and acting_for say for whom. */
void web_acting_banner(struct web_buf *b, void *ctx);

#endif
