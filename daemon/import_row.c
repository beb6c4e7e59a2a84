/*
 * import_row.c - the checks of one row of a CSV import that need no
 * database (store_import.c runs the others as SQL): each field of the
 * kind checked in C (text lengths, dates, amounts, quantities, IBAN, BIC,
 * RUM, country, e-mail, birth dates, CAF activities), its problems kept
 * with their line and column, and the good row turned into a line of
 * COPY text. No libpq here: the fuzzer (tests/fuzz/fuzz_import.c) links
 * this file with lib/ and log.c.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sepa/caf.h"
#include "sepa/csv.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/money.h"
#include "sepa/pain008.h"
#include "sepa/text.h"
#include "import_row.h"
#include "log.h"

/* The columns of each kind, in the order of its staging table. */
static const struct import_row_kind import_row_kinds[] = {
    [IMPORT_FAMILIES] = {"families", 8,
        {{"family_ref", 1}, {"payer_name", 1}, {"street", 0}, {"postcode", 0},
            {"city", 1}, {"country", 1}, {"email", 0}, {"bracket", 1}}},
    /* last_collected_on and sequence: the history of a mandate that
     * another software debited (migration 035) */
    [IMPORT_MANDATES] = {"mandates", 7,
        {{"rum", 1}, {"family_ref", 1}, {"iban", 1}, {"bic", 0},
            {"signed_on", 1}, {"last_collected_on", 0}, {"sequence", 0}}},
    [IMPORT_TARIFFS] = {"tariffs", 7,
        {{"service", 1}, {"bracket", 1}, {"unit", 1}, {"price", 1},
            {"valid_from", 1}, {"caf_activity", 0}, {"label", 0}}},
    [IMPORT_CONSUMPTION] = {"consumption", 7,
        {{"family_ref", 1}, {"child_ref", 1}, {"child_name", 1}, {"service", 1},
            {"date", 1}, {"quantity", 1}, {"birth_date", 0}}},
    [IMPORT_CHILDREN] = {"children", 4,
        {{"child_ref", 1}, {"family_ref", 1}, {"child_name", 1},
            {"birth_date", 1}}},
};

/* Longest identifier or name kept from a field (bytes). */
#define IMPORT_ROW_TEXT_MAX 200

/* Copy `s` into dst (size bytes), cut on a UTF-8 boundary, "..." marked. */
static void
import_row_clip(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s), i;

	if (n < size) {
		memcpy(dst, s, n + 1);
	} else {
		n = size - 4;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		memcpy(dst, s, n);
		memcpy(dst + n, "...", 4);
	}
	for (i = 0; dst[i] != '\0'; i++)
		if (dst[i] == '\n' || dst[i] == '\r' || dst[i] == '\t')
			dst[i] = ' ';
}

/*
 * Record one problem; only the first IMPORT_MAX_ISSUES are kept. The
 * report goes to stderr, the journal and rejected/NAME.errors.txt, which
 * whoever dropped the file may read: an IBAN is shown masked, the value
 * of the iban column whatever it holds (a mistyped IBAN is one character
 * from the real one), and any valid IBAN in the reason.
 */
void
import_row_issue(struct import_result *res, long line, const char *column,
    const char *value, const char *reason)
{
	char mask[SEPA_IBAN_MASK_BUFSZ];
	struct import_issue *is;

	res->issues_total++;
	if (res->nissues >= IMPORT_MAX_ISSUES)
		return;
	is = &res->issues[res->nissues++];
	is->line = line;
	import_row_clip(is->column, sizeof(is->column), column ? column : "");
	if (column != NULL && strcmp(column, "iban") == 0 && value != NULL &&
	    value[0] != '\0')
		value = sepa_iban_mask(mask, value);
	import_row_clip(is->value, sizeof(is->value), value ? value : "");
	sepa_iban_mask_text(is->value);
	import_row_clip(is->reason, sizeof(is->reason), reason);
	sepa_iban_mask_text(is->reason);
}

/*
 * The lib's messages name the value first ("IBAN FR76 ...: check digits
 * do not match"); the report already shows it, so keep the reason only.
 */
