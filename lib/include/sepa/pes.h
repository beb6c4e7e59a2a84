/*
 * pes.h - PES V2 "PES_Aller" flows of revenue orders for the DGFiP's
 * Hélios (docs/design/pes.md): a streaming writer of ORMC bordereaux
 * (one piece, or titre, per invoice: with the SEPA direct-debit data when
 * the family pays by debit, without for recovery) and of ordinary titres,
 * their validator (the project's own XSD in schemas/pes/ and the rules
 * no schema says), the ORMC keys Cle1 and Cle2, and a reader of a
 * PES_Aller flow (ours or another's) and of the PES_ACQUIT Hélios sends
 * back.
 *
 * The flow is ISO-8859-1: every text is reduced with sepa_text_latin1
 * (or, for the SEPA fields, sepa_text_latin) and cut to its length in
 * characters after the reduction. As with the pain.008 writer, the caller
 * announces the totals of each bordereau (NbrPce, MtBordHt) up front;
 * the writer counts what it is given and refuses to end a bordereau
 * whose totals disagree. The file is written under a temporary name in
 * the target directory and appears under its final name, with a
 * NAME.sha256 sidecar, only once complete, validated and on disk.
 *
 *	sepa_pes_opts o = SEPA_PES_OPTS_INIT;
 *	o.schema_dir = "/usr/share/sepad/schemas";
 *	sepa_pes_file_name(name, sizeof(name), "21620413900017", 2026, 42,
 *	    err);
 *	sepa_pes_open(&w, path, &o, &hdr, err);
 *	sepa_pes_begin_bordereau(w, &bord, err);
 *	for (...) sepa_pes_add(w, &piece, err);
 *	sepa_pes_end_bordereau(w, err);
 *	sepa_pes_close(w, &info, err);   (always frees w)
 *
 * Memory stays flat whatever the number of pieces. When opts.validate, a
 * second thread validates the bytes as they are written (the writer's
 * own thread computes the SHA-256), so the finished file is not read
 * again.
 */
#ifndef SEPA_PES_H
#define SEPA_PES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/rules.h"

/** Namespace of the root element PES_Aller (the one qualified element). */
#define SEPA_PES_NS "http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller"

/** The project's schema, in the schema directory. */
#define SEPA_PES_XSD "pes/PES_Aller_recette.xsd"

/** What a flow carries. */
enum sepa_pes_kind {
	/**
	 * ORMC (TypFic PESORMC, TypBord 06, TypPce 15, NatPce 01): one
	 * article of the rôle per invoice, with NumDette, Per, Cle1 and
	 * Cle2; debited when the piece has SEPA data, else left to the
	 * comptable for recovery (docs/design/pes.md, shape a).
	 */
	SEPA_PES_ORMC = 0,
	/**
	 * Ordinary titres (TypFic PESALR1, TypBord 01, TypPce 01, NatPce
	 * 01) without SEPA data, for recovery (shape b): no NumDette, Per,
	 * keys or Objet; Nature is the commune's budget account.
	 */
	SEPA_PES_TITRE = 1
};

/** The flow: Enveloppe and EnTetePES. Borrowed for sepa_pes_open. */
typedef struct sepa_pes_header {
	/** NomFic (at most 100 characters); NULL or "": the file's name. */
	const char *nom_fic;
	/** Emetteur/Sigle (32): the software's vendor. */
	const char *sigle;
	/** Emetteur/Adresse (38): the software's name and version. */
	const char *adresse;
	/** DteStr: the date of the flow (the writer never reads the clock). */
	sepa_date dte_str;
	/** IdPost: codique of the poste comptable (6-7 digits, 02A/02B). */
	const char *id_post;
	/** LibellePoste (38), optional. */
	const char *libelle_poste;
	/** IdColl: the SIRET of the budget, 14 digits. */
	const char *id_coll;
	/** CodCol: 3 digits. */
	const char *cod_col;
	/** CodBud: 2 characters, [0-9A-Z][0-9]. */
	const char *cod_bud;
	/** LibelleColBud (38), optional. */
	const char *libelle_col_bud;
} sepa_pes_header;

