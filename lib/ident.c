/*
 * ident.c - BIC (ISO 9362, the two XSD patterns), creditor identifier
 * (ICS, EPC262-08) and SEPA references (Max35Text, Latin set, slashes).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sepa/iban.h"
#include "sepa/ident.h"
#include "internal.h"

/* Room for the shown form of an identifier: 35 characters and "...". */
#define IDENT_SHOW_BUFSZ (SEPA_ID_MAX + 4)
/* Normalised input kept for messages (longer input is cut). */
#define IDENT_NORM_BUFSZ 64

static int ident_is_upper(int c);
static int ident_is_digit(int c);
static void ident_show(char *out, size_t size, const char *s, size_t len);
static int ident_bad_char(
    sepa_error *err, const char *what, const char *show, size_t pos, int c);
static int bic_check(const char *bic, size_t len, enum sepa_bic_rule rule,
    const char *show, sepa_error *err);
static unsigned cid_check_digits(const char *cid, size_t len);
static int cid_check(const char *cid, size_t len, size_t bad, int badc,
    int verify, sepa_error *err);
static long id_utf8_char(const unsigned char *p);

static int
ident_is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static int
ident_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* s as shown in a message: at most 35 characters, then "...". */
static void
ident_show(char *out, size_t size, const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && i < SEPA_ID_MAX && s[i] != '\0'; i++) {
		int c = (unsigned char)s[i];

		if (n + 1 < size)
			out[n++] = (char)(c < 0x20 || c > 0x7e ? '?' : c);
	}
	if (len > SEPA_ID_MAX)
		for (const char *e = "..."; *e != '\0' && n + 1 < size; e++)
			out[n++] = *e;
	out[n] = '\0';
}

/* The message for a character that is not A-Z or 0-9 (pos from 0). */
static int
ident_bad_char(
    sepa_error *err, const char *what, const char *show, size_t pos, int c)
{
	if (c > 0x20 && c <= 0x7e)
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s %s: character '%c' at position %zu is not A-Z or 0-9",
		    what, show, c, pos + 1);
	return sepa_error_set(err, SEPA_EINVAL,
	    "%s %s: byte 0x%02X at position %zu is not A-Z or 0-9", what, show,
	    (unsigned)c, pos + 1);
}

/* ------------------------------------------------------------------ BIC */

/* Check a normalised BIC of 8 or 11 characters A-Z 0-9 against rule. */
static int
bic_check(const char *bic, size_t len, enum sepa_bic_rule rule,
    const char *show, sepa_error *err)
{
	const char *pattern =
	    rule == SEPA_BIC_2009 ? "pain.008.001.02" : "pain.008.001.08";

	if (len != 8 && len != 11)
		return sepa_error_set(err, SEPA_EINVAL,
		    "BIC %s: length %zu, a BIC has 8 or 11 characters", show,
		    len);
	/* 2009: the institution code is letters only */
	for (size_t i = 0; rule == SEPA_BIC_2009 && i < 4; i++)
		if (!ident_is_upper((unsigned char)bic[i]))
			return sepa_error_set(err, SEPA_EINVAL,
			    "BIC %s: character '%c' at position %zu must be a "
			    "letter (institution code, %s pattern)",
			    show, bic[i], i + 1, pattern);
	for (size_t i = 4; i < 6; i++)
		if (!ident_is_upper((unsigned char)bic[i]))
			return sepa_error_set(err, SEPA_EINVAL,
			    "BIC %s: character '%c' at position %zu must be a "
			    "letter (country code)",
			    show, bic[i], i + 1);
	if (rule == SEPA_BIC_2009) {
		/* location code [A-Z2-9][A-NP-Z0-9] */
		if (bic[6] == '0' || bic[6] == '1')
			return sepa_error_set(err, SEPA_EINVAL,
			    "BIC %s: character '%c' at position 7 is not "
			    "allowed in a location code (%s pattern)",
			    show, bic[6], pattern);
		if (bic[7] == 'O')
			return sepa_error_set(err, SEPA_EINVAL,
			    "BIC %s: character 'O' at position 8 is not "
			    "allowed in a location code (%s pattern)",
			    show, pattern);
	}
	return 0;
}

