/*
 * notice.c - the pre-notifications (avis d'échéance): one plain-text
 * UTF-8 notice per invoice, in French, and a CSV of them all for mail
 * merge. Amounts via sepa_money_fr, accounts masked via sepa_iban_mask:
 * a notice never shows a full IBAN. A notice is stored when first written
 * and always written again from what was stored (migration 034); when
 * its debit no longer has the amount, date or account it states, a
 * corrected notice (avis rectificatif) follows it.
 */
#define _GNU_SOURCE /* syncfs */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sepa/date.h"
#include "sepa/digest.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/money.h"
#include "afile.h"
#include "csvout.h"
#include "log.h"
#include "notice.h"
#include "store_invoice.h"
#include "store_notice.h"

static const char *const notice_months[] = {"janvier", "février", "mars",
    "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
    "novembre", "décembre"};

#define NOTICE_TEXT_W 40 /* where the payer's address starts */

size_t
notice_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

void
notice_cell(FILE *fp, const char *s, size_t w, int right)
{
	size_t n = notice_width(s);

	if (right)
		for (size_t i = n; i < w; i++)
			fputc(' ', fp);
	fputs(s, fp);
	if (!right)
		for (size_t i = n; i < w; i++)
			fputc(' ', fp);
}

static void
notice_month_fr(char *buf, size_t size, sepa_month m)
{
	snprintf(buf, size, "%s %04d",
	    m.month >= 1 && m.month <= 12 ? notice_months[m.month - 1] : "?",
	    m.year);
}

/* 12000 -> "12", 2500 -> "2,5", 1250 -> "1,25". */
void
notice_qty(char *buf, size_t size, int64_t milli)
{
	int64_t a = milli < 0 ? -milli : milli;
	int frac = (int)(a % 1000);
	char f[8];

	if (frac == 0) {
		snprintf(buf, size, "%s%lld", milli < 0 ? "-" : "",
		    (long long)(a / 1000));
		return;
	}
	snprintf(f, sizeof(f), "%03d", frac);
	for (int i = 2; i > 0 && f[i] == '0'; i--)
		f[i] = '\0';
	snprintf(buf, size, "%s%lld,%s", milli < 0 ? "-" : "",
	    (long long)(a / 1000), f);
}

static void
notice_row(FILE *fp, const char *child, const char *service, const char *qty,
    const char *price, const char *amount)
{
	notice_cell(fp, child, 22, 0);
	notice_cell(fp, service, 26, 0);
	notice_cell(fp, qty, 9, 1);
	notice_cell(fp, price, 15, 1);
	notice_cell(fp, amount, 14, 1);
	fputc('\n', fp);
}

/* A label over the first four columns, then an amount. */
static void
notice_amount_row(FILE *fp, const char *label, int right, int64_t cents)
{
	char am[SEPA_MONEY_BUFSZ];

	notice_cell(fp, label, 72, right);
	notice_cell(fp, sepa_money_fr(am, cents), 14, 1);
	fputc('\n', fp);
}

static void
notice_lines(FILE *fp, const struct invoice_doc *doc, enum invoice_line_kind k)
{
	char q[32], pr[SEPA_MONEY_BUFSZ], am[SEPA_MONEY_BUFSZ], svc[128],
	    mo[32];

	for (size_t i = 0; i < doc->nlines; i++) {
		const struct invoice_doc_line *l = &doc->lines[i];

		if (l->kind != k)
			continue;
		if (k == INVOICE_LINE_REMINDER || k == INVOICE_LINE_CREDIT) {
			char text[160];

			notice_month_fr(mo, sizeof(mo), l->reminded_month);
			snprintf(text, sizeof(text),
			    k == INVOICE_LINE_REMINDER
			        ? "Facture %s (%s) restée impayée"
			        : "Montant créditeur de la facture %s (%s)",
			    l->reminded_number, mo);
			notice_amount_row(fp, text, 0, l->amount_cents);
			continue;
		}
		notice_qty(q, sizeof(q), l->quantity_milli);
		if (strcmp(l->unit, "hour") == 0)
			strcat(q, " h");
		else if (strcmp(l->unit, "day") == 0)
			strcat(q, " j");
		if (k == INVOICE_LINE_REGULARISATION)
			snprintf(svc, sizeof(svc), "%s (%02d/%04d)", l->service,
			    l->consumed_month.month, l->consumed_month.year);
		else
			snprintf(svc, sizeof(svc), "%s", l->service);
		notice_row(fp, l->child, svc, q,
		    sepa_money_fr(pr, l->unit_price_cents),
		    sepa_money_fr(am, l->amount_cents));
	}
}

