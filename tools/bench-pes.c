/*
 * bench-pes.c - time the PES writer and validator on the synthetic
 * invoices of bench-pain008 (tools/bench_rows.h), one ORMC piece with
 * SEPA data per invoice, against xmllint.
 *
 *   bench-pes --pieces N --out FILE [--no-validate] [--schema-dir DIR]
 *             [--no-xmllint] [--once]
 *
 * --once writes the flow once, validated, as sepad would, and nothing
 * else: for instruction counts (callgrind) beside bench-pain008 --once.
 *
 * N invoices make ceil(N / 99999) bordereaux of equal size (NbrPce has
 * at most 5 digits).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_rows.h"
#include "sepa/sepa.h"

#define BENCH_BORD_MAX 99999

/* The texts a piece points to. */
struct bench_text {
	char street[96];
	char ref[24];
};

/* The piece of invoice i (its row r), into the caller's structures. */
static void
bench_piece(const struct bench_row *r, long i, long id_pce, sepa_pes_piece *p,
    sepa_pes_line *l, sepa_pes_debtor *d, sepa_pes_debit *deb,
    struct bench_text *t)
{
	memset(p, 0, sizeof(*p));
	memset(d, 0, sizeof(*d));
	memset(deb, 0, sizeof(*deb));
	*l = (sepa_pes_line){"Restauration scolaire et garderie - septembre "
	                     "2026",
	    "REST", "588", r->amount};
	snprintf(t->street, sizeof(t->street), "%s %s", r->bldg, r->street);
	snprintf(t->ref, sizeof(t->ref), "FAM-%08ld", i + 1);
	d->ref_tiers = t->ref;
	d->civilite = r->amount % 2 == 0 ? "Mme" : "M.";
	d->nom = r->last;
	d->prenom = r->first;
	d->adr2 = t->street;
	d->cp = "62440";
	d->ville = "Harnes";
	d->iban = r->iban;
	d->bic = r->bic;
	deb->due_date = (sepa_date){2026, 10, 15};
	deb->seq = SEPA_SEQ_RCUR;
	deb->rum = r->rum;
	deb->signature_date = r->signed_on;
	deb->label = r->rmt;
	switch (r->amend) {
	case 1:
		deb->account = SEPA_AMEND_SAME_BANK;
		deb->old_iban = r->old_iban;
		break;
	case 2:
		deb->account = SEPA_AMEND_OTHER_BANK;
		break;
	case 3:
		deb->old_rum = r->old_rum;
		break;
	case 4:
		deb->old_ics = "FR46ZZZ005002";
		deb->old_creditor_name = "Régie municipale de Harnes";
		break;
	default:
		break;
	}
	p->id_pce = id_pce;
	p->objet = r->rmt;
	p->num_dette = (uint64_t)(202600000 + i + 1);
	p->per = 0;
	p->lines = l;
	p->nb_lines = 1;
	p->debtor = d;
	p->debit = deb;
}

/* Write the N invoices to out; *secs gets the wall time. */
static int
bench_write(const char *out, const sepa_pes_opts *o, long n,
    sepa_pes_info *info, double *secs, sepa_error *err)
{
	sepa_pes_header h = {0};
	sepa_pes_writer *w = NULL;
	long nbord = (n + BENCH_BORD_MAX - 1) / BENCH_BORD_MAX;
	long per_bord = (n + nbord - 1) / nbord;
	double t0 = bench_now();
	uint64_t rs = 42;
	long i = 0;
	int rc;

	h.sigle = "sepad";
	h.adresse = "sepad bench";
	h.dte_str = (sepa_date){2026, 10, 6};
	h.id_post = "062008";
	h.id_coll = "21620413900017";
	h.cod_col = "123";
	h.cod_bud = "01";
	if ((rc = sepa_pes_open(&w, out, o, &h, err)) != 0)
		return rc;
	for (long k = 0; k < nbord; k++) {
		sepa_pes_bordereau b = {0};
		long first = i, count;
		uint64_t rs0 = rs;
		struct bench_row r;

		count = n - first < per_bord ? n - first : per_bord;
		/* Totals first, as the store would get them by SQL. */
		for (long j = 0; j < count; j++) {
			bench_row(&r, first + j, &rs);
			b.mt_bord_ht += r.amount;
		}
		rs = rs0;
		b.exer = 2026;
		b.id_bord = 42 + k;
		b.dte_bord_em = (sepa_date){2026, 10, 6};
		b.objet = "Restauration scolaire et périscolaire - septembre "
		          "2026";
		b.nbr_pce = count;
		if ((rc = sepa_pes_begin_bordereau(w, &b, err)) != 0)
			goto fail;
		for (long j = 0; j < count; j++, i++) {
			sepa_pes_piece p;
			sepa_pes_line l;
			sepa_pes_debtor d;
			sepa_pes_debit deb;
			struct bench_text t;

			bench_row(&r, i, &rs);
			bench_piece(&r, i, j + 1, &p, &l, &d, &deb, &t);
			if ((rc = sepa_pes_add(w, &p, err)) != 0)
				goto fail;
		}
		if ((rc = sepa_pes_end_bordereau(w, err)) != 0)
			goto fail;
	}
	rc = sepa_pes_close(w, info, err);
	*secs = bench_now() - t0;
	return rc;
fail:
	sepa_pes_abort(w);
	return rc;
}

