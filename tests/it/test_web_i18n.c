/*
 * test_web_i18n.c - the console's API speaks the language sepad runs in:
 * build/sepad started under LANG=fr_FR.UTF-8 (as its unit and `make demo`
 * start it) refuses a missing field, a bad date, a bad IBAN, a viewer
 * acting, a body too large and a body that is not JSON in French, the
 * field named as the page names it; started under LANG=C.UTF-8, the same
 * requests are refused in English. The JSON keeps its shape: `error` and
 * `field` do not change with the language.
 * Needs the fr_FR.UTF-8 locale (tests/deps.sh generates it).
 */
#include <jansson.h>

#include "webrun.h"

static struct webrun run;

static void
fini(void)
{
	webrun_stop(&run);
}

/* One refusal: who asks, what, and what each language answers. */
struct refusal {
	const char *what;
	bool viewer;
	const char *path;
	const char *body; /* NULL: a body over web.max_body_kb */
	long status;
	const char *error;
	const char *field; /* NULL: none in the reply */
	const char *fr, *en;
};

static const struct refusal refusals[] = {
    {"missing field", false, "/api/mandate/terminate",
        "{\"received\":\"2026-10-01\"}", 400, "refused", "rum",
        "RUM : à renseigner", "rum: a value is required"},
    {"bad date", false, "/api/mandate/terminate",
        "{\"rum\":\"RUM-F001-1\",\"received\":\"2026-02-30\"}", 400, "refused",
        "received",
        "date de réception : le jour 30 n'existe pas en février 2026",
        "received: day 30 does not exist in February 2026"},
    {"date too long", false, "/api/mandate/change-rum",
        "{\"rum\":\"RUM-F001-1\",\"new_rum\":\"RUM-F001-9\","
        "\"received\":\"1er octobre 2026\"}",
        400, "refused", "received",
        "date de réception : texte d'au plus 10 caractères attendu, sans "
        "caractère de contrôle",
        "received: must be text of at most 10 characters, without control "
        "characters"},
    {"bad IBAN", false, "/api/mandate/account-preview",
        "{\"rum\":\"RUM-F001-1\",\"iban\":\"FR7630006000011234567890188\","
        "\"received\":\"2026-10-01\"}",
        400, "refused", "iban",
        "IBAN FR76****0188 : la clé de contrôle ne correspond pas",
        "IBAN FR76****0188: check digits do not match"},
    {"immediate not a boolean", false, "/api/mandate/terminate-preview",
        "{\"rum\":\"RUM-F001-1\",\"received\":\"2026-10-01\","
        "\"immediate\":\"oui\"}",
        400, "refused", "immediate",
        "révocation immédiate : vrai ou faux attendu",
        "immediate: must be true or false"},
    {"viewer acting", true, "/api/mandate/terminate",
        "{\"rum\":\"RUM-F001-1\",\"received\":\"2026-10-01\"}", 403,
        "forbidden", NULL,
        "l'utilisateur bob a le profil consultation : seul un utilisateur "
        "du profil finances peut faire cela",
        "user bob has the viewer role: only a finance user can do this"},
    {"body too large", false, "/api/mandate/terminate", NULL, 413, "too_large",
        NULL, "le corps de la requête dépasse 1 Kio (web.max_body_kb)",
        "the request body is larger than 1 KiB (web.max_body_kb)"},
    {"not JSON", false, "/api/mandate/terminate", "{\"rum\":", 400,
        "bad_request", NULL,
        "le corps de la requête n'est pas du JSON valide (ligne 1, colonne "
        "7)",
        "the request body is not valid JSON (line 1, column 7)"},
    {"unknown route", false, "/api/mandate/nothing", "{}", 404, "not_found",
        NULL, "aucune API à l'adresse /api/mandate/nothing",
        "no API at /api/mandate/nothing"},
};

/* sepad in `lang`, two users, the mandates of tests/data/import. */
static void
setup(const char *lang)
{
	cr_assert_eq(system("locale -a | grep -qix 'fr_FR.utf-\\?8'"), 0,
	    "the fr_FR.UTF-8 locale is missing: run tests/deps.sh as root");
	webrun_prepare(&run, "max_body_kb = 1;");
	run.lang = lang;
	webrun_mandates(&run);
	webrun_users(&run);
	webrun_start(&run);
}

/* Each refusal as `lang` words it (fr: French, else English). */
static void
refuse_all(bool fr)
{
	struct webclient fin, view;
	char big[2048];
	json_error_t jerr;
	int64_t before = webrun_int(
	    &run, "SELECT count(*) FROM events WHERE kind LIKE 'mandate.%'");

	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	webclient_both(&fin, &view, &run);
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *t = &refusals[i];
		struct webclient *c = t->viewer ? &view : &fin;
		json_t *j;

		webclient_post(
		    c, &run, t->path, t->body != NULL ? t->body : big, true);
		cr_expect_eq(c->status, t->status, "%s: %ld %s", t->what,
		    c->status, c->body);
		j = json_loads(c->body, 0, &jerr);
		cr_assert_not_null(j, "%s: %s", t->what, c->body);
		cr_expect_str_eq(json_string_value(json_object_get(j, "error")),
		    t->error, "%s", t->what);
		cr_expect_str_eq(
		    json_string_value(json_object_get(j, "message")),
		    fr ? t->fr : t->en, "%s: %s", t->what, c->body);
		if (t->field != NULL)
			cr_expect_str_eq(
			    json_string_value(json_object_get(j, "field")),
			    t->field, "%s", t->what);
		else
			cr_expect_null(
			    json_object_get(j, "field"), "%s", t->what);
		json_decref(j);
	}
	/* nothing of it reached the mandates */
	cr_expect_eq(webrun_int(&run,
	                 "SELECT count(*) FROM events WHERE kind LIKE "
	                 "'mandate.%'"),
	    before);
	webclient_free(&fin);
	webclient_free(&view);
}

Test(web_i18n, refusals_in_french, .timeout = 120, .fini = fini)
{
	setup("fr_FR.UTF-8");
	refuse_all(true);
}

Test(web_i18n, refusals_in_english, .timeout = 120, .fini = fini)
{
	setup("C.UTF-8");
	refuse_all(false);
}
