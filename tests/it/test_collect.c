/*
 * test_collect.c - `sepactl collect` end to end against a database of the
 * test cluster: the month's files, FRST then RCUR, amendments (same bank,
 * other bank), invoices payable by other means, splitting by the bank's
 * limits, idempotent re-runs, and crashes at every named point
 * (SEPAD_CRASH_AT) followed by a re-run.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../db/dbtest.h"
#include "../db/returnsfix.h"
#include "ctlrun.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/pain008.h"
#include "sepa/rules.h"
#include "db_internal.h"
#include "store_mandate.h"
#include <libpq-fe.h>

#define SEPACTL CTLRUN_SEPACTL
#define NFAM 30

/* One test's world: its database, configuration and outbox. */
struct world {
	char name[64];
	char conninfo[DBTEST_CONNINFO_MAX];
	char conf[128];
	char outbox[128];
	struct db *db;
};

/*
 * Run `sepactl -c CONF ARGS` (ctlrun.h); env is "" or
 * "SEPAD_CRASH_AT=<point>", set for the child only.
 */
static void
run(struct ctlrun *r, const struct world *w, const char *env, const char *args)
{
	static const char crash[] = "SEPAD_CRASH_AT=";
	char a[4096];

	snprintf(a, sizeof(a), "-c %s %s", w->conf, args);
	if (strncmp(env, crash, sizeof(crash) - 1) == 0)
		setenv("SEPAD_CRASH_AT", env + sizeof(crash) - 1, 1);
	else
		cr_assert_str_eq(env, "");
	ctlrun(r, a);
	unsetenv("SEPAD_CRASH_AT");
}

static void
sql(struct world *w, const char *text)
{
	dbtest_exec(w->db, text);
}

/*
 * The invoices are seeded in SQL, without consumption files: the cycle's
 * invoice step does not wait for them (billing.wait_for_consumption).
 */
static void
write_conf(struct world *w, const char *bank)
{
	char extra[512];

	snprintf(extra, sizeof(extra),
	    "bank: { %s };\nbilling: { wait_for_consumption = false; };\n",
	    bank);
	ctlrun_commune_conf(w->conf, w->conninfo, w->outbox, extra);
}

/*
 * A commune of NFAM families, each with a mandate signed in 2025 on a
 * French account (valid IBAN and RIB key computed here), and an invoice
 * of September 2026 due on 15 October 2026.
 */
static void
world_open(struct world *w, const char *bank)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct ctlrun r;

	dbtest_create(w->conninfo, w->name, "sepad");
	snprintf(w->outbox, sizeof(w->outbox), "/tmp/collect-box-XXXXXX");
	cr_assert_not_null(mkdtemp(w->outbox));
	snprintf(w->conf, sizeof(w->conf), "%s.conf", w->outbox);
	write_conf(w, bank);
	run(&r, w, "", "init");
	cr_assert_eq(r.status, 0, "%s", r.err);
	if (db_connect(&w->db, w->conninfo, &err) != 0)
		cr_assert_fail("%s", err.msg);
	sql(w,
	    "CREATE FUNCTION t_iban(bank text, acct bigint) RETURNS text"
	    " LANGUAGE sql AS $$ SELECT 'FR' || lpad((98 - ((bban ||"
	    " '152700')::numeric % 97))::text, 2, '0') || bban FROM (SELECT"
	    " b || br || a || lpad((97 - ((89 * b::numeric + 15 * br::numeric"
	    " + 3 * a::numeric) % 97))::text, 2, '0') AS bban FROM (SELECT"
	    " bank AS b, '00001'::text AS br, lpad(acct::text, 11, '0') AS a)"
	    " s) t $$");
	sql(w,
	    "INSERT INTO families (creditor_id, family_ref, payer_name, street,"
	    " building, postcode, town, country, bracket)"
	    " SELECT c.id, 'FAM' || g, 'Famille Numéro ' || g, 'rue des Écoles',"
	    " g::text, '99999', 'Saint-Exemple', 'FR', 'A'"
	    " FROM creditors c, generate_series(1, 30) g");
	sql(w,
	    "INSERT INTO mandates (creditor_id, family_id, rum, signed_on)"
	    " SELECT creditor_id, id, 'RUM-' || family_ref, '2025-09-01'"
	    " FROM families");
	sql(w,
	    "INSERT INTO mandate_accounts (creditor_id, mandate_id, iban,"
	    " applies_from, received_on) SELECT creditor_id, id,"
	    " t_iban('30004', 1000 + id), '2025-09-01', '2025-08-20'"
	    " FROM mandates");
	sql(w,
	    "INSERT INTO services (creditor_id, code, unit) SELECT id,"
	    " 'RESTAURATION', 'meal' FROM creditors");
	sql(w,
	    "INSERT INTO invoices (creditor_id, family_id, month, number,"
	    " issued_on, due_on, mandate_id, total_cents, state_since)"
	    " SELECT m.creditor_id, m.family_id, '2026-09-01',"
	    " 'F2026-09-' || lpad(m.family_id::text, 6, '0'), '2026-10-01',"
	    " '2026-10-15', m.id, 1000 + 7 * m.id, '2026-10-01' FROM mandates m");
}

static void
world_close(struct world *w)
{
	char cmd[512];

	db_close(w->db);
	dbtest_drop(w->name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s' '%s.taken'", w->outbox,
	    w->conf, w->outbox);
	cr_assert_eq(system(cmd), 0);
}

/* Invoices of October 2026, due 16 November 2026 (for the next month). */
static void
invoice_october(struct world *w)
{
	sql(w,
	    "INSERT INTO invoices (creditor_id, family_id, month, number,"
	    " issued_on, due_on, mandate_id, total_cents, state_since)"
	    " SELECT m.creditor_id, m.family_id, '2026-10-01',"
	    " 'F2026-10-' || lpad(m.family_id::text, 6, '0'), '2026-11-01',"
	    " '2026-11-16', m.id, 2000 + m.id, '2026-11-01' FROM mandates m");
}

/* One more invoice of the family of `rum` (number F<month>-<family>). */
static void
add_invoice(struct world *w, const char *rum, const char *month,
    const char *number, const char *issued, const char *due, int cents)
{
	char q[1024];

	snprintf(q, sizeof(q),
	    "INSERT INTO invoices (creditor_id, family_id, month, number,"
	    " issued_on, due_on, mandate_id, total_cents, state_since)"
	    " SELECT creditor_id, family_id, '%s', '%s', '%s', '%s', id, %d,"
	    " '%s' FROM mandates WHERE rum = '%s'",
	    month, number, issued, due, cents, issued, rum);
	sql(w, q);
}

/* A digest of everything collect writes, to prove a re-run changed nothing. */
static int64_t
db_digest(struct world *w)
{
	return dbtest_int(w->db,
	    "SELECT ('x' || substr(md5(coalesce((SELECT string_agg(t::text, '|'"
	    " ORDER BY t::text) FROM (SELECT b.id, b.state, b.sha256, b.msg_id,"
	    " b.created_at FROM batches b) t), '') || coalesce((SELECT"
	    " string_agg(t::text, '|' ORDER BY t::text) FROM (SELECT c.* FROM"
	    " collections c) t), '') || coalesce((SELECT string_agg(t::text,"
	    " '|' ORDER BY t::text) FROM (SELECT a.id, a.amended_by_collection"
	    " FROM mandate_accounts a) t), '') || coalesce((SELECT"
	    " string_agg(t::text, '|' ORDER BY t::text) FROM (SELECT i.id,"
	    " i.state FROM invoices i) t), '') || (SELECT count(*) FROM"
	    " events)::text), 1, 15))::bit(60)::bigint");
}

static int
count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* Rows of a query as PGresult (the test may look inside). */
static PGresult *
query(struct world *w, const char *text)
{
	sepa_error err = SEPA_ERROR_INIT;
	PGresult *res;

	if (db_query(w->db, &res, "test query", text, 0, NULL, &err) != 0)
		cr_assert_fail("%s\n%s", text, err.msg);
	return res;
}

/*
 * The invariants of the outbox after any run: every batch is released,
 * its file validates against the XSD, its sidecar holds the SHA-256 the
 * database recorded, and every collection's EndToEndId is in exactly one
 * file. Returns the concatenation of the files (caller frees).
 */
static char *
check_outbox(struct world *w, int64_t want_batches)
{
	sepa_error err = SEPA_ERROR_INIT;
	PGresult *res;
	char *all = calloc(1, 1);
	size_t alllen = 0;
	int64_t n;

	n = dbtest_int(
	    w->db, "SELECT count(*) FROM batches WHERE state = 'released'");
	cr_assert_eq(n, want_batches, "released batches: %lld", (long long)n);
	cr_assert_eq(dbtest_int(w->db,
	                 "SELECT count(*) FROM batches WHERE state <> "
	                 "'released'"),
	    0);
	res = query(w,
	    "SELECT file_name, sha256 FROM batches"
	    " ORDER BY collection_month, part");
	for (int i = 0; i < PQntuples(res); i++) {
		const char *file = PQgetvalue(res, i, 0);
		const char *sha = PQgetvalue(res, i, 1);
		char path[512], side[512], *xml, *sidecar;
		sepa_pain008_info info;

		snprintf(path, sizeof(path), "%s/%s", w->outbox, file);
		snprintf(side, sizeof(side), "%s.sha256", path);
		cr_assert_eq(sepa_pain008_validate_file(
		                 path, SEPAD_SRCDIR "/schemas", &info, &err),
		    0, "%s: %s", path, err.msg);
		sidecar = ctlrun_read(side);
		cr_assert(strncmp(sidecar, sha, 64) == 0,
		    "%s: sidecar %s, database %s", file, sidecar, sha);
		free(sidecar);
		xml = ctlrun_read(path);
		all = realloc(all, alllen + strlen(xml) + 1);
		memcpy(all + alllen, xml, strlen(xml) + 1);
		alllen += strlen(xml);
		free(xml);
	}
	PQclear(res);
	res = query(w, "SELECT end_to_end_id FROM collections");
	for (int i = 0; i < PQntuples(res); i++) {
		char tag[160];

		snprintf(tag, sizeof(tag), "<EndToEndId>%s</EndToEndId>",
		    PQgetvalue(res, i, 0));
		cr_assert_eq(count_of(all, tag), 1, "%s", tag);
	}
	PQclear(res);
	/* One live collection per invoice, every one in a file. */
	cr_assert_eq(dbtest_int(w->db,
	                 "SELECT count(*) - count(DISTINCT invoice_id) FROM "
	                 "collections WHERE state <> 'cancelled'"),
	    0);
	return all;
}

