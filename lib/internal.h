/*
 * internal.h - helpers shared inside lib/ (never installed).
 */
#ifndef SEPA_INTERNAL_H
#define SEPA_INTERNAL_H

#include <stddef.h>

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

#endif /* SEPA_INTERNAL_H */
