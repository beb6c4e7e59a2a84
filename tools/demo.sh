#!/bin/sh
# demo.sh - a month of a realistic commune, start to finish (make demo).
#   demo.sh SEPACTL GEN-COMMUNE
# Generates 320 families (French names, quotient-familial brackets, canteen,
# morning/evening garderie and the leisure centre per hour or per day in
# September 2026, children's birth dates), imports them, runs the invoice
# day (1 October), records two account changes (sent on the 5th: this
# month; on the 6th: next month), runs the export day (6 October), shows
# what was written and prints the year's activity declaration to the CAF
# (also as CSV and HTML in the outbox), then the month's report for the
# finance department (text, and HTML and PDF in the outbox). Every step
# can run again: imports are recognised, steps already done are not
# redone. With TREASURY=pes
# (and SEPAD_CONF naming a configuration with treasury.channel = "pes"),
# the export day writes a PES V2 flow, which is shown, and the demo stops
# there (the bank's returns come from Hélios, not from the bank).
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

if [ "${TREASURY:-pain008}" = pes ]; then
	step "6 October: export day (a PES V2 flow for the comptable public)"
	"$sepactl" --today 2026-10-06 cycle
	out=$(dirname "${SEPAD_CONF:-conf/sepad.conf}")/outbox
	for f in "$out"/PESORMC_*.xml; do
		step "the flow $(basename "$f") (ISO-8859-1, shown in UTF-8)"
		printf 'pieces: %s, with a SEPA debit: %s (FRST %s, RCUR %s)\n' \
		    "$(grep -c '<Piece>' "$f")" \
		    "$(grep -c '<InfoPrelevementSEPA>' "$f")" \
		    "$(grep -c '<SequencePres V="02"/>' "$f")" \
		    "$(grep -c '<SequencePres V="03"/>' "$f")"
		printf 'amendments: %s other bank, %s same bank\n' \
		    "$(grep -c '<AncienneBanque V="1"/>' "$f")" \
		    "$(grep -c '<AncienIBAN ' "$f")"
		iconv -f ISO-8859-1 -t UTF-8 "$f" | sed -n '1,/<\/Piece>/p'
		echo " ..."
		(cd "$out" && sha256sum -c "$(basename "$f").sha256")
	done
	step "status"
	"$sepactl" --today 2026-10-06 status
	exit 0
fi

step "6 October: export day (pain.008 for the treasury)"
"$sepactl" --today 2026-10-06 cycle

# The bank returns two of October's debits (a camt.054 booked on the 20th):
# insufficient funds, and a closed account. Each family gets its letter.
step "21 October: the bank returns two debits (camt.054): reject letters"
camt=var/demo/camt054-2026-10-20.xml
psql "$(cat var/pg/conninfo)" -qAt -F ' ' -c "SELECT end_to_end_id, rum,
    (amount_cents / 100) || '.' || lpad((amount_cents % 100)::text, 2, '0')
    FROM collections WHERE end_to_end_id IN ('F2026-09-000004-1',
    'F2026-09-000006-1') ORDER BY 1" >var/demo/returned.txt
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n'
	printf '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">'
	printf '<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>DEMO-RETURNS-1</MsgId>'
	printf '<CreDtTm>2026-10-20T08:00:00</CreDtTm></GrpHdr><Ntfctn>'
	printf '<Id>N-1</Id><CreDtTm>2026-10-20T08:00:00</CreDtTm><Acct><Id>'
	printf '<IBAN>FR7630006000011234567890189</IBAN></Id></Acct>\n'
	code=AM04
	while read -r e2e rum amount; do
		printf '<Ntry><Amt Ccy="EUR">%s</Amt><CdtDbtInd>DBIT</CdtDbtInd>' "$amount"
		printf '<Sts>BOOK</Sts><BookgDt><Dt>2026-10-20</Dt></BookgDt>'
		printf '<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd>'
		printf '<SubFmlyCd>UPDD</SubFmlyCd></Fmly></Domn></BkTxCd>'
		printf '<NtryDtls><TxDtls><Refs><EndToEndId>%s</EndToEndId>' "$e2e"
		printf '<MndtId>%s</MndtId></Refs><RtrInf><Rsn><Cd>%s</Cd></Rsn>' "$rum" "$code"
		printf '</RtrInf></TxDtls></NtryDtls></Ntry>\n'
		code=AC04
	done <var/demo/returned.txt
	printf '</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n'
} >"$camt"
"$sepactl" --today 2026-10-21 import returns "$camt"

step "status"
"$sepactl" --today 2026-10-06 status

step "the CAF declaration of 2026 (hours of the leisure centre, so far)"
"$sepactl" --today 2026-10-06 report caf --year 2026 \
    --html var/outbox/caf-2026.html
"$sepactl" --today 2026-10-06 report caf --year 2026 --csv \
    >var/outbox/caf-2026.csv

step "the finance department's report of October 2026 (text, HTML, PDF)"
"$sepactl" --today 2026-10-21 report --month 2026-10 \
    --html var/outbox/report-2026-10.html --pdf var/outbox/report-2026-10.pdf

# The web console's demo account (a finance user): its password printed
# once by make demo. A demo password, for a demo database only.
step "the web console's demo account"
if "$sepactl" user list | grep -q '^demo '; then
	echo "(created on an earlier run)"
else
	echo "demo-regie-2026" | "$sepactl" user add demo --role finance
fi
