/*
 * pages.h - the web app's pages: the route table the daemon serves
 * (web_server_cfg.routes), and what every page shares.
 *
 * Every page needs login and calls the action layer (action/) for all it
 * reads and writes; web_request.app is the daemon's struct action, opened
 * with its identity.  Pages run on the loop thread, one at a time, so a
 * page may switch the language gettext speaks (web/lang.h) for its
 * request and gives it back at the end.
 *
 *   GET  /                  home: the emergency banner with a one-button
 *                           check-in, what waits for me, the most urgent
 *                           open wishes (web/page_home.c)
 *   POST /checkin           status=safe|help: check in for myself
 *   GET  /wishes            open wishes by title; ?q= searches
 *   GET  /wishes/new        the form of a new wish
 *   POST /wishes            title, urgency, kind, for, description
 *   GET  /wishes/ID         one wish (ID as typed: a short id), its
 *                           offers and the buttons for them
 *   POST /wishes/claim      wish=ID: offer help
 *   POST /wishes/accept     offer=ID: accept an offer on my wish
 *   POST /wishes/deliver    offer=ID: say I did what I offered
 *   POST /wishes/confirm    wish=ID, hours (optional, e.g. 1.5): my wish
 *                           was fulfilled (web/page_wish.c)
 *   GET  /items             items; ?q= searches
 *   GET  /items/new         the form of a new item
 *   POST /items             title, kind, quantity, description
 *                           (web/page_item.c)
 *   GET  /members           members by building: marks (verified in
 *                           person, coordinator, building head,
 *                           volunteer), skills, hours; ?q= searches,
 *                           ?from=N the next page of them
 *   GET  /members/ID        one member (ID: a short id or a name), their
 *                           profile and hours of help, who replaced their
 *                           key and when; for a coordinator, the form
 *                           replacing it; ?done=replaced
 *   POST /members/replace   member=HEX, key: 303 to GET /members/replace
 *                           ?member=HEX&key=KEY, "Replace the key of
 *                           NAME?" (changes nothing; 403 unless a
 *                           coordinator); with do=confirm
 *                           action_member_replace, 303 to
 *                           /members/SHORT?done=replaced
 *                           (web/page_replace.c)
 *   GET  /me                my profile's form
 *   POST /me                name, building, unit, skills, available
 *                           (web/page_member.c)
 *   GET  /join              the community I am in, or the invite-code
 *                           form when a->joined is 0
 *   POST /join              code: join the community (web/page_join.c)
 *   GET  /settings          the person's preferences: language
 *                           (automatic, English, Simplified Chinese) and
 *                           easy mode, kept in the kith_prefs cookie
 *   POST /settings          lang=auto|en|zh_CN, easy=1 (absent: off);
 *                           303 to /settings?done=saved
 *                           (web/page_settings.c)
 *   GET  /coord             the coordinator's hub: emergency mode, links,
 *                           members to verify, roles, posts to hide
 *   POST /coord/verify      member (hex id), building, unit,
 *                           do=verify|unverify
 *   POST /coord/role        member, role (coordinator|building-head),
 *                           building, do=grant|revoke
 *   POST /coord/emergency   do=start (reason) | end
 *   POST /coord/hide        post (hex id), reason, do=hide|unhide
 *                           (web/page_coord.c)
 *   GET  /coord/roll        the roll call by building; ?building=
 *                           (web/page_roll.c)
 *   GET  /coord/inventory   supplies by building and in total, and the
 *                           most urgent wishes matched (web/page_needs.c)
 *   GET  /coord/sheet       the notice sheet, printable; ?url=ADDR adds
 *                           a QR code of the building machine's web
 *                           address (else the address the browser used,
 *                           when it is not loopback)
 *   GET  /coord/csv/NAME    a report table as a CSV download: items,
 *                           wishes, claims, checkins, hours
 *                           (web/page_sheet.c)
 *   GET  /coord/invite      the invite code as a QR code and as text, to
 *                           show a neighbour or print (web/page_invite.c)
 *                           All of /coord: coordinators only (else the
 *                           action layer's sentence, 403; a POST's
 *                           refusal 422).
 *                           and location; 303 to the new item's page
 *   GET  /items/ID          one item (ID: a short id), who has it, the
 *                           requests waiting, and the buttons for them
 *   GET  /items/edit        ?item=ID: the form changing my item
 *   POST /items/edit        item, title, kind, quantity, location,
 *                           description (page_item.c)
 *   POST /items/request     item, note (optional): ask for it
 *   POST /items/lend        item, to (a member), days (0 or empty: no
 *                           return date; at most 365): lend my item
 *   POST /items/give        item, to: give my item away (one of several)
 *   POST /items/return      item: my lent item came back
 *   POST /items/renew       item: keep my item listed
 *   POST /items/withdraw    item: take my item off the lists for good
 *                           (web/page_item_one.c)
 *   GET  /for               "Neighbours I help": the members this
 *                           machine hosts (neighbours without a device),
 *                           a button to act for each and one to act as
 *                           oneself, and the form adding one
 *   POST /for               member=HEX (their public key): act for them
 *                           in this login session from now on (303 to
 *                           /); do=self: act as oneself again (303 to
 *                           /for?done=self)
 *   POST /for/host          name, building, unit: host a new neighbour
 *                           (303 to /for?done=hosted&who=HEX)
 *   POST /for/handover      member=HEX: "Hand them over to their own
 *                           phone?" (changes nothing); with sure=1 hand
 *                           them over (action_member_handover: this
 *                           machine forgets their key), the link code of
 *                           their key kept in the session once (web/auth.h),
 *                           303 to GET /for/handover
 *   GET  /for/handover      that code, once, as a QR code and as text,
 *                           with the steps on their device
 *                           (web/page_for.c).  Every other page runs as
 *                           the neighbour the session acts for, with a
 *                           banner saying so (web/acting.h); /for runs
 *                           as oneself
 *   GET  /devices           "Your devices": the member key and the
 *                           devices linked to it, when each last wrote;
 *                           ?done=removed
 *   POST /devices/add       link a new device (action_device_add): its
 *                           code kept in the session once, 303 to
 *                           GET /devices/new, which shows it as a QR code
 *                           and as text with the steps on the new device
 *   POST /devices/remove    key=HEX: "Remove this device?" (changes
 *                           nothing); with sure=1 remove it, 303 to
 *                           /devices?done=removed (web/page_device.c).
 *                           The POSTs are 403 to a neighbour logged in
 *                           with her own PIN; linking or removing while
 *                           acting for someone, or on a linked device, is
 *                           the action layer's refusal (422)
 *   GET  /static/NAME       the compiled-in files (web/static.h), no login
 * Every POST carries csrf (checked by the server) and is answered with a
 * 303 to a page that says what happened (?done=WORD: a fixed word the page
 * turns into a sentence; no text from the request is echoed).  A refusal
 * of the action layer re-shows the form or page with its message (a->msg)
 * and the values given, with status 422.
 *
 * Kiosk mode (`kith daemon --kiosk`, web/server.h): easy mode is on for
 * everyone (the settings page says so instead of offering it), every
 * page opens with the banner "Shared computer: you will be logged out
 * after one minute without use" and a big Log out button, and reloads
 * to /login?idle=1 a moment after its session has ended (a GET that
 * changes nothing: the server ended the session already).  No redirect,
 * and no link on /me, puts the name or id of the person logged in into
 * an address, so the browser's history shows what was looked at (a
 * wish's, an item's or a member's id, a search), not who logged in.
 *
 * The page shell (web/html.h) carries the community's name, the nav
 * (Home, Wishes, Items, Members, Settings, and Coordinate for a
 * coordinator), a footer that says who is logged in where (and for whom
 * they act), with Neighbours I help, Settings and Log out, and the language: the kith_prefs cookie's, else the one
 * Accept-Language chooses (web/lang.h).  Refusals are pages too
 * (web_page_error: 403, 404, 405, 413, 500 ... in the same language).
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_WEB_PAGES_H
#define KITH_WEB_PAGES_H

#include <stddef.h>

#include "action/action.h"
#include "action/community.h"
#include "action/names.h"
#include "web/html.h"
#include "web/server.h"

extern const struct web_route web_pages_routes[];
extern const size_t web_pages_nroutes;

/* 422: a form or an action refused, shown again with the reason. */
#define WEB_UNPROCESSABLE 422

