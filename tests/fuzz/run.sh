#!/bin/sh
# run.sh - run the libFuzzer targets built into build/fuzz/ (make fuzz,
# make fuzz-check).
#   run.sh SECONDS CORPUS_ROOT NAME=SEED_DIRS...
# For each target: replay tests/fuzz/regress-NAME/* (inputs that once
# crashed it, kept to stay fixed), then fuzz for SECONDS from the seed
# folders (read, never written) into CORPUS_ROOT/corpus-NAME, with
# tests/fuzz/fuzz_NAME.dict when there is one. A line per target, then
# "fuzz: N passed, N failed" (appended to $SEPAD_TEST_TALLY when set).
# A crash leaves its input in build/fuzz/fuzz_NAME-crash-* and the full
# output in build/fuzz/fuzz_NAME.log. Exits 1 when a target failed.
set -u

secs=$1
root=$2
shift 2
passed=0
failed=0
mkdir -p build/fuzz "$root"

for arg in "$@"; do
	n=${arg%%=*}
	seeds=${arg#*=}
	bin=build/fuzz/fuzz_$n
	log=build/fuzz/fuzz_$n.log
	: >"$log"
	ok=1
	if [ -z "$seeds" ] || [ "$seeds" = "$arg" ]; then
		echo "fuzz: no seeds for $n (FUZZ_SEEDS_$n in the Makefile)"
		ok=0
	fi
	for d in $seeds; do
		[ -d "$d" ] || { echo "fuzz: seed folder $d of $n is missing"; ok=0; }
	done
	regress=tests/fuzz/regress-$n
	nreg=0
	if [ $ok -eq 1 ] && [ -d "$regress" ]; then
		set -- "$regress"/*
		if [ -e "$1" ]; then
			nreg=$#
			if ! "$bin" "$@" >>"$log" 2>&1; then
				echo "fuzz: $bin fails on an input of $regress (see $log)"
				ok=0
			fi
		fi
	fi
	if [ $ok -eq 1 ]; then
		dict=tests/fuzz/fuzz_$n.dict
		mkdir -p "$root/corpus-$n"
		# shellcheck disable=SC2086
		if ! "$bin" -max_total_time="$secs" -print_final_stats=1 \
		    -timeout=10 -rss_limit_mb=2048 \
		    -artifact_prefix="build/fuzz/fuzz_$n-" \
		    $( [ -f "$dict" ] && echo "-dict=$dict" ) \
		    "$root/corpus-$n" $seeds >>"$log" 2>&1; then
			echo "fuzz: $bin found a crash (see $log and build/fuzz/fuzz_$n-*)"
			ok=0
		fi
	fi
	if [ $ok -eq 1 ]; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //')
		units=$(ls "$root/corpus-$n" | wc -l)
		printf '  %-20s %3s s, %9s runs, coverage %5s, corpus %5s, %s regression inputs, no crash\n' \
		    "fuzz_$n" "$secs" "${runs:-?}" "${cov:-?}" "$units" "$nreg"
		passed=$((passed + 1))
	else
		tail -n 30 "$log" 2>/dev/null
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ -n "${SEPAD_TEST_TALLY:-}" ] && echo "$passed $failed" >>"$SEPAD_TEST_TALLY"
[ $failed -eq 0 ]
