/*
 * test_pes_collect.c - `sepactl collect` with treasury.channel "pes", end
 * to end against a database of the test cluster: the month handed to the
 * comptable as one PES_Aller ORMC flow (a piece per invoice, the SEPA
 * block on the debited ones with the sequence and amendment the pain.008
 * would carry, none for those payable by other means), the IdBord series,
 * the golden flow, crashes at every named point followed by a re-run
 * (the same bytes), and every bad PES configuration refused by `sepad -n`
 * with its line.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../db/dbtest.h"
#include "ctlrun.h"
#include "sepa/error.h"
#include "sepa/pes.h"
#include "db_internal.h"
#include <libpq-fe.h>

#define SEPAD SEPAD_SRCDIR "/build/sepad"
#define SCHEMAS SEPAD_SRCDIR "/schemas"
#define GOLDEN SEPAD_SRCDIR "/tests/data/pes/collect-golden.xml"

/* The PES part of the configuration of every test (more: in pes). */
#define PES_CONF PES_CONF_AND("")
#define PES_CONF_AND(more) \
	"treasury: { channel = \"pes\"; };\n" \
	"pes: { siret = \"21990001300017\"; cod_col = \"123\";" \
	" cod_bud = \"01\"; id_post = \"099001\"; " more \
	" products = ( { service = \"RESTAURATION\"; cod_prod_loc = \"REST\";" \
	" nature = \"7067\"; }, { service = \"*\"; cod_prod_loc = \"DIV\";" \
	" nature = \"70688\"; } ); };\n" \
	"billing: { wait_for_consumption = false; };\n"

struct world {
	char name[64];
	char conninfo[DBTEST_CONNINFO_MAX];
	char conf[128];
	char outbox[128];
	struct db *db;
};

static void
run(struct ctlrun *r, const struct world *w, const char *crash,
    const char *args)
{
	char a[4096];

	snprintf(a, sizeof(a), "-c %s %s", w->conf, args);
	if (crash != NULL)
		setenv("SEPAD_CRASH_AT", crash, 1);
	ctlrun(r, a);
	unsetenv("SEPAD_CRASH_AT");
}

static void
sql(struct world *w, const char *text)
{
	dbtest_exec(w->db, text);
}

/*
 * A commune of `nfam` families, each with a mandate signed in 2025 on a
 * French account and an invoice of September 2026 due on 15 October 2026
 * (one line of the service RESTAURATION, but for the last family: one of
 * GARDERIE, which pes.products gives through "*").
 */
static void
world_open(struct world *w, int nfam)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct ctlrun r;
	char q[1024];

	snprintf(w->name, sizeof(w->name), "pes_collect");
	dbtest_create(w->conninfo, w->name, "sepad");
	snprintf(w->outbox, sizeof(w->outbox), "/tmp/pes-box-XXXXXX");
	cr_assert_not_null(mkdtemp(w->outbox));
	snprintf(w->conf, sizeof(w->conf), "%s.conf", w->outbox);
	ctlrun_commune_conf(w->conf, w->conninfo, w->outbox, PES_CONF);
	run(&r, w, NULL, "init");
	cr_assert_eq(r.status, 0, "%s", r.err);
	if (db_connect(&w->db, w->conninfo, &err) != 0)
		cr_assert_fail("%s", err.msg);
	sql(w, CTLRUN_T_IBAN_SQL);
	snprintf(q, sizeof(q),
	    "INSERT INTO families (creditor_id, family_ref, payer_name, street,"
	    " building, postcode, town, country, bracket)"
	    " SELECT c.id, 'FAM' || g, 'Zoé Lefèvre-Numéro' || g,"
	    " 'rue des Écoles', g::text, '99999', 'Saint-Exemple', 'FR', 'A'"
	    " FROM creditors c, generate_series(1, %d) g",
	    nfam);
	sql(w, q);
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
	    "INSERT INTO services (creditor_id, code, unit) SELECT id, s, 'meal'"
	    " FROM creditors, unnest(ARRAY['RESTAURATION', 'GARDERIE']) s");
	sql(w,
	    "INSERT INTO children (creditor_id, family_id, child_ref, name)"
	    " SELECT creditor_id, id, 'C' || id, 'Enfant' FROM families");
	sql(w,
	    "INSERT INTO invoices (creditor_id, family_id, month, number,"
	    " issued_on, due_on, mandate_id, total_cents, state_since)"
	    " SELECT m.creditor_id, m.family_id, '2026-09-01',"
	    " 'F2026-09-' || lpad(m.family_id::text, 6, '0'), '2026-10-01',"
	    " '2026-10-15', m.id, 1000 + 7 * m.id, '2026-10-01' FROM mandates m");
	snprintf(q, sizeof(q),
	    "INSERT INTO invoice_lines (creditor_id, invoice_id, line_no, kind,"
	    " child_id, service_id, consumed_month, quantity_milli,"
	    " unit_price_cents, amount_cents) SELECT i.creditor_id, i.id, 1,"
	    " 'consumption', c.id, s.id, i.month, 1000, i.total_cents,"
	    " i.total_cents FROM invoices i JOIN children c ON c.family_id ="
	    " i.family_id JOIN services s ON s.code = CASE WHEN i.family_id ="
	    " %d THEN 'GARDERIE' ELSE 'RESTAURATION' END",
	    nfam);
	sql(w, q);
}

