/*
 * load-commune.c - load gen-commune's CSV files into a migrated database
 * with COPY and set-based SQL, for benchmarks and demos while
 * `sepactl import` is not there (it does no row checks: the files are
 * trusted output of gen-commune).
 *
 *   load-commune CONNINFO DIR ICS CREDITOR-NAME
 */
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sepad.h"

static double
load_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* COPY the file into table `raw_NAME`, and record it in imported_files. */
static int
load_copy(struct db *db, const char *cred, const char *dir, const char *name,
    const char *columns, sepa_error *err)
{
	char path[4096], sql[512], buf[1 << 16], hex[65], rows[24], size[24];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	long long total = 0;
	int64_t n = 0, fid;
	ssize_t got;
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s.csv", dir, name);
	if (ctx == NULL || (fd = open(path, O_RDONLY)) < 0) {
		EVP_MD_CTX_free(ctx);
		return sepa_error_set(err, SEPA_EIO, "could not open %s", path);
	}
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	snprintf(sql, sizeof(sql),
	    "COPY raw_%s (%s) FROM STDIN (FORMAT csv, DELIMITER ';', "
	    "HEADER true)",
	    name, columns);
	if ((rc = db_copy_begin(db, "load a file", sql, err)) != 0)
		goto cleanup;
	while ((got = read(fd, buf, sizeof(buf))) > 0) {
		EVP_DigestUpdate(ctx, buf, (size_t)got);
		total += got;
		if ((rc = db_copy_put(db, buf, (size_t)got, err)) != 0) {
			db_copy_abort(db, "write failed");
			goto cleanup;
		}
	}
	if (got < 0) {
		db_copy_abort(db, "read failed");
		rc = sepa_error_set(err, SEPA_EIO, "could not read %s", path);
		goto cleanup;
	}
	if ((rc = db_copy_end(db, &n, err)) != 0)
		goto cleanup;
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	snprintf(rows, sizeof(rows), "%lld", (long long)n);
	snprintf(size, sizeof(size), "%lld", total);
	{
		const char *p[6] = {cred, name, hex, path, size, rows};

		rc = db_query_int64(db, &fid, "record the file",
		    "INSERT INTO imported_files (creditor_id, kind, sha256, "
		    "file_name, size_bytes, status, rows_total, rows_inserted, "
		    "finished_at) VALUES ($1, CASE $2 WHEN 'families' THEN "
		    "'families' WHEN 'mandates' THEN 'mandates' WHEN 'tariffs' "
		    "THEN 'tariffs' ELSE 'consumption' END, $3, $4, $5, "
		    "'imported', $6, $6, now()) RETURNING id",
		    6, p, err);
	}
	if (rc == 0) {
		snprintf(sql, sizeof(sql), "UPDATE raw_%s SET file_id = %lld",
		    name, (long long)fid);
		rc = db_exec(db, "tag the rows", sql, 0, NULL, err);
	}
cleanup:
	close(fd);
	EVP_MD_CTX_free(ctx);
	return rc;
}

static const char *const load_sql[] = {
    "INSERT INTO families (creditor_id, family_ref, payer_name, street, "
    "postcode, town, country, email, bracket, source_file_id, source_line) "
    "SELECT $1::bigint, family_ref, payer_name, street, postcode, town, country, "
    "nullif(email, ''), bracket, file_id, line + 1 FROM raw_families",
    "INSERT INTO services (creditor_id, code, unit) SELECT DISTINCT $1::bigint, "
    "service, unit FROM raw_tariffs",
    "INSERT INTO tariffs (creditor_id, service_id, unit, bracket, "
    "price_cents, valid_from, source_file_id, source_line) SELECT $1::bigint, s.id, "
    "s.unit, r.bracket, (replace(r.price, ',', '.')::numeric * 100)::bigint, "
    "r.valid_from::date, r.file_id, r.line + 1 FROM raw_tariffs r JOIN "
    "services s ON s.creditor_id = $1 AND s.code = r.service",
    "INSERT INTO mandates (creditor_id, family_id, rum, signed_on, "
    "source_file_id, source_line) SELECT $1::bigint, f.id, r.rum, "
    "r.signed_on::date, r.file_id, r.line + 1 FROM raw_mandates r JOIN "
    "families f ON f.creditor_id = $1 AND f.family_ref = r.family_ref",
    "INSERT INTO mandate_accounts (creditor_id, mandate_id, iban, bic, "
    "applies_from, received_on) SELECT $1::bigint, m.id, r.iban, nullif(r.bic, ''), "
    "date_trunc('month', r.signed_on::date)::date, r.signed_on::date FROM "
    "raw_mandates r JOIN mandates m ON m.creditor_id = $1 AND m.rum = r.rum",
    "INSERT INTO children (creditor_id, family_id, child_ref, name) SELECT "
    "DISTINCT ON (f.id, r.child_ref) $1::bigint, f.id, r.child_ref, r.child_name "
    "FROM raw_consumption r JOIN families f ON f.creditor_id = $1 AND "
    "f.family_ref = r.family_ref ORDER BY f.id, r.child_ref",
    "INSERT INTO consumption_lines (creditor_id, family_id, child_id, "
    "service_id, consumed_on, quantity_milli, source_file_id, source_line) "
    "SELECT $1::bigint, f.id, c.id, s.id, r.consumed_on::date, CASE WHEN r.quantity "
    "LIKE '%:%' THEN split_part(r.quantity, ':', 1)::bigint * 1000 + "
    "round(split_part(r.quantity, ':', 2)::numeric * 1000 / 60)::bigint "
    "ELSE (replace(r.quantity, ',', '.')::numeric * 1000)::bigint END, "
    "r.file_id, r.line + 1 FROM raw_consumption r JOIN families f ON "
    "f.creditor_id = $1 AND f.family_ref = r.family_ref JOIN children c ON "
    "c.creditor_id = $1 AND c.family_id = f.id AND c.child_ref = r.child_ref "
    "JOIN services s ON s.creditor_id = $1 AND s.code = r.service",
};

