/*
 * i18n.h - the programs' language (i18n.c): GNU gettext in the text
 * domain "sepad" (SEPA_TEXT_DOMAIN, lib's messages too), the catalogue
 * under SEPAD_LOCALEDIR (build/locale for the build tree,
 * $(PREFIX)/share/locale once installed). The locale decides: LANG or
 * LC_ALL=fr_FR.UTF-8 gives French, anything else English.
 *
 * A string the operator reads goes through _() where it is printed, or
 * N_() where it sits in a table and _() where the table is printed;
 * log_warnx, log_warn, log_info, fatal, fatalx, ctl_fail and lib's
 * sepa_error_set, sepa_error_setw and sepa_error_prefix translate their
 * format themselves (the Makefile's xgettext keywords list them). What a
 * machine reads (CSV, XML, journal fields) and the families' documents
 * (French whatever the locale: DOC_FR()) are never translated.
 */
#ifndef SEPAD_I18N_H
#define SEPAD_I18N_H

#include <libintl.h>
#include <stdint.h>

#define _(s) gettext(s)
#define N_(s) (s)
/* Text for the families: French whatever the locale, never a msgid. */
#define DOC_FR(s) (s)

/*
 * setlocale(LC_ALL, "") with LC_NUMERIC and LC_TIME left "C" (machine
 * formats never get a decimal comma, a mail's Date header stays in
 * English), then the text domain bound to its catalogue.
 */
void i18n_init(void);

/* 1 when messages are in French (the catalogue answers), else 0. */
int i18n_french(void);

/*
 * An amount in a table or report for the operator: "1 234,56 €" in
 * French, "1234.56" in English (as these outputs always wrote it).
 * Machine output (CSV, XML) uses sepa_money_xml instead. Returns buf
 * (SEPA_MONEY_BUFSZ).
 */
char *i18n_money(char *buf, int64_t cents);

/* An invoice's state (invoices.state) as the operator reads it: the code
 * itself in English, "payée" for paid in French. */
const char *i18n_invoice_state(const char *state);

#endif /* SEPAD_I18N_H */