static void
world_close(struct world *w)
{
	char cmd[512];

	db_close(w->db);
	dbtest_drop(w->name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", w->outbox, w->conf);
	cr_assert_eq(system(cmd), 0);
}

static PGresult *
query(struct world *w, const char *text)
{
	sepa_error err = SEPA_ERROR_INIT;
	PGresult *res;

	if (db_query(w->db, &res, "test query", text, 0, NULL, &err) != 0)
		cr_assert_fail("%s\n%s", text, err.msg);
	return res;
}

/* What a flow holds, as read back by the library's reader. */
struct flow {
	int pieces;
	int debited;
	int frst;
	int rcur;
	int old_bank;
	int old_iban;
	int keys_bad;
	char not_debited[8][16]; /* NumDette of the pieces without a debit */
	int nnot;
	sepa_pes_read_info info;
};

static int
flow_piece(const sepa_pes_record *p, void *arg)
{
	struct flow *f = arg;

	f->pieces++;
	if (p->keys_ok != 1)
		f->keys_bad++;
	if (!p->debit) {
		if (f->nnot < 8)
			snprintf(
			    f->not_debited[f->nnot++], 16, "%s", p->num_dette);
		return 0;
	}
	f->debited++;
	f->frst += strcmp(p->sequence, "FRST") == 0;
	f->rcur += strcmp(p->sequence, "RCUR") == 0;
	f->old_bank += p->old_bank;
	f->old_iban += p->old_iban_masked[0] != '\0';
	return 0;
}

/*
 * The month's flow: released, its sidecar the recorded SHA-256, valid
 * (XSD and rules), read back into *f.
 */
static void
read_flow(
    struct world *w, const char *month, struct flow *f, char *name, size_t size)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_pes_info vi;
	char q[256], path[512], side[600], *sidecar;
	PGresult *res;

	snprintf(q, sizeof(q),
	    "SELECT file_name, sha256, state FROM batches WHERE channel ="
	    " 'pes' AND collection_month = '%s-01' ORDER BY part DESC",
	    month);
	res = query(w, q);
	cr_assert_geq(PQntuples(res), 1, "no flow for %s", month);
	cr_assert_str_eq(PQgetvalue(res, 0, 2), "released");
	snprintf(name, size, "%s", PQgetvalue(res, 0, 0));
	snprintf(path, sizeof(path), "%s/%s", w->outbox, name);
	snprintf(side, sizeof(side), "%s.sha256", path);
	sidecar = ctlrun_read(side);
	cr_assert(strncmp(sidecar, PQgetvalue(res, 0, 1), 64) == 0);
	free(sidecar);
	PQclear(res);
	cr_assert_eq(sepa_pes_validate_file(path, SCHEMAS, &vi, &err), 0,
	    "%s: %s", path, err.msg);
	memset(f, 0, sizeof(*f));
	cr_assert_eq(
	    sepa_pes_read_file(path, NULL, flow_piece, NULL, f, &f->info, &err),
	    0, "%s", err.msg);
	cr_assert_eq((long)f->pieces, vi.nb_pieces);
}

