/*
 * test_pain008.c - the pain.008 writer and validator.
 *
 * Schemas and golden files are found through SEPAD_SRCDIR, the absolute
 * path of the source tree the Makefile passes with -D, so the tests do
 * not depend on the current directory. Run with SEPAD_REGEN_GOLDEN=1 to
 * rewrite the golden files in tests/data/pain008/ after a deliberate
 * change (then read the diff).
 *
 * Disk full: an unprivileged test cannot mount a small tmpfs, and
 * /dev/full cannot stand in for a temporary file created next to the
 * target, so ENOSPC is simulated with the writer's injectable write hook
 * (sepa_pain008_opts.write_hook).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sepa/sepa.h"
#include "unit_files.h"
#include "xmlw.h"

#define SCHEMAS SEPAD_SRCDIR "/schemas"
#define GOLDEN SEPAD_SRCDIR "/tests/data/pain008"

/* ------------------------------------------------------------- sample */

#define NTX 5

/*
 * Two blocks (FRST and RCUR on 2026-10-15, a Thursday), five
 * transactions: with and without BIC and address, accented names and
 * every amendment kind.
 */
struct sample {
	sepa_pain008_opts o;
	sepa_pain008_header h;
	sepa_pain008_block b[2];
	sepa_pain008_tx tx[NTX];
	int tx_block[NTX];
	sepa_pain008_address caddr;
	sepa_pain008_address daddr;
	sepa_pain008_amendment am_iban;
	sepa_pain008_amendment am_bank;
	sepa_pain008_amendment am_rum_ics;
};

static void
sample_totals(struct sample *s)
{
	s->h.nb_of_txs = 0;
	s->h.ctrl_sum = 0;
	for (int k = 0; k < 2; k++) {
		s->b[k].nb_of_txs = 0;
		s->b[k].ctrl_sum = 0;
	}
	for (int i = 0; i < NTX; i++) {
		s->b[s->tx_block[i]].nb_of_txs++;
		s->b[s->tx_block[i]].ctrl_sum += s->tx[i].amount;
		s->h.nb_of_txs++;
		s->h.ctrl_sum += s->tx[i].amount;
	}
}

static void
sample_init(struct sample *s, enum sepa_pain008_version v)
{
	static const sepa_pain008_opts o = SEPA_PAIN008_OPTS_INIT;
	sepa_date due = {2026, 10, 15};

	memset(s, 0, sizeof(*s));
	s->o = o;
	s->o.version = v;
	s->o.schema_dir = SCHEMAS;

	s->h.msg_id = "HARNES-2026-10-0001";
	s->h.creation_time = "2026-10-06T08:00:00";
	s->h.initiating_party =
	    "Mairie de Harnes – Régie « Enfance & Jeunesse »";

	s->caddr = (sepa_pain008_address){
	    "Rue des Fusillés", "1", "62440", "Harnes", "FR", {NULL, NULL}};
	s->daddr = (sepa_pain008_address){"Rue Émile Zola", "12 bis", "62440",
	    "Harnes", "FR", {"Résidence Les Œillets", "Bâtiment C"}};

	for (int k = 0; k < 2; k++) {
		s->b[k].seq = k == 0 ? SEPA_SEQ_FRST : SEPA_SEQ_RCUR;
		s->b[k].pmt_inf_id =
		    k == 0 ? "HARNES-2026-10-FRST" : "HARNES-2026-10-RCUR";
		s->b[k].due_date = due;
		s->b[k].batch_booking = k == 0 ? 1 : -1;
		s->b[k].creditor_name = "Mairie de Harnes";
		s->b[k].creditor_iban = "FR76 3000 6000 0112 3456 7890 189";
		s->b[k].creditor_bic = k == 0 ? "AGRIFRPP867" : NULL;
		s->b[k].creditor_id = "FR72ZZZ123456";
		s->b[k].creditor_address = k == 0 ? &s->caddr : NULL;
	}

	s->am_iban.account = SEPA_AMEND_SAME_BANK;
	s->am_iban.orig_debtor_iban = "FR7630006000019876543210949";
	s->am_bank.account = SEPA_AMEND_OTHER_BANK;
	s->am_rum_ics.orig_mandate_id = "HARNES-RUM-OLD-0004";
	s->am_rum_ics.orig_creditor_id = "FR46ZZZ005002";
	s->am_rum_ics.orig_creditor_name = "Régie municipale de Harnes";

	/* 1: accented name, BIC, hybrid address, remittance. */
	s->tx[0] = (sepa_pain008_tx){.end_to_end_id = "HARNES-2026-10-0001-1",
	    .amount = 4250,
	    .mandate_id = "HARNES-RUM-0001",
	    .signature_date = {2025, 9, 1},
	    .debtor_name = "Élodie Lefèvre-Dupré",
	    .debtor_iban = "FR7620041010050005050001337",
	    .debtor_bic = "PSSTFRPPLIL",
	    .debtor_address = &s->daddr,
	    .ultimate_debtor = "Zoé Lefèvre",
	    .remittance = "Facture 2026-09 n° 0001 : cantine & garderie "
	                  "périscolaire"};
	s->tx_block[0] = 0;
	/* 2: apostrophe and '&', no BIC, no address, new IBAN same bank. */
	s->tx[1] = (sepa_pain008_tx){.end_to_end_id = "HARNES-2026-10-0002-1",
	    .instr_id = "INSTR-0002",
	    .amount = 1,
	    .mandate_id = "HARNES-RUM-0002",
	    .signature_date = {2024, 9, 2},
	    .amendment = &s->am_iban,
	    .debtor_name = "Jérôme D'Arcy & Françoise Noël",
	    .debtor_iban = "FR7630006000011234567890189"};
	s->tx_block[1] = 0;
	/* 3: new bank (SMNDA). */
	s->tx[2] = (sepa_pain008_tx){.end_to_end_id = "HARNES-2026-10-0003-1",
	    .amount = 99999999999,
	    .mandate_id = "HARNES-RUM-0003",
	    .signature_date = {2023, 1, 31},
	    .amendment = &s->am_bank,
	    .debtor_name = "Gaëlle Bénard",
	    .debtor_iban = "FR7610278023451122334455686",
	    .debtor_bic = "CMCIFR2A"};
	s->tx_block[2] = 1;
	/* 4: RUM, ICS and creditor name changed. */
	s->tx[3] = (sepa_pain008_tx){.end_to_end_id = "HARNES-2026-10-0004-1",
	    .amount = 12345,
	    .mandate_id = "HARNES-RUM-0004",
	    .signature_date = {2019, 6, 30},
	    .amendment = &s->am_rum_ics,
	    .debtor_name = "Benoît Crémieux",
	    .debtor_iban = "FR7617515900000432109876516",
	    .debtor_address = &s->caddr,
	    .remittance = "Facture 2026-09 n° 0004"};
	s->tx_block[3] = 1;
	/* 5: plain. */
	s->tx[4] = (sepa_pain008_tx){.end_to_end_id = "HARNES-2026-10-0005-1",
	    .amount = 6780,
	    .mandate_id = "HARNES-RUM-0005",
	    .signature_date = {2026, 10, 15},
	    .debtor_name = "Anaïs Hébert",
	    .debtor_iban = "FR7630004008281000123456750"};
	s->tx_block[4] = 1;
	sample_totals(s);
}

