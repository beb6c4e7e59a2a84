/*
 * cmd_notices.c - `sepactl notices pdf|send --month YYYY-MM`: the month's
 * avis d'échéance as PDF (also written by the invoice run), and each one
 * e-mailed to its family; and the reject letters an import of bank
 * returns writes.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "commands.h"
#include "config.h"
#include "ctl.h"
#include "db.h"
#include "doc.h"
#include "i18n.h"
#include "letter.h"
#include "log.h"
#include "mail.h"
#include "notice.h"
#include "notice_pdf.h"
#include "correction_pdf.h"
#include "store_invoice.h"
#include "store_mail.h"

int
ctl_notices_pdf(struct ctl *ctl, struct db *db, int64_t cred, sepa_month month)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct doc_sender ds;
	char m[SEPA_MONTH_BUFSZ], *all;
	int64_t count;
	double t0 = log_clock();

	sepa_month_iso(m, month);
	doc_sender_from_config(&ds, &ctl->cfg);
	if (notice_pdf_write_month(
	        db, cred, &ds, month, ctl->cfg.dir_outbox, &count, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err,
		    "the PDF notices of %s could not be written (run `sepactl "
		    "notices pdf --month %s` again)",
		    m, m);
	log_debug("the PDF notices took %.2f s", log_clock() - t0);
	all = notice_pdf_month_path(ctl->cfg.dir_outbox, month);
	printf(_("PDF notices: %" PRId64 " in %s/notices/pdf/%s, all of them "
	         "in %s\n"),
	    count, ctl->cfg.dir_outbox, m, all);
	free(all);
	return ctl_correction_pdf(ctl, db, cred, month);
}

int
ctl_correction_pdf(
    struct ctl *ctl, struct db *db, int64_t cred, sepa_month month)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct doc_sender ds;
	char m[SEPA_MONTH_BUFSZ], *dir, *all;
	int64_t count;
	double t0 = log_clock();

	sepa_month_iso(m, month);
	doc_sender_from_config(&ds, &ctl->cfg);
	if (correction_pdf_write_month(
	        db, cred, &ds, month, ctl->cfg.dir_outbox, &count, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err,
		    "the PDF corrected notices of %s could not be written "
		    "(run `sepactl notices pdf --month %s` again)",
		    m, m);
	log_debug("the PDF corrected notices took %.2f s", log_clock() - t0);
	if (count == 0)
		return CTL_OK;
	correction_pdf_paths(ctl->cfg.dir_outbox, month, &dir, &all);
	printf(_("PDF corrected notices: %" PRId64 " in %s, all of them in "
	         "%s\n"),
	    count, dir, all);
	free(dir);
	free(all);
	return CTL_OK;
}

/* ------------------------------------------------------ notices send */

/* The e-mail's texts, in one place. */
#define NS_SUBJECT DOC_FR("Avis d'échéance n° %s, %s")
#define NS_INTRO \
	DOC_FR("Madame, Monsieur,\n\n" \
	       "Veuillez trouver ci-joint l'avis d'échéance de votre facture " \
	       "n° %s (consommations de %s), reproduit ci-dessous.\n" \
	       "Ce message est envoyé automatiquement : pour toute question, " \
	       "adressez-vous à %s.\n\n")
#define NS_FIX_SUBJECT DOC_FR("Avis rectificatif de la facture n° %s, %s")
#define NS_FIX_INTRO \
	DOC_FR("Madame, Monsieur,\n\n" \
	       "Veuillez trouver ci-joint un avis rectificatif de l'avis " \
	       "d'échéance de votre facture n° %s (consommations de %s) : %s " \
	       "%s changé. Il est reproduit ci-dessous.\n" \
	       "Ce message est envoyé automatiquement : pour toute question, " \
	       "adressez-vous à %s.\n\n")

/* What a run did with one kind of document. */
struct send_counts {
	int64_t sent, already, noaddr, failed, unknown;
};

