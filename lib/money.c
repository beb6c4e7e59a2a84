/*
 * money.c - amounts in int64 euro cents and fixed-point quantities: one
 * strict decimal scanner shared by every parser, and the formatters.
 *
 * Decisions (tested in tests/unit/test_money.c):
 * - Surrounding spaces, tabs, CR and LF are ignored; positions in messages
 *   count characters (not bytes) from 1 in the string as given.
 * - The decimal mark is ',' or '.'. A '.' is a thousands separator only
 *   when a ',' follows it somewhere ("1.234,56"); otherwise it is the
 *   decimal mark, so "1.234" is 1.234 and refused with "3 decimals, at
 *   most 2 allowed" rather than guessed to be 1234.
 * - A ',' followed later by a '.' is refused ("1,234.56"): a money field
 *   is not the place to guess which convention the writer used.
 * - Thousands separators: space, U+00A0, U+202F, apostrophe and the '.'
 *   above, one kind per number, only between a first group of 1 to 3
 *   digits and later groups of exactly 3 digits, never after the mark.
 * - A decimal mark needs a digit on both sides: ".5" and "5." are refused
 *   as likely truncated fields.
 * - Extra decimals are refused even when they are zeros ("1,500" is not
 *   silently 1.50 or 1500).
 * - Parsing only refuses what does not fit in an int64; SEPA_AMOUNT_MAX is
 *   the caller's rule.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sepa/money.h"
#include "internal.h"

static int money_utf8(
    const unsigned char *p, const unsigned char *end, unsigned long *cp);
static int money_is_space(int c);
static int money_bad_char(sepa_error *err, const unsigned char *p,
    const unsigned char *end, long pos);
static int money_scan(
    int64_t *out, const char *s, int scale, const char *noun, sepa_error *err);
static char *money_digits(char *end, uint64_t v, int group);
static uint64_t money_abs(int64_t cents);

/* 10^0 .. 10^6, the scales sepa_decimal_parse accepts. */
static const uint64_t money_pow10[] = {
    1, 10, 100, 1000, 10000, 100000, 1000000};

/*
 * Decode one UTF-8 sequence at p into *cp; return its length, or 0 when
 * the bytes are not well-formed UTF-8.
 */
