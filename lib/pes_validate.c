/*
 * pes_validate.c - streamed validator of PES_Aller flows: the project's
 * XSD (schemas/pes/) plugged into the libxml2 push parser (xsdv.c) and,
 * in the same SAX pass, the rules no schema can say (docs/design/pes.md,
 * What is checked), element by element through the table of pes.c. Used
 * on a finished file (sepa_pes_validate_file) and, chunk by chunk, on a
 * flow being written (through checkq.c). A DOCTYPE is refused: no entity
 * can be declared, and no network is used.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "pes_internal.h"
#include "seen.h"
#include "sepa/date.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/money.h"
#include "sepa/pes.h"
#include "xsdv.h"

#define PV_DEPTH 32
#define PV_VALUE 1024
#define PV_PROLOG 256

/* The SEPA data of a line, compared between the lines of a piece. */
struct pv_debit {
	char natprel[4];
	char perprel[4];
	char dteprel[12];
	char seq[4];
	char datesign[12];
	char rum[SEPA_ID_BUFSZ];
	char libprel[PES_LIBPREL_MAX + 1];
	char oldrum[SEPA_ID_BUFSZ];
	char oldics[SEPA_CID_BUFSZ];
	char oldcred[PES_OLDCRED_MAX + 1];
	char oldbank[8];
	char oldiban[SEPA_IBAN_BUFSZ];
	char titdiff[8];
};

/* What a bordereau announces and holds. */
struct pv_bord {
	char exer[8], id_bord[12], typ_bord[4];
	sepa_date dte_bord_em;
	long ann_pce;
	int64_t ann_mt;
	int has_mtcumul, has_mtbordtva, mttva_seen;
	long pce;
	int64_t mt;
};

/* A piece: its BlocPiece and what its lines add up to. */
struct pv_piece {
	char id_pce[12], typ_pce[4], nat_pce[4], edition[4];
	char num_dette[20], per[4], cle1[4], cle2[4];
	int has_num_dette, has_per, has_cle1, has_cle2;
	long nb_lines, sepa_lines;
	int64_t piece_sum;
	struct pv_debit first; /* the debit of its first line */
};

/* A line: its amounts, its debit and its one debtor. */
struct pv_line {
	int64_t mt_ht, mt_prel;
	int majo, has_dtemajo, has_txmajo;
	int has_sepa;
	struct pv_debit deb;
	int tiers;
	int has_cpte, has_bic;
	char iban[SEPA_IBAN_BUFSZ];
	char cat[4], natjur[4];
	int has_civ, has_prenom, has_idtiers, has_natidtiers;
	int codres;
	char codpays[8];
};

struct pesv {
	struct xsdv x; /* the parser, the schema and the first failure */
	struct pes_cache cache;
	unsigned char stack[PV_DEPTH];
	int depth;
	char prolog[PV_PROLOG];
	size_t prolog_len;
	/* the flow */
	char typfic[40];
	char cod_col[8];
	int demat;
	struct pes_count n;
	struct seen ids; /* IdPce of the bordereau */
	struct pv_bord b;
	struct pv_piece p;
	struct pv_line l;
	char value[PV_VALUE];
};

/* ------------------------------------------------------------ values */

/*
 * Copy the value (len bytes) into v->value, "&#38;" back to '&' (how the
 * SAX parser hands over an escaped '&' in an attribute).
 */
static int
pv_value(struct pesv *v, const char *s, size_t len)
{
	size_t i, n = 0;

	if (len >= sizeof(v->value))
		return -1;
	if (memchr(s, '&', len) == NULL) {
		memcpy(v->value, s, len);
		v->value[len] = '\0';
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '&' && i + 4 < len &&
		    memcmp(s + i, "&#38;", 5) == 0)
			i += 4;
		v->value[n++] = s[i];
	}
	v->value[n] = '\0';
	return 0;
}

