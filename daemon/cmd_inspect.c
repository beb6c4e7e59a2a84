/*
 * cmd_inspect.c - `sepactl inspect FILE...`: what a bank file, a PES_Aller
 * flow (ours or another's) or a PES_ACQUIT says, as CSV for people
 * (csvout.h) on stdout, without the database; for a PES file, a summary
 * on stderr. The files of one call are of one kind (each has its
 * columns). A file that cannot be read gets
 * its reason on stderr (the records it gave before failing are not
 * printed: they belong to a refused file); the others are still printed,
 * and the exit status is then 1. The records of a file wait in an
 * unlinked temporary file (in $TMPDIR, else /tmp) until the file is known
 * to be good, so memory stays flat whatever the size of the bank file.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sepa/bankfile.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/money.h"
#include "sepa/pes.h"
#include "sepa/reasons.h"
#include "afile.h"
#include "commands.h"
#include "csvout.h"
#include "ctl.h"
#include "log.h"

/* Records of one file, kept until the file is known to be good. */
struct inspect_buf {
	FILE *spool;
	struct csvout w; /* on spool */
	const char *name;
	sepa_bankfile_info *info; /* filled as a bank file is read */
	int error; /* errno of the first failed write to the spool */
	/* PES: pieces or acknowledgement records, and what they hold */
	size_t count, debits, keys_bad, errors, refused;
	int64_t total; /* cents */
};

/* What the files given are: each kind has its columns. */
enum { INSPECT_BANK = 0, INSPECT_ALLER = 1, INSPECT_ACQUIT = 2 };

/* An anonymous temporary file in $TMPDIR, else /tmp. */
static FILE *
inspect_spool(void)
{
	const char *dir = getenv("TMPDIR");

	return afile_scratch(
	    dir != NULL && dir[0] != '\0' ? dir : "/tmp", "sepactl-inspect");
}

/* Copy the spooled records to stdout; 0, or -1 with errno set. */
static int
inspect_flush(FILE *spool)
{
	char buf[65536];
	size_t n;

	if (fflush(spool) != 0 || fseek(spool, 0, SEEK_SET) != 0)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), spool)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			return -1;
	return ferror(spool) ? -1 : 0;
}

/* "crédit", "débit", or "" (a pain.002 says neither). */
static const char *
inspect_direction(enum sepa_bankfile_cdi cdi)
{
	switch (cdi) {
	case SEPA_BANKFILE_CDI_CREDIT:
		return "crédit";
	case SEPA_BANKFILE_CDI_DEBIT:
		return "débit";
	case SEPA_BANKFILE_CDI_NONE:
		break;
	}
	return "";
}

/* A spooled row written: 0, or SEPA_EIO with the errno kept. */
static int
inspect_row_done(struct inspect_buf *b)
{
	csvout_end(&b->w);
	if (ferror(b->spool)) {
		b->error = errno != 0 ? errno : EIO;
		return SEPA_EIO;
	}
	return 0;
}

/* A field read from the bank's file: its IBANs masked (iban.h). */
static void
inspect_text(struct csvout *w, const char *s)
{
	char buf[SEPA_BANKFILE_TEXT_BUFSZ];

	snprintf(buf, sizeof(buf), "%s", s);
	csvout_text(w, sepa_iban_mask_text(buf));
}

/* The columns of a bank file's records, in the order of inspect_record. */
static const char *const inspect_bank_head[] = {"Fichier", "Type", "Niveau",
    "Statut", "Message d'origine", "Lot d'origine", "EndToEndId", "RUM",
    "Montant (€)", "Code motif", "Date de comptabilisation", "Motif", "Devise",
    "Sens", "Contrepassation", "Somme de contrôle (€)", "Compte",
    "Information"};

/*
 * One CSV row; the columns are those of the header in cmd_inspect and
 * sepactl(1). The amount of a group or block row is the control sum of
 * what it stands for (OrgnlCtrlSum, Btch/TtlAmt): it goes to its own
 * column. IBANs are masked: the account, and any in the text the bank
 * wrote (free text, references).
 */
