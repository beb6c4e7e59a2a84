/*
 * pes_write.c - PES_Aller writer, streamed on xmlw.c in ISO-8859-1: every
 * field is checked and reduced (sepa_text_latin1, or sepa_text_latin for
 * the SEPA fields) and cut to its length before anything of its piece is
 * written; the keys are computed (pes.c); the totals of each bordereau
 * are counted against the announced ones. The file and its .sha256
 * sidecar appear only once complete (outfile.c); the SHA-256 and the
 * validation (pes_validate.c) run beside the writer in a second thread
 * (checkq.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkq.h"
#include "fields.h"
#include "outfile.h"
#include "pes_internal.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/money.h"
#include "sepa/pes.h"
#include "sepa/text.h"
#include "xmlw.h"

#define PW_MT_BORD_MAX INT64_C(99999999999999) /* 14 digits */
#define PW_TEXT_BUFSZ (4 * PES_TEXT160_MAX + 1)

/* A line, checked and reduced, ready to write. */
struct pw_line {
	char obj[PES_TEXT160_MAX + 1];
	char cod[5];
	char nature[13];
	int64_t amount;
};

/* The debtor (Tiers), checked and reduced, written in every line. */
struct pw_tiers {
	char ref[PES_REFTIERS_MAX + 1];
	char civ[PES_CIVILITE_MAX + 1];
	char nom[PES_TEXT38_MAX + 1];
	char compl [PES_TEXT38_MAX + 1];
	char prenom[PES_TEXT38_MAX + 1];
	char adr1[PES_TEXT38_MAX + 1];
	char adr2[PES_TEXT38_MAX + 1];
	char adr3[PES_TEXT38_MAX + 1];
	char cp[6];
	char ville[PES_TEXT38_MAX + 1];
	char cod_pays[4]; /* "": resident */
	char iban[SEPA_IBAN_BUFSZ];
	char bic[SEPA_BIC_BUFSZ];
	char tit[PES_TITCPTE_MAX + 1];
};

/* The debit (InfoPrelevementSEPA), checked and reduced. */
struct pw_debit {
	const char *seq; /* "01".."04" */
	char per_prel[3];
	sepa_date due;
	sepa_date signed_on;
	char rum[SEPA_ID_BUFSZ];
	char label[PES_LIBPREL_MAX + 1];
	char old_rum[SEPA_ID_BUFSZ];
	char old_ics[SEPA_CID_BUFSZ];
	char old_cred[PES_OLDCRED_MAX + 1];
	char old_iban[SEPA_IBAN_BUFSZ];
	int old_bank;
	int holder_differs;
};

struct sepa_pes_writer {
	sepa_pes_opts opts;
	struct outfile f;
	struct xmlw x;
	struct checkq *q; /* the hashing (and validating) thread */
	struct pesv *v; /* the validator, when opts.validate */
	sepa_error verr; /* its error */
	char cod_col[4];
	struct pes_count n; /* the flow */
	/* the open bordereau */
	int in_bord;
	long id_bord;
	char nat[16]; /* IdBord as the keys' code nature */
	char exer[8];
	sepa_date dte_bord_em;
	long ann_pce;
	int64_t ann_mt;
	long pce;
	int64_t mt;
	long last_id_pce;
	/* the lines of the piece being added */
	struct pw_line *line;
	size_t line_cap;
};

/* ---------------------------------------------------------- checks */

/*
 * A Base_Texte field: reduced to ISO-8859-1, cut at max characters, and
 * not one of the values Hélios refuses.
 */
static int
pw_text(char *out, size_t outsz, const char *in, size_t max, unsigned flags,
    const char *field, int required, sepa_error *err)
{
	const char *why;
	int rc;

	if ((rc = field_text(out, outsz, in, max, flags, sepa_text_latin1,
	         field, required, err)) != 0)
		return rc;
	if (out[0] != '\0' && (why = pes_text_refused(out)) != NULL)
		return sepa_error_set(
		    err, SEPA_EINVAL, "%s \"%s\": %s", field, out, why);
	return 0;
}

/* An identifier-like text: reduced like pw_text, refused when longer. */
static int
pw_ident(char *out, size_t outsz, const char *in, size_t max, unsigned flags,
    const char *field, sepa_error *err)
{
	char buf[PW_TEXT_BUFSZ];
	int rc;

	/* Cut one past the limit: longer is refused, not cut. */
	out[0] = '\0';
	if ((rc = pw_text(
	         buf, sizeof(buf), in, max + 1, flags, field, 0, err)) != 0)
		return rc;
	if (strlen(buf) > max || strlen(buf) >= outsz)
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s \"%.40s...\" is longer than %zu characters", field, buf,
		    max);
	memcpy(out, buf, strlen(buf) + 1);
	return 0;
}

/* A SEPA text (LibPrel, AncienTiersCreancier): the SEPA Latin set. */
static int
pw_sepa_text(char *out, size_t outsz, const char *in, size_t max,
    unsigned flags, const char *field, sepa_error *err)
{
	int rc;

	if ((rc = field_text(out, outsz, in, max, flags, sepa_text_latin, field,
	         0, err)) != 0)
		return rc;
	if (out[0] != '\0' && strspn(out, "0") == strlen(out))
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s \"%s\": a value of zeros only is refused", field, out);
	return 0;
}

/* 1 when s is min..max characters, each in the set `chars`. */
static int
pw_is(const char *s, size_t min, size_t max, const char *chars)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s);
	return n >= min && n <= max && strspn(s, chars) == n;
}

#define PW_DIGITS "0123456789"
#define PW_ALNUM \
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

