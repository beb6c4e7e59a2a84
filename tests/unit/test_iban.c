/*
 * test_iban.c - IBAN normalisation, validation, bank identifier, masking.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "sepa/iban.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The example of every country in the SWIFT IBAN registry (release 102). */
static const char *const registry_examples[] = {
    "AD1200012030200359100100",
    "AE070331234567890123456",
    "AL47212110090000000235698741",
    "AT611904300234573201",
    "AZ21NABZ00000000137010001944",
    "BA391290079401028494",
    "BE68539007547034",
    "BG80BNBG96611020345678",
    "BH67BMAG00001299123456",
    "BI4210000100010000332045181",
    "BR1800360305000010009795493C1",
    "BY13NBRB3600900000002Z00AB00",
    "CH9300762011623852957",
    "CR05015202001026284066",
    "CY17002001280000001200527600",
    "CZ6508000000192000145399",
    "DE89370400440532013000",
    "DJ2100010000000154000100186",
    "DK5000400440116243",
    "DO28BAGR00000001212453611324",
    "EE382200221020145685",
    "EG380019000500000000263180002",
    "ES9121000418450200051332",
    "FI2112345600000785",
    "FK88SC123456789012",
    "FO6264600001631634",
    "FR1420041010050500013M02606",
    "GB29NWBK60161331926819",
    "GE29NB0000000101904917",
    "GI75NWBK000000007099453",
    "GL8964710001000206",
    "GR1601101250000000012300695",
    "GT82TRAJ01020000001210029690",
    "HN88CABF00000000000250005469",
    "HR1210010051863000160",
    "HU42117730161111101800000000",
    "IE29AIBK93115212345678",
    "IL620108000000099999999",
    "IQ98NBIQ850123456789012",
    "IS140159260076545510730339",
    "IT60X0542811101000000123456",
    "JO94CBJO0010000000000131000302",
    "KW81CBKU0000000000001234560101",
    "KZ86125KZT5004100100",
    "LB62099900000001001901229114",
    "LC55HEMM000100010012001200023015",
    "LI21088100002324013AA",
    "LT121000011101001000",
    "LU280019400644750000",
    "LV80BANK0000435195001",
    "LY83002048000020100120361",
    "MC5811222000010123456789030",
    "MD24AG000225100013104168",
    "ME25505000012345678951",
    "MK07250120000058984",
    "MN121234123456789123",
    "MR1300020001010000123456753",
    "MT84MALT011000012345MTLCAST001S",
    "MU17BOMM0101101030300200000MUR",
    "NI45BAPR00000013000003558124",
    "NL91ABNA0417164300",
    "NO9386011117947",
    "OM810180000001299123456",
    "PK36SCBL0000001123456702",
    "PL61109010140000071219812874",
    "PS92PALS000000000400123456702",
    "PT50000201231234567890154",
    "QA58DOHB00001234567890ABCDEFG",
    "RO49AAAA1B31007593840000",
    "RS35260005601001611379",
    "RU0304452522540817810538091310419",
    "SA0380000000608010167519",
    "SC18SSCB11010000000000001497USD",
    "SD2129010501234001",
    "SE4550000000058398257466",
    "SI56263300012039086",
    "SK3112000000198742637541",
    "SM86U0322509800000000270100",
    "SO211000001001000100141",
    "ST23000100010051845310146",
    "SV62CENR00000000000000700025",
    "TL380080012345678910157",
    "TN5910006035183598478831",
    "TR330006100519786457841326",
    "UA213223130000026007233566001",
    "VA59001123000012345678",
    "VG96VPVG0000012345678901",
    "XK051212012345678906",
    "YE15CBYE0001018861234567891234",
};

/*
 * Other published examples (national banking associations, the EPC, bank
 * documentation) and IBANs built for these tests: French accounts with
 * letters, the French overseas codes, Monaco.
 */