/** One bordereau. Borrowed for sepa_pes_begin_bordereau. */
typedef struct sepa_pes_bordereau {
	/** Exer: the budget year (4 digits). */
	int exer;
	/**
	 * IdBord, 1 .. 9999999: unique per year, bordereau type and budget,
	 * in sequence (Hélios refuses a number it knows). For ORMC it is
	 * the number of the rôle, and the "code nature" of the keys.
	 */
	long id_bord;
	/** DteBordEm: the date of issue. */
	sepa_date dte_bord_em;
	/** DteAsp (optional: year 0), not before dte_bord_em. */
	sepa_date dte_asp;
	/** ORMC: Objet (160), the object of the rôle, mandatory; titres: NULL. */
	const char *objet;
	/** Announced NbrPce (1 .. 99999) and MtBordHt (cents, > 0). */
	long nbr_pce;
	int64_t mt_bord_ht;
} sepa_pes_bordereau;

/** One line of a piece (LigneDePiece). */
typedef struct sepa_pes_line {
	/** ObjLignePce (160), optional. */
	const char *objet;
	/** CodProdLoc: the local product code agreed with the comptable. */
	const char *cod_prod_loc;
	/** Nature: up to 12 digits; ORMC "588", titres the budget account. */
	const char *nature;
	/** MtHT in cents, 1 .. SEPA_AMOUNT_MAX; MtPrel when debited. */
	int64_t amount;
} sepa_pes_line;

/**
 * The debtor (Tiers): a private person (CatTiers 01, NatJur 01, TypTiers
 * 01). Texts are reduced to ISO-8859-1 and cut to their length.
 */
typedef struct sepa_pes_debtor {
	/** RefTiers (30): the family's stable reference; optional. */
	const char *ref_tiers;
	/** Civilite (10), mandatory for a person; "Mademoiselle" refused. */
	const char *civilite;
	const char *nom; /**< Nom (38), mandatory */
	const char *compl_nom; /**< ComplNom (38), optional */
	const char *prenom; /**< Prenom (38), mandatory for a person */
	const char *adr1; /**< Adr1 (38): c/o, building; optional */
	const char *adr2; /**< Adr2 (38): number and street; mandatory */
	const char *adr3; /**< Adr3 (38): lieu-dit; optional */
	/** CP: 5 digits ("99999" abroad, the foreign code then in ville). */
	const char *cp;
	const char *ville; /**< Ville (38), mandatory */
	/**
	 * NULL, "" or "100" (France): resident (CodRes 0, no CodPays);
	 * else the 3-digit INSEE country code of a non-resident (CodRes 1).
	 */
	const char *cod_pays;
	/**
	 * CpteBancaire, written only when the piece is debited (and then
	 * IBAN mandatory): the IBAN (ISO 13616, normalised), the BIC
	 * (mandatory when the IBAN is not French) and the holder TitCpte
	 * (32; NULL: "Prenom Nom").
	 */
	const char *iban;
	const char *bic;
	const char *tit_cpte;
} sepa_pes_debtor;

/**
 * The SEPA debit of a piece (InfoPrelevementSEPA, NatPrel 01: Hélios
 * sends it to the banks), written in each line with MtPrel = the line's
 * amount. The creditor's ICS is not in the flow: Hélios holds it.
 */
typedef struct sepa_pes_debit {
	sepa_date due_date; /**< DtePrel */
	enum sepa_seq
	    seq; /**< SequencePres: OOFF 01, FRST 02, RCUR 03, FNAL 04 */
	const char *rum; /**< RefUniMdt: the RUM (sepa_id_validate) */
	sepa_date signature_date; /**< DateSignMandat, not after due_date */
	/** LibPrel (140, SEPA Latin set after reduction), optional. */
	const char *label;
	/** PerPrel 1 .. 7; 0 writes 07 (single debit), as [DT] advises. */
	int per_prel;
	/** Amendment: the previous RUM (AncienRUM), or NULL. */
	const char *old_rum;
	/** The previous ICS (13 characters) or NNE (6 digits), or NULL. */
	const char *old_ics;
	/** The previous creditor name (AncienTiersCreancier, 70), or NULL. */
	const char *old_creditor_name;
	/**
	 * Account change, as sepa_rule_amendment (rules.h) tells it:
	 * SEPA_AMEND_SAME_BANK writes AncienIBAN = old_iban,
	 * SEPA_AMEND_OTHER_BANK writes AncienneBanque 1.
	 */
	enum sepa_amendment account;
	const char *old_iban;
	/** 1: the account holder is not the debtor (TitCpteDiff 1). */
	int holder_differs;
} sepa_pes_debit;

