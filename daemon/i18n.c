/*
 * i18n.c - the programs' language: locale, text domain, amounts for the
 * operator (i18n.h).
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/money.h"
#include "i18n.h"

#ifndef SEPAD_LOCALEDIR
#define SEPAD_LOCALEDIR "build/locale"
#endif

void
i18n_init(void)
{
	setlocale(LC_ALL, "");
	/* Machine formats never depend on the locale: "%.2f" keeps its
	 * point, strtod reads one, strftime writes English names. */
	setlocale(LC_NUMERIC, "C");
	setlocale(LC_TIME, "C");
	bindtextdomain(SEPA_TEXT_DOMAIN, SEPAD_LOCALEDIR);
	bind_textdomain_codeset(SEPA_TEXT_DOMAIN, "UTF-8");
	textdomain(SEPA_TEXT_DOMAIN);
}

int
i18n_french(void)
{
	/* Translators: "en" in English; "fr" in fr.po. The catalogue in use
	 * says which language the messages are in (LANGUAGE included). */
	return strcmp(_("en"), "fr") == 0;
}

char *
i18n_money(char *buf, int64_t cents)
{
	return i18n_french() ? sepa_money_fr(buf, cents)
	                     : sepa_money_xml(buf, cents);
}

char *
i18n_date(char *buf, sepa_date d)
{
	return i18n_french() ? sepa_date_fr(buf, d) : sepa_date_iso(buf, d);
}

const char *
i18n_date_text(char *buf, const char *text)
{
	sepa_date d;
	char day[SEPA_DATE_BUFSZ];

	/* YYYY-MM-DD, then the end of the text or a time */
	if (!i18n_french() || strlen(text) < 10 ||
	    strspn(text, "0123456789-") < 10 ||
	    (text[10] != '\0' && text[10] != ' ' && text[10] != 'T'))
		return text;
	memcpy(day, text, 10);
	day[10] = '\0';
	if (sepa_date_parse(&d, day, NULL) != 0)
		return text;
	snprintf(buf, I18N_DATE_TEXT_BUFSZ, "%s%.50s", sepa_date_fr(day, d),
	    text + 10);
	return buf;
}

const char *
i18n_pgettext(const char *ctx_msgid, const char *msgid)
{
	/* gettext gives its argument back when it has no translation */
	const char *t = gettext(ctx_msgid);

	return t == ctx_msgid ? msgid : t;
}

struct i18n_state_word {
	const char *code;
	const char *msgid; /* NP_(context, code) */
};

/* The CHECKs of the schema's state columns, one table per column. */
static const struct i18n_state_word i18n_invoice_states[] = {
    {"issued", NP_("invoice", "issued")},
    {"collecting", NP_("invoice", "collecting")},
    {"paid", NP_("invoice", "paid")}, {"unpaid", NP_("invoice", "unpaid")},
    {"reminded", NP_("invoice", "reminded")},
    {"recovery", NP_("invoice", "recovery")},
    {"cancelled", NP_("invoice", "cancelled")}, {NULL, NULL}};
static const struct i18n_state_word i18n_mandate_states[] = {
    {"active", NP_("mandate", "active")},
    {"suspended", NP_("mandate", "suspended")},
    {"terminated", NP_("mandate", "terminated")},
    {"lapsed", NP_("mandate", "lapsed")}, {NULL, NULL}};
static const struct i18n_state_word i18n_collection_states[] = {
    {"pending", NP_("collection", "pending")},
    {"sent", NP_("collection", "sent")},
    {"settled", NP_("collection", "settled")},
    {"rejected", NP_("collection", "rejected")},
    {"returned", NP_("collection", "returned")},
    {"refunded", NP_("collection", "refunded")},
    {"cancelled", NP_("collection", "cancelled")}, {NULL, NULL}};
static const struct i18n_state_word i18n_batch_states[] = {
    {"prepared", NP_("batch", "prepared")},
    {"placing", NP_("batch", "placing")},
    {"released", NP_("batch", "released")},
    {"rejected", NP_("batch", "rejected")},
    {"cancelled", NP_("batch", "cancelled")}, {NULL, NULL}};
static const struct i18n_state_word i18n_line_kinds[] = {
    {"consumption", NP_("invoice line", "consumption")},
    {"reminder", NP_("invoice line", "reminder")},
    {"regularisation", NP_("invoice line", "regularisation")},
    {"credit", NP_("invoice line", "credit")}, {NULL, NULL}};
static const struct i18n_state_word i18n_payment_methods[] = {
    {"cheque", NP_("payment method", "cheque")},
    {"cash", NP_("payment method", "cash")},
    {"transfer", NP_("payment method", "transfer")},
    {"card", NP_("payment method", "card")},
    {"other", NP_("payment method", "other")}, {NULL, NULL}};

const char *
i18n_state(enum i18n_state_of of, const char *state)
{
	static const struct i18n_state_word *const tables[] = {
	    [I18N_INVOICE] = i18n_invoice_states,
	    [I18N_MANDATE] = i18n_mandate_states,
	    [I18N_COLLECTION] = i18n_collection_states,
	    [I18N_BATCH] = i18n_batch_states,
	    [I18N_LINE] = i18n_line_kinds,
	    [I18N_PAYMENT] = i18n_payment_methods,
	};

	for (const struct i18n_state_word *w = tables[of]; w->code != NULL;
	     w++) {
		if (strcmp(state, w->code) != 0)
			continue;
		return i18n_pgettext(w->msgid, w->code);
	}
	return state;
}