Test(pes_collect, a_month_then_the_next_one)
{
	struct world w;
	struct ctlrun r;
	struct flow f;
	char name[256];

	world_open(&w, 30);
	/* Family 8: same bank, from November; family 3: another bank. */
	sql(&w,
	    "INSERT INTO mandate_accounts (creditor_id, mandate_id, iban,"
	    " applies_from, received_on, amendment_required) SELECT"
	    " creditor_id, id, t_iban('30004', 99008), '2026-11-01',"
	    " '2026-10-06', true FROM mandates WHERE rum = 'RUM-FAM8'");
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

	run(&r, &w, NULL, "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out, "2026-10: 30 pieces,") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "of which 28 debited") != NULL, "%s", r.out);
	cr_assert(strstr(r.out,
	              "PESORMC_21990001300017_2026_1.xml: 30 pieces") != NULL,
	    "%s", r.out);
	read_flow(&w, "2026-10", &f, name, sizeof(name));
	cr_assert_str_eq(name, "PESORMC_21990001300017_2026_1.xml");
	cr_assert_str_eq(f.info.nom_fic, name);
	cr_assert_str_eq(f.info.encoding, "ISO-8859-1");
	cr_assert_str_eq(f.info.id_coll, "21990001300017");
	cr_assert_eq(f.pieces, 30);
	cr_assert_eq(f.debited, 28);
	cr_assert_eq(f.frst, 28);
	cr_assert_eq(f.keys_bad, 0);
	cr_assert_eq(f.nnot, 2);
	cr_assert_str_eq(f.not_debited[0], "202609000004");
	cr_assert_str_eq(f.not_debited[1], "202609000005");
	/* Debited pieces are the collections; the others stay issued. */
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM pes_pieces p JOIN collections c"
	                 " ON c.id = p.collection_id AND c.invoice_id ="
	                 " p.invoice_id AND c.amount_cents = p.amount_cents"),
	    28);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM invoices WHERE state ="
	                 " 'issued'"),
	    2);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM pes_pieces WHERE cod_prod_loc"
	                 " = 'DIV' AND nature = '70688'"),
	    1);

	/* Again: already released, and the others not put in a 2nd flow. */
	run(&r, &w, NULL, "--today 2026-10-07 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "2026-10: 1 file(s) already released") != NULL,
	    "%s", r.out);
	cr_assert_eq(dbtest_int(w.db, "SELECT count(*) FROM pes_pieces"), 30);

	/* November: RCUR, the amendments, the next IdBord. */
	sql(&w,
	    "INSERT INTO invoices (creditor_id, family_id, month, number,"
	    " issued_on, due_on, mandate_id, total_cents, state_since)"
	    " SELECT m.creditor_id, m.family_id, '2026-10-01',"
	    " 'F2026-10-' || lpad(m.family_id::text, 6, '0'), '2026-11-01',"
	    " '2026-11-16', m.id, 2000 + m.id, '2026-11-01' FROM mandates m");
	sql(&w, "UPDATE collections SET state = 'settled'");
	run(&r, &w, NULL, "--today 2026-11-06 collect --month 2026-11");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	read_flow(&w, "2026-11", &f, name, sizeof(name));
	cr_assert_str_eq(name, "PESORMC_21990001300017_2026_2.xml");
	cr_assert_eq(f.pieces, 30);
	cr_assert_eq(f.debited, 28);
	cr_assert_eq(f.rcur, 28);
	cr_assert_eq(f.old_bank, 1);
	cr_assert_eq(f.old_iban, 1);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM mandate_accounts WHERE"
	                 " amended_by_collection IS NOT NULL"),
	    2);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM pes_bordereaux WHERE exer ="
	                 " 2026 AND id_bord IN (1, 2)"),
	    2);
	world_close(&w);
}

/* Copy a file into memory. */
static char *
outbox_file(struct world *w, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", w->outbox, name);
	return ctlrun_read(path);
}

/*
 * The flow of a small commune is the golden file, byte for byte (but for
 * sepad's version in Emetteur/Adresse).
 */
