/*
 * pes.c - what the PES writer, validator and reader share: the element
 * table of a PES_Aller and of a PES_ACQUIT (docs/design/pes.md, The
 * tree), the Cle1/Cle2 keys, the codes and the value rules.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "pes_internal.h"
#include "sepa/pes.h"

/* ------------------------------------------------------------ the table */

#define ROW(from, name, to, field) \
	{ \
		from, to, field, name \
	}
#define LEAF(from, name, field) \
	{ \
		from, PS_LEAF, field, name \
	}

static const struct pes_row pes_rows[] = {
    ROW(PS_TOP, "PES_Aller", PA_ROOT, PF_NONE),
    ROW(PS_TOP, "PES_ACQUIT", PQ_ROOT, PF_NONE),
    ROW(PA_ROOT, "Enveloppe", PA_ENV, PF_NONE),
    ROW(PA_ROOT, "EnTetePES", PA_ENTETE, PF_NONE),
    ROW(PA_ROOT, "PES_RecetteAller", PA_RECETTE, PF_NONE),
    ROW(PA_ENV, "Parametres", PA_PARAM, PF_NONE),
    ROW(PA_ENV, "Emetteur", PA_EMET, PF_NONE),
    ROW(PA_ENV, "Recepteur", PA_EMET, PF_NONE),
    LEAF(PA_PARAM, "Version", PF_VERSION),
    LEAF(PA_PARAM, "TypFic", PF_TYPFIC),
    LEAF(PA_PARAM, "NomFic", PF_NOMFIC),
    LEAF(PA_EMET, "Sigle", PF_TEXT),
    LEAF(PA_EMET, "Adresse", PF_TEXT),
    LEAF(PA_ENTETE, "DteStr", PF_DTESTR),
    LEAF(PA_ENTETE, "IdPost", PF_IDPOST),
    LEAF(PA_ENTETE, "LibellePoste", PF_TEXT),
    LEAF(PA_ENTETE, "IdColl", PF_IDCOLL),
    LEAF(PA_ENTETE, "FinJur", PF_OTHER),
    LEAF(PA_ENTETE, "CodCol", PF_CODCOL),
    LEAF(PA_ENTETE, "CodBud", PF_CODBUD),
    LEAF(PA_ENTETE, "LibelleColBud", PF_TEXT),
    ROW(PA_RECETTE, "EnTeteRecette", PA_ENTREC, PF_NONE),
    ROW(PA_RECETTE, "Bordereau", PA_BORD, PF_NONE),
    LEAF(PA_ENTREC, "IdVer", PF_OTHER),
    LEAF(PA_ENTREC, "InfoDematerialisee", PF_DEMAT),
    ROW(PA_BORD, "BlocBordereau", PA_BLOCBORD, PF_NONE),
    ROW(PA_BORD, "Piece", PA_PIECE, PF_NONE),
    LEAF(PA_BLOCBORD, "Exer", PF_EXER),
    LEAF(PA_BLOCBORD, "IdBord", PF_IDBORD),
    LEAF(PA_BLOCBORD, "DteBordEm", PF_DTEBORDEM),
    LEAF(PA_BLOCBORD, "TypBord", PF_TYPBORD),
    LEAF(PA_BLOCBORD, "NbrPce", PF_NBRPCE),
    LEAF(PA_BLOCBORD, "MtCumulAnnuel", PF_MTCUMUL),
    LEAF(PA_BLOCBORD, "MtBordHt", PF_MTBORDHT),
    LEAF(PA_BLOCBORD, "MtBordTVA", PF_MTBORDTVA),
    LEAF(PA_BLOCBORD, "DteAsp", PF_DTEASP_B),
    LEAF(PA_BLOCBORD, "Objet", PF_TEXT),
    ROW(PA_PIECE, "BlocPiece", PA_BLOCPCE, PF_NONE),
    ROW(PA_PIECE, "LigneDePiece", PA_LIGNE, PF_NONE),
    LEAF(PA_BLOCPCE, "CodServ", PF_OTHER),
    LEAF(PA_BLOCPCE, "Affect", PF_OTHER),
    LEAF(PA_BLOCPCE, "IdPce", PF_IDPCE),
    LEAF(PA_BLOCPCE, "TypPce", PF_TYPPCE),
    LEAF(PA_BLOCPCE, "NatPce", PF_NATPCE),
    LEAF(PA_BLOCPCE, "IdRol", PF_OTHER),
    LEAF(PA_BLOCPCE, "DteAsp", PF_DTEASP_P),
    LEAF(PA_BLOCPCE, "Edition", PF_EDITION),
    LEAF(PA_BLOCPCE, "ObjPce", PF_OBJPCE),
    LEAF(PA_BLOCPCE, "DebFact", PF_DATE),
    LEAF(PA_BLOCPCE, "FinFact", PF_DATE),
    LEAF(PA_BLOCPCE, "NumDette", PF_NUMDETTE),
    LEAF(PA_BLOCPCE, "Per", PF_PER),
    LEAF(PA_BLOCPCE, "Cle1", PF_CLE1),
    LEAF(PA_BLOCPCE, "Cle2", PF_CLE2),
    ROW(PA_BLOCPCE, "PJRef", PA_PJREF, PF_NONE),
    LEAF(PA_BLOCPCE, "NumeroFacture", PF_TEXT),
    LEAF(PA_BLOCPCE, "NumeroMarche", PF_TEXT),
    LEAF(PA_BLOCPCE, "NumeroEngagement", PF_TEXT),
    LEAF(PA_BLOCPCE, "CodeService", PF_TEXT),
    LEAF(PA_BLOCPCE, "NomService", PF_TEXT),
    LEAF(PA_PJREF, "Support", PF_OTHER),
    LEAF(PA_PJREF, "IdUnique", PF_OTHER),
    LEAF(PA_PJREF, "NomPJ", PF_OTHER),
    LEAF(PA_PJREF, "TypePJ", PF_OTHER),
    ROW(PA_LIGNE, "BlocLignePiece", PA_BLOCLIG, PF_NONE),
    ROW(PA_LIGNE, "Tiers", PA_TIERS, PF_NONE),
    ROW(PA_BLOCLIG, "InfoLignePiece", PA_INFOLIG, PF_NONE),
    ROW(PA_BLOCLIG, "InfoPrelevementSEPA", PA_SEPA, PF_NONE),
    ROW(PA_BLOCLIG, "RattachPiece", PA_RATTACH, PF_NONE),
    ROW(PA_BLOCLIG, "LiensIdent", PA_LIENS, PF_NONE),
    LEAF(PA_INFOLIG, "IdLigne", PF_OTHER),
    LEAF(PA_INFOLIG, "ObjLignePce", PF_TEXT),
    LEAF(PA_INFOLIG, "CodProdLoc", PF_TEXT),
    LEAF(PA_INFOLIG, "FinGeo", PF_OTHER),
    LEAF(PA_INFOLIG, "CodEtGeo", PF_OTHER),
    LEAF(PA_INFOLIG, "Nature", PF_OTHER),
    LEAF(PA_INFOLIG, "Fonction", PF_OTHER),
    LEAF(PA_INFOLIG, "Operation", PF_OTHER),
    LEAF(PA_INFOLIG, "TxTva", PF_OTHER),
    LEAF(PA_INFOLIG, "Majo", PF_MAJO),
    LEAF(PA_INFOLIG, "DteMajo", PF_DTEMAJO),
    LEAF(PA_INFOLIG, "TxMajo", PF_TXMAJO),
    LEAF(PA_INFOLIG, "CpteTiers", PF_OTHER),
    LEAF(PA_INFOLIG, "TvaIntraCom", PF_OTHER),
    LEAF(PA_INFOLIG, "TVAImportation", PF_OTHER),
    LEAF(PA_INFOLIG, "MtHT", PF_MTHT),
    LEAF(PA_INFOLIG, "MtTVA", PF_MTTVA),
    LEAF(PA_INFOLIG, "MtNonMajo", PF_AMOUNT),
    ROW(PA_INFOLIG, "InfoCollBen", PA_COLLBEN, PF_NONE),
    ROW(PA_INFOLIG, "PJRef", PA_PJREF, PF_NONE),
    LEAF(PA_COLLBEN, "IdCollBen", PF_OTHER),
    LEAF(PA_COLLBEN, "CodCollBen", PF_OTHER),
    LEAF(PA_COLLBEN, "CodBudBen", PF_OTHER),
    LEAF(PA_SEPA, "NatPrel", PF_NATPREL),
    LEAF(PA_SEPA, "PerPrel", PF_PERPREL),
    LEAF(PA_SEPA, "DtePrel", PF_DTEPREL),
    LEAF(PA_SEPA, "MtPrel", PF_MTPREL),
    LEAF(PA_SEPA, "SequencePres", PF_SEQ),
    LEAF(PA_SEPA, "DateSignMandat", PF_DATESIGN),
    LEAF(PA_SEPA, "RefUniMdt", PF_RUM),
    LEAF(PA_SEPA, "LibPrel", PF_LIBPREL),
    LEAF(PA_SEPA, "AncienRUM", PF_OLDRUM),
    LEAF(PA_SEPA, "AncienICS", PF_OLDICS),
    LEAF(PA_SEPA, "AncienTiersCreancier", PF_OLDCRED),
    LEAF(PA_SEPA, "AncienneBanque", PF_OLDBANK),
    LEAF(PA_SEPA, "AncienIBAN", PF_OLDIBAN),
    LEAF(PA_SEPA, "TitCpteDiff", PF_TITDIFF),
    LEAF(PA_RATTACH, "NatPceOrig", PF_OTHER),
    LEAF(PA_RATTACH, "ExerRat", PF_OTHER),
    LEAF(PA_RATTACH, "IdPceOrig", PF_OTHER),
    LEAF(PA_RATTACH, "IdLigneOrig", PF_OTHER),
    LEAF(PA_LIENS, "IdConv", PF_OTHER),
    LEAF(PA_LIENS, "IdMarche", PF_OTHER),
    LEAF(PA_LIENS, "IdCaution", PF_OTHER),
    LEAF(PA_LIENS, "IdEmpruntOrdo", PF_OTHER),
    LEAF(PA_LIENS, "IdActif", PF_OTHER),
    LEAF(PA_LIENS, "IdRegie", PF_OTHER),
    ROW(PA_TIERS, "InfoTiers", PA_INFOTIERS, PF_NONE),
    ROW(PA_TIERS, "Adresse", PA_ADR, PF_NONE),
    ROW(PA_TIERS, "CpteBancaire", PA_CPTE, PF_NONE),
    LEAF(PA_INFOTIERS, "IdTiers", PF_IDTIERS),
    LEAF(PA_INFOTIERS, "DteNaissance", PF_DATE),
    LEAF(PA_INFOTIERS, "NatIdTiers", PF_NATIDTIERS),
    LEAF(PA_INFOTIERS, "DteIdTiers", PF_DATE),
    LEAF(PA_INFOTIERS, "RefTiers", PF_REFTIERS),
    LEAF(PA_INFOTIERS, "CatTiers", PF_CATTIERS),
    LEAF(PA_INFOTIERS, "NatJur", PF_NATJUR),
    LEAF(PA_INFOTIERS, "TypTiers", PF_OTHER),
    LEAF(PA_INFOTIERS, "Civilite", PF_CIVILITE),
    LEAF(PA_INFOTIERS, "Nom", PF_NOM),
    LEAF(PA_INFOTIERS, "ComplNom", PF_TEXT),
    LEAF(PA_INFOTIERS, "Prenom", PF_PRENOM),
    LEAF(PA_INFOTIERS, "LieuNaissance", PF_OTHER),
    LEAF(PA_ADR, "TypAdr", PF_OTHER),
    LEAF(PA_ADR, "Adr1", PF_TEXT),
    LEAF(PA_ADR, "Adr2", PF_TEXT),
    LEAF(PA_ADR, "Adr3", PF_TEXT),
    LEAF(PA_ADR, "CP", PF_CP),
    LEAF(PA_ADR, "Ville", PF_VILLE),
    LEAF(PA_ADR, "CodRes", PF_CODRES),
    LEAF(PA_ADR, "CodPays", PF_CODPAYS),
    LEAF(PA_ADR, "DteAdr", PF_DATE),
    LEAF(PA_CPTE, "IdPayInt", PF_OTHER),
    LEAF(PA_CPTE, "IdBancInt", PF_OTHER),
    LEAF(PA_CPTE, "CodeEtab", PF_OTHER),
    LEAF(PA_CPTE, "CodeGuic", PF_OTHER),
    LEAF(PA_CPTE, "IdCpte", PF_TEXT),
    LEAF(PA_CPTE, "CleRib", PF_OTHER),
    LEAF(PA_CPTE, "BIC", PF_BIC),
    LEAF(PA_CPTE, "IBAN", PF_IBAN),
    LEAF(PA_CPTE, "LibBanc", PF_TEXT),
    LEAF(PA_CPTE, "TitCpte", PF_TITCPTE),
    LEAF(PA_CPTE, "DteBanc", PF_DATE),
    /* PES_ACQUIT: the envelope and header of a PES_Aller, then ACQUIT */
    ROW(PQ_ROOT, "Enveloppe", PQ_ENV, PF_NONE),
    ROW(PQ_ROOT, "EnTetePES", PA_ENTETE, PF_NONE),
    ROW(PQ_ROOT, "ACQUIT", PQ_ACQUIT, PF_NONE),
    ROW(PQ_ENV, "Parametres", PA_PARAM, PF_NONE),
    ROW(PQ_ACQUIT, "ElementACQUIT", PQ_ELEM, PF_NONE),
    LEAF(PQ_ELEM, "DomaineAck", PF_DOMAINE),
    LEAF(PQ_ELEM, "EtatAck", PF_ETAT),
    LEAF(PQ_ELEM, "NumBord", PF_NUMBORD),
    LEAF(PQ_ELEM, "ExerciceBord", PF_EXERBORD),
    LEAF(PQ_ELEM, "IdUnique", PF_IDUNIQUE),
    ROW(PQ_ELEM, "Erreur", PQ_ERR, PF_NONE),
    ROW(PQ_ELEM, "DetailPiece", PQ_PIECE, PF_NONE),
    LEAF(PQ_ERR, "NumAnoAck", PF_ANO),
    LEAF(PQ_ERR, "LibelleAnoAck", PF_LIBANO),
    LEAF(PQ_PIECE, "NumPiece", PF_NUMPIECE),
    ROW(PQ_PIECE, "Erreur", PQ_ERR, PF_NONE),
    ROW(PQ_PIECE, "DetailLigne", PQ_LIGNE, PF_NONE),
    LEAF(PQ_LIGNE, "NumLigne", PF_NUMLIGNE),
    ROW(PQ_LIGNE, "Erreur", PQ_ERR, PF_NONE),
};

