"""The console's own language: English unless the member of staff chose otherwise in the console,
whatever the same browser chose on the public pages."""

from __future__ import annotations

from talkzone import access
from testkit.factories import make_user, sign_in_as
from tests.pages import page_of


def _lang(response) -> str:
    return page_of(response.get_data(as_text=True)).html["lang"]


def test_the_public_pages_in_urdu_leave_the_console_in_english(app, db_session):
    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, access.HELPLINE_ADVISER))
    assert _lang(client.get("/?lang=ur")) == "ur"
    assert _lang(client.get("/")) == "ur", "the public choice is kept"
    inbox = client.get("/console/", headers={"Accept-Language": "ur"})
    assert _lang(inbox) == "en"
    assert "Inbox" in inbox.get_data(as_text=True)


def test_the_console_has_its_own_switcher_and_cookie(app, db_session):
    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, access.HELPLINE_ADVISER))
    page = page_of(client.get("/console/").get_data(as_text=True))
    links = {a["hreflang"]: a["href"] for a in page.select("[data-console-language] a[hreflang]")}
    assert set(links) == {"pl", "ur"}
    chosen = client.get(links["pl"])
    assert _lang(chosen) == "pl"
    cookie = chosen.headers["Set-Cookie"]
    assert cookie.startswith("console_lang=pl;") and "Path=/console" in cookie
    assert _lang(client.get("/console/")) == "pl", "kept across console pages"
    assert _lang(client.get("/", headers={"Accept-Language": "en"})) == "en", "the public pages are not told"
