#!/bin/sh
# with-pg.sh - run a command beside a throw-away PostgreSQL cluster.
#   with-pg.sh COMMAND...
# Starts a cluster under build/ (tools/pgcluster.sh, fsync off), migrates
# its database "sepad" with build/sepactl init (the tests copy it as a
# template), exports SEPAD_TEST_CONNINFO (its maintenance database) and
# SEPAD_TEST_PGROOT, runs COMMAND, then stops and removes the cluster, also
# when COMMAND fails or is interrupted. Exits with COMMAND's status.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
root=$top/build/testpg-$$
status=0

cleanup() {
	sh tools/pgcluster.sh destroy "$root" || true
	rm -f "$root.conf"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SEPAD_PG_FAST=1 sh tools/pgcluster.sh start "$root" || exit 3
conninfo=$(cat "$root/conninfo")
printf 'database: { conninfo = "%s"; };\n' \
    "$(echo "$conninfo" | sed 's/"/\\"/g')" >"$root.conf"
if ! build/sepactl -c "$root.conf" init >/dev/null; then
	echo "with-pg: could not migrate the test template database" >&2
	exit 3
fi
SEPAD_TEST_CONNINFO="$(echo "$conninfo" | sed "s/dbname='sepad'/dbname='postgres'/")"
SEPAD_TEST_PGROOT=$root
export SEPAD_TEST_CONNINFO SEPAD_TEST_PGROOT
"$@" || status=$?
exit $status
