#!/usr/bin/env python3
"""month.py - Le mois and Paiements in a real browser (chromium headless
over cdp.py), on a commune of e2e.py whose September the cycle leaves to
the console (invoice day the 3rd, the daemon on 2 October): as a finance
user, the preview, the billing and the collection, each waited for as
the page polls the worker; the pain.008 downloaded through the page and
checked against the SHA-256 the store recorded and the file on disk; a
payment by other means, and one refused; a viewer sees no action and is
refused by the API with a valid token; a request without the CSRF token
refused.

    sh tests/with-pg.sh python3 tests/ui/month.py

Screenshots build/ui/1N-*.png. Prints "ui: N passed, N failed" (added to
SEPAD_TEST_TALLY); exits 1 when a check failed.
"""
import hashlib
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402
from cdp import find_chromium  # noqa: E402
from e2e import FINANCE, VIEWER, login, shot, visible  # noqa: E402

JOB_OVER = ("document.getElementById('etape').classList.contains('fini')"
            " || document.getElementById('etape').classList.contains('echec')")

# A fetch from the page with the session's token, or without: its status.
POST = ("fetch('/api/session').then(r => r.json()).then(s =>"
        " fetch(%s, {method: 'POST', headers: Object.assign("
        "{'Content-Type': 'application/json'}, %s ? {'X-CSRF-Token': s.csrf}"
        " : {}), body: %s})).then(r => r.status)")


def post(page, path, body, token=True):
    return page.eval(POST % (json.dumps(path), "true" if token else "false",
                             json.dumps(json.dumps(body))))


def confirm(page, name):
    page.wait("document.getElementById('confirmation').open")
    shot(page, name)
    page.click("#confirmation-oui")


def main():
    if find_chromium() is None:
        print("ui: skipped: chromium is not installed (make deps installs it)")
        return 0
    os.makedirs(e2e.SHOTS, exist_ok=True)
    c = e2e.Commune(cycles=(), conf="billing: { invoice_day = 3; };\n")
    return e2e.run_checks(c, lambda p: checks(p, c), today="2026-10-02",
                          height=1000)


