/*
 * i18n.c - the programs' language: locale, text domain, amounts for the
 * operator (i18n.h).
 */
#include <inttypes.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/money.h"
#include "i18n.h"
#include "log.h"

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

/* The msgid (NP_) of a state code, or NULL for an unknown code. */
static const char *
i18n_state_msgid(enum i18n_state_of of, const char *state)
{
	static const struct i18n_state_word *const tables[] = {
	    [I18N_INVOICE] = i18n_invoice_states,
	    [I18N_MANDATE] = i18n_mandate_states,
	    [I18N_COLLECTION] = i18n_collection_states,
	    [I18N_BATCH] = i18n_batch_states,
	    [I18N_LINE] = i18n_line_kinds,
	    [I18N_PAYMENT] = i18n_payment_methods,
	};

	for (const struct i18n_state_word *w = tables[of]; w->code != NULL; w++)
		if (strcmp(state, w->code) == 0)
			return w->msgid;
	return NULL;
}

const char *
i18n_state(enum i18n_state_of of, const char *state)
{
	const char *msgid = i18n_state_msgid(of, state);

	return msgid != NULL ? i18n_pgettext(msgid, state) : state;
}

/* ------------------------------------------------ stored messages */

/* The months of a day of the year ('y' arguments: "30 June"). */
static const char *const i18n_month_names[] = {NP_("month", "January"),
    NP_("month", "February"), NP_("month", "March"), NP_("month", "April"),
    NP_("month", "May"), NP_("month", "June"), NP_("month", "July"),
    NP_("month", "August"), NP_("month", "September"), NP_("month", "October"),
    NP_("month", "November"), NP_("month", "December")};

/* Append an argument "T:value" to m->buf; cut to what fits. */
static void
i18n_msg_push(struct i18n_msg *m, char type, const char *value)
{
	size_t room = sizeof(m->buf) - m->used, len;
	char *at = m->buf + m->used;

	if (m->nargs >= I18N_MSG_MAXARGS || room < 3)
		return;
	len = strlen(value);
	if (len > room - 3)
		len = room - 3;
	/* never cut a UTF-8 character in two */
	while (len > 0 && (value[len] & 0xc0) == 0x80)
		len--;
	at[0] = type;
	at[1] = ':';
	memcpy(at + 2, value, len);
	at[2 + len] = '\0';
	m->args[m->nargs++] = at;
	m->used += len + 3;
}

void
i18n_msg(struct i18n_msg *m, const char *msgid, const char *types, ...)
{
	char num[24], day[SEPA_DATE_BUFSZ];
	const char *state;
	enum i18n_state_of of;
	va_list ap;

	memset(m, 0, sizeof(*m));
	m->msgid = msgid;
	va_start(ap, types);
	for (const char *t = types; *t != '\0'; t++) {
		const char *s;
		sepa_date d;

		switch (*t) {
		case 'N':
			/* the plural msgid follows the singular (NN_) */
			m->plural = msgid + strlen(msgid) + 1;
			/* FALLTHROUGH */
		case 'n':
		case 'm':
			snprintf(
			    num, sizeof(num), "%" PRId64, va_arg(ap, int64_t));
			i18n_msg_push(m, *t == 'm' ? 'm' : 'n', num);
			break;
		case 'd':
			d = va_arg(ap, sepa_date);
			i18n_msg_push(m, 'd', sepa_date_iso(day, d));
			break;
		case 'D':
			s = va_arg(ap, const char *);
			i18n_msg_push(m, 'd', s != NULL ? s : "");
			break;
		case 'M':
			i18n_msg_push(m, 't',
			    sepa_month_iso(day, va_arg(ap, sepa_month)));
			break;
		case 'e':
			snprintf(
			    num, sizeof(num), "%" PRId64, va_arg(ap, int64_t));
			i18n_msg_push(m, 'e', num);
			break;
		case 's':
			/* its msgid with its context: "mandate\004lapsed" */
			of = va_arg(ap, enum i18n_state_of);
			s = va_arg(ap, const char *);
			state = i18n_state_msgid(of, s);
			i18n_msg_push(m, state != NULL ? 's' : 't',
			    state != NULL ? state : s);
			break;
		case 'o':
			snprintf(
			    num, sizeof(num), "%" PRId64, va_arg(ap, int64_t));
			i18n_msg_push(m, 'o', num);
			break;
		case 'y':
			d = va_arg(ap, sepa_date);
			snprintf(num, sizeof(num), "%02d-%02d", d.month % 100,
			    d.day % 100);
			i18n_msg_push(m, 'y', num);
			break;
		default: /* 't' */
			s = va_arg(ap, const char *);
			i18n_msg_push(m, 't', s != NULL ? s : "");
			break;
		}
	}
	va_end(ap);
}

/* The format of day n of a month as an ordinal ("5th"; "5" in French,
 * "1er" for the first), a msgid. */