/* Write the sample; on failure the writer is aborted. */
static int
sample_write(const struct sample *s, const char *path, sepa_error *err)
{
	sepa_pain008_writer *w = NULL;
	int rc;

	if ((rc = sepa_pain008_open(&w, path, &s->o, &s->h, err)) != 0)
		return rc;
	for (int k = 0; k < 2; k++) {
		if ((rc = sepa_pain008_begin_block(w, &s->b[k], err)) != 0)
			goto fail;
		for (int i = 0; i < NTX; i++)
			if (s->tx_block[i] == k &&
			    (rc = sepa_pain008_add(w, &s->tx[i], err)) != 0)
				goto fail;
		if ((rc = sepa_pain008_end_block(w, err)) != 0)
			goto fail;
	}
	return sepa_pain008_close(w, NULL, err);
fail:
	sepa_pain008_abort(w);
	return rc;
}

/* ------------------------------------------------------ good files */

static const struct {
	enum sepa_pain008_version v;
	const char *golden;
	const char *ns;
	const char *bic_tag;
} versions[] = {
    {SEPA_PAIN008_V08, "sample-001.08.xml",
        "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08", "<BICFI>"},
    {SEPA_PAIN008_V02, "sample-001.02.xml",
        "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02", "<BIC>"},
};

Test(pain008, writes_both_versions_valid_and_as_golden)
{
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		sepa_pain008_info info;
		struct sample s;
		char path[512], golden[512], list[512];
		char *dir = tmpdir();
		char *got;
		size_t len;

		sample_init(&s, versions[i].v);
		snprintf(path, sizeof(path), "%s/%s", dir, versions[i].golden);
		cr_assert_eq(sample_write(&s, path, &err), 0, "%s: %s",
		    versions[i].golden, err.msg);
		cr_expect_eq(dir_list(dir, list, sizeof(list)), 2,
		    "expected the file and its sidecar, got %s", list);
		/* The official XSD (EPC130-08 for .08) and the rules. */
		cr_assert_eq(
		    sepa_pain008_validate_file(path, SCHEMAS, &info, &err), 0,
		    "%s: %s", versions[i].golden, err.msg);
		cr_expect_eq(info.version, versions[i].v);
		cr_expect_eq(info.nb_of_txs, 5);
		cr_expect_eq(info.nb_of_blocks, 2);
		cr_expect_eq(info.ctrl_sum, s.h.ctrl_sum);

		got = slurp(path, &len);
		cr_expect_not_null(strstr(got, versions[i].ns));
		cr_expect_not_null(strstr(got, versions[i].bic_tag));
		snprintf(golden, sizeof(golden), "%s/%s", GOLDEN,
		    versions[i].golden);
		if (getenv("SEPAD_REGEN_GOLDEN") != NULL)
			spit(golden, got);
		else {
			char *want = slurp(golden, NULL);

			cr_expect_str_eq(
			    got, want, "%s differs from %s", path, golden);
			free(want);
		}
		free(got);
		rmrf(dir);
	}
}

/* Each fragment must appear in the .08 file (a few in .02 as well). */
static const char *const fragments[] = {
    /* transliteration and escaping */
    "<Nm>Mairie de Harnes - Regie Enfance + Jeunesse</Nm>",
    "<Nm>Elodie Lefevre-Dupre</Nm>",
    "<Nm>Jerome D&apos;Arcy + Francoise Noel</Nm>",
    "<Ustrd>Facture 2026-09 no 0001 : cantine + garderie "
    "periscolaire</Ustrd>",
    /* no BIC: NOTPROVIDED; BIC: BICFI */
    "<Othr>\n              <Id>NOTPROVIDED</Id>",
    "<BICFI>PSSTFRPPLIL</BICFI>",
    /* hybrid address */
    "<StrtNm>Rue Emile Zola</StrtNm>\n            <BldgNb>12 "
    "bis</BldgNb>\n            <PstCd>62440</PstCd>\n            "
    "<TwnNm>Harnes</TwnNm>\n            <Ctry>FR</Ctry>\n            "
    "<AdrLine>Residence Les OEillets</AdrLine>\n            "
    "<AdrLine>Batiment C</AdrLine>",
    /* amendments, in XSD order */
    "<AmdmntInd>true</AmdmntInd>\n            <AmdmntInfDtls>\n"
    "              <OrgnlDbtrAcct>\n                <Id>\n"
    "                  <IBAN>FR7630006000019876543210949</IBAN>",
    "<OrgnlDbtrAcct>\n                <Id>\n                  <Othr>\n"
    "                    <Id>SMNDA</Id>",
    "<OrgnlMndtId>HARNES-RUM-OLD-0004</OrgnlMndtId>\n"
    "              <OrgnlCdtrSchmeId>\n"
    "                <Nm>Regie municipale de Harnes</Nm>\n"
    "                <Id>\n                  <PrvtId>\n"
    "                    <Othr>\n"
    "                      <Id>FR46ZZZ005002</Id>",
    /* amounts from cents */
    "<InstdAmt Ccy=\"EUR\">0.01</InstdAmt>",
    "<InstdAmt Ccy=\"EUR\">999999999.99</InstdAmt>",
    "<CtrlSum>1000000233.75</CtrlSum>",
    "<BtchBookg>true</BtchBookg>",
    "<CreDtTm>2026-10-06T08:00:00</CreDtTm>",
};