static int
notice_has(const struct invoice_doc *doc, enum invoice_line_kind k)
{
	for (size_t i = 0; i < doc->nlines; i++)
		if (doc->lines[i].kind == k)
			return 1;
	return 0;
}

static void
notice_indent(FILE *fp, const char *s)
{
	if (s[0] == '\0')
		return;
	for (int i = 0; i < NOTICE_TEXT_W; i++)
		fputc(' ', fp);
	fprintf(fp, "%s\n", s);
}

/* The creditor's address, then the payer's, indented. */
static void
notice_addresses(
    FILE *fp, const struct notice_creditor *cred, const struct invoice_doc *doc)
{
	char buf[512];

	fprintf(fp, "%s\n", cred->name);
	if (cred->building[0] != '\0')
		fprintf(fp, "%s %s\n", cred->building, cred->street);
	else if (cred->street[0] != '\0')
		fprintf(fp, "%s\n", cred->street);
	fprintf(fp, "%s %s\n\n", cred->postcode, cred->town);
	notice_indent(fp, doc->payer);
	if (doc->building[0] != '\0') {
		snprintf(buf, sizeof(buf), "%s %s", doc->building, doc->street);
		notice_indent(fp, buf);
	} else {
		notice_indent(fp, doc->street);
	}
	snprintf(buf, sizeof(buf), "%s %s", doc->postcode, doc->town);
	notice_indent(fp, buf);
	if (strcmp(doc->country, "FR") != 0)
		notice_indent(fp, doc->country);
}

/* How `due` is paid: nothing, by direct debit, or by other means. */
static void
notice_how_to_pay(FILE *fp, const struct notice_creditor *cred,
    const struct invoice_doc *doc, int64_t due)
{
	char d2[SEPA_DATE_BUFSZ], am[SEPA_MONEY_BUFSZ],
	    mask[SEPA_IBAN_MASK_BUFSZ];

	sepa_date_fr(d2, doc->due_on);
	if (due <= 0) {
		fprintf(fp,
		    "Aucun paiement n'est demandé pour cette facture%s.\n",
		    doc->total_cents < 0 ? " : le montant créditeur sera "
		                           "déduit de vos prochaines factures"
		                         : "");
	} else if (doc->has_mandate) {
		fprintf(fp,
		    "Ce montant sera prélevé le %s sur le compte %s\n"
		    "Référence unique de mandat (RUM) : %s\n"
		    "Identifiant créancier SEPA (ICS) : %s\n",
		    d2, sepa_iban_mask(mask, doc->iban), doc->rum, cred->ics);
	} else {
		fprintf(fp,
		    "Vous n'avez pas de mandat de prélèvement SEPA actif : "
		    "merci de régler\n"
		    "%s avant le %s, en rappelant le numéro de facture %s :\n"
		    "  - à la Trésorerie, en espèces ou par carte bancaire ;\n"
		    "  - par chèque à l'ordre du Trésor public, adressé à "
		    "%s,\n"
		    "    %s%s%s, %s %s ;\n"
		    "  - en ligne par carte bancaire ou prélèvement unique sur "
		    "www.payfip.gouv.fr.\n"
		    "Pour être prélevé automatiquement, demandez un mandat "
		    "SEPA à la mairie.\n",
		    sepa_money_fr(am, due), d2, doc->number, cred->name,
		    cred->building, cred->building[0] != '\0' ? " " : "",
		    cred->street, cred->postcode, cred->town);
	}
}