/** One piece (titre). Borrowed for sepa_pes_add. */
typedef struct sepa_pes_piece {
	/** IdPce, 1 .. 99999999, increasing within the bordereau. */
	long id_pce;
	/** ObjPce (160), optional. */
	const char *objet;
	/** ORMC: NumDette, the invoice number, 1 .. 13 digits. */
	uint64_t num_dette;
	/** ORMC: Per, one digit 0 .. 9 (the keys use this digit). */
	int per;
	/** The lines, 1 or more (ORMC: one per invoice is the rule). */
	const sepa_pes_line *lines;
	size_t nb_lines;
	/** The debtor, written in every line (one debtor per titre). */
	const sepa_pes_debtor *debtor;
	/** NULL: no debit (recovery); ORMC only. */
	const sepa_pes_debit *debit;
} sepa_pes_piece;

/**
 * Write hook (tests): called instead of write(2) for every chunk of the
 * data file; return the number of bytes written or -1 with errno set.
 */
typedef ssize_t (*sepa_pes_write_fn)(
    int fd, const void *buf, size_t len, void *arg);

struct sepa_pes_info;

/** Options; start from SEPA_PES_OPTS_INIT. */
typedef struct sepa_pes_opts {
	enum sepa_pes_kind kind;
	/** Flags for sepa_text_latin1: SEPA_TEXT_STRICT refuses unmappable. */
	unsigned text_flags;
	/** 1: validate the written bytes (XSD + rules) before the rename. */
	int validate;
	/** Directory holding pes/ (see schemas/README); borrowed. */
	const char *schema_dir;
	mode_t mode; /**< of the final file and its sidecar */
	int sidecar; /**< write NAME.sha256 */
	size_t buffer_size; /**< output buffer (0: 256 KiB) */
	sepa_pes_write_fn write_hook; /**< NULL: write(2) */
	void *write_hook_arg;
	/**
	 * Called by sepa_pes_close once the file is complete, synced,
	 * validated and its sidecar written aside, just before they are
	 * renamed into place, with what the file holds (info->sha256 set):
	 * the caller records that it is placing it (as the pain.008
	 * writer's before_place). Non-zero refuses the placing: nothing is
	 * renamed and close returns that code. From this call on, close
	 * removes nothing on any failure. NULL: none.
	 */
	int (*before_place)(
	    const struct sepa_pes_info *info, void *arg, sepa_error *err);
	void *before_place_arg;
} sepa_pes_opts;

#define SEPA_PES_OPTS_INIT \
	{ \
		SEPA_PES_ORMC, 0, 1, NULL, 0640, 1, 0, NULL, NULL, NULL, NULL \
	}

/** What a written or validated flow holds. */
typedef struct sepa_pes_info {
	long nb_bordereaux;
	long nb_pieces;
	long nb_lines;
	long nb_debits; /**< lines with InfoPrelevementSEPA */
	int64_t total; /**< sum of the lines' MtHT, cents */
	uint64_t bytes;
	/** Lower-case hex SHA-256 of the file ("" from validate_file). */
	char sha256[65];
} sepa_pes_info;

typedef struct sepa_pes_writer sepa_pes_writer;

/**
 * The recommended file name (docs/design/pes.md):
 * "PESORMC_<IdColl>_<Exer>_<IdBord>.xml" for the first bordereau of the
 * flow, ASCII. Returns 0, or SEPA_EINVAL for a bad IdColl, year or
 * number, SEPA_ELIMIT when buf is too small.
 */
int sepa_pes_file_name(char *buf, size_t size, const char *id_coll, int exer,
    long id_bord, sepa_error *err);

/**
 * The same for a flow of `kind`: ordinary titres (SEPA_PES_TITRE) are
 * named "PESALR1_<IdColl>_<Exer>_<IdBord>.xml", after their TypFic.
 */
int sepa_pes_file_name_of(char *buf, size_t size, enum sepa_pes_kind kind,
    const char *id_coll, int exer, long id_bord, sepa_error *err);

