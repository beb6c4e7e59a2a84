/*
 * web_api.c - the console's JSON API over the store: each handler reads
 * its arguments, calls the same store function as the sepactl command,
 * and returns its rows or its refusal (docs/api.md).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "commands.h"
#include "ctl.h"
#include "log.h"
#include "store_cycle.h"
#include "store_event.h"
#include "store_ledger.h"
#include "web_internal.h"

/* The creditor, or a 409 reply when sepactl init has not registered it. */
int64_t
api_creditor(struct web_req *r)
{
	int64_t id = web_req_creditor(r);

	if (id <= 0)
		web_reply_error(r, 409, "refused",
		    "the creditor of the configuration is not registered: "
		    "run sepactl init");
	return id;
}

/* An event's kind for the operator (the server's language), the kind
 * itself when the table does not know it. */
static const char *
api_event_label(const struct attention_row *row)
{
	const char *label = store_event_label(row->kind);

	return label != NULL ? label : row->kind;
}

/* GET /api/attention[?all=1]: the events needing a person. */
static void
api_attention(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct attention_row *rows = NULL;
	const char *all = web_req_arg(r, "all");
	int64_t cred = api_creditor(r);
	json_t *list;
	size_t n = 0;

	if (cred <= 0)
		return;
	if (store_attention_list(web_req_db(r), cred,
	        all != NULL && strcmp(all, "1") == 0, &rows, &n, &err) != 0) {
		web_reply_store(r, &err);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s?}", "id",
		        (json_int_t)rows[i].id, "date", rows[i].business_date,
		        "kind", rows[i].kind, "label",
		        api_event_label(&rows[i]), "message", rows[i].message,
		        "acknowledged_on",
		        rows[i].acknowledged_on[0] != '\0'
		            ? rows[i].acknowledged_on
		            : NULL,
		        "note", rows[i].note[0] != '\0' ? rows[i].note : NULL));
	store_attention_rows_free(rows, n);
	web_reply(r, 200, json_pack("{s:o}", "events", list));
}

/*
 * POST /api/attention/ack {"ids": [..] | "all": true, "note": TEXT}: the
 * acknowledgement of `sepactl attention ack`, naming the user.
 */
static void
api_attention_ack(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	json_t *body, *ids, *v;
	int64_t cred, done, *list = NULL;
	const char *note;
	size_t n = 0, i;
	bool all;

	if ((body = web_req_json(r)) == NULL)
		return;
	ids = json_object_get(body, "ids");
	all = json_is_true(json_object_get(body, "all"));
	note = json_string_value(json_object_get(body, "note"));
	if (note == NULL || (all == (ids != NULL)) ||
	    (ids != NULL &&
	        (!json_is_array(ids) || json_array_size(ids) == 0 ||
	            json_array_size(ids) > 10000))) {
		web_reply_error(r, 400, "bad_request",
		    "an acknowledgement needs \"ids\" (event ids) or \"all\": "
		    "true, and \"note\"");
		json_decref(body);
		return;
	}
	list = xcalloc(json_array_size(ids) + 1, sizeof(*list));
	json_array_foreach(ids, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			web_reply_error(r, 400, "bad_request",
			    "\"ids\" holds something that is not an event id");
			goto done;
		}
		list[n++] = json_integer_value(v);
	}
	if ((cred = api_creditor(r)) <= 0)
		goto done;
	if (store_attention_ack(web_req_db(r), cred, list, n, web_req_today(r),
	        note, &done, &err) != 0)
		web_reply_store(r, &err);
	else
		web_reply(r, 200,
		    json_pack("{s:I}", "acknowledged", (json_int_t)done));
done:
	free(list);
	json_decref(body);
}

/* ------------------------------------------------------------ ledgers */

/* Rows of the store as JSON objects named by their columns (NULL: left
 * out); the amounts as integers. */
struct api_rows {
	const char *const *names;
	size_t n;
	const bool *cents;
	json_t *list;
};

static void
api_row(struct api_rows *a, const char *const *cols)
{
	json_t *o = json_object();

	for (size_t i = 0; i < a->n; i++) {
		if (a->names[i] == NULL)
			continue;
		if (a->cents != NULL && a->cents[i])
			json_object_set_new(o, a->names[i],
			    json_integer(strtoll(cols[i], NULL, 10)));
		else
			json_object_set_new(
			    o, a->names[i], json_string(cols[i]));
	}
	json_array_append_new(a->list, o);
}

static const char *const family_cols[LF_NCOLS] = {NULL, "ref", "payer",
    "street", "building", "postcode", "town", "country", "email", "bracket"};
static const char *const mandate_cols[LM_NCOLS] = {
    "rum", "state", "reason", "since", "ends", "signed", NULL};
static const char *const invoice_cols[LI_NCOLS] = {NULL, "number", "month",
    "issued", "due", "state", "since", "total", "billed", "debit", "other",
    "credits", "refunded", "carried", "unpaid", "recovery", "collecting",
    "difference", "rum", "reason", "family", "payer"};
