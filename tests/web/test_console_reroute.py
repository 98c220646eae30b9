"""Re-routing a helpline contact through the console: only with the young person's recorded
agreement or a safeguarding override with a reason; the IYSS number is optional; a promised
callback stays with the helpline unless it is handed over. Mail goes over real SMTP."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from talkzone import access
from talkzone.models import AuditEvent, Kind, Submission
from testkit.factories import make_item
from tests.pages import text_of
from tests.web.test_console_actions import AGREED, _actions, _client, _deliver, _fresh

OVERRIDE = {"basis": "override", "override_reason": "Disclosed that a younger sibling is being hurt"}


def _url(contact) -> str:
    return f"/console/items/{contact.reference}/reroute"


def _post(client, contact, follow=False, **answers):
    data = {"target": "request_for_support", "area": "preston", "version": contact.version, **answers}
    return client.post(_url(contact), data=data, follow_redirects=follow)


def _referrals(db_session) -> list[Submission]:
    db_session.expire_all()
    return list(db_session.scalars(select(Submission).where(Submission.kind != Kind.HELPLINE_CONTACT)))


def _detail(db_session, item, action) -> dict:
    [event] = db_session.scalars(select(AuditEvent).where(AuditEvent.submission_id == item.id,
                                                          AuditEvent.action == action))
    return event.detail


def _event_id(db_session, item, action) -> int:
    return db_session.scalar(select(AuditEvent.id).where(AuditEvent.submission_id == item.id,
                                                         AuditEvent.action == action))


def _new(done) -> str:
    return re.search(r"Sent on as ((?:RS|CP)-[A-Z0-9-]+)", text_of(done.page))[1]


def _page(client, reference) -> str:
    """The item page's text, tags left out (user text sits in <bdi>)."""
    page = client.get(f"/console/items/{reference}")
    assert page.status_code == 200
    return page.page.get_text()


def test_a_re_route_without_agreement_or_override_is_refused_and_nothing_changes(app, db_session,
                                                                                 smtp_server):
    client, _ = _client(app, db_session)
    contact = make_item(db_session, subject_name="Jamie")
    form = html.unescape(client.get(_url(contact)).get_data(as_text=True))
    assert "The young person agreed to this referral" in form and 'name="how_agreed"' in form
    assert 'name="override_reason"' in form
    assert 'name="hand_over_callback"' not in form, "no callback was promised"
    refusals = [
        ({}, "basis", "Select whether the young person agreed to this referral"),
        ({"basis": "agreed"}, "how_agreed", "Say how and when the young person agreed"),
        ({"basis": "agreed", "how_agreed": "   "}, "how_agreed", "Say how and when the young person agreed"),
        ({"basis": "override"}, "override_reason",
         "Give the safeguarding reason for sending this on without the young person's agreement"),
        ({"basis": "maybe", "how_agreed": "x", "override_reason": "y"}, "basis",
         "Select whether the young person agreed to this referral"),
    ]
    for answers, field, message in refusals:
        refused = _post(client, contact, iyss_number="IYSS-12345", **answers)
        page = html.unescape(refused.get_data(as_text=True))
        assert refused.status_code == 200, answers
        assert f'href="#{field}' in page and message in page, answers
        assert 'value="IYSS-12345"' in page, "what was typed is kept"
    kept = _fresh(db_session, contact)
    assert (kept.status, kept.closed_at, kept.outcome, kept.version) == ("new", None, None, 1)
    assert kept.safeguarding is False
    assert _referrals(db_session) == []
    assert "rerouted" not in _actions(db_session, contact)
    _deliver(app, db_session)
    assert smtp_server.to("rfs.preston@lancashire.example") == []


