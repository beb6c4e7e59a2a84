#!/usr/bin/env python3
"""excel_fr.py - read a CSV file for people as French Excel reads it.

    excel_fr.py FILE [HEADING=VALUE ...]

The file must be what the [export] group's defaults promise
(docs/design/exports.md): a UTF-8 byte-order mark, then UTF-8; every line
ended by CRLF; ';' between fields, RFC 4180 quotes. Python's csv module
then reads it, and every row must have as many fields as the headings.
A column whose heading ends with "(€)" holds amounts French Excel reads
as numbers ("-1234,56": decimal comma, no thousands separator, no
currency sign) or nothing; no cell is an ISO date (dates are
DD/MM/YYYY); no cell starts a formula (=, +, -, @, tab, CR) unless it is
a number. Each HEADING=VALUE must be found: a row whose cell under
HEADING is exactly VALUE. Prints what is wrong and exits 1.
"""
import csv
import io
import re
import sys

NUMBER = re.compile(r"^-?[0-9]+(,[0-9]+)?$")
AMOUNT = re.compile(r"^-?[0-9]+,[0-9]{2}$")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def fail(path, msg):
    sys.stderr.write("%s: %s\n" % (path, msg))
    sys.exit(1)


def main(argv):
    path = argv[1]
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(b"\xef\xbb\xbf"):
        fail(path, "no UTF-8 byte-order mark")
    if data.count(b"\n") != data.count(b"\r\n") or not data.endswith(b"\r\n"):
        fail(path, "a line does not end with CRLF")
    try:
        text = data[3:].decode("utf-8")
    except UnicodeDecodeError as e:
        fail(path, "not UTF-8: %s" % e)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    if not rows:
        fail(path, "no headings")
    head = rows[0]
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(head):
            fail(path, "row %d has %d fields, the headings %d: %r"
                 % (n, len(row), len(head), row))
        for h, cell in zip(head, row):
            if h.endswith("(€)") and cell != "" and not AMOUNT.match(cell):
                fail(path, "row %d, %s: %r is not an amount" % (n, h, cell))
            if ISO_DATE.match(cell):
                fail(path, "row %d, %s: %r is an ISO date" % (n, h, cell))
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and \
                    not NUMBER.match(cell):
                fail(path, "row %d, %s: %r starts a formula" % (n, h, cell))
    for want in argv[2:]:
        h, _, value = want.partition("=")
        if h not in head:
            fail(path, "no heading %r in %r" % (h, head))
        col = head.index(h)
        if not any(row[col] == value for row in rows[1:]):
            fail(path, "no row with %s = %r" % (h, value))
    print("%s: %d rows of %d fields" % (path, len(rows) - 1, len(head)))


if __name__ == "__main__":
    main(sys.argv)
