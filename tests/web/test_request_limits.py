"""Limits on what one client may send: the size of a post, and how many question pages an hour.

A post too large gets its own page (not "Your session has ended"); question-page posts past
PUBLIC_FORM_LIMIT get 429 and make no draft; the limiter's breach log names no client address.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from talkzone.models import Draft

CLIENT = "203.0.113.9"


def _browser(app, address=CLIENT):
    """A fresh test client coming from ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _drafts(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(Draft))


def test_an_oversized_post_gets_a_clear_page_in_the_users_language(make_app, db_session):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert app.config["MAX_CONTENT_LENGTH"] and app.config["MAX_CONTENT_LENGTH"] <= 1024 * 1024
    client.get("/request-support/who?lang=pl")
    response = client.post("/request-support/who", data={"role": "parent", "website": "x" * 2_000_000})
    html = response.get_data(as_text=True)
    assert response.status_code == 413, response.status_code
    assert "session has ended" not in html and "Sesja" not in html
    assert '<html lang="pl"' in html and "Przejdź do strony startowej" in html
    assert "too large" in client.post("/request-support/who?lang=en", data={"x": "y" * 2_000_000}) \
        .get_data(as_text=True)
    assert _drafts(db_session) == 0


def test_a_multipart_post_of_too_many_fields_is_refused_too(app):
    assert app.config["MAX_FORM_PARTS"] < 500  # Flask's own default is 1000
    response = app.test_client().post("/complaint/who", data={f"f{n}": "1" for n in range(500)},
                                      content_type="multipart/form-data")
    assert response.status_code == 413, response.status_code


def test_question_page_posts_past_the_limit_get_429_and_make_no_draft(make_app, db_session):
    app = make_app(RATELIMIT_ENABLED=True, PUBLIC_FORM_LIMIT="5 per hour")
    statuses = []
    for _ in range(8):  # a fresh browser each time, as a script would be
        statuses.append(_browser(app).post("/request-support/who", data={"role": "parent"}).status_code)
    assert statuses == [302] * 5 + [429] * 3, statuses
    assert _drafts(db_session) == 5
    # The limit is one for every public journey's question pages, not one per journey.
    helpline = _browser(app).post("/helpline/topic",
                                                                          data={"topic": "home"})
    complaint = _browser(app).post("/complaint/who",
                                                                           data={"who": "myself"})
    assert (helpline.status_code, complaint.status_code) == (429, 429)
    assert "Too many attempts" in complaint.get_data(as_text=True)
    assert _drafts(db_session) == 5
    # Reading a page is never limited, and another client is counted on its own.
    assert _browser(app).get("/request-support/who").status_code == 200
    other = _browser(app, "198.51.100.4")
    assert other.post("/request-support/who", data={"role": "parent"}).status_code == 302


def test_a_limit_breach_is_logged_without_the_client_address(make_app, caplog):
    app = make_app(RATELIMIT_ENABLED=True, PUBLIC_FORM_LIMIT="1 per hour")
    caplog.set_level(logging.DEBUG)
    for _ in range(3):
        _browser(app).post("/complaint/who", data={"who": "myself"})
    breaches = [r for r in caplog.records if r.name == "flask-limiter" and "exceeded" in r.getMessage()]
    assert breaches, [r.getMessage() for r in caplog.records]
    assert [r.getMessage() for r in caplog.records if CLIENT in r.getMessage()] == []