/* The nav's links at most: Home, Wishes, Items, Members, Settings,
 * Coordinate. */
#define WEB_UI_NAV 6
/* Kiosk mode: a page reloads a moment after its session has ended, the
 * kiosk's idle seconds and this many more (web/auth.h: a session is over
 * once more than its idle whole seconds have passed) */
#define WEB_KIOSK_RELOAD_AFTER_S 2
#define WEB_KIOSK_RELOAD_TO "/login?idle=1"

/* One page being rendered. */
struct web_ui {
	struct web_request *rq;
	struct action *a;
	struct web_buf b;
	struct web_page page;
	struct action_community com; /* com.name "" when not joined */
	struct web_nav_link nav[WEB_UI_NAV];
	struct web_nav_link links[3]; /* the footer's */
	char footer[3 * ACTION_PERSON_MAX];
	int lang_used;
	/* The person's preferences (web/lang.h, kith_prefs; GET /settings).
	 * easy: easy mode for elders - <body class="easy"> makes buttons and
	 * type bigger (kith.css); a page shows fewer choices in it: leave
	 * secondary choices out when u->easy, or mark them class="more"
	 * (kith.css hides those in easy mode).  The one thing to do on a
	 * page, its main button, always stays. */
	struct web_prefs prefs;
	int easy;
	/* kiosk mode (web/server.h: a shared computer): easy is always on,
	 * every page starts with the banner "Shared computer ..." and a Log
	 * out button, and reloads to /login?idle=1 (WEB_KIOSK_RELOAD_AFTER_S
	 * after its idle seconds) once its session has ended; forms that
	 * hold names say autocomplete="off" (web_ui_autocomplete).  0, or
	 * the kiosk's idle seconds */
	int kiosk;
	enum web_lang lang;  /* the language the page speaks */
	int coordinator;     /* the acting identity is a coordinator now
			      * (the nav's "Coordinate") */
	/* the session acts for a hosted neighbour (web/acting.h): the
	 * banner at the top and the footer name them */
	int acting;
	struct action_person acting_for;
};

