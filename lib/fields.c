/*
 * fields.c - checking the fields a writer is given (see fields.h).
 */
#include <string.h>

#include "fields.h"
#include "sepa/iban.h"
#include "sepa/money.h"
#include "sepa/text.h"

int
field_text(char *out, size_t outsz, const char *in, size_t max, unsigned flags,
    field_reduce_fn reduce, const char *field, int required, sepa_error *err)
{
	int rc;

	out[0] = '\0';
	if (field_empty(in)) {
		if (required)
			return sepa_error_set(
			    err, SEPA_EINVAL, "%s is missing", field);
		return 0;
	}
	rc = reduce(out, outsz, in, max, flags, NULL, err);
	if (rc != 0) {
		sepa_error_prefix(err, "%s", field);
		return rc;
	}
	if (required && out[0] == '\0')
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s is empty once reduced to %s", field,
		    reduce == sepa_text_latin1 ? "ISO-8859-1"
		                               : "the SEPA character set");
	return 0;
}

int
field_id(const char *id, const char *field, int required, sepa_error *err)
{
	if (field_empty(id)) {
		if (required)
			return sepa_error_set(
			    err, SEPA_EINVAL, "%s is missing", field);
		return 0;
	}
	return sepa_id_validate(id, field, err);
}

int
field_code(char *out, const char *in,
    int (*parse)(char *, const char *, sepa_error *), const char *field,
    sepa_error *err)
{
	int rc;

	if (field_empty(in))
		return sepa_error_set(err, SEPA_EINVAL, "%s is missing", field);
	rc = parse(out, in, err);
	if (rc != 0)
		sepa_error_prefix(err, "%s", field);
	return rc;
}

int
field_old_iban(char *out, const char *in, const char *now, const char *field,
    const char *now_field, const char *hint, sepa_error *err)
{
	char b1[SEPA_IBAN_BANK_BUFSZ], b2[SEPA_IBAN_BANK_BUFSZ];
	int rc;

	if ((rc = field_code(out, in, sepa_iban_parse, field, err)) != 0)
		return rc;
	if (strcmp(out, now) == 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s is the same IBAN as %s", field, now_field);
	/* Only when both banks are known can we tell. */
	if (sepa_iban_bank_id(b1, out, NULL) == 0 &&
	    sepa_iban_bank_id(b2, now, NULL) == 0 && strcmp(b1, b2) != 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s: the old IBAN is at another bank (%s, now %s): %s",
		    field, b1, b2, hint);
	return 0;
}

int
field_bic(char *out, const char *in, enum sepa_bic_rule rule, const char *field,
    sepa_error *err)
{
	int rc;

	out[0] = '\0';
	if (field_empty(in))
		return 0;
	rc = sepa_bic_parse(out, in, rule, err);
	if (rc != 0)
		sepa_error_prefix(err, "%s", field);
	return rc;
}

int
field_amount(int64_t cents, const char *field, sepa_error *err)
{
	if (cents < 1 || cents > SEPA_AMOUNT_MAX) {
		char buf[SEPA_MONEY_BUFSZ];

		return sepa_error_set(err, SEPA_ERANGE,
		    "%s %s is outside 0.01 .. 999999999.99", field,
		    sepa_money_xml(buf, cents));
	}
	return 0;
}

int
field_date(sepa_date d, const char *field, sepa_error *err)
{
	if (!sepa_date_valid(d.year, d.month, d.day))
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s %04d-%02d-%02d is not a date", field, d.year, d.month,
		    d.day);
	return 0;
}
