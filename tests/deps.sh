#!/bin/sh
# deps.sh - install the Debian packages sepad needs to build and test
# (the PDF documents: cairo, pango and the DejaVu fonts; e-mail: libcurl;
# their tests: qpdf, poppler-utils and the SMTP sink python3-aiosmtpd;
# the web console: libmicrohttpd, jansson, libargon2, and pg_trgm from
# postgresql-contrib for its search; its browser tests: chromium with its
# French (chromium-l10n), driven from python3 over the DevTools protocol
# (it also reads the HTML report); messages: gettext for msgfmt and
# xgettext, locales for the fr_FR.UTF-8 locale the French tests and the
# demo run in, generated here; python3 also reads the CSV files for
# people as French Excel would; the Debian package: debhelper and
# dpkg-dev to build it, lintian to check it, systemd for its test's
# systemd-analyze, journalctl and the sysusers and tmpfiles snippets).
# As root: apt-get install what is missing. Otherwise: print the command.
#   deps.sh          the packages to build and test (clang and its libFuzzer
#                    runtime too: check fuzzes every target a little)
#   deps.sh --fuzz   the packages for `make fuzz` only
set -eu

PKGS="build-essential pkg-config libxml2-dev libxml2-utils libssl-dev
libpq-dev libconfig-dev libcriterion-dev libsystemd-dev postgresql
postgresql-client clang-format man-db
libcairo2-dev libpango1.0-dev fonts-dejavu-core libcurl4-openssl-dev
qpdf poppler-utils python3-aiosmtpd
libmicrohttpd-dev libjansson-dev libargon2-dev postgresql-contrib
chromium chromium-l10n python3 gettext locales debhelper dpkg-dev lintian systemd"
# clang and its libFuzzer runtime: `make fuzz`, and the short fuzz run of
# check (which is skipped, with a message, where they are missing).
FUZZ_PKGS="clang libclang-rt-14-dev"
PKGS="$PKGS $FUZZ_PKGS"
if [ "${1:-}" = "--fuzz" ]; then
	PKGS=$FUZZ_PKGS
fi

# The French locale: generated once (a fresh machine has only C and POSIX).
fr_locale() {
	locale -a 2>/dev/null | grep -qix 'fr_FR\.utf-\{0,1\}8' && return 0
	[ "${1:-}" = "--fuzz" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: run as root: localedef -i fr_FR -c -f UTF-8" \
		    "fr_FR.UTF-8 (the French tests need it)" >&2
		return 1
	fi
	if [ -f /etc/locale.gen ] && command -v locale-gen >/dev/null; then
		sed -i 's/^# *\(fr_FR.UTF-8 UTF-8\)/\1/' /etc/locale.gen
		grep -q '^fr_FR.UTF-8 UTF-8' /etc/locale.gen ||
			echo 'fr_FR.UTF-8 UTF-8' >>/etc/locale.gen
		locale-gen >/dev/null
	else
		localedef -i fr_FR -c -f UTF-8 fr_FR.UTF-8
	fi
	echo "deps: generated the locale fr_FR.UTF-8"
}

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
if [ -z "$missing" ]; then
	fr_locale "${1:-}"
	exit $?
fi

echo "deps: missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root: apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: installed:$missing"
fr_locale "${1:-}"
