"""A blank GOV.UK field looks the same to everyone reading the page in one language, so its HTML
is rendered once and kept (portal/fields.py, render); nothing a person typed, chose or saved is
ever kept, and a kept field reads the same as one rendered afresh."""

from __future__ import annotations

import copy

from tests.journeys import FAMILY, walk_request


def kept(app) -> dict:
    return app.extensions.get("kept_fields", {})


def question(response) -> str:
    """The page's form without its CSRF token, from the checked page."""
    form = response.page.find("form")
    for token in form.find_all("input", attrs={"name": "csrf_token"}):
        token.decompose()
    return str(form)


def test_a_blank_field_is_rendered_once_per_language(app):
    first = app.test_client().get("/request-support/who")
    after_first = len(kept(app))
    second = app.test_client().get("/request-support/who")
    assert after_first > 0
    assert len(kept(app)) == after_first  # the second visitor's page reused it
    assert question(first) == question(second)
    polish = app.test_client().get("/request-support/who?lang=pl")
    assert len(kept(app)) > after_first
    assert question(polish) != question(first)


def test_a_kept_field_reads_as_one_rendered_afresh(make_app):
    kept_app, fresh_app = make_app(), make_app(TEMPLATES_AUTO_RELOAD=True)  # auto-reload keeps none
    for path in ("/request-support/who", "/request-support/about-you", "/request-support/child"):
        walked_kept, walked_fresh = kept_app.test_client(), fresh_app.test_client()
        walk_request(walked_kept, copy.deepcopy(FAMILY), until=path)
        walk_request(walked_fresh, copy.deepcopy(FAMILY), until=path)
        walked_kept.get(path)
        assert question(walked_kept.get(path)) == question(walked_fresh.get(path)), path
    assert kept(kept_app) and not kept(fresh_app)


def test_nothing_the_person_typed_chose_or_saved_is_kept(app, client):
    walk_request(client, copy.deepcopy(FAMILY))
    # Pages showing saved answers, a page naming the child in its question, and an answer refused.
    for path in ("/request-support/about-you", "/request-support/address", "/request-support/child/0",
                 "/request-support/child/0/remove", "/request-support/contact", "/request-support/safety"):
        assert client.get(path).status_code == 200, path
    assert client.post("/request-support/about-you", data={"name": "Jo Bloggs", "relationship": "x" * 500}
                       ).status_code == 200
    html = "".join(kept(app).values())
    assert kept(app)
    for answer in ("Jo Bloggs", "Sam Bloggs", "PR1 2AB", "pr1 2ab", "1 High Street", "07700 900123",
                   "jo@example.com", "Her ex-partner", "Mum", "checked", "govuk-error-message"):
        assert answer not in html, answer
