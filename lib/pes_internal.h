/*
 * pes_internal.h - what the PES writer (pes_write.c), validator
 * (pes_validate.c) and reader (pes_read.c) share (private to lib/): the
 * element table of a PES_Aller and of a PES_ACQUIT {from, element, to,
 * field}, the keys with their ambiguous case, the codes, and the value
 * rules every side applies the same way.
 */
#ifndef SEPA_PES_INTERNAL_H
#define SEPA_PES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sepa/error.h"
#include "sepa/pes.h"

struct pesv;
struct xsdv_schema;

/* Lengths of the texts sepad writes (characters, after reduction). */
#define PES_NOMFIC_MAX 100
#define PES_SIGLE_MAX 32
#define PES_TEXT38_MAX 38
#define PES_TEXT160_MAX 160
#define PES_CIVILITE_MAX 10
#define PES_REFTIERS_MAX 30
#define PES_TITCPTE_MAX 32
#define PES_LIBPREL_MAX 140
#define PES_OLDCRED_MAX 70
#define PES_NUMDETTE_DIGITS 13

/* Containers of the two documents; leaves are PS_LEAF. */
enum pes_state {
	PS_SKIP = 0, /* unknown or unchecked: its subtree is skipped */
	PS_TOP,
	PS_LEAF,
	/* PES_Aller */
	PA_ROOT,
	PA_ENV,
	PA_PARAM,
	PA_EMET,
	PA_ENTETE,
	PA_RECETTE,
	PA_ENTREC,
	PA_BORD,
	PA_BLOCBORD,
	PA_PIECE,
	PA_BLOCPCE,
	PA_PJREF,
	PA_LIGNE,
	PA_BLOCLIG,
	PA_INFOLIG,
	PA_COLLBEN,
	PA_SEPA,
	PA_RATTACH,
	PA_LIENS,
	PA_TIERS,
	PA_INFOTIERS,
	PA_ADR,
	PA_CPTE,
	/* PES_ACQUIT */
	PQ_ROOT,
	PQ_ENV,
	PQ_ACQUIT,
	PQ_ELEM,
	PQ_ERR,
	PQ_PIECE,
	PQ_LIGNE
};

/* The leaves some code looks at; the others are PF_TEXT, PF_OTHER... */
enum pes_field {
	PF_NONE = 0,
	PF_OTHER, /* a value no rule looks at (the XSD checks its form) */
	PF_TEXT, /* Base_Texte / Base_Alphanum: not ".", " ", "nc", zeros */
	PF_DATE, /* a date no rule compares */
	PF_AMOUNT, /* an amount no rule adds */
	PF_VERSION,
	PF_TYPFIC,
	PF_NOMFIC,
	PF_DTESTR,
	PF_IDPOST,
	PF_IDCOLL,
	PF_CODCOL,
	PF_CODBUD,
	PF_DEMAT,
	PF_EXER,
	PF_IDBORD,
	PF_DTEBORDEM,
	PF_TYPBORD,
	PF_NBRPCE,
	PF_MTCUMUL,
	PF_MTBORDHT,
	PF_MTBORDTVA,
	PF_DTEASP_B,
	PF_IDPCE,
	PF_TYPPCE,
	PF_NATPCE,
	PF_DTEASP_P,
	PF_EDITION,
	PF_OBJPCE,
	PF_NUMDETTE,
	PF_PER,
	PF_CLE1,
	PF_CLE2,
	PF_MAJO,
	PF_DTEMAJO,
	PF_TXMAJO,
	PF_MTHT,
	PF_MTTVA,
	PF_NATPREL,
	PF_PERPREL,
	PF_DTEPREL,
	PF_MTPREL,
	PF_SEQ,
	PF_DATESIGN,
	PF_RUM,
	PF_LIBPREL,
	PF_OLDRUM,
	PF_OLDICS,
	PF_OLDCRED,
	PF_OLDBANK,
	PF_OLDIBAN,
	PF_TITDIFF,
	PF_IDTIERS,
	PF_NATIDTIERS,
	PF_REFTIERS,
	PF_CATTIERS,
	PF_NATJUR,
	PF_CIVILITE,
	PF_NOM,
	PF_PRENOM,
	PF_CP,
	PF_VILLE,
	PF_CODRES,
	PF_CODPAYS,
	PF_IBAN,
	PF_BIC,
	PF_TITCPTE,
	/* PES_ACQUIT */
	PF_DOMAINE,
	PF_ETAT,
	PF_NUMBORD,
	PF_EXERBORD,
	PF_IDUNIQUE,
	PF_ANO,
	PF_LIBANO,
	PF_NUMPIECE,
	PF_NUMLIGNE,
	PF_COUNT
};

