/*
 * money.h - amounts in int64 euro cents and fixed-point quantities:
 * parse from French or English writing, format for XML and documents.
 */
#ifndef SEPA_MONEY_H
#define SEPA_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "sepa/error.h"

/** Largest amount a SEPA transaction may carry: 999999999.99 EUR. */
#define SEPA_AMOUNT_MAX INT64_C(99999999999)
/** Buffer size for a formatted amount (XML or French). */
#define SEPA_MONEY_BUFSZ 40

/**
 * Parse an amount into cents: "12,34", "12.34", "1 234,56", "1234",
 * "-0,50", "+3", "54,70 €", "1 234,56 EUR" (a currency at the end, "€"
 * or "EUR", is allowed and ignored). Thousands separators (space, no-break space U+00A0 or
 * U+202F, apostrophe) only between groups of three digits. At most 2
 * decimals. Errors say what is wrong: empty, junk character at a
 * position, too many decimals, overflow.
 * A '.' groups thousands only when a ',' follows ("1.234,56"); alone it
 * is the decimal mark, so "1.234" fails with "3 decimals, at most 2
 * allowed". ".5", "5." and "1,234.56" are refused. Surrounding spaces
 * are ignored. Only int64 overflow is refused here (SEPA_ERANGE), not
 * amounts above SEPA_AMOUNT_MAX. *cents is written only on success.
 */
int sepa_money_parse(int64_t *cents, const char *s, sepa_error *err);

/** "12.34", "-0.50", "0.00": the XML decimal form. Returns buf. */
char *sepa_money_xml(char *buf, int64_t cents);

/** "1 234,56 €" (space between thousands, comma, euro sign). Returns buf. */
char *sepa_money_fr(char *buf, int64_t cents);

/**
 * Parse a decimal with at most `scale` fraction digits into an integer
 * scaled by 10^scale (scale 0..6): "1,5" scale 3 -> 1500.
 */
int sepa_decimal_parse(int64_t *out, const char *s, int scale, sepa_error *err);

/**
 * Parse a quantity in thousandths: a decimal ("2", "1,5", "0.25") or a
 * duration "H:MM" ("1:30" -> 1500). Negative quantities are allowed
 * (corrections). Minutes are 00..59; they are converted to thousandths
 * of an hour rounded to the nearest ("2:05" -> 2083, "0:01" -> 17; a tie
 * cannot occur).
 */
int sepa_quantity_parse(int64_t *milli, const char *s, sepa_error *err);

/**
 * Multiply a quantity in thousandths by a unit price in cents, rounding
 * half away from zero to the cent. SEPA_ERANGE when milli * unit_cents
 * overflows int64 (far beyond SEPA_AMOUNT_MAX).
 */
int sepa_money_mul_qty(
    int64_t *cents, int64_t milli, int64_t unit_cents, sepa_error *err);

#endif /* SEPA_MONEY_H */
