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

/*
 * A stored message (an event's, a mandate's reason, a quarantined
 * record's why): its English format, a msgid marked N_() (or NN_() for
 * a singular and its plural), and its arguments, each kept as text with
 * its type: "t:" text as it is, "d:" a date (YYYY-MM-DD, read DD/MM/YYYY
 * in French), "m:" an amount in cents ("54.70", "54,70 €"), "n:" a
 * number (the first one picks the plural form), "y:" a day of the year
 * (MM-DD, "30 June", "30 juin"), "e:" cents written "1 234,56 €" in
 * every language, "s:" a state code with its context ("mandate\004
 * lapsed", i18n_state), "g:" an English word that is a msgid itself
 * ("two rejects"). The database keeps the English text
 * beside them (the audit reads it as recorded); i18n_render words them
 * again in the reader's language (docs/development.md, Messages).
 *
 * i18n_msg fills m from `types`, one letter an argument: 't' const
 * char *, 'd' and 'y' sepa_date, 'D' a date as text (const char *,
 * YYYY-MM-DD), 'M' a sepa_month (kept as text YYYY-MM), 'm' and 'n'
 * int64_t, 'N' an int64_t count whose msgid is NN_(singular, plural),
 * 'o' an int64_t day of the month read as an ordinal ("o:5": "5th",
 * "5" in French; the SQL function sepad_message writes it "5").
 */
#define NN_(s, p) (s "\0" p)
#define I18N_MSG_MAXARGS 8
struct i18n_msg {
	const char *msgid;
	const char *plural; /* NULL: no plural form */
	size_t nargs;
	const char *args[I18N_MSG_MAXARGS]; /* "T:value", in buf */
	char buf[2048];
	size_t used;
};
void i18n_msg(struct i18n_msg *m, const char *msgid, const char *types, ...);

/*
 * The text of a stored message (owned): `msgid` (and `plural`, or NULL)
 * with its arguments put in place of %s and %N$s, in the reader's
 * language (`translate`) or in English as it is stored. The format is
 * never given to printf: what is not %s, %N$s or %% is copied, and a
 * placeholder without its argument writes nothing.
 */
char *i18n_render(const char *msgid, const char *plural,
    const char *const *args, size_t nargs, int translate);

#endif /* SEPAD_I18N_H */