static const bool invoice_cents[LI_NCOLS] = {[LI_TOTAL] = true,
    [LI_BILLED] = true,
    [LI_DEBIT] = true,
    [LI_OTHER] = true,
    [LI_CREDITS] = true,
    [LI_REFUNDED] = true,
    [LI_CARRIED] = true,
    [LI_UNPAID] = true,
    [LI_RECOVERY] = true,
    [LI_COLLECTING] = true,
    [LI_DIFFERENCE] = true};
static const char *const history_cols[LH_NCOLS] = {
    "number", "date", "what", "code"};
static const char *const search_cols[LQ_NCOLS] = {
    "ref", "payer", "town", "rum", "mandate", "match"};
static const char *const balance_cols[LB_NCOLS] = {"month", "invoices",
    "billed", "debit", "other", "credits", "refunded", "carried", "unpaid",
    "recovery", "collecting", "difference"};
static const bool balance_cents[LB_NCOLS] = {[LB_INVOICES] = true,
    [LB_BILLED] = true,
    [LB_DEBIT] = true,
    [LB_OTHER] = true,
    [LB_CREDITS] = true,
    [LB_REFUNDED] = true,
    [LB_CARRIED] = true,
    [LB_UNPAID] = true,
    [LB_RECOVERY] = true,
    [LB_COLLECTING] = true,
    [LB_DIFFERENCE] = true};

static struct api_rows
api_rows(const char *const *names, size_t n, const bool *cents)
{
	struct api_rows a = {names, n, cents, json_array()};

	return a;
}

#define API_ROWS(names, cents) \
	api_rows(names, sizeof(names) / sizeof(names[0]), cents)

/* The store's callbacks with one argument for all the lists. */
struct api_ledger {
	struct api_rows fam, man, inv, his;
};

static void
api_fam_row(void *arg, const char *const *cols)
{
	api_row(&((struct api_ledger *)arg)->fam, cols);
}

/* A mandate, its account masked (the only account the console shows). */
static void
api_man_row(void *arg, const char *const *cols)
{
	struct api_rows *a = &((struct api_ledger *)arg)->man;
	char mask[SEPA_IBAN_MASK_BUFSZ];

	api_row(a, cols);
	json_object_set_new(
	    json_array_get(a->list, json_array_size(a->list) - 1), "account",
	    json_string(cols[LM_IBAN][0] != '\0'
	            ? sepa_iban_mask(mask, cols[LM_IBAN])
	            : ""));
}

static void
api_inv_row(void *arg, const char *const *cols)
{
	api_row(&((struct api_ledger *)arg)->inv, cols);
}

static void
api_his_row(void *arg, const char *const *cols)
{
	api_row(&((struct api_ledger *)arg)->his, cols);
}

/* GET /api/families?q=TEXT: the families found (at most 50). */
static void
api_families(struct web_req *r)
{
	struct api_ledger l = {.fam = API_ROWS(search_cols, NULL)};
	sepa_error err = SEPA_ERROR_INIT;
	const char *q = web_req_arg(r, "q");
	int64_t cred;

	if (q == NULL)
		web_reply_error(r, 400, "bad_request",
		    "a search needs q (a name, reference, RUM or invoice "
		    "number)");
	else if ((cred = api_creditor(r)) > 0) {
		if (store_ledger_search(
		        web_req_db(r), cred, q, 50, api_fam_row, &l, &err) != 0)
			web_reply_store(r, &err);
		else
			web_reply(
			    r, 200, json_pack("{s:O}", "families", l.fam.list));
	}
	json_decref(l.fam.list);
}

/* GET /api/family?ref=REF: the family's ledger, as family show. */
static void
api_family(struct web_req *r)
{
	struct api_ledger l = {API_ROWS(family_cols, NULL),
	    API_ROWS(mandate_cols, NULL), API_ROWS(invoice_cols, invoice_cents),
	    API_ROWS(history_cols, NULL)};
	sepa_error err = SEPA_ERROR_INIT;
	const char *ref = web_req_arg(r, "ref");
	int64_t cred;

	if (ref == NULL || ref[0] == '\0' || strlen(ref) > 64) {
		web_reply_error(r, 400, "bad_request", "a family needs ref");
	} else if ((cred = api_creditor(r)) > 0) {
		if (store_ledger_family(web_req_db(r), cred, ref, api_fam_row,
		        api_man_row, api_inv_row, api_his_row, &l, &err) == 0)
			web_reply(r, 200,
			    json_pack("{s:O, s:O, s:O, s:O}", "family",
			        json_array_get(l.fam.list, 0), "mandates",
			        l.man.list, "invoices", l.inv.list, "history",
			        l.his.list));
		else if (err.code == SEPA_ENOTFOUND)
			web_reply_error(r, 404, "not_found", "%s", err.msg);
		else
			web_reply_store(r, &err);
	}
	json_decref(l.fam.list);
	json_decref(l.man.list);
	json_decref(l.inv.list);
	json_decref(l.his.list);
}

/* ----------------------------------------------------------- dashboard */

