/*
 * web_month.c - the console's month (docs/api.md, "The month"): the
 * invoice run's preview, the run, the collection, each as a step of its
 * own in a worker thread with its own database connection, calling the
 * very functions sepactl and the cycle call (ctl_invoice_preview,
 * ctl_invoice_month, ctl_collect_month); the files the store recorded,
 * listed and served by kind and id; and a payment by other means
 * (store_payment_record, as sepactl payment record).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sepa/date.h"
#include "sepa/digest.h"
#include "sepa/error.h"
#include "sepa/money.h"
#include "commands.h"
#include "config.h"
#include "ctl.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "notice_pdf.h"
#include "store_files.h"
#include "store_invoice.h"
#include "store_invoice_preview.h"
#include "store_payment.h"
#include "web_internal.h"

/* ---------------------------------------------------------------- jobs */

enum job_kind { JOB_PREVIEW = 0, JOB_INVOICE, JOB_COLLECT };
static const char *const job_kinds[] = {"preview", "invoice", "collect"};
/* the same for the operator (translated where printed) */
static const char *const job_titles[] = {
    N_("the invoicing preview"), N_("the invoicing"), N_("the collection")};

enum job_state { JOB_NONE = 0, JOB_RUNNING, JOB_DONE, JOB_REFUSED, JOB_FAILED };
static const char *const job_states[] = {
    "none", "running", "done", "refused", "failed"};

struct web_jobs {
	pthread_mutex_t lock;
	const struct sepad_config *cfg;
	char *conninfo;
	pthread_t thread;
	bool joinable; /* a thread to join before the next one */
	/* the step under way, or the last one */
	int64_t seq;
	enum job_kind kind;
	sepa_month month;
	sepa_date today;
	char user[64];
	enum job_state state;
	double started; /* log_clock() */
	double seconds; /* how long it took, once over */
	char what[128]; /* the phase or file under way */
	int64_t done, total;
	char *message; /* the failure's */
	json_t *result; /* the preview's figures */
};

struct web_jobs *
web_jobs_new(const struct sepad_config *cfg, const char *conninfo)
{
	struct web_jobs *j = xcalloc(1, sizeof(*j));

	pthread_mutex_init(&j->lock, NULL);
	j->cfg = cfg;
	j->conninfo = xstrdup(conninfo);
	return j;
}

void
web_jobs_free(struct web_jobs *j)
{
	if (j == NULL)
		return;
	if (j->joinable) {
		pthread_mutex_lock(&j->lock);
		if (j->state == JOB_RUNNING)
			log_info(
			    "web: waiting for the console's %s step to end",
			    job_kinds[j->kind]);
		pthread_mutex_unlock(&j->lock);
		pthread_join(j->thread, NULL);
	}
	pthread_mutex_destroy(&j->lock);
	free(j->conninfo);
	free(j->message);
	json_decref(j->result);
	free(j);
}

/* ctl_fail's message, for the page (the first one: what failed). */
static void
jobs_fail(void *arg, const char *msg)
{
	struct web_jobs *j = arg;

	pthread_mutex_lock(&j->lock);
	if (j->message == NULL)
		j->message = xstrdup(msg);
	pthread_mutex_unlock(&j->lock);
}

static void
jobs_progress(void *arg, const char *what, int64_t done, int64_t total)
{
	struct web_jobs *j = arg;

	pthread_mutex_lock(&j->lock);
	snprintf(j->what, sizeof(j->what), "%s", what);
	j->done = done;
	j->total = total;
	pthread_mutex_unlock(&j->lock);
}

