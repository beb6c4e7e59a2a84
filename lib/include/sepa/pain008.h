/*
 * pain008.h - streaming writer and validator of SEPA Direct Debit
 * collection files (ISO 20022 pain.008.001.08 under the EPC130-08 2025
 * rules, and pain.008.001.02 as a per-bank fallback).
 *
 * The caller announces the totals (NbOfTxs, CtrlSum) of the file and of
 * each payment block up front, as the store gets them by SQL aggregate;
 * the writer counts what it is given and refuses to finish a file whose
 * totals disagree. The file is written to a temporary file in the target
 * directory and only appears under its final name, with a NAME.sha256
 * sidecar, once it is complete, checked and on disk. On any failure no
 * file is left under the final name and the temporary file is removed.
 *
 *	sepa_pain008_opts o = SEPA_PAIN008_OPTS_INIT;
 *	o.schema_dir = "/usr/share/sepad/schemas";
 *	sepa_pain008_open(&w, "/var/lib/sepad/out/2026-10.xml", &o, &hdr, err);
 *	sepa_pain008_begin_block(w, &blk, err);
 *	for (...) sepa_pain008_add(w, &tx, err);
 *	sepa_pain008_end_block(w, err);
 *	sepa_pain008_close(w, &info, err);   (always frees w)
 *
 * Memory stays flat whatever the number of transactions. A second
 * thread, started by sepa_pain008_open and joined by close or abort,
 * hashes (SHA-256) and, when opts.validate, validates the bytes as they
 * are written, so the finished file is not read again.
 */
#ifndef SEPA_PAIN008_H
#define SEPA_PAIN008_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"

/** Message version (XML namespace) to write. */
enum sepa_pain008_version {
	/** pain.008.001.08, EPC130-08 2025 (the default). */
	SEPA_PAIN008_V08 = 0,
	/** pain.008.001.02 (2009), for banks that still require it. */
	SEPA_PAIN008_V02 = 1
};

/**
 * A postal address, structured or hybrid (unstructured addresses are
 * refused: banks reject them from 15 November 2026). `town` and
 * `country` are mandatory; `line[]` (at most 2) makes it hybrid. Every
 * text is transliterated to the SEPA Latin set and cut to its XSD length
 * (street 70, building number 16, postcode 16, town 35, lines 70). All
 * pointers are borrowed for the duration of the call; NULL or "" means
 * absent.
 */
typedef struct sepa_pain008_address {
	const char *street;
	const char *building_number;
	const char *postcode;
	const char *town;
	const char *country; /* ISO 3166 alpha-2, upper case */
	const char *line[2];
} sepa_pain008_address;

/** GrpHdr. Strings are borrowed for the duration of sepa_pain008_open. */
typedef struct sepa_pain008_header {
	/** MsgId: 1-35 SEPA Latin characters, no leading/trailing or "//". */
	const char *msg_id;
	/**
	 * CreDtTm from the caller (the writer never reads the clock):
	 * "YYYY-MM-DDThh:mm:ss", optionally followed by a fraction and "Z"
	 * or "+hh:mm"/"-hh:mm".
	 */
	const char *creation_time;
	/** InitgPty/Nm (transliterated, cut at 70). */
	const char *initiating_party;
	/** Announced number of transactions and sum in cents of the file. */
	long nb_of_txs;
	int64_t ctrl_sum;
} sepa_pain008_header;

/**
 * One payment block (PmtInf): one sequence type and due date for one
 * creditor account and ICS. Strings are borrowed for the duration of
 * sepa_pain008_begin_block.
 */
typedef struct sepa_pain008_block {
	const char *pmt_inf_id;
	/** SeqTp (enum sepa_seq of rules.h). */
	enum sepa_seq seq;
	/** ReqdColltnDt; must be a TARGET2 business day. */
	sepa_date due_date;
	/** BtchBookg: -1 left out (contract default), 0 false, 1 true. */
	int batch_booking;
	/** Announced number of transactions and sum in cents of the block. */
	long nb_of_txs;
	int64_t ctrl_sum;
	const char *creditor_name; /* cut at 70 */
	const char *creditor_iban;
	const char *creditor_bic; /* NULL or "": NOTPROVIDED */
	const char *creditor_id; /* ICS, e.g. "FR72ZZZ123456" */
	const sepa_pain008_address *creditor_address; /* NULL: none */
} sepa_pain008_block;

/**
 * Mandate amendment (AmdmntInd true + AmdmntInfDtls). Any combination;
 * written in XSD order. NULL or "" means "did not change".
 */
