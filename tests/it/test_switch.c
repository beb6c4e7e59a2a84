/*
 * test_switch.c - a commune that replaces its old software with sepad,
 * through the binaries, as the finance department would: mandates that
 * bring their history (last debit, RCUR), payer names the SEPA character
 * set cannot hold, a recorded part cancelled, the month billed once its
 * consumption is in, a dry run of the invoice run, and the two
 * amendments an operator triggers (a new RUM, a new ICS). Every
 * pain.008 written is checked against the EPC XSD with xmllint.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/dbtest.h"
#include "ctlrun.h"
#include "sepa/error.h"
#include "db_internal.h"

#define EPC_XSD SEPAD_SRCDIR "/schemas/EPC130-08_2025_V1.0_pain.008.001.08.xsd"

/* One commune: its database, directory (inputs, outbox), configuration. */
struct commune {
	char name[64];
	char conninfo[DBTEST_CONNINFO_MAX];
	char dir[128];
	char conf[160];
	char outbox[160];
	struct db *db;
};

/* sepactl -c CONF --today DAY ARGS into r; its exit status. */
static int
ctl(struct commune *c, struct ctlrun *r, const char *day, const char *args)
{
	char all[2048];

	snprintf(all, sizeof(all), "-c %s --today %s %s", c->conf, day, args);
	ctlrun(r, all);
	return r->status;
}

/* The same, which must succeed. */
static void
ctl_ok(struct commune *c, struct ctlrun *r, const char *day, const char *args)
{
	cr_assert_eq(
	    ctl(c, r, day, args), 0, "sepactl %s: %s%s", args, r->out, r->err);
}

/* A file of the commune's directory holding `text`. */
static void
put(struct commune *c, const char *file, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", c->dir, file);
	fp = fopen(path, "w");
	cr_assert_not_null(fp, "%s", path);
	fputs(text, fp);
	fclose(fp);
}

/* `sepactl import KIND DIR/FILE` on `day`: its exit status. */
static int
import(struct commune *c, struct ctlrun *r, const char *day, const char *kind,
    const char *file)
{
	char args[512];

	snprintf(args, sizeof(args), "import %s %s/%s", kind, c->dir, file);
	return ctl(c, r, day, args);
}

static void
import_ok(
    struct commune *c, const char *day, const char *kind, const char *file)
{
	static struct ctlrun r;

	cr_assert_eq(import(c, &r, day, kind, file), 0, "import %s %s: %s%s",
	    kind, file, r.out, r.err);
}

static int64_t
q(struct commune *c, const char *sql)
{
	return dbtest_int(c->db, sql);
}

/* A database of its own, a directory, the configuration (+ extra), init. */
static void
commune_open(struct commune *c, const char *extra)
{
	sepa_error err = SEPA_ERROR_INIT;
	static struct ctlrun r;

	dbtest_create(c->conninfo, c->name, "sepad");
	cr_assert_eq(db_connect(&c->db, c->conninfo, &err), 0, "%s", err.msg);
	snprintf(c->dir, sizeof(c->dir), "/tmp/sepad-switch-XXXXXX");
	cr_assert_not_null(mkdtemp(c->dir));
	snprintf(c->conf, sizeof(c->conf), "%s/sepad.conf", c->dir);
	snprintf(c->outbox, sizeof(c->outbox), "%s/outbox", c->dir);
	ctlrun_commune_conf(c->conf, c->conninfo, c->outbox, extra);
	ctl_ok(c, &r, "2026-09-01", "init");
}

static void
commune_close(struct commune *c)
{
	char cmd[256];

	db_close(c->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->dir);
	cr_expect_eq(system(cmd), 0);
	dbtest_drop(c->name);
}

/* The pain.008 file `name` of the outbox, read whole (malloc'd). */
static char *
outbox_file(struct commune *c, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", c->outbox, name);
	return ctlrun_read(path);
}

/* The file passes the EPC XSD (xmllint, as a bank's portal would check). */
static void
xsd_ok(struct commune *c, const char *name)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
	    "xmllint --noout --schema %s %s/%s >/dev/null 2>&1", EPC_XSD,
	    c->outbox, name);
	cr_assert_eq(system(cmd), 0, "%s does not pass the EPC XSD", name);
}

/* The DrctDbtTxInf of `e2e` in xml (a pointer into it), or NULL. */
static const char *
tx_of(const char *xml, const char *e2e)
{
	char tag[96];

	snprintf(tag, sizeof(tag), "<EndToEndId>%s</EndToEndId>", e2e);
	return strstr(xml, tag);
}

/* The SeqTp of the payment block holding `e2e`. */
static void
seq_of(const char *xml, const char *e2e, char out[5])
{
	const char *tx = tx_of(xml, e2e), *s = NULL, *p;

	cr_assert_not_null(tx, "%s not in the file", e2e);
	for (p = strstr(xml, "<SeqTp>"); p != NULL && p < tx;
	     p = strstr(p + 1, "<SeqTp>"))
		s = p;
	cr_assert_not_null(s);
	memcpy(out, s + 7, 4);
	out[4] = '\0';
}