struct send_ctx {
	struct ctl *ctl;
	struct db *db; /* the mail state: its own connection */
	int64_t cred;
	struct mail *mail;
	struct doc *doc;
	struct notice_creditor nc;
	const char *domain; /* of mail.from, for the Message-ID */
	struct send_counts notices, fixes, *n; /* n: the kind being sent */
	int64_t messages; /* sent by this run, both kinds */
	long kill_after; /* test hook: SIGKILL before the next message */
};

/* s with CRLF line ends, as a mail's text is (s freed). */
static char *
send_crlf(char *s)
{
	size_t n = 0, j = 0;
	char *out;

	for (const char *p = s; *p != '\0'; p++)
		n += *p == '\n' ? 2 : 1;
	out = xmalloc(n + 1);
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '\n' && (p == s || p[-1] != '\r'))
			out[j++] = '\r';
		out[j++] = *p;
	}
	out[j] = '\0';
	free(s);
	return out;
}

/* Whom the family writes to: the billing service, or the commune. */
static const char *
send_contact(const struct send_ctx *c)
{
	const struct sepad_config *cfg = &c->ctl->cfg;

	return cfg->doc_department[0] != '\0' ? cfg->doc_department
	                                      : cfg->cred_name;
}

/* A document being e-mailed: its key, its name (the invoice's number,
 * "-Rn" for a corrected notice: the Message-ID and the attachment), and
 * how its text and PDF are made once it is claimed. */
struct send_item {
	struct mail_doc key;
	const char *email;
	char name[64], subject[256];
	int (*text)(
	    struct send_ctx *c, FILE *fp, const void *arg, sepa_error *err);
	int (*pdf)(struct send_ctx *c, cairo_t *cr, const void *arg);
	const char *title; /* of the PDF */
	sepa_date date; /* of the PDF */
	const void *arg;
};

/* The text body: a few words, then the text notice. */
static char *
send_text(struct send_ctx *c, const struct send_item *it, sepa_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL) {
		sepa_error_set(err, SEPA_EIO, "could not build the e-mail: %s",
		    strerror(errno));
		return NULL;
	}
	if (it->text(c, fp, it->arg, err) != 0 || fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return send_crlf(buf);
}

/* The document as a PDF in memory. */
static int
send_pdf(struct send_ctx *c, const struct send_item *it, char **buf,
    size_t *len, sepa_error *err)
{
	struct doc_pdf pdf;
	FILE *fp = open_memstream(buf, len);
	int rc;

	if (fp == NULL)
		return sepa_error_set(err, SEPA_EIO,
		    "could not build the e-mail: %s", strerror(errno));
	if ((rc = doc_pdf_open(&pdf, fp, it->title, it->date, err)) == 0) {
		it->pdf(c, pdf.cr, it->arg);
		rc = doc_pdf_close(&pdf, err);
	}
	if (fclose(fp) != 0 && rc == 0)
		rc =
		    sepa_error_set(err, SEPA_EIO, "could not build the e-mail");
	return rc;
}

/* Count a document recorded before (not sent again). */
static void
send_seen(struct send_ctx *c, const char *state)
{
	if (strcmp(state, "sent") == 0)
		c->n->already++;
	else if (strcmp(state, "failed") == 0)
		c->n->failed++;
	else
		c->n->unknown++;
}

/* The relay's answer to one message, recorded. */
static int
send_outcome(struct send_ctx *c, const struct send_item *it, int rc,
    bool unsent, sepa_error *err)
{
	if (rc == 0) {
		c->n->sent++;
		c->messages++;
		return store_mail_finish(
		    c->db, c->cred, &it->key, "sent", "", c->ctl->today, err);
	}
	if (unsent) {
		/* The relay cannot be reached: stop, nothing was sent. */
		sepa_error ignored = SEPA_ERROR_INIT;

		store_mail_release(c->db, c->cred, &it->key, &ignored);
		sepa_error_prefix(err, "could not reach the relay");
		return rc;
	}
	/* The relay's answer may name the address: it goes to the event,
	 * not to the log. */
	if (it->key.version == 0)
		log_warnx("notice %s: the relay refused its e-mail (sepactl "
		          "attention list)",
		    it->name);
	else
		log_warnx("corrected notice %s: the relay refused its e-mail "
		          "(sepactl attention list)",
		    it->name);
	c->n->failed++;
	return store_mail_finish(
	    c->db, c->cred, &it->key, "failed", err->msg, c->ctl->today, err);
}

