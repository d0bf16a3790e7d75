"""A headless Chromium driven through the DevTools protocol, with nothing but the standard library.

Chromium is started with --remote-debugging-pipe: it reads protocol messages from its file
descriptor 3 and writes them to 4, each a JSON text ended by a NUL byte, so no WebSocket client
and no driver binary are needed. The browser is Debian's `chromium` (tools/deps --test); nothing
is downloaded. Each Browser has a profile in a new temporary folder and is killed on close.
"""

import base64
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

COMMAND_TIMEOUT = 30  # seconds for one protocol command
WAIT_TIMEOUT = 20  # seconds for a condition on the page

# The flags that work on the CI machines: no sandbox (root in a container), no GPU, and nothing
# that would reach the network on its own.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
         "--no-default-browser-check", "--disable-dev-shm-usage", "--remote-debugging-pipe"]


def chromium_path():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class BrowserError(AssertionError):
    pass


class Browser:
    def __init__(self, width=1280, height=900):
        path = chromium_path()
        if not path:
            raise BrowserError("no chromium on PATH (tools/deps --test installs Debian's)")
        self._profile = tempfile.mkdtemp(prefix="localorgs-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def fds():
            # Duplicated first, so that placing them at 3 and 4 cannot overwrite one another.
            a, b = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self._stderr = open(os.path.join(self._profile, "stderr.log"), "wb")
        self.proc = subprocess.Popen(
            [path, *FLAGS, f"--user-data-dir={self._profile}", f"--window-size={width},{height}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=fds, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self._stderr, start_new_session=True)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._lock = threading.Lock()
        self._replies = {}
        self._events = []
        self._changed = threading.Condition()
        self._closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.send("Browser.getVersion")

    # --- protocol --------------------------------------------------------------------------------

    def _read(self):
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._changed:
                    self._closed = True
                    self._changed.notify_all()
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                with self._changed:
                    if "id" in message:
                        self._replies[message["id"]] = message
                    else:
                        self._events.append(message)
                    self._changed.notify_all()

    def send(self, method, params=None, session=None, timeout=COMMAND_TIMEOUT):
        with self._lock:
            self._next_id += 1
            ident = self._next_id
        message = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_browser, data):]
        deadline = time.monotonic() + timeout
        with self._changed:
            while ident not in self._replies:
                left = deadline - time.monotonic()
                if self._closed or left <= 0:
                    raise BrowserError(f"no answer to {method} within {timeout} s (browser closed: {self._closed}); "
                                       f"stderr: {self.stderr()[-2000:]}")
                self._changed.wait(left)
            reply = self._replies.pop(ident)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def events(self, method=None, session=None):
        with self._changed:
            return [e for e in self._events if (method is None or e["method"] == method)
                    and (session is None or e.get("sessionId") == session)]

    def stderr(self):
        try:
            with open(os.path.join(self._profile, "stderr.log"), encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def new_page(self, width=1280, height=900, mobile=False):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Page(self, session, target, width, height, mobile)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.send("Browser.close", timeout=5)
            except BrowserError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(5)
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        self._stderr.close()
        shutil.rmtree(self._profile, ignore_errors=True)


class Page:
    def __init__(self, browser, session, target, width, height, mobile):
        self.browser, self.session, self.target = browser, session, target
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")
        self.viewport(width, height, mobile)
        # Any alert() would mean a value ran as code: recorded instead of blocking the page.
        self.send("Page.addScriptToEvaluateOnNewDocument", {"source": (
            "window.__alerts = [];"
            "window.alert = (m) => window.__alerts.push(String(m));"
            "window.confirm = (m) => { window.__alerts.push('confirm: ' + m); return true; };")})

    def send(self, method, params=None, timeout=COMMAND_TIMEOUT):
        return self.browser.send(method, params, session=self.session, timeout=timeout)

    def viewport(self, width, height, mobile=False):
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def navigate(self, url):
        result = self.send("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise BrowserError(f"navigating to {url}: {result['errorText']}")
        self.wait_for("document.readyState === 'complete'")

    def evaluate(self, expression, await_promise=True):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": await_promise})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(f"evaluating {expression[:200]!r}: "
                               f"{details.get('exception', {}).get('description') or details.get('text')}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout=WAIT_TIMEOUT, what=None):
        """Polls `expression` until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(f"(() => {{ try {{ return {expression}; }} catch (e) {{ return null; }} }})()")
            except BrowserError:
                value = None  # a navigation replaced the page while it was asked
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out after {timeout} s waiting for {what or expression}; page text: "
                                   f"{(self.text('body') or '')[:1500]!r}")
            time.sleep(0.05)

    def wait_ready(self, page, timeout=WAIT_TIMEOUT):
        """Waits until the console shows `page` with its data loaded."""
        return self.wait_for(f"document.querySelector('main[data-page=\"{page}\"][data-state=\"ready\"]') !== null",
                             timeout, what=f"the {page} page to be ready")

    def text(self, selector):
        return self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); "
                             f"return e ? e.innerText : null; }})()")

    def texts(self, selector):
        return self.evaluate(f"Array.from(document.querySelectorAll({json.dumps(selector)}), e => e.innerText)")

    def count(self, selector):
        return self.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length")

    def click(self, selector):
        found = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); "
                              f"if (!e) return false; e.click(); return true; }})()")
        if not found:
            raise BrowserError(f"nothing to click at {selector}")

    def click_text(self, selector, text):
        """Clicks the first element matching `selector` whose text is `text`."""
        found = self.evaluate(
            f"(() => {{ const e = Array.from(document.querySelectorAll({json.dumps(selector)}))"
            f".find(x => x.innerText.trim() === {json.dumps(text)}); if (!e) return false; e.click(); return true; }})()")
        if not found:
            raise BrowserError(f"no {selector} reads {text!r}")

    def focus(self, selector):
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")

    def type(self, text):
        self.send("Input.insertText", {"text": text})

    def key(self, key, code=None, text=None):
        """Presses and releases one key (e.g. "Tab", "Enter", "/")."""
        codes = {"Tab": 9, "Enter": 13, "Escape": 27, "/": 191, " ": 32}
        base = {"key": key, "code": code or key, "windowsVirtualKeyCode": codes.get(key, 0)}
        if key == "Enter" and text is None:
            text = "\r"  # what makes Enter submit a form
        self.send("Input.dispatchKeyEvent", {"type": "keyDown", **base, **({"text": text} if text else {})})
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", **base})

    def screenshot(self, path, full_page=True):
        params = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
        data = self.send("Page.captureScreenshot", params)["data"]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return path

    def errors(self):
        """Script errors and console errors of this page so far (not the browser's notes about
        answers with an error status: the console gets those on purpose, e.g. a 401 before the
        token or a refused value)."""
        out = [e["params"]["exceptionDetails"].get("exception", {}).get("description")
               or e["params"]["exceptionDetails"].get("text")
               for e in self.browser.events("Runtime.exceptionThrown", self.session)]
        out += [e["params"]["entry"]["text"] for e in self.browser.events("Log.entryAdded", self.session)
                if e["params"]["entry"]["level"] == "error" and e["params"]["entry"].get("source") != "network"]
        out += [" ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"])
                for e in self.browser.events("Runtime.consoleAPICalled", self.session)
                if e["params"]["type"] == "error"]
        return out

    def requested_urls(self):
        return [e["params"]["request"]["url"] for e in self.browser.events("Network.requestWillBeSent", self.session)]
