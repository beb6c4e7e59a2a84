/*
 * test_ident.c - BIC, creditor identifier (ICS) and SEPA references.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "sepa/ident.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ BIC */

static const struct {
	const char *in;
	const char *out;
	int ok2019; /* meets the pain.008.001.08 pattern */
	int ok2009; /* meets the pain.008.001.02 pattern */
} bics[] = {
    {"BNPAFRPP", "BNPAFRPP", 1, 1},
    {"BNPAFRPPXXX", "BNPAFRPPXXX", 1, 1},
    {"bnpa fr pp xxx", "BNPAFRPPXXX", 1, 1},
    {"DEUTDEFF", "DEUTDEFF", 1, 1},
    {"DEUTDEFF500", "DEUTDEFF500", 1, 1},
    {"PSSTFRPPLIL", "PSSTFRPPLIL", 1, 1},
    {"CEPAFRPP627", "CEPAFRPP627", 1, 1},
    {"NWBKGB2L", "NWBKGB2L", 1, 1},
    {"\tagrifrpp\t", "AGRIFRPP", 1, 1},
    /* digits in the institution code: 2019 only */
    {"AB1CFRPP", "AB1CFRPP", 1, 0},
    {"1234FRPPXXX", "1234FRPPXXX", 1, 0},
    /* location code: 0 or 1 first, or O second, 2019 only */
    {"BNPAFR0P", "BNPAFR0P", 1, 0},
    {"BNPAFR1P", "BNPAFR1P", 1, 0},
    {"BNPAFRPO", "BNPAFRPO", 1, 0},
    /* test BICs: 0 second is fine in both */
    {"BNPAFRP0", "BNPAFRP0", 1, 1},
};

Test(bic, both_patterns)
{
	for (size_t i = 0; i < NELEM(bics); i++) {
		char out[SEPA_BIC_BUFSZ];
		sepa_error err = SEPA_ERROR_INIT;
		int rc;

		rc = sepa_bic_parse(out, bics[i].in, SEPA_BIC_2019, &err);
		cr_assert_eq(rc, bics[i].ok2019 ? 0 : SEPA_EINVAL,
		    "%s 2019: %s", bics[i].in, err.msg);
		cr_assert_str_eq(out, bics[i].ok2019 ? bics[i].out : "");
		rc = sepa_bic_parse(out, bics[i].in, SEPA_BIC_2009, &err);
		cr_assert_eq(rc, bics[i].ok2009 ? 0 : SEPA_EINVAL,
		    "%s 2009: %s", bics[i].in, err.msg);
		cr_assert_str_eq(out, bics[i].ok2009 ? bics[i].out : "");
	}
}

static const struct {
	const char *in;
	enum sepa_bic_rule rule;
	const char *msg;
} bad_bics[] = {
    {"AB1CFRPP", SEPA_BIC_2009,
        "BIC AB1CFRPP: character '1' at position 3 must be a letter "
        "(institution code, pain.008.001.02 pattern)"},
    {"BNPAFR1P", SEPA_BIC_2009,
        "BIC BNPAFR1P: character '1' at position 7 is not allowed in a "
        "location code (pain.008.001.02 pattern)"},
    {"BNPAFRPO", SEPA_BIC_2009,
        "BIC BNPAFRPO: character 'O' at position 8 is not allowed in a "
        "location code (pain.008.001.02 pattern)"},
    {"BNPAF1PP", SEPA_BIC_2019,
        "BIC BNPAF1PP: character '1' at position 6 must be a letter "
        "(country code)"},
    {"BNPAF1PP", SEPA_BIC_2009,
        "BIC BNPAF1PP: character '1' at position 6 must be a letter "
        "(country code)"},
    {"BNPAFRPPX", SEPA_BIC_2019,
        "BIC BNPAFRPPX: length 9, a BIC has 8 or 11 characters"},
    {"BNPAFRP", SEPA_BIC_2019,
        "BIC BNPAFRP: length 7, a BIC has 8 or 11 characters"},
    {"BNPAFRPPXXXX", SEPA_BIC_2009,
        "BIC BNPAFRPPXXXX: length 12, a BIC has 8 or 11 characters"},
    {"BNPA-FR-PP", SEPA_BIC_2019,
        "BIC BNPA-FR-PP: character '-' at position 5 is not A-Z or 0-9"},
    {"BNPAFRPP\n", SEPA_BIC_2019,
        "BIC BNPAFRPP?: byte 0x0A at position 9 is not A-Z or 0-9"},
    {"", SEPA_BIC_2019, "BIC is empty"},
    {"   ", SEPA_BIC_2009, "BIC is empty"},
    {NULL, SEPA_BIC_2019, "BIC is empty"},
    {"BNPAFRPP", (enum sepa_bic_rule)7, "BIC rule 7 unknown"},
};