/* The EndToEndId of the live collection of mandate `rum`, into out. */
static void
e2e_of(struct commune *c, const char *rum, char *out, size_t size)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *params[1] = {rum};
	PGresult *res;

	cr_assert_eq(db_query(c->db, &res, "find the collection",
	                 "SELECT end_to_end_id FROM collections WHERE rum = $1 "
	                 "AND state <> 'cancelled' ORDER BY id DESC LIMIT 1",
	                 1, params, &err),
	    0, "%s", err.msg);
	cr_assert_eq(PQntuples(res), 1, "no collection of %s", rum);
	snprintf(out, size, "%s", PQgetvalue(res, 0, 0));
	db_result_free(res);
}

/* The families, tariffs and September's consumption of the commune. */
static const char families_csv[] =
    "family_ref;payer_name;street;postcode;city;country;email;bracket\n"
    "F1;Jeanne Martin;2 rue des Lilas;99999;Saint-Exemple;FR;;A\n"
    "F2;Paul Durand;4 rue des Lilas;99999;Saint-Exemple;FR;;A\n";

static const char tariffs_csv[] = "service;bracket;unit;price;valid_from\n"
                                  "CANTINE;A;meal;3.50;2021-09-01\n";

static const char consumption_sep_csv[] =
    "family_ref;child_ref;child_name;service;date;quantity\n"
    "F1;C1;Lou;CANTINE;2026-09-03;1\n"
    "F1;C1;Lou;CANTINE;2026-09-04;1\n"
    "F2;C1;Tom;CANTINE;2026-09-03;1\n";

/*
 * Mandate history: F1 signed in 2021 and debited by the old software
 * every month until June 2026 (RCUR); F2 signed this September, never
 * presented. On 1 October F1 is not lapsed, and on the 6th it is debited
 * RCUR and F2 FRST.
 */
Test(switch, imported_history_keeps_the_mandate_rcur_and_alive)
{
	static struct ctlrun r;
	struct commune c;
	char seq[5], e2e[64];
	char *xml;

	commune_open(&c, "");
	put(&c, "families.csv", families_csv);
	put(&c, "tariffs.csv", tariffs_csv);
	put(&c, "mandates.csv",
	    "rum;family_ref;iban;bic;signed_on;last_collected_on;sequence\n"
	    "RUM-F1;F1;FR7630006000011234567890189;;2021-03-10;2026-06-15;"
	    "RCUR\n"
	    "RUM-F2;F2;FR7630004000031234567890143;;2026-09-01;;\n");
	put(&c, "conso-09.csv", consumption_sep_csv);
	import_ok(&c, "2026-09-25", "families", "families.csv");
	import_ok(&c, "2026-09-25", "tariffs", "tariffs.csv");
	import_ok(&c, "2026-09-25", "mandates", "mandates.csv");
	import_ok(&c, "2026-09-30", "consumption", "conso-09.csv");
	ctl_ok(&c, &r, "2026-09-25", "mandate show RUM-F1");
	cr_expect(strstr(r.out,
	              "before sepad: last collected on 2026-06-15, presented "
	              "(next debit RCUR)") != NULL,
	    "%s", r.out);
	cr_expect(
	    strstr(r.out, "lapses after 2029-06-15") != NULL, "%s", r.out);

	/* 1 October: the sweep lapses nothing, September is billed. */
	ctl_ok(&c, &r, "2026-10-01", "cycle");
	cr_expect(strstr(r.out, "0 lapsed") != NULL, "%s", r.out);
	cr_assert_eq(q(&c,
	                 "SELECT count(*) FROM mandates WHERE state = "
	                 "'active'"),
	    2);
	/* 6 October: the file of the month. */
	ctl_ok(&c, &r, "2026-10-06", "cycle");
	xml = outbox_file(&c, "pain008-FR72ZZZ123456-2026-10-1.xml");
	e2e_of(&c, "RUM-F1", e2e, sizeof(e2e));
	seq_of(xml, e2e, seq);
	cr_expect_str_eq(seq, "RCUR");
	e2e_of(&c, "RUM-F2", e2e, sizeof(e2e));
	seq_of(xml, e2e, seq);
	cr_expect_str_eq(seq, "FRST");
	xsd_ok(&c, "pain008-FR72ZZZ123456-2026-10-1.xml");
	free(xml);
	cr_expect_eq(q(&c,
	                 "SELECT count(*) FROM mandates WHERE state = "
	                 "'active'"),
	    2);
	commune_close(&c);
}

/*
 * Payer names: a Cyrillic one is spelt in Latin letters in the file and
 * debited; one no file could carry (Chinese) is refused at the import,
 * with its line and column, and nothing of the file is taken.
 */
