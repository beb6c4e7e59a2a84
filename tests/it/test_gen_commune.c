/*
 * test_gen_commune.c - the commune generator: deterministic for a seed,
 * headers of docs/product.md (Inputs), valid IBANs, consumption on open days
 * of the month only, families without mandate, usage errors.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sepa/sepa.h"

#define GEN SEPAD_SRCDIR "/build/gen-commune"

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	cr_assert(WIFEXITED(st), "%s", cmd);
	return WEXITSTATUS(st);
}

static FILE *
open_csv(const char *dir, const char *name, const char *header)
{
	char path[512], line[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "%s", path);
	cr_assert_not_null(fgets(line, sizeof(line), fp));
	cr_assert_str_eq(line, header, "%s", name);
	return fp;
}

Test(gen_commune, deterministic_valid_and_plausible)
{
	char a[] = "/tmp/gen-a-XXXXXX", b[] = "/tmp/gen-b-XXXXXX", line[1024];
	sepa_error err = SEPA_ERROR_INIT;
	FILE *fp;
	long families = 0, mandates = 0, lines = 0, alsh_colon = 0;
	long no_birth = 0, journee = 0;

	cr_assert_not_null(mkdtemp(a));
	cr_assert_not_null(mkdtemp(b));
	cr_assert_eq(sh(GEN " --families 300 --month 2026-09 --out %s --seed 7"
	                    " 2>/dev/null",
	                 a),
	    0);
	cr_assert_eq(sh(GEN " --families 300 --month 2026-09 --out %s --seed 7"
	                    " 2>/dev/null",
	                 b),
	    0);
	cr_assert_eq(sh("diff -r %s %s >/dev/null", a, b), 0,
	    "same seed, different files");
	cr_assert_eq(sh(GEN " --families 300 --month 2026-09 --out %s --seed 8"
	                    " 2>/dev/null",
	                 b),
	    0);
	cr_assert_neq(sh("cmp -s %s/families.csv %s/families.csv", a, b), 0,
	    "another seed, same families");

	fp = open_csv(a, "families.csv",
	    "family_ref;payer_name;street;postcode;city;country;email;"
	    "bracket\n");
	while (fgets(line, sizeof(line), fp) != NULL) {
		cr_assert_eq(sepa_utf8_validate(line, strlen(line), NULL, &err),
		    0, "%s", line);
		cr_assert(strstr(line, ";FR;") != NULL, "%s", line);
		cr_assert(strstr(line, ";T") != NULL, "%s", line);
		families++;
	}
	fclose(fp);
	cr_assert_eq(families, 300);

	fp = open_csv(a, "mandates.csv", "rum;family_ref;iban;bic;signed_on\n");
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *iban = strchr(strchr(line, ';') + 1, ';') + 1;

		iban[27] = '\0';
		cr_assert_eq(
		    sepa_iban_validate(iban, &err), 0, "%s: %s", iban, err.msg);
		mandates++;
	}
	fclose(fp);
	cr_assert(mandates > 200 && mandates < 300, "%ld mandates", mandates);

	fp = open_csv(a, "consumption.csv",
	    "family_ref;child_ref;child_name;service;date;quantity;"
	    "birth_date\n");
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *date = strstr(line, ";2026-09-"), *qty, *birth;
		sepa_date d, born;
		int64_t q;

		cr_assert_not_null(date, "%s", line);
		date[11] = '\0';
		cr_assert_eq(
		    sepa_date_parse(&d, date + 1, &err), 0, "%s", err.msg);
		cr_assert_lt(sepa_date_weekday(d), 6, "weekend: %s", line);
		qty = date + 12;
		birth = strchr(qty, ';');
		cr_assert_not_null(birth, "%s", qty);
		*birth++ = '\0';
		birth[strcspn(birth, "\n")] = '\0';
		cr_assert_eq(
		    sepa_quantity_parse(&q, qty, &err), 0, "%s", err.msg);
		cr_assert_gt(q, 0);
		if (strchr(qty, ':') != NULL)
			alsh_colon++;
		/* a child of 3 to 12, or (rarely) no birth date */
		if (birth[0] != '\0') {
			cr_assert_eq(sepa_date_parse(&born, birth, &err), 0,
			    "%s", birth);
			cr_assert(sepa_age_on(born, d) >= 3 &&
			        sepa_age_on(born, d) <= 12,
			    "%s", birth);
		} else {
			no_birth++;
		}
		/* Wednesday: leisure centre only, per hour or per day */
		if (sepa_date_weekday(d) == 3)
			cr_assert(strstr(line, ";ALSH;") != NULL ||
			        strstr(line, ";ALSH_JOURNEE;") != NULL,
			    "%s", line);
		if (strstr(line, ";ALSH_JOURNEE;") != NULL) {
			cr_assert_eq(sepa_date_weekday(d), 3, "%s", line);
			cr_assert(q == 1000 || q == 500, "%s", line);
			journee++;
		}
		lines++;
	}
	fclose(fp);
	cr_assert(lines > 300 * 10, "%ld lines", lines);
	cr_assert_gt(alsh_colon, 0);
	cr_assert_gt(journee, 0);
	cr_assert(no_birth > 0 && no_birth < lines / 10, "%ld", no_birth);
	cr_assert_eq(sh("grep -q '^ALSH_JOURNEE;T1;day;8,00;2026-09-01;"
	                "extrascolaire;Accueil de loisirs (journée)$' "
	                "%s/tariffs.csv",
	                 a),
	    0);
	cr_assert_eq(sh("grep -q 'Œuvre\\|Lefèvre\\|L'\"'\"'Hôte' "
	                "%s/families.csv",
	                 a),
	    0);
	cr_assert_eq(sh("rm -rf %s %s", a, b), 0);
}