/* Every character of the (UTF-8) value is a character of ISO-8859-1. */
static int
pv_latin1(struct pesv *v, const char *name)
{
	const unsigned char *p = (const unsigned char *)v->value;

	for (; *p != '\0'; p++) {
		unsigned cp;

		if (*p < 0x80)
			continue;
		if ((*p & 0xE0) == 0xC0 && p[1] != '\0')
			cp = ((unsigned)(*p & 0x1F) << 6) | (p[1] & 0x3F);
		else if ((*p & 0xF0) == 0xE0 && p[1] != '\0' && p[2] != '\0')
			cp = ((unsigned)(*p & 0x0F) << 12) |
			    ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
		else
			cp = 0x10000;
		if (cp >= 0xA0 && cp <= 0xFF) {
			p++;
			continue;
		}
		xsdv_fail(&v->x, SEPA_EINVAL,
		    cp <= 0x9F ? "element %s: control character U+%04X (a "
		                 "Windows-1252 byte in an ISO-8859-1 flow?)"
		        : cp < 0x10000
		        ? "element %s: character U+%04X is not in "
		          "ISO-8859-1"
		        : "element %s: a character beyond U+FFFF "
		          "is not in ISO-8859-1",
		    name, cp);
		return -1;
	}
	return 0;
}

static int
pv_date(struct pesv *v, const char *name, sepa_date *d)
{
	sepa_error e = SEPA_ERROR_INIT;

	if (strlen(v->value) != 10 || sepa_date_parse(d, v->value, &e) != 0) {
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "element %s: %s is not a date YYYY-MM-DD (without time "
		    "zone)",
		    name, v->value);
		return -1;
	}
	return 0;
}

/* A Base_TexteSEPA: the SEPA Latin set, not only zeros. */
static int
pv_sepa_text(struct pesv *v, const char *name)
{
	const char *p;

	for (p = v->value; *p != '\0'; p++)
		if (!sepa_is_latin_char((unsigned char)*p)) {
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "element %s: character '%c' at column %d is outside "
			    "the SEPA Latin set",
			    name,
			    (unsigned char)*p >= 0x20 &&
			            (unsigned char)*p < 0x7f
			        ? *p
			        : '?',
			    (int)(p - v->value) + 1);
			return -1;
		}
	if (strspn(v->value, "0") == strlen(v->value)) {
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "element %s: \"%s\": a value of zeros only is refused",
		    name, v->value);
		return -1;
	}
	return 0;
}

/* An amount in sepad's form; -1 (and the failure) otherwise. */
static int64_t
pv_amount(struct pesv *v, const char *name)
{
	int64_t c = pes_amount(v->value);

	if (c < 1)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "element %s: \"%s\" is not a positive amount written as "
		    "digits, a point and two decimals",
		    name, v->value);
	return c;
}

static int
pv_is_true(const char *s)
{
	return strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0;
}

/* Copy the value into dst of size n (the XSD bounds every length). */
static void
pv_keep(struct pesv *v, char *dst, size_t n)
{
	size_t len = strlen(v->value);

	if (len >= n)
		len = n - 1;
	memcpy(dst, v->value, len);
	dst[len] = '\0';
}

/* ------------------------------------------------------------ leaves */

/* DteAsp, of the bordereau or a piece: not before DteBordEm. */
static void
pv_dte_asp(struct pesv *v, const char *name)
{
	char a[SEPA_DATE_BUFSZ], b[SEPA_DATE_BUFSZ];
	sepa_date d;

	if (pv_date(v, name, &d) == 0 && sepa_date_cmp(d, v->b.dte_bord_em) < 0)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "element %s: %s is before DteBordEm %s", name,
		    sepa_date_iso(a, d), sepa_date_iso(b, v->b.dte_bord_em));
}

/* The leaves of the bordereau and the header. */
static void
pv_leaf_bord(struct pesv *v, int field, const char *name)
{
	switch (field) {
	case PF_TYPFIC:
		pv_keep(v, v->typfic, sizeof(v->typfic));
		break;
	case PF_CODCOL:
		pv_keep(v, v->cod_col, sizeof(v->cod_col));
		break;
	case PF_DEMAT:
		v->demat = pv_is_true(v->value);
		break;
	case PF_EXER:
		pv_keep(v, v->b.exer, sizeof(v->b.exer));
		break;
	case PF_IDBORD:
		pv_keep(v, v->b.id_bord, sizeof(v->b.id_bord));
		break;
	case PF_TYPBORD:
		pv_keep(v, v->b.typ_bord, sizeof(v->b.typ_bord));
		break;
	case PF_DTEBORDEM:
		pv_date(v, name, &v->b.dte_bord_em);
		break;
	case PF_NBRPCE:
		v->b.ann_pce = strtol(v->value, NULL, 10);
		break;
	case PF_MTCUMUL:
		v->b.has_mtcumul = 1;
		pv_amount(v, name);
		break;
	case PF_MTBORDHT:
		v->b.ann_mt = pv_amount(v, name);
		break;
	case PF_MTBORDTVA:
		v->b.has_mtbordtva = 1;
		pv_amount(v, name);
		break;
	case PF_DTEASP_B:
		pv_dte_asp(v, name);
		break;
	default:
		break;
	}
}