int
notice_write(FILE *fp, const struct notice_creditor *cred,
    const struct invoice_doc *doc, sepa_error *err)
{
	char d1[SEPA_DATE_BUFSZ], mo[32];
	int64_t due = doc->total_cents - doc->paid_cents;

	notice_addresses(fp, cred, doc);
	notice_month_fr(mo, sizeof(mo), doc->month);
	fprintf(fp,
	    "\nAVIS D'ÉCHÉANCE\n"
	    "Facture n° %s du %s\n"
	    "Famille : %s\n"
	    "Consommations %s%s\n\n",
	    doc->number, sepa_date_fr(d1, doc->issued_on), doc->family_ref,
	    strchr("ao", mo[0]) != NULL ? "d'" : "de ", mo); /* d'octobre */
	notice_row(
	    fp, "Enfant", "Prestation", "Quantité", "Prix unitaire", "Montant");
	if (notice_has(doc, INVOICE_LINE_CONSUMPTION))
		notice_lines(fp, doc, INVOICE_LINE_CONSUMPTION);
	else
		fprintf(fp, "Aucune consommation ce mois-ci.\n");
	if (notice_has(doc, INVOICE_LINE_REGULARISATION)) {
		fprintf(fp,
		    "\nRégularisations (consommations des mois "
		    "précédents reçues après leur facturation)\n");
		notice_lines(fp, doc, INVOICE_LINE_REGULARISATION);
	}
	if (notice_has(doc, INVOICE_LINE_REMINDER)) {
		fprintf(fp, "\nRappels (factures précédentes impayées)\n");
		notice_lines(fp, doc, INVOICE_LINE_REMINDER);
	}
	if (notice_has(doc, INVOICE_LINE_CREDIT)) {
		fprintf(fp,
		    "\nDéductions (montants créditeurs des factures "
		    "précédentes)\n");
		notice_lines(fp, doc, INVOICE_LINE_CREDIT);
	}
	fputc('\n', fp);
	notice_amount_row(fp, "Total", 1, doc->total_cents);
	if (doc->paid_cents > 0) {
		notice_amount_row(fp, "Déjà réglé", 1, doc->paid_cents);
		notice_amount_row(fp, "Reste dû", 1, due);
	}
	fputc('\n', fp);
	notice_how_to_pay(fp, cred, doc, due);
	if (ferror(fp))
		return sepa_error_set(err, SEPA_EIO,
		    "could not write the notice of invoice %s", doc->number);
	return 0;
}

/* ------------------------------------------------------ the month's set */

/*
 * What a month's notices share. A notice is written once from the
 * invoice's data and stored (store_notice.c, migration 034); every later
 * writing of the month takes the stored bytes, so a notice never changes
 * once sent, whatever the family's data became.
 */
struct notice_ctx {
	const struct notice_creditor *cred;
	FILE *stage; /* the notices to store (store_notice_stage) */
	const char *dir; /* the temporary directory */
	struct csvout csv; /* the month's mail merge */
	const char *fixpath; /* corrections-YYYY-MM.csv */
	struct afile fix; /* opened at the first corrected notice */
	struct csvout fixcsv; /* on fix.fp */
	int64_t count, corrected;
	/* the billed months a correction touched */
	sepa_month months[NOTICE_MONTHS_MAX];
	size_t nmonths;
};

/* The dialect of the mail merge (csvout.h). */
static const struct csvout_dialect *
notice_dialect(const struct notice_creditor *cred)
{
	return cred->csv.sep != '\0' ? &cred->csv : &csvout_french_excel;
}

/*
 * The columns of the mail merge, in the order of notice_csv_row; the
 * corrections add the last two. Kept for a mail merge, so each is what
 * the letter prints: the address on one line, the amount a number (the
 * letter adds " €"), the account masked.
 */
static const char *const notice_csv_head[] = {"N° de facture", "Famille",
    "Payeur", "Adresse", "Courriel", "Montant (€)", "Date de prélèvement",
    "Compte", "RUM", "Prélèvement", "Remplace l'avis", "Ce qui change"};
#define NOTICE_CSV_COLS 10 /* the notices': the corrections have 12 */

