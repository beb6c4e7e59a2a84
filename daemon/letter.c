/*
 * letter.c - the courrier de rejet: for each reject, return or refund of
 * a collection, a PDF letter to the family saying what was not paid and
 * why (lib/reasons.c's French label), what happens next (a reminder on
 * the next invoice, recovery by the treasury, the mandate suspended or
 * ended) and what the family can do. Written after the import commits,
 * from the stored rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/iban.h"
#include "sepa/reasons.h"
#include "afile.h"
#include "doc.h"
#include "letter.h"
#include "log.h"
#include "store_letter.h"

/* The letter's texts, in one place (for gettext later). */
#define LT_TITLE DOC_FR("Prélèvement impayé")
#define LT_DOC_TITLE DOC_FR("Prélèvement impayé %s")
#define LT_PLACE_DATE DOC_FR("%s, le %s")
#define LT_OBJECT DOC_FR("Objet : prélèvement impayé, facture n° %s")
#define LT_REFS DOC_FR("Référence du prélèvement : %s · RUM : %s")
#define LT_DEAR DOC_FR("Madame, Monsieur,")
#define LT_REJECTED \
	DOC_FR( \
	    "Le prélèvement de %s présenté le %s sur votre compte %s pour la " \
	    "facture n° %s (consommations de %s) n'a pas pu être effectué : " \
	    "votre banque l'a rejeté.")
#define LT_RETURNED \
	DOC_FR( \
	    "Le prélèvement de %s présenté le %s sur votre compte %s pour la " \
	    "facture n° %s (consommations de %s) nous a été retourné impayé " \
	    "par votre banque.")
#define LT_REFUNDED \
	DOC_FR( \
	    "Le prélèvement de %s du %s sur votre compte %s pour la facture " \
	    "n° %s (consommations de %s) vous a été remboursé par votre banque " \
	    "à votre demande : cette somme reste donc due.")
#define LT_REASON DOC_FR("Motif donné par votre banque : %s (code %s).")
#define LT_REASON_BANK \
	DOC_FR("Motif donné par votre banque : code %s, propre à votre banque.")
#define LT_REASON_NONE DOC_FR("Votre banque n'a pas donné de motif.")
#define LT_NEXT DOC_FR("Ce qui va se passer")
#define LT_REMIND \
	DOC_FR( \
	    "La somme de %s figurera en rappel sur votre prochaine facture%s. " \
	    "À défaut de paiement après ce rappel, elle sera transmise au " \
	    "Trésor public pour recouvrement (article 6 du contrat).")
#define LT_REMIND_DEBIT DOC_FR(" et sera prélevée avec elle")
#define LT_REMIND_OTHER DOC_FR(", à régler par un autre moyen")
#define LT_REMINDED \
	DOC_FR( \
	    "Cette facture portait aussi le rappel de factures précédentes " \
	    "(%s) : restées impayées après ce rappel, elles sont transmises " \
	    "au Trésor public pour recouvrement (article 6 du contrat).")
#define LT_RECOVERY \
	DOC_FR("La facture n° %s est transmise au Trésor public pour " \
	       "recouvrement : vous recevrez un avis des finances publiques.")
#define LT_TERMINATED \
	DOC_FR( \
	    "C'est le %d%s prélèvement impayé de l'année scolaire %d-%d : " \
	    "conformément à l'article 7 du contrat, votre contrat de " \
	    "prélèvement automatique prend fin. Vos prochaines factures " \
	    "seront à régler par un autre moyen ; vous pourrez demander un " \
	    "nouveau mandat de prélèvement à partir de l'année scolaire " \
	    "suivante.")
#define LT_SUSPENDED \
	DOC_FR( \
	    "Votre banque indique que ce compte ne peut plus être prélevé : " \
	    "le prélèvement automatique est suspendu jusqu'à ce que vous nous " \
	    "remettiez de nouvelles coordonnées bancaires.")
#define LT_COUNTED \
	DOC_FR( \
	    "Ce prélèvement impayé compte pour l'année scolaire %d-%d : au " \
	    "bout de %d prélèvements impayés dans la même année scolaire, " \
	    "le contrat de " \
	    "prélèvement automatique prend fin (article 7 du contrat).")
#define LT_NOT_COUNTED \
	DOC_FR( \
	    "Ce rejet est dû à une erreur de notre part : il ne compte pas " \
	    "parmi les prélèvements impayés de l'article 7 du contrat. Nous " \
	    "vous prions de nous en excuser.")
#define LT_DO DOC_FR("Ce que vous pouvez faire")
#define LT_DO_BANK \
	DOC_FR( \
	    "•  vérifier auprès de votre banque la raison de l'impayé ; si " \
	    "votre compte a changé, nous remettre un nouveau mandat de " \
	    "prélèvement avec votre relevé d'identité bancaire (article 3 du " \
	    "contrat) ;")
