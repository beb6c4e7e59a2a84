/*
 * xmlw.c - buffered, sticky-error XML writer with a running SHA-256.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "sepa/digest.h"
#include "internal.h"
#include "xmlw.h"

#define XMLW_DEFAULT_BUF (256 * 1024)
#define XMLW_MAX_INDENT 32

static const char xmlw_spaces[2 * XMLW_MAX_INDENT + 1] =
    "                                                                ";

static int xmlw_flush(struct xmlw *w);

/* The spaces before an element at the current depth. */
static inline size_t
xmlw_ind(const struct xmlw *w)
{
	int d = w->depth < XMLW_MAX_INDENT ? w->depth : XMLW_MAX_INDENT;

	return (size_t)w->indent * (size_t)(d > 0 ? d : 0);
}
static const char *xmlw_entity(unsigned char c, size_t *n);
static int xmlw_put(struct xmlw *w, const char *s, size_t n);

static ssize_t
xmlw_sys_write(int fd, const void *buf, size_t len, void *arg)
{
	(void)arg;
	return write(fd, buf, len);
}

int
xmlw_init(struct xmlw *w, int fd, size_t bufsize, xmlw_write_fn write_fn,
    void *write_arg, sepa_error *err)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->cap = bufsize != 0 ? bufsize : XMLW_DEFAULT_BUF;
	if (w->cap < 256)
		w->cap = 256;
	w->write = write_fn != NULL ? write_fn : xmlw_sys_write;
	w->write_arg = write_arg;
	w->hash = 1;
	w->indent = 2;
	w->buf = malloc(w->cap);
	if (w->buf == NULL)
		return sepa_error_set(
		    err, SEPA_ENOMEM, "could not allocate the output buffer");
	w->md = EVP_MD_CTX_new();
	if (w->md == NULL || EVP_DigestInit_ex(w->md, EVP_sha256(), NULL) != 1)
		return sepa_error_set(
		    err, SEPA_ENOMEM, "could not set up the SHA-256 digest");
	return 0;
}

void
xmlw_free(struct xmlw *w)
{
	if (w == NULL)
		return;
	free(w->buf);
	w->buf = NULL;
	EVP_MD_CTX_free(w->md);
	w->md = NULL;
}

int
xmlw_fail(struct xmlw *w, int code, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	if (w->failed)
		return w->err.code;
	w->failed = 1;
	w->err.code = code;
	w->err.sys_errno = code == SEPA_EIO ? saved : 0;
	va_start(ap, fmt);
	vsnprintf(w->err.msg, sizeof(w->err.msg), L_(fmt), ap);
	va_end(ap);
	errno = saved;
	return code;
}

/* Hand n bytes to the file, all of them, and to the digest. */
static int
xmlw_emit(struct xmlw *w, const char *p, size_t n)
{
	if (w->hash && EVP_DigestUpdate(w->md, p, n) != 1)
		return xmlw_fail(w, SEPA_EIO, "could not update the SHA-256");
	if (w->tap != NULL)
		w->tap(w->tap_arg, p, n);
	while (n > 0) {
		ssize_t k = w->write(w->fd, p, n, w->write_arg);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return xmlw_fail(w, SEPA_EIO,
			    "could not write at byte %llu: %s",
			    (unsigned long long)w->bytes, strerror(errno));
		}
		if (k == 0) {
			errno = ENOSPC;
			return xmlw_fail(w, SEPA_EIO,
			    "could not write at byte %llu: %s",
			    (unsigned long long)w->bytes, strerror(errno));
		}
		p += k;
		n -= (size_t)k;
		w->bytes += (uint64_t)k;
	}
	return 0;
}

static int
xmlw_flush(struct xmlw *w)
{
	int rc;

	if (w->failed)
		return w->err.code;
	if (w->len == 0)
		return 0;
	rc = xmlw_emit(w, w->buf, w->len);
	w->len = 0;
	return rc;
}