/* The leaves of the piece and its lines. */
static void
pv_leaf_piece(struct pesv *v, int field, const char *name)
{
	sepa_date d;

	switch (field) {
	case PF_IDPCE:
		pv_keep(v, v->p.id_pce, sizeof(v->p.id_pce));
		/* The number, not its spelling: "+01" is 1. */
		switch (seen_add(&v->ids,
		    seen_hash_str(
		        &v->ids, v->value + strspn(v->value, "+0")))) {
		case 0:
			break;
		case 1:
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "element IdPce: piece %s is already in bordereau %s",
			    v->value, v->b.id_bord);
			break;
		default:
			xsdv_fail(&v->x, SEPA_ENOMEM, "out of memory");
			break;
		}
		break;
	case PF_TYPPCE:
		pv_keep(v, v->p.typ_pce, sizeof(v->p.typ_pce));
		break;
	case PF_NATPCE:
		pv_keep(v, v->p.nat_pce, sizeof(v->p.nat_pce));
		break;
	case PF_EDITION:
		pv_keep(v, v->p.edition, sizeof(v->p.edition));
		break;
	case PF_DTEASP_P:
		pv_dte_asp(v, name);
		break;
	case PF_NUMDETTE:
		v->p.has_num_dette = 1;
		pv_keep(v, v->p.num_dette, sizeof(v->p.num_dette));
		break;
	case PF_PER:
		v->p.has_per = 1;
		pv_keep(v, v->p.per, sizeof(v->p.per));
		break;
	case PF_CLE1:
		v->p.has_cle1 = 1;
		pv_keep(v, v->p.cle1, sizeof(v->p.cle1));
		break;
	case PF_CLE2:
		v->p.has_cle2 = 1;
		pv_keep(v, v->p.cle2, sizeof(v->p.cle2));
		break;
	case PF_MAJO:
		v->l.majo = pv_is_true(v->value);
		break;
	case PF_DTEMAJO:
		v->l.has_dtemajo = 1;
		pv_date(v, name, &d);
		break;
	case PF_TXMAJO:
		v->l.has_txmajo = 1;
		break;
	case PF_MTHT:
		v->l.mt_ht = pv_amount(v, name);
		break;
	case PF_MTTVA:
		pv_amount(v, name);
		v->b.mttva_seen = 1;
		if (!v->b.has_mtbordtva)
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "element MtTVA: the bordereau has no MtBordTVA");
		break;
	default:
		break;
	}
}