/* "account, date" (the reason of a corrected notice) in French. */
static void
notice_reason_fr(char *buf, size_t size, const char *codes)
{
	snprintf(buf, size, "%s%s%s%s%s",
	    strstr(codes, "account") != NULL ? "compte" : "",
	    strstr(codes, "account") != NULL && strchr(codes, ',') != NULL
	        ? ", "
	        : "",
	    strstr(codes, "date") != NULL ? "date" : "",
	    strstr(codes, "date") != NULL && strstr(codes, "amount") != NULL
	        ? ", "
	        : "",
	    strstr(codes, "amount") != NULL ? "montant" : "");
}

/*
 * The line of a stored notice: what it states (amount, date, account,
 * mandate) as stored, the family's name and address as they are now, as
 * the PDF notices do (docs/design/family-documents.md).
 */
static void
notice_csv_row(struct csvout *w, const struct notice_row *n)
{
	char addr[512], mask[SEPA_IBAN_MASK_BUFSZ], why[64];

	snprintf(addr, sizeof(addr), "%s%s%s, %s %s", n->building,
	    n->building[0] != '\0' ? " " : "", n->street, n->postcode, n->town);
	csvout_text(w, n->number);
	csvout_text(w, n->family_ref);
	csvout_text(w, n->payer);
	csvout_text(w, addr);
	csvout_text(w, n->email);
	csvout_cents(w, n->version == 0 ? n->total_cents : n->amount_cents);
	csvout_date(w, n->due_on);
	csvout_text(w, n->iban[0] != '\0' ? sepa_iban_mask(mask, n->iban) : "");
	csvout_text(w, n->iban[0] != '\0' ? n->rum : "");
	csvout_bool(w, n->iban[0] != '\0' && n->amount_cents > 0);
	if (n->version > 0) {
		notice_reason_fr(why, sizeof(why), n->reason);
		csvout_text(w, n->first_file);
		csvout_text(w, why);
	}
	csvout_end(w);
}

/* Text written into memory by `put`: *out (free it), or an error. */
static int
notice_in_memory(char **out,
    int (*put)(FILE *fp, const void *a, const void *b, sepa_error *err),
    const void *a, const void *b, sepa_error *err)
{
	size_t len = 0;
	FILE *fp = open_memstream(out, &len);
	int rc;

	if (fp == NULL)
		fatal("open_memstream");
	rc = put(fp, a, b, err);
	if (fclose(fp) != 0 && rc == 0)
		rc = sepa_error_set(err, SEPA_EIO, "could not write a notice");
	return rc;
}

static int
notice_put_text(FILE *fp, const void *cred, const void *doc, sepa_error *err)
{
	return notice_write(fp, cred, doc, err);
}

/* Stage a notice written now: its text and what it states. */
static int
notice_stage(
    struct notice_ctx *ctx, struct notice_row *n, char *text, sepa_error *err)
{
	char sha[SEPA_SHA256_HEX_BUFSZ];
	int rc;

	if ((rc = sepa_sha256_buf(text, strlen(text), sha, err)) == 0) {
		n->content = text;
		n->sha256 = sha;
		rc = store_notice_stage(ctx->stage, n, err);
	}
	free(text);
	return rc;
}

/* A notice not written before: rendered, and staged to be stored. */
static int
notice_render(const struct invoice_doc *doc, void *arg, sepa_error *err)
{
	struct notice_ctx *ctx = arg;
	char *text = NULL, name[64];
	struct notice_row n = {.invoice_id = doc->id,
	    .file_name = name,
	    .amount_cents = doc->total_cents - doc->paid_cents,
	    .due_on = doc->due_on,
	    .iban = doc->has_mandate ? doc->iban : "",
	    .rum = doc->has_mandate ? doc->rum : "",
	    .reason = ""};

	/* Invoice numbers are ours ("F2026-09-000123"), never a path. */
	if (!afile_name_safe(doc->number, 40))
		return sepa_error_set(err, SEPA_EINVAL,
		    "invoice number \"%s\" cannot be a file name", doc->number);
	snprintf(name, sizeof(name), "%s.txt", doc->number);
	if (notice_in_memory(&text, notice_put_text, ctx->cred, doc, err) !=
	    0) {
		free(text);
		return err->code != 0 ? err->code : SEPA_EIO;
	}
	return notice_stage(ctx, &n, text, err);
}