Test(pes_collect, golden_flow)
{
	struct world w;
	struct ctlrun r;
	char *got, *want, *at;
	const char *tag = "sepad @VERSION@";

	world_open(&w, 3);
	sql(&w,
	    "UPDATE mandates SET state = 'suspended', state_reason = 'two"
	    " rejects', state_since = '2026-06-01' WHERE rum = 'RUM-FAM2'");
	run(&r, &w, NULL, "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	got = outbox_file(&w, "PESORMC_21990001300017_2026_1.xml");
	want = ctlrun_read(GOLDEN);
	at = strstr(want, tag);
	cr_assert_not_null(at);
	{
		char *fixed = malloc(strlen(want) + 64);

		snprintf(fixed, strlen(want) + 64, "%.*ssepad %s%s",
		    (int)(at - want), want, SEPAD_VERSION, at + strlen(tag));
		free(want);
		want = fixed;
	}
	if (getenv("SEPAD_GOLDEN_WRITE") != NULL) {
		FILE *fp = fopen(GOLDEN, "w");

		fputs(got, fp);
		fclose(fp);
	}
	cr_assert_str_eq(got, want, "the flow is not the golden file");
	free(got);
	free(want);
	world_close(&w);
}

/*
 * After a crash at `pt` and a re-run: no temporary file is left, and the
 * flow `name`, its batch back to prepared and the file removed, comes out
 * of `args` again the same bytes.
 */
static void
regenerated_the_same(
    struct world *w, const char *pt, const char *name, const char *args)
{
	struct ctlrun r;
	char q[256], *first, *again;

	snprintf(
	    q, sizeof(q), "test -z \"$(ls -A %s | grep '^\\.')\"", w->outbox);
	cr_assert_eq(system(q), 0, "%s: stale temp file", pt);
	first = outbox_file(w, name);
	sql(w,
	    "UPDATE batches SET state = 'prepared', sha256 = NULL,"
	    " released_at = NULL, placing_at = NULL");
	sql(w, "UPDATE collections SET state = 'pending'");
	snprintf(
	    q, sizeof(q), "rm -f %s/*.xml %s/*.sha256", w->outbox, w->outbox);
	cr_assert_eq(system(q), 0);
	run(&r, w, NULL, args);
	cr_assert_eq(r.status, 0, "%s: %s", pt, r.err);
	again = outbox_file(w, name);
	cr_assert(strlen(first) > 1000);
	cr_assert_str_eq(first, again, "%s", pt);
	free(first);
	free(again);
}

/*
 * Kill collect at each named point, run it again: one flow, released,
 * valid; then regenerated from its rows: the same bytes.
 */
static const struct {
	const char *point;
	const char *state_after_crash;
	const char *rerun_says;
} crash_cases[] = {
    {"after_record", "prepared", "written "},
    {"during_write", "prepared", "written "},
    {"after_placing", "placing", "written "},
    {"after_rename", "placing", "verified "},
    {"after_release", "released", "released "},
};

Test(pes_collect, crash_at_every_point_then_rerun)
{
	for (size_t i = 0; i < sizeof(crash_cases) / sizeof(crash_cases[0]);
	     i++) {
		struct world w;
		struct ctlrun r;
		struct flow f;
		char name[256], q[256];
		const char *pt = crash_cases[i].point;

		world_open(&w, 12);
		run(&r, &w, pt, "--today 2026-10-06 collect --month 2026-10");
		cr_assert_eq(r.status, 99, "%s: %d %s", pt, r.status, r.err);
		snprintf(q, sizeof(q),
		    "SELECT count(*) FROM batches WHERE state = '%s'",
		    crash_cases[i].state_after_crash);
		cr_assert_eq(dbtest_int(w.db, q), 1, "%s", pt);
		cr_assert_eq(
		    dbtest_int(w.db, "SELECT count(*) FROM pes_pieces"), 12);

		run(&r, &w, NULL, "--today 2026-10-06 collect --month 2026-10");
		cr_assert_eq(r.status, 0, "%s: %s", pt, r.err);
		cr_assert(strstr(r.out, crash_cases[i].rerun_says) != NULL,
		    "%s: %s", pt, r.out);
		read_flow(&w, "2026-10", &f, name, sizeof(name));
		cr_assert_eq(f.pieces, 12, "%s", pt);
		cr_assert_eq(dbtest_int(w.db, "SELECT count(*) FROM batches"),
		    1, "%s", pt);
		regenerated_the_same(
		    &w, pt, name, "--today 2026-10-09 collect --month 2026-10");
		world_close(&w);
	}
}

/*
 * A piece the PES writer would refuse (a payer with one word: no
 * Prenom) is left out with its reason; a service without CodProdLoc
 * stops the run, nothing recorded.
 */
Test(pes_collect, refused_piece_and_missing_product)
{
	struct world w;
	struct ctlrun r;

	world_open(&w, 4);
	sql(&w,
	    "UPDATE families SET payer_name = 'Dupont' WHERE family_ref ="
	    " 'FAM2'");
	run(&r, &w, NULL, "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out, "2026-10: 3 pieces,") != NULL, "%s", r.out);
	cr_assert(
	    strstr(r.out, "the PES writer would refuse") != NULL, "%s", r.out);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM events WHERE kind ="
	                 " 'invoice.collect_refused' AND message LIKE"
	                 " '%Prenom%'"),
	    1);
	world_close(&w);

	world_open(&w, 2);
	ctlrun_commune_conf(w.conf, w.conninfo, w.outbox,
	    "treasury: { channel = \"pes\"; };\n"
	    "pes: { siret = \"21990001300017\"; cod_col = \"123\";"
	    " cod_bud = \"01\"; id_post = \"099001\"; products = ( {"
	    " service = \"RESTAURATION\"; cod_prod_loc = \"REST\";"
	    " nature = \"7067\"; } ); };\n"
	    "billing: { wait_for_consumption = false; };\n");
	run(&r, &w, NULL, "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 1, "%s\n%s", r.out, r.err);
	cr_assert(
	    strstr(r.err, "service \"GARDERIE\" has no CodProdLoc") != NULL,
	    "%s", r.err);
	cr_assert_eq(dbtest_int(w.db, "SELECT count(*) FROM batches"), 0);
	world_close(&w);
}

/* Every bad PES configuration, refused by sepad -n with its line. */
static const struct {
	const char *conf;
	int line;
	const char *says;
} bad_confs[] = {
    {"treasury: { channel = \"helios\"; };\n", 1,
        "key \"treasury.channel\": \"helios\" is not one of"},
    {"treasury: { channel = \"pes\"; };\n", 1,
        "key \"pes.siret\" must be set when treasury.channel is \"pes\""},
    {"treasury: { channel = \"pes\"; };\n", 1,
        "key \"pes.products\" must give the CodProdLoc"},
    {"\npes: { siret = \"2199000130001\"; };\n", 2,
        "key \"pes.siret\": IdColl \"2199000130001\" is not a SIRET"},
    {"pes: {\n cod_col = \"12\"; };\n", 2,
        "key \"pes.cod_col\": CodCol \"12\" is not 3 digits"},
    {"pes: {\n\n cod_bud = \"1A\"; };\n", 3,
        "key \"pes.cod_bud\": CodBud \"1A\" is not"},
    {"pes: { id_post = \"12345\"; };\n", 1,
        "key \"pes.id_post\": IdPost \"12345\" is not a codique"},
    {"pes: { civility = \"Mademoiselle\"; };\n", 1,
        "key \"pes.civility\": Civilite \"Mademoiselle\" is refused"},
    {"pes: { products = ( { service = \"A\"; cod_prod_loc = \"ABCDE\";"
     " nature = \"7067\"; } ); };\n",
        1,
        "key \"pes.products\": element 1: CodProdLoc \"ABCDE\" is not 1 to 4"},
    {"pes: { products = ( { service = \"A\"; cod_prod_loc = \"AB\";"
     "\n nature = \"70a\"; } ); };\n",
        1,
        "key \"pes.products\": element 1: Nature \"70a\" is not 1 to 12 digits"},
    {"pes: { products = ( { service = \"A\"; cod_prod_loc = \"AB\"; } );"
     " };\n",
        1,
        "key \"pes.products\": element 1 must have exactly service, cod_prod_loc and nature"},
    {"pes: { products = ( { service = \"A\"; cod_prod_loc = \"AB\";"
     " nature = \"1\"; },\n { service = \"A\"; cod_prod_loc = \"CD\";"
     " nature = \"2\"; } ); };\n",
        2, "key \"pes.products\": element 2: service \"A\" is given twice"},
    {"pes: { products = \"REST\"; };\n", 1,
        "key \"pes.products\": expected a list of groups"},
    {"pes: {\n recovery_nature = \"70a\"; };\n", 2,
        "key \"pes.recovery_nature\": Nature \"70a\" is not 1 to 12 digits"},
};

Test(pes_collect, bad_configuration_refused_with_its_line)
{
	for (size_t i = 0; i < sizeof(bad_confs) / sizeof(bad_confs[0]); i++) {
		char path[] = "/tmp/sepad-pes-n-XXXXXX", cmd[1024], want[512];
		int fd = mkstemp(path), st;
		FILE *fp;
		char out[8192] = "";
		size_t n;

		cr_assert_geq(fd, 0);
		dprintf(fd, "%s", bad_confs[i].conf);
		close(fd);
		snprintf(cmd, sizeof(cmd), "%s -n -c %s 2>&1", SEPAD, path);
		fp = popen(cmd, "r");
		cr_assert_not_null(fp);
		n = fread(out, 1, sizeof(out) - 1, fp);
		out[n] = '\0';
		st = pclose(fp);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1, "%s: %s",
		    bad_confs[i].conf, out);
		snprintf(want, sizeof(want), "%s:%d: %s", path,
		    bad_confs[i].line, bad_confs[i].says);
		cr_assert(
		    strstr(out, want) != NULL, "want %s\ngot %s", want, out);
		unlink(path);
	}
}