/*
 * Start a page: choose and speak the request's language, refresh the
 * action layer (changes synced since the last page, the clock), write
 * the shell up to <main>.  title: the English msgid (N_("...")), which is
 * translated here, once the language is spoken; current: the nav href
 * this page belongs to, or NULL.  Always pair with web_ui_finish.
 */
void web_ui_begin(struct web_ui *u, struct web_request *rq, const char *title,
		  const char *current);
/* Close the page and hand it to rp with status (or the first error: the
 * server answers 500); gives back the language.  0 or an error code. */
__attribute__((warn_unused_result)) int
web_ui_finish(struct web_ui *u, struct web_reply *rp, unsigned status);

/* Speak the request's language without a page (a POST that redirects);
 * pair with web_ui_quiet_end. */
struct action *web_ui_quiet_begin(struct web_request *rq);
void web_ui_quiet_end(void);

/* The hidden csrf field of a form. */
void web_ui_csrf(struct web_ui *u);
/* ` autocomplete="off"` in kiosk mode, else nothing: inside the tag of
 * an input (or form) that holds a person's name, so that the browser of
 * a shared computer never offers it to the next person. */
void web_ui_autocomplete(struct web_ui *u);
/* Kiosk mode's sentences, for idle seconds without use (translated,
 * into buf): the banner's "you will be logged out after ..." (banner 1)
 * and the login page's "You were logged out after ..." (banner 0). */
const char *web_ui_kiosk_idle(int idle_s, int banner, char *buf,
			      size_t cap);
/* A message box: class "notice" (what happened) or "error" (role alert). */
void web_ui_notice(struct web_ui *u, const char *text);
void web_ui_error(struct web_ui *u, const char *text);
/* The query's or form's field, or "" when absent. */
const char *web_ui_field(const struct web_form *f, const char *name);

/* text as a QR code: an <svg class="qr"> of action/qr.h's matrix, its
 * path through the attribute writer (web/page_invite.c).  0, or
 * KITH_ENOMEM / KITH_EINVAL (text empty or too long). */
int web_ui_qr(struct web_ui *u, const char *text);

/* A link code (a new device's, or a neighbour's handed over) shown to
 * be used now: the warning that it is like a house key, the steps on the
 * new device (install kith, `kith init --link CODE`, the same Wi-Fi),
 * the QR code and the code in groups of four (web/page_device.c). */
void web_ui_link_code(struct web_ui *u, const char *code);

/* Pieces of pages (pages.c), so that every page writes them alike:
 * one fact of a <dl>: <dt>label</dt><dd>value</dd>, nothing when value is
 * ""; */