Test(switch, names_the_file_can_hold)
{
	static struct ctlrun r;
	struct commune c;
	char e2e[64];
	const char *tx;
	char *xml;

	commune_open(&c, "");
	put(&c, "families-bad.csv",
	    "family_ref;payer_name;street;postcode;city;country;email;bracket\n"
	    "F1;Jeanne Martin;2 rue des Lilas;99999;Saint-Exemple;FR;;A\n"
	    "F3;李小龍;6 rue des Lilas;99999;Saint-Exemple;FR;;A\n");
	cr_assert_eq(
	    import(&c, &r, "2026-09-25", "families", "families-bad.csv"), 1,
	    "%s%s", r.out, r.err);
	cr_expect(strstr(r.err,
	              "families-bad.csv:3: column \"payer_name\": "
	              "\"李小龍\": no pain.008 can carry it") != NULL,
	    "%s", r.err);
	cr_assert_eq(q(&c, "SELECT count(*) FROM families"), 0);

	put(&c, "families.csv",
	    "family_ref;payer_name;street;postcode;city;country;email;bracket\n"
	    "F3;Лев Толстой;6 rue des Lilas;99999;Saint-Exemple;FR;;A\n");
	put(&c, "tariffs.csv", tariffs_csv);
	put(&c, "mandates.csv",
	    "rum;family_ref;iban;bic;signed_on\n"
	    "RUM-F3;F3;FR7630006000011234567890189;;2026-09-01\n");
	put(&c, "conso-09.csv",
	    "family_ref;child_ref;child_name;service;date;quantity\n"
	    "F3;C1;Иван;CANTINE;2026-09-03;1\n");
	import_ok(&c, "2026-09-25", "families", "families.csv");
	import_ok(&c, "2026-09-25", "tariffs", "tariffs.csv");
	import_ok(&c, "2026-09-25", "mandates", "mandates.csv");
	import_ok(&c, "2026-09-30", "consumption", "conso-09.csv");
	ctl_ok(&c, &r, "2026-10-01", "cycle");
	ctl_ok(&c, &r, "2026-10-06", "cycle");
	xml = outbox_file(&c, "pain008-FR72ZZZ123456-2026-10-1.xml");
	e2e_of(&c, "RUM-F3", e2e, sizeof(e2e));
	tx = tx_of(xml, e2e);
	cr_assert_not_null(tx);
	tx = strstr(tx, "<Dbtr>");
	cr_assert_not_null(tx);
	cr_expect_not_null(strstr(tx, "<Nm>Lev Tolstoj</Nm>"), "%.600s", tx);
	xsd_ok(&c, "pain008-FR72ZZZ123456-2026-10-1.xml");
	free(xml);
	/* the family keeps its name as written */
	cr_expect_eq(q(&c,
	                 "SELECT count(*) FROM families WHERE payer_name = "
	                 "'Лев Толстой'"),
	    1);
	commune_close(&c);
}

/* sql text on the commune's database (the tests' own statements). */
static void
sql(struct commune *c, const char *text)
{
	dbtest_exec(c->db, text);
}

/* Families F1, F2 and F4 with mandates, September billed on 1 October. */
static void
commune_september(struct commune *c)
{
	static struct ctlrun r;

	put(c, "families.csv",
	    "family_ref;payer_name;street;postcode;city;country;email;bracket\n"
	    "F1;Jeanne Martin;2 rue des Lilas;99999;Saint-Exemple;FR;;A\n"
	    "F2;Paul Durand;4 rue des Lilas;99999;Saint-Exemple;FR;;A\n"
	    "F4;Ana Lopez;8 rue des Lilas;99999;Saint-Exemple;FR;;A\n");
	put(c, "tariffs.csv", tariffs_csv);
	put(c, "mandates.csv",
	    "rum;family_ref;iban;bic;signed_on\n"
	    "RUM-F1;F1;FR7630006000011234567890189;;2026-09-01\n"
	    "RUM-F2;F2;FR7630004000031234567890143;;2026-09-01\n"
	    "RUM-F4;F4;FR7610278060180001234567893;;2026-09-01\n");
	put(c, "conso-09.csv",
	    "family_ref;child_ref;child_name;service;date;quantity\n"
	    "F1;C1;Lou;CANTINE;2026-09-03;1\n"
	    "F2;C1;Tom;CANTINE;2026-09-03;1\n"
	    "F4;C1;Eva;CANTINE;2026-09-03;1\n");
	import_ok(c, "2026-09-25", "families", "families.csv");
	import_ok(c, "2026-09-25", "tariffs", "tariffs.csv");
	import_ok(c, "2026-09-25", "mandates", "mandates.csv");
	import_ok(c, "2026-09-30", "consumption", "conso-09.csv");
	ctl_ok(c, &r, "2026-10-01", "cycle");
}

/*
 * A payer name no file can hold, stored before sepad checked names at
 * import: collect leaves that invoice out before recording anything
 * (event that needs attention, moved to November's file) and the rest of
 * October goes out, valid; corrected, it goes with November's file.
 */