static void
bench_usage(void)
{
	fprintf(stderr,
	    "usage: bench-pes --pieces N --out FILE [--no-validate] "
	    "[--schema-dir DIR] [--no-xmllint] [--once]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	sepa_pes_opts o = SEPA_PES_OPTS_INIT;
	sepa_pes_info info;
	sepa_error err = SEPA_ERROR_INIT;
	struct bench_args a;
	const char *out, *schema_dir;
	char msg[1024], xsd[4096];
	int validate, xmllint;
	double t0, t_write, t_both = 0, t_val = 0, t_lint;
	long n;

	bench_args_parse(&a, argc, argv, "pieces", bench_usage);
	if (a.version != NULL)
		bench_usage();
	n = a.n;
	out = a.out;
	schema_dir = a.schema_dir;
	validate = a.validate;
	xmllint = a.xmllint;
	o.schema_dir = schema_dir;
	if (a.once) {
		/* What sepad does, alone (for instruction counts). */
		if (bench_write(out, &o, n, &info, &t_both, &err) != 0)
			goto fail;
		printf("PES, %ld pieces written and validated once in %.2f s, "
		       "%llu bytes, peak RSS %ld MB\n",
		    n, t_both, (unsigned long long)info.bytes, bench_rss_mb());
		return 0;
	}
	o.validate = 0;
	if (bench_write(out, &o, n, &info, &t_write, &err) != 0)
		goto fail;
	if (validate) {
		o.validate = 1;
		if (bench_write(out, &o, n, &info, &t_both, &err) != 0)
			goto fail;
		t0 = bench_now();
		if (sepa_pes_validate_file(out, schema_dir, NULL, &err) != 0)
			goto fail;
		t_val = bench_now() - t0;
	}
	printf("PES ORMC, %ld pieces with SEPA data in %ld bordereaux, %llu "
	       "bytes, %s\n",
	    info.nb_pieces, info.nb_bordereaux, (unsigned long long)info.bytes,
	    out);
	printf("  write only (checks, reduction, keys, SHA-256, fsync, "
	       "rename)   %6.2f s\n",
	    t_write);
	if (validate) {
		printf("  write + validation (XSD + rules, one streamed pass)  "
		       "     %6.2f s\n",
		    t_both);
		printf("  validation alone of the file (validate_file)        "
		       "      %6.2f s\n",
		    t_val);
	}
	printf("  peak RSS (whole run)                                  "
	       "    %6ld MB\n",
	    bench_rss_mb());
	if (validate && xmllint) {
		snprintf(xsd, sizeof(xsd), "%s/%s", schema_dir, SEPA_PES_XSD);
		t_lint = bench_xmllint(xsd, out);
		if (t_lint < 0)
			printf("  xmllint --stream --schema: failed\n");
		else
			printf(
			    "  xmllint --stream --schema                        "
			    "         %6.2f s   (write + validation) / "
			    "xmllint = %.2f\n",
			    t_lint, t_both / t_lint);
	}
	return 0;
fail:
	fprintf(stderr, "bench-pes: %s\n",
	    sepa_error_format(&err, msg, sizeof(msg)));
	return 1;
}
