/*
 * test_letters.c - the courrier de rejet end to end: a generated commune
 * invoiced and collected with `sepactl cycle`, then a camt.054 of
 * rejects, returns and refunds imported with `sepactl import returns`:
 * one PDF letter per reject, what it says (reason, reminder, the
 * mandate suspended or ended, a creditor-side code not counted), and
 * never a second letter nor other bytes when the file comes again.
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../db/dbtest.h"
#include "ctlrun.h"
#include "sepa/error.h"
#include "db_internal.h"

struct lt {
	char name[64];
	char conninfo[DBTEST_CONNINFO_MAX];
	char dir[128];
	char conf[160];
	struct db *db;
};

static void
lt_ctl(struct lt *t, struct ctlrun *r, const char *day, const char *args)
{
	char all[1024];

	snprintf(all, sizeof(all), "-c %s --today %s %s", t->conf, day, args);
	ctlrun(r, all);
	cr_assert_eq(r->status, 0, "sepactl %s: %s%s", all, r->out, r->err);
}

/* A commune of 8 families invoiced on 1 October, with `extra`
 * configuration. */
static void
lt_open_invoiced(struct lt *t, const char *extra)
{
	static const char *const kinds[] = {
	    "families", "tariffs", "mandates", "consumption"};
	sepa_error err = SEPA_ERROR_INIT;
	char outbox[160], cmd[512];
	struct ctlrun r;

	dbtest_create(t->conninfo, t->name, "sepad");
	cr_assert_eq(db_connect(&t->db, t->conninfo, &err), 0, "%s", err.msg);
	snprintf(t->dir, sizeof(t->dir), "/tmp/sepad-letters-XXXXXX");
	cr_assert_not_null(mkdtemp(t->dir));
	snprintf(t->conf, sizeof(t->conf), "%s/sepad.conf", t->dir);
	snprintf(outbox, sizeof(outbox), "%s/outbox", t->dir);
	ctlrun_commune_conf(t->conf, t->conninfo, outbox, extra);
	lt_ctl(t, &r, "2026-10-01", "init");
	snprintf(cmd, sizeof(cmd),
	    "%s/build/gen-commune --families 8 --month 2026-09 --seed 3 --out "
	    "%s/in >/dev/null 2>&1",
	    SEPAD_SRCDIR, t->dir);
	cr_assert_eq(system(cmd), 0);
	for (size_t k = 0; k < 4; k++) {
		snprintf(cmd, sizeof(cmd), "import %s %s/in/%s.csv", kinds[k],
		    t->dir, kinds[k]);
		lt_ctl(t, &r, "2026-10-01", cmd);
	}
	lt_ctl(t, &r, "2026-10-01", "cycle");
}

/* The same, collected on the 6th. */
static void
lt_open(struct lt *t, const char *extra)
{
	struct ctlrun r;

	lt_open_invoiced(t, extra);
	lt_ctl(t, &r, "2026-10-06", "cycle");
}

