#!/bin/sh
# run.sh - the Debian package end to end (make deb-check; part of check
# where dpkg-buildpackage and debhelper are installed).
#
# Builds the package (make deb-build), runs lintian on it (no error, no
# warning), then, as root on a machine where sepad is not installed:
# installs it with apt, checks its files, the user, the spool, the conffile,
# the unit (enabled, not started, systemd-analyze security <= 2.0) and the
# journal catalog; runs `sepad -n` on the configuration it ships (which
# must name the creditor's keys to fill in); creates a throw-away cluster
# of the system's PostgreSQL binaries (run by the user postgres, its socket
# in a private directory, peer authentication), the role and database
# sepad in it, and runs `sepactl init` and `status` as the user sepad on the
# shipped configuration with only the creditor filled in, and collects a
# month with them (tests/data/import/*_ok.csv) as a pain.008 and, in a
# second database, as a PES flow (conf/pes-demo.sed), each validated
# against the installed XSDs; then purges the package and checks that
# nothing of it is left but the user sepad and the files the service wrote
# (policy keeps both). The package is purged, the
# cluster removed, on failure too.
#
# Each check counts as a test: "deb: N passed, N failed", appended to
# $SEPAD_TEST_TALLY when set. Nothing here starts sepad itself: the
# console's port stays free.
set -u
cd "$(dirname "$0")/../.."
# The messages checked below are the English ones.
unset LC_ALL LC_MESSAGES LANGUAGE
LANG=C.UTF-8
export LANG
top=$(pwd)
version=$(dpkg-parsechangelog -S Version)
deb=$top/build/deb/sepad_${version}_amd64.deb
passed=0
failed=0
tmp=
installed=0
user_before=0
log=$top/build/deb/test.log
started=$(date +%s)

ok() { passed=$((passed + 1)); }
bad() {
	failed=$((failed + 1))
	echo "deb: FAILED: $*"
}
# contains TEXT PATTERN: grep -q PATTERN in TEXT.
contains() { printf '%s\n' "$1" | grep -q -- "$2"; }
# check WHAT COMMAND...: one test.
check() {
	what=$1
	shift
	if "$@" >>"$log" 2>&1; then ok; else bad "$what"; fi
}

finish() {
	st=$?
	trap - EXIT INT TERM
	[ "$st" -ne 0 ] && [ "$failed" -eq 0 ] &&
	    bad "the script stopped with status $st"
	if [ -n "$tmp" ] && [ -d "$tmp/data" ]; then
		runuser -u postgres -- "$pgbin/pg_ctl" -D "$tmp/data" -m immediate \
		    stop >/dev/null 2>&1
	fi
	if [ "$installed" = 1 ] &&
	    dpkg-query -W -f='${Status}' sepad 2>/dev/null | grep -q installed; then
		echo "deb: purging the package after a failure"
		dpkg --purge sepad >/dev/null 2>&1
	fi
	if [ "$installed" = 1 ]; then
		rm -rf /var/spool/sepad /var/lib/sepad
		[ "$user_before" = 0 ] && userdel sepad 2>/dev/null
	fi
	[ -n "$tmp" ] && rm -rf "$tmp"
	echo "deb: $passed passed, $failed failed ($(($(date +%s) - started)) s; log $log)"
	[ -n "${SEPAD_TEST_TALLY:-}" ] && echo "$passed $failed" >>"$SEPAD_TEST_TALLY"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}
trap finish EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ build
echo "deb: building $(basename "$deb") (make deb-build)"
mkdir -p build
if ! make --no-print-directory deb-build >build/deb-build.log 2>&1; then
	tail -n 30 build/deb-build.log
	bad "make deb-build (build/deb-build.log)"
	exit 1
fi
: >"$log"
ok
check "the package is named sepad_VERSION_amd64.deb" test -f "$deb"

# lintian: the default checks, no error and no warning.
if lintian --fail-on error,warning "$deb" >build/deb/lintian.txt 2>&1; then
	ok
else
	cat build/deb/lintian.txt
	bad "lintian $deb"
fi