typedef struct sepa_pain008_amendment {
	/** RUM changed: the old RUM (OrgnlMndtId). */
	const char *orig_mandate_id;
	/** Creditor name changed: the old name (OrgnlCdtrSchmeId/Nm). */
	const char *orig_creditor_name;
	/** ICS changed: the old ICS (OrgnlCdtrSchmeId/Id). */
	const char *orig_creditor_id;
	/**
	 * Debtor account change, as sepa_rule_amendment (rules.h) tells it:
	 * SEPA_AMEND_SAME_BANK writes OrgnlDbtrAcct with the old IBAN,
	 * SEPA_AMEND_OTHER_BANK writes OrgnlDbtrAcct/Id/Othr/Id SMNDA and no
	 * OrgnlDbtrAgt.
	 */
	enum sepa_amendment account;
	/** SEPA_AMEND_SAME_BANK: the old IBAN (same bank as the new one). */
	const char *orig_debtor_iban;
} sepa_pain008_amendment;

/** One collection (DrctDbtTxInf). Borrowed for the call. */
typedef struct sepa_pain008_tx {
	/** EndToEndId: the reconciliation key, returned in R-messages. */
	const char *end_to_end_id;
	/** InstrId (optional). */
	const char *instr_id;
	/** InstdAmt in cents, 1 .. SEPA_AMOUNT_MAX (999999999.99 EUR). */
	int64_t amount;
	/** MndtId (RUM) and DtOfSgntr. */
	const char *mandate_id;
	sepa_date signature_date;
	/** NULL: no amendment (AmdmntInd false). */
	const sepa_pain008_amendment *amendment;
	const char *debtor_name; /* cut at 70 */
	const char *debtor_iban;
	const char *debtor_bic; /* NULL or "": NOTPROVIDED */
	const sepa_pain008_address *debtor_address; /* NULL: none */
	/** UltmtDbtr/Nm (optional; e.g. the child), cut at 70. */
	const char *ultimate_debtor;
	/** RmtInf/Ustrd (optional), cut at 140. */
	const char *remittance;
} sepa_pain008_tx;

/**
 * Write hook (tests): called instead of write(2) for every chunk of the
 * data file; return the number of bytes written or -1 with errno set.
 */
typedef ssize_t (*sepa_pain008_write_fn)(
    int fd, const void *buf, size_t len, void *arg);

struct sepa_pain008_info;

/** Options; start from SEPA_PAIN008_OPTS_INIT. */
typedef struct sepa_pain008_opts {
	enum sepa_pain008_version version;
	/** Flags for sepa_text_latin: SEPA_TEXT_STRICT refuses unmappable. */
	unsigned text_flags;
	/** 1: validate the finished file (XSD + rules) before the rename. */
	int validate;
	/**
	 * Directory holding the XSDs (see schemas/README); needed when
	 * validate is 1. Borrowed for the writer's life.
	 */
	const char *schema_dir;
	/** Mode of the final file (and its sidecar). */
	mode_t mode;
	/** Write the NAME.sha256 sidecar. */
	int sidecar;
	/** Output buffer size in bytes (0: 256 KiB). */
	size_t buffer_size;
	sepa_pain008_write_fn write_hook; /* NULL: write(2) */
	void *write_hook_arg;
	/**
	 * Called by sepa_pain008_close once the file is complete, synced and
	 * validated and its sidecar written aside (".NAME.XXXXXX" and
	 * ".NAME.sha256.XXXXXX" beside the final names), just before they are
	 * renamed into place, with what the file holds (info->sha256 set):
	 * the last moment at which nobody can have seen the file, for the
	 * caller to record that it is placing it. Non-zero refuses the
	 * placing: nothing is renamed and close returns that code, with err
	 * as the hook set it. From this call on, close removes nothing, on
	 * any failure: a temporary file still there proves that the rename
	 * did not happen (the caller removes it later); a file under its final
	 * name may have been taken. NULL: none.
	 */
	int (*before_place)(
	    const struct sepa_pain008_info *info, void *arg, sepa_error *err);
	void *before_place_arg;
} sepa_pain008_opts;

#define SEPA_PAIN008_OPTS_INIT \
	{ \
		SEPA_PAIN008_V08, 0, 1, NULL, 0640, 1, 0, NULL, NULL, NULL, \
		    NULL \
	}

/** What a finished (or validated) file holds. */
typedef struct sepa_pain008_info {
	enum sepa_pain008_version version;
	long nb_of_txs;
	int64_t ctrl_sum;
	long nb_of_blocks;
	uint64_t bytes;
	/** Lower-case hex SHA-256 of the file ("" from validate_file). */
	char sha256[65];
} sepa_pain008_info;

/** The texts of a debtor the writer reduces to the SEPA Latin set. */
enum sepa_pain008_text {
	SEPA_PAIN008_NAME = 0, /**< Dbtr/Nm: cut at 70, required */
	SEPA_PAIN008_STREET, /**< StrtNm: cut at 70 */
	SEPA_PAIN008_BUILDING, /**< BldgNb: cut at 16 */
	SEPA_PAIN008_POSTCODE, /**< PstCd: cut at 16 */
	SEPA_PAIN008_TOWN /**< TwnNm: cut at 35, required */
};

