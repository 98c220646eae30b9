"""Strict headers on every response; no caching of pages that carry answers."""

import re

import pytest

from tests.pages import inline_scripts


@pytest.mark.parametrize("path", ["/", "/request-support/who", "/staying-safe-online", "/no-such-page"])
def test_strict_headers(client, path):
    response = client.get(path)
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", csp).group(1)
    # The only inline script (GOV.UK's js-enabled class) carries this response's nonce.
    inline = inline_scripts(response)
    assert inline and all(script.get("nonce") == nonce for script in inline)
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cache-Control"] == "no-store"


def test_hsts_and_secure_cookies_in_production_settings(make_app):
    app = make_app(FORCE_HTTPS=True, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    response = client.get("/", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert client.get("/", base_url="http://localhost").status_code in (301, 302)


def test_static_files_may_be_cached(client):
    response = client.get("/static/js/init.js")
    assert response.status_code == 200 and response.headers.get("Cache-Control") != "no-store"


@pytest.mark.parametrize(("path", "says"), [
    ("/privacy", "72 months after they are closed"),
    ("/cookies", "eh_session"),
    ("/accessibility", "version 2.2 AA"),
])
def test_information_pages_are_linked_from_every_footer(client, path, says):
    assert says in client.get(path).get_data(as_text=True)
    footer = client.get("/request-support/who").page.find("footer")
    assert footer.find("a", href=path) is not None
