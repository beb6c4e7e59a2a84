/*
 * test_invoice_cli.c - `sepactl invoice run` and `sepactl payment record`
 * end to end: the binary, a configuration, a database of the test
 * cluster seeded with invoice_seed.h, the notices in a temporary outbox.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctlrun.h"
#include "invoice_env.h"
#include "sepa/error.h"
#include "db.h"

/* Run `sepactl -c CONF ARGS` (ARGS: shell text of our own). */
static void
run(struct ctlrun *r, const char *conf, const char *args)
{
	char line[4096];

	snprintf(line, sizeof(line), "-c %s %s", conf, args);
	ctlrun(r, line);
}

/* Command lines and what they must give, in order, on one database. */
static const struct {
	const char *args;
	int status;
	const char *out; /* exact stdout when not NULL */
	const char *err; /* part of stderr */
} steps[] = {
    {"invoice", 2, "", "sepactl: invoice needs run"},
    {"invoice run", 2, "", "sepactl: invoice run needs --month YYYY-MM"},
    {"invoice run --month 2026-13", 2, "", "sepactl: invoice run: bad --month"},
    {"invoice run --month 2026-09 --bogus", 2, "",
        "unexpected argument \"--bogus\""},
    {"--today 2026-09-30 invoice run --month 2026-09", 1, "",
        "sepactl: could not invoice 2026-09: cannot invoice 2026-09 before "
        "it ends (business date 2026-09-30)"},
    {"--today 2026-10-01 invoice run --month 2026-09", 0,
        "invoices for 2026-09: 2 invoices (1 payable by other means), 7 "
        "lines (0 regularisations), 0 reminders, total 23,30 €, "
        "due on 2026-10-15\nnotices: 2 in OUTBOX/notices/2026-09\n"
        "PDF notices: 2 in OUTBOX/notices/pdf/2026-09, all of them in "
        "OUTBOX/notices/pdf/notices-2026-09.pdf\n",
        ""},
    {"--today 2026-10-05 invoice run --month 2026-09", 0,
        "invoices for 2026-09 already issued: 2 invoices\nnotices: 2 in "
        "OUTBOX/notices/2026-09\nPDF notices: 2 in "
        "OUTBOX/notices/pdf/2026-09, all of them in "
        "OUTBOX/notices/pdf/notices-2026-09.pdf\n",
        ""},
    {"--today 2026-10-02 payment record F2026-09-000002 --amount 5,00 "
     "--date 2026-10-02 --method cheque --reference 'chq 42'",
        0,
        "payment of 5,00 € recorded on F2026-09-000002: paid "
        "5,00 € of 7,50 €, 2,50 € still due; invoice "
        "issued\n",
        ""},
    {"--today 2026-10-02 payment record F2026-09-000002 --amount 3 --date "
     "2026-10-02",
        1, "",
        "sepactl: could not record the payment on F2026-09-000002: "
        "3,00 € is more than the 2,50 € due on invoice "
        "F2026-09-000002"},
    {"--today 2026-10-02 payment record F2026-09-000002 --amount abc "
     "--date 2026-10-02",
        1, "",
        "sepactl: could not record the payment on F2026-09-000002: "
        "--amount \"abc\""},
    {"--today 2026-10-02 payment record F2026-09-000002 --amount 1 --date "
     "2026-10-02 --method bitcoin",
        1, "", "unknown payment method \"bitcoin\""},
    {"--today 2026-10-02 payment record F1999 --amount 1 --date 2026-10-02", 1,
        "", "invoice F1999 does not exist"},
    {"--today 2026-10-02 payment record F2026-09-000002 --amount 1", 2, "",
        "payment record needs INVOICE --amount EUR --date DATE"},
    {"--today 2026-10-03 payment record F2026-09-000002 --amount 2,5 "
     "--date 03/10/2026 --method cash",
        0,
        "payment of 2,50 € recorded on F2026-09-000002: paid "
        "7,50 € of 7,50 €, 0,00 € still due; invoice "
        "paid\n",
        ""},
    {"payment --help", 0, NULL, ""},
};

/* stdout with the temporary outbox replaced by "OUTBOX". */
static void
unoutbox(char *s, const char *outbox)
{
	size_t n = strlen(outbox);
	char *p;

	while ((p = strstr(s, outbox)) != NULL) {
		memcpy(p, "OUTBOX", 6);
		memmove(p + 6, p + n, strlen(p + n) + 1);
	}
}

Test(invoice_cli, run_rerun_notices_payments)
{
	struct env e;
	struct ctlrun r;
	char path[256], cmd[512];
	int64_t before = 0;

	env_open(&e);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i].status != 0)
			before = seed_fingerprint(e.db);
		run(&r, e.conf, steps[i].args);
		unoutbox(r.out, e.outbox);
		cr_expect_eq(r.status, steps[i].status, "sepactl %s: %d\n%s",
		    steps[i].args, r.status, r.err);
		if (steps[i].out != NULL)
			cr_expect_str_eq(
			    r.out, steps[i].out, "sepactl %s", steps[i].args);
		cr_expect(strstr(r.err, steps[i].err) != NULL,
		    "sepactl %s: stderr\n%s", steps[i].args, r.err);
		/* a refusal leaves the database as it was */
		if (steps[i].status != 0)
			cr_expect_eq(seed_fingerprint(e.db), before,
			    "sepactl %s changed the database", steps[i].args);
	}
	/* the notices the user gets are the golden ones */
	snprintf(cmd, sizeof(cmd),
	    "cmp %s/notices/2026-09/F2026-09-000002.txt "
	    "%s/tests/data/notices/F2026-09-000002.txt && cmp "
	    "%s/notices/notices-2026-09.csv "
	    "%s/tests/data/notices/notices-2026-09.csv",
	    e.outbox, SEPAD_SRCDIR, e.outbox, SEPAD_SRCDIR);
	cr_expect_eq(system(cmd), 0, "%s", cmd);
	snprintf(path, sizeof(path), "%s/notices/2026-09", e.outbox);
	cr_expect_eq(access(path, R_OK), 0);
	cr_assert_eq(dbtest_int(e.db,
	                 "SELECT count(*) FROM invoices WHERE number = "
	                 "'F2026-09-000002' AND state = 'paid'"),
	    1);
	env_close(&e);
}
