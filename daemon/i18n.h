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

#include "sepa/date.h"

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

/*
 * A date for the operator: "15/10/2026" in French, "2026-10-15" in
 * English (as these outputs always wrote it); a machine's output keeps
 * sepa_date_iso. Returns buf (SEPA_DATE_BUFSZ).
 */
char *i18n_date(char *buf, sepa_date d);

/*
 * The same for a date the database gave as text ("2026-10-15", or a
 * time stamp "2026-10-15 08:30:00"): its date part in the operator's
 * form, the rest kept. Anything else (empty, "-") comes back as it is.
 * Returns buf (I18N_DATE_TEXT_BUFSZ) or text.
 */
#define I18N_DATE_TEXT_BUFSZ 64
const char *i18n_date_text(char *buf, const char *text);

/*
 * A state code as the operator reads it: the code itself in English
 * ("paid"), its French word in French ("payée"), which agrees with the
 * thing it describes (une facture payée, un prélèvement rejeté). Every
 * message that prints a state goes through here; an unknown code comes
 * back as it is. The words are msgids with a context (NP_), one per
 * table of the schema.
 */
enum i18n_state_of {
	I18N_INVOICE, /* invoices.state (001_core.sql) */
	I18N_MANDATE, /* mandates.state */
	I18N_COLLECTION, /* collections.state (002_collections.sql) */
	I18N_BATCH, /* batches.state (036_batch_cancel.sql) */
	I18N_LINE, /* invoice_lines.kind (033_credits_and_balance.sql) */
	I18N_PAYMENT, /* payments.method (001_core.sql) */
};
const char *i18n_state(enum i18n_state_of of, const char *state);

/* A msgid with a context (msgctxt), collected by xgettext (NP_:1c,2)
 * in a table; P_(ctx, s) translates it where it is printed (P_:1c,2). A
 * word that two messages translate differently ("none": aucun, aucune)
 * gets one context each. */
#define NP_(ctx, s) ctx "\004" s
#define P_(ctx, s) i18n_pgettext(NP_(ctx, s), s)

/* The translation of a msgid with a context (NP_), or `msgid` itself
 * when the catalogue has none. */
const char *i18n_pgettext(const char *ctx_msgid, const char *msgid);

#endif /* SEPAD_I18N_H */
