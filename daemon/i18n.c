/*
 * i18n.c - the programs' language: locale, text domain, amounts for the
 * operator (i18n.h).
 */
#include <locale.h>
#include <string.h>

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

/* invoices.state (schemas/sql/001_core.sql), for the operator. */
static const char *const i18n_states[] = {N_("issued"), N_("collecting"),
    N_("paid"), N_("unpaid"), N_("reminded"), N_("recovery"),
    N_("cancelled")};

const char *
i18n_invoice_state(const char *state)
{
	for (size_t i = 0; i < sizeof(i18n_states) / sizeof(i18n_states[0]);
	     i++)
		if (strcmp(state, i18n_states[i]) == 0)
			return _(i18n_states[i]);
	return state;
}
