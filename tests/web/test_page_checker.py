"""The page checker every web test goes through refuses each fault it is there to catch."""

from __future__ import annotations

import re

import pytest

from talkzone.access import ADMINISTRATOR, HELPLINE_ADVISER
from testkit.factories import make_item, make_user, sign_in_as
from tests.pages import PageRequests, check_page

CSP = {"Content-Security-Policy": "default-src 'self'; script-src 'self' 'nonce-abc123'"}
GOOD = ('<!DOCTYPE html><html lang="en"><head><title>A page</title></head><body>'
        '<form method="post"><input type="hidden" name="csrf_token" value="t0ken"></form>'
        '<script nonce="abc123" src="/static/js/init.js"></script></body></html>')


def test_a_sound_page_is_returned_parsed():
    page = check_page(GOOD, CSP, csrf_enabled=True)
    assert page.title.get_text() == "A page"


@pytest.mark.parametrize(("html", "says"), [
    (GOOD.replace("<!DOCTYPE html>", ""), "does not parse cleanly"),
    (GOOD.replace("</form>", "</div></form>"), "does not parse cleanly"),
    (GOOD.replace("<title>A page</title>", ""), "no <title>"),
    (GOOD.replace("<title>A page</title>", "<title> </title>"), "no <title>"),
    (GOOD.replace("<form", '<p id="x">1</p><p id="x">2</p><form'), "duplicate ids: ['x']"),
    (GOOD.replace('value="t0ken"', 'value=""'), "no CSRF token"),
    (GOOD.replace('<input type="hidden" name="csrf_token" value="t0ken">', ""), "no CSRF token"),
    (GOOD.replace('nonce="abc123" ', ""), "without this response's nonce"),
    (GOOD.replace('nonce="abc123"', 'nonce="other"'), "without this response's nonce"),
    (GOOD.replace("</body>", "<script>alert(1)</script></body>"), "without this response's nonce"),
])
def test_each_fault_fails_the_page(html, says):
    with pytest.raises(AssertionError, match=re.escape(says)):
        check_page(html, CSP, csrf_enabled=True)


def test_scripts_need_a_policy_that_gives_a_nonce():
    with pytest.raises(AssertionError, match="gives no script nonce"):
        check_page(GOOD, {"Content-Security-Policy": "script-src 'self'"}, csrf_enabled=True)


def test_csrf_tokens_are_required_only_where_the_app_checks_them():
    check_page(GOOD.replace('<input type="hidden" name="csrf_token" value="t0ken">', ""), CSP,
               csrf_enabled=False)
    check_page(GOOD.replace('method="post"', 'method="get"').replace(
        '<input type="hidden" name="csrf_token" value="t0ken">', ""), CSP, csrf_enabled=True)


def test_the_test_client_checks_every_page_it_gets(client):
    assert client.get("/request-support/who").page.title is not None
    assert client.post("/request-support/who", data={"role": "parent"}).page is None  # a redirect
    assert client.get("/static/js/init.js").page is None


def test_the_status_and_the_redirect_are_checked(client_request):
    assert client_request.get("/request-support/who").find("form") is not None
    assert client_request.post("/request-support/who", data={"role": "parent"},
                               _expected_redirect="/request-support/about-you")
    client_request.get("/no-such-page", _expected_status=404)
    with pytest.raises(AssertionError, match="expected 200"):
        client_request.get("/no-such-page")
    with pytest.raises(AssertionError):
        client_request.post("/request-support/who", data={"role": "parent"}, _expected_redirect="/elsewhere")


def test_pages_with_csrf_on_carry_a_token_in_every_post_form(make_app, db_session):
    """With CSRF checked, public and console pages pass the checker: every POST form has its token."""
    app = make_app(WTF_CSRF_ENABLED=True)
    public = PageRequests(app.test_client())
    for path in ("/request-support/who", "/helpline/topic", "/complaint/", "/console/sign-in"):
        public.get(path, follow_redirects=True)
    assert public.get("/request-support/who").find("form", method="post").find(
        "input", attrs={"name": "csrf_token"})["value"]
    item = make_item(db_session)
    for role in (HELPLINE_ADVISER, ADMINISTRATOR):
        staff = app.test_client()
        sign_in_as(staff, db_session, make_user(db_session, role))
        console = PageRequests(staff)
        inbox = console.get("/console/")
        assert inbox.find_all("form", method="post")
        console.get(f"/console/items/{item.reference}")
    console.get("/console/users")  # the administrator's, with two forms per account
    console.get("/console/subject-access/releases")
    make_item(db_session, subject_name="Robin Hart")
    search = console.get("/console/subject-access")
    token = search.find("input", attrs={"name": "csrf_token"})["value"]
    results = console.post("/console/subject-access", data={"q": "Robin Hart", "csrf_token": token})
    assert len(results.find_all("form", method="post")) >= 2  # search again, and review