/* ------------------------------------------------------------ recovery */

/* Unpaid goes to recovery without a reminder: one run is enough. */
#define PES_RECOVERY_CONF PES_RECOVERY_CONF_AND("")
#define PES_RECOVERY_CONF_AND(more) \
	PES_CONF_AND(more) \
	"rejections: { represent_on_next_invoice = false; };\n"

/* What a recovery flow holds: its titres' objects, in order. */
struct titres {
	int pieces;
	int with_keys;
	int debited;
	char obj[4][200];
	char typ_bord[8];
	sepa_pes_read_info info;
};

static int
titre_piece(const sepa_pes_record *p, void *arg)
{
	struct titres *t = arg;

	if (t->pieces < 4)
		snprintf(
		    t->obj[t->pieces], sizeof(t->obj[0]), "%s", p->obj_pce);
	t->pieces++;
	t->with_keys += p->cle1[0] != '\0' || p->num_dette[0] != '\0';
	t->debited += p->debit;
	snprintf(t->typ_bord, sizeof(t->typ_bord), "%s", p->typ_bord);
	return 0;
}

/* The recovery flow `name`: released, valid, read back into *t. */
static void
read_titres(struct world *w, const char *name, struct titres *t)
{
	sepa_error err = SEPA_ERROR_INIT;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", w->outbox, name);
	cr_assert_eq(sepa_pes_validate_file(path, SCHEMAS, NULL, &err), 0,
	    "%s: %s", path, err.msg);
	memset(t, 0, sizeof(*t));
	cr_assert_eq(sepa_pes_read_file(
	                 path, NULL, titre_piece, NULL, t, &t->info, &err),
	    0, "%s", err.msg);
}

#define RECOVERY_FLOW "PESALR1_21990001300017_2026_1.xml"

/*
 * Two families did not pay September: `recovery export` hands them to the
 * comptable as a PESALR1 flow of ordinary titres (the reason and the
 * invoice in ObjPce, no keys, no debit), the invoices in 'recovery' once;
 * run again, nothing more; collect of the month does not count it.
 */