static int
money_utf8(const unsigned char *p, const unsigned char *end, unsigned long *cp)
{
	int len, i;
	unsigned long v;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		v = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		v = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		v = p[0] & 0x07;
	} else {
		return 0;
	}
	if (end - p < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
	    (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return 0;
	*cp = v;
	return len;
}

static int
money_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Report the character at p (position pos) as unexpected. */
static int
money_bad_char(
    sepa_error *err, const unsigned char *p, const unsigned char *end, long pos)
{
	unsigned long cp;

	if (money_utf8(p, end, &cp) == 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "invalid UTF-8 byte 0x%02x at position %ld", p[0], pos);
	if (cp == ' ')
		return sepa_error_set(
		    err, SEPA_EINVAL, "unexpected space at position %ld", pos);
	if (cp >= 0x21 && cp <= 0x7e)
		return sepa_error_set(err, SEPA_EINVAL,
		    "unexpected character '%c' at position %ld", (int)cp, pos);
	return sepa_error_set(err, SEPA_EINVAL,
	    "unexpected character U+%04lX at position %ld", cp, pos);
}

/*
 * A digit group that a thousands separator or the decimal mark ends:
 * once a separator has been seen, every group has 3 digits. `groups` is
 * the number of separators so far, `group` the digits of this group.
 */
static int
money_group_end(int groups, int group, long last_digit_pos, sepa_error *err)
{
	if (groups > 0 && group != 3)
		return sepa_error_set(err, SEPA_EINVAL,
		    LN_("digit group ending at position %ld has %d digit, 3 "
		        "expected",
		        "digit group ending at position %ld has %d digits, 3 "
		        "expected",
		        (unsigned long)group),
		    last_digit_pos, group);
	return 0;
}

/*
 * The shared scanner: a signed decimal with at most `scale` fraction
 * digits, with thousands separators, into an integer scaled by 10^scale.
 * `noun` names the value in messages.
 */
static int
money_scan(
    int64_t *out, const char *s, int scale, const char *noun, sepa_error *err)
{
	const unsigned char *p, *end, *comma;
	unsigned long sep_kind = 0, cp;
	uint64_t mag = 0, limit;
	long pos, sep_pos = 0, mark_pos = 0, last_digit_pos = 0;
	int neg = 0, in_frac = 0, frac = 0, group = 0, groups = 0;
	int ndigits = 0, after_sep = 0, len, c, rc;

	if (s == NULL)
		return sepa_error_set(err, SEPA_EINVAL, "empty %s", noun);
	p = (const unsigned char *)s;
	end = p + strlen(s);
	pos = 1;
	while (p < end && money_is_space(*p)) {
		p++;
		pos++;
	}
	while (end > p && money_is_space(end[-1]))
		end--;
	if (p == end)
		return sepa_error_set(err, SEPA_EINVAL, "empty %s", noun);

	/* A '.' with a ',' after it groups thousands. */
	comma = NULL;
	for (const unsigned char *q = p; q < end; q++)
		if (*q == ',')
			comma = q;

	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p++;
		pos++;
	}
	for (; p < end; p += len, pos++) {
		len = 1;
		c = *p;
		if (c >= '0' && c <= '9') {
			if (in_frac)
				frac++;
			else
				group++;
			ndigits++;
			after_sep = 0;
			last_digit_pos = pos;
			/* Past the scale only the count matters (error below). */
			if (frac > scale)
				continue;
			if (__builtin_mul_overflow(mag, 10, &mag) ||
			    __builtin_add_overflow(
			        mag, (uint64_t)(c - '0'), &mag))
				goto range;
			continue;
		}
		if (c == '+' || c == '-')
			return sepa_error_set(err, SEPA_EINVAL,
			    "sign '%c' at position %ld, only allowed at the start",
			    c, pos);
		if (c == ',' || (c == '.' && (comma == NULL || p > comma))) {
			if (in_frac)
				return sepa_error_set(err, SEPA_EINVAL,
				    "second decimal mark '%c' at position %ld",
				    c, pos);
			if (after_sep)
				return sepa_error_set(err, SEPA_EINVAL,
				    "thousands separator at position %ld is not followed by digits",
				    sep_pos);
			if (ndigits == 0)
				return sepa_error_set(err, SEPA_EINVAL,
				    "no digit before the decimal mark at position %ld",
				    pos);
			if ((rc = money_group_end(
			         groups, group, last_digit_pos, err)) != 0)
				return rc;
			in_frac = 1;
			mark_pos = pos;
			continue;
		}
		len = money_utf8(p, end, &cp);
		if (len == 0)
			return money_bad_char(err, p, end, pos);
		if (cp == ' ' || cp == 0xa0 || cp == 0x202f || cp == '\'' ||
		    cp == '.') {
			if (in_frac)
				return sepa_error_set(err, SEPA_EINVAL,
				    "thousands separator at position %ld after the decimal mark",
				    pos);
			if (group == 0)
				return sepa_error_set(err, SEPA_EINVAL,
				    "thousands separator at position %ld has no digit before it",
				    pos);
			if (sep_kind != 0 && sep_kind != cp)
				return sepa_error_set(err, SEPA_EINVAL,
				    "mixed thousands separators at position %ld",
				    pos);
			if (groups == 0 && group > 3)
				return sepa_error_set(err, SEPA_EINVAL,
				    "digit group ending at position %ld has %d digits, at most 3 allowed before a thousands separator",
				    last_digit_pos, group);
			if ((rc = money_group_end(
			         groups, group, last_digit_pos, err)) != 0)
				return rc;
			sep_kind = cp;
			sep_pos = pos;
			groups++;
			group = 0;
			after_sep = 1;
			continue;
		}
		return money_bad_char(err, p, end, pos);
	}
	if (after_sep)
		return sepa_error_set(err, SEPA_EINVAL,
		    "thousands separator at position %ld is not followed by digits",
		    sep_pos);
	if (ndigits == 0)
		return sepa_error_set(err, SEPA_EINVAL, "no digit in %s", noun);
	if (in_frac && frac == 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "no digit after the decimal mark at position %ld",
		    mark_pos);
	if (!in_frac &&
	    (rc = money_group_end(groups, group, last_digit_pos, err)) != 0)
		return rc;
	if (frac > scale)
		return sepa_error_set(err, SEPA_EINVAL,
		    LN_("%d decimal, at most %d allowed",
		        "%d decimals, at most %d allowed", (unsigned long)frac),
		    frac, scale);
	if (__builtin_mul_overflow(mag, money_pow10[scale - frac], &mag))
		goto range;
	limit = (uint64_t)INT64_MAX + (neg ? 1 : 0);
	if (mag > limit)
		goto range;
	/* Negate in unsigned arithmetic: INT64_MIN needs no signed overflow. */
	if (neg)
		*out =
		    mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	else
		*out = (int64_t)mag;
	return 0;
range:
	return sepa_error_set(
	    err, SEPA_ERANGE, "%s out of range for a 64-bit integer", noun);
}