int
sepa_bic_parse(
    char *out, const char *in, enum sepa_bic_rule rule, sepa_error *err)
{
	char buf[IDENT_NORM_BUFSZ], show[IDENT_SHOW_BUFSZ];
	size_t len = 0, bad;
	int badc, rc;

	/* in is read in full before out is written: they may be the same */
	if (rule != SEPA_BIC_2019 && rule != SEPA_BIC_2009)
		rc = sepa_error_set(
		    err, SEPA_EINVAL, "BIC rule %d unknown", (int)rule);
	else if (in == NULL ||
	    (len = sepa_normalise_code(buf, sizeof(buf), in, 1, &bad, &badc)) ==
	        0)
		rc = sepa_error_set(err, SEPA_EINVAL, "BIC is empty");
	else {
		ident_show(show, sizeof(show), buf, len);
		if (bad != SIZE_MAX)
			rc = ident_bad_char(err, "BIC", show, bad, badc);
		else
			rc = bic_check(buf, len, rule, show, err);
	}
	if (rc != 0) {
		out[0] = '\0';
		return rc;
	}
	memcpy(out, buf, len + 1);
	return 0;
}

/* ------------------------------------------------------------------ ICS */

/*
 * Check digits of a creditor identifier (at least 8 characters, A-Z 0-9):
 * 98 - (national identifier, country, "00") mod 97; the business code in
 * positions 5-7 is left out.
 */
static unsigned
cid_check_digits(const char *cid, size_t len)
{
	unsigned r;

	r = sepa_mod97(cid + 7, len - 7, 0);
	r = sepa_mod97(cid, 2, r);
	r = sepa_mod97("00", 2, r);
	return 98 - r;
}

/*
 * Validate the normalised creditor identifier cid of length len (the
 * buffer holds less when len is over the maximum); the check digits only
 * when `verify`. bad and badc as from sepa_normalise_code.
 */
static int
cid_check(const char *cid, size_t len, size_t bad, int badc, int verify,
    sepa_error *err)
{
	char show[IDENT_SHOW_BUFSZ];
	unsigned given;

	if (len == 0)
		return sepa_error_set(err, SEPA_EINVAL, "ICS is empty");
	ident_show(show, sizeof(show), cid, len);
	if (bad != SIZE_MAX)
		return ident_bad_char(err, "ICS", show, bad, badc);
	if (len > SEPA_CID_MAX)
		return sepa_error_set(err, SEPA_EINVAL,
		    "ICS %s: length %zu, an ICS has at most %d characters",
		    show, len, SEPA_CID_MAX);
	if (len < 2 || !ident_is_upper((unsigned char)cid[0]) ||
	    !ident_is_upper((unsigned char)cid[1]))
		return sepa_error_set(err, SEPA_EINVAL,
		    "ICS %s: does not start with a two-letter country code",
		    show);
	if (!sepa_iban_is_sepa_country((char[3]){cid[0], cid[1], '\0'}))
		return sepa_error_set(err, SEPA_EINVAL,
		    "ICS %s: country %.2s is not in SEPA", show, cid);
	if (memcmp(cid, "FR", 2) == 0 && len != 13)
		return sepa_error_set(err, SEPA_EINVAL,
		    "ICS %s: length %zu, a French ICS has 13 characters", show,
		    len);
	if (len < 8)
		return sepa_error_set(err, SEPA_EINVAL,
		    "ICS %s: length %zu, an ICS has at least 8 characters "
		    "(country, check digits, business code, national "
		    "identifier)",
		    show, len);
	if (!ident_is_digit((unsigned char)cid[2]) ||
	    !ident_is_digit((unsigned char)cid[3]))
		return sepa_error_set(err, SEPA_EINVAL,
		    "ICS %s: check digits %.2s are not numeric", show, cid + 2);
	given = (unsigned)(cid[2] - '0') * 10 + (unsigned)(cid[3] - '0');
	if (verify && given != cid_check_digits(cid, len))
		return sepa_error_set(err, SEPA_EINVAL,
		    "ICS %s: check digits do not match", show);
	return 0;
}

int
sepa_cid_parse(char *out, const char *in, sepa_error *err)
{
	char buf[IDENT_NORM_BUFSZ];
	size_t len, bad;
	int badc;

	/* in is read in full before out is written: they may be the same */
	if (in == NULL) {
		out[0] = '\0';
		return sepa_error_set(err, SEPA_EINVAL, "ICS is empty");
	}
	len = sepa_normalise_code(buf, sizeof(buf), in, 1, &bad, &badc);
	if (cid_check(buf, len, bad, badc, 1, err) != 0) {
		out[0] = '\0';
		return SEPA_EINVAL;
	}
	memcpy(out, buf, len + 1);
	return 0;
}

