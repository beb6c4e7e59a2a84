/*
 * cmd_user.c - `sepactl user add|list|disable|passwd`: the people allowed
 * into the web console (store_user.c). The password is typed on the
 * terminal or given on standard input, never on the command line (which
 * other users can read in the process list).
 */
#include <stdio.h>
#include <string.h>

#include "sepa/error.h"
#include "commands.h"
#include "ctl.h"
#include "log.h"
#include "password.h"
#include "store_creditor.h"
#include "store_user.h"

/* The database, and the creditor the user's events are recorded under
 * (none before sepactl init registered it). */
static int
user_db(struct ctl *ctl, struct db **db, struct user_audit *audit)
{
	sepa_error err = SEPA_ERROR_INIT;
	int rc;

	if ((rc = ctl_db(ctl, db)) != CTL_OK)
		return rc;
	audit->creditor_id = 0;
	audit->today = ctl->today;
	if (ctl->cfg.cred_ics[0] != '\0' &&
	    store_creditor_find(
	        *db, ctl->cfg.cred_ics, &audit->creditor_id, &err) != 0)
		audit->creditor_id = 0;
	return CTL_OK;
}

/* A password read and hashed into hash. */
static int
user_password(char hash[PASSWORD_HASH_BUFSZ])
{
	char pw[PASSWORD_MAX_LEN + 2];
	sepa_error err = SEPA_ERROR_INIT;
	int rc = CTL_OK;

	if (password_read(pw, sizeof(pw), &err) != 0 ||
	    password_hash(pw, hash, &err) != 0)
		rc = ctl_fail(
		    err.code == SEPA_EINVAL ? CTL_REFUSED : CTL_INTERNAL, &err,
		    "no password set");
	explicit_bzero(pw, sizeof(pw));
	return rc;
}

static int
user_fail(const sepa_error *err, const char *what)
{
	return ctl_fail(err->code == SEPA_EIO ? CTL_INTERNAL : CTL_REFUSED, err,
	    "%s", what);
}

static int
user_add(struct ctl *ctl, int argc, char **argv)
{
	char hash[PASSWORD_HASH_BUFSZ];
	sepa_error err = SEPA_ERROR_INIT;
	struct user_audit audit;
	enum user_role role;
	struct db *db;
	int rc;

	if (argc != 4 || strcmp(argv[2], "--role") != 0) {
		log_warnx("usage: sepactl user add NAME --role finance|viewer");
		return CTL_USAGE;
	}
	if (store_user_role_parse(argv[3], &role, &err) != 0)
		return ctl_fail(CTL_USAGE, &err, "user add");
	if ((rc = user_db(ctl, &db, &audit)) != CTL_OK ||
	    (rc = user_password(hash)) != CTL_OK)
		return rc;
	if (store_user_add(db, &audit, argv[1], role, hash, &err) != 0)
		return user_fail(&err, "no user added");
	printf("user %s added (%s)\n", argv[1], store_user_role_name(role));
	return CTL_OK;
}

static int
user_list(struct ctl *ctl)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct user_audit audit;
	struct user_row *rows;
	struct db *db;
	size_t n;
	int rc;

	if ((rc = user_db(ctl, &db, &audit)) != CTL_OK)
		return rc;
	if (store_user_list(db, &rows, &n, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err, "could not list the users");
	for (size_t i = 0; i < n; i++) {
		printf("%-20s %-8s %s", rows[i].name,
		    store_user_role_name(rows[i].role),
		    rows[i].disabled ? "disabled" : "enabled");
		if (rows[i].locked_until[0] != '\0')
			printf(", locked until %s", rows[i].locked_until);
		printf(", last login %s, %lld session%s\n",
		    rows[i].last_login[0] != '\0' ? rows[i].last_login
		                                  : "never",
		    (long long)rows[i].sessions,
		    rows[i].sessions == 1 ? "" : "s");
	}
	if (n == 0)
		printf(
		    "no users: sepactl user add NAME --role finance|viewer\n");
	store_user_rows_free(rows, n);
	return CTL_OK;
}

static int
user_one(struct ctl *ctl, int argc, char **argv)
{
	char hash[PASSWORD_HASH_BUFSZ];
	sepa_error err = SEPA_ERROR_INIT;
	struct user_audit audit;
	bool passwd = strcmp(argv[0], "passwd") == 0;
	struct db *db;
	int rc;

	if (argc != 2) {
		log_warnx("usage: sepactl user %s NAME", argv[0]);
		return CTL_USAGE;
	}
	if ((rc = user_db(ctl, &db, &audit)) != CTL_OK ||
	    (passwd && (rc = user_password(hash)) != CTL_OK))
		return rc;
	if (passwd ? store_user_passwd(db, &audit, argv[1], hash, &err)
	           : store_user_disable(db, &audit, argv[1], &err))
		return user_fail(&err,
		    passwd ? "password not changed" : "user not disabled");
	printf(passwd ? "user %s has a new password\n" : "user %s disabled\n",
	    argv[1]);
	return CTL_OK;
}

int
cmd_user(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return user_add(ctl, argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return user_list(ctl);
	if (argc >= 2 &&
	    (strcmp(argv[1], "disable") == 0 || strcmp(argv[1], "passwd") == 0))
		return user_one(ctl, argc - 1, argv + 1);
	log_warnx("user needs add, list, disable or passwd (see sepactl user "
	          "--help)");
	return CTL_USAGE;
}