Test(collect, first_month_frst_amendments_other_means_and_rerun)
{
	struct world w;
	struct ctlrun r;
	char *all;
	int64_t before;

	world_open(&w, "");
	/*
	 * Family 2: new IBAN at the same bank before any debit: the FRST
	 * goes to it, with nothing to declare.
	 */
	sql(&w,
	    "INSERT INTO mandate_accounts (creditor_id, mandate_id, iban,"
	    " applies_from, received_on, amendment_required) SELECT"
	    " creditor_id, id, t_iban('30004', 99002), '2026-10-01',"
	    " '2026-10-05', true FROM mandates WHERE rum = 'RUM-FAM2'");
	/* Family 8: same bank, sent on the 6th: from November. */
	sql(&w,
	    "INSERT INTO mandate_accounts (creditor_id, mandate_id, iban,"
	    " applies_from, received_on, amendment_required) SELECT"
	    " creditor_id, id, t_iban('30004', 99008), '2026-11-01',"
	    " '2026-10-06', true FROM mandates WHERE rum = 'RUM-FAM8'");
	/* Family 3: another bank, from November (sent on the 6th). */
	sql(&w,
	    "INSERT INTO mandate_accounts (creditor_id, mandate_id, iban,"
	    " applies_from, received_on, amendment_required) SELECT"
	    " creditor_id, id, t_iban('20041', 99003), '2026-11-01',"
	    " '2026-10-06', true FROM mandates WHERE rum = 'RUM-FAM3'");
	/* Family 4: suspended mandate; family 5: ends before the due date. */
	sql(&w,
	    "UPDATE mandates SET state = 'suspended', state_reason = 'two"
	    " rejects', state_since = '2026-06-01' WHERE rum = 'RUM-FAM4'");
	sql(&w,
	    "UPDATE mandates SET ends_on = '2026-08-31' WHERE rum = "
	    "'RUM-FAM5'");
	/* Families 6 and 7: nothing to collect (zero, negative total). */
	sql(&w,
	    "UPDATE invoices SET total_cents = 0 WHERE number ="
	    " 'F2026-09-000006'");
	sql(&w,
	    "UPDATE invoices SET total_cents = -500 WHERE number ="
	    " 'F2026-09-000007'");

	run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out,
	              "2026-10: 2 invoice(s) payable by other means") != NULL,
	    "%s", r.out);
	cr_assert(
	    strstr(r.out, "2026-10: 26 collections,") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "written ") != NULL, "%s", r.out);
	all = check_outbox(&w, 1);
	cr_assert_eq(count_of(all, "<SeqTp>FRST</SeqTp>"), 1);
	cr_assert_eq(count_of(all, "<SeqTp>RCUR</SeqTp>"), 0);
	cr_assert_eq(count_of(all, "<AmdmntInd>true</AmdmntInd>"), 0);
	cr_assert(strstr(all, "<MsgId>SEPAD-123456-202610-1</MsgId>") != NULL);
	cr_assert(strstr(all, "<EndToEndId>F2026-09-000001-1</EndToEndId>"));
	cr_assert(strstr(
	    all, "<Ustrd>Facture F2026-09-000001 - septembre 2026</Ustrd>"));
	free(all);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM events WHERE kind ="
	                 " 'invoice.other_means' AND needs_attention"),
	    2);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM mandate_accounts WHERE"
	                 " amended_by_collection IS NOT NULL"),
	    0);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections c JOIN"
	                 " mandate_accounts a ON a.id = c.account_id WHERE"
	                 " c.mandate_id = 2 AND a.applies_from = '2026-10-01'"),
	    1);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM invoices WHERE state ="
	                 " 'collecting'"),
	    26);

	/* Again: nothing new, nothing changed. */
	before = db_digest(&w);
	run(&r, &w, "", "--today 2026-10-07 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "2026-10: 1 file(s) already released") != NULL,
	    "%s", r.out);
	cr_assert_eq(db_digest(&w), before);

	/* The treasury took the file: still nothing regenerated. */
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "rm -f %s/*.xml %s/*.sha256",
		    w.outbox, w.outbox);
		cr_assert_eq(system(cmd), 0);
	}
	run(&r, &w, "", "--today 2026-10-08 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "already released") != NULL, "%s", r.out);
	cr_assert_eq(db_digest(&w), before);

	/* November: RCUR; family 3's other-bank change is carried now. */
	invoice_october(&w);
	sql(&w, "UPDATE collections SET state = 'settled'");
	run(&r, &w, "", "--today 2026-11-06 collect --month 2026-11");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	{
		PGresult *res = query(&w,
		    "SELECT file_name FROM batches WHERE collection_month ="
		    " '2026-11-01'");
		char path[512];

		cr_assert_eq(PQntuples(res), 1);
		snprintf(path, sizeof(path), "%s/%s", w.outbox,
		    PQgetvalue(res, 0, 0));
		PQclear(res);
		all = ctlrun_read(path);
	}
	cr_assert_eq(count_of(all, "<SeqTp>RCUR</SeqTp>"), 1, "%s", all);
	/* Families 6 and 7 were never debited: their first one is FRST. */
	cr_assert_eq(count_of(all, "<SeqTp>FRST</SeqTp>"), 1);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections WHERE seq_type ="
	                 " 'FRST' AND due_on = '2026-11-16'"),
	    2);
	cr_assert_eq(count_of(all, "<AmdmntInd>true</AmdmntInd>"), 2);
	cr_assert_eq(count_of(all, "<Id>SMNDA</Id>"), 1, "%s", all);
	cr_assert_eq(count_of(all, "<OrgnlDbtrAcct>"), 2);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections c JOIN invoices i"
	                 " ON i.id = c.invoice_id WHERE i.number ="
	                 " 'F2026-10-000008' AND c.amendment = 'same_bank'"
	                 " AND c.orig_iban = (SELECT iban FROM"
	                 " mandate_accounts WHERE mandate_id = 8 AND"
	                 " applies_from = '2025-09-01')"),
	    1);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM mandate_accounts WHERE"
	                 " amended_by_collection IS NOT NULL"),
	    2);
	/* The same choices as the mandates' store functions, one by one. */
	{
		static const char *const am[] = {
		    "none", "same_bank", "other_bank"};
		PGresult *res = query(&w,
		    "SELECT c.mandate_id, c.account_id, c.seq_type, c.amendment,"
		    " coalesce(c.orig_iban, ''), b.creditor_id,"
		    " extract(year FROM b.collection_month)::int,"
		    " extract(month FROM b.collection_month)::int"
		    " FROM collections c JOIN batches b ON b.id = c.batch_id");
		sepa_rules rules = SEPA_RULES_INIT;

		cr_assert_eq(PQntuples(res), 26 + 28);
		for (int i = 0; i < PQntuples(res); i++) {
			sepa_error err = SEPA_ERROR_INIT;
			struct mandate_account acc;
			enum sepa_seq seq;
			int64_t mid = strtoll(PQgetvalue(res, i, 0), NULL, 10);
			int64_t cred = strtoll(PQgetvalue(res, i, 5), NULL, 10);
			sepa_month m = {atoi(PQgetvalue(res, i, 6)),
			    atoi(PQgetvalue(res, i, 7))};

			cr_assert_eq(store_mandate_account_for(
			                 w.db, cred, mid, m, &acc, &err),
			    0, "%s", err.msg);
			cr_assert_eq(store_mandate_sequence(w.db, cred, mid, m,
			                 &rules, &seq, &err),
			    0, "%s", err.msg);
			cr_assert_eq(acc.account_id,
			    strtoll(PQgetvalue(res, i, 1), NULL, 10));
			cr_assert_str_eq(
			    sepa_seq_name(seq), PQgetvalue(res, i, 2));
			cr_assert_str_eq(am[acc.amendment],
			    PQgetvalue(res, i, 3), "mandate %lld",
			    (long long)mid);
			if (acc.amendment == SEPA_AMEND_SAME_BANK)
				cr_assert_str_eq(acc.last_debited_iban,
				    PQgetvalue(res, i, 4));
		}
		PQclear(res);
	}
	cr_assert(strstr(all, "<EndToEndId>F2026-10-000003-1</EndToEndId>"));
	free(all);
	world_close(&w);
}

/* The bank's limits split the month into parts, each a valid file. */
static const struct {
	const char *bank;
	int64_t files;
} split_cases[] = {
    {"max_transactions_per_file = 7;", 5}, /* 7+7+7+7+2 */
    {"max_amount_per_file = 50;", 8}, /* 4 of 10-12 EUR per file */
    {"max_transactions_per_file = 30;", 1},
    {"max_transactions_per_file = 29; pain_version = \"001.02\";", 2},
};