int
sepa_cid_make(char *out, const char *country, const char *business_code,
    const char *national_id, sepa_error *err)
{
	char raw[3 * IDENT_NORM_BUFSZ], buf[IDENT_NORM_BUFSZ];
	size_t len, bad;
	unsigned check;
	int badc;

	out[0] = '\0';
	if (country == NULL || strlen(country) != 2)
		return sepa_error_set(
		    err, SEPA_EINVAL, "ICS country code must have 2 letters");
	if (business_code == NULL || business_code[0] == '\0')
		business_code = "ZZZ";
	if (strlen(business_code) != 3)
		return sepa_error_set(err, SEPA_EINVAL,
		    "ICS business code must have 3 characters");
	if (national_id == NULL || national_id[0] == '\0')
		return sepa_error_set(
		    err, SEPA_EINVAL, "ICS national identifier is empty");
	if (strlen(national_id) >= IDENT_NORM_BUFSZ)
		return sepa_error_set(err, SEPA_EINVAL,
		    "ICS national identifier is %zu characters long, at most "
		    "%d allowed",
		    strlen(national_id), SEPA_CID_MAX - 7);
	/* country, "00" for now, business code, national identifier */
	memcpy(raw, country, 2);
	memcpy(raw + 2, "00", 2);
	memcpy(raw + 4, business_code, 3);
	memcpy(raw + 7, national_id, strlen(national_id) + 1);
	len = sepa_normalise_code(buf, sizeof(buf), raw, 1, &bad, &badc);
	if (cid_check(buf, len, bad, badc, 0, err) != 0)
		return SEPA_EINVAL;
	check = cid_check_digits(buf, len);
	buf[2] = (char)('0' + check / 10);
	buf[3] = (char)('0' + check % 10);
	memcpy(out, buf, len + 1);
	return 0;
}

int
sepa_cid_equal(const char *a, const char *b)
{
	char na[SEPA_CID_BUFSZ], nb[SEPA_CID_BUFSZ];

	if (sepa_cid_parse(na, a, NULL) != 0 ||
	    sepa_cid_parse(nb, b, NULL) != 0)
		return 0;
	return strcmp(na, nb) == 0;
}

/* ----------------------------------------------------------- references */

/*
 * Code point of the UTF-8 sequence at p, or -1 when it is not a valid
 * sequence of 2 to 4 bytes (then the message shows the byte).
 */
static long
id_utf8_char(const unsigned char *p)
{
	long cp;
	int n;

	/* n continuation bytes follow the lead byte */
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 1;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 2;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 3;
	else
		return -1;
	cp = p[0] & (0x3f >> n);
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	return cp;
}

int
sepa_id_validate(const char *id, const char *what, sepa_error *err)
{
	char show[IDENT_SHOW_BUFSZ];
	const char *dbl;
	size_t len, i;

	if (what == NULL)
		what = "identifier";
	if (id == NULL || id[0] == '\0')
		return sepa_error_set(err, SEPA_EINVAL, "%s is empty", what);
	len = strlen(id);
	ident_show(show, sizeof(show), id, len);
	for (i = 0; i < len; i++) {
		const unsigned char *p = (const unsigned char *)id + i;
		long cp;

		if (sepa_is_latin_char(*p))
			continue;
		if (*p > 0x20 && *p < 0x7f)
			return sepa_error_set(err, SEPA_EINVAL,
			    "%s \"%s\": character '%c' at position %zu is "
			    "not in the SEPA Latin set",
			    what, show, *p, i + 1);
		if ((cp = id_utf8_char(p)) >= 0)
			return sepa_error_set(err, SEPA_EINVAL,
			    "%s \"%s\": character U+%04lX at position %zu is "
			    "not in the SEPA Latin set",
			    what, show, (unsigned long)cp, i + 1);
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s \"%s\": byte 0x%02X at position %zu is not in the "
		    "SEPA Latin set",
		    what, show, (unsigned)*p, i + 1);
	}
	if (strspn(id, " ") == len)
		return sepa_error_set(
		    err, SEPA_EINVAL, "%s \"%s\": only spaces", what, show);
	if (len > SEPA_ID_MAX)
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s \"%s\": length %zu, at most %d characters", what, show,
		    len, SEPA_ID_MAX);
	if (id[0] == '/')
		return sepa_error_set(
		    err, SEPA_EINVAL, "%s \"%s\": starts with '/'", what, show);
	if (id[len - 1] == '/')
		return sepa_error_set(
		    err, SEPA_EINVAL, "%s \"%s\": ends with '/'", what, show);
	if ((dbl = strstr(id, "//")) != NULL)
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s \"%s\": contains \"//\" at position %zu", what, show,
		    (size_t)(dbl - id) + 1);
	return 0;
}