Test(pain008, content_of_the_v08_file)
{
	char path[512];
	struct sample s;
	sepa_error err = SEPA_ERROR_INIT;
	char *dir = tmpdir();
	char *got;

	sample_init(&s, SEPA_PAIN008_V08);
	snprintf(path, sizeof(path), "%s/out.xml", dir);
	cr_assert_eq(sample_write(&s, path, &err), 0, "%s", err.msg);
	got = slurp(path, NULL);
	for (size_t i = 0; i < sizeof(fragments) / sizeof(fragments[0]); i++)
		cr_expect_not_null(strstr(got, fragments[i]),
		    "missing from the file: %s", fragments[i]);
	cr_expect_null(strstr(got, "OrgnlDbtrAgt"));
	cr_expect_null(strstr(got, "<AmdmntInd>false"));
	free(got);
	rmrf(dir);
}

Test(pain008, sidecar_mode_and_determinism)
{
	char path[512], side[512], line[128], hex[65];
	sepa_error err = SEPA_ERROR_INIT;
	struct sample s;
	struct stat st;
	char *dir = tmpdir();
	char *a, *b, *sc;
	size_t na, nb;

	sample_init(&s, SEPA_PAIN008_V08);
	snprintf(path, sizeof(path), "%s/2026-10.xml", dir);
	snprintf(side, sizeof(side), "%s.sha256", path);
	cr_assert_eq(sample_write(&s, path, &err), 0, "%s", err.msg);
	a = slurp(path, &na);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0640, "mode %o", st.st_mode & 0777);
	cr_assert_eq(stat(side, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0640);
	sha256_hex(a, na, hex);
	snprintf(line, sizeof(line), "%s  2026-10.xml\n", hex);
	sc = slurp(side, NULL);
	cr_expect_str_eq(sc, line);

	/* Same batch, same bytes (over the existing file). */
	cr_assert_eq(sample_write(&s, path, &err), 0, "%s", err.msg);
	b = slurp(path, &nb);
	cr_expect_eq(na, nb);
	cr_expect_eq(memcmp(a, b, na), 0, "the rewrite differs");
	free(a);
	free(b);
	free(sc);
	rmrf(dir);
}

/* What the before_place hook saw, and what it answers. */
struct place_seen {
	const char *path;
	int calls;
	int final_existed;
	int temps; /* temporary files in the directory */
	char sha256[65];
	long nb_of_txs;
	int refuse;
};

static int
place_hook(const sepa_pain008_info *info, void *arg, sepa_error *err)
{
	struct place_seen *ps = arg;
	char cmd[600];
	FILE *fp;

	ps->calls++;
	ps->final_existed = access(ps->path, F_OK) == 0;
	memcpy(ps->sha256, info->sha256, sizeof(ps->sha256));
	ps->nb_of_txs = info->nb_of_txs;
	snprintf(cmd, sizeof(cmd), "ls -A \"$(dirname %s)\" | grep -c '^\\.'",
	    ps->path);
	fp = popen(cmd, "r");
	if (fp != NULL) {
		if (fscanf(fp, "%d", &ps->temps) != 1)
			ps->temps = -1;
		pclose(fp);
	}
	if (ps->refuse)
		return sepa_error_set(err, SEPA_EIO, "the database is gone");
	return 0;
}

/*
 * The hook runs once, before anything is under the final names, with the
 * SHA-256 the file and its sidecar then carry; refusing places nothing
 * and leaves the temporary files.
 */
Test(pain008, before_place_hook)
{
	char path[512], list[512], *a;
	sepa_error err = SEPA_ERROR_INIT;
	struct place_seen ps = {0};
	struct sample s;
	char *dir = tmpdir();
	char hex[65];
	size_t na;

	sample_init(&s, SEPA_PAIN008_V08);
	snprintf(path, sizeof(path), "%s/2026-10.xml", dir);
	ps.path = path;
	s.o.before_place = place_hook;
	s.o.before_place_arg = &ps;
	cr_assert_eq(sample_write(&s, path, &err), 0, "%s", err.msg);
	cr_expect_eq(ps.calls, 1);
	cr_expect_eq(ps.final_existed, 0);
	cr_expect_eq(ps.temps, 2, "the file and its sidecar, aside");
	cr_expect_eq(ps.nb_of_txs, NTX);
	a = slurp(path, &na);
	sha256_hex(a, na, hex);
	cr_expect_str_eq(ps.sha256, hex);
	free(a);
	rmrf(dir);

	dir = tmpdir();
	snprintf(path, sizeof(path), "%s/2026-10.xml", dir);
	memset(&ps, 0, sizeof(ps));
	ps.path = path;
	ps.refuse = 1;
	s.o.before_place_arg = &ps;
	cr_expect_eq(sample_write(&s, path, &err), SEPA_EIO);
	cr_expect_str_eq(err.msg, "the database is gone");
	cr_expect_eq(ps.calls, 1);
	/* the temporary files stay, as the evidence; no final name */
	cr_expect_eq(dir_list(dir, list, sizeof(list)), 2, "left %s", list);
	cr_expect_eq(access(path, F_OK), -1);
	rmrf(dir);
}

