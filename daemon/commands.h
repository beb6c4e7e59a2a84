/*
 * commands.h - the sepactl commands (cmd_*.c) and their table
 * (commands.c), run by sepactl and, in-process, by sepad; and the steps
 * one command lends another (the cycle runs invoice, collect and
 * recovery; status shows what the cycle does next).
 */
#ifndef SEPAD_COMMANDS_H
#define SEPAD_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct ctl;
struct db;
struct report;
struct report_doc;
struct returns_policy;

struct ctl_command {
	const char *name;
	const char *args; /* usage after the name */
	const char *summary;
	const char *help; /* paragraph for `sepactl COMMAND --help` */
	int (*run)(
	    struct ctl *ctl, int argc, char **argv); /* enum ctl_status */
};

/* commands.c: the command table (sepactl's, run in-process by sepad). */
const struct ctl_command *ctl_commands(size_t *count);
const struct ctl_command *ctl_command_find(const char *name);

/* cmd_inspect.c */
int cmd_inspect(struct ctl *ctl, int argc, char **argv);
/* cmd_returns.c: import returns, recovery export, report */
/* Open the database and find the configured creditor (only its ICS is
 * needed), or say what to do (enum ctl_status). */
int ctl_returns_creditor(struct ctl *ctl, struct db **db, int64_t *id);
/* The contract's rules on returns, from the configuration (pointers into
 * ctl->cfg). */
void ctl_returns_policy(struct ctl *ctl, struct returns_policy *pol);
int cmd_import_returns(struct ctl *ctl, int argc, char **argv);
int cmd_recovery(struct ctl *ctl, int argc, char **argv);
/* Export the invoices due for recovery (recovery export, cycle). */
int ctl_recovery_export(struct ctl *ctl);
/* List the credits of the families that left, for refund (recovery
 * refunds, cycle). */
int ctl_refund_export(struct ctl *ctl);
/* cmd_report.c: report --month, the finance department's month */
int cmd_report(struct ctl *ctl, int argc, char **argv);
/* The report of `month` read from the store in one read-only snapshot
 * into *rep (store_report_free), and *d, what its forms show (the
 * commune of the configuration, made today). */
int ctl_report_read(struct ctl *ctl, int64_t creditor, sepa_month month,
    struct report *rep, struct report_doc *d, sepa_error *err);
/* The report into fp (left open): its HTML page (pdf false) or its PDF. */
int ctl_report_form(const struct ctl *ctl, FILE *fp, const struct report_doc *d,
    bool pdf, sepa_error *err);
/* cmd_caf.c: report caf, the yearly declaration to the CAF */
int cmd_report_caf(struct ctl *ctl, int argc, char **argv);
/* cmd_quarantine.c: quarantine list|apply|dismiss */
int cmd_quarantine(struct ctl *ctl, int argc, char **argv);
/* cmd_attention.c: attention list|ack */
int cmd_attention(struct ctl *ctl, int argc, char **argv);
/* cmd_user.c: user add|list|disable|passwd (the web console's users) */
int cmd_user(struct ctl *ctl, int argc, char **argv);
/* cmd_init.c */
int cmd_init(struct ctl *ctl, int argc, char **argv);
/* cmd_status.c */
int cmd_status(struct ctl *ctl, int argc, char **argv);
/* cmd_creditor.c: creditor change-ics */
int cmd_creditor(struct ctl *ctl, int argc, char **argv);
/* cmd_db.c */
int cmd_db(struct ctl *ctl, int argc, char **argv);
/* cmd_collect.c */
int cmd_collect(struct ctl *ctl, int argc, char **argv);
/* Collect one month (collect and the cycle): enum ctl_status. */
int ctl_collect_month(struct ctl *ctl, sepa_month month);
/* Where the XSDs are: $SEPAD_SCHEMA_DIR, else the source tree's. */
const char *ctl_schema_dir(void);
/* "written PATH: N pieces, X EUR, sha256 H" (a collect_file_fn). */
struct collect_file;
void ctl_print_file(void *arg, const struct collect_file *f);
/* cmd_cycle.c */
int cmd_cycle(struct ctl *ctl, int argc, char **argv);
/* "next: STEP of MONTH on DATE" for each step of the cycle (status). */
int ctl_cycle_next(struct ctl *ctl, int64_t creditor, FILE *out);
/* The next run of each step of the cycle, in the cycle's order (status,
 * the console's dashboard). */