/* The forms of the codes (sepa_pes_code_check), one message each. */
int
sepa_pes_code_check(const char *field, const char *v, sepa_error *err)
{
	size_t n = v != NULL ? strlen(v) : 0;

	if (v == NULL)
		v = "";
	if (strcmp(field, "IdPost") == 0) {
		if (!(pw_is(v, 6, 7, PW_DIGITS) ||
		        (n >= 6 && n <= 7 && strncmp(v, "02", 2) == 0 &&
		            (v[2] == 'A' || v[2] == 'B') &&
		            pw_is(v + 3, 3, 4, PW_DIGITS))))
			return sepa_error_set(err, SEPA_EINVAL,
			    "IdPost \"%.16s\" is not a codique (6 or 7 digits, "
			    "or 02A/02B and 3 or 4 digits)",
			    v);
	} else if (strcmp(field, "IdColl") == 0) {
		if (!pw_is(v, 14, 14, PW_DIGITS))
			return sepa_error_set(err, SEPA_EINVAL,
			    "IdColl \"%.20s\" is not a SIRET (14 digits)", v);
	} else if (strcmp(field, "CodCol") == 0) {
		if (!pw_is(v, 3, 3, PW_DIGITS))
			return sepa_error_set(err, SEPA_EINVAL,
			    "CodCol \"%.8s\" is not 3 digits", v);
	} else if (strcmp(field, "CodBud") == 0) {
		if (!pw_is(v, 2, 2, PW_DIGITS "ABCDEFGHIJKLMNOPQRSTUVWXYZ") ||
		    !pw_is(v + 1, 1, 1, PW_DIGITS))
			return sepa_error_set(err, SEPA_EINVAL,
			    "CodBud \"%.8s\" is not a digit or capital letter "
			    "and a digit",
			    v);
	} else if (strcmp(field, "CodProdLoc") == 0) {
		if (!pw_is(v, 1, 4, PW_ALNUM) || pes_text_refused(v) != NULL)
			return sepa_error_set(err, SEPA_EINVAL,
			    "CodProdLoc \"%.8s\" is not 1 to 4 letters or "
			    "digits (not only zeros, not nc)",
			    v);
	} else if (strcmp(field, "Nature") == 0) {
		if (!pw_is(v, 1, 12, PW_DIGITS) || strspn(v, "0") == n)
			return sepa_error_set(err, SEPA_EINVAL,
			    "Nature \"%.16s\" is not 1 to 12 digits", v);
	} else if (strcmp(field, "Civilite") == 0) {
		if (pes_civilite_refused(v))
			return sepa_error_set(err, SEPA_EINVAL,
			    "Civilite \"%.16s\" is refused by Helios (use Mme)",
			    v);
		if (n == 0 || n > PES_CIVILITE_MAX)
			return sepa_error_set(err, SEPA_EINVAL,
			    "Civilite \"%.16s\" is not 1 to %d characters", v,
			    PES_CIVILITE_MAX);
	} else {
		return sepa_error_set(
		    err, SEPA_EINVAL, "no PES code named %s", field);
	}
	return 0;
}

static int
pw_header_check(const sepa_pes_header *h, const char *nom_fic, sepa_error *err)
{
	if (!pw_is(nom_fic, 1, PES_NOMFIC_MAX, PW_ALNUM "._-"))
		return sepa_error_set(err, SEPA_EINVAL,
		    "NomFic \"%.40s\" is not 1 to %d letters, digits, '.', "
		    "'_' or '-'",
		    nom_fic, PES_NOMFIC_MAX);
	if (field_date(h->dte_str, "DteStr", err) != 0)
		return SEPA_EINVAL;
	if (sepa_pes_code_check("IdPost", h->id_post, err) != 0 ||
	    sepa_pes_code_check("IdColl", h->id_coll, err) != 0 ||
	    sepa_pes_code_check("CodCol", h->cod_col, err) != 0 ||
	    sepa_pes_code_check("CodBud", h->cod_bud, err) != 0)
		return SEPA_EINVAL;
	return 0;
}

/* Check and reduce the debtor; the account only when debited. */
static int
pw_tiers_prepare(struct pw_tiers *t, const sepa_pes_debtor *d, int debited,
    unsigned flags, sepa_error *err)
{
	char holder[2 * PES_TEXT38_MAX + 2];
	int rc;

	memset(t, 0, sizeof(*t));
	if (d == NULL)
		return sepa_error_set(err, SEPA_EINVAL, "no debtor (Tiers)");
	if (d->civilite != NULL && pes_civilite_refused(d->civilite))
		return sepa_error_set(err, SEPA_EINVAL,
		    "Civilite \"%s\" is refused by Helios (use Mme)",
		    d->civilite);
	if ((rc = pw_ident(t->ref, sizeof(t->ref), d->ref_tiers,
	         PES_REFTIERS_MAX, flags, "RefTiers", err)) != 0 ||
	    (rc = pw_ident(t->civ, sizeof(t->civ), d->civilite,
	         PES_CIVILITE_MAX, flags, "Civilite", err)) != 0 ||
	    (rc = pw_text(t->nom, sizeof(t->nom), d->nom, PES_TEXT38_MAX, flags,
	         "Nom", 1, err)) != 0 ||
	    (rc = pw_text(t->compl, sizeof(t->compl ), d->compl_nom,
	         PES_TEXT38_MAX, flags, "ComplNom", 0, err)) != 0 ||
	    (rc = pw_text(t->prenom, sizeof(t->prenom), d->prenom,
	         PES_TEXT38_MAX, flags, "Prenom", 1, err)) != 0 ||
	    (rc = pw_text(t->adr1, sizeof(t->adr1), d->adr1, PES_TEXT38_MAX,
	         flags, "Adr1", 0, err)) != 0 ||
	    (rc = pw_text(t->adr2, sizeof(t->adr2), d->adr2, PES_TEXT38_MAX,
	         flags, "Adr2", 1, err)) != 0 ||
	    (rc = pw_text(t->adr3, sizeof(t->adr3), d->adr3, PES_TEXT38_MAX,
	         flags, "Adr3", 0, err)) != 0 ||
	    (rc = pw_text(t->ville, sizeof(t->ville), d->ville, PES_TEXT38_MAX,
	         flags, "Ville", 1, err)) != 0)
		return rc;
	if (t->civ[0] == '\0')
		return sepa_error_set(err, SEPA_EINVAL,
		    "Civilite is missing (mandatory for a person)");
	if (!pw_is(d->cp, 5, 5, PW_DIGITS))
		return sepa_error_set(err, SEPA_EINVAL,
		    "CP \"%.10s\" is not 5 digits (99999 abroad)",
		    d->cp != NULL ? d->cp : "");
	memcpy(t->cp, d->cp, 6);
	if (!field_empty(d->cod_pays) && strcmp(d->cod_pays, "100") != 0) {
		if (!pw_is(d->cod_pays, 3, 3, PW_DIGITS))
			return sepa_error_set(err, SEPA_EINVAL,
			    "CodPays \"%.8s\" is not a 3-digit INSEE country "
			    "code",
			    d->cod_pays);
		memcpy(t->cod_pays, d->cod_pays, 4);
	}
	if (!debited)
		return 0;
	if ((rc = field_code(t->iban, d->iban, sepa_iban_parse,
	         "CpteBancaire/IBAN", err)) != 0 ||
	    (rc = field_bic(
	         t->bic, d->bic, SEPA_BIC_2009, "CpteBancaire/BIC", err)) != 0)
		return rc;
	if (t->bic[0] == '\0' && strncmp(t->iban, "FR", 2) != 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "CpteBancaire/BIC is mandatory for an account outside "
		    "France (%.2s)",
		    t->iban);
	if (field_empty(d->tit_cpte)) {
		/* "Prenom Nom", already ISO-8859-1: cut by bytes. */
		size_t n;

		n = strlen(t->prenom);
		memcpy(holder, t->prenom, n);
		holder[n++] = ' ';
		memcpy(holder + n, t->nom, strlen(t->nom) + 1);
		n = strlen(holder) < PES_TITCPTE_MAX ? strlen(holder)
		                                     : PES_TITCPTE_MAX;
		while (n > 0 && holder[n - 1] == ' ')
			n--;
		memcpy(t->tit, holder, n);
		t->tit[n] = '\0';
		return 0;
	}
	return pw_text(t->tit, sizeof(t->tit), d->tit_cpte, PES_TITCPTE_MAX,
	    flags, "TitCpte", 1, err);
}

