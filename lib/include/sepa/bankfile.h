/*
 * bankfile.h - streaming reader of the files a bank sends back: pain.002
 * payment status reports, camt.054 debit/credit notifications, camt.053
 * statements and camt.052 intraday reports, turned into normalised
 * records for the reconciler.
 */
#ifndef SEPA_BANKFILE_H
#define SEPA_BANKFILE_H

#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/reasons.h"

/** Which message a bank file holds (from its namespace or root element). */
enum sepa_bankfile_type {
	SEPA_BANKFILE_UNKNOWN = 0,
	SEPA_BANKFILE_PAIN002, /**< CstmrPmtStsRpt: rejects before settlement */
	SEPA_BANKFILE_CAMT052, /**< BkToCstmrAcctRpt: intraday report */
	SEPA_BANKFILE_CAMT053, /**< BkToCstmrStmt: statement */
	SEPA_BANKFILE_CAMT054 /**< BkToCstmrDbtCdtNtfctn: notification */
};

/**
 * What a record says happened. How a record gets its kind:
 *
 * pain.002 (status of the group, the payment block or the transaction):
 * - RJCT -> SEPA_BANKFILE_REJECT;
 * - ACSC (settlement completed) -> SEPA_BANKFILE_CONFIRMATION;
 * - anything else (ACCP, ACTC, ACSP, ACWC, RCVD, PDNG, PART, ...) ->
 *   SEPA_BANKFILE_INFO (positive or technical acknowledgement).
 *
 * camt.052/053/054 (per transaction, using the transaction's own bank
 * transaction code, credit/debit indicator and return information when
 * it has them, else the entry's). The bank transaction family
 * (BkTxCd/Domn/Fmly/Cd) decides whatever the domain code (PMNT or
 * another) and the sub-family say: banks misspell, leave out or reuse
 * those. The first rule that applies wins:
 * 1. money of a collection went back to the debtor ->
 *    SEPA_BANKFILE_REFUND when the reason is MD06 (the debtor's 8-week
 *    refund right), else SEPA_BANKFILE_RETURN, when the booking
 *    - is of the family IDDT (issued direct debits) and has return
 *      information (RtrInf), whatever its direction and reversal flag
 *      (some banks book a return as the reversal of the credit);
 *    - or is a debit (DBIT) that has return information, or is of the
 *      family IDDT (a batch of returns booked without details, or with
 *      a collection's sub-family), or is a reversal (RvslInd true) of a
 *      direct-debit family (IDDT or RDDT);
 * 2. any other entry with RvslInd true -> SEPA_BANKFILE_REVERSAL: it
 *    undoes an earlier booking of the opposite direction (a credit that
 *    cancels a debit, e.g. a return taken back or an outgoing payment
 *    coming back); `cdi` tells the direction of this booking;
 * 3. a credit (CRDT) of a direct-debit family (IDDT or RDDT, some banks
 *    use RDDT for the creditor's side) -> SEPA_BANKFILE_CONFIRMATION
 *    (the collection was booked);
 * 4. everything else (credit transfers, charges, returned credit
 *    transfers credited back, ...) -> SEPA_BANKFILE_INFO.
 * A camt kind does not look at the entry status: only status "BOOK" is
 * final; "PDNG" or "INFO" entries must not settle or unsettle anything.
 */
enum sepa_bankfile_kind {
	SEPA_BANKFILE_INFO = 0,
	SEPA_BANKFILE_REJECT,
	SEPA_BANKFILE_RETURN,
	SEPA_BANKFILE_REFUND,
	SEPA_BANKFILE_REVERSAL,
	SEPA_BANKFILE_CONFIRMATION
};
#define SEPA_BANKFILE_KIND_COUNT 6

/**
 * What a record stands for.
 *
 * SEPA_BANKFILE_GROUP: a pain.002 status of the whole original message
 * (OrgnlGrpInfAndSts/GrpSts). SEPA_BANKFILE_BLOCK: a pain.002 status of
 * one original payment block (OrgnlPmtInfAndSts/PmtInfSts), or a camt
 * batch booking (NtryDtls/Btch) that lists no transaction details, or
 * fewer than its NbOfTxs (a batch that lists them all gives transaction
 * records only).
 * SEPA_BANKFILE_TRANSACTION: one transaction (pain.002 TxInfAndSts,
 * camt TxDtls), or a camt entry that has no details at all.
 *
 * A group- or block-level record stands for EVERY transaction of that
 * original message or payment block (pmt_inf_id), whether or not the
 * file also lists some of them: the reconciler expands it against the
 * store. `details` counts the transaction-level records the same file
 * gives for that group or block; when it is 0 the group/block record is
 * the only thing the bank says about those transactions. When it is not
 * 0 the transaction records carry the per-transaction reasons.
 */