# What the package holds, built for /usr: the runtime files the programs
# open (every XSD, every migration, the console, the messages).
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\.||')
has() { echo "$contents" | grep -qx "$1"; }
for f in schemas/*.xsd schemas/pes/*.xsd schemas/sql/*.sql \
    conf/vacances-scolaires.csv; do
	check "the package holds /usr/share/sepad/$f" has "/usr/share/sepad/$f"
done
for f in daemon/web/*; do
	check "the package holds the console's $f" \
	    has "/usr/share/sepad/web/$(basename "$f")"
done
for f in /usr/sbin/sepad /usr/bin/sepactl /etc/sepad/sepad.conf \
    /usr/share/man/man8/sepad.8.gz /usr/share/man/man1/sepactl.1.gz \
    /usr/share/man/man5/sepad.conf.5.gz /lib/systemd/system/sepad.service \
    /usr/lib/sysusers.d/sepad.conf /usr/lib/tmpfiles.d/sepad.conf \
    /usr/lib/systemd/catalog/sepad.catalog \
    /usr/share/locale/fr/LC_MESSAGES/sepad.mo \
    /usr/share/doc/sepad/copyright /usr/share/doc/sepad/changelog.gz \
    /usr/share/doc/sepad/README.Debian; do
	check "the package holds $f" has "$f"
done
check "/etc/sepad/sepad.conf is a conffile" sh -c \
    "dpkg-deb -e '$deb' '$top/build/deb/control' &&
     grep -qx /etc/sepad/sepad.conf '$top/build/deb/control/conffiles'"

# ---------------------------------------------------------------- install
if [ "$(id -u)" -ne 0 ]; then
	echo "deb: install skipped: not root (the rest needs apt and a user)"
	exit 0
fi
if dpkg-query -W -f='${Status}' sepad 2>/dev/null | grep -q 'ok installed\|config-files'; then
	echo "deb: install skipped: a package sepad is installed on this machine, which the test would purge"
	exit 0
fi
if [ -e /etc/sepad ] || [ -e /var/spool/sepad ]; then
	echo "deb: install skipped: /etc/sepad or /var/spool/sepad exists (make install?), which the test would remove"
	exit 0
fi
getent passwd sepad >/dev/null && user_before=1
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

echo "deb: installing it (apt install ./$(basename "$deb"))"
installed=1
if ! (cd "$(dirname "$deb")" && DEBIAN_FRONTEND=noninteractive apt-get \
    -o DPkg::Lock::Timeout=120 install -y --no-install-recommends \
    "./$(basename "$deb")") >build/deb/install.log 2>&1; then
	cat build/deb/install.log
	bad "apt install ./$(basename "$deb")"
	exit 1
fi
ok
check "sepad --version is $version" sh -c \
    "/usr/sbin/sepad --version | grep -qx 'sepad $version'"
check "sepactl reads /usr/share/sepad" sh -c \
    "/usr/bin/sepactl --help | grep -q /usr/share/sepad/conf/sepad.conf"
check "no path of the build tree in the programs" sh -c \
    "! grep -q '$top' /usr/sbin/sepad /usr/bin/sepactl"
check "sepactl speaks French from /usr/share/locale" sh -c \
    "env -u LC_ALL -u LANGUAGE LANG=fr_FR.UTF-8 /usr/bin/sepactl --help |
     grep -q 'configuration (par défaut'"
check "man finds sepad(8), with its PRODUCTION DATABASE" sh -c \
    "LC_ALL=C.UTF-8 MANWIDTH=80 man 8 sepad | grep -q 'PRODUCTION DATABASE'"

# The user, the spool, the configuration's owner.
check "the user sepad exists, home /var/lib/sepad, no shell" sh -c \
    "getent passwd sepad | grep -q ':/var/lib/sepad:/usr/sbin/nologin\$'"
for d in inbox/families inbox/mandates inbox/tariffs inbox/consumption \
    inbox/returns outbox archive rejected; do
	check "/var/spool/sepad/$d belongs to sepad" sh -c \
	    "[ \"\$(stat -c %U:%G /var/spool/sepad/$d)\" = sepad:sepad ]"
done
check "/etc/sepad/sepad.conf is root:sepad 0640" sh -c \
    "[ \"\$(stat -c %U:%G:%a /etc/sepad/sepad.conf)\" = root:sepad:640 ]"
check "/etc/sepad is root:sepad 0750" sh -c \
    "[ \"\$(stat -c %U:%G:%a /etc/sepad)\" = root:sepad:750 ]"
check "sepad can read its configuration" \
    runuser -u sepad -- test -r /etc/sepad/sepad.conf

# The unit: enabled, not started, sandboxed.
check "sepad.service is enabled" \
    test -L /etc/systemd/system/multi-user.target.wants/sepad.service
check "the unit runs /usr/sbin/sepad" \
    grep -qx 'ExecStart=/usr/sbin/sepad -c /etc/sepad/sepad.conf' \
    /lib/systemd/system/sepad.service
check "no sepad runs after the installation" sh -c \
    "! find /proc -maxdepth 1 -name '[0-9]*' -user sepad | grep -q ."
score=$(systemd-analyze security --offline=true \
    /lib/systemd/system/sepad.service 2>/dev/null |
    sed -n 's/.*Overall exposure level for sepad.service: \([0-9.]*\).*/\1/p')