Test(collect, split_by_the_banks_limits)
{
	for (size_t i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]);
	     i++) {
		struct world w;
		struct ctlrun r;
		char *all;

		world_open(&w, split_cases[i].bank);
		run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
		cr_assert_eq(r.status, 0, "%s: %s", split_cases[i].bank, r.err);
		all = check_outbox(&w, split_cases[i].files);
		cr_assert_eq(count_of(all, "<SeqTp>FRST</SeqTp>"),
		    (int)split_cases[i].files, "%s", split_cases[i].bank);
		free(all);
		cr_assert_eq(
		    dbtest_int(w.db, "SELECT count(*) FROM collections"), NFAM);
		cr_assert_eq(
		    dbtest_int(w.db,
		        "SELECT count(*) FROM batches b WHERE"
		        " nb_of_txs <> (SELECT count(*) FROM"
		        " collections c WHERE c.batch_id = b.id) OR"
		        " ctrl_sum_cents <> (SELECT sum(amount_cents)"
		        " FROM collections c WHERE c.batch_id = b.id)"),
		    0);
		world_close(&w);
	}
}

static int
outbox_has(const struct world *w, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", w->outbox, name);
	return access(path, F_OK) == 0;
}

/* Copy every *.xml of the outbox into memory, in name order. */
static char *
outbox_bytes(struct world *w)
{
	char cmd[512], *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int c;

	snprintf(cmd, sizeof(cmd), "cat $(ls %s/*.xml | sort)", w->outbox);
	fp = popen(cmd, "r");
	cr_assert_not_null(fp);
	buf = malloc(1);
	while ((c = fgetc(fp)) != EOF) {
		buf = realloc(buf, len + 2);
		buf[len++] = (char)c;
	}
	buf[len] = '\0';
	pclose(fp);
	return buf;
}

/*
 * Kill collect at each named point, run it again, and check the
 * invariants; then again: nothing changes. The files of the re-run are
 * the bytes a run without a crash writes for the same records: checked by
 * putting the batches back to prepared and writing them once more.
 */
static const struct {
	const char *point;
	int64_t prepared_after_crash;
	int64_t placing_after_crash;
	int64_t released_after_crash;
	const char *rerun_says;
} crash_cases[] = {
    {"after_record", 3, 0, 0, "written "},
    {"during_write", 3, 0, 0, "written "},
    /* recorded as being placed, not renamed: its temporary file says so */
    {"after_placing", 2, 1, 0, "written "},
    {"after_rename", 2, 1, 0, "verified "},
    {"after_release", 2, 0, 1, "released "},
};

Test(collect, crash_at_every_point_then_rerun)
{
	for (size_t i = 0; i < sizeof(crash_cases) / sizeof(crash_cases[0]);
	     i++) {
		struct world w;
		struct ctlrun r;
		char env[128], *all, *first, *again;
		int64_t digest;

		world_open(&w, "max_transactions_per_file = 10;");
		snprintf(env, sizeof(env), "SEPAD_CRASH_AT=%s",
		    crash_cases[i].point);
		run(&r, &w, env, "--today 2026-10-06 collect --month 2026-10");
		cr_assert_eq(r.status, 99, "%s: %d %s", crash_cases[i].point,
		    r.status, r.err);
		cr_assert_eq(dbtest_int(w.db,
		                 "SELECT count(*) FROM batches WHERE state ="
		                 " 'prepared'"),
		    crash_cases[i].prepared_after_crash, "%s",
		    crash_cases[i].point);
		cr_assert_eq(dbtest_int(w.db,
		                 "SELECT count(*) FROM batches WHERE state ="
		                 " 'placing'"),
		    crash_cases[i].placing_after_crash, "%s",
		    crash_cases[i].point);
		cr_assert_eq(dbtest_int(w.db,
		                 "SELECT count(*) FROM batches WHERE state ="
		                 " 'released'"),
		    crash_cases[i].released_after_crash, "%s",
		    crash_cases[i].point);
		cr_assert_eq(
		    dbtest_int(w.db, "SELECT count(*) FROM collections"), NFAM);

		run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
		cr_assert_eq(
		    r.status, 0, "%s: %s", crash_cases[i].point, r.err);
		cr_assert(strstr(r.out, crash_cases[i].rerun_says) != NULL,
		    "%s: %s", crash_cases[i].point, r.out);
		all = check_outbox(&w, 3);
		free(all);
		/* No temporary file left behind. */
		{
			char cmd[256];

			snprintf(cmd, sizeof(cmd),
			    "test -z \"$(ls -A %s | grep '^\\.')\"", w.outbox);
			cr_assert_eq(system(cmd), 0, "%s: stale temp file",
			    crash_cases[i].point);
		}

		digest = db_digest(&w);
		run(&r, &w, "", "--today 2026-10-07 collect --month 2026-10");
		cr_assert_eq(r.status, 0, "%s", r.err);
		cr_assert(strstr(r.out, "2026-10: 3 file(s) already released"),
		    "%s", r.out);
		cr_assert_eq(db_digest(&w), digest);

		/* Regenerated from the rows: the same bytes. */
		first = outbox_bytes(&w);
		sql(&w,
		    "UPDATE batches SET state = 'prepared', sha256 = NULL,"
		    " released_at = NULL, placing_at = NULL");
		sql(&w, "UPDATE collections SET state = 'pending'");
		{
			char cmd[256];

			snprintf(cmd, sizeof(cmd), "rm -f %s/*.xml %s/*.sha256",
			    w.outbox, w.outbox);
			cr_assert_eq(system(cmd), 0);
		}
		run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
		cr_assert_eq(r.status, 0, "%s", r.err);
		again = outbox_bytes(&w);
		cr_assert(strlen(first) > 1000);
		cr_assert_str_eq(first, again, "%s", crash_cases[i].point);
		free(first);
		free(again);
		world_close(&w);
	}
}

/*
 * Killed once the file is renamed into the outbox, before its release is
 * recorded; the treasury takes the file. The next collect does not write
 * it again (the same MsgId twice): it marks the batch released with the
 * SHA-256 recorded before the rename.
 */
Test(collect, killed_after_the_rename_then_the_file_taken)
{
	struct world w;
	struct ctlrun r;
	char cmd[1024], *sidecar;
	PGresult *res;

	world_open(&w, "");
	run(&r, &w, "SEPAD_CRASH_AT=after_rename",
	    "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 99, "%s", r.err);
	snprintf(cmd, sizeof(cmd),
	    "%s/pain008-FR72ZZZ123456-2026-10-1.xml.sha256", w.outbox);
	sidecar = ctlrun_read(cmd);
	snprintf(cmd, sizeof(cmd),
	    "mkdir -p %s.taken && mv %s/pain008-FR72ZZZ123456-2026-10-1.xml* "
	    "%s.taken/",
	    w.outbox, w.outbox, w.outbox);
	cr_assert_eq(system(cmd), 0);
	run(&r, &w, "", "--today 2026-10-07 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "written ") == NULL, "%s", r.out);
	cr_assert(strstr(r.out,
	              "released pain008-FR72ZZZ123456-2026-10-1.xml (taken "
	              "from the outbox before its release was recorded): 30 "
	              "transactions") != NULL,
	    "%s", r.out);
	cr_assert(!outbox_has(&w, "pain008-FR72ZZZ123456-2026-10-1.xml"),
	    "the file was placed a second time");
	res = query(&w, "SELECT state, sha256 FROM batches");
	cr_assert_eq(PQntuples(res), 1);
	cr_assert_str_eq(PQgetvalue(res, 0, 0), "released");
	cr_assert(strncmp(sidecar, PQgetvalue(res, 0, 1), 64) == 0);
	PQclear(res);
	free(sidecar);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections WHERE state = "
	                 "'sent'"),
	    NFAM);
	world_close(&w);
}

/* A file under the final name that is not the batch's is not released. */
Test(collect, foreign_file_under_the_final_name_is_refused)
{
	struct world w;
	struct ctlrun r;
	char path[512];
	FILE *fp;

	world_open(&w, "");
	run(&r, &w, "SEPAD_CRASH_AT=after_record",
	    "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 99, "%s", r.err);
	snprintf(path, sizeof(path), "%s/pain008-FR72ZZZ123456-2026-10-1.xml",
	    w.outbox);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	fputs("<not the batch/>\n", fp);
	fclose(fp);
	run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 3, "%s", r.out);
	cr_assert(strstr(r.err, "differs from its batch") != NULL, "%s", r.err);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM batches WHERE state ="
	                 " 'prepared'"),
	    1);
	/* status says so. */
	run(&r, &w, "", "--today 2026-10-06 status");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out,
	              "attention: pain008-FR72ZZZ123456-2026-10-1.xml (MsgId "
	              "SEPAD-123456-202610-1): recorded on ") != NULL,
	    "%s", r.out);
	cr_assert(strstr(r.out,
	              "but not released; run sepactl collect --month "
	              "2026-10\n") != NULL,
	    "%s", r.out);
	world_close(&w);
}

/* Bad command lines. */
Test(collect, usage)
{
	struct world w;
	struct ctlrun r;

	world_open(&w, "");
	run(&r, &w, "", "collect");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "collect needs --month YYYY-MM") != NULL, "%s",
	    r.err);
	run(&r, &w, "", "collect --month 2026-13");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "sepactl: bad --month: ") != NULL, "%s", r.err);
	run(&r, &w, "", "--today 2026-09-06 collect --month 2026-09");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "2026-09: nothing to collect\n");
	cr_assert_eq(dbtest_int(w.db, "SELECT count(*) FROM batches"), 0);
	world_close(&w);
}