/* The amendment part of a debit. */
static int
pw_amend_prepare(struct pw_debit *p, const sepa_pes_debit *d, const char *iban,
    unsigned flags, sepa_error *err)
{
	size_t n;
	int rc;

	if ((rc = field_id(d->old_rum, "AncienRUM", 0, err)) != 0)
		return rc;
	if (!field_empty(d->old_rum)) {
		if (strcmp(d->old_rum, d->rum) == 0)
			return sepa_error_set(err, SEPA_EINVAL,
			    "AncienRUM is the same as RefUniMdt %s", d->rum);
		memcpy(p->old_rum, d->old_rum, strlen(d->old_rum) + 1);
	}
	n = d->old_ics != NULL ? strlen(d->old_ics) : 0;
	if (n == 6 && pw_is(d->old_ics, 6, 6, PW_DIGITS))
		memcpy(p->old_ics, d->old_ics, 7);
	else if (n > 0 &&
	    (rc = field_code(p->old_ics, d->old_ics, sepa_cid_parse,
	         "AncienICS", err)) != 0)
		return rc;
	if (p->old_ics[0] != '\0' && strlen(p->old_ics) != 6 &&
	    strlen(p->old_ics) != 13)
		return sepa_error_set(err, SEPA_EINVAL,
		    "AncienICS %s is neither a French ICS (13 characters) nor "
		    "an NNE (6 digits)",
		    p->old_ics);
	if ((rc = pw_sepa_text(p->old_cred, sizeof(p->old_cred),
	         d->old_creditor_name, PES_OLDCRED_MAX, flags,
	         "AncienTiersCreancier", err)) != 0)
		return rc;
	switch (d->account) {
	case SEPA_AMEND_NONE:
		break;
	case SEPA_AMEND_SAME_BANK:
		if ((rc = field_old_iban(p->old_iban, d->old_iban, iban,
		         "AncienIBAN", "CpteBancaire/IBAN",
		         "a change of bank is AncienneBanque", err)) != 0)
			return rc;
		break;
	case SEPA_AMEND_OTHER_BANK:
		p->old_bank = 1;
		break;
	default:
		return sepa_error_set(err, SEPA_EINVAL,
		    "unknown account change %d", (int)d->account);
	}
	return 0;
}

/* Check and reduce a debit (the account is in the Tiers). */
static int
pw_debit_prepare(struct pw_debit *p, const sepa_pes_debit *d, const char *iban,
    unsigned flags, sepa_error *err)
{
	char a[SEPA_DATE_BUFSZ], b[SEPA_DATE_BUFSZ];
	int rc;

	memset(p, 0, sizeof(*p));
	if ((p->seq = pes_seq_code((int)d->seq)) == NULL)
		return sepa_error_set(err, SEPA_EINVAL,
		    "SequencePres: sequence type %d is not OOFF, FRST, RCUR "
		    "or FNAL",
		    (int)d->seq);
	if (d->per_prel < 0 || d->per_prel > 7)
		return sepa_error_set(err, SEPA_EINVAL,
		    "PerPrel %d is not 1 to 7 (0 for 07)", d->per_prel);
	p->per_prel[0] = '0';
	p->per_prel[1] = (char)('0' + (d->per_prel != 0 ? d->per_prel : 7));
	p->per_prel[2] = '\0';
	if ((rc = field_date(d->due_date, "DtePrel", err)) != 0 ||
	    (rc = field_date(d->signature_date, "DateSignMandat", err)) != 0 ||
	    (rc = field_id(d->rum, "RefUniMdt", 1, err)) != 0)
		return rc;
	if (sepa_date_cmp(d->signature_date, d->due_date) > 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "DateSignMandat %s is after DtePrel %s",
		    sepa_date_iso(a, d->signature_date),
		    sepa_date_iso(b, d->due_date));
	if (strspn(d->rum, "0") == strlen(d->rum))
		return sepa_error_set(err, SEPA_EINVAL,
		    "RefUniMdt \"%s\": a value of zeros only is refused",
		    d->rum);
	p->due = d->due_date;
	p->signed_on = d->signature_date;
	memcpy(p->rum, d->rum, strlen(d->rum) + 1);
	if ((rc = pw_sepa_text(p->label, sizeof(p->label), d->label,
	         PES_LIBPREL_MAX, flags, "LibPrel", err)) != 0)
		return rc;
	if (d->holder_differs < 0 || d->holder_differs > 1)
		return sepa_error_set(
		    err, SEPA_EINVAL, "TitCpteDiff must be 0 or 1");
	p->holder_differs = d->holder_differs;
	return pw_amend_prepare(p, d, iban, flags, err);
}