echo "deb: systemd-analyze security --offline=true: ${score:-no score}"
check "systemd-analyze security <= 2.0 (${score:-none})" \
    awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'
check "the journal catalog has sepad's messages" sh -c \
    "journalctl --list-catalog aa078501d5474848bb17640e559b947d | grep -q 'sepad started'"

# The shipped configuration: sepad -n names what to fill in.
out=$(/usr/sbin/sepad -n -c /etc/sepad/sepad.conf 2>&1)
rc=$?
echo "$out" >>"$log"
check "sepad -n refuses the shipped configuration" [ "$rc" -eq 1 ]
for k in creditor.name creditor.ics creditor.iban creditor.address.town; do
	check "sepad -n names $k" contains "$out" "key \"$k\" must be set"
done
check "the shipped configuration's spool is absolute" \
    grep -q '^	inbox = "/var/spool/sepad/inbox";' /etc/sepad/sepad.conf
check "the shipped configuration reaches the system PostgreSQL" \
    grep -q '^	conninfo = "dbname=sepad user=sepad";' /etc/sepad/sepad.conf

# ------------------------------------------------- a throw-away database
# The system's binaries, run by postgres; the socket in a private
# directory (no port on the network, nothing shared with other clusters),
# peer authentication as on a Debian server.
tmp=$(mktemp -d /tmp/sepad-deb.XXXXXX)
chmod 0755 "$tmp"
mkdir "$tmp/run" "$tmp/data" "$tmp/log" &&
    chown postgres: "$tmp/run" "$tmp/data" "$tmp/log"
chmod 0700 "$tmp/data" "$tmp/log"
check "initdb (peer authentication)" runuser -u postgres -- "$pgbin/initdb" \
    -D "$tmp/data" --auth-local=peer --auth-host=reject -U postgres \
    --locale=C.UTF-8 --encoding=UTF8
check "start the throw-away cluster" runuser -u postgres -- "$pgbin/pg_ctl" \
    -D "$tmp/data" -l "$tmp/log/server.log" -w -o "-c listen_addresses='' \
    -c unix_socket_directories='$tmp/run' -c fsync=off" start
check "createuser sepad" runuser -u postgres -- "$pgbin/createuser" -h "$tmp/run" sepad
check "createdb -O sepad sepad" \
    runuser -u postgres -- "$pgbin/createdb" -h "$tmp/run" -O sepad sepad

# The shipped configuration, the creditor filled in (the example's
# fictional commune); libpq's PGHOST sends its conninfo to the test socket.
sed -e '/^creditor: {/,/^};/{
	s|name = "";|name = "Commune de Saint-Exemple";|
	s|ics = "";|ics = "FR72ZZZ123456";|
	s|iban = "";|iban = "FR76 3000 6000 0112 3456 7890 189";|
	s|town = "";|town = "Saint-Exemple";|
}' /etc/sepad/sepad.conf >"$tmp/sepad.conf"
chmod 0644 "$tmp/sepad.conf"
check "sepad -n accepts it with the creditor filled in" \
    /usr/sbin/sepad -n -c "$tmp/sepad.conf"
# as_sepad CONF ARGS...: sepactl -c $tmp/CONF.conf ARGS as the user sepad.
as_sepad() {
	c=$1
	shift
	runuser -u sepad -- env PGHOST="$tmp/run" /usr/bin/sepactl \
	    -c "$tmp/$c.conf" "$@"
}
check "sepactl init as sepad" as_sepad sepad init
status=$(as_sepad sepad status 2>&1)
echo "$status" >>"$log"
check "sepactl status as sepad: the schema is there" \
    contains "$status" 'database: reachable, schema version'
check "the tables belong to the role sepad" sh -c \
    "[ \"\$(runuser -u postgres -- '$pgbin/psql' -h '$tmp/run' -d sepad -Atc \
     \"SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND
      tableowner <> 'sepad'\")\" = 0 ]"
check "root is not let in as sepad (peer authentication)" sh -c \
    "! PGHOST='$tmp/run' /usr/bin/sepactl -c '$tmp/sepad.conf' status"

