/*
 * iban.c - IBAN normalisation and validation (ISO 13616 MOD 97-10, the
 * per-country length and BBAN structure of the SWIFT IBAN registry, the
 * French RIB key), bank identifier, masking and display.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sepa/iban.h"
#include "internal.h"

#define IBAN_SEPA 0x01 /* in the geographical scope of the SEPA schemes */
#define IBAN_RIB 0x02 /* French BBAN: bank, branch, account, RIB key */

/* Longest input kept for messages; longer IBANs are shown with "...". */
#define IBAN_SHOW_BUFSZ 64

struct iban_country {
	char cc[3];
	unsigned char length; /* whole IBAN, check digits included */
	unsigned char bank_off; /* bank identifier: offset in the BBAN */
	unsigned char bank_len; /* and its length */
	unsigned char flags;
	/*
	 * BBAN structure as in the registry without the '!': a run of
	 * <count><n|a|c>, n digits, a upper-case letters, c letters or digits.
	 */
	const char *bban;
};

/*
 * Every country of the SWIFT IBAN registry (release 102), sorted by code,
 * plus the French overseas codes. The registry files these under FR (their
 * IBANs start with FR); the codes are kept so that they are known SEPA
 * members and so that an IBAN written with them is checked as a French
 * BBAN. SEPA membership follows the EPC list of countries in the schemes'
 * geographical scope, which since 2024-2025 also has AL, MD, ME, MK and RS
 * (still marked "No" in the registry release).
 */
