/*
 * store_import.c - the CSV imports (families, mandates, tariffs,
 * consumption, children): hash the file, refuse bytes already taken in, then in one
 * transaction stream the rows through the CSV reader, check each field in
 * C (import_row.c), COPY the good rows into the staging table of the kind
 * (tagged with the imported_files id), run the checks that need the
 * database as set-based SQL, and either move the rows into the real tables
 * or roll everything back. Memory is bounded by the longest record and
 * the COPY buffer, whatever the number of rows.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sepa/caf.h"
#include "sepa/csv.h"
#include "sepa/date.h"
#include "sepa/digest.h"
#include "sepa/error.h"
#include "sepa/rules.h"
#include "db_internal.h"
#include "i18n.h"
#include "import_row.h"
#include "log.h"
#include "store_event.h"
#include "store_import.h"

/* The COPY of each kind's staging table, its columns as import_row.c. */
static const char *const import_copy_sql[] = {
    [IMPORT_FAMILIES] =
        "COPY staging_families (file_id, line, family_ref, payer_name, "
        "street, postcode, town, country, email, bracket) FROM STDIN",
    /* last_collected_on and sequence: the history of a mandate that
     * another software debited (migration 035) */
    [IMPORT_MANDATES] =
        "COPY staging_mandates (file_id, line, rum, family_ref, iban, bic, "
        "signed_on, last_collected_on, sequence) FROM STDIN",
    [IMPORT_TARIFFS] =
        "COPY staging_tariffs (file_id, line, service, bracket, unit, "
        "price_cents, valid_from, caf_activity, label) FROM STDIN",
    [IMPORT_CONSUMPTION] =
        "COPY staging_consumption (file_id, line, family_ref, child_ref, "
        "child_name, service, consumed_on, quantity_milli, birth_date) FROM "
        "STDIN",
    [IMPORT_CHILDREN] =
        "COPY staging_children (file_id, line, child_ref, family_ref, "
        "child_name, birth_date) FROM STDIN",
};

const char *
store_import_kind_name(enum import_kind kind)
{
	const struct import_row_kind *k = import_row_kind(kind);

	return k != NULL ? k->name : NULL;
}

int
store_import_kind_parse(enum import_kind *out, const char *name)
{
	for (int i = 0; import_row_kind((enum import_kind)i) != NULL; i++)
		if (strcmp(name, import_row_kind((enum import_kind)i)->name) ==
		    0) {
			*out = (enum import_kind)i;
			return 0;
		}
	return SEPA_EINVAL;
}

/* ------------------------------------------------------------ hashing */

static int
import_hash(
    int fd, const char *path, char hex[65], int64_t *size, sepa_error *err)
{
	int rc = sepa_sha256_fd(fd, path, hex, size, err);

	if (rc == 0 && lseek(fd, 0, SEEK_SET) != 0)
		rc = sepa_error_set(err, SEPA_EIO, "could not rewind %s: %s",
		    path, strerror(errno));
	return rc;
}

/* --------------------------------------------------- the file pass */

/*
 * Read every row: good ones go to the staging table through COPY, bad
 * ones to res->issues. Returns 0 (rows read, possibly with bad rows) or a
 * negative code for a problem of the whole file (err filled) or of the
 * database.
 */
static int
import_stream(struct db *db, enum import_kind kind, int fd, const char *path,
    int encoding, int64_t file_id, sepa_date today, struct import_result *res,
    sepa_error *err)
{
	const struct import_row_kind *def = import_row_kind(kind);
	sepa_csv_opts opts = SEPA_CSV_OPTS_INIT;
	sepa_csv_column cols[IMPORT_ROW_MAX_COLS];
	struct import_row_copy c = {NULL, 0, 0};
	sepa_csv *r = NULL;
	sepa_csv_row row;
	sepa_error e = SEPA_ERROR_INIT;
	char prefix[48];
	int rc, in_copy = 0;

	opts.encoding = encoding;
	opts.name = path;
	if ((rc = sepa_csv_open_fd(&r, fd, &opts, err)) != 0)
		goto cleanup;
	for (size_t k = 0; k < def->ncols; k++) {
		cols[k].name = def->cols[k].name;
		cols[k].required = def->cols[k].required;
		cols[k].index = -1;
	}
	if ((rc = sepa_csv_map(r, cols, def->ncols, err)) != 0) {
		if (err->line == 0)
			err->line = sepa_csv_header_line(r);
		goto cleanup;
	}
	if ((rc = db_copy_begin(db, "copy the rows into staging",
	         import_copy_sql[kind], err)) != 0)
		goto cleanup;
	in_copy = 1;
	snprintf(prefix, sizeof(prefix), "%" PRId64, file_id);
	for (;;) {
		rc = sepa_csv_next(r, &row, &e);
		if (rc == 0)
			break;
		if (rc < 0) {
			res->bad_rows++;
			res->rows_total++;
			import_row_issue(res, e.line, NULL, NULL, e.msg);
			if (sepa_csv_failed(r))
				break;
			continue;
		}
		res->rows_total++;
		c.len = 0;
		import_row_copy_field(&c, prefix);
		snprintf(e.msg, sizeof(e.msg), "%ld", row.line);
		import_row_copy_field(&c, e.msg);
		if (import_row_check(kind, &row, cols, today, res, &c) != 0) {
			res->bad_rows++;
			continue;
		}
		import_row_copy_raw(&c, "\n", 1);
		if ((rc = db_copy_put(db, c.buf, c.len, err)) != 0) {
			in_copy = 0;
			goto cleanup;
		}
	}
	in_copy = 0;
	rc = db_copy_end(db, NULL, err);
cleanup:
	if (in_copy)
		db_copy_abort(db, "import abandoned");
	free(c.buf);
	sepa_csv_free(r);
	return rc;
}

