/*
 * test_year.c - three months of a small commune through the binaries, as
 * the finance department runs them: generated exports imported with
 * `sepactl import`, `sepactl cycle` on the invoice and export days, the
 * bank's camt.054 imported with `sepactl import returns`. Family 1 is
 * rejected twice (September's debit in October, October's, carrying the
 * reminder, in November): the reminder is collected with the next
 * invoice, the second reject ends the mandate, and the treasury gets each
 * debt once: September's invoice in December, October's own lines in
 * January, after the reminder on November's invoice was left unpaid. Family 2 is rejected once, then its next debit, with the
 * reminder, is booked: its first invoice is paid through the second.
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "reportline.h"
#include "year.h"

Test(year, rejects_reminders_termination_and_recovery_counted_once)
{
	static struct ctlrun r;
	char args[512], csv[4096];
	int64_t own10;
	struct year y;

	year_open(&y);

	/* September: invoiced on 1 October, collected on the 6th */
	year_month(&y, "2026-09", "2026-10-01", 1);
	year_ctl(&y, &r, "2026-10-01", "cycle");
	year_ctl(&y, &r, "2026-10-06", "cycle");
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM collections WHERE seq_type = "
	                 "'FRST' AND state = 'sent'"),
	    12);
	/* families 1 and 2 rejected (AM04) on 20 October */
	year_bank(&y, "r1.xml", "F2026-09-000001", "AM04", "2026-10-20");
	year_bank(&y, "r2.xml", "F2026-09-000002", "AM04", "2026-10-20");
	snprintf(args, sizeof(args), "import returns %s/r1.xml %s/r2.xml",
	    y.dir, y.dir);
	year_ctl(&y, &r, "2026-10-21", args);
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM invoices WHERE number IN "
	                 "('F2026-09-000001', 'F2026-09-000002') AND state = "
	                 "'unpaid'"),
	    2);

	/* October: each reminded on the November invoice, collected with it */
	year_month(&y, "2026-10", "2026-11-01", 0);
	year_ctl(&y, &r, "2026-11-02", "cycle");
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM invoice_lines l JOIN invoices i "
	                 "ON i.id = l.invoice_id JOIN invoices p ON p.id = "
	                 "l.reminded_invoice_id WHERE l.kind = 'reminder' AND "
	                 "l.amount_cents = p.total_cents AND i.number IN "
	                 "('F2026-10-000001', 'F2026-10-000002') AND p.state = "
	                 "'reminded'"),
	    2);
	year_ctl(&y, &r, "2026-11-06", "cycle");
	cr_expect_eq(
	    year_int(&y,
	        "SELECT count(*) FROM collections c JOIN invoices i ON "
	        "i.id = c.invoice_id WHERE i.number IN "
	        "('F2026-10-000001', 'F2026-10-000002') AND "
	        "c.amount_cents = i.total_cents AND c.seq_type = "
	        "'RCUR'"),
	    2);
	/* family 1 rejected again: the mandate ends; family 2 is booked */
	year_bank(&y, "r3.xml", "F2026-10-000001", "AM04", "2026-11-20");
	year_bank(&y, "r4.xml", "F2026-10-000002", NULL, "2026-11-20");
	snprintf(args, sizeof(args), "import returns %s/r3.xml %s/r4.xml",
	    y.dir, y.dir);
	year_ctl(&y, &r, "2026-11-21", args);
	year_ctl(&y, &r, "2026-11-21", "mandate show RUM-FAM0000001-2024");
	cr_expect(strstr(r.out,
	              "state: terminated (two rejects) since "
	              "2026-11-21\n") != NULL,
	    "%s", r.out);
	/* family 2's September invoice was paid with October's debit */
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM invoices WHERE (number, state) "
	                 "IN (('F2026-09-000002', 'paid'), ('F2026-10-000002', "
	                 "'paid'))"),
	    2);

	/* November: family 1 has no mandate; its October invoice is reminded
	 * for its own lines only (September's amount goes to recovery) */
	own10 = year_int(&y,
	    "SELECT i.total_cents - l.amount_cents FROM invoices i JOIN "
	    "invoice_lines l ON l.invoice_id = i.id AND l.kind = 'reminder' "
	    "WHERE i.number = 'F2026-10-000001'");
	cr_assert_gt(own10, 0);
	year_month(&y, "2026-11", "2026-12-01", 0);
	year_ctl(&y, &r, "2026-12-01", "cycle");
	cr_expect_eq(year_int(&y,
	                 "SELECT l.amount_cents FROM invoice_lines l JOIN "
	                 "invoices i ON i.id = l.invoice_id WHERE l.kind = "
	                 "'reminder' AND i.number = 'F2026-11-000001'"),
	    own10);
	/* 7 December: September's invoice, reminded on October's which was
	 * rejected, goes to recovery; October's own debt is reminded on
	 * November's invoice (payable by other means, due on 15 December)
	 * and waits for that date */
	year_ctl(&y, &r, "2026-12-07", "cycle");
	cr_expect(
	    strstr(r.out, "recovery-2026-12-07-1.csv: 1 invoice, ") != NULL,
	    "%s", r.out);
	year_recovery_file(&y, "recovery-2026-12-07-1.csv", csv, sizeof(csv));
	cr_expect(strstr(csv, "\nF2026-09-000001;") != NULL &&
	        strstr(csv, "impayée après le rappel") != NULL &&
	        strstr(csv, "F2026-10-000001") == NULL &&
	        strstr(csv, "F2026-09-000002") == NULL,
	    "%s", csv);
	/* once: the same day again exports nothing */
	year_ctl(&y, &r, "2026-12-07", "recovery export");
	cr_expect(
	    strstr(r.out, "nothing is due for recovery") != NULL, "%s", r.out);

	/* January: November's invoice unpaid after its due date: October's
	 * own lines go to recovery, once; the treasury got each debt once */
	year_month(&y, "2026-12", "2027-01-04", 0);
	year_ctl(&y, &r, "2027-01-04", "cycle");
	year_ctl(&y, &r, "2027-01-07", "cycle");
	year_recovery_file(&y, "recovery-2027-01-07-2.csv", csv, sizeof(csv));
	cr_expect(strstr(csv, "\nF2026-10-000001;") != NULL, "%s", csv);
	cr_expect_eq(
	    year_int(&y,
	        "SELECT count(*) FROM recovery_export_invoices x JOIN "
	        "invoices i ON i.id = x.invoice_id JOIN invoices o ON "
	        "o.number = 'F2026-09-000001' WHERE (i.number = "
	        "'F2026-09-000001' AND x.due_cents = o.total_cents) OR "
	        "(i.number = 'F2026-10-000001' AND x.due_cents = "
	        "i.total_cents - o.total_cents)"),
	    2, "%s", csv);
	cr_expect_eq(year_int(&y,
	                 "SELECT sum(e.total_cents) - (SELECT total_cents FROM "
	                 "invoices WHERE number = 'F2026-10-000001') FROM "
	                 "recovery_exports e"),
	    0, "%s", csv);
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM recovery_export_invoices x JOIN "
	                 "invoices i ON i.id = x.invoice_id WHERE i.number = "
	                 "'F2026-10-000001'"),
	    1);

	year_close(&y);
}