static const struct iban_country iban_countries[] = {
    {"AD", 24, 0, 4, IBAN_SEPA, "4n4n12c"},
    {"AE", 23, 0, 3, 0, "3n16n"},
    {"AL", 28, 0, 3, IBAN_SEPA, "8n16c"},
    {"AT", 20, 0, 5, IBAN_SEPA, "5n11n"},
    {"AZ", 28, 0, 4, 0, "4a20c"},
    {"BA", 20, 0, 3, 0, "3n3n8n2n"},
    {"BE", 16, 0, 3, IBAN_SEPA, "3n7n2n"},
    {"BG", 22, 0, 4, IBAN_SEPA, "4a4n2n8c"},
    {"BH", 22, 0, 4, 0, "4a14c"},
    {"BI", 27, 0, 5, 0, "5n5n11n2n"},
    {"BL", 27, 0, 5, IBAN_SEPA | IBAN_RIB, "5n5n11c2n"},
    {"BR", 29, 0, 8, 0, "8n5n10n1a1c"},
    {"BY", 28, 0, 4, 0, "4c4n16c"},
    {"CH", 21, 0, 5, IBAN_SEPA, "5n12c"},
    {"CR", 22, 0, 4, 0, "4n14n"},
    {"CY", 28, 0, 3, IBAN_SEPA, "3n5n16c"},
    {"CZ", 24, 0, 4, IBAN_SEPA, "4n16n"},
    {"DE", 22, 0, 8, IBAN_SEPA, "8n10n"},
    {"DJ", 27, 0, 5, 0, "5n5n11n2n"},
    {"DK", 18, 0, 4, IBAN_SEPA, "4n9n1n"},
    {"DO", 28, 0, 4, 0, "4c20n"},
    {"EE", 20, 0, 2, IBAN_SEPA, "2n14n"},
    {"EG", 29, 0, 4, 0, "4n4n17n"},
    {"ES", 24, 0, 4, IBAN_SEPA, "4n4n1n1n10n"},
    {"FI", 18, 0, 3, IBAN_SEPA, "3n11n"},
    {"FK", 18, 0, 2, 0, "2a12n"},
    {"FO", 18, 0, 4, 0, "4n9n1n"},
    {"FR", 27, 0, 5, IBAN_SEPA | IBAN_RIB, "5n5n11c2n"},
    {"GB", 22, 0, 4, IBAN_SEPA, "4a6n8n"},
    {"GE", 22, 0, 2, 0, "2a16n"},
    {"GF", 27, 0, 5, IBAN_SEPA | IBAN_RIB, "5n5n11c2n"},
    {"GI", 23, 0, 4, IBAN_SEPA, "4a15c"},
    {"GL", 18, 0, 4, 0, "4n9n1n"},
    {"GP", 27, 0, 5, IBAN_SEPA | IBAN_RIB, "5n5n11c2n"},
    {"GR", 27, 0, 3, IBAN_SEPA, "3n4n16c"},
    {"GT", 28, 0, 4, 0, "4c20c"},
    {"HN", 28, 0, 4, 0, "4a20n"},
    {"HR", 21, 0, 7, IBAN_SEPA, "7n10n"},
    {"HU", 28, 0, 3, IBAN_SEPA, "3n4n1n15n1n"},
    {"IE", 22, 0, 4, IBAN_SEPA, "4a6n8n"},
    {"IL", 23, 0, 3, 0, "3n3n13n"},
    {"IQ", 23, 0, 4, 0, "4a3n12n"},
    {"IS", 26, 0, 2, IBAN_SEPA, "4n2n6n10n"},
    {"IT", 27, 1, 5, IBAN_SEPA, "1a5n5n12c"},
    {"JO", 30, 0, 4, 0, "4a4n18c"},
    {"KW", 30, 0, 4, 0, "4a22c"},
    {"KZ", 20, 0, 3, 0, "3n13c"},
    {"LB", 28, 0, 4, 0, "4n20c"},
    {"LC", 32, 0, 4, 0, "4a24c"},
    {"LI", 21, 0, 5, IBAN_SEPA, "5n12c"},
    {"LT", 20, 0, 5, IBAN_SEPA, "5n11n"},
    {"LU", 20, 0, 3, IBAN_SEPA, "3n13c"},
    {"LV", 21, 0, 4, IBAN_SEPA, "4a13c"},
    {"LY", 25, 0, 3, 0, "3n3n15n"},
    {"MC", 27, 0, 5, IBAN_SEPA | IBAN_RIB, "5n5n11c2n"},
    {"MD", 24, 0, 2, IBAN_SEPA, "2c18c"},
    {"ME", 22, 0, 3, IBAN_SEPA, "3n13n2n"},
    {"MF", 27, 0, 5, IBAN_SEPA | IBAN_RIB, "5n5n11c2n"},
    {"MK", 19, 0, 3, IBAN_SEPA, "3n10c2n"},
    {"MN", 20, 0, 4, 0, "4n12n"},
    {"MQ", 27, 0, 5, IBAN_SEPA | IBAN_RIB, "5n5n11c2n"},
    {"MR", 27, 0, 5, 0, "5n5n11n2n"},
    {"MT", 31, 0, 4, IBAN_SEPA, "4a5n18c"},
    {"MU", 30, 0, 6, 0, "4a2n2n12n3n3a"},
    {"NC", 27, 0, 5, IBAN_RIB, "5n5n11c2n"},
    {"NI", 28, 0, 4, 0, "4a20n"},
    {"NL", 18, 0, 4, IBAN_SEPA, "4a10n"},
    {"NO", 15, 0, 4, IBAN_SEPA, "4n6n1n"},
    {"OM", 23, 0, 3, 0, "3n16c"},
    {"PF", 27, 0, 5, IBAN_RIB, "5n5n11c2n"},
    {"PK", 24, 0, 4, 0, "4a16c"},
    {"PL", 28, 0, 8, IBAN_SEPA, "8n16n"},
    {"PM", 27, 0, 5, IBAN_SEPA | IBAN_RIB, "5n5n11c2n"},
    {"PS", 29, 0, 4, 0, "4a21c"},
    {"PT", 25, 0, 4, IBAN_SEPA, "4n4n11n2n"},
    {"QA", 29, 0, 4, 0, "4a21c"},
    {"RE", 27, 0, 5, IBAN_SEPA | IBAN_RIB, "5n5n11c2n"},
    {"RO", 24, 0, 4, IBAN_SEPA, "4a16c"},
    {"RS", 22, 0, 3, IBAN_SEPA, "3n13n2n"},
    {"RU", 33, 0, 9, 0, "9n5n15c"},
    {"SA", 24, 0, 2, 0, "2n18c"},
    {"SC", 31, 0, 6, 0, "4a2n2n16n3a"},
    {"SD", 18, 0, 2, 0, "2n12n"},
    {"SE", 24, 0, 3, IBAN_SEPA, "3n16n1n"},
    {"SI", 19, 0, 5, IBAN_SEPA, "5n8n2n"},
    {"SK", 24, 0, 4, IBAN_SEPA, "4n6n10n"},
    {"SM", 27, 1, 5, IBAN_SEPA, "1a5n5n12c"},
    {"SO", 23, 0, 4, 0, "4n3n12n"},
    {"ST", 25, 0, 4, 0, "4n4n11n2n"},
    {"SV", 28, 0, 4, 0, "4a20n"},
    {"TF", 27, 0, 5, IBAN_RIB, "5n5n11c2n"},
    {"TL", 23, 0, 3, 0, "3n14n2n"},
    {"TN", 24, 0, 2, 0, "2n3n13n2n"},
    {"TR", 26, 0, 5, 0, "5n1n16c"},
    {"UA", 29, 0, 6, 0, "6n19c"},
    {"VA", 22, 0, 3, IBAN_SEPA, "3n15n"},
    {"VG", 24, 0, 4, 0, "4a16n"},
    {"WF", 27, 0, 5, IBAN_RIB, "5n5n11c2n"},
    {"XK", 20, 0, 2, 0, "4n10n2n"},
    {"YE", 30, 0, 4, 0, "4a4n18c"},
    {"YT", 27, 0, 5, IBAN_SEPA | IBAN_RIB, "5n5n11c2n"},
};