static const char *const other_valid[] = {
    "GB82WEST12345698765432",
    "BE71096123456769",
    "FR7630006000011234567890189",
    "DE75512108001245126199",
    "AT483200000012345864",
    "CH5604835012345678009",
    "ES7921000813610123456789",
    "NL02ABNA0123456789",
    "LU120010001234567891",
    "IE64IRCE92050112345678",
    "FI1410093000123458",
    "DK9520000123456789",
    "PL10105000997603123456789123",
    "SE7280000810340009783242",
    "NO8330001234567",
    "IS750001121234563108962099",
    "GR9608100010000001234567890",
    "HR1723600001101234565",
    "SI56192001234567892",
    "SK8975000000000012345671",
    "CZ5508000000001234567899",
    "EE471000001020145685",
    "LT601010012345678901",
    "LV97HABA0012345678910",
    "BG18RZBB91550123456789",
    "RO09BCYP0000001234567890",
    "HU93116000060000000012345676",
    "MT31MALT01100000000000000000123",
    "CY21002001950000357001234567",
    "SM76P0854009812123456789123",
    "AD1400080001001234567890",
    "MC1112739000700011111000H79",
    "GI56XAPO000001234567890",
    "LI7408806123456789012",
    "FR833000600001098765432AB22",
    "FR613000612345000000ABC1289",
    "FR492004101005987654321X049",
    "MC5830006000011234567890189",
    "GP7330006000011234567890189",
    "RE0730006000011234567890189",
    "MQ1630006000011234567890189",
    "DE82370400440123456789",
    "DE44500105175407324931",
};

Test(iban, accepts_every_registry_example)
{
	for (size_t i = 0; i < NELEM(registry_examples); i++) {
		char out[SEPA_IBAN_BUFSZ];
		char cc[3] = "";
		sepa_error err = SEPA_ERROR_INIT;
		int rc = sepa_iban_parse(out, registry_examples[i], &err);

		cr_assert_eq(rc, 0, "%s: %s", registry_examples[i], err.msg);
		cr_assert_str_eq(out, registry_examples[i]);
		cr_assert_eq(sepa_iban_validate(registry_examples[i], &err), 0,
		    "%s: %s", registry_examples[i], err.msg);
		memcpy(cc, registry_examples[i], 2);
		cr_assert_eq(sepa_iban_country_length(cc),
		    (int)strlen(registry_examples[i]), "%s", cc);
	}
}

Test(iban, accepts_other_published_and_built_examples)
{
	for (size_t i = 0; i < NELEM(other_valid); i++) {
		char out[SEPA_IBAN_BUFSZ];
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_eq(sepa_iban_parse(out, other_valid[i], &err), 0,
		    "%s: %s", other_valid[i], err.msg);
		cr_assert_str_eq(out, other_valid[i]);
	}
}

static const struct {
	const char *in;
	const char *out;
} normalised[] = {
    {"fr76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"},
    {"FR76\t3000\t6000\t0112\t3456\t7890\t189", "FR7630006000011234567890189"},
    {"  de89370400440532013000  ", "DE89370400440532013000"},
    {"Gb82 West 1234 5698 7654 32", "GB82WEST12345698765432"},
    {"fr14 2004 1010 0505 0001 3m02 606", "FR1420041010050500013M02606"},
    {"n o 9 3 8 6 0 1 1 1 1 7 9 4 7", "NO9386011117947"},
};

Test(iban, parse_normalises_spaces_tabs_and_case)
{
	for (size_t i = 0; i < NELEM(normalised); i++) {
		char out[SEPA_IBAN_BUFSZ];
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_eq(sepa_iban_parse(out, normalised[i].in, &err), 0,
		    "%s: %s", normalised[i].in, err.msg);
		cr_assert_str_eq(out, normalised[i].out);
	}
}