/*
 * A dead account: family 3's September debit comes back AC04 (closed
 * account): the mandate is suspended, October's invoice carries the
 * reminder; the family gives new details on 3 November (before the 5th:
 * for November's collection), the mandate is active again and November's
 * debit, on the new account of the same bank, carries the amendment
 * (OrgnlDbtrAcct = the old IBAN) and the reminder.
 */
Test(year, dead_account_suspends_new_details_amend)
{
	static struct ctlrun r;
	char args[512], path[256], *xml = NULL, *tx;
	struct year y;
	size_t len = 0;
	FILE *fp;

	year_open(&y);
	year_month(&y, "2026-09", "2026-10-01", 1);
	year_ctl(&y, &r, "2026-10-01", "cycle");
	year_ctl(&y, &r, "2026-10-06", "cycle");
	year_bank(&y, "r1.xml", "F2026-09-000003", "AC04", "2026-10-20");
	snprintf(args, sizeof(args), "import returns %s/r1.xml", y.dir);
	year_ctl(&y, &r, "2026-10-21", args);
	cr_expect(strstr(r.out, "1 suspended") != NULL, "%s", r.out);
	year_ctl(&y, &r, "2026-10-21", "mandate show RUM-FAM0000003-2025");
	cr_expect(strstr(r.out,
	              "state: suspended (dead account AC04) since "
	              "2026-10-21\n") != NULL,
	    "%s", r.out);

	year_month(&y, "2026-10", "2026-11-02", 0);
	year_ctl(&y, &r, "2026-11-02", "cycle");
	year_ctl(&y, &r, "2026-11-03",
	    "mandate change-account RUM-FAM0000003-2025 --iban "
	    "FR7630004000031234567890143 --received 2026-11-03");
	cr_expect(strstr(r.out, "active again") != NULL, "%s", r.out);
	year_ctl(&y, &r, "2026-11-06", "cycle");

	/* November's file: family 3's debit on the new account, amended,
	 * for October's invoice with September's reminder */
	cr_expect_eq(
	    year_int(&y,
	        "SELECT count(*) FROM collections c JOIN invoices i ON "
	        "i.id = c.invoice_id WHERE i.number = "
	        "'F2026-10-000003' AND c.amount_cents = i.total_cents "
	        "AND c.iban = 'FR7630004000031234567890143' AND "
	        "c.amendment <> 'none' AND EXISTS (SELECT 1 FROM "
	        "invoice_lines l JOIN invoices p ON p.id = "
	        "l.reminded_invoice_id WHERE l.invoice_id = i.id AND "
	        "p.number = 'F2026-09-000003')"),
	    1);
	snprintf(path, sizeof(path),
	    "%s/outbox/pain008-FR72ZZZ123456-2026-11-1.xml", y.dir);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "%s", path);
	cr_assert_gt(getdelim(&xml, &len, '\0', fp), 0);
	fclose(fp);
	tx = strstr(xml, "<EndToEndId>F2026-10-000003-1</EndToEndId>");
	cr_assert_not_null(tx, "no debit of F2026-10-000003 in %s", path);
	cr_expect(strstr(tx, "<AmdmntInd>true</AmdmntInd>") != NULL &&
	        strstr(tx, "<IBAN>FR7630004162563823368480275</IBAN>") !=
	            NULL &&
	        strstr(tx, "<IBAN>FR7630004162563823368480275</IBAN>") <
	            strstr(tx, "</DrctDbtTxInf>"),
	    "%.2000s", tx);
	free(xml);

	year_close(&y);
}

