"""The production configuration as create_app("production") builds it: debug off, Secure cookies."""

from __future__ import annotations

import pyotp
import pytest

from portal import create_app
from testkit.factories import PASSWORD, make_user
from tests.conftest import empty_database
from tests.pages import csrf_token_of

HTTPS = "https://help.lancashire.example"


@pytest.fixture
def production_app(database_url, monkeypatch):
    # A debug flag left in the environment (FLASK_DEBUG) must not turn debug on in production.
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app("production", SECRET_KEY="a production secret of a decent length",
                     DATABASE_URL=database_url, RATELIMIT_STORAGE_URI="memory://",
                     PUBLIC_BASE_URL=HTTPS)
    yield app
    empty_database(app.extensions["db_engine"])
    app.extensions["db_engine"].dispose()


def _csrf(page: str) -> str:
    return csrf_token_of(page)


def _set_cookie(response, name: str) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}="))


def test_production_runs_with_debug_off_and_shows_no_internals(production_app):
    assert production_app.debug is False and production_app.config["DEBUG"] is False

    def broken():
        raise RuntimeError("internal detail that must stay on the server")

    production_app.add_url_rule("/broken-for-the-test", "broken", broken)
    response = production_app.test_client().get("/broken-for-the-test", base_url=HTTPS)
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "internal detail" not in body and "Traceback" not in body and "Werkzeug" not in body


def test_production_cookies_are_secure_through_a_whole_sign_in(production_app):
    session = production_app.extensions["db_sessionmaker"]()
    user = make_user(session)
    session.close()
    client = production_app.test_client()
    page = client.get("/console/sign-in", base_url=HTTPS)
    public = _set_cookie(page, "eh_session")
    assert "; Secure" in public and "HttpOnly" in public
    response = client.post("/console/sign-in", base_url=HTTPS, data={
        "csrf_token": _csrf(page.get_data(as_text=True)), "email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "; Secure" in _set_cookie(response, "eh_staff")
    code_page = client.get("/console/sign-in/code", base_url=HTTPS).get_data(as_text=True)
    response = client.post("/console/sign-in/code", base_url=HTTPS, data={
        "csrf_token": _csrf(code_page), "code": pyotp.TOTP(user.totp_secret).now()})
    assert response.location.endswith("/console/")
    staff_cookie = _set_cookie(response, "eh_staff")
    assert "; Secure" in staff_cookie and "HttpOnly" in staff_cookie and "SameSite=Strict" in staff_cookie
    assert client.get("/console/", base_url=HTTPS).status_code == 200
