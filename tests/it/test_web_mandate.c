/*
 * test_web_mandate.c - the console's Mandats API end to end (build/sepad
 * over HTTP, libcurl): a mandate shown with its account masked, the month
 * new bank details apply from stated before the change and the same
 * after it, the end of a termination stated before it and recorded as
 * stated, the change, the termination and the new RUM made through the
 * store's functions and named after the user; refusals (a bad IBAN, a
 * bad date, a viewer, an unknown RUM) with nothing stored.
 */
#include "webrun.h"

static struct webrun run;

static void
fini(void)
{
	webrun_stop(&run);
}

/* What the store holds of mandates: accounts, events, RUM changes. */
static int64_t
stored(void)
{
	return webrun_int(&run,
	    "SELECT (SELECT count(*) FROM mandate_accounts) * 10000"
	    " + (SELECT count(*) FROM events WHERE kind LIKE "
	    "'mandate.%') * 100 + (SELECT count(*) FROM "
	    "mandate_rum_changes) * 10 + (SELECT count(*) FROM "
	    "mandates WHERE ends_on IS NOT NULL)");
}

static void
setup(void)
{
	webrun_prepare(&run, "");
	webrun_mandates(&run);
	webrun_users(&run);
	webrun_start(&run);
}

#define HAS(c, s) cr_assert(strstr((c).body, s) != NULL, "%s", (c).body)