static const char *
import_row_reason(const char *msg)
{
	static const char *const prefixes[] = {"IBAN ", "BIC ", "RUM "};
	const char *colon;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(msg, prefixes[i], strlen(prefixes[i])) == 0 &&
		    (colon = strstr(msg, ": ")) != NULL)
			return colon + 2;
	return msg;
}

/* ------------------------------------------------ COPY text formatting */

void
import_row_copy_raw(struct import_row_copy *c, const char *s, size_t n)
{
	if (c->len + n + 1 > c->cap) {
		size_t cap = c->cap ? c->cap : 1024;

		while (cap < c->len + n + 1)
			cap *= 2;
		c->buf = xreallocarray(c->buf, cap, 1);
		c->cap = cap;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
}

void
import_row_copy_field(struct import_row_copy *c, const char *s)
{
	if (c->len > 0)
		import_row_copy_raw(c, "\t", 1);
	if (s == NULL) {
		import_row_copy_raw(c, "\\N", 2);
		return;
	}
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\':
			import_row_copy_raw(c, "\\\\", 2);
			break;
		case '\t':
			import_row_copy_raw(c, "\\t", 2);
			break;
		case '\n':
			import_row_copy_raw(c, "\\n", 2);
			break;
		case '\r':
			import_row_copy_raw(c, "\\r", 2);
			break;
		default:
			import_row_copy_raw(c, s, 1);
			break;
		}
	}
}

/* ------------------------------------------------- per-field checks */

struct import_row_ctx {
	struct import_result *res;
	const sepa_csv_row *row;
	const sepa_csv_column *cols;
	sepa_date today; /* the business date */
	int bad;
};

/* The field of wanted column k ("" when the column is absent). */
static const char *
import_row_field(const struct import_row_ctx *r, size_t k)
{
	int idx = r->cols[k].index;

	if (idx < 0 || (size_t)idx >= r->row->nfields)
		return "";
	return r->row->fields[idx];
}

static void
import_row_bad(struct import_row_ctx *r, size_t k, const char *reason)
{
	int idx = r->cols[k].index;
	long line = r->row->line;

	if (idx >= 0 && (size_t)idx < r->row->nfields &&
	    r->row->field_lines != NULL)
		line = r->row->field_lines[idx];
	import_row_issue(
	    r->res, line, r->cols[k].name, import_row_field(r, k), reason);
	r->bad = 1;
}

/* Non-empty text of at most IMPORT_ROW_TEXT_MAX bytes. */
static const char *
import_row_text(struct import_row_ctx *r, size_t k)
{
	const char *s = import_row_field(r, k);

	if (s[0] == '\0') {
		import_row_bad(r, k, "is empty");
		return NULL;
	}
	if (strlen(s) > IMPORT_ROW_TEXT_MAX) {
		char why[64];

		snprintf(why, sizeof(why), "longer than %d bytes",
		    IMPORT_ROW_TEXT_MAX);
		import_row_bad(r, k, why);
		return NULL;
	}
	return s;
}

/* Optional text: "" allowed, same length limit. */
static const char *
import_row_opt_text(struct import_row_ctx *r, size_t k)
{
	const char *s = import_row_field(r, k);

	return s[0] == '\0' ? s : import_row_text(r, k);
}

static int
import_row_date(struct import_row_ctx *r, size_t k, char out[SEPA_DATE_BUFSZ])
{
	sepa_error e = SEPA_ERROR_INIT;
	sepa_date d;

	if (sepa_date_parse(&d, import_row_field(r, k), &e) != 0) {
		import_row_bad(r, k, e.msg);
		return -1;
	}
	sepa_date_iso(out, d);
	return 0;
}

static int
import_row_country(struct import_row_ctx *r, size_t k, char out[3])
{
	const char *s = import_row_field(r, k);

	if (strlen(s) != 2 ||
	    !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) ||
	    !((s[1] >= 'A' && s[1] <= 'Z') || (s[1] >= 'a' && s[1] <= 'z'))) {
		import_row_bad(r, k, "not a two-letter country code");
		return -1;
	}
	out[0] = (char)(s[0] & ~0x20);
	out[1] = (char)(s[1] & ~0x20);
	out[2] = '\0';
	return 0;
}

