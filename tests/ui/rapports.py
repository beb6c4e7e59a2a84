#!/usr/bin/env python3
"""rapports.py - the console's Rapports page in a real browser (chromium
headless over the DevTools protocol, cdp.py), on the month e2e.py's
Commune bills and collects, two of whose debits the bank rejects (a
pain.002 imported by sepactl) after their families were renamed
<script>alert(1)</script> and =HYPERLINK(...): the API refuses whoever
has not logged in; the month billed is listed and chosen; the report the
server makes is shown in its frame with the figures of `sepactl report`
(the reject rate, the totals per service) and its two charts, the hostile
names as text; the PDF is downloaded through the page's link and read
back (pdftotext: the commune, the month); a bad month is refused naming
the field; a viewer reads the reports too.

    sh tests/with-pg.sh python3 tests/ui/rapports.py

Screenshots in build/ui/3N-name.png. Prints "ui: N passed, N failed"
(and adds it to SEPAD_TEST_TALLY); exits 1 when a check failed.
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402
from cdp import find_chromium  # noqa: E402
from e2e import FINANCE, VIEWER, check, login, shot, visible  # noqa: E402
from e2e_mandats import pain002  # noqa: E402

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'
MONTH = "2026-10"

# The status of a GET from the page, with the session's cookie if any.
STATUS = "fetch(%s).then(r => r.status)"
# The report's frame, its text, loaded for MONTH.
FRAME = "document.getElementById('rapport-cadre')"
LOADED = ("%s.dataset.mois === %s && %s.contentDocument.body"
          % (FRAME, json.dumps(MONTH), FRAME))
FRAME_TEXT = FRAME + ".contentDocument.body.textContent"


def rename(c, refs):
    """Import the generated families again, those of refs renamed."""
    src = os.path.join(c.dir, "gen", "families.csv")
    with open(src, newline="", encoding="utf-8") as f:
        text = f.read()
    delim = ";" if text.splitlines()[0].count(";") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    for row in rows[1:]:
        if row[0] in refs:
            row[1] = refs[row[0]]
    out = os.path.join(c.dir, "families_renamed.csv")
    with open(out, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=delim, lineterminator="\n").writerows(rows)
    c.ctl("--today", "2026-10-07", "import", "families", out)


def main():
    if find_chromium() is None:
        print("ui: skipped: chromium is not installed")
        return 0
    os.makedirs(e2e.SHOTS, exist_ok=True)
    c = e2e.Commune()
    # two debits of October rejected, their families renamed first
    rows = [r.split("|") for r in c.sql(
        "SELECT c.end_to_end_id, c.amount_cents, m.rum, b.msg_id,"
        " c.pmt_inf_id, f.family_ref FROM collections c"
        " JOIN mandates m ON m.id = c.mandate_id"
        " JOIN families f ON f.id = m.family_id"
        " JOIN batches b ON b.id = c.batch_id"
        " ORDER BY c.end_to_end_id LIMIT 2").splitlines()]
    rename(c, {rows[0][5]: SCRIPT, rows[1][5]: FORMULA})
    rejects = os.path.join(c.dir, "rejets.xml")
    pain002(rejects, rows[0][3], rows[0][4],
            [(rows[0][0], "AM04", int(rows[0][1]), rows[0][2]),
             (rows[1][0], "MD06", int(rows[1][1]), rows[1][2])])
    c.ctl("--today", "2026-10-08", "import", "returns", rejects)
    text = c.ctl("--today", "2026-10-08", "report", "--month", MONTH)
    return e2e.run_checks(c, lambda p: checks(p, c, text))


def pdf_text(path):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"],
                          capture_output=True, text=True,
                          check=True).stdout


def checks(p, c, text):
    """The checks of the page, in order, on page p of commune c; text is
    what `sepactl report --month 2026-10` printed."""
    downloads = os.path.join(c.dir, "downloads")

    def refused_without_session():
        p.goto(c.url + "/")
        p.wait(visible("connexion"))
        for path in ("/api/reports", "/api/report/html?month=" + MONTH,
                     "/api/report/pdf?month=" + MONTH):
            status = p.eval(STATUS % json.dumps(path))
            assert status == 401, "%s: %s" % (path, status)

    def choose_month():
        login(p, c, *FINANCE)
        p.wait(visible("tableau"))
        p.click("#menu a[data-vue=rapports]")
        p.wait(visible("rapports") + " && " + LOADED, timeout=30)
        options = p.eval("[...document.querySelectorAll('#champ-rapport"
                         " option')].map(o => [o.value, o.textContent])")
        assert [MONTH, "octobre 2026 (factures de septembre 2026)"] \
            in options, options
        assert p.eval("document.getElementById('champ-rapport').value") \
            == MONTH
        # the "being prepared" line is gone once the report is there
        assert p.eval("document.getElementById('rapport-attente').hidden")
        assert p.eval("document.querySelector('#menu a.actif')"
                      ".dataset.vue") == "rapports"

    def figures():
        shown = p.eval(FRAME_TEXT)
        assert "Rapport mensuel des prélèvements" in shown, shown[:200]
        assert "Commune de Saint-Exemple" in shown
        assert "Mois des échéances : octobre 2026" in shown, shown[:400]
        # the reject rate, as sepactl report words it: 2 debits rejected
        rate = re.search(r"Taux de rejet : [^\n]*\.", text).group(0)
        assert rate in shown, (rate, shown[:2000])
        assert not rate.startswith("Taux de rejet : 0,00"), rate
        # the totals per service: each service's line, amount as sepactl
        services = c.sql("SELECT string_agg(code, ' ' ORDER BY code)"
                         " FROM services").split()
        assert services, "no service billed"
        for code in services:
            line = re.search(r"^ *%s\b[^\n]*" % re.escape(code), text,
                             re.M).group(0)
            amount = re.findall(r"-?[0-9]{1,3}(?:[\u00a0\u202f][0-9]{3})*"
                                r",[0-9]{2}[\u00a0\u202f]€", line)[-1]
            assert amount in shown, (code, amount, line)
        charts = p.eval(FRAME + ".contentDocument.querySelectorAll("
                        "'figure svg').length")
        assert charts == 2, charts
        shot(p, "30-rapports")

    def hostile_as_text():
        cells = p.eval(FRAME + ".contentDocument ? [..." + FRAME +
                       ".contentDocument.querySelectorAll('td')]"
                       ".map(td => td.textContent) : []")
        assert SCRIPT in cells, [x for x in cells if "script" in x]
        assert FORMULA in cells, [x for x in cells if "HYPER" in x]
        assert p.eval(FRAME + ".contentDocument.querySelectorAll("
                      "'script, a').length") == 0
        assert p.eval("document.querySelectorAll('main script')"
                      ".length") == 0
        assert not p.dialogs, p.dialogs
        # the frame runs no script: its sandbox and the reply's policy
        assert p.eval(FRAME + ".getAttribute('sandbox')") \
            == "allow-same-origin allow-modals"
        csp = p.eval("fetch('/api/report/html?month=%s').then(r =>"
                     " r.headers.get('Content-Security-Policy'))" % MONTH)
        assert "default-src 'none'" in csp and "script" not in csp, csp
        assert "frame-ancestors 'self'" in csp, csp

    def print_frame():
        # Imprimer prints the frame itself: allowed by its sandbox
        # (allow-modals), or chromium logs that it ignored the call
        p.cmd("Log.enable")
        p.click("#rapport-imprimer")
        time.sleep(0.5)
        p.eval("1")
        logged = [e["params"]["entry"].get("text", "") for e in p.b.events
                  if e.get("method") == "Log.entryAdded"]
        assert not [t for t in logged if "print" in t], logged
        p.cmd("Log.disable")

    def download_pdf():
        os.makedirs(downloads, exist_ok=True)
        p.b.send("Browser.setDownloadBehavior",
                 {"behavior": "allow", "downloadPath": downloads})
        href = p.eval("document.getElementById('rapport-pdf')"
                      ".getAttribute('href')")
        assert href == "/api/report/pdf?month=" + MONTH, href
        p.click("#rapport-pdf")
        path = os.path.join(downloads, "rapport-%s.pdf" % MONTH)
        for _ in range(300):
            if os.path.exists(path):
                break
            time.sleep(0.1)
        assert os.path.exists(path), os.listdir(downloads)
        with open(path, "rb") as f:
            head = f.read(5)
        assert head == b"%PDF-", head
        body = pdf_text(path)
        assert "Commune de Saint-Exemple" in body, body[:300]
        assert "octobre 2026" in body, body[:300]
        assert "Taux de rejet" in body, body[:1200]
        got = p.eval("fetch('/api/report/pdf?month=%s').then(r =>"
                     " [r.headers.get('Content-Type'),"
                     " r.headers.get('Content-Disposition')])" % MONTH)
        assert got == ["application/pdf",
                       'attachment; filename="rapport-%s.pdf"' % MONTH], got

    def bad_month():
        for bad in ("2026-13", "octobre", "2026-10-01%22%3E"):
            got = p.eval("fetch('/api/report/pdf?month=%s').then(async r =>"
                         " [r.status, await r.json()])" % bad)
            assert got[0] == 400, got
            assert got[1]["field"] == "month", got
            assert got[1]["message"].startswith("mois"), got
        # a month without invoices: the report of nothing, not an error
        got = p.eval(STATUS % json.dumps("/api/report/html?month=2031-01"))
        assert got == 200, got

    def viewer_reads():
        p.click("#deconnexion")
        p.wait(visible("connexion"))
        login(p, c, *VIEWER)
        p.wait(visible("tableau"))
        p.goto(c.url + "/#rapports/" + MONTH)
        p.wait(visible("rapports") + " && " + LOADED, timeout=30)
        assert "Taux de rejet" in p.eval(FRAME_TEXT)
        assert p.eval(STATUS % json.dumps(
            "/api/report/pdf?month=" + MONTH)) == 200
        shot(p, "31-rapports-consultation")

    return (("refused without a session", refused_without_session),
            ("the month billed chosen", choose_month),
            ("the report's figures and charts", figures),
            ("hostile names as text", hostile_as_text),
            ("Imprimer prints the frame", print_frame),
            ("the PDF downloaded", download_pdf),
            ("a bad month refused", bad_month),
            ("a viewer reads the reports", viewer_reads))


if __name__ == "__main__":
    sys.exit(main())
