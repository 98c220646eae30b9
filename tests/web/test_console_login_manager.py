"""Flask-Login holds the signed-in user, loaded only from the console's server-side session cookie."""

from __future__ import annotations

import pytest
from flask_login import current_user, login_user

from portal.console.guard import current_staff
from testkit.factories import make_user, sign_in_as


def test_current_user_is_the_signed_in_user_in_views_and_templates(app, db_session):
    user = make_user(db_session, name="Amira Khan")
    client = app.test_client()
    sign_in_as(client, db_session, user)
    with client:
        response = client.get("/console/")
        assert current_user.is_authenticated and current_user.id == user.id
        assert current_staff() is current_user._get_current_object()
    assert response.status_code == 200
    assert "Signed in as Amira Khan" in response.get_data(as_text=True)


def test_a_user_id_in_the_public_session_signs_no_one_in(app, db_session):
    """Flask's own session cookie cannot be revoked on the server, so it is never a way in."""
    user = make_user(db_session)
    client = app.test_client()
    with client.session_transaction() as public:
        public["_user_id"] = str(user.id)
        public["_fresh"] = True
    response = client.get("/console/")
    assert response.status_code == 302 and response.location.endswith("/console/sign-in")


def test_login_user_is_refused(app, db_session):
    """Signing in goes through talkzone.staff sessions; login_user would bypass revocation."""
    user = make_user(db_session)
    with app.test_request_context("/console/"), pytest.raises(NotImplementedError):
        login_user(user)


def test_a_remember_me_cookie_from_elsewhere_does_not_hide_the_staff_session(app, db_session):
    """Another site on the council's domain may set Flask-Login's default remember-me cookie."""
    user = make_user(db_session)
    client = app.test_client()
    sign_in_as(client, db_session, user)
    client.set_cookie("remember_token", "1|forged", path="/")
    assert client.get("/console/").status_code == 200


def test_a_console_request_leaves_the_public_session_alone(app, db_session):
    """Flask-Login's session keys (freshness, identifier, remember-me) never enter the public session."""
    user = make_user(db_session)
    client = app.test_client()
    drafts = {"request_support": {"step": "postcode"}}
    with client.session_transaction() as public:
        public["drafts"] = drafts
    sign_in_as(client, db_session, user)
    assert client.get("/console/").status_code == 200
    with client.session_transaction() as public:
        assert public["drafts"] == drafts
        assert not {"_fresh", "_id", "_user_id", "_remember"} & set(public)
