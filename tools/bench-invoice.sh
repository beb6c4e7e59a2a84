#!/bin/sh
# bench-invoice.sh - a month of a big commune, the way an operator runs it:
#   bench-invoice.sh [FAMILIES]   (default 100000)
# Generates a commune (build/gen-commune: families, mandates, tariffs and
# about 22 consumption lines per family for September 2026), takes it in
# with `sepactl import` into a throw-away private cluster under
# build/bench/ (initialised like the default store: fsync on), then runs
# `sepactl invoice run --month 2026-09` (invoices and notices) and runs it
# again, then `sepactl notices pdf` (the PDF notices alone, checked with
# qpdf), collects October and writes the month's report (text, HTML and
# PDF). Each step is timed with /usr/bin/time (elapsed and peak RSS of
# sepactl). The cluster is removed afterwards; its log is kept in
# build/bench/invoice-server.log (statements over 1 s with their time);
# BENCH_KEEP=1 leaves it running (tools/pgcluster.sh destroy to remove).
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
	# BENCH_KEEP=1 keeps the cluster running, to look at plans
	[ -n "${BENCH_KEEP:-}" ] ||
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

echo "bench-invoice: $families families, September 2026 ($(nproc) CPUs," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/time -f "  generate: %e s" \
    build/gen-commune --families "$families" --month 2026-09 --out "$data"
wc -l "$data/consumption.csv" | awk '{print "  consumption lines: " $1 - 1}'
# Statements over 1 s go to the server log with their time.
PGOPTIONS='-c log_min_duration_statement=1000'
export PGOPTIONS
ctl="build/sepactl -c $conf --today 2026-10-01"
out=$bench/invoice-step.txt
step() {
	label=$1
	shift
	/usr/bin/time -o "$out.time" -f "%e s, peak RSS %M KB" "$@" \
	    >"$out" 2>&1 || {
		cat "$out" >&2
		echo "bench-invoice: $label failed" >&2
		exit 1
	}
	echo "  $label: $(cat "$out.time")"
	grep -v '^sepactl: debug: ' "$out" | sed 's/^/    /' || true
	if [ -n "${BENCH_VERBOSE:-}" ]; then
		grep '^sepactl: debug: ' "$out" | sed 's/^/    /' || true
	fi
}
for kind in families mandates tariffs consumption; do
	step "import $kind" $ctl -v import "$kind" "$data/$kind.csv"
done
step "invoice run (invoices + notices)" $ctl -v invoice run --month 2026-09
step "rerun (already issued, notices rewritten)" \
    $ctl invoice run --month 2026-09
# The PDF notices alone (the invoice run above wrote them too): one per
# family and the month's file, then checked with qpdf (the month's file
# and one family's file in 10,000).
step "notices pdf (one PDF per family and the month's file)" \
    $ctl -v notices pdf --month 2026-09
pdfs=$bench/outbox/notices/pdf
echo "  PDF notices: $(find "$pdfs/2026-09" -name '*.pdf' | wc -l) files" \
    "($(du -sm "$pdfs/2026-09" | cut -f1) MB), the month's file" \
    "$(pdfinfo "$pdfs/notices-2026-09.pdf" | awk '/^Pages:/ {print $2}')" \
    "pages ($(du -m "$pdfs/notices-2026-09.pdf" | cut -f1) MB)"
/usr/bin/time -o "$out.time" -f "%e s" \
    qpdf --check "$pdfs/notices-2026-09.pdf" >/dev/null
echo "  qpdf --check of the month's file: sound ($(cat "$out.time"))"
for f in $(find "$pdfs/2026-09" -name '*.pdf' | sort | awk 'NR % 10000 == 1'); do
	qpdf --check "$f" >/dev/null
done
echo "  qpdf --check of one family's file in 10,000: sound"
# The month's report for the finance department over that store: the
# debits of October collected first (a pain.008 of every invoice with a
# mandate), then the report in text, HTML and PDF.
ctl6="build/sepactl -c $conf --today 2026-10-06"
step "collect --month 2026-10 (for the report)" \
    $ctl6 collect --month 2026-10
step "report --month 2026-10 (text, HTML and PDF)" \
    $ctl6 report --month 2026-10 --html "$bench/report-2026-10.html" \
    --pdf "$bench/report-2026-10.pdf"
qpdf --check "$bench/report-2026-10.pdf" >/dev/null
echo "  report: $(pdfinfo "$bench/report-2026-10.pdf" |
    awk '/^Pages:/ {print $2}') PDF pages, qpdf --check sound"
