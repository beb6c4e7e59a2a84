/*
 * test_money.c - amounts in cents, decimals, quantities, formatting.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "sepa/money.h"

struct money_ok {
	const char *in;
	int64_t want;
};

struct money_bad {
	const char *in;
	int code;
	const char *msg;
};

static const struct money_ok money_good[] = {
    {"12,34", 1234},
    {"12.34", 1234},
    {"1234", 123400},
    {"0", 0},
    {"-0", 0},
    {"007", 700},
    {"+3", 300},
    {"-0,50", -50},
    {"0,5", 50},
    {"0.05", 5},
    {"1 234,56", 123456},
    {"1\xc2\xa0"
     "234,56",
        123456}, /* U+00A0 */
    {"1\xe2\x80\xaf"
     "234,56",
        123456}, /* U+202F */
    {"1'234,50", 123450},
    {"1.234,56", 123456},
    {"1.234.567,89", 123456789},
    {"1 234 567", 123456700},
    {"1 234.56", 123456},
    {"123 456", 12345600},
    {"  12,34\t", 1234},
    {"12,34\r\n", 1234},
    {"-1 234,56", -123456},
    {"999999999.99", SEPA_AMOUNT_MAX},
    {"9999999999999999", INT64_C(999999999999999900)},
    {"92233720368547758.07", INT64_MAX},
    {"-92233720368547758.08", INT64_MIN},
    {"92 233 720 368 547 758,07", INT64_MAX},
    /* the operator's French writing, currency included */
    {"54,70 \xe2\x82\xac", 5470},
    {"12\xe2\x82\xac", 1200},
    {"1 234,56 \xe2\x82\xac", 123456},
    {"1\xe2\x80\xaf"
     "234,56\xc2\xa0\xe2\x82\xac",
        123456},
    {"1\xc2\xa0"
     "234,56\xe2\x80\xaf\xe2\x82\xac ",
        123456},
    {"54.70 EUR", 5470},
    {"-3,00 \xe2\x82\xac", -300},
};

/* Every error, with the exact message. */
static const struct money_bad money_errors[] = {
    {"", SEPA_EINVAL, "empty amount"},
    {" \t ", SEPA_EINVAL, "empty amount"},
    {"12a", SEPA_EINVAL, "unexpected character 'a' at position 3"},
    {"  x", SEPA_EINVAL, "unexpected character 'x' at position 3"},
    {"\xe2\x82\xac", SEPA_EINVAL, "empty amount"},
    {"12 \xe2\x82\xac 5", SEPA_EINVAL,
        "unexpected character U+20AC at position 4"},
    {"\xe2\x82\xac 12", SEPA_EINVAL,
        "unexpected character U+20AC at position 1"},
    {"12,34 \xe2\x82\xac\xe2\x82\xac", SEPA_EINVAL,
        "thousands separator at position 6 after the decimal mark"},
    {"12 EU", SEPA_EINVAL, "unexpected character 'E' at position 4"},
    {"1\xc3\xa9", SEPA_EINVAL, "unexpected character U+00E9 at position 2"},
    {"1\xff", SEPA_EINVAL, "invalid UTF-8 byte 0xff at position 2"},
    {"1\xc2", SEPA_EINVAL, "invalid UTF-8 byte 0xc2 at position 2"},
    {"1\xc0\xa0", SEPA_EINVAL, "invalid UTF-8 byte 0xc0 at position 2"},
    {"12,345", SEPA_EINVAL, "3 decimals, at most 2 allowed"},
    {"1.234", SEPA_EINVAL, "3 decimals, at most 2 allowed"},
    {"1,500", SEPA_EINVAL, "3 decimals, at most 2 allowed"},
    {"0,0000000000000000000000001", SEPA_EINVAL,
        "25 decimals, at most 2 allowed"},
    {".5", SEPA_EINVAL, "no digit before the decimal mark at position 1"},
    {"-,5", SEPA_EINVAL, "no digit before the decimal mark at position 2"},
    {"5.", SEPA_EINVAL, "no digit after the decimal mark at position 2"},
    {"-", SEPA_EINVAL, "no digit in amount"},
    {"+", SEPA_EINVAL, "no digit in amount"},
    {"--5", SEPA_EINVAL, "sign '-' at position 2, only allowed at the start"},
    {"5-", SEPA_EINVAL, "sign '-' at position 2, only allowed at the start"},
    {"1,2,3", SEPA_EINVAL, "second decimal mark ',' at position 4"},
    {"1.2.3", SEPA_EINVAL, "second decimal mark '.' at position 4"},
    {"1,234.56", SEPA_EINVAL, "second decimal mark '.' at position 6"},
    {"1 23", SEPA_EINVAL,
        "digit group ending at position 4 has 2 digits, 3 expected"},
    {"1 2345", SEPA_EINVAL,
        "digit group ending at position 6 has 4 digits, 3 expected"},
    {"1 234 5,00", SEPA_EINVAL,
        "digit group ending at position 7 has 1 digit, 3 expected"},
    {"1.23,45", SEPA_EINVAL,
        "digit group ending at position 4 has 2 digits, 3 expected"},
    {"1234 567", SEPA_EINVAL,
        "digit group ending at position 4 has 4 digits, at most 3 allowed before a thousands separator"},
    {"1  234", SEPA_EINVAL,
        "thousands separator at position 3 has no digit before it"},
    {"- 5", SEPA_EINVAL,
        "thousands separator at position 2 has no digit before it"},
    {"'5", SEPA_EINVAL,
        "thousands separator at position 1 has no digit before it"},
    {"1 ,50", SEPA_EINVAL,
        "thousands separator at position 2 is not followed by digits"},
    {"1 234.567,89", SEPA_EINVAL, "mixed thousands separators at position 6"},
    {"1,23 4", SEPA_EINVAL,
        "thousands separator at position 5 after the decimal mark"},
    {"92233720368547758.08", SEPA_ERANGE,
        "amount out of range for a 64-bit integer"},
    {"-92233720368547758.09", SEPA_ERANGE,
        "amount out of range for a 64-bit integer"},
    {"9223372036854775807", SEPA_ERANGE,
        "amount out of range for a 64-bit integer"},
    {"99999999999999999999999", SEPA_ERANGE,
        "amount out of range for a 64-bit integer"},
};