Test(pain008, cuts_names_and_remittance)
{
	char path[512], name[200], rmt[300], want[200];
	sepa_error err = SEPA_ERROR_INIT;
	struct sample s;
	char *dir = tmpdir();
	char *got;

	/* "é" is one character: cut at 70 characters, not bytes. */
	memset(name, 0, sizeof(name));
	for (int i = 0; i < 40; i++)
		strcat(name, "é ");
	strcpy(rmt, "");
	for (int i = 0; i < 30; i++)
		strcat(rmt, "Cantine ");
	sample_init(&s, SEPA_PAIN008_V08);
	s.tx[4].debtor_name = name;
	s.tx[4].remittance = rmt;
	snprintf(path, sizeof(path), "%s/cut.xml", dir);
	cr_assert_eq(sample_write(&s, path, &err), 0, "%s", err.msg);
	got = slurp(path, NULL);
	strcpy(want, "<Nm>");
	for (int i = 0; i < 35; i++)
		strcat(want, i < 34 ? "e " : "e</Nm>");
	cr_expect_not_null(strstr(got, want), "no %s", want);
	/* 140 characters: 17 x "Cantine " + "Cant" */
	strcpy(rmt, "<Ustrd>");
	for (int i = 0; i < 17; i++)
		strcat(rmt, "Cantine ");
	strcat(rmt, "Cant</Ustrd>");
	cr_expect_not_null(strstr(got, rmt), "no %s", rmt);
	free(got);
	rmrf(dir);
}

/* -------------------------------------------------------- refusals */

static void
m_blk_count(struct sample *s)
{
	s->b[0].nb_of_txs = 3;
}
static void
m_blk_sum(struct sample *s)
{
	s->b[1].ctrl_sum += 1;
}
static void
m_grp_count(struct sample *s)
{
	s->h.nb_of_txs = 6;
}
static void
m_grp_sum(struct sample *s)
{
	s->h.ctrl_sum -= 1;
}
static void
m_amount0(struct sample *s)
{
	s->tx[4].amount = 0;
}
static void
m_amount_max(struct sample *s)
{
	s->tx[4].amount = SEPA_AMOUNT_MAX + 1;
}
static void
m_amount_neg(struct sample *s)
{
	s->tx[4].amount = -5;
}
static void
m_iban(struct sample *s)
{
	s->tx[4].debtor_iban = "FR7630004008281000123456751";
}
static void
m_cdtr_iban(struct sample *s)
{
	s->b[0].creditor_iban = "FR76300060000112345678901";
}
static void
m_ics(struct sample *s)
{
	s->b[0].creditor_id = "FR73ZZZ123456";
}
static void
m_old_ics(struct sample *s)
{
	s->am_rum_ics.orig_creditor_id = "FR47ZZZ005002";
}
static void
m_rum_slash(struct sample *s)
{
	s->tx[4].mandate_id = "HARNES//RUM";
}
static void
m_rum_long(struct sample *s)
{
	s->tx[4].mandate_id = "HARNES-RUM-0123456789-0123456789-012";
}
static void
m_rum_missing(struct sample *s)
{
	s->tx[4].mandate_id = NULL;
}
static void
m_e2e_char(struct sample *s)
{
	s->tx[4].end_to_end_id = "HARNES_2026";
}
static void
m_strict(struct sample *s)
{
	s->o.text_flags = SEPA_TEXT_STRICT;
	s->tx[4].debtor_name = "Anaïs 李";
}
static void
m_bic(struct sample *s)
{
	s->tx[0].debtor_bic = "PSST";
}
static void
m_holiday(struct sample *s)
{
	s->b[0].due_date = (sepa_date){2026, 12, 25};
}
static void
m_signed_late(struct sample *s)
{
	s->tx[4].signature_date = (sepa_date){2026, 10, 16};
}
static void
m_unstructured(struct sample *s)
{
	s->daddr.town = NULL;
}
static void
m_country(struct sample *s)
{
	s->caddr.country = "fr";
}
static void
m_empty_amend(struct sample *s)
{
	memset(&s->am_bank, 0, sizeof(s->am_bank));
}
static void
m_other_bank(struct sample *s)
{
	s->am_iban.orig_debtor_iban = "FR7620041010050005050001337";
}
static void
m_same_block(struct sample *s)
{
	s->b[1].seq = SEPA_SEQ_FRST;
}
static void
m_msgid(struct sample *s)
{
	s->h.msg_id = "/HARNES";
}
static void
m_time(struct sample *s)
{
	s->h.creation_time = "2026-10-06 08:00:00";
}
static void
m_name_empty(struct sample *s)
{
	s->tx[4].debtor_name = "***";
}
static void
m_dup_e2e(struct sample *s)
{
	s->tx[4].end_to_end_id = "HARNES-2026-10-0003-1";
}
static void
m_no_schema(struct sample *s)
{
	s->o.schema_dir = NULL;
}

