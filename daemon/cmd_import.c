/*
 * cmd_import.c - `sepactl import families|mandates|tariffs|consumption|
 * children FILE`: take a CSV file in whole or refuse it whole, with one
 * line per bad row.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sepa/csv.h"
#include "sepa/error.h"
#include "sepa/rules.h"
#include "commands.h"
#include "config.h"
#include "ctl.h"
#include "log.h"
#include "store_creditor.h"
#include "store_import.h"

static void
import_report(const char *path, const struct import_result *res)
{
	log_warnx("could not import %s: %" PRId64 " bad row%s", path,
	    res->bad_rows, res->bad_rows > 1 ? "s" : "");
	for (size_t i = 0; i < res->nissues; i++) {
		const struct import_issue *is = &res->issues[i];

		if (is->column[0] != '\0')
			fprintf(stderr, "%s:%ld: column \"%s\": \"%s\": %s\n",
			    path, is->line, is->column, is->value, is->reason);
		else
			fprintf(
			    stderr, "%s:%ld: %s\n", path, is->line, is->reason);
	}
	if (res->issues_total > (int64_t)res->nissues)
		fprintf(stderr, "... and %" PRId64 " more\n",
		    res->issues_total - (int64_t)res->nissues);
}

static void
import_summary(
    const char *path, enum import_kind kind, const struct import_result *res)
{
	printf("imported %s as file #%" PRId64 ": %" PRId64 " row%s", path,
	    res->file_id, res->rows_total, res->rows_total == 1 ? "" : "s");
	switch (kind) {
	case IMPORT_FAMILIES:
		printf(", %" PRId64 " new families, %" PRId64
		       " updated, %" PRId64 " unchanged\n",
		    res->rows_inserted, res->rows_updated,
		    res->rows_total - res->rows_inserted - res->rows_updated);
		break;
	case IMPORT_MANDATES:
		printf(", %" PRId64 " new mandates, %" PRId64
		       " already known\n",
		    res->rows_inserted, res->rows_total - res->rows_inserted);
		break;
	case IMPORT_TARIFFS:
		printf(", %" PRId64 " new tariffs, %" PRId64
		       " already known, %" PRId64 " new services",
		    res->rows_inserted, res->rows_total - res->rows_inserted,
		    res->created);
		if (res->rows_updated > 0)
			printf(", %" PRId64 " with a new CAF activity",
			    res->rows_updated);
		putchar('\n');
		break;
	case IMPORT_CONSUMPTION:
		printf(", %" PRId64 " consumption lines, %" PRId64
		       " new children",
		    res->rows_inserted, res->created);
		if (res->rows_updated > 0)
			printf(", %" PRId64 " birth dates given",
			    res->rows_updated);
		putchar('\n');
		break;
	case IMPORT_CHILDREN:
		printf(", %" PRId64 " new children, %" PRId64
		       " updated, %" PRId64 " unchanged\n",
		    res->rows_inserted, res->rows_updated,
		    res->rows_total - res->rows_inserted - res->rows_updated);
		break;
	}
}

int
cmd_import(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct import_result *res = NULL;
	enum import_kind kind;
	sepa_rules rules;
	struct db *db;
	int64_t creditor;
	int rc, status;

	/* Bank files: the reconciliation (cmd_returns.c). */
	if (argc >= 2 && strcmp(argv[1], "returns") == 0)
		return cmd_import_returns(ctl, argc, argv);
	if (argc != 3 || store_import_kind_parse(&kind, argv[1]) != 0) {
		log_warnx("import needs families, mandates, tariffs, "
		          "consumption, children or returns and a file (see "
		          "sepactl import --help)");
		return CTL_USAGE;
	}
	if (access(argv[2], R_OK) != 0) {
		log_warnx("could not import %s: %s", argv[2], strerror(errno));
		return CTL_REFUSED;
	}
	if (config_require_creditor(&ctl->cfg, &err) != 0 ||
	    config_rules(&ctl->cfg, &rules, &err) != 0)
		return ctl_fail(
		    CTL_REFUSED, &err, "could not import %s", argv[2]);
	if ((status = ctl_db(ctl, &db)) != CTL_OK)
		return status;
	if ((rc = store_creditor_find(
	         db, ctl->cfg.cred_ics, &creditor, &err)) != 0)
		return ctl_fail(
		    rc == SEPA_ENOTFOUND ? CTL_REFUSED : CTL_INTERNAL, &err,
		    "could not import %s", argv[2]);
	res = xcalloc(1, sizeof(*res));
	rc = store_import_file(db, creditor, kind, argv[2],
	    ctl->cfg.import_encoding == CONFIG_ENC_CP1252 ? SEPA_CSV_CP1252
	                                                  : SEPA_CSV_UTF8,
	    &rules, ctl->today, res, &err);
	if (rc == 0 && res->already) {
		printf("%s was already imported on %s as file #%" PRId64
		       ": nothing changed\n",
		    argv[2], res->already_on, res->file_id);
		status = CTL_OK;
	} else if (rc == 0) {
		import_summary(argv[2], kind, res);
		status = CTL_OK;
	} else if (rc == SEPA_EINVAL && res->bad_rows > 0) {
		import_report(argv[2], res);
		status = CTL_REFUSED;
	} else if (rc == SEPA_EINVAL || rc == SEPA_ELIMIT) {
		status =
		    ctl_fail(CTL_REFUSED, &err, "could not import %s", argv[2]);
	} else {
		status = ctl_fail(CTL_INTERNAL, &err,
		    "could not import %s; the database is unchanged", argv[2]);
	}
	free(res);
	return status;
}
