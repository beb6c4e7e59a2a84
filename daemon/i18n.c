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
