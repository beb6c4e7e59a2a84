/*
 * fuzz_fields.c - libFuzzer target for the parsers of the values the
 * programs read from files and command lines: IBAN, BIC (both rules),
 * creditor identifier (ICS), references (RUM, ids), dates, months,
 * amounts, decimals, quantities. The input is cut into tokens at line
 * ends, ';', ',' and tabs (so the CSV fixtures are good seeds) and every
 * token goes through every parser. Besides the sanitizers it checks:
 * what is accepted is normalised and accepted again the same (a round
 * trip through the printed form), what is refused has a message, and no
 * message shows a whole IBAN (sepa_iban_mask_text leaves it unchanged).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/money.h"
#include "fuzz.h"

/* A refusal: its code, a message, and no IBAN in the message. */
static void
fuzz_refused(int rc, const sepa_error *e)
{
	char copy[sizeof(e->msg)];

	FUZZ_CHECK(rc < 0 && e->code == rc && e->msg[0] != '\0');
	memcpy(copy, e->msg, sizeof(copy));
	sepa_iban_mask_text(copy);
	FUZZ_CHECK(strcmp(copy, e->msg) == 0);
}

static void
fuzz_iban(const char *tok)
{
	sepa_error e = SEPA_ERROR_INIT;
	char out[SEPA_IBAN_BUFSZ], again[SEPA_IBAN_BUFSZ];
	char disp[SEPA_IBAN_DISPLAY_BUFSZ], mask[SEPA_IBAN_MASK_BUFSZ];
	char text[600], twice[600];
	int rc = sepa_iban_parse(out, tok, &e);

	if (rc != 0) {
		FUZZ_CHECK(out[0] == '\0');
		fuzz_refused(rc, &e);
	} else {
		FUZZ_CHECK(strlen(out) >= 5 && strlen(out) <= SEPA_IBAN_MAX);
		FUZZ_CHECK(sepa_iban_validate(out, NULL) == 0);
		FUZZ_CHECK(sepa_iban_parse(again, sepa_iban_display(disp, out),
		               NULL) == 0 &&
		    strcmp(again, out) == 0);
		FUZZ_CHECK(strlen(sepa_iban_mask(mask, out)) == 12);
		/* a valid IBAN in a sentence is masked, in either form */
		snprintf(text, sizeof(text), "account %s, or %s.", out, disp);
		sepa_iban_mask_text(text);
		FUZZ_CHECK(strstr(text, out) == NULL);
		FUZZ_CHECK(strstr(text, disp) == NULL);
	}
	/* masking free text: the same length or shorter, and done at once */
	snprintf(text, sizeof(text), "%s", tok);
	sepa_iban_mask_text(text);
	FUZZ_CHECK(strlen(text) <= strlen(tok));
	memcpy(twice, text, sizeof(twice));
	sepa_iban_mask_text(twice);
	FUZZ_CHECK(strcmp(text, twice) == 0);
}

static void
fuzz_ident(const char *tok)
{
	sepa_error e = SEPA_ERROR_INIT;
	char out[SEPA_CID_BUFSZ], again[SEPA_CID_BUFSZ];
	int rc;

	for (int rule = SEPA_BIC_2019; rule <= SEPA_BIC_2009; rule++) {
		char bic[SEPA_BIC_BUFSZ], b2[SEPA_BIC_BUFSZ];

		rc = sepa_bic_parse(bic, tok, (enum sepa_bic_rule)rule, &e);
		if (rc != 0) {
			FUZZ_CHECK(bic[0] == '\0');
			fuzz_refused(rc, &e);
			continue;
		}
		FUZZ_CHECK(strlen(bic) == 8 || strlen(bic) == 11);
		FUZZ_CHECK(sepa_bic_parse(
		               b2, bic, (enum sepa_bic_rule)rule, NULL) == 0 &&
		    strcmp(b2, bic) == 0);
	}
	rc = sepa_cid_parse(out, tok, &e);
	if (rc != 0) {
		FUZZ_CHECK(out[0] == '\0');
		fuzz_refused(rc, &e);
	} else {
		FUZZ_CHECK(sepa_cid_parse(again, out, NULL) == 0 &&
		    strcmp(again, out) == 0);
		FUZZ_CHECK(sepa_cid_equal(tok, out));
	}
	rc = sepa_id_validate(tok, "RUM", &e);
	if (rc != 0)
		fuzz_refused(rc, &e);
	else
		FUZZ_CHECK(strlen(tok) >= 1 && strlen(tok) <= SEPA_ID_MAX);
}

static void
fuzz_values(const char *tok)
{
	sepa_error e = SEPA_ERROR_INIT;
	char buf[64], fr[64];
	sepa_date d, d2;
	sepa_month m, m2;
	int64_t v, v2;
	int rc;

	rc = sepa_date_parse(&d, tok, &e);
	if (rc != 0) {
		fuzz_refused(rc, &e);
	} else {
		FUZZ_CHECK(sepa_date_valid(d.year, d.month, d.day));
		FUZZ_CHECK(
		    sepa_date_parse(&d2, sepa_date_iso(buf, d), NULL) == 0 &&
		    sepa_date_cmp(d, d2) == 0);
		FUZZ_CHECK(
		    sepa_date_parse(&d2, sepa_date_fr(fr, d), NULL) == 0 &&
		    sepa_date_cmp(d, d2) == 0);
		FUZZ_CHECK(
		    sepa_date_cmp(
		        sepa_date_from_days(sepa_date_to_days(d)), d) == 0);
	}
	rc = sepa_month_parse(&m, tok, &e);
	if (rc != 0) {
		fuzz_refused(rc, &e);
	} else {
		FUZZ_CHECK(
		    sepa_month_parse(&m2, sepa_month_iso(buf, m), NULL) == 0 &&
		    sepa_month_cmp(m, m2) == 0);
	}
	rc = sepa_money_parse(&v, tok, &e);
	if (rc != 0) {
		fuzz_refused(rc, &e);
	} else {
		FUZZ_CHECK(
		    sepa_money_parse(&v2, sepa_money_xml(buf, v), NULL) == 0 &&
		    v2 == v);
		sepa_money_fr(fr, v);
	}
	rc = sepa_quantity_parse(&v, tok, &e);
	if (rc != 0)
		fuzz_refused(rc, &e);
	for (int scale = 0; scale <= 6; scale += 3) {
		rc = sepa_decimal_parse(&v, tok, scale, &e);
		if (rc != 0)
			fuzz_refused(rc, &e);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0, ntok = 0;

	/* the first tokens only: a long file says nothing more, slowly */
	while (i <= size && ntok++ < 16) {
		char tok[256];
		size_t n = 0;

		while (i < size && memchr("\n;,\t", data[i], 4) == NULL) {
			if (n + 1 < sizeof(tok))
				tok[n++] = (char)data[i];
			i++;
		}
		tok[n] = '\0';
		i++;
		/* a NUL inside ends the C string there: fine, the same */
		fuzz_iban(tok);
		fuzz_ident(tok);
		fuzz_values(tok);
	}
	return 0;
}