/* Check and reduce the lines into w->line; *sum gets their total. */
static int
pw_lines_prepare(
    sepa_pes_writer *w, const sepa_pes_piece *p, int64_t *sum, sepa_error *err)
{
	int rc;

	*sum = 0;
	if (p->lines == NULL || p->nb_lines < 1 || p->nb_lines > 999999)
		return sepa_error_set(err, SEPA_EINVAL,
		    "a piece has 1 to 999999 lines, not %zu",
		    p->lines == NULL ? 0 : p->nb_lines);
	if (p->nb_lines > w->line_cap) {
		struct pw_line *v = realloc(w->line, p->nb_lines * sizeof(*v));

		if (v == NULL)
			return sepa_error_set(
			    err, SEPA_ENOMEM, "out of memory");
		w->line = v;
		w->line_cap = p->nb_lines;
	}
	for (size_t i = 0; i < p->nb_lines; i++) {
		const sepa_pes_line *in = &p->lines[i];
		struct pw_line *l = &w->line[i];

		if ((rc = pw_text(l->obj, sizeof(l->obj), in->objet,
		         PES_TEXT160_MAX, w->opts.text_flags, "ObjLignePce", 0,
		         err)) != 0) {
			sepa_error_prefix(err, "line %zu", i + 1);
			return rc;
		}
		if ((rc = sepa_pes_code_check(
		         "CodProdLoc", in->cod_prod_loc, err)) != 0 ||
		    (rc = sepa_pes_code_check("Nature", in->nature, err)) !=
		        0) {
			sepa_error_prefix(err, "line %zu", i + 1);
			return rc;
		}
		if ((rc = field_amount(in->amount, "MtHT", err)) != 0) {
			sepa_error_prefix(err, "line %zu", i + 1);
			return rc;
		}
		if (*sum > INT64_MAX - in->amount)
			return sepa_error_set(
			    err, SEPA_ERANGE, "the piece total overflows");
		memcpy(l->cod, in->cod_prod_loc, strlen(in->cod_prod_loc) + 1);
		memcpy(l->nature, in->nature, strlen(in->nature) + 1);
		l->amount = in->amount;
		*sum += in->amount;
	}
	return 0;
}

/* ------------------------------------------------------ XML pieces */

static void
pw_leaf(struct xmlw *x, const char *name, const char *v)
{
	xmlw_leaf(x, name, "V", v);
}

static void
pw_leaf_opt(struct xmlw *x, const char *name, const char *v)
{
	if (v != NULL && v[0] != '\0')
		xmlw_leaf(x, name, "V", v);
}

static void
pw_leaf_date(struct xmlw *x, const char *name, sepa_date d)
{
	xmlw_leaf_date(x, name, "V", d.year, d.month, d.day);
}

static void
pw_tiers_write(struct xmlw *x, const struct pw_tiers *t, int debited)
{
	xmlw_open(x, "Tiers");
	xmlw_open(x, "InfoTiers");
	pw_leaf_opt(x, "RefTiers", t->ref);
	pw_leaf(x, "CatTiers", "01");
	pw_leaf(x, "NatJur", "01");
	pw_leaf(x, "TypTiers", "01");
	pw_leaf(x, "Civilite", t->civ);
	pw_leaf(x, "Nom", t->nom);
	pw_leaf_opt(x, "ComplNom", t->compl );
	pw_leaf(x, "Prenom", t->prenom);
	xmlw_close(x, "InfoTiers");
	xmlw_open(x, "Adresse");
	pw_leaf(x, "TypAdr", "1");
	pw_leaf_opt(x, "Adr1", t->adr1);
	pw_leaf(x, "Adr2", t->adr2);
	pw_leaf_opt(x, "Adr3", t->adr3);
	pw_leaf(x, "CP", t->cp);
	pw_leaf(x, "Ville", t->ville);
	pw_leaf(x, "CodRes", t->cod_pays[0] != '\0' ? "1" : "0");
	pw_leaf_opt(x, "CodPays", t->cod_pays);
	xmlw_close(x, "Adresse");
	if (debited) {
		xmlw_open(x, "CpteBancaire");
		pw_leaf_opt(x, "BIC", t->bic);
		pw_leaf(x, "IBAN", t->iban);
		pw_leaf(x, "TitCpte", t->tit);
		xmlw_close(x, "CpteBancaire");
	}
	xmlw_close(x, "Tiers");
}

static void
pw_debit_write(struct xmlw *x, const struct pw_debit *d, int64_t amount)
{
	xmlw_open(x, "InfoPrelevementSEPA");
	pw_leaf(x, "NatPrel", "01");
	pw_leaf(x, "PerPrel", d->per_prel);
	pw_leaf_date(x, "DtePrel", d->due);
	xmlw_leaf_amount(x, "MtPrel", "V", amount);
	pw_leaf(x, "SequencePres", d->seq);
	pw_leaf_date(x, "DateSignMandat", d->signed_on);
	pw_leaf(x, "RefUniMdt", d->rum);
	pw_leaf_opt(x, "LibPrel", d->label);
	pw_leaf_opt(x, "AncienRUM", d->old_rum);
	pw_leaf_opt(x, "AncienICS", d->old_ics);
	pw_leaf_opt(x, "AncienTiersCreancier", d->old_cred);
	if (d->old_bank)
		pw_leaf(x, "AncienneBanque", "1");
	pw_leaf_opt(x, "AncienIBAN", d->old_iban);
	if (d->holder_differs)
		pw_leaf(x, "TitCpteDiff", "1");
	xmlw_close(x, "InfoPrelevementSEPA");
}