#undef ROW
#undef LEAF

static const struct pes_row pes_skip = {PS_SKIP, PS_SKIP, PF_NONE, ""};

const struct pes_row *
pes_step(struct pes_cache *c, int from, const char *name)
{
	/* Fibonacci hashing of the pointer and the state. */
	size_t h = (size_t)(((uint64_t)(uintptr_t)name * 0x9E3779B97F4A7C15u +
	                        (uint64_t)from * 0xC2B2AE3D27D4EB4Fu) >>
	    (64 - PES_CACHE_BITS));
	const struct pes_row *row = &pes_skip;

	if (c->e[h].name == name && c->e[h].from == from)
		return c->e[h].row;
	if (from != PS_SKIP && from != PS_LEAF) {
		for (size_t i = 0; i < sizeof(pes_rows) / sizeof(pes_rows[0]);
		     i++) {
			if (pes_rows[i].from == from &&
			    strcmp(pes_rows[i].name, name) == 0) {
				row = &pes_rows[i];
				break;
			}
		}
	}
	c->e[h].name = name;
	c->e[h].from = from;
	c->e[h].row = row;
	return row;
}

/* ------------------------------------------------------------- the keys */

static const char pes_cle2_letters[] = "ABCDEFGHJKLMNPQRSTUVWXY";