/* The leaves of InfoPrelevementSEPA. */
static void
pv_leaf_debit(struct pesv *v, int field, const char *name)
{
	struct pv_debit *d = &v->l.deb;
	sepa_error e = SEPA_ERROR_INIT;
	char cid[SEPA_CID_BUFSZ];
	sepa_date day;

	switch (field) {
	case PF_NATPREL:
		pv_keep(v, d->natprel, sizeof(d->natprel));
		break;
	case PF_PERPREL:
		pv_keep(v, d->perprel, sizeof(d->perprel));
		break;
	case PF_DTEPREL:
		pv_keep(v, d->dteprel, sizeof(d->dteprel));
		pv_date(v, name, &day);
		break;
	case PF_MTPREL:
		v->l.mt_prel = pv_amount(v, name);
		break;
	case PF_SEQ:
		pv_keep(v, d->seq, sizeof(d->seq));
		break;
	case PF_DATESIGN:
		pv_keep(v, d->datesign, sizeof(d->datesign));
		pv_date(v, name, &day);
		break;
	case PF_RUM:
	case PF_OLDRUM:
		if (sepa_id_validate(v->value, name, &e) != 0)
			xsdv_fail(&v->x, e.code, "element %s", e.msg);
		else if (field == PF_RUM)
			pv_keep(v, d->rum, sizeof(d->rum));
		else
			pv_keep(v, d->oldrum, sizeof(d->oldrum));
		break;
	case PF_LIBPREL:
		pv_keep(v, d->libprel, sizeof(d->libprel));
		break;
	case PF_OLDICS:
		pv_keep(v, d->oldics, sizeof(d->oldics));
		if (strlen(v->value) == 13 && sepa_cid_parse(cid, v->value, &e))
			xsdv_fail(&v->x, e.code, "element %s: %s", name, e.msg);
		break;
	case PF_OLDCRED:
		pv_keep(v, d->oldcred, sizeof(d->oldcred));
		break;
	case PF_OLDBANK:
		pv_keep(v, d->oldbank, sizeof(d->oldbank));
		break;
	case PF_OLDIBAN:
		pv_keep(v, d->oldiban, sizeof(d->oldiban));
		if (sepa_iban_validate(v->value, &e) != 0)
			xsdv_fail(&v->x, e.code, "element %s: %s", name, e.msg);
		break;
	case PF_TITDIFF:
		pv_keep(v, d->titdiff, sizeof(d->titdiff));
		break;
	default:
		break;
	}
}

/* The leaves of the Tiers. */
static void
pv_leaf_tiers(struct pesv *v, int field, const char *name)
{
	sepa_error e = SEPA_ERROR_INIT;
	char bic[SEPA_BIC_BUFSZ];

	switch (field) {
	case PF_IDTIERS:
		v->l.has_idtiers = 1;
		break;
	case PF_NATIDTIERS:
		v->l.has_natidtiers = 1;
		break;
	case PF_CATTIERS:
		pv_keep(v, v->l.cat, sizeof(v->l.cat));
		break;
	case PF_NATJUR:
		pv_keep(v, v->l.natjur, sizeof(v->l.natjur));
		break;
	case PF_CIVILITE:
		v->l.has_civ = 1;
		if (pes_civilite_refused(v->value))
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "element Civilite: \"%s\" is refused by Helios",
			    v->value);
		break;
	case PF_PRENOM:
		v->l.has_prenom = 1;
		break;
	case PF_CODRES:
		v->l.codres = pv_is_true(v->value);
		break;
	case PF_CODPAYS:
		pv_keep(v, v->l.codpays, sizeof(v->l.codpays));
		break;
	case PF_IBAN:
		if (sepa_iban_validate(v->value, &e) != 0)
			xsdv_fail(&v->x, e.code, "element %s: %s", name, e.msg);
		pv_keep(v, v->l.iban, sizeof(v->l.iban));
		break;
	case PF_BIC:
		v->l.has_bic = 1;
		if (sepa_bic_parse(bic, v->value, SEPA_BIC_2009, &e) != 0)
			xsdv_fail(&v->x, e.code, "element %s: %s", name, e.msg);
		else if (strcmp(bic, v->value) != 0)
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "element %s: %s is not in capitals without spaces",
			    name, v->value);
		break;
	default:
		break;
	}
}