/* The preview's figures as the page shows them (amounts in cents). */
static json_t *
jobs_preview_json(
    const struct invoice_run_result *r, const struct invoice_preview *p)
{
	char due[SEPA_DATE_BUFSZ];
	json_t *services = json_array(), *brackets = json_array();
	json_t *largest = json_array();

	for (size_t i = 0; i < p->nservices; i++)
		json_array_append_new(services,
		    json_pack("{s:s, s:s, s:I, s:I, s:I}", "code",
		        p->services[i].code, "unit", p->services[i].unit,
		        "quantity_milli",
		        (json_int_t)p->services[i].quantity_milli, "amount",
		        (json_int_t)p->services[i].amount_cents, "previous",
		        (json_int_t)p->services[i].prev_amount_cents));
	for (size_t i = 0; i < p->nbrackets; i++)
		json_array_append_new(brackets,
		    json_pack("{s:s, s:I, s:I}", "bracket",
		        p->brackets[i].bracket, "invoices",
		        (json_int_t)p->brackets[i].invoices, "amount",
		        (json_int_t)p->brackets[i].amount_cents));
	for (size_t i = 0; i < p->nlargest; i++)
		json_array_append_new(largest,
		    json_pack("{s:s, s:s, s:s, s:I}", "number",
		        p->largest[i].number, "family",
		        p->largest[i].family_ref, "payer", p->largest[i].payer,
		        "total", (json_int_t)p->largest[i].total_cents));
	return json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:I, s:b,"
	                 " s:I, s:I, s:I, s:I, s:o, s:o, s:o}",
	    "already", r->already, "invoices", (json_int_t)r->invoices,
	    "without_mandate", (json_int_t)r->without_mandate, "total",
	    (json_int_t)r->total_cents, "lines", (json_int_t)r->lines,
	    "regularisations", (json_int_t)r->regularisations, "reminders",
	    (json_int_t)r->reminders, "due", sepa_date_iso(due, r->due),
	    "families", (json_int_t)p->families, "has_previous",
	    p->has_previous, "reminders_amount", (json_int_t)p->reminder_cents,
	    "credits", (json_int_t)p->credits, "credits_amount",
	    (json_int_t)p->credit_cents, "untariffed",
	    (json_int_t)p->untariffed, "services", services, "brackets",
	    brackets, "largest", largest);
}

/* The step, on a connection of its own that names the user. */
static int
jobs_step(struct web_jobs *j, struct ctl *ctl, json_t **result)
{
	struct invoice_run_result r;
	struct invoice_preview p;
	int rc;

	switch (j->kind) {
	case JOB_PREVIEW:
		memset(&r, 0, sizeof(r));
		rc = ctl_invoice_preview(ctl, j->month, &r, &p);
		if (rc == CTL_OK)
			*result = jobs_preview_json(&r, &p);
		store_invoice_preview_free(&p);
		return rc;
	case JOB_INVOICE:
		return ctl_invoice_month(ctl, j->month);
	default:
		return ctl_collect_month(ctl, j->month);
	}
}

static void *
jobs_run(void *arg)
{
	struct web_jobs *j = arg;
	struct ctl_report report = {jobs_fail, jobs_progress, j};
	sepa_error err = SEPA_ERROR_INIT;
	struct ctl ctl;
	json_t *result = NULL;
	int rc;

	memset(&ctl, 0, sizeof(ctl));
	ctl.progname = "sepad";
	ctl.config_path = j->cfg->path;
	ctl.cfg = *j->cfg; /* shared, never freed through it */
	ctl.today = j->today;
	ctl_report_set(&report);
	if (db_connect(&ctl.db, j->conninfo, &err) != 0 ||
	    db_set_actor(ctl.db, j->user, &err) != 0)
		rc = ctl_fail(CTL_INTERNAL, &err,
		    "the console could not reach the database");
	else
		rc = jobs_step(j, &ctl, &result);
	db_close(ctl.db);
	ctl_report_set(NULL);
	pthread_mutex_lock(&j->lock);
	j->state = rc == CTL_OK ? JOB_DONE
	    : rc == CTL_REFUSED ? JOB_REFUSED
	                        : JOB_FAILED;
	j->seconds = log_clock() - j->started;
	j->result = result;
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

/* The step as the page polls it (j->lock held). */
static json_t *
jobs_json(const struct web_jobs *j)
{
	char m[SEPA_MONTH_BUFSZ];

	if (j->state == JOB_NONE)
		return json_null();
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:f, s:s, s:I, s:I, s:s?,"
	                 " s:O?}",
	    "id", (json_int_t)j->seq, "kind", job_kinds[j->kind], "month",
	    sepa_month_iso(m, j->month), "user", j->user, "state",
	    job_states[j->state], "seconds",
	    j->state == JOB_RUNNING ? log_clock() - j->started : j->seconds,
	    "what", j->what, "done", (json_int_t)j->done, "total",
	    (json_int_t)j->total, "message", j->message, "result", j->result);
}

/*
 * Start `kind` for `month` in a thread of its own: 202 with the step, or
 * 409 "busy" while another one runs.
 */
