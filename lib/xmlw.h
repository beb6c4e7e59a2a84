/*
 * xmlw.h - buffered, sticky-error XML writer (private to lib/).
 *
 * Writes XML to a file descriptor through a fixed buffer, hashing every
 * byte with SHA-256 on the way out. Text is written as given: UTF-8 for
 * pain.008, ISO-8859-1 for PES (the caller declares it). The first failure is recorded
 * and every later call does nothing, so callers read like the document
 * and check xmlw_error() (or the result of xmlw_finish) once.
 */
#ifndef SEPA_XMLW_H
#define SEPA_XMLW_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sepa/error.h"

typedef ssize_t (*xmlw_write_fn)(
    int fd, const void *buf, size_t len, void *arg);

/* Sees every chunk on its way to the file (e.g. a validator). */
typedef void (*xmlw_tap_fn)(void *arg, const char *buf, size_t len);

struct evp_md_ctx_st;

struct xmlw {
	int fd;
	char *buf;
	size_t len;
	size_t cap;
	int depth;
	int indent; /* spaces per level, 0 to 2 (xmlw_init: 2) */
	int failed;
	uint64_t bytes; /* bytes handed to the file so far */
	xmlw_write_fn write;
	void *write_arg;
	xmlw_tap_fn tap; /* NULL: none; set after xmlw_init */
	int hash; /* 1 (default): SHA-256 here; 0: the tap does it */
	void *tap_arg;
	struct evp_md_ctx_st *md;
	sepa_error err; /* the first failure */
};

/*
 * Set up w to write to fd (not owned) with a buffer of bufsize bytes
 * (0: 256 KiB). write_fn NULL means write(2). Returns 0 or SEPA_ENOMEM /
 * SEPA_EIO with err filled; xmlw_free is safe after a failure.
 */
int xmlw_init(struct xmlw *w, int fd, size_t bufsize, xmlw_write_fn write_fn,
    void *write_arg, sepa_error *err);
void xmlw_free(struct xmlw *w);

/* Record a failure (the first one wins). Returns code. */
int xmlw_fail(struct xmlw *w, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 0 or the code of the first failure. */
static inline int
xmlw_error(const struct xmlw *w)
{
	return w->failed ? w->err.code : 0;
}

/* Bytes as they are (markup the caller knows to be correct). */
void xmlw_raw(struct xmlw *w, const char *s, size_t n);
/* Character data, escaped (& < > " '); control characters fail. */
void xmlw_text(struct xmlw *w, const char *s);

/* New line, indentation, "<name>"; depth + 1. */
void xmlw_open(struct xmlw *w, const char *name);
/* depth - 1, new line, indentation, "</name>". */
void xmlw_close(struct xmlw *w, const char *name);
/* <name>escaped text</name> on its own line. */
void xmlw_elem(struct xmlw *w, const char *name, const char *text);
/* <name>n</name> */
void xmlw_elem_long(struct xmlw *w, const char *name, long n);
/* <name>123.45</name> from cents (n >= 0), optionally with Ccy="EUR". */
void xmlw_elem_amount(
    struct xmlw *w, const char *name, int64_t cents, const char *ccy);
/* <name>YYYY-MM-DD</name> */
void xmlw_elem_date(
    struct xmlw *w, const char *name, int year, int month, int day);

/*
 * An empty element with one attribute, on its own line:
 * <name attr="escaped value"/>. The value is escaped for an attribute
 * between '"' (& < > " and tabs and line breaks as references); a
 * control character fails, as does a value that cannot fit the buffer.
 */
void xmlw_leaf(
    struct xmlw *w, const char *name, const char *attr, const char *value);
/* <name attr="n"/> */
void xmlw_leaf_long(struct xmlw *w, const char *name, const char *attr, long n);
/* <name attr="123.45"/> from cents (n >= 0). */
void xmlw_leaf_amount(
    struct xmlw *w, const char *name, const char *attr, int64_t cents);
/* <name attr="YYYY-MM-DD"/> */
void xmlw_leaf_date(struct xmlw *w, const char *name, const char *attr,
    int year, int month, int day);

/*
 * Flush the buffer to the file and put the SHA-256 of everything written
 * (64 lower-case hex digits + NUL) in hex ("" when w->hash is 0). Returns 0 or the first
 * failure's code; err gets the failure.
 */
int xmlw_finish(struct xmlw *w, char hex[65], sepa_error *err);

#endif /* SEPA_XMLW_H */
