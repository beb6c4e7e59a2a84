/*
 * store_pes_acquit.c - the PES_ACQUIT of a PES flow (docs/design/pes.md,
 * The acquit): Hélios acknowledges each element of a flow it received
 * (a bordereau taken in charge or rejected, with its errors). The acquit
 * quotes the flow's NomFic, which finds the flow (pes_flows.nom_fic is
 * unique). One acquit is one transaction: the file is recorded once (its
 * SHA-256, as bank files are), every record kept, each bordereau decided
 * once; a rejected bordereau acts as a payment block the bank refused
 * (store_returns_settle: its collections cancelled, their invoices
 * collected again, never counted as rejects), the invoices of its
 * recovery titres go back to be sent again, and a person is told.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sepa/date.h"
#include "sepa/digest.h"
#include "sepa/error.h"
#include "sepa/pes.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_event.h"
#include "store_pes_acquit.h"
#include "store_returns.h"

/* An acquit of more records than this is refused (not a real one). */
#define ACQ_MAX_RECORDS 1000000

/* $1 creditor, $2 SHA-256: the same bytes imported before, else 0. */
static const char acq_same_file_sql[] =
    "SELECT coalesce(min(id), 0) FROM imported_files"
    " WHERE creditor_id = $1 AND sha256 = $2 AND kind = 'pes_acquit'"
    " AND status <> 'refused'";

/* $1 creditor, $2 NomFic: the flow (AF_*). */
static const char acq_flow_sql[] =
    "SELECT f.batch_id, b.state, b.msg_id, b.purpose, b.file_name,"
    " to_char(b.collection_month, 'YYYY-MM') FROM pes_flows f"
    " JOIN batches b ON b.creditor_id = f.creditor_id AND b.id = f.batch_id"
    " WHERE f.creditor_id = $1 AND f.nom_fic = $2";
enum { AF_BATCH, AF_STATE, AF_MSG, AF_PURPOSE, AF_FILE, AF_MONTH };

/* $1 creditor, $2 SHA-256, $3 name, $4 size. */
static const char acq_record_file_sql[] =
    "INSERT INTO imported_files (creditor_id, kind, sha256, file_name,"
    " size_bytes, status, rows_total, finished_at) VALUES ($1,"
    " 'pes_acquit', $2, $3, $4, 'imported', 0, now()) RETURNING id";

/* $1 creditor, $2 file, $3 batch, $4 NomFic, $5 today. */
static const char acq_insert_sql[] =
    "INSERT INTO pes_acquits (creditor_id, file_id, batch_id, nom_fic,"
    " received_on, accepted, rejected) VALUES ($1, $2, $3, $4, $5, 0, 0)"
    " RETURNING id";

static const char acq_record_sql[] =
    "INSERT INTO pes_acquit_records (creditor_id, acquit_id, idx, line,"
    " level, domaine, etat, num_bord, exer, id_unique, num_piece,"
    " num_ligne, code, label) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
    " $10, $11, $12, $13, $14)";

/*
 * Record r of acquit $3 says something of bordereau d: it names it (its
 * NumBord, and its year when given), or it is a refusal of the whole
 * flow (an element of the technical or signature domains, 0 to 2, that
 * names no bordereau nor PJ). Every record carries its element's state.
 */
#define ACQ_OF_BORD \
	"((ltrim(r.num_bord, '0') = d.id_bord::text" \
	" AND (r.exer = '' OR r.exer = d.exer::text))" \
	" OR (r.etat = 0 AND r.num_bord = '' AND r.id_unique = ''" \
	" AND coalesce(r.domaine, 0) IN (0, 1, 2)))"

/*
 * $1 creditor, $2 batch, $3 acquit: decide the flow's bordereaux not yet
 * decided: rejected when a record of theirs is KO; accepted when one is
 * OK, or when the acquit names no bordereau and is OK throughout.
 */
static const char acq_decide_sql[] =
    "WITH r AS (SELECT * FROM pes_acquit_records WHERE creditor_id = $1"
    " AND acquit_id = $3),"
    " d AS (SELECT d.id, CASE"
    " WHEN EXISTS (SELECT 1 FROM r WHERE r.etat = 0 AND " ACQ_OF_BORD ")"
    " THEN 'rejected'"
    " WHEN EXISTS (SELECT 1 FROM r WHERE r.etat = 1 AND " ACQ_OF_BORD ")"
    " OR (NOT EXISTS (SELECT 1 FROM r WHERE r.num_bord <> ''"
    " OR r.etat IS DISTINCT FROM 1) AND EXISTS (SELECT 1 FROM r))"
    " THEN 'accepted' END AS st"
    " FROM pes_bordereaux d WHERE d.creditor_id = $1 AND d.batch_id = $2"
    " AND d.ack_state IS NULL)"
    " UPDATE pes_bordereaux b SET ack_state = d.st, ack_acquit_id = $3"
    " FROM d WHERE b.creditor_id = $1 AND b.id = d.id AND d.st IS NOT NULL"
    " RETURNING b.ack_state";