/* ------------------------------------------------ set-based checks */

/*
 * The checks that need the database, per kind: each SELECT gives (line,
 * column, value, reason) for the staged rows of file $2 and creditor $1.
 */
static const char *const import_checks[] = {
    [IMPORT_FAMILIES] =
        "SELECT s.line, 'family_ref', s.family_ref, 'family_ref already on "
        "line ' || d.first || ' of the file' "
        "FROM staging_families s JOIN (SELECT family_ref, min(line) AS "
        "first FROM staging_families WHERE file_id = $2 GROUP BY "
        "family_ref HAVING count(*) > 1) d USING (family_ref) "
        "WHERE s.file_id = $2 AND s.line > d.first AND $1::bigint > 0",
    [IMPORT_MANDATES] =
        "SELECT s.line, 'family_ref', s.family_ref, 'unknown family (import "
        "it with sepactl import families first)' "
        "FROM staging_mandates s WHERE s.file_id = $2 AND NOT EXISTS "
        "(SELECT 1 FROM families f WHERE f.creditor_id = $1 AND "
        "f.family_ref = s.family_ref) "
        "UNION ALL "
        "SELECT s.line, 'rum', s.rum, 'RUM already on line ' || d.first || "
        "' of the file' FROM staging_mandates s JOIN (SELECT upper(rum) AS "
        "u, min(line) AS first FROM staging_mandates WHERE file_id = $2 "
        "GROUP BY upper(rum) HAVING count(*) > 1) d ON upper(s.rum) = d.u "
        "WHERE s.file_id = $2 AND s.line > d.first "
        "UNION ALL "
        "SELECT s.line, 'family_ref', s.family_ref, 'family has another "
        "mandate on line ' || d.first || ' of the file' FROM "
        "staging_mandates s JOIN (SELECT family_ref, min(line) AS first, "
        "count(DISTINCT upper(rum)) AS n FROM staging_mandates WHERE "
        "file_id = $2 GROUP BY family_ref) d USING (family_ref) "
        "WHERE s.file_id = $2 AND d.n > 1 AND s.line > d.first AND "
        "upper(s.rum) <> (SELECT upper(rum) FROM staging_mandates WHERE "
        "file_id = $2 AND line = d.first) "
        "UNION ALL "
        "SELECT s.line, 'rum', s.rum, 'RUM belongs to family ' || "
        "f.family_ref FROM staging_mandates s JOIN mandates m ON "
        "m.creditor_id = $1 AND upper(m.rum) = upper(s.rum) JOIN families f "
        "ON f.creditor_id = $1 AND f.id = m.family_id WHERE s.file_id = $2 "
        "AND f.family_ref <> s.family_ref "
        "UNION ALL "
        /* the IBANs masked as sepa_iban_mask does (import_row_issue) */
        "SELECT s.line, 'iban', s.iban, 'mandate ' || m.rum || ' is "
        "registered with another account (' || left(a.iban, 4) || '****' || "
        "right(a.iban, 4) || '); to change the account run sepactl mandate "
        "change-account ' || m.rum || ' --iban NEW-IBAN --received DATE' "
        "FROM staging_mandates s JOIN mandates m ON "
        "m.creditor_id = $1 AND upper(m.rum) = upper(s.rum) JOIN LATERAL "
        "(SELECT iban FROM mandate_accounts x WHERE x.creditor_id = $1 AND "
        "x.mandate_id = m.id ORDER BY applies_from DESC LIMIT 1) a ON true "
        "WHERE s.file_id = $2 AND a.iban <> s.iban "
        "UNION ALL "
        "SELECT s.line, 'family_ref', s.family_ref, 'family already has "
        "the active mandate ' || m.rum FROM staging_mandates s JOIN families "
        "f ON f.creditor_id = $1 AND f.family_ref = s.family_ref JOIN "
        "mandates m ON m.creditor_id = $1 AND m.family_id = f.id AND "
        "m.state = 'active' AND upper(m.rum) <> upper(s.rum) WHERE "
        "s.file_id = $2 "
        /* a known mandate's history only moves forward (035) */
        "UNION ALL "
        "SELECT s.line, 'last_collected_on', s.last_collected_on::text, "
        "CASE WHEN s.last_collected_on < m.signed_on THEN 'before the "
        "signature date ' || m.signed_on || ' of mandate ' || m.rum ELSE "
        "'mandate ' || m.rum || ' was last collected on ' || "
        "m.last_collected_on || ' already: its history only moves "
        "forward' END FROM staging_mandates s JOIN mandates m ON "
        "m.creditor_id = $1 AND upper(m.rum) = upper(s.rum) WHERE "
        "s.file_id = $2 AND (s.last_collected_on < m.signed_on OR "
        "s.last_collected_on < m.last_collected_on) "
        "UNION ALL "
        "SELECT s.line, 'sequence', s.sequence, 'mandate ' || m.rum || ' "
        "was presented already (RCUR): its history only moves forward' "
        "FROM staging_mandates s JOIN mandates m ON m.creditor_id = $1 AND "
        "upper(m.rum) = upper(s.rum) WHERE s.file_id = $2 AND s.sequence "
        "= 'FRST' AND m.presented_before "
        /* a RUM given up (037) is never taken again */
        "UNION ALL "
        "SELECT s.line, 'rum', s.rum, 'RUM ' || c.old_rum || ' became ' || "
        "m.rum || ' on ' || c.received_on || ' and is not used again' FROM "
        "staging_mandates s JOIN mandate_rum_changes c ON c.creditor_id = $1 "
        "AND upper(c.old_rum) = upper(s.rum) JOIN mandates m ON "
        "m.creditor_id = $1 AND m.id = c.mandate_id WHERE s.file_id = $2",
    [IMPORT_TARIFFS] =
        "SELECT s.line, 'valid_from', s.valid_from::text, 'service ' || "
        "s.service || ', bracket ' || s.bracket || ' from this date already "
        "on line ' || d.first || ' of the file' FROM staging_tariffs s JOIN "
        "(SELECT service, bracket, valid_from, min(line) AS first FROM "
        "staging_tariffs WHERE file_id = $2 GROUP BY 1, 2, 3 HAVING "
        "count(*) > 1) d USING (service, bracket, valid_from) WHERE "
        "s.file_id = $2 AND s.line > d.first "
        "UNION ALL "
        "SELECT s.line, 'unit', s.unit, 'service ' || s.service || ' has "
        "unit ' || d.unit || ' on line ' || d.first || ' of the file' FROM "
        "staging_tariffs s JOIN (SELECT DISTINCT ON (service) service, "
        "unit, line AS first FROM staging_tariffs WHERE file_id = $2 ORDER "
        "BY service, line) d USING (service) WHERE s.file_id = $2 AND "
        "s.unit <> d.unit "
        "UNION ALL "
        "SELECT s.line, 'unit', s.unit, 'service ' || s.service || ' is "
        "billed per ' || v.unit FROM staging_tariffs s JOIN services v ON "
        "v.creditor_id = $1 AND v.code = s.service WHERE s.file_id = $2 "
        "AND v.unit <> s.unit "
        "UNION ALL "
        "SELECT s.line, 'price', s.price_cents::text, 'a tariff of service "
        "' || s.service || ', bracket ' || s.bracket || ' from ' || "
        "s.valid_from || ' already exists with price ' || t.price_cents || "
        "' cents' FROM staging_tariffs s JOIN services v ON v.creditor_id = "
        "$1 AND v.code = s.service JOIN tariffs t ON t.creditor_id = $1 AND "
        "t.service_id = v.id AND t.bracket = s.bracket AND t.valid_from = "
        "s.valid_from WHERE s.file_id = $2 AND t.price_cents <> "
        "s.price_cents "
        "UNION ALL "
        /* one CAF activity per service (rows that leave it empty agree) */
        "SELECT s.line, 'caf_activity', s.caf_activity, 'service ' || "
        "s.service || ' has CAF activity ' || d.caf_activity || ' on line ' "
        "|| d.first || ' of the file' FROM staging_tariffs s JOIN (SELECT "
        "DISTINCT ON (service) service, caf_activity, line AS first FROM "
        "staging_tariffs WHERE file_id = $2 AND caf_activity IS NOT NULL "
        "ORDER BY service, line) d USING (service) WHERE s.file_id = $2 AND "
        "s.caf_activity <> d.caf_activity",
    /* On imp_conso: the staging rows with their ids (import_prepare). */
    [IMPORT_CONSUMPTION] =
        "SELECT line, 'family_ref', family_ref, 'unknown family' FROM "
        "imp_conso WHERE file_id = $2 AND family_id IS NULL "
        "UNION ALL "
        "SELECT line, 'service', service, 'unknown service (import its "
        "tariffs first)' FROM imp_conso WHERE service_id IS NULL "
        "UNION ALL "
        /* a tariff from valid_from on: the first one must be in force */
        "SELECT s.line, 'service', s.service, 'no tariff for bracket ' || "
        "s.bracket || ' on ' || s.consumed_on FROM imp_conso s LEFT JOIN "
        "(SELECT service_id, bracket, min(valid_from) AS first FROM "
        "tariffs WHERE creditor_id = $1 GROUP BY 1, 2) t ON t.service_id = "
        "s.service_id AND t.bracket = s.bracket WHERE s.family_id IS NOT "
        "NULL AND s.service_id IS NOT NULL AND (t.first IS NULL OR "
        "t.first > s.consumed_on) "
        "UNION ALL "
        "SELECT s.line, 'date', s.consumed_on::text, 'same child, service "
        "and date already on line ' || d.first || ' of the file' FROM "
        "imp_conso s JOIN (SELECT family_ref, child_ref, service, "
        "consumed_on, min(line) AS first FROM imp_conso GROUP BY 1, 2, 3, 4 "
        "HAVING count(*) > 1) d USING (family_ref, child_ref, service, "
        "consumed_on) WHERE s.line > d.first "
        "UNION ALL "
        "SELECT s.line, 'date', s.consumed_on::text, 'same child, service, "
        "date and quantity already imported from file #' || "
        "c.source_file_id || ' line ' || c.source_line FROM imp_conso s "
        "JOIN consumption_lines c ON c.creditor_id = $1 AND c.child_id = "
        "s.child_id AND c.service_id = s.service_id AND c.consumed_on = "
        "s.consumed_on AND c.quantity_milli = s.quantity_milli "
        /* the file's date range, for the BRIN index on consumed_on */
        "AND c.consumed_on BETWEEN (SELECT min(consumed_on) FROM "
        "imp_conso) AND (SELECT max(consumed_on) FROM imp_conso) "
        "UNION ALL "
        /* one birth date per child: in the file, and as stored */
        "SELECT s.line, 'birth_date', s.birth_date::text, 'child ' || "
        "s.child_ref || ' of family ' || s.family_ref || ' has birth date ' "
        "|| d.birth_date || ' on line ' || d.line || ' of the file' FROM "
        "imp_conso s JOIN (SELECT DISTINCT ON (family_ref, child_ref) "
        "family_ref, child_ref, birth_date, line FROM imp_conso x WHERE "
        "(family_ref, child_ref) IN (SELECT family_ref, child_ref FROM "
        "imp_conso WHERE birth_date IS NOT NULL GROUP BY 1, 2 HAVING "
        "min(birth_date) <> max(birth_date)) AND birth_date IS NOT NULL "
        "ORDER BY family_ref, child_ref, line) d USING (family_ref, "
        "child_ref) WHERE s.birth_date <> d.birth_date "
        "UNION ALL "
        "SELECT s.line, 'birth_date', s.birth_date::text, 'child ' || "
        "s.child_ref || ' of family ' || s.family_ref || ' was born on ' || "
        "s.stored_birth || ' according to ' || coalesce(i.file_name, "
        "'file #' || s.birth_file) || ' line ' || s.birth_line || '; a "
        "children file (sepactl import children) corrects it' FROM "
        "imp_conso s LEFT JOIN imported_files i ON i.creditor_id = $1 AND "
        "i.id = s.birth_file WHERE s.birth_date <> s.stored_birth",
    [IMPORT_CHILDREN] =
        "SELECT s.line, 'family_ref', s.family_ref, 'unknown family (import "
        "it with sepactl import families first)' FROM staging_children s "
        "WHERE s.file_id = $2 AND NOT EXISTS (SELECT 1 FROM families f "
        "WHERE f.creditor_id = $1 AND f.family_ref = s.family_ref) "
        "UNION ALL "
        "SELECT s.line, 'child_ref', s.child_ref, 'child ' || s.child_ref "
        "|| ' of family ' || s.family_ref || ' already on line ' || d.first "
        "|| ' of the file' FROM staging_children s JOIN (SELECT "
        "family_ref, child_ref, min(line) AS first FROM staging_children "
        "WHERE file_id = $2 GROUP BY 1, 2 HAVING count(*) > 1) d USING "
        "(family_ref, child_ref) WHERE s.file_id = $2 AND s.line > d.first",
};

