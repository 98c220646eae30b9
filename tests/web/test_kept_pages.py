"""Pages that depend only on the language and their address are rendered once and kept
(portal/pages.py, kept_page); every response still gets its own CSP nonce."""

from __future__ import annotations

import copy

from flask import template_rendered

from tests.journeys import FAMILY, walk_request
from tests.pages import inline_scripts, page_of


def renders(app):
    """The names of the templates the app renders from now on."""
    seen: list[str] = []
    template_rendered.connect(lambda sender, template, context, **extra: seen.append(template.name),
                              app, weak=False)
    return seen


def nonce_of(response) -> str:
    return response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]


def test_the_start_page_is_rendered_once_and_each_response_has_its_own_nonce(app, client):
    seen = renders(app)
    first, second = client.get("/"), client.get("/")
    assert seen.count("pages/start.html") == 1
    assert nonce_of(first) != nonce_of(second)
    for response in (first, second):  # the page checker also holds every script to its nonce
        nonces = {script["nonce"] for script in page_of(response).find_all("script")}
        assert nonces == {nonce_of(response)}
    assert first.get_data(as_text=True).replace(nonce_of(first), "") == \
        second.get_data(as_text=True).replace(nonce_of(second), "")


def test_kept_pages_follow_the_language(client):
    english = page_of(client.get("/")).find("html")["lang"]
    polish = client.get("/?lang=pl")
    assert (english, page_of(polish).find("html")["lang"]) == ("en", "pl")
    # The cookie set by ?lang=pl now chooses Polish for the plain address too.
    assert page_of(client.get("/")).find("html")["lang"] == "pl"
    assert page_of(client.get("/privacy?lang=ur")).find("html")["dir"] == "rtl"


def test_kept_pages_show_the_timeout_warning_only_with_answers_in_progress(client):
    assert page_of(client.get("/cookies")).find(id="timeout-warning") is None
    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/area")
    page = page_of(client.get("/cookies"))
    assert page.find(id="timeout-warning") is not None
    assert all(script.get("nonce") for script in inline_scripts(page) + page.find_all("script"))


def test_other_queries_are_rendered_afresh_and_not_kept(app, client):
    seen = renders(app)
    for number in range(5):
        assert client.get(f"/?utm={number}").status_code == 200
    assert client.get("/?lang=xx").status_code == 200
    assert seen.count("pages/start.html") == 6
    assert app.extensions.get("kept_pages", {}) == {}