#define LT_DO_PAY \
	DOC_FR( \
	    "•  régler dès maintenant %s par un autre moyen, en rappelant le " \
	    "numéro de facture %s : à la Trésorerie, par chèque à l'ordre du " \
	    "Trésor public adressé à %s, ou en ligne sur www.payfip.gouv.fr ;")
#define LT_DO_ASK \
	DOC_FR( \
	    "•  pour toute question ou difficulté de paiement, nous contacter " \
	    "(coordonnées ci-dessus).")
#define LT_BYE \
	DOC_FR("Nous vous prions d'agréer, Madame, Monsieur, nos salutations " \
	       "distinguées.")
#define LT_SIGN DOC_FR("Pour le Maire,")

/* One letter being laid out. */
struct lt {
	struct doc *d;
	cairo_t *cr;
	double y;
};

static void
lt_par(struct lt *l, enum doc_style st, const char *s)
{
	l->y += doc_text(
	    l->d, l->cr, DOC_MARGIN, l->y, DOC_TEXT_W, st, DOC_LEFT, s);
	l->y += 6;
}

/* What was not paid, and the bank's reason. */
static void
lt_what(struct lt *l, const struct reject_doc *r)
{
	char am[DOC_MONEY_BUFSZ], due[SEPA_DATE_BUFSZ], mo[32], text[1024],
	    mask[SEPA_IBAN_MASK_BUFSZ];
	const sepa_reason *why =
	    r->reason_proprietary ? NULL : sepa_reason_find(r->reason_code);

	doc_money(am, r->amount_cents);
	sepa_date_fr(due, r->due_on);
	sepa_iban_mask(mask, r->iban);
	doc_month_fr(mo, sizeof(mo), r->month);
	if (strcmp(r->new_state, "refunded") == 0)
		snprintf(text, sizeof(text), LT_REFUNDED, am, due, mask,
		    r->invoice_number, mo);
	else if (strcmp(r->new_state, "returned") == 0)
		snprintf(text, sizeof(text), LT_RETURNED, am, due, mask,
		    r->invoice_number, mo);
	else
		snprintf(text, sizeof(text), LT_REJECTED, am, due, mask,
		    r->invoice_number, mo);
	lt_par(l, DOC_NORMAL, text);
	if (why != NULL)
		snprintf(text, sizeof(text), LT_REASON,
		    sepa_reason_label_fr(why, SEPA_REASON_DIRECT_DEBIT),
		    r->reason_code);
	else if (r->reason_code[0] != '\0')
		snprintf(text, sizeof(text), LT_REASON_BANK, r->reason_code);
	else
		snprintf(text, sizeof(text), "%s", LT_REASON_NONE);
	lt_par(l, DOC_BOLD, text);
}

/* What happens to the debt and to the mandate. */
static void
lt_next(
    struct lt *l, const struct reject_doc *r, const struct letter_policy *pol)
{
	char am[DOC_MONEY_BUFSZ], text[1024];
	int64_t own = r->amount_cents - r->reminded_cents;
	bool usable = !r->terminated && !r->suspended;

	l->y += 4;
	lt_par(l, DOC_HEAD, LT_NEXT);
	if (!pol->represent) {
		snprintf(text, sizeof(text), LT_RECOVERY, r->invoice_number);
		lt_par(l, DOC_NORMAL, text);
	} else if (own > 0) {
		snprintf(text, sizeof(text), LT_REMIND, doc_money(am, own),
		    usable ? LT_REMIND_DEBIT : LT_REMIND_OTHER);
		lt_par(l, DOC_NORMAL, text);
	}
	if (pol->represent && r->reminded_cents > 0) {
		snprintf(text, sizeof(text), LT_REMINDED,
		    doc_money(am, r->reminded_cents));
		lt_par(l, DOC_NORMAL, text);
	}
	if (r->terminated)
		snprintf(text, sizeof(text), LT_TERMINATED, r->rejects,
		    r->rejects == 1 ? "er" : "e", r->school_year,
		    r->school_year + 1);
	else if (r->suspended)
		snprintf(text, sizeof(text), "%s", LT_SUSPENDED);
	else if (r->counted)
		snprintf(text, sizeof(text), LT_COUNTED, r->school_year,
		    r->school_year + 1, pol->max_rejects);
	else
		snprintf(text, sizeof(text), "%s", LT_NOT_COUNTED);
	lt_par(l, DOC_NORMAL, text);
}