static const struct {
	const char *what;
	void (*mutate)(struct sample *);
	int code;
	const char *msg; /* a stable part of the message */
} refusals[] = {
    {"block count", m_blk_count, SEPA_EINVAL,
        "PmtInf HARNES-2026-10-FRST: NbOfTxs announced 3, written 2"},
    {"block sum", m_blk_sum, SEPA_EINVAL,
        "PmtInf HARNES-2026-10-RCUR: CtrlSum announced 1000000191.25, "
        "written 1000000191.24"},
    {"group count", m_grp_count, SEPA_EINVAL,
        "GrpHdr: NbOfTxs announced 6, written 5"},
    {"group sum", m_grp_sum, SEPA_EINVAL,
        "GrpHdr: CtrlSum announced 1000000233.74, written 1000000233.75"},
    {"amount 0", m_amount0, SEPA_ERANGE,
        "transaction 3 (EndToEndId HARNES-2026-10-0005-1): InstdAmt 0.00 "
        "is outside 0.01 .. 999999999.99"},
    {"amount too big", m_amount_max, SEPA_ERANGE,
        "InstdAmt 1000000000.00 is outside 0.01 .. 999999999.99"},
    {"amount negative", m_amount_neg, SEPA_ERANGE, "InstdAmt -0.05 is outside"},
    {"debtor IBAN", m_iban, SEPA_EINVAL, "DbtrAcct: IBAN FR76****6751: "},
    {"creditor IBAN", m_cdtr_iban, SEPA_EINVAL,
        "PmtInf HARNES-2026-10-FRST: CdtrAcct: IBAN"},
    {"ICS", m_ics, SEPA_EINVAL, "PmtInf HARNES-2026-10-FRST: CdtrSchmeId: "},
    {"old ICS", m_old_ics, SEPA_EINVAL, "OrgnlCdtrSchmeId: "},
    {"RUM //", m_rum_slash, SEPA_EINVAL, "MndtId \"HARNES//RUM\""},
    {"RUM too long", m_rum_long, SEPA_EINVAL, "MndtId"},
    {"RUM missing", m_rum_missing, SEPA_EINVAL, "MndtId is missing"},
    {"EndToEndId char", m_e2e_char, SEPA_EINVAL, "EndToEndId"},
    {"strict unmappable", m_strict, SEPA_EINVAL, "Dbtr/Nm: "},
    {"BIC", m_bic, SEPA_EINVAL, "DbtrAgt: "},
    {"due date holiday", m_holiday, SEPA_EINVAL,
        "ReqdColltnDt 2026-12-25 is not a TARGET2 business day"},
    {"signature after due date", m_signed_late, SEPA_EINVAL,
        "DtOfSgntr 2026-10-16 is after the due date 2026-10-15"},
    {"unstructured address", m_unstructured, SEPA_EINVAL,
        "Dbtr address: town and country are mandatory"},
    {"country", m_country, SEPA_EINVAL,
        "Cdtr address: country \"fr\" is not two capital letters"},
    {"empty amendment", m_empty_amend, SEPA_EINVAL,
        "amendment without any original value"},
    {"new IBAN at another bank", m_other_bank, SEPA_EINVAL,
        "use the new bank amendment (SMNDA)"},
    {"two blocks, one key", m_same_block, SEPA_EINVAL,
        "a second PmtInf for sequence type FRST, due date 2026-10-15"},
    {"MsgId", m_msgid, SEPA_EINVAL, "MsgId"},
    {"CreDtTm", m_time, SEPA_EINVAL,
        "CreDtTm \"2026-10-06 08:00:00\" is not YYYY-MM-DDThh:mm:ss"},
    {"empty name", m_name_empty, SEPA_EINVAL,
        "Dbtr/Nm is empty once reduced to the SEPA character set"},
    {"EndToEndId twice", m_dup_e2e, SEPA_EINVAL,
        "transaction 3 (EndToEndId HARNES-2026-10-0003-1): EndToEndId "
        "HARNES-2026-10-0003-1 is already in this file"},
    {"no schema dir", m_no_schema, SEPA_EINVAL,
        "validation needs the schema directory"},
};

Test(pain008, refuses_and_leaves_no_file)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		struct sample s;
		char path[512], list[512];
		char *dir = tmpdir();
		int rc;

		sample_init(&s, SEPA_PAIN008_V08);
		refusals[i].mutate(&s);
		snprintf(path, sizeof(path), "%s/out.xml", dir);
		rc = sample_write(&s, path, &err);
		cr_expect_eq(rc, refusals[i].code, "%s: rc %d (%s)",
		    refusals[i].what, rc, err.msg);
		cr_expect_not_null(strstr(err.msg, refusals[i].msg),
		    "%s: message \"%s\" lacks \"%s\"", refusals[i].what,
		    err.msg, refusals[i].msg);
		cr_expect_str_eq(err.where, path, "%s", refusals[i].what);
		cr_expect_eq(dir_list(dir, list, sizeof(list)), 0,
		    "%s: left %s", refusals[i].what, list);
		rmrf(dir);
	}
}

Test(pain008, non_strict_maps_unmappable_to_space)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct sample s;
	char path[512];
	char *dir = tmpdir();
	char *got;

	sample_init(&s, SEPA_PAIN008_V08);
	s.tx[4].debtor_name = "Anaïs 李 Hébert";
	snprintf(path, sizeof(path), "%s/out.xml", dir);
	cr_assert_eq(sample_write(&s, path, &err), 0, "%s", err.msg);
	got = slurp(path, NULL);
	cr_expect_not_null(strstr(got, "<Nm>Anais Hebert</Nm>"));
	free(got);
	rmrf(dir);
}

/* A Cyrillic or Greek name goes into the file spelt in Latin letters. */
Test(pain008, cyrillic_and_greek_names_are_spelt_in_latin)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct sample s;
	char path[512];
	char *dir = tmpdir();
	char *got;

	sample_init(&s, SEPA_PAIN008_V08);
	s.tx[3].debtor_name = "Лев Толстой";
	s.tx[4].debtor_name = "Γιώργος Παπαδόπουλος";
	snprintf(path, sizeof(path), "%s/out.xml", dir);
	cr_assert_eq(sample_write(&s, path, &err), 0, "%s", err.msg);
	got = slurp(path, NULL);
	cr_expect_not_null(strstr(got, "<Nm>Lev Tolstoj</Nm>"));
	cr_expect_not_null(strstr(got, "<Nm>Giorgos Papadopoulos</Nm>"));
	free(got);
	rmrf(dir);
}

