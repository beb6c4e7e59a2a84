/*
 * web_returns.c - the console's Retours bancaires: a bank file (pain.002,
 * camt.054, camt.053) sent from the browser, received into a temporary
 * file of the spool (web.c) and imported by the function of `sepactl
 * import returns` (store_returns_import), then archived, or put in
 * rejected/ with its report as the inbox does; and the quarantine,
 * listed, applied and dismissed as by `sepactl quarantine`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/reasons.h"
#include "afile.h"
#include "commands.h"
#include "ctl.h"
#include "log.h"
#include "store_quarantine.h"
#include "store_returns.h"
#include "web_internal.h"

/* ------------------------------------------------------------ upload */

/* The last component of a path. */
static const char *
ret_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/*
 * A refused file into rejected/ with NAME.errors.txt saying why, as the
 * inbox does; the name it took in `dest`.
 */
static void
ret_reject(struct web_req *r, const struct ctl *ctl, const char *path,
    const sepa_error *why, char *dest, size_t size)
{
	sepa_error err = SEPA_ERROR_INIT;
	char *report = NULL;
	struct afile af;

	dest[0] = '\0';
	if (afile_mkdirs(ctl->cfg.dir_rejected, &err) != 0 ||
	    afile_move_into(
	        path, ctl->cfg.dir_rejected, ret_base(path), dest, size) != 0) {
		log_warn("web: could not move %s to %s", path,
		    ctl->cfg.dir_rejected);
		dest[0] = '\0';
		return;
	}
	xasprintf(&report, "%s.errors.txt", dest);
	if (afile_open(&af, report, AFILE_MODE, &err) == 0) {
		fprintf(af.fp,
		    "%s refused, nothing changed: %s\n"
		    "(sent from the web console by %s)\n",
		    ret_base(dest), why->msg, web_req_user(r)->name);
		if (afile_commit(&af, &err) != 0)
			log_warnx("web: %s", err.msg);
	} else {
		log_warnx("web: %s", err.msg);
	}
	free(report);
}

/* An import's counts, as `sepactl import returns` prints them. */
static json_t *
ret_counts(const char *name, const struct returns_result *res)
{
	return json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	                 "s:I, s:I}",
	    "file", name, "type", res->type != NULL ? res->type : "", "already",
	    res->already, "file_id", (json_int_t)res->file_id, "records",
	    (json_int_t)res->records, "applied", (json_int_t)res->applied,
	    "duplicates", (json_int_t)res->duplicates, "stored",
	    (json_int_t)res->stored, "quarantined",
	    (json_int_t)res->quarantined, "collections",
	    (json_int_t)res->collections, "terminated",
	    (json_int_t)res->terminated, "suspended",
	    (json_int_t)res->suspended);
}

/*
 * POST /api/returns/upload (the file as the body, its name in
 * X-File-Name): `sepactl import returns FILE`, the reject letters
 * written, the file archived; refused, it goes to rejected/ and nothing
 * is stored.
 */
static void
ret_upload(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	char name[256], dest[4096];
	struct returns_policy pol;
	struct returns_result res;
	const char *path;
	struct ctl *ctl;
	uint64_t size;
	int64_t cred;
	json_t *out;
	int rc;

	path = web_req_upload(r, &size);
	if (size == 0) {
		web_reply_error(r, 400, "refused", "the file is empty");
		return;
	}
	if ((ctl = web_req_ctl(r)) == NULL || (cred = api_creditor(r)) <= 0)
		return;
	snprintf(name, sizeof(name), "%s", ret_base(path));
	ctl_returns_policy(ctl, &pol);
	rc = store_returns_import(
	    ctl->db, cred, path, &pol, ctl->today, &res, &err);
	if (rc == SEPA_EINVAL || rc == SEPA_EXML || rc == SEPA_ELIMIT ||
	    rc == SEPA_EIO) {
		ret_reject(r, ctl, path, &err, dest, sizeof(dest));
		log_warnx("web: %s sent by %s refused, nothing changed: %s",
		    name, web_req_user(r)->name, err.msg);
		web_reply(r, 400,
		    json_pack("{s:s, s:s, s:s, s:s?}", "error", "refused",
		        "message", err.msg, "file", name, "rejected_as",
		        dest[0] != '\0' ? ret_base(dest) : NULL));
		return;
	}
	if (rc != 0) {
		web_reply_store(r, &err);
		return;
	}
	out = ret_counts(name, &res);
	/* the letters follow the database, as after `import returns` */
	json_object_set_new(out, "letters_written",
	    json_boolean(
	        ctl_reject_letters(ctl, ctl->db, cred, res.file_id) == CTL_OK));
	if (afile_mkdirs(ctl->cfg.dir_archive, &err) == 0 &&
	    afile_move_into(
	        path, ctl->cfg.dir_archive, name, dest, sizeof(dest)) == 0)
		json_object_set_new(
		    out, "archived_as", json_string(ret_base(dest)));
	else
		log_warn("web: could not archive %s", path);
	web_reply(r, 200, out);
}

/* -------------------------------------------------------- quarantine */

static const char *
ret_reason_label(const struct quarantine_row *q)
{
	const sepa_reason *sr;

	if (q->reason_code[0] == '\0')
		return NULL;
	if (q->reason_proprietary)
		return "code propre à la banque";
	sr = sepa_reason_find(q->reason_code);
	return sr != NULL ? sr->label_fr : "motif inconnu";
}