static int
inspect_record(const sepa_bankfile_record *rec, void *arg)
{
	struct inspect_buf *b = arg;
	struct csvout *w = &b->w;
	char account[SEPA_IBAN_MASK_BUFSZ];
	int tx = rec->level == SEPA_BANKFILE_TRANSACTION;
	int camt = b->info->type != SEPA_BANKFILE_PAIN002;
	const sepa_reason *reason = NULL;

	if (rec->reason[0] != '\0' && !rec->reason_proprietary)
		reason = sepa_reason_find(rec->reason);
	csvout_text(w, b->name);
	csvout_text(w, sepa_bankfile_kind_name(rec->kind));
	csvout_text(w, sepa_bankfile_level_name(rec->level));
	inspect_text(w, rec->status);
	inspect_text(w, rec->orig_msg_id);
	inspect_text(w, rec->pmt_inf_id);
	inspect_text(w, rec->end_to_end_id);
	inspect_text(w, rec->mandate_id);
	if (tx && rec->has_amount)
		csvout_cents(w, rec->amount);
	else
		csvout_text(w, "");
	inspect_text(w, rec->reason);
	csvout_date(w, rec->booking_date);
	csvout_text(
	    w, reason != NULL ? sepa_reason_label_fr(reason, rec->family) : "");
	inspect_text(w, rec->currency);
	csvout_text(w, inspect_direction(rec->cdi));
	if (camt)
		csvout_bool(w, rec->reversal);
	else
		csvout_text(w, "");
	if (!tx && rec->has_amount)
		csvout_cents(w, rec->amount);
	else
		csvout_text(w, "");
	csvout_text(w,
	    rec->account[0] != '\0' ? sepa_iban_mask(account, rec->account)
	                            : "");
	inspect_text(w, rec->reason_info);
	return inspect_row_done(b);
}

/* ------------------------------------------------------------- PES */

/* The columns of a PES_Aller flow's pieces, in the order of
 * inspect_piece. */
static const char *const inspect_piece_head[] = {"Fichier", "Exercice",
    "Bordereau", "Type de bordereau", "Pièce", "Type de pièce",
    "Nature de pièce", "N° de dette", "Période", "Clé 1", "Clé 2",
    "Clés correctes", "Objet", "Lignes", "Montant (€)", "Réf. tiers",
    "Civilité", "Nom", "Prénom", "Code postal", "Ville", "Prélèvement",
    "Séquence", "RUM", "Compte", "BIC", "Date de prélèvement",
    "Mandat signé le", "Libellé du prélèvement", "Ancienne RUM", "Ancien ICS",
    "Autre banque", "Ancien compte"};

/* The columns of a PES_ACQUIT's records, in the order of inspect_ack. */
static const char *const inspect_ack_head[] = {"Fichier", "Niveau", "Domaine",
    "État", "Exercice", "Bordereau", "Identifiant", "Pièce", "Ligne",
    "Code erreur", "Libellé"};

/* "oui", "non", or "" when unknown (-1). */
static void
inspect_tristate(struct csvout *w, int v)
{
	if (v < 0)
		csvout_text(w, "");
	else
		csvout_bool(w, v != 0);
}

/* One piece of a PES_Aller flow (ours or another's): its IBANs masked. */
static int
inspect_piece(const sepa_pes_record *p, void *arg)
{
	struct inspect_buf *b = arg;
	struct csvout *w = &b->w;

	b->count++;
	b->debits += p->debit != 0;
	b->keys_bad += p->keys_ok == 0;
	if (p->amount >= 0)
		b->total += p->amount;
	csvout_text(w, b->name);
	csvout_text(w, p->exer);
	csvout_text(w, p->id_bord);
	csvout_text(w, p->typ_bord);
	csvout_text(w, p->id_pce);
	csvout_text(w, p->typ_pce);
	csvout_text(w, p->nat_pce);
	csvout_text(w, p->num_dette);
	csvout_text(w, p->per);
	csvout_text(w, p->cle1);
	csvout_text(w, p->cle2);
	inspect_tristate(w, p->keys_ok);
	inspect_text(w, p->obj_pce);
	csvout_int(w, (int64_t)p->nb_lines);
	if (p->amount >= 0)
		csvout_cents(w, p->amount);
	else
		csvout_text(w, "");
	inspect_text(w, p->ref_tiers);
	inspect_text(w, p->civilite);
	inspect_text(w, p->nom);
	inspect_text(w, p->prenom);
	inspect_text(w, p->cp);
	inspect_text(w, p->ville);
	csvout_bool(w, p->debit != 0);
	csvout_text(w, p->sequence);
	inspect_text(w, p->rum);
	csvout_text(w, p->iban_masked);
	inspect_text(w, p->bic);
	csvout_date(w, p->due_date);
	csvout_date(w, p->signature_date);
	inspect_text(w, p->label);
	inspect_text(w, p->old_rum);
	inspect_text(w, p->old_ics);
	if (p->debit)
		csvout_bool(w, p->old_bank != 0);
	else
		csvout_text(w, "");
	csvout_text(w, p->old_iban_masked);
	return inspect_row_done(b);
}