static const char *
i18n_ordinal(long long n)
{
	if (n == 1)
		return N_("1st");
	if (n % 100 < 11 || n % 100 > 13) {
		if (n % 10 == 1)
			return N_("%sst");
		if (n % 10 == 2)
			return N_("%snd");
		if (n % 10 == 3)
			return N_("%srd");
	}
	return N_("%sth");
}

/* One argument ("T:value") as the reader reads it into buf, or English
 * as stored when !translate. */
static const char *
i18n_arg_text(const char *arg, int translate, char *buf, size_t size)
{
	const char *v = arg[0] != '\0' && arg[1] == ':' ? arg + 2 : arg;
	char *end, *text;
	long long n;
	sepa_date d;
	int mon, day;

	switch (arg[0] != '\0' && arg[1] == ':' ? arg[0] : 't') {
	case 'd':
		if (!translate || sepa_date_parse(&d, v, NULL) != 0)
			return v;
		return i18n_date(buf, d);
	case 'm':
	case 'e':
		n = strtoll(v, &end, 10);
		if (*v == '\0' || *end != '\0' || size < SEPA_MONEY_BUFSZ)
			return v;
		if (arg[0] == 'e')
			return sepa_money_fr(buf, n);
		return translate ? i18n_money(buf, n) : sepa_money_xml(buf, n);
	case 'g':
		/* gettext("") is the catalogue's header */
		return translate && *v != '\0' ? gettext(v) : v;
	case 'o':
		n = strtoll(v, &end, 10);
		if (*v == '\0' || *end != '\0' || n < 1 || n > 31)
			return v;
		snprintf(buf, size, "t:%lld", n);
		text = i18n_render(i18n_ordinal(n), NULL,
		    (const char *const[]){buf}, 1, translate);
		snprintf(buf, size, "%s", text);
		free(text);
		return buf;
	case 's':
		/* "context\004code" (NP_), the code in English */
		end = strchr(v, '\004');
		if (end == NULL)
			return v;
		return translate ? i18n_pgettext(v, end + 1) : end + 1;
	case 'y':
		if (sscanf(v, "%2d-%2d", &mon, &day) != 2 || mon < 1 ||
		    mon > 12)
			return v;
		snprintf(buf, size, "%d %s", day,
		    translate
		        ? i18n_pgettext(i18n_month_names[mon - 1],
		              strchr(i18n_month_names[mon - 1], '\004') + 1)
		        : strchr(i18n_month_names[mon - 1], '\004') + 1);
		return buf;
	default:
		return v;
	}
}

/* The count that picks a plural form: the first 'n' argument. */
static unsigned long
i18n_msg_count(const char *const *args, size_t nargs)
{
	for (size_t i = 0; i < nargs; i++)
		if (args[i] != NULL && args[i][0] == 'n' && args[i][1] == ':') {
			long long n = strtoll(args[i] + 2, NULL, 10);

			return n < 0 ? (unsigned long)-n : (unsigned long)n;
		}
	return 0;
}

char *
i18n_render(const char *msgid, const char *plural, const char *const *args,
    size_t nargs, int translate)
{
	const char *fmt = msgid;
	char *out, buf[I18N_DATE_TEXT_BUFSZ + SEPA_MONEY_BUFSZ];
	size_t len = 0, widest = 0, next = 0;

	if (plural != NULL) {
		unsigned long n = i18n_msg_count(args, nargs);

		fmt = translate ? ngettext(msgid, plural, n)
		    : n == 1    ? msgid
		                : plural;
	} else if (translate) {
		fmt = gettext(msgid);
	}
	/* each placeholder (two bytes at least) writes one argument */
	for (size_t i = 0; i < nargs; i++)
		if (args[i] != NULL && strlen(args[i]) > widest)
			widest = strlen(args[i]);
	out = xmalloc(
	    strlen(fmt) + 1 + (strlen(fmt) / 2) * (widest + sizeof(buf)));
	/* %s takes the next argument, %N$s the Nth, %% is a %; anything
	 * else is copied as it is: the format is never printf's */
	for (const char *p = fmt; *p != '\0'; p++) {
		const char *arg;
		size_t idx = next, alen;
		char *end;

		if (p[0] != '%') {
			out[len++] = *p;
			continue;
		}
		if (p[1] == '%') {
			out[len++] = '%';
			p++;
			continue;
		}
		if (p[1] >= '1' && p[1] <= '9') {
			unsigned long k = strtoul(p + 1, &end, 10);

			if (end[0] != '$' || end[1] != 's') {
				out[len++] = *p;
				continue;
			}
			idx = k - 1;
			p = end + 1;
		} else if (p[1] == 's') {
			next++;
			p++;
		} else {
			out[len++] = *p;
			continue;
		}
		if (idx >= nargs || args[idx] == NULL)
			continue;
		arg = i18n_arg_text(args[idx], translate, buf, sizeof(buf));
		alen = strlen(arg);
		memcpy(out + len, arg, alen);
		len += alen;
	}
	out[len] = '\0';
	return out;
}