Test(money, parses_good_amounts)
{
	for (size_t i = 0; i < sizeof(money_good) / sizeof(money_good[0]);
	     i++) {
		sepa_error err = SEPA_ERROR_INIT;
		int64_t v = -1;
		int rc = sepa_money_parse(&v, money_good[i].in, &err);

		cr_assert_eq(rc, 0, "\"%s\": %s", money_good[i].in, err.msg);
		cr_assert_eq(v, money_good[i].want, "\"%s\": %lld, want %lld",
		    money_good[i].in, (long long)v,
		    (long long)money_good[i].want);
	}
}

Test(money, refuses_bad_amounts_with_exact_message)
{
	for (size_t i = 0; i < sizeof(money_errors) / sizeof(money_errors[0]);
	     i++) {
		sepa_error err = SEPA_ERROR_INIT;
		int64_t v = 4242;
		int rc;

		rc = sepa_money_parse(&v, money_errors[i].in, &err);
		cr_assert_eq(rc, money_errors[i].code, "\"%s\": rc %d",
		    money_errors[i].in, rc);
		cr_assert_eq(err.code, money_errors[i].code);
		cr_assert_str_eq(
		    err.msg, money_errors[i].msg, "\"%s\"", money_errors[i].in);
		cr_assert_eq(v, 4242, "\"%s\": output written on error",
		    money_errors[i].in);
	}
}

Test(money, null_string_is_empty)
{
	sepa_error err = SEPA_ERROR_INIT;
	int64_t v;

	cr_assert_eq(sepa_money_parse(&v, NULL, &err), SEPA_EINVAL);
	cr_assert_str_eq(err.msg, "empty amount");
	cr_assert_eq(sepa_money_parse(&v, "x", NULL), SEPA_EINVAL);
}

struct money_fmt {
	int64_t cents;
	const char *xml;
	const char *fr;
};

static const struct money_fmt money_formats[] = {
    {0, "0.00", "0,00 \xe2\x82\xac"},
    {1, "0.01", "0,01 \xe2\x82\xac"},
    {-50, "-0.50", "-0,50 \xe2\x82\xac"},
    {1234, "12.34", "12,34 \xe2\x82\xac"},
    {99999, "999.99", "999,99 \xe2\x82\xac"},
    {100000, "1000.00", "1 000,00 \xe2\x82\xac"},
    {123456, "1234.56", "1 234,56 \xe2\x82\xac"},
    {-123456, "-1234.56", "-1 234,56 \xe2\x82\xac"},
    {123456789, "1234567.89", "1 234 567,89 \xe2\x82\xac"},
    {SEPA_AMOUNT_MAX, "999999999.99", "999 999 999,99 \xe2\x82\xac"},
    {INT64_MAX, "92233720368547758.07",
        "92 233 720 368 547 758,07 \xe2\x82\xac"},
    {INT64_MIN, "-92233720368547758.08",
        "-92 233 720 368 547 758,08 \xe2\x82\xac"},
};

