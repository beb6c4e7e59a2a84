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
#include "i18n.h"
#include "log.h"
#include "store_creditor.h"
#include "store_import.h"

static void
import_report(const char *path, const struct import_result *res)
{
	log_warnx(ngettext("could not import %s: %" PRId64 " bad row",
	              "could not import %s: %" PRId64 " bad rows",
	              (unsigned long)res->bad_rows),
	    path, res->bad_rows);
	for (size_t i = 0; i < res->nissues; i++) {
		const struct import_issue *is = &res->issues[i];

		if (is->column[0] != '\0')
			fprintf(stderr,
			    _("%s:%ld: column \"%s\": \"%s\": %s\n"), path,
			    is->line, is->column, is->value, is->reason);
		else
			fprintf(
			    stderr, "%s:%ld: %s\n", path, is->line, is->reason);
	}
	if (res->issues_total > (int64_t)res->nissues)
		fprintf(stderr, _("... and %" PRId64 " more\n"),
		    res->issues_total - (int64_t)res->nissues);
}

/* "imported PATH as file #ID: N rows, ..." in one sentence per kind (the
 * plural follows the rows). */
static void
import_summary(
    const char *path, enum import_kind kind, const struct import_result *res)
{
	const int64_t id = res->file_id, n = res->rows_total;
	const int64_t ins = res->rows_inserted, upd = res->rows_updated;
	const unsigned long pl = (unsigned long)n;

	switch (kind) {
	case IMPORT_FAMILIES:
		printf(ngettext("imported %s as file #%" PRId64 ": %" PRId64
		                " row, %" PRId64 " new families, %" PRId64
		                " updated, %" PRId64 " unchanged\n",
		           "imported %s as file #%" PRId64 ": %" PRId64
		           " rows, %" PRId64 " new families, %" PRId64
		           " updated, %" PRId64 " unchanged\n",
		           pl),
		    path, id, n, ins, upd, n - ins - upd);
		break;
	case IMPORT_MANDATES:
		printf(ngettext("imported %s as file #%" PRId64 ": %" PRId64
		                " row, %" PRId64 " new mandates, %" PRId64
		                " already known\n",
		           "imported %s as file #%" PRId64 ": %" PRId64
		           " rows, %" PRId64 " new mandates, %" PRId64
		           " already known\n",
		           pl),
		    path, id, n, ins, n - ins);
		break;
	case IMPORT_TARIFFS:
		if (upd > 0)
			printf(ngettext("imported %s as file #%" PRId64
			                ": %" PRId64 " row, %" PRId64
			                " new tariffs, %" PRId64
			                " already known, %" PRId64
			                " new services, %" PRId64
			                " with a new CAF activity\n",
			           "imported %s as file #%" PRId64 ": %" PRId64
			           " rows, %" PRId64 " new tariffs, %" PRId64
			           " already known, %" PRId64
			           " new services, %" PRId64
			           " with a new CAF activity\n",
			           pl),
			    path, id, n, ins, n - ins, res->created, upd);
		else
			printf(ngettext(
			           "imported %s as file #%" PRId64 ": %" PRId64
			           " row, %" PRId64 " new tariffs, %" PRId64
			           " already known, %" PRId64 " new services\n",
			           "imported %s as file #%" PRId64 ": %" PRId64
			           " rows, %" PRId64 " new tariffs, %" PRId64
			           " already known, %" PRId64 " new services\n",
			           pl),
			    path, id, n, ins, n - ins, res->created);
		break;
	case IMPORT_CONSUMPTION:
		if (upd > 0)
			printf(
			    ngettext("imported %s as file #%" PRId64
			             ": %" PRId64 " row, %" PRId64
			             " consumption lines, %" PRId64
			             " new children, %" PRId64
			             " birth dates given\n",
			        "imported %s as file #%" PRId64 ": %" PRId64
			        " rows, %" PRId64 " consumption lines, %" PRId64
			        " new children, %" PRId64
			        " birth dates given\n",
			        pl),
			    path, id, n, ins, res->created, upd);
		else
			printf(
			    ngettext("imported %s as file #%" PRId64
			             ": %" PRId64 " row, %" PRId64
			             " consumption lines, %" PRId64
			             " new children\n",
			        "imported %s as file #%" PRId64 ": %" PRId64
			        " rows, %" PRId64 " consumption lines, %" PRId64
			        " new children\n",
			        pl),
			    path, id, n, ins, res->created);
		break;
	case IMPORT_CHILDREN:
		printf(ngettext("imported %s as file #%" PRId64 ": %" PRId64
		                " row, %" PRId64 " new children, %" PRId64
		                " updated, %" PRId64 " unchanged\n",
		           "imported %s as file #%" PRId64 ": %" PRId64
		           " rows, %" PRId64 " new children, %" PRId64
		           " updated, %" PRId64 " unchanged\n",
		           pl),
		    path, id, n, ins, upd, n - ins - upd);
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
		char on[I18N_DATE_TEXT_BUFSZ];

		printf(_("%s was already imported on %s as file #%" PRId64
		         ": nothing changed\n"),
		    argv[2], i18n_date_text(on, res->already_on), res->file_id);
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
