#!/bin/sh
# deps.sh - install the Debian packages sepad needs to build and test
# (the PDF documents: cairo, pango and the DejaVu fonts; e-mail: libcurl;
# their tests: qpdf, poppler-utils and the SMTP sink python3-aiosmtpd;
# the web console: libmicrohttpd, jansson, libargon2, and pg_trgm from
# postgresql-contrib for its search; its browser tests: chromium with its
# French (chromium-l10n), driven from python3 over the DevTools protocol).
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
chromium chromium-l10n python3"
# clang and its libFuzzer runtime: `make fuzz`, and the short fuzz run of
# check (which is skipped, with a message, where they are missing).
FUZZ_PKGS="clang libclang-rt-14-dev"
PKGS="$PKGS $FUZZ_PKGS"
if [ "${1:-}" = "--fuzz" ]; then
	PKGS=$FUZZ_PKGS
fi

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

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
