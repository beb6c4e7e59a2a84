/*
 * iban.h - IBAN normalisation, validation (ISO 13616 MOD 97-10, country
 * lengths, French RIB key), bank identifier, masking.
 */
#ifndef SEPA_IBAN_H
#define SEPA_IBAN_H

#include <stddef.h>

#include "sepa/error.h"

#define SEPA_IBAN_MAX 34
/** Buffer size for a normalised IBAN (with the terminating NUL). */
#define SEPA_IBAN_BUFSZ (SEPA_IBAN_MAX + 1)
/** Buffer size for a display form in groups of 4 (34 + 8 spaces + NUL). */
#define SEPA_IBAN_DISPLAY_BUFSZ 43
/** Buffer size for a masked IBAN ("FR76****0189"). */
#define SEPA_IBAN_MASK_BUFSZ 13
/** Buffer size for a bank identifier. */
#define SEPA_IBAN_BANK_BUFSZ 16

/**
 * Normalise `in` (drop spaces and tabs, upper-case letters) into `out`
 * (SEPA_IBAN_BUFSZ bytes), then validate it: characters, country known,
 * length of that country, check digits (MOD 97-10), RIB key for French
 * BBANs (FR and the French overseas codes, MC). On failure the message
 * shows the IBAN masked as sepa_iban_mask does and what is wrong, e.g.
 * "IBAN FR76****0188: check digits do not match": a message is read by
 * people who may not see a family's account.
 * Positions in messages count the characters of the IBAN without spaces,
 * from 1. The country table holds every country of the SWIFT IBAN registry
 * with its length and BBAN structure (digits, letters), which is checked
 * too. On failure out holds "". out may be the same buffer as in.
 */
int sepa_iban_parse(char *out, const char *in, sepa_error *err);

/**
 * Validate an IBAN that is already normalised (spaces, tabs and lower-case
 * letters are errors here).
 */
int sepa_iban_validate(const char *iban, sepa_error *err);

/** Whether the two-letter country code belongs to the SEPA scheme. */
int sepa_iban_is_sepa_country(const char *cc);

/**
 * IBAN length for a country code, or 0 when the country has no IBAN in
 * the table.
 */
int sepa_iban_country_length(const char *cc);

/**
 * Copy the bank identifier of a valid IBAN into out (SEPA_IBAN_BANK_BUFSZ),
 * prefixed by the country ("FR30006" for a French IBAN: bank code only).
 * Returns 0 or SEPA_EINVAL when the country's bank-id position is unknown.
 */
int sepa_iban_bank_id(char *out, const char *iban, sepa_error *err);

/**
 * 1 when two valid IBANs are held at the same bank (same bank
 * identifier), 0 otherwise (also when either has no known position).
 */
int sepa_iban_same_bank(const char *a, const char *b);

/**
 * Masked form for logs and notices: "FR76****0189". Returns out. Spaces
 * are skipped and anything but A-Z 0-9 shows as '?'; input shorter than 8
 * characters (or NULL) gives "****".
 */
char *sepa_iban_mask(char *out, const char *iban);

/**
 * Mask, in place, every valid IBAN in free text (a message, the bank's
 * free text): written in one word or in groups separated by single
 * spaces, in either case, beginning and ending at a word boundary.
 * "debit on FR76 3000 6000 0112 3456 7890 189 refused" becomes "debit on
 * FR76****0189 refused". Something that is not a valid IBAN is left as it
 * is. Returns text (NULL stays NULL).
 */
char *sepa_iban_mask_text(char *text);

/**
 * Display form in groups of four: "FR76 3000 6000 0112 3456 7890 189".
 * Returns out. Same character rules as sepa_iban_mask; cut at
 * SEPA_IBAN_MAX characters.
 */
char *sepa_iban_display(char *out, const char *iban);

#endif /* SEPA_IBAN_H */
