/*
 * bench_rows.h - the synthetic invoices of the benchmarks (bench-pain008,
 * bench-pes): French names with accents, '&' and apostrophes, valid French
 * IBANs, half with a BIC, 10% with an address, 1% with an amendment (the
 * four kinds in turn), remittance text with accents; the same rows for the
 * same index on every run. Also the clock, the peak RSS and a timed
 * xmllint. Static inline: each tool takes what it uses.
 */
#ifndef SEPA_BENCH_ROWS_H
#define SEPA_BENCH_ROWS_H

#include <getopt.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "sepa/sepa.h"

extern char **environ;

static const char *const bench_first[] = {"Élodie", "Zoé", "François", "Hélène",
    "Jérôme", "Gaëlle", "Noël", "Anaïs", "Benoît", "Chloé", "Loïc", "Maël",
    "Inès", "Léa", "Amélie", "Côme", "Agnès", "Cédric", "Raphaël", "Océane"};
static const char *const bench_last[] = {"Lefèvre", "Dupré", "Bénard", "Gaudé",
    "Mézière", "Crémieux", "Lemaître", "Hébert", "Fournier", "Prévost",
    "Dubœuf", "D'Arcy", "Bérégovoy", "Lécuyer", "Delcroix", "Śliwiński",
    "Müller", "Nuñez", "Évrard", "Duchêne"};
static const char *const bench_street[] = {"rue des Fusillés",
    "avenue de la République", "place Jean-Jaurès", "rue Émile Zola",
    "chemin du Marais", "rue de l'Église"};

/* xorshift64*: the same sequence on every run. */
static inline uint64_t
bench_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

static inline int
bench_mod97(const char *s)
{
	int r = 0;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			r = (r * 10 + (*s - '0')) % 97;
		else
			r = (r * 100 + (*s - 'A' + 10)) % 97;
	}
	return r;
}

/* A valid French IBAN for a bank code and an account number. */
static inline void
bench_iban(
    char out[SEPA_IBAN_BUFSZ], unsigned bank, unsigned branch, uint64_t account)
{
	char bban[32], tmp[40];
	uint64_t key;

	account %= UINT64_C(100000000000);
	key = 97 -
	    ((89 * (uint64_t)bank + 15 * (uint64_t)branch + 3 * account) % 97);
	snprintf(bban, sizeof(bban), "%05u%05u%011llu%02llu", bank, branch,
	    (unsigned long long)account, (unsigned long long)key);
	snprintf(tmp, sizeof(tmp), "%sFR00", bban);
	snprintf(out, SEPA_IBAN_BUFSZ, "FR%02d%s", 98 - bench_mod97(tmp), bban);
}

struct bench_row {
	char e2e[36];
	char rum[36];
	char old_rum[36];
	char name[96];
	const char *first; /* the debtor's first and last names */
	const char *last;
	char child[64];
	char iban[SEPA_IBAN_BUFSZ];
	char old_iban[SEPA_IBAN_BUFSZ];
	const char *bic;
	char rmt[160];
	char street[80];
	char bldg[8];
	int64_t amount;
	int has_addr;
	int amend; /* 0 none, 1 new IBAN, 2 new bank, 3 RUM, 4 ICS + name */
	sepa_date signed_on;
};

