/*
 * web_mandate.c - the console's Mandats: a mandate as `sepactl mandate
 * show` prints it (its accounts masked), and the changes a family asks
 * for by post, through the same store functions as `sepactl mandate
 * change-account|terminate|change-rum`. The month from which new bank
 * details apply is the store's (store_mandate_change_preview), and so is
 * the end of a terminated mandate (store_mandate_terminate_preview),
 * stated to the operator before the change is confirmed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/rules.h"
#include "config.h"
#include "ctl.h"
#include "i18n.h"
#include "store_mandate.h"
#include "web_internal.h"

/* What every mandate route needs: the request's ctl, the creditor, the
 * contract's rules; -1 with the reply made. */
struct man_ctx {
	struct ctl *ctl;
	int64_t cred;
	sepa_rules rules;
};

static int
man_open(struct web_req *r, struct man_ctx *c)
{
	sepa_error err = SEPA_ERROR_INIT;

	if ((c->ctl = web_req_ctl(r)) == NULL ||
	    (c->cred = api_creditor(r)) <= 0)
		return -1;
	if (config_rules(&c->ctl->cfg, &c->rules, &err) != 0) {
		web_reply_store(r, &err);
		return -1;
	}
	return 0;
}

/*
 * The fields of the API's bodies as the pages name them (their forms'
 * labels), for the messages that refuse one; in English, the JSON name.
 */
static const char *const web_fields[] = {
    NP_("field", "rum"),
    NP_("field", "new_rum"),
    NP_("field", "iban"),
    NP_("field", "bic"),
    NP_("field", "received"),
    NP_("field", "sent"),
    NP_("field", "immediate"),
    NP_("field", "month"),
    NP_("field", "id"),
    NP_("field", "end_to_end"),
    NP_("field", "force"),
    NP_("field", "why"),
};

static const char *
web_field_label(const char *field)
{
	for (size_t i = 0; i < sizeof(web_fields) / sizeof(web_fields[0]);
	     i++) {
		const char *name = strchr(web_fields[i], '\004') + 1;

		if (strcmp(name, field) == 0)
			return i18n_pgettext(web_fields[i], name);
	}
	return field;
}

void
web_refuse_field(struct web_req *r, const char *field, const char *fmt, ...)
{
	char why[SEPA_ERROR_MSG_MAX], msg[SEPA_ERROR_MSG_MAX + 64];
	const char *label = web_field_label(field);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), _(fmt), ap);
	va_end(ap);
	/* the lib's messages on an IBAN or a BIC name it already */
	if (strncasecmp(why, label, strlen(label)) == 0)
		snprintf(msg, sizeof(msg), "%s", why);
	else
		snprintf(msg, sizeof(msg), _("%s: %s"), label, why);
	web_reply(r, 400,
	    json_pack("{s:s, s:s, s:s}", "error", "refused", "message", msg,
	        "field", field));
}