/* ---------------------------------------------------------- writer */

static void
pw_free(sepa_pes_writer *w)
{
	if (w == NULL)
		return;
	checkq_stop(w->q);
	pesv_free(w->v);
	outfile_discard(&w->f);
	xmlw_free(&w->x);
	free(w->line);
	free(w);
}

void
sepa_pes_abort(sepa_pes_writer *w)
{
	pw_free(w);
}

static int
pw_sticky(sepa_pes_writer *w, sepa_error *err)
{
	if (w->x.failed) {
		if (err != NULL)
			*err = w->x.err;
		return outfile_where(err, w->f.path, w->x.err.code);
	}
	return 0;
}

int
sepa_pes_file_name(char *buf, size_t size, const char *id_coll, int exer,
    long id_bord, sepa_error *err)
{
	return sepa_pes_file_name_of(
	    buf, size, SEPA_PES_ORMC, id_coll, exer, id_bord, err);
}

int
sepa_pes_file_name_of(char *buf, size_t size, enum sepa_pes_kind kind,
    const char *id_coll, int exer, long id_bord, sepa_error *err)
{
	int n;

	if (!pw_is(id_coll, 14, 14, PW_DIGITS) || exer < 1000 || exer > 9999 ||
	    id_bord < 1 || id_bord > 9999999)
		return sepa_error_set(err, SEPA_EINVAL,
		    "no PES file name for IdColl \"%.20s\", year %d and "
		    "bordereau %ld",
		    id_coll != NULL ? id_coll : "", exer, id_bord);
	n = snprintf(buf, size, "%s_%s_%d_%ld.xml",
	    kind == SEPA_PES_TITRE ? "PESALR1" : "PESORMC", id_coll, exer,
	    id_bord);
	if (n < 0 || (size_t)n >= size) {
		if (size > 0)
			buf[0] = '\0';
		return sepa_error_set(err, SEPA_ELIMIT,
		    "the PES file name does not fit in %zu bytes", size);
	}
	return 0;
}

static int
pw_feed(void *arg, const char *buf, size_t n)
{
	return pesv_feed(arg, buf, n);
}

/* Write the prolog, the Enveloppe, EnTetePES and EnTeteRecette. */
static void
pw_head(sepa_pes_writer *w, const sepa_pes_header *h, const char *nom_fic,
    const char texts[4][PES_TEXT38_MAX + 1])
{
	static const char root[] =
	    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
	    "<n:PES_Aller xmlns:n=\"" SEPA_PES_NS "\">";
	struct xmlw *x = &w->x;

	xmlw_raw(x, root, sizeof(root) - 1);
	x->depth = 1;
	xmlw_open(x, "Enveloppe");
	xmlw_open(x, "Parametres");
	pw_leaf(x, "Version", "2");
	pw_leaf(
	    x, "TypFic", w->opts.kind == SEPA_PES_ORMC ? "PESORMC" : "PESALR1");
	pw_leaf(x, "NomFic", nom_fic);
	xmlw_close(x, "Parametres");
	xmlw_open(x, "Emetteur");
	pw_leaf(x, "Sigle", texts[0]);
	pw_leaf(x, "Adresse", texts[1]);
	xmlw_close(x, "Emetteur");
	xmlw_close(x, "Enveloppe");
	xmlw_open(x, "EnTetePES");
	pw_leaf_date(x, "DteStr", h->dte_str);
	pw_leaf(x, "IdPost", h->id_post);
	pw_leaf_opt(x, "LibellePoste", texts[2]);
	pw_leaf(x, "IdColl", h->id_coll);
	pw_leaf(x, "CodCol", h->cod_col);
	pw_leaf(x, "CodBud", h->cod_bud);
	pw_leaf_opt(x, "LibelleColBud", texts[3]);
	xmlw_close(x, "EnTetePES");
	xmlw_open(x, "PES_RecetteAller");
	xmlw_open(x, "EnTeteRecette");
	pw_leaf(x, "IdVer", "2");
	pw_leaf(x, "InfoDematerialisee", "0");
	xmlw_close(x, "EnTeteRecette");
}

