/*
 * cmd_inspect.c - `sepactl inspect FILE...`: what a bank file says, as
 * CSV on stdout, without the database. A file that cannot be read gets
 * its reason on stderr (the records it gave before failing are not
 * printed: they belong to a refused file); the others are still printed,
 * and the exit status is then 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepad.h"

/* Records of one file, kept until the file is known to be good. */
struct inspect_buf {
	FILE *mem;
	char *data;
	size_t size;
	const char *name;
};

static int
inspect_record(const sepa_bankfile_record *rec, void *arg)
{
	struct inspect_buf *b = arg;
	char amount[SEPA_MONEY_BUFSZ], day[SEPA_DATE_BUFSZ];
	const sepa_reason *reason = NULL;

	if (rec->reason[0] != '\0' && !rec->reason_proprietary)
		reason = sepa_reason_find(rec->reason);
	csvout_field(b->mem, b->name, false);
	csvout_field(b->mem, sepa_bankfile_kind_name(rec->kind), false);
	csvout_field(b->mem, sepa_bankfile_level_name(rec->level), false);
	csvout_field(b->mem, rec->status, false);
	csvout_field(b->mem, rec->orig_msg_id, false);
	csvout_field(b->mem, rec->pmt_inf_id, false);
	csvout_field(b->mem, rec->end_to_end_id, false);
	csvout_field(b->mem, rec->mandate_id, false);
	csvout_field(b->mem,
	    rec->has_amount ? sepa_money_xml(amount, rec->amount) : "", false);
	csvout_field(b->mem, rec->reason, false);
	csvout_field(b->mem,
	    rec->booking_date.year != 0 ? sepa_date_iso(day, rec->booking_date)
	                                : "",
	    false);
	csvout_field(b->mem, reason != NULL ? reason->label_fr : "", true);
	return ferror(b->mem) ? SEPA_ENOMEM : 0;
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
	      "mandate_id,amount,reason_code,booking_date,reason_label\r\n",
	    stdout);
	for (int i = 1; i < argc; i++) {
		struct inspect_buf b = {NULL, NULL, 0, argv[i]};
		sepa_error err = SEPA_ERROR_INIT;
		int rc;

		b.mem = open_memstream(&b.data, &b.size);
		if (b.mem == NULL)
			fatal("open_memstream");
		rc = sepa_bankfile_read_file(
		    argv[i], NULL, inspect_record, &b, NULL, &err);
		fclose(b.mem);
		if (rc != 0) {
			ctl_fail(CTL_REFUSED, &err, "cannot read %s", argv[i]);
			status = CTL_REFUSED;
		} else {
			fwrite(b.data, 1, b.size, stdout);
		}
		free(b.data);
	}
	if (fflush(stdout) != 0) {
		log_warn("could not write the output");
		return CTL_INTERNAL;
	}
	return status;
}