/*
 * $1 creditor, $2 batch, $3 acquit: each bordereau it rejected as a
 * refused payment block of the flow (ret_stage, idx its position - 1),
 * with its first error.
 */
static const char acq_stage_sql[] =
    "INSERT INTO ret_stage (idx, line, kind, level, details, status,"
    " orig_msg_id, pmt_inf_id, end_to_end_id, mandate_ref, amount_cents,"
    " reason_code, reason_proprietary, reason_info, cdi)"
    " SELECT d.position - 1, coalesce(e.line, 0), 'reject', 'block',"
    " d.nbr_pce, 'RJCT', b.msg_id, '', '', '', d.mt_bord_ht_cents,"
    " coalesce(e.code, ''), true, coalesce(e.label, ''), ''"
    " FROM pes_bordereaux d JOIN batches b ON b.creditor_id = $1"
    " AND b.id = d.batch_id"
    " LEFT JOIN LATERAL (SELECT r.line, r.code, r.label"
    " FROM pes_acquit_records r WHERE r.creditor_id = $1"
    " AND r.acquit_id = $3 AND r.etat = 0 AND " ACQ_OF_BORD
    " ORDER BY r.code = '', r.idx LIMIT 1) e ON true"
    " WHERE d.creditor_id = $1 AND d.batch_id = $2 AND d.ack_acquit_id = $3"
    " AND d.ack_state = 'rejected'";

/* $1 creditor, $2 batch: the collections of the staged bordereaux. */
static const char acq_match_sql[] =
    "INSERT INTO ret_match SELECT s.id, s.idx, s.kind, s.level,"
    " s.reason_code, true, c.end_to_end_id, c.id, c.state, c.due_on, NULL"
    " FROM ret_stage s JOIN pes_bordereaux d ON d.creditor_id = $1"
    " AND d.batch_id = $2 AND d.position = s.idx + 1"
    " JOIN pes_pieces p ON p.creditor_id = $1 AND p.bordereau_id = d.id"
    " JOIN collections c ON c.creditor_id = $1 AND c.id = p.collection_id";

/* $1 creditor, $2 file: the collections its records cancelled. */
static const char acq_cancelled_sql[] =
    "SELECT count(*) FROM return_effects e JOIN return_records r"
    " ON r.creditor_id = $1 AND r.id = e.record_id"
    " WHERE e.creditor_id = $1 AND r.file_id = $2";

/*
 * $1 creditor, $2 batch, $3 acquit, $4 today: the recovery titres of the
 * rejected bordereaux were not taken in charge: their invoices leave the
 * export (due for recovery again) and take back their state.
 */
static const char acq_recovery_back_sql[] =
    "WITH x AS (DELETE FROM recovery_export_invoices x"
    " USING pes_pieces p, pes_bordereaux d, recovery_exports e"
    " WHERE d.creditor_id = $1 AND d.batch_id = $2"
    " AND d.ack_acquit_id = $3 AND d.ack_state = 'rejected'"
    " AND p.creditor_id = $1 AND p.bordereau_id = d.id"
    " AND e.creditor_id = $1 AND e.batch_id = $2"
    " AND x.creditor_id = $1 AND x.export_id = e.id"
    " AND x.invoice_id = p.invoice_id AND x.state_before IS NOT NULL"
    " RETURNING x.invoice_id, x.state_before),"
    " i AS (UPDATE invoices i SET state = x.state_before, state_since = $4"
    " FROM x WHERE i.creditor_id = $1 AND i.id = x.invoice_id"
    " AND i.state = 'recovery' RETURNING 1)"
    " SELECT count(*) FROM i";

/*
 * $1 creditor, $2 batch, $3 acquit, $4 today, $5 file, $6 acquit file
 * name, $7 the msgid (acq_event_msgids: what becomes of the invoices), $8
 * the flow's month, $9 the msgid of no reason: an event per bordereau
 * rejected, for a person, with the flow and the reasons.
 */
