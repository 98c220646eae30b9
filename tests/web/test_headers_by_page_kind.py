"""The strict headers hold on each kind of page: public, a form, and the staff console signed in."""

from __future__ import annotations

import re

import pytest

from testkit.factories import make_user, sign_in_as
from tests.pages import inline_scripts


def assert_strict(response) -> None:
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", csp).group(1)
    assert all(script.get("nonce") == nonce for script in inline_scripts(response))
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    assert headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/request-support/who", "/console/sign-in"])
def test_public_page_form_page_and_console_sign_in_carry_strict_headers(make_app, path):
    client = make_app(FORCE_HTTPS=True).test_client()
    response = client.get(path, base_url="https://localhost")
    assert response.status_code == 200
    assert_strict(response)


def test_a_signed_in_console_page_carries_strict_headers_and_is_never_cached(make_app, db_session):
    client = make_app(FORCE_HTTPS=True).test_client()
    sign_in_as(client, db_session, make_user(db_session))
    response = client.get("/console/", base_url="https://localhost")
    assert response.status_code == 200
    assert "Sign out" in response.get_data(as_text=True)
    assert_strict(response)