/*
 * Per kind, what the checks and moves read instead of the staging table,
 * when the rows need ids looked up more than once: made once here. $1 the
 * creditor, $2 the file.
 */
static const char *const import_prepare[] = {
    [IMPORT_CONSUMPTION] =
        "CREATE TEMP TABLE imp_conso ON COMMIT DROP AS SELECT s.file_id, "
        "s.line, "
        "s.family_ref, s.child_ref, s.child_name, s.service, "
        "s.consumed_on, s.quantity_milli, s.birth_date, f.id AS family_id, "
        "f.bracket, v.id AS service_id, h.id AS child_id, h.birth_date AS "
        "stored_birth, h.birth_source_file_id AS birth_file, "
        "h.birth_source_line AS birth_line FROM staging_consumption s "
        "LEFT JOIN families f ON f.creditor_id = $1 AND f.family_ref = "
        "s.family_ref LEFT JOIN services v ON v.creditor_id = $1 AND "
        "v.code = s.service LEFT JOIN children h ON h.creditor_id = $1 "
        "AND h.family_id = f.id AND h.child_ref = s.child_ref WHERE "
        "s.file_id = $2",
};

/* Run the kind's checks; add what they find to res. */
static int
import_db_checks(struct db *db, enum import_kind kind, const char *cred,
    const char *file, struct import_result *res, sepa_error *err)
{
	const char *params[3];
	PGresult *q = NULL;
	char sql[8192], room[24];
	int rc, n;
	size_t keep = IMPORT_MAX_ISSUES - res->nissues;

	snprintf(room, sizeof(room), "%zu", keep);
	params[0] = cred;
	params[1] = file;
	params[2] = room;
	/* The query text is ours (a fixed table above), never input. */
	snprintf(sql, sizeof(sql),
	    "WITH issues AS MATERIALIZED (%s), "
	    "n AS (SELECT count(DISTINCT line) AS bad, count(*) AS total "
	    "FROM issues) "
	    "SELECT i.*, n.bad, n.total FROM n LEFT JOIN LATERAL (SELECT * "
	    "FROM issues ORDER BY 1, 2 LIMIT $3::bigint) i ON true",
	    import_checks[kind]);
	if ((rc = db_query(db, &q, "check the rows against the database", sql,
	         3, params, err)) != 0)
		return rc;
	n = PQntuples(q);
	for (int i = 0; i < n; i++) {
		if (i == 0) {
			int64_t bad = strtoll(PQgetvalue(q, 0, 4), NULL, 10);
			int64_t total = strtoll(PQgetvalue(q, 0, 5), NULL, 10);

			res->bad_rows += bad;
			/* import_row_issue counts those it keeps. */
			res->issues_total += total;
		}
		if (PQgetisnull(q, i, 0))
			continue;
		import_row_issue(res, strtol(PQgetvalue(q, i, 0), NULL, 10),
		    PQgetvalue(q, i, 1), PQgetvalue(q, i, 2),
		    PQgetvalue(q, i, 3));
		res->issues_total--;
	}
	db_result_free(q);
	return 0;
}