int
sepa_pes_open(sepa_pes_writer **out, const char *path,
    const sepa_pes_opts *opts, const sepa_pes_header *hdr, sepa_error *err)
{
	static const sepa_pes_opts defaults = SEPA_PES_OPTS_INIT;
	char texts[4][PES_TEXT38_MAX + 1];
	const char *nom_fic, *slash;
	sepa_pes_writer *w = NULL;
	unsigned flags;
	int rc;

	*out = NULL;
	if (path == NULL || hdr == NULL)
		return sepa_error_set(
		    err, SEPA_EINVAL, "no file name or no header");
	if (opts == NULL)
		opts = &defaults;
	if (opts->kind != SEPA_PES_ORMC && opts->kind != SEPA_PES_TITRE)
		return outfile_where(err, path,
		    sepa_error_set(err, SEPA_EINVAL, "unknown PES kind %d",
		        (int)opts->kind));
	if (opts->validate && field_empty(opts->schema_dir))
		return outfile_where(err, path,
		    sepa_error_set(err, SEPA_EINVAL,
		        "validation needs the schema directory "
		        "(opts.schema_dir)"));
	flags = opts->text_flags;
	slash = strrchr(path, '/');
	nom_fic = !field_empty(hdr->nom_fic) ? hdr->nom_fic
	    : slash != NULL                  ? slash + 1
	                                     : path;
	/* The header first: nothing is created for a bad one. */
	if ((rc = pw_header_check(hdr, nom_fic, err)) != 0 ||
	    (rc = pw_text(texts[0], sizeof(texts[0]), hdr->sigle, PES_SIGLE_MAX,
	         flags, "Emetteur/Sigle", 1, err)) != 0 ||
	    (rc = pw_text(texts[1], sizeof(texts[1]), hdr->adresse,
	         PES_TEXT38_MAX, flags, "Emetteur/Adresse", 1, err)) != 0 ||
	    (rc = pw_text(texts[2], sizeof(texts[2]), hdr->libelle_poste,
	         PES_TEXT38_MAX, flags, "LibellePoste", 0, err)) != 0 ||
	    (rc = pw_text(texts[3], sizeof(texts[3]), hdr->libelle_col_bud,
	         PES_TEXT38_MAX, flags, "LibelleColBud", 0, err)) != 0)
		return outfile_where(err, path, rc);

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	w->f.fd = -1;
	w->opts = *opts;
	memcpy(w->cod_col, hdr->cod_col, 4);
	if ((rc = outfile_open(&w->f, path, opts->mode, err)) != 0 ||
	    (rc = xmlw_init(&w->x, w->f.fd, opts->buffer_size, opts->write_hook,
	         opts->write_hook_arg, err)) != 0)
		goto fail;
	/*
	 * One space a level: the lines stay readable, and the flow is a
	 * fifth smaller than with two (docs/benchmarks.md).
	 */
	w->x.indent = 1;
	if (opts->validate &&
	    (rc = pesv_open(
	         &w->v, opts->schema_dir, NULL, w->f.path, &w->verr)) != 0) {
		*err = w->verr;
		goto fail;
	}
	/*
	 * The validator is the slower side: the SHA-256 stays with the writer
	 * (xmlw) and the second thread only validates.
	 */
	if (w->v != NULL &&
	    (rc = checkq_start(&w->q, &w->x, pw_feed, w->v, 0, err)) != 0)
		goto fail;
	pw_head(w, hdr, nom_fic, (const char(*)[PES_TEXT38_MAX + 1]) texts);
	if ((rc = pw_sticky(w, err)) != 0)
		goto fail;
	*out = w;
	return 0;
fail:
	outfile_where(err, path, rc);
	pw_free(w);
	return rc;
}

int
sepa_pes_begin_bordereau(
    sepa_pes_writer *w, const sepa_pes_bordereau *b, sepa_error *err)
{
	char objet[PES_TEXT160_MAX + 1];
	char d1[SEPA_DATE_BUFSZ], d2[SEPA_DATE_BUFSZ];
	struct xmlw *x;
	int ormc;
	int rc;

	if (w == NULL || b == NULL)
		return sepa_error_set(
		    err, SEPA_EINVAL, "no writer or bordereau");
	if ((rc = pw_sticky(w, err)) != 0)
		return rc;
	if (w->in_bord)
		return outfile_where(err, w->f.path,
		    sepa_error_set(err, SEPA_ESTATE,
		        "bordereau %ld is still open", w->id_bord));
	ormc = w->opts.kind == SEPA_PES_ORMC;
	if (b->exer < 1000 || b->exer > 9999)
		rc = sepa_error_set(
		    err, SEPA_EINVAL, "Exer %d is not a year", b->exer);
	else if (b->id_bord < 1 || b->id_bord > 9999999)
		rc = sepa_error_set(err, SEPA_EINVAL,
		    "IdBord %ld is not 1 to 9999999", b->id_bord);
	else if (b->nbr_pce < 1 || b->nbr_pce > 99999)
		rc = sepa_error_set(err, SEPA_EINVAL,
		    "announced NbrPce %ld is not 1 to 99999", b->nbr_pce);
	else if (b->mt_bord_ht < 1 || b->mt_bord_ht > PW_MT_BORD_MAX)
		rc = sepa_error_set(err, SEPA_EINVAL,
		    "announced MtBordHt %s is not positive with at most 14 "
		    "digits",
		    sepa_money_xml(d1, b->mt_bord_ht));
	else if ((rc = field_date(b->dte_bord_em, "DteBordEm", err)) != 0)
		;
	else if (b->dte_asp.year != 0 &&
	    ((rc = field_date(b->dte_asp, "DteAsp", err)) != 0 ||
	        sepa_date_cmp(b->dte_asp, b->dte_bord_em) < 0))
		rc = rc != 0 ? rc
		             : sepa_error_set(err, SEPA_EINVAL,
		                   "DteAsp %s is before DteBordEm %s",
		                   sepa_date_iso(d1, b->dte_asp),
		                   sepa_date_iso(d2, b->dte_bord_em));
	else if (!ormc && !field_empty(b->objet))
		rc = sepa_error_set(
		    err, SEPA_EINVAL, "Objet is for ORMC bordereaux only");
	else
		rc = pw_text(objet, sizeof(objet), b->objet, PES_TEXT160_MAX,
		    w->opts.text_flags, "Objet", ormc, err);
	if (rc != 0) {
		sepa_error_prefix(err, "bordereau %ld", b->id_bord);
		return outfile_where(err, w->f.path, rc);
	}

	x = &w->x;
	xmlw_open(x, "Bordereau");
	xmlw_open(x, "BlocBordereau");
	xmlw_leaf_long(x, "Exer", "V", b->exer);
	xmlw_leaf_long(x, "IdBord", "V", b->id_bord);
	pw_leaf_date(x, "DteBordEm", b->dte_bord_em);
	pw_leaf(x, "TypBord", ormc ? "06" : "01");
	xmlw_leaf_long(x, "NbrPce", "V", b->nbr_pce);
	xmlw_leaf_amount(x, "MtBordHt", "V", b->mt_bord_ht);
	if (b->dte_asp.year != 0)
		pw_leaf_date(x, "DteAsp", b->dte_asp);
	pw_leaf_opt(x, "Objet", objet);
	xmlw_close(x, "BlocBordereau");
	if ((rc = pw_sticky(w, err)) != 0)
		return rc;
	w->in_bord = 1;
	w->id_bord = b->id_bord;
	snprintf(w->nat, sizeof(w->nat), "%ld", b->id_bord);
	snprintf(w->exer, sizeof(w->exer), "%d", b->exer);
	w->dte_bord_em = b->dte_bord_em;
	w->ann_pce = b->nbr_pce;
	w->ann_mt = b->mt_bord_ht;
	w->pce = 0;
	w->mt = 0;
	w->last_id_pce = 0;
	w->n.bordereaux++;
	return 0;
}