/* A leaf <name V="..."/>: the character set, then its field's rules. */
static void
pv_leaf(struct pesv *v, int field, const char *name, int nb_attributes,
    const xmlChar **attributes)
{
	const char *why;
	sepa_date d;
	int i;

	for (i = 0; i < nb_attributes; i++) {
		const xmlChar **a = attributes + 5 * i;

		if (a[2] == NULL && strcmp((const char *)a[0], "V") == 0)
			break;
	}
	if (i == nb_attributes)
		return; /* the XSD has refused it */
	if (pv_value(v, (const char *)attributes[5 * i + 3],
	        (size_t)(attributes[5 * i + 4] - attributes[5 * i + 3])) != 0) {
		xsdv_fail(&v->x, SEPA_ELIMIT,
		    "element %s: value longer than %d bytes", name, PV_VALUE);
		return;
	}
	if (pv_latin1(v, name) != 0)
		return;
	switch (field) {
	case PF_TEXT:
	case PF_TYPFIC:
	case PF_NOMFIC:
	case PF_OBJPCE:
	case PF_IDTIERS:
	case PF_REFTIERS:
	case PF_CIVILITE:
	case PF_NOM:
	case PF_PRENOM:
	case PF_VILLE:
	case PF_TITCPTE:
		if ((why = pes_text_refused(v->value)) != NULL) {
			xsdv_fail(&v->x, SEPA_EINVAL, "element %s: \"%s\": %s",
			    name, v->value, why);
			return;
		}
		break;
	case PF_RUM:
	case PF_LIBPREL:
	case PF_OLDRUM:
	case PF_OLDCRED:
		if (pv_sepa_text(v, name) != 0)
			return;
		break;
	case PF_AMOUNT:
		pv_amount(v, name);
		return;
	case PF_DATE:
	case PF_DTESTR:
		pv_date(v, name, &d);
		return;
	default:
		break;
	}
	if (field >= PF_NATPREL && field <= PF_TITDIFF)
		pv_leaf_debit(v, field, name);
	else if (field >= PF_IDTIERS && field <= PF_TITCPTE)
		pv_leaf_tiers(v, field, name);
	else if (field >= PF_IDPCE && field <= PF_MTTVA)
		pv_leaf_piece(v, field, name);
	else
		pv_leaf_bord(v, field, name);
}

/* -------------------------------------------------------- containers */

/* End of BlocBordereau: the flow's type and the bordereau's agree. */
static void
pv_end_blocbord(struct pesv *v)
{
	int ormc = strcmp(v->b.typ_bord, "06") == 0;

	if (strcmp(v->typfic, "PESORMC") == 0 && !ormc)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "bordereau %s: TypBord %s in a PESORMC flow (06 expected)",
		    v->b.id_bord, v->b.typ_bord);
	else if (strcmp(v->typfic, "PESALR1") == 0 && ormc)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "bordereau %s: an ORMC bordereau (TypBord 06) in a "
		    "PESALR1 flow",
		    v->b.id_bord);
	else if (v->demat && !ormc && !v->b.has_mtcumul)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "bordereau %s: MtCumulAnnuel is mandatory in a "
		    "dematerialised flow",
		    v->b.id_bord);
}

/* End of BlocPiece: the triplet, Edition, and the ORMC keys. */
static void
pv_end_blocpiece(struct pesv *v)
{
	sepa_error e = SEPA_ERROR_INIT;
	const char *why;
	char cle1, cle2;
	int r0;

	if ((why = pes_triplet_refused(
	         v->b.typ_bord, v->p.typ_pce, v->p.nat_pce)) != NULL) {
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "piece %s: TypBord %s, TypPce %s, NatPce %s: %s",
		    v->p.id_pce, v->b.typ_bord, v->p.typ_pce, v->p.nat_pce,
		    why);
		return;
	}
	if (strcmp(v->p.typ_pce, "15") != 0)
		return;
	if (v->p.edition[0] != '\0' && strcmp(v->p.edition, "03") != 0 &&
	    strcmp(v->p.edition, "06") != 0) {
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "piece %s: element Edition: an ORMC piece takes 03 or 06, "
		    "not %s",
		    v->p.id_pce, v->p.edition);
		return;
	}
	if (!v->p.has_num_dette || !v->p.has_per || !v->p.has_cle1 ||
	    !v->p.has_cle2) {
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "piece %s: an ORMC piece has NumDette, Per, Cle1 and Cle2 "
		    "(element %s is missing)",
		    v->p.id_pce,
		    !v->p.has_num_dette  ? "NumDette"
		        : !v->p.has_per  ? "Per"
		        : !v->p.has_cle1 ? "Cle1"
		                         : "Cle2");
		return;
	}
	if (pes_keys(v->cod_col, v->b.id_bord, v->b.exer, v->p.per,
	        v->p.num_dette, &cle1, &cle2, &r0, &e) != 0) {
		xsdv_fail(
		    &v->x, SEPA_EINVAL, "piece %s: %s", v->p.id_pce, e.msg);
		return;
	}
	if (v->p.cle1[0] != cle1 || v->p.cle1[1] != '\0')
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "piece %s: element Cle1 is \"%s\", the key of NumDette %s "
		    "is %c",
		    v->p.id_pce, v->p.cle1, v->p.num_dette, cle1);
	else if (v->p.cle2[0] != cle2 || v->p.cle2[1] != '\0')
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "piece %s: element Cle2 is \"%s\", the key of NumDette %s "
		    "is %c",
		    v->p.id_pce, v->p.cle2, v->p.num_dette, cle2);
}