/*
 * A new mandate for a family whose mandate ended for too many rejects
 * (state_reason STORE_REASON_TWO_REJECTS, whatever the limit) is refused
 * until the next school year (sepa_rule_new_mandate_from).
 */
static int
import_check_rejects(struct db *db, const char *cred, const char *file,
    const sepa_rules *rules, sepa_date today, struct import_result *res,
    sepa_error *err)
{
	const char *params[2] = {cred, file};
	PGresult *q = NULL;
	int rc;

	if ((rc = db_query(db, &q, "look up mandates ended for rejects",
	         "SELECT s.line, s.family_ref, m.rum, m.state_since::text "
	         "FROM staging_mandates s JOIN families f ON f.creditor_id = $1 "
	         "AND f.family_ref = s.family_ref JOIN mandates m ON "
	         "m.creditor_id = $1 AND m.family_id = f.id AND m.state = "
	         "'terminated' AND m.state_reason = '" STORE_REASON_TWO_REJECTS
	         "' AND upper(m.rum) <> upper(s.rum) WHERE s.file_id = $2 "
	         "ORDER BY s.line, m.state_since DESC",
	         2, params, err)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(q); i++) {
		sepa_error e = SEPA_ERROR_INIT;
		sepa_date since, from;
		char why[256], d[SEPA_DATE_BUFSZ], ended[SEPA_DATE_BUFSZ];

		if (i > 0 &&
		    strcmp(PQgetvalue(q, i, 0), PQgetvalue(q, i - 1, 0)) == 0)
			continue;
		if (sepa_date_parse(&since, PQgetvalue(q, i, 3), &e) != 0)
			continue;
		from = sepa_rule_new_mandate_from(sepa_school_year(since));
		if (sepa_date_cmp(today, from) >= 0)
			continue;
		snprintf(why, sizeof(why),
		    _("mandate %s of this family ended on %s after %s; a new "
		      "mandate is accepted from %s"),
		    PQgetvalue(q, i, 2), i18n_date(ended, since),
		    _(sepa_rule_rejects_name(
		        rules->max_rejects_per_school_year)),
		    i18n_date(d, from));
		res->bad_rows++;
		import_row_issue(res, strtol(PQgetvalue(q, i, 0), NULL, 10),
		    "family_ref", PQgetvalue(q, i, 1), why);
	}
	db_result_free(q);
	return 0;
}

/* ------------------------------------------------- moving the rows */

struct import_step {
	const char *what;
	const char *sql; /* $1 creditor, $2 file; returns (inserted, updated) */
	/*
	 * Run after the step: rows created in this transaction have no
	 * statistics, and the next step joins them with the whole file.
	 */
	const char *analyze;
};

static const struct import_step import_moves[][4] = {
    [IMPORT_FAMILIES] =
        {
            {N_("store the families"),
                "WITH up AS (INSERT INTO families AS f (creditor_id, "
                "family_ref, payer_name, street, postcode, town, country, "
                "email, bracket, source_file_id, source_line) SELECT $1, "
                "family_ref, payer_name, street, postcode, town, country, "
                "email, bracket, $2, line FROM staging_families WHERE "
                "file_id = $2 ON CONFLICT (creditor_id, family_ref) DO "
                "UPDATE SET payer_name = EXCLUDED.payer_name, street = "
                "EXCLUDED.street, postcode = EXCLUDED.postcode, town = "
                "EXCLUDED.town, country = EXCLUDED.country, email = "
                "EXCLUDED.email, bracket = EXCLUDED.bracket, "
                "source_file_id = EXCLUDED.source_file_id, source_line = "
                "EXCLUDED.source_line, updated_at = now() WHERE "
                "(f.payer_name, f.street, f.postcode, f.town, f.country, "
                "f.email, f.bracket) IS DISTINCT FROM (EXCLUDED.payer_name, "
                "EXCLUDED.street, EXCLUDED.postcode, EXCLUDED.town, "
                "EXCLUDED.country, EXCLUDED.email, EXCLUDED.bracket) "
                "RETURNING (xmax = 0) AS ins) "
                "SELECT count(*) FILTER (WHERE ins), count(*) FILTER "
                "(WHERE NOT ins), 0 FROM up",
                /* the next imports and the invoice run plan on these */
                "ANALYZE families"},
        },
    [IMPORT_MANDATES] =
        {
            /* a known mandate: its history forward only (035) */
            {N_("update the mandates' history"),
                "WITH up AS (UPDATE mandates m SET last_collected_on = "
                "greatest(m.last_collected_on, s.last_collected_on), "
                "presented_before = m.presented_before OR s.sequence IS NOT "
                "DISTINCT FROM 'RCUR', updated_at = now() FROM "
                "staging_mandates s WHERE s.file_id = $2 AND m.creditor_id "
                "= $1 AND upper(m.rum) = upper(s.rum) AND (s.last_collected_on "
                "> m.last_collected_on OR (s.last_collected_on IS NOT NULL "
                "AND m.last_collected_on IS NULL) OR (s.sequence = 'RCUR' AND "
                "NOT m.presented_before)) RETURNING 1) SELECT 0, count(*), 0 "
                "FROM up"},
            {N_("store the mandates"),
                "WITH ins AS (INSERT INTO mandates (creditor_id, family_id, "
                "rum, signed_on, last_collected_on, presented_before, "
                "source_file_id, source_line) SELECT $1, f.id, s.rum, "
                "s.signed_on, s.last_collected_on, s.sequence IS NOT "
                "DISTINCT FROM 'RCUR', $2, s.line FROM staging_mandates "
                "s JOIN families f ON f.creditor_id = $1 AND f.family_ref = "
                "s.family_ref WHERE s.file_id = $2 AND NOT EXISTS (SELECT 1 "
                "FROM mandates m WHERE m.creditor_id = $1 AND upper(m.rum) "
                "= upper(s.rum)) RETURNING id, source_line), "
                "acc AS (INSERT INTO mandate_accounts (creditor_id, "
                "mandate_id, iban, bic, applies_from, received_on, "
                "source_file_id, source_line) SELECT $1, ins.id, s.iban, "
                "s.bic, date_trunc('month', s.signed_on)::date, "
                "s.signed_on, $2, s.line FROM ins JOIN staging_mandates s ON "
                "s.file_id = $2 AND s.line = ins.source_line RETURNING 1) "
                "SELECT (SELECT count(*) FROM ins), 0, (SELECT count(*) FROM "
                "acc)",
                "ANALYZE mandates, mandate_accounts"},
        },
    [IMPORT_TARIFFS] =
        {
            /* the rows of a service agree on its unit and activity */
            {N_("create the services"),
                "WITH up AS (INSERT INTO services AS v (creditor_id, code, "
                "unit, caf_activity, label) SELECT $1, service, min(unit), "
                "coalesce(max(caf_activity), 'none'), "
                "coalesce(max(nullif(label, '')), '') FROM staging_tariffs "
                "WHERE file_id = $2 GROUP BY service ON CONFLICT "
                "(creditor_id, code) DO UPDATE SET caf_activity = CASE WHEN "
                "EXISTS (SELECT 1 FROM staging_tariffs s WHERE s.file_id = "
                "$2 AND s.service = v.code AND s.caf_activity IS NOT NULL) "
                "THEN EXCLUDED.caf_activity ELSE v.caf_activity END, label "
                "= CASE WHEN EXCLUDED.label <> '' THEN EXCLUDED.label ELSE "
                "v.label END WHERE (v.caf_activity <> EXCLUDED.caf_activity "
                "AND EXISTS (SELECT 1 FROM staging_tariffs s WHERE "
                "s.file_id = $2 AND s.service = v.code AND s.caf_activity "
                "IS NOT NULL)) OR (EXCLUDED.label <> '' AND EXCLUDED.label "
                "<> v.label) RETURNING (xmax = 0) AS ins) SELECT 0, "
                "count(*) FILTER (WHERE NOT ins), count(*) FILTER (WHERE "
                "ins) FROM up"},
            {N_("store the tariffs"),
                "WITH ins AS (INSERT INTO tariffs (creditor_id, service_id, "
                "unit, bracket, price_cents, valid_from, source_file_id, "
                "source_line) SELECT $1, v.id, v.unit, s.bracket, "
                "s.price_cents, s.valid_from, $2, s.line FROM "
                "staging_tariffs s JOIN services v ON v.creditor_id = $1 "
                "AND v.code = s.service WHERE s.file_id = $2 ON CONFLICT "
                "(creditor_id, service_id, bracket, valid_from) DO NOTHING "
                "RETURNING 1) SELECT count(*), 0, 0 FROM ins"},
        },
    [IMPORT_CONSUMPTION] =
        {
            /* named as on their first line; born as the file says */
            {N_("create the children"),
                "WITH k AS (SELECT DISTINCT ON (family_id, child_ref) "
                "family_id, child_ref, child_name FROM imp_conso WHERE "
                "file_id = $2 AND child_id IS NULL ORDER BY family_id, "
                "child_ref, line), b AS (SELECT family_id, child_ref, "
                "min(birth_date) AS birth_date, min(line) AS line FROM "
                "imp_conso WHERE child_id IS NULL AND birth_date IS NOT NULL "
                "GROUP BY 1, 2), ins AS (INSERT INTO children (creditor_id, "
                "family_id, child_ref, name, birth_date, "
                "birth_source_file_id, birth_source_line) SELECT $1, "
                "k.family_id, k.child_ref, k.child_name, b.birth_date, "
                "CASE WHEN b.birth_date IS NOT NULL THEN $2::bigint END, "
                "b.line FROM k LEFT JOIN b USING (family_id, child_ref) ON "
                "CONFLICT (creditor_id, family_id, child_ref) DO NOTHING "
                "RETURNING 1) SELECT 0, 0, count(*) FROM ins",
                "ANALYZE children"},
            /* a known child without a birth date gets the file's */
            {N_("complete the birth dates"),
                "WITH up AS (UPDATE children h SET birth_date = b.birth_date, "
                "birth_source_file_id = $2, birth_source_line = b.line FROM "
                "(SELECT child_id, min(birth_date) AS birth_date, min(line) "
                "AS line FROM imp_conso WHERE child_id IS NOT NULL AND "
                "stored_birth IS NULL AND birth_date IS NOT NULL GROUP BY 1) "
                "b WHERE h.creditor_id = $1 AND h.id = b.child_id AND "
                "h.birth_date IS NULL RETURNING 1) SELECT 0, count(*), 0 "
                "FROM up"},
            /* the ids were looked up before the new children existed */
            {N_("store the consumption"),
                "WITH ins AS (INSERT INTO consumption_lines (creditor_id, "
                "family_id, child_id, service_id, consumed_on, "
                "quantity_milli, source_file_id, source_line) SELECT $1, "
                "s.family_id, coalesce(s.child_id, h.id), s.service_id, "
                "s.consumed_on, s.quantity_milli, $2, s.line FROM imp_conso "
                "s LEFT JOIN children h ON s.child_id IS NULL AND "
                "h.creditor_id = $1 AND h.family_id = s.family_id AND "
                "h.child_ref = s.child_ref RETURNING 1) SELECT count(*), 0, "
                "0 FROM ins"},
            /* What the invoice run bills: the file's lines, per month. */
            {N_("record the consumption batches"),
                "WITH ins AS (INSERT INTO consumption_batches "
                "(creditor_id, source_file_id, month, lines) SELECT $1, "
                "$2, date_trunc('month', consumed_on)::date, count(*) "
                "FROM imp_conso GROUP BY 3 RETURNING 1) SELECT 0, 0, 0 "
                "FROM ins LIMIT 1",
                /* the invoice run plans on these (a sample: no scan) */
                "ANALYZE consumption_lines, consumption_batches"},
        },
    [IMPORT_CHILDREN] =
        {
            /* a name or birth date the file changes; no date: kept */
            {N_("store the children"),
                "WITH up AS (INSERT INTO children AS h (creditor_id, "
                "family_id, child_ref, name, birth_date, "
                "birth_source_file_id, birth_source_line) SELECT $1, f.id, "
                "s.child_ref, s.child_name, s.birth_date, CASE WHEN "
                "s.birth_date IS NOT NULL THEN $2::bigint END, CASE WHEN "
                "s.birth_date IS NOT NULL THEN s.line END FROM "
                "staging_children s JOIN families f ON f.creditor_id = $1 "
                "AND f.family_ref = s.family_ref WHERE s.file_id = $2 ON "
                "CONFLICT (creditor_id, family_id, child_ref) DO UPDATE SET "
                "name = EXCLUDED.name, birth_date = coalesce("
                "EXCLUDED.birth_date, h.birth_date), birth_source_file_id = "
                "coalesce(EXCLUDED.birth_source_file_id, "
                "h.birth_source_file_id), birth_source_line = coalesce("
                "EXCLUDED.birth_source_line, h.birth_source_line) WHERE "
                "(h.name, h.birth_date) IS DISTINCT FROM (EXCLUDED.name, "
                "coalesce(EXCLUDED.birth_date, h.birth_date)) RETURNING "
                "(xmax = 0) AS ins) SELECT count(*) FILTER (WHERE ins), "
                "count(*) FILTER (WHERE NOT ins), 0 FROM up",
                "ANALYZE children"},
        },
};

static const char *const import_analyze[] = {
    [IMPORT_FAMILIES] = "ANALYZE staging_families",
    [IMPORT_MANDATES] = "ANALYZE staging_mandates",
    [IMPORT_TARIFFS] = "ANALYZE staging_tariffs",
    [IMPORT_CONSUMPTION] = "ANALYZE staging_consumption",
    [IMPORT_CHILDREN] = "ANALYZE staging_children",
};

static const char *const import_clear[] = {
    [IMPORT_FAMILIES] = "DELETE FROM staging_families WHERE file_id = $1",
    [IMPORT_MANDATES] = "DELETE FROM staging_mandates WHERE file_id = $1",
    [IMPORT_TARIFFS] = "DELETE FROM staging_tariffs WHERE file_id = $1",
    [IMPORT_CONSUMPTION] = "DELETE FROM staging_consumption WHERE file_id = $1",
    [IMPORT_CHILDREN] = "DELETE FROM staging_children WHERE file_id = $1",
};

static int
import_move(struct db *db, enum import_kind kind, const char *cred,
    const char *file, struct import_result *res, sepa_error *err)
{
	const char *params[2] = {cred, file};

	for (size_t i = 0; i < 4 && import_moves[kind][i].sql != NULL; i++) {
		PGresult *q = NULL;
		int rc;

		if ((rc = db_query(db, &q, import_moves[kind][i].what,
		         import_moves[kind][i].sql, 2, params, err)) != 0)
			return rc;
		if (PQntuples(q) == 1 && PQnfields(q) == 3) {
			res->rows_inserted +=
			    strtoll(PQgetvalue(q, 0, 0), NULL, 10);
			res->rows_updated +=
			    strtoll(PQgetvalue(q, 0, 1), NULL, 10);
			res->created += strtoll(PQgetvalue(q, 0, 2), NULL, 10);
		}
		db_result_free(q);
		if (import_moves[kind][i].analyze != NULL &&
		    (rc = db_exec(db, "analyze the new rows",
		         import_moves[kind][i].analyze, 0, NULL, err)) != 0)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------ entry */

/* Is this file already imported? Fills res when it is. */
static int
import_find_same(struct db *db, const char *cred, const char *kind,
    const char *sha, struct import_result *res, sepa_error *err)
{
	const char *params[3] = {cred, kind, sha};
	PGresult *q = NULL;
	int rc;

	if ((rc = db_query(db, &q, "look for the same file",
	         "SELECT id, to_char(coalesce(finished_at, started_at), "
	         "'YYYY-MM-DD') FROM imported_files WHERE creditor_id = $1 AND "
	         "kind = $2 AND sha256 = $3 AND status = 'imported'",
	         3, params, err)) != 0)
		return rc;
	if (PQntuples(q) > 0) {
		res->already = 1;
		res->file_id = strtoll(PQgetvalue(q, 0, 0), NULL, 10);
		snprintf(res->already_on, sizeof(res->already_on), "%s",
		    PQgetvalue(q, 0, 1));
	}
	db_result_free(q);
	return 0;
}

/* One import under way: its file and its parameters as text. */
struct import_job {
	enum import_kind kind;
	const char *kname; /* the kind's name */
	const char *path, *base; /* base: the file's name, without directory */
	int64_t creditor_id;
	const sepa_rules
	    *rules; /* the contract's (new mandates after rejects) */
	sepa_date today;
	double t0; /* when the rows began to be read (log_clock) */
	char sha[65], cred[24], file[24], size[24];
};

/*
 * Register the file in imported_files (job->file, res->file_id), unless
 * the same bytes were imported before (res->already).
 */
static int
import_register(struct db *db, struct import_job *job,
    struct import_result *res, sepa_error *err)
{
	int rc;

	if ((rc = import_find_same(
	         db, job->cred, job->kname, job->sha, res, err)) != 0 ||
	    res->already)
		return rc;
	if ((rc = db_query_int64(db, &res->file_id,
	         "register the imported file",
	         "INSERT INTO imported_files (creditor_id, kind, sha256, "
	         "file_name, size_bytes) VALUES ($1, $2, $3, $4, $5) "
	         "RETURNING id",
	         5,
	         (const char *const[]){
	             job->cred, job->kname, job->sha, job->base, job->size},
	         err)) != 0)
		return rc;
	snprintf(job->file, sizeof(job->file), "%" PRId64, res->file_id);
	return 0;
}

/*
 * The staging rows are new in this transaction: without statistics the
 * planner takes a big file for a few rows and joins it row by row.
 * ANALYZE sees our own uncommitted rows. Then the ids the checks and
 * moves need more than once are looked up, for the kinds that have them.
 */
static int
import_prepare_rows(
    struct db *db, const struct import_job *job, sepa_error *err)
{
	enum import_kind kind = job->kind;
	int rc;

	if ((rc = db_exec(db, "analyze the staging rows", import_analyze[kind],
	         0, NULL, err)) != 0)
		return rc;
	if (kind >= sizeof(import_prepare) / sizeof(import_prepare[0]) ||
	    import_prepare[kind] == NULL)
		return 0;
	if ((rc = db_exec(db, "look up the rows' ids", import_prepare[kind], 2,
	         (const char *const[]){job->cred, job->file}, err)) != 0)
		return rc;
	return db_exec(
	    db, "analyze the rows' ids", "ANALYZE imp_conso", 0, NULL, err);
}

/*
 * The checks of the staged rows that need the database; SEPA_EINVAL when
 * a row is bad or the file has none.
 */
static int
import_check(struct db *db, const struct import_job *job,
    struct import_result *res, sepa_error *err)
{
	const char *cred = job->cred, *file = job->file;
	int rc;

	if ((rc = import_prepare_rows(db, job, err)) != 0)
		return rc;
	log_debug(
	    "import: analyzed and looked up at %.2f s", log_clock() - job->t0);
	if ((rc = import_db_checks(db, job->kind, cred, file, res, err)) != 0)
		return rc;
	log_debug("import: checked at %.2f s", log_clock() - job->t0);
	if (job->kind == IMPORT_MANDATES &&
	    (rc = import_check_rejects(
	         db, cred, file, job->rules, job->today, res, err)) != 0)
		return rc;
	if (res->bad_rows > 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    ngettext("%" PRId64 " bad row", "%" PRId64 " bad rows",
		        (unsigned long)res->bad_rows),
		    res->bad_rows);
	if (res->rows_total == 0)
		return sepa_error_setw(err, SEPA_EINVAL, job->path, 0,
		    "no data row after the header");
	return 0;
}

/*
 * Move the rows into the real tables, clear the staging rows, and mark
 * the file imported, with its event.
 */
static int
import_store(struct db *db, const struct import_job *job,
    struct import_result *res, sepa_error *err)
{
	struct event ev = {0};
	char n1[24], n2[24], n3[24];
	struct i18n_msg say;
	int rc;

	rc = import_move(db, job->kind, job->cred, job->file, res, err);
	if (rc != 0)
		return rc;
	log_debug("import: stored at %.2f s", log_clock() - job->t0);
	if ((rc = db_exec(db, "clear the staging rows", import_clear[job->kind],
	         1, (const char *const[]){job->file}, err)) != 0)
		return rc;
	snprintf(n1, sizeof(n1), "%" PRId64, res->rows_total);
	snprintf(n2, sizeof(n2), "%" PRId64, res->rows_inserted);
	snprintf(n3, sizeof(n3), "%" PRId64, res->rows_updated);
	if ((rc = db_exec(db, "mark the file imported",
	         "UPDATE imported_files SET status = 'imported', "
	         "rows_total = $2, rows_inserted = $3, rows_updated = "
	         "$4, finished_at = now() WHERE id = $1",
	         4, (const char *const[]){job->file, n1, n2, n3}, err)) != 0)
		return rc;
	i18n_msg(&say,
	    N_("%s file %s imported: %s rows, %s inserted, %s updated"),
	    "ttnnn", job->kname, job->base, res->rows_total, res->rows_inserted,
	    res->rows_updated);
	ev.kind = "file.imported";
	ev.say = &say;
	ev.business_date = job->today;
	ev.file_id = res->file_id;
	ev.has_count = true;
	ev.count = res->rows_total;
	return store_event_add(db, job->creditor_id, &ev, err);
}

int
store_import_file(struct db *db, int64_t creditor_id, enum import_kind kind,
    const char *path, int encoding, const sepa_rules *rules, sepa_date today,
    struct import_result *res, sepa_error *err)
{
	struct import_job job = {.kind = kind,
	    .kname = store_import_kind_name(kind),
	    .path = path,
	    .creditor_id = creditor_id,
	    .rules = rules,
	    .today = today};
	int64_t size;
	int fd = -1, rc, in_tx = 0;

	memset(res, 0, sizeof(*res));
	if (job.kname == NULL)
		return sepa_error_set(
		    err, SEPA_EINVAL, "unknown import kind %d", (int)kind);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = sepa_error_set(err, SEPA_EIO, "could not open %s: %s",
		    path, strerror(errno));
		err->sys_errno = errno;
		goto cleanup;
	}
	if ((rc = import_hash(fd, path, job.sha, &size, err)) != 0)
		goto cleanup;
	snprintf(job.cred, sizeof(job.cred), "%" PRId64, creditor_id);
	snprintf(job.size, sizeof(job.size), "%" PRId64, size);
	job.base = strrchr(path, '/');
	job.base = job.base != NULL ? job.base + 1 : path;

	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		goto cleanup;
	in_tx = 1;
	if ((rc = import_register(db, &job, res, err)) != 0 || res->already)
		goto cleanup;
	job.t0 = log_clock();
	if ((rc = import_stream(db, kind, fd, path, encoding, res->file_id,
	         today, res, err)) != 0)
		goto cleanup;
	log_debug("import: read and copied %" PRId64 " rows in %.2f s",
	    res->rows_total, log_clock() - job.t0);
	if ((rc = import_check(db, &job, res, err)) != 0 ||
	    (rc = import_store(db, &job, res, err)) != 0 ||
	    (rc = db_commit(db, err)) != 0)
		goto cleanup;
	in_tx = 0;
cleanup:
	if (in_tx)
		db_rollback(db);
	if (rc != 0 && !res->already)
		res->file_id = 0;
	if (fd >= 0)
		close(fd);
	return rc;
}