# A month collected with the installed programs and data: the migrations,
# then the pain.008 validated against the installed XSD; and the same
# month as a PES flow (conf/pes-demo.sed, a database of its own) against
# the installed PES XSD. The files land in the spool's outbox.
mkdir "$tmp/in"
for k in families mandates tariffs consumption; do
	cp "tests/data/import/${k}_ok.csv" "$tmp/in/$k.csv"
done
chmod -R a+rX "$tmp/in"
sed -e 's|^	conninfo = "dbname=sepad |	conninfo = "dbname=sepadpes |' \
    -f conf/pes-demo.sed "$tmp/sepad.conf" >"$tmp/pes.conf"
chmod 0644 "$tmp/pes.conf"
check "createdb -O sepad sepadpes" \
    runuser -u postgres -- "$pgbin/createdb" -h "$tmp/run" -O sepad sepadpes
check "sepactl init as sepad (PES)" as_sepad pes init
for conf in sepad pes; do
	for k in families mandates tariffs consumption; do
		check "sepactl import $k ($conf)" as_sepad $conf \
		    --today 2025-11-01 import "$k" "$tmp/in/$k.csv"
	done
	check "sepactl cycle on the invoice day ($conf)" \
	    as_sepad $conf --today 2025-11-01 cycle
	check "sepactl cycle on the export day ($conf)" \
	    as_sepad $conf --today 2025-11-06 cycle
done
check "the pain.008 is in the outbox" \
    test -s /var/spool/sepad/outbox/pain008-FR72ZZZ123456-2025-11-1.xml
check "the PES flow is in the outbox" \
    test -s /var/spool/sepad/outbox/PESORMC_21990001300017_2025_1.xml
check "both checksums hold" sh -c "cd /var/spool/sepad/outbox &&
    sha256sum -c pain008-FR72ZZZ123456-2025-11-1.xml.sha256 \
    PESORMC_21990001300017_2025_1.xml.sha256"
check "the outbox's files belong to sepad" sh -c \
    "[ \"\$(stat -c %U /var/spool/sepad/outbox/PESORMC_21990001300017_2025_1.xml)\" = sepad ]"
runuser -u postgres -- "$pgbin/pg_ctl" -D "$tmp/data" -m fast stop >/dev/null

# ---------------------------------------------------------------- upgrade
# The same package again, as an upgrade runs its scripts (configure with
# the old version): the administrator's configuration and its mode stay.
sed -i 's|^	name = "";|	name = "Commune de Test";|' /etc/sepad/sepad.conf
check "dpkg -i again (an upgrade's path)" env DEBIAN_FRONTEND=noninteractive \
    dpkg --force-confold -i "$deb"
check "the configuration edited survives it" \
    grep -q '^	name = "Commune de Test";' /etc/sepad/sepad.conf
check "/etc/sepad/sepad.conf is still root:sepad 0640" sh -c \
    "[ \"\$(stat -c %U:%G:%a /etc/sepad/sepad.conf)\" = root:sepad:640 ]"

# ------------------------------------------------------------------ purge
# The files the service wrote stay; the empty directories go.
echo "deb: purging it (apt purge sepad)"
check "apt purge sepad" env DEBIAN_FRONTEND=noninteractive apt-get \
    -o DPkg::Lock::Timeout=120 purge -y sepad
check "dpkg has forgotten sepad" sh -c \
    "! dpkg-query -W -f='\${Status}' sepad 2>/dev/null | grep -q 'installed\|config-files'"
left=""
for f in $contents; do
	case $f in
	*/) continue ;;
	esac
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done
check "no file of the package is left:$left" [ -z "$left" ]
for f in /etc/sepad /usr/share/sepad /usr/share/doc/sepad \
    /etc/systemd/system/multi-user.target.wants/sepad.service \
    /var/lib/systemd/deb-systemd-helper-enabled/sepad.service.dsh-also \
    /var/spool/sepad/inbox /var/spool/sepad/archive \
    /var/spool/sepad/rejected /var/lib/sepad; do
	check "$f is gone" sh -c "! [ -e '$f' ] && ! [ -L '$f' ]"
done
check "the pain.008 written is kept" \
    test -f /var/spool/sepad/outbox/pain008-FR72ZZZ123456-2025-11-1.xml
check "the user sepad is kept" getent passwd sepad
check "the journal catalog has forgotten sepad" sh -c \
    "! journalctl --list-catalog aa078501d5474848bb17640e559b947d 2>/dev/null | grep -q 'sepad started'"