/* What the family can do, and the closing. */
static void
lt_do(struct lt *l, const struct reject_doc *r)
{
	const struct doc_sender *s = doc_sender(l->d);
	char am[DOC_MONEY_BUFSZ], text[1024], to[384];

	l->y += 4;
	lt_par(l, DOC_HEAD, LT_DO);
	lt_par(l, DOC_NORMAL, LT_DO_BANK);
	snprintf(to, sizeof(to), "%s, %s%s%s, %s %s", s->name, s->building,
	    s->building[0] != '\0' ? " " : "", s->street, s->postcode, s->town);
	snprintf(text, sizeof(text), LT_DO_PAY,
	    doc_money(am,
	        r->amount_cents - r->reminded_cents > 0
	            ? r->amount_cents - r->reminded_cents
	            : r->amount_cents),
	    r->invoice_number, to);
	lt_par(l, DOC_NORMAL, text);
	lt_par(l, DOC_NORMAL, LT_DO_ASK);
	l->y += 6;
	lt_par(l, DOC_NORMAL, LT_BYE);
	l->y += 10;
	doc_text(l->d, l->cr, DOC_MARGIN + DOC_TEXT_W / 2, l->y, 0, DOC_NORMAL,
	    DOC_LEFT, LT_SIGN);
	l->y += 12;
	doc_text(l->d, l->cr, DOC_MARGIN + DOC_TEXT_W / 2, l->y, DOC_TEXT_W / 2,
	    DOC_NORMAL, DOC_LEFT,
	    s->department[0] != '\0' ? s->department : s->name);
}

void
letter_reject_draw(struct doc *d, cairo_t *cr, const struct reject_doc *r,
    const struct letter_policy *pol)
{
	const struct doc_sender *s = doc_sender(d);
	struct lt l = {d, cr, 0};
	const char *addr[5];
	char abuf[512], text[512], date[SEPA_DATE_BUFSZ];
	size_t n;

	n = doc_address(addr, abuf, sizeof(abuf), r->payer, r->building,
	    r->street, r->postcode, r->town, r->country);
	l.y = doc_letterhead(d, cr, addr, n);
	snprintf(text, sizeof(text), LT_PLACE_DATE, s->town,
	    sepa_date_fr(date, r->applied_on));
	l.y += doc_text(
	    d, cr, DOC_MARGIN, l.y, DOC_TEXT_W, DOC_NORMAL, DOC_RIGHT, text);
	l.y += 8;
	l.y +=
	    doc_text(d, cr, DOC_MARGIN, l.y, 0, DOC_TITLE, DOC_LEFT, LT_TITLE);
	l.y += 4;
	snprintf(text, sizeof(text), LT_OBJECT, r->invoice_number);
	l.y += doc_text(d, cr, DOC_MARGIN, l.y, 0, DOC_BOLD, DOC_LEFT, text);
	snprintf(text, sizeof(text), LT_REFS, r->end_to_end_id, r->rum);
	l.y += doc_text(d, cr, DOC_MARGIN, l.y, 0, DOC_SMALL, DOC_LEFT, text);
	l.y += 14;
	lt_par(&l, DOC_NORMAL, LT_DEAR);
	lt_what(&l, r);
	lt_next(&l, r, pol);
	lt_do(&l, r);
	doc_legal(d, cr);
	cairo_show_page(cr);
}

/* ------------------------------------------------------ a file's letters */

struct lt_file {
	struct doc *d;
	const struct letter_policy *pol;
	const char *outbox;
	char *dir;
	int64_t count;
};

static int
lt_one(const struct reject_doc *r, void *arg, sepa_error *err)
{
	struct lt_file *f = arg;
	struct afile af;
	struct doc_pdf pdf;
	char *path = NULL, title[96];
	int rc;

	/* End-to-end ids are ours ("F2026-09-000123-1"), never a path. */
	if (!afile_name_safe(r->end_to_end_id, 0))
		return sepa_error_set(err, SEPA_EINVAL,
		    "end-to-end id \"%s\" cannot be a file name",
		    r->end_to_end_id);
	free(f->dir);
	xasprintf(&f->dir, "%s/letters/%04d-%02d", f->outbox,
	    r->applied_on.year, r->applied_on.month);
	xasprintf(&path, "%s/REJET-%s.pdf", f->dir, r->end_to_end_id);
	snprintf(title, sizeof(title), LT_DOC_TITLE, r->end_to_end_id);
	if ((rc = afile_mkdirs(f->dir, err)) != 0 ||
	    (rc = afile_open(&af, path, AFILE_MODE, err)) != 0)
		goto cleanup;
	if ((rc = doc_pdf_open(&pdf, af.fp, title, r->applied_on, err)) == 0) {
		letter_reject_draw(f->d, pdf.cr, r, f->pol);
		rc = doc_pdf_close(&pdf, err);
	}
	if (rc == 0)
		rc = afile_commit(&af, err);
	else
		afile_abort(&af);
	if (rc == 0)
		f->count++;
cleanup:
	free(path);
	return rc;
}

int
letter_write_file(struct db *db, int64_t creditor_id, int64_t file_id,
    const struct doc_sender *sender, const struct letter_policy *pol,
    const char *outbox, int64_t *count, char **dir, sepa_error *err)
{
	struct lt_file f = {NULL, pol, outbox, NULL, 0};
	int rc;

	*count = 0;
	*dir = NULL;
	if ((rc = doc_new(&f.d, sender, err)) == 0)
		rc = store_letter_each(
		    db, creditor_id, file_id, lt_one, &f, err);
	doc_free(f.d);
	*count = f.count;
	if (rc == 0)
		*dir = f.dir;
	else
		free(f.dir);
	return rc;
}