/* One '@', something on both sides, a dot in the domain, no spaces. */
static int
import_row_email(struct import_row_ctx *r, size_t k)
{
	const char *s = import_row_field(r, k), *at;

	if (s[0] == '\0')
		return 0;
	at = strchr(s, '@');
	if (strlen(s) > IMPORT_ROW_TEXT_MAX || at == NULL || at == s ||
	    strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL ||
	    at[1] == '.' || s[strlen(s) - 1] == '.' ||
	    strpbrk(s, " \t\n\r") != NULL) {
		import_row_bad(r, k, "not an e-mail address");
		return -1;
	}
	return 0;
}

/*
 * A checked row as the staging table takes it: one value per column of
 * the kind (NULL for SQL NULL), pointing into the row or into the buffers
 * that hold the normalised forms.
 */
struct import_row_fields {
	const char *v[IMPORT_ROW_MAX_COLS];
	char date[SEPA_DATE_BUFSZ], date2[SEPA_DATE_BUFSZ], num[32], cc[3];
	char birth[SEPA_DATE_BUFSZ], seq[8];
	char iban[SEPA_IBAN_BUFSZ], bic[SEPA_BIC_BUFSZ];
};

/*
 * An optional birth date into f->birth and *v: NULL when the field is
 * empty (unknown), else the date, which must not be after `on` (the day
 * of attendance, or the business date: `what`) nor IMPORT_MAX_AGE years
 * or more before it.
 */
static void
import_row_birth(struct import_row_ctx *r, size_t k, sepa_date on,
    const char *what, struct import_row_fields *f, const char **v)
{
	sepa_error e = SEPA_ERROR_INIT;
	char why[96], d[SEPA_DATE_BUFSZ];
	sepa_date b;

	*v = NULL;
	if (import_row_field(r, k)[0] == '\0')
		return;
	if (sepa_date_parse(&b, import_row_field(r, k), &e) != 0) {
		import_row_bad(r, k, e.msg);
		return;
	}
	if (sepa_date_cmp(b, on) > 0) {
		snprintf(why, sizeof(why), "after %s %s", what,
		    sepa_date_iso(d, on));
		import_row_bad(r, k, why);
		return;
	}
	if (sepa_age_on(b, on) >= IMPORT_MAX_AGE) {
		snprintf(why, sizeof(why), "%d years or more before %s %s",
		    IMPORT_MAX_AGE, what, sepa_date_iso(d, on));
		import_row_bad(r, k, why);
		return;
	}
	*v = sepa_date_iso(f->birth, b);
}

/*
 * A text the pain.008 writer will need (the payer's name, street,
 * postcode, town): refused when no file could carry it, by the writer's
 * own check (sepa_pain008_check_text: reduced to the SEPA character set,
 * Cyrillic and Greek spelt in Latin letters first, with the flags collect
 * writes with), so that nothing reaches a month's file that the file
 * cannot hold.
 */
static const char *
import_row_writable(struct import_row_ctx *r, size_t k, const char *s,
    enum sepa_pain008_text which)
{
	sepa_error e = SEPA_ERROR_INIT;
	char why[sizeof(e.msg) + 48];

	if (s == NULL ||
	    sepa_pain008_check_text(which, s, SEPA_TEXT_DEFAULT, NULL, 0, &e) ==
	        0)
		return s;
	snprintf(why, sizeof(why), "no pain.008 can carry it: %s", e.msg);
	import_row_bad(r, k, why);
	return NULL;
}

static void
import_row_check_family(struct import_row_ctx *r, struct import_row_fields *f)
{
	f->v[0] = import_row_text(r, 0);
	f->v[1] =
	    import_row_writable(r, 1, import_row_text(r, 1), SEPA_PAIN008_NAME);
	f->v[2] = import_row_writable(
	    r, 2, import_row_opt_text(r, 2), SEPA_PAIN008_STREET);
	f->v[3] = import_row_writable(
	    r, 3, import_row_opt_text(r, 3), SEPA_PAIN008_POSTCODE);
	f->v[4] =
	    import_row_writable(r, 4, import_row_text(r, 4), SEPA_PAIN008_TOWN);
	import_row_country(r, 5, f->cc);
	f->v[5] = f->cc;
	import_row_email(r, 6);
	f->v[6] = import_row_field(r, 6)[0] ? import_row_field(r, 6) : NULL;
	f->v[7] = import_row_text(r, 7);
}