/* The corrections CSV, opened with its header at the first one. */
static int
notice_fix_open(struct notice_ctx *ctx, sepa_error *err)
{
	int rc;

	if (ctx->fix.fp != NULL)
		return 0;
	if ((rc = afile_open(&ctx->fix, ctx->fixpath, AFILE_MODE, err)) != 0)
		return rc;
	csvout_begin(&ctx->fixcsv, ctx->fix.fp, notice_dialect(ctx->cred),
	    notice_csv_head,
	    sizeof(notice_csv_head) / sizeof(notice_csv_head[0]));
	return 0;
}

/* A stored notice into the month's directory and its CSV. */
static int
notice_put(const struct notice_row *n, void *arg, sepa_error *err)
{
	struct notice_ctx *ctx = arg;
	char *path = NULL;
	FILE *fp = NULL;
	int rc = 0, fd = -1;

	xasprintf(&path, "%s/%s", ctx->dir, n->file_name);
	/* a name, an address, an amount: AFILE_MODE whatever the umask */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	         AFILE_MODE)) < 0 ||
	    fchmod(fd, AFILE_MODE) != 0 || (fp = fdopen(fd, "w")) == NULL) {
		rc = sepa_error_set(err, SEPA_EIO, "could not create %s: %s",
		    path, strerror(errno));
		if (fd >= 0)
			close(fd);
	} else if (fputs(n->content, fp) == EOF || fclose(fp) != 0) {
		rc = sepa_error_set(err, SEPA_EIO, "could not write %s: %s",
		    path, strerror(errno));
	}
	free(path);
	if (rc != 0)
		return rc;
	if (n->version > 0) {
		if ((rc = notice_fix_open(ctx, err)) != 0)
			return rc;
		notice_csv_row(&ctx->fixcsv, n);
		ctx->corrected++;
		return 0;
	}
	notice_csv_row(&ctx->csv, n);
	ctx->count++;
	return 0;
}

/* Render the notices not written yet and store them. */
static int
notice_store_new(struct db *db, int64_t creditor_id, struct notice_ctx *ctx,
    sepa_month month, sepa_date today, sepa_error *err)
{
	int64_t added;
	int rc;

	if ((ctx->stage = tmpfile()) == NULL)
		return sepa_error_set(err, SEPA_EIO,
		    "could not create a temporary file: %s", strerror(errno));
	rc = store_invoice_each(
	    db, creditor_id, month, true, notice_render, ctx, err);
	if (rc == 0)
		rc = store_notice_add(
		    db, creditor_id, today, ctx->stage, &added, err);
	fclose(ctx->stage);
	ctx->stage = NULL;
	return rc;
}