int
main(int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db = NULL;
	char cred[24];
	const char *p[1] = {cred};
	int64_t id;
	double t0;
	int rc = 1;

	log_init("load-commune", 0, 3);
	if (argc != 5) {
		fprintf(stderr,
		    "usage: load-commune CONNINFO DIR ICS CREDITOR-NAME\n");
		return 2;
	}
	t0 = load_now();
	if (db_connect(&db, argv[1], &err) != 0 ||
	    db_begin(db, DB_READ_COMMITTED, &err) != 0 ||
	    store_creditor_ensure(db, argv[3], argv[4], &id, &err) != 0)
		goto cleanup;
	snprintf(cred, sizeof(cred), "%lld", (long long)id);
	if (db_exec_script(db, "create the raw tables",
	        "CREATE TEMP TABLE raw_families (line bigint GENERATED ALWAYS "
	        "AS IDENTITY, file_id bigint, family_ref text, payer_name "
	        "text, street text, postcode text, town text, country text, "
	        "email text, bracket text);"
	        "CREATE TEMP TABLE raw_mandates (line bigint GENERATED ALWAYS "
	        "AS IDENTITY, file_id bigint, rum text, family_ref text, iban "
	        "text, bic text, signed_on text);"
	        "CREATE TEMP TABLE raw_tariffs (line bigint GENERATED ALWAYS "
	        "AS IDENTITY, file_id bigint, service text, bracket text, unit "
	        "text, price text, valid_from text);"
	        "CREATE TEMP TABLE raw_consumption (line bigint GENERATED "
	        "ALWAYS AS IDENTITY, file_id bigint, family_ref text, "
	        "child_ref text, child_name text, service text, consumed_on "
	        "text, quantity text);",
	        &err) != 0)
		goto cleanup;
	if (load_copy(db, cred, argv[2], "families",
	        "family_ref, payer_name, street, postcode, town, country, "
	        "email, bracket",
	        &err) != 0 ||
	    load_copy(db, cred, argv[2], "mandates",
	        "rum, family_ref, iban, bic, signed_on", &err) != 0 ||
	    load_copy(db, cred, argv[2], "tariffs",
	        "service, bracket, unit, price, valid_from", &err) != 0 ||
	    load_copy(db, cred, argv[2], "consumption",
	        "family_ref, child_ref, child_name, service, consumed_on, "
	        "quantity",
	        &err) != 0)
		goto cleanup;
	for (size_t i = 0; i < sizeof(load_sql) / sizeof(load_sql[0]); i++)
		if (db_exec(db, "load the rows", load_sql[i], 1, p, &err) != 0)
			goto cleanup;
	if (db_commit(db, &err) != 0 ||
	    db_exec(db, "analyze", "ANALYZE", 0, NULL, &err) != 0)
		goto cleanup;
	printf("load-commune: loaded %s in %.2f s\n", argv[2], load_now() - t0);
	rc = 0;
cleanup:
	if (rc != 0)
		fprintf(stderr, "load-commune: %s\n", err.msg);
	db_close(db);
	return rc;
}