/* End of InfoPrelevementSEPA: dates, amendment, amount, same debit. */
static void
pv_end_debit(struct pesv *v)
{
	const struct pv_debit *d = &v->l.deb;

	if (strcmp(d->datesign, d->dteprel) > 0)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "piece %s: element DateSignMandat %s is after DtePrel %s",
		    v->p.id_pce, d->datesign, d->dteprel);
	else if (pv_is_true(d->oldbank) && d->oldiban[0] != '\0')
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "piece %s: AncienneBanque and AncienIBAN together (a new "
		    "bank, or a new account at the same bank)",
		    v->p.id_pce);
	else if (d->oldrum[0] != '\0' && strcmp(d->oldrum, d->rum) == 0)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "piece %s: element AncienRUM is RefUniMdt %s", v->p.id_pce,
		    d->rum);
	else if (v->l.mt_prel != v->l.mt_ht)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "piece %s: element MtPrel differs from the line's MtHT",
		    v->p.id_pce);
	else if (v->p.sepa_lines == 0)
		v->p.first = *d;
	else if (memcmp(&v->p.first, d, sizeof(*d)) != 0)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "piece %s: InfoPrelevementSEPA differs from the piece's "
		    "first line (only MtPrel may)",
		    v->p.id_pce);
	v->p.sepa_lines++;
}

/* End of InfoTiers and of Adresse. */
static void
pv_end_tiers_part(struct pesv *v, int state)
{
	if (state == PA_ADR) {
		if (v->l.codres && v->l.codpays[0] == '\0')
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "piece %s: a non-resident (CodRes 1) has a CodPays",
			    v->p.id_pce);
		else if (!v->l.codres && v->l.codpays[0] != '\0' &&
		    strcmp(v->l.codpays, "100") != 0)
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "piece %s: a resident (CodRes 0) has no CodPays "
			    "but 100, not %s",
			    v->p.id_pce, v->l.codpays);
		return;
	}
	if (strcmp(v->l.cat, "01") == 0 && (!v->l.has_civ || !v->l.has_prenom))
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "piece %s: a person (CatTiers 01) has a Civilite and a "
		    "Prenom",
		    v->p.id_pce);
	else if (strcmp(v->l.cat, "01") == 0 &&
	    strcmp(v->l.natjur, "01") != 0 && strcmp(v->l.natjur, "02") != 0)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "piece %s: a person (CatTiers 01) is NatJur 01 or 02, not "
		    "%s",
		    v->p.id_pce, v->l.natjur);
	else if (v->l.has_idtiers != v->l.has_natidtiers)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "piece %s: IdTiers and NatIdTiers go together",
		    v->p.id_pce);
}

/* End of LigneDePiece: one debtor, and a debit's account. */
static void
pv_end_line(struct pesv *v)
{
	if (v->l.tiers != 1) {
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "piece %s: a line has exactly one Tiers (the debtor), not "
		    "%d",
		    v->p.id_pce, v->l.tiers);
		return;
	}
	if (v->l.has_sepa) {
		if (!v->l.has_cpte || v->l.iban[0] == '\0') {
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "piece %s: a line with InfoPrelevementSEPA has a "
			    "Tiers/CpteBancaire with an IBAN",
			    v->p.id_pce);
			return;
		}
		if (strcmp(v->l.deb.oldiban, v->l.iban) == 0) {
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "piece %s: element AncienIBAN is the account "
			    "debited",
			    v->p.id_pce);
			return;
		}
		v->n.debits++;
	}
	if (v->p.piece_sum > INT64_MAX - v->l.mt_ht) {
		xsdv_fail(&v->x, SEPA_ERANGE, "the amounts overflow");
		return;
	}
	v->p.piece_sum += v->l.mt_ht;
	v->p.nb_lines++;
	v->n.lines++;
}

