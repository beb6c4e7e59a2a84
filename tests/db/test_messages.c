/*
 * test_messages.c - the stored messages (migrations 050 and 051): the
 * English text sepad_message makes in SQL is the one i18n_render makes in
 * C from the same msgid and arguments, whatever the format holds (a
 * placeholder with no argument, %N$s, %%, a printf conversion that is
 * not one of ours); and a text[] of any strings goes to PostgreSQL and
 * back through db_text_array and db_text_array_parse unchanged.
 */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "dbtest.h"
#include "sepa/error.h"
#include "db_internal.h"
#include "i18n.h"

static const struct {
	const char *msgid;
	const char *args[4];
	size_t n;
	const char *english;
} cases[] = {
    {"mandate %s lapsed: unused %s months", {"t:RUM-1", "n:36"}, 2,
        "mandate RUM-1 lapsed: unused 36 months"},
    {"amount %s is not %s, the amount of EndToEndId %s",
        {"m:1999", "m:-5", "t:'E2E'"}, 3,
        "amount 19.99 is not -0.05, the amount of EndToEndId 'E2E'"},
    {"ends on %s (before %s)", {"d:2026-08-31", "y:06-30"}, 2,
        "ends on 2026-08-31 (before 30 June)"},
    {"%2$s then %1$s, 100%% %s", {"t:a", "t:b"}, 2, "b then a, 100% a"},
    {"%s %s %s", {"t:only"}, 1, "only  "},
    {"%d %5$s %", {"t:x"}, 1, "%d  %"},
    {"%s is %s", {"t:collection", "s:collection\004rejected"}, 2,
        "collection is rejected"},
    {"%s, %s", {"plain", "g:two rejects"}, 2, "plain, two rejects"},
    {"%s", {"m:12x"}, 1, "12x"},
};

Test(messages, sepad_message_is_i18n_render)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		char *lit = db_text_array(cases[i].args, cases[i].n);
		char *c = i18n_render(
		    cases[i].msgid, NULL, cases[i].args, cases[i].n, 0);
		PGresult *res = NULL;

		cr_assert_eq(
		    db_query(db, &res, "render a message",
		        "SELECT sepad_message($1, $2::text[])", 2,
		        (const char *const[]){cases[i].msgid, lit}, &err),
		    0, "%s", err.msg);
		cr_expect_str_eq(c, cases[i].english, "C, case %zu", i);
		cr_expect_str_eq(PQgetvalue(res, 0, 0), cases[i].english,
		    "SQL, case %zu", i);
		db_result_free(res);
		free(lit);
		free(c);
	}
	db_close(db);
	dbtest_drop(name);
}

Test(messages, text_array_round_trip)
{
	static const char *const items[] = {"", "NULL", "a,b", "{x}",
	    "say \"hi\"", "back\\slash", " spaced ", "é\004ü", "t:'E2E'"};
	size_t n = sizeof(items) / sizeof(items[0]);
	sepa_error err = SEPA_ERROR_INIT;
	char name[64], *lit, *got[16];
	struct db *db = dbtest_open(name, "sepad");
	PGresult *res = NULL;

	lit = db_text_array(items, n);
	cr_assert_eq(db_query(db, &res, "read an array back",
	                 "SELECT $1::text[]::text, "
	                 "ARRAY['a', NULL, 'b']::text",
	                 1, (const char *const[]){lit}, &err),
	    0, "%s", err.msg);
	free(lit);
	lit = strdup(PQgetvalue(res, 0, 0));
	cr_assert_eq(
	    db_text_array_parse(lit, got, 16), n, "%s", PQgetvalue(res, 0, 0));
	for (size_t i = 0; i < n; i++)
		cr_expect_str_eq(got[i], items[i], "item %zu", i);
	free(lit);
	lit = strdup(PQgetvalue(res, 0, 1));
	cr_assert_eq(db_text_array_parse(lit, got, 16), 3);
	cr_expect_str_eq(got[0], "a");
	cr_expect_null(got[1]);
	cr_expect_str_eq(got[2], "b");
	free(lit);
	db_result_free(res);
	db_close(db);
	dbtest_drop(name);
}