/* 1 when s is 1 to max decimal digits (at least min). */
static int
pes_digits(const char *s, size_t min, size_t max)
{
	size_t n = 0;

	if (s == NULL)
		return 0;
	for (; s[n] != '\0'; n++)
		if (s[n] < '0' || s[n] > '9')
			return 0;
	return n >= min && n <= max;
}

int
pes_keys(const char *col, const char *nat, const char *exer, const char *per,
    const char *num_dette, char *cle1, char *cle2, int *r0, sepa_error *err)
{
	/* COL (3) NAT (7) YY (2) P (1) D13 (13), and the NUL */
	char s1[3 + 7 + 2 + 1 + 13 + 1];
	unsigned t = 0, w = 2, k = 0;
	size_t n, i;
	int r;

	*cle1 = *cle2 = '\0';
	*r0 = 0;
	if (!pes_digits(col, 1, 3))
		return sepa_error_set(err, SEPA_EINVAL,
		    "keys: CodCol \"%.8s\" is not 1 to 3 digits",
		    col != NULL ? col : "");
	if (!pes_digits(nat, 1, 7))
		return sepa_error_set(err, SEPA_EINVAL,
		    "keys: the code nature \"%.16s\" is not 1 to 7 digits",
		    nat != NULL ? nat : "");
	if (!pes_digits(exer, 2, 4))
		return sepa_error_set(err, SEPA_EINVAL,
		    "keys: Exer \"%.8s\" is not a year",
		    exer != NULL ? exer : "");
	if (!pes_digits(per, 1, 1))
		return sepa_error_set(err, SEPA_EINVAL,
		    "keys: Per \"%.8s\" is not one digit",
		    per != NULL ? per : "");
	if (!pes_digits(num_dette, 1, PES_NUMDETTE_DIGITS))
		return sepa_error_set(err, SEPA_EINVAL,
		    "keys: NumDette \"%.20s\" is not 1 to %d digits",
		    num_dette != NULL ? num_dette : "", PES_NUMDETTE_DIGITS);
	/* S1 = COL NAT YY P D13, D13 = NumDette left-padded to 13 digits. */
	n = strlen(col);
	memcpy(s1, col, n);
	memcpy(s1 + n, nat, strlen(nat));
	n += strlen(nat);
	s1[n++] = exer[strlen(exer) - 2];
	s1[n++] = exer[strlen(exer) - 1];
	s1[n++] = per[0];
	memset(s1 + n, '0', PES_NUMDETTE_DIGITS - strlen(num_dette));
	n += PES_NUMDETTE_DIGITS - strlen(num_dette);
	memcpy(s1 + n, num_dette, strlen(num_dette));
	n += strlen(num_dette);
	s1[n] = '\0';

	/* Cle1: weights 2..7 from the rightmost digit, mod 11. */
	for (i = n; i-- > 0;) {
		t += (unsigned)(s1[i] - '0') * w;
		w = w == 7 ? 2 : w + 1;
	}
	r = (int)(t % 11);
	*r0 = r == 0;
	*cle1 = r <= 1 ? '1' : (char)('0' + 11 - r);

	/* Cle2: YY P 00 D13 (18 digits) mod 23, a digit at a time. */
	{
		const char *yyp = s1 + n - PES_NUMDETTE_DIGITS - 3;
		const char *d13 = s1 + n - PES_NUMDETTE_DIGITS;

		for (i = 0; i < 3; i++)
			k = (k * 10 + (unsigned)(yyp[i] - '0')) % 23;
		k = k * 100 % 23;
		for (i = 0; i < PES_NUMDETTE_DIGITS; i++)
			k = (k * 10 + (unsigned)(d13[i] - '0')) % 23;
	}
	*cle2 = pes_cle2_letters[k];
	return 0;
}

