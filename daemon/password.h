/*
 * password.h - the console's secrets (password.c): passwords hashed and
 * checked with argon2id (libargon2), and random tokens (getrandom) for
 * session cookies and CSRF tokens. Every libargon2 call is in password.c.
 */
#ifndef SEPAD_PASSWORD_H
#define SEPAD_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "sepa/error.h"

/* An encoded argon2id hash ("$argon2id$v=19$m=...") fits in this. */
#define PASSWORD_HASH_BUFSZ 128
/* A token: 32 random bytes as 64 lower-case hex digits, and the NUL. */
#define PASSWORD_TOKEN_BUFSZ 65
/* Passwords shorter than this are refused (sepactl user add, passwd). */
#define PASSWORD_MIN_LEN 10
/* ... and longer than this (a bound on what a request can make us hash). */
#define PASSWORD_MAX_LEN 256

/*
 * Check a new password (length, no control character) then hash it with
 * a fresh salt into out. SEPA_EINVAL says what is wrong with it.
 */
int password_hash(
    const char *password, char out[PASSWORD_HASH_BUFSZ], sepa_error *err);
/*
 * Whether password matches the encoded hash. With hash NULL (no such
 * user) a fixed hash is checked instead, so that the answer takes as
 * long, and false is returned.
 */
bool password_verify(const char *hash, const char *password);
/* 32 bytes from the kernel's random source, in hex. */
int password_token(char out[PASSWORD_TOKEN_BUFSZ], sepa_error *err);
/* Compare two NUL-terminated strings in a time that does not depend on
 * where they differ (only on their lengths). */
bool password_equal(const char *a, const char *b);
/*
 * Read a password: from the terminal without echo when stdin is one
 * (asked twice; prompt on stderr), else the first line of stdin. The
 * line end is removed. 0, or SEPA_EINVAL (empty, the two differ, too
 * long) / SEPA_EIO.
 */
int password_read(char *out, size_t size, sepa_error *err);

#endif /* SEPAD_PASSWORD_H */
