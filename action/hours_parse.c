/*
 * hours_parse.c - the hours a person types (see hours_parse.h).
 */
#include <stdint.h>

#include "crdt/err.h"
#include "crdt/rules.h"
#include "hours_parse.h"
#include "i18n.h"

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

int action_hours_parse(const char *s, int64_t *quarters)
{
	uint64_t whole = 0, frac = 0, scale = 1, q;
	int digits = 0, dot = 0;
	const char *p = s;

	if (!p)
		return KITH_EINVAL;
	while (blank(*p))
		p++;
	for (; *p && !blank(*p); p++) {
		if (*p == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (*p < '0' || *p > '9')
			return KITH_EINVAL;
		digits++;
		if (!dot) {
			whole = whole * 10 + (uint64_t)(*p - '0');
			if (whole > CRDT_MAX_HOURS)
				return KITH_EINVAL;
		} else if (scale < 1000000000) { /* later digits cannot matter */
			frac = frac * 10 + (uint64_t)(*p - '0');
			scale *= 10;
		}
	}
	while (blank(*p))
		p++;
	if (*p || !digits)
		return KITH_EINVAL;
	/* quarters, rounding half up: whole*4 + round(frac/scale * 4) */
	q = whole * 4 + (frac * 8 + scale) / (2 * scale);
	if (q > CRDT_MAX_HOURS_Q)
		return KITH_EINVAL;
	*quarters = (int64_t)q;
	return 0;
}

int action_hours_read(struct action *a, const char *s, int64_t *quarters)
{
	if (action_hours_parse(s, quarters))
		return action_fail(a, KITH_EINVAL,
				   _("hours must be a number from 0 to %d, "
				     "like 1.5"),
				   CRDT_MAX_HOURS);
	return 0;
}