Test(money, formats_xml_and_french)
{
	char buf[SEPA_MONEY_BUFSZ];

	for (size_t i = 0; i < sizeof(money_formats) / sizeof(money_formats[0]);
	     i++) {
		cr_assert_eq(sepa_money_xml(buf, money_formats[i].cents), buf);
		cr_assert_str_eq(buf, money_formats[i].xml);
		cr_assert_eq(sepa_money_fr(buf, money_formats[i].cents), buf);
		cr_assert_str_eq(buf, money_formats[i].fr);
	}
}

/* What sepa_money_xml writes, sepa_money_parse reads back unchanged. */
Test(money, xml_round_trip)
{
	static const int64_t values[] = {0, 1, -1, 99, -100, 123456789,
	    SEPA_AMOUNT_MAX, -SEPA_AMOUNT_MAX, INT64_MAX, INT64_MIN,
	    INT64_MIN + 1};
	char buf[SEPA_MONEY_BUFSZ];

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		int64_t back = 0;

		cr_assert_eq(sepa_money_parse(
		                 &back, sepa_money_xml(buf, values[i]), NULL),
		    0, "%s", buf);
		cr_assert_eq(back, values[i], "%s", buf);
	}
}

struct money_dec {
	const char *in;
	int scale;
	int rc;
	int64_t want; /* when rc == 0 */
	const char *msg; /* when rc != 0 */
};

static const struct money_dec money_decimals[] = {
    {"1,5", 3, 0, 1500, NULL},
    {"1,5", 1, 0, 15, NULL},
    {"42", 0, 0, 42, NULL},
    {"-0.000001", 6, 0, -1, NULL},
    {"1 000,123456", 6, 0, 1000123456, NULL},
    {"9223372036854.775807", 6, 0, INT64_MAX, NULL},
    {"9223372036854.775808", 6, SEPA_ERANGE, 0,
        "number out of range for a 64-bit integer"},
    {"9223372036855", 6, SEPA_ERANGE, 0,
        "number out of range for a 64-bit integer"},
    {"3,5", 0, SEPA_EINVAL, 0, "1 decimal, at most 0 allowed"},
    {"0,1234567", 6, SEPA_EINVAL, 0, "7 decimals, at most 6 allowed"},
    {"", 2, SEPA_EINVAL, 0, "empty number"},
    {"1", 7, SEPA_EINVAL, 0, "scale 7 out of range 0..6"},
    {"1", -1, SEPA_EINVAL, 0, "scale -1 out of range 0..6"},
};

Test(money, decimal_parse_scales)
{
	for (size_t i = 0;
	     i < sizeof(money_decimals) / sizeof(money_decimals[0]); i++) {
		const struct money_dec *c = &money_decimals[i];
		sepa_error err = SEPA_ERROR_INIT;
		int64_t v = 0;
		int rc = sepa_decimal_parse(&v, c->in, c->scale, &err);

		cr_assert_eq(rc, c->rc, "\"%s\" scale %d: rc %d (%s)", c->in,
		    c->scale, rc, err.msg);
		if (rc == 0)
			cr_assert_eq(
			    v, c->want, "\"%s\": %lld", c->in, (long long)v);
		else
			cr_assert_str_eq(err.msg, c->msg);
	}
}

static const struct money_dec money_quantities[] = {
    {"2", 3, 0, 2000, NULL},
    {"1,5", 3, 0, 1500, NULL},
    {"0.25", 3, 0, 250, NULL},
    {"0,125", 3, 0, 125, NULL},
    {"-1", 3, 0, -1000, NULL},
    {"1:30", 3, 0, 1500, NULL},
    {"0:45", 3, 0, 750, NULL},
    {"2:05", 3, 0, 2083, NULL}, /* 83.33 -> 83 */
    {"0:01", 3, 0, 17, NULL}, /* 16.67 -> 17 */
    {"0:02", 3, 0, 33, NULL}, /* 33.33 -> 33 */
    {"0:59", 3, 0, 983, NULL}, /* 983.33 -> 983 */
    {"0:00", 3, 0, 0, NULL},
    {"10:00", 3, 0, 10000, NULL},
    {" 1:30 ", 3, 0, 1500, NULL},
    {"-1:30", 3, 0, -1500, NULL},
    {"-0:01", 3, 0, -17, NULL},
    {"+2:00", 3, 0, 2000, NULL},
    {"1,2345", 3, SEPA_EINVAL, 0, "4 decimals, at most 3 allowed"},
    {"1:60", 3, SEPA_EINVAL, 0, "minutes 60 out of range 00..59"},
    {"1:99", 3, SEPA_EINVAL, 0, "minutes 99 out of range 00..59"},
    {"1:5", 3, SEPA_EINVAL, 0,
        "duration needs 2 digits of minutes after ':' at position 2, found 1"},
    {"1:", 3, SEPA_EINVAL, 0,
        "duration needs 2 digits of minutes after ':' at position 2, found 0"},
    {"1:305", 3, SEPA_EINVAL, 0,
        "duration needs 2 digits of minutes after ':' at position 2, found 3"},
    {":30", 3, SEPA_EINVAL, 0,
        "duration without hours before ':' at position 1"},
    {"-:30", 3, SEPA_EINVAL, 0,
        "duration without hours before ':' at position 2"},
    {"1,5:30", 3, SEPA_EINVAL, 0, "unexpected character ',' at position 2"},
    {"1:3x", 3, SEPA_EINVAL, 0, "unexpected character 'x' at position 4"},
    {"1:30:00", 3, SEPA_EINVAL, 0, "unexpected character ':' at position 5"},
    {"1 :30", 3, SEPA_EINVAL, 0, "unexpected space at position 2"},
    {"9223372036854776:00", 3, SEPA_ERANGE, 0,
        "duration out of range for a 64-bit integer"},
    {"99999999999999999999:00", 3, SEPA_ERANGE, 0,
        "duration out of range for a 64-bit integer"},
    {"", 3, SEPA_EINVAL, 0, "empty quantity"},
    {"abc", 3, SEPA_EINVAL, 0, "unexpected character 'a' at position 1"},
};