static void
jobs_start(struct web_req *r, enum job_kind kind, sepa_month month)
{
	struct web_jobs *j = web_req_jobs(r);
	const struct user_session *u = web_req_user(r);
	char m[SEPA_MONTH_BUFSZ];
	json_t *body;
	int rc;

	pthread_mutex_lock(&j->lock);
	if (j->state == JOB_RUNNING) {
		sepa_month_iso(m, j->month);
		pthread_mutex_unlock(&j->lock);
		web_reply_error(r, 409, "busy",
		    "%s of %s, started by %s, is under way: one step at a "
		    "time",
		    _(job_titles[j->kind]), m, j->user);
		return;
	}
	if (j->joinable)
		pthread_join(j->thread, NULL); /* over: its state says so */
	j->joinable = false;
	j->seq++;
	j->kind = kind;
	j->month = month;
	j->today = web_req_today(r);
	snprintf(j->user, sizeof(j->user), "%s", u->name);
	j->state = JOB_RUNNING;
	j->started = log_clock();
	j->seconds = 0;
	j->what[0] = '\0';
	j->done = j->total = 0;
	free(j->message);
	j->message = NULL;
	json_decref(j->result);
	j->result = NULL;
	if ((rc = pthread_create(&j->thread, NULL, jobs_run, j)) != 0) {
		j->state = JOB_FAILED;
		j->message = xstrdup(strerror(rc));
		pthread_mutex_unlock(&j->lock);
		web_reply_error(r, 500, "internal",
		    "could not start the step: %s", strerror(rc));
		return;
	}
	j->joinable = true;
	body = json_pack("{s:o}", "job", jobs_json(j));
	pthread_mutex_unlock(&j->lock);
	log_info("web: %s starts %s of %s", u->name, job_kinds[kind],
	    sepa_month_iso(m, month));
	web_reply(r, 202, body);
}

/* ------------------------------------------------------------- routes */

bool
web_month_arg(struct web_req *r, const char *text, sepa_month *month)
{
	sepa_error err = SEPA_ERROR_INIT;

	if (text == NULL) {
		web_reply_error(
		    r, 400, "bad_request", "the month is needed, as YYYY-MM");
		return false;
	}
	if (strlen(text) > 16) {
		web_refuse_field(r, "month", "not a month (YYYY-MM)");
		return false;
	}
	if (sepa_month_parse(month, text, &err) != 0) {
		web_refuse_field(r, "month", "%s", err.msg);
		return false;
	}
	return true;
}

static void
month_start(struct web_req *r, enum job_kind kind)
{
	sepa_month month;
	json_t *body;

	if ((body = web_req_json(r)) == NULL)
		return;
	if (web_month_arg(
	        r, json_string_value(json_object_get(body, "month")), &month))
		jobs_start(r, kind, month);
	json_decref(body);
}

/* POST /api/month/preview {"month": M}: invoice run --month M --dry-run */
static void
api_month_preview(struct web_req *r)
{
	month_start(r, JOB_PREVIEW);
}

/* POST /api/month/invoice {"month": M}: invoice run --month M */
static void
api_month_invoice(struct web_req *r)
{
	month_start(r, JOB_INVOICE);
}

/* POST /api/month/collect {"month": M}: collect --month M */
static void
api_month_collect(struct web_req *r)
{
	month_start(r, JOB_COLLECT);
}

/* GET /api/month/job: the step under way, or the last one (null). */
static void
api_month_job(struct web_req *r)
{
	struct web_jobs *j = web_req_jobs(r);
	json_t *body;

	pthread_mutex_lock(&j->lock);
	body = json_pack("{s:o}", "job", jobs_json(j));
	pthread_mutex_unlock(&j->lock);
	web_reply(r, 200, body);
}

/* ------------------------------------------------------------- files */

static const char *
file_type(enum store_file_kind kind)
{
	return kind == STORE_FILE_RECOVERY ? "text/csv; charset=utf-8"
	                                   : "application/xml";
}

/* The outbox's path of a file the store named (caller frees). */
static char *
file_path(struct web_req *r, const char *name)
{
	char *p;

	xasprintf(&p, "%s/%s", web_req_ctl(r)->cfg.dir_outbox, name);
	return p;
}

/* Its size in the outbox, or -1 when it is no longer there. */
static int64_t
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (int64_t)st.st_size
	                                                   : -1;
}

struct files_list {
	struct web_req *r;
	json_t *list;
};