int
web_body_str(struct web_req *r, json_t *body, const char *name, size_t max,
    bool required, const char **out)
{
	json_t *v = json_object_get(body, name);
	const char *s = json_string_value(v);

	*out = NULL;
	if (v == NULL || json_is_null(v) || (s != NULL && s[0] == '\0')) {
		if (!required)
			return 0;
		web_refuse_field(r, name, "a value is required");
		return -1;
	}
	for (const char *p = s; p != NULL && *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			s = NULL;
	if (s == NULL || strlen(s) > max) {
		web_refuse_field(r, name,
		    "must be text of at most %zu characters, without control "
		    "characters",
		    max);
		return -1;
	}
	*out = s;
	return 0;
}

int
web_body_date(struct web_req *r, json_t *body, const char *name, bool required,
    sepa_date *out)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *s;

	if (web_body_str(r, body, name, 10, required, &s) != 0)
		return -1;
	if (s != NULL && sepa_date_parse(out, s, &err) != 0) {
		web_refuse_field(r, name, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* "YYYY-MM-DD", or JSON null for a date of year 0. */
static json_t *
man_jdate(sepa_date d)
{
	char buf[SEPA_DATE_BUFSZ];

	return d.year != 0 ? json_string(sepa_date_iso(buf, d)) : json_null();
}

static json_t *
man_jmonth(sepa_month m)
{
	char buf[SEPA_MONTH_BUFSZ];

	return m.year != 0 ? json_string(sepa_month_iso(buf, m)) : json_null();
}

static json_t *
man_jiban(const char *iban)
{
	char mask[SEPA_IBAN_MASK_BUFSZ];

	return iban[0] != '\0' ? json_string(sepa_iban_mask(mask, iban))
	                       : json_null();
}

static const char *
man_amendment(enum sepa_amendment a)
{
	return a == SEPA_AMEND_SAME_BANK ? "same_bank"
	    : a == SEPA_AMEND_OTHER_BANK ? "other_bank"
	                                 : "none";
}

/* ---------------------------------------------------------------- show */

static json_t *
man_accounts(const struct mandate_info *info)
{
	json_t *list = json_array();

	for (size_t i = 0; i < info->naccounts; i++) {
		const struct mandate_history *h = &info->accounts[i];

		json_array_append_new(list,
		    json_pack("{s:o, s:o, s:s?, s:o, s:b, s:b, s:s?, s:o}",
		        "from", man_jmonth(h->applies_from), "account",
		        man_jiban(h->iban), "bic",
		        h->bic[0] != '\0' ? h->bic : NULL, "received",
		        man_jdate(h->received_on), "debited", h->debited,
		        "amendment_required", h->amendment_required,
		        "carried_by",
		        h->carried_by[0] != '\0' ? h->carried_by : NULL,
		        "carried_month", man_jmonth(h->carried_month)));
	}
	return list;
}

static json_t *
man_last(const struct mandate_info *info)
{
	if (!info->has_last)
		return json_null();
	return json_pack("{s:o, s:o, s:s, s:I, s:o, s:s, s:s?}", "month",
	    man_jmonth(info->last_month), "due", man_jdate(info->last_due),
	    "sequence", info->last_seq, "amount", (json_int_t)info->last_amount,
	    "account", man_jiban(info->last_iban), "state", info->last_state,
	    "reason", info->last_reason[0] != '\0' ? info->last_reason : NULL);
}

static json_t *
man_next(const struct mandate_info *info)
{
	if (info->no_next[0] != '\0')
		return json_pack("{s:o, s:s}", "month",
		    man_jmonth(info->next_month), "none", info->no_next);
	return json_pack("{s:o, s:s, s:o, s:s?}", "month",
	    man_jmonth(info->next_month), "sequence",
	    sepa_seq_name(info->next_seq), "account",
	    info->has_next_account ? man_jiban(info->next_account.iban)
	                           : json_null(),
	    "amendment",
	    info->has_next_account ? man_amendment(info->next_account.amendment)
	                           : NULL);
}

/* GET /api/mandate?rum=RUM: what `sepactl mandate show` prints. */
static void
man_show(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *rum = web_req_arg(r, "rum");
	struct mandate_info info;
	struct man_ctx c;
	json_t *out;

	if (rum == NULL || rum[0] == '\0' || strlen(rum) > 64) {
		web_reply_error(r, 400, "bad_request", "a mandate needs rum");
		return;
	}
	if (man_open(r, &c) != 0)
		return;
	if (store_mandate_show(c.ctl->db, c.cred, &c.rules,
	        &c.ctl->cfg.creditor_side_codes, rum, c.ctl->today, &info,
	        &err) != 0) {
		if (err.code == SEPA_ENOTFOUND)
			web_reply_error(r, 404, "not_found", "%s", err.msg);
		else
			web_reply_store(r, &err);
		return;
	}
	out = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s?, s:o, s:o, s:o, s:o, "
	                "s:o, s:b, s:o, s:o, s:o, s:i, s:I, s:i, s:i}",
	    "rum", info.rum, "family", info.family_ref, "payer",
	    info.payer_name, "signed", man_jdate(info.signed_on), "state",
	    info.state, "reason", info.reason[0] != '\0' ? info.reason : NULL,
	    "since", man_jdate(info.since), "ends", man_jdate(info.ends_on),
	    "last_use", man_jdate(info.last_use), "usable_until",
	    man_jdate(info.usable_until), "collected_before",
	    man_jdate(info.collected_before), "presented_before",
	    info.presented_before, "accounts", man_accounts(&info), "last",
	    man_last(&info), "next", man_next(&info), "school_year",
	    info.school_year, "rejects", (json_int_t)info.rejects,
	    "max_rejects", c.rules.max_rejects_per_school_year, "cutoff_day",
	    c.rules.account_change_cutoff_day);
	json_object_set_new(out, "today", man_jdate(c.ctl->today));
	web_reply(r, 200, out);
	store_mandate_info_free(&info);
}

/* ------------------------------------------------------ change-account */

/* A change of account as the form gives it, checked by the lib. */
struct man_change {
	char iban[SEPA_IBAN_BUFSZ];
	char bic[SEPA_BIC_BUFSZ];
	struct mandate_change chg;
};

/*
 * {"rum", "iban", "bic"?, "received", "sent"?}: the IBAN and BIC
 * normalised and checked by the lib's checks (as the mandates file and
 * `sepactl mandate change-account`), the dates read; -1 with a 400 made.
 */
static int
man_change_read(struct web_req *r, json_t *body, const struct ctl *ctl,
    struct man_change *c)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *iban, *bic;

	memset(c, 0, sizeof(*c));
	if (web_body_str(r, body, "rum", 64, true, &c->chg.rum) != 0 ||
	    web_body_str(r, body, "iban", 80, true, &iban) != 0 ||
	    web_body_str(r, body, "bic", 20, false, &bic) != 0)
		return -1;
	if (sepa_iban_parse(c->iban, iban, &err) != 0) {
		web_refuse_field(r, "iban", "%s", err.msg);
		return -1;
	}
	if (bic != NULL &&
	    sepa_bic_parse(c->bic, bic, config_bic_rule(&ctl->cfg), &err) !=
	        0) {
		web_refuse_field(r, "bic", "%s", err.msg);
		return -1;
	}
	if (web_body_date(r, body, "received", true, &c->chg.received) != 0)
		return -1;
	c->chg.sent = c->chg.received;
	if (web_body_date(r, body, "sent", false, &c->chg.sent) != 0)
		return -1;
	c->chg.iban = c->iban;
	c->chg.bic = c->bic;
	return 0;
}

/* The month the account applies from, and the facts of the rule. */
static json_t *
man_when(const struct mandate_change_when *w, const char *iban)
{
	/* the month already with the bank that pushed it later */
	sepa_month closed = w->month_closed
	    ? sepa_month_add(w->applies_from, -1)
	    : (sepa_month){0, 0};

	return json_pack("{s:o, s:o, s:o, s:i, s:b, s:b, s:o, s:s}", "account",
	    man_jiban(iban), "applies_from", man_jmonth(w->applies_from),
	    "first_open", man_jmonth(w->first_open), "cutoff_day",
	    w->cutoff_day, "after_cutoff", w->after_cutoff, "month_closed",
	    w->month_closed, "closed_month", man_jmonth(closed), "why", w->why);
}

/*
 * POST /api/mandate/account-preview: every check of the change and the
 * month its account would apply from, nothing changed.
 */
static void
man_account_preview(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct mandate_change_when when;
	struct man_change mc;
	struct man_ctx c;
	json_t *body;

	if ((body = web_req_json(r)) == NULL)
		return;
	if (man_open(r, &c) == 0 && man_change_read(r, body, c.ctl, &mc) == 0) {
		if (store_mandate_change_preview(c.ctl->db, c.cred, &c.rules,
		        &mc.chg, c.ctl->today, &when, &err) != 0)
			web_reply_store(r, &err);
		else
			web_reply(r, 200, man_when(&when, mc.iban));
	}
	json_decref(body);
}

/* POST /api/mandate/change-account: `sepactl mandate change-account`. */
static void
man_change_account(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct mandate_change_result res;
	struct man_change mc;
	struct man_ctx c;
	json_t *body, *out;

	if ((body = web_req_json(r)) == NULL)
		return;
	if (man_open(r, &c) == 0 && man_change_read(r, body, c.ctl, &mc) == 0) {
		if (store_mandate_change_account(c.ctl->db, c.cred, &c.rules,
		        &mc.chg, c.ctl->today, &res, &err) != 0) {
			web_reply_store(r, &err);
		} else {
			out = man_when(&res.when, mc.iban);
			json_object_set_new(out, "rum", json_string(res.rum));
			json_object_set_new(
			    out, "replaced", json_boolean(res.replaced));
			json_object_set_new(
			    out, "reactivated", json_boolean(res.reactivated));
			web_reply(r, 200, out);
		}
	}
	json_decref(body);
}

/* ----------------------------------------------------------- terminate */

/*
 * The end the store gives (recorded, or what it would record): the last
 * day collectable, now or scheduled, and the facts of the contract's rule
 * (sepa_rule_letter_end): the letter's date, the deadline it is judged
 * against, whether it came in time.
 */
static json_t *
man_end(const struct mandate_end_result *res, bool immediate)
{
	return json_pack("{s:s, s:o, s:b, s:b, s:b, s:o, s:o, s:b, s:s}", "rum",
	    res->rum, "ends", man_jdate(res->ends_on), "terminated_now",
	    res->terminated_now, "kept_earlier", res->kept_earlier, "immediate",
	    immediate, "received", man_jdate(res->received), "deadline",
	    man_jdate(res->deadline), "in_time", res->in_time, "why", res->why);
}

/*
 * {"rum", "received", "immediate"?} into the store's termination, or its
 * rolled-back run when `preview`; the reply made.
 */
static void
man_end_run(struct web_req *r, bool preview)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct mandate_end_result res;
	sepa_date received;
	struct man_ctx c;
	const char *rum = NULL;
	json_t *body, *imm;
	int rc;

	if ((body = web_req_json(r)) == NULL)
		return;
	imm = json_object_get(body, "immediate");
	if (imm != NULL && !json_is_boolean(imm))
		web_refuse_field(r, "immediate", "must be true or false");
	else if (web_body_str(r, body, "rum", 64, true, &rum) == 0 &&
	    web_body_date(r, body, "received", true, &received) == 0 &&
	    man_open(r, &c) == 0) {
		rc = (preview ? store_mandate_terminate_preview
		              : store_mandate_terminate)(c.ctl->db, c.cred,
		    &c.rules, rum, received, json_is_true(imm), c.ctl->today,
		    &res, &err);
		if (rc != 0)
			web_reply_store(r, &err);
		else
			web_reply(r, 200, man_end(&res, json_is_true(imm)));
	}
	json_decref(body);
}