/* The length of s without a trailing currency: "€" or "EUR", and the
 * spaces (also no-break) before it. */
static size_t
money_strip_currency(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && money_is_space((unsigned char)s[n - 1]))
		n--;
	if (n >= 3 && memcmp(s + n - 3, "\xe2\x82\xac", 3) == 0)
		n -= 3;
	else if (n >= 3 && memcmp(s + n - 3, "EUR", 3) == 0)
		n -= 3;
	else
		return strlen(s);
	for (;;) {
		if (n > 0 && money_is_space((unsigned char)s[n - 1]))
			n--;
		else if (n >= 2 && memcmp(s + n - 2, "\xc2\xa0", 2) == 0)
			n -= 2;
		else if (n >= 3 && memcmp(s + n - 3, "\xe2\x80\xaf", 3) == 0)
			n -= 3;
		else
			return n;
	}
}

int
sepa_money_parse(int64_t *cents, const char *s, sepa_error *err)
{
	char buf[128];
	size_t n;

	/* "54,70 €", "1 234,56 EUR": the operator's writing, currency
	 * included (a longer text is not an amount: scanned as it is). */
	if (s != NULL && (n = money_strip_currency(s)) != strlen(s) &&
	    n < sizeof(buf)) {
		memcpy(buf, s, n);
		buf[n] = '\0';
		return money_scan(cents, buf, 2, L_("amount"), err);
	}
	return money_scan(cents, s, 2, L_("amount"), err);
}

int
sepa_decimal_parse(int64_t *out, const char *s, int scale, sepa_error *err)
{
	if (scale < 0 || scale > 6)
		return sepa_error_set(
		    err, SEPA_EINVAL, "scale %d out of range 0..6", scale);
	return money_scan(out, s, scale, L_("number"), err);
}

/*
 * Quantities: a decimal with 3 decimals, or a duration H:MM (hours of any
 * length, minutes 00..59) converted to thousandths of an hour and rounded
 * to the nearest thousandth: minutes * 1000 / 60 never ends in exactly a
 * half, so "half up" and "nearest" agree ("2:05" -> 2083, "0:01" -> 17).
 * A sign in front applies to the whole duration ("-1:30" -> -1500).
 */