/**
 * The form of a code of the flow, as the writer checks it: `field` is
 * "IdPost" (codique), "IdColl" (SIRET), "CodCol", "CodBud", "CodProdLoc",
 * "Nature" or "Civilite" (its length in bytes, Mademoiselle refused); for a configuration to refuse a value before any flow.
 * Returns 0, or SEPA_EINVAL with the writer's message.
 */
int sepa_pes_code_check(const char *field, const char *v, sepa_error *err);

/**
 * Whether sepa_pes_add would take piece p in a flow of `kind` (every
 * check of the piece, its lines, debtor and debit, but IdPce's order and
 * the bordereau's totals), writing nothing: for a caller that records a
 * flow's pieces before writing it and must never record one the writer
 * would refuse. Returns 0, or the code and message sepa_pes_add gives.
 */
int sepa_pes_check_piece(enum sepa_pes_kind kind, unsigned text_flags,
    const sepa_pes_piece *p, sepa_error *err);

/**
 * Start a flow that will be named `path` (its directory must exist and
 * be writable). Checks the header, creates the temporary file and writes
 * the Enveloppe, EnTetePES and EnTeteRecette. On success *out must be
 * ended with sepa_pes_close or sepa_pes_abort; on failure *out is NULL
 * and nothing is left on disk. `opts` may be NULL (defaults; then
 * validate needs schema_dir and the call fails with SEPA_EINVAL).
 */
int sepa_pes_open(sepa_pes_writer **out, const char *path,
    const sepa_pes_opts *opts, const sepa_pes_header *hdr, sepa_error *err);

/** Open a bordereau. */
int sepa_pes_begin_bordereau(
    sepa_pes_writer *w, const sepa_pes_bordereau *b, sepa_error *err);

/**
 * Add a piece to the open bordereau: its lines, each with the debtor
 * (Tiers) and, when debited, InfoPrelevementSEPA and CpteBancaire. A
 * refused piece writes nothing and the writer stays usable (the announced
 * totals will then disagree unless the caller accounted for it). The
 * message names the piece (IdPce) and the field.
 */
int sepa_pes_add(sepa_pes_writer *w, const sepa_pes_piece *p, sepa_error *err);

/** Close the open bordereau; fails when NbrPce or MtBordHt disagree. */
int sepa_pes_end_bordereau(sepa_pes_writer *w, sepa_error *err);

/**
 * Finish the flow: flush, fsync, wait for the validation of the written
 * bytes (when opts.validate), write the sidecar, rename both into place
 * and fsync the directory. Always frees w (NULL is a no-op). On failure
 * nothing is left under the final names. `info` may be NULL.
 */
int sepa_pes_close(sepa_pes_writer *w, sepa_pes_info *info, sepa_error *err);

/** Give up: remove the temporary file and free w (NULL is a no-op). */
void sepa_pes_abort(sepa_pes_writer *w);

/**
 * Validate a PES_Aller flow, streamed: the XSD SEPA_PES_XSD from
 * schema_dir and, in the same pass, the rules of docs/design/pes.md
 * (What is checked): ISO-8859-1 declared and every character in it, the
 * values ".", " " and "nc", NbrPce and MtBordHt against the pieces, IdPce
 * unique in its bordereau, the TypBord/TypPce/NatPce triplet, NumDette
 * of 13 digits at most and the Cle1/Cle2 keys, amounts in sepad's form,
 * every InfoPrelevementSEPA with a CpteBancaire (IBAN check digits,
 * TitCpte), MtPrel = MtHT, the same debit in every line of a piece,
 * dates in order, amendments, CatTiers 01 with Civilite and Prenom,
 * CodRes and CodPays. The first problem is reported with its element and
 * line. `info` may be NULL.
 */
int sepa_pes_validate_file(const char *path, const char *schema_dir,
    sepa_pes_info *info, sepa_error *err);

