/*
 * pins.h - the web login PINs of the members whose keys this machine
 * holds (its own member and the neighbours it hosts, peer/hosted.h),
 * and the log of logins and PIN changes for the host.
 *
 *   DIR/pins/            mode 0700
 *   DIR/pins/HEX         one member's PIN (HEX: their public key): the
 *                        crypto_pwhash_str string of it (crdt/crypto.h:
 *                        Argon2id, its salt and cost inside) and a
 *                        newline; 0600, written whole through a temp file
 *                        and rename (peer_write_secret)
 *   DIR/login.log        one line per login and PIN change (0600,
 *                        appended; past PEER_PINS_LOG_MAX bytes it is
 *                        renamed to login.log.1 and a new one begun)
 *
 * PINs live on this machine only: never in the replica, never synced,
 * never in a backup's key bundle.  This module stores and reads hashes;
 * it never sees a PIN (action/pin.h hashes and checks) and does not
 * decide who may have one (action/pin.h: only members whose key is here).
 *
 * Why a file and not the daemon's log: a PIN is set by `kith member pin`,
 * another process than the daemon, and the host reads both kinds of line
 * in one place whether the daemon ran or not.  The daemon also says each
 * login in its own log (log_info).
 */
#ifndef KITH_PINS_H
#define KITH_PINS_H

#include <stdint.h>

#include "crdt/crypto.h"

#define PEER_PINS_DIR "pins"
#define PEER_PINS_LOG "login.log"
#define PEER_PINS_LOG_MAX (1024 * 1024)
#define PEER_PINS_LINE_MAX 512

/* Store hash (a crdt_pwhash_str string) as pk's PIN, replacing any. */
__attribute__((warn_unused_result)) int
peer_pin_save(const char *dir, const uint8_t pk[CRDT_PK_LEN], const char *hash);
/* pk's stored hash into out: 0, KITH_ENOTFOUND (no PIN), KITH_EDECODE
 * (not one line of a hash's length). */
__attribute__((warn_unused_result)) int
peer_pin_load(const char *dir, const uint8_t pk[CRDT_PK_LEN],
	      char out[CRDT_PWHASH_STR_LEN]);
/* Remove pk's PIN: 0, or KITH_ENOTFOUND when there was none. */
__attribute__((warn_unused_result)) int
peer_pin_remove(const char *dir, const uint8_t pk[CRDT_PK_LEN]);
/* 1 when some member has a PIN here (the login form is worth showing). */
int peer_pin_any(const char *dir);

/* Append one line (no newline in it; controls become '?') to
 * DIR/login.log, with the time first ("2026-12-07T10:00:00Z ").  0 or
 * an error. */
__attribute__((warn_unused_result)) int
peer_pin_log(const char *dir, int64_t now, const char *line);

#endif