/* POST /api/mandate/terminate-preview: the end, nothing changed. */
static void
man_terminate_preview(struct web_req *r)
{
	man_end_run(r, true);
}

/* POST /api/mandate/terminate {"rum", "received", "immediate"?}. */
static void
man_terminate(struct web_req *r)
{
	man_end_run(r, false);
}

/* ---------------------------------------------------------- change-rum */

/* POST /api/mandate/change-rum {"rum", "new_rum", "received"}. */
static void
man_change_rum(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct mandate_rum_result res;
	const char *rum = NULL, *new_rum = NULL;
	sepa_date received;
	struct man_ctx c;
	json_t *body;

	if ((body = web_req_json(r)) == NULL)
		return;
	if (web_body_str(r, body, "rum", 64, true, &rum) == 0 &&
	    web_body_str(r, body, "new_rum", 64, true, &new_rum) == 0 &&
	    web_body_date(r, body, "received", true, &received) == 0 &&
	    man_open(r, &c) == 0) {
		if (store_mandate_change_rum(c.ctl->db, c.cred, rum, new_rum,
		        received, c.ctl->today, &res, &err) != 0)
			web_reply_store(r, &err);
		else
			web_reply(r, 200,
			    json_pack("{s:s, s:s, s:b}", "old_rum", res.old_rum,
			        "new_rum", res.new_rum, "presented",
			        res.presented));
	}
	json_decref(body);
}

const struct web_route web_mandate_routes[] = {
    {"GET", "/api/mandate", WEB_VIEWER, man_show},
    {"POST", "/api/mandate/account-preview", WEB_FINANCE, man_account_preview},
    {"POST", "/api/mandate/change-account", WEB_FINANCE, man_change_account},
    {"POST", "/api/mandate/terminate-preview", WEB_FINANCE,
        man_terminate_preview},
    {"POST", "/api/mandate/terminate", WEB_FINANCE, man_terminate},
    {"POST", "/api/mandate/change-rum", WEB_FINANCE, man_change_rum},
    {NULL, NULL, WEB_PUBLIC, NULL},
};