/**
 * The ORMC keys (docs/design/pes.md, Keys). col = CodCol, nat = the "code
 * nature" (sepad writes IdBord there, as Noethys does), exer = Exer (its
 * last two digits count), per = Per (one digit), num_dette = NumDette
 * (1 to 13 digits, left-padded with zeros to 13): decimal digit strings.
 * Cle1 is 11 - (the weighted sum mod 11) over col, nat, yy, per and the
 * padded NumDette read from the right with weights 2..7; a result of 10
 * or 11 gives '1' (r = 1, and r = 0 as the Noethys PES module does: the
 * sources disagree, see the design page). Cle2 is the letter
 * "ABCDEFGHJKLMNPQRSTUVWXY"[(yy per 00 NumDette13) mod 23]. Returns 0, or
 * SEPA_EINVAL naming the input that is not such a string.
 */
int sepa_pes_keys(const char *col, const char *nat, const char *exer,
    const char *per, const char *num_dette, char *cle1, char *cle2,
    sepa_error *err);

/* --------------------------------------------------------- reading */

/** Which PES document was read. */
enum sepa_pes_doc {
	SEPA_PES_DOC_UNKNOWN = 0,
	SEPA_PES_DOC_ALLER, /**< PES_Aller: piece records */
	SEPA_PES_DOC_ACQUIT /**< PES_ACQUIT: acknowledgement records */
};

#define SEPA_PES_TEXT_BUFSZ 161 /* 160 ISO-8859-1 characters, in UTF-8 */
#define SEPA_PES_NAME_BUFSZ 81
#define SEPA_PES_CODE_BUFSZ 16

/**
 * One piece of a PES_Aller flow, as read (texts in UTF-8; a value longer
 * than its buffer is refused). Fields a flow leaves out are "" (dates:
 * year 0). Borrowed for the callback only.
 */
typedef struct sepa_pes_record {
	size_t index; /**< 0-based, in file order */
	long line; /**< of <Piece> */
	char exer[SEPA_PES_CODE_BUFSZ];
	char id_bord[SEPA_PES_CODE_BUFSZ];
	char typ_bord[SEPA_PES_CODE_BUFSZ];
	char id_pce[SEPA_PES_CODE_BUFSZ];
	char typ_pce[SEPA_PES_CODE_BUFSZ];
	char nat_pce[SEPA_PES_CODE_BUFSZ];
	char obj_pce[SEPA_PES_TEXT_BUFSZ * 2];
	char num_dette[SEPA_PES_CODE_BUFSZ];
	char per[SEPA_PES_CODE_BUFSZ];
	char cle1[SEPA_PES_CODE_BUFSZ];
	char cle2[SEPA_PES_CODE_BUFSZ];
	/** 1 the keys match NumDette (sepa_pes_keys; when r = 0 either 0 or
	 * 1 is taken), 0 they do not, -1 not computed (no keys). */
	int keys_ok;
	size_t nb_lines;
	/** Sum of the lines' MtHT (cents); -1 when one is not an amount. */
	int64_t amount;
	/** The debtor of the first line. */
	char ref_tiers[SEPA_PES_NAME_BUFSZ];
	char civilite[SEPA_PES_NAME_BUFSZ];
	char nom[SEPA_PES_NAME_BUFSZ];
	char prenom[SEPA_PES_NAME_BUFSZ];
	char cp[SEPA_PES_CODE_BUFSZ];
	char ville[SEPA_PES_NAME_BUFSZ];
	/** 1 when the first line has InfoPrelevementSEPA; then: */
	int debit;
	char sequence[5]; /**< "OOFF", "FRST", "RCUR", "FNAL" or "" */
	char rum[SEPA_PES_NAME_BUFSZ];
	sepa_date due_date;
	sepa_date signature_date;
	char label[SEPA_PES_TEXT_BUFSZ];
	/** The debtor's IBAN masked (sepa_iban_mask), and BIC. */
	char iban_masked[SEPA_IBAN_MASK_BUFSZ];
	char bic[SEPA_PES_CODE_BUFSZ];
	char old_rum[SEPA_PES_NAME_BUFSZ];
	char old_ics[SEPA_PES_CODE_BUFSZ];
	int old_bank; /**< AncienneBanque 1 */
	char old_iban_masked[SEPA_IBAN_MASK_BUFSZ];
} sepa_pes_record;

/** Levels of an acknowledgement record. */
enum sepa_pes_ack_level {
	SEPA_PES_ACK_ELEMENT = 0, /**< ElementACQUIT (a bordereau, a PJ...) */
	SEPA_PES_ACK_PIECE, /**< DetailPiece */
	SEPA_PES_ACK_LINE /**< DetailLigne */
};