static inline void
bench_row(struct bench_row *r, long i, uint64_t *rs)
{
	uint64_t x = bench_rand(rs);
	unsigned bank = 10000 + (unsigned)(x % 80000);
	const char *f = bench_first[x % 20];
	const char *l = bench_last[(x >> 8) % 20];

	r->first = f;
	r->last = l;
	snprintf(r->e2e, sizeof(r->e2e), "HARNES-2026-10-%08ld", i);
	snprintf(r->rum, sizeof(r->rum), "RUM-HARNES-%08ld", i);
	if ((x >> 16) % 5 == 0)
		snprintf(r->name, sizeof(r->name), "M. & Mme %s %s", f, l);
	else
		snprintf(r->name, sizeof(r->name), "%s %s", f, l);
	snprintf(r->child, sizeof(r->child), "%s %s",
	    bench_first[(x >> 24) % 20], l);
	bench_iban(r->iban, bank, 100 + (unsigned)((x >> 20) % 900),
	    (uint64_t)i * 7919 + 11);
	r->bic = (x >> 30) % 2 == 0 ? "AGRIFRPP867" : NULL;
	r->amount = 100 + (int64_t)((x >> 32) % 25000);
	snprintf(r->rmt, sizeof(r->rmt),
	    "Facture 2026-09 n° %08ld restauration scolaire et garderie "
	    "périscolaire - famille %s",
	    i, l);
	r->has_addr = (x >> 40) % 10 == 0;
	snprintf(
	    r->street, sizeof(r->street), "%s", bench_street[(x >> 44) % 6]);
	snprintf(r->bldg, sizeof(r->bldg), "%u", (unsigned)((x >> 48) % 200));
	r->amend = i % 100 == 7 ? 1 + (int)((i / 100) % 4) : 0;
	if (r->amend == 1)
		bench_iban(r->old_iban, bank, 100, (uint64_t)i * 31 + 5);
	snprintf(r->old_rum, sizeof(r->old_rum), "OLD-RUM-%08ld", i);
	r->signed_on.year = 2018 + (int)((x >> 52) % 8);
	r->signed_on.month = 1 + (int)((x >> 56) % 12);
	r->signed_on.day = 1 + (int)((x >> 60) % 28);
}

static inline double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline long
bench_rss_mb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024;
}

/* Run xmllint --stream --schema, return its wall time or -1. */
static inline double
bench_xmllint(const char *xsd, const char *file)
{
	double t0 = bench_now();
	int status;
	char a0[] = "xmllint", a1[] = "--stream", a2[] = "--noout",
	     a3[] = "--schema";
	char *x = strdup(xsd), *f = strdup(file);
	char *args[] = {a0, a1, a2, a3, x, f, NULL};
	pid_t pid;
	int rc;

	rc = x != NULL && f != NULL
	    ? posix_spawnp(&pid, "xmllint", NULL, NULL, args, environ)
	    : -1;
	free(x);
	free(f);
	if (rc != 0)
		return -1;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return bench_now() - t0;
}

/* The options both benchmarks take. */
struct bench_args {
	long n; /* --tx or --pieces */
	const char *out;
	const char *schema_dir; /* "schemas" */
	const char *version; /* --version, NULL when not given */
	int validate; /* 0 with --no-validate */
	int xmllint; /* 0 with --no-xmllint */
	int once;
};

/*
 * Parse --COUNT N --out FILE [--version V] [--no-validate]
 * [--schema-dir DIR] [--no-xmllint] [--once]; usage() (which exits) on
 * anything else or without N and FILE.
 */
static inline void
bench_args_parse(struct bench_args *a, int argc, char **argv, const char *count,
    void (*usage)(void))
{
	const struct option longopts[] = {{count, 1, NULL, 'n'},
	    {"out", 1, NULL, 'o'}, {"no-validate", 0, NULL, 'v'},
	    {"schema-dir", 1, NULL, 's'}, {"no-xmllint", 0, NULL, 'x'},
	    {"once", 0, NULL, '1'}, {"version", 1, NULL, 'V'},
	    {NULL, 0, NULL, 0}};
	int c;

	memset(a, 0, sizeof(*a));
	a->schema_dir = "schemas";
	a->validate = a->xmllint = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			a->n = atol(optarg);
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'v':
			a->validate = 0;
			break;
		case 's':
			a->schema_dir = optarg;
			break;
		case 'x':
			a->xmllint = 0;
			break;
		case '1':
			a->once = 1;
			break;
		case 'V':
			a->version = optarg;
			break;
		default:
			usage();
		}
	}
	if (a->n < 1 || a->out == NULL)
		usage();
}

#endif /* SEPA_BENCH_ROWS_H */
