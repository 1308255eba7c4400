/*
 * pin.c - web login PINs (see pin.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "crdt/log.h"
#include "crdt/query.h"
#include "hosted.h"
#include "i18n.h"
#include "peer/pins.h"
#include "pin.h"

int action_pin_ok(const char *pin)
{
	size_t n = pin ? strlen(pin) : 0;

	return n >= ACTION_PIN_MIN && n <= ACTION_PIN_MAX &&
	       strspn(pin, "0123456789") == n;
}

/* Our own member's key: also while acting for someone. */
static const uint8_t *own_pk(const struct action *a)
{
	return a->self.sk ? a->self.pk : action_me(a);
}

struct own_match {
	const uint8_t *pk;
	int hit;
};

static int own_named(void *ctx, const uint8_t pk[CRDT_PK_LEN])
{
	struct own_match *m = ctx;

	if (!memcmp(pk, m->pk, CRDT_PK_LEN))
		m->hit = 1;
	return 0;
}

/* Whether typed names our own member: their name, or 6+ hex characters
 * their id begins with. */
static int own_matches(struct action *a, const char *typed, int *hit)
{
	struct own_match m = { own_pk(a), 0 };
	char hex[2 * CRDT_PK_LEN + 1];
	size_t n = strlen(typed);

	crdt_hex(hex, m.pk, CRDT_PK_LEN);
	if (n >= 6 && n <= 2 * CRDT_PK_LEN &&
	    strspn(typed, "0123456789abcdefABCDEF") == n &&
	    !strncasecmp(typed, hex, n)) {
		*hit = 1;
		return 0;
	}
	if (crdt_members_named(a->r.store, typed, own_named, &m))
		return KITH_EDB;
	*hit = m.hit;
	return 0;
}

/* Resolve without messages: 0, KITH_ENOTFOUND, KITH_EAMBIGUOUS, or an
 * error reading. */
static int resolve(struct action *a, const char *typed,
		   uint8_t pk[CRDT_PK_LEN], int *hosted)
{
	size_t found = 0;
	int own = 0, rc;

	if (!a->r.id.sk)
		return KITH_ENOIDENT;
	if (!typed || !*typed)
		return KITH_ENOTFOUND;
	rc = own_matches(a, typed, &own);
	if (!rc)
		rc = action_hosted_match(a, typed, pk, &found);
	if (rc)
		return rc;
	if (own + found > 1)
		return KITH_EAMBIGUOUS;
	if (!own && !found)
		return KITH_ENOTFOUND;
	*hosted = !own;
	if (own)
		memcpy(pk, own_pk(a), CRDT_PK_LEN);
	return 0;
}

int action_pin_member(struct action *a, const char *typed,
		      uint8_t pk[CRDT_PK_LEN], int *hosted)
{
	int rc = action_need_identity(a);

	if (rc)
		return rc;
	rc = resolve(a, typed, pk, hosted);
	if (rc == KITH_ENOTFOUND)
		return action_fail(a, rc,
				   _("'%s' is not a member whose key this "
				     "machine holds: a PIN is only for this "
				     "machine's own member and the neighbours "
				     "it hosts (see 'kith member hosted')"),
				   typed ? typed : "");
	if (rc == KITH_EAMBIGUOUS)
		return action_fail(a, rc,
				   _("'%s' names more than one member whose key "
				     "is here; use their id (see 'kith member "
				     "hosted' and 'kith whoami')"),
				   typed);
	if (rc)
		return action_fail(a, rc, _("cannot find that member: %s"),
				   _(kith_strerror(rc)));
	return 0;
}

int action_pin_set(struct action *a, const char *typed, const char *pin,
		   struct action_person *who)
{
	char hash[CRDT_PWHASH_STR_LEN];
	uint8_t pk[CRDT_PK_LEN];
	int hosted, rc;