Test(money, quantity_parse_decimals_and_durations)
{
	for (size_t i = 0;
	     i < sizeof(money_quantities) / sizeof(money_quantities[0]); i++) {
		const struct money_dec *c = &money_quantities[i];
		sepa_error err = SEPA_ERROR_INIT;
		int64_t v = 0;
		int rc = sepa_quantity_parse(&v, c->in, &err);

		cr_assert_eq(
		    rc, c->rc, "\"%s\": rc %d (%s)", c->in, rc, err.msg);
		if (rc == 0)
			cr_assert_eq(
			    v, c->want, "\"%s\": %lld", c->in, (long long)v);
		else
			cr_assert_str_eq(err.msg, c->msg, "\"%s\"", c->in);
	}
}

struct money_mul {
	int64_t milli;
	int64_t unit;
	int rc;
	int64_t want;
};

static const struct money_mul money_products[] = {
    {1000, 350, 0, 350}, /* 1 meal at 3.50 */
    {2000, 350, 0, 700},
    {1500, 333, 0, 500}, /* 499.5 -> 500 */
    {1500, -333, 0, -500}, /* -499.5 -> -500 */
    {-1500, 333, 0, -500},
    {-1500, -333, 0, 500},
    {1, 499, 0, 0}, /* 0.499 -> 0 */
    {1, 500, 0, 1}, /* 0.5 -> 1 */
    {-1, 500, 0, -1}, /* -0.5 -> -1 */
    {-1, 499, 0, 0},
    {1, 501, 0, 1},
    {2083, 120, 0, 250}, /* 2:05 at 1.20/h = 249.96 -> 250 */
    {750, 1, 0, 1}, /* 0.75 -> 1 */
    {250, 1, 0, 0}, /* 0.25 -> 0 */
    {0, INT64_MAX, 0, 0},
    {1000, INT64_MAX, SEPA_ERANGE, 0},
    {INT64_MAX, 1, 0, INT64_MAX / 1000 + 1}, /* ...807 thousandths */
    {INT64_MIN, 1, 0, INT64_MIN / 1000 - 1}, /* ...808 thousandths */
    {INT64_MIN, -1, SEPA_ERANGE, 0},
    {INT64_C(4611686018427387904), 2, SEPA_ERANGE, 0},
    {1000, SEPA_AMOUNT_MAX, 0, SEPA_AMOUNT_MAX},
};

Test(money, mul_qty_rounds_half_away_from_zero)
{
	for (size_t i = 0;
	     i < sizeof(money_products) / sizeof(money_products[0]); i++) {
		const struct money_mul *c = &money_products[i];
		sepa_error err = SEPA_ERROR_INIT;
		int64_t v = 77;
		int rc = sepa_money_mul_qty(&v, c->milli, c->unit, &err);

		cr_assert_eq(rc, c->rc, "%lld x %lld: rc %d",
		    (long long)c->milli, (long long)c->unit, rc);
		if (rc == 0) {
			cr_assert_eq(v, c->want, "%lld x %lld: %lld",
			    (long long)c->milli, (long long)c->unit,
			    (long long)v);
		} else {
			cr_assert_eq(v, 77);
			cr_assert_eq(err.code, SEPA_ERANGE);
			cr_assert(strstr(err.msg, "overflows") != NULL, "%s",
			    err.msg);
		}
	}
}