/*
 * A refund after the booking: family 2's September debit is rejected,
 * October's carries the reminder and is booked (September's invoice is
 * paid with it), then the family has October's debit refunded (MD06):
 * both invoices are owed again, October's for its own lines.
 */
Test(year, refund_after_booking_owes_the_reminder_again)
{
	static struct ctlrun r;
	char args[512];
	struct year y;

	year_open(&y);
	year_month(&y, "2026-09", "2026-10-01", 1);
	year_ctl(&y, &r, "2026-10-01", "cycle");
	year_ctl(&y, &r, "2026-10-06", "cycle");
	year_bank(&y, "r1.xml", "F2026-09-000002", "AM04", "2026-10-20");
	snprintf(args, sizeof(args), "import returns %s/r1.xml", y.dir);
	year_ctl(&y, &r, "2026-10-21", args);
	year_month(&y, "2026-10", "2026-11-02", 0);
	year_ctl(&y, &r, "2026-11-02", "cycle");
	year_ctl(&y, &r, "2026-11-06", "cycle");
	year_bank(&y, "r2.xml", "F2026-10-000002", NULL, "2026-11-20");
	snprintf(args, sizeof(args), "import returns %s/r2.xml", y.dir);
	year_ctl(&y, &r, "2026-11-21", args);
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM invoices WHERE number IN "
	                 "('F2026-09-000002', 'F2026-10-000002') AND state = "
	                 "'paid'"),
	    2);
	year_bank(&y, "r3.xml", "F2026-10-000002", "MD06", "2026-11-25");
	snprintf(args, sizeof(args), "import returns %s/r3.xml", y.dir);
	year_ctl(&y, &r, "2026-11-26", args);
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM invoices WHERE (number, state) "
	                 "IN (('F2026-09-000002', 'reminded'), "
	                 "('F2026-10-000002', 'unpaid'))"),
	    2);
	cr_expect_eq(year_int(&y,
	                 "SELECT d.due_cents - (i.total_cents - p.total_cents) "
	                 "FROM invoice_dues d JOIN invoices i ON i.id = "
	                 "d.invoice_id JOIN invoices p ON p.number = "
	                 "'F2026-09-000002' WHERE i.number = "
	                 "'F2026-10-000002'"),
	    0);
	year_close(&y);
}

/*
 * Settling (migration 032). September: family 1's debit is rejected in a
 * pain.002 before the due date; the bank then books the file's credit,
 * less that debit, in a camt.054 that names the file's MsgId only (no
 * transaction details, no bank transaction code): the eleven other
 * collections are settled and their invoices paid. October: no bank file
 * at all; the debits are still waiting on D + 5 (23 November) and are
 * presumed settled on the 24th, family 1's September invoice paid through
 * its reminder. A refund (MD06) of family 2 in December reopens its
 * invoice; a late credit of family 3 confirms its presumed settlement;
 * the report counts the confirmed and the presumed apart.
 */