Test(switch, a_debit_the_writer_refuses_leaves_the_rest_of_the_month)
{
	static struct ctlrun r;
	struct commune c;
	char e2e[64];
	char *xml;

	commune_open(&c, "");
	commune_september(&c);
	sql(&c,
	    "UPDATE families SET payer_name = '李小龍' WHERE family_ref = "
	    "'F4'");
	ctl_ok(&c, &r, "2026-10-06", "cycle");
	cr_expect(strstr(r.out, "1 invoice(s) left out") != NULL, "%s", r.out);
	xml = outbox_file(&c, "pain008-FR72ZZZ123456-2026-10-1.xml");
	cr_expect(strstr(xml, "<NbOfTxs>2</NbOfTxs>") != NULL);
	e2e_of(&c, "RUM-F1", e2e, sizeof(e2e));
	cr_expect_not_null(tx_of(xml, e2e));
	e2e_of(&c, "RUM-F2", e2e, sizeof(e2e));
	cr_expect_not_null(tx_of(xml, e2e));
	xsd_ok(&c, "pain008-FR72ZZZ123456-2026-10-1.xml");
	free(xml);
	ctl_ok(&c, &r, "2026-10-06", "status");
	cr_expect(strstr(r.out,
	              "the pain.008 writer would refuse its debit "
	              "(Dbtr/Nm is empty once reduced to the SEPA "
	              "character set)") != NULL,
	    "%s", r.out);
	cr_expect_eq(q(&c,
	                 "SELECT count(*) FROM collections c JOIN mandates "
	                 "m ON m.id = c.mandate_id WHERE m.rum = 'RUM-F4'"),
	    0);

	/* Corrected by the families file, it goes with November's. */
	put(&c, "families-fix.csv",
	    "family_ref;payer_name;street;postcode;city;country;email;bracket\n"
	    "F4;Li Xiaolong;8 rue des Lilas;99999;Saint-Exemple;FR;;A\n");
	import_ok(&c, "2026-10-20", "families", "families-fix.csv");
	ctl_ok(&c, &r, "2026-11-06", "collect --month 2026-11");
	xml = outbox_file(&c, "pain008-FR72ZZZ123456-2026-11-1.xml");
	e2e_of(&c, "RUM-F4", e2e, sizeof(e2e));
	cr_expect_str_eq(e2e, "F2026-09-000003-1");
	cr_expect_not_null(tx_of(xml, e2e));
	cr_expect(strstr(xml, "<Nm>Li Xiaolong</Nm>") != NULL);
	xsd_ok(&c, "pain008-FR72ZZZ123456-2026-11-1.xml");
	free(xml);
	commune_close(&c);
}

/* Whether the outbox holds `name`. */
static int
in_outbox(struct commune *c, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", c->outbox, name);
	return access(path, F_OK) == 0;
}

/*
 * A part recorded (the writer stopped) whose debit the writer then
 * refuses: it cannot be released, so the operator cancels it; nothing of
 * it is written, its invoices go into the next part of the month
 * (attempt 2), which is valid. A released part can never be cancelled.
 */
Test(switch, a_recorded_part_is_cancelled_and_its_invoices_go_again)
{
	static struct ctlrun r;
	struct commune c;
	char *xml;

	commune_open(&c, "");
	commune_september(&c);
	setenv("SEPAD_CRASH_AT", "after_record", 1);
	cr_assert_eq(ctl(&c, &r, "2026-10-06", "collect --month 2026-10"), 99,
	    "%s%s", r.out, r.err);
	unsetenv("SEPAD_CRASH_AT");
	/* what an older version let through: a name recorded as is */
	sql(&c,
	    "UPDATE collections SET debtor_name = '李' WHERE rum = "
	    "'RUM-F4'");
	cr_assert_eq(ctl(&c, &r, "2026-10-06", "collect --month 2026-10"), 3,
	    "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "Dbtr/Nm is empty once reduced") != NULL, "%s",
	    r.err);
	ctl_ok(&c, &r, "2026-10-06", "status");
	cr_expect(
	    strstr(r.out, "(MsgId SEPAD-123456-202610-1): recorded on") != NULL,
	    "%s", r.out);

	/* no reason, no cancellation; an unknown MsgId is refused */
	cr_expect_eq(ctl(&c, &r, "2026-10-06",
	                 "collect cancel SEPAD-123456-202610-1 --why ''"),
	    1, "%s%s", r.out, r.err);
	cr_expect_eq(ctl(&c, &r, "2026-10-06",
	                 "collect cancel SEPAD-123456-202610-9 --why x"),
	    1, "%s%s", r.out, r.err);
	ctl_ok(&c, &r, "2026-10-06",
	    "collect cancel SEPAD-123456-202610-1 --why 'name recorded before "
	    "sepad checked names'");
	cr_expect(strstr(r.out,
	              "cancelled SEPAD-123456-202610-1 "
	              "(pain008-FR72ZZZ123456-2026-10-1.xml): 3 "
	              "collections") != NULL,
	    "%s", r.out);
	cr_expect_eq(q(&c,
	                 "SELECT count(*) FROM invoices WHERE state = "
	                 "'issued'"),
	    3);
	cr_expect_eq(q(&c,
	                 "SELECT count(*) FROM batches WHERE state = "
	                 "'cancelled' AND state_reason LIKE 'name %'"),
	    1);
	/* the family's own name was right: the month goes again, part 2 */
	ctl_ok(&c, &r, "2026-10-07", "collect --month 2026-10");
	cr_expect(!in_outbox(&c, "pain008-FR72ZZZ123456-2026-10-1.xml"));
	xml = outbox_file(&c, "pain008-FR72ZZZ123456-2026-10-2.xml");
	cr_expect_not_null(tx_of(xml, "F2026-09-000001-2"));
	cr_expect_not_null(tx_of(xml, "F2026-09-000003-2"));
	cr_expect(strstr(xml, "<Nm>Ana Lopez</Nm>") != NULL);
	xsd_ok(&c, "pain008-FR72ZZZ123456-2026-10-2.xml");
	free(xml);
	/* the cancelled part is never written, even by a later run */
	ctl_ok(&c, &r, "2026-10-08", "collect --month 2026-10");
	cr_expect(!in_outbox(&c, "pain008-FR72ZZZ123456-2026-10-1.xml"));
	/* a released part can never be cancelled */
	cr_expect_eq(ctl(&c, &r, "2026-10-08",
	                 "collect cancel SEPAD-123456-202610-2 --why x"),
	    1, "%s%s", r.out, r.err);
	cr_expect(
	    strstr(r.err, "a released part can never be cancelled") != NULL,
	    "%s", r.err);
	cr_expect_eq(q(&c,
	                 "SELECT count(*) FROM batches WHERE state = "
	                 "'released'"),
	    1);
	commune_close(&c);
}

