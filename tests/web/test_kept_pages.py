"""Pages that depend only on the language and their address are rendered once and kept
(portal/templating.py, kept): the start and information pages, and the question pages that show
nothing of the person. Every response still gets its own CSP nonce and CSRF token, and a kept
copy is what a fresh render would give that visitor."""

from __future__ import annotations

import copy
import re

import pytest
from flask import template_rendered

from portal.journeys.complaint.views import journey as complaint
from portal.journeys.helpline.views import journey as helpline
from portal.journeys.request_support.views import journey as request_support
from testkit.answers import PROFESSIONAL, answers
from tests.journeys import FAMILY, post_step, walk_request
from tests.pages import inline_scripts, page_of

TOKENS = re.compile(r'(nonce|name="csrf_token" type="hidden" value|name="csrf_token" value)="[^"]+"')
OTHER_FAMILY = answers(
    about_you={"name": "Zoë Quartz", "relationship": "Dad"},
    child=[{"name": "Kit Quartz", "dob": ["9", "1", "2012"], "school": "Vale High", "send": "yes"}],
    address={"line_1": "9 Mill Lane", "town": "Burnley", "postcode": "BB11 1AA"}, area={"area": "burnley"},
    needs={"needs": ["housing"], "details": "Damp flat"},
    contact={"channels": ["text"], "phone": "07700 900999", "email": ""},
)
KEPT = [step.name for step in request_support.steps if step.kept]


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


def _page(client, url) -> str:
    return TOKENS.sub(r'\1="…"', client.get(url).get_data(as_text=True))


def test_the_kept_steps_are_the_ones_that_show_nothing_of_the_person():
    assert {"who", "needs", "risk", "consent", "contact", "safety"} <= set(KEPT)
    # A page whose template or preparation reads the answers is kept only by a key of what it
    # shows of them (the tests below hold each such key to a fresh render).
    for journey in (request_support, complaint, helpline):
        for step in journey.steps:
            if step.kept is True:
                assert step.prepare is None and step.context(FAMILY) == {}, step.name
            elif step.kept:
                assert step.name in SHOWN_BY_KEY, step.name


# For each page kept by a key of what it shows, answers giving each key it can have (and, for
# the area, two postcodes in one outward code: one kept page, each showing its own postcode).
SHOWN_BY_KEY = {
    "contact": [FAMILY, PROFESSIONAL],
    "safety": [FAMILY, answers(contact={"channels": ["text"], "email": ""}), PROFESSIONAL,
               answers(PROFESSIONAL, contact={"channels": ["letter"], "phone": "", "email": ""})],
    "area": [FAMILY, answers(address={"postcode": "PR1 9ZZ"}), answers(address={"postcode": "PR3 1AB"}),
             answers(address={"postcode": "FY2 0HH"})],
}
KEYS = {"contact": 2, "safety": 4, "area": 3}


@pytest.mark.parametrize("step", sorted(SHOWN_BY_KEY))
def test_a_page_kept_by_a_key_is_what_a_fresh_render_gives_each_visitor(make_app, step):
    app, fresh = make_app(), make_app(TEMPLATES_AUTO_RELOAD=True)
    url = f"/request-support/{step}"
    for variant in SHOWN_BY_KEY[step] * 2:  # the second time round, each from the kept copy
        visitor, again = app.test_client(), fresh.test_client()
        walk_request(visitor, answers(variant), until=url)
        again.set_cookie("eh_session", visitor.get_cookie("eh_session").value)
        assert _page(visitor, url) == _page(again, url)
    assert len([key for key in app.extensions["kept_pages"] if key[1] == url]) == KEYS[step]
    assert "9ZZ" not in "".join(app.extensions["kept_pages"].values())


def test_a_new_childs_page_is_kept_for_each_number(make_app):
    app, fresh = make_app(), make_app(TEMPLATES_AUTO_RELOAD=True)
    for _ in range(2):
        visitor, again = app.test_client(), fresh.test_client()
        walk_request(visitor, answers(), until="/request-support/child")
        again.set_cookie("eh_session", visitor.get_cookie("eh_session").value)
        assert _page(visitor, "/request-support/child") == _page(again, "/request-support/child")
        # One child added: the page for a second child (its number, its back link) is kept apart.
        post_step(visitor, "/request-support/child", FAMILY["child"][0])
        post_step(visitor, "/request-support/children", {"add_another": "yes"})
        assert "child 2" in _page(visitor, "/request-support/child")
        assert _page(visitor, "/request-support/child") == _page(again, "/request-support/child")
    assert len([key for key in app.extensions["kept_pages"] if key[1] == "/request-support/child"]) == 2


@pytest.mark.parametrize("step", KEPT)
def test_a_kept_page_is_what_a_fresh_render_gives_another_visitor(make_app, step):
    app, fresh = make_app(), make_app(TEMPLATES_AUTO_RELOAD=True)
    url = f"/request-support/{step}"
    first, second = app.test_client(), app.test_client()
    base, other = (PROFESSIONAL, answers(PROFESSIONAL, professional={"name": "Ash Vale"})) \
        if step in ("professional", "family-consent") else (FAMILY, OTHER_FAMILY)
    walk_request(first, answers(base), until=url)
    first.get(url)
    assert any(key[1] == url for key in app.extensions["kept_pages"]), "the page was not kept"
    walk_request(second, answers(other), until=url)
    kept = _page(second, url)
    again = fresh.test_client()
    if cookie := second.get_cookie("eh_session"):  # none yet on the first page
        again.set_cookie("eh_session", cookie.value)
    assert kept == _page(again, url)
    # Asked to change an answer, the page is kept apart (its back link goes to check answers).
    assert _page(second, f"{url}?change=1") == _page(again, f"{url}?change=1")


def test_each_visitor_of_a_kept_page_gets_their_own_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    first, second = app.test_client(), app.test_client()
    first_token = token.search(first.get("/request-support/who").get_data(as_text=True))[1]
    page = second.get("/request-support/who").get_data(as_text=True)
    second_token = token.search(page)[1]
    assert second_token.split(".")[0] != first_token.split(".")[0]
    assert second.post("/request-support/who", data={"role": "parent", "csrf_token": first_token}) \
        .status_code == 400
    assert second.post("/request-support/who", data={"role": "parent", "csrf_token": second_token}) \
        .status_code == 302
    # With answers in progress a page carries the timeout warning, whose form has the token too.
    assert first.post("/request-support/who", data={"role": "parent", "csrf_token": first_token}) \
        .status_code == 302
    warning = re.compile(r'id="timeout-warning".*?name="csrf_token" value="([^"]+)"', re.S)
    session_part = {first: first_token.split(".")[0], second: second_token.split(".")[0]}  # then a time
    for url in ("/cookies", "/request-support/who?change=1"):
        for client, own in session_part.items():
            assert warning.search(client.get(url).get_data(as_text=True))[1].split(".")[0] == own
