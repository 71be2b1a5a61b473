"""A live server and Debian's Chromium driven by Playwright, for tests in a real browser."""

from __future__ import annotations

import shutil
import threading

from werkzeug.serving import make_server

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class LiveServer:
    """The app on 127.0.0.1 and a free port. `app=None`: the port is known first (an OpenID
    provider needs it for its redirect URI), the app comes later with `serve(app)`."""

    def __init__(self, app=None):
        self.app = app
        self.server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # The same server as http://localhost:<port>: a secure context (WebAuthn needs one).
        self.localhost_url = f"http://localhost:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _wsgi(self, environ, start_response):
        return self.app(environ, start_response)

    def serve(self, app):
        self.app = app
        return self

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)


def launch_chromium(playwright):
    executable = shutil.which("chromium")
    if executable is None:
        raise RuntimeError("Debian's chromium is not installed: `make test` installs it.")
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def open_html(page, url: str) -> bool:
    """Open `url` in `page`; False when it is not a page for people: a file download (a browser
    does not render it) or an answer other than HTML."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return False
        raise
    return "text/html" in (response.headers.get("content-type") or "")