/* The commune of names_the_file_can_hold, without any consumption. */
static void
commune_without_consumption(struct commune *c)
{
	put(c, "families.csv", families_csv);
	put(c, "tariffs.csv", tariffs_csv);
	put(c, "mandates.csv",
	    "rum;family_ref;iban;bic;signed_on\n"
	    "RUM-F1;F1;FR7630006000011234567890189;;2026-09-01\n"
	    "RUM-F2;F2;FR7630004000031234567890143;;2026-09-01\n");
	import_ok(c, "2026-11-25", "families", "families.csv");
	import_ok(c, "2026-11-25", "tariffs", "tariffs.csv");
	import_ok(c, "2026-11-25", "mandates", "mandates.csv");
}

/*
 * The cycle bills November once its consumption is in: on 5 December the
 * invoice step waits (status says so), on the 7th the collect step of
 * December waits with it, and the file of the 8th is billed and
 * collected the same day.
 */
Test(switch, the_month_is_billed_when_its_consumption_is_in)
{
	static struct ctlrun r;
	struct commune c;

	commune_open(&c, "");
	commune_without_consumption(&c);
	ctl_ok(&c, &r, "2026-12-05", "cycle");
	cr_expect(strstr(r.out,
	              "cycle: invoice 2026-12 waits: consumption of "
	              "2026-11 not received (until 2026-12-11)") != NULL,
	    "%s", r.out);
	ctl_ok(&c, &r, "2026-12-05", "status");
	cr_expect(strstr(r.out,
	              "consumption of 2026-11 not received: the "
	              "invoice step of 2026-12 waits") != NULL,
	    "%s", r.out);
	ctl_ok(&c, &r, "2026-12-07", "cycle");
	cr_expect(strstr(r.out,
	              "cycle: collect 2026-12 waits for the invoice "
	              "step of 2026-12") != NULL,
	    "%s", r.out);
	cr_expect_eq(q(&c, "SELECT count(*) FROM invoices"), 0);
	cr_expect_eq(q(&c,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'consumption.missing'"),
	    1);
	put(&c, "conso-11.csv",
	    "family_ref;child_ref;child_name;service;date;quantity\n"
	    "F1;C1;Lou;CANTINE;2026-11-03;1\n"
	    "F2;C1;Tom;CANTINE;2026-11-03;1\n");
	import_ok(&c, "2026-12-08", "consumption", "conso-11.csv");
	ctl_ok(&c, &r, "2026-12-08", "cycle");
	cr_expect(
	    strstr(r.out, "cycle: invoice 2026-12: bill") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "cycle: collect 2026-12: write") != NULL, "%s",
	    r.out);
	cr_expect_eq(q(&c,
	                 "SELECT count(*) FROM invoices WHERE month = "
	                 "'2026-11-01'"),
	    2);
	cr_expect_eq(q(&c, "SELECT count(*) FROM collections"), 2);
	commune_close(&c);
}

/*
 * The wait (billing.wait_for_consumption_days, here 3) is bounded: the
 * operator's invoice run never waits and records the step; with no
 * consumption by the end of the wait the step bills what there is, with
 * an event; and without the wait the invoice day is the day.
 */