enum sepa_bankfile_level {
	SEPA_BANKFILE_GROUP = 0,
	SEPA_BANKFILE_BLOCK,
	SEPA_BANKFILE_TRANSACTION
};

/** Credit/debit indicator of a camt booking. */
enum sepa_bankfile_cdi {
	SEPA_BANKFILE_CDI_NONE = 0, /**< not given (pain.002) */
	SEPA_BANKFILE_CDI_CREDIT, /**< CRDT */
	SEPA_BANKFILE_CDI_DEBIT /**< DBIT */
};

/** An identifier: Max35Text, 35 characters of up to 4 UTF-8 bytes. */
#define SEPA_BANKFILE_ID_BUFSZ 141
/** A code (status, reason, currency, bank transaction code part). */
#define SEPA_BANKFILE_CODE_BUFSZ 36
/** Additional information: every AddtlInf joined by " | ". */
#define SEPA_BANKFILE_TEXT_BUFSZ 1024

/**
 * One normalised record. Strings are UTF-8, NUL-terminated, "" when the
 * file does not give them; values are copied as written (e.g. an
 * EndToEndId "NOTPROVIDED" stays so). Dates have year 0 when absent.
 *
 * What fills each field:
 * - msg_id: the bank message's own GrpHdr/MsgId.
 * - orig_msg_id: pain.002 OrgnlMsgId; camt Refs/MsgId, else Btch/MsgId.
 * - pmt_inf_id: pain.002 OrgnlPmtInfId; camt Refs/PmtInfId, else
 *   Btch/PmtInfId.
 * - instr_id, end_to_end_id: OrgnlInstrId/OrgnlEndToEndId (pain.002),
 *   Refs/InstrId, Refs/EndToEndId (camt).
 * - mandate_id: OrgnlTxRef/MndtRltdInf/MndtId (pain.002; from .11 on
 *   OrgnlTxRef/MndtRltdInf/DrctDbtMndt/MndtId), Refs/MndtId.
 * - status: TxSts, else PmtInfSts, else GrpSts (pain.002); the entry's
 *   Sts, written <Sts>BOOK</Sts> or <Sts><Cd>BOOK</Cd></Sts> (camt).
 * - amount: pain.002 transaction: OrgnlTxRef/Amt/InstdAmt; block or
 *   group: OrgnlCtrlSum (no currency). camt transaction: TxDtls/Amt,
 *   else AmtDtls/TxAmt/Amt, else AmtDtls/InstdAmt/Amt, else the entry
 *   amount when the entry has a single transaction; camt block:
 *   Btch/TtlAmt, else the entry amount. has_amount says whether one was
 *   found.
 * - nb_of_txs: OrgnlNbOfTxs (pain.002 group/block), Btch/NbOfTxs
 *   (camt); -1 when absent.
 * - reason: StsRsnInf/Rsn (pain.002, the transaction's own, else the
 *   nearest enclosing level's), RtrInf/Rsn (camt): the ISO code (Cd) or,
 *   with reason_proprietary set, the proprietary one (Prtry). When
 *   several reasons are given the first one is kept; reason_info joins
 *   every AddtlInf of the record's reasons with " | " (cut at a
 *   character boundary when longer than the buffer).
 * - orig_date: the original collection date, OrgnlTxRef/ReqdColltnDt
 *   (pain.002) or RltdDts/IntrBkSttlmDt (camt).
 * - btc_*: BkTxCd/Domn/Cd, Fmly/Cd, Fmly/SubFmlyCd and BkTxCd/Prtry/Cd
 *   and Issr of the transaction, else of the entry.
 * - acct_svcr_ref: Refs/AcctSvcrRef, else the entry's AcctSvcrRef.
 * - line: the line of the element the record comes from (TxInfAndSts,
 *   OrgnlPmtInfAndSts, OrgnlGrpInfAndSts, TxDtls, Btch or Ntry): the
 *   line where its start tag ends. Lone CRs count as line ends.
 */
