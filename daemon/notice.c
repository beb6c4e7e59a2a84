/*
 * notice.c - the pre-notifications (avis d'échéance): one plain-text
 * UTF-8 notice per invoice, in French, and a CSV of them all for mail
 * merge. Amounts via sepa_money_fr, accounts masked via sepa_iban_mask:
 * a notice never shows a full IBAN.
 */
#define _GNU_SOURCE /* syncfs */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/money.h"
#include "afile.h"
#include "csvout.h"
#include "log.h"
#include "notice.h"
#include "store_invoice.h"

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
		if (k == INVOICE_LINE_REMINDER) {
			char text[160];

			notice_month_fr(mo, sizeof(mo), l->reminded_month);
			snprintf(text, sizeof(text),
			    "Facture %s (%s) restée impayée",
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

struct notice_ctx {
	const struct notice_creditor *cred;
	const char *dir; /* the temporary directory */
	FILE *csv;
	int64_t count;
};

/* A field of the mail-merge CSV (';'-separated, LF line ends). */
static void
notice_csv_field(FILE *fp, const char *s, int last)
{
	csvout_field_sep(fp, s, ';', "\n", last != 0);
}

static int
notice_one(const struct invoice_doc *doc, void *arg, sepa_error *err)
{
	struct notice_ctx *ctx = arg;
	char *path = NULL, addr[512], am[SEPA_MONEY_BUFSZ], d[SEPA_DATE_BUFSZ],
	     mask[SEPA_IBAN_MASK_BUFSZ];
	FILE *fp = NULL;
	int rc = 0, fd = -1;

	/* Invoice numbers are ours ("F2026-09-000123"), never a path. */
	if (strchr(doc->number, '/') != NULL || doc->number[0] == '.')
		return sepa_error_set(err, SEPA_EINVAL,
		    "invoice number \"%s\" cannot be a file name", doc->number);
	xasprintf(&path, "%s/%s.txt", ctx->dir, doc->number);
	/* a name, an address, an amount: AFILE_MODE whatever the umask */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	         AFILE_MODE)) < 0 ||
	    fchmod(fd, AFILE_MODE) != 0 || (fp = fdopen(fd, "w")) == NULL) {
		rc = sepa_error_set(err, SEPA_EIO, "could not create %s: %s",
		    path, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto cleanup;
	}
	if ((rc = notice_write(fp, ctx->cred, doc, err)) != 0)
		goto cleanup;
	if (fclose(fp) != 0) {
		fp = NULL;
		rc = sepa_error_set(err, SEPA_EIO, "could not write %s: %s",
		    path, strerror(errno));
		goto cleanup;
	}
	fp = NULL;
	snprintf(addr, sizeof(addr), "%s%s%s, %s %s", doc->building,
	    doc->building[0] != '\0' ? " " : "", doc->street, doc->postcode,
	    doc->town);
	notice_csv_field(ctx->csv, doc->number, 0);
	notice_csv_field(ctx->csv, doc->family_ref, 0);
	notice_csv_field(ctx->csv, doc->payer, 0);
	notice_csv_field(ctx->csv, addr, 0);
	notice_csv_field(ctx->csv, doc->email, 0);
	csvout_number_sep(
	    ctx->csv, sepa_money_fr(am, doc->total_cents), ';', "\n", false);
	notice_csv_field(ctx->csv, sepa_date_fr(d, doc->due_on), 0);
	notice_csv_field(ctx->csv,
	    doc->has_mandate ? sepa_iban_mask(mask, doc->iban) : "", 0);
	notice_csv_field(ctx->csv, doc->has_mandate ? doc->rum : "", 0);
	notice_csv_field(ctx->csv,
	    doc->has_mandate && doc->total_cents - doc->paid_cents > 0 ? "yes"
	                                                               : "no",
	    1);
	ctx->count++;
cleanup:
	if (fp != NULL)
		fclose(fp);
	free(path);
	return rc;
}

/* Remove a directory of plain files (ours: the notices of a month). */
static void
notice_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *p;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		xasprintf(&p, "%s/%s", dir, e->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

int
notice_write_month(struct db *db, int64_t creditor_id,
    const struct notice_creditor *cred, sepa_month month, const char *outbox,
    int64_t *count, sepa_error *err)
{
	char m[SEPA_MONTH_BUFSZ];
	char *base = NULL, *tmp = NULL, *final = NULL, *old = NULL,
	     *csvpath = NULL;
	struct notice_ctx ctx = {cred, NULL, NULL, 0};
	struct afile csv = {0};
	int rc, fd;

	*count = 0;
	sepa_month_iso(m, month);
	xasprintf(&base, "%s/notices", outbox);
	xasprintf(&tmp, "%s/.%s.tmp-%ld", base, m, (long)getpid());
	xasprintf(&final, "%s/%s", base, m);
	xasprintf(&old, "%s/.%s.old-%ld", base, m, (long)getpid());
	xasprintf(&csvpath, "%s/notices-%s.csv", base, m);
	if ((rc = afile_mkdirs(base, err)) != 0)
		goto cleanup;
	notice_rmdir(tmp);
	if (mkdir(tmp, AFILE_DIR_MODE) != 0) {
		rc = sepa_error_set(err, SEPA_EIO,
		    "could not create the directory %s: %s", tmp,
		    strerror(errno));
		goto cleanup;
	}
	if ((rc = afile_open(&csv, csvpath, AFILE_MODE, err)) != 0)
		goto cleanup;
	fputs("number;family_ref;payer;address;email;total;due_date;iban;rum;"
	      "direct_debit\n",
	    csv.fp);
	ctx.dir = tmp;
	ctx.csv = csv.fp;
	if ((rc = store_invoice_each(
	         db, creditor_id, month, notice_one, &ctx, err)) != 0)
		goto cleanup;
	/* One sync for the whole set, then swap it in. */
	if ((fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    syncfs(fd) != 0) {
		rc = sepa_error_set(err, SEPA_EIO, "could not sync %s: %s", tmp,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		goto cleanup;
	}
	close(fd);
	if (rename(final, old) != 0 && errno != ENOENT) {
		rc = sepa_error_set(err, SEPA_EIO,
		    "could not move the previous notices %s aside: %s", final,
		    strerror(errno));
		goto cleanup;
	}
	if (rename(tmp, final) != 0) {
		rc = sepa_error_set(err, SEPA_EIO, "could not rename %s: %s",
		    tmp, strerror(errno));
		rename(old, final);
		goto cleanup;
	}
	notice_rmdir(old);
	if ((rc = afile_sync_dir(base, err)) != 0)
		goto cleanup;
	if ((rc = afile_commit(&csv, err)) != 0)
		goto cleanup;
	*count = ctx.count;
cleanup:
	if (csv.fp != NULL)
		afile_abort(&csv);
	if (rc != 0)
		notice_rmdir(tmp);
	free(base);
	free(tmp);
	free(final);
	free(old);
	free(csvpath);
	return rc;
}