/* The writer's check of a debtor's text, for an import to use first. */
Test(pain008, check_text_says_what_the_writer_would)
{
	static const struct {
		enum sepa_pain008_text which;
		const char *in;
		int rc;
		const char *out; /* or the message */
	} cases[] = {
	    {SEPA_PAIN008_NAME, "Лев Толстой", 0, "Lev Tolstoj"},
	    {SEPA_PAIN008_NAME, "Zoé & Léo", 0, "Zoe + Leo"},
	    {SEPA_PAIN008_NAME, "李小龍", SEPA_EINVAL,
	        "Dbtr/Nm is empty once reduced to the SEPA character set"},
	    {SEPA_PAIN008_NAME, "", SEPA_EINVAL, "Dbtr/Nm is missing"},
	    {SEPA_PAIN008_TOWN, "☕", SEPA_EINVAL,
	        "Dbtr address town is empty once reduced to the SEPA "
	        "character set"},
	    {SEPA_PAIN008_TOWN, "Αθήνα", 0, "Athina"},
	    {SEPA_PAIN008_STREET, "李", 0, ""}, /* optional: left out */
	    {SEPA_PAIN008_POSTCODE, "75011 Paris cedex 11", 0,
	        "75011 Paris cede"},
	    {SEPA_PAIN008_NAME, "ab\xC3", SEPA_EINVAL,
	        "Dbtr/Nm: invalid UTF-8"},
	};
	char out[80];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		int rc = sepa_pain008_check_text(
		    cases[i].which, cases[i].in, 0, out, sizeof(out), &err);

		cr_expect_eq(rc, cases[i].rc, "%s: %s", cases[i].in, err.msg);
		if (rc == 0)
			cr_expect_str_eq(out, cases[i].out);
		else
			cr_expect(strncmp(err.msg, cases[i].out,
			              strlen(cases[i].out)) == 0,
			    "%s: %s", cases[i].in, err.msg);
	}
	/* strict mode refuses what it cannot spell, naming it */
	cr_expect_eq(sepa_pain008_check_text(SEPA_PAIN008_NAME, "Paul 李",
	                 SEPA_TEXT_STRICT, NULL, 0, NULL),
	    SEPA_EINVAL);
	cr_expect_eq(
	    sepa_pain008_check_text(SEPA_PAIN008_NAME, "Paul", 0, out, 4, NULL),
	    SEPA_ELIMIT);
	cr_expect_eq(sepa_pain008_check_text(
	                 (enum sepa_pain008_text)9, "Paul", 0, NULL, 0, NULL),
	    SEPA_EINVAL);
}

/* Disk full after `left` bytes (see the note at the top). */
struct full {
	size_t left;
};

static ssize_t
full_write(int fd, const void *buf, size_t len, void *arg)
{
	struct full *f = arg;

	if (f->left == 0) {
		errno = ENOSPC;
		return -1;
	}
	if (len > f->left)
		len = f->left;
	f->left -= len;
	return write(fd, buf, len);
}

Test(pain008, disk_full_leaves_no_file)
{
	static const size_t limits[] = {0, 10, 1000, 5000};

	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		struct full f = {limits[i]};
		struct sample s;
		char path[512], list[512];
		char *dir = tmpdir();
		int rc;

		sample_init(&s, SEPA_PAIN008_V08);
		s.o.buffer_size = 256;
		s.o.write_hook = full_write;
		s.o.write_hook_arg = &f;
		snprintf(path, sizeof(path), "%s/full.xml", dir);
		rc = sample_write(&s, path, &err);
		cr_expect_eq(rc, SEPA_EIO, "limit %zu: rc %d", limits[i], rc);
		cr_expect_eq(err.sys_errno, ENOSPC);
		cr_expect_not_null(
		    strstr(err.msg, "No space left on device"), "%s", err.msg);
		cr_expect_eq(dir_list(dir, list, sizeof(list)), 0,
		    "limit %zu: left %s", limits[i], list);
		rmrf(dir);
	}
}

Test(pain008, unwritable_directory)
{
	static const char *const paths[] = {
	    "/nonexistent-sepad-dir/out.xml",
	    "/dev/null/out.xml",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		struct sample s;

		sample_init(&s, SEPA_PAIN008_V08);
		cr_expect_eq(sample_write(&s, paths[i], &err), SEPA_EIO);
		cr_expect_not_null(
		    strstr(err.msg, "could not create a temporary file in"),
		    "%s", err.msg);
		cr_expect_eq(access(paths[i], F_OK), -1);
	}
}

Test(pain008, state_errors)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_pain008_writer *w = NULL;
	struct sample s;
	char path[512], list[512];
	char *dir = tmpdir();

	sample_init(&s, SEPA_PAIN008_V08);
	snprintf(path, sizeof(path), "%s/state.xml", dir);
	cr_assert_eq(sepa_pain008_open(&w, path, &s.o, &s.h, &err), 0);
	cr_expect_eq(sepa_pain008_add(w, &s.tx[0], &err), SEPA_ESTATE);
	cr_expect_eq(sepa_pain008_end_block(w, &err), SEPA_ESTATE);
	cr_assert_eq(sepa_pain008_begin_block(w, &s.b[0], &err), 0);
	cr_expect_eq(sepa_pain008_begin_block(w, &s.b[1], &err), SEPA_ESTATE);
	cr_expect_str_eq(err.msg, "PmtInf HARNES-2026-10-FRST is still open");
	cr_expect_eq(sepa_pain008_close(w, NULL, &err), SEPA_ESTATE);
	cr_expect_eq(dir_list(dir, list, sizeof(list)), 0, "left %s", list);
	sepa_pain008_abort(NULL);
	cr_expect_eq(sepa_pain008_close(NULL, NULL, &err), 0);
	rmrf(dir);
}

/* ------------------------------------------------------- validator */

