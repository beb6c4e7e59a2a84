/*
 * test_attention.c - `sepactl attention list|ack` through the binary: the
 * events needing attention are listed with their ids, acknowledged with a
 * note, and leave the attention count of `sepactl status`; refusals exit
 * with a precise message and change nothing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../db/dbtest.h"
#include "ctlrun.h"
#include "sepa/error.h"
#include "db_internal.h"

struct ait {
	char name[64]; /* the test database */
	char conf[64];
};

/* A creditor with three events: 1 and 3 need attention, 2 does not. */
static void
ait_setup(struct ait *t)
{
	char conninfo[DBTEST_CONNINFO_MAX];
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db;

	dbtest_create(conninfo, t->name, "sepad");
	cr_assert_eq(db_connect(&db, conninfo, &err), 0, "%s", err.msg);
	cr_assert_eq(
	    db_exec_script(db, "seed",
	        "INSERT INTO creditors (ics, name) VALUES ('FR72ZZZ123456', "
	        "'Commune de Test');"
	        "INSERT INTO events (creditor_id, business_date, kind, "
	        "needs_attention, message) VALUES "
	        "(1, '2026-10-06', 'invoice.other_means', true, "
	        "'invoice F2026-09-000002: no mandate; payable by other means'),"
	        "(1, '2026-10-06', 'batch.released', false, 'file released'),"
	        "(1, '2026-11-02', 'returns.quarantined', true, "
	        "'2 bank records quarantined');",
	        &err),
	    0, "%s", err.msg);
	db_close(db);
	ctlrun_conf_creditor(t->conf, sizeof(t->conf), conninfo);
}

static void
ait_run(struct ctlrun *r, const struct ait *t, const char *args)
{
	char all[1024];

	snprintf(
	    all, sizeof(all), "-c %s --today 2026-11-03 %s", t->conf, args);
	ctlrun(r, all);
}

#define AIT_EV1 \
	"1  2026-10-06  invoice.other_means  invoice F2026-09-000002: no " \
	"mandate; payable by other means\n"
#define AIT_EV3 \
	"3  2026-11-02  returns.quarantined  2 bank records quarantined\n"

Test(attention_it, list_ack_status)
{
	static struct ctlrun r, before;
	static const struct {
		const char *args;
		int status;
		const char *err;
	} refusals[] = {
	    {"attention ack 2 --note seen", 1,
	        "sepactl: nothing acknowledged: event 2 is not an event that "
	        "needs attention (sepactl attention list shows them)\n"},
	    {"attention ack 3 77 --note seen", 1,
	        "sepactl: nothing acknowledged: event 77 is not an event that "
	        "needs attention (sepactl attention list shows them)\n"},
	    {"attention ack 1 --note again", 1,
	        "sepactl: nothing acknowledged: event 1 was acknowledged on "
	        "2026-11-03: cheque received, M. Martin\n"},
	    {"attention ack 3 --note ''", 1,
	        "sepactl: nothing acknowledged: an acknowledgement needs a "
	        "note: who saw to it, and how\n"},
	    {"attention ack 3", 2,
	        "sepactl: attention ack needs ID... or --all, and --note "
	        "TEXT\n"},
	    {"attention ack 3 --all --note x", 2,
	        "sepactl: attention ack needs ID... or --all, and --note "
	        "TEXT\n"},
	    {"attention ack x3 --note x", 2,
	        "sepactl: attention ack: \"x3\" is not an event id (the first "
	        "column of sepactl attention list)\n"},
	};
	struct ait t;

	ait_setup(&t);
	ait_run(&r, &t, "attention list");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
	    AIT_EV1 AIT_EV3
	    "2 open: sepactl attention ack ID... --note TEXT (or --all)\n");
	ait_run(&r, &t, "status");
	cr_expect(strstr(r.out,
	              "events needing attention: 2 (sepactl attention list; "
	              "attention ack to clear)\n") != NULL,
	    "%s", r.out);

	ait_run(&r, &t, "attention ack 1 --note 'cheque received, M. Martin'");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "1 event acknowledged\n");
	ait_run(&r, &t, "status");
	cr_expect(strstr(r.out,
	              "attention: 2026-11-02 2 bank records quarantined\n"
	              "events needing attention: 1 (") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "F2026-09-000002") == NULL, "%s", r.out);

	ait_run(&before, &t, "attention list --all");
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		ait_run(&r, &t, refusals[i].args);
		cr_expect_eq(r.status, refusals[i].status, "%s: %s",
		    refusals[i].args, r.err);
		cr_expect_str_eq(
		    r.err, refusals[i].err, "%s", refusals[i].args);
		ait_run(&r, &t, "attention list --all");
		cr_expect_str_eq(r.out, before.out, "%s", refusals[i].args);
	}

	ait_run(&r, &t, "attention ack --all --note 'seen to'");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "1 event acknowledged\n");
	ait_run(&r, &t, "attention list");
	cr_expect_str_eq(r.out, "nothing needs attention\n");
	ait_run(&r, &t, "attention list --all");
	cr_expect_str_eq(r.out,
	    AIT_EV1 "    acknowledged on 2026-11-03: cheque received, M. "
	            "Martin\n" AIT_EV3
	            "    acknowledged on 2026-11-03: seen to\n");
	ait_run(&r, &t, "status");
	cr_expect(strstr(r.out, "events needing attention: 0\n") != NULL, "%s",
	    r.out);
	/* the acknowledgements are in the log too, the events unchanged */
	ait_run(&r, &t, "attention ack --all --note 'nothing left'");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "0 events acknowledged\n");
	unlink(t.conf);
	dbtest_drop(t.name);
}
