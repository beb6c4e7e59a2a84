#!/bin/sh
# bench-web.sh - the web console's reads against a big commune, over
# real HTTP with a logged-in session:
#   bench-web.sh [FAMILIES [REQUESTS]]   (default 100000 and 200)
# The commune is build/gen-commune's (families with their names,
# addresses and mandates) taken in with `sepactl import` into a throw-away
# private cluster under build/bench/ (tools/pgcluster.sh, as
# bench-invoice.sh); its September 2026 is billed by SQL (one invoice a
# family, as tools/bench-collect.sh does) and collected with `sepactl
# collect`, so that the ledgers hold invoices, debits and events. Then
# build/sepad serves the console (web.threads 4) and tools/bench-web.py
# times REQUESTS of GET /api/dashboard, /api/families?q=<a part of a
# name>, /api/family?ref= and /api/reports, one at a time, and a few of
# the month's report (GET /api/report/html|pdf): median and p95.
# BENCH_KEEP=1 leaves the cluster running (EXPLAIN ANALYZE;
# tools/pgcluster.sh destroy build/bench/web-pg to remove it).
set -eu
n=${1:-100000}
requests=${2:-200}
cd "$(dirname "$0")/.."
top=$(pwd)
psql=$(pg_config --bindir)/psql
bench=$top/build/bench
root=$bench/web-pg
dir=$bench/web
data=$bench/web-commune
conf=$dir/sepad.conf
pid=

cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	[ -z "$pid" ] || wait "$pid" 2>/dev/null || true
	[ -n "${BENCH_KEEP:-}" ] ||
		sh tools/pgcluster.sh destroy "$root" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
rm -rf "$dir"
mkdir -p "$dir/var"
sh tools/pgcluster.sh destroy "$root" >/dev/null 2>&1 || true
sh tools/pgcluster.sh start "$root" >/dev/null
conninfo=$(cat "$root/conninfo")
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$conf" <<CONF
database: { conninfo = "$(echo "$conninfo" | sed 's/"/\\"/g')"; };
creditor: { name = "Commune de Saint-Exemple"; ics = "FR72ZZZ123456";
  iban = "FR7630006000011234567890189"; bic = "BDFEFRPPCCT";
  address: { street = "Place de la Mairie"; building = "1";
  postcode = "99999"; town = "Saint-Exemple"; country = "FR"; }; };
directories: { outbox = "$dir/outbox"; inbox = "$dir/var/inbox";
  archive = "$dir/var/archive"; rejected = "$dir/var/rejected"; };
web: { port = $port; threads = 4; };
CONF
ctl="build/sepactl -c $conf --today 2026-10-06"
$ctl init >/dev/null
echo "bench-web: $n families, $requests requests a route ($(nproc) CPUs," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg))"
build/gen-commune --families "$n" --month 2026-09 --out "$data" >/dev/null
$ctl import families "$data/families.csv" >/dev/null
$ctl import mandates "$data/mandates.csv" >/dev/null
"$psql" -qX "$conninfo" -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO invoices (creditor_id, family_id, month, number, issued_on,
    due_on, mandate_id, total_cents, state_since)
  SELECT f.creditor_id, f.id, '2026-09-01',
    'F2026-09-' || lpad(f.id::text, 6, '0'), '2026-10-01', '2026-10-15',
    (SELECT m.id FROM mandates m WHERE m.family_id = f.id
     ORDER BY m.id DESC LIMIT 1), 1000 + f.id % 9000, '2026-10-01'
  FROM families f;
ANALYZE;
SQL
$ctl collect --month 2026-10 >/dev/null
"$psql" -qX "$conninfo" -c "ANALYZE" >/dev/null
echo "bench-web: $("$psql" -qXAt "$conninfo" -c "SELECT count(*) || ' families, ' ||
    (SELECT count(*) FROM mandates) || ' mandates, ' ||
    (SELECT count(*) FROM invoices) || ' invoices, ' ||
    (SELECT count(*) FROM collections) || ' collections, ' ||
    (SELECT count(*) FROM events) || ' events' FROM families")"
echo "bench password 1" | $ctl user add bench --role viewer >/dev/null
[ -z "${BENCH_SEED_ONLY:-}" ] || exit 0
SEPAD_TODAY=2026-10-06 build/sepad -d -c "$conf" >"$dir/sepad.log" 2>&1 &
pid=$!
# the day's cycle first (nothing to do but a look), then the requests
i=0
until grep -Eq "cycle: [0-9]+ steps? run|nothing due on" "$dir/sepad.log" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 600 ] || { echo "bench-web: sepad did not run its cycle (see $dir/sepad.log)" >&2; exit 1; }
	sleep 0.2
done
python3 -u tools/bench-web.py "http://127.0.0.1:$port" bench "bench password 1" \
    "$requests" "$conninfo"