static int
xmlw_put(struct xmlw *w, const char *s, size_t n)
{
	if (w->failed)
		return w->err.code;
	if (w->cap - w->len < n) {
		if (xmlw_flush(w) != 0)
			return w->err.code;
		if (n > w->cap)
			return xmlw_emit(w, s, n);
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	return 0;
}

void
xmlw_raw(struct xmlw *w, const char *s, size_t n)
{
	xmlw_put(w, s, n);
}

/*
 * What each byte needs in character data (attr 0) or in an attribute
 * value (attr 1, always written between '"'): 0 copy, 1 escape, 2 refuse
 * (control characters XML 1.0 forbids). Tabs and line breaks are kept in
 * character data and written as character references in attributes,
 * where a parser would turn them into spaces; ''' needs no escape there. Bytes >= 0x80 are copied (UTF-8 or ISO-8859-1, as the
 * document declares); the callers pass text already checked or
 * transliterated.
 */
static inline unsigned char
xmlw_class(unsigned char c, int attr)
{
	switch (c) {
	case '&':
	case '<':
	case '>':
	case '"':
		return 1;
	case '\'':
		return attr ? 0 : 1; /* attribute values are in '"' */
	case '\t':
	case '\n':
	case '\r':
		return attr ? 1 : 0;
	default:
		return c < 0x20 || c == 0x7f ? 2 : 0;
	}
}

void
xmlw_text(struct xmlw *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run = p;

	if (w->failed)
		return;
	for (;; p++) {
		unsigned char c = *p;
		const char *rep;
		unsigned char k;
		size_t n;

		if (c == '\0')
			break;
		k = xmlw_class(c, 0);
		if (k == 0)
			continue;
		if (k == 2) {
			xmlw_fail(w, SEPA_EINVAL,
			    "control character 0x%02x cannot be written in XML",
			    c);
			return;
		}
		xmlw_put(w, (const char *)run, (size_t)(p - run));
		rep = xmlw_entity(c, &n);
		xmlw_put(w, rep, n);
		run = p + 1;
	}
	xmlw_put(w, (const char *)run, (size_t)(p - run));
}

static void
xmlw_indent(struct xmlw *w)
{
	size_t ind = xmlw_ind(w);

	xmlw_put(w, "\n", 1);
	xmlw_put(w, xmlw_spaces, ind);
}

static void
xmlw_tag(struct xmlw *w, const char *pre, const char *name)
{
	xmlw_put(w, pre, strlen(pre));
	xmlw_put(w, name, strlen(name));
	xmlw_put(w, ">", 1);
}

/* New line, indentation, then "<name>" or "</name>", in one copy. */
static void
xmlw_line_tag(struct xmlw *w, int close, const char *name)
{
	size_t nl = strlen(name);
	size_t ind = xmlw_ind(w);
	char *p;

	if (w->failed || ind + nl + 4 > w->cap - w->len) {
		xmlw_indent(w);
		xmlw_tag(w, close ? "</" : "<", name);
		return;
	}
	p = w->buf + w->len;
	*p++ = '\n';
	memcpy(p, xmlw_spaces, ind);
	p += ind;
	*p++ = '<';
	if (close)
		*p++ = '/';
	memcpy(p, name, nl);
	p += nl;
	*p++ = '>';
	w->len = (size_t)(p - w->buf);
}

void
xmlw_open(struct xmlw *w, const char *name)
{
	xmlw_line_tag(w, 0, name);
	w->depth++;
}

void
xmlw_close(struct xmlw *w, const char *name)
{
	w->depth--;
	xmlw_line_tag(w, 1, name);
}

/* The escaped form of c in character data (c needs escaping). */
static const char *
xmlw_entity(unsigned char c, size_t *n)
{
	switch (c) {
	case '&':
		*n = 5;
		return "&amp;";
	case '<':
		*n = 4;
		return "&lt;";
	case '>':
		*n = 4;
		return "&gt;";
	case '"':
		*n = 6;
		return "&quot;";
	case '\'':
		*n = 6;
		return "&apos;";
	case '\t':
		*n = 4;
		return "&#9;";
	case '\n':
		*n = 5;
		return "&#10;";
	default:
		*n = 5;
		return "&#13;";
	}
}

/*
 * Copy the tl bytes of text to p, escaped for character data or an
 * attribute value (p has room for 6 * tl bytes). Returns the end, or
 * NULL at a byte XML cannot hold.
 */
static char *
xmlw_escape(char *p, const char *text, size_t tl, int attr)
{
	for (size_t i = 0; i < tl; i++) {
		unsigned char c = (unsigned char)text[i];
		unsigned char k = xmlw_class(c, attr);
		const char *e;
		size_t en;

		if (k == 0) {
			*p++ = (char)c;
			continue;
		}
		if (k == 2)
			return NULL;
		e = xmlw_entity(c, &en);
		memcpy(p, e, en);
		p += en;
	}
	return p;
}

/*
 * Fast path: the whole element fits in the buffer, so it is formatted in
 * place. Returns 0 when done, 1 when the slow path must do it.
 */
static int
xmlw_elem_fast(struct xmlw *w, const char *name, const char *text)
{
	size_t nl = strlen(name);
	size_t tl = strlen(text);
	size_t ind = xmlw_ind(w);
	char *p;

	if (w->failed || ind + 2 * nl + 6 * tl + 8 > w->cap - w->len)
		return 1;
	p = w->buf + w->len;
	*p++ = '\n';
	memcpy(p, xmlw_spaces, ind);
	p += ind;
	*p++ = '<';
	memcpy(p, name, nl);
	p += nl;
	*p++ = '>';
	if ((p = xmlw_escape(p, text, tl, 0)) == NULL)
		return 1; /* the slow path records the failure */
	*p++ = '<';
	*p++ = '/';
	memcpy(p, name, nl);
	p += nl;
	*p++ = '>';
	w->len = (size_t)(p - w->buf);
	return 0;
}

void
xmlw_elem(struct xmlw *w, const char *name, const char *text)
{
	if (xmlw_elem_fast(w, name, text) == 0)
		return;
	xmlw_indent(w);
	xmlw_tag(w, "<", name);
	xmlw_text(w, text);
	xmlw_tag(w, "</", name);
}

/* n in decimal at the end of num; returns its start. */
static char *
xmlw_fmt_long(char num[32], long n)
{
	char *p = num + 31;
	unsigned long v = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (n < 0)
		*--p = '-';
	return p;
}

void
xmlw_elem_long(struct xmlw *w, const char *name, long n)
{
	char num[32];
	const char *p = xmlw_fmt_long(num, n);

	xmlw_indent(w);
	xmlw_tag(w, "<", name);
	xmlw_put(w, p, strlen(p));
	xmlw_tag(w, "</", name);
}

/* cents (>= 0) as "123.45" at the end of num; returns its start. */
static char *
xmlw_fmt_amount(char num[32], int64_t cents)
{
	char *p = num + 31;
	uint64_t v = (uint64_t)cents;
	int i;

	*p = '\0';
	/* Digits right to left: two decimals, a point, then the units. */
	for (i = 0; i < 2; i++) {
		*--p = (char)('0' + v % 10);
		v /= 10;
	}
	*--p = '.';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return p;
}

/* "YYYY-MM-DD" into d (11 bytes); -1 (and w failed) when out of range. */
static int
xmlw_fmt_date(
    struct xmlw *w, const char *name, char d[11], int year, int month, int day)
{
	if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
	    day > 31) {
		xmlw_fail(w, SEPA_EINVAL, "<%s>: date %d-%d-%d out of range",
		    name, year, month, day);
		return -1;
	}
	d[0] = (char)('0' + year / 1000);
	d[1] = (char)('0' + year / 100 % 10);
	d[2] = (char)('0' + year / 10 % 10);
	d[3] = (char)('0' + year % 10);
	d[4] = '-';
	d[5] = (char)('0' + month / 10);
	d[6] = (char)('0' + month % 10);
	d[7] = '-';
	d[8] = (char)('0' + day / 10);
	d[9] = (char)('0' + day % 10);
	d[10] = '\0';
	return 0;
}

