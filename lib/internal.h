/*
 * internal.h - helpers shared inside lib/ (never installed).
 */
#ifndef SEPA_INTERNAL_H
#define SEPA_INTERNAL_H

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

#endif /* SEPA_INTERNAL_H */
