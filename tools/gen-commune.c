/*
 * gen-commune.c - write a plausible commune's CSV inputs (docs/product.md,
 * Inputs) for demos and benchmarks:
 *
 *   gen-commune --families N --month YYYY-MM --out DIR [--seed S]
 *
 * DIR/families.csv, mandates.csv, tariffs.csv and consumption.csv (the
 * consumption of month YYYY-MM). French names with accents, addresses,
 * brackets T1..T6, tariffs per service and bracket with a change on the
 * 1st of January of the school year, valid French IBANs (RIB key and
 * MOD 97 computed), BIC on some mandates, some families without one,
 * 1 to 3 children. The leisure centre is billed per hour (ALSH) or per
 * day (ALSH_JOURNEE, on Wednesdays and in July and August), both declared
 * to the CAF as extrascolaire; each child has a birth date between
 * September 2014 and August 2023 (1 in 30 none), the same whatever the
 * month. The same arguments always give the same bytes.
 * Each file is written to a temporary name, then renamed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sepa/sepa.h"

static const char *const gen_first[] = {"Françoise", "Hélène", "Noël", "Zoé",
    "Gaëlle", "Jérôme", "Loïc", "Maëlys", "Chloé", "Léa", "Benoît", "Cécile",
    "Éric", "Anaïs", "Joël", "Agnès", "Clément", "Raphaël", "Inès", "Océane",
    "Théo", "Lucas", "Camille", "Manon", "Hugo", "Émilie", "Aurélien", "Mathéo",
    "Léna", "Nathalie", "Frédéric", "Stéphane", "Sébastien", "Amélie", "Adèle",
    "Bérénice", "Maïwenn", "Gérald", "Yannick", "Sophie"};
static const char *const gen_last[] = {"Lefèvre", "L'Hôte", "Œuvre", "Martin",
    "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
    "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia",
    "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
    "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
    "Légaré", "Béranger", "Château", "Dürr", "Le Goff", "D'Almeida", "Crépin",
    "Noël"};
static const char *const gen_street[] = {"rue des Écoles", "avenue Jean Jaurès",
    "place de l'Église", "chemin des Prés", "rue du Château d'Eau",
    "allée des Tilleuls", "boulevard Gambetta", "impasse des Cèdres",
    "rue Émile Zola", "route de la Forêt", "rue Pasteur", "cours Victor Hugo",
    "rue de la Mairie", "square des Hêtres", "quai de la Saône"};
static const struct {
	const char *postcode;
	const char *town;
} gen_town[] = {{"99999", "Saint-Exemple"}, {"99998", "Saint-Exemple-le-Haut"},
    {"99997", "Les Essarts-d'Exemple"}, {"99996", "Œuilly-sur-Exemple"}};
/* French banks: bank code and BIC. */
static const struct {
	const char *code;
	const char *bic;
} gen_bank[] = {{"30004", "BNPAFRPP"}, {"30003", "SOGEFRPP"},
    {"30006", "AGRIFRPP"}, {"10278", "CMCIFR2A"}, {"20041", "PSSTFRPPXXX"},
    {"11315", "CEPAFRPP"}, {"10107", "BREDFRPP"}, {"30002", "CRLYFRPP"}};

/* Services: code, unit, price of bracket T1 and step per bracket (cents),
 * CAF activity, and the name the notices print. */
static const struct {
	const char *code;
	const char *unit;
	int base;
	int step;
	const char *caf;
	const char *label;
} gen_service[] = {{"CANTINE", "meal", 90, 70, "none", "Restauration scolaire"},
    {"GARDERIE_MATIN", "slot", 50, 25, "none", "Garderie du matin"},
    {"GARDERIE_SOIR", "slot", 60, 30, "none", "Garderie du soir"},
    {"ALSH", "hour", 70, 35, "extrascolaire", "Accueil de loisirs"},
    {"ALSH_JOURNEE", "day", 800, 250, "extrascolaire",
        "Accueil de loisirs (journée)"}};