void web_ui_fact(struct web_ui *u, const char *label, const char *value);
/* <input type="hidden" name=NAME value=VALUE>; */
void web_ui_hidden(struct web_ui *u, const char *name, const char *value);
/* a form of one button (label, class cls or NULL) posting name=value and
 * the csrf field to action; */
void web_ui_button(struct web_ui *u, const char *action, const char *name,
		   const char *value, const char *label, const char *cls);
/* a list's search form (GET action?q=, label above the box, value in
 * it); */
void web_ui_search(struct web_ui *u, const char *action, const char *label,
		   const char *value);
/* member text of any length, at most max bytes of it (cut on a
 * character's start) and "…" when cut. */
void web_ui_clipped(struct web_ui *u, const char *text, size_t max);

/*
 * What people read for a word crdt/ stores: a phrase a resident
 * understands, in English too (never "normal" or "material"), translated
 * as any other string; a word a table lacks (a newer replica's) is shown
 * as action_pgettext(ctx, word).  Tables end with { NULL, NULL }.
 */
struct web_label {
	const char *word, *label; /* label: N_() */
};
extern const struct web_label web_urgency_labels[];
extern const struct web_label web_wish_kind_labels[];
extern const struct web_label web_wish_status_labels[];
extern const struct web_label web_offer_status_labels[];
const char *web_label_of(const struct web_label *t, const char *ctx,
			 const char *word);

/* Cards of the wishes q lists (at most max; 0: all), as links to their
 * pages; *n gets how many.  0 or the action's error (a->msg). */
struct action_wish_query;
__attribute__((warn_unused_result)) int
web_ui_wish_cards(struct web_ui *u, const struct action_wish_query *q,
		  int max, int *n);

/*
 * The opening of a coordinator's page (page_coord.c): web_ui_begin with
 * title (N_), the heading, err when given (a refusal to re-show), and
 * action_coord_require.  0: go on (with a link back to /coord when
 * flags has WEB_COORD_BACK); else its refusal is on the page (unless err
 * was) and the caller finishes with 403 (or err's status).
 * WEB_COORD_NOPRINT wraps the opening in <div class="noprint">; on 0 the
 * div is left open for the caller to close.
 */
enum { WEB_COORD_BACK = 1, WEB_COORD_NOPRINT = 2 };
int web_ui_coord_begin(struct web_ui *u, struct web_request *rq,
		       const char *title, unsigned flags, const char *err);
/* On a member's page (web/page_replace.c): "Key replaced by NAME on
 * DATE" for each replacement of member pk's key (action/replace.h), or
 * the action's error; and a coordinator's section "Lost their phone or
 * computer?" with the form replacing the key of member (64 hex), whose
 * name is name. */
void web_ui_replaced(struct web_ui *u, const uint8_t pk[CRDT_PK_LEN]);
void web_ui_replace_form(struct web_ui *u, const char *member,
			 const char *name);
/* When at_ms was, in words ("5 minutes ago"), as of the request's
 * clock, into out (page_roll.c). */
void web_ui_ago(const struct web_ui *u, int64_t at_ms, char *out,
		size_t cap);
/* An item's kind and status word (crdt/) as the pages say it
 * (pages.c). */
const char *web_item_kind(const char *word);
const char *web_item_status(const char *word);
/* A wish's urgency and status word (crdt/) as the pages say it
 * (pages.c): "Health at risk", never "urgent". */
const char *web_wish_urgency(const char *word);
const char *web_wish_status(const char *word);
/* What the pages tell the program that serves them: set before the
 * server starts (cli/net.c), called on the loop's thread.  joined: POST
 * /join has just saved a community key, so the daemon can start to sync
 * without a restart (peer_daemon_reload); NULL: nobody to tell. */
struct web_pages_hooks {
	void (*joined)(void *ctx);
	void *ctx;
};
extern struct web_pages_hooks web_pages_hooks;