static json_t *
ret_quarantine_row(struct quarantine_row *q)
{
	char *const text[] = {q->file_name, q->end_to_end_id, q->orig_msg_id,
	    q->pmt_inf_id, q->mandate_ref, q->why, q->resolution};
	json_t *o;

	/* what came from the bank's file, as `quarantine list`: no IBAN */
	for (size_t t = 0; t < sizeof(text) / sizeof(text[0]); t++)
		sepa_iban_mask_text(text[t]);
	o = json_pack("{s:I, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
	              "s:s?, s:s, s:s, s:s}",
	    "id", (json_int_t)q->id, "file", q->file_name, "line", q->line,
	    "kind", q->kind, "level", q->level, "end_to_end", q->end_to_end_id,
	    "msg_id", q->orig_msg_id, "pmt_inf_id", q->pmt_inf_id, "mandate",
	    q->mandate_ref, "reason", q->reason_code, "reason_label",
	    ret_reason_label(q), "booked", q->booking_date, "why", q->why,
	    "resolved_on", q->resolved_on);
	json_object_set_new(o, "amount",
	    q->has_amount ? json_integer(q->amount_cents) : json_null());
	json_object_set_new(o, "resolution",
	    q->resolved_on[0] != '\0' ? json_string(q->resolution)
	                              : json_null());
	return o;
}

/* GET /api/quarantine[?all=1]: as `sepactl quarantine list [--all]`. */
static void
ret_quarantine(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct quarantine_row *rows = NULL;
	const char *all = web_req_arg(r, "all");
	int64_t cred;
	json_t *list;
	size_t n = 0;

	if ((cred = api_creditor(r)) <= 0)
		return;
	if (store_quarantine_list(web_req_db(r), cred,
	        all != NULL && strcmp(all, "1") == 0, &rows, &n, &err) != 0) {
		web_reply_store(r, &err);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, ret_quarantine_row(&rows[i]));
	store_quarantine_rows_free(rows, n);
	web_reply(r, 200, json_pack("{s:o}", "records", list));
}

/* The record's "id" of the body; 0 with a 400 made. */
static int64_t
ret_id(struct web_req *r, json_t *body)
{
	json_t *v = json_object_get(body, "id");

	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		web_refuse_field(
		    r, "id", "must be the number of a quarantined record");
		return 0;
	}
	return json_integer_value(v);
}

/*
 * POST /api/quarantine/apply {"id", "end_to_end", "force"?, "why"?}: as
 * `sepactl quarantine apply`, its reject letter written.
 */
static void
ret_apply(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *e2e = NULL, *force = NULL, *why = NULL;
	struct quarantine_applied out;
	struct returns_policy pol;
	struct ctl *ctl;
	int64_t id, cred;
	json_t *body;

	if ((body = web_req_json(r)) == NULL)
		return;
	if ((id = ret_id(r, body)) > 0 &&
	    web_body_str(r, body, "end_to_end", 35, true, &e2e) == 0 &&
	    web_body_str(r, body, "force", 500, false, &force) == 0 &&
	    web_body_str(r, body, "why", 500, false, &why) == 0 &&
	    (ctl = web_req_ctl(r)) != NULL && (cred = api_creditor(r)) > 0) {
		ctl_returns_policy(ctl, &pol);
		if (store_quarantine_apply(ctl->db, cred, id, e2e, force, why,
		        &pol, ctl->today, &out, &err) != 0)
			web_reply_store(r, &err);
		else
			web_reply(r, 200,
			    json_pack(
			        "{s:I, s:s, s:s, s:s, s:b, s:I, s:I, s:b}",
			        "id", (json_int_t)id, "end_to_end", e2e,
			        "invoice", out.invoice, "state", out.new_state,
			        "counted", out.counted, "terminated",
			        (json_int_t)out.terminated, "suspended",
			        (json_int_t)out.suspended, "letters_written",
			        ctl_reject_letters(ctl, ctl->db, cred,
			            out.file_id) == CTL_OK));
	}
	json_decref(body);
}

/* POST /api/quarantine/dismiss {"id", "why"}: `sepactl quarantine
 * dismiss`. */
static void
ret_dismiss(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *why = NULL;
	int64_t id, cred;
	json_t *body;

	if ((body = web_req_json(r)) == NULL)
		return;
	if ((id = ret_id(r, body)) > 0 &&
	    web_body_str(r, body, "why", 500, true, &why) == 0 &&
	    (cred = api_creditor(r)) > 0) {
		if (store_quarantine_dismiss(web_req_db(r), cred, id, why,
		        web_req_today(r), &err) != 0)
			web_reply_store(r, &err);
		else
			web_reply(r, 200,
			    json_pack("{s:I, s:b}", "id", (json_int_t)id,
			        "dismissed", 1));
	}
	json_decref(body);
}

const struct web_route web_returns_routes[] = {
    {"GET", "/api/quarantine", WEB_VIEWER, ret_quarantine},
    {"POST", "/api/quarantine/apply", WEB_FINANCE, ret_apply},
    {"POST", "/api/quarantine/dismiss", WEB_FINANCE, ret_dismiss},
    {NULL, NULL, WEB_PUBLIC, NULL},
};

const struct web_route web_file_routes[] = {
    {"POST", "/api/returns/upload", WEB_FINANCE, ret_upload},
    {NULL, NULL, WEB_PUBLIC, NULL},
};