typedef struct sepa_bankfile_record {
	enum sepa_bankfile_kind kind;
	enum sepa_bankfile_level level;
	enum sepa_bankfile_cdi cdi;
	/** What the reason was given for, to word its label: a transfer
	 * for a pain.002 of a pain.001 (OrgnlMsgNmId) or a camt booking of
	 * a family other than IDDT/RDDT, else a direct debit. */
	enum sepa_reason_family family;
	int reversal; /**< RvslInd true */
	long line;
	size_t index; /**< 0-based rank of the record in the file */
	size_t details; /**< group/block: transaction records of it */
	char status[SEPA_BANKFILE_CODE_BUFSZ];
	char msg_id[SEPA_BANKFILE_ID_BUFSZ];
	char orig_msg_id[SEPA_BANKFILE_ID_BUFSZ];
	char pmt_inf_id[SEPA_BANKFILE_ID_BUFSZ];
	char instr_id[SEPA_BANKFILE_ID_BUFSZ];
	char end_to_end_id[SEPA_BANKFILE_ID_BUFSZ];
	char mandate_id[SEPA_BANKFILE_ID_BUFSZ];
	char status_id[SEPA_BANKFILE_ID_BUFSZ]; /**< pain.002 StsId */
	char acct_svcr_ref[SEPA_BANKFILE_ID_BUFSZ];
	char entry_ref[SEPA_BANKFILE_ID_BUFSZ]; /**< camt NtryRef */
	char account[SEPA_BANKFILE_ID_BUFSZ]; /**< camt Acct/Id/IBAN */
	int has_amount;
	int64_t amount; /**< cents */
	char currency[SEPA_BANKFILE_CODE_BUFSZ]; /**< "EUR", "" unknown */
	long nb_of_txs;
	char reason[SEPA_BANKFILE_CODE_BUFSZ];
	int reason_proprietary;
	char reason_info[SEPA_BANKFILE_TEXT_BUFSZ];
	sepa_date booking_date;
	sepa_date value_date;
	sepa_date orig_date;
	char btc_domain[SEPA_BANKFILE_CODE_BUFSZ];
	char btc_family[SEPA_BANKFILE_CODE_BUFSZ];
	char btc_subfamily[SEPA_BANKFILE_CODE_BUFSZ];
	char btc_proprietary[SEPA_BANKFILE_ID_BUFSZ];
	char btc_issuer[SEPA_BANKFILE_ID_BUFSZ];
} sepa_bankfile_record;

/** What the whole file is, filled as the file is read. */
typedef struct sepa_bankfile_info {
	enum sepa_bankfile_type type;
	/** The message the namespace names ("camt.054.001.04"; for a bank
	 * variant, the message it is built on: "pain.002.001.03" for the
	 * Swiss pain.002.001.03.ch.02), "" when the document has no
	 * namespace. */
	char message[32];
	/** Root namespace URI (cut to fit), "" when the document has none:
	 * such a file is read, but nothing says which version it is, so a
	 * program that acts on it should ask for confirmation. */
	char ns[256];
	char msg_id[SEPA_BANKFILE_ID_BUFSZ]; /**< GrpHdr/MsgId */
	char created[SEPA_BANKFILE_CODE_BUFSZ]; /**< GrpHdr/CreDtTm as is */
	size_t records;
	size_t by_kind[SEPA_BANKFILE_KIND_COUNT];
	size_t bytes; /**< bytes read */
} sepa_bankfile_info;

/**
 * Limits applied to untrusted input. A value of 0 takes the default.
 * max_text bounds every text node and every run of bytes without a '<'
 * (so a huge text node is refused as soon as the limit is passed, not
 * once it has been read); libxml2's own limit of 10,000,000 bytes per
 * text node applies too. max_depth is capped at SEPA_BANKFILE_DEPTH_CAP
 * (libxml2 itself refuses documents nested deeper than 256 elements).
 */
typedef struct sepa_bankfile_opts {
	size_t max_bytes; /**< file size, default 256 MiB */
	int max_depth; /**< element nesting, default 64 */
	size_t max_text; /**< text node, default 64 KiB */
	size_t max_records; /**< records emitted, default 1,000,000 */
} sepa_bankfile_opts;

#define SEPA_BANKFILE_DEFAULT_MAX_BYTES ((size_t)256 * 1024 * 1024)
#define SEPA_BANKFILE_DEFAULT_MAX_DEPTH 64
#define SEPA_BANKFILE_DEFAULT_MAX_TEXT ((size_t)64 * 1024)
#define SEPA_BANKFILE_DEFAULT_MAX_RECORDS ((size_t)1000000)
#define SEPA_BANKFILE_DEPTH_CAP 1024

#define SEPA_BANKFILE_OPTS_INIT \
	{ \
		SEPA_BANKFILE_DEFAULT_MAX_BYTES, \
		    SEPA_BANKFILE_DEFAULT_MAX_DEPTH, \
		    SEPA_BANKFILE_DEFAULT_MAX_TEXT, \
		    SEPA_BANKFILE_DEFAULT_MAX_RECORDS \
	}