#define IBAN_NCOUNTRIES (sizeof(iban_countries) / sizeof(iban_countries[0]))

static const struct iban_country *iban_find(const char *cc);
static void iban_show(char *out, size_t size, const char *s, size_t len);
static unsigned iban_rib_value(int c);
static int iban_check_bban(const struct iban_country *ctry, const char *iban,
    const char *show, sepa_error *err);
static int iban_check_rib(const char *iban, const char *show, sepa_error *err);
static int iban_check(
    const char *iban, size_t len, size_t bad, int badc, sepa_error *err);
static const struct iban_country *iban_find_code(const char *cc);
static int iban_display_char(int c);

/* Binary search of the country table; cc need not be NUL-terminated. */
static const struct iban_country *
iban_find(const char *cc)
{
	size_t lo = 0, hi = IBAN_NCOUNTRIES;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = memcmp(cc, iban_countries[mid].cc, 2);

		if (d == 0)
			return &iban_countries[mid];
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * The IBAN as shown in messages: masked as sepa_iban_mask does
 * ("FR76****0188"). Messages end up in logs, in the daemon's rejected/
 * and on the screens of people who may not see a family's account; even a
 * mistyped IBAN is one character away from the real one. The position
 * and the reason in the message say what to fix.
 */
static void
iban_show(char *out, size_t size, const char *s, size_t len)
{
	char copy[IBAN_SHOW_BUFSZ], mask[SEPA_IBAN_MASK_BUFSZ];
	size_t n = 0;

	while (n < len && n + 1 < sizeof(copy) && s[n] != '\0') {
		copy[n] = s[n];
		n++;
	}
	copy[n] = '\0';
	snprintf(out, size, "%s", sepa_iban_mask(mask, copy));
}

/* Digit value of a character of a French account number (docs/sepa.md). */
static unsigned
iban_rib_value(int c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'A' && c <= 'I')
		return (unsigned)(c - 'A' + 1); /* A=1 ... I=9 */
	if (c >= 'J' && c <= 'R')
		return (unsigned)(c - 'J' + 1); /* J=1 ... R=9 */
	return (unsigned)(c - 'S' + 2); /* S=2 ... Z=9 */
}

/* Check the BBAN of iban (length already right) against its structure. */
static int
iban_check_bban(const struct iban_country *ctry, const char *iban,
    const char *show, sepa_error *err)
{
	const char *f = ctry->bban;
	size_t pos = 4;

	while (*f != '\0') {
		unsigned count = 0;
		char kind;

		while (*f >= '0' && *f <= '9')
			count = count * 10 + (unsigned)(*f++ - '0');
		kind = *f++;
		for (unsigned i = 0; i < count; i++, pos++) {
			int c = (unsigned char)iban[pos];

			if (kind == 'n' && !(c >= '0' && c <= '9'))
				return sepa_error_set(err, SEPA_EINVAL,
				    "IBAN %s: character '%c' at position %zu "
				    "must be a digit in a %s IBAN",
				    show, c, pos + 1, ctry->cc);
			if (kind == 'a' && !(c >= 'A' && c <= 'Z'))
				return sepa_error_set(err, SEPA_EINVAL,
				    "IBAN %s: character '%c' at position %zu "
				    "must be a letter in a %s IBAN",
				    show, c, pos + 1, ctry->cc);
		}
	}
	return 0;
}