Test(web_mandate, show_preview_change, .timeout = 120, .fini = fini)
{
	struct webclient c, v;
	int64_t before;

	setup();
	webclient_both(&c, &v, &run);

	/* what `mandate show` prints, the account masked; a viewer reads */
	cr_assert_eq(
	    webclient_get(&v, &run, "/api/mandate?rum=rum-f001-1"), 200);
	HAS(v, "\"rum\":\"RUM-F001-1\"");
	HAS(v, "\"family\":\"F001\"");
	HAS(v, "\"account\":\"FR76");
	HAS(v, "\"from\":\"2025-09\"");
	HAS(v, "\"cutoff_day\":5");
	cr_assert(
	    strstr(v.body, "20041010050500013002675") == NULL, "%s", v.body);
	cr_assert_eq(webclient_get(&v, &run, "/api/mandate?rum=NOPE"), 404);

	/* refusals, nothing stored: the IBAN, a date, the viewer, the RUM */
	before = stored();
	cr_assert_eq(webclient_post(&c, &run, "/api/mandate/account-preview",
	                 "{\"rum\":\"RUM-F001-1\",\"iban\":"
	                 "\"FR7630006000011234567890188\","
	                 "\"received\":\"2026-10-01\"}",
	                 true),
	    400, "%s", c.body);
	HAS(c, "\"field\":\"iban\"");
	cr_assert_eq(webclient_post(&c, &run, "/api/mandate/change-account",
	                 "{\"rum\":\"RUM-F001-1\",\"iban\":"
	                 "\"FR7630006000011234567890188\","
	                 "\"received\":\"2026-10-01\"}",
	                 true),
	    400, "%s", c.body);
	cr_assert_eq(webclient_post(&c, &run, "/api/mandate/change-account",
	                 "{\"rum\":\"RUM-F001-1\",\"iban\":"
	                 "\"FR7630006000011234567890189\","
	                 "\"received\":\"2026-10-31\"}",
	                 true),
	    400, "%s", c.body);
	HAS(c, "after the business date");
	cr_assert_eq(webclient_post(&c, &run, "/api/mandate/change-account",
	                 "{\"rum\":\"RUM-F001-1\",\"iban\":"
	                 "\"FR7630006000011234567890189\","
	                 "\"received\":\"1er octobre\"}",
	                 true),
	    400, "%s", c.body);
	HAS(c, "\"field\":\"received\"");
	cr_assert_eq(webclient_post(&c, &run, "/api/mandate/change-account",
	                 "{\"rum\":\"NOPE\",\"iban\":"
	                 "\"FR7630006000011234567890189\","
	                 "\"received\":\"2026-10-01\"}",
	                 true),
	    409, "%s", c.body);
	cr_assert_eq(webclient_post(&v, &run, "/api/mandate/change-account",
	                 "{\"rum\":\"RUM-F001-1\",\"iban\":"
	                 "\"FR7630006000011234567890189\","
	                 "\"received\":\"2026-10-01\"}",
	                 true),
	    403, "%s", v.body);
	cr_assert_eq(
	    webclient_post(&v, &run, "/api/mandate/terminate",
	        "{\"rum\":\"RUM-F001-1\",\"received\":\"2026-10-01\"}", true),
	    403, "%s", v.body);

	/* sent after the 5th: the store says from which month, nothing
	 * stored by the preview */
	cr_assert_eq(webclient_post(&c, &run, "/api/mandate/account-preview",
	                 "{\"rum\":\"RUM-F001-1\",\"iban\":"
	                 "\"FR76 3000 6000 0112 3456 7890 189\","
	                 "\"sent\":\"2026-09-20\",\"received\":\"2026-10-01\"}",
	                 true),
	    200, "%s", c.body);
	HAS(c, "\"applies_from\":\"2026-10\"");
	HAS(c, "\"after_cutoff\":true");
	HAS(c, "\"month_closed\":false");
	HAS(c, "\"account\":\"FR76****0189\"");
	HAS(c, "after the 5th: applies from the 2026-10 collection");
	cr_assert_eq(stored(), before);

	/* the change: the same month, an event naming the user */
	cr_assert_eq(
	    webclient_post(&c, &run, "/api/mandate/change-account",
	        "{\"rum\":\"RUM-F001-1\",\"iban\":"
	        "\"FR7630006000011234567890189\",\"bic\":\"BDFEFRPPCCT\","
	        "\"sent\":\"2026-09-20\",\"received\":\"2026-10-01\"}",
	        true),
	    200, "%s", c.body);
	HAS(c, "\"applies_from\":\"2026-10\"");
	cr_assert_eq(webrun_int(&run,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'mandate.account_changed' AND actor = 'alice'"),
	    1);
	/* the same account again: the store refuses it */
	cr_assert_eq(webclient_post(&c, &run, "/api/mandate/account-preview",
	                 "{\"rum\":\"RUM-F001-1\",\"iban\":"
	                 "\"FR7630006000011234567890189\","
	                 "\"received\":\"2026-10-01\"}",
	                 true),
	    400, "%s", c.body);
	HAS(c, "is already its account");

	/* a new RUM, then the termination, each named after the user */
	cr_assert_eq(webclient_post(&c, &run, "/api/mandate/change-rum",
	                 "{\"rum\":\"RUM-F001-1\",\"new_rum\":\"RUM-F001-2\","
	                 "\"received\":\"2026-10-01\"}",
	                 true),
	    200, "%s", c.body);
	HAS(c, "\"new_rum\":\"RUM-F001-2\"");
	cr_assert_eq(webclient_post(&c, &run, "/api/mandate/change-rum",
	                 "{\"rum\":\"RUM-F002-1\",\"new_rum\":\"RUM-F001-1\","
	                 "\"received\":\"2026-10-01\"}",
	                 true),
	    400, "%s", c.body);
	/* the end a letter gives, read first, nothing stored; then the
	 * same end recorded */
	before = stored();
	cr_assert_eq(
	    webclient_post(&c, &run, "/api/mandate/terminate-preview",
	        "{\"rum\":\"RUM-F002-1\",\"received\":\"2026-10-01\"}", true),
	    200, "%s", c.body);
	HAS(c, "\"ends\":\"2027-08-31\"");
	HAS(c, "\"terminated_now\":false");
	HAS(c, "\"deadline\":\"2027-06-30\"");
	HAS(c, "\"in_time\":true");
	cr_assert_eq(stored(), before);
	cr_assert_eq(webclient_post(&v, &run, "/api/mandate/terminate-preview",
	                 "{\"rum\":\"RUM-F002-1\",\"received\":"
	                 "\"2026-10-01\"}",
	                 true),
	    403, "%s", v.body);
	cr_assert_eq(
	    webclient_post(&c, &run, "/api/mandate/terminate",
	        "{\"rum\":\"RUM-F002-1\",\"received\":\"2026-10-01\"}", true),
	    200, "%s", c.body);
	HAS(c, "\"ends\":\"2027-08-31\"");
	cr_assert_eq(webrun_int(&run,
	                 "SELECT count(*) FROM mandates WHERE rum = "
	                 "'RUM-F002-1' AND ends_on = '2027-08-31' AND state = "
	                 "'active'"),
	    1);
	cr_assert_eq(webclient_post(&c, &run, "/api/mandate/terminate",
	                 "{\"rum\":\"RUM-F001-2\",\"received\":\"2026-10-01\","
	                 "\"immediate\":true}",
	                 true),
	    200, "%s", c.body);
	HAS(c, "\"terminated_now\":true");
	cr_assert_eq(
	    webclient_post(&c, &run, "/api/mandate/terminate",
	        "{\"rum\":\"RUM-F001-2\",\"received\":\"2026-10-01\"}", true),
	    409, "%s", c.body);
	cr_assert_eq(webrun_int(&run,
	                 "SELECT count(*) FROM events WHERE kind IN "
	                 "('mandate.rum_changed', 'mandate.terminated', "
	                 "'mandate.end_scheduled') AND actor = 'alice'"),
	    3);
	cr_assert_eq(webrun_int(&run,
	                 "SELECT count(*) FROM events WHERE kind LIKE "
	                 "'mandate.%' AND actor IS DISTINCT FROM 'alice'"),
	    0);
	webclient_free(&c);
	webclient_free(&v);
}