/* One record of a PES_ACQUIT: an error, or an element's state alone. */
static int
inspect_ack(const sepa_pes_ack *a, void *arg)
{
	static const char *const levels[] = {"élément", "pièce", "ligne"};
	struct inspect_buf *b = arg;
	struct csvout *w = &b->w;

	b->count++;
	b->errors += a->code[0] != '\0';
	b->refused += a->etat == 0;
	csvout_text(w, b->name);
	csvout_text(w, (unsigned)a->level < 3 ? levels[a->level] : "");
	if (a->domaine >= 0)
		csvout_int(w, a->domaine);
	else
		csvout_text(w, "");
	csvout_text(w, a->etat == 1 ? "accepté" : a->etat == 0 ? "refusé" : "");
	csvout_text(w, a->exer);
	csvout_text(w, a->num_bord);
	inspect_text(w, a->id_unique);
	csvout_text(w, a->num_piece);
	csvout_text(w, a->num_ligne);
	inspect_text(w, a->code);
	inspect_text(w, a->label);
	return inspect_row_done(b);
}

/* What a PES file held, on stderr once it is known to be good. */
static void
inspect_pes_summary(const struct inspect_buf *b, const sepa_pes_read_info *i)
{
	char day[SEPA_DATE_BUFSZ], total[SEPA_MONEY_BUFSZ];

	if (i->dte_str.year != 0)
		sepa_date_fr(day, i->dte_str);
	else
		snprintf(day, sizeof(day), "?");
	if (i->doc == SEPA_PES_DOC_ALLER)
		log_info("%s: PES_Aller %s of the collectivity %s (budget %s), "
		         "%s: %zu bordereau(x), %zu piece(s), %s, %zu by "
		         "direct debit, %zu whose keys are wrong",
		    b->name, i->typ_fic[0] != '\0' ? i->typ_fic : "?",
		    i->id_coll[0] != '\0' ? i->id_coll : "?",
		    i->cod_bud[0] != '\0' ? i->cod_bud : "?", day,
		    i->bordereaux, b->count, sepa_money_fr(total, b->total),
		    b->debits, b->keys_bad);
	else
		log_info("%s: PES_ACQUIT of the collectivity %s, %s: %zu "
		         "record(s), %zu error(s), %zu refused",
		    b->name, i->id_coll[0] != '\0' ? i->id_coll : "?", day,
		    b->count, b->errors, b->refused);
}

/* ------------------------------------------------------------ files */

/* What a file is, from its first bytes; -1 when it cannot be read (the
 * reader then says why). */
static int
inspect_sniff(const char *path)
{
	size_t size = 65536, n;
	char *buf = xmalloc(size);
	FILE *fp = fopen(path, "rb");
	enum sepa_pes_doc doc;

	if (fp == NULL) {
		free(buf);
		return -1;
	}
	n = fread(buf, 1, size, fp);
	fclose(fp);
	doc = sepa_pes_sniff(buf, n);
	free(buf);
	return doc == SEPA_PES_DOC_ALLER ? INSPECT_ALLER
	    : doc == SEPA_PES_DOC_ACQUIT ? INSPECT_ACQUIT
	                                 : INSPECT_BANK;
}

/* The kind of all the files; -1 (after a message) when they mix kinds,
 * which have different columns. */
