/*
 * reportline.h - the end-to-end tests read a figure of `sepactl report`'s
 * text: the line "  LABEL   COUNT   AMOUNT" of a table.
 */
#ifndef SEPAD_REPORTLINE_H
#define SEPAD_REPORTLINE_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The count of the line that starts with LABEL (after the two spaces of
 * a table), and its amount in cents into *cents (NULL: not wanted; the
 * line must have one then). Fails the test when there is no such line.
 */
static inline long
reportline(const char *out, const char *label, int64_t *cents)
{
	char key[256], *end;
	const char *p;
	long n, euros, c;
	int neg;

	snprintf(key, sizeof(key), "\n  %s  ", label);
	p = strstr(out, key);
	cr_assert_not_null(p, "no line \"%s\" in:\n%s", label, out);
	p += strlen(key);
	n = strtol(p, &end, 10);
	cr_assert(end != p, "no count on the line \"%s\"", label);
	if (cents == NULL)
		return n;
	/* "1 234,56 €": thousands by U+00A0 or U+202F, in UTF-8 */
	euros = 0;
	p = end;
	while (*p == ' ')
		p++;
	neg = *p == '-';
	p += neg;
	for (;; p++) {
		if (*p >= '0' && *p <= '9')
			euros = euros * 10 + (*p - '0');
		else if (strncmp(p, "\xe2\x80\xaf", 3) == 0)
			p += 2;
		else
			break;
	}
	cr_assert(*p == ',', "no amount on the line \"%s\": %s", label, p);
	c = strtol(p + 1, NULL, 10);
	*cents = ((int64_t)euros * 100 + c) * (neg ? -1 : 1);
	return n;
}

#endif /* SEPAD_REPORTLINE_H */