/* The pages (the table above). */
int web_page_home(struct web_request *rq, struct web_reply *rp);
int web_page_checkin(struct web_request *rq, struct web_reply *rp);
int web_page_wishes(struct web_request *rq, struct web_reply *rp);
int web_page_wish_new(struct web_request *rq, struct web_reply *rp);
int web_page_wish_post(struct web_request *rq, struct web_reply *rp);
int web_page_wish(struct web_request *rq, struct web_reply *rp);
int web_page_wish_claim(struct web_request *rq, struct web_reply *rp);
int web_page_wish_accept(struct web_request *rq, struct web_reply *rp);
int web_page_wish_deliver(struct web_request *rq, struct web_reply *rp);
int web_page_wish_confirm(struct web_request *rq, struct web_reply *rp);
int web_page_items(struct web_request *rq, struct web_reply *rp);
int web_page_item_new(struct web_request *rq, struct web_reply *rp);
int web_page_item_post(struct web_request *rq, struct web_reply *rp);
int web_page_members(struct web_request *rq, struct web_reply *rp);
int web_page_member(struct web_request *rq, struct web_reply *rp);
int web_page_me(struct web_request *rq, struct web_reply *rp);
int web_page_me_post(struct web_request *rq, struct web_reply *rp);
int web_page_join(struct web_request *rq, struct web_reply *rp);
int web_page_join_post(struct web_request *rq, struct web_reply *rp);
int web_page_settings(struct web_request *rq, struct web_reply *rp);
int web_page_settings_post(struct web_request *rq, struct web_reply *rp);
int web_page_for(struct web_request *rq, struct web_reply *rp);
int web_page_for_post(struct web_request *rq, struct web_reply *rp);
int web_page_for_host(struct web_request *rq, struct web_reply *rp);
int web_page_for_handover(struct web_request *rq, struct web_reply *rp);
int web_page_for_handed(struct web_request *rq, struct web_reply *rp);
int web_page_devices(struct web_request *rq, struct web_reply *rp);
int web_page_devices_add(struct web_request *rq, struct web_reply *rp);
int web_page_devices_new(struct web_request *rq, struct web_reply *rp);
int web_page_devices_remove(struct web_request *rq, struct web_reply *rp);
int web_page_member_replace(struct web_request *rq, struct web_reply *rp);
int web_page_member_replace_ask(struct web_request *rq,
				struct web_reply *rp);

/* The error pages (web/page_error.c): web_server_cfg.error_page. */
int web_page_error(struct web_request *rq, unsigned status, enum web_why why,
		   struct web_reply *rp);
int web_page_coord(struct web_request *rq, struct web_reply *rp);
int web_page_coord_verify(struct web_request *rq, struct web_reply *rp);
int web_page_coord_role(struct web_request *rq, struct web_reply *rp);
int web_page_coord_emergency(struct web_request *rq, struct web_reply *rp);
int web_page_coord_hide(struct web_request *rq, struct web_reply *rp);
int web_page_coord_roll(struct web_request *rq, struct web_reply *rp);
int web_page_coord_inventory(struct web_request *rq, struct web_reply *rp);
int web_page_coord_sheet(struct web_request *rq, struct web_reply *rp);
int web_page_coord_csv(struct web_request *rq, struct web_reply *rp);
int web_page_coord_invite(struct web_request *rq, struct web_reply *rp);
int web_page_item(struct web_request *rq, struct web_reply *rp);
int web_page_item_edit(struct web_request *rq, struct web_reply *rp);
int web_page_item_edit_post(struct web_request *rq, struct web_reply *rp);
int web_page_item_request(struct web_request *rq, struct web_reply *rp);
int web_page_item_lend(struct web_request *rq, struct web_reply *rp);
int web_page_item_give(struct web_request *rq, struct web_reply *rp);
int web_page_item_return(struct web_request *rq, struct web_reply *rp);
int web_page_item_renew(struct web_request *rq, struct web_reply *rp);
int web_page_item_withdraw(struct web_request *rq, struct web_reply *rp);

/*
 * A page in the bare shell: web/html.h's shell with the site name "kith"
 * and no nav, footer sentence or links - nothing of the session, the
 * community or the replica - for the pages that must not or cannot use a
 * struct web_ui: an error page for a request that may come from another
 * site or has no session (page_error.c), the logout form (login.c, served
 * by the server without the pages' action layer).  web_bare_begin speaks
 * the request's language (the kith_prefs cookie, else Accept-Language:
 * as web_ui_begin) and writes the shell up to <main>; title is the English
 * msgid (N_("...")), translated once the language is spoken.  On an error
 * nothing is left to finish; else always pair with web_bare_finish, which
 * closes the page, hands it to rp with status (or the first error: the
 * server answers 500) and gives back the language.
 */
struct web_bare {
	struct web_buf b;
	struct web_page page;
};
__attribute__((warn_unused_result)) int
web_bare_begin(struct web_bare *w, struct web_request *rq, const char *title);
__attribute__((warn_unused_result)) int
web_bare_finish(struct web_bare *w, struct web_reply *rp, unsigned status);

#endif