Test(switch, the_wait_for_the_consumption_is_bounded)
{
	static struct ctlrun r;
	struct commune c, d;

	commune_open(&c, "billing: { wait_for_consumption_days = 3; };\n");
	commune_without_consumption(&c);
	ctl_ok(&c, &r, "2026-12-02", "cycle");
	cr_expect(strstr(r.out,
	              "waits: consumption of 2026-11 not received "
	              "(until 2026-12-04)") != NULL,
	    "%s", r.out);
	/* the operator bills November by hand: the step is done */
	ctl_ok(&c, &r, "2026-12-02", "invoice run --month 2026-11");
	ctl_ok(&c, &r, "2026-12-02", "cycle");
	cr_expect(strstr(r.out, "waits") == NULL, "%s", r.out);
	/* December's consumption never comes: on 4 January it is billed */
	ctl_ok(&c, &r, "2027-01-03", "cycle");
	cr_expect(strstr(r.out,
	              "waits: consumption of 2026-12 not received "
	              "(until 2027-01-04)") != NULL,
	    "%s", r.out);
	ctl_ok(&c, &r, "2027-01-04", "cycle");
	cr_expect(strstr(r.out,
	              "consumption of 2026-12 not received by "
	              "2027-01-04; billing what there is") != NULL,
	    "%s", r.out);
	cr_expect(
	    strstr(r.out, "cycle: invoice 2027-01: bill") != NULL, "%s", r.out);
	cr_expect_eq(q(&c,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'consumption.late' AND needs_attention AND month = "
	                 "'2026-12-01'"),
	    1);
	commune_close(&c);

	commune_open(&d, "billing: { wait_for_consumption = false; };\n");
	commune_without_consumption(&d);
	ctl_ok(&d, &r, "2026-12-02", "cycle");
	cr_expect(
	    strstr(r.out, "cycle: invoice 2026-12: bill") != NULL, "%s", r.out);
	cr_expect_eq(q(&d,
	                 "SELECT count(*) FROM events WHERE kind LIKE "
	                 "'consumption.%'"),
	    0);
	commune_close(&d);
}

/* A digest of what an invoice run stores (rows and values). */
static int64_t
billing_digest(struct commune *c)
{
	return q(c,
	    "SELECT ('x' || substr(md5(concat_ws('|',"
	    " (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM"
	    " invoices t), (SELECT string_agg(t::text, ',' ORDER BY"
	    " t::text) FROM invoice_lines t), (SELECT string_agg("
	    "t::text, ',' ORDER BY t::text) FROM events t), (SELECT"
	    " string_agg(t::text, ',' ORDER BY t::text) FROM cycle_steps"
	    " t), (SELECT string_agg(t::text, ',' ORDER BY t::text) FROM"
	    " consumption_batches t))), 1, 15))::bit(60)::bigint");
}

/* The line of out that starts with `start`, into line (without "\n"). */
static void
line_of(const char *out, const char *start, char *line, size_t size)
{
	const char *p = strstr(out, start), *e;

	cr_assert_not_null(p, "no \"%s\" in:\n%s", start, out);
	e = strchr(p, '\n');
	snprintf(line, size, "%.*s",
	    (int)(e != NULL ? (size_t)(e - p) : strlen(p)), p);
}

/*
 * invoice run --dry-run: the month as the real run computes it, shown,
 * and nothing stored (no invoice, event, step, notice); its totals are
 * the real run's; a month after an invoiced one shows its change.
 */
Test(switch, dry_run_shows_the_month_and_stores_nothing)
{
	static struct ctlrun r;
	char dry[512], real[512], notices[256];
	struct commune c;
	int64_t before;

	commune_open(&c, "");
	commune_without_consumption(&c);
	put(&c, "conso-09.csv",
	    "family_ref;child_ref;child_name;service;date;quantity\n"
	    "F1;C1;Lou;CANTINE;2026-09-03;1\n"
	    "F1;C1;Lou;CANTINE;2026-09-04;1\n"
	    "F2;C1;Tom;CANTINE;2026-09-03;1\n");
	import_ok(&c, "2026-09-30", "consumption", "conso-09.csv");
	before = billing_digest(&c);
	ctl_ok(&c, &r, "2026-10-01", "invoice run --month 2026-09 --dry-run");
	line_of(r.out, "dry run: invoices for 2026-09: ", dry, sizeof(dry));
	cr_expect(strstr(r.out, "families billed: 2\n") != NULL, "%s", r.out);
	cr_expect(
	    strstr(r.out, "lines without tariff: 0\n") != NULL, "%s", r.out);
	cr_expect(
	    strstr(r.out, "largest invoices:\n  F2026-09-000001  F1") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "  A                     2 invoices") != NULL,
	    "%s", r.out);
	cr_expect_eq(billing_digest(&c), before);
	snprintf(notices, sizeof(notices), "%s/notices", c.outbox);
	cr_expect_neq(access(notices, F_OK), 0, "the dry run wrote notices");

	ctl_ok(&c, &r, "2026-10-01", "invoice run --month 2026-09");
	line_of(r.out, "invoices for 2026-09: ", real, sizeof(real));
	cr_expect_str_eq(dry + strlen("dry run: "), real);
	cr_expect_neq(billing_digest(&c), before);

	/* October, against September: CANTINE 3 meals then 1 */
	put(&c, "conso-10.csv",
	    "family_ref;child_ref;child_name;service;date;quantity\n"
	    "F1;C1;Lou;CANTINE;2026-10-05;1\n");
	import_ok(&c, "2026-10-30", "consumption", "conso-10.csv");
	before = billing_digest(&c);
	ctl_ok(&c, &r, "2026-11-02", "invoice run --month 2026-10 --dry-run");
	cr_expect(
	    strstr(r.out, "per service (change against 2026-09):\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "2026-09: 10,50 € (-7,00 €, -66,6 %)") != NULL,
	    "%s", r.out);
	cr_expect_eq(billing_digest(&c), before);
	commune_close(&c);
}

