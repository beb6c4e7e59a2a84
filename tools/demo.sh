#!/bin/sh
# demo.sh - a month of a realistic commune, start to finish (make demo).
#   demo.sh SEPACTL GEN-COMMUNE
# Generates 320 families (French names, quotient-familial brackets, canteen,
# morning/evening garderie and the leisure centre per hour or per day in
# September 2026, children's birth dates), imports them, runs the invoice
# day (1 October), records two account changes (sent on the 5th: this
# month; on the 6th: next month), runs the export day (6 October), shows
# what was written and prints the year's activity declaration to the CAF
# (also as CSV and HTML in the outbox). Every step can run again: imports
# are recognised, steps already done are not redone.
set -eu
sepactl=$1
gen=$2
in=var/demo/in
mkdir -p "$in"

step() { printf '\n== %s\n' "$*"; }

step "generate the commune's exports (canteen and registration software)"
"$gen" --families 320 --month 2026-09 --out "$in" --seed 2026
for kind in families tariffs mandates consumption; do
	step "import $kind"
	"$sepactl" --today 2026-10-01 import "$kind" "$in/$kind.csv"
done

step "1 October: invoice day (September's consumption, pre-notifications)"
"$sepactl" --today 2026-10-01 cycle

# Two families change bank. The first form was sent on the 5th: October's
# debit uses the new account (other bank: SMNDA amendment). The second was
# sent on the 6th: the new account is used from November.
rum5=$(sed -n 2p "$in/mandates.csv" | cut -d';' -f1)
rum6=$(sed -n 3p "$in/mandates.csv" | cut -d';' -f1)
step "5 October: account change of $rum5 (sent on the 5th)"
"$sepactl" --today 2026-10-05 mandate change-account "$rum5" \
    --iban FR1420041010050500013M02606 --received 2026-10-05 ||
	echo "(recorded on an earlier run)"
step "6 October: account change of $rum6 (sent on the 6th)"
"$sepactl" --today 2026-10-06 mandate change-account "$rum6" \
    --iban FR7630006000020000000001010 --received 2026-10-06 ||
	echo "(recorded on an earlier run)"

step "6 October: export day (pain.008 for the treasury)"
"$sepactl" --today 2026-10-06 cycle

step "status"
"$sepactl" --today 2026-10-06 status

step "the CAF declaration of 2026 (hours of the leisure centre, so far)"
"$sepactl" --today 2026-10-06 report caf --year 2026 \
    --html var/outbox/caf-2026.html
"$sepactl" --today 2026-10-06 report caf --year 2026 --csv \
    >var/outbox/caf-2026.csv
