/*
 * fields.h - checking the fields a writer is given (private to lib/):
 * each helper names the field in its message ("Dbtr/Nm is missing",
 * "DbtrAcct: IBAN ...") so that the writer only adds where it is. Used
 * by the pain.008 and PES writers.
 */
#ifndef SEPA_FIELDS_H
#define SEPA_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/ident.h"

/* 1 when s is NULL or "". */
static inline int
field_empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* A reduction of text: sepa_text_latin or sepa_text_latin1. */
typedef int (*field_reduce_fn)(char *out, size_t outsz, const char *in,
    size_t max_chars, unsigned flags, int *truncated, sepa_error *err);

/*
 * Reduce `in` with `reduce`, cut at max characters, into out. Absent
 * (NULL or "") is "missing" when required, else out is "". A text that
 * is empty once reduced is refused when required.
 */
int field_text(char *out, size_t outsz, const char *in, size_t max,
    unsigned flags, field_reduce_fn reduce, const char *field, int required,
    sepa_error *err);

/* A SEPA reference (sepa_id_validate); absent is "missing" if required. */
int field_id(const char *id, const char *field, int required, sepa_error *err);

/* A mandatory IBAN or ICS: sepa_iban_parse or sepa_cid_parse as parse. */
int field_code(char *out, const char *in,
    int (*parse)(char *, const char *, sepa_error *), const char *field,
    sepa_error *err);

/*
 * The old IBAN of an amendment at the same bank: a valid IBAN (into out),
 * not the one debited now (`now`, named now_field), and at the same bank
 * when both banks are known; else the message ends with `hint` (what to
 * declare instead for a change of bank).
 */
int field_old_iban(char *out, const char *in, const char *now,
    const char *field, const char *now_field, const char *hint,
    sepa_error *err);

/* An optional BIC (out "" when absent). */
int field_bic(char *out, const char *in, enum sepa_bic_rule rule,
    const char *field, sepa_error *err);

/* An amount of 0.01 .. 999999999.99 in cents. */
int field_amount(int64_t cents, const char *field, sepa_error *err);

/* A valid civil date. */
int field_date(sepa_date d, const char *field, sepa_error *err);

#endif /* SEPA_FIELDS_H */