Test(bic, rejects_with_a_precise_message)
{
	for (size_t i = 0; i < NELEM(bad_bics); i++) {
		char out[SEPA_BIC_BUFSZ] = "untouched";
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_eq(
		    sepa_bic_parse(out, bad_bics[i].in, bad_bics[i].rule, &err),
		    SEPA_EINVAL, "case %zu", i);
		cr_assert_str_eq(err.msg, bad_bics[i].msg);
		cr_assert_str_eq(out, "");
	}
}

Test(bic, long_input_is_cut_in_the_message)
{
	char out[SEPA_BIC_BUFSZ];
	char in[4096];
	sepa_error err = SEPA_ERROR_INIT;

	memset(in, 'A', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	cr_assert_eq(sepa_bic_parse(out, in, SEPA_BIC_2019, &err), SEPA_EINVAL);
	cr_assert_str_eq(err.msg,
	    "BIC AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...: length 4095, a BIC "
	    "has 8 or 11 characters");
}

/* ------------------------------------------------------------------ ICS */

static const struct {
	const char *in;
	const char *out;
} good_cids[] = {
    {"FR72ZZZ123456", "FR72ZZZ123456"},
    {"DE98ZZZ09999999999", "DE98ZZZ09999999999"},
    {"FR46ZZZ005002", "FR46ZZZ005002"},
    {"fr72zzz123456", "FR72ZZZ123456"},
    {" FR72 ZZZ 123456 ", "FR72ZZZ123456"},
    {"FR72\tZZZ\t123456", "FR72ZZZ123456"},
    /* the business code does not enter the check digits */
    {"FR72ABC123456", "FR72ABC123456"},
    {"FR72000123456", "FR72000123456"},
    {"FR95ZZZ4A5B6C", "FR95ZZZ4A5B6C"},
    {"ES97000B12345678", "ES97000B12345678"},
    {"NL69ZZZ123456780000", "NL69ZZZ123456780000"},
    {"IT58ZZZ0000012345678901", "IT58ZZZ0000012345678901"},
    {"BE68ZZZ0123456789", "BE68ZZZ0123456789"},
    /* 35 characters, the maximum */
    {"DE87ZZZ1234567890123456789012345678",
        "DE87ZZZ1234567890123456789012345678"},
};

Test(cid, accepts_and_normalises)
{
	for (size_t i = 0; i < NELEM(good_cids); i++) {
		char out[SEPA_CID_BUFSZ];
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_eq(sepa_cid_parse(out, good_cids[i].in, &err), 0,
		    "%s: %s", good_cids[i].in, err.msg);
		cr_assert_str_eq(out, good_cids[i].out);
	}
}

static const struct {
	const char *in;
	const char *msg;
} bad_cids[] = {
    {"FR73ZZZ123456", "ICS FR73ZZZ123456: check digits do not match"},
    {"FR72ZZZ123457", "ICS FR72ZZZ123457: check digits do not match"},
    {"DE98ZZZ09999999990", "ICS DE98ZZZ09999999990: check digits do not match"},
    {"FR72ZZZ12345",
        "ICS FR72ZZZ12345: length 12, a French ICS has 13 characters"},
    {"FR72ZZZ1234567",
        "ICS FR72ZZZ1234567: length 14, a French ICS has 13 characters"},
    {"FR7AZZZ123456", "ICS FR7AZZZ123456: check digits 7A are not numeric"},
    {"FR72ZZZ12345#",
        "ICS FR72ZZZ12345#: character '#' at position 13 is not A-Z or 0-9"},
    {"FR72-ZZZ-123456",
        "ICS FR72-ZZZ-123456: character '-' at position 5 is not A-Z or "
        "0-9"},
    {"US72ZZZ123456", "ICS US72ZZZ123456: country US is not in SEPA"},
    {"TR72ZZZ123456", "ICS TR72ZZZ123456: country TR is not in SEPA"},
    {"7272ZZZ123456",
        "ICS 7272ZZZ123456: does not start with a two-letter country code"},
    {"DE98ZZZ",
        "ICS DE98ZZZ: length 7, an ICS has at least 8 characters "
        "(country, check digits, business code, national "
        "identifier)"},
    {"DE87ZZZ12345678901234567890123456789",
        "ICS DE87ZZZ1234567890123456789012345678...: length 36, an ICS "
        "has at most 35 characters"},
    {"", "ICS is empty"},
    {" ", "ICS is empty"},
    {NULL, "ICS is empty"},
};

Test(cid, rejects_with_a_precise_message)
{
	for (size_t i = 0; i < NELEM(bad_cids); i++) {
		char out[SEPA_CID_BUFSZ] = "untouched";
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_eq(sepa_cid_parse(out, bad_cids[i].in, &err),
		    SEPA_EINVAL, "case %zu", i);
		cr_assert_str_eq(err.msg, bad_cids[i].msg);
		cr_assert_str_eq(out, "");
	}
}

Test(cid, make_computes_the_check_digits)
{
	static const struct {
		const char *country;
		const char *business;
		const char *national;
		const char *out;
	} cases[] = {
	    {"FR", "ZZZ", "123456", "FR72ZZZ123456"},
	    {"FR", NULL, "005002", "FR46ZZZ005002"},
	    {"fr", "", "4a5b6c", "FR95ZZZ4A5B6C"},
	    {"FR", "ABC", "123456", "FR72ABC123456"},
	    {"DE", "ZZZ", "09999999999", "DE98ZZZ09999999999"},
	    {"ES", "000", "B12345678", "ES97000B12345678"},
	    {"DE", "ZZZ", "1234567890123456789012345678",
	        "DE87ZZZ1234567890123456789012345678"},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		char out[SEPA_CID_BUFSZ];
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_eq(sepa_cid_make(out, cases[i].country,
		                 cases[i].business, cases[i].national, &err),
		    0, "case %zu: %s", i, err.msg);
		cr_assert_str_eq(out, cases[i].out);
		cr_assert_eq(sepa_cid_parse(out, out, &err), 0);
	}
}

Test(cid, make_rejects_bad_parts)
{
	static const struct {
		const char *country;
		const char *business;
		const char *national;
		const char *msg;
	} cases[] = {
	    {"FRA", "ZZZ", "123456", "ICS country code must have 2 letters"},
	    {NULL, "ZZZ", "123456", "ICS country code must have 2 letters"},
	    {"FR", "ZZ", "123456", "ICS business code must have 3 characters"},
	    {"FR", "ZZZ", "", "ICS national identifier is empty"},
	    {"FR", "ZZZ", NULL, "ICS national identifier is empty"},
	    {"FR", "ZZZ", "12345",
	        "ICS FR00ZZZ12345: length 12, a French ICS has 13 characters"},
	    {"FR", "Z-Z", "123456",
	        "ICS FR00Z-Z123456: character '-' at position 6 is not A-Z or "
	        "0-9"},
	    {"US", "ZZZ", "123456",
	        "ICS US00ZZZ123456: country US is not in SEPA"},
	    {"DE", "ZZZ", "12345678901234567890123456789",
	        "ICS DE00ZZZ1234567890123456789012345678...: length 36, an ICS "
	        "has at most 35 characters"},
	    {"DE", "ZZZ",
	        "1234567890123456789012345678901234567890123456789012345678901"
	        "234567890",
	        "ICS national identifier is 70 characters long, at most 28 "
	        "allowed"},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		char out[SEPA_CID_BUFSZ] = "untouched";
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_eq(sepa_cid_make(out, cases[i].country,
		                 cases[i].business, cases[i].national, &err),
		    SEPA_EINVAL, "case %zu", i);
		cr_assert_str_eq(err.msg, cases[i].msg);
		cr_assert_str_eq(out, "");
	}
}

Test(cid, equal_ignores_case_and_spaces)
{
	static const struct {
		const char *a;
		const char *b;
		int equal;
	} cases[] = {
	    {"FR72ZZZ123456", "FR72ZZZ123456", 1},
	    {"fr72zzz123456", "FR72ZZZ123456", 1},
	    {"FR72 ZZZ 123456", "fr72zzz123456", 1},
	    {"FR72ZZZ123456", "FR72ABC123456", 0},
	    {"FR72ZZZ123456", "FR46ZZZ005002", 0},
	    {"FR73ZZZ123456", "FR73ZZZ123456", 0},
	    {NULL, "FR72ZZZ123456", 0},
	    {"", "", 0},
	};

	for (size_t i = 0; i < NELEM(cases); i++)
		cr_assert_eq(sepa_cid_equal(cases[i].a, cases[i].b),
		    cases[i].equal, "case %zu", i);
}

/* ----------------------------------------------------------- references */

static const char *const good_ids[] = {
    "A",
    "RUM-2026-000123",
    "FAM/0042/CANTINE",
    "MSG 2026-03 HARNES",
    "a-z A-Z 0-9 / - ? : ( ) . , ' +",
    "12345678901234567890123456789012345", /* 35 */
    "1/2",
    " LEADING AND TRAILING SPACES ",
};

Test(id, accepts_latin_references)
{
	for (size_t i = 0; i < NELEM(good_ids); i++) {
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_eq(sepa_id_validate(good_ids[i], "RUM", &err), 0,
		    "%s: %s", good_ids[i], err.msg);
	}
}

static const struct {
	const char *id;
	const char *what;
	const char *msg;
} bad_ids[] = {
    {"A//B", "RUM", "RUM \"A//B\": contains \"//\" at position 2"},
    {"/ABC", "RUM", "RUM \"/ABC\": starts with '/'"},
    {"ABC/", "EndToEndId", "EndToEndId \"ABC/\": ends with '/'"},
    {"/", "MsgId", "MsgId \"/\": starts with '/'"},
    {"AB-CD//", "RUM", "RUM \"AB-CD//\": ends with '/'"},
    {"123456789012345678901234567890123456", "PmtInfId",
        "PmtInfId \"12345678901234567890123456789012345...\": length 36, "
        "at most 35 characters"},
    {"RUM_2026", "RUM",
        "RUM \"RUM_2026\": character '_' at position 4 is not in the SEPA "
        "Latin set"},
    {"A&B", "RUM",
        "RUM \"A&B\": character '&' at position 2 is not in the SEPA Latin "
        "set"},
    {"CAF\xc3\x89-1", "RUM",
        "RUM \"CAF?\?-1\": character U+00C9 at position 4 is not in the SEPA "
        "Latin set"},
    {"\xe2\x82\xac"
     "12",
        "EndToEndId",
        "EndToEndId \"???12\": character U+20AC at position 1 is not in the "
        "SEPA Latin set"},
    {"AB\xff", "RUM",
        "RUM \"AB?\": byte 0xFF at position 3 is not in the SEPA Latin set"},
    {"AB\xc3", "RUM",
        "RUM \"AB?\": byte 0xC3 at position 3 is not in the SEPA Latin set"},
    {"AB\tC", "RUM",
        "RUM \"AB?C\": byte 0x09 at position 3 is not in the SEPA Latin "
        "set"},
    {"AB\nC", "RUM",
        "RUM \"AB?C\": byte 0x0A at position 3 is not in the SEPA Latin "
        "set"},
    {"   ", "RUM", "RUM \"   \": only spaces"},
    {"", "RUM", "RUM is empty"},
    {NULL, "MsgId", "MsgId is empty"},
    {"A//B", NULL, "identifier \"A//B\": contains \"//\" at position 2"},
};

Test(id, rejects_with_a_precise_message)
{
	for (size_t i = 0; i < NELEM(bad_ids); i++) {
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_eq(
		    sepa_id_validate(bad_ids[i].id, bad_ids[i].what, &err),
		    SEPA_EINVAL, "case %zu", i);
		cr_assert_str_eq(err.msg, bad_ids[i].msg);
	}
}

Test(id, null_error_record_is_allowed)
{
	cr_assert_eq(sepa_id_validate("A//B", "RUM", NULL), SEPA_EINVAL);
	cr_assert_eq(sepa_id_validate("AB", "RUM", NULL), 0);
}

Test(ident, parse_in_place)
{
	char bic[SEPA_BIC_BUFSZ] = "bnpafrpp";
	char cid[SEPA_CID_BUFSZ] = "fr72 zzz 123456";
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(sepa_bic_parse(bic, bic, SEPA_BIC_2009, &err), 0);
	cr_assert_str_eq(bic, "BNPAFRPP");
	cr_assert_eq(sepa_cid_parse(cid, cid, &err), 0);
	cr_assert_str_eq(cid, "FR72ZZZ123456");
}