static const char acq_events_sql[] =
    "INSERT INTO events (creditor_id, business_date, kind, batch_id,"
    " file_id, count, amount_cents, needs_attention, message, msgid,"
    " msg_args)"
    " SELECT $1, $4, 'pes.bordereau_rejected', $2, $5, d.nbr_pce,"
    " d.mt_bord_ht_cents, true, sepad_message($7, x.args), $7, x.args"
    " FROM pes_bordereaux d JOIN pes_flows f ON f.creditor_id = $1"
    " AND f.batch_id = d.batch_id CROSS JOIN LATERAL (SELECT"
    " ARRAY['t:' || f.nom_fic, 't:' || d.id_bord, 't:' || d.exer,"
    " 't:' || $6::text, coalesce('t:' || (SELECT string_agg(DISTINCT"
    " concat_ws(' ', NULLIF(r.code, ''), NULLIF(r.label, '')), '; ')"
    " FROM pes_acquit_records r WHERE r.creditor_id = $1"
    " AND r.acquit_id = $3 AND r.etat = 0 AND (r.code <> ''"
    " OR r.label <> '') AND " ACQ_OF_BORD "), 'g:' || $9::text),"
    " 'n:' || d.nbr_pce, 't:' || $8::text] AS args) x"
    " WHERE d.creditor_id = $1"
    " AND d.batch_id = $2 AND d.ack_acquit_id = $3"
    " AND d.ack_state = 'rejected'";
static const char *const acq_event_msgids[] = {
    N_("PES flow %s: bordereau %s of %s rejected by the comptable (acquit "
       "%s): %s; its %s pieces were not taken in charge, their invoices are "
       "due for recovery again (the next sepactl recovery export sends "
       "them)"),
    N_("PES flow %s: bordereau %s of %s rejected by the comptable (acquit "
       "%s): %s; its %s pieces were not taken in charge, their invoices are "
       "due again (sepactl collect --month %s collects them again)")};

/* $1 creditor, $2 batch, $3 reason: every bordereau rejected. */
static const char acq_reject_batch_sql[] =
    "UPDATE batches SET state = 'rejected', state_reason = $3"
    " WHERE creditor_id = $1 AND id = $2 AND state = 'released'"
    " AND NOT EXISTS (SELECT 1 FROM pes_bordereaux d"
    " WHERE d.creditor_id = $1 AND d.batch_id = $2"
    " AND d.ack_state IS DISTINCT FROM 'rejected')";

/* $1 creditor, $2 acquit, $3 accepted, $4 rejected. */
static const char acq_counts_sql[] =
    "UPDATE pes_acquits SET accepted = $3, rejected = $4"
    " WHERE creditor_id = $1 AND id = $2";

/* One acquit being imported. */
struct acq {
	struct db *db;
	int64_t creditor_id;
	const char *path;
	const char *base; /* the file name, without its directory */
	sepa_date today;
	char cred[24], day[SEPA_DATE_BUFSZ], sha[SEPA_SHA256_HEX_BUFSZ];
	char fid[24], aid[24];
	int64_t size;
	int started; /* the flow is found, the acquit's row recorded */
	PGresult *flow;
	sepa_pes_read_info info;
	struct pes_acquit_result *res;
	sepa_error cb_err; /* why a record could not be stored */
};

