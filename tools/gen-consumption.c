/*
 * gen-consumption.c - write a synthetic commune for the import benchmark:
 * DIR/families.csv, DIR/tariffs.csv and DIR/consumption.csv with LINES
 * consumption lines (two children per family, one service per child and
 * school day, French dates and "1:30" durations every third line).
 *
 *   gen-consumption [--lines N] [--families N] DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"

static FILE *
gen_open(const char *dir, const char *name)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	return fp;
}

static void
gen_close(FILE *fp)
{
	if (fflush(fp) != 0 || ferror(fp) || fclose(fp) != 0) {
		perror("gen-consumption: write");
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	long lines = 2000000, families = 5000, n = 0;
	const char *dir = NULL;
	sepa_date start = {2025, 9, 1};
	FILE *fp;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lines") == 0 && i + 1 < argc)
			lines = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--families") == 0 && i + 1 < argc)
			families = strtol(argv[++i], NULL, 10);
		else if (dir == NULL && argv[i][0] != '-')
			dir = argv[i];
		else
			dir = NULL, i = argc;
	}
	if (dir == NULL || lines <= 0 || families <= 0) {
		fprintf(stderr,
		    "usage: gen-consumption [--lines N] "
		    "[--families N] DIR\n");
		return 2;
	}

	fp = gen_open(dir, "families.csv");
	fputs("family_ref;payer_name;street;postcode;city;country;email;"
	      "bracket\n",
	    fp);
	for (long f = 0; f < families; f++)
		fprintf(fp,
		    "F%06ld;Famille Éloïse-%ld;%ld rue de l'Église;75%03ld;"
		    "Paris;FR;f%ld@example.fr;%c\n",
		    f, f, f % 200 + 1, f % 20 + 1, f, "ABC"[f % 3]);
	gen_close(fp);

	fp = gen_open(dir, "tariffs.csv");
	fputs("service;bracket;unit;price;valid_from\n", fp);
	for (int b = 0; b < 3; b++) {
		fprintf(fp, "canteen;%c;meal;%d,%02d;01/09/2025\n", "ABC"[b],
		    3 + b, 20 + 10 * b);
		fprintf(fp, "afterschool;%c;hour;1,%d0;2025-09-01\n", "ABC"[b],
		    5 + b);
	}
	gen_close(fp);

	fp = gen_open(dir, "consumption.csv");
	fputs("family_ref;child_ref;child_name;service;date;quantity\n", fp);
	for (long day = 0; n < lines; day++) {
		sepa_date d = sepa_date_add_days(start, day);

		for (long f = 0; f < families && n < lines; f++)
			for (int c = 1; c <= 2 && n < lines; c++, n++) {
				if ((day + c) % 3 != 0)
					fprintf(fp,
					    "F%06ld;C%d;Léa %ld;canteen;"
					    "%02d/%02d/%04d;1\n",
					    f, c, f, d.day, d.month, d.year);
				else
					fprintf(fp,
					    "F%06ld;C%d;Léa %ld;afterschool;"
					    "%04d-%02d-%02d;1:30\n",
					    f, c, f, d.year, d.month, d.day);
			}
	}
	gen_close(fp);
	return 0;
}