/* v in decimal into buf (size bytes, enough for 20 digits). */
static void
pw_u64(char *buf, size_t size, uint64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	size_t n;

	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(buf, p, n <= size ? n : 0);
}

/* Check the piece's own fields; the keys into cle[2]. */
static int
pw_piece_check(sepa_pes_writer *w, const sepa_pes_piece *p, char *num,
    size_t numsz, char *obj, size_t objsz, char cle[2], sepa_error *err)
{
	char per[2];
	int r0;

	if (p->id_pce < 1 || p->id_pce > 99999999)
		return sepa_error_set(err, SEPA_EINVAL,
		    "IdPce %ld is not 1 to 99999999", p->id_pce);
	if (p->id_pce <= w->last_id_pce)
		return sepa_error_set(err, SEPA_EINVAL,
		    "IdPce %ld does not follow %ld (increasing in a "
		    "bordereau)",
		    p->id_pce, w->last_id_pce);
	if (pw_text(obj, objsz, p->objet, PES_TEXT160_MAX, w->opts.text_flags,
	        "ObjPce", 0, err) != 0)
		return SEPA_EINVAL;
	if (w->opts.kind == SEPA_PES_TITRE) {
		num[0] = '\0';
		if (p->debit != NULL || p->num_dette != 0)
			return sepa_error_set(err, SEPA_EINVAL,
			    "an ordinary titre has no debit and no NumDette");
		return 0;
	}
	if (p->num_dette < 1 || p->num_dette > UINT64_C(9999999999999))
		return sepa_error_set(err, SEPA_EINVAL,
		    "NumDette %llu is not 1 to 13 digits",
		    (unsigned long long)p->num_dette);
	if (p->per < 0 || p->per > 9)
		return sepa_error_set(
		    err, SEPA_EINVAL, "Per %d is not one digit", p->per);
	pw_u64(num, numsz, p->num_dette);
	per[0] = (char)('0' + p->per);
	per[1] = '\0';
	return pes_keys(
	    w->cod_col, w->nat, w->exer, per, num, &cle[0], &cle[1], &r0, err);
}

int
sepa_pes_add(sepa_pes_writer *w, const sepa_pes_piece *p, sepa_error *err)
{
	char obj[PES_TEXT160_MAX + 1];
	char num[24], cle[2], s[2];
	struct pw_tiers tiers;
	struct pw_debit debit;
	int64_t sum = 0;
	struct xmlw *x;
	int rc;

	if (w == NULL || p == NULL)
		return sepa_error_set(err, SEPA_EINVAL, "no writer or piece");
	if ((rc = pw_sticky(w, err)) != 0)
		return rc;
	if (!w->in_bord)
		return outfile_where(err, w->f.path,
		    sepa_error_set(
		        err, SEPA_ESTATE, "a piece outside a bordereau"));
	if ((rc = pw_piece_check(
	         w, p, num, sizeof(num), obj, sizeof(obj), cle, err)) != 0 ||
	    (rc = pw_lines_prepare(w, p, &sum, err)) != 0 ||
	    (rc = pw_tiers_prepare(&tiers, p->debtor, p->debit != NULL,
	         w->opts.text_flags, err)) != 0 ||
	    (p->debit != NULL &&
	        (rc = pw_debit_prepare(&debit, p->debit, tiers.iban,
	             w->opts.text_flags, err)) != 0))
		goto refused;
	if (w->mt > INT64_MAX - sum || w->pce == LONG_MAX) {
		rc = sepa_error_set(
		    err, SEPA_ERANGE, "the bordereau total overflows");
		goto refused;
	}

	x = &w->x;
	xmlw_open(x, "Piece");
	xmlw_open(x, "BlocPiece");
	xmlw_leaf_long(x, "IdPce", "V", p->id_pce);
	if (w->opts.kind == SEPA_PES_ORMC) {
		pw_leaf(x, "TypPce", "15");
		pw_leaf(x, "NatPce", "01");
		pw_leaf_opt(x, "ObjPce", obj);
		pw_leaf(x, "NumDette", num);
		xmlw_leaf_long(x, "Per", "V", p->per);
		s[1] = '\0';
		s[0] = cle[0];
		pw_leaf(x, "Cle1", s);
		s[0] = cle[1];
		pw_leaf(x, "Cle2", s);
	} else {
		pw_leaf(x, "TypPce", "01");
		pw_leaf(x, "NatPce", "01");
		pw_leaf_opt(x, "ObjPce", obj);
	}
	xmlw_close(x, "BlocPiece");
	for (size_t i = 0; i < p->nb_lines; i++) {
		const struct pw_line *l = &w->line[i];

		xmlw_open(x, "LigneDePiece");
		xmlw_open(x, "BlocLignePiece");
		xmlw_open(x, "InfoLignePiece");
		xmlw_leaf_long(x, "IdLigne", "V", (long)i + 1);
		pw_leaf_opt(x, "ObjLignePce", l->obj);
		pw_leaf(x, "CodProdLoc", l->cod);
		pw_leaf(x, "Nature", l->nature);
		pw_leaf(x, "Majo", "0");
		pw_leaf(x, "TvaIntraCom", "0");
		xmlw_leaf_amount(x, "MtHT", "V", l->amount);
		xmlw_close(x, "InfoLignePiece");
		if (p->debit != NULL)
			pw_debit_write(x, &debit, l->amount);
		xmlw_close(x, "BlocLignePiece");
		pw_tiers_write(x, &tiers, p->debit != NULL);
		xmlw_close(x, "LigneDePiece");
	}
	xmlw_close(x, "Piece");
	if ((rc = pw_sticky(w, err)) != 0)
		return rc;
	w->pce++;
	w->mt += sum;
	w->last_id_pce = p->id_pce;
	w->n.lines += (long)p->nb_lines;
	if (p->debit != NULL)
		w->n.debits += (long)p->nb_lines;
	return 0;
refused:
	sepa_error_prefix(
	    err, "bordereau %ld, piece %ld", w->id_bord, p->id_pce);
	return outfile_where(err, w->f.path, rc);
}