/*
 * A child keeps its birth date from one month to the next; in July the
 * leisure centre takes whole days on any weekday.
 */
Test(gen_commune, birth_dates_stay_and_days_of_the_summer)
{
	char a[] = "/tmp/gen-a-XXXXXX", b[] = "/tmp/gen-b-XXXXXX";

	cr_assert_not_null(mkdtemp(a));
	cr_assert_not_null(mkdtemp(b));
	cr_assert_eq(sh(GEN " --families 200 --month 2026-07 --out %s --seed 7"
	                    " 2>/dev/null",
	                 a),
	    0);
	cr_assert_eq(sh(GEN " --families 200 --month 2026-09 --out %s --seed 7"
	                    " 2>/dev/null",
	                 b),
	    0);
	/* one birth date per child in each file, the same in both */
	cr_assert_eq(sh("for d in %s %s; do tail -n +2 $d/consumption.csv | "
	                "cut -d';' -f1,2,7 | sed 's/;/-/' | sort -u >$d/k; "
	                "test \"$(cut -d';' -f1 $d/k | uniq -d)\" = '' || "
	                "exit 1; done; join -t';' %s/k %s/k >%s/both; "
	                "test $(wc -l <%s/both) -gt 100 || exit 2; "
	                "awk -F';' '$2 != $3 { bad = 1 } END { exit bad }' "
	                "%s/both",
	                 a, b, a, b, a, a, a),
	    0);
	/* whole days in July, on weekdays other than Wednesday too */
	cr_assert_eq(sh("grep ';ALSH_JOURNEE;2026-07-0[6-7];' "
	                "%s/consumption.csv | grep -q .",
	                 a),
	    0);
	cr_assert_eq(sh("rm -rf %s %s", a, b), 0);
}

static const struct {
	const char *args;
	const char *err;
} bad[] = {
    {"", "usage: gen-commune"},
    {"--families 0 --month 2026-09 --out /tmp", "--families needs 1"},
    {"--families 10 --month 2026-9x --out /tmp", "gen-commune: --month:"},
    {"--families 10 --month 2026-09 --out /tmp --seed -1",
        "--seed needs a number"},
    {"--families 10 --month 2026-09 --out /proc/x/y",
        "could not create /proc/x/y"},
};

Test(gen_commune, usage_errors)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char cmd[512], out[8192] = "";
		FILE *fp;
		size_t n;
		int st;

		snprintf(cmd, sizeof(cmd), GEN " %s 2>&1", bad[i].args);
		fp = popen(cmd, "r");
		cr_assert_not_null(fp);
		n = fread(out, 1, sizeof(out) - 1, fp);
		out[n] = '\0';
		st = pclose(fp);
		cr_expect_neq(st, 0, "%s", cmd);
		cr_expect(strstr(out, bad[i].err) != NULL, "%s: %s", cmd, out);
	}
}