static const struct {
	const char *in;
	const char *msg;
} rejected[] = {
    /* check digits */
    {"FR7630006000011234567890188",
        "IBAN FR76****0188: check digits do not match"},
    {"FR7730006000011234567890189",
        "IBAN FR77****0189: check digits do not match"},
    {"DE89370400440532013001", "IBAN DE89****3001: check digits do not match"},
    {"GB82WEST12345698765423", "IBAN GB82****5423: check digits do not match"},
    {"NL91ABNA0417164301", "IBAN NL91****4301: check digits do not match"},
    {"BE68539007547043", "IBAN BE68****7043: check digits do not match"},
    {"DE7A370400440532013000",
        "IBAN DE7A****3000: check digits 7A are not numeric"},
    /* 00, 01 and 99 pass MOD 97 where 97, 98 and 02 do, but are invalid */
    {"DE01370400440000000042",
        "IBAN DE01****0042: check digits 01 are out of range (02 to 98)"},
    {"DE99370400440000000024",
        "IBAN DE99****0024: check digits 99 are out of range (02 to 98)"},
    {"DE00370400440000000060",
        "IBAN DE00****0060: check digits 00 are out of range (02 to 98)"},
    /* lengths */
    {"DE8937040044053201",
        "IBAN DE89****3201: length 18, DE IBANs have 22 characters"},
    {"DE89 3704 0044 0532 0130",
        "IBAN DE89****0130: length 20, DE IBANs have 22 characters"},
    {"FR76300060000112345678901890",
        "IBAN FR76****1890: length 28, FR IBANs have 27 characters"},
    {"NO938601111794",
        "IBAN NO93****1794: length 14, NO IBANs have 15 characters"},
    {"FR7", "IBAN ****: length 3, FR IBANs have 27 characters"},
    {"FR76300060000112345678901890123456789",
        "IBAN FR76****6789: length 37, an IBAN has at most 34 characters"},
    /* characters */
    {"FR76-3000-6000-0112-3456-7890-189",
        "IBAN FR76****?189: character '-' at position 5 is not A-Z or 0-9"},
    {"FR763000600001123456789018#",
        "IBAN FR76****018?: character '#' at position 27 is not A-Z or 0-9"},
    {"FR76 3000 6000 0112 3456 7890 189\n",
        "IBAN FR76****189?: byte 0x0A at position 28 is not A-Z or 0-9"},
    {"DE89 3704 0044 0532 0130 0\xc3\xa9",
        "IBAN DE89****00??: byte 0xC3 at position 22 is not A-Z or 0-9"},
    {"FR76_30006000011234567890189",
        "IBAN FR76****0189: character '_' at position 5 is not A-Z or 0-9"},
    /* country */
    {"XX7630006000011234567890189",
        "IBAN XX76****0189: unknown country code XX"},
    {"US64SVBKUS6S3300958879", "IBAN US64****8879: unknown country code US"},
    {"7630006000011234567890189",
        "IBAN 7630****0189: does not start with a two-letter country code"},
    {"F", "IBAN ****: does not start with a two-letter country code"},
    /* BBAN structure */
    {"DE0537040044053201300A",
        "IBAN DE05****300A: character 'A' at position 22 must be a digit in a DE IBAN"},
    {"NL500BNA0417164300",
        "IBAN NL50****4300: character '0' at position 5 must be a letter in a NL IBAN"},
    /* RIB key: MOD 97 right (check digits fixed), RIB key broken */
    {"FR0630006000011234567890188",
        "IBAN FR06****0188: RIB key 88 does not match account (expected 89)"},
    {"FR8420041010050500013M02607",
        "IBAN FR84****2607: RIB key 07 does not match account (expected 06)"},
    {"MC3111222000010123456789031",
        "IBAN MC31****9031: RIB key 31 does not match account (expected 30)"},
    /* empty */
    {"", "IBAN is empty"},
    {" \t ", "IBAN is empty"},
};

Test(iban, rejects_bad_input_with_a_precise_message)
{
	for (size_t i = 0; i < NELEM(rejected); i++) {
		char out[SEPA_IBAN_BUFSZ] = "untouched";
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_eq(sepa_iban_parse(out, rejected[i].in, &err),
		    SEPA_EINVAL, "%s", rejected[i].in);
		cr_assert_eq(err.code, SEPA_EINVAL);
		cr_assert_str_eq(err.msg, rejected[i].msg);
		cr_assert_str_eq(
		    out, "", "output left set for %s", rejected[i].in);
	}
}