/* Claim one document, build it, hand it to the relay, record what came
 * of it: at most once. */
static int
send_item(struct send_ctx *c, const struct send_item *it, sepa_error *err)
{
	char *text = NULL, *pdf = NULL, msgid[256], file[80], state[16];
	size_t pdflen = 0;
	int claimed, rc;
	bool unsent = false;

	if (it->email[0] == '\0') {
		c->n->noaddr++;
		return 0;
	}
	if ((rc = store_mail_claim(c->db, c->cred, &it->key, it->email,
	         &claimed, state, err)) != 0)
		return rc;
	if (!claimed) {
		send_seen(c, state);
		return 0;
	}
	if ((text = send_text(c, it, err)) == NULL ||
	    (rc = send_pdf(c, it, &pdf, &pdflen, err)) != 0) {
		rc = rc != 0 ? rc : SEPA_EIO;
		store_mail_release(c->db, c->cred, &it->key, err);
		goto cleanup;
	}
	if (c->kill_after >= 0 && c->messages >= c->kill_after)
		raise(
		    SIGKILL); /* test hook: a crash with the document claimed */
	snprintf(msgid, sizeof(msgid), "<%s.%s@%s>", it->name,
	    c->ctl->cfg.cred_ics, c->domain);
	snprintf(file, sizeof(file), "%s.pdf", it->name);
	rc = mail_send(c->mail,
	    &(struct mail_msg){
	        it->email, it->subject, msgid, text, pdf, pdflen, file},
	    &unsent, err);
	rc = send_outcome(c, it, rc, unsent, err);
cleanup:
	free(text);
	free(pdf);
	return rc;
}

/* ------------------------------------------- the notice, as it was sent */

static int
send_notice_text(struct send_ctx *c, FILE *fp, const void *arg, sepa_error *err)
{
	const struct invoice_doc *doc = arg;
	char mo[32];

	fprintf(fp, NS_INTRO, doc->number,
	    doc_month_fr(mo, sizeof(mo), doc->month), send_contact(c));
	return notice_write(fp, &c->nc, doc, err);
}

static int
send_notice_pdf(struct send_ctx *c, cairo_t *cr, const void *arg)
{
	return notice_pdf_draw(c->doc, cr, arg);
}

static int
send_one(const struct invoice_doc *live, void *arg, sepa_error *err)
{
	struct send_ctx *c = arg;
	struct invoice_doc as_sent;
	char title[96];
	struct send_item it = {.text = send_notice_text,
	    .pdf = send_notice_pdf,
	    .title = title,
	    .arg = &as_sent};

	notice_as_sent(live, &as_sent);
	it.key = (struct mail_doc){as_sent.id, 0};
	it.email = as_sent.email;
	it.date = as_sent.issued_on;
	snprintf(it.name, sizeof(it.name), "%s", as_sent.number);
	snprintf(it.subject, sizeof(it.subject), NS_SUBJECT, as_sent.number,
	    c->ctl->cfg.cred_name);
	snprintf(
	    title, sizeof(title), DOC_FR("Avis d'échéance %s"), as_sent.number);
	return send_item(c, &it, err);
}

/* ---------------------------------------------- the corrected notices */

/* What send_fix hands to its item. */
struct send_fix {
	const struct correction *fix;
	const struct invoice_doc *doc;
};

static int
send_fix_text(struct send_ctx *c, FILE *fp, const void *arg, sepa_error *err)
{
	const struct send_fix *f = arg;
	char mo[32], what[160];

	correction_what(what, sizeof(what), f->fix);
	fprintf(fp, NS_FIX_INTRO, f->doc->number,
	    doc_month_fr(mo, sizeof(mo), f->doc->month), what,
	    strstr(what, DOC_FR(" et ")) != NULL ? DOC_FR("ont") : DOC_FR("a"),
	    send_contact(c));
	/* the corrected notice as it was written (migration 034) */
	if (fputs(f->fix->content, fp) == EOF)
		return sepa_error_set(err, SEPA_EIO,
		    "could not build the e-mail: %s", strerror(errno));
	return 0;
}

