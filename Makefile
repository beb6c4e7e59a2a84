# sepad - GNU Makefile. Every dependency comes from pkg-config.
#
#   make            build lib, daemon and tools into build/
#   make check      install missing packages, build, run every test, then
#                   the unit tests again under ASan+UBSan
#   make demo       install, build, start the private PostgreSQL, run a cycle
#   make bench      benchmarks (figures in docs/benchmarks.md)
#   make V=1        show full commands
#   make fuzz       libFuzzer targets (tests/fuzz/fuzz_*.c), FUZZ_SECONDS each;
#                   check runs each for FUZZ_CHECK_SECONDS (fuzz-check)
#   make SAN=1      build with AddressSanitizer + UBSan (into build/san)
#   make pot        the message template po/sepad.pot (xgettext); make
#                   po-update merges it into po/fr.po; check runs po-check
#   make deb        the Debian package into build/deb, then lintian; check
#                   installs, tries and purges it (deb-check)

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

SAN ?= 0
ifeq ($(SAN),1)
BUILD ?= build/san
else
BUILD ?= build
endif

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif

PKG_CONFIG ?= pkg-config
PKGS := libxml-2.0 libcrypto libpq libconfig libsystemd cairo pangocairo libcurl \
	libmicrohttpd jansson libargon2
# Evaluated lazily, so that `make deps` can install the packages first.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS))
CRIT_CFLAGS = $(shell $(PKG_CONFIG) --cflags criterion)
CRIT_LIBS = $(shell $(PKG_CONFIG) --libs criterion)

WFLAGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wformat=2 -Wundef \
	-Wvla -Wwrite-strings -Wnull-dereference -Wimplicit-fallthrough \
	-Wno-format-truncation
OPT ?= -O2 -g
STD_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64
# Where the programs find schemas/, tools/pgcluster.sh and conf/: the source
# tree for development builds, $(PREFIX)/share/sepad for `make install`
# (overridden by SEPAD_SQL_DIR, SEPAD_PGCLUSTER, SEPAD_CONF or -c at run
# time).
SRCDIR ?= $(CURDIR)
# The release both programs print with --version (and the Debian package
# will carry): raised by hand when a release is cut.
VERSION := 0.4.0
# The web console's pages: daemon/web/ of the source tree, or
# $(PREFIX)/share/sepad/web once installed (web.root overrides it).
WEBDIR ?= $(SRCDIR)/daemon/web
# Where the programs find their message catalogues: build/locale for the
# build tree (tests and demo run the programs from build/),
# $(PREFIX)/share/locale for `make install`.
LOCALEDIR ?= $(CURDIR)/build/locale
DEFS := -DSEPAD_SRCDIR=\"$(SRCDIR)\" -DSEPAD_VERSION=\"$(VERSION)\" \
	-DSEPAD_WEBDIR=\"$(WEBDIR)\" -DSEPAD_LOCALEDIR=\"$(LOCALEDIR)\"
SAN_FLAGS :=
ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
OPT := -O1 -g
endif

ALL_CFLAGS = $(STD_CFLAGS) $(DEFS) $(WFLAGS) $(OPT) $(SAN_FLAGS) -Ilib/include \
	-Ilib -Idaemon $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

ifeq ($(V),1)
Q :=
E := @:
else
Q := @
E := @echo
endif

