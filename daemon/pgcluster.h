/*
 * pgcluster.h - the private PostgreSQL cluster (pgcluster.c), started
 * on demand when database.conninfo is empty.
 */
#ifndef SEPAD_PGCLUSTER_H
#define SEPAD_PGCLUSTER_H

#include <stddef.h>

#include "sepa/error.h"

/*
 * The private PostgreSQL cluster under `root` (database.data_dir): make
 * sure it is initialised and running (initdb and pg_ctl from `pg_config
 * --bindir`, as the postgres user when run as root), then write its
 * connection string into conninfo (size bytes). Without `force`, a socket
 * in place is taken as a running server (fast); with it, the helper script
 * checks and starts. The script is $SEPAD_PGCLUSTER, else the build-time
 * tools/pgcluster.sh.
 */
int pgcluster_ensure(
    const char *root, int force, char *conninfo, size_t size, sepa_error *err);
/* Stop the cluster under `root` if it runs. */
int pgcluster_stop(const char *root, sepa_error *err);

#endif /* SEPAD_PGCLUSTER_H */
