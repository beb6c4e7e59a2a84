/*
 * test_doc.c - what the families' documents print (doc.c): amounts in
 * French with no-break spaces, months in French, the address lines.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "doc.h"

Test(doc, money_never_breaks)
{
	static const struct {
		int64_t cents;
		const char *want;
	} cases[] = {
	    {0, "0,00\u00a0€"},
	    {5, "0,05\u00a0€"},
	    {123456, "1\u202f234,56\u00a0€"},
	    {-123456, "-1\u202f234,56\u00a0€"},
	    {123456789012, "1\u202f234\u202f567\u202f890,12\u00a0€"},
	};
	char buf[DOC_MONEY_BUFSZ];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_str_eq(doc_money(buf, cases[i].cents), cases[i].want,
		    "%lld", (long long)cases[i].cents);
}

Test(doc, month_and_address)
{
	const char *addr[5];
	char buf[128], m[32];
	size_t n;

	cr_expect_str_eq(
	    doc_month_fr(m, sizeof(m), (sepa_month){2026, 8}), "août 2026");
	cr_expect_str_eq(
	    doc_month_fr(m, sizeof(m), (sepa_month){2026, 13}), "? 2026");
	n = doc_address(addr, buf, sizeof(buf), "Noël L'Hôte", "3",
	    "rue des Écoles", "99999", "Saint-Exemple", "FR");
	cr_assert_eq(n, 3);
	cr_expect_str_eq(addr[1], "3 rue des Écoles");
	cr_expect_str_eq(addr[2], "99999 Saint-Exemple");
	n = doc_address(addr, buf, sizeof(buf), "Ana Pereira", "", "", "1000",
	    "Bruxelles", "BE");
	cr_assert_eq(n, 3);
	cr_expect_str_eq(addr[1], "1000 Bruxelles");
	cr_expect_str_eq(addr[2], "BE");
}