static const struct {
	const char *what;
	const char *from; /* first occurrence replaced */
	const char *to;
	int code;
	const char *msg;
} tampered[] = {
    {"group count", "<NbOfTxs>5</NbOfTxs>", "<NbOfTxs>6</NbOfTxs>", SEPA_EINVAL,
        "GrpHdr: NbOfTxs says 6, the file holds 5"},
    {"block count", "<NbOfTxs>2</NbOfTxs>", "<NbOfTxs>3</NbOfTxs>", SEPA_EINVAL,
        "PmtInf: NbOfTxs says 3, the file holds 2"},
    {"block sum", "<CtrlSum>42.51</CtrlSum>", "<CtrlSum>42.52</CtrlSum>",
        SEPA_EINVAL, "PmtInf: CtrlSum says 42.52, the amounts add up to 42.51"},
    {"amount", ">42.50<", ">42.49<", SEPA_EINVAL,
        "PmtInf: CtrlSum says 42.51, the amounts add up to 42.50"},
    {"holiday", "<ReqdColltnDt>2026-10-15", "<ReqdColltnDt>2026-12-25",
        SEPA_EINVAL, "ReqdColltnDt 2026-12-25 is not a TARGET2 business day"},
    {"IBAN", "FR7620041010050005050001337", "FR7620041010050005050001338",
        SEPA_EINVAL, "IBAN FR76****1338: check digits do not match"},
    {"ICS", "FR72ZZZ123456", "FR72ZZZ123457", SEPA_EINVAL, "FR72ZZZ123457"},
    {"RUM", "HARNES-RUM-0001", "HARNES//RUM-01", SEPA_EINVAL, "MndtId"},
    {"missing PmtMtd", "<PmtMtd>DD</PmtMtd>", "", SEPA_EXML, "PmtMtd"},
    {"currency", "Ccy=\"EUR\"", "Ccy=\"USD\"", SEPA_EINVAL,
        "InstdAmt: currency USD is not EUR"},
    {"not Latin", "Elodie", "\xc3\x89lodie", SEPA_EINVAL,
        "character 0xc3 at column 1 of the text is outside the SEPA Latin "
        "set"},
    {"two blocks one key", "<SeqTp>RCUR</SeqTp>", "<SeqTp>FRST</SeqTp>",
        SEPA_EINVAL, "a second PmtInf for sequence type FRST"},
    {"unstructured", "<TwnNm>Harnes</TwnNm>", "", SEPA_EINVAL,
        "PstlAdr without TwnNm and Ctry"},
    {"signature late", "<DtOfSgntr>2026-10-15", "<DtOfSgntr>2026-10-16",
        SEPA_EINVAL, "DtOfSgntr 2026-10-16 is after the due date"},
    {"not well-formed", "</Dbtr>", "</Dbtor>", SEPA_EXML, "Dbtr"},
    {"other message", "pain.008.001.08", "pain.001.001.09", SEPA_EXML,
        "not a pain.008.001.08 or pain.008.001.02 document"},
    {"truncated", "<PmtInf>", "<PmtInf><!--", SEPA_EXML, ""},
};

Test(pain008, validator_finds_tampering)
{
	char *orig = slurp(GOLDEN "/sample-001.08.xml", NULL);
	sepa_pain008_schemas *schemas = NULL;
	sepa_error lerr = SEPA_ERROR_INIT;

	cr_assert_eq(sepa_pain008_schemas_load(&schemas, SCHEMAS, &lerr), 0,
	    "%s", lerr.msg);
	for (size_t i = 0; i < sizeof(tampered) / sizeof(tampered[0]); i++) {
		sepa_error merr = SEPA_ERROR_INIT;
		sepa_error err = SEPA_ERROR_INIT;
		char path[512];
		char *dir = tmpdir();
		char *at = strstr(orig, tampered[i].from);
		char *bad;
		size_t nf = strlen(tampered[i].from);
		size_t nt = strlen(tampered[i].to);
		int rc;

		cr_assert_not_null(
		    at, "%s: no %s", tampered[i].what, tampered[i].from);
		bad = malloc(strlen(orig) + nt + 1);
		cr_assert_not_null(bad);
		memcpy(bad, orig, (size_t)(at - orig));
		memcpy(bad + (at - orig), tampered[i].to, nt);
		strcpy(bad + (at - orig) + nt, at + nf);
		snprintf(path, sizeof(path), "%s/bad.xml", dir);
		spit(path, bad);
		rc = sepa_pain008_validate_file(path, SCHEMAS, NULL, &err);
		cr_expect_eq(rc, tampered[i].code, "%s: rc %d (%s)",
		    tampered[i].what, rc, err.msg);
		cr_expect_not_null(strstr(err.msg, tampered[i].msg),
		    "%s: \"%s\" lacks \"%s\"", tampered[i].what, err.msg,
		    tampered[i].msg);
		cr_expect_str_eq(err.where, path, "%s", tampered[i].what);
		cr_expect_gt(err.line, 0, "%s: no line", tampered[i].what);
		/* in memory, the schemas loaded once: the same answer */
		cr_expect_eq(sepa_pain008_validate_mem(
		                 bad, strlen(bad), path, schemas, NULL, &merr),
		    rc, "%s: in memory %s", tampered[i].what, merr.msg);
		cr_expect_str_eq(merr.msg, err.msg, "%s", tampered[i].what);
		cr_expect_eq(merr.line, err.line, "%s", tampered[i].what);
		free(bad);
		rmrf(dir);
	}
	free(orig);
	sepa_pain008_schemas_free(schemas);
}

Test(pain008, validator_in_memory)
{
	static const char *const files[] = {
	    GOLDEN "/sample-001.08.xml", GOLDEN "/sample-001.02.xml"};
	sepa_pain008_schemas *schemas = NULL;
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(sepa_pain008_schemas_load(&schemas, SCHEMAS, &err), 0,
	    "%s", err.msg);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		sepa_pain008_info fi, mi;
		size_t len;
		char *doc = slurp(files[i], &len);

		cr_assert_eq(
		    sepa_pain008_validate_file(files[i], SCHEMAS, &fi, &err), 0,
		    "%s", err.msg);
		/* twice: the loaded schemas serve many documents */
		for (int k = 0; k < 2; k++) {
			cr_assert_eq(sepa_pain008_validate_mem(doc, len,
			                 files[i], schemas, &mi, &err),
			    0, "%s", err.msg);
			cr_expect_eq(mi.version, fi.version);
			cr_expect_eq(mi.nb_of_txs, fi.nb_of_txs);
			cr_expect_eq(mi.ctrl_sum, fi.ctrl_sum);
			cr_expect_eq(mi.nb_of_blocks, fi.nb_of_blocks);
			cr_expect_eq(mi.bytes, fi.bytes);
		}
		free(doc);
	}
	cr_expect_eq(
	    sepa_pain008_validate_mem("", 0, NULL, schemas, NULL, &err),
	    SEPA_EXML);
	cr_expect_eq(
	    sepa_pain008_validate_mem("<a/>", 4, "x", NULL, NULL, &err),
	    SEPA_EINVAL);
	sepa_pain008_schemas_free(schemas);
	cr_expect_eq(sepa_pain008_schemas_load(&schemas, "/nonexistent", &err),
	    SEPA_EXML);
	cr_expect_null(schemas);
	sepa_pain008_schemas_free(NULL);
}

