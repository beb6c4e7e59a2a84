/*
 * test_error.c - the sepa_error record.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "sepa/error.h"

Test(error, set_returns_code_and_keeps_message)
{
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(
	    sepa_error_set(&err, SEPA_EINVAL, "bad %s", "thing"), SEPA_EINVAL);
	cr_assert_eq(err.code, SEPA_EINVAL);
	cr_assert_str_eq(err.msg, "bad thing");
}

Test(error, null_record_is_allowed)
{
	cr_assert_eq(sepa_error_set(NULL, SEPA_ENOMEM, "x"), SEPA_ENOMEM);
	sepa_error_clear(NULL);
	sepa_error_prefix(NULL, "p");
}

Test(error, format_with_place_and_line)
{
	sepa_error err = SEPA_ERROR_INIT;
	char buf[SEPA_ERROR_MSG_MAX + SEPA_ERROR_WHERE_MAX + 64];

	sepa_error_setw(&err, SEPA_EINVAL, "families.csv", 12,
	    "column \"postcode\": empty");
	cr_assert_str_eq(sepa_error_format(&err, buf, sizeof(buf)),
	    "families.csv:12: column \"postcode\": empty");
	err.column = 3;
	cr_assert_str_eq(sepa_error_format(&err, buf, sizeof(buf)),
	    "families.csv:12:3: column \"postcode\": empty");
}

Test(error, prefix_adds_context)
{
	sepa_error err = SEPA_ERROR_INIT;

	sepa_error_set(&err, SEPA_EINVAL, "contains //");
	sepa_error_prefix(&err, "RUM %s", "A//B");
	cr_assert_str_eq(err.msg, "RUM A//B: contains //");
}

/*
 * Adding context by quoting the record's own message (the way callers
 * did with err->msg) keeps the message whole, once.
 */
Test(error, set_may_quote_its_own_message)
{
	sepa_error err = SEPA_ERROR_INIT;

	sepa_error_setw(&err, SEPA_EINVAL, "pain.008", 3, "IBAN: bad checksum");
	sepa_error_set(
	    &err, SEPA_EINVAL, "invoice %s: %s", "F2026-09-000001", err.msg);
	cr_assert_str_eq(
	    err.msg, "invoice F2026-09-000001: IBAN: bad checksum");
	sepa_error_setw(&err, SEPA_EXML, "returns.xml", 4, "%s", "no GrpHdr");
	sepa_error_setw(
	    &err, SEPA_EXML, err.where, 5, "%s (%s)", err.msg, err.where);
	cr_assert_str_eq(err.where, "returns.xml");
	cr_assert_eq(err.line, 5);
	cr_assert_str_eq(err.msg, "no GrpHdr (returns.xml)");
}

Test(error, io_error_keeps_errno)
{
	sepa_error err = SEPA_ERROR_INIT;

	errno = ENOSPC;
	sepa_error_set(&err, SEPA_EIO, "could not write");
	cr_assert_eq(err.sys_errno, ENOSPC);
	cr_assert_eq(errno, ENOSPC);
}

Test(error, every_code_has_a_name)
{
	int codes[] = {SEPA_OK, SEPA_EINVAL, SEPA_ENOMEM, SEPA_EIO, SEPA_ERANGE,
	    SEPA_EXML, SEPA_ESTATE, SEPA_ELIMIT, SEPA_ENOTFOUND};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		cr_assert_str_neq(sepa_strerror(codes[i]), "unknown error");
	cr_assert_str_eq(sepa_strerror(42), "unknown error");
}