static int
send_fix_pdf(struct send_ctx *c, cairo_t *cr, const void *arg)
{
	const struct send_fix *f = arg;

	return correction_pdf_draw(c->doc, cr, f->fix, f->doc);
}

static int
send_fix(const struct correction *fix, const struct invoice_doc *doc, void *arg,
    sepa_error *err)
{
	struct send_ctx *c = arg;
	struct send_fix f = {fix, doc};
	char title[96];
	struct send_item it = {.key = {fix->invoice_id, fix->version},
	    .email = fix->email,
	    .text = send_fix_text,
	    .pdf = send_fix_pdf,
	    .title = correction_pdf_title(title, sizeof(title), fix),
	    .date = fix->written_on,
	    .arg = &f};

	snprintf(it.name, sizeof(it.name), "%s-R%d", fix->number, fix->version);
	snprintf(it.subject, sizeof(it.subject), NS_FIX_SUBJECT, fix->number,
	    c->ctl->cfg.cred_name);
	return send_item(c, &it, err);
}

/* The run's lines: the notices', then the corrected notices' if any. */
static void
send_report(const struct send_ctx *c, const char *m)
{
	const struct send_counts *n = &c->notices, *f = &c->fixes;

	if (n->failed + n->unknown > 0)
		printf(
		    _("e-mails for %s: %" PRId64 " sent, %" PRId64
		      " sent before, %" PRId64 " without an address, %" PRId64
		      " refused by the relay, %" PRId64
		      " interrupted (see sepactl attention list)\n"),
		    m, n->sent, n->already, n->noaddr, n->failed, n->unknown);
	else
		printf(
		    _("e-mails for %s: %" PRId64 " sent, %" PRId64
		      " sent before, %" PRId64 " without an address, %" PRId64
		      " refused by the relay, %" PRId64 " interrupted\n"),
		    m, n->sent, n->already, n->noaddr, n->failed, n->unknown);
	if (f->sent + f->already + f->noaddr + f->failed + f->unknown == 0)
		return;
	if (f->failed + f->unknown > 0)
		printf(_("corrected notices e-mailed for %s: %" PRId64
		         " sent, %" PRId64 " sent before, %" PRId64
		         " without an address, %" PRId64
		         " refused by the relay, %" PRId64
		         " interrupted (see sepactl attention list)\n"),
		    m, f->sent, f->already, f->noaddr, f->failed, f->unknown);
	else
		printf(_("corrected notices e-mailed for %s: %" PRId64
		         " sent, %" PRId64 " sent before, %" PRId64
		         " without an address, %" PRId64
		         " refused by the relay, %" PRId64 " interrupted\n"),
		    m, f->sent, f->already, f->noaddr, f->failed, f->unknown);
}

