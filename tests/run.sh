#!/bin/sh
# run.sh - run Criterion test programs and add up their results.
#   run.sh LABEL BIN...      run each program, print a line per program,
#                            then "LABEL: N passed, N failed"
#   run.sh --total FILE      the grand total of the runs that appended to
#                            FILE (SEPAD_TEST_TALLY)
# Exits 1 when any test failed or crashed, or a program did not report.
set -u

if [ "${1:-}" = "--total" ]; then
	# run.sh --total FILE: add up the tallies the runs appended to FILE.
	awk '{ p += $1; f += $2 } END { printf "check: %d passed, %d failed\n", p, f; exit (f > 0) }' "$2"
	exit $?
fi

# The programs speak the locale's language: the tests read English unless
# they ask for French themselves (tests/it/test_i18n.c).
unset LC_ALL LC_MESSAGES LANGUAGE
LANG=C.UTF-8
export LANG

label=$1
shift
[ "${1:-}" = "--" ] && shift

passed=0
failed=0
status=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT INT TERM

for bin in "$@"; do
	[ "$bin" = "--" ] && continue
	"$bin" --jobs "${TEST_JOBS:-2}" >"$out" 2>&1
	rc=$?
	line=$(grep 'Synthesis:' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		cat "$out"
		echo "$label: $bin did not report (exit $rc)"
		failed=$((failed + 1))
		status=1
		continue
	fi
	t=$(echo "$line" | sed -n 's/.*Tested: \([0-9]*\).*/\1/p')
	p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
	c=$(echo "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
	passed=$((passed + p))
	failed=$((failed + f + c))
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ] || [ "$c" -ne 0 ]; then
		cat "$out"
		status=1
	fi
	printf '  %-40s %4s tests, %s failed\n' "$(basename "$bin")" "$t" \
	    "$((f + c))"
done
echo "$label: $passed passed, $failed failed"
[ -n "${SEPAD_TEST_TALLY:-}" ] && echo "$passed $failed" >>"$SEPAD_TEST_TALLY"
exit $status
