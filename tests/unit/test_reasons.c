/*
 * test_reasons.c - the reason-code table.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "sepa/reasons.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* docs/sepa.md, Reason codes, plus the codes of the sample files. */
static const struct {
	const char *code;
	enum sepa_reason_class cls;
} expected[] = {
    {"AC01", SEPA_REASON_DEAD},
    {"AC04", SEPA_REASON_DEAD},
    {"AC06", SEPA_REASON_DEAD},
    {"AG01", SEPA_REASON_DEAD},
    {"AG02", SEPA_REASON_CREDITOR},
    {"AM04", SEPA_REASON_TRANSIENT},
    {"AM05", SEPA_REASON_CREDITOR},
    {"AM10", SEPA_REASON_CREDITOR},
    {"BE01", SEPA_REASON_DATA},
    {"BE05", SEPA_REASON_CREDITOR},
    {"CNOR", SEPA_REASON_CREDITOR},
    {"DNOR", SEPA_REASON_DEAD},
    {"DU01", SEPA_REASON_CREDITOR},
    {"DUPL", SEPA_REASON_CREDITOR},
    {"FF01", SEPA_REASON_CREDITOR},
    {"FF05", SEPA_REASON_CREDITOR},
    {"FOCR", SEPA_REASON_CREDITOR},
    {"FRAD", SEPA_REASON_MANUAL},
    {"MD01", SEPA_REASON_DEAD},
    {"MD02", SEPA_REASON_DATA},
    {"MD06", SEPA_REASON_DISPUTE},
    {"MD07", SEPA_REASON_DEAD},
    {"MS02", SEPA_REASON_DISPUTE},
    {"MS03", SEPA_REASON_TRANSIENT},
    {"NARR", SEPA_REASON_MANUAL},
    {"RC01", SEPA_REASON_CREDITOR},
    {"RR01", SEPA_REASON_DATA},
    {"RR02", SEPA_REASON_DATA},
    {"RR03", SEPA_REASON_CREDITOR},
    {"RR04", SEPA_REASON_MANUAL},
    {"SL01", SEPA_REASON_DEAD},
    {"TECH", SEPA_REASON_TRANSIENT},
};

Test(reasons, every_listed_code_has_its_class_and_labels)
{
	size_t i;

	for (i = 0; i < N(expected); i++) {
		const sepa_reason *r = sepa_reason_find(expected[i].code);

		cr_assert_not_null(r, "%s missing", expected[i].code);
		cr_expect_str_eq(r->code, expected[i].code);
		cr_expect_eq(r->cls, expected[i].cls, "%s: class %s",
		    expected[i].code, sepa_reason_class_name(r->cls));
		cr_expect_gt(strlen(r->iso_name), 3);
		cr_expect_gt(strlen(r->label_fr), 3);
		cr_expect_gt(strlen(r->label_en), 3);
	}
}

Test(reasons, table_sorted_unique_and_well_formed)
{
	size_t n;
	const sepa_reason *t = sepa_reason_table(&n);
	size_t i;

	cr_assert_geq(n, N(expected));
	for (i = 0; i < n; i++) {
		cr_expect_eq(strlen(t[i].code), 4, "%s", t[i].code);
		cr_expect_neq(t[i].cls, SEPA_REASON_UNKNOWN, "%s", t[i].code);
		if (i > 0)
			cr_expect_lt(strcmp(t[i - 1].code, t[i].code), 0,
			    "%s before %s", t[i - 1].code, t[i].code);
		cr_expect_eq(sepa_reason_find(t[i].code), &t[i]);
	}
}

Test(reasons, unknown_codes)
{
	static const char *codes[] = {"", "ac01", "AC0", "AC011", "ZZ99", NULL};
	size_t i;

	for (i = 0; i < N(codes); i++)
		cr_expect_null(sepa_reason_find(codes[i]), "%s", codes[i]);
}

Test(reasons, creditor_side_does_not_count)
{
	static const struct {
		enum sepa_reason_class cls;
		int counts;
		const char *name;
	} cases[] = {
	    {SEPA_REASON_UNKNOWN, 1, "unknown"},
	    {SEPA_REASON_DEAD, 1, "dead"},
	    {SEPA_REASON_TRANSIENT, 1, "transient"},
	    {SEPA_REASON_DISPUTE, 1, "dispute"},
	    {SEPA_REASON_CREDITOR, 0, "creditor"},
	    {SEPA_REASON_DATA, 1, "data"},
	    {SEPA_REASON_MANUAL, 1, "manual"},
	};
	size_t i;

	for (i = 0; i < N(cases); i++) {
		cr_expect_eq(sepa_reason_class_counts(cases[i].cls),
		    cases[i].counts, "%s", cases[i].name);
		cr_expect_str_eq(
		    sepa_reason_class_name(cases[i].cls), cases[i].name);
	}
}

/* A returned credit transfer has no debtor, creditor nor direct debit:
 * the transfer wording of every code never names them; the direct-debit
 * wording is the table's label. */
Test(reasons, transfer_labels_name_no_debtor)
{
	static const char *const fr[] = {
	    "débiteur", "créancier", "prélèvement"};
	static const char *const en[] = {"debtor", "creditor", "direct debit"};
	size_t n;
	const sepa_reason *t = sepa_reason_table(&n);

	for (size_t i = 0; i < n; i++) {
		const char *lf =
		    sepa_reason_label_fr(&t[i], SEPA_REASON_TRANSFER);
		const char *le =
		    sepa_reason_label_en(&t[i], SEPA_REASON_TRANSFER);

		cr_expect_eq(
		    sepa_reason_label_fr(&t[i], SEPA_REASON_DIRECT_DEBIT),
		    t[i].label_fr);
		cr_expect_eq(
		    sepa_reason_label_en(&t[i], SEPA_REASON_DIRECT_DEBIT),
		    t[i].label_en);
		for (size_t k = 0; k < N(fr); k++) {
			cr_expect(
			    strstr(lf, fr[k]) == NULL, "%s: %s", t[i].code, lf);
			cr_expect(
			    strstr(le, en[k]) == NULL, "%s: %s", t[i].code, le);
		}
	}
	cr_expect_null(sepa_reason_label_fr(NULL, SEPA_REASON_TRANSFER));
}

Test(reasons, the_family_chooses_the_wording)
{
	static const struct {
		const char *code;
		const char *dd;
		const char *ct;
	} cases[] = {
	    {"AC01", "IBAN du débiteur incorrect", "IBAN incorrect"},
	    {"AC04", "compte du débiteur clôturé", "compte clôturé"},
	    {"BE01", "nom du débiteur différent du titulaire du compte",
	        "nom différent du titulaire du compte"},
	    {"MD07", "débiteur décédé", "titulaire du compte décédé"},
	    {"RR03", "nom ou adresse du créancier manquant",
	        "nom ou adresse du bénéficiaire manquant"},
	    {"AM04", "provision insuffisante", "provision insuffisante"},
	};

	for (size_t i = 0; i < N(cases); i++) {
		const sepa_reason *r = sepa_reason_find(cases[i].code);

		cr_assert_not_null(r, "%s", cases[i].code);
		cr_expect_str_eq(
		    sepa_reason_label_fr(r, SEPA_REASON_DIRECT_DEBIT),
		    cases[i].dd);
		cr_expect_str_eq(
		    sepa_reason_label_fr(r, SEPA_REASON_TRANSFER), cases[i].ct);
	}
}
