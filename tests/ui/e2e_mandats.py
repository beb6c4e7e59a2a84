#!/usr/bin/env python3
"""e2e_mandats.py - the console's Mandats and Retours bancaires pages in a
real browser (chromium headless over the DevTools protocol, cdp.py), on
the month e2e.py's Commune bills and collects: a bank file of rejects
built from that month's collections sent from the page and its result
read, a record with a mangled EndToEndId quarantined then applied, a
file that is not a bank file refused with nothing stored, a mandate's
account changed after reading the month it applies from, its end
read before a termination and recorded as read, the families
named <script>alert(1)</script> and =HYPERLINK(...) shown as text, and
a viewer who sees no action and is refused by the server.

    sh tests/with-pg.sh python3 tests/ui/e2e_mandats.py

Screenshots in build/ui/2N-name.png. Prints "ui: N passed, N failed"
(and adds it to SEPAD_TEST_TALLY); exits 1 when a check failed.
"""
import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402
from cdp import find_chromium  # noqa: E402
from e2e import FINANCE, VIEWER, check, login, shot, visible  # noqa: E402

# Mandates for the two hostile families of tests/data/web.
HOSTILE_MANDATES = (
    "rum\tfamily_ref\tiban\tbic\tsigned_on\n"
    "RUM-HOSTILE-1\tF001\tFR7630002005500000123456783\t\t2025-09-01\n"
    "RUM-HOSTILE-2\tF002\tFR76 2004 1010 0505 0001 3002 675\t\t2025-09-01\n")