int
sepa_pes_check_piece(enum sepa_pes_kind kind, unsigned text_flags,
    const sepa_pes_piece *p, sepa_error *err)
{
	sepa_pes_writer w;
	char obj[PES_TEXT160_MAX + 1], num[24], cle[2];
	struct pw_tiers tiers;
	struct pw_debit debit;
	int64_t sum;
	int rc;

	if (p == NULL)
		return sepa_error_set(err, SEPA_EINVAL, "no piece");
	/* A writer of nothing: the checks of sepa_pes_add, no bytes. */
	memset(&w, 0, sizeof(w));
	w.opts.kind = kind;
	w.opts.text_flags = text_flags;
	memcpy(w.cod_col, "000", 4);
	memcpy(w.nat, "1", 2);
	memcpy(w.exer, "2000", 5);
	if ((rc = pw_piece_check(
	         &w, p, num, sizeof(num), obj, sizeof(obj), cle, err)) == 0 &&
	    (rc = pw_lines_prepare(&w, p, &sum, err)) == 0 &&
	    (rc = pw_tiers_prepare(
	         &tiers, p->debtor, p->debit != NULL, text_flags, err)) == 0 &&
	    p->debit != NULL)
		rc = pw_debit_prepare(
		    &debit, p->debit, tiers.iban, text_flags, err);
	free(w.line);
	return rc;
}

int
sepa_pes_end_bordereau(sepa_pes_writer *w, sepa_error *err)
{
	char a[SEPA_MONEY_BUFSZ], b[SEPA_MONEY_BUFSZ];
	int rc;

	if (w == NULL)
		return sepa_error_set(err, SEPA_EINVAL, "no writer");
	if ((rc = pw_sticky(w, err)) != 0)
		return rc;
	if (!w->in_bord)
		rc = sepa_error_set(err, SEPA_ESTATE, "no bordereau is open");
	else if (w->pce != w->ann_pce)
		rc = sepa_error_set(err, SEPA_EINVAL,
		    "bordereau %ld: NbrPce announced %ld, written %ld",
		    w->id_bord, w->ann_pce, w->pce);
	else if (w->mt != w->ann_mt)
		rc = sepa_error_set(err, SEPA_EINVAL,
		    "bordereau %ld: MtBordHt announced %s, written %s",
		    w->id_bord, sepa_money_xml(a, w->ann_mt),
		    sepa_money_xml(b, w->mt));
	else if (w->n.total > INT64_MAX - w->mt ||
	    w->n.pieces > LONG_MAX - w->pce)
		rc = sepa_error_set(err, SEPA_ERANGE,
		    "the flow totals overflow at bordereau %ld", w->id_bord);
	if (rc != 0)
		return outfile_where(err, w->f.path, rc);
	xmlw_close(&w->x, "Bordereau");
	if ((rc = pw_sticky(w, err)) != 0)
		return rc;
	w->in_bord = 0;
	w->n.pieces += w->pce;
	w->n.total += w->mt;
	return 0;
}

/* opts.before_place, called by outfile_publish with what the file holds. */
struct pw_place {
	const sepa_pes_opts *opts;
	const sepa_pes_info *info;
};

static int
pw_before_place(void *arg, sepa_error *err)
{
	const struct pw_place *p = arg;

	return p->opts->before_place(p->info, p->opts->before_place_arg, err);
}

int
sepa_pes_close(sepa_pes_writer *w, sepa_pes_info *info, sepa_error *err)
{
	char hex[65];
	sepa_pes_info vi;
	struct pw_place place;
	int rc;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if (w == NULL)
		return 0;
	if ((rc = pw_sticky(w, err)) != 0)
		goto done;
	if (w->in_bord) {
		rc = sepa_error_set(err, SEPA_ESTATE,
		    "bordereau %ld is still open", w->id_bord);
		goto done;
	}
	if (w->n.bordereaux == 0) {
		rc = sepa_error_set(err, SEPA_EINVAL, "no bordereau");
		goto done;
	}
	xmlw_close(&w->x, "PES_RecetteAller");
	xmlw_raw(&w->x, "\n</n:PES_Aller>\n", 16);
	if ((rc = xmlw_finish(&w->x, hex, err)) != 0 ||
	    (rc = outfile_sync(&w->f, err)) != 0 ||
	    (w->q != NULL && (rc = checkq_finish(w->q, hex, err)) != 0))
		goto done;
	/* The thread has seen the same bytes as the file. */
	if (w->v != NULL) {
		if ((rc = pesv_finish(w->v, &vi)) != 0) {
			if (err != NULL)
				*err = w->verr;
			sepa_error_prefix(err, "the written file is not valid");
			goto done;
		}
		if (vi.nb_pieces != w->n.pieces || vi.total != w->n.total ||
		    vi.bytes != w->x.bytes) {
			rc = sepa_error_set(err, SEPA_EXML,
			    "the validator saw %ld pieces in %llu bytes, not "
			    "%ld in %llu",
			    vi.nb_pieces, (unsigned long long)vi.bytes,
			    w->n.pieces, (unsigned long long)w->x.bytes);
			goto done;
		}
	}
	pes_count_info(&w->n, w->x.bytes, &vi);
	memcpy(vi.sha256, hex, sizeof(vi.sha256));
	place.opts = &w->opts;
	place.info = &vi;
	/*
	 * With before_place, from its call on nothing is removed: the caller
	 * may have recorded the placing, and the files are its evidence.
	 */
	if ((rc = outfile_publish(&w->f, w->opts.sidecar ? hex : NULL,
	         w->opts.before_place != NULL ? pw_before_place : NULL, &place,
	         err)) != 0)
		goto done;
	if (info != NULL)
		*info = vi;
done:
	if (rc != 0)
		outfile_where(err, w->f.path, rc);
	pw_free(w);
	return rc;
}