Test(year, debits_settle_by_bank_credit_or_after_the_return_window)
{
	static struct ctlrun r;
	char args[512], msg[64], amount[32];
	struct year y;

	year_open(&y);
	year_month(&y, "2026-09", "2026-10-01", 1);
	year_ctl(&y, &r, "2026-10-01", "cycle");
	year_ctl(&y, &r, "2026-10-06", "cycle");
	year_pain002_reject(&y, "p1.xml", "F2026-09-000001");
	snprintf(args, sizeof(args), "import returns %s/p1.xml", y.dir);
	year_ctl(&y, &r, "2026-10-14", args);
	year_text(&y,
	    "SELECT msg_id FROM batches WHERE collection_month = '2026-10-01'",
	    msg, sizeof(msg));
	year_text(&y,
	    "SELECT (sum(amount_cents)::bigint / 100) || '.' || "
	    "lpad((sum(amount_cents)::bigint % 100)::text, 2, '0') FROM "
	    "collections WHERE state = 'sent'",
	    amount, sizeof(amount));
	year_batch_credit(&y, "c1.xml", msg, amount, "2026-10-15");
	snprintf(args, sizeof(args), "import returns %s/c1.xml", y.dir);
	year_ctl(&y, &r, "2026-10-16", args);
	cr_expect(strstr(r.out, "1 applied") != NULL &&
	        strstr(r.out, "11 collections changed") != NULL,
	    "%s", r.out);
	cr_expect_eq(
	    year_int(&y,
	        "SELECT count(*) FROM collections c JOIN invoices i ON "
	        "i.id = c.invoice_id JOIN return_effects e ON "
	        "e.collection_id = c.id AND e.family = 'settled' "
	        "WHERE c.state = 'settled' AND i.state = 'paid'"),
	    11);
	/* the same credit in a second notification: nothing more */
	year_batch_credit(&y, "c2.xml", msg, amount, "2026-10-15");
	snprintf(args, sizeof(args), "import returns %s/c2.xml", y.dir);
	year_ctl(&y, &r, "2026-10-17", args);
	cr_expect(strstr(r.out, "1 duplicates") != NULL &&
	        strstr(r.out, "0 collections changed") != NULL,
	    "%s", r.out);

	/* October: no answer from the bank at all */
	year_month(&y, "2026-10", "2026-11-02", 0);
	year_ctl(&y, &r, "2026-11-02", "cycle");
	year_ctl(&y, &r, "2026-11-06", "cycle");
	year_ctl(&y, &r, "2026-11-23", "cycle");
	cr_expect(strstr(r.out, "settle:") == NULL, "%s", r.out);
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM invoices WHERE month = "
	                 "'2026-10-01' AND state = 'collecting'"),
	    12);
	year_ctl(&y, &r, "2026-11-24", "cycle");
	cr_expect(
	    strstr(r.out, "settle: 12 collections presumed settled") != NULL,
	    "%s", r.out);
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM invoices WHERE month IN "
	                 "('2026-09-01', '2026-10-01') AND state = 'paid'"),
	    24);
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM presumed_settlements p JOIN "
	                 "collections c ON c.id = p.collection_id WHERE "
	                 "p.settled_on = '2026-11-24' AND p.after_days = 5 "
	                 "AND c.state = 'settled'"),
	    12);
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'collections.settled' AND count = 12"),
	    1);
	/* again: nothing more */
	year_ctl(&y, &r, "2026-11-25", "cycle");
	cr_expect(strstr(r.out, "settle:") == NULL, "%s", r.out);

	/* family 2 has its October debit refunded, family 3's is booked */
	year_bank(&y, "r1.xml", "F2026-10-000002", "MD06", "2026-12-01");
	year_bank(&y, "r2.xml", "F2026-10-000003", NULL, "2026-11-16");
	snprintf(args, sizeof(args), "import returns %s/r1.xml %s/r2.xml",
	    y.dir, y.dir);
	year_ctl(&y, &r, "2026-12-02", args);
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM invoices WHERE (number, state) "
	                 "IN (('F2026-10-000002', 'unpaid'), "
	                 "('F2026-10-000003', 'paid'))"),
	    2);
	year_ctl(&y, &r, "2026-12-02", "report --month 2026-11");
	cr_expect_eq(
	    reportline(r.out, "Encaissés, confirmés par la banque", NULL), 1);
	cr_expect_eq(
	    reportline(r.out,
	        "Encaissés, présumés (aucun retour dans le délai)", NULL),
	    10);
	cr_expect(strstr(r.out, "(MD06, remboursement)") != NULL, "%s", r.out);
	year_ctl(&y, &r, "2026-12-02", "report --month 2026-10");
	cr_expect_eq(
	    reportline(r.out, "Encaissés, confirmés par la banque", NULL), 11);
	cr_expect_eq(
	    reportline(r.out,
	        "Encaissés, présumés (aucun retour dans le délai)", NULL),
	    0);
	year_close(&y);
}

/*
 * Contract art. 6 for every unpaid invoice (migration 032). Family 4
 * revoked its mandate before September was invoiced: its September
 * invoice is payable by other means; unpaid by its due date, it is
 * reminded on October's invoice, and goes to recovery once October's is
 * unpaid after its own due date. Family 3's September debit comes back
 * AC04: its mandate is suspended, so October's invoice (its own lines
 * and the reminder) is payable by other means too; unpaid, its own lines
 * are reminded on November's invoice and go to recovery in January,
 * after September's in December. The cycle, missed on 6 November and
 * caught up on 7 December, runs December's invoice step before the
 * recovery step of November.
 */
