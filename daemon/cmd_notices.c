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
	return CTL_OK;
}

/* ------------------------------------------------------ notices send */

/* The e-mail's texts, in one place (for gettext later). */
#define NS_SUBJECT DOC_FR("Avis d'échéance n° %s, %s")
#define NS_INTRO \
	DOC_FR("Madame, Monsieur,\n\n" \
	       "Veuillez trouver ci-joint l'avis d'échéance de votre facture " \
	       "n° %s (consommations de %s), reproduit ci-dessous.\n" \
	       "Ce message est envoyé automatiquement : pour toute question, " \
	       "adressez-vous à %s.\n\n")

struct send_ctx {
	struct ctl *ctl;
	struct db *db; /* the mail state: its own connection */
	int64_t cred;
	struct mail *mail;
	struct doc *doc;
	struct notice_creditor nc;
	const char *domain; /* of mail.from, for the Message-ID */
	int64_t sent, already, noaddr, failed, unknown;
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

/* The text body: a few words, then the text notice. */
static char *
send_text(struct send_ctx *c, const struct invoice_doc *doc, sepa_error *err)
{
	const struct sepad_config *cfg = &c->ctl->cfg;
	char *buf = NULL, mo[32];
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL) {
		sepa_error_set(err, SEPA_EIO, "could not build the e-mail: %s",
		    strerror(errno));
		return NULL;
	}
	fprintf(fp, NS_INTRO, doc->number,
	    doc_month_fr(mo, sizeof(mo), doc->month),
	    cfg->doc_department[0] != '\0' ? cfg->doc_department
	                                   : cfg->cred_name);
	if (notice_write(fp, &c->nc, doc, err) != 0 || fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return send_crlf(buf);
}

/* The notice as a PDF in memory. */
static int
send_pdf(struct send_ctx *c, const struct invoice_doc *doc, char **buf,
    size_t *len, sepa_error *err)
{
	struct doc_pdf pdf;
	char title[96];
	FILE *fp = open_memstream(buf, len);
	int rc;

	if (fp == NULL)
		return sepa_error_set(err, SEPA_EIO,
		    "could not build the e-mail: %s", strerror(errno));
	snprintf(
	    title, sizeof(title), DOC_FR("Avis d'échéance %s"), doc->number);
	if ((rc = doc_pdf_open(&pdf, fp, title, doc->issued_on, err)) == 0) {
		notice_pdf_draw(c->doc, pdf.cr, doc);
		rc = doc_pdf_close(&pdf, err);
	}
	if (fclose(fp) != 0 && rc == 0)
		rc =
		    sepa_error_set(err, SEPA_EIO, "could not build the e-mail");
	return rc;
}

/* Count a notice recorded before (not sent again). */
static void
send_seen(struct send_ctx *c, const char *state)
{
	if (strcmp(state, "sent") == 0)
		c->already++;
	else if (strcmp(state, "failed") == 0)
		c->failed++;
	else
		c->unknown++;
}

static int
send_one(const struct invoice_doc *live, void *arg, sepa_error *err)
{
	struct send_ctx *c = arg;
	struct invoice_doc as_sent, *doc = &as_sent;
	char *text = NULL, *pdf = NULL, subject[256], msgid[256], name[64],
	     state[16];
	size_t pdflen = 0;
	int claimed, rc;
	bool unsent;

	notice_as_sent(live, &as_sent);
	if (doc->email[0] == '\0') {
		c->noaddr++;
		return 0;
	}
	if ((rc = store_mail_claim(c->db, c->cred, doc->id, doc->email,
	         &claimed, state, err)) != 0)
		return rc;
	if (!claimed) {
		send_seen(c, state);
		return 0;
	}
	if ((text = send_text(c, doc, err)) == NULL ||
	    (rc = send_pdf(c, doc, &pdf, &pdflen, err)) != 0) {
		rc = rc != 0 ? rc : SEPA_EIO;
		store_mail_release(c->db, c->cred, doc->id, err);
		goto cleanup;
	}
	if (c->kill_after >= 0 && c->sent >= c->kill_after)
		raise(SIGKILL); /* test hook: a crash with the notice claimed */
	snprintf(subject, sizeof(subject), NS_SUBJECT, doc->number,
	    c->ctl->cfg.cred_name);
	snprintf(msgid, sizeof(msgid), "<%s.%s@%s>", doc->number,
	    c->ctl->cfg.cred_ics, c->domain);
	snprintf(name, sizeof(name), "%s.pdf", doc->number);
	rc = mail_send(c->mail,
	    &(struct mail_msg){
	        doc->email, subject, msgid, text, pdf, pdflen, name},
	    &unsent, err);
	if (rc == 0) {
		c->sent++;
		rc = store_mail_finish(
		    c->db, c->cred, doc->id, "sent", "", c->ctl->today, err);
	} else if (unsent) {
		/* The relay cannot be reached: stop, nothing was sent. */
		sepa_error ignored = SEPA_ERROR_INIT;

		store_mail_release(c->db, c->cred, doc->id, &ignored);
		sepa_error_prefix(err, "could not reach the relay");
	} else {
		/* The relay's answer may name the address: it goes to the
		 * event, not to the log. */
		log_warnx("notice %s: the relay refused its e-mail (sepactl "
		          "attention list)",
		    doc->number);
		c->failed++;
		rc = store_mail_finish(c->db, c->cred, doc->id, "failed",
		    err->msg, c->ctl->today, err);
	}
cleanup:
	free(text);
	free(pdf);
	return rc;
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
	rc = store_invoice_each(db, cred, month, false, send_one, &c, &err);
	store_mail_end(c.db, cred);
	/* the interrupted ones of this month are counted as they are met */
	log_debug("%" PRId64 " interrupted e-mails flagged", stale);
	if (c.failed + c.unknown > 0)
		printf(
		    _("e-mails for %s: %" PRId64 " sent, %" PRId64
		      " sent before, %" PRId64 " without an address, %" PRId64
		      " refused by the relay, %" PRId64
		      " interrupted (see sepactl attention list)\n"),
		    m, c.sent, c.already, c.noaddr, c.failed, c.unknown);
	else
		printf(
		    _("e-mails for %s: %" PRId64 " sent, %" PRId64
		      " sent before, %" PRId64 " without an address, %" PRId64
		      " refused by the relay, %" PRId64 " interrupted\n"),
		    m, c.sent, c.already, c.noaddr, c.failed, c.unknown);
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