Test(iban, validate_wants_the_normalised_form)
{
	static const struct {
		const char *in;
		const char *msg;
	} cases[] = {
	    {"fr7630006000011234567890189",
	        "IBAN FR76****0189: character 'f' at position 1 is not A-Z or "
	        "0-9"},
	    {"FR76 3000 6000 0112 3456 7890 189",
	        "IBAN FR76****?189: space at position 5"},
	    {"FR76\t30006000011234567890189",
	        "IBAN FR76****0189: tab at position 5"},
	};
	sepa_error err = SEPA_ERROR_INIT;

	for (size_t i = 0; i < NELEM(cases); i++) {
		cr_assert_eq(sepa_iban_validate(cases[i].in, &err), SEPA_EINVAL,
		    "%s", cases[i].in);
		cr_assert_str_eq(err.msg, cases[i].msg);
	}
	cr_assert_eq(
	    sepa_iban_validate("FR7630006000011234567890189", &err), 0);
}

Test(iban, null_and_huge_input_do_not_crash)
{
	char out[SEPA_IBAN_BUFSZ];
	char huge[10000];
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(sepa_iban_parse(out, NULL, &err), SEPA_EINVAL);
	cr_assert_str_eq(err.msg, "IBAN is empty");
	cr_assert_eq(sepa_iban_validate(NULL, &err), SEPA_EINVAL);
	cr_assert_eq(sepa_iban_parse(out, "FR7630006000011234567890188", NULL),
	    SEPA_EINVAL);

	memset(huge, '7', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	memcpy(huge, "FR", 2);
	cr_assert_eq(sepa_iban_parse(out, huge, &err), SEPA_EINVAL);
	cr_assert_str_eq(err.msg,
	    "IBAN FR77****7777: length 9999, an IBAN has at most 34 "
	    "characters");
	cr_assert_str_eq(out, "");
}

Test(iban, country_table)
{
	static const struct {
		const char *cc;
		int length;
		int sepa;
	} cases[] = {
	    {"FR", 27, 1},
	    {"fr", 27, 1},
	    {"MC", 27, 1},
	    {"DE", 22, 1},
	    {"BE", 16, 1},
	    {"ES", 24, 1},
	    {"IT", 27, 1},
	    {"LU", 20, 1},
	    {"NL", 18, 1},
	    {"PT", 25, 1},
	    {"AT", 20, 1},
	    {"IE", 22, 1},
	    {"CH", 21, 1},
	    {"GB", 22, 1},
	    {"SM", 27, 1},
	    {"AD", 24, 1},
	    {"VA", 22, 1},
	    {"GI", 23, 1},
	    {"NO", 15, 1},
	    {"IS", 26, 1},
	    {"LI", 21, 1},
	    {"MT", 31, 1},
	    {"HR", 21, 1},
	    {"BG", 22, 1},
	    /* French overseas codes: French BBAN, in SEPA or not */
	    {"GF", 27, 1},
	    {"GP", 27, 1},
	    {"MQ", 27, 1},
	    {"RE", 27, 1},
	    {"YT", 27, 1},
	    {"PM", 27, 1},
	    {"BL", 27, 1},
	    {"MF", 27, 1},
	    {"NC", 27, 0},
	    {"PF", 27, 0},
	    {"WF", 27, 0},
	    {"TF", 27, 0},
	    /* joined the EPC's SEPA scope in 2024-2025 */
	    {"AL", 28, 1},
	    {"ME", 22, 1},
	    {"MD", 24, 1},
	    {"MK", 19, 1},
	    {"RS", 22, 1},
	    /* IBAN countries outside SEPA */
	    {"TR", 26, 0},
	    {"BR", 29, 0},
	    {"SA", 24, 0},
	    {"UA", 29, 0},
	    {"LC", 32, 0},
	    {"RU", 33, 0},
	    {"YE", 30, 0},
	    {"HN", 28, 0},
	    {"FO", 18, 0},
	    {"GL", 18, 0},
	    {"XK", 20, 0},
	    {"BA", 20, 0},
	    /* no IBAN, or not a code */
	    {"US", 0, 0},
	    {"XX", 0, 0},
	    {"F", 0, 0},
	    {"FRA", 0, 0},
	    {"", 0, 0},
	    {"F1", 0, 0},
	    {NULL, 0, 0},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		cr_assert_eq(sepa_iban_country_length(cases[i].cc),
		    cases[i].length, "%s", cases[i].cc ? cases[i].cc : "NULL");
		cr_assert_eq(sepa_iban_is_sepa_country(cases[i].cc),
		    cases[i].sepa, "%s", cases[i].cc ? cases[i].cc : "NULL");
	}
}

Test(iban, bank_identifier_per_country)
{
	static const struct {
		const char *iban;
		const char *bank;
	} cases[] = {
	    {"FR7630006000011234567890189", "FR30006"},
	    {"FR1420041010050500013M02606", "FR20041"},
	    {"MC5811222000010123456789030", "MC11222"},
	    {"GP7330006000011234567890189", "GP30006"},
	    {"DE89370400440532013000", "DE37040044"},
	    {"AT611904300234573201", "AT19043"},
	    {"BE68539007547034", "BE539"},
	    {"NL91ABNA0417164300", "NLABNA"},
	    {"LU280019400644750000", "LU001"},
	    {"ES9121000418450200051332", "ES2100"},
	    {"PT50000201231234567890154", "PT0002"},
	    {"IT60X0542811101000000123456", "IT05428"},
	    {"SM86U0322509800000000270100", "SM03225"},
	    {"CH9300762011623852957", "CH00762"},
	    {"GB29NWBK60161331926819", "GBNWBK"},
	    {"IE29AIBK93115212345678", "IEAIBK"},
	    {"FI2112345600000785", "FI123"},
	    {"SE4550000000058398257466", "SE500"},
	    {"NO9386011117947", "NO8601"},
	    {"PL61109010140000071219812874", "PL10901014"},
	    {"HR1210010051863000160", "HR1001005"},
	    {"EE382200221020145685", "EE22"},
	    {"MU17BOMM0101101030300200000MUR", "MUBOMM01"},
	    {"RU0304452522540817810538091310419", "RU044525225"},
	    {"fr76 3000 6000 0112 3456 7890 189", "FR30006"},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		char norm[SEPA_IBAN_BUFSZ], bank[SEPA_IBAN_BANK_BUFSZ];
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_eq(sepa_iban_parse(norm, cases[i].iban, &err), 0,
		    "%s: %s", cases[i].iban, err.msg);
		cr_assert_eq(sepa_iban_bank_id(bank, norm, &err), 0, "%s: %s",
		    cases[i].iban, err.msg);
		cr_assert_str_eq(bank, cases[i].bank);
	}
}

Test(iban, bank_identifier_of_an_invalid_iban)
{
	char bank[SEPA_IBAN_BANK_BUFSZ] = "untouched";
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(
	    sepa_iban_bank_id(bank, "FR7630006000011234567890188", &err),
	    SEPA_EINVAL);
	cr_assert_str_eq(
	    err.msg, "IBAN FR76****0188: check digits do not match");
	cr_assert_str_eq(bank, "");
}

Test(iban, same_bank_or_not)
{
	static const struct {
		const char *a;
		const char *b;
		int same;
	} cases[] = {
	    /* bank 30006, other account and branch */
	    {"FR7630006000011234567890189", "FR833000600001098765432AB22", 1},
	    {"FR7630006000011234567890189", "FR613000612345000000ABC1289", 1},
	    /* 30006 against 20041 */
	    {"FR7630006000011234567890189", "FR1420041010050500013M02606", 0},
	    {"FR1420041010050500013M02606", "FR492004101005987654321X049", 1},
	    /* same BBAN in another country is another bank */
	    {"FR7630006000011234567890189", "MC5830006000011234567890189", 0},
	    /* same BLZ, other accounts */
	    {"DE89370400440532013000", "DE82370400440123456789", 1},
	    {"DE89370400440532013000", "DE44500105175407324931", 0},
	    /* input forms do not matter */
	    {"fr76 3000 6000 0112 3456 7890 189", "FR833000600001098765432AB22",
	        1},
	    /* an invalid IBAN is never at the same bank */
	    {"FR7630006000011234567890188", "FR833000600001098765432AB22", 0},
	    {"FR7630006000011234567890189", "", 0},
	    {NULL, "FR7630006000011234567890189", 0},
	};

	for (size_t i = 0; i < NELEM(cases); i++)
		cr_assert_eq(sepa_iban_same_bank(cases[i].a, cases[i].b),
		    cases[i].same, "case %zu", i);
}

Test(iban, mask_keeps_country_check_digits_and_last_four)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
	    {"FR7630006000011234567890189", "FR76****0189"},
	    {"fr76 3000 6000 0112 3456 7890 189", "FR76****0189"},
	    {"DE89370400440532013000", "DE89****3000"},
	    {"NO9386011117947", "NO93****7947"},
	    {"LC55HEMM000100010012001200023015", "LC55****3015"},
	    {"FR76\n3000\x1b[0m6000", "FR76****6000"},
	    {"FR76\n3000\x1b[0m600", "FR76****M600"},
	    {"FR76300", "****"},
	    {"", "****"},
	    {NULL, "****"},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		char out[SEPA_IBAN_MASK_BUFSZ];

		cr_assert_eq(sepa_iban_mask(out, cases[i].in), out);
		cr_assert_str_eq(out, cases[i].out, "case %zu", i);
	}
}