	if (!action_pin_ok(pin))
		return action_fail(a, KITH_EINVAL,
				   _("a PIN is 6 to 12 digits (0-9), nothing "
				     "else"));
	rc = action_pin_member(a, typed, pk, &hosted);
	if (rc)
		return rc;
	rc = crdt_pwhash_str(hash, pin, strlen(pin), &CRDT_PWHASH_PIN);
	if (rc)
		return action_fail(a, rc, _("cannot hash the PIN: %s"),
				   _(kith_strerror(rc)));
	rc = peer_pin_save(a->home, pk, hash);
	crdt_wipe(hash, sizeof hash);
	if (rc)
		return action_fail(a, rc,
				   _("cannot keep the PIN in '%s/%s': %s"),
				   a->home, PEER_PINS_DIR,
				   _(kith_strerror(rc)));
	action_person(a, pk, who);
	action_pin_log(a, "pin set", pk, NULL, "kith member pin");
	return 0;
}

int action_pin_clear(struct action *a, const char *typed,
		     struct action_person *who)
{
	uint8_t pk[CRDT_PK_LEN];
	int hosted, rc;

	rc = action_pin_member(a, typed, pk, &hosted);
	if (rc)
		return rc;
	action_person(a, pk, who);
	rc = peer_pin_remove(a->home, pk);
	if (rc == KITH_ENOTFOUND)
		return action_fail(a, rc, _("%s has no PIN on this machine"),
				   who->label);
	if (rc)
		return action_fail(a, rc,
				   _("cannot remove the PIN in '%s/%s': %s"),
				   a->home, PEER_PINS_DIR,
				   _(kith_strerror(rc)));
	action_pin_log(a, "pin removed", pk, NULL, "kith member pin");
	return 0;
}

int action_pin_lookup(struct action *a, const char *typed,
		      uint8_t pk[CRDT_PK_LEN], int *hosted,
		      char hash[CRDT_PWHASH_STR_LEN])
{
	int rc;

	hash[0] = 0;
	rc = resolve(a, typed, pk, hosted);
	if (rc)
		return rc;
	/* a hosted member's key file must still be here (resolve asked);
	 * the PIN file alone never lets anyone in */
	rc = peer_pin_load(a->home, pk, hash);
	if (rc)
		hash[0] = 0;
	return rc;
}

int action_pin_verify(const char *hash, const char *pin)
{
	char dummy[CRDT_PWHASH_STR_LEN];
	size_t n = pin ? strlen(pin) : 0;
	int rc;

	if (!hash || !*hash) {
		rc = crdt_pwhash_str(dummy, pin ? pin : "", n,
				     &CRDT_PWHASH_PIN);
		(void)rc; /* the time is what counts */
		crdt_wipe(dummy, sizeof dummy);
		return KITH_EDENIED;
	}
	return crdt_pwhash_str_verify(hash, pin ? pin : "", n);
}

int action_pin_check(struct action *a, const char *typed, const char *pin,
		     uint8_t pk[CRDT_PK_LEN])
{
	char hash[CRDT_PWHASH_STR_LEN];
	int hosted, rc;

	if (action_pin_lookup(a, typed, pk, &hosted, hash))
		hash[0] = 0;
	rc = action_pin_verify(hash, pin);
	crdt_wipe(hash, sizeof hash);
	return rc ? KITH_EDENIED : 0;
}

int action_pin_any(struct action *a)
{
	return peer_pin_any(a->home);
}

void action_pin_log(struct action *a, const char *what, const uint8_t *pk,
		    const char *typed, const char *from)
{
	char line[PEER_PINS_LINE_MAX];
	struct action_person p;
	int rc;

	if (pk) {
		action_person(a, pk, &p);
		snprintf(line, sizeof line, "%.32s member=%.8s \"%.200s\" from=%.96s",
			 what, p.hex, p.name, from);
	} else {
		snprintf(line, sizeof line, "%.32s typed=\"%.64s\" from=%.96s", what,
			 typed ? typed : "", from);
	}
	log_info("%s", line);
	rc = peer_pin_log(a->home, (int64_t)time(NULL), line);
	if (rc)
		log_warnx("cannot write '%s/%s': %s", a->home, PEER_PINS_LOG,
			  kith_strerror(rc));
}
