/*
 * error.h - error codes and the error record every libsepa call fills.
 */
#ifndef SEPA_ERROR_H
#define SEPA_ERROR_H

#include <stddef.h>

/** Return codes: 0 on success, a negative SEPA_E* on failure. */
enum sepa_code {
	SEPA_OK = 0,
	SEPA_EINVAL = -1, /**< the input is not valid (a message says why) */
	SEPA_ENOMEM = -2, /**< out of memory */
	SEPA_EIO = -3, /**< a system call failed (errno kept in sys_errno) */
	SEPA_ERANGE = -4, /**< a value is out of its allowed range */
	SEPA_EXML = -5, /**< XML is not well-formed or not schema-valid */
	SEPA_ESTATE = -6, /**< the call does not fit the object's state */
	SEPA_ELIMIT = -7, /**< a size, depth or count limit was hit */
	SEPA_ENOTFOUND = -8 /**< a looked-up item does not exist */
};

/**
 * The gettext text domain of the messages (the programs' too): a message
 * is translated as it is set, with dgettext(SEPA_TEXT_DOMAIN, fmt), when
 * the program called setlocale and bound that domain to its catalogue
 * (daemon/i18n.c); otherwise it stays in English. Only what a person
 * reads is translated: lib writes no translated text into a file.
 */
#define SEPA_TEXT_DOMAIN "sepad"

#define SEPA_ERROR_MSG_MAX 512
#define SEPA_ERROR_WHERE_MAX 256

/**
 * What went wrong and where. `where` names the file, field or element
 * path; `line` and `column` are 0 when they do not apply.
 */
typedef struct sepa_error {
	int code;
	int sys_errno;
	long line;
	long column;
	char where[SEPA_ERROR_WHERE_MAX];
	char msg[SEPA_ERROR_MSG_MAX];
} sepa_error;

#define SEPA_ERROR_INIT \
	{ \
		0, 0, 0, 0, "", "" \
	}

/** Reset an error record (NULL is allowed). */
void sepa_error_clear(sepa_error *err);

/**
 * Record an error and return its code, so that callers can write
 * `return sepa_error_set(err, SEPA_EINVAL, "...")`. `err` may be NULL.
 * A second call overwrites the first. A valid IBAN in the message is
 * masked (sepa_iban_mask_text): messages reach logs and people who may
 * not see a family's account.
 */
int sepa_error_set(sepa_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Like sepa_error_set, with the place (field, element, file) and line. */
int sepa_error_setw(sepa_error *err, int code, const char *where, long line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/**
 * Put `prefix: ` in front of the message already recorded, to add
 * context on the way up ("RUM FR-12: " + "contains //").
 */
void sepa_error_prefix(sepa_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Static name of a code ("invalid input", "out of memory", ...). */
const char *sepa_strerror(int code);

/**
 * Format the whole record on one line into buf:
 * "where:line:column: message" (parts that are empty are left out).
 * Returns buf.
 */
char *sepa_error_format(const sepa_error *err, char *buf, size_t size);

#endif /* SEPA_ERROR_H */