Test(year, unpaid_without_a_debit_is_reminded_then_recovered)
{
	static struct ctlrun r;
	char args[512], csv[4096];
	const char *inv, *rec;
	struct year y;

	year_open(&y);
	year_month(&y, "2026-09", "2026-10-01", 1);
	year_ctl(&y, &r, "2026-10-01",
	    "mandate terminate RUM-FAM0000004-2025 --received 2026-10-01 "
	    "--immediate");
	year_ctl(&y, &r, "2026-10-01", "cycle");
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM invoices WHERE number = "
	                 "'F2026-09-000004' AND mandate_id IS NULL"),
	    1);
	year_ctl(&y, &r, "2026-10-06", "cycle");
	year_bank(&y, "r1.xml", "F2026-09-000003", "AC04", "2026-10-20");
	snprintf(args, sizeof(args), "import returns %s/r1.xml", y.dir);
	year_ctl(&y, &r, "2026-10-21", args);

	/* November: both reminded on October's invoices, not debited */
	year_month(&y, "2026-10", "2026-11-02", 0);
	year_ctl(&y, &r, "2026-11-02", "cycle");
	cr_expect_eq(
	    year_int(&y,
	        "SELECT count(*) FROM invoice_lines l JOIN invoices i "
	        "ON i.id = l.invoice_id JOIN invoices p ON p.id = "
	        "l.reminded_invoice_id WHERE l.kind = 'reminder' AND "
	        "l.amount_cents = p.total_cents AND p.state = "
	        "'reminded' AND i.mandate_id IS NULL AND (i.number, "
	        "p.number) IN (('F2026-10-000003', 'F2026-09-000003'), "
	        "('F2026-10-000004', 'F2026-09-000004'))"),
	    2);
	/* the month's file by hand: the cycle's steps of the 6th are missed */
	year_ctl(&y, &r, "2026-11-06", "collect --month 2026-11");
	year_ctl(&y, &r, "2026-11-06", "recovery export");
	cr_expect(
	    strstr(r.out, "nothing is due for recovery") != NULL, "%s", r.out);
	cr_expect_eq(
	    year_int(&y,
	        "SELECT count(*) FROM collections c JOIN invoices i ON "
	        "i.id = c.invoice_id WHERE i.number IN "
	        "('F2026-10-000003', 'F2026-10-000004')"),
	    0);

	/* December: October's own lines reminded on November's invoices;
	 * the cycle missed since 6 November catches up on the 7th */
	year_month(&y, "2026-11", "2026-12-07", 0);
	year_ctl(&y, &r, "2026-12-07", "cycle");
	inv = strstr(r.out, "cycle: invoice 2026-12");
	rec = strstr(r.out, "cycle: recovery 2026-11");
	cr_expect(inv != NULL && rec != NULL && inv < rec, "%s", r.out);
	cr_expect_eq(
	    year_int(&y,
	        "SELECT count(*) FROM invoice_lines l JOIN invoices i "
	        "ON i.id = l.invoice_id JOIN invoices p ON p.id = "
	        "l.reminded_invoice_id JOIN invoice_dues d ON "
	        "d.invoice_id = p.id WHERE l.kind = 'reminder' AND "
	        "l.amount_cents = d.own_cents AND (i.number, p.number) "
	        "IN (('F2026-11-000003', 'F2026-10-000003'), "
	        "('F2026-11-000004', 'F2026-10-000004'))"),
	    2);
	year_recovery_file(&y, "recovery-2026-12-07-1.csv", csv, sizeof(csv));
	cr_expect(strstr(csv, "\nF2026-09-000003;") != NULL &&
	        strstr(csv, "\nF2026-09-000004;") != NULL &&
	        strstr(csv, "F2026-10-00000") == NULL &&
	        strstr(csv, "impayée après le rappel") != NULL,
	    "%s", csv);

	/* January: October's own lines, unpaid after their reminder */
	year_month(&y, "2026-12", "2027-01-04", 0);
	year_ctl(&y, &r, "2027-01-04", "cycle");
	year_ctl(&y, &r, "2027-01-07", "cycle");
	year_recovery_file(&y, "recovery-2027-01-07-2.csv", csv, sizeof(csv));
	cr_expect(strstr(csv, "\nF2026-10-000003;") != NULL &&
	        strstr(csv, "\nF2026-10-000004;") != NULL &&
	        strstr(csv, "F2026-11-00000") == NULL,
	    "%s", csv);
	/* each debt once: September's total, then October's own lines */
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM recovery_export_invoices x JOIN "
	                 "invoice_dues d ON d.invoice_id = x.invoice_id JOIN "
	                 "invoices i ON i.id = x.invoice_id WHERE "
	                 "x.due_cents = d.own_cents AND i.family_id IN "
	                 "(SELECT id FROM families WHERE family_ref IN "
	                 "('FAM0000003', 'FAM0000004'))"),
	    4);
	cr_expect_eq(
	    year_int(&y, "SELECT count(*) FROM recovery_export_invoices"), 4);

	/* the ledger a finance officer reads to a family on the phone */
	year_ctl(&y, &r, "2027-01-08", "family show FAM0000003");
	cr_expect(strstr(r.out, "family FAM0000003: ") != NULL &&
	        strstr(r.out,
	            "mandate RUM-FAM0000003-2025: suspended (dead "
	            "account AC04) since 2026-10-21") != NULL &&
	        strstr(r.out, "FR76****0275") != NULL &&
	        strstr(r.out,
	            "the bank returned debit F2026-09-000003-1 AC04 "
	            "(compte du débiteur clôturé)") != NULL &&
	        strstr(r.out,
	            "F2026-09-000003 2026-11-02  reminded on "
	            "F2026-10-000003: ") != NULL &&
	        strstr(r.out,
	            "F2026-10-000003 2026-12-07  reminded on "
	            "F2026-11-000003: ") != NULL &&
	        strstr(r.out,
	            "F2026-10-000003 2027-01-07  sent to recovery: ") != NULL &&
	        strstr(r.out, "\nbalance: owes ") != NULL &&
	        strstr(r.out, "unexplained") == NULL,
	    "%s", r.out);
	year_ctl(&y, &r, "2027-01-08", "invoice show F2026-10-000003");
	cr_expect(
	    strstr(r.out, "invoice F2026-10-000003 (2026-10): ") != NULL &&
	        strstr(r.out, "payable by other means") != NULL &&
	        strstr(r.out, "lines:\n") != NULL &&
	        strstr(r.out, "  reminder       F2026-09-000003") != NULL &&
	        strstr(r.out, "history:\n") != NULL &&
	        strstr(r.out, "now recovery: handed to the treasury") != NULL,
	    "%s", r.out);
	year_ctl(&y, &r, "2027-01-08", "family list --unpaid --csv");
	cr_expect(strncmp(r.out,
	              "\xEF\xBB\xBF"
	              "Famille;Payeur;Mandat;Factures;Dû (€);"
	              "En cours de prélèvement (€);En recouvrement (€);"
	              "Avoir (€)\r\n",
	              60) == 0 &&
	        strstr(r.out, "\nFAM0000003;") != NULL &&
	        strstr(r.out, "\nFAM0000004;") != NULL,
	    "%s", r.out);
	/* bad input: refused with a reason, nothing changed */
	{
		char all[512];
		static const struct {
			const char *args;
			int status;
			const char *msg;
		} bad[] = {
		    {"family show FAM9999999", 1,
		        "no family has the reference \"FAM9999999\""},
		    {"invoice show F1999-01-000001", 1,
		        "no invoice has the number \"F1999-01-000001\""},
		    {"family show ''", 1, "a family reference is 1 to 64"},
		    {"family list --all", 2, "unexpected \"--all\""},
		    {"family", 2, "family needs show REF or list"},
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(all, sizeof(all),
			    "-c %s --today 2027-01-08 %s", y.conf, bad[i].args);
			ctlrun(&r, all);
			cr_expect_eq(r.status, bad[i].status, "%s: %s",
			    bad[i].args, r.err);
			cr_expect(strstr(r.err, bad[i].msg) != NULL &&
			        strchr(r.err, '\n') ==
			            r.err + strlen(r.err) - 1,
			    "%s: %s", bad[i].args, r.err);
		}
	}
	year_close(&y);
}

