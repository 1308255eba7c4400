/*
 * err.h - kith error codes.
 *
 * Every function that can fail returns int: 0 on success, a negative KITH_E*
 * code on failure.  Negative codes from libuv pass through unchanged (they are
 * errno values below -1 and never collide with ours, which start at -10000).
 * kith_strerror() turns any of them into a short lowercase phrase.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_ERR_H
#define KITH_ERR_H

#define KITH_ERRNO_MAP(X)                                                     \
	X(NOMEM, "out of memory")                                             \
	X(IO, "input/output error")                                           \
	X(DB, "database error")                                               \
	X(BUSY, "replica is busy")                                            \
	X(FULL, "disk is full")                                               \
	X(DECODE, "malformed data")                                           \
	X(TOOBIG, "data exceeds its size limit")                              \
	X(SIG, "bad signature")                                               \
	X(CHAIN, "broken hash chain")                                         \
	X(CRYPT, "decryption failed")                                         \
	X(COMMUNITY, "belongs to another community")                          \
	X(TRUNCATED, "data is truncated")                                     \
	X(NOTFOUND, "not found")                                              \
	X(AMBIGUOUS, "ambiguous id prefix")                                   \
	X(EXISTS, "already exists")                                           \
	X(DENIED, "not allowed")                                              \
	X(INVAL, "invalid argument")                                          \
	X(NOIDENT, "no identity")                                             \
	X(NOCOMMUNITY, "no community")                                        \
	X(CHECKSUM, "checksum mismatch")                                      \
	X(VERSION, "made by a newer version of kith")                         \
	X(BEHIND, "replica is missing your own earlier changes")

enum {
	KITH_EBASE = -10000,
#define KITH_ERR_ENUM(name, msg) KITH_E##name,
	KITH_ERRNO_MAP(KITH_ERR_ENUM)
#undef KITH_ERR_ENUM
	KITH_ELAST
};

/* A static string for any error code (ours, libuv's or -errno). */
const char *kith_strerror(int err);

#endif