/* A step that ran ("STEP YYYY-MM YYYY-MM-DD"), a file not released
 * (worded as status says it), the count of events needing attention. */
static void
api_ran_row(void *arg, const char *section, const char *text)
{
	json_t *d = arg;
	char step[32], mon[SEPA_MONTH_BUFSZ], day[SEPA_DATE_BUFSZ];
	char bills[SEPA_MONTH_BUFSZ], line[1024];
	sepa_month m;

	if (strcmp(section, "ran") == 0 &&
	    sscanf(text, "%31s %7s %10s", step, mon, day) == 3 &&
	    sepa_month_parse(&m, mon, NULL) == 0)
		json_array_append_new(json_object_get(d, "ran"),
		    json_pack("{s:s, s:s, s:s, s:s?, s:s}", "step", step,
		        "label", ctl_cycle_title(step), "month", mon, "bills",
		        strcmp(step, "invoice") == 0
		            ? sepa_month_iso(bills, sepa_month_billed_by(m))
		            : NULL,
		        "on", day));
	else if (strcmp(section, "batch") == 0) {
		ctl_status_batch(line, sizeof(line), text);
		json_array_append_new(
		    json_object_get(d, "unreleased"), json_string(line));
	} else if (strcmp(section, "attention-total") == 0)
		json_object_set_new(d, "attention_total",
		    json_integer(strtoll(text, NULL, 10)));
}

static void
api_next_row(void *arg, const struct cycle_next *n)
{
	char mon[SEPA_MONTH_BUFSZ], bills[SEPA_MONTH_BUFSZ];
	char day[SEPA_DATE_BUFSZ];

	json_array_append_new(arg,
	    json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:b}", "step", n->step,
	        "label", n->title, "what", n->what, "month",
	        sepa_month_iso(mon, n->month), "bills",
	        n->bills.year != 0 ? sepa_month_iso(bills, n->bills) : NULL,
	        "on", sepa_date_iso(day, n->on), "due", n->due));
}

static void
api_bal_row(void *arg, const char *const *cols)
{
	api_row(&((struct api_ledger *)arg)->fam, cols);
}

/*
 * The balance of each billed month into l->fam.list: what the console
 * kept of the last read while the ledger has not changed (web_cache_get:
 * the read walks every invoice), else read from the store and kept.
 */
static int
api_balance(struct web_req *r, const struct ctl *ctl, int64_t cred,
    struct api_ledger *l, sepa_error *err)
{
	char key[64], mon[SEPA_MONTH_BUFSZ];
	uint64_t epoch;
	json_t *kept;

	snprintf(key, sizeof(key), "balance %" PRId64 " %s", cred,
	    sepa_month_iso(mon, sepa_month_of(ctl->today)));
	if ((kept = web_cache_get(r, key, &epoch)) != NULL) {
		json_decref(l->fam.list);
		l->fam.list = kept;
		return 0;
	}
	if (store_ledger_balance(ctl->db, cred, sepa_month_of(ctl->today),
	        api_bal_row, l, err) != 0)
		return -1;
	web_cache_put(r, key, epoch, l->fam.list);
	return 0;
}

/*
 * GET /api/dashboard: the balance of each billed month (as sepactl
 * report), the steps that ran and the next ones (as sepactl status), and
 * how many events need a person.
 */
static void
api_dashboard(struct web_req *r)
{
	struct api_ledger l = {.fam = API_ROWS(balance_cols, balance_cents)};
	char day[SEPA_DATE_BUFSZ];
	sepa_error err = SEPA_ERROR_INIT;
	struct ctl *ctl;
	json_t *d, *next = json_array();
	int64_t cred;

	d = json_pack("{s:[], s:[], s:I}", "ran", "unreleased",
	    "attention_total", (json_int_t)0);
	if ((cred = api_creditor(r)) <= 0 || (ctl = web_req_ctl(r)) == NULL)
		goto done;
	if (api_balance(r, ctl, cred, &l, &err) != 0 ||
	    store_cycle_status(ctl->db, cred, 0, api_ran_row, d, &err) != 0 ||
	    ctl_cycle_plan(ctl, cred, api_next_row, next, &err) != 0) {
		web_reply_store(r, &err);
		goto done;
	}
	json_object_set(d, "balance", l.fam.list);
	json_object_set(d, "next", next);
	json_object_set_new(
	    d, "today", json_string(sepa_date_iso(day, ctl->today)));
	json_object_set_new(d, "creditor", json_string(ctl->cfg.cred_name));
	web_reply(r, 200, json_incref(d));
done:
	json_decref(d);
	json_decref(next);
	json_decref(l.fam.list);
}

const struct web_route web_api_routes[] = {
    {"GET", "/api/dashboard", WEB_VIEWER, api_dashboard},
    {"GET", "/api/families", WEB_VIEWER, api_families},
    {"GET", "/api/family", WEB_VIEWER, api_family},
    {"GET", "/api/attention", WEB_VIEWER, api_attention},
    {"POST", "/api/attention/ack", WEB_FINANCE, api_attention_ack},
    {NULL, NULL, WEB_PUBLIC, NULL},
};