#define GEN_BRACKETS 6
static const char *const gen_hours[] = {
    "1:30", "2,5", "3", "0:45", "1", "2:15", "4", "1,5"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* splitmix64: small, fast and the same everywhere. */
static uint64_t
gen_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static unsigned
gen_below(uint64_t *s, unsigned n)
{
	return (unsigned)(gen_next(s) % n);
}

/*
 * A stream of its own for what must not move the main one (so the files
 * of the same seed and month keep their bytes when a column is added):
 * keyed on the seed and up to three numbers.
 */
static uint64_t
gen_side(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t s = seed ^ UINT64_C(0x6A09E667F3BCC909);

	s = (s ^ gen_next(&(uint64_t){a + 1})) * UINT64_C(0x9E3779B97F4A7C15);
	s = (s ^ gen_next(&(uint64_t){b + 7})) * UINT64_C(0xBF58476D1CE4E5B9);
	s = (s ^ gen_next(&(uint64_t){c + 13})) * UINT64_C(0x94D049BB133111EB);
	return s;
}

/* Remainder mod 97 of a decimal string. */
static unsigned
gen_mod97(const char *digits)
{
	unsigned r = 0;

	for (const char *p = digits; *p != '\0'; p++)
		r = (r * 10 + (unsigned)(*p - '0')) % 97;
	return r;
}

/* A valid French IBAN for a bank code, a branch and an account number. */
static void
gen_iban(
    char *out, size_t size, const char *bank, unsigned branch, uint64_t account)
{
	char rib[32], num[64];
	unsigned key, check;

	/* RIB key: 97 - (89 bank + 15 branch + 3 account) mod 97. */
	snprintf(rib, sizeof(rib), "%s%05u%011llu", bank, branch,
	    (unsigned long long)account);
	key = 97 -
	    (unsigned)((89 * (uint64_t)atoi(bank) + 15 * (uint64_t)branch +
	                   3 * (account % 97)) %
	        97);
	/* IBAN check digits: BBAN + "FR00" as digits (F=15, R=27). */
	snprintf(num, sizeof(num), "%s%02u152700", rib, key);
	check = 98 - gen_mod97(num);
	snprintf(out, size, "FR%02u%s%02u", check, rib, key);
}

struct gen_out {
	FILE *fp;
	char tmp[4096];
	char path[4096];
};

static int
gen_open(struct gen_out *o, const char *dir, const char *name)
{
	snprintf(o->path, sizeof(o->path), "%s/%s", dir, name);
	snprintf(o->tmp, sizeof(o->tmp), "%s/.%s.tmp", dir, name);
	if ((o->fp = fopen(o->tmp, "w")) == NULL) {
		fprintf(stderr, "gen-commune: could not create %s: %s\n",
		    o->tmp, strerror(errno));
		return -1;
	}
	setvbuf(o->fp, NULL, _IOFBF, 1 << 20);
	return 0;
}

static int
gen_close(struct gen_out *o)
{
	int bad = ferror(o->fp);

	if (fclose(o->fp) != 0 || bad) {
		fprintf(stderr, "gen-commune: could not write %s: %s\n", o->tmp,
		    strerror(errno));
		remove(o->tmp);
		return -1;
	}
	if (rename(o->tmp, o->path) != 0) {
		fprintf(stderr, "gen-commune: could not rename %s: %s\n",
		    o->tmp, strerror(errno));
		remove(o->tmp);
		return -1;
	}
	return 0;
}

/* Lower-case ASCII form of a name for an e-mail address. */
static void
gen_mailpart(char *out, size_t size, const char *name)
{
	char plain[128];
	sepa_error err = SEPA_ERROR_INIT;
	size_t j = 0;

	int trunc;

	if (sepa_text_latin(plain, sizeof(plain), name, 60, 0, &trunc, &err) <
	    0)
		snprintf(plain, sizeof(plain), "famille");
	for (size_t i = 0; plain[i] != '\0' && j + 1 < size; i++) {
		char c = plain[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[j++] = c;
	}
	out[j] = '\0';
}

/* French public holidays with no school (fixed dates, Easter Monday,
 * Ascension, Whit Monday). */
static int
gen_holiday(sepa_date d)
{
	static const int fixed[][2] = {{1, 1}, {5, 1}, {5, 8}, {7, 14}, {8, 15},
	    {11, 1}, {11, 11}, {12, 25}};
	sepa_date easter = sepa_easter(d.year);
	long e = sepa_date_to_days(easter), x = sepa_date_to_days(d);

	for (size_t i = 0; i < N(fixed); i++)
		if (d.month == fixed[i][0] && d.day == fixed[i][1])
			return 1;
	return x == e + 1 || x == e + 39 || x == e + 50;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"families", required_argument, NULL, 'f'},
	    {"month", required_argument, NULL, 'm'},
	    {"out", required_argument, NULL, 'o'},
	    {"seed", required_argument, NULL, 's'},
	    {NULL, 0, NULL, 0},
	};
	sepa_error err = SEPA_ERROR_INIT;
	struct gen_out fam, man, tar, con;
	const char *dir = NULL, *month_s = NULL;
	long families = -1;
	uint64_t seed = 1, rng;
	sepa_month month;
	int ch, ndays, holidays;
	long lines = 0;
	char *end;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			errno = 0;
			families = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || families < 1 ||
			    families > 9999999) {
				fprintf(stderr,
				    "gen-commune: --families needs 1 to "
				    "9999999, not \"%s\"\n",
				    optarg);
				return 2;
			}
			break;
		case 'm':
			month_s = optarg;
			break;
		case 'o':
			dir = optarg;
			break;
		case 's':
			errno = 0;
			seed = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || optarg[0] == '\0' ||
			    optarg[0] == '-') {
				fprintf(stderr,
				    "gen-commune: --seed needs a number, not "
				    "\"%s\"\n",
				    optarg);
				return 2;
			}
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc || families < 0 || month_s == NULL || dir == NULL)
		goto usage;
	if (sepa_month_parse(&month, month_s, &err) != 0) {
		fprintf(stderr, "gen-commune: --month: %s\n", err.msg);
		return 2;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "gen-commune: could not create %s: %s\n", dir,
		    strerror(errno));
		return 1;
	}
	if (gen_open(&fam, dir, "families.csv") != 0 ||
	    gen_open(&man, dir, "mandates.csv") != 0 ||
	    gen_open(&tar, dir, "tariffs.csv") != 0 ||
	    gen_open(&con, dir, "consumption.csv") != 0)
		return 1;

	/* Tariffs: from 1 September of the school year, then 1 January. */
	{
		sepa_date first = sepa_month_day(month, 1);
		int sy = sepa_school_year(first);

		fputs(
		    "service;bracket;unit;price;valid_from;caf_activity;label\n",
		    tar.fp);
		for (size_t s = 0; s < N(gen_service); s++)
			for (int b = 0; b < GEN_BRACKETS; b++) {
				int p = gen_service[s].base +
				    b * gen_service[s].step;
				int q = p + p / 20 + 5; /* January rise */

				fprintf(tar.fp,
				    "%s;T%d;%s;%d,%02d;%04d-09-01;%s;%s\n",
				    gen_service[s].code, b + 1,
				    gen_service[s].unit, p / 100, p % 100, sy,
				    gen_service[s].caf, gen_service[s].label);
				fprintf(tar.fp,
				    "%s;T%d;%s;%d,%02d;%04d-01-01;%s;%s\n",
				    gen_service[s].code, b + 1,
				    gen_service[s].unit, q / 100, q % 100,
				    sy + 1, gen_service[s].caf,
				    gen_service[s].label);
			}
	}

	fputs("family_ref;payer_name;street;postcode;city;country;email;"
	      "bracket\n",
	    fam.fp);
	fputs("rum;family_ref;iban;bic;signed_on\n", man.fp);
	fputs("family_ref;child_ref;child_name;service;date;quantity;"
	      "birth_date\n",
	    con.fp);
	ndays = sepa_days_in_month(month.year, month.month);
	holidays = month.month == 7 || month.month == 8;
	rng = seed * UINT64_C(0x2545F4914F6CDD1D) + 1;
	for (long f = 1; f <= families; f++) {
		const char *first = gen_first[gen_below(&rng, N(gen_first))];
		const char *last = gen_last[gen_below(&rng, N(gen_last))];
		unsigned town = gen_below(&rng, 100) < 85
		    ? 0
		    : 1 + gen_below(&rng, N(gen_town) - 1);
		unsigned bracket = 1 + gen_below(&rng, GEN_BRACKETS);
		unsigned roll = gen_below(&rng, 20);
		unsigned nchild = roll < 9 ? 1 : roll < 17 ? 2 : 3;
		char ref[32], mail[160], a[64], b[64];

		snprintf(ref, sizeof(ref), "FAM%07ld", f);
		gen_mailpart(a, sizeof(a), first);
		gen_mailpart(b, sizeof(b), last);
		if (gen_below(&rng, 10) < 8)
			snprintf(mail, sizeof(mail), "%s.%s%ld@exemple.fr", a,
			    b, f % 1000);
		else
			mail[0] = '\0';
		fprintf(fam.fp, "%s;%s %s;%u %s;%s;%s;FR;%s;T%u\n", ref, first,
		    last, 1 + gen_below(&rng, 180),
		    gen_street[gen_below(&rng, N(gen_street))],
		    gen_town[town].postcode, gen_town[town].town, mail,
		    bracket);

		/* 9 families in 10 pay by direct debit. */
		if (gen_below(&rng, 10) != 0) {
			unsigned bk = gen_below(&rng, N(gen_bank));
			char iban[40];
			sepa_month signed_m = sepa_month_add(
			    month, -(int)(1 + gen_below(&rng, 30)));

			gen_iban(iban, sizeof(iban), gen_bank[bk].code,
			    gen_below(&rng, 100000),
			    gen_next(&rng) % UINT64_C(100000000000));
			/* The lib's validator has the last word. */
			if (sepa_iban_validate(iban, &err) != 0) {
				fprintf(
				    stderr, "gen-commune: bug: %s\n", err.msg);
				return 3;
			}
			fprintf(man.fp, "RUM-%s-%04d;%s;%s;%s;%04d-%02d-%02u\n",
			    ref, signed_m.year, ref, iban,
			    gen_below(&rng, 10) < 6 ? gen_bank[bk].bic : "",
			    signed_m.year, signed_m.month,
			    1 + gen_below(&rng, 28));
		}

		for (unsigned c = 1; c <= nchild; c++) {
			const char *cfirst =
			    gen_first[gen_below(&rng, N(gen_first))];
			/* What this child uses, in percent of the days. */
			unsigned canteen = gen_below(&rng, 3) == 0
			    ? 0
			    : 40 + gen_below(&rng, 51);
			unsigned morning =
			    gen_below(&rng, 3) == 0 ? 0 : gen_below(&rng, 35);
			unsigned evening =
			    gen_below(&rng, 3) == 0 ? 0 : gen_below(&rng, 45);
			unsigned alsh = gen_below(&rng, 2) == 0
			    ? 0
			    : 30 + gen_below(&rng, 60);
			/* The child's own stream: birth date and whole days
			 * at the leisure centre, the same every month. */
			uint64_t side = gen_side(seed, (uint64_t)f, c, 0);
			uint64_t days = gen_side(seed, (uint64_t)f, c,
			    (uint64_t)(month.year * 12 + month.month));
			sepa_date born = sepa_date_add_days(
			    (sepa_date){2014, 9, 1}, gen_below(&side, 3287));
			unsigned journee = gen_below(&side, 3) == 0
			    ? 15 + gen_below(&side, 40)
			    : 0;
			char birth[SEPA_DATE_BUFSZ] = "";

			if (gen_below(&side, 30) != 0)
				sepa_date_iso(birth, born);

			for (int d = 1; d <= ndays; d++) {
				sepa_date day = {month.year, month.month, d};
				int wd = sepa_date_weekday(day);

				if (wd >= 6 || gen_holiday(day))
					continue;
				if (!holidays && wd != 3) {
					if (canteen > 0 &&
					    gen_below(&rng, 100) < canteen) {
						fprintf(con.fp,
						    "%s;E%u;%s %s;CANTINE;"
						    "%04d-%02d-%02d;1;%s\n",
						    ref, c, cfirst, last,
						    day.year, day.month, d,
						    birth);
						lines++;
					}
					if (gen_below(&rng, 100) < morning) {
						fprintf(con.fp,
						    "%s;E%u;%s %s;"
						    "GARDERIE_MATIN;"
						    "%04d-%02d-%02d;1;%s\n",
						    ref, c, cfirst, last,
						    day.year, day.month, d,
						    birth);
						lines++;
					}
					if (gen_below(&rng, 100) < evening) {
						fprintf(con.fp,
						    "%s;E%u;%s %s;"
						    "GARDERIE_SOIR;"
						    "%04d-%02d-%02d;1;%s\n",
						    ref, c, cfirst, last,
						    day.year, day.month, d,
						    birth);
						lines++;
					}
				} else if (alsh > 0 &&
				    gen_below(&rng, 100) < alsh) {
					fprintf(con.fp,
					    "%s;E%u;%s %s;ALSH;"
					    "%04d-%02d-%02d;%s;%s\n",
					    ref, c, cfirst, last, day.year,
					    day.month, d,
					    gen_hours[gen_below(
					        &rng, N(gen_hours))],
					    birth);
					lines++;
				} else if ((holidays || wd == 3) &&
				    journee > 0 &&
				    gen_below(&days, 100) < journee) {
					/* a whole day, or 1 in 4 a half */
					fprintf(con.fp,
					    "%s;E%u;%s %s;ALSH_JOURNEE;"
					    "%04d-%02d-%02d;%s;%s\n",
					    ref, c, cfirst, last, day.year,
					    day.month, d,
					    gen_below(&days, 4) == 0 ? "0,5"
					                             : "1",
					    birth);
					lines++;
				}
			}
		}
	}
	if (gen_close(&fam) != 0 || gen_close(&man) != 0 ||
	    gen_close(&tar) != 0 || gen_close(&con) != 0)
		return 1;
	fprintf(stderr,
	    "gen-commune: %ld families, %ld consumption lines in %s\n",
	    families, lines, dir);
	return 0;
usage:
	fprintf(stderr,
	    "usage: gen-commune --families N --month YYYY-MM --out DIR "
	    "[--seed S]\n");
	return 2;
}