/* The cycle: due steps once, catch-up in order, status. */
Test(collect, cycle_runs_due_steps_once_and_catches_up)
{
	struct world w;
	struct ctlrun r;
	int64_t digest;

	world_open(&w, "");
	/* The first cycle runs the latest due month only. */
	run(&r, &w, "", "--today 2026-10-05 cycle");
	cr_assert_eq(r.status, 0, "%s", r.err);
	{
		/* In order; the notices line names the temporary outbox. */
		static const char *const want[] = {
		    "cycle: collect 2026-09: write the month's files for the "
		    "treasury (pain.008 or PES)\n2026-09: nothing to collect\n",
		    "cycle: lapse 2026-10: end and lapse the mandates due to\n"
		    "mandates: 0 terminated (family letter), 0 lapsed\n",
		    "cycle: invoice 2026-10: bill the previous month and write "
		    "the notices\ninvoices for 2026-09 already issued: 30 "
		    "invoices\n",
		    /* the recovery steps after all the others (art. 6: the
		     * invoice run reminds first) */
		    "cycle: recovery 2026-09: export the invoices unpaid after "
		    "their reminder\nnothing is due for recovery\n",
		    "cycle: 4 steps run\n"
		    "next: lapse of 2026-11 on 2026-11-01\n"
		    "next: invoice of 2026-11 (bills 2026-10) on 2026-11-01\n"
		    "next: collect of 2026-10 on 2026-10-06\n"
		    "next: recovery of 2026-10 on 2026-10-06\n",
		};
		const char *at = r.out;

		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			const char *hit = strstr(at, want[i]);

			cr_assert_not_null(
			    hit, "missing, in order: %s\n%s", want[i], r.out);
			at = hit + strlen(want[i]);
		}
	}
	digest = db_digest(&w);
	run(&r, &w, "", "--today 2026-10-05 cycle");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(r.out,
	    "cycle: nothing due on 2026-10-05\n"
	    "next: lapse of 2026-11 on 2026-11-01\n"
	    "next: invoice of 2026-11 (bills 2026-10) on 2026-11-01\n"
	    "next: collect of 2026-10 on 2026-10-06\n"
	    "next: recovery of 2026-10 on 2026-10-06\n");
	cr_assert_eq(db_digest(&w), digest);
	run(&r, &w, "", "--today 2026-10-06 cycle --month 2026-11");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(
	    strstr(r.out, "cycle: nothing due on 2026-10-06\n"), "%s", r.out);

	/*
	 * No cycle on the export day: on 9 November, October's collection
	 * (due 15 October) is too late for the bank and flagged; November's
	 * runs. Family 9's letter ended its mandate on 31 October: the
	 * sweep terminates it before November's collection, which leaves
	 * its invoice to be paid by other means.
	 */
	invoice_october(&w);
	sql(&w, "UPDATE mandates SET ends_on = '2026-10-31' WHERE id = 9");
	run(&r, &w, "", "--today 2026-11-09 cycle");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(
	    strstr(r.out,
	        "cycle: collect 2026-10: write the month's files for the "
	        "treasury (pain.008 or PES)\n2026-10: 30 invoice(s) due too soon for the bank, "
	        "not collected; see sepactl status\n") != NULL,
	    "%s", r.out);
	cr_assert(
	    strstr(r.out,
	        "cycle: lapse 2026-11: end and lapse the mandates due to\n"
	        "mandates: 1 terminated (family letter), 0 lapsed\n"
	        "cycle: invoice 2026-11: bill the previous month and write "
	        "the notices\n"
	        "invoices for 2026-10 already issued: 30 invoices\n") != NULL,
	    "%s", r.out);
	cr_assert(
	    strstr(r.out,
	        "cycle: collect 2026-11: write the month's files for the "
	        "treasury (pain.008 or PES)\n2026-11: 1 invoice(s) payable by other means "
	        "(no active mandate); see sepactl status\n"
	        "2026-11: 29 collections,") != NULL,
	    "%s", r.out);
	cr_assert(strstr(r.out,
	              "cycle: 6 steps run\n"
	              "next: lapse of 2026-12 on 2026-12-01\n"
	              "next: invoice of 2026-12 (bills 2026-11) on 2026-12-01\n"
	              "next: collect of 2026-12 on 2026-12-06\n"
	              "next: recovery of 2026-12 on 2026-12-06\n") != NULL,
	    "%s", r.out);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM mandates WHERE id = 9 AND state"
	                 " = 'terminated'"),
	    1);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM cycle_steps WHERE step ="
	                 " 'collect'"),
	    3);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM invoices WHERE state = 'issued'"
	                 " AND month = '2026-09-01'"),
	    30);
	free(check_outbox(&w, 1));

	digest = db_digest(&w);
	run(&r, &w, "", "--today 2026-11-20 cycle");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(
	    strstr(r.out, "cycle: nothing due on 2026-11-20\n"), "%s", r.out);
	cr_assert_eq(db_digest(&w), digest);

	run(&r, &w, "", "--today 2026-11-20 status");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "pain.008 files released: 1\n"), "%s", r.out);
	cr_assert(strstr(r.out, "collections: 29\n"), "%s", r.out);
	cr_assert(strstr(r.out, "ran: collect of 2026-11 on 2026-11-09\n"),
	    "%s", r.out);
	cr_assert(
	    strstr(r.out,
	        "events needing attention: 31 (sepactl attention list; attention ack to clear)\n"),
	    "%s", r.out);
	cr_assert(strstr(r.out,
	              "attention: 2026-11-09 invoice F2026-09-000030: due on "
	              "2026-10-15, too late for the bank on 2026-11-09; not "
	              "collected\n"),
	    "%s", r.out);
	cr_assert(strstr(r.out, "next: collect of 2026-12 on 2026-12-06\n"),
	    "%s", r.out);
	world_close(&w);
}

/*
 * An account the writer would refuse: that invoice is left out of the
 * month, moved to the next month's file with an event that needs
 * attention (IBAN masked), and the rest of the month goes out.
 */
Test(collect, bad_account_is_left_out_and_the_month_goes)
{
	struct world w;
	struct ctlrun r;

	world_open(&w, "");
	/* Passes the table's pattern, fails the IBAN checksum. */
	sql(&w,
	    "UPDATE mandate_accounts SET iban = 'FR7630004000010000000101099'"
	    " WHERE mandate_id = 10");
	run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out,
	              "2026-10: 1 invoice(s) left out, the pain.008 writer "
	              "would refuse their debit") != NULL,
	    "%s", r.out);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections c JOIN batches b ON"
	                 " b.id = c.batch_id WHERE b.state = 'released'"),
	    NFAM - 1);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM invoices WHERE number ="
	                 " 'F2026-09-000010' AND state = 'issued' AND"
	                 " collect_due_on = '2026-11-16'"),
	    1);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM events e JOIN invoices i ON"
	                 " i.id = e.invoice_id WHERE e.kind ="
	                 " 'invoice.collect_refused' AND e.needs_attention"
	                 " AND i.number = 'F2026-09-000010'"),
	    1);
	/* run again: nothing new, the invoice waits for November */
	run(&r, &w, "", "--today 2026-10-07 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM events WHERE kind ="
	                 " 'invoice.collect_refused'"),
	    1);
	world_close(&w);
}

/*
 * The event of a refused debit names the invoice once, the writer's
 * reason whole, and the account masked, never whole.
 */
Test(collect, bad_account_event_names_the_invoice_once_and_the_reason)
{
	struct world w;
	struct ctlrun r;
	PGresult *res;
	const char *msg;

	world_open(&w, "");
	sql(&w,
	    "UPDATE mandate_accounts SET iban = 'FR7630004000010000000101099'"
	    " WHERE mandate_id = 10");
	run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	res = query(&w,
	    "SELECT message FROM events WHERE kind ="
	    " 'invoice.collect_refused'");
	cr_assert_eq(PQntuples(res), 1);
	msg = PQgetvalue(res, 0, 0);
	cr_expect_eq(count_of(msg, "F2026-09-000010"), 1, "%s", msg);
	cr_expect(strstr(msg,
	              "invoice F2026-09-000010: mandate RUM-FAM10: the "
	              "pain.008 writer would refuse its debit (DbtrAcct: IBAN "
	              "FR76****1099: check digits do not match); left out of "
	              "the file of 2026-10") == msg,
	    "%s", msg);
	cr_expect(strstr(msg, "0101099") == NULL, "%s", msg);
	PQclear(res);
	run(&r, &w, "", "--today 2026-10-06 status");
	cr_expect(
	    strstr(r.out, "invoice F2026-09-000010: mandate RUM-FAM10") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "0101099") == NULL, "%s", r.out);
	world_close(&w);
}

/*
 * A recorded collection the writer refuses (its account spoilt by hand
 * after the recording): the file is not released and the message names
 * the file and the collection once each, with the writer's reason whole.
 */
Test(collect, refused_collection_names_the_file_and_collection_once)
{
	struct world w;
	struct ctlrun r;

	world_open(&w, "");
	run(&r, &w, "SEPAD_CRASH_AT=after_record",
	    "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 99, "%s", r.err);
	sql(&w,
	    "UPDATE collections SET iban = 'FR7630004000010000000101099'"
	    " WHERE end_to_end_id = 'F2026-09-000010-1'");
	run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 3, "%s\n%s", r.out, r.err);
	cr_assert_eq(count_of(r.err, "F2026-09-000010-1"), 1, "%s", r.err);
	cr_assert_eq(count_of(r.err, "pain008-FR72ZZZ123456-2026-10-1.xml"), 1,
	    "%s", r.err);
	cr_assert_eq(count_of(r.err, "\n"), 1, "%s", r.err);
	cr_assert(
	    strstr(r.err, "sepactl: could not write the files of 2026-10: ") ==
	        r.err,
	    "%s", r.err);
	cr_assert(strstr(r.err,
	              "pain008-FR72ZZZ123456-2026-10-1.xml: PmtInf "
	              "SEPAD-123456-202610-1-B001, transaction 10 (EndToEndId "
	              "F2026-09-000010-1): DbtrAcct: IBAN ") != NULL,
	    "%s", r.err);
	cr_assert(strstr(r.err, ": check digits do not match\n") != NULL, "%s",
	    r.err);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM batches WHERE state ="
	                 " 'prepared'"),
	    1);
	world_close(&w);
}