Test(pes_collect, recovery_as_ordinary_titres)
{
	struct world w;
	struct ctlrun r;
	struct titres t;

	world_open(&w, 4);
	ctlrun_commune_conf(w.conf, w.conninfo, w.outbox,
	    PES_RECOVERY_CONF_AND("recovery_nature = \"7588\";"));
	sql(&w,
	    "UPDATE invoices SET state = 'unpaid', unpaid_reason = 'test'"
	    " WHERE number IN ('F2026-09-000001', 'F2026-09-000003')");
	/* the other two are collected by the treasury in October */
	run(&r, &w, NULL, "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out, "2026-10: 2 pieces,") != NULL, "%s", r.out);
	run(&r, &w, NULL, "--today 2026-10-20 recovery export");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out, "2 invoices,") != NULL, "%s", r.out);
	cr_assert(
	    strstr(r.out, RECOVERY_FLOW ": 2 pieces") != NULL, "%s", r.out);
	read_titres(&w, RECOVERY_FLOW, &t);
	cr_assert_str_eq(t.info.typ_fic, "PESALR1");
	cr_assert_str_eq(t.info.nom_fic, RECOVERY_FLOW);
	cr_assert_str_eq(t.typ_bord, "01");
	cr_assert_eq(t.pieces, 2);
	cr_assert_eq(t.with_keys, 0);
	cr_assert_eq(t.debited, 0);
	cr_assert_str_eq(
	    t.obj[0], "Impayé - facture F2026-09-000001 de septembre 2026");
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM pes_pieces WHERE nature ="
	                 " '7588' AND num_dette IS NULL"),
	    2);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM invoices i JOIN"
	                 " recovery_export_invoices x ON x.invoice_id = i.id"
	                 " JOIN recovery_exports e ON e.id = x.export_id"
	                 " JOIN batches b ON b.id = e.batch_id WHERE i.state ="
	                 " 'recovery' AND x.state_before = 'unpaid' AND"
	                 " b.state = 'released' AND b.purpose = 'recovery'"),
	    2);

	run(&r, &w, NULL, "--today 2026-10-21 recovery export");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(
	    strstr(r.out, "nothing is due for recovery") != NULL, "%s", r.out);
	/* collect of October counts its own flow only (IdBord 1 of 06) */
	run(&r, &w, NULL, "--today 2026-10-21 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out, "2026-10: 1 file(s) already released") != NULL,
	    "%s", r.out);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM pes_bordereaux WHERE id_bord ="
	                 " 1"),
	    2);
	world_close(&w);
}

/*
 * Kill the recovery export at each named point, run it again: one flow,
 * released, valid, the invoices exported once; regenerated from its
 * rows: the same bytes.
 */
Test(pes_collect, recovery_crash_at_every_point_then_rerun)
{
	for (size_t i = 0; i < sizeof(crash_cases) / sizeof(crash_cases[0]);
	     i++) {
		struct world w;
		struct ctlrun r;
		struct titres t;
		char q[256];
		const char *pt = crash_cases[i].point;

		world_open(&w, 5);
		ctlrun_commune_conf(
		    w.conf, w.conninfo, w.outbox, PES_RECOVERY_CONF);
		sql(&w, "UPDATE invoices SET state = 'unpaid'");
		run(&r, &w, pt, "--today 2026-10-20 recovery export");
		cr_assert_eq(r.status, 99, "%s: %d %s", pt, r.status, r.err);
		snprintf(q, sizeof(q),
		    "SELECT count(*) FROM batches WHERE state = '%s'",
		    crash_cases[i].state_after_crash);
		cr_assert_eq(dbtest_int(w.db, q), 1, "%s", pt);

		run(&r, &w, NULL, "--today 2026-10-20 recovery export");
		cr_assert_eq(r.status, 0, "%s: %s", pt, r.err);
		/* a flow released before is not reported again */
		cr_assert(strstr(r.out,
		              i == 4 ? "nothing is due"
		                     : crash_cases[i].rerun_says) != NULL,
		    "%s: %s", pt, r.out);
		read_titres(&w, RECOVERY_FLOW, &t);
		cr_assert_eq(t.pieces, 5, "%s", pt);
		cr_assert_eq(dbtest_int(w.db, "SELECT count(*) FROM batches"),
		    1, "%s", pt);
		cr_assert_eq(
		    dbtest_int(
		        w.db, "SELECT count(*) FROM recovery_export_invoices"),
		    5, "%s", pt);
		regenerated_the_same(&w, pt, RECOVERY_FLOW,
		    "--today 2026-11-09 recovery export");
		world_close(&w);
	}
}

/* ------------------------------------------------------------- acquit */

/*
 * An acquit in the fact sheet's shape (docs/design/pes.md, The acquit)
 * for the flow nom_fic, with the ElementACQUIT given, at `path`
 * (ISO-8859-1).
 */
