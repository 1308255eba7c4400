/*
 * pin.h - web login PINs: who may have one, setting it, checking it, and
 * the host's log of logins and PIN changes (peer/pins.h keeps them).
 *
 * Who: only a member whose key this machine holds - its own member, and
 * the neighbours it hosts (action/hosted.h) - since a login acts with
 * that key.  A member is named as for --as: a name (ASCII case aside) or
 * an id prefix of at least 6 hex characters; a name two of them share is
 * refused (use the id).  Anyone else, though a member of the community,
 * has no PIN here: their key is on their own device.
 *
 * Rules: a PIN is 6 to 12 digits (ACTION_PIN_MIN..ACTION_PIN_MAX), set by
 * the member or their host (`kith member pin`), stored only as an Argon2id
 * hash on this machine (crdt/crypto.h CRDT_PWHASH_PIN: why that cost).
 *
 * Checking is split for the web app, whose loop must never hash:
 * action_pin_lookup (on the loop: who, and their stored hash) then
 * action_pin_verify (any thread: touches nothing but its arguments).
 * action_pin_check does both, for one-shot callers.
 *
 * The log: action_pin_log appends one English line to DIR/login.log
 * (peer/pins.h: why a file) - "login ok", "login refused", "pin set",
 * "pin removed" - with the member's short id and name and where from.
 */
#ifndef KITH_ACTION_PIN_H
#define KITH_ACTION_PIN_H

#include <stddef.h>
#include <stdint.h>

#include "action.h"
#include "names.h"

#define ACTION_PIN_MIN 6
#define ACTION_PIN_MAX 12

/* 1 when pin is 6 to 12 ASCII digits, else 0. */
int action_pin_ok(const char *pin);

/* The member typed names among those whose key is here: pk gets them,
 * *hosted 1 for a hosted neighbour, 0 for our own member.  KITH_ENOTFOUND
 * (nobody by that name has their key here; the message says who can
 * have a PIN), KITH_EAMBIGUOUS, KITH_ENOIDENT; each with a->msg. */
__attribute__((warn_unused_result)) int
action_pin_member(struct action *a, const char *typed, uint8_t pk[CRDT_PK_LEN],
		  int *hosted);

/* Set the PIN of the member typed names (action_pin_member); who gets
 * them.  KITH_EINVAL (not 6 to 12 digits), action_pin_member's refusals,
 * a write error; each with a->msg.  Logged ("pin set"). */
__attribute__((warn_unused_result)) int
action_pin_set(struct action *a, const char *typed, const char *pin,
	       struct action_person *who);
/* Remove their PIN: KITH_ENOTFOUND when they had none.  Logged. */
__attribute__((warn_unused_result)) int
action_pin_clear(struct action *a, const char *typed,
		 struct action_person *who);

/* For a login: the member typed names, whose key is here and who has a
 * PIN: 0 with pk, *hosted and hash (their stored hash); else
 * KITH_ENOTFOUND (or another error) and hash "".  No message: a login
 * form says only "not right", whoever was typed. */
__attribute__((warn_unused_result)) int
action_pin_lookup(struct action *a, const char *typed, uint8_t pk[CRDT_PK_LEN],
		  int *hosted, char hash[CRDT_PWHASH_STR_LEN]);
/* Whether pin is the one hash was made of: 0, or KITH_EDENIED.  With
 * hash "" (nobody found) it hashes pin all the same and says
 * KITH_EDENIED, so a name that is not here costs as long as a wrong PIN.
 * Safe on any thread. */
__attribute__((warn_unused_result)) int
action_pin_verify(const char *hash, const char *pin);
/* Lookup then verify: 0 and pk, or KITH_EDENIED. */
__attribute__((warn_unused_result)) int
action_pin_check(struct action *a, const char *typed, const char *pin,
		 uint8_t pk[CRDT_PK_LEN]);

/* 1 when some member has a PIN on this machine. */
int action_pin_any(struct action *a);

/* One line to the host's log: what ("login ok", ...), the member (pk, or
 * NULL: then typed, as it was given, is written), from (an address, or
 * "kith member pin").  A failure to write is said on stderr (log_warnx),
 * never a refusal. */
void action_pin_log(struct action *a, const char *what,
		    const uint8_t *pk, const char *typed, const char *from);

#endif
