/*
 * page_coord.h - what the coordinator's hub (web/page_coord.c) shares with
 * its posts section (web/page_coord_posts.c); private to those two files.
 */
#ifndef KITH_WEB_PAGE_COORD_H
#define KITH_WEB_PAGE_COORD_H

#include <stddef.h>

#include "web/pages.h"

#define COORD_POSTS 20 /* recent wishes, and items, listed to hide */

/* The hub being written; f: the form posted, for a 422 (NULL on a GET). */
struct hub {
	struct web_ui *u;
	const struct web_form *f;
	int n; /* members or posts listed in the current section */
	size_t from;  /* members of the list before the ones shown */
	size_t found; /* members of the list seen so far (all of them) */
};

/* The posted value of name when the form posted is for this record. */
const char *coord_again(const struct hub *h, const char *key, const char *id,
			const char *name);
/* <label for=ID>LABEL</label><input type=text id=ID name=NAME value=V> */
void coord_text_input(struct web_ui *u, const char *id, const char *name,
		      const char *label, const char *value);
/* <form method=post action=ACTION> and the csrf field (a form of one
 * button and one field is web_ui_button; these post "do" and more) */
void coord_open_form(struct web_ui *u, const char *action);
/* the submit button name=value (class "secondary"), and </form> */
void coord_submit(struct web_ui *u, const char *name, const char *value,
		  const char *label, int secondary);
/* <section> with its <h2 id=ID> */
void coord_section(struct web_ui *u, const char *id, const char *title);
/* The POSTs' ends: the action's refusal on the hub with the values given
 * (422); a 303 to /coord?done=WORD; a field not among the page's choices. */
int coord_refused(struct web_request *rq, struct web_reply *rp);
int coord_done(struct web_reply *rp, const char *word);
int coord_unknown_choice(struct action *a);

/* The posts section: recent wishes and items to hide or show again. */
void coord_posts(struct hub *h);

#endif