/*
 * French RIB key: bank(5) branch(5) account(11) key(2) and
 * key = 97 - ((89 * bank + 15 * branch + 3 * account) mod 97),
 * each part reduced mod 97 first so that nothing overflows.
 */
static int
iban_check_rib(const char *iban, const char *show, sepa_error *err)
{
	const char *bban = iban + 4;
	unsigned bank = 0, branch = 0, account = 0, key, expected;

	for (size_t i = 0; i < 5; i++)
		bank = (bank * 10 + iban_rib_value(bban[i])) % 97;
	for (size_t i = 5; i < 10; i++)
		branch = (branch * 10 + iban_rib_value(bban[i])) % 97;
	for (size_t i = 10; i < 21; i++)
		account = (account * 10 + iban_rib_value(bban[i])) % 97;
	expected = 97 - (89 * bank + 15 * branch + 3 * account) % 97;
	key = (unsigned)(bban[21] - '0') * 10 + (unsigned)(bban[22] - '0');
	if (key != expected)
		return sepa_error_set(err, SEPA_EINVAL,
		    "IBAN %s: RIB key %02u does not match account "
		    "(expected %02u)",
		    show, key, expected);
	return 0;
}

/*
 * Validate the normalised IBAN `iban` of length len (the buffer holds less
 * when len is over the maximum). `bad` is the index of the first character
 * that is not A-Z or 0-9 (SIZE_MAX if none) and badc that character.
 */
static int
iban_check(const char *iban, size_t len, size_t bad, int badc, sepa_error *err)
{
	char show[IBAN_SHOW_BUFSZ];
	const struct iban_country *ctry;
	unsigned r;

	if (len == 0)
		return sepa_error_set(err, SEPA_EINVAL, "IBAN is empty");
	iban_show(show, sizeof(show), iban, len);
	if (bad != SIZE_MAX) {
		int c = badc;

		if (c == ' ' || c == '\t')
			return sepa_error_set(err, SEPA_EINVAL,
			    "IBAN %s: %s at position %zu", show,
			    c == ' ' ? "space" : "tab", bad + 1);
		if (c >= 0x21 && c <= 0x7e)
			return sepa_error_set(err, SEPA_EINVAL,
			    "IBAN %s: character '%c' at position %zu is not "
			    "A-Z or 0-9",
			    show, c, bad + 1);
		return sepa_error_set(err, SEPA_EINVAL,
		    "IBAN %s: byte 0x%02X at position %zu is not A-Z or 0-9",
		    show, (unsigned)c, bad + 1);
	}
	if (len > SEPA_IBAN_MAX)
		return sepa_error_set(err, SEPA_EINVAL,
		    "IBAN %s: length %zu, an IBAN has at most %d characters",
		    show, len, SEPA_IBAN_MAX);
	if (len < 2 || !(iban[0] >= 'A' && iban[0] <= 'Z') ||
	    !(iban[1] >= 'A' && iban[1] <= 'Z'))
		return sepa_error_set(err, SEPA_EINVAL,
		    "IBAN %s: does not start with a two-letter country code",
		    show);
	ctry = iban_find(iban);
	if (ctry == NULL)
		return sepa_error_set(err, SEPA_EINVAL,
		    "IBAN %s: unknown country code %.2s", show, iban);
	if (len != ctry->length)
		return sepa_error_set(err, SEPA_EINVAL,
		    "IBAN %s: length %zu, %s IBANs have %u characters", show,
		    len, ctry->cc, (unsigned)ctry->length);
	if (!(iban[2] >= '0' && iban[2] <= '9') ||
	    !(iban[3] >= '0' && iban[3] <= '9'))
		return sepa_error_set(err, SEPA_EINVAL,
		    "IBAN %s: check digits %.2s are not numeric", show,
		    iban + 2);
	if (iban_check_bban(ctry, iban, show, err) != 0)
		return SEPA_EINVAL;
	/* ISO 13616 check digits are 02 to 98; 00, 01, 99 alias 97, 98, 02. */
	if (memcmp(iban + 2, "00", 2) == 0 || memcmp(iban + 2, "01", 2) == 0 ||
	    memcmp(iban + 2, "99", 2) == 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "IBAN %s: check digits %.2s are out of range (02 to 98)",
		    show, iban + 2);
	r = sepa_mod97(iban + 4, len - 4, 0);
	r = sepa_mod97(iban, 4, r);
	if (r != 1)
		return sepa_error_set(err, SEPA_EINVAL,
		    "IBAN %s: check digits do not match", show);
	if ((ctry->flags & IBAN_RIB) != 0 &&
	    iban_check_rib(iban, show, err) != 0)
		return SEPA_EINVAL;
	return 0;
}