/* Messages and free text: every valid IBAN masked, nothing else touched. */
Test(iban, mask_text_masks_every_iban_in_free_text)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
	    {"debit on FR7630006000011234567890189 refused",
	        "debit on FR76****0189 refused"},
	    {"FR7630006000011234567890189", "FR76****0189"},
	    {"old DE89370400440532013000, new FR1420041010050500013M02606",
	        "old DE89****3000, new FR14****2606"},
	    /* in groups of four, in either case, at the end of a sentence */
	    {"IBAN FR76 3000 6000 0112 3456 7890 189.", "IBAN FR76****0189."},
	    {"iban fr76 3000 6000 0112 3456 7890 189 is wrong",
	        "iban FR76****0189 is wrong"},
	    {"(FR76 3000 6000 0112 3456 7890 189 12 euros)",
	        "(FR76****0189 12 euros)"},
	    {"--iban 'FR7630006000011234567890189'", "--iban 'FR76****0189'"},
	    {"a=FR7630006000011234567890189;b=DE89370400440532013000",
	        "a=FR76****0189;b=DE89****3000"},
	    /* not an IBAN (check digits): left alone */
	    {"ref FR7630006000011234567890188",
	        "ref FR7630006000011234567890188"},
	    /* part of a longer token: left alone */
	    {"XFR7630006000011234567890189", "XFR7630006000011234567890189"},
	    {"FR76300060000112345678901890", "FR76300060000112345678901890"},
	    {"no iban here", "no iban here"},
	    {"sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	        "sha256 "
	        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
	    {"", ""},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		char buf[256];

		snprintf(buf, sizeof(buf), "%s", cases[i].in);
		cr_assert_eq(sepa_iban_mask_text(buf), buf);
		cr_assert_str_eq(buf, cases[i].out, "case %zu", i);
	}
	cr_assert_null(sepa_iban_mask_text(NULL));
}