/* xml without the indentation between its tags (in place). */
static char *
squash(char *xml)
{
	char *w = xml;

	for (const char *r = xml; *r != '\0'; r++) {
		*w++ = *r;
		if (*r == '>')
			while (r[1] == ' ' || r[1] == '\n' || r[1] == '\t')
				r++;
	}
	*w = '\0';
	return xml;
}

/* The DrctDbtTxInf of mandate `rum`'s live collection in xml, up to its
 * end (a copy, malloc'd). */
static char *
tx_text(struct commune *c, const char *xml, const char *rum)
{
	char e2e[64];
	const char *tx, *end;

	e2e_of(c, rum, e2e, sizeof(e2e));
	tx = tx_of(xml, e2e);
	cr_assert_not_null(tx, "%s not in the file", e2e);
	end = strstr(tx, "</DrctDbtTxInf>");
	cr_assert_not_null(end);
	return strndup(tx, (size_t)(end - tx));
}

/* October's consumption of F1 and F2, imported on 30 October. */
static void
commune_october(struct commune *c)
{
	put(c, "conso-10.csv",
	    "family_ref;child_ref;child_name;service;date;quantity\n"
	    "F1;C1;Lou;CANTINE;2026-10-05;1\n"
	    "F2;C1;Tom;CANTINE;2026-10-05;1\n");
	import_ok(c, "2026-10-30", "consumption", "conso-10.csv");
}

/* November's, imported on 30 November. */
static void
commune_november(struct commune *c)
{
	put(c, "conso-11.csv",
	    "family_ref;child_ref;child_name;service;date;quantity\n"
	    "F1;C1;Lou;CANTINE;2026-11-05;1\n"
	    "F2;C1;Tom;CANTINE;2026-11-05;1\n");
	import_ok(c, "2026-11-30", "consumption", "conso-11.csv");
}

/*
 * A new RUM (mandate change-rum): the next debit of the mandate declares
 * the old one (OrgnlMndtId), once; the other mandates declare nothing;
 * the old RUM is never taken again.
 */
Test(switch, a_new_rum_is_declared_once)
{
	static struct ctlrun r;
	struct commune c;
	char *xml, *tx;

	commune_open(&c, "");
	commune_september(&c);
	ctl_ok(&c, &r, "2026-10-06", "cycle");
	/* refused: another mandate's RUM, the same one, not a RUM */
	cr_expect_eq(ctl(&c, &r, "2026-10-20",
	                 "mandate change-rum RUM-F1 RUM-F2 --received "
	                 "2026-10-20"),
	    1, "%s", r.err);
	cr_expect(
	    strstr(r.err, "RUM RUM-F2 is the RUM of mandate RUM-F2") != NULL,
	    "%s", r.err);
	cr_expect_eq(ctl(&c, &r, "2026-10-20",
	                 "mandate change-rum RUM-F1 rum-f1 --received "
	                 "2026-10-20"),
	    1, "%s", r.err);
	cr_expect_eq(ctl(&c, &r, "2026-10-20",
	                 "mandate change-rum RUM-F1 'A//B' --received "
	                 "2026-10-20"),
	    1, "%s", r.err);
	ctl_ok(&c, &r, "2026-10-20",
	    "mandate change-rum RUM-F1 RUM-F1-2026 --received 2026-10-19");
	cr_expect(strstr(r.out,
	              "its next debit declares the old RUM RUM-F1 "
	              "(OrgnlMndtId), once") != NULL,
	    "%s", r.out);
	/* the old RUM is not taken again by an import */
	put(&c, "mandates-again.csv",
	    "rum;family_ref;iban;bic;signed_on\n"
	    "RUM-F1;F1;FR7630006000011234567890189;;2026-09-01\n");
	cr_expect_eq(
	    import(&c, &r, "2026-10-21", "mandates", "mandates-again.csv"), 1,
	    "%s", r.err);
	cr_expect(strstr(r.err,
	              "RUM RUM-F1 became RUM-F1-2026 on 2026-10-19") != NULL,
	    "%s", r.err);

	commune_october(&c);
	ctl_ok(&c, &r, "2026-11-06", "cycle");
	xml = squash(outbox_file(&c, "pain008-FR72ZZZ123456-2026-11-1.xml"));
	tx = tx_text(&c, xml, "RUM-F1-2026");
	cr_expect(strstr(tx, "<MndtId>RUM-F1-2026</MndtId>") != NULL, "%s", tx);
	cr_expect(strstr(tx, "<AmdmntInd>true</AmdmntInd>") != NULL, "%s", tx);
	cr_expect(
	    strstr(tx, "<OrgnlMndtId>RUM-F1</OrgnlMndtId>") != NULL, "%s", tx);
	free(tx);
	tx = tx_text(&c, xml, "RUM-F2");
	cr_expect(strstr(tx, "AmdmntInfDtls") == NULL, "%s", tx);
	free(tx);
	xsd_ok(&c, "pain008-FR72ZZZ123456-2026-11-1.xml");
	free(xml);

	/* once: December's debit declares nothing */
	commune_november(&c);
	ctl_ok(&c, &r, "2026-12-07", "cycle");
	xml = squash(outbox_file(&c, "pain008-FR72ZZZ123456-2026-12-1.xml"));
	tx = tx_text(&c, xml, "RUM-F1-2026");
	cr_expect(strstr(tx, "AmdmntInfDtls") == NULL, "%s", tx);
	free(tx);
	free(xml);
	commune_close(&c);
}

