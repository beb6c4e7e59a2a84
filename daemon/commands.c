/*
 * commands.c - the table of sepactl commands, shared by sepactl (which
 * parses the command line) and sepad (which runs the same commands).
 */
#include <string.h>

#include "sepad.h"

static const struct ctl_command ctl_command_table[] = {
    {"init", "", "create or migrate the database",
        "Apply the SQL migrations the database does not have yet, in one\n"
        "transaction: either all of them are applied or none. Running it again\n"
        "changes nothing. With database.conninfo empty, the private cluster is\n"
        "created and started first.\n",
        cmd_init},
    {"status", "", "database, schema version and counts",
        "Say whether the database is reachable, its schema version, and how many\n"
        "families, mandates, consumption lines and invoices it holds.\n",
        cmd_status},
    {"db", "start|stop", "start or stop the private PostgreSQL cluster",
        "The private cluster (database.data_dir) starts on demand and keeps\n"
        "running so that commands are fast; `db stop` stops it, `db start`\n"
        "starts it and prints its connection string.\n",
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