static void
files_row(void *arg, const struct store_file *f)
{
	struct files_list *l = arg;
	char day[SEPA_DATE_BUFSZ], *path = file_path(l->r, f->file_name);
	int64_t size = file_size(path);

	json_array_append_new(l->list,
	    json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:o}", "kind",
	        store_file_kind_name(f->kind), "id", (json_int_t)f->id, "name",
	        f->file_name, "sha256", f->sha256, "state", f->state, "date",
	        f->on.year != 0 ? sepa_date_iso(day, f->on) : "", "count",
	        (json_int_t)f->count, "amount", (json_int_t)f->amount_cents,
	        "size", size >= 0 ? json_integer(size) : json_null()));
	free(path);
}

/*
 * The PDF notices of consumption month `month`, when written: the store
 * records no digest of them, so it is computed here.
 */
static void
files_notices(struct files_list *l, sepa_month month)
{
	sepa_error err = SEPA_ERROR_INIT;
	char hex[SEPA_SHA256_HEX_BUFSZ], m[SEPA_MONTH_BUFSZ], day[32];
	char *path =
	    notice_pdf_month_path(web_req_ctl(l->r)->cfg.dir_outbox, month);
	const char *name = strrchr(path, '/') + 1;
	struct stat st;
	struct tm tm;
	int64_t size;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) >= 0 &&
	    fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    sepa_sha256_fd(fd, path, hex, &size, &err) == 0) {
		localtime_r(&st.st_mtime, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		json_array_append_new(l->list,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "kind",
		        "notices", "id", sepa_month_iso(m, month), "name", name,
		        "sha256", hex, "state", "written", "date", day, "size",
		        (json_int_t)size));
	}
	if (fd >= 0)
		close(fd);
	free(path);
}

/*
 * GET /api/month/files?month=M: the files of collection month M (its
 * batches, the recovery exports of M) and the PDF notices of the month
 * it bills (M-1).
 */
static void
api_month_files(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct files_list l = {r, NULL};
	sepa_month month;
	int64_t cred;

	if (!web_month_arg(r, web_req_arg(r, "month"), &month))
		return;
	if ((cred = api_creditor(r)) <= 0 || web_req_ctl(r) == NULL)
		return;
	l.list = json_array();
	files_notices(&l, sepa_month_add(month, -1));
	if (store_files_month(
	        web_req_db(r), cred, month, files_row, &l, &err) != 0)
		web_reply_store(r, &err);
	else
		web_reply(r, 200,
		    json_pack("{s:O, s:s}", "files", l.list, "channel",
		        web_req_ctl(r)->cfg.treasury_channel ==
		                CONFIG_CHANNEL_PES
		            ? "pes"
		            : "pain008"));
	json_decref(l.list);
}

/* Open a file of the outbox for a download: fd, its size and digest. */
static int
file_open(struct web_req *r, const char *path, char *hex, int64_t *size)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		web_reply_error(r, 410, "gone",
		    "the file is no longer in the outbox: %s",
		    strrchr(path, '/') + 1);
		return -1;
	}
	if (sepa_sha256_fd(fd, path, hex, size, &err) != 0 ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		web_reply_error(r, 500, "internal", "%s", err.msg);
		return -1;
	}
	return fd;
}

/*
 * GET /api/month/file?kind=K&id=N: a file the store recorded, by its kind
 * (pain008, pes, recovery) and id, only when the outbox still holds the
 * very bytes recorded (its SHA-256); kind=notices&id=YYYY-MM: the PDF
 * notices of that month. Never a path from the browser.
 */
static void
api_month_file(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *kind = web_req_arg(r, "kind"), *id = web_req_arg(r, "id");
	char hex[SEPA_SHA256_HEX_BUFSZ], *path = NULL;
	enum store_file_kind k;
	struct store_file f;
	sepa_month month;
	int64_t cred, n, size;
	int fd;

	if (kind == NULL || id == NULL) {
		web_reply_error(
		    r, 400, "bad_request", "a file needs kind and id");
		return;
	}
	if ((cred = web_req_creditor(r)) <= 0 || web_req_ctl(r) == NULL) {
		web_reply_error(r, 404, "not_found", "no such file");
		return;
	}
	if (strcmp(kind, "notices") == 0) {
		if (!web_month_arg(r, id, &month))
			return;
		path = notice_pdf_month_path(
		    web_req_ctl(r)->cfg.dir_outbox, month);
		if ((fd = file_open(r, path, hex, &size)) >= 0)
			web_reply_file(r, fd, (uint64_t)size, "application/pdf",
			    strrchr(path, '/') + 1);
		free(path);
		return;
	}
	if (store_file_kind_parse(kind, &k) != 0 || ctl_parse_id(id, &n) != 0) {
		web_reply_error(r, 404, "not_found", "no such file");
		return;
	}
	if (store_file_find(web_req_db(r), cred, k, n, &f, &err) != 0) {
		if (err.code == SEPA_ENOTFOUND)
			web_reply_error(r, 404, "not_found", "%s", err.msg);
		else
			web_reply_store(r, &err);
		return;
	}
	if (f.sha256[0] == '\0') {
		web_reply_error(r, 409, "refused",
		    "%s is recorded but not written yet (state %s)",
		    f.file_name, i18n_state(I18N_BATCH, f.state));
		return;
	}
	path = file_path(r, f.file_name);
	if ((fd = file_open(r, path, hex, &size)) >= 0) {
		if (strcmp(hex, f.sha256) != 0) {
			close(fd);
			web_reply_error(r, 409, "refused",
			    "%s in the outbox is not the file recorded (its "
			    "SHA-256 is %s, %s was recorded)",
			    f.file_name, hex, f.sha256);
		} else {
			web_reply_file(
			    r, fd, (uint64_t)size, file_type(k), f.file_name);
		}
	}
	free(path);
}