/*
 * A new ICS (creditor change-ics) from 1 November: November's file
 * carries it and each mandate's debit declares the old one
 * (OrgnlCdtrSchmeId), once; the configuration may name either, and sepad
 * knows it is the same creditor.
 */
Test(switch, a_new_ics_is_declared_once_by_every_mandate)
{
	static struct ctlrun r;
	struct commune c;
	char *xml, *tx, *p;
	FILE *fp;

	commune_open(&c, "");
	commune_september(&c);
	ctl_ok(&c, &r, "2026-10-06", "cycle");
	cr_expect_eq(ctl(&c, &r, "2026-10-20",
	                 "creditor change-ics FR72ZZZ123456 --from 2026-11-01"),
	    1, "%s", r.err);
	cr_expect_eq(ctl(&c, &r, "2026-10-20",
	                 "creditor change-ics FR18ZZZ654321 --from 2026-11-01"),
	    1, "%s", r.err);
	ctl_ok(&c, &r, "2026-10-20",
	    "creditor change-ics FR19ZZZ654321 --from 2026-11-01");
	cr_expect(strstr(r.out,
	              "creditor FR72ZZZ123456: its ICS is "
	              "FR19ZZZ654321 from 2026-11-01") != NULL,
	    "%s", r.out);
	/* the configuration still names the old one: found all the same */
	commune_october(&c);
	ctl_ok(&c, &r, "2026-11-06", "cycle");
	cr_expect(strstr(r.err,
	              "the configuration names creditor.ics "
	              "FR72ZZZ123456, the creditor's identifier is "
	              "FR19ZZZ654321 today") != NULL,
	    "%s", r.err);
	xml = squash(outbox_file(&c, "pain008-FR19ZZZ654321-2026-11-1.xml"));
	cr_expect(strstr(xml, "<MsgId>SEPAD-654321-202611-1</MsgId>") != NULL);
	p = strstr(xml, "<CdtrSchmeId>");
	cr_assert_not_null(p);
	cr_expect(strncmp(strstr(p, "<Id>") + 4,
	              "<PrvtId><Othr><Id>FR19ZZZ654321", 31) == 0,
	    "%.200s", p);
	tx = tx_text(&c, xml, "RUM-F1");
	cr_expect(strstr(tx, "<AmdmntInd>true</AmdmntInd>") != NULL, "%s", tx);
	cr_expect(strstr(tx,
	              "<OrgnlCdtrSchmeId><Id><PrvtId><Othr><Id>"
	              "FR72ZZZ123456</Id>") != NULL,
	    "%s", tx);
	free(tx);
	tx = tx_text(&c, xml, "RUM-F2");
	cr_expect(strstr(tx, "<Id>FR72ZZZ123456</Id>") != NULL, "%s", tx);
	free(tx);
	xsd_ok(&c, "pain008-FR19ZZZ654321-2026-11-1.xml");
	free(xml);

	/* the configuration names the new ICS: the same creditor, no new */
	fp = fopen(c.conf, "w");
	cr_assert_not_null(fp);
	fprintf(fp,
	    "database: { conninfo = \"%s\"; };\n"
	    "creditor: { name = \"Commune de Saint-Exemple\";"
	    " ics = \"FR19ZZZ654321\";"
	    " iban = \"FR7630006000011234567890189\"; bic = \"BDFEFRPPCCT\";"
	    " address: { street = \"Place de la Mairie\"; building = \"1\";"
	    " postcode = \"99999\"; town = \"Saint-Exemple\";"
	    " country = \"FR\"; }; };\n"
	    "directories: { outbox = \"%s\"; };\n",
	    c.conninfo, c.outbox);
	fclose(fp);
	ctl_ok(&c, &r, "2026-11-20", "init");
	cr_expect_eq(q(&c, "SELECT count(*) FROM creditors"), 1);
	commune_november(&c);
	ctl_ok(&c, &r, "2026-12-07", "cycle");
	cr_expect(
	    strstr(r.err, "the configuration names") == NULL, "%s", r.err);
	xml = squash(outbox_file(&c, "pain008-FR19ZZZ654321-2026-12-1.xml"));
	cr_expect(strstr(xml, "OrgnlCdtrSchmeId") == NULL);
	cr_expect_eq(q(&c,
	                 "SELECT count(*) FROM invoices WHERE month = "
	                 "'2026-11-01'"),
	    2);
	free(xml);
	commune_close(&c);
}