/* One step of the table: in `from`, element `name` leads to `to`. */
struct pes_row {
	unsigned char from;
	unsigned char to;
	unsigned char field;
	const char *name;
};

/*
 * Remembers the steps already looked up, keyed by the parser's interned
 * name pointers (libxml2 keeps one copy of each name per document).
 */
#define PES_CACHE_BITS 11
#define PES_CACHE (1 << PES_CACHE_BITS)
struct pes_cache {
	struct {
		const void *name;
		int from;
		const struct pes_row *row;
	} e[PES_CACHE];
};

/*
 * Where element `name` (interned: the same pointer for the same name)
 * leads from state `from`; a row with PS_SKIP when the table does not
 * know it. Never NULL.
 */
const struct pes_row *pes_step(struct pes_cache *c, int from, const char *name);

/*
 * The keys, and whether the weighted sum was 0 mod 11 (where the sources
 * disagree: *r0 is 1 and cle1 '1'). Same inputs as sepa_pes_keys.
 */
int pes_keys(const char *col, const char *nat, const char *exer,
    const char *per, const char *num_dette, char *cle1, char *cle2, int *r0,
    sepa_error *err);

/* "01".."04" of SequencePres for an enum sepa_seq, or NULL. */
const char *pes_seq_code(int seq);

/* "OOFF".."FNAL" for a SequencePres code, or NULL. */
const char *pes_seq_name(const char *code);

/*
 * An amount in sepad's form, ^(0|[1-9][0-9]{0,11})\.[0-9]{2}$, to cents;
 * -1 when it is not in that form.
 */
int64_t pes_amount(const char *s);

/*
 * NULL when v may stand in a Base_Texte or Base_Alphanum element, else
 * why not: ".", a single space, "nc" and texts of zeros are refused.
 */
const char *pes_text_refused(const char *v);

/* 1 for a Civilite Hélios refuses (Mademoiselle, Mlle). */
int pes_civilite_refused(const char *v);

/*
 * The encoding an XML declaration at the start of buf (n bytes) names,
 * into out ("" and -1 when there is no declaration, or it names none).
 */
int pes_declared_encoding(const char *buf, size_t n, char *out, size_t outsz);

/* "ORMC" triplet and ordinary titres: NULL when TypBord/TypPce/NatPce
 * agree, else why not. */
const char *pes_triplet_refused(
    const char *typ_bord, const char *typ_pce, const char *nat_pce);

/* What a flow holds, as the writer and the validator count it. */
struct pes_count {
	long bordereaux;
	long pieces;
	long lines;
	long debits; /* lines with InfoPrelevementSEPA */
	int64_t total; /* cents */
};

/* The counts and the size into info (its other fields emptied). */
void pes_count_info(
    const struct pes_count *c, uint64_t bytes, sepa_pes_info *info);

/* --------------------------------------------- validator (pes_validate.c) */

/*
 * Set up a streamed validation: the XSD from schema_dir, or `shared` when
 * not NULL (parsed once, borrowed until pesv_free), and the rules.
 * `name` (borrowed) names the document in messages; errors go to err
 * (borrowed until pesv_free).
 */
int pesv_open(struct pesv **out, const char *schema_dir,
    const struct xsdv_schema *shared, const char *name, sepa_error *err);
/* Parse the next n bytes: 0, or -1 once the document failed. */
int pesv_feed(void *v, const char *buf, size_t n);
/* End of input: the last checks, then the totals into info. */
int pesv_finish(struct pesv *v, sepa_pes_info *info);
void pesv_free(struct pesv *v);

#endif /* SEPA_PES_INTERNAL_H */
