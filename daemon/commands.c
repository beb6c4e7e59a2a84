/*
 * commands.c - the table of sepactl commands, shared by sepactl (which
 * parses the command line) and sepad (which runs the same commands).
 * The summaries and help texts are marked N_() and translated where they
 * are printed (sepactl.c).
 */
#include <string.h>

#include "commands.h"
#include "i18n.h"

static const struct ctl_command ctl_command_table[] = {
    {"init", "", N_("create or migrate the database"),
        N_("Apply the SQL migrations the database does not have yet, in one\n"
           "transaction: either all of them are applied or none. Running it again\n"
           "changes nothing. With database.conninfo empty, the private cluster is\n"
           "created and started first.\n"),
        cmd_init},
    {"import",
        "families|mandates|tariffs|consumption|children FILE | returns FILE...",
        N_("take in a CSV file, or reconcile bank files"),
        N_("Read a CSV file (docs/product.md, Inputs: columns by name, ';' ',' or\n"
           "tab, UTF-8 or import.encoding) and store it in one transaction. A file\n"
           "with any bad row is refused whole, with one line per problem (line,\n"
           "column, value, reason), and the database is left as it was. The same\n"
           "bytes imported again change nothing. Families are updated by\n"
           "family_ref; tariffs create their services (unit meal, slot, hour or\n"
           "day; caf_activity for the CAF declaration); consumption creates its\n"
           "children (birth_date, optional, gives a missing birth date); a\n"
           "children file (child_ref, family_ref, child_name, birth_date) creates\n"
           "children and corrects their names and birth dates.\n"
           "\n"
           "import returns FILE...: each pain.002, camt.054 or camt.053 file in\n"
           "one transaction: records stored, matched on EndToEndId (checked\n"
           "against MsgId, PmtInfId, mandate and amount), collections and\n"
           "invoices updated, the two-rejects and dead-account rules applied;\n"
           "a camt credit booking of one of our files or payment blocks (MsgId\n"
           "or PmtInfId) settles its collections, less those rejected before;\n"
           "what cannot be applied goes to the quarantine (sepactl quarantine).\n"
           "A camt.052 is refused (intraday: its entries may still be pending).\n"
           "The same file twice changes nothing; a refused file changes nothing.\n"
           "Then a letter (courrier de rejet, PDF) for each reject, return or\n"
           "refund goes to OUTBOX/letters/YYYY-MM/REJET-ENDTOENDID.pdf.\n"),
        cmd_import},
    {"inspect", "FILE...",
        N_("show what bank files or PES files say (CSV, no database)"),
        N_("Read pain.002, camt.052, camt.053 and camt.054 files, PES_Aller\n"
           "flows or PES_ACQUIT acknowledgements (one kind per call) and print\n"
           "their records as CSV on stdout, in the dialect of [export] (French\n"
           "Excel by default, French headings; see sepactl(1), CSV FILES): for\n"
           "a bank file one row per record (kind, level, status, references,\n"
           "amount, reason code and label, booking date, currency, direction,\n"
           "reversal, control sum, masked account, the bank's free text); for\n"
           "a PES_Aller one row per piece (bordereau, IdPce, NumDette, keys\n"
           "checked, debtor, amount, SEPA sequence, RUM, masked IBAN, due date,\n"
           "amendment), for a PES_ACQUIT one per error or element (state,\n"
           "code, label), with a summary on stderr. A file that cannot be read\n"
           "gets its reason (with its line) on stderr and none of its records;\n"
           "exit status 1. A bank file without XML namespace is printed with a\n"
           "warning.\n"),
        cmd_inspect},
    {"mandate", "show|list|change-account|change-rum|terminate ...",
        N_("the families' mandates"),
        N_("  mandate show RUM\n"
           "  mandate list [--status STATUS] [--csv]\n"
           "  mandate change-account RUM --iban IBAN [--bic BIC] --received DATE\n"
           "      [--sent DATE]\n"
           "  mandate change-rum OLD NEW --received DATE\n"
           "  mandate terminate RUM --received DATE [--immediate]\n\n"
           "show RUM: family, state, accounts over time (masked IBANs), last and\n"
           "next collection (FRST/RCUR, amendment; or why there is none), rejects\n"
           "counted this school year.\n"
           "list: one line per mandate (--status active|suspended|terminated|\n"
           "lapsed; --csv for a ';'-separated file).\n"
           "change-account: new bank details. The month of the first collection\n"
           "on them follows the date the family SENT the form (--sent, default\n"
           "--received): on or before mandates.account_change_cutoff_day of M,\n"
           "from M; later, from M+1; never a month whose file is already made.\n"
           "Two changes for the same month: the last one wins. A suspended\n"
           "mandate becomes active again.\n"
           "change-rum: the mandate's reference becomes NEW (a valid RUM no\n"
           "mandate holds or held); the next debit of a mandate the bank knows\n"
           "declares the old one (OrgnlMndtId), once.\n"
           "terminate: the family's letter. Received before\n"
           "mandates.letter_deadline (30 June), the mandate ends on 31 August of\n"
           "this school year, later on 31 August of the next; --immediate ends\n"
           "it now (revoked at the bank).\n"),
        cmd_mandate},
    {"payment", "record INVOICE --amount EUR --date DATE",
        N_("record a payment made by other means"),
        N_("payment record INVOICE --amount EUR --date DATE [--method M]\n"
           "[--reference TEXT] records a payment by cheque, cash, transfer, card\n"
           "or other (the default; also in French: cheque, especes, virement,\n"
           "carte, autre, accents allowed). EUR is written 54.70, 54,70,\n"
           "1 234,56 or 54,70 EUR (or the euro sign); DATE YYYY-MM-DD or\n"
           "DD/MM/YYYY, as every date a command takes. A payment that settles\n"
           "the invoice moves it to paid, which stops the reminders. Refused:\n"
           "unknown invoice, amount not above 0 or above what is due, a date\n"
           "after the business date.\n"),
        cmd_payment},
    {"invoice", "run --month YYYY-MM [--dry-run] | show NUMBER",
        N_("bill that month's consumption, or show one invoice"),
        N_("invoice run --month YYYY-MM bills the consumption of that month (it\n"
           "is collected the next month): one invoice per family with lines per\n"
           "child, service and unit price, regularisations of earlier months\n"
           "received late, and reminders of unpaid invoices; due date from\n"
           "collection.due_day, moved later when the notice would come less than\n"
           "collection.prenotification_days before it. One transaction; a month\n"
           "already invoiced is left as it is. The notices (avis d'echeance) go\n"
           "to OUTBOX/notices/YYYY-MM/ with notices-YYYY-MM.csv for mail merge;\n"
           "a notice is stored when first written and always written again with\n"
           "the same bytes, and as PDF to OUTBOX/notices/pdf/ (see sepactl notices\n"
           "--help).\n"
           "--dry-run: compute the month exactly as the run would, in a\n"
           "transaction rolled back, and print the families billed, the invoices\n"
           "and their total, the total per service (with its change against the\n"
           "month before) and per bracket, the reminders and credits, the lines\n"
           "without tariff and the 10 largest invoices. No notice, no event,\n"
           "nothing stored.\n"
           "\n"
           "invoice show NUMBER: the invoice, its lines (consumption,\n"
           "regularisations, reminders, credits), its history (issued, debited,\n"
           "what the bank said, reminded on, paid by other means, sent to\n"
           "recovery, credit used) and what became of what it billed.\n"
           "Refused (1): an unknown number.\n"),
        cmd_invoice},
    {"family", "show REF | list [--unpaid] [--csv]",
        N_("a family's ledger, or the list of families"),
        N_("family show REF: the family (address, tariff bracket), its mandates\n"
           "(state, masked account), each invoice with its history (issued,\n"
           "debited, rejected or returned with the reason, presumed settled,\n"
           "reminded on, paid by other means, sent to recovery, credit used or\n"
           "refunded), and its balance: what it billed, settled by debit, paid\n"
           "by other means or by credits, what it owes (and what is being\n"
           "collected), what is in recovery, its credit to carry.\n"
           "Refused (1): an unknown reference.\n"
           "family list: one line per family: mandate state, invoices, owed,\n"
           "being collected, in recovery, credit; --unpaid: only those owing\n"
           "something or in recovery; --csv: a CSV for people (sepactl(1),\n"
           "CSV FILES).\n"),
        cmd_family},
    {"notices", "pdf|send --month YYYY-MM",
        N_("the avis d'echeance of a month as PDF, or by e-mail"),
        N_("notices pdf --month YYYY-MM writes the notices of the invoices of\n"
           "consumption month YYYY-MM as PDF (the invoice run writes them too):\n"
           "one per family in OUTBOX/notices/pdf/YYYY-MM/NUMBER.pdf, and all of\n"
           "them in OUTBOX/notices/pdf/notices-YYYY-MM.pdf for printing. The same\n"
           "invoices give the same bytes.\n"
           "notices send --month YYYY-MM e-mails each family with an address its\n"
           "notice (the PDF attached, the text in the body) through the relay of\n"
           "mail.*, at most mail.per_minute a minute. Each notice is recorded\n"
           "before it is sent and sent at most once: run it again to send the\n"
           "rest. One whose sending was interrupted (a crash) is never sent again\n"
           "by the program: it needs attention (sepactl attention list).\n"),
        cmd_notices},
    {"collect", "--month YYYY-MM | cancel MSGID --why TEXT",
        N_("write the pain.008 files of a month"),
        N_("  collect --month YYYY-MM\n"
           "  collect cancel MSGID --why TEXT\n\n"
           "Collect the invoices due in collection month YYYY-MM (those of the\n"
           "month before): record every file of the month with its whole content\n"
           "in one transaction, then write each pain.008 (validated, with its\n"
           ".sha256) into directories.outbox and mark it released. Running it\n"
           "again writes nothing new; a file recorded but not released (a crash)\n"
           "is written again, byte for byte. A debit whose account, date or\n"
           "amount is not what the invoice's notice announced gets a corrected\n"
           "notice (avis rectificatif), NUMBER-R1.txt beside the notice, listed\n"
           "in notices/corrections-YYYY-MM.csv. An invoice whose debit the writer\n"
           "would refuse (a name the SEPA character set cannot hold, a bad IBAN)\n"
           "is left out before anything is recorded, moved to next month's file,\n"
           "with an event that needs attention; the rest of the month goes out.\n"
           "cancel: a part recorded but never released (MsgId, as status lists\n"
           "it) is cancelled with its reason: its collections are cancelled, its\n"
           "invoices go back to be collected (run collect --month again to record\n"
           "them in a new part), nothing of it is ever written. Refused for a part\n"
           "released (never cancelled), refused by the bank or cancelled, or\n"
           "whose file stands in the outbox.\n"),
        cmd_collect},
    {"cycle", "[--month YYYY-MM]",
        N_("run the steps of the cycle that are due"),
        N_("Run every step of the monthly cycle due on the business date (--today\n"
           "or SEPAD_TODAY) that has not run yet: the export day\n"
           "(collection.export_day) collects the month. Each step runs once per\n"
           "month; steps missed since the last run are caught up, in order. With\n"
           "--month, only that month's due steps. Every cycle first settles the\n"
           "debits neither confirmed, rejected nor returned by their due date +\n"
           "returns.settle_after_business_days TARGET2 days (presumed settled).\n"),
        cmd_cycle},
    {"quarantine",
        "list [--all] [--csv] | apply ID --end-to-end E2E | "
        "dismiss ID --why TEXT",
        N_("see and settle the bank records no collection took"),
        N_("  quarantine list [--all] [--csv]\n"
           "  quarantine apply ID --end-to-end E2E [--force REASON] [--why TEXT]\n"
           "  quarantine dismiss ID --why TEXT\n\n"
           "list: the records an import could not apply (unknown EndToEndId, ids\n"
           "or amount contradicting the collection, reversals...), with why; --all\n"
           "adds the resolved ones with their resolution; --csv for a file.\n"
           "apply: after checking with the bank, apply transaction record ID to the\n"
           "collection of EndToEndId E2E with the rules of an import (invoice\n"
           "unpaid or paid, counted once, rejections.max_per_school_year,\n"
           "dead-account suspension). Refused: a record already resolved, an\n"
           "unknown collection, a group or block record, a reversal, a collection\n"
           "whose state or earlier return refuses it, and a different amount\n"
           "(never forced). A mandate, PmtInfId or MsgId that contradicts the\n"
           "collection needs --force REASON, recorded with the resolution.\n"
           "dismiss: mark the record resolved with the reason; nothing else\n"
           "changes (a record that is not ours, settled by hand).\n"),
        cmd_quarantine},
    {"recovery", "export | refunds",
        N_("export the invoices due for recovery, list the credits to refund"),
        N_("Write the invoices due for recovery (still unpaid after the due date\n"
           "of the invoice that carried their reminder, plus\n"
           "rejections.recovery_grace_days) as a CSV into the outbox, with a\n"
           ".sha256, and mark them 'recovery': each invoice goes into exactly one\n"
           "export. A reminder always comes first (contract art. 6).\n"
           "\n"
           "recovery refunds: list the credits of the families that have had no\n"
           "invoice for billing.credit_refund_after_months (they left with a\n"
           "credit not used up by their next invoices) as refunds-DATE-ID.csv\n"
           "into the outbox, with a .sha256, for the treasury to refund; each\n"
           "credit is listed once, and closed. The cycle's recovery step does\n"
           "both.\n"),
        cmd_recovery},
    {"report",
        "--month YYYY-MM [--html FILE] [--pdf FILE] | caf --year YYYY [--csv] "
        "[--html FILE]",
        N_("the month's report for the finance department, or the CAF's"),
        N_("report --month YYYY-MM: the month's report for the finance department,\n"
           "in French: the debits due in the month presented, settled (confirmed\n"
           "or presumed), rejected, returned or refunded, and the reject rate (by\n"
           "count and by amount); the rejects by reason and the families concerned;\n"
           "payments by other means; the invoices issued in the month with their\n"
           "reminders and credits, credits to refund, recovery; the mandates\n"
           "suspended, ended or lapsed; the totals per service; the balance of\n"
           "every billed month. Text on stdout; --html FILE: a self-contained page\n"
           "with charts and a print style sheet; --pdf FILE: an A4 PDF.\n"
           "\n"
           "report caf --year YYYY: the yearly activity declaration to the CAF.\n"
           "The hours of the services whose tariffs give a caf_activity, by day\n"
           "of attendance in the year: realisees (as recorded) and facturees (as\n"
           "invoiced, after billing.hour_rounding), a day counting\n"
           "caf.hours_per_day hours; per activity, per month, per period (school\n"
           "weeks, Wednesdays, holidays of caf.zone in caf.holidays) and per age\n"
           "band (caf.age_bands, the child's age on each day; no birth date:\n"
           "\"age inconnu\", and the children listed), with the distinct children;\n"
           "the hours invoiced checked against the invoices. French text on\n"
           "stdout; --csv: a CSV for people instead (by default for French\n"
           "Excel: UTF-8 with BOM, ';', CRLF, decimal comma, DD/MM/YYYY);\n"
           "--html FILE: a page with a chart.\n"
           "Refused (1) when a day of attendance is outside the holiday calendar.\n"),
        cmd_report},
    {"status", "", N_("database, schema version, counts and the cycle"),
        N_("Print, one \"label: value\" line each: the configuration file read, the\n"
           "business date, where the database is and whether it is reachable, its\n"
           "schema version (0: run `sepactl init`), the configured creditor; how\n"
           "many creditors, families, children, mandates (and active ones),\n"
           "tariffs, imported files, consumption lines (and those not billed yet),\n"
           "invoices, released pain.008 files, collections and bank records in\n"
           "quarantine (with the command to run when there are any); then the\n"
           "cycle: the last steps that ran, the events needing attention (the 10\n"
           "newest and their count; see `sepactl attention`), and the next steps\n"
           "with their dates, \"(due now)\" when the business date has reached them.\n"
           "Reads only; exit status 3 when the database cannot be read.\n"),
        cmd_status},
    {"attention", "list [--all] | ack ID... | --all --note TEXT",
        N_("the events that need a person, and their acknowledgement"),
        N_("  attention list [--all]\n"
           "  attention ack ID... --note TEXT\n"
           "  attention ack --all --note TEXT\n\n"
           "list: the events that need a person (a file recorded but not released,\n"
           "an invoice payable by other means, records in quarantine, a deferred\n"
           "or late collection...) not acknowledged yet, with their id; --all adds\n"
           "the acknowledged ones with their date and note.\n"
           "ack: acknowledge those events (or every open one with --all) on the\n"
           "business date, with a note saying who saw to it and how; they leave\n"
           "the attention list of sepactl status. The events themselves are kept\n"
           "as they were. Refused whole when an id is not an event needing\n"
           "attention, or was acknowledged already.\n"),
        cmd_attention},
    {"creditor", "change-ics NEW --from DATE", N_("the creditor's identifier"),
        N_("creditor change-ics NEW --from DATE: the creditor (the commune) has\n"
           "a new SEPA creditor identifier from DATE. The files recorded from\n"
           "then carry NEW, and each mandate's next debit declares the old one\n"
           "(OrgnlCdtrSchmeId), once. sepad knows it is the same creditor: the\n"
           "configuration may name the old ICS or the new one (set creditor.ics\n"
           "to NEW). Refused: NEW not a valid ICS, the creditor's own already,\n"
           "another creditor's, or DATE before a change already recorded.\n"),
        cmd_creditor},
    {"user",
        "add NAME --role finance|viewer | list | disable NAME | passwd NAME",
        N_("the people allowed into the web console"),
        N_("  user add NAME --role finance|viewer\n"
           "  user list\n"
           "  user disable NAME\n"
           "  user passwd NAME\n\n"
           "add: a console account (NAME: a lower-case letter, then up to 31\n"
           "lower-case letters, digits, '.', '_' or '-'). viewer reads; finance\n"
           "also acts (bills, collects, acknowledges, applies...). The password\n"
           "(at least 10 characters) is typed twice on the terminal, or read from\n"
           "the first line of standard input; never from the command line. It is\n"
           "stored as an argon2id hash.\n"
           "list: each user, role, enabled or disabled, locked until when, last\n"
           "login, open sessions.\n"
           "disable: the user can no longer log in; their sessions end. Users are\n"
           "never deleted: the events name them.\n"
           "passwd: a new password (read as for add); the user's sessions end and\n"
           "a lock-out is lifted.\n"),
        cmd_user},
    {"db", "start|stop", N_("start or stop the private PostgreSQL cluster"),
        N_("The private cluster (database.data_dir) starts on demand and keeps\n"
           "running so that commands are fast; `db stop` stops it, `db start`\n"
           "starts it and prints its connection string.\n"),
        cmd_db},
};

#define NCOMMANDS (sizeof(ctl_command_table) / sizeof(ctl_command_table[0]))

const struct ctl_command *
ctl_commands(size_t *count)
{
	*count = NCOMMANDS;
	return ctl_command_table;
}

const struct ctl_command *
ctl_command_find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(name, ctl_command_table[i].name) == 0)
			return &ctl_command_table[i];
	return NULL;
}