/*
 * Credits (migration 033). From October, families 5 and 6 have only the
 * meals written here. Family 5's October invoice is a credit of 15 meals
 * (a correction of September); it pays the whole of November's 10 meals
 * (paid at once, nothing debited) and 5 of December's 10, which is
 * debited for the rest. Family 6 leaves in October with a credit: no
 * invoice after October's (issued on 2 November), so on 6 February, three
 * months later, its credit is listed for the treasury to refund, once.
 */
Test(year, credits_are_carried_and_a_leavers_credit_refunded)
{
	static struct ctlrun r;
	char csv[4096], args[512];
	struct year y;

	year_open(&y);
	year_month(&y, "2026-09", "2026-10-01", 1);
	year_ctl(&y, &r, "2026-10-01", "cycle");
	year_ctl(&y, &r, "2026-10-06", "cycle");
	year_month_drop(&y, "2026-10", "2026-11-02", "FAM000000[56]");
	year_cantine(
	    &y, "FAM0000005", "2026-09-10", -15, "c5.csv", "2026-11-02");
	year_cantine(
	    &y, "FAM0000006", "2026-09-10", -4, "c6.csv", "2026-11-02");
	year_ctl(&y, &r, "2026-11-02", "cycle");
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM invoices WHERE number IN "
	                 "('F2026-10-000005', 'F2026-10-000006') AND "
	                 "total_cents < 0 AND state = 'issued'"),
	    2);
	year_ctl(&y, &r, "2026-11-06", "cycle");

	/* November: family 5's invoice is paid by its credit */
	year_month_drop(&y, "2026-11", "2026-12-01", "FAM000000[56]");
	year_cantine(
	    &y, "FAM0000005", "2026-11-10", 10, "n5.csv", "2026-12-01");
	year_ctl(&y, &r, "2026-12-01", "cycle");
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM invoices i JOIN invoice_lines l "
	                 "ON l.invoice_id = i.id AND l.kind = 'credit' JOIN "
	                 "invoices c ON c.id = l.credited_invoice_id WHERE "
	                 "i.number = 'F2026-11-000005' AND c.number = "
	                 "'F2026-10-000005' AND i.total_cents = 0 AND i.state "
	                 "= 'paid' AND l.amount_cents < 0"),
	    1);
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM invoices i JOIN families f ON "
	                 "f.id = i.family_id WHERE f.family_ref = 'FAM0000006' "
	                 "AND i.month > '2026-10-01'"),
	    0);
	year_recovery_file(
	    &y, "notices/2026-11/F2026-11-000005.txt", csv, sizeof(csv));
	cr_expect(strstr(csv,
	              "Déductions (montants créditeurs des factures "
	              "précédentes)\nMontant créditeur de la facture "
	              "F2026-10-000005 (octobre 2026)") != NULL &&
	        strstr(csv, "Aucun paiement n'est demandé") != NULL,
	    "%s", csv);
	year_ctl(&y, &r, "2026-12-07", "cycle");
	cr_expect_eq(
	    year_int(&y,
	        "SELECT count(*) FROM collections c JOIN invoices i ON "
	        "i.id = c.invoice_id WHERE i.number = "
	        "'F2026-11-000005'"),
	    0);

	/* December: the rest of the credit, the rest debited */
	year_month_drop(&y, "2026-12", "2027-01-04", "FAM000000[56]");
	year_cantine(
	    &y, "FAM0000005", "2026-12-10", 10, "d5.csv", "2027-01-04");
	year_ctl(&y, &r, "2027-01-04", "cycle");
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM invoices i JOIN invoice_lines l "
	                 "ON l.invoice_id = i.id AND l.kind = 'credit' JOIN "
	                 "invoice_lines m ON m.invoice_id = i.id AND m.kind = "
	                 "'consumption' WHERE i.number = 'F2026-12-000005' AND "
	                 "2 * l.amount_cents = -m.amount_cents AND "
	                 "i.total_cents = m.amount_cents + l.amount_cents"),
	    1);
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM invoices c WHERE c.number = "
	                 "'F2026-10-000005' AND c.state = 'paid' AND "
	                 "-c.total_cents = -(SELECT sum(l.amount_cents) FROM "
	                 "invoice_lines l WHERE l.credited_invoice_id = c.id)"),
	    1);
	year_ctl(&y, &r, "2027-01-07", "cycle");
	cr_expect_eq(
	    year_int(&y,
	        "SELECT count(*) FROM collections c JOIN invoices i ON "
	        "i.id = c.invoice_id WHERE i.number = "
	        "'F2026-12-000005' AND c.amount_cents = "
	        "i.total_cents"),
	    1);
	cr_expect(strstr(r.out, "no credit to refund") != NULL, "%s", r.out);

	/* February: three months without an invoice for family 6 */
	year_month_drop(&y, "2027-01", "2027-02-01", "FAM000000[56]");
	year_ctl(&y, &r, "2027-02-01", "cycle");
	year_ctl(&y, &r, "2027-02-06", "cycle");
	cr_expect(strstr(r.out, " 1 credit to refund, ") != NULL, "%s", r.out);
	cr_expect_eq(
	    year_int(&y,
	        "SELECT count(*) FROM credit_refunds x JOIN invoices i "
	        "ON i.id = x.invoice_id WHERE i.number = "
	        "'F2026-10-000006' AND x.amount_cents = -i.total_cents "
	        "AND i.state = 'paid'"),
	    1);
	snprintf(args, sizeof(args),
	    "ls %s/outbox/refunds-2027-02-06-*.csv | "
	    "head -1 | xargs cat > %s/refunds.txt",
	    y.dir, y.dir);
	cr_assert_eq(system(args), 0);
	year_recovery_file(&y, "../refunds.txt", csv, sizeof(csv));
	cr_expect(
	    strstr(csv, "\nF2026-10-000006;octobre 2026;FAM0000006;") != NULL,
	    "%s", csv);
	year_ctl(&y, &r, "2027-02-07", "recovery refunds");
	cr_expect(strstr(r.out, "no credit to refund") != NULL, "%s", r.out);
	/* the report's balance: each month, and the total, adds up */
	year_ctl(&y, &r, "2027-02-07", "report --month 2027-01");
	cr_expect_eq(reportline(r.out, "09/2026", NULL), 12);
	cr_expect(strstr(r.out, "\n  01/2027 ") != NULL &&
	        strstr(r.out, "L'équilibre est respecté : écart nul.") != NULL,
	    "%s", r.out);
	{
		static const char zero[] = " 0,00\xc2\xa0€\n";
		const char *t = strstr(r.out, "Équilibre par mois facturé");

		cr_assert_not_null(t, "%s", r.out);
		t = strstr(t, "\n  Total  ");
		cr_assert_not_null(t, "%s", r.out);
		t = strchr(t + 1, '\n');
		cr_assert_not_null(t);
		/* the last column, the difference */
		cr_expect(
		    strncmp(t + 1 - strlen(zero), zero, strlen(zero)) == 0,
		    "%s", r.out);
	}
	year_close(&y);
}

