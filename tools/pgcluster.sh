#!/bin/sh
# pgcluster.sh - the private PostgreSQL cluster of sepad (and of the tests).
#
#   pgcluster.sh start ROOT     initialise on first use, start if stopped,
#                               create the database "sepad"; write the
#                               connection string to ROOT/conninfo
#   pgcluster.sh stop ROOT      stop it if it runs
#   pgcluster.sh status ROOT    exit 0 when it runs
#   pgcluster.sh destroy ROOT   stop it and remove every file of it
#
# Layout: ROOT/data (PGDATA), ROOT/run (the unix socket, mode 0700: the only
# way in, listen_addresses is empty), ROOT/server.log, ROOT/conninfo; and
# ROOT.lock beside it, serialising concurrent calls.
# The programs come from `pg_config --bindir` (Debian keeps them out of
# PATH). SEPAD_PG_FAST=1 at initialisation turns fsync off (test clusters).
#
# PostgreSQL refuses to run as root. Run as root, this script runs initdb and
# pg_ctl as the `postgres` user (runuser), and ROOT belongs to that user.
# When postgres cannot reach ROOT (a parent directory it cannot traverse,
# e.g. a clone under /root), or the socket path would be too long for a unix
# socket, the cluster lives in a private directory under /tmp owned by the
# cluster's user, and ROOT is a symbolic link to it.
set -eu

die() {
	echo "pgcluster: $*" >&2
	exit 1
}

[ $# -eq 2 ] || die "usage: pgcluster.sh start|stop|status|destroy ROOT"
cmd=$1
root=$2
case $root in
/*) ;;
*) root=$(pwd)/$root ;;
esac

bindir=$(pg_config --bindir 2>/dev/null || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ]; then
	bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V |
	    tail -n 1)
fi
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] ||
	die "could not find initdb: install the Debian package postgresql"

if [ "$(id -u)" -eq 0 ]; then
	getent passwd postgres >/dev/null ||
		die "could not run PostgreSQL as root: there is no postgres user (install the package postgresql)"
	pguser=postgres
	as_pg() { (cd / && runuser -u postgres -- "$@" 9>&-); }
else
	pguser=$(id -un)
	as_pg() { (cd / && "$@" 9>&-); }
fi

# Create ROOT (or the /tmp directory it points to) for the cluster's user.
make_root() {
	parent=$(dirname "$root")
	mkdir -p "$parent"
	# A link left by a previous run whose /tmp target has gone.
	if [ -L "$root" ] && [ ! -d "$root" ]; then
		rm -f "$root"
	fi
	[ -d "$root" ] && return 0
	if [ ${#root} -le 80 ] && as_pg test -x "$parent"; then
		mkdir -m 0700 "$root"
	else
		tmp=$(mktemp -d /tmp/sepad-pg.XXXXXX)
		ln -s "$tmp" "$root"
		echo "pgcluster: $root -> $tmp ($pguser cannot reach $parent, or the path is too long for a socket)" >&2
	fi
	[ "$pguser" = postgres ] && chown postgres: "$(readlink -f "$root")"
	return 0
}

# ROOT made by someone else (mkdir as root, say) must still be ours.
check_root() {
	as_pg test -w "$real" -a -x "$real" ||
		die "could not use $root: $pguser cannot write to it (remove it, or give it to $pguser)"
}

running() {
	[ -d "$root/data" ] &&
		as_pg "$bindir/pg_ctl" -D "$real/data" status >/dev/null 2>&1
}

# One pgcluster.sh at a time per cluster (two first commands must not both
# run initdb): a lock file beside ROOT.
if command -v flock >/dev/null 2>&1 && [ "$cmd" != status ]; then
	mkdir -p "$(dirname "$root")"
	exec 9>>"$root.lock"
	flock 9
fi

case $cmd in
start)
	make_root
	real=$(readlink -f "$root")
	check_root
	if [ ! -f "$real/data/PG_VERSION" ]; then
		echo "pgcluster: initialising a PostgreSQL cluster in $root" >&2
		as_pg mkdir -m 0700 -p "$real/run"
		as_pg "$bindir/initdb" -D "$real/data" -U "$pguser" \
		    --locale=C.UTF-8 --encoding=UTF8 --auth=trust \
		    >"$real/initdb.log" 2>&1 ||
			die "could not initialise the cluster (see $real/initdb.log)"
		# Trust is safe here: the socket directory is the only way
		# in and only the cluster's user (and root) can enter it.
		{
			echo "listen_addresses = ''"
			echo "port = 5432"
			echo "unix_socket_directories = '$real/run'"
			echo "unix_socket_permissions = 0700"
			# A month's import writes millions of rows in one
			# transaction: room for it between checkpoints (the
			# default 1 GB forces one every few seconds).
			echo "max_wal_size = '4GB'"
			echo "shared_buffers = '256MB'"
			if [ "${SEPAD_PG_FAST:-0}" = 1 ]; then
				echo "fsync = off"
				echo "synchronous_commit = off"
				echo "full_page_writes = off"
			fi
		} | as_pg sh -c "cat >>'$real/data/postgresql.conf'"
	fi
	if ! running; then
		as_pg "$bindir/pg_ctl" -D "$real/data" -l "$real/server.log" \
		    -w -t 60 start >/dev/null ||
			die "could not start PostgreSQL (see $real/server.log)"
	fi
	psql() {
		as_pg "$bindir/psql" -X -q -h "$real/run" -p 5432 -U "$pguser" "$@"
	}
	if [ "$(psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'sepad'")" != 1 ]; then
		psql -d postgres -c "CREATE DATABASE sepad" ||
			die "could not create the database sepad"
	fi
	# The port names the socket file (.s.PGSQL.5432): pinned, so that a
	# PGPORT in the environment changes nothing.
	printf "host='%s' port=5432 user='%s' dbname='sepad'\n" "$real/run" \
	    "$pguser" \
	    >"$root/conninfo.tmp"
	mv "$root/conninfo.tmp" "$root/conninfo"
	;;
stop)
	[ -e "$root" ] || exit 0
	real=$(readlink -f "$root")
	if running; then
		as_pg "$bindir/pg_ctl" -D "$real/data" -m fast -w stop >/dev/null
	fi
	;;
status)
	[ -e "$root" ] || exit 1
	real=$(readlink -f "$root")
	running
	;;
destroy)
	[ -e "$root" ] || [ -L "$root" ] || exit 0
	real=$(readlink -f "$root")
	if running; then
		as_pg "$bindir/pg_ctl" -D "$real/data" -m immediate -w stop \
		    >/dev/null || true
	fi
	rm -rf "$real"
	[ -L "$root" ] && rm -f "$root"
	rm -f "$root.lock"
	;;
*)
	die "unknown command \"$cmd\""
	;;
esac