void
xmlw_elem_amount(
    struct xmlw *w, const char *name, int64_t cents, const char *ccy)
{
	char num[32];
	char *p;

	if (cents < 0) {
		xmlw_fail(w, SEPA_ERANGE, "negative amount in <%s>", name);
		return;
	}
	p = xmlw_fmt_amount(num, cents);
	xmlw_indent(w);
	xmlw_put(w, "<", 1);
	xmlw_put(w, name, strlen(name));
	if (ccy != NULL) {
		xmlw_put(w, " Ccy=\"", 6);
		xmlw_put(w, ccy, strlen(ccy));
		xmlw_put(w, "\"", 1);
	}
	xmlw_put(w, ">", 1);
	xmlw_put(w, p, strlen(p));
	xmlw_tag(w, "</", name);
}

void
xmlw_elem_date(struct xmlw *w, const char *name, int year, int month, int day)
{
	char d[11];

	if (xmlw_fmt_date(w, name, d, year, month, day) != 0)
		return;
	xmlw_indent(w);
	xmlw_tag(w, "<", name);
	xmlw_put(w, d, 10);
	xmlw_tag(w, "</", name);
}

void
xmlw_leaf(struct xmlw *w, const char *name, const char *attr, const char *value)
{
	size_t nl = strlen(name);
	size_t al = strlen(attr);
	size_t vl = strlen(value);
	size_t ind = xmlw_ind(w);
	char *p, *e;

	if (w->failed)
		return;
	if (ind + nl + al + 6 * vl + 8 > w->cap - w->len &&
	    (xmlw_flush(w) != 0 || ind + nl + al + 6 * vl + 8 > w->cap)) {
		if (!w->failed)
			xmlw_fail(w, SEPA_ELIMIT,
			    "<%s>: value of %zu bytes larger than the buffer",
			    name, vl);
		return;
	}
	p = w->buf + w->len;
	*p++ = '\n';
	memcpy(p, xmlw_spaces, ind);
	p += ind;
	*p++ = '<';
	memcpy(p, name, nl);
	p += nl;
	*p++ = ' ';
	memcpy(p, attr, al);
	p += al;
	*p++ = '=';
	*p++ = '"';
	if ((e = xmlw_escape(p, value, vl, 1)) == NULL) {
		const char *c = value;

		while (xmlw_class((unsigned char)*c, 1) != 2)
			c++;
		xmlw_fail(w, SEPA_EINVAL,
		    "control character 0x%02x cannot be written in XML",
		    (unsigned char)*c);
		return;
	}
	p = e;
	*p++ = '"';
	*p++ = '/';
	*p++ = '>';
	w->len = (size_t)(p - w->buf);
}

