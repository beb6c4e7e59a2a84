/*
 * excelfr.h - check, from an end-to-end test, that a CSV for people opens
 * as French Excel opens it: its headings start with `head`, then
 * tests/it/excel_fr.py reads it (UTF-8 byte-order mark, ';', CRLF,
 * python3's csv module, amounts with a decimal comma, no ISO date, no
 * cell that starts a formula) and finds each of `want` (HEADING=VALUE,
 * shell words) in some row. The file is written under `dir`.
 */
#ifndef SEPAD_EXCELFR_H
#define SEPAD_EXCELFR_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void
excelfr_check(const char *dir, const char *what, const char *text,
    const char *head, const char *want)
{
	char path[256], cmd[4096];
	FILE *fp;

	cr_assert(strncmp(text, "\xEF\xBB\xBF", 3) == 0, "%s: %s", what, text);
	cr_assert(
	    strncmp(text + 3, head, strlen(head)) == 0, "%s: %s", what, text);
	snprintf(path, sizeof(path), "%s/excel.csv", dir);
	fp = fopen(path, "wb");
	cr_assert_not_null(fp, "%s", path);
	fputs(text, fp);
	fclose(fp);
	snprintf(cmd, sizeof(cmd),
	    "python3 %s/tests/it/excel_fr.py %s %s >/dev/null", SEPAD_SRCDIR,
	    path, want);
	cr_assert_eq(system(cmd), 0, "%s: %s\n%s", what, cmd, text);
}

#endif /* SEPAD_EXCELFR_H */