/* Invoices of consumption month `month` (YYYY-MM-01), due on `due`. */
static void
invoice_month(struct world *w, const char *month, const char *due)
{
	char text[1024];

	snprintf(text, sizeof(text),
	    "INSERT INTO invoices (creditor_id, family_id, month, number,"
	    " issued_on, due_on, mandate_id, total_cents, state_since)"
	    " SELECT m.creditor_id, m.family_id, '%s', 'F' ||"
	    " to_char('%s'::date, 'YYYY-MM') || '-' ||"
	    " lpad(m.family_id::text, 6, '0'), '%s'::date - 14, '%s', m.id,"
	    " 3000 + m.id, '%s'::date - 14 FROM mandates m",
	    month, month, due, due, due);
	sql(w, text);
}

/* An account change the way the operator records it (sepactl mandate). */
static void
change_account(struct world *w, const char *rum, const char *bank, int64_t acct,
    const char *sent, const char *today, const char *want_month)
{
	char q[512], iban[64], args[512];
	PGresult *res;
	struct ctlrun r;

	snprintf(
	    q, sizeof(q), "SELECT t_iban('%s', %lld)", bank, (long long)acct);
	res = query(w, q);
	snprintf(iban, sizeof(iban), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	snprintf(args, sizeof(args),
	    "--today %s mandate change-account %s --iban %s --received %s",
	    today, rum, iban, sent);
	run(&r, w, "", args);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	snprintf(q, sizeof(q),
	    "SELECT count(*) FROM mandate_accounts a JOIN mandates m ON m.id ="
	    " a.mandate_id WHERE m.rum = '%s' AND a.iban = '%s' AND"
	    " to_char(a.applies_from, 'YYYY-MM') = '%s'",
	    rum, iban, want_month);
	cr_assert_eq(dbtest_int(w->db, q), 1, "%s: %s", rum, r.out);
}

static char *
month_file(struct world *w, const char *month_first)
{
	char q[256], path[512];
	PGresult *res;

	snprintf(q, sizeof(q),
	    "SELECT file_name FROM batches WHERE collection_month = '%s'",
	    month_first);
	res = query(w, q);
	cr_assert_eq(PQntuples(res), 1, "%s", month_first);
	snprintf(path, sizeof(path), "%s/%s", w->outbox, PQgetvalue(res, 0, 0));
	PQclear(res);
	return ctlrun_read(path);
}

static char *
month_file_part(struct world *w, int part)
{
	char q[256], path[512];
	PGresult *res;

	snprintf(q, sizeof(q), "SELECT file_name FROM batches WHERE part = %d",
	    part);
	res = query(w, q);
	cr_assert_eq(PQntuples(res), 1);
	snprintf(path, sizeof(path), "%s/%s", w->outbox, PQgetvalue(res, 0, 0));
	PQclear(res);
	return ctlrun_read(path);
}

/*
 * Contract art. 3: a change sent on the 5th applies to this month's
 * collection (which carries the amendment), one sent on the 6th to next
 * month's; same bank declares the old IBAN, another bank SMNDA; the
 * amendment is carried once.
 */
Test(collect, change_on_the_5th_vs_the_6th)
{
	struct world w;
	struct ctlrun r;
	char *xml;

	world_open(&w, "");
	run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	sql(&w, "UPDATE collections SET state = 'settled'");
	invoice_month(&w, "2026-10-01", "2026-11-16");
	invoice_month(&w, "2026-11-01", "2026-12-15");
	change_account(&w, "RUM-FAM11", "30004", 77011, "2026-11-05",
	    "2026-11-05", "2026-11");
	change_account(&w, "RUM-FAM12", "20041", 77012, "2026-11-06",
	    "2026-11-06", "2026-12");

	run(&r, &w, "", "--today 2026-11-06 collect --month 2026-11");
	cr_assert_eq(r.status, 0, "%s", r.err);
	xml = month_file(&w, "2026-11-01");
	cr_assert_eq(count_of(xml, "<AmdmntInd>true</AmdmntInd>"), 1);
	cr_assert_eq(count_of(xml, "<Id>SMNDA</Id>"), 0);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections c JOIN batches b ON"
	                 " b.id = c.batch_id WHERE b.collection_month ="
	                 " '2026-11-01' AND c.mandate_id = 11 AND c.amendment"
	                 " = 'same_bank' AND c.orig_iban = t_iban('30004',"
	                 " 1011) AND c.iban = t_iban('30004', 77011)"),
	    1);
	/* Family 12 is still debited on its old account in November. */
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections c JOIN batches b ON"
	                 " b.id = c.batch_id WHERE b.collection_month ="
	                 " '2026-11-01' AND c.mandate_id = 12 AND c.amendment"
	                 " = 'none' AND c.iban = t_iban('30004', 1012)"),
	    1);
	free(xml);
	sql(&w, "UPDATE collections SET state = 'settled'");

	run(&r, &w, "", "--today 2026-12-07 collect --month 2026-12");
	cr_assert_eq(r.status, 0, "%s", r.err);
	xml = month_file(&w, "2026-12-01");
	cr_assert_eq(count_of(xml, "<AmdmntInd>true</AmdmntInd>"), 1);
	cr_assert_eq(count_of(xml, "<Id>SMNDA</Id>"), 1);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections c JOIN batches b ON"
	                 " b.id = c.batch_id WHERE b.collection_month ="
	                 " '2026-12-01' AND c.mandate_id = 12 AND c.amendment"
	                 " = 'other_bank' AND c.orig_iban IS NULL"),
	    1);
	free(xml);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM mandate_accounts WHERE"
	                 " amended_by_collection IS NOT NULL"),
	    2);
	free(check_outbox(&w, 3));
	world_close(&w);
}

/* Three collects at once: each succeeds, one set of files, released once. */
Test(collect, three_runs_at_once)
{
	struct world w;
	char cmd[2048], st[128], status[64];

	world_open(&w, "max_transactions_per_file = 4;");
	snprintf(st, sizeof(st), "%s.status", w.outbox);
	snprintf(cmd, sizeof(cmd),
	    "env -u SEPAD_CONF -u SEPAD_CRASH_AT sh -c 'for i in 1 2 3; do"
	    " (%s -c %s --today 2026-10-06 collect --month 2026-10 >/dev/null;"
	    " echo $? >>%s) & done; wait'",
	    SEPACTL, w.conf, st);
	cr_assert_eq(system(cmd), 0);
	ctlrun_slurp(st, status, sizeof(status));
	cr_assert_str_eq(status, "0\n0\n0\n");
	free(check_outbox(&w, 8));
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM events WHERE kind ="
	                 " 'batch.released'"),
	    8);
	cr_assert_eq(
	    dbtest_int(w.db, "SELECT count(*) FROM collections"), NFAM);
	world_close(&w);
}

/*
 * The bank refused the whole file: its collections are cancelled and the
 * invoices issued again (the returns' side, simulated here); collect
 * then makes a new part whose EndToEndIds carry attempt 2.
 */
Test(collect, file_refused_whole_is_collected_again_as_attempt_2)
{
	struct world w;
	struct ctlrun r;
	char *xml;

	world_open(&w, "");
	run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	sql(&w,
	    "UPDATE batches SET state = 'rejected', state_reason = 'file"
	    " refused by the bank'");
	sql(&w,
	    "UPDATE collections SET state = 'cancelled', state_since ="
	    " '2026-10-07'");
	sql(&w, "UPDATE invoices SET state = 'issued'");
	run(&r, &w, "", "--today 2026-10-07 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(
	    strstr(r.out, "2026-10: 30 collections,") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "pain008-FR72ZZZ123456-2026-10-2.xml") != NULL,
	    "%s", r.out);
	cr_assert(strstr(r.out, "-2026-10-1.xml") == NULL, "%s", r.out);
	xml = month_file_part(&w, 2);
	cr_assert(strstr(xml, "<EndToEndId>F2026-09-000001-2</EndToEndId>"));
	cr_assert(strstr(xml, "<MsgId>SEPAD-123456-202610-2</MsgId>"));
	cr_assert_eq(count_of(xml, "<SeqTp>FRST</SeqTp>"), 1);
	free(xml);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections WHERE state ="
	                 " 'sent'"),
	    NFAM);
	run(&r, &w, "", "--today 2026-10-08 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(
	    strstr(r.out, "2026-10: 1 file(s) already released"), "%s", r.out);
	world_close(&w);
}

/* Collections of one mandate by month, as "month:e2e:seq:amendment|...". */
static char *
mandate_trail(struct world *w, const char *rum)
{
	char q[512];
	PGresult *res;
	char *out;

	snprintf(q, sizeof(q),
	    "SELECT coalesce(string_agg(to_char(b.collection_month, 'YYYY-MM')"
	    " || ':' || c.end_to_end_id || ':' || c.seq_type || ':'"
	    " || c.amendment || ':' || c.due_on, '|' ORDER BY c.id), '')"
	    " FROM collections c JOIN batches b ON b.id = c.batch_id"
	    " WHERE c.rum = '%s'",
	    rum);
	res = query(w, q);
	out = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return out;
}

