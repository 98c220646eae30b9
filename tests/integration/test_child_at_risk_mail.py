"""A child at risk: the request is flagged, the duty mailbox told at once, first in the inbox, due today."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from talkzone.access import DISTRICT_TRIAGE_OFFICER
from talkzone.models import Kind, Submission
from testkit.factories import make_item, make_user, sign_in_as
from tests.journeys import FAMILY_ANY_TIME, PROFESSIONAL, answers, deliver_within_a_week, submit_request

DUTY = "safeguarding-duty@lancashire.example"
# 23:30 UTC on 31 May 2026 is 00:30 on 1 June in the UK (summer time): the deadline is 1 June.
LATE_EVENING = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)


def test_a_child_at_risk_is_flagged_told_to_the_duty_mailbox_and_due_the_same_day(
        make_app, smtp_server, db_session):
    app = make_app(CLOCK=lambda: LATE_EVENING)
    older = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "preston")  # an earlier, ordinary request
    page = submit_request(app.test_client(), answers(FAMILY_ANY_TIME, risk={"at_risk": "yes"}))
    assert page.status_code == 200
    stored = db_session.scalars(select(Submission).where(Submission.id != older.id)).one()
    assert stored.safeguarding is True
    assert stored.due_on == date(2026, 6, 1)

    deliver_within_a_week(app)
    [alert] = smtp_server.to(DUTY)
    assert stored.reference in alert["Subject"]
    body = alert.get_payload()
    assert f"/console/items/{stored.reference}" in body
    for private in ("Jo Bloggs", "Sam Bloggs", "1 High Street", "07700", "struggling"):
        assert private not in body, "no personal details by email"
    assert len(smtp_server.to("rfs.preston@lancashire.example")) == 1, "the district hears too"

    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, DISTRICT_TRIAGE_OFFICER))
    links = client.get("/console/").page.find_all("a", href=re.compile(r"^/console/items/[A-Z0-9-]+$"))
    assert [link["href"].rsplit("/", 1)[1] for link in links][:2] == [stored.reference, older.reference]


def test_a_professional_without_consent_still_gets_a_child_at_risk_to_the_duty_mailbox(
        make_app, smtp_server, db_session):
    app = make_app()
    submit_request(app.test_client(), answers(PROFESSIONAL, risk={"at_risk": "yes"},
                                              family_consent={"family_consent": "no"}))
    stored = db_session.scalars(select(Submission)).one()
    assert stored.status == "awaiting_consent" and stored.safeguarding is True
    deliver_within_a_week(app)
    assert len(smtp_server.to(DUTY)) == 1
    assert smtp_server.to("rfs.preston@lancashire.example") == [], "consent still holds the referral"


def test_a_request_with_no_child_at_risk_is_not_flagged(make_app, smtp_server, db_session):
    app = make_app()
    submit_request(app.test_client(), FAMILY_ANY_TIME)
    stored = db_session.scalars(select(Submission)).one()
    assert stored.safeguarding is False and stored.due_on > date.today()
    deliver_within_a_week(app)
    assert smtp_server.to(DUTY) == []