/* The file's SHA-256 and size, and whether it was imported before. */
static int
acq_digest(struct acq *a, sepa_error *err)
{
	int fd = open(a->path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return sepa_error_set(err, SEPA_EIO, "cannot open %s: %s",
		    a->path, strerror(errno));
	rc = sepa_sha256_fd(fd, a->path, a->sha, &a->size, err);
	close(fd);
	if (rc != 0)
		return rc;
	return db_query_int64(a->db, &a->res->file_id,
	    "look for the same acquit", acq_same_file_sql, 2,
	    (const char *const[]){a->cred, a->sha}, err);
}

/*
 * The flow the acquit names by its NomFic: one of ours, released (or
 * refused whole already); then the file's and the acquit's rows.
 */
static int
acq_start(struct acq *a, sepa_error *err)
{
	const char *nom = a->info.nom_fic, *state;
	char size[24];
	int64_t id;
	int rc;

	a->started = 1;
	if (a->info.doc != SEPA_PES_DOC_ACQUIT)
		return sepa_error_set(
		    err, SEPA_EINVAL, "%s is not a PES_ACQUIT", a->path);
	if (nom[0] == '\0')
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s: the acquit gives no NomFic before its records: it "
		    "cannot be matched to a flow",
		    a->path);
	snprintf(a->res->nom_fic, sizeof(a->res->nom_fic), "%s", nom);
	if ((rc = db_query(a->db, &a->flow, "find the acquit's flow",
	         acq_flow_sql, 2, (const char *const[]){a->cred, nom}, err)) !=
	    0)
		return rc;
	if (PQntuples(a->flow) != 1)
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s: an acquit of the flow \"%s\", which sepad never sent "
		    "(no PES flow has that NomFic); check that it is this "
		    "commune's acquit",
		    a->path, nom);
	state = PQgetvalue(a->flow, 0, AF_STATE);
	snprintf(a->res->flow, sizeof(a->res->flow), "%s",
	    PQgetvalue(a->flow, 0, AF_FILE));
	if (strcmp(state, "released") != 0 && strcmp(state, "rejected") != 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s: an acquit of the flow %s, whose release is not "
		    "recorded (%s): run sepactl %s first",
		    a->path, nom, state,
		    strcmp(PQgetvalue(a->flow, 0, AF_PURPOSE), "recovery") == 0
		        ? "recovery export"
		        : "collect for its month");
	snprintf(size, sizeof(size), "%" PRId64, a->size);
	if ((rc = db_query_int64(a->db, &a->res->file_id, "record the acquit",
	         acq_record_file_sql, 4,
	         (const char *const[]){a->cred, a->sha, a->base, size}, err)) !=
	    0)
		return rc;
	snprintf(a->fid, sizeof(a->fid), "%" PRId64, a->res->file_id);
	if ((rc = db_query_int64(a->db, &id, "record the acquit's flow",
	         acq_insert_sql, 5,
	         (const char *const[]){a->cred, a->fid,
	             PQgetvalue(a->flow, 0, AF_BATCH), nom, a->day},
	         err)) != 0)
		return rc;
	snprintf(a->aid, sizeof(a->aid), "%" PRId64, id);
	return 0;
}

/* One record of the acquit, stored as the reader gave it. */
static int
acq_record(const sepa_pes_ack *k, void *arg)
{
	static const char *const levels[] = {"element", "piece", "line"};
	struct acq *a = arg;
	char idx[24], line[24], dom[16], etat[8];
	const char *p[14];

	if (!a->started && acq_start(a, &a->cb_err) != 0)
		return a->cb_err.code != 0 ? a->cb_err.code : SEPA_EINVAL;
	snprintf(idx, sizeof(idx), "%zu", k->index);
	snprintf(line, sizeof(line), "%ld", k->line > 0 ? k->line : 0);
	snprintf(dom, sizeof(dom), "%d", k->domaine);
	snprintf(etat, sizeof(etat), "%d", k->etat);
	p[0] = a->cred;
	p[1] = a->aid;
	p[2] = idx;
	p[3] = line;
	p[4] = levels[k->level <= SEPA_PES_ACK_LINE ? k->level : 0];
	p[5] = k->domaine >= 0 ? dom : NULL;
	p[6] = k->etat == 0 || k->etat == 1 ? etat : NULL;
	p[7] = k->num_bord;
	p[8] = k->exer;
	p[9] = k->id_unique;
	p[10] = k->num_piece;
	p[11] = k->num_ligne;
	p[12] = k->code;
	p[13] = k->label;
	a->res->records++;
	if (k->code[0] != '\0' || k->label[0] != '\0')
		a->res->errors++;
	return db_exec(
	    a->db, "store an acquit record", acq_record_sql, 14, p, &a->cb_err);
}

/*
 * The rejected bordereaux as refused payment blocks of the flow: their
 * collections cancelled and their invoices collectable again
 * (store_returns_settle), the invoices of their recovery titres due for
 * recovery again, an event each.
 */
static int
acq_reject(struct acq *a, const struct returns_policy *pol, sepa_error *err)
{
	const char *batch = PQgetvalue(a->flow, 0, AF_BATCH);
	const char *const p3[] = {a->cred, batch, a->aid};
	bool recovery =
	    strcmp(PQgetvalue(a->flow, 0, AF_PURPOSE), "recovery") == 0;
	char then[160];
	int64_t term = 0, susp = 0;
	int rc;
	if ((rc = store_returns_begin(a->db, err)) != 0 ||
	    (rc = db_exec(a->db, "stage the rejected bordereaux", acq_stage_sql,
	         3, p3, err)) != 0 ||
	    (rc = db_exec(a->db, "match their collections", acq_match_sql, 2,
	         p3, err)) != 0 ||
	    (rc = store_returns_settle(a->db, a->creditor_id, a->res->file_id,
	         a->base, pol, a->today, &term, &susp, err)) != 0 ||
	    (rc = db_query_int64(a->db, &a->res->cancelled,
	         "count the cancelled collections", acq_cancelled_sql, 2,
	         (const char *const[]){a->cred, a->fid}, err)) != 0 ||
	    (rc = db_query_int64(a->db, &a->res->recovery_back,
	         "put the recovery titres' invoices back",
	         acq_recovery_back_sql, 4,
	         (const char *const[]){a->cred, batch, a->aid, a->day}, err)) !=
	        0 ||
	    (rc = db_exec(a->db, "log the rejected bordereaux", acq_events_sql,
	         9,
	         (const char *const[]){a->cred, batch, a->aid, a->day, a->fid,
	             a->base, acq_event_msgids[recovery ? 0 : 1],
	             PQgetvalue(a->flow, 0, AF_MONTH), N_("no reason given")},
	         err)) != 0)
		return rc;
	snprintf(then, sizeof(then), "rejected by the comptable (acquit %s)",
	    a->base);
	return db_exec(a->db, "mark the flow rejected", acq_reject_batch_sql, 3,
	    (const char *const[]){a->cred, batch, then}, err);
}