/*
 * One mandate, two invoices in one run: the mandate's first debit (FRST)
 * goes alone and the other invoice waits for the next month's file, where
 * it is RCUR; the same when the run's debit carries an account change
 * (SMNDA). A mandate already debited takes both along, RCUR. Every file
 * validates against the XSD; nothing is carried twice.
 */
Test(collect, one_mandate_two_invoices_first_debit_goes_alone)
{
	struct world w;
	struct ctlrun r;
	char *all, *trail;
	int64_t digest;

	world_open(&w, "");
	/* Family 1: August caught up late, due with September (15 Oct). */
	add_invoice(&w, "RUM-FAM1", "2026-08-01", "F2026-08-000001",
	    "2026-10-01", "2026-10-15", 4200);
	/* Family 2: August due later in the month (20 Oct). */
	add_invoice(&w, "RUM-FAM2", "2026-08-01", "F2026-08-000002",
	    "2026-10-02", "2026-10-20", 4300);
	run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(
	    strstr(r.out,
	        "2026-10: 2 invoice(s) deferred to next month's file (the "
	        "mandate's first debit or account change goes alone); "
	        "see sepactl status\n") != NULL,
	    "%s", r.out);
	cr_assert(
	    strstr(r.out, "2026-10: 30 collections,") != NULL, "%s", r.out);
	all = check_outbox(&w, 1);
	/* The lead of each mandate: earliest due date, then number. */
	cr_assert(strstr(all, "<EndToEndId>F2026-08-000001-1</EndToEndId>"));
	cr_assert(
	    strstr(all, "<EndToEndId>F2026-09-000001-1</EndToEndId>") == NULL);
	cr_assert(strstr(all, "<EndToEndId>F2026-09-000002-1</EndToEndId>"));
	cr_assert(
	    strstr(all, "<EndToEndId>F2026-08-000002-1</EndToEndId>") == NULL);
	cr_assert_eq(count_of(all, "<SeqTp>RCUR</SeqTp>"), 0);
	free(all);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM (SELECT mandate_id FROM"
	                 " collections WHERE seq_type = 'FRST' GROUP BY"
	                 " mandate_id HAVING count(*) > 1) t"),
	    0);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM invoices WHERE state = 'issued'"
	                 " AND collect_due_on = '2026-11-16' AND number IN"
	                 " ('F2026-09-000001', 'F2026-08-000002')"),
	    2);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM events WHERE kind ="
	                 " 'invoice.collect_deferred' AND needs_attention AND"
	                 " message = 'invoice F2026-09-000001: mandate RUM-FAM1"
	                 " has its first collection in this file; collected"
	                 " with the file of 2026-11, due on 2026-11-16'"),
	    1);
	run(&r, &w, "", "--today 2026-10-06 status");
	cr_assert(
	    strstr(r.out,
	        "attention: 2026-10-06 invoice F2026-08-000002: mandate "
	        "RUM-FAM2 has its first collection in this file;") != NULL,
	    "%s", r.out);
	/* Again: nothing new, nothing deferred twice. */
	digest = db_digest(&w);
	run(&r, &w, "", "--today 2026-10-07 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "deferred") == NULL, "%s", r.out);
	cr_assert(strstr(r.out, "2026-10: 1 file(s) already released") != NULL,
	    "%s", r.out);
	cr_assert_eq(db_digest(&w), digest);

	/*
	 * November: family 3 moved to another bank from November and has a
	 * late invoice due with October's: the SMNDA goes once, the other
	 * invoice waits for December. Families 1 and 2 were debited: their
	 * deferred invoices go with October's, RCUR, nothing to declare.
	 */
	invoice_october(&w);
	sql(&w, "UPDATE collections SET state = 'settled'");
	sql(&w,
	    "UPDATE invoices SET state = 'paid' WHERE state = 'collecting'");
	sql(&w,
	    "INSERT INTO mandate_accounts (creditor_id, mandate_id, iban,"
	    " applies_from, received_on, amendment_required) SELECT"
	    " creditor_id, id, t_iban('20041', 99003), '2026-11-01',"
	    " '2026-10-04', true FROM mandates WHERE rum = 'RUM-FAM3'");
	add_invoice(&w, "RUM-FAM3", "2026-07-01", "F2026-07-000003",
	    "2026-11-01", "2026-11-16", 3100);
	run(&r, &w, "", "--today 2026-11-06 collect --month 2026-11");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out, "2026-11: 1 invoice(s) deferred") != NULL, "%s",
	    r.out);
	cr_assert(
	    strstr(r.out, "2026-11: 32 collections,") != NULL, "%s", r.out);
	all = check_outbox(&w, 2);
	cr_assert_eq(count_of(all, "<Id>SMNDA</Id>"), 1, "%s", all);
	cr_assert_eq(count_of(all, "<AmdmntInd>true</AmdmntInd>"), 1);
	free(all);
	trail = mandate_trail(&w, "RUM-FAM1");
	cr_assert_str_eq(trail,
	    "2026-10:F2026-08-000001-1:FRST:none:2026-10-15|"
	    "2026-11:F2026-09-000001-1:RCUR:none:2026-11-16|"
	    "2026-11:F2026-10-000001-1:RCUR:none:2026-11-16");
	free(trail);
	trail = mandate_trail(&w, "RUM-FAM2");
	cr_assert_str_eq(trail,
	    "2026-10:F2026-09-000002-1:FRST:none:2026-10-15|"
	    "2026-11:F2026-08-000002-1:RCUR:none:2026-11-16|"
	    "2026-11:F2026-10-000002-1:RCUR:none:2026-11-16");
	free(trail);
	trail = mandate_trail(&w, "RUM-FAM3");
	cr_assert_str_eq(trail,
	    "2026-10:F2026-09-000003-1:FRST:none:2026-10-15|"
	    "2026-11:F2026-07-000003-1:RCUR:other_bank:2026-11-16");
	free(trail);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM invoices WHERE number ="
	                 " 'F2026-10-000003' AND state = 'issued' AND"
	                 " collect_due_on = '2026-12-15'"),
	    1);

	/* December: the deferred one is RCUR on the new account. */
	sql(&w, "UPDATE collections SET state = 'settled'");
	run(&r, &w, "", "--today 2026-12-04 collect --month 2026-12");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(
	    strstr(r.out, "2026-12: 1 collections,") != NULL, "%s", r.out);
	free(check_outbox(&w, 3));
	trail = mandate_trail(&w, "RUM-FAM3");
	cr_assert(
	    strstr(trail, "|2026-12:F2026-10-000003-1:RCUR:none:2026-12-15") !=
	        NULL,
	    "%s", trail);
	free(trail);
	world_close(&w);
}

/*
 * A FRST rejected before settlement leaves the mandate never debited: the
 * next month's run presents the deferred invoice FRST again, alone, and
 * defers the month's own one.
 */
Test(collect, rejected_first_debit_keeps_the_next_one_alone)
{
	struct world w;
	struct ctlrun r;
	char *trail;

	world_open(&w, "");
	add_invoice(&w, "RUM-FAM1", "2026-08-01", "F2026-08-000001",
	    "2026-10-01", "2026-10-15", 4200);
	run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	invoice_october(&w);
	sql(&w,
	    "UPDATE collections SET state = 'rejected', reason_code = 'AM04'"
	    " WHERE rum = 'RUM-FAM1'");
	sql(&w,
	    "UPDATE invoices SET state = 'unpaid' WHERE number ="
	    " 'F2026-08-000001'");
	run(&r, &w, "", "--today 2026-11-06 collect --month 2026-11");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	free(check_outbox(&w, 2));
	trail = mandate_trail(&w, "RUM-FAM1");
	cr_assert_str_eq(trail,
	    "2026-10:F2026-08-000001-1:FRST:none:2026-10-15|"
	    "2026-11:F2026-09-000001-1:FRST:none:2026-11-16");
	free(trail);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM invoices WHERE number ="
	                 " 'F2026-10-000001' AND collect_due_on ="
	                 " '2026-12-15'"),
	    1);
	world_close(&w);
}

/*
 * cycle_steps.month is the cycle month (migration 011): `invoice run
 * --month 2026-10` on 2 November is the invoice step of November, so the
 * cycle does not run it again and status shows one line for it.
 */
Test(collect, invoice_run_by_hand_is_the_cycle_step_of_next_month)
{
	struct world w;
	struct ctlrun r;

	world_open(&w, "");
	run(&r, &w, "", "--today 2026-11-02 invoice run --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	run(&r, &w, "", "--today 2026-11-02 cycle");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out, "cycle: invoice") == NULL, "%s", r.out);
	cr_assert(strstr(r.out,
	              "next: invoice of 2026-12 (bills 2026-11) on "
	              "2026-12-01\n") != NULL,
	    "%s", r.out);
	run(&r, &w, "", "--today 2026-11-02 status");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert_eq(count_of(r.out, "ran: invoice of "), 1, "%s", r.out);
	cr_assert(
	    strstr(r.out,
	        "ran: invoice of 2026-11 (bills 2026-10) on 2026-11-02\n") !=
	        NULL,
	    "%s", r.out);
	run(&r, &w, "", "--today 2026-12-02 cycle");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert_eq(count_of(r.out,
	                 "cycle: invoice 2026-12: bill the previous "
	                 "month and write the notices\n"
	                 "invoices for 2026-11: "),
	    1, "%s", r.out);
	run(&r, &w, "", "--today 2026-12-02 cycle");
	cr_assert(strstr(r.out, "cycle: nothing due on 2026-12-02\n") != NULL,
	    "%s", r.out);
	run(&r, &w, "", "--today 2026-12-02 status");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert_eq(count_of(r.out, "ran: invoice of "), 1, "%s", r.out);
	cr_assert(
	    strstr(r.out,
	        "ran: invoice of 2026-12 (bills 2026-11) on 2026-12-02\n") !=
	        NULL,
	    "%s", r.out);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM cycle_steps WHERE step ="
	                 " 'invoice'"),
	    2);
	world_close(&w);
}

