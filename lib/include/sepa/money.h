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
 * "-0,50", "+3". Thousands separators (space, no-break space U+00A0 or
 * U+202F, apostrophe) only between groups of three digits. At most 2
 * decimals. Errors say what is wrong: empty, junk character at a
 * position, too many decimals, overflow.
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
 * (corrections).
 */
int sepa_quantity_parse(int64_t *milli, const char *s, sepa_error *err);

/**
 * Multiply a quantity in thousandths by a unit price in cents, rounding
 * half away from zero to the cent. SEPA_ERANGE on overflow.
 */
int sepa_money_mul_qty(
    int64_t *cents, int64_t milli, int64_t unit_cents, sepa_error *err);

#endif /* SEPA_MONEY_H */
