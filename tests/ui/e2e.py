#!/usr/bin/env python3
"""e2e.py - the web console in a real browser: Debian's chromium headless
driven over the DevTools protocol (cdp.py) through a month of a small
generated commune, on a database of its own beside tests/with-pg.sh's
cluster, served by build/sepad on 127.0.0.1 and a free port.

    sh tests/with-pg.sh python3 tests/ui/e2e.py

Each page is saved as build/ui/NN-name.png. Prints "ui: N passed, N
failed" (and adds it to SEPAD_TEST_TALLY); exits 1 when a check failed.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser, CdpError, find_chromium  # noqa: E402

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SEPACTL = os.path.join(TOP, "build", "sepactl")
SEPAD = os.path.join(TOP, "build", "sepad")
GEN = os.path.join(TOP, "build", "gen-commune")
SHOTS = os.path.join(TOP, "build", "ui")
HOSTILE = os.path.join(TOP, "tests", "data", "web", "families_hostile.csv")
FINANCE = ("anne", "mot de passe de test 1")
VIEWER = ("paul", "mot de passe de test 2")

results = []


def check(name, fn):
    try:
        fn()
        results.append((name, None))
        print("  ok    %s" % name)
    except Exception as e:  # a failed check, whatever raised it
        results.append((name, e))
        print("  FAIL  %s: %s" % (name, e))
        traceback.print_exc(limit=3)


def run(*args, stdin=None, env=None):
    p = subprocess.run(args, input=stdin, capture_output=True, text=True,
                       env=env)
    if p.returncode != 0:
        raise RuntimeError("%s: %s%s" % (" ".join(args), p.stdout, p.stderr))
    return p.stdout


class Commune:
    """A database, a configuration, a month billed and collected (by the
    cycle on each of `cycles`; none: left to the console)."""

    def __init__(self, cycles=("2026-10-01", "2026-10-06"), conf=""):
        base = os.environ.get("SEPAD_TEST_CONNINFO")
        if not base:
            raise SystemExit("e2e: run it through tests/with-pg.sh")
        self.dir = tempfile.mkdtemp(prefix="ui-", dir=os.path.join(TOP, "build"))
        self.db = "ui_%d" % os.getpid()
        run("psql", base, "-qc", "CREATE DATABASE %s TEMPLATE sepad" % self.db)
        self.base = base
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.conf = os.path.join(self.dir, "sepad.conf")
        with open(self.conf, "w") as f:
            f.write('database: { conninfo = "%s dbname=%s"; };\n'
                    % (base.replace('"', '\\"'), self.db))
            f.write('creditor: { name = "Commune de Saint-Exemple";'
                    ' ics = "FR72ZZZ123456";'
                    ' iban = "FR7630006000011234567890189";'
                    ' bic = "BDFEFRPPCCT"; address: { street = "Place de la'
                    ' Mairie"; building = "1"; postcode = "99999";'
                    ' town = "Saint-Exemple"; country = "FR"; }; };\n')
            f.write('directories: { inbox = "%s/inbox"; outbox = "%s/outbox";'
                    ' archive = "%s/archive"; rejected = "%s/rejected"; };\n'
                    % ((self.dir,) * 4))
            f.write("web: { port = %d; };\n" % self.port)
            f.write(conf)
        self.ctl("init")
        gen = os.path.join(self.dir, "gen")
        run(GEN, "--families", "40", "--month", "2026-09", "--out", gen,
            "--seed", "2026")
        for kind in ("families", "tariffs", "mandates", "consumption"):
            self.ctl("--today", "2026-10-01", "import", kind,
                     os.path.join(gen, kind + ".csv"))
        self.ctl("--today", "2026-10-01", "import", "families", HOSTILE)
        for day in cycles:
            self.ctl("--today", day, "cycle")
        for (name, pw), role in ((FINANCE, "finance"), (VIEWER, "viewer")):
            self.ctl("user", "add", name, "--role", role, stdin=pw + "\n")
        self.proc = None

    def ctl(self, *args, stdin=None):
        return run(SEPACTL, "-c", self.conf, *args, stdin=stdin)

    def start(self, today="2026-10-06"):
        # in French, as its unit and make demo run it: the API's labels
        env = dict(os.environ, SEPAD_TODAY=today, LANG="fr_FR.UTF-8")
        env.pop("NOTIFY_SOCKET", None)
        self.log = open(os.path.join(self.dir, "sepad.log"), "w")
        self.proc = subprocess.Popen([SEPAD, "-d", "-c", self.conf],
                                     stdout=self.log, stderr=self.log, env=env)
        for _ in range(300):
            if self.proc.poll() is not None:
                raise RuntimeError("sepad exited: see %s" % self.log.name)
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the console does not answer")

    def stop(self):
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
            self.log.close()
        subprocess.run(["psql", self.base, "-qc",
                        "DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.db],
                       capture_output=True)
        subprocess.run(["rm", "-rf", self.dir])

    def sql(self, query):
        return run("psql", "%s dbname=%s" % (self.base, self.db), "-Atc",
                   query).strip()


def shot(page, name):
    page.screenshot(os.path.join(SHOTS, name + ".png"))


def visible(view):
    return "!document.getElementById('vue-%s').hidden" % view


def login(page, c, user, password):
    page.goto(c.url + "/")
    page.wait(visible("connexion"))
    page.type("#champ-utilisateur", user)
    page.type("#champ-mdp", password)
    page.click("#form-connexion button")


def main():
    if find_chromium() is None:
        print("ui: skipped: chromium is not installed (make deps installs it)")
        return 0
    os.makedirs(SHOTS, exist_ok=True)
    c = Commune()
    return run_checks(c, lambda p: checks(p, c))


def checks(p, c):
    """The checks of the pages, in order, on page p of commune c."""

    def wrong_password():
        login(p, c, FINANCE[0], "pas le bon mot de passe")
        p.wait("!document.getElementById('message').hidden")
        msg = p.text("#message")
        assert "Identifiant ou mot de passe incorrect" in msg, msg
        assert p.eval(visible("connexion"))
        shot(p, "01-connexion-refusee")

    def dashboard():
        login(p, c, *FINANCE)
        p.wait(visible("tableau") + " && document.querySelector('#table-bilan tbody tr')")
        body = p.text("#vue-tableau")
        assert "septembre 2026" in body, body[:300]
        assert "Prochaines étapes" in body
        # the steps' names from the server's catalogue
        assert "Facturation et avis d'échéance" in body, body[:600]
        # 1 234,56 € as the French write it (no-break spaces)
        amounts = p.text("#table-bilan tbody")
        assert re.search("[0-9],[0-9]{2}[\u00a0\u202f]€", amounts), amounts
        assert re.search("[0-9][\u00a0\u202f][0-9]{3},", amounts), amounts
        shot(p, "02-tableau-de-bord")

    def acknowledge():
        n = int(p.text("#nb-attention") or "0")
        assert n > 0, "nothing needs attention in the generated month"
        kinds = p.text("#liste-natures")
        assert "invoice." not in kinds and "consumption." not in kinds, kinds
        p.type("#note-attention", "vu par le test de la console")
        p.click("#table-attention tbody tr .boutons button")
        p.wait("document.getElementById('message').textContent.includes('acquitté')")
        assert int(p.text("#nb-attention") or "0") == n - 1
        actor = c.sql("SELECT actor FROM event_acks")
        assert actor == FINANCE[0], actor

    def search_hostile():
        p.click("#menu a[data-vue=familles]")
        p.wait(visible("familles"))
        p.type("#champ-recherche", "script")
        p.key_enter()
        p.wait("document.querySelector('#table-familles tbody tr')")
        cell = p.text("#table-familles tbody tr td:nth-child(2)")
        assert cell == "<script>alert(1)</script>", cell
        assert p.eval("document.querySelectorAll('main script').length") == 0
        assert not p.dialogs, p.dialogs
        shot(p, "03-familles-recherche")

    def ledger():
        p.click("#table-familles tbody tr a")
        p.wait(visible("famille") + " && document.getElementById('famille-titre').textContent")
        title = p.text("#famille-titre")
        assert title.startswith("<script>alert(1)</script>"), title
        assert not p.dialogs, p.dialogs
        shot(p, "04-famille-hostile")

    def ledger_with_invoices():
        ref = c.sql("SELECT f.family_ref FROM families f JOIN invoices i"
                    " ON i.family_id = f.id ORDER BY f.family_ref LIMIT 1")
        p.click("#menu a[data-vue=familles]")
        p.wait(visible("familles"))
        p.type("#champ-recherche", ref)
        p.key_enter()
        p.wait("(document.querySelector('#table-familles tbody tr a') || {})"
               ".textContent === %s" % json.dumps(ref))
        p.click("#table-familles tbody tr a")
        p.wait("document.querySelector('#table-factures tbody tr')")
        rows = p.eval("document.querySelectorAll('#table-factures tbody tr').length")
        assert rows >= 1
        assert "septembre 2026" in p.text("#table-factures tbody")
        assert "FR76" in p.text("#table-mandats tbody") or \
            p.eval("document.getElementById('table-mandats').hidden")
        assert "*" in p.text("#table-mandats tbody") or \
            p.eval("document.getElementById('table-mandats').hidden")
        shot(p, "05-famille-compte")

    def logout():
        p.click("#deconnexion")
        p.wait(visible("connexion"))
        assert "déconnecté" in p.text("#message")
        status = p.eval("fetch('/api/session').then(r => r.status)")
        assert status == 401, status

    def viewer_reads_only():
        login(p, c, *VIEWER)
        p.wait(visible("tableau") + " && document.querySelector('#table-attention tbody tr')")
        n = p.eval("document.querySelectorAll('#vue-tableau button').length")
        assert n == 0, "%d buttons shown to a viewer" % n
        shot(p, "06-tableau-consultation")
        # the server refuses anyway, with or without the token
        status = p.eval(
            "fetch('/api/session').then(r => r.json()).then(s =>"
            " fetch('/api/attention/ack', {method: 'POST', headers:"
            " {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf},"
            " body: JSON.stringify({all: true, note: 'x'})}))"
            ".then(r => r.status)")
        assert status == 403, status
        status = p.eval(
            "fetch('/api/logout', {method: 'POST', headers:"
            " {'Content-Type': 'application/json'}, body: '{}'})"
            ".then(r => r.status)")
        assert status == 403, "logout without CSRF token: %s" % status

    return (("wrong password refused", wrong_password),
            ("log in, dashboard", dashboard),
            ("acknowledge one event", acknowledge),
            ("search a hostile name", search_hostile),
            ("its ledger, as text", ledger),
            ("a ledger with invoices", ledger_with_invoices),
            ("log out", logout),
            ("a viewer reads only", viewer_reads_only))


def run_checks(c, checks, today="2026-10-06", height=900):
    """Start c's daemon on business date `today` and a browser page p
    (1366 x height), run each (name, fn) of checks(p), then close and
    stop everything: finish()'s status."""
    browser = None
    try:
        c.start(today=today)
        browser = Browser()
        for name, fn in checks(browser.page(1366, height)):
            check(name, fn)
    except (CdpError, RuntimeError, OSError) as e:
        results.append(("set-up", e))
        print("  FAIL  set-up: %s" % e)
    finally:
        if browser is not None:
            browser.close()
        c.stop()
    return finish()


def finish():
    """Print and tally the checks' results: the exit status."""
    failed = sum(1 for _, e in results if e is not None)
    passed = len(results) - failed
    print("ui: %d passed, %d failed" % (passed, failed))
    tally = os.environ.get("SEPAD_TEST_TALLY")
    if tally:
        with open(tally, "a") as f:
            f.write("%d %d\n" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