/*
 * Nothing is lost when the month already has a file: an invoice issued
 * after it (an invoice run that was late) and an invoice whose payment
 * block the bank refused (its collection cancelled, the file still
 * released) go into a new part; a partial payment by other means is not
 * debited again; an invoice paid while collect runs is not debited.
 */
Test(collect, month_run_again_collects_what_no_part_holds)
{
	struct world w;
	struct ctlrun r;
	char *xml;
	int64_t digest;

	world_open(&w, "");
	/* Family 5 paid 3,00 € in cash of its 10,35 €. */
	sql(&w,
	    "INSERT INTO payments (creditor_id, invoice_id, amount_cents,"
	    " paid_on, method) SELECT creditor_id, id, 300, '2026-10-02',"
	    " 'cash' FROM invoices WHERE number = 'F2026-09-000005'");
	/* Family 6 paid all of it. */
	sql(&w,
	    "INSERT INTO payments (creditor_id, invoice_id, amount_cents,"
	    " paid_on, method) SELECT creditor_id, id, total_cents,"
	    " '2026-10-02', 'cheque' FROM invoices WHERE number ="
	    " 'F2026-09-000006'");
	run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(
	    strstr(r.out, "2026-10: 29 collections,") != NULL, "%s", r.out);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT amount_cents FROM collections WHERE"
	                 " end_to_end_id = 'F2026-09-000005-1'"),
	    1000 + 7 * 5 - 300);
	/* Issued late, due in October too. */
	add_invoice(&w, "RUM-FAM7", "2026-08-01", "F2026-08-000007",
	    "2026-10-06", "2026-10-20", 5100);
	/* The bank refused family 8's payment block alone. */
	sql(&w,
	    "UPDATE collections SET state = 'cancelled', state_since ="
	    " '2026-10-07' WHERE rum = 'RUM-FAM8'");
	sql(&w,
	    "UPDATE invoices SET state = 'issued' WHERE number ="
	    " 'F2026-09-000008'");
	run(&r, &w, "", "--today 2026-10-07 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out,
	              "2026-10: 2 collections, 61.56 EUR, recorded "
	              "in 1 file(s)\n") != NULL,
	    "%s", r.out);
	cr_assert(strstr(r.out, "pain008-FR72ZZZ123456-2026-10-2.xml") != NULL,
	    "%s", r.out);
	free(check_outbox(&w, 2));
	xml = month_file_part(&w, 2);
	cr_assert_eq(count_of(xml, "<EndToEndId>"), 2, "%s", xml);
	cr_assert(strstr(xml, "<EndToEndId>F2026-09-000008-2</EndToEndId>"));
	cr_assert(strstr(xml, "<EndToEndId>F2026-08-000007-1</EndToEndId>"));
	/*
	 * Family 7 was debited by part 1: RCUR; family 8's only debit was
	 * cancelled, never presented: FRST again.
	 */
	cr_assert_eq(count_of(xml, "<SeqTp>RCUR</SeqTp>"), 1, "%s", xml);
	cr_assert_eq(count_of(xml, "<SeqTp>FRST</SeqTp>"), 1, "%s", xml);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections WHERE"
	                 " (end_to_end_id, seq_type) IN (('F2026-09-000008-2',"
	                 " 'FRST'), ('F2026-08-000007-1', 'RCUR'))"),
	    2);
	free(xml);
	digest = db_digest(&w);
	run(&r, &w, "", "--today 2026-10-08 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "2026-10: 2 file(s) already released") != NULL,
	    "%s", r.out);
	cr_assert_eq(db_digest(&w), digest);
	world_close(&w);
}

/*
 * A cycle that dies in the middle of its collect step (after the record,
 * before the file) did not mark the step: the next cycle writes the same
 * file from the same rows, marks the step once, and records nothing more.
 */
Test(collect, cycle_after_a_crash_in_collect_finishes_it_once)
{
	struct world w;
	struct ctlrun r;

	world_open(&w, "");
	run(&r, &w, "", "--today 2026-10-05 cycle");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	run(&r, &w, "SEPAD_CRASH_AT=after_record", "--today 2026-10-06 cycle");
	cr_assert_eq(r.status, 99, "%s\n%s", r.out, r.err);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM cycle_steps WHERE step ="
	                 " 'collect' AND month = '2026-10-01'"),
	    0);
	run(&r, &w, "", "--today 2026-10-06 cycle");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out, "written ") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "collections,") == NULL, "%s", r.out);
	free(check_outbox(&w, 1));
	cr_assert_eq(
	    dbtest_int(w.db, "SELECT count(*) FROM collections"), NFAM);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM cycle_steps WHERE step ="
	                 " 'collect' AND month = '2026-10-01'"),
	    1);
	run(&r, &w, "", "--today 2026-10-06 cycle");
	cr_assert(strstr(r.out, "cycle: nothing due on 2026-10-06\n") != NULL,
	    "%s", r.out);
	world_close(&w);
}

/*
 * The bank refuses part 1 of a month of two parts (pain.002, group
 * level) while another collect of the month runs: whichever way the two
 * interleave, the next collect puts part 1's invoices into a new part
 * (attempt 2); no invoice is lost, none is debited twice.
 */
Test(collect, refused_part_while_collect_runs_is_collected_again)
{
	struct world w;
	struct ctlrun r;
	char cmd[4096], st[128], status[64], *pain002;

	world_open(&w, "max_transactions_per_file = 20;");
	run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	free(check_outbox(&w, 2));
	pain002 = strdup(retfix_tmp("refused"));
	retfix_pain002(
	    pain002, "ST-1", "SEPAD-123456-202610-1", NULL, "FF01", NULL, 0);
	snprintf(st, sizeof(st), "%s.status", w.outbox);
	snprintf(cmd, sizeof(cmd),
	    "env -u SEPAD_CONF -u SEPAD_CRASH_AT sh -c '"
	    " (%s -c %s --today 2026-10-07 import returns %s >/dev/null;"
	    " echo $? >>%s) &"
	    " (%s -c %s --today 2026-10-07 collect --month 2026-10 >/dev/null;"
	    " echo $? >>%s) & wait'",
	    SEPACTL, w.conf, pain002, st, SEPACTL, w.conf, st);
	cr_assert_eq(system(cmd), 0);
	ctlrun_slurp(st, status, sizeof(status));
	unlink(pain002);
	free(pain002);
	cr_assert_str_eq(status, "0\n0\n");
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM batches WHERE part = 1 AND"
	                 " state = 'rejected'"),
	    1);
	run(&r, &w, "", "--today 2026-10-07 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	/* Every invoice: one live collection, in a released file. */
	cr_assert_eq(
	    dbtest_int(w.db,
	        "SELECT count(DISTINCT c.invoice_id) FROM collections c"
	        " JOIN batches b ON b.id = c.batch_id WHERE"
	        " b.state = 'released' AND c.state = 'sent'"),
	    NFAM);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections WHERE state <>"
	                 " 'cancelled'"),
	    NFAM);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections WHERE state ="
	                 " 'cancelled' AND end_to_end_id LIKE '%-1'"),
	    20);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections WHERE state = 'sent'"
	                 " AND end_to_end_id LIKE '%-2'"),
	    20);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM invoices WHERE state ="
	                 " 'collecting'"),
	    NFAM);
	/* The new part is valid and still FRST: part 1 never reached them. */
	{
		PGresult *res = query(&w,
		    "SELECT file_name FROM batches WHERE state = 'released'"
		    " AND part > 2");
		sepa_error err = SEPA_ERROR_INIT;
		sepa_pain008_info info;
		char path[512], *xml;

		cr_assert_eq(PQntuples(res), 1);
		snprintf(path, sizeof(path), "%s/%s", w.outbox,
		    PQgetvalue(res, 0, 0));
		PQclear(res);
		cr_assert_eq(sepa_pain008_validate_file(
		                 path, SEPAD_SRCDIR "/schemas", &info, &err),
		    0, "%s: %s", path, err.msg);
		xml = ctlrun_read(path);
		cr_assert_eq(count_of(xml, "<SeqTp>FRST</SeqTp>"), 1);
		cr_assert_eq(count_of(xml, "<EndToEndId>"), 20);
		free(xml);
	}
	world_close(&w);
}

/*
 * The last guard: an invoice that leaves 'issued' while its collection is
 * recorded (here a trigger pays it, as a payment that slipped past the
 * creditor's lock would) refuses the run, nothing recorded.
 */
Test(collect, invoice_paid_while_recorded_refuses_the_run)
{
	struct world w;
	struct ctlrun r;

	world_open(&w, "");
	sql(&w,
	    "CREATE FUNCTION t_pay() RETURNS trigger LANGUAGE plpgsql AS $$"
	    " BEGIN UPDATE invoices SET state = 'paid' WHERE id ="
	    " NEW.invoice_id AND number = 'F2026-09-000004'; RETURN NEW; END"
	    " $$");
	sql(&w,
	    "CREATE TRIGGER t_pay AFTER INSERT ON collections FOR EACH ROW"
	    " EXECUTE FUNCTION t_pay()");
	run(&r, &w, "", "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 3, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.err,
	              "2026-10: 1 of 30 invoices changed state while their "
	              "collections were recorded; nothing recorded, run "
	              "collect again") != NULL,
	    "%s", r.err);
	cr_assert_eq(dbtest_int(w.db, "SELECT count(*) FROM batches"), 0);
	cr_assert_eq(dbtest_int(w.db, "SELECT count(*) FROM collections"), 0);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM invoices WHERE state ="
	                 " 'issued'"),
	    NFAM);
	world_close(&w);
}

