/*
 * hours_parse.h - the number of hours a person types (when confirming a
 * wish: "how many hours did your helper give?"), read once for every
 * interface: the CLI's --hours and its question, the web app's form.
 *
 * What is accepted: ASCII decimal digits with at most one '.', at least
 * one digit ("2", "1.5", ".25", "3."), with blanks (space, tab) around
 * it; nothing else: no sign, no exponent, no hex, no "inf", no comma, no
 * words.  The value is rounded to the nearest quarter hour (halves up:
 * "0.125" is a quarter), the unit crdt/ stores; digits after the point
 * beyond what can change that rounding are read and ignored, so any
 * number of decimals is fine and cannot overflow.  More than
 * CRDT_MAX_HOURS (one confirmation credits at most that, crdt/rules.h)
 * is refused, however many digits it has.
 */
#ifndef KITH_ACTION_HOURS_PARSE_H
#define KITH_ACTION_HOURS_PARSE_H

#include <stdint.h>

#include "action.h"

/* s as quarter hours (0..CRDT_MAX_HOURS_Q) into *quarters: 0, or
 * KITH_EINVAL (*quarters unchanged). */
__attribute__((warn_unused_result)) int
action_hours_parse(const char *s, int64_t *quarters);

/* The same, refused with a message for people in a->msg ("hours must be
 * a number from 0 to 100, like 1.5"), the words action_wish_confirm uses
 * for hours out of range. */
__attribute__((warn_unused_result)) int
action_hours_read(struct action *a, const char *s, int64_t *quarters);

#endif
