"""Browser fixtures: the app served over HTTP in a thread, Debian's Chromium through Playwright.

A missing Chromium fails these tests; it is never a silent skip.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.conftest import free_port

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]
# The two known GOV.UK Frontend findings: radios with a conditional reveal, and the exit
# component's hidden skip link outside a landmark. Nothing else is allowed.
ALLOWED_AXE_RULES = {"aria-allowed-attr", "region"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

pytestmark = pytest.mark.browser


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.port = free_port()
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def serve():
    """serve(app) -> base URL of that app served over HTTP until the test ends."""
    servers = []

    def start(app) -> str:
        server = LiveServer(app).__enter__()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.__exit__()


@pytest.fixture
def live_app(make_app):
    """An app with CSRF on, as a real user meets it."""
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def base_url(serve, live_app):
    return serve(live_app)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
                    "(make test does this)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, javascript: bool):
    context = browser.new_context(java_script_enabled=javascript, locale="en-GB")
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def page(request, browser):
    """A page with JavaScript on, then again with it off."""
    context, page = _page(browser, request.param)
    page.javascript = request.param
    yield page
    context.close()


@pytest.fixture
def js_page(browser):
    context, page = _page(browser, True)
    page.javascript = True
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser):
    context, page = _page(browser, False)
    page.javascript = False
    yield page
    context.close()


_axe = Axe()


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page beyond the two known GOV.UK exceptions."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                      "resultTypes": ["violations"]})
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results.response["violations"]
        if v["id"] not in ALLOWED_AXE_RULES
    ]


@pytest.fixture
def axe_check():
    """axe_check(page): fail with axe-core's findings if the page has any."""
    def check(page):
        page.wait_for_load_state()  # a click that navigates returns before the new page has loaded
        found = axe_violations(page)
        assert not found, f"{page.url}: {found}"
    return check