/* Decide the bordereaux, act on the rejected ones, log the acquit. */
static int
acq_apply(struct acq *a, const struct returns_policy *pol, sepa_error *err)
{
	const char *batch = PQgetvalue(a->flow, 0, AF_BATCH);
	struct pes_acquit_result *res = a->res;
	char acc[24], rej[24];
	struct i18n_msg say;
	struct event ev = {0};
	PGresult *d = NULL;
	int rc;

	if ((rc = db_query(a->db, &d, "decide the bordereaux", acq_decide_sql,
	         3, (const char *const[]){a->cred, batch, a->aid}, err)) != 0)
		return rc;
	for (int r = 0; r < PQntuples(d); r++) {
		if (strcmp(PQgetvalue(d, r, 0), "rejected") == 0)
			res->rejected++;
		else
			res->accepted++;
	}
	PQclear(d);
	if (res->rejected > 0 && (rc = acq_reject(a, pol, err)) != 0)
		return rc;
	snprintf(acc, sizeof(acc), "%" PRId64, res->accepted);
	snprintf(rej, sizeof(rej), "%" PRId64, res->rejected);
	if ((rc = db_exec(a->db, "count the acquit's decisions", acq_counts_sql,
	         4, (const char *const[]){a->cred, a->aid, acc, rej}, err)) !=
	    0)
		return rc;
	i18n_msg(&say,
	    N_("acquit %s of PES flow %s: %s bordereau(x) taken in charge, %s "
	       "rejected, %s error(s) (sepactl status)"),
	    "ttnnn", a->base, res->nom_fic, res->accepted, res->rejected,
	    res->errors);
	ev.kind = "pes.acquit";
	ev.say = &say;
	ev.business_date = a->today;
	ev.batch_id = strtoll(batch, NULL, 10);
	ev.file_id = res->file_id;
	ev.has_count = true;
	ev.count = res->records;
	ev.needs_attention = res->errors > 0 && res->rejected == 0;
	return store_event_add(a->db, a->creditor_id, &ev, err);
}

int
store_pes_acquit_import(struct db *db, int64_t creditor_id, const char *path,
    const struct returns_policy *pol, sepa_date today,
    struct pes_acquit_result *res, sepa_error *err)
{
	sepa_pes_read_opts o = SEPA_PES_READ_OPTS_INIT;
	struct acq a = {.db = db,
	    .creditor_id = creditor_id,
	    .path = path,
	    .today = today,
	    .res = res,
	    .cb_err = SEPA_ERROR_INIT};
	int rc;

	memset(res, 0, sizeof(*res));
	a.base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	snprintf(a.cred, sizeof(a.cred), "%" PRId64, creditor_id);
	sepa_date_iso(a.day, today);
	o.max_records = ACQ_MAX_RECORDS;
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	/* serialised with the bank files: the same effects tables */
	if ((rc = db_exec(db, "serialise the imports",
	         "LOCK TABLE return_effects IN SHARE ROW EXCLUSIVE MODE", 0,
	         NULL, err)) != 0 ||
	    (rc = acq_digest(&a, err)) != 0)
		goto cleanup;
	if (res->file_id > 0) {
		res->already = true;
		goto cleanup;
	}
	rc = sepa_pes_read_file(path, &o, NULL, acq_record, &a, &a.info, err);
	if (rc != 0 && a.cb_err.code != 0)
		*err = a.cb_err;
	if (rc == 0 && !a.started)
		rc = acq_start(&a, err);
	if (rc == 0 && (rc = acq_apply(&a, pol, err)) == 0)
		rc = db_commit(db, err);
cleanup:
	if (rc != 0 || res->already)
		db_rollback(db);
	if (a.flow != NULL)
		PQclear(a.flow);
	return rc;
}
