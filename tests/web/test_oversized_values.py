"""Numbers too large for a date, page or version, and NUL characters: a field error or a 400, never 5xx.

Python ints have no limit, but ``date()`` and SQL integers do; PostgreSQL text cannot hold NUL
(SQLite can), so these tests mean most on PostgreSQL.
"""

from __future__ import annotations

import copy

from sqlalchemy import text

from portal import create_app
from talkzone import access
from talkzone.models import Kind
from testkit.factories import make_item, make_user, sign_in_as
from tests.journeys import FAMILY, walk_request

HUGE = "99999999999999999999"


def _staff(app, db_session, role=access.ADMINISTRATOR):
    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, role))
    return client


def test_a_twenty_digit_year_on_a_question_page_is_a_field_error_with_the_answer_kept(client):
    location = walk_request(client, copy.deepcopy(FAMILY), until="/request-support/child")
    response = client.post(location, data={"name": "Sam", "dob": ["4", "5", HUGE], "send": "no"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200, response.status_code
    assert "Error:" in html and "Year must include 4 numbers" in html
    assert f'value="{HUGE}"' in html


def test_a_twenty_digit_year_in_a_report_range_is_a_field_error(app, db_session):
    client = _staff(app, db_session)
    response = client.get(f"/console/reports?start=1&start=1&start={HUGE}&end=1&end=2&end=2024")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, response.status_code
    assert "Year must include 4 numbers" in html


def test_a_huge_or_malformed_page_number_is_a_bad_request(app, db_session):
    client = _staff(app, db_session)
    make_item(db_session)
    for page in (HUGE, "-1" + HUGE, "١" * 30):
        response = client.get(f"/console/?page={page}")
        assert response.status_code == 400, (page, response.status_code)
        assert "unavailable" not in response.get_data(as_text=True)
    assert client.get("/console/?page=2").status_code == 200
    assert client.get("/console/?page=x").status_code == 200  # not a number: the first page


def test_a_nul_character_in_the_console_search_is_ignored_not_an_outage(app, db_session):
    client = _staff(app, db_session)
    found = make_item(db_session, subject_name="Robin Hart")
    response = client.post("/console/", data={"q": "Rob\x00in"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200, response.status_code
    assert found.reference in html


def test_a_huge_item_version_is_refused_as_a_field_error(app, db_session):
    client = _staff(app, db_session, access.HELPLINE_ADVISER)
    item = make_item(db_session, Kind.HELPLINE_CONTACT)
    response = client.post(f"/console/items/{item.reference}/status",
                           data={"version": HUGE, "status": "acknowledged"})
    assert response.status_code == 200, response.status_code
    assert "Reload the item and try again" in response.get_data(as_text=True)
    client = _staff(app, db_session, access.CUSTOMER_FEEDBACK_OFFICER)
    complaint = make_item(db_session, Kind.COMPLAINT)
    for version in (HUGE, "two"):
        response = client.post(f"/console/items/{complaint.reference}/extend",
                               data={"version": version, "reason": "Waiting for the placement records"})
        assert response.status_code == 200, (version, response.status_code)
        assert "Reload the item and try again" in response.get_data(as_text=True)


def test_bad_input_the_database_refuses_is_a_400_and_only_an_outage_a_503(make_app, tmp_path):
    """The error pages tell a value the database cannot hold apart from a database that is down."""
    app = make_app()

    @app.get("/test-too-big")
    def _too_big():
        from portal import db
        return str(db.session().execute(text("SELECT CAST(:n AS INTEGER)"), {"n": 10 ** 20}).scalar())

    response = app.test_client().get("/test-too-big")
    assert response.status_code == 400, response.status_code
    assert "unavailable" not in response.get_data(as_text=True)

    down = create_app("test", DATABASE_URL=f"sqlite:///{tmp_path / 'missing' / 'portal.db'}")
    down.add_url_rule("/test-too-big", view_func=_too_big)
    response = down.test_client().get("/test-too-big")
    assert response.status_code == 503