def pain002(path, msg_id, pmt, txs):
    """A pain.002 rejecting transactions (e2e, code, cents, rum) of the
    file msg_id, block pmt, as a bank sends it."""
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
                'pain.002.001.03"><CstmrPmtStsRpt><GrpHdr>'
                '<MsgId>BANQUE-REJ-20261008</MsgId>'
                '<CreDtTm>2026-10-08T09:00:00</CreDtTm></GrpHdr>\n'
                '<OrgnlGrpInfAndSts><OrgnlMsgId>%s</OrgnlMsgId>'
                '<OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId>'
                '</OrgnlGrpInfAndSts>\n<OrgnlPmtInfAndSts>'
                '<OrgnlPmtInfId>%s</OrgnlPmtInfId>\n' % (msg_id, pmt))
        for e2e_id, code, cents, rum in txs:
            f.write('<TxInfAndSts><OrgnlEndToEndId>%s</OrgnlEndToEndId>'
                    '<TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>%s</Cd></Rsn>'
                    '</StsRsnInf><OrgnlTxRef><Amt><InstdAmt Ccy="EUR">'
                    '%d.%02d</InstdAmt></Amt><MndtRltdInf><MndtId>%s'
                    '</MndtId></MndtRltdInf></OrgnlTxRef></TxInfAndSts>\n'
                    % (e2e_id, code, cents // 100, cents % 100, rum))
        f.write('</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>\n')


def choose_file(p, selector, path):
    doc = p.cmd("DOM.getDocument")
    node = p.cmd("DOM.querySelector",
                 {"nodeId": doc["root"]["nodeId"], "selector": selector})
    p.cmd("DOM.setFileInputFiles", {"files": [path], "nodeId": node["nodeId"]})


def set_value(p, selector, value):
    p.eval("document.querySelector(%s).value = %s"
           % (json.dumps(selector), json.dumps(value)))


def main():
    if find_chromium() is None:
        print("ui: skipped: chromium is not installed")
        return 0
    os.makedirs(e2e.SHOTS, exist_ok=True)
    c = e2e.Commune()
    hostile = os.path.join(c.dir, "mandates_hostile.csv")
    with open(hostile, "w") as f:
        f.write(HOSTILE_MANDATES)
    c.ctl("--today", "2026-10-06", "import", "mandates", hostile)
    # two debits of the month collected: one rejected as the bank names
    # it, one whose EndToEndId the bank mangled (quarantined)
    rows = [r.split("|") for r in c.sql(
        "SELECT c.end_to_end_id, c.amount_cents, m.rum, b.msg_id,"
        " c.pmt_inf_id FROM collections c JOIN mandates m ON m.id ="
        " c.mandate_id JOIN batches b ON b.id = c.batch_id"
        " ORDER BY c.end_to_end_id LIMIT 2").splitlines()]
    (e2e_a, cents_a, rum_a, msg_id, pmt), (e2e_b, cents_b, rum_b, _, _) = rows
    rejects = os.path.join(c.dir, "rejets octobre.xml")
    pain002(rejects, msg_id, pmt, [(e2e_a, "AM04", int(cents_a), rum_a),
                                   (e2e_b + "X", "AC04", int(cents_b), rum_b)])
    garbage = os.path.join(c.dir, "=HYPERLINK(x).xml")
    with open(garbage, "w") as f:
        f.write("<html><script>alert(1)</script></html>\n")
    target = c.sql("SELECT m.rum FROM mandates m WHERE m.rum NOT IN (%s)"
                   " AND m.rum NOT LIKE 'RUM-HOSTILE%%' ORDER BY m.rum LIMIT 1"
                   % ", ".join("'%s'" % r for r in (rum_a, rum_b)))
    return e2e.run_checks(c, lambda p: checks(p, c, e2e_a, e2e_b, rejects,
                                              garbage, target))


def checks(p, c, e2e_a, e2e_b, rejects, garbage, target):
    """The checks of the pages, in order, on page p of commune c: the two
    debits of the rejects file, the files, the mandate to change."""
    def dashboard_follows():
        # the balance is kept between visits (049): a payment recorded
        # by sepactl, outside the console, is heard and shown
        login(p, c, *FINANCE)
        p.wait(visible("tableau") + " && document.querySelector("
               "'#table-bilan tbody tr')")
        other = "document.querySelector('#table-bilan tbody tr')" \
            ".children[4].textContent"
        before = p.eval(other)
        inv = c.sql("SELECT number FROM invoices WHERE mandate_id IS NULL"
                    " ORDER BY number LIMIT 1")
        c.ctl("--today", "2026-10-06", "payment", "record", inv,
              "--amount", "12.34", "--date", "2026-10-06")
        for _ in range(50):  # the notice comes at once; 5 s at most
            p.eval("tableau().then(() => true)")
            if p.eval(other) != before:
                break
            time.sleep(0.1)
        assert p.eval(other) != before, "%s: still %s" % (inv, before)

    def upload_rejects():
        p.click("#menu a[data-vue=retours]")
        p.wait(visible("retours") + " && document.getElementById("
               "'quarantaine-vide').hidden === false")
        choose_file(p, "#retour-fichier", rejects)
        p.wait("document.getElementById('retour-nom').textContent"
               " === 'rejets octobre.xml'")
        p.click("#form-retour button")
        p.wait("!document.getElementById('retour-resultat').hidden")
        title = p.text("#retour-titre")
        assert "rejets octobre.xml (pain.002) importé" in title, title
        details = p.text("#retour-details")
        assert "2 enregistrements lus : 1 appliqué, 1 en quarantaine" \
            in details, details
        assert "archivé sous le nom rejets_octobre.xml" in details, details
        p.wait("document.querySelector('#table-quarantaine tbody tr')")
        assert e2e_b + "X" in p.text("#table-quarantaine tbody")
        state = c.sql("SELECT state FROM collections WHERE"
                      " end_to_end_id = '%s'" % e2e_a)
        assert state == "rejected", state
        actor = c.sql("SELECT string_agg(DISTINCT actor, ',') FROM events"
                      " WHERE kind LIKE 'returns.%'")
        assert actor == FINANCE[0], actor
        shot(p, "21-retours-import")

    def refuse_garbage():
        before = c.sql("SELECT count(*) FROM imported_files")
        choose_file(p, "#retour-fichier", garbage)
        p.click("#form-retour button")
        p.wait("document.getElementById('retour-titre').textContent"
               ".includes('refusé')")
        text = p.text("#retour-resultat")
        assert "=HYPERLINK(x).xml refusé : rien n’a été enregistré" \
            in text, text
        assert ".errors.txt" in text, text
        assert not p.dialogs, p.dialogs
        assert c.sql("SELECT count(*) FROM imported_files") == before
        rejected = os.listdir(os.path.join(c.dir, "rejected"))
        assert any(n.endswith(".errors.txt") for n in rejected), rejected
        shot(p, "22-retours-refus")

    def apply_quarantined():
        p.type("#table-quarantaine .sous-ligne input.e2e", e2e_b)
        p.click("#table-quarantaine .sous-ligne button")
        p.wait("document.getElementById('message').textContent"
               ".includes('appliqué')")
        msg = p.text("#message")
        assert "rejeté" in msg, msg
        state = c.sql("SELECT state FROM collections WHERE"
                      " end_to_end_id = '%s'" % e2e_b)
        assert state == "rejected", state
        assert c.sql("SELECT actor FROM events WHERE kind ="
                     " 'returns.quarantine_applied'") == FINANCE[0]
        assert p.text("#nb-quarantaine") == ""
        shot(p, "23-quarantaine-appliquee")

    def open_mandate(rum):
        p.goto(c.url + "/#mandat/" + rum)
        p.wait(visible("mandat") + " && document.getElementById("
               "'mandat-titre').textContent.includes(%s)" % json.dumps(rum))

    def bad_iban():
        open_mandate(target)
        p.type("#cb-iban", "FR76 3000 6000 0112 3456 7890 188")
        p.click("#form-compte button")
        p.wait("document.getElementById('message').classList"
               ".contains('erreur')")
        # the server's own French, naming the field as the form does
        msg = p.text("#message")
        assert msg.startswith("Refusé : IBAN FR76****0188"), msg
        assert "la clé de contrôle ne correspond pas" in msg, msg
        assert p.eval("document.getElementById('cb-apercu').hidden")

    def change_account():
        before = c.sql("SELECT count(*) FROM mandate_accounts")
        p.type("#cb-iban", "FR76 3000 6000 0112 3456 7890 189")
        # sent on 20 September: October is already with the bank
        set_value(p, "#cb-envoi", "2026-09-20")
        p.click("#form-compte button")
        p.wait("!document.getElementById('cb-apercu').hidden")
        why = p.text("#cb-pourquoi")
        assert "le prélèvement d’octobre 2026 est déjà transmis" in why, why
        # sent on 6 October, after the 5th: November too, for that reason
        set_value(p, "#cb-envoi", "2026-10-06")
        p.click("#form-compte button")
        p.wait("document.getElementById('cb-pourquoi').textContent"
               ".includes('06/10/2026')")
        first = p.text("#cb-mois")
        assert "à partir du prélèvement de novembre 2026" in first, first
        why = p.text("#cb-pourquoi")
        assert "après le 5 du mois" in why, why
        assert c.sql("SELECT count(*) FROM mandate_accounts") == before
        shot(p, "24-mandat-nouveau-compte")
        p.click("#cb-confirmer")
        p.wait("document.getElementById('message').textContent"
               ".includes('enregistré')")
        assert "novembre 2026" in p.text("#message")
        assert "2026-11" in c.sql(
            "SELECT to_char(a.applies_from, 'YYYY-MM') FROM"
            " mandate_accounts a JOIN mandates m ON m.id = a.mandate_id"
            " WHERE m.rum = '%s' ORDER BY a.id DESC LIMIT 1" % target)
        assert c.sql("SELECT actor FROM events WHERE kind ="
                     " 'mandate.account_changed'") == FINANCE[0]
        assert "novembre 2026" in p.text("#table-comptes tbody")
        shot(p, "25-mandat-compte-change")

    def hostile_names():
        p.click("#menu a[data-vue=mandats]")
        p.wait(visible("mandats"))
        p.type("#champ-mandats", "HYPERLINK")
        p.key_enter()
        p.wait("document.querySelector('#table-mandats-trouves tbody tr')")
        payer = p.text("#table-mandats-trouves tbody tr td:nth-child(3)")
        assert payer == '=HYPERLINK("http://x","y")', payer
        p.click("#table-mandats-trouves tbody tr a")
        p.wait(visible("mandat") + " && document.getElementById("
               "'mandat-titre').textContent.includes('RUM-HOSTILE-2')")
        assert "=HYPERLINK" in p.text("#mandat-titre")
        open_mandate("RUM-HOSTILE-1")
        assert p.text("#mandat-titre") == \
            "Mandat RUM-HOSTILE-1 — <script>alert(1)</script>"
        assert p.eval("document.querySelectorAll('main script').length") == 0
        assert not p.dialogs, p.dialogs
        shot(p, "26-mandat-nom-hostile")

    def end_date(rum):
        return c.sql("SELECT coalesce(to_char(ends_on, 'DD/MM/YYYY'), '')"
                     " || ' ' || state FROM mandates WHERE rum = '%s'" % rum)

    def terminate_read_first(immediate, ends, says, why, name, state):
        """Ask for the end, read it from the preview (nothing stored),
        confirm: the end stored is the one read, the mandate in state."""
        before = (end_date("RUM-HOSTILE-1"),
                  c.sql("SELECT count(*) FROM events"))
        if p.eval("document.getElementById('res-immediate').checked") \
                != immediate:
            p.click("#res-immediate")
        p.click("#form-resiliation button")
        p.wait("!document.getElementById('res-apercu').hidden")
        question = p.text("#res-question")
        shown = re.search(r"le (\d\d/\d\d/\d{4})", question)
        assert shown and shown.group(1) == ends, question
        assert says in question, question
        assert why in p.text("#res-pourquoi"), p.text("#res-pourquoi")
        assert (end_date("RUM-HOSTILE-1"),
                c.sql("SELECT count(*) FROM events")) == before
        shot(p, name)
        p.click("#res-confirmer")
        p.wait("document.getElementById('message').textContent"
               ".includes(%s)" % json.dumps(ends))
        assert end_date("RUM-HOSTILE-1") == "%s %s" % (ends, state)
        fiche = p.text("#mandat-fiche")
        assert ends in fiche, fiche
        assert ("résilié" in fiche) == (state == "terminated"), fiche
        assert p.eval("document.getElementById('mandat-actions').hidden") \
            == (state == "terminated")
        kind = "terminated" if state == "terminated" else "end_scheduled"
        assert c.sql("SELECT actor FROM events WHERE kind ="
                     " 'mandate.%s'" % kind) == FINANCE[0]

    def terminate_by_letter():
        # a letter received on 6 October 2026, before 30 June: the end of
        # the school year, as the store computes it
        terminate_read_first(False, "31/08/2027", "prendra fin le 31/08/2027",
                             "Lettre reçue le 06/10/2026, avant le 30/06/2027",
                             "28-mandat-resiliation-apercu", "active")

    def terminate():
        terminate_read_first(True, "06/10/2026", "résilié aujourd’hui",
                             "Révocation immédiate reçue le 06/10/2026",
                             "29-mandat-revocation-apercu", "terminated")

    def viewer_reads_only():
        p.click("#deconnexion")
        p.wait(visible("connexion"))
        login(p, c, *VIEWER)
        p.wait(visible("tableau"))
        open_mandate(target)
        assert p.eval("document.getElementById('mandat-actions').hidden")
        p.goto(c.url + "/#retours")
        p.wait(visible("retours") + " && !document.getElementById("
               "'quarantaine-vide').hidden")
        p.click("#quarantaine-tout")
        p.wait("document.querySelector('#table-quarantaine tbody tr')")
        assert "Traité le" in p.text("#table-quarantaine tbody")
        n = p.eval("Array.from(document.querySelectorAll('#vue-retours"
                   " button, #vue-retours input[type=file]')).filter(e =>"
                   " e.offsetParent !== null).length")
        assert n == 0, "%d controls shown to a viewer" % n
        shot(p, "27-retours-consultation")
        before = c.sql("SELECT count(*) FROM imported_files")
        status = p.eval(
            "fetch('/api/session').then(r => r.json()).then(s =>"
            " fetch('/api/returns/upload', {method: 'POST', headers:"
            " {'X-CSRF-Token': s.csrf, 'X-File-Name': 'x.xml'},"
            " body: '<Document/>'})).then(r => r.status)")
        assert status == 403, status
        assert c.sql("SELECT count(*) FROM imported_files") == before

    return (("the dashboard follows sepactl", dashboard_follows),
            ("upload a rejects file", upload_rejects),
            ("a file that is no bank file refused", refuse_garbage),
            ("apply a quarantined record", apply_quarantined),
            ("a bad IBAN refused", bad_iban),
            ("change an account, its month read first", change_account),
            ("hostile names shown as text", hostile_names),
            ("a letter's end read first, then recorded", terminate_by_letter),
            ("terminate a mandate, its end read first", terminate),
            ("a viewer reads only", viewer_reads_only))

if __name__ == "__main__":
    sys.exit(main())