int
sepa_iban_parse(char *out, const char *in, sepa_error *err)
{
	char buf[IBAN_SHOW_BUFSZ];
	size_t len, bad;
	int badc;

	/* in is read in full before out is written: they may be the same */
	if (in == NULL) {
		out[0] = '\0';
		return sepa_error_set(err, SEPA_EINVAL, "IBAN is empty");
	}
	len = sepa_normalise_code(buf, sizeof(buf), in, 1, &bad, &badc);
	if (iban_check(buf, len, bad, badc, err) != 0) {
		out[0] = '\0';
		return SEPA_EINVAL;
	}
	memcpy(out, buf, len + 1);
	return 0;
}

int
sepa_iban_validate(const char *iban, sepa_error *err)
{
	char buf[IBAN_SHOW_BUFSZ];
	size_t len, bad;
	int badc;

	if (iban == NULL)
		return sepa_error_set(err, SEPA_EINVAL, "IBAN is empty");
	len = sepa_normalise_code(buf, sizeof(buf), iban, 0, &bad, &badc);
	return iban_check(buf, len, bad, badc, err);
}

/* Table entry of a two-letter code given in either case, or NULL. */
static const struct iban_country *
iban_find_code(const char *cc)
{
	char up[2];

	if (cc == NULL || cc[0] == '\0' || cc[1] == '\0' || cc[2] != '\0')
		return NULL;
	for (size_t i = 0; i < 2; i++) {
		int c = (unsigned char)cc[i];

		if (c >= 'a' && c <= 'z')
			c = c - 'a' + 'A';
		if (!(c >= 'A' && c <= 'Z'))
			return NULL;
		up[i] = (char)c;
	}
	return iban_find(up);
}

int
sepa_iban_is_sepa_country(const char *cc)
{
	const struct iban_country *ctry = iban_find_code(cc);

	return ctry != NULL && (ctry->flags & IBAN_SEPA) != 0;
}

int
sepa_iban_country_length(const char *cc)
{
	const struct iban_country *ctry = iban_find_code(cc);

	return ctry != NULL ? ctry->length : 0;
}

int
sepa_iban_bank_id(char *out, const char *iban, sepa_error *err)
{
	const struct iban_country *ctry;
	int rc;

	out[0] = '\0';
	if ((rc = sepa_iban_validate(iban, err)) != 0)
		return rc;
	ctry = iban_find(iban);
	/* Every table entry has a position; kept for a future entry without. */
	if (ctry == NULL || ctry->bank_len == 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "IBAN %.2s: position of the bank identifier unknown", iban);
	memcpy(out, iban, 2);
	memcpy(out + 2, iban + 4 + ctry->bank_off, ctry->bank_len);
	out[2 + ctry->bank_len] = '\0';
	return 0;
}

int
sepa_iban_same_bank(const char *a, const char *b)
{
	char na[SEPA_IBAN_BUFSZ], nb[SEPA_IBAN_BUFSZ];
	char ba[SEPA_IBAN_BANK_BUFSZ], bb[SEPA_IBAN_BANK_BUFSZ];

	if (sepa_iban_parse(na, a, NULL) != 0 ||
	    sepa_iban_parse(nb, b, NULL) != 0 ||
	    sepa_iban_bank_id(ba, na, NULL) != 0 ||
	    sepa_iban_bank_id(bb, nb, NULL) != 0)
		return 0;
	return strcmp(ba, bb) == 0;
}

/*
 * A character of an IBAN for display: -1 for spaces and tabs (skipped),
 * letters upper-cased, anything but A-Z 0-9 shown as '?' so that a log
 * line never gets a control character from the input.
 */