static void
pv_end_bord(struct pesv *v)
{
	char a[SEPA_MONEY_BUFSZ], b[SEPA_MONEY_BUFSZ];

	if (v->b.pce != v->b.ann_pce)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "bordereau %s: NbrPce says %ld, the bordereau holds %ld",
		    v->b.id_bord, v->b.ann_pce, v->b.pce);
	else if (v->b.mt != v->b.ann_mt)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "bordereau %s: MtBordHt says %s, the lines add up to %s",
		    v->b.id_bord, sepa_money_xml(a, v->b.ann_mt),
		    sepa_money_xml(b, v->b.mt));
	else if (v->b.has_mtbordtva && !v->b.mttva_seen)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "bordereau %s: MtBordTVA without a line with MtTVA",
		    v->b.id_bord);
	else if (v->n.total > INT64_MAX - v->b.mt)
		xsdv_fail(&v->x, SEPA_ERANGE, "the amounts overflow");
	else {
		v->n.bordereaux++;
		v->n.pieces += v->b.pce;
		v->n.total += v->b.mt;
	}
}

static void
pv_open(struct pesv *v, int state)
{
	switch (state) {
	case PA_BORD:
		memset(&v->b, 0, sizeof(v->b));
		seen_clear(&v->ids);
		break;
	case PA_PIECE:
		memset(&v->p, 0, sizeof(v->p));
		break;
	case PA_LIGNE:
		memset(&v->l, 0, sizeof(v->l));
		break;
	case PA_SEPA:
		v->l.has_sepa = 1;
		break;
	case PA_TIERS:
		v->l.tiers++;
		break;
	case PA_CPTE:
		v->l.has_cpte = 1;
		break;
	default:
		break;
	}
}

static void
pv_close(struct pesv *v, int state)
{
	switch (state) {
	case PA_BLOCBORD:
		pv_end_blocbord(v);
		break;
	case PA_BLOCPCE:
		pv_end_blocpiece(v);
		break;
	case PA_INFOLIG:
		if (v->l.majo && (!v->l.has_dtemajo || !v->l.has_txmajo))
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "piece %s: Majo 1 needs DteMajo and TxMajo",
			    v->p.id_pce);
		break;
	case PA_SEPA:
		pv_end_debit(v);
		break;
	case PA_INFOTIERS:
	case PA_ADR:
		pv_end_tiers_part(v, state);
		break;
	case PA_CPTE:
		if (v->l.iban[0] != '\0' && strncmp(v->l.iban, "FR", 2) != 0 &&
		    !v->l.has_bic)
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "piece %s: CpteBancaire: an account outside France "
			    "has a BIC",
			    v->p.id_pce);
		break;
	case PA_LIGNE:
		pv_end_line(v);
		break;
	case PA_PIECE:
		if (v->p.sepa_lines != 0 && v->p.sepa_lines != v->p.nb_lines)
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "piece %s: InfoPrelevementSEPA in some lines only",
			    v->p.id_pce);
		else if (v->b.mt > INT64_MAX - v->p.piece_sum)
			xsdv_fail(&v->x, SEPA_ERANGE, "the amounts overflow");
		v->b.pce++;
		v->b.mt += v->p.piece_sum;
		break;
	case PA_BORD:
		pv_end_bord(v);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------ SAX */

/* The root: the namespace, and the encoding the declaration names. */
static void
pv_root(struct pesv *v, const xmlChar *localname, const xmlChar *uri)
{
	char enc[32];

	if (uri == NULL || strcmp((const char *)uri, SEPA_PES_NS) != 0 ||
	    strcmp((const char *)localname, "PES_Aller") != 0) {
		xsdv_fail(&v->x, SEPA_EXML, "the root is not a PES_Aller of %s",
		    SEPA_PES_NS);
		return;
	}
	if (pes_declared_encoding(v->prolog, v->prolog_len, enc, sizeof(enc)) !=
	    0)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "no XML declaration with encoding=\"ISO-8859-1\"");
	else if (strcasecmp(enc, "ISO-8859-1") != 0)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "the flow declares encoding \"%s\", not ISO-8859-1", enc);
}