/* A date column that must not be after the business date. */
static int
import_row_past_date(
    struct import_row_ctx *r, size_t k, char out[SEPA_DATE_BUFSZ], sepa_date *d)
{
	sepa_error e = SEPA_ERROR_INIT;

	if (import_row_date(r, k, out) != 0)
		return -1;
	sepa_date_parse(d, out, &e);
	if (sepa_date_cmp(*d, r->today) > 0) {
		char why[64], td[SEPA_DATE_BUFSZ];

		snprintf(why, sizeof(why), "after the business date %s",
		    sepa_date_iso(td, r->today));
		import_row_bad(r, k, why);
		return -1;
	}
	return 0;
}

/*
 * The history a mandate brings from the software sepad replaces
 * (migration 035): the last debit it made, not before the signature nor
 * after today, and FRST or RCUR (any case); absent: NULL.
 */
static void
import_row_check_history(struct import_row_ctx *r, struct import_row_fields *f,
    int signed_ok, sepa_date signed_on)
{
	const char *seq = import_row_field(r, 6);
	sepa_date last;

	f->v[5] = NULL;
	if (import_row_field(r, 5)[0] != '\0' &&
	    import_row_past_date(r, 5, f->date2, &last) == 0) {
		if (signed_ok && sepa_date_cmp(last, signed_on) < 0) {
			char why[80];

			snprintf(why, sizeof(why),
			    "before the signature date %s", f->date);
			import_row_bad(r, 5, why);
		}
		f->v[5] = f->date2;
	}
	f->v[6] = NULL;
	if (seq[0] == '\0')
		return;
	if (strlen(seq) != 4 ||
	    (strcasecmp(seq, "FRST") != 0 && strcasecmp(seq, "RCUR") != 0)) {
		import_row_bad(r, 6, "sequence must be FRST or RCUR");
		return;
	}
	for (int i = 0; i < 4; i++)
		f->seq[i] = (char)(seq[i] & ~0x20);
	f->seq[4] = '\0';
	f->v[6] = f->seq;
}

static void
import_row_check_mandate(struct import_row_ctx *r, struct import_row_fields *f)
{
	sepa_error e = SEPA_ERROR_INIT;
	sepa_date signed_on = {0, 0, 0};
	int signed_ok;

	if (sepa_id_validate(import_row_field(r, 0), "RUM", &e) != 0)
		import_row_bad(r, 0, import_row_reason(e.msg));
	f->v[0] = import_row_field(r, 0);
	f->v[1] = import_row_text(r, 1);
	if (sepa_iban_parse(f->iban, import_row_field(r, 2), &e) != 0)
		import_row_bad(r, 2, import_row_reason(e.msg));
	f->v[2] = f->iban;
	f->bic[0] = '\0';
	if (import_row_field(r, 3)[0] != '\0' &&
	    sepa_bic_parse(f->bic, import_row_field(r, 3), SEPA_BIC_2019, &e) !=
	        0)
		import_row_bad(r, 3, import_row_reason(e.msg));
	f->v[3] = f->bic[0] ? f->bic : NULL;
	signed_ok = import_row_past_date(r, 4, f->date, &signed_on) == 0;
	f->v[4] = f->date;
	import_row_check_history(r, f, signed_ok, signed_on);
}

