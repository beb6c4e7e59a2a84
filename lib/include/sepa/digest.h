/*
 * digest.h - SHA-256 in lower-case hex: the form in which sepad records
 * every file it reads or writes (imports, bank files, migrations, the
 * pain.008 and its .sha256 sidecar, exports).
 */
#ifndef SEPA_DIGEST_H
#define SEPA_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "sepa/error.h"

/** 64 hex digits and the NUL. */
#define SEPA_SHA256_HEX_BUFSZ 65

/** The 32 bytes of a SHA-256 as 64 lower-case hex digits (NUL-ended). */
void sepa_sha256_hex(
    char hex[SEPA_SHA256_HEX_BUFSZ], const unsigned char md[32]);

/** SHA-256 of len bytes at data. */
int sepa_sha256_buf(const void *data, size_t len,
    char hex[SEPA_SHA256_HEX_BUFSZ], sepa_error *err);

/**
 * SHA-256 of what is left to read on fd, read to its end (reads
 * interrupted by a signal are tried again); `name` names the file in a
 * message; *size (when not NULL) gets the number of bytes read. The
 * caller keeps fd (and rewinds it if it reads it again).
 */
int sepa_sha256_fd(int fd, const char *name, char hex[SEPA_SHA256_HEX_BUFSZ],
    int64_t *size, sepa_error *err);

#endif /* SEPA_DIGEST_H */