struct cycle_next {
	const char *step; /* cycle_steps.step: lapse, invoice... */
	const char *what; /* what it does, for the operator (translated) */
	const char *title; /* its name, for the operator (translated) */
	sepa_month month; /* the cycle month it runs for */
	sepa_month bills; /* invoice: the month it bills; year 0 otherwise */
	sepa_date on; /* its day */
	bool due; /* on or before the business date */
};
/* cmd_status.c: a file recorded and not released, as status says it
 * (text: store_cycle_status's tab-separated 'batch' row). */
void ctl_status_batch(char *buf, size_t size, const char *text);
/* A cycle step's name for the operator ("Invoicing and notices"), from
 * its cycle_steps.step; the step itself when unknown. */
const char *ctl_cycle_title(const char *step);
/* Its short name in a sentence ("next: collect of 2026-10"; French
 * "prélèvement"): the code in English, where it is also what the
 * operator types; the step itself when unknown. */
const char *ctl_cycle_word(const char *step);
int ctl_cycle_plan(struct ctl *ctl, int64_t creditor,
    void (*fn)(void *arg, const struct cycle_next *next), void *arg,
    sepa_error *err);
/* cmd_mandate.c */
int cmd_mandate(struct ctl *ctl, int argc, char **argv);
/* cmd_import.c */
int cmd_import(struct ctl *ctl, int argc, char **argv);
/* cmd_invoice.c */
int cmd_invoice(struct ctl *ctl, int argc, char **argv);
/* Bill a consumption month and write its notices (invoice run, cycle). */
int ctl_invoice_month(struct ctl *ctl, sepa_month month);
/* Its dry run (invoice run --dry-run, the console's preview): the run's
 * figures in *r and *p (free p with store_invoice_preview_free, also on
 * a refusal: p->untariffed may say why), nothing stored. */
struct invoice_run_result;
struct invoice_preview;
int ctl_invoice_preview(struct ctl *ctl, sepa_month month,
    struct invoice_run_result *r, struct invoice_preview *p);
/* The corrected notices of collection month `month` (collect). */
int ctl_notice_corrections(
    struct ctl *ctl, struct db *db, int64_t cred, sepa_month month);
/* cmd_family.c: family show|list, and invoice show */
int cmd_family(struct ctl *ctl, int argc, char **argv);
/* One invoice, its lines and history (invoice show NUMBER). */
int ctl_invoice_show(struct ctl *ctl, const char *number);
/* Whether the cycle's invoice step of a cycle month bills now (*ready 1)
 * or waits for the consumption (billing.wait_for_consumption). */
int ctl_invoice_ready(struct ctl *ctl, sepa_month cycle_month, int *ready);
/* cmd_notices.c: notices pdf|send */
int cmd_notices(struct ctl *ctl, int argc, char **argv);
/* Write the PDF notices of a consumption month (invoice run, notices
 * pdf): enum ctl_status. */
int ctl_notices_pdf(
    struct ctl *ctl, struct db *db, int64_t cred, sepa_month month);
/* Write the reject letters of bank file file_id (import returns, after
 * its commit): enum ctl_status. */
int ctl_reject_letters(
    struct ctl *ctl, struct db *db, int64_t cred, int64_t file_id);
/* cmd_payment.c */
int cmd_payment(struct ctl *ctl, int argc, char **argv);

#endif /* SEPAD_COMMANDS_H */
