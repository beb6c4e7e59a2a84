/*
 * noiban.h - the end-to-end tests' check that a text (a program's output,
 * a log, a file) shows no full IBAN.
 */
#ifndef SEPAD_NOIBAN_H
#define SEPAD_NOIBAN_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/iban.h"

/*
 * IBANs of the fixtures that are not valid: a mistyped IBAN is one
 * character away from a family's, so it must not show either. Valid
 * ones are found whatever they are.
 */
static const char *const noiban_typos[] = {
    "FR7630006000011234567890188", /* bad_iban.csv, the planted account */
};

static inline int
noiban_alnum(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9');
}

/*
 * Fail when `text` holds a full IBAN: a valid one (in one word or in
 * groups separated by spaces, in either case) or one of the typos.
 */
static inline void
no_iban(const char *what, const char *text)
{
	size_t len = strlen(text), n = 0;
	char *flat = malloc(len + 1);

	cr_assert_not_null(flat);
	for (size_t i = 0; i < len; i++) {
		char c[SEPA_IBAN_BUFSZ];
		size_t k = 0;

		if (text[i] != ' ')
			flat[n++] = (char)(text[i] >= 'a' && text[i] <= 'z'
			        ? text[i] - 'a' + 'A'
			        : text[i]);
		if (!noiban_alnum((unsigned char)text[i]) ||
		    (i > 0 && noiban_alnum((unsigned char)text[i - 1])))
			continue;
		for (size_t j = i; j < len && k < SEPA_IBAN_MAX; j++) {
			if (text[j] == ' ')
				continue;
			if (!noiban_alnum((unsigned char)text[j]))
				break;
			c[k++] = (char)(text[j] >= 'a' && text[j] <= 'z'
			        ? text[j] - 'a' + 'A'
			        : text[j]);
			c[k] = '\0';
			cr_assert(k < 15 || sepa_iban_validate(c, NULL) != 0,
			    "%s shows the IBAN %s:\n%s", what, c, text);
		}
	}
	flat[n] = '\0';
	for (size_t i = 0; i < sizeof(noiban_typos) / sizeof(noiban_typos[0]);
	     i++)
		cr_assert_null(strstr(flat, noiban_typos[i]),
		    "%s shows %s:\n%s", what, noiban_typos[i], text);
	free(flat);
}

#endif /* SEPAD_NOIBAN_H */
