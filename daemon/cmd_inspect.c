/*
 * cmd_inspect.c - `sepactl inspect FILE...`: what a bank file says, as
 * CSV on stdout, without the database. A file that cannot be read gets
 * its reason on stderr (the records it gave before failing are not
 * printed: they belong to a refused file); the others are still printed,
 * and the exit status is then 1. The records of a file wait in an
 * unlinked temporary file (in $TMPDIR, else /tmp) until the file is known
 * to be good, so memory stays flat whatever the size of the bank file.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sepa/bankfile.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/money.h"
#include "sepa/reasons.h"
#include "commands.h"
#include "csvout.h"
#include "ctl.h"
#include "log.h"

/* Records of one file, kept until the file is known to be good. */
struct inspect_buf {
	FILE *spool;
	const char *name;
	const sepa_bankfile_info *info; /* filled as the file is read */
	int error; /* errno of the first failed write to the spool */
};

/* An anonymous temporary file, open for writing then reading. */
static FILE *
inspect_spool(void)
{
	const char *dir = getenv("TMPDIR");
	char path[PATH_MAX];
	FILE *fp;
	int fd, n;

	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	n = snprintf(path, sizeof(path), "%s/sepactl-inspect-XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((fd = mkstemp(path)) < 0)
		return NULL;
	unlink(path);
	if ((fp = fdopen(fd, "w+")) == NULL) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return fp;
}

/* Copy the spooled records to stdout; 0, or -1 with errno set. */
static int
inspect_flush(FILE *spool)
{
	char buf[65536];
	size_t n;

	if (fflush(spool) != 0 || fseek(spool, 0, SEEK_SET) != 0)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), spool)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			return -1;
	return ferror(spool) ? -1 : 0;
}

/* "credit", "debit", or "" (a pain.002 says neither). */
static const char *
inspect_direction(enum sepa_bankfile_cdi cdi)
{
	switch (cdi) {
	case SEPA_BANKFILE_CDI_CREDIT:
		return "credit";
	case SEPA_BANKFILE_CDI_DEBIT:
		return "debit";
	case SEPA_BANKFILE_CDI_NONE:
		break;
	}
	return "";
}

/* A field read from the bank's file: its IBANs masked (iban.h). */
static void
inspect_text(FILE *fp, const char *s, bool last)
{
	char buf[SEPA_BANKFILE_TEXT_BUFSZ];

	snprintf(buf, sizeof(buf), "%s", s);
	csvout_field(fp, sepa_iban_mask_text(buf), last);
}

/*
 * One CSV row; the columns are those of the header in cmd_inspect and
 * sepactl(1). The amount of a group or block row is the control sum of
 * what it stands for (OrgnlCtrlSum, Btch/TtlAmt): it goes to its own
 * column. IBANs are masked: the account, and any in the text the bank
 * wrote (free text, references).
 */
static int
inspect_record(const sepa_bankfile_record *rec, void *arg)
{
	struct inspect_buf *b = arg;
	char amount[SEPA_MONEY_BUFSZ], day[SEPA_DATE_BUFSZ];
	char account[SEPA_IBAN_MASK_BUFSZ];
	const char *money =
	    rec->has_amount ? sepa_money_xml(amount, rec->amount) : "";
	int tx = rec->level == SEPA_BANKFILE_TRANSACTION;
	int camt = b->info->type != SEPA_BANKFILE_PAIN002;
	const sepa_reason *reason = NULL;

	if (rec->reason[0] != '\0' && !rec->reason_proprietary)
		reason = sepa_reason_find(rec->reason);
	csvout_field(b->spool, b->name, false);
	csvout_field(b->spool, sepa_bankfile_kind_name(rec->kind), false);
	csvout_field(b->spool, sepa_bankfile_level_name(rec->level), false);
	inspect_text(b->spool, rec->status, false);
	inspect_text(b->spool, rec->orig_msg_id, false);
	inspect_text(b->spool, rec->pmt_inf_id, false);
	inspect_text(b->spool, rec->end_to_end_id, false);
	inspect_text(b->spool, rec->mandate_id, false);
	csvout_number(b->spool, tx ? money : "", false);
	inspect_text(b->spool, rec->reason, false);
	csvout_field(b->spool,
	    rec->booking_date.year != 0 ? sepa_date_iso(day, rec->booking_date)
	                                : "",
	    false);
	csvout_field(b->spool,
	    reason != NULL ? sepa_reason_label_fr(reason, rec->family) : "",
	    false);
	inspect_text(b->spool, rec->currency, false);
	csvout_field(b->spool, inspect_direction(rec->cdi), false);
	csvout_field(b->spool,
	    !camt               ? ""
	        : rec->reversal ? "true"
	                        : "false",
	    false);
	csvout_number(b->spool, tx ? "" : money, false);
	csvout_field(b->spool,
	    rec->account[0] != '\0' ? sepa_iban_mask(account, rec->account)
	                            : "",
	    false);
	inspect_text(b->spool, rec->reason_info, true);
	if (ferror(b->spool)) {
		b->error = errno != 0 ? errno : EIO;
		return SEPA_EIO;
	}
	return 0;
}

int
cmd_inspect(struct ctl *ctl, int argc, char **argv)
{
	int status = CTL_OK;

	(void)ctl;
	if (argc < 2) {
		log_warnx("inspect needs at least one file (see sepactl "
		          "inspect --help)");
		return CTL_USAGE;
	}
	fputs("file,kind,level,status,orig_msg_id,pmt_inf_id,end_to_end_id,"
	      "mandate_id,amount,reason_code,booking_date,reason_label,"
	      "currency,direction,reversal,control_sum,account,reason_info\r\n",
	    stdout);
	for (int i = 1; i < argc; i++) {
		sepa_bankfile_info info;
		struct inspect_buf b = {NULL, argv[i], &info, 0};
		sepa_error err = SEPA_ERROR_INIT;
		int rc;

		if ((b.spool = inspect_spool()) == NULL)
			return ctl_fail(CTL_INTERNAL, NULL,
			    "cannot create a temporary file for the records of "
			    "%s: %s",
			    argv[i], strerror(errno));
		rc = sepa_bankfile_read_file(
		    argv[i], NULL, inspect_record, &b, &info, &err);
		if (b.error != 0) {
			fclose(b.spool);
			return ctl_fail(CTL_INTERNAL, NULL,
			    "cannot write the records of %s to a temporary "
			    "file: %s",
			    argv[i], strerror(b.error));
		}
		if (rc != 0) {
			ctl_fail(CTL_REFUSED, &err, "cannot read %s", argv[i]);
			status = CTL_REFUSED;
		} else if (info.ns[0] == '\0') {
			log_warnx(
			    "%s: the document has no XML namespace: "
			    "nothing says which message version it is, "
			    "so read it with care; `import returns` "
			    "refuses it unless returns.accept_unqualified "
			    "= true",
			    argv[i]);
		}
		if (rc == 0 && inspect_flush(b.spool) != 0) {
			int e = errno;

			fclose(b.spool);
			log_warnx("could not write the records of %s: %s",
			    argv[i], strerror(e));
			return CTL_INTERNAL;
		}
		fclose(b.spool);
	}
	if (fflush(stdout) != 0) {
		log_warn("could not write the output");
		return CTL_INTERNAL;
	}
	return status;
}