int
sepa_pes_keys(const char *col, const char *nat, const char *exer,
    const char *per, const char *num_dette, char *cle1, char *cle2,
    sepa_error *err)
{
	int r0;

	return pes_keys(col, nat, exer, per, num_dette, cle1, cle2, &r0, err);
}

/* ----------------------------------------------------------- the codes */

static const struct {
	int seq;
	const char *code;
} pes_seqs[] = {
    {SEPA_SEQ_OOFF, "01"},
    {SEPA_SEQ_FRST, "02"},
    {SEPA_SEQ_RCUR, "03"},
    {SEPA_SEQ_FNAL, "04"},
};

const char *
pes_seq_code(int seq)
{
	for (size_t i = 0; i < sizeof(pes_seqs) / sizeof(pes_seqs[0]); i++)
		if (pes_seqs[i].seq == seq)
			return pes_seqs[i].code;
	return NULL;
}

const char *
pes_seq_name(const char *code)
{
	for (size_t i = 0; i < sizeof(pes_seqs) / sizeof(pes_seqs[0]); i++)
		if (strcmp(pes_seqs[i].code, code) == 0)
			return sepa_seq_name((enum sepa_seq)pes_seqs[i].seq);
	return NULL;
}

/* ---------------------------------------------------------- the values */

int64_t
pes_amount(const char *s)
{
	int64_t v = 0;
	size_t n = 0;

	if (s[0] == '0' && s[1] != '.')
		return -1;
	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		if (n == 12)
			return -1;
		v = v * 10 + (s[n] - '0');
	}
	if (n == 0 || s[n] != '.' || s[n + 1] < '0' || s[n + 1] > '9' ||
	    s[n + 2] < '0' || s[n + 2] > '9' || s[n + 3] != '\0')
		return -1;
	return v * 100 + (s[n + 1] - '0') * 10 + (s[n + 2] - '0');
}