/**
 * Called once per record, in the order the records' elements end in the
 * file (in a pain.002, the group record comes last, after the blocks;
 * a block record comes after its transactions). `rec` is borrowed for
 * the call only. Return 0 to go on; a negative SEPA_E* stops the reading,
 * which then returns that code.
 *
 * Records are delivered while the file is read: when the read function
 * finally fails (truncated file, limit, bad value), the records already
 * delivered belong to a file that is refused and must be discarded
 * (e.g. roll back the transaction they went into).
 */
typedef int (*sepa_bankfile_cb)(const sepa_bankfile_record *rec, void *arg);

/**
 * Input callback for sepa_bankfile_read_io: fill buf with up to len
 * bytes, return how many (0 at the end), or -1 on error with errno set.
 */
typedef long (*sepa_bankfile_input)(void *arg, char *buf, size_t len);

/**
 * Read a bank file from an input callback. `name` names the file in
 * error messages (err->where) and may be NULL. `opts` may be NULL
 * (defaults). `info` (may be NULL) is filled as far as the file was
 * read, also on failure. Returns 0 when the whole file was read and
 * every record delivered; otherwise a negative SEPA_E* with err saying
 * what and where (err->line):
 * - SEPA_EXML: not well-formed, DOCTYPE present ("DOCTYPE not allowed
 *   in bank files"), entity reference;
 * - SEPA_EINVAL: not a bank return file ("not a bank return file: root
 *   element CstmrDrctDbtInitn (pain.008.001.02)"); a namespace that is
 *   not exactly a known one: the ISO 20022 namespace
 *   urn:iso:std:iso:20022:tech:xsd:MESSAGE of pain.002.001.03 to .14 or
 *   camt.052/053/054.001.02 to .13, or a bank variant (pain.002.002.03,
 *   pain.002.003.03, the Swiss
 *   http://www.six-interbank-clearing.com/de/pain.002.001.03.ch.02.xsd);
 *   a version outside those, named with the known ones; a message
 *   element whose namespace is not its Document's, or an element the
 *   reader uses in another namespace than the message's; a bad value
 *   with its element: an amount that is not an xs:decimal with at most
 *   2 significant decimals (no exponent, no "14."), a date that is not
 *   exactly YYYY-MM-DD (optionally with a zone) or a date-time (DtTm,
 *   CreDtTm) that is not YYYY-MM-DDThh:mm:ss with an optional fraction
 *   and zone, an indicator or count that is not one;
 * - SEPA_ELIMIT: a limit of opts was passed;
 * - SEPA_EIO: the input failed; SEPA_ENOMEM.
 * libxml2 must have been initialised (xmlInitParser) by the program or
 * is initialised on first use; this library never calls
 * xmlCleanupParser.
 */
int sepa_bankfile_read_io(sepa_bankfile_input input, void *input_arg,
    const char *name, const sepa_bankfile_opts *opts, sepa_bankfile_cb cb,
    void *cb_arg, sepa_bankfile_info *info, sepa_error *err);

/** Same, reading an open file descriptor to its end (not closed). */
int sepa_bankfile_read_fd(int fd, const char *name,
    const sepa_bankfile_opts *opts, sepa_bankfile_cb cb, void *cb_arg,
    sepa_bankfile_info *info, sepa_error *err);

/** Same, from memory (buf is borrowed for the call). */
int sepa_bankfile_read_mem(const char *buf, size_t len, const char *name,
    const sepa_bankfile_opts *opts, sepa_bankfile_cb cb, void *cb_arg,
    sepa_bankfile_info *info, sepa_error *err);

/**
 * Same, opening `path` read-only (name in messages = path). A file
 * larger than opts->max_bytes is refused before it is read.
 */
int sepa_bankfile_read_file(const char *path, const sepa_bankfile_opts *opts,
    sepa_bankfile_cb cb, void *cb_arg, sepa_bankfile_info *info,
    sepa_error *err);

/** "reject", "return", "refund", "reversal", "confirmation", "info". */
const char *sepa_bankfile_kind_name(enum sepa_bankfile_kind kind);

/** "group", "block", "transaction". */
const char *sepa_bankfile_level_name(enum sepa_bankfile_level level);

/** "pain.002", "camt.052", "camt.053", "camt.054", "unknown". */
const char *sepa_bankfile_type_name(enum sepa_bankfile_type type);

#endif /* SEPA_BANKFILE_H */