static int
inspect_kind(int argc, char **argv)
{
	static const char *const names[] = {
	    "a bank file", "a PES_Aller flow", "a PES_ACQUIT"};
	int kind = -1, first = 0;

	for (int i = 1; i < argc; i++) {
		int k = inspect_sniff(argv[i]);

		if (k < 0)
			continue;
		if (kind < 0) {
			kind = k;
			first = i;
		} else if (k != kind) {
			log_warnx("inspect: %s is %s and %s %s: inspect them "
			          "apart (their CSV have different columns)",
			    argv[first], names[kind], argv[i], names[k]);
			return -1;
		}
	}
	return kind < 0 ? INSPECT_BANK : kind;
}

/* Read one file into b's spool; the reader's status. */
static int
inspect_read(int kind, struct inspect_buf *b, sepa_error *err)
{
	sepa_pes_read_info pinfo;
	int rc;

	if (kind == INSPECT_BANK) {
		rc = sepa_bankfile_read_file(
		    b->name, NULL, inspect_record, b, b->info, err);
		if (rc == 0 && b->info->ns[0] == '\0')
			log_warnx(
			    "%s: the document has no XML namespace: "
			    "nothing says which message version it is, "
			    "so read it with care; `import returns` "
			    "refuses it unless returns.accept_unqualified "
			    "= true",
			    b->name);
		return rc;
	}
	memset(&pinfo, 0, sizeof(pinfo));
	rc = sepa_pes_read_file(b->name, NULL,
	    kind == INSPECT_ALLER ? inspect_piece : NULL,
	    kind == INSPECT_ACQUIT ? inspect_ack : NULL, b, &pinfo, err);
	if (rc == 0 && b->error == 0)
		inspect_pes_summary(b, &pinfo);
	return rc;
}

int
cmd_inspect(struct ctl *ctl, int argc, char **argv)
{
	static const struct {
		const char *const *head;
		size_t n;
	} heads[] = {
	    {inspect_bank_head,
	        sizeof(inspect_bank_head) / sizeof(inspect_bank_head[0])},
	    {inspect_piece_head,
	        sizeof(inspect_piece_head) / sizeof(inspect_piece_head[0])},
	    {inspect_ack_head,
	        sizeof(inspect_ack_head) / sizeof(inspect_ack_head[0])},
	};
	struct csvout_dialect d = csvout_dialect_of(&ctl->cfg);
	struct csvout head;
	int status = CTL_OK, kind;

	if (argc < 2) {
		log_warnx("inspect needs at least one file (see sepactl "
		          "inspect --help)");
		return CTL_USAGE;
	}
	if ((kind = inspect_kind(argc, argv)) < 0)
		return CTL_USAGE;
	csvout_begin(&head, stdout, &d, heads[kind].head, heads[kind].n);
	for (int i = 1; i < argc; i++) {
		sepa_bankfile_info info;
		struct inspect_buf b = {.name = argv[i], .info = &info};
		sepa_error err = SEPA_ERROR_INIT;
		int rc;

		if ((b.spool = inspect_spool()) == NULL)
			return ctl_fail(CTL_INTERNAL, NULL,
			    "cannot create a temporary file for the records of "
			    "%s: %s",
			    argv[i], strerror(errno));
		csvout_attach(&b.w, b.spool, &d);
		rc = inspect_read(kind, &b, &err);
		if (b.error != 0) {
			fclose(b.spool);
			return ctl_fail(CTL_INTERNAL, NULL,
			    "cannot write the records of %s to a temporary "
			    "file: %s",
			    argv[i], strerror(b.error));
		}
		if (rc != 0) {
			ctl_fail(CTL_REFUSED, &err, "cannot read %s", argv[i]);
			status = CTL_REFUSED;
		}
		if (rc == 0 && inspect_flush(b.spool) != 0) {
			int e = errno;

			fclose(b.spool);
			log_warnx("could not write the records of %s: %s",
			    argv[i], strerror(e));
			return CTL_INTERNAL;
		}
		fclose(b.spool);
	}
	if (fflush(stdout) != 0) {
		log_warn("could not write the output");
		return CTL_INTERNAL;
	}
	return status;
}