const char *
pes_text_refused(const char *v)
{
	const char *p;

	if (strcmp(v, ".") == 0 || strcmp(v, " ") == 0)
		return "a lone \".\" or space is refused";
	if (strcmp(v, "nc") == 0)
		return "\"nc\" (not communicated) is refused";
	for (p = v; *p == '0'; p++)
		;
	if (*p == '\0')
		return "a value of zeros only is refused";
	return NULL;
}

int
pes_civilite_refused(const char *v)
{
	return strcasecmp(v, "Mademoiselle") == 0 ||
	    strcasecmp(v, "Mlle") == 0 || strcasecmp(v, "Melle") == 0;
}

const char *
pes_triplet_refused(
    const char *typ_bord, const char *typ_pce, const char *nat_pce)
{
	static const char *const titre_nat[] = {
	    "01", "02", "03", "04", "05", "11", "18"};

	if (strcmp(typ_bord, "06") == 0 || strcmp(typ_pce, "15") == 0) {
		if (strcmp(typ_bord, "06") != 0 || strcmp(typ_pce, "15") != 0 ||
		    strcmp(nat_pce, "01") != 0)
			return "an ORMC piece is TypBord 06, TypPce 15, "
			       "NatPce 01";
		return NULL;
	}
	if (strcmp(typ_bord, "01") == 0 && strcmp(typ_pce, "01") == 0) {
		for (size_t i = 0; i < sizeof(titre_nat) / sizeof(titre_nat[0]);
		     i++)
			if (strcmp(nat_pce, titre_nat[i]) == 0)
				return NULL;
		return "an ordinary titre (TypBord 01, TypPce 01) has NatPce "
		       "01 to 05, 11 or 18";
	}
	return NULL;
}

int
pes_declared_encoding(const char *buf, size_t n, char *out, size_t outsz)
{
	const char *end, *p, *q;
	char quote;

	out[0] = '\0';
	if (n < 6 || memcmp(buf, "<?xml", 5) != 0 ||
	    (end = memchr(buf, '>', n)) == NULL)
		return -1;
	for (p = buf + 5; p + 8 < end; p++)
		if (memcmp(p, "encoding", 8) == 0)
			break;
	if (p + 8 >= end)
		return -1;
	for (p += 8; p < end &&
	     (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '=');
	     p++)
		;
	if (p >= end || (*p != '"' && *p != '\''))
		return -1;
	quote = *p++;
	for (q = p; q < end && *q != quote; q++)
		;
	if (q >= end || (size_t)(q - p) >= outsz)
		return -1;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return 0;
}

void
pes_count_info(const struct pes_count *c, uint64_t bytes, sepa_pes_info *info)
{
	memset(info, 0, sizeof(*info));
	info->nb_bordereaux = c->bordereaux;
	info->nb_pieces = c->pieces;
	info->nb_lines = c->lines;
	info->nb_debits = c->debits;
	info->total = c->total;
	info->bytes = bytes;
}