def test_with_the_young_persons_agreement_the_request_goes_to_the_district(app, db_session, smtp_server):
    client, adviser = _client(app, db_session)
    contact = make_item(db_session, subject_name="Jamie")
    done = _post(client, contact, follow=True, **AGREED)
    new_reference = _new(done)
    [request] = _referrals(db_session)
    assert (request.reference, request.kind, request.area_code) == (new_reference, Kind.REQUEST_FOR_SUPPORT,
                                                                     "preston")
    assert request.iyss_number is None, "no IYSS number is needed"
    rerouted = _detail(db_session, contact, "rerouted")
    assert (rerouted["basis"], rerouted["how_agreed"], rerouted["to"]) == (
        "agreed", AGREED["how_agreed"], new_reference)
    assert db_session.get(AuditEvent, _event_id(db_session, contact, "rerouted")).actor_id == adviser.id
    referred = _detail(db_session, request, "referred_from_helpline")
    assert (referred["from"], referred["basis"], referred["how_agreed"]) == (
        contact.reference, "agreed", AGREED["how_agreed"])
    assert request.safeguarding is False
    assert (_fresh(db_session, contact).status, _fresh(db_session, contact).outcome) == (
        "closed", "referred_request_for_support")
    district, _ = _client(app, db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"])
    for viewer, reference in ((client, contact.reference), (district, new_reference)):
        assert f"The young person agreed: {AGREED['how_agreed']}" in _page(viewer, reference)
    _deliver(app, db_session)
    [mail] = smtp_server.to("rfs.preston@lancashire.example")
    assert new_reference in mail["Subject"]
    assert smtp_server.to("safeguarding-duty@lancashire.example") == []


def test_a_safeguarding_override_with_a_reason_flags_and_tells_the_duty_team(app, db_session, smtp_server):
    client, adviser = _client(app, db_session)
    contact = make_item(db_session)
    done = _post(client, contact, follow=True, target="complaint", **OVERRIDE)
    new_reference = _new(done)
    [complaint] = _referrals(db_session)
    rerouted = _detail(db_session, contact, "rerouted")
    assert (rerouted["basis"], rerouted["reason"]) == ("override", OVERRIDE["override_reason"])
    assert db_session.get(AuditEvent, _event_id(db_session, contact, "rerouted")).actor_id == adviser.id
    assert _fresh(db_session, contact).safeguarding is True and complaint.safeguarding is True
    assert "safeguarding_flagged" in _actions(db_session, contact)
    assert _detail(db_session, complaint, "referred_from_helpline")["reason"] == OVERRIDE["override_reason"]
    feedback, _ = _client(app, db_session, access.CUSTOMER_FEEDBACK_OFFICER)
    for viewer, reference in ((client, contact.reference), (feedback, new_reference)):
        assert f"Safeguarding override: {OVERRIDE['override_reason']}" in _page(viewer, reference)
    _deliver(app, db_session)
    assert len(smtp_server.to("safeguarding-duty@lancashire.example")) == 1
    [mail] = smtp_server.to("cyp-customer-feedback@lancashire.example")
    assert new_reference in mail["Subject"]

    flagged = make_item(db_session, safeguarding=True)
    assert _post(client, flagged, **OVERRIDE).status_code == 302
    assert "safeguarding_flagged" not in _actions(db_session, flagged), "already flagged: flagged once"


def test_the_iyss_number_is_optional_with_a_hint_and_checked_when_given(app, db_session, smtp_server):
    client, _ = _client(app, db_session)
    contact = make_item(db_session)
    form = html.unescape(client.get(_url(contact)).get_data(as_text=True))
    assert "Young person's IYSS number (optional)" in form
    assert "Integrated Youth Support Service" in form
    bad = _post(client, contact, iyss_number="12;<b>x", **AGREED)
    page = html.unescape(bad.get_data(as_text=True))
    assert bad.status_code == 200 and 'href="#iyss_number"' in page
    assert "Enter the IYSS number using only letters, numbers and hyphens, like IYSS-12345" in page
    assert _referrals(db_session) == []
    assert _post(client, contact, iyss_number=" IYSS-4471 ", **AGREED).status_code == 302
    [request] = _referrals(db_session)
    assert request.iyss_number == "IYSS-4471"


def test_a_promised_callback_stays_with_the_helpline_unless_handed_over(app, db_session, smtp_server):
    client, _ = _client(app, db_session)
    waiting = make_item(db_session, status="callback_due")
    form = html.unescape(client.get(_url(waiting)).get_data(as_text=True))
    assert 'name="hand_over_callback"' in form
    assert _post(client, waiting, **AGREED).status_code == 302
    kept = _fresh(db_session, waiting)
    assert (kept.status, kept.closed_at, kept.outcome) == ("callback_due", None, None)
    assert _detail(db_session, kept, "rerouted")["callback"] == "kept"
    callbacks = client.get("/console/?status=callback_due").get_data(as_text=True)
    assert waiting.reference in callbacks, "still in the helpline's callbacks"
    assert "The callback stays with the helpline" in _page(client, waiting.reference)

    handed = make_item(db_session, status="callback_due")
    done = _post(client, handed, follow=True, hand_over_callback="y", **AGREED)
    new_reference = _new(done)
    closed = _fresh(db_session, handed)
    assert (closed.status, closed.outcome) == ("closed", "referred_request_for_support")
    assert _detail(db_session, closed, "rerouted")["callback"] == "handed_over"
    request = db_session.scalar(select(Submission).where(Submission.reference == new_reference))
    assert _detail(db_session, request, "referred_from_helpline")["callback"] == "handed_over"
    district, _ = _client(app, db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"])
    for viewer, reference in ((client, handed.reference), (district, new_reference)):
        assert "The callback was handed over with this referral" in _page(viewer, reference)
