"""One checker for every page a web test reads.

Every HTML response the Flask test client returns is parsed strictly (html5lib: any parse
error fails the test) and must have a title, no duplicate ids, a CSRF token in every POST
form when the app checks CSRF, and this response's CSP nonce on every script. The parsed
page is on `response.page`. `PageRequests` (the `client_request` fixture) adds the status or
redirect check, in the spirit of notifications-admin's fixture of that name.
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from urllib.parse import urlsplit

import html5lib
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

_NONCE = re.compile(r"script-src [^;]*'nonce-([^']+)'")


def parse_page(html: str, allowed: frozenset[str] = frozenset()) -> BeautifulSoup:
    """Parse a page, failing on any HTML parse error html5lib reports (but the codes allowed)."""
    parser = html5lib.HTMLParser()
    parser.parse(html)
    errors = [f"line {line}, column {col}: {code} {data or ''}" for (line, col), code, data in parser.errors
              if code not in allowed]
    assert not errors, "the page does not parse cleanly:\n" + "\n".join(errors)
    return BeautifulSoup(html, "html5lib")


def check_page(html: str, headers, csrf_enabled: bool,
               allowed: frozenset[str] = frozenset()) -> BeautifulSoup:
    """Check one HTML page strictly and return it parsed."""
    page = parse_page(html, allowed)
    title = page.title.get_text(strip=True) if page.title else ""
    assert title, "the page has no <title>"
    ids = Counter(tag["id"] for tag in page.find_all(id=True))
    repeated = [name for name, count in ids.items() if count > 1]
    assert not repeated, f"duplicate ids: {repeated}"
    if csrf_enabled:
        for form in page.find_all("form"):
            if form.get("method", "get").lower() == "post":
                token = form.find("input", attrs={"type": "hidden", "name": "csrf_token"})
                assert token and token.get("value"), f"a POST form has no CSRF token: {form.get('action')}"
    scripts = page.find_all("script")
    if scripts:
        found = _NONCE.search(headers.get("Content-Security-Policy", ""))
        assert found, "the page has scripts but its Content-Security-Policy gives no script nonce"
        wrong = [str(s)[:120] for s in scripts if s.get("nonce") != found.group(1)]
        assert not wrong, f"scripts without this response's nonce: {wrong}"
    return page


def text_of(tag) -> str:
    """A tag's text with its whitespace collapsed, as a reader sees it."""
    return " ".join(tag.get_text(" ").split())


class CheckedClient(FlaskClient):
    """The Flask test client with every HTML page it receives checked and parsed."""

    # Parse error codes a test accepts on this client's pages (see test_hostile_input).
    allowed_parse_errors: frozenset[str] = frozenset()

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        response.page = None
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            response.page = check_page(response.get_data(as_text=True), response.headers,
                                       self.application.config.get("WTF_CSRF_ENABLED", True),
                                       self.allowed_parse_errors)
        return response


class PageRequests:
    """GET or POST through a test client, check the status or redirect, return the parsed page."""

    def __init__(self, client):
        self.client = client
        self.response = None

    def _send(self, method, path, expected_status, expected_redirect, **kwargs):
        self.response = getattr(self.client, method)(path, **kwargs)
        if expected_redirect is not None:
            expected_status = 302 if expected_status == 200 else expected_status
        assert self.response.status_code == expected_status, (
            f"{method.upper()} {path}: {self.response.status_code}, expected {expected_status}",
            self.response.get_data(as_text=True)[:2000])
        if expected_redirect is not None:
            location = self.response.headers["Location"]
            assert redirect_path(location) == expected_redirect, (location, expected_redirect)
            return location
        assert self.response.page is not None, f"{path} is not an HTML page"
        return self.response.page

    def get(self, path, _expected_status=200, _expected_redirect=None, **kwargs):
        """GET a page: the parsed page, or the redirect's location when one is expected."""
        return self._send("get", path, _expected_status, _expected_redirect, **kwargs)

    def post(self, path, _expected_status=200, _expected_redirect=None, **kwargs):
        """POST to a page: the parsed page, or the redirect's location when one is expected."""
        return self._send("post", path, _expected_status, _expected_redirect, **kwargs)


def redirect_path(location: str) -> str:
    """The path and query of a redirect's Location, without scheme and host."""
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_of(thing) -> BeautifulSoup:
    """The parsed page of a checked response, of a page's HTML, or the page itself."""
    if isinstance(thing, BeautifulSoup):
        return thing
    page = parse_page(thing) if isinstance(thing, str) else thing.page
    assert isinstance(page, BeautifulSoup), f"not a checked HTML page: {thing!r}"
    return page


def main_text(thing) -> str:
    """The words from the main content to the end of the page, as a reader sees them."""
    page = page_of(thing)
    main = page.find(id="main-content") or page.body
    return " ".join(" ".join(main.find_all_next(string=True)).split())


def error_messages(thing) -> list[str]:
    """The messages shown beside fields, without the hidden "Error:" prefix."""
    return [text_of(tag).replace("Error:", "").strip()
            for tag in page_of(thing).find_all("p", class_="govuk-error-message")]


def error_summary(thing) -> list[str]:
    """The error summary's messages, in order."""
    summary = page_of(thing).select_one(".govuk-error-summary__list")
    assert summary is not None, "the page has no error summary"
    return [text_of(item) for item in summary.find_all("li")]


def first_strong(thing) -> str:
    """The first bold text on the page: the reference on a confirmation page."""
    return text_of(page_of(thing).find("strong"))


def assert_answer_refused(response, message: str, kept: str | None = None) -> BeautifulSoup:
    """A refused answer: an "Error:" title, the message in the summary and beside its field,
    the summary linking to a field on the page, and what was typed kept."""
    assert response.status_code == 200
    page = page_of(response)
    assert page.title.get_text().strip().startswith("Error: ")
    summary = page.select_one(".govuk-error-summary__list")
    assert summary is not None and message in text_of(summary)
    assert any(message in shown for shown in error_messages(page))
    if kept:
        assert kept in unescape(response.get_data(as_text=True))
    href = summary.find("a", href=True)["href"]
    assert href.startswith("#") and page.find(id=href[1:]) is not None, href
    return page


def csrf_token_of(thing) -> str:
    """The CSRF token the page's first form carries."""
    return page_of(thing).find("input", attrs={"name": "csrf_token", "type": "hidden"})["value"]


def inline_scripts(thing) -> list:
    """The page's <script> elements written into the page (no src)."""
    return [script for script in page_of(thing).find_all("script") if not script.has_attr("src")]