static void
import_row_check_tariff(struct import_row_ctx *r, struct import_row_fields *f)
{
	sepa_error e = SEPA_ERROR_INIT;
	const char *unit = import_row_field(r, 2),
	           *caf = import_row_field(r, 5);
	enum sepa_caf_activity act = SEPA_CAF_NONE;
	int hours = strcmp(unit, "hour") == 0 || strcmp(unit, "day") == 0;
	int64_t v;

	f->v[0] = import_row_text(r, 0);
	f->v[1] = import_row_text(r, 1);
	if (!hours && strcmp(unit, "meal") != 0 && strcmp(unit, "slot") != 0)
		import_row_bad(r, 2, "unit must be meal, slot, hour or day");
	f->v[2] = unit;
	/* The CAF activity (optional): hour and day services only. */
	if (caf[0] != '\0' && sepa_caf_activity_parse(&act, caf, &e) != 0)
		import_row_bad(r, 5, e.msg);
	else if (act != SEPA_CAF_NONE && !hours &&
	    (!strcmp(unit, "meal") || !strcmp(unit, "slot")))
		import_row_bad(r, 5,
		    "a service billed per meal or slot has no hours to "
		    "declare to the CAF: caf_activity must be none");
	f->v[5] = caf[0] != '\0' ? sepa_caf_activity_code(act) : NULL;
	if (sepa_money_parse(&v, import_row_field(r, 3), &e) != 0)
		import_row_bad(r, 3, e.msg);
	else if (v < 0)
		import_row_bad(r, 3, "price is negative");
	else
		snprintf(f->num, sizeof(f->num), "%" PRId64, v);
	f->v[3] = f->num;
	import_row_date(r, 4, f->date);
	f->v[4] = f->date;
	/* The service's name on the notices (migration 040), optional. */
	f->v[6] = import_row_opt_text(r, 6);
	if (f->v[6] != NULL && strlen(f->v[6]) > 100) {
		import_row_bad(r, 6, "longer than 100 bytes");
	} else if (f->v[6] != NULL) {
		for (const char *p = f->v[6]; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f) {
				import_row_bad(
				    r, 6, "holds a control character");
				break;
			}
	}
}

static void
import_row_check_consumption(
    struct import_row_ctx *r, struct import_row_fields *f)
{
	sepa_error e = SEPA_ERROR_INIT;
	sepa_date on = r->today;
	int64_t v;
	int dated;

	f->v[0] = import_row_text(r, 0);
	f->v[1] = import_row_text(r, 1);
	f->v[2] = import_row_text(r, 2);
	f->v[3] = import_row_text(r, 3);
	/* A birth date is checked against the day of attendance. */
	dated = import_row_date(r, 4, f->date) == 0;
	if (dated)
		sepa_date_parse(&on, f->date, &e);
	f->v[4] = f->date;
	if (sepa_quantity_parse(&v, import_row_field(r, 5), &e) != 0)
		import_row_bad(r, 5, e.msg);
	else if (v == 0)
		import_row_bad(r, 5, "quantity is zero");
	else
		snprintf(f->num, sizeof(f->num), "%" PRId64, v);
	f->v[5] = f->num;
	import_row_birth(r, 6, on,
	    dated ? "the day of attendance" : "the business date", f, &f->v[6]);
}

static void
import_row_check_child(struct import_row_ctx *r, struct import_row_fields *f)
{
	f->v[0] = import_row_text(r, 0);
	f->v[1] = import_row_text(r, 1);
	f->v[2] = import_row_text(r, 2);
	import_row_birth(r, 3, r->today, "the business date", f, &f->v[3]);
}

/* Check one data row and append it to the COPY text; 0 when it is good. */
static int
import_row_check_fields(
    enum import_kind kind, struct import_row_ctx *r, struct import_row_copy *c)
{
	static void (*const check[])(
	    struct import_row_ctx *, struct import_row_fields *) = {
	    [IMPORT_FAMILIES] = import_row_check_family,
	    [IMPORT_MANDATES] = import_row_check_mandate,
	    [IMPORT_TARIFFS] = import_row_check_tariff,
	    [IMPORT_CONSUMPTION] = import_row_check_consumption,
	    [IMPORT_CHILDREN] = import_row_check_child,
	};
	struct import_row_fields f;

	check[kind](r, &f);
	if (r->bad)
		return -1;
	for (size_t k = 0; k < import_row_kinds[kind].ncols; k++)
		import_row_copy_field(c, f.v[k]);
	return 0;
}

const struct import_row_kind *
import_row_kind(enum import_kind kind)
{
	if ((unsigned)kind >=
	    sizeof(import_row_kinds) / sizeof(import_row_kinds[0]))
		return NULL;
	return &import_row_kinds[kind];
}

int
import_row_check(enum import_kind kind, const sepa_csv_row *row,
    const sepa_csv_column *cols, sepa_date today, struct import_result *res,
    struct import_row_copy *c)
{
	struct import_row_ctx r = {res, row, cols, today, 0};

	if (import_row_kind(kind) == NULL)
		return -1;
	return import_row_check_fields(kind, &r, c);
}