/**
 * Check one text of a debtor as sepa_pain008_add will write it: the same
 * reduction to the SEPA Latin set (sepa_text_latin with `text_flags`,
 * Cyrillic and Greek spelt in Latin letters), the same cut and the same
 * refusals. Returns 0 when the writer can write it, else SEPA_EINVAL with
 * the writer's own message ("Dbtr/Nm is empty once reduced to the SEPA
 * character set", "Dbtr address town is missing", a bad character in
 * strict mode...). When out is not NULL, the text as the file will hold
 * it goes there (outsz bytes; 71 hold any; SEPA_ELIMIT when too small).
 * For an import to refuse, before anything is recorded, what no file
 * could carry.
 */
int sepa_pain008_check_text(enum sepa_pain008_text which, const char *in,
    unsigned text_flags, char *out, size_t outsz, sepa_error *err);

/**
 * Check one collection as sepa_pain008_add will, in a file of `version`
 * written with `text_flags`, in a payment block due on `due`: every
 * refusal of sepa_pain008_add but those that need the rest of the file
 * (an EndToEndId already in it, the block's totals), with the same
 * messages (without the PmtInf and transaction the writer puts first).
 * 0 when the writer will take it. For a collection run to leave out,
 * before anything is recorded, a debit no file could carry.
 */
int sepa_pain008_check_tx(const sepa_pain008_tx *tx,
    enum sepa_pain008_version version, unsigned text_flags, sepa_date due,
    sepa_error *err);

/** Opaque writer. */
typedef struct sepa_pain008_writer sepa_pain008_writer;

/**
 * Start a file that will be named `path` (its directory must exist and
 * be writable). Validates the header, creates the temporary file next to
 * `path` and writes the GrpHdr. On success *out is a writer the caller
 * must end with sepa_pain008_close or sepa_pain008_abort; on failure
 * *out is NULL and nothing is left on disk. `opts` may be NULL
 * (defaults; then validate needs schema_dir, so it fails with EINVAL).
 */
int sepa_pain008_open(sepa_pain008_writer **out, const char *path,
    const sepa_pain008_opts *opts, const sepa_pain008_header *hdr,
    sepa_error *err);

/** Open a payment block (PmtInf). */
int sepa_pain008_begin_block(
    sepa_pain008_writer *w, const sepa_pain008_block *blk, sepa_error *err);

/**
 * Add a transaction to the open block. A refused transaction (bad IBAN,
 * amount, RUM, unmappable character in strict mode, an EndToEndId already
 * in the file...) writes nothing;
 * the writer stays usable, but the announced totals will then disagree
 * unless the caller accounted for it, so callers normally abort.
 */
int sepa_pain008_add(
    sepa_pain008_writer *w, const sepa_pain008_tx *tx, sepa_error *err);

/** Close the open block; fails when its count or sum disagrees. */
int sepa_pain008_end_block(sepa_pain008_writer *w, sepa_error *err);

/**
 * Finish the file: check the file totals, flush, fsync, wait for the
 * validation of the written bytes (when opts.validate: XSD + the rules of
 * sepa_pain008_validate_file), write the sidecar, rename both into place
 * (an existing file of that name is replaced) and fsync the directory.
 * Always frees w (NULL is a no-op). On failure nothing is left under the
 * final names. `info` may be NULL.
 */
int sepa_pain008_close(
    sepa_pain008_writer *w, sepa_pain008_info *info, sepa_error *err);

/** Give up: remove the temporary file and free w (NULL is a no-op). */
void sepa_pain008_abort(sepa_pain008_writer *w);

/**
 * Validate an existing pain.008 file, streamed (flat memory): the
 * version is taken from its namespace, the XSD (EPC130-08 2025 for .08,
 * ISO for .02) is loaded from schema_dir, and the rules no XSD expresses
 * are checked in the same pass: NbOfTxs and CtrlSum of every block and
 * of the group, ids (SEPA Latin set, slashes), IBANs, BICs, ICS, amounts,
 * SEPA Latin text, due dates on TARGET2 business days, one PmtInf per
 * (sequence type, due date, creditor account, ICS). The first problem
 * is reported with its line. `info` may be NULL.
 */
int sepa_pain008_validate_file(const char *path, const char *schema_dir,
    sepa_pain008_info *info, sepa_error *err);

/** Both pain.008 XSDs, parsed once to validate many documents. */
typedef struct sepa_pain008_schemas sepa_pain008_schemas;

/** Load the XSDs of both versions from schema_dir (see schemas/README). */
int sepa_pain008_schemas_load(
    sepa_pain008_schemas **out, const char *schema_dir, sepa_error *err);
void sepa_pain008_schemas_free(sepa_pain008_schemas *s);

/**
 * sepa_pain008_validate_file for a document in memory (len bytes, `name`
 * in the messages), with schemas loaded once: the same checks, the same
 * messages. For a pain.008 received rather than written, and for the
 * fuzzer (tests/fuzz/fuzz_pain008.c).
 */
int sepa_pain008_validate_mem(const char *buf, size_t len, const char *name,
    const sepa_pain008_schemas *schemas, sepa_pain008_info *info,
    sepa_error *err);

#endif /* SEPA_PAIN008_H */
