/*
 * ident.h - BIC, creditor identifier (ICS) and SEPA references (RUM,
 * MsgId, PmtInfId, EndToEndId).
 */
#ifndef SEPA_IDENT_H
#define SEPA_IDENT_H

#include <stddef.h>

#include "sepa/error.h"

#define SEPA_BIC_BUFSZ 12
#define SEPA_CID_MAX 35
#define SEPA_CID_BUFSZ (SEPA_CID_MAX + 1)
#define SEPA_ID_MAX 35
#define SEPA_ID_BUFSZ (SEPA_ID_MAX + 1)

/** Which XSD pattern a BIC must meet. */
enum sepa_bic_rule {
	/** pain.008.001.08 BICFI: [A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})? */
	SEPA_BIC_2019 = 0,
	/** pain.008.001.02 BIC: [A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})? */
	SEPA_BIC_2009 = 1
};

/**
 * Normalise (drop spaces, upper-case) and validate a BIC of 8 or 11
 * characters against the pattern of `rule`; out has SEPA_BIC_BUFSZ bytes
 * and holds "" on failure; it may be the same buffer as in.
 */
int sepa_bic_parse(
    char *out, const char *in, enum sepa_bic_rule rule, sepa_error *err);

/**
 * Normalise and validate a creditor identifier (EPC262-08): country,
 * MOD 97-10 check digits computed without the business code (positions
 * 5-7), national part; France: exactly 13 characters. The country must be
 * in SEPA. out has SEPA_CID_BUFSZ bytes and holds "" on failure; it may be
 * the same buffer as in.
 */
int sepa_cid_parse(char *out, const char *in, sepa_error *err);

/**
 * 1 when a and b are valid creditor identifiers that differ at most in
 * case and spaces ("fr72 zzz 123456" and "FR72ZZZ123456"), else 0. A
 * different business code is a different ICS.
 */
int sepa_cid_equal(const char *a, const char *b);

/**
 * Build a creditor identifier from its parts: country ("FR"), business
 * code ("ZZZ"; NULL or "" mean "ZZZ") and national identifier ("123456")
 * -> "FR72ZZZ123456". Letters may be lower-case; the result is checked as
 * by sepa_cid_parse. out has SEPA_CID_BUFSZ bytes and holds "" on failure.
 */
int sepa_cid_make(char *out, const char *country, const char *business_code,
    const char *national_id, sepa_error *err);

/**
 * Validate a SEPA reference or identification (MsgId, PmtInfId,
 * EndToEndId, RUM...): 1 to 35 characters of the SEPA Latin set, no
 * leading or trailing '/', no "//", not only spaces. `what` names it in
 * the message ("RUM", "EndToEndId"; NULL gives "identifier"), e.g.
 * "RUM \"A//B\": contains \"//\" at position 2". Nothing is normalised:
 * the caller transliterates and upper-cases first.
 */
int sepa_id_validate(const char *id, const char *what, sepa_error *err);

#endif /* SEPA_IDENT_H */