/* Sync the new directory, then put it in place of the old one. */
static int
notice_swap(const char *base, const char *tmp, const char *final,
    const char *old, sepa_error *err)
{
	int fd;

	if ((fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    syncfs(fd) != 0) {
		if (fd >= 0)
			close(fd);
		return sepa_error_set(err, SEPA_EIO, "could not sync %s: %s",
		    tmp, strerror(errno));
	}
	close(fd);
	if (rename(final, old) != 0 && errno != ENOENT)
		return sepa_error_set(err, SEPA_EIO,
		    "could not move the previous notices %s aside: %s", final,
		    strerror(errno));
	if (rename(tmp, final) != 0) {
		int e = errno;

		rename(old, final);
		return sepa_error_set(
		    err, SEPA_EIO, "could not rename %s: %s", tmp, strerror(e));
	}
	afile_rmdir(old);
	return afile_sync_dir(base, err);
}

int
notice_write_month(struct db *db, int64_t creditor_id,
    const struct notice_creditor *cred, sepa_month month, const char *outbox,
    sepa_date today, int64_t *count, sepa_error *err)
{
	char m[SEPA_MONTH_BUFSZ];
	char *base = NULL, *tmp = NULL, *final = NULL, *old = NULL,
	     *csvpath = NULL, *fixpath = NULL;
	struct notice_ctx ctx = {.cred = cred};
	struct afile csv = {0};
	int rc;

	*count = 0;
	sepa_month_iso(m, month);
	xasprintf(&base, "%s/notices", outbox);
	xasprintf(&tmp, "%s/.%s.tmp-%ld", base, m, (long)getpid());
	xasprintf(&final, "%s/%s", base, m);
	xasprintf(&old, "%s/.%s.old-%ld", base, m, (long)getpid());
	xasprintf(&csvpath, "%s/notices-%s.csv", base, m);
	xasprintf(&fixpath, "%s/corrections-%s.csv", base, m);
	ctx.fixpath = fixpath;
	if ((rc = notice_store_new(db, creditor_id, &ctx, month, today, err)) !=
	        0 ||
	    (rc = afile_mkdirs(base, err)) != 0)
		goto cleanup;
	afile_rmdir(tmp);
	if (mkdir(tmp, AFILE_DIR_MODE) != 0) {
		rc = sepa_error_set(err, SEPA_EIO,
		    "could not create the directory %s: %s", tmp,
		    strerror(errno));
		goto cleanup;
	}
	if ((rc = afile_open(&csv, csvpath, AFILE_MODE, err)) != 0)
		goto cleanup;
	csvout_begin(&ctx.csv, csv.fp, notice_dialect(cred), notice_csv_head,
	    NOTICE_CSV_COLS);
	ctx.dir = tmp;
	if ((rc = store_notice_each(
	         db, creditor_id, month, notice_put, &ctx, err)) != 0 ||
	    (rc = notice_swap(base, tmp, final, old, err)) != 0 ||
	    (rc = afile_commit(&csv, err)) != 0 ||
	    (ctx.fix.fp != NULL && (rc = afile_commit(&ctx.fix, err)) != 0))
		goto cleanup;
	*count = ctx.count;
cleanup:
	if (csv.fp != NULL)
		afile_abort(&csv);
	if (ctx.fix.fp != NULL)
		afile_abort(&ctx.fix);
	if (rc != 0)
		afile_rmdir(tmp);
	free(base);
	free(tmp);
	free(final);
	free(old);
	free(csvpath);
	free(fixpath);
	return rc;
}

/* ------------------------------------------------- corrected notices */

/* What changed, in French, for the notice; and as codes, for the row. */
static void
notice_changes(const struct notice_change *c, char *fr, size_t frsz,
    char *codes, size_t csz)
{
	int iban = strcmp(c->old_iban, c->new_iban) != 0;
	int due = sepa_date_cmp(c->old_due, c->new_due) != 0;
	int amount = c->old_amount != c->new_amount;

	snprintf(fr, frsz, "%s%s%s%s%s", iban ? "le compte débité" : "",
	    iban && (due || amount) ? ", " : "",
	    due ? "la date du prélèvement" : "", due && amount ? ", " : "",
	    amount ? "le montant" : "");
	snprintf(codes, csz, "%s%s%s%s%s", iban ? "account" : "",
	    iban && (due || amount) ? ", " : "", due ? "date" : "",
	    due && amount ? ", " : "", amount ? "amount" : "");
}

/* The corrected notice (avis rectificatif) of a change. */
static int
notice_put_correction(FILE *fp, const void *cr, const void *ch, sepa_error *err)
{
	const struct notice_creditor *cred = cr;
	const struct notice_change *c = ch;
	char d1[SEPA_DATE_BUFSZ], d2[SEPA_DATE_BUFSZ], mo[32], what[160],
	    codes[64], mask[SEPA_IBAN_MASK_BUFSZ];
	struct invoice_doc doc = {.payer = c->payer,
	    .street = c->street,
	    .building = c->building,
	    .postcode = c->postcode,
	    .town = c->town,
	    .country = c->country};

	notice_changes(c, what, sizeof(what), codes, sizeof(codes));
	notice_addresses(fp, cred, &doc);
	notice_month_fr(mo, sizeof(mo), c->month);
	fprintf(fp,
	    "\nAVIS D'ÉCHÉANCE RECTIFICATIF\n"
	    "Facture n° %s du %s\n"
	    "Famille : %s\n"
	    "Consommations %s%s\n\n",
	    c->number, sepa_date_fr(d1, c->issued_on), c->family_ref,
	    strchr("ao", mo[0]) != NULL ? "d'" : "de ", mo);
	fprintf(fp,
	    "Cet avis remplace l'avis d'échéance %s du %s : %s %s changé.\n\n",
	    c->first_file, sepa_date_fr(d2, c->first_written), what,
	    strchr(what, ',') != NULL ? "ont" : "a");
	notice_amount_row(fp, "Montant", 1, c->new_amount);
	fprintf(fp,
	    "\nCe montant sera prélevé le %s sur le compte %s\n"
	    "Référence unique de mandat (RUM) : %s\n"
	    "Identifiant créancier SEPA (ICS) : %s\n",
	    sepa_date_fr(d1, c->new_due), sepa_iban_mask(mask, c->new_iban),
	    c->rum, cred->ics);
	if (ferror(fp))
		return sepa_error_set(err, SEPA_EIO,
		    "could not write the corrected notice of invoice %s",
		    c->number);
	return 0;
}

/* A corrected notice rendered and staged; its billed month noted. */
static int
notice_render_correction(
    const struct notice_change *c, void *arg, sepa_error *err)
{
	struct notice_ctx *ctx = arg;
	char *text = NULL, name[80], what[160], codes[64];
	struct notice_row n = {.invoice_id = c->invoice_id,
	    .version = c->version,
	    .file_name = name,
	    .amount_cents = c->new_amount,
	    .due_on = c->new_due,
	    .iban = c->new_iban,
	    .rum = c->rum,
	    .reason = codes};
	size_t i;

	if (!afile_name_safe(c->number, 40))
		return sepa_error_set(err, SEPA_EINVAL,
		    "invoice number \"%s\" cannot be a file name", c->number);
	notice_changes(c, what, sizeof(what), codes, sizeof(codes));
	snprintf(name, sizeof(name), "%s-R%d.txt", c->number, c->version);
	for (i = 0; i < ctx->nmonths; i++)
		if (sepa_month_cmp(ctx->months[i], c->month) == 0)
			break;
	if (i == ctx->nmonths &&
	    ctx->nmonths < sizeof(ctx->months) / sizeof(ctx->months[0]))
		ctx->months[ctx->nmonths++] = c->month;
	if (notice_in_memory(&text, notice_put_correction, ctx->cred, c, err) !=
	    0) {
		free(text);
		return err->code != 0 ? err->code : SEPA_EIO;
	}
	ctx->corrected++;
	return notice_stage(ctx, &n, text, err);
}

int
notice_correct_month(struct db *db, int64_t creditor_id,
    const struct notice_creditor *cred, sepa_month month, const char *outbox,
    sepa_date today, int64_t *count, sepa_month billed[NOTICE_MONTHS_MAX],
    size_t *nbilled, sepa_error *err)
{
	struct notice_ctx ctx = {.cred = cred};
	int64_t added = 0, written;
	int rc;

	*count = 0;
	*nbilled = 0;
	if ((ctx.stage = tmpfile()) == NULL)
		return sepa_error_set(err, SEPA_EIO,
		    "could not create a temporary file: %s", strerror(errno));
	rc = store_notice_changes(
	    db, creditor_id, month, notice_render_correction, &ctx, err);
	if (rc == 0 && ctx.corrected > 0)
		rc = store_notice_add(
		    db, creditor_id, today, ctx.stage, &added, err);
	fclose(ctx.stage);
	for (size_t i = 0; rc == 0 && added > 0 && i < ctx.nmonths; i++)
		rc = notice_write_month(db, creditor_id, cred, ctx.months[i],
		    outbox, today, &written, err);
	if (rc == 0 && added > 0) {
		*count = added;
		*nbilled = ctx.nmonths;
		memcpy(billed, ctx.months, ctx.nmonths * sizeof(*billed));
	}
	return rc;
}
