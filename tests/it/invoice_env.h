/*
 * invoice_env.h - an end-to-end test's world for the invoice commands: a
 * database of the test cluster seeded with invoice_seed.h (the commune
 * and its September), a configuration naming it and a temporary outbox.
 */
#ifndef SEPAD_INVOICE_ENV_H
#define SEPAD_INVOICE_ENV_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../db/invoice_seed.h"
#include "ctlrun.h"
#include "sepa/error.h"
#include "db.h"

struct env {
	char name[64];
	char conf[64];
	char outbox[64];
	struct db *db;
};

static inline void
env_open(struct env *e)
{
	char conninfo[DBTEST_CONNINFO_MAX], text[4096];
	sepa_error err = SEPA_ERROR_INIT;

	dbtest_create(conninfo, e->name, "sepad");
	cr_assert_eq(db_connect(&e->db, conninfo, &err), 0, "%s", err.msg);
	seed_commune(e->db);
	seed_september(e->db);
	snprintf(e->outbox, sizeof(e->outbox), "/tmp/invcli-outbox-XXXXXX");
	cr_assert_not_null(mkdtemp(e->outbox));
	snprintf(text, sizeof(text),
	    "database: { conninfo = \"%s\"; };\n"
	    "creditor: {\n"
	    "  name = \"Commune de Saint-Exemple\";\n"
	    "  ics = \"FR72ZZZ123456\";\n"
	    "  iban = \"FR76 3000 6000 0112 3456 7890 189\";\n"
	    "  address: { street = \"Place de la Mairie\"; building = \"1\";\n"
	    "    postcode = \"99999\"; town = \"Saint-Exemple\"; country = "
	    "\"FR\"; };\n"
	    "};\n"
	    "directories: { outbox = \"%s\"; };\n",
	    conninfo, e->outbox);
	ctlrun_conf(e->conf, sizeof(e->conf), text);
}

static inline void
env_close(struct env *e)
{
	char cmd[256];

	db_close(e->db);
	dbtest_drop(e->name);
	unlink(e->conf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", e->outbox);
	cr_assert_eq(system(cmd), 0);
}

#endif /* SEPAD_INVOICE_ENV_H */