static void
lt_close(struct lt *t)
{
	char cmd[256];

	db_close(t->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	cr_expect_eq(system(cmd), 0);
	dbtest_drop(t->name);
}

/*
 * A camt.054 `file` booked on 20 October with one debit entry per code
 * of `codes` (NULL-terminated), for the collections of the families'
 * September invoices, in order, that were sent with a mandate.
 */
static void
lt_camt(struct lt *t, const char *file, const char *const codes[])
{
	sepa_error err = SEPA_ERROR_INIT;
	char path[256];
	PGresult *res;
	FILE *fp;

	cr_assert_eq(
	    db_query(t->db, &res, "read the collections",
	        "SELECT end_to_end_id, rum, (amount_cents / 100) || '.'"
	        " || lpad((amount_cents % 100)::text, 2, '0')"
	        " FROM collections ORDER BY end_to_end_id",
	        0, NULL, &err),
	    0, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/%s", t->dir, file);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	fprintf(fp,
	    "<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:"
	    "tech:xsd:camt.054.001.02\"><BkToCstmrDbtCdtNtfctn><GrpHdr>"
	    "<MsgId>%s</MsgId><CreDtTm>2026-10-20T10:00:00</CreDtTm></GrpHdr>\n"
	    "<Ntfctn><Id>N-%s</Id><CreDtTm>2026-10-20T10:00:00</CreDtTm><Acct>"
	    "<Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>\n",
	    file, file);
	for (int i = 0; codes[i] != NULL; i++) {
		cr_assert_lt(i, PQntuples(res));
		fprintf(fp,
		    "<Ntry><Amt Ccy=\"EUR\">%s</Amt><CdtDbtInd>DBIT</CdtDbtInd>"
		    "<Sts>BOOK</Sts><BookgDt><Dt>2026-10-20</Dt></BookgDt>"
		    "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd><SubFmlyCd>"
		    "UPDD</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls>"
		    "<Refs><EndToEndId>%s</EndToEndId><MndtId>%s</MndtId></Refs>"
		    "<RtrInf><Rsn><Cd>%s</Cd></Rsn></RtrInf></TxDtls></NtryDtls>"
		    "</Ntry>\n",
		    PQgetvalue(res, i, 2), PQgetvalue(res, i, 0),
		    PQgetvalue(res, i, 1), codes[i]);
	}
	fputs("</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n", fp);
	fclose(fp);
	db_result_free(res);
}

/* The text of a PDF (checked by qpdf first), on one line. */
static void
lt_pdf_text(const char *pdf, char *buf, size_t size)
{
	char cmd[768];
	FILE *fp;
	size_t n;

	snprintf(cmd, sizeof(cmd),
	    "qpdf --check '%s' >/dev/null && pdftotext -enc UTF-8 '%s' -", pdf,
	    pdf);
	fp = popen(cmd, "r");
	cr_assert_not_null(fp);
	n = fread(buf, 1, size - 1, fp);
	buf[n] = '\0';
	cr_assert_eq(pclose(fp), 0, "%s", cmd);
	for (char *p = buf; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
}

/* The text of the letter of collection i (0-based, in order). */
static void
lt_letter(struct lt *t, int i, char *buf, size_t size)
{
	sepa_error err = SEPA_ERROR_INIT;
	char path[512];
	PGresult *res;

	cr_assert_eq(db_query(t->db, &res, "read the collections",
	                 "SELECT end_to_end_id FROM collections ORDER BY "
	                 "end_to_end_id",
	                 0, NULL, &err),
	    0, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/outbox/letters/2026-10/REJET-%s.pdf",
	    t->dir, PQgetvalue(res, i, 0));
	db_result_free(res);
	lt_pdf_text(path, buf, size);
}

static const char *const lt_codes[] = {"AM04", "AC04", "AM05", "MD06", NULL};

/* What each letter of lt_codes says (a part of a line each). */
static const struct {
	int letter;
	const char *text;
} lt_says[] = {
    {0, "Prélèvement impayé"},
    {0, "provision insuffisante (code AM04)"},
    {0, "figurera en rappel sur votre prochaine facture et sera prélevée"},
    {0, "recouvrement (article 6 du contrat)"},
    {0, "compte pour l'année scolaire 2026-2027"},
    {0, "au bout de 2 prélèvements impayés dans la même année"},
    {0, "FR76****"},
    {0, "Saint-Exemple, le 21/10/2026"},
    {0, "L. 1617-5"},
    {1, "compte du débiteur clôturé (code AC04)"},
    {1, "le prélèvement automatique est suspendu"},
    {1, "à régler par un autre moyen"},
    {2, "erreur de notre part"},
    {3, "remboursé par votre banque à votre demande"},
};

Test(letters, one_letter_per_reject_written_once)
{
	static struct ctlrun r;
	char args[512], text[16384];
	struct lt t;

	lt_open(&t, "");
	lt_camt(&t, "r1.xml", lt_codes);
	snprintf(args, sizeof(args), "import returns %s/r1.xml", t.dir);
	lt_ctl(&t, &r, "2026-10-21", args);
	cr_expect(strstr(r.out, "reject letters: 4 in ") != NULL, "%s", r.out);
	for (size_t i = 0; i < sizeof(lt_says) / sizeof(lt_says[0]); i++) {
		lt_letter(&t, lt_says[i].letter, text, sizeof(text));
		cr_expect(strstr(text, lt_says[i].text) != NULL,
		    "letter %d: \"%s\" not in\n%s", lt_says[i].letter,
		    lt_says[i].text, text);
	}
	/* the same file again: already imported, the same letters, no other */
	snprintf(args, sizeof(args),
	    "cd %s/outbox/letters && sha256sum */* > ../../sums && ls */* | wc "
	    "-l | grep -qx 4",
	    t.dir);
	cr_assert_eq(system(args), 0, "%s", args);
	snprintf(args, sizeof(args), "import returns %s/r1.xml", t.dir);
	lt_ctl(&t, &r, "2026-10-22", args);
	cr_expect(strstr(r.out, "already imported") != NULL, "%s", r.out);
	snprintf(args, sizeof(args),
	    "cd %s/outbox/letters && sha256sum -c --quiet ../../sums && ls */* "
	    "| wc -l | grep -qx 4",
	    t.dir);
	cr_expect_eq(system(args), 0, "the letters changed: %s", args);
	lt_close(&t);
}

Test(letters, the_mandate_ends)
{
	static struct ctlrun r;
	static const char *const codes[] = {"AM04", NULL};
	char args[512], text[16384];
	struct lt t;

	lt_open(&t, "rejections: { max_per_school_year = 1; };\n");
	lt_camt(&t, "r1.xml", codes);
	snprintf(args, sizeof(args), "import returns %s/r1.xml", t.dir);
	lt_ctl(&t, &r, "2026-10-21", args);
	lt_letter(&t, 0, text, sizeof(text));
	cr_expect(strstr(text,
	              "C'est le 1er prélèvement impayé de l'année "
	              "scolaire 2026-2027") != NULL,
	    "%s", text);
	cr_expect(strstr(text, "prend fin") != NULL, "%s", text);
	cr_expect(
	    strstr(text, "à régler par un autre moyen") != NULL, "%s", text);
	lt_close(&t);
}

/* ------------------------------------------------------- notices send */

/*
 * An SMTP sink on 127.0.0.1 (aiosmtpd, Debian's python3-aiosmtpd) that
 * writes each message into the Maildir DIR/box: its port, or 0 when it
 * could not start. Stopped by lt_sink_stop.
 */
static int
lt_sink(struct lt *t, pid_t *pid)
{
	char box[256], listen[64], cmd[512];

	snprintf(box, sizeof(box), "%s/box", t->dir);
	for (int attempt = 0; attempt < 5; attempt++) {
		int port =
		    20000 + (int)((getpid() * 7 + attempt * 131) % 20000);

		snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
		if ((*pid = fork()) == 0) {
			execl("/usr/bin/python3", "python3", "-m", "aiosmtpd",
			    "-n", "-l", listen, "-c",
			    "aiosmtpd.handlers.Mailbox", box, (char *)NULL);
			_exit(127);
		}
		cr_assert_gt(*pid, 0);
		/* ready when it accepts a connection */
		snprintf(cmd, sizeof(cmd),
		    "for i in $(seq 50); do /usr/bin/python3 -c \"import "
		    "socket; socket.create_connection(('127.0.0.1', %d), 1)\" "
		    "2>/dev/null && exit 0; sleep 0.1; done; exit 1",
		    port);
		if (system(cmd) == 0)
			return port;
		kill(*pid, SIGTERM);
		waitpid(*pid, NULL, 0);
	}
	return 0;
}

static void
lt_sink_stop(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* sh -c text, its exit status. */
static int
lt_sh(const char *text)
{
	int st = system(text);

	cr_assert(WIFEXITED(st), "%s", text);
	return WEXITSTATUS(st);
}

/* The families of the month with an e-mail address. */
static int64_t
lt_with_email(struct lt *t)
{
	return dbtest_int(t->db,
	    "SELECT count(*) FROM invoices i JOIN families f ON f.id = "
	    "i.family_id WHERE i.month = '2026-09-01' AND f.email IS NOT NULL");
}

/* The configuration with the relay on `port`, `per_minute` a minute. */
static void
lt_mail_conf(struct lt *t, int port, int per_minute)
{
	char extra[512], outbox[256];

	snprintf(extra, sizeof(extra),
	    "mail: { host = \"127.0.0.1\"; port = %d; starttls = false;"
	    " from = \"regie@saint-exemple.fr\"; per_minute = %d; };\n",
	    port, per_minute);
	snprintf(outbox, sizeof(outbox), "%s/outbox", t->dir);
	ctlrun_commune_conf(t->conf, t->conninfo, outbox, extra);
}

/* A commune and the SMTP sink (its pid into *sink). */
static void
lt_open_mail(struct lt *t, pid_t *sink, int *port)
{
	lt_open(t, "");
	*port = lt_sink(t, sink);
	cr_assert_gt(*port, 0, "the SMTP sink did not start");
}

Test(mail, each_family_once_even_after_a_kill)
{
	static struct ctlrun r;
	char extra[512], args[1024];
	int64_t with;
	pid_t sink;
	int port;
	struct lt t;

	lt_open_mail(&t, &sink, &port);
	lt_mail_conf(&t, port, 6000);
	with = lt_with_email(&t);
	cr_assert_geq(with, 4);

	/* killed (SIGKILL) with the third notice recorded, not sent */
	snprintf(args, sizeof(args),
	    "SEPAD_MAIL_KILL_AFTER=2 %s -c %s --today 2026-10-02 notices send "
	    "--month 2026-09 >/dev/null 2>&1",
	    CTLRUN_SEPACTL, t.conf);
	cr_expect_eq(lt_sh(args), 128 + SIGKILL);
	snprintf(
	    args, sizeof(args), "ls %s/box/new | wc -l | grep -qx 2", t.dir);
	cr_expect_eq(lt_sh(args), 0, "two messages before the kill");

	/* again: the rest, not the interrupted one, which needs a person */
	lt_ctl(&t, &r, "2026-10-02", "notices send --month 2026-09");
	snprintf(extra, sizeof(extra),
	    "e-mails for 2026-09: %lld sent, 2 sent before, %lld without an "
	    "address, 0 refused by the relay, 1 interrupted (see sepactl "
	    "attention list)\n",
	    (long long)(with - 3),
	    (long long)(dbtest_int(t.db,
	                    "SELECT count(*) FROM invoices WHERE "
	                    "month = '2026-09-01'") -
	        with));
	cr_expect_str_eq(r.out, extra);
	lt_ctl(&t, &r, "2026-10-02", "attention list");
	cr_expect(strstr(r.out, "may or may not have been sent") != NULL, "%s",
	    r.out);
	/* and again: nothing more */
	lt_ctl(&t, &r, "2026-10-03", "notices send --month 2026-09");
	cr_expect(strstr(r.out, " 0 sent, ") != NULL, "%s", r.out);
	snprintf(args, sizeof(args),
	    "test $(ls %s/box/new | wc -l) -eq %lld && test -z \"$(cat "
	    "%s/box/new/* | grep '^To: ' | sort | uniq -d)\"",
	    t.dir, (long long)(with - 1), t.dir);
	cr_expect_eq(lt_sh(args), 0, "one message per family, none twice");
	/* a message: the PDF attached, the text notice in the body */
	snprintf(args, sizeof(args),
	    "cat %s/box/new/* | grep -c '^Content-Type: application/pdf' | "
	    "grep -qx %lld && grep -l 'filename=\"F2026-09-' %s/box/new/* | "
	    "wc -l | grep -qx %lld && grep -q '^Message-ID: <F2026-09-0000' "
	    "%s/box/new/* && grep -q 'AVIS D' %s/box/new/*",
	    t.dir, (long long)(with - 1), t.dir, (long long)(with - 1), t.dir,
	    t.dir);
	cr_expect_eq(lt_sh(args), 0, "%s", args);
	lt_sink_stop(sink);
	lt_close(&t);
}

Test(mail, a_real_kill_and_the_relay_down)
{
	static struct ctlrun r;
	char args[1024];
	int64_t with;
	pid_t sink;
	int port;
	struct lt t;

	lt_open_mail(&t, &sink, &port);
	/* nobody listens on port 1: nothing is recorded, exit 3 */
	lt_mail_conf(&t, 1, 60);
	snprintf(args, sizeof(args),
	    "-c %s --today 2026-10-02 notices send --month 2026-09", t.conf);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 3, "%s", r.err);
	cr_expect(
	    strstr(r.err, "could not reach the relay") != NULL, "%s", r.err);
	cr_expect_eq(dbtest_int(t.db, "SELECT count(*) FROM notice_mails"), 0);

	/* 2 a second: killed (kill -9) about half-way, then run again */
	lt_mail_conf(&t, port, 120);
	with = lt_with_email(&t);
	snprintf(args, sizeof(args),
	    "%s -c %s --today 2026-10-02 notices send --month 2026-09 "
	    ">/dev/null 2>&1 & pid=$!; sleep 1.3; kill -9 $pid; wait $pid; "
	    "exit 0",
	    CTLRUN_SEPACTL, t.conf);
	cr_assert_eq(lt_sh(args), 0);
	lt_ctl(&t, &r, "2026-10-02", "notices send --month 2026-09");
	/* every family once, but one interrupted while being sent */
	cr_expect_eq(dbtest_int(t.db,
	                 "SELECT count(*) FROM notice_mails WHERE state = "
	                 "'sent'") +
	        dbtest_int(t.db,
	            "SELECT count(*) FROM notice_mails WHERE state = "
	            "'unknown'"),
	    with);
	snprintf(args, sizeof(args),
	    "test $(ls %s/box/new | wc -l) -le %lld && test -z \"$(cat "
	    "%s/box/new/* | grep '^To: ' | sort | uniq -d)\"",
	    t.dir, (long long)with, t.dir);
	cr_expect_eq(lt_sh(args), 0, "a family got two messages");
	/* the relay got what was recorded sent, and perhaps the one
	 * interrupted while it was being sent */
	snprintf(args, sizeof(args),
	    "n=$(ls %s/box/new | wc -l); test $n -ge %lld && test $n -le %lld",
	    t.dir,
	    (long long)dbtest_int(
	        t.db, "SELECT count(*) FROM notice_mails WHERE state = 'sent'"),
	    (long long)dbtest_int(t.db,
	        "SELECT count(*) FROM notice_mails WHERE state IN ('sent', "
	        "'unknown')"));
	cr_expect_eq(lt_sh(args), 0, "%s", args);
	lt_sink_stop(sink);
	lt_close(&t);
}

/* ------------------------------------------------- corrected notices */

/*
 * Row i of `sql` (one text column) into buf: the test's own reading of
 * the database.
 */
static void
lt_text(struct lt *t, const char *sql, int i, char *buf, size_t size)
{
	sepa_error err = SEPA_ERROR_INIT;
	PGresult *res;

	cr_assert_eq(db_query(t->db, &res, "read", sql, 0, NULL, &err), 0, "%s",
	    err.msg);
	cr_assert_gt(PQntuples(res), i, "%s", sql);
	snprintf(buf, size, "%s", PQgetvalue(res, i, 0));
	db_result_free(res);
}

/* The invoices debited from families with an e-mail address, in number
 * order, and above 5 €. */
#define LT_MAILED_DEBITS \
	"SELECT i.number FROM invoices i JOIN families f ON f.id = " \
	"i.family_id WHERE i.month = '2026-09-01' AND f.email IS NOT NULL " \
	"AND i.mandate_id IS NOT NULL AND i.total_cents > 500 ORDER BY " \
	"i.number"

/* A French amount as pdftotext reads it: "67,90 €". */
static void
lt_euros(char *buf, size_t size, int64_t cents)
{
	cr_assert_lt(cents, 100000);
	snprintf(buf, size, "%lld,%02lld €", (long long)(cents / 100),
	    (long long)(cents % 100));
}

/* The text of invoice number's first corrected notice; its total. */
static int64_t
lt_fix_text(struct lt *t, const char *number, char *text, size_t size)
{
	char path[512];

	snprintf(path, sizeof(path),
	    "%s/outbox/notices/pdf/corrections-2026-09/%s-R1.pdf", t->dir,
	    number);
	lt_pdf_text(path, text, size);
	snprintf(path, sizeof(path),
	    "SELECT total_cents FROM invoices WHERE number = '%s'", number);
	return dbtest_int(t->db, path);
}

static void
lt_has(const char *what, const char *text, const char *const want[])
{
	for (size_t i = 0; want[i] != NULL; i++)
		cr_expect(strstr(text, want[i]) != NULL,
		    "%s: \"%s\" not in\n%s", what, want[i], text);
}

Test(mail, corrected_notices_written_and_mailed_once, .timeout = 240)
{
	static struct ctlrun r;
	static char text[32768];
	char args[1024], acc[32], paid[32], pdf[512], total[32], left[32],
	    rum[64];
	int64_t with, cents;
	pid_t sink;
	int port;
	struct lt t;

	lt_open_invoiced(&t, "");
	port = lt_sink(&t, &sink);
	cr_assert_gt(port, 0, "the SMTP sink did not start");
	lt_mail_conf(&t, port, 6000);
	with = lt_with_email(&t);
	/* after their notices: new bank details for one family, a cheque
	 * from another; the debits of the 6th no longer say the same */
	lt_text(&t, LT_MAILED_DEBITS, 0, acc, sizeof(acc));
	lt_text(&t, LT_MAILED_DEBITS, 1, paid, sizeof(paid));
	snprintf(args, sizeof(args),
	    "SELECT m.rum FROM invoices i JOIN mandates m ON m.id = "
	    "i.mandate_id WHERE i.number = '%s'",
	    acc);
	lt_text(&t, args, 0, rum, sizeof(rum));
	snprintf(args, sizeof(args),
	    "mandate change-account %s --iban FR7630002005500000123456783 "
	    "--received 2026-10-02",
	    rum);
	lt_ctl(&t, &r, "2026-10-02", args);
	snprintf(args, sizeof(args),
	    "payment record %s --amount 3,00 --date 2026-10-03 --method "
	    "cheque",
	    paid);
	lt_ctl(&t, &r, "2026-10-03", args);
	lt_ctl(&t, &r, "2026-10-06", "cycle");
	cr_expect(strstr(r.out, "2 corrected notice(s)") != NULL, "%s", r.out);
	cr_expect(
	    strstr(r.out, "PDF corrected notices: 2 in ") != NULL, "%s", r.out);

	/* the new account: what changed, why, the debit as it is now */
	lt_euros(
	    total, sizeof(total), lt_fix_text(&t, acc, text, sizeof(text)));
	snprintf(args, sizeof(args),
	    "Cet avis remplace l'avis d'échéance de la facture n° %s du "
	    "01/10/2026.",
	    acc);
	lt_has(acc, text,
	    (const char *const[]){"AVIS RECTIFICATIF",
	        "Avis rectificatif : ce qui change", args, "Compte prélevé",
	        "Annoncé le 01/10/2026", "Désormais", "FR76****6783",
	        "nouvelles coordonnées bancaires", "article 3 du contrat",
	        "06/10/2026", total, "sera prélevé le 15/10/2026", rum,
	        "FR72ZZZ123456", "Commune de Saint-Exemple", "L. 1617-5",
	        NULL});
	cr_expect(
	    strstr(text, "FR7630002005500000123456783") == NULL, "%s", text);
	/* the cheque: what is left is debited */
	cents = lt_fix_text(&t, paid, text, sizeof(text));
	lt_euros(total, sizeof(total), cents);
	lt_euros(left, sizeof(left), cents - 300);
	snprintf(args, sizeof(args),
	    "Un paiement reçu depuis l'avis précédent a été déduit : seul le "
	    "reste, %s, est prélevé.",
	    left);
	lt_has(paid, text,
	    (const char *const[]){"AVIS RECTIFICATIF", "Montant prélevé", total,
	        "Déjà réglé", "3,00 €", args, "Reste à payer", left, NULL});
	/* both in the month's file for printing */
	snprintf(pdf, sizeof(pdf),
	    "%s/outbox/notices/pdf/corrections-2026-09.pdf", t.dir);
	lt_pdf_text(pdf, text, sizeof(text));
	lt_has("corrections-2026-09.pdf", text,
	    (const char *const[]){acc, paid, NULL});
	snprintf(
	    args, sizeof(args), "pdfinfo '%s' | grep -q '^Pages: *2$'", pdf);
	cr_expect_eq(lt_sh(args), 0, "%s", args);

	/* killed once the notices are sent, with the first corrected notice
	 * recorded as being sent */
	snprintf(args, sizeof(args),
	    "SEPAD_MAIL_KILL_AFTER=%lld %s -c %s --today 2026-10-07 notices "
	    "send --month 2026-09 >/dev/null 2>&1",
	    (long long)with, CTLRUN_SEPACTL, t.conf);
	cr_expect_eq(lt_sh(args), 128 + SIGKILL);
	/* again: the other one, not the interrupted one */
	lt_ctl(&t, &r, "2026-10-07", "notices send --month 2026-09");
	cr_expect(strstr(r.out,
	              "corrected notices e-mailed for 2026-09: 1 sent, 0 sent "
	              "before, 0 without an address, 0 refused by the relay, 1 "
	              "interrupted (see sepactl attention list)\n") != NULL,
	    "%s", r.out);
	lt_ctl(&t, &r, "2026-10-07", "attention list");
	snprintf(args, sizeof(args), "corrected notice %s-R1: its e-mail", acc);
	cr_expect(strstr(r.out, args) != NULL, "%s", r.out);
	/* and again: nothing */
	lt_ctl(&t, &r, "2026-10-08", "notices send --month 2026-09");
	cr_expect(strstr(r.out,
	              "corrected notices e-mailed for 2026-09: 0 sent, 1 sent "
	              "before,") != NULL,
	    "%s", r.out);
	/* the relay got every notice and the one corrected notice, once */
	snprintf(args, sizeof(args),
	    "test $(ls %s/box/new | wc -l) -eq %lld && grep -l "
	    "'filename=\"%s-R1.pdf\"' %s/box/new/* | wc -l | grep -qx 1 && "
	    "! grep -q '%s-R1' %s/box/new/* && grep -q '^Message-ID: "
	    "<%s-R1.FR72ZZZ123456@saint-exemple.fr>' %s/box/new/*",
	    t.dir, (long long)with + 1, paid, t.dir, acc, t.dir, paid, t.dir);
	cr_expect_eq(lt_sh(args), 0, "%s", args);
	/* its PDF attached and its text in the body, as the family reads
	 * them */
	snprintf(args, sizeof(args),
	    "cd %s && python3 -c \"import email, glob, sys\n"
	    "for f in glob.glob('box/new/*'):\n"
	    "  m = email.message_from_binary_file(open(f, 'rb'))\n"
	    "  if '%s-R1' not in m['Message-ID']: continue\n"
	    "  for p in m.walk():\n"
	    "    t = p.get_content_type()\n"
	    "    if t == 'application/pdf': open('fix.pdf', 'wb')"
	    ".write(p.get_payload(decode=True))\n"
	    "    if t == 'text/plain': open('fix.txt', 'wb')"
	    ".write(p.get_payload(decode=True))\"",
	    t.dir, paid);
	cr_assert_eq(lt_sh(args), 0, "%s", args);
	snprintf(pdf, sizeof(pdf), "%s/fix.pdf", t.dir);
	lt_pdf_text(pdf, text, sizeof(text));
	lt_has("the attachment", text,
	    (const char *const[]){"AVIS RECTIFICATIF", paid, left, NULL});
	snprintf(pdf, sizeof(pdf), "%s/fix.txt", t.dir);
	{
		char *body = ctlrun_read(pdf);

		snprintf(args, sizeof(args),
		    "un avis rectificatif de l'avis d'échéance de votre "
		    "facture n° %s (consommations de septembre 2026) : le "
		    "montant prélevé a changé.",
		    paid);
		lt_has("the body", body,
		    (const char *const[]){
		        args, "AVIS D'ÉCHÉANCE RECTIFICATIF", NULL});
		free(body);
	}
	lt_sink_stop(sink);
	lt_close(&t);
}
