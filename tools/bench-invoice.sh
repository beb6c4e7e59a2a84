#!/bin/sh
# bench-invoice.sh - the monthly invoicing at scale:
#   bench-invoice.sh [FAMILIES]   (default 100000)
# Generates a commune (build/gen-commune), loads it into a throw-away
# private cluster under build/bench/ with build/load-commune (COPY and
# set-based SQL; `sepactl import` is not in this branch), then times
# `sepactl invoice run` (invoices and notices) with /usr/bin/time for the
# peak RSS of sepactl. The cluster is removed afterwards; its log is kept
# in build/bench/invoice-server.log (statements over 1 s with their time).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
families=${1:-100000}
bench=$top/build/bench
root=$bench/invoice-pg
data=$bench/commune
conf=$bench/invoice.conf

cleanup() {
	cp "$root/server.log" "$bench/invoice-server.log" 2>/dev/null || true
	sh tools/pgcluster.sh destroy "$root" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$bench"
rm -rf "$bench/outbox"
sh tools/pgcluster.sh destroy "$root" >/dev/null 2>&1 || true
sh tools/pgcluster.sh start "$root" >/dev/null
conninfo=$(cat "$root/conninfo")
sed -e "s|conninfo = \"\";|conninfo = \"$(echo "$conninfo" |
    sed 's/"/\\"/g')\";|" -e "s|\.\./var/outbox|$bench/outbox|" \
    conf/sepad.conf.example >"$conf"
build/sepactl -c "$conf" init >/dev/null

echo "bench-invoice: $families families, September 2026"
/usr/bin/time -f "  generate: %e s, peak RSS %M KB" \
    build/gen-commune --families "$families" --month 2026-09 --out "$data"
wc -l "$data/consumption.csv" | awk '{print "  consumption lines: " $1 - 1}'
/usr/bin/time -f "  load (COPY + SQL): %e s, peak RSS %M KB" \
    build/load-commune "$conninfo" "$data" FR72ZZZ123456 \
    "Commune de Saint-Exemple"
PGOPTIONS='-c log_min_duration_statement=1000' \
    /usr/bin/time -f "  sepactl invoice run: %e s, peak RSS %M KB" \
    build/sepactl -v -c "$conf" --today 2026-10-01 invoice run \
    --month 2026-09
/usr/bin/time -f "  rerun (already issued, notices rewritten): %e s" \
    build/sepactl -c "$conf" --today 2026-10-01 invoice run \
    --month 2026-09 >/dev/null