static int
iban_display_char(int c)
{
	if (c == ' ' || c == '\t')
		return -1;
	if (c >= 'a' && c <= 'z')
		c = c - 'a' + 'A';
	return sepa_is_upper_alnum(c) ? c : '?';
}

char *
sepa_iban_mask(char *out, const char *iban)
{
	size_t total = 0, i = 0;

	for (const char *p = iban; p != NULL && *p != '\0'; p++)
		if (iban_display_char((unsigned char)*p) >= 0)
			total++;
	if (total < 8) {
		/* Too short to show a part without giving it all away. */
		memcpy(out, "****", 5);
		return out;
	}
	memcpy(out + 4, "****", 4);
	for (const char *p = iban; *p != '\0'; p++) {
		int c = iban_display_char((unsigned char)*p);

		if (c < 0)
			continue;
		if (i < 4)
			out[i] = (char)c;
		else if (i >= total - 4)
			out[8 + i - (total - 4)] = (char)c;
		i++;
	}
	out[12] = '\0';
	return out;
}

/* 1 for the characters an IBAN is written with: A-Z, a-z, 0-9. */
static int
iban_text_alnum(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9');
}

/*
 * Mask the IBAN whose first character is text[start], if there is one:
 * its characters, possibly in groups separated by single spaces, as many
 * as its country's IBANs have, ending at the end of a word. Returns the
 * number of bytes written in its place, 0 when there is none.
 */
static size_t
iban_text_mask_at(char *text, size_t start)
{
	size_t end[SEPA_IBAN_MAX + 1]; /* end[k]: byte after the k-th char */
	char iban[SEPA_IBAN_BUFSZ], mask[SEPA_IBAN_MASK_BUFSZ];
	size_t k = 0, i = start, len, mlen, want;
	char c2;

	while (k < SEPA_IBAN_MAX) {
		if (iban_text_alnum((unsigned char)text[i])) {
			iban[k] = text[i];
			if (iban[k] >= 'a' && iban[k] <= 'z')
				iban[k] = (char)(iban[k] - 'a' + 'A');
			end[++k] = ++i;
		} else if (text[i] == ' ' &&
		    iban_text_alnum((unsigned char)text[i + 1])) {
			i++;
		} else {
			break;
		}
		/* a country code, then check digits, or nothing to look at */
		if ((k == 2 &&
		        !(iban[0] >= 'A' && iban[0] <= 'Z' && iban[1] >= 'A' &&
		            iban[1] <= 'Z')) ||
		    (k == 4 &&
		        !(iban[2] >= '0' && iban[2] <= '9' && iban[3] >= '0' &&
		            iban[3] <= '9')))
			return 0;
	}
	if (k < 4)
		return 0;
	c2 = iban[2];
	iban[2] = '\0';
	want = (size_t)sepa_iban_country_length(iban);
	iban[2] = c2;
	/* the IBAN must end where a word ends */
	if (want == 0 || k < want ||
	    iban_text_alnum((unsigned char)text[end[want]]))
		return 0;
	iban[want] = '\0';
	if (sepa_iban_validate(iban, NULL) != 0)
		return 0;
	sepa_iban_mask(mask, iban);
	mlen = strlen(mask);
	len = strlen(text + end[want]);
	/* The masked form is never longer than the IBAN. */
	memcpy(text + start, mask, mlen);
	memmove(text + start + mlen, text + end[want], len + 1);
	return mlen;
}

char *
sepa_iban_mask_text(char *text)
{
	size_t i = 0;

	if (text == NULL)
		return text;
	while (text[i] != '\0') {
		size_t n;

		if (!iban_text_alnum((unsigned char)text[i]) ||
		    (i > 0 && iban_text_alnum((unsigned char)text[i - 1]))) {
			i++;
			continue;
		}
		n = iban_text_mask_at(text, i);
		i += n > 0 ? n : 1;
	}
	return text;
}

char *
sepa_iban_display(char *out, const char *iban)
{
	size_t n = 0, i = 0;

	for (const char *p = iban; p != NULL && *p != '\0'; p++) {
		int c = iban_display_char((unsigned char)*p);

		if (c < 0)
			continue;
		if (i == SEPA_IBAN_MAX)
			break;
		if (i > 0 && i % 4 == 0)
			out[n++] = ' ';
		out[n++] = (char)c;
		i++;
	}
	out[n] = '\0';
	return out;
}