/* ---------------------------------------------- the database goes away */

/*
 * A PostgreSQL cluster of the test's own, to stop under collect without
 * disturbing the other tests: SEPAD_TEST_CONNINFO points at it for this
 * test's process, so world_open makes its database there.
 */
struct own_cluster {
	char root[256];
	char conf[300];
};

static void
cluster_do(const struct own_cluster *pg, const char *verb)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd),
	    "SEPAD_PG_FAST=1 sh %s/tools/pgcluster.sh %s %s >/dev/null 2>&1",
	    SEPAD_SRCDIR, verb, pg->root);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void
cluster_start(struct own_cluster *pg)
{
	char path[320], conninfo[512], base[600], *p;
	struct ctlrun r;
	FILE *fp;
	size_t n;

	snprintf(pg->root, sizeof(pg->root), "%s/build/collect-pg-%ld",
	    SEPAD_SRCDIR, (long)getpid());
	cluster_do(pg, "start");
	snprintf(path, sizeof(path), "%s/conninfo", pg->root);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "%s", path);
	n = fread(conninfo, 1, sizeof(conninfo) - 1, fp);
	fclose(fp);
	conninfo[n] = '\0';
	conninfo[strcspn(conninfo, "\n")] = '\0';
	snprintf(pg->conf, sizeof(pg->conf), "%s.conf", pg->root);
	fp = fopen(pg->conf, "w");
	cr_assert_not_null(fp);
	fprintf(fp, "database: { conninfo = \"%s\"; };\n", conninfo);
	fclose(fp);
	snprintf(path, sizeof(path), "-c %s init", pg->conf);
	ctlrun(&r, path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(base, sizeof(base), "%s", conninfo);
	p = strstr(base, "dbname='sepad'");
	cr_assert_not_null(p, "%s", base);
	memcpy(p, "dbname='postgres'", sizeof("dbname='postgres'"));
	setenv("SEPAD_TEST_CONNINFO", base, 1);
}

static void
cluster_destroy(struct own_cluster *pg)
{
	cluster_do(pg, "destroy");
	unlink(pg->conf);
}

/*
 * `sepactl -c CONF ARGS` with SEPAD_STOP_AT=point: wait until it stops
 * there, run `while_stopped`, let it go on, and collect its status and
 * output.
 */
static void
run_stopped(struct ctlrun *r, struct world *w, const char *point,
    const char *args, void (*while_stopped)(void *), void *arg)
{
	char cmd[4096], out[64], err[64];
	pid_t pid;
	int st;

	snprintf(out, sizeof(out), "/tmp/collect-out-%ld", (long)getpid());
	snprintf(err, sizeof(err), "/tmp/collect-err-%ld", (long)getpid());
	snprintf(cmd, sizeof(cmd), "exec %s -c %s %s >%s 2>%s", SEPACTL,
	    w->conf, args, out, err);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		unsetenv("SEPAD_CONF");
		unsetenv("SEPAD_TODAY");
		setenv("SEPAD_STOP_AT", point, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &st, WUNTRACED), pid);
	cr_assert(WIFSTOPPED(st), "%s did not stop at %s (status %d)", args,
	    point, st);
	while_stopped(arg);
	kill(pid, SIGCONT);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "status %d", st);
	r->status = WEXITSTATUS(st);
	ctlrun_slurp(out, r->out, sizeof(r->out));
	ctlrun_slurp(err, r->err, sizeof(r->err));
}

static void
stop_cluster(void *arg)
{
	cluster_do(arg, "stop");
}

/* After the cluster came back: a new connection for the test's queries. */
static void
reconnect(struct world *w)
{
	sepa_error err = SEPA_ERROR_INIT;

	db_close(w->db);
	if (db_connect(&w->db, w->conninfo, &err) != 0)
		cr_assert_fail("%s", err.msg);
}

#define PART2 "pain008-FR72ZZZ123456-2026-10-2.xml"

/*
 * A month of two parts on a cluster of the test's own, and collect
 * stopped at `point` while the test stops the cluster: it fails (3).
 */
static void
outage_at(struct own_cluster *pg, struct world *w, struct ctlrun *r,
    const char *point)
{
	cluster_start(pg);
	world_open(w, "max_transactions_per_file = 20;");
	run_stopped(r, w, point, "--today 2026-10-06 collect --month 2026-10",
	    stop_cluster, pg);
	cr_assert_eq(r->status, 3, "%s\n%s", r->out, r->err);
}

/*
 * The database stops once part 2 is recorded as being placed, before the
 * file is renamed into the outbox: the file is placed, its release fails
 * with a clear message. The treasury takes it. The next collect writes
 * nothing and marks it released with the SHA-256 recorded before the
 * rename: the same MsgId is never handed over twice.
 */
Test(collect, outage_while_placing_then_the_file_taken, .timeout = 300)
{
	struct own_cluster pg;
	struct world w;
	struct ctlrun r;
	char sha[65], *sidecar, path[512];
	PGresult *res;

	outage_at(&pg, &w, &r, "after_placing#2");
	cr_assert(strstr(r.out, "written ") != NULL, "%s", r.out);
	/* one clear line: the file once, the database's reason whole */
	cr_assert(strstr(r.err,
	              "sepactl: could not write the files of 2026-10: " PART2
	              ": placed in the outbox, its release not recorded (the "
	              "next collect records it): ") == r.err,
	    "%s", r.err);
	cr_assert(strstr(r.err, "FATAL:  terminating connection") != NULL ||
	        strstr(r.err, "server closed the connection") != NULL ||
	        strstr(r.err, "no connection to the server") != NULL,
	    "%s", r.err);
	cr_assert_eq(
	    strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "%s", r.err);
	cr_assert(outbox_has(&w, PART2) && outbox_has(&w, PART2 ".sha256"));
	snprintf(path, sizeof(path), "%s/%s.sha256", w.outbox, PART2);
	sidecar = ctlrun_read(path);
	memcpy(sha, sidecar, 64);
	sha[64] = '\0';
	free(sidecar);

	cluster_do(&pg, "start");
	reconnect(&w);
	res = query(&w, "SELECT state, sha256 FROM batches WHERE part = 2");
	cr_assert_str_eq(PQgetvalue(res, 0, 0), "placing");
	cr_assert_str_eq(PQgetvalue(res, 0, 1), sha);
	PQclear(res);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM batches WHERE state = "
	                 "'released'"),
	    1);
	/* status says so meanwhile */
	run(&r, &w, "", "--today 2026-10-06 status");
	cr_assert(strstr(r.out,
	              "attention: " PART2 " (MsgId SEPAD-123456-202610-2): "
	              "placed in the outbox, its "
	              "release not recorded; run sepactl collect --month "
	              "2026-10\n") != NULL,
	    "%s", r.out);

	/* the treasury takes it */
	snprintf(path, sizeof(path),
	    "mkdir -p %s.taken && mv %s/%s %s/%s.sha256 %s.taken/", w.outbox,
	    w.outbox, PART2, w.outbox, PART2, w.outbox);
	cr_assert_eq(system(path), 0);
	cr_assert(!outbox_has(&w, PART2));

	run(&r, &w, "", "--today 2026-10-07 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out,
	              "released " PART2 " (taken from the outbox "
	              "before its release was recorded)") != NULL,
	    "%s", r.out);
	cr_assert(strstr(r.out, "written ") == NULL, "%s", r.out);
	cr_assert(!outbox_has(&w, PART2), "part 2 placed a second time");
	res = query(&w, "SELECT state, sha256 FROM batches WHERE part = 2");
	cr_assert_str_eq(PQgetvalue(res, 0, 0), "released");
	cr_assert_str_eq(PQgetvalue(res, 0, 1), sha);
	PQclear(res);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections c JOIN batches b ON"
	                 " b.id = c.batch_id WHERE b.part = 2 AND c.state <>"
	                 " 'sent'"),
	    0);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM events WHERE kind ="
	                 " 'batch.released'"),
	    2);
	/* and again: nothing */
	run(&r, &w, "", "--today 2026-10-07 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "2026-10: 2 file(s) already released") != NULL,
	    "%s", r.out);
	cr_assert(!outbox_has(&w, PART2));
	world_close(&w);
	cluster_destroy(&pg);
}

/*
 * The database stops while part 2 is being written, before it is recorded
 * as being placed: nothing of part 2 is under its final name (its
 * temporary files stay, proof that it was not placed), and the next
 * collect writes it and leaves no temporary file.
 */
Test(collect, outage_while_writing_places_nothing, .timeout = 300)
{
	struct own_cluster pg;
	struct world w;
	struct ctlrun r;
	char *all;

	outage_at(&pg, &w, &r, "during_write#2");
	cr_assert(strstr(r.err,
	              "sepactl: could not write the files of "
	              "2026-10: ") == r.err,
	    "%s", r.err);
	cr_assert_eq(
	    strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "%s", r.err);
	cr_assert(!outbox_has(&w, PART2), "%s", r.err);
	cr_assert(!outbox_has(&w, PART2 ".sha256"), "%s", r.err);
	cluster_do(&pg, "start");
	reconnect(&w);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM batches WHERE part = 2 AND "
	                 "state = 'prepared'"),
	    1);
	run(&r, &w, "", "--today 2026-10-07 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "written ") != NULL, "%s", r.out);
	all = check_outbox(&w, 2);
	free(all);
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd),
		    "test -z \"$(ls -A %s | grep '^\\.')\"", w.outbox);
		cr_assert_eq(system(cmd), 0, "a temporary file is left");
	}
	world_close(&w);
	cluster_destroy(&pg);
}