/*
 * A notice that was sent does not change (migration 034). September's
 * notices are written on 1 October. Family 1 moves on the 2nd and the
 * month's notices are written again by a second `invoice run`: the same
 * bytes. Family 2 sends new bank details on the 3rd, in time for
 * October's debit: when the file is made on the 6th, a corrected notice
 * F2026-09-000002-R1.txt is written beside the first one, names it,
 * announces the new (masked) account, and is listed for mail merge; the
 * first notice keeps its bytes, and collecting again adds nothing.
 */
Test(year, a_notice_sent_keeps_its_bytes_and_a_correction_follows)
{
	static struct ctlrun r;
	static char before[8192], after[8192], fix[4096], csv[2048];
	char cmd[1024];
	struct year y;

	year_open(&y);
	year_month(&y, "2026-09", "2026-10-01", 1);
	year_ctl(&y, &r, "2026-10-01", "cycle");
	year_recovery_file(
	    &y, "notices/2026-09/F2026-09-000001.txt", before, sizeof(before));
	cr_assert(strstr(before, "AVIS D'ÉCHÉANCE") != NULL, "%s", before);
	/* family 1 moves: its notice is written again, unchanged */
	snprintf(cmd, sizeof(cmd),
	    "sed -i 's/^\\(FAM0000001;[^;]*;\\)[^;]*/\\112 rue Neuve/' "
	    "%s/in-2026-09/families.csv",
	    y.dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "import families %s/in-2026-09/families.csv",
	    y.dir);
	year_ctl(&y, &r, "2026-10-02", cmd);
	cr_expect_eq(year_int(&y,
	                 "SELECT count(*) FROM families WHERE street = '12 rue "
	                 "Neuve'"),
	    1);
	year_ctl(&y, &r, "2026-10-02", "invoice run --month 2026-09");
	year_recovery_file(
	    &y, "notices/2026-09/F2026-09-000001.txt", after, sizeof(after));
	cr_expect_str_eq(after, before);
	cr_expect(strstr(after, "12 rue Neuve") == NULL, "%s", after);

	/* family 2's new account, sent on the 3rd: October's debit uses it */
	year_ctl(&y, &r, "2026-10-03",
	    "mandate change-account RUM-FAM0000002-2024 --iban "
	    "FR7630004000031234567890143 --received 2026-10-03");
	year_recovery_file(
	    &y, "notices/2026-09/F2026-09-000002.txt", before, sizeof(before));
	year_ctl(&y, &r, "2026-10-06", "cycle");
	cr_expect(strstr(r.out, "1 corrected notice(s)") != NULL, "%s", r.out);
	year_recovery_file(
	    &y, "notices/2026-09/F2026-09-000002.txt", after, sizeof(after));
	cr_expect_str_eq(after, before);
	year_recovery_file(
	    &y, "notices/2026-09/F2026-09-000002-R1.txt", fix, sizeof(fix));
	cr_expect(strstr(fix, "AVIS D'ÉCHÉANCE RECTIFICATIF") != NULL &&
	        strstr(fix,
	            "remplace l'avis d'échéance F2026-09-000002.txt du "
	            "01/10/2026 : le compte débité a changé") != NULL &&
	        strstr(fix, "FR76****0143") != NULL &&
	        strstr(fix, "FR7630004000031234567890143") == NULL,
	    "%s", fix);
	year_recovery_file(
	    &y, "notices/corrections-2026-09.csv", csv, sizeof(csv));
	cr_expect(strstr(csv, "\nF2026-09-000002;FAM0000002;") != NULL &&
	        strstr(csv, ";F2026-09-000002.txt;compte\r\n") != NULL,
	    "%s", csv);
	/* again: nothing more */
	year_ctl(&y, &r, "2026-10-07", "collect --month 2026-10");
	cr_expect(strstr(r.out, "corrected notice") == NULL, "%s", r.out);
	cr_expect_eq(
	    year_int(&y, "SELECT count(*) FROM notices WHERE version > 0"), 1);
	year_close(&y);
}
