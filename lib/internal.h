/*
 * internal.h - helpers shared inside lib/ (never installed).
 */
#ifndef SEPA_INTERNAL_H
#define SEPA_INTERNAL_H

#include <libintl.h>
#include <stddef.h>
#include <stdint.h>

#include "sepa/error.h"

/* A message of lib in the text domain of its programs (error.h); the
 * message formats of sepa_error_set are translated there already. */
#define L_(s) dgettext(SEPA_TEXT_DOMAIN, s)
#define LN_(s, p, n) dngettext(SEPA_TEXT_DOMAIN, s, p, n)
/* A message in a table, translated with L_ where it is used. */
#define LM_(s) (s)

/*
 * 1 when c is in the SEPA Latin character set:
 * a-z A-Z 0-9 / - ? : ( ) . , ' + and space.
 */
static inline int
sepa_is_latin_char(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	switch (c) {
	case '/':
	case '-':
	case '?':
	case ':':
	case '(':
	case ')':
	case '.':
	case ',':
	case '\'':
	case '+':
	case ' ':
		return 1;
	default:
		return 0;
	}
}

/*
 * ISO 7064 MOD 97-10 remainder of r followed by the len characters of s
 * (0-9 as digits, A-Z as 10-35), computed a digit at a time: no bignum.
 * s holds only 0-9 and A-Z. Start with r = 0.
 */
static inline unsigned
sepa_mod97(const char *s, size_t len, unsigned r)
{
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c >= '0' && c <= '9')
			r = (r * 10 + (unsigned)(c - '0')) % 97;
		else
			r = (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
	}
	return r;
}

/* 1 for A-Z and 0-9: the characters of IBANs, BICs and ICS. */
static inline int
sepa_is_upper_alnum(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/*
 * Copy `in` into buf (size bytes, NUL-terminated, longer input cut) and
 * return its length, which may exceed what buf holds. When `lenient`,
 * spaces and tabs are dropped and letters upper-cased. *bad receives the
 * index (in the normalised text) of the first character that is not A-Z
 * or 0-9, or SIZE_MAX, and *badc that character; such characters are
 * stored as '?' unless printable (a space is not). Shared by the IBAN,
 * BIC and ICS parsers.
 */
static inline size_t
sepa_normalise_code(
    char *buf, size_t size, const char *in, int lenient, size_t *bad, int *badc)
{
	size_t n = 0;

	*bad = SIZE_MAX;
	*badc = 0;
	for (const char *p = in; *p != '\0'; p++) {
		int c = (unsigned char)*p;

		if (lenient && (c == ' ' || c == '\t'))
			continue;
		if (lenient && c >= 'a' && c <= 'z')
			c = c - 'a' + 'A';
		if (!sepa_is_upper_alnum(c)) {
			if (*bad == SIZE_MAX) {
				*bad = n;
				*badc = c;
			}
			if (c <= 0x20 || c > 0x7e)
				c = '?';
		}
		if (n + 1 < size)
			buf[n] = (char)c;
		n++;
	}
	buf[n + 1 < size ? n : size - 1] = '\0';
	return n;
}

#endif /* SEPA_INTERNAL_H */