/* ------------------------------------------------------------ payment */

/*
 * POST /api/payment {"invoice", "amount", "date", "method",
 * "reference"?}: sepactl payment record, its checks and its store
 * function; the amount and date as the operator writes them.
 */
static void
api_payment(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *number, *amount, *date, *method, *ref;
	struct payment_result pr;
	enum payment_method pm;
	sepa_date paid_on;
	int64_t cents, cred;
	json_t *body, *jref;

	if ((body = web_req_json(r)) == NULL)
		return;
	number = json_string_value(json_object_get(body, "invoice"));
	amount = json_string_value(json_object_get(body, "amount"));
	date = json_string_value(json_object_get(body, "date"));
	method = json_string_value(json_object_get(body, "method"));
	jref = json_object_get(body, "reference");
	ref = json_string_value(jref);
	if (number == NULL || amount == NULL || date == NULL ||
	    method == NULL ||
	    (jref != NULL && !json_is_null(jref) && ref == NULL)) {
		web_reply_error(r, 400, "bad_request",
		    "a payment needs \"invoice\", \"amount\", \"date\" and "
		    "\"method\" (strings), and may have a \"reference\"");
		goto done;
	}
	if (number[0] == '\0' || strlen(number) > 40 ||
	    (ref != NULL && strlen(ref) > 140)) {
		web_reply_error(r, 400, "refused",
		    "the invoice number holds 1 to 40 characters, the "
		    "reference at most 140");
		goto done;
	}
	if (sepa_money_parse(&cents, amount, &err) != 0)
		sepa_error_prefix(&err, "amount \"%.40s\"", amount);
	else if (sepa_date_parse(&paid_on, date, &err) != 0)
		sepa_error_prefix(&err, "date \"%.40s\"", date);
	else
		payment_method_parse(&pm, method, &err);
	if (err.code != 0) {
		web_reply_store(r, &err);
		goto done;
	}
	if ((cred = api_creditor(r)) <= 0)
		goto done;
	if (store_payment_record(web_req_db(r), cred, number, cents, paid_on,
	        pm, ref != NULL && ref[0] != '\0' ? ref : NULL,
	        web_req_today(r), &pr, &err) != 0) {
		web_reply_store(r, &err);
		goto done;
	}
	web_reply(r, 200,
	    json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:s}", "invoice", number,
	        "payment", (json_int_t)pr.payment_id, "amount",
	        (json_int_t)cents, "total", (json_int_t)pr.total_cents, "paid",
	        (json_int_t)pr.paid_cents, "due", (json_int_t)pr.due_cents,
	        "state", pr.state));
done:
	json_decref(body);
}

const struct web_route web_month_routes[] = {
    {"POST", "/api/month/preview", WEB_FINANCE, api_month_preview},
    {"POST", "/api/month/invoice", WEB_FINANCE, api_month_invoice},
    {"POST", "/api/month/collect", WEB_FINANCE, api_month_collect},
    {"GET", "/api/month/job", WEB_VIEWER, api_month_job},
    {"GET", "/api/month/files", WEB_VIEWER, api_month_files},
    {"GET", "/api/month/file", WEB_FINANCE, api_month_file},
    {"POST", "/api/payment", WEB_FINANCE, api_payment},
    {NULL, NULL, WEB_PUBLIC, NULL},
};