void
xmlw_leaf_long(struct xmlw *w, const char *name, const char *attr, long n)
{
	char num[32];

	xmlw_leaf(w, name, attr, xmlw_fmt_long(num, n));
}

void
xmlw_leaf_amount(
    struct xmlw *w, const char *name, const char *attr, int64_t cents)
{
	char num[32];

	if (cents < 0) {
		xmlw_fail(w, SEPA_ERANGE, "negative amount in <%s>", name);
		return;
	}
	xmlw_leaf(w, name, attr, xmlw_fmt_amount(num, cents));
}

void
xmlw_leaf_date(struct xmlw *w, const char *name, const char *attr, int year,
    int month, int day)
{
	char d[11];

	if (xmlw_fmt_date(w, name, d, year, month, day) == 0)
		xmlw_leaf(w, name, attr, d);
}

int
xmlw_finish(struct xmlw *w, char hex[65], sepa_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	hex[0] = '\0';
	xmlw_flush(w);
	if (!w->failed &&
	    (EVP_DigestFinal_ex(w->md, md, &mdlen) != 1 || mdlen != 32))
		xmlw_fail(w, SEPA_EIO, "could not finish the SHA-256");
	if (w->failed) {
		if (err != NULL)
			*err = w->err;
		return w->err.code;
	}
	sepa_sha256_hex(hex, md);
	return 0;
}
