"""cdp.py - drive Debian's chromium headless over the DevTools protocol
through --remote-debugging-pipe (file descriptors 3 and 4, messages ended
by a NUL byte): no websocket, no npm, only the standard library.

    b = Browser(); p = b.page(1366, 900)
    p.goto(url); p.type("#champ", "texte"); p.click("button")
    p.wait("document.title !== ''"); p.screenshot("build/ui/x.png")
"""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class CdpError(Exception):
    pass


class Browser:
    def __init__(self, timeout=30):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="sepad-ui-")
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # Above 10, so that moving them to 3 and 4 cannot clobber them.
        hi_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
        hi_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
        os.close(to_chrome_r)
        os.close(from_chrome_w)

        def child_fds():
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)

        args = [find_chromium(), "--headless=new", "--no-sandbox",
                "--disable-gpu", "--remote-debugging-pipe",
                "--user-data-dir=" + self.profile, "--no-first-run",
                "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-sync",
                "--lang=fr-FR", "--hide-scrollbars", "about:blank"]
        # French, as the office's browser (chromium on Linux takes its
        # language from LANGUAGE, with chromium-l10n's fr.pak): the
        # native controls (dates JJ/MM/AAAA, file chooser) as users see them
        env = dict(os.environ, LANGUAGE="fr", LANG="fr_FR.UTF-8")
        self.proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=child_fds,
            close_fds=False, env=env)
        os.close(hi_r)
        os.close(hi_w)
        self.wfd = to_chrome_w
        self.rfd = from_chrome_r
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self.wfd, data)
            data = data[n:]
        want = self.next_id
        deadline = time.time() + self.timeout
        while True:
            for m in self._read(deadline):
                if m.get("id") == want:
                    if "error" in m:
                        raise CdpError("%s: %s" % (method, m["error"]))
                    return m.get("result", {})
                if "method" in m:
                    self.events.append(m)

    def _read(self, deadline):
        left = deadline - time.time()
        if left <= 0:
            raise CdpError("chromium did not answer in time")
        ready, _, _ = select.select([self.rfd], [], [], left)
        if not ready:
            raise CdpError("chromium did not answer in time")
        chunk = os.read(self.rfd, 1 << 20)
        if not chunk:
            raise CdpError("chromium closed the pipe")
        self.buf += chunk
        out = []
        while b"\0" in self.buf:
            raw, self.buf = self.buf.split(b"\0", 1)
            out.append(json.loads(raw))
        return out

    def page(self, width, height):
        target = self.send("Target.createTarget", {"url": "about:blank"})
        sess = self.send("Target.attachToTarget",
                         {"targetId": target["targetId"], "flatten": True})
        return Page(self, sess["sessionId"], width, height)

    def close(self):
        try:
            self.send("Browser.close")
        except (CdpError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.wfd)
        os.close(self.rfd)
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    def __init__(self, browser, session, width, height):
        self.b = browser
        self.s = session
        self.dialogs = []
        self.cmd("Page.enable")
        self.cmd("Runtime.enable")
        self.cmd("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1,
                  "mobile": False})

    def cmd(self, method, params=None):
        res = self.b.send(method, params, self.s)
        self._collect()
        return res

    def _collect(self):
        keep = []
        for ev in self.b.events:
            if ev.get("method") == "Page.javascriptDialogOpening":
                self.dialogs.append(ev["params"].get("message"))
                self.b.send("Page.handleJavaScriptDialog",
                            {"accept": True}, self.s)
            else:
                keep.append(ev)
        self.b.events = keep[-200:]

    def eval(self, expr):
        res = self.cmd("Runtime.evaluate",
                       {"expression": expr, "awaitPromise": True,
                        "returnByValue": True})
        if "exceptionDetails" in res:
            raise CdpError("%s: %s" % (expr, res["exceptionDetails"]))
        return res["result"].get("value")

    def goto(self, url):
        self.cmd("Page.navigate", {"url": url})
        self.wait("document.readyState === 'complete'")

    def wait(self, cond, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.eval("Boolean(%s)" % cond):
                return
            time.sleep(0.1)
        raise CdpError("timed out waiting for " + cond)

    def center(self, selector):
        r = self.eval(
            "(() => { const e = document.querySelector(%s);"
            " if (!e) return null; e.scrollIntoView({block: 'center'});"
            " const r = e.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
            % json.dumps(selector))
        if r is None:
            raise CdpError("no element " + selector)
        return r

    def click(self, selector):
        x, y = self.center(selector)
        for kind in ("mousePressed", "mouseReleased"):
            self.cmd("Input.dispatchMouseEvent",
                     {"type": kind, "x": x, "y": y, "button": "left",
                      "clickCount": 1})

    def type(self, selector, text):
        self.click(selector)
        self.eval("document.querySelector(%s).select && "
                  "document.querySelector(%s).select()"
                  % (json.dumps(selector), json.dumps(selector)))
        self.cmd("Input.insertText", {"text": text})

    def key_enter(self):
        for kind in ("keyDown", "keyUp"):
            self.cmd("Input.dispatchKeyEvent",
                     {"type": kind, "key": "Enter", "code": "Enter",
                      "windowsVirtualKeyCode": 13, "text": "\r"})

    def text(self, selector):
        return self.eval("(document.querySelector(%s) || {}).textContent"
                         % json.dumps(selector))

    def screenshot(self, path):
        m = self.cmd("Page.getLayoutMetrics")
        size = m.get("cssContentSize") or m["contentSize"]
        shot = self.cmd("Page.captureScreenshot",
                        {"format": "png", "captureBeyondViewport": True,
                         "clip": {"x": 0, "y": 0, "width": size["width"],
                                  "height": size["height"], "scale": 1}})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