Test(iban, display_in_groups_of_four)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
	    {"FR7630006000011234567890189",
	        "FR76 3000 6000 0112 3456 7890 189"},
	    {"DE89370400440532013000", "DE89 3704 0044 0532 0130 00"},
	    {"BE68539007547034", "BE68 5390 0754 7034"},
	    {"NO9386011117947", "NO93 8601 1117 947"},
	    {"fr76 3000 6000 0112 3456 7890 189",
	        "FR76 3000 6000 0112 3456 7890 189"},
	    {"LC55HEMM000100010012001200023015",
	        "LC55 HEMM 0001 0001 0012 0012 0002 3015"},
	    /* cut at 34 characters, which the buffer holds */
	    {"FR7630006000011234567890189012345678901234",
	        "FR76 3000 6000 0112 3456 7890 1890 1234 56"},
	    {"FR76\t\n", "FR76 ?"},
	    {"", ""},
	    {NULL, ""},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		char out[SEPA_IBAN_DISPLAY_BUFSZ];

		cr_assert_eq(sepa_iban_display(out, cases[i].in), out);
		cr_assert_str_eq(out, cases[i].out, "case %zu", i);
	}
}

Test(iban, parse_in_place)
{
	char buf[SEPA_IBAN_BUFSZ] = "fr76 3000 6000 0112 3456 7890 189";
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(sepa_iban_parse(buf, buf, &err), 0, "%s", err.msg);
	cr_assert_str_eq(buf, "FR7630006000011234567890189");
}