def checks(p, c):
    """The checks of the pages, in order, on page p of commune c, whose
    September is left to the console (the daemon on 2 October)."""
    seen = {}

    def preview():
        login(p, c, *FINANCE)
        p.wait(visible("tableau"))
        p.click("#menu a[data-vue=mois]")
        p.wait(visible("mois") + " && document.getElementById('champ-mois').value")
        assert p.eval("document.getElementById('champ-mois').value") == "2026-10"
        assert "septembre 2026" in p.text("#mois-explication")
        shot(p, "10-mois")
        p.click("#btn-apercu")
        p.wait(JOB_OVER, timeout=120)
        p.wait("!document.getElementById('apercu').hidden")
        figures = p.text("#apercu-chiffres")
        assert "Montant total" in figures, figures
        assert c.sql("SELECT count(*) FROM invoices") == "0"
        seen["invoices"] = p.eval(
            "mois_etat.apercu.invoices")
        assert seen["invoices"] > 0
        assert not p.eval("document.getElementById('btn-facturer').disabled")
        shot(p, "11-mois-apercu")

    def bill():
        p.click("#btn-facturer")
        p.wait("document.getElementById('confirmation').open")
        text = p.text("#confirmation-texte")
        assert "%d factures" % seen["invoices"] in text, text
        assert "€" in text and "échéance le 16/10/2026" in text, text
        confirm(p, "12-mois-confirmer-facturation")
        p.wait("document.getElementById('etape-texte').textContent"
               ".startsWith('Facturation')")
        p.wait(JOB_OVER, timeout=120)
        assert "terminé" in p.text("#etape-texte"), p.text("#etape-texte")
        n = c.sql("SELECT count(*) FROM invoices WHERE number LIKE 'F2026-09-%'")
        assert int(n) == seen["invoices"], n
        actor = c.sql("SELECT actor FROM events WHERE kind = 'invoice.run'"
                      " AND month = '2026-09-01'")
        assert actor == FINANCE[0], actor
        p.wait("document.querySelector('#table-fichiers tbody tr')")
        assert "Avis d’échéance (PDF)" in p.text("#table-fichiers tbody")

    def collect():
        p.click("#btn-prelever")
        p.wait("document.getElementById('confirmation').open")
        text = p.text("#confirmation-texte")
        assert "%d factures" % seen["invoices"] in text, text
        confirm(p, "13-mois-confirmer-prelevement")
        p.wait("document.getElementById('etape-texte').textContent"
               ".startsWith('Prélèvement')")
        p.wait(JOB_OVER, timeout=120)
        assert "Prélèvement d’octobre 2026 : terminé" in p.text("#etape-texte"), \
            p.text("#etape-texte")
        p.wait("document.querySelector('#table-fichiers tbody').textContent"
               ".includes('pain.008')")
        released = c.sql("SELECT count(*) FROM batches WHERE state = 'released'"
                         " AND collection_month = '2026-10-01'")
        assert released == "1", released
        actor = c.sql("SELECT actor FROM events WHERE kind = 'batch.released'")
        assert actor == FINANCE[0], actor
        shot(p, "14-mois-fichiers")

    def download():
        name, sha = c.sql("SELECT file_name || ' ' || sha256 FROM batches"
                          " WHERE state = 'released'").split()
        row = p.eval(
            "[...document.querySelectorAll('#table-fichiers tbody tr')]"
            ".filter(r => r.cells[0].textContent === %s)"
            ".map(r => [r.cells[7].textContent,"
            " r.querySelector('a').getAttribute('href')])[0]" % json.dumps(name))
        assert row[0] == sha, row
        got = p.eval(
            "fetch(%s).then(async r => { const b = await r.arrayBuffer();"
            " const h = await crypto.subtle.digest('SHA-256', b);"
            " return [[...new Uint8Array(h)].map(x => x.toString(16)"
            ".padStart(2, '0')).join(''), r.headers.get('Content-Type'),"
            " r.headers.get('Content-Disposition'), b.byteLength]; })"
            % json.dumps(row[1]))
        assert got[0] == sha, got
        assert got[1] == "application/xml", got
        assert got[2] == 'attachment; filename="%s"' % name, got
        with open(os.path.join(c.dir, "outbox", name), "rb") as f:
            disk = f.read()
        assert hashlib.sha256(disk).hexdigest() == sha
        assert got[3] == len(disk)
        assert b"pain.008.001" in disk[:400]

    def payment():
        number = c.sql("SELECT number FROM invoices WHERE state = 'issued'"
                       " ORDER BY number LIMIT 1")
        assert number, "no invoice payable by other means"
        p.click("#menu a[data-vue=paiements]")
        p.wait(visible("paiements") + " && document.getElementById('champ-date').value")
        assert p.eval("document.getElementById('champ-date').value") == "2026-10-02"
        p.type("#champ-facture", number)
        p.type("#champ-montant", "5,00")
        p.type("#champ-reference", "chèque n° 0001234")
        p.click("#form-paiement button")
        confirm(p, "15-paiement-confirmer")
        p.wait("!document.getElementById('paiement-resultat').hidden")
        assert "5,00" in p.text("#paiement-fiche")
        assert c.sql("SELECT method || ' ' || amount_cents || ' ' ||"
                     " reference FROM payments") == "cheque 500 chèque n° 0001234"
        assert c.sql("SELECT actor FROM events WHERE kind ="
                     " 'payment.recorded'") == FINANCE[0]
        shot(p, "16-paiement-enregistre")

    def payment_refused():
        before = c.sql("SELECT count(*) FROM payments")
        p.type("#champ-facture", "F2026-09-999999")
        p.type("#champ-montant", "5,00")
        p.click("#form-paiement button")
        confirm(p, "17-paiement-confirmer-inconnue")
        p.wait("document.getElementById('message').classList.contains('erreur')")
        assert "F2026-09-999999" in p.text("#message"), p.text("#message")
        p.eval("document.getElementById('champ-facture').value = ''")
        p.type("#champ-facture", "F2026-09-000001")
        p.eval("document.getElementById('champ-montant').value = ''")
        p.type("#champ-montant", "12,345")
        p.click("#form-paiement button")
        confirm(p, "18-paiement-montant")
        p.wait("document.getElementById('message').textContent.includes('12,345')")
        shot(p, "18-paiement-refuse")
        # the server's refusal, in French as sepad runs
        assert "montant « 12,345 »" in p.text("#message"), p.text("#message")
        assert c.sql("SELECT count(*) FROM payments") == before
        # a state-changing request without the CSRF token
        assert post(p, "/api/month/preview", {"month": "2026-09"},
                    token=False) == 403

    def viewer():
        p.click("#deconnexion")
        p.wait(visible("connexion"))
        login(p, c, *VIEWER)
        p.wait(visible("tableau"))
        p.click("#menu a[data-vue=mois]")
        p.wait(visible("mois") + " && document.querySelector('#table-fichiers tbody tr')")
        shown = p.eval("[...document.querySelectorAll('#vue-mois button,"
                       " #vue-mois a')].filter(b => b.offsetParent !== null)"
                       ".length")
        assert shown == 0, "%d actions shown to a viewer" % shown
        shot(p, "19-mois-consultation")
        p.click("#menu a[data-vue=paiements]")
        p.wait(visible("paiements"))
        assert p.eval("document.getElementById('form-paiement').offsetParent") is None
        before = c.sql("SELECT count(*) FROM batches")
        assert post(p, "/api/month/collect", {"month": "2026-11"}) == 403
        assert post(p, "/api/payment", {"invoice": "F2026-09-000001",
                                        "amount": "1", "date": "2026-10-02",
                                        "method": "cash"}) == 403
        assert c.sql("SELECT count(*) FROM batches") == before

    return (("preview of September", preview),
            ("bill September", bill),
            ("collect October", collect),
            ("download the pain.008", download),
            ("record a payment by cheque", payment),
            ("payments refused", payment_refused),
            ("a viewer cannot act", viewer))


if __name__ == "__main__":
    sys.exit(main())