static int
notices_send(struct ctl *ctl, struct db *db, int64_t cred, sepa_month month)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *kill = getenv("SEPAD_MAIL_KILL_AFTER");
	struct doc_sender ds;
	struct send_ctx c;
	char m[SEPA_MONTH_BUFSZ];
	int64_t stale = 0;
	int rc = 0, status = CTL_OK;

	memset(&c, 0, sizeof(c));
	c.ctl = ctl;
	c.cred = cred;
	c.kill_after = kill != NULL ? atol(kill) : -1;
	c.nc = (struct notice_creditor){ctl->cfg.cred_name, ctl->cfg.cred_ics,
	    ctl->cfg.cred_street, ctl->cfg.cred_building,
	    ctl->cfg.cred_postcode, ctl->cfg.cred_town,
	    csvout_dialect_of(&ctl->cfg)};
	sepa_month_iso(m, month);
	doc_sender_from_config(&ds, &ctl->cfg);
	if ((rc = mail_open(&c.mail, &ctl->cfg, &err)) != 0 ||
	    (rc = doc_new(&c.doc, &ds, &err)) != 0 ||
	    (rc = ctl_db_another(ctl, &c.db, &err)) != 0) {
		status = rc == SEPA_EINVAL ? CTL_REFUSED : CTL_INTERNAL;
		goto cleanup;
	}
	c.domain = strchr(ctl->cfg.mail_from, '@') + 1;
	if ((rc = store_mail_begin(c.db, cred, ctl->today, &stale, &err)) !=
	    0) {
		status = rc == SEPA_ESTATE ? CTL_REFUSED : CTL_INTERNAL;
		goto cleanup;
	}
	/* the notices, then their corrections (a family that gets both
	 * reads them in that order) */
	c.n = &c.notices;
	rc = store_invoice_each(db, cred, month, false, send_one, &c, &err);
	c.n = &c.fixes;
	if (rc == 0)
		rc = correction_each(db, cred, month, send_fix, &c, &err);
	store_mail_end(c.db, cred);
	/* the interrupted ones of this month are counted as they are met */
	log_debug("%" PRId64 " interrupted e-mails flagged", stale);
	send_report(&c, m);
	if (rc != 0)
		status = CTL_INTERNAL;
cleanup:
	if (status != CTL_OK)
		ctl_fail(status, &err, "could not send the notices of %s", m);
	if (c.db != NULL)
		db_close(c.db);
	doc_free(c.doc);
	mail_close(c.mail);
	return status;
}

/* ------------------------------------------------------- reject letters */

int
ctl_reject_letters(
    struct ctl *ctl, struct db *db, int64_t cred, int64_t file_id)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct letter_policy pol = {ctl->cfg.represent_on_next_invoice,
	    ctl->cfg.max_rejects_per_school_year};
	struct doc_sender ds;
	char *dir = NULL;
	int64_t n;

	doc_sender_from_config(&ds, &ctl->cfg);
	if (letter_write_file(db, cred, file_id, &ds, &pol, ctl->cfg.dir_outbox,
	        &n, &dir, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err,
		    "the reject letters of bank file %" PRId64
		    " could not be written (import the file again to write "
		    "them)",
		    file_id);
	if (n > 0)
		printf(_("reject letters: %" PRId64 " in %s\n"), n, dir);
	free(dir);
	return CTL_OK;
}

/* --month YYYY-MM, the only argument of both subcommands. */
static int
notices_month(int argc, char **argv, sepa_month *month)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *arg = NULL;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--month") == 0 && i + 1 < argc)
			arg = argv[++i];
		else if (strncmp(argv[i], "--month=", 8) == 0)
			arg = argv[i] + 8;
		else {
			log_warnx("notices %s: unexpected argument \"%s\" (see "
			          "sepactl notices --help)",
			    argv[1], argv[i]);
			return CTL_USAGE;
		}
	}
	if (arg == NULL) {
		log_warnx("notices %s needs --month YYYY-MM (see sepactl "
		          "notices --help)",
		    argv[1]);
		return CTL_USAGE;
	}
	if (sepa_month_parse(month, arg, &err) != 0)
		return ctl_fail(CTL_USAGE, &err, "notices: bad --month");
	return CTL_OK;
}

int
cmd_notices(struct ctl *ctl, int argc, char **argv)
{
	sepa_month month;
	struct db *db;
	int64_t cred;
	int rc;

	if (argc < 2 ||
	    (strcmp(argv[1], "pdf") != 0 && strcmp(argv[1], "send") != 0)) {
		log_warnx(
		    "notices needs pdf or send (see sepactl notices --help)");
		return CTL_USAGE;
	}
	if ((rc = notices_month(argc, argv, &month)) != CTL_OK)
		return rc;
	if ((rc = ctl_returns_creditor(ctl, &db, &cred)) != CTL_OK)
		return rc;
	if (strcmp(argv[1], "send") == 0)
		return notices_send(ctl, db, cred, month);
	return ctl_notices_pdf(ctl, db, cred, month);
}