static void
pv_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct pesv *v = ctx;
	const struct pes_row *row;

	(void)prefix;
	(void)nb_namespaces;
	(void)namespaces;
	(void)nb_defaulted;
	if (v->x.failed)
		return;
	if (v->depth == 0)
		pv_root(v, localname, uri);
	if (v->depth >= PV_DEPTH) {
		xsdv_fail(&v->x, SEPA_ELIMIT, "elements nested deeper than %d",
		    PV_DEPTH);
		return;
	}
	if (v->x.failed)
		return;
	row =
	    pes_step(&v->cache, v->depth == 0 ? PS_TOP : v->stack[v->depth - 1],
	        (const char *)localname);
	v->stack[v->depth++] = row->to;
	if (row->to == PS_LEAF)
		pv_leaf(v, row->field, (const char *)localname, nb_attributes,
		    attributes);
	else
		pv_open(v, row->to);
}

static void
pv_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct pesv *v = ctx;

	(void)localname;
	(void)prefix;
	(void)uri;
	if (v->x.failed || v->depth == 0)
		return;
	pv_close(v, v->stack[--v->depth]);
}

/* A DOCTYPE: refused, so that no entity is ever declared. */
static void
pv_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
    const xmlChar *system_id)
{
	struct pesv *v = ctx;

	(void)name;
	(void)external_id;
	(void)system_id;
	xsdv_fail(&v->x, SEPA_EXML, "DOCTYPE not allowed in PES files");
}

void
pesv_free(struct pesv *v)
{
	if (v == NULL)
		return;
	xsdv_close(&v->x);
	seen_free(&v->ids);
	free(v);
}

int
pesv_open(struct pesv **out, const char *schema_dir,
    const struct xsdv_schema *shared, const char *name, sepa_error *err)
{
	xmlSAXHandler sax;
	struct pesv *v;
	char xsd[PATH_MAX];
	int rc;

	*out = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	/* 99,999 pieces at most in a bordereau. */
	if ((rc = seen_init(&v->ids, 99999, err)) != 0) {
		pesv_free(v);
		return rc;
	}
	snprintf(xsd, sizeof(xsd), "%s/%s",
	    schema_dir != NULL ? schema_dir : "", SEPA_PES_XSD);
	memset(&sax, 0, sizeof(sax));
	sax.startElementNs = pv_start;
	sax.endElementNs = pv_end;
	sax.internalSubset = pv_subset;
	if ((rc = xsdv_open(&v->x, xsd, shared, &sax, v, name, err)) != 0) {
		pesv_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

int
pesv_feed(void *arg, const char *buf, size_t n)
{
	struct pesv *v = arg;

	if (v->prolog_len < sizeof(v->prolog)) {
		size_t k = sizeof(v->prolog) - v->prolog_len;

		if (k > n)
			k = n;
		memcpy(v->prolog + v->prolog_len, buf, k);
		v->prolog_len += k;
	}
	return xsdv_feed(&v->x, buf, n);
}

int
pesv_finish(struct pesv *v, sepa_pes_info *info)
{
	int rc;

	if (v->x.bytes == 0)
		xsdv_fail(&v->x, SEPA_EXML, "empty file");
	if (xsdv_end(&v->x) == 0 && v->n.bordereaux == 0)
		xsdv_fail(&v->x, SEPA_EXML, "the flow has no bordereau");
	if ((rc = xsdv_code(&v->x)) != 0)
		return rc;
	if (info != NULL)
		pes_count_info(&v->n, v->x.bytes, info);
	return 0;
}

int
sepa_pes_validate_file(const char *path, const char *schema_dir,
    sepa_pes_info *info, sepa_error *err)
{
	struct pesv *v = NULL;
	int rc;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if (path == NULL || schema_dir == NULL || schema_dir[0] == '\0')
		return sepa_error_set(err, SEPA_EINVAL,
		    "validation needs a file and the schema directory");
	if ((rc = pesv_open(&v, schema_dir, NULL, path, err)) == 0 &&
	    (rc = xsdv_feed_file(path, pesv_feed, v, err)) == 0)
		rc = pesv_finish(v, info);
	pesv_free(v);
	return rc;
}