Test(pain008, validator_io_errors)
{
	sepa_error err = SEPA_ERROR_INIT;

	cr_expect_eq(sepa_pain008_validate_file(
	                 "/nonexistent/x.xml", SCHEMAS, NULL, &err),
	    SEPA_EIO);
	cr_expect_not_null(strstr(err.msg, "could not open"));
	cr_expect_eq(sepa_pain008_validate_file(GOLDEN "/sample-001.08.xml",
	                 "/nonexistent-schemas", NULL, &err),
	    SEPA_EXML);
	cr_expect_not_null(
	    strstr(err.where, "/nonexistent-schemas/EPC130"), "%s", err.where);
}

/* ----------------------------------------------------------- xmlw */

Test(pain008, xml_writer_escapes_and_sticks)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
	    {"a&b", "a&amp;b"},
	    {"<x>", "&lt;x&gt;"},
	    {"\"q\" 'a'", "&quot;q&quot; &apos;a&apos;"},
	    {"été", "été"},
	    {"", ""},
	};
	char hex[65];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xmlw x;
		char out[256] = "";

		cr_assert_eq(xmlw_init(&x, -1, 256, mem_write, out, NULL), 0);
		xmlw_text(&x, cases[i].in);
		cr_assert_eq(xmlw_finish(&x, hex, NULL), 0);
		cr_expect_str_eq(out, cases[i].out);
		xmlw_free(&x);
	}
	{
		sepa_error err = SEPA_ERROR_INIT;
		struct xmlw x;
		char out[256] = "";

		cr_assert_eq(xmlw_init(&x, -1, 256, mem_write, out, NULL), 0);
		xmlw_text(&x,
		    "a\001"
		    "b");
		xmlw_text(&x, "later");
		cr_expect_eq(xmlw_finish(&x, hex, &err), SEPA_EINVAL);
		cr_expect_str_eq(
		    err.msg, "control character 0x01 cannot be written in XML");
		cr_expect_str_eq(out, "");
		xmlw_free(&x);
	}
}

/* ------------------------------------------- validation inside close */

static void
copy_file(const char *from, const char *to)
{
	size_t n;
	char *s = slurp(from, &n);
	FILE *f = fopen(to, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(s, 1, n, f), n);
	fclose(f);
	free(s);
}

Test(pain008, failed_validation_leaves_no_file)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct sample s;
	char path[512], xsd[512], list[512];
	char *dir = tmpdir();
	char *schemas = tmpdir();

	/* A schema directory whose .08 XSD is really the .02 one. */
	snprintf(xsd, sizeof(xsd), "%s/EPC130-08_2025_V1.0_pain.008.001.08.xsd",
	    schemas);
	copy_file(SCHEMAS "/pain.008.001.02.xsd", xsd);
	sample_init(&s, SEPA_PAIN008_V08);
	s.o.schema_dir = schemas;
	snprintf(path, sizeof(path), "%s/out.xml", dir);
	cr_expect_eq(sample_write(&s, path, &err), SEPA_EXML, "%s", err.msg);
	cr_expect_not_null(
	    strstr(err.msg, "the written file is not valid: "), "%s", err.msg);
	cr_expect_str_eq(err.where, path);
	cr_expect_eq(dir_list(dir, list, sizeof(list)), 0, "left %s", list);
	rmrf(dir);
	rmrf(schemas);
}

Test(pain008, missing_schema_refused_at_open)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct sample s;
	char path[512], list[512];
	char *dir = tmpdir();

	sample_init(&s, SEPA_PAIN008_V08);
	s.o.schema_dir = "/nonexistent-schemas";
	snprintf(path, sizeof(path), "%s/out.xml", dir);
	cr_expect_eq(sample_write(&s, path, &err), SEPA_EXML);
	cr_expect_not_null(
	    strstr(err.msg, "could not open the schema"), "%s", err.msg);
	cr_expect_eq(dir_list(dir, list, sizeof(list)), 0, "left %s", list);
	rmrf(dir);
}

Test(pain008, without_validation_or_sidecar)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct sample s;
	char path[512], list[512];
	char *dir = tmpdir();

	sample_init(&s, SEPA_PAIN008_V02);
	s.o.validate = 0;
	s.o.sidecar = 0;
	s.o.schema_dir = NULL;
	snprintf(path, sizeof(path), "%s/out.xml", dir);
	cr_assert_eq(sample_write(&s, path, &err), 0, "%s", err.msg);
	cr_expect_eq(dir_list(dir, list, sizeof(list)), 1, "%s", list);
	cr_expect_eq(sepa_pain008_validate_file(path, SCHEMAS, NULL, &err), 0,
	    "%s", err.msg);
	rmrf(dir);
}

Test(pain008, bic_rule_follows_the_version)
{
	static const struct {
		enum sepa_pain008_version v;
		int rc;
	} cases[] = {
	    {SEPA_PAIN008_V08, 0},
	    {SEPA_PAIN008_V02, SEPA_EINVAL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		struct sample s;
		char path[512];
		char *dir = tmpdir();

		sample_init(&s, cases[i].v);
		/* '1' in position 7: BICFI (2019) yes, BIC (2009) no. */
		s.tx[4].debtor_bic = "AGRIFR1P";
		snprintf(path, sizeof(path), "%s/out.xml", dir);
		cr_expect_eq(sample_write(&s, path, &err), cases[i].rc,
		    "version %d: %s", (int)cases[i].v, err.msg);
		rmrf(dir);
	}
}