int
sepa_quantity_parse(int64_t *milli, const char *s, sepa_error *err)
{
	const char *colon, *p, *end;
	int64_t hours = 0, v;
	int neg = 0, minutes;
	long pos;

	if (s == NULL || strchr(s, ':') == NULL)
		return money_scan(milli, s, 3, L_("quantity"), err);
	colon = strchr(s, ':');
	p = s;
	end = s + strlen(s);
	while (p < end && money_is_space((unsigned char)*p))
		p++;
	while (end > p && money_is_space((unsigned char)end[-1]))
		end--;
	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p++;
	}
	if (p == colon)
		return sepa_error_set(err, SEPA_EINVAL,
		    "duration without hours before ':' at position %ld",
		    (long)(colon - s) + 1);
	for (; p < colon; p++) {
		pos = (long)(p - s) + 1;
		if (*p < '0' || *p > '9')
			return money_bad_char(err, (const unsigned char *)p,
			    (const unsigned char *)end, pos);
		if (__builtin_mul_overflow(hours, 10, &hours) ||
		    __builtin_add_overflow(hours, *p - '0', &hours))
			goto range;
	}
	p = colon + 1;
	for (const char *q = p; q < end; q++)
		if (*q < '0' || *q > '9')
			return money_bad_char(err, (const unsigned char *)q,
			    (const unsigned char *)end, (long)(q - s) + 1);
	if (end - p != 2)
		return sepa_error_set(err, SEPA_EINVAL,
		    "duration needs 2 digits of minutes after ':' at position %ld, found %ld",
		    (long)(colon - s) + 1, (long)(end - p));
	minutes = (p[0] - '0') * 10 + (p[1] - '0');
	if (minutes > 59)
		return sepa_error_set(err, SEPA_EINVAL,
		    "minutes %02d out of range 00..59", minutes);
	if (__builtin_mul_overflow(hours, 1000, &v) ||
	    __builtin_add_overflow(v, (minutes * 1000 + 30) / 60, &v))
		goto range;
	*milli = neg ? -v : v;
	return 0;
range:
	return sepa_error_set(
	    err, SEPA_ERANGE, "duration out of range for a 64-bit integer");
}

int
sepa_money_mul_qty(
    int64_t *cents, int64_t milli, int64_t unit_cents, sepa_error *err)
{
	int64_t p, q, r;

	if (__builtin_mul_overflow(milli, unit_cents, &p))
		return sepa_error_set(err, SEPA_ERANGE,
		    "quantity %lld thousandths times %lld cents overflows",
		    (long long)milli, (long long)unit_cents);
	/* C division truncates toward zero: r has the sign of p. */
	q = p / 1000;
	r = p % 1000;
	if (r >= 500)
		q++;
	else if (r <= -500)
		q--;
	*cents = q;
	return 0;
}

/*
 * Write the decimal digits of v backwards ending just before `end`, with
 * a space between groups of three when `group` is set; return the first
 * character written.
 */
static char *
money_digits(char *end, uint64_t v, int group)
{
	int n = 0;

	do {
		if (group && n > 0 && n % 3 == 0)
			*--end = ' ';
		*--end = (char)('0' + v % 10);
		v /= 10;
		n++;
	} while (v != 0);
	return end;
}

/* |cents| without signed overflow, even for INT64_MIN. */
static uint64_t
money_abs(int64_t cents)
{
	return cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
}

char *
sepa_money_xml(char *buf, int64_t cents)
{
	char tmp[SEPA_MONEY_BUFSZ], *p;
	uint64_t mag = money_abs(cents);

	p = money_digits(tmp + sizeof(tmp) - 1, mag / 100, 0);
	snprintf(buf, SEPA_MONEY_BUFSZ, "%s%.*s.%02u", cents < 0 ? "-" : "",
	    (int)(tmp + sizeof(tmp) - 1 - p), p, (unsigned)(mag % 100));
	return buf;
}

char *
sepa_money_fr(char *buf, int64_t cents)
{
	char tmp[SEPA_MONEY_BUFSZ], *p;
	uint64_t mag = money_abs(cents);

	p = money_digits(tmp + sizeof(tmp) - 1, mag / 100, 1);
	snprintf(buf, SEPA_MONEY_BUFSZ, "%s%.*s,%02u \xe2\x82\xac",
	    cents < 0 ? "-" : "", (int)(tmp + sizeof(tmp) - 1 - p), p,
	    (unsigned)(mag % 100));
	return buf;
}