/**
 * What a PES_ACQUIT says: one record per Erreur, at the level it sits
 * (with the element's domain, state and bordereau), and one record for
 * each ElementACQUIT that has no Erreur at all (its state alone).
 */
typedef struct sepa_pes_ack {
	size_t index;
	long line; /**< of the Erreur, or of the ElementACQUIT */
	enum sepa_pes_ack_level level;
	int domaine; /**< DomaineAck, -1 when absent */
	int etat; /**< EtatAck: 1 OK, 0 KO, -1 absent */
	char num_bord[SEPA_PES_CODE_BUFSZ];
	char exer[SEPA_PES_CODE_BUFSZ];
	char id_unique[SEPA_PES_NAME_BUFSZ];
	char num_piece[SEPA_PES_CODE_BUFSZ];
	char num_ligne[SEPA_PES_CODE_BUFSZ];
	char code[SEPA_PES_NAME_BUFSZ]; /**< NumAnoAck, "" none */
	char label[1001]; /**< LibelleAnoAck (500 characters) */
} sepa_pes_ack;

/** The flow, filled as it is read (also on failure). */
typedef struct sepa_pes_read_info {
	enum sepa_pes_doc doc;
	char encoding[32]; /**< declared in the XML declaration, "" none */
	char nom_fic[SEPA_PES_TEXT_BUFSZ * 2];
	char typ_fic[SEPA_PES_NAME_BUFSZ];
	char id_post[SEPA_PES_CODE_BUFSZ];
	char id_coll[SEPA_PES_CODE_BUFSZ];
	char cod_col[SEPA_PES_CODE_BUFSZ];
	char cod_bud[SEPA_PES_CODE_BUFSZ];
	sepa_date dte_str;
	size_t bordereaux;
	size_t records;
	size_t bytes;
} sepa_pes_read_info;

/** Limits for untrusted input; 0 takes the default. */
typedef struct sepa_pes_read_opts {
	size_t max_bytes; /**< file size, default 1 GiB */
	int max_depth; /**< element nesting, default 64, at most 1024 */
	size_t max_text; /**< text node or tag, default 64 KiB */
	size_t max_records; /**< records, default 10,000,000 */
} sepa_pes_read_opts;

#define SEPA_PES_READ_OPTS_INIT \
	{ \
		(size_t)1 << 30, 64, (size_t)64 * 1024, (size_t)10000000 \
	}

/** Called per record; 0 goes on, a negative SEPA_E* stops the reading. */
typedef int (*sepa_pes_record_cb)(const sepa_pes_record *r, void *arg);
typedef int (*sepa_pes_ack_cb)(const sepa_pes_ack *a, void *arg);

/**
 * Read a PES_Aller flow (pieces to record_cb) or a PES_ACQUIT (records to
 * ack_cb), told apart by the root element; either callback may be NULL.
 * Untrusted input is refused as the bank-file reader refuses it: no
 * DOCTYPE, no entity, no network, the limits of opts. Elements the
 * reader does not know are skipped. Not a validation (see
 * sepa_pes_validate_file). `name` names the file in messages; `opts` and
 * `info` may be NULL. Records delivered before a failure belong to a
 * refused file.
 */
int sepa_pes_read_mem(const char *buf, size_t len, const char *name,
    const sepa_pes_read_opts *opts, sepa_pes_record_cb record_cb,
    sepa_pes_ack_cb ack_cb, void *arg, sepa_pes_read_info *info,
    sepa_error *err);

/** The same from a file; one larger than opts->max_bytes is refused. */
int sepa_pes_read_file(const char *path, const sepa_pes_read_opts *opts,
    sepa_pes_record_cb record_cb, sepa_pes_ack_cb ack_cb, void *arg,
    sepa_pes_read_info *info, sepa_error *err);

/**
 * Which PES document the first bytes of a file hold (the root element's
 * name: PES_Aller or PES_ACQUIT), or SEPA_PES_DOC_UNKNOWN; for a
 * dispatcher such as `sepactl inspect`.
 */
enum sepa_pes_doc sepa_pes_sniff(const char *buf, size_t len);

#endif /* SEPA_PES_H */