# ---------------------------------------------------------------- sources
LIB_SRCS := $(sort $(wildcard lib/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIBSEPA := $(BUILD)/libsepa.a

# daemon/: everything but the two main files goes into libsepad.a, so that
# tests link the same code the programs run.
DAEMON_MAINS := daemon/sepad.c daemon/sepactl.c
DAEMON_SRCS := $(filter-out $(DAEMON_MAINS),$(sort $(wildcard daemon/*.c)))
DAEMON_OBJS := $(DAEMON_SRCS:%.c=$(BUILD)/%.o)
LIBSEPAD := $(BUILD)/libsepad.a
PROGS := $(foreach m,$(DAEMON_MAINS),$(if $(wildcard $(m)),$(BUILD)/$(notdir $(m:.c=))))

# tools/: one program per file (benchmarks, generators).
TOOL_SRCS := $(sort $(wildcard tools/*.c))
TOOLS := $(TOOL_SRCS:tools/%.c=$(BUILD)/%)

# tests: unit (lib only), db (store, throw-away cluster), it (programs).
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_TESTS := $(UNIT_SRCS:%.c=$(BUILD)/%)
DB_SRCS := $(sort $(wildcard tests/db/test_*.c))
DB_TESTS := $(DB_SRCS:%.c=$(BUILD)/%)
IT_SRCS := $(sort $(wildcard tests/it/test_*.c))
IT_TESTS := $(IT_SRCS:%.c=$(BUILD)/%)

# ------------------------------------------------------------ flag tracking
# Objects depend on a file holding the flags, so changing them rebuilds.
FLAGS_FILE := $(BUILD)/.flags
$(shell mkdir -p $(BUILD) && \
	echo '$(CC) $(STD_CFLAGS) $(DEFS) $(WFLAGS) $(OPT) $(SAN_FLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)' \
	| cmp -s - $(FLAGS_FILE) || \
	echo '$(CC) $(STD_CFLAGS) $(DEFS) $(WFLAGS) $(OPT) $(SAN_FLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)' \
	> $(FLAGS_FILE))

# ------------------------------------------------------------------- rules
.PHONY: all
all: $(LIBSEPA) $(if $(DAEMON_SRCS),$(LIBSEPAD)) $(PROGS) $(TOOLS) man mo

# ------------------------------------------------------------ translations
# Messages go through GNU gettext, text domain sepad (daemon/i18n.h,
# docs/development.md). po/fr.po is kept in git; msgfmt --check fails the
# build on a bad catalogue; po-check (in check) fails when a message of
# the sources has no French translation, or a fuzzy one.
LANGS := fr
MOS := $(LANGS:%=build/locale/%/LC_MESSAGES/sepad.mo)
XGETTEXT_KEYWORDS := _ N_ NN_:1,2 NP_:1c,2 P_:1c,2 ngettext:1,2 L_ LN_:1,2 LM_ log_warnx log_warn log_info \
	fatal fatalx ctl_fail:3 sepa_error_set:3 sepa_error_setw:5 \
	sepa_error_prefix:2 notify_journal:4 notify_status:1 xmlin_fail:4 \
	xsdv_fail:3 xmlw_fail:3 csv_fail:5 csv_rec_error:4 cfg_err:4 \
	web_reply_error:4 web_refuse_field:3
XGETTEXT_FLAGS := log_warnx:1:c-format log_warn:1:c-format \
	log_info:1:c-format fatal:1:c-format fatalx:1:c-format \
	ctl_fail:3:c-format sepa_error_set:3:c-format \
	sepa_error_setw:5:c-format sepa_error_prefix:2:c-format \
	notify_journal:4:c-format notify_status:1:c-format \
	xmlin_fail:4:c-format xsdv_fail:3:c-format xmlw_fail:3:c-format \
	csv_fail:5:c-format csv_rec_error:4:c-format cfg_err:4:c-format \
	web_reply_error:4:c-format web_refuse_field:3:c-format
# The database actions of the stores ("read the status"): the functions
# that take one for db.c's "could not %s: %s" (translated whole, with the
# failure: "impossible de lire l'état").
XGETTEXT_DB := db_exec:2 db_query:3 db_query_int64:3 db_exec_script:2 \
	db_copy_begin:2 db_fetch_each:2 collect_each_row:2 collect_scan:2 attention_refusal:2 ledger_each:2 \
	quarantine_one:3 returns_exec:2 returns_int64:3 user_change:3
XGETTEXT = xgettext --language=C --from-code=UTF-8 \
	--add-comments=Translators: --sort-by-file --package-name=sepad \
	--package-version=$(VERSION) --msgid-bugs-address="the sepad maintainers" \
	$(XGETTEXT_KEYWORDS:%=--keyword=%) $(XGETTEXT_FLAGS:%=--flag=%) \
	$(XGETTEXT_DB:%=--keyword='%,"a database action that failed: translate it with its failure, as in impossible de lire l'"'"'état"')
I18N_SRCS = $(sort $(wildcard daemon/*.c lib/*.c))
.PHONY: mo pot po-update po-check
mo: $(MOS)

build/locale/%/LC_MESSAGES/sepad.mo: po/%.po
	@mkdir -p $(@D)
	$(E) "  MSGFMT  $<"
	$(Q)msgfmt --check -o $@ $<

pot:
	$(XGETTEXT) -o po/sepad.pot $(I18N_SRCS)

po-update: pot
	@for l in $(LANGS); do msgmerge --quiet --update --backup=none \
	    po/$$l.po po/sepad.pot || exit 1; done

po-check:
	@mkdir -p build/po
	@$(XGETTEXT) -o build/po/sepad.pot $(I18N_SRCS)
	@for l in $(LANGS); do \
		msgmerge --quiet -o build/po/$$l.po po/$$l.po \
		    build/po/sepad.pot || exit 1; \
		st=$$(msgfmt --check --statistics -o /dev/null \
		    build/po/$$l.po 2>&1) || { echo "$$st"; exit 1; }; \
		echo "po-check: $$l: $$st"; \
		case "$$st" in *fuzzy*|*untranslated*) \
			echo "po-check: po/$$l.po is not complete:" \
			    "make po-update, then translate"; exit 1;; esac; \
	done

# Manual pages; sepad.conf(5) lists the keys of the configuration table.
MANPAGES := $(BUILD)/man/sepad.8 $(BUILD)/man/sepactl.1 $(BUILD)/man/sepad.conf.5
.PHONY: man man-check
man: $(MANPAGES)

$(BUILD)/man/sepad.8 $(BUILD)/man/sepactl.1: $(BUILD)/man/%: daemon/man/%
	@mkdir -p $(@D)
	$(Q)cp $< $@

$(BUILD)/man/sepad.conf.5: daemon/man/sepad.conf.5.in $(BUILD)/confman
	@mkdir -p $(@D)
	$(E) "  MAN     $@"
	$(Q)$(BUILD)/confman > $@.keys
	$(Q)sed -e '/^@KEYS@$$/r $@.keys' -e '/^@KEYS@$$/d' $< > $@
	$(Q)rm -f $@.keys

# Every page renders with man -l, without a warning from groff.
man-check: $(MANPAGES)
	@for m in $(MANPAGES); do \
		out=$$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l $$m 2>&1 >/dev/null); \
		if [ -n "$$out" ]; then echo "man-check: $$m: $$out"; exit 1; fi; \
		LC_ALL=C.UTF-8 MANWIDTH=80 man -l $$m | grep -q . || exit 1; \
	done; echo "man-check: $(words $(MANPAGES)) pages render"

$(BUILD)/%.o: %.c $(FLAGS_FILE)
	@mkdir -p $(@D)
	$(E) "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(CRIT_CFLAGS_$(findstring tests/,$<)) -MMD -MP -c -o $@ $<

# Tests find schemas/ and tests/data/ through SEPAD_SRCDIR, the absolute
# path of the source tree (DEFS, above, for every object), so they do not
# depend on the current directory.
CRIT_CFLAGS_tests/ = $(CRIT_CFLAGS)

$(LIBSEPA): $(LIB_OBJS)
	$(E) "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBSEPAD): $(DAEMON_OBJS)
	$(E) "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/sepad $(BUILD)/sepactl: $(BUILD)/%: $(BUILD)/daemon/%.o $(LIBSEPAD) $(LIBSEPA)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBSEPAD) $(LIBSEPA) $(PKG_LIBS) -lm

$(TOOLS): $(BUILD)/%: $(BUILD)/tools/%.o $(if $(DAEMON_SRCS),$(LIBSEPAD)) $(LIBSEPA)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(if $(DAEMON_SRCS),$(LIBSEPAD)) $(LIBSEPA) $(PKG_LIBS) -lm

$(UNIT_TESTS): $(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIBSEPA)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBSEPA) $(PKG_LIBS) $(CRIT_LIBS) -lm

$(DB_TESTS) $(IT_TESTS): $(BUILD)/tests/%: $(BUILD)/tests/%.o $(if $(DAEMON_SRCS),$(LIBSEPAD)) $(LIBSEPA)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(if $(DAEMON_SRCS),$(LIBSEPAD)) $(LIBSEPA) $(PKG_LIBS) $(CRIT_LIBS) -lm

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ------------------------------------------------------------------- tests
.PHONY: deps check check-run unit-tests db-tests it-tests pg-tests tests \
	asan ubsan san-unit san-db valgrind
deps:
	@sh tests/deps.sh

tests: $(UNIT_TESTS) $(DB_TESTS) $(IT_TESTS) all

unit-tests: $(UNIT_TESTS)
	@sh tests/run.sh unit $(UNIT_TESTS)

# `check` runs `deps` first, then a fresh make, so that pkg-config sees the
# packages deps just installed.
check: deps
	@$(MAKE) --no-print-directory check-run

TALLY := build/.test-tally
check-run: tests
	@mkdir -p build && rm -f $(TALLY)
	@SEPAD_TEST_TALLY=$(CURDIR)/$(TALLY) sh tests/run.sh unit -- $(UNIT_TESTS)
	@SEPAD_TEST_TALLY=$(CURDIR)/$(TALLY) $(MAKE) --no-print-directory pg-tests
	@SEPAD_TEST_TALLY=$(CURDIR)/$(TALLY) $(MAKE) --no-print-directory ui-tests
	@SEPAD_TEST_TALLY=$(CURDIR)/$(TALLY) $(MAKE) --no-print-directory SAN=1 san-unit
	@SEPAD_TEST_TALLY=$(CURDIR)/$(TALLY) $(MAKE) --no-print-directory SAN=1 san-db
	@$(MAKE) --no-print-directory man-check
	@$(MAKE) --no-print-directory po-check
	@SEPAD_TEST_TALLY=$(CURDIR)/$(TALLY) $(MAKE) --no-print-directory fuzz-check
	@SEPAD_TEST_TALLY=$(CURDIR)/$(TALLY) $(MAKE) --no-print-directory deb-check
	@sh tests/run.sh --total $(TALLY)

# The database and end-to-end tests, beside a throw-away cluster that
# tests/with-pg.sh starts under build/ and removes afterwards.
pg-tests: $(DB_TESTS) $(IT_TESTS) all
	@sh tests/with-pg.sh sh -c 'st=0; \
	    sh tests/run.sh db -- $(DB_TESTS) || st=1; \
	    sh tests/run.sh it -- $(IT_TESTS) || st=1; exit $$st'

db-tests: pg-tests
it-tests: pg-tests

# The web console in a real browser (tests/ui/e2e.py, month.py,
# e2e_mandats.py for Mandats and Retours bancaires, rapports.py for
# Rapports): chromium headless over
# the DevTools protocol, a month of a small commune, screenshots in
# build/ui/. Skipped, with a message, where chromium is not installed.
.PHONY: ui-tests
ui-tests: all
	@if command -v chromium >/dev/null 2>&1; then \
		sh tests/with-pg.sh sh -c 'st=0; python3 tests/ui/e2e.py || st=1; \
		    python3 tests/ui/month.py || st=1; \
		    python3 tests/ui/e2e_mandats.py || st=1; \
		    python3 tests/ui/rapports.py || st=1; exit $$st'; \
	else echo "ui: skipped: chromium is not installed (make deps installs it)"; fi

san-unit: $(UNIT_TESTS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	sh tests/run.sh sanitizers -- $(UNIT_TESTS)

# The daemon's database tests too (config, db, log, migrations), built with
# the sanitizers; with-pg.sh migrates the template with build/sepactl.
san-db: $(DB_TESTS)
	@$(MAKE) -s --no-print-directory SAN=0 build/sepactl >/dev/null
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	sh tests/with-pg.sh sh tests/run.sh sanitizers-db -- $(DB_TESTS)

asan ubsan:
	@$(MAKE) --no-print-directory SAN=1 san-unit san-db

valgrind: $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do \
		valgrind -q --error-exitcode=1 --leak-check=full \
		    --trace-children=yes $$t -j1 || exit 1; done

# -------------------------------------------------------------------- demo
# `make demo`: packages, build, the private cluster under var/pg (started on
# demand by sepactl and left running; `make db-stop` stops it), the schema.
# conf/sepad.conf is the operator's file: created from the example (a
# fictional commune) when missing, never overwritten. Later steps of the
# monthly cycle go in demo-run, after init.
SEPACTL := $(BUILD)/sepactl
# The demo speaks French, as sepad.service does.
DEMO_ENV := env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=fr_FR.UTF-8
# The business date the demo's cycle runs on (the export day of October).
.PHONY: demo demo-run demo-run-pes db-stop
# TREASURY=pes: the same month handed to the comptable public as a PES V2
# flow, in a commune of its own under var/pes (configuration
# var/pes/sepad.conf from the example, its own private cluster).
TREASURY ?= pain008
demo: deps
	@$(MAKE) --no-print-directory demo-run$(if $(filter pes,$(TREASURY)),-pes)

PES_DEMO_CONF := var/pes/sepad.conf
demo-run-pes: all
	@mkdir -p var/pes/inbox var/pes/outbox var/pes/archive var/pes/rejected
	@test -f $(PES_DEMO_CONF) || { sed -e 's|"\.\./var/|"./|' \
	    -e 's|"vacances-scolaires.csv"|"../../conf/vacances-scolaires.csv"|' \
	    -f conf/pes-demo.sed conf/sepad.conf.example >$(PES_DEMO_CONF) && \
	    echo "demo: created $(PES_DEMO_CONF) from the example (treasury.channel = \"pes\")"; }
	@$(DEMO_ENV) $(SEPACTL) -c $(PES_DEMO_CONF) init
	@SEPAD_CONF=$(PES_DEMO_CONF) TREASURY=pes $(DEMO_ENV) sh tools/demo.sh $(SEPACTL) $(BUILD)/gen-commune
	@echo
	@echo "demo: configuration   $(PES_DEMO_CONF)"
	@echo "demo: database        private cluster in var/pes/pg ($(SEPACTL) -c $(PES_DEMO_CONF) db stop stops it)"
	@echo "demo: files           var/pes/outbox"

demo-run: all
	@test -f conf/sepad.conf || { cp conf/sepad.conf.example \
	    conf/sepad.conf && echo "demo: created conf/sepad.conf from the example"; }
	@mkdir -p var/inbox var/outbox var/archive var/rejected
	@$(DEMO_ENV) $(SEPACTL) init
	@$(DEMO_ENV) sh tools/demo.sh $(SEPACTL) $(BUILD)/gen-commune
	@echo
	@echo "demo: files written in var/outbox:"
	@cd var/outbox && find . -type f ! -path './notices/*/*' \
	    ! -path './letters/*' | sort | \
	    sed 's|^\./|  var/outbox/|'
	@echo "  var/outbox/notices/2026-09/  $$(ls var/outbox/notices/2026-09 2>/dev/null | wc -l) avis d'échéance (text)"
	@echo "  var/outbox/notices/pdf/2026-09/  $$(ls var/outbox/notices/pdf/2026-09 2>/dev/null | wc -l) avis d'échéance (PDF, one per family)"
	@echo "  var/outbox/notices/pdf/notices-2026-09.pdf  all the PDF notices of the month, for printing"
	@echo "  var/outbox/notices/pdf/corrections-2026-09/  $$(ls var/outbox/notices/pdf/corrections-2026-09 2>/dev/null | wc -l) avis rectificatif(s) (PDF), all in corrections-2026-09.pdf"
	@echo "  var/outbox/letters/2026-10/  $$(ls var/outbox/letters/2026-10 2>/dev/null | wc -l) reject letters (PDF)"
	@cd var/outbox && for f in *.sha256; do [ -f "$$f" ] && sha256sum -c "$$f"; done | sed 's/^/  sha256 /'
	@echo
	@echo "demo: configuration   conf/sepad.conf"
	@echo "demo: database        private cluster in var/pg (make db-stop stops it)"
	@echo "demo: files           var/inbox var/outbox var/archive var/rejected"
	@echo "demo: month's report  var/outbox/report-2026-10.html var/outbox/report-2026-10.pdf"
	@echo "demo: command line    LANG=fr_FR.UTF-8 $(SEPACTL) --help"
	@$(MAKE) --no-print-directory demo-web

# sepad itself, in the background on the demo's last business day (its
# cycle finds every step done), serving the web console in French;
# var/sepad.log, var/sepad.pid; `make db-stop` stops it too.
.PHONY: demo-web
demo-web:
	@if [ -f var/sepad.pid ] && kill -0 $$(cat var/sepad.pid) 2>/dev/null; \
	then echo "demo: sepad already running (pid $$(cat var/sepad.pid))"; \
	else SEPAD_TODAY=2026-10-21 $(DEMO_ENV) nohup $(BUILD)/sepad -c conf/sepad.conf \
	    >var/sepad.log 2>&1 & echo $$! >var/sepad.pid; sleep 2; fi
	@if grep -Eq "web console on|console web sur" var/sepad.log; then \
		echo "demo: web console     $$(sed -En 's/.*(web console on|console web sur) //p' var/sepad.log | tail -n 1)"; \
		echo "demo: demo account    user demo, password demo-regie-2026 (finance)"; \
	else echo "demo: the web console did not start: see var/sepad.log"; fi

db-stop:
	@if [ -f var/sepad.pid ] && kill $$(cat var/sepad.pid) 2>/dev/null; \
	then echo "stopped sepad (pid $$(cat var/sepad.pid))"; fi; rm -f var/sepad.pid
	@if [ -x $(SEPACTL) ]; then $(SEPACTL) db stop; \
	else sh tools/pgcluster.sh stop var/pg; fi

# ------------------------------------------------------------------ bench
# Figures go to docs/benchmarks.md. BENCH_TX=10000 for a quick run.
BENCH_TX ?= 1000000
.PHONY: bench
bench: $(BUILD)/bench-pain008
	@mkdir -p build/bench
	$(BUILD)/bench-pain008 --tx $(BENCH_TX) --out build/bench/pain008.xml \
	    --schema-dir schemas
	@$(MAKE) --no-print-directory bench-collect
# `sepactl collect` for BENCH_INVOICES synthetic invoices, beside a
# throw-away cluster (tools/bench-collect.sh): time and peak RSS.
BENCH_INVOICES ?= 100000
.PHONY: bench-collect
bench-collect: all
	@sh tests/with-pg.sh sh -c 'sh tools/bench-collect.sh $(BENCH_INVOICES) && \
	    sh tools/bench-collect.sh $(BENCH_INVOICES) pes'

# The web console's reads over HTTP against a commune of BENCH_FAMILIES
# families (tools/bench-web.sh: its own throw-away cluster): median and
# p95 of the dashboard, the family search and a family's ledger.
.PHONY: bench-web
bench: bench-web
bench-web: all
	@sh tools/bench-web.sh $(BENCH_FAMILIES)

# Invoicing at scale (tools/bench-invoice.sh): a generated commune of
# BENCH_FAMILIES families (~22 consumption lines each), loaded by COPY,
# then `sepactl invoice run` timed with its peak RSS.
BENCH_FAMILIES ?= 100000
.PHONY: bench-invoice
bench: bench-invoice
bench-invoice: all
	@sh tools/bench-invoice.sh $(BENCH_FAMILIES)

# The PES writer (tools/bench-pes.c) on BENCH_PIECES synthetic invoices,
# the same as bench-pain008's: its phases, then each writer once with its
# validation (what sepad does) side by side, with wall time and peak RSS.
BENCH_PIECES ?= 100000
.PHONY: bench-pes
bench: bench-pes
bench-pes: $(BUILD)/bench-pes $(BUILD)/bench-pain008
	@mkdir -p build/bench
	$(BUILD)/bench-pes --pieces $(BENCH_PIECES) --out build/bench/pes.xml \
	    --schema-dir schemas
	@/usr/bin/time -f '  (%e s wall, peak RSS %M KB)' $(BUILD)/bench-pes \
	    --pieces $(BENCH_PIECES) --out build/bench/pes.xml \
	    --schema-dir schemas --once
	@/usr/bin/time -f '  (%e s wall, peak RSS %M KB)' $(BUILD)/bench-pain008 \
	    --tx $(BENCH_PIECES) --out build/bench/pain008-pes.xml \
	    --schema-dir schemas --once

# Reconciliation of bank returns: BENCH_RETURNS collections and a camt.054
# of as many returns, beside a throw-away cluster (figures in
# docs/benchmarks.md).
BENCH_RETURNS ?= 100000
.PHONY: bench-returns
bench: bench-returns
bench-returns: $(BUILD)/bench-returns $(BUILD)/sepactl
	@mkdir -p build/bench
	@sh tests/with-pg.sh $(BUILD)/bench-returns --tx $(BENCH_RETURNS) \
	    --dir build/bench

# -------------------------------------------------------------------- fuzz
# Each tests/fuzz/fuzz_NAME.c is a libFuzzer target, built with clang,
# ASan and UBSan together with every lib/ source (compiled once into
# build/fuzz/obj/) and the daemon/ sources FUZZ_DAEMON_NAME names (files
# without libpq). tests/fuzz/run.sh replays the inputs that once crashed a
# target (tests/fuzz/regress-NAME/), then fuzzes it from the folders
# FUZZ_SEEDS_NAME names (read recursively, never written; a target without
# seeds, or a seed folder that does not exist, fails), with
# tests/fuzz/fuzz_NAME.dict when there is one. Crashes go to build/fuzz/.
#   make fuzz         FUZZ_SECONDS each, the corpus kept in
#                     tests/fuzz/corpus-NAME/ (out of git); installs clang
#   make fuzz-check   FUZZ_CHECK_SECONDS each from a fresh corpus: part of
#                     check when clang can build a fuzzer (make deps
#                     installs it), skipped with a message otherwise
# Figures of a clean run: docs/fuzzing.md.
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 20
FUZZ_CC ?= clang
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
FUZZ_BINS := $(FUZZ_NAMES:%=build/fuzz/fuzz_%)
FUZZ_SAN := address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -O1 -g
FUZZ_CFLAGS = $(STD_CFLAGS) $(DEFS) \
	$(filter-out -Wno-format-truncation,$(WFLAGS)) -Ilib/include -Ilib \
	-Idaemon $(PKG_CFLAGS) $(CFLAGS)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=build/fuzz/obj/%.o)
FUZZ_SEEDS_bankfile := tests/data/bank tests/data/pain008
FUZZ_SEEDS_csv := tests/data/csv tests/data/import
FUZZ_SEEDS_fields := tests/data/import tests/data/csv
FUZZ_SEEDS_import := tests/data/import tests/data/csv
FUZZ_SEEDS_pain008 := tests/data/pain008 tests/data/bank/pain008
FUZZ_SEEDS_pes := tests/data/pes
FUZZ_DAEMON_import := daemon/import_row.c daemon/log.c
FUZZ_ARGS = $(foreach n,$(FUZZ_NAMES),"$(n)=$(FUZZ_SEEDS_$(n))")

.PHONY: fuzz fuzz-deps fuzz-build fuzz-check
fuzz: fuzz-deps
	@$(MAKE) --no-print-directory fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) tests/fuzz $(FUZZ_ARGS)

fuzz-deps:
	@sh tests/deps.sh --fuzz

fuzz-build: $(FUZZ_BINS)

fuzz-check:
	@if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)'\
	    '{ (void)d; (void)n; return 0; }' | $(FUZZ_CC) -x c \
	    -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then \
		echo "fuzz: skipped: $(FUZZ_CC) cannot build a libFuzzer target"\
		    "(make deps installs clang and libclang-rt-14-dev)"; \
	else \
		$(MAKE) --no-print-directory fuzz-build && \
		rm -rf build/fuzz/check && \
		sh tests/fuzz/run.sh $(FUZZ_CHECK_SECONDS) build/fuzz/check \
		    $(FUZZ_ARGS); \
	fi

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(E) "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) \
	    -MMD -MP -c -o $@ $<

$(foreach n,$(FUZZ_NAMES),$(eval build/fuzz/fuzz_$(n): \
	$(FUZZ_DAEMON_$(n):%.c=build/fuzz/obj/%.o)))
$(FUZZ_BINS): build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	$(E) "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $< \
	    $(filter %.o,$^) $(PKG_LIBS) -lm

# ------------------------------------------------------------------ format
FORMAT_SRCS = $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null)
.PHONY: format format-check
format:
	@clang-format -i $(FORMAT_SRCS)

format-check:
	@clang-format --dry-run -Werror $(FORMAT_SRCS)

# ----------------------------------------------------------------- install
# make install [PREFIX=/usr/local] [DESTDIR=...]: programs built for the
# installed data directory (build/install), the data they read (XSDs of
# pain.008 and PES, migrations, the cluster script, the example
# configuration, the school holiday calendar of the CAF declaration, the
# console's pages), manual pages, the systemd files, the French messages,
# and $(SYSCONFDIR)/sepad/sepad.conf from the example (conf/installed.sed:
# absolute spool paths, the system PostgreSQL, the creditor to fill in),
# never over an existing one. Then, on the target: systemd-sysusers,
# systemd-tmpfiles --create, journalctl --update-catalog.
# The Debian package (debian/rules) runs install-build, then install with
# PREFIX=/usr and DESTDIR; `make deb` builds it (below).
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
SHAREDIR ?= $(PREFIX)/share/sepad
MANDIR ?= $(PREFIX)/share/man
SYSTEMDDIR ?= $(PREFIX)/lib/systemd
UNITDIR ?= $(SYSTEMDDIR)/system
CATALOGDIR ?= $(SYSTEMDDIR)/catalog
LOCALEDIR_INSTALLED ?= $(PREFIX)/share/locale
# The programs read /etc/sepad/sepad.conf whatever the prefix.
SYSCONFDIR ?= /etc
IBUILD := build/install
WEB_FILES := $(wildcard daemon/web/*.html daemon/web/*.css daemon/web/*.js)
.PHONY: install install-build
install-build:
	@$(MAKE) --no-print-directory BUILD=$(IBUILD) SRCDIR=$(SHAREDIR) \
	    WEBDIR=$(SHAREDIR)/web LOCALEDIR=$(LOCALEDIR_INSTALLED) \
	    $(IBUILD)/sepad $(IBUILD)/sepactl man mo
	@sed -f conf/installed.sed -e 's|@SHAREDIR@|$(SHAREDIR)|g' \
	    conf/sepad.conf.example >$(IBUILD)/sepad.conf
	@! grep -n '= "\.\./var\|Saint-Exemple";\|"FR72ZZZ\|@SHAREDIR@' \
	    $(IBUILD)/sepad.conf || { echo "install: conf/installed.sed" \
	    "left the lines above of the example unchanged"; exit 1; }
	@sed 's|@SBINDIR@|$(SBINDIR)|' systemd/sepad.service \
	    >$(IBUILD)/sepad.service

install: install-build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(SHAREDIR)/schemas/sql $(DESTDIR)$(SHAREDIR)/schemas/pes \
	    $(DESTDIR)$(SHAREDIR)/tools $(DESTDIR)$(SHAREDIR)/web \
	    $(DESTDIR)$(SHAREDIR)/conf $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(CATALOGDIR) \
	    $(DESTDIR)$(PREFIX)/lib/sysusers.d $(DESTDIR)$(PREFIX)/lib/tmpfiles.d \
	    $(DESTDIR)$(SYSCONFDIR)/sepad
	install -m 0755 $(IBUILD)/sepactl $(DESTDIR)$(BINDIR)/sepactl
	install -m 0755 $(IBUILD)/sepad $(DESTDIR)$(SBINDIR)/sepad
	install -m 0644 schemas/*.xsd schemas/README $(DESTDIR)$(SHAREDIR)/schemas/
	install -m 0644 schemas/pes/*.xsd $(DESTDIR)$(SHAREDIR)/schemas/pes/
	install -m 0644 schemas/sql/*.sql $(DESTDIR)$(SHAREDIR)/schemas/sql/
	install -m 0755 tools/pgcluster.sh $(DESTDIR)$(SHAREDIR)/tools/
	$(if $(WEB_FILES),install -m 0644 $(WEB_FILES) $(DESTDIR)$(SHAREDIR)/web/)
	install -m 0644 conf/sepad.conf.example conf/vacances-scolaires.csv \
	    conf/vacances-scolaires.md $(DESTDIR)$(SHAREDIR)/conf/
	test -e $(DESTDIR)$(SYSCONFDIR)/sepad/sepad.conf || install -m 0640 \
	    $(IBUILD)/sepad.conf $(DESTDIR)$(SYSCONFDIR)/sepad/sepad.conf
	install -m 0644 $(IBUILD)/man/sepactl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(IBUILD)/man/sepad.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 $(IBUILD)/man/sepad.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 $(IBUILD)/sepad.service $(DESTDIR)$(UNITDIR)/
	install -m 0644 systemd/sepad.catalog $(DESTDIR)$(CATALOGDIR)/
	install -m 0644 systemd/sepad.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/sepad.conf
	install -m 0644 systemd/sepad.tmpfiles $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/sepad.conf
	for l in $(LANGS); do \
		install -d $(DESTDIR)$(LOCALEDIR_INSTALLED)/$$l/LC_MESSAGES && \
		install -m 0644 build/locale/$$l/LC_MESSAGES/sepad.mo \
		    $(DESTDIR)$(LOCALEDIR_INSTALLED)/$$l/LC_MESSAGES/ || exit 1; \
	done

# ------------------------------------------------------------------- deb
# make deb: the Debian package (debian/, debhelper), written with its
# .buildinfo and .changes into build/deb/ (dpkg-buildpackage -us -uc -b
# alone writes them into the parent directory), then lintian on it.
# deb-check (part of check where dpkg-buildpackage is installed): builds
# it, and as root installs it, tries it on a throw-away cluster and
# purges it (tests/deb/run.sh).
DEB_DIR := build/deb
DEB := $(DEB_DIR)/sepad_$(VERSION)_amd64.deb
.PHONY: deb deb-build deb-check
deb: deb-build
	lintian --fail-on error,warning --info $(DEB)

deb-build:
	@v=$$(dpkg-parsechangelog -S Version) && [ "$$v" = "$(VERSION)" ] || \
	    { echo "deb: debian/changelog says $$v, the Makefile's VERSION" \
	    "$(VERSION): add a changelog entry (dch -v $(VERSION))"; exit 1; }
	@rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)
	SEPAD_DEB_DIR=$(CURDIR)/$(DEB_DIR) dpkg-buildpackage -us -uc -b \
	    --buildinfo-option=-u$(DEB_DIR) --changes-option=-u$(DEB_DIR) \
	    --buildinfo-file=$(DEB_DIR)/sepad_$(VERSION)_amd64.buildinfo \
	    --changes-file=$(DEB_DIR)/sepad_$(VERSION)_amd64.changes

deb-check:
	@if command -v dpkg-buildpackage >/dev/null 2>&1 && \
	    command -v dh >/dev/null 2>&1; then sh tests/deb/run.sh; \
	else echo "deb: skipped: dpkg-buildpackage or debhelper is not" \
	    "installed (make deps installs them)"; fi

# ------------------------------------------------------------------- clean
.PHONY: clean
clean:
	rm -rf build