static void
write_acquit(const char *path, const char *nom_fic, const char *elements)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp);
	fprintf(fp,
	    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
	    "<n:PES_ACQUIT xmlns:n=\"http://www.minefi.gouv.fr/cp/helios/"
	    "pes_v2/Rev0/retour/v2\">\n"
	    " <Enveloppe><Parametres><Version V=\"2\"/>"
	    "<TypFic V=\"PESACQUIT\"/><NomFic V=\"%s\"/></Parametres>"
	    "</Enveloppe>\n"
	    " <EnTetePES><DteStr V=\"2026-10-08\"/><IdPost V=\"099001\"/>"
	    "<IdColl V=\"21990001300017\"/><CodCol V=\"123\"/>"
	    "<CodBud V=\"01\"/></EnTetePES>\n"
	    " <ACQUIT><EnTeteAcquit><IdVer V=\"2\"/></EnTeteAcquit>\n%s"
	    " </ACQUIT>\n</n:PES_ACQUIT>\n",
	    nom_fic, elements);
	cr_assert_eq(fclose(fp), 0);
}

#define ACQ_OK(bord) \
	"  <ElementACQUIT><DomaineAck V=\"7\"/><EtatAck V=\"1\"/>" \
	"<NumBord V=\"" bord "\"/><ExerciceBord V=\"2026\"/>" \
	"</ElementACQUIT>\n"
/* "déjà été reçu" in ISO-8859-1 */
#define ACQ_KO(bord) \
	"  <ElementACQUIT><DomaineAck V=\"6\"/><EtatAck V=\"0\"/>" \
	"<NumBord V=\"" bord "\"/><ExerciceBord V=\"2026\"/><Erreur>" \
	"<NumAnoAck V=\"ERREUR_DOUBLON_BORDEREAU\"/><LibelleAnoAck V=\"Le" \
	" bordereau " bord " de l'exercice 2026 a d\xe9j\xe0 \xe9t\xe9" \
	" re\xe7u\"/></Erreur></ElementACQUIT>\n"

#define FLOW1 "PESORMC_21990001300017_2026_1.xml"

/* The acquit's path beside the world's outbox. */
static void
acquit_path(const struct world *w, const char *tag, char *buf, size_t size)
{
	snprintf(buf, size, "%s-acquit-%s.xml", w->outbox, tag);
}

/* sepactl import returns of the file at `path` on day `today`. */
static void
import_file(
    struct world *w, struct ctlrun *r, const char *today, const char *path)
{
	char args[512];

	snprintf(
	    args, sizeof(args), "--today %s import returns %s", today, path);
	run(r, w, NULL, args);
}

/*
 * The comptable takes the flow in charge: the bordereau accepted, the
 * flow no longer waiting; the same acquit again is recognised.
 */
Test(pes_collect, acquit_accepted)
{
	struct world w;
	struct ctlrun r;
	char acq[256];

	world_open(&w, 3);
	run(&r, &w, NULL, "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	run(&r, &w, NULL, "status");
	cr_assert(
	    strstr(r.out, "PES flows waiting for their acquit: 1") != NULL,
	    "%s", r.out);
	acquit_path(&w, "ok", acq, sizeof(acq));
	write_acquit(acq, FLOW1, ACQ_OK("1"));
	import_file(&w, &r, "2026-10-08", acq);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out, "PES acquit of " FLOW1) != NULL, "%s", r.out);
	cr_assert(
	    strstr(r.out, "1 bordereau(x) taken in charge, 0 rejected") != NULL,
	    "%s", r.out);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM pes_bordereaux WHERE ack_state"
	                 " = 'accepted'"),
	    1);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections WHERE state ="
	                 " 'sent'"),
	    3);
	run(&r, &w, NULL, "status");
	cr_assert(
	    strstr(r.out, "PES flows waiting for their acquit: 0") != NULL,
	    "%s", r.out);
	import_file(&w, &r, "2026-10-08", acq);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "already imported") != NULL, "%s", r.out);
	cr_assert_eq(dbtest_int(w.db, "SELECT count(*) FROM pes_acquits"), 1);
	unlink(acq);
	world_close(&w);
}

/*
 * The comptable rejects the bordereau: nothing was taken in charge; the
 * debits are cancelled (never counted as rejects), the invoices issued
 * again, a person told with the flow and the reason; collect of the
 * month puts them in a new flow.
 */
Test(pes_collect, acquit_rejected_bordereau)
{
	struct world w;
	struct ctlrun r;
	char acq[256];

	world_open(&w, 4);
	sql(&w,
	    "UPDATE mandates SET state = 'suspended', state_reason = 'two"
	    " rejects', state_since = '2026-06-01' WHERE rum = 'RUM-FAM4'");
	run(&r, &w, NULL, "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	acquit_path(&w, "ko", acq, sizeof(acq));
	write_acquit(acq, FLOW1, ACQ_KO("1"));
	import_file(&w, &r, "2026-10-08", acq);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out,
	              "0 bordereau(x) taken in charge, 1 rejected; "
	              "3 collections cancelled") != NULL,
	    "%s", r.out);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM invoices WHERE state ="
	                 " 'issued'"),
	    4);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM return_effects WHERE new_state"
	                 " = 'cancelled' AND NOT counted"),
	    3);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM batches WHERE state ="
	                 " 'rejected'"),
	    1);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM events WHERE kind ="
	                 " 'pes.bordereau_rejected' AND needs_attention AND"
	                 " message LIKE '%" FLOW1 "%ERREUR_DOUBLON_BORDEREAU Le"
	                 " bordereau 1 de l''exercice 2026 a déjà été reçu%'"),
	    1);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM pes_acquit_records WHERE code ="
	                 " 'ERREUR_DOUBLON_BORDEREAU' AND etat = 0 AND"
	                 " num_bord = '1'"),
	    1);
	run(&r, &w, NULL, "--today 2026-10-09 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out, "2026-10: 4 pieces,") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "PESORMC_21990001300017_2026_2.xml") != NULL,
	    "%s", r.out);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM collections WHERE"
	                 " end_to_end_id LIKE '%-2' AND state = 'sent'"),
	    3);
	unlink(acq);
	world_close(&w);
}

/*
 * A recovery flow rejected: its invoices leave the export and are sent
 * again by the next recovery export, in a new flow of titres.
 */
Test(pes_collect, acquit_rejects_a_recovery_flow)
{
	struct world w;
	struct ctlrun r;
	char acq[256];

	world_open(&w, 2);
	ctlrun_commune_conf(w.conf, w.conninfo, w.outbox, PES_RECOVERY_CONF);
	sql(&w, "UPDATE invoices SET state = 'unpaid'");
	run(&r, &w, NULL, "--today 2026-10-20 recovery export");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	acquit_path(&w, "rec", acq, sizeof(acq));
	write_acquit(acq, RECOVERY_FLOW, ACQ_KO("1"));
	import_file(&w, &r, "2026-10-22", acq);
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out, "2 invoices due for recovery again") != NULL,
	    "%s", r.out);
	cr_assert_eq(dbtest_int(w.db,
	                 "SELECT count(*) FROM invoices WHERE state ="
	                 " 'unpaid'"),
	    2);
	cr_assert_eq(
	    dbtest_int(w.db, "SELECT count(*) FROM recovery_export_invoices"),
	    0);
	run(&r, &w, NULL, "--today 2026-10-23 recovery export");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out,
	              "PESALR1_21990001300017_2026_2.xml: 2 pieces") != NULL,
	    "%s", r.out);
	unlink(acq);
	world_close(&w);
}

/*
 * Refused, nothing changed: an acquit of a flow sepad never sent, one
 * without NomFic, and hostile XML (an entity declared).
 */
Test(pes_collect, acquit_refused)
{
	static const struct {
		const char *text;
		const char *says;
	} bad[] = {
	    {NULL, "which sepad never sent"},
	    {"<?xml version=\"1.0\"?>\n<!DOCTYPE PES_ACQUIT [<!ENTITY x"
	     " \"y\">]>\n<PES_ACQUIT><Enveloppe><Parametres><NomFic"
	     " V=\"&x;\"/></Parametres></Enveloppe></PES_ACQUIT>\n",
	        "refused, nothing changed"},
	    {"<PES_ACQUIT><ACQUIT><ElementACQUIT><EtatAck V=\"1\"/>"
	     "</ElementACQUIT></ACQUIT></PES_ACQUIT>\n",
	        "gives no NomFic"},
	};
	struct world w;
	struct ctlrun r;
	char acq[256];

	world_open(&w, 2);
	run(&r, &w, NULL, "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	acquit_path(&w, "bad", acq, sizeof(acq));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i].text == NULL) {
			write_acquit(acq, "PESORMC_21990001300017_2026_9.xml",
			    ACQ_KO("9"));
		} else {
			FILE *fp = fopen(acq, "w");

			cr_assert_not_null(fp);
			fputs(bad[i].text, fp);
			fclose(fp);
		}
		import_file(&w, &r, "2026-10-08", acq);
		cr_assert_eq(r.status, 1, "%zu: %s\n%s", i, r.out, r.err);
		cr_assert(
		    strstr(r.err, bad[i].says) != NULL, "%zu: %s", i, r.err);
		cr_assert_eq(dbtest_int(w.db,
		                 "SELECT count(*) FROM imported_files WHERE"
		                 " kind = 'pes_acquit'"),
		    0, "%zu", i);
		cr_assert_eq(dbtest_int(w.db,
		                 "SELECT count(*) FROM pes_bordereaux WHERE"
		                 " ack_state IS NOT NULL"),
		    0, "%zu", i);
	}
	unlink(acq);
	world_close(&w);
}
