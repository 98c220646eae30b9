"""Actions on an item through the test client: assign, status, notes, callbacks, safeguarding,
re-route and logging a contact, with the version check and the audit trail; mail over SMTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from portal.mail import transport_for
from talkzone import access, outbox
from talkzone.calendar import UK
from talkzone.models import AuditEvent, CallbackAttempt, Kind, Submission, utcnow
from talkzone.uow import UnitOfWork
from testkit.factories import CONTACT, make_item, make_user, sign_in_as
from tests.pages import text_of

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AGREED = {"basis": "agreed", "how_agreed": "On the phone at 4:20pm today"}


def _client(app, db_session, role=access.HELPLINE_ADVISER, **kw):
    user = make_user(db_session, role, **kw)
    client = app.test_client()
    sign_in_as(client, db_session, user)
    return client, user


def _fresh(db_session, item) -> Submission:
    db_session.expire_all()
    return db_session.get(Submission, item.id)


def _deliver(app, db_session):
    with app.app_context():
        return outbox.drain(UnitOfWork(db_session), transport_for(app))


def _actions(db_session, item) -> list[str]:
    return [e.action for e in db_session.scalars(
        select(AuditEvent).where(AuditEvent.submission_id == item.id).order_by(AuditEvent.id))]


def test_assign_to_me_and_to_a_colleague(app, db_session):
    client, me = _client(app, db_session)
    colleague = make_user(db_session, access.HELPLINE_ADVISER, name="Chris Colleague")
    outsider = make_user(db_session, access.CUSTOMER_FEEDBACK_OFFICER)
    item = make_item(db_session)
    page = client.get(f"/console/items/{item.reference}/assign").get_data(as_text=True)
    assert "Chris Colleague" in page and outsider.name not in page
    assert client.post(f"/console/items/{item.reference}/assign",
                       data={"assignee": me.id, "version": 1}).status_code == 302
    assert _fresh(db_session, item).assigned_to_id == me.id
    assert client.post(f"/console/items/{item.reference}/assign",
                       data={"assignee": colleague.id, "version": 2}).status_code == 302
    assert _fresh(db_session, item).assigned_to_id == colleague.id
    refused = client.post(f"/console/items/{item.reference}/assign",
                          data={"assignee": outsider.id, "version": 3})
    assert "Choose who to assign the item to" in refused.get_data(as_text=True)
    assert _fresh(db_session, item).assigned_to_id == colleague.id
    assert _actions(db_session, item).count("assigned") == 2


def test_a_request_moves_through_its_workflow_and_closes_with_outcome_and_con_level(app, db_session):
    client, _ = _client(app, db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"])
    item = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "preston")
    url = f"/console/items/{item.reference}/status"
    page = client.get(url).get_data(as_text=True)
    assert 'value="acknowledged"' in page and 'value="initial_visit_booked"' not in page
    skipped = client.post(url, data={"status": "initial_visit_booked", "version": 1})
    assert skipped.status_code == 200 and _fresh(db_session, item).status == "new"
    version = 1
    for status in ("acknowledged", "allocated", "initial_visit_booked"):
        assert client.post(url, data={"status": status, "version": version}).status_code == 302
        version += 1
    assert _fresh(db_session, item).due_on is not None
    no_level = client.post(url, data={"status": "closed", "outcome": "level_2_targeted_support",
                                      "version": version})
    assert "Choose the Continuum of Need level" in no_level.get_data(as_text=True)
    assert client.post(url, data={"status": "closed", "outcome": "level_2_targeted_support",
                                  "con_level": "2", "version": version}).status_code == 302
    closed = _fresh(db_session, item)
    assert (closed.status, closed.outcome, closed.con_level) == ("closed", "level_2_targeted_support", 2)
    assert closed.closed_at is not None
    assert _actions(db_session, item).count("status_changed") == 4


def test_a_complaint_and_a_helpline_contact_have_their_own_workflows(app, db_session):
    feedback, _ = _client(app, db_session, access.CUSTOMER_FEEDBACK_OFFICER)
    complaint = make_item(db_session, Kind.COMPLAINT)
    page = feedback.get(f"/console/items/{complaint.reference}/status").get_data(as_text=True)
    assert 'value="acknowledged"' in page and 'value="closed"' not in page
    adviser, _ = _client(app, db_session)
    contact = make_item(db_session)
    page = adviser.get(f"/console/items/{contact.reference}/status").get_data(as_text=True)
    assert 'value="callback_due"' in page and 'value="closed"' in page
    assert adviser.post(f"/console/items/{contact.reference}/status",
                        data={"status": "closed", "outcome": "advice_given", "version": 1}).status_code == 302


def test_notes_are_added_and_shown_in_the_timeline(app, db_session):
    client, _ = _client(app, db_session)
    item = make_item(db_session)
    assert client.post(f"/console/items/{item.reference}/notes",
                       data={"text": "Spoke to school nurse"}).status_code == 302
    html = client.get(f"/console/items/{item.reference}").get_data(as_text=True)
    assert "Spoke to school nurse" in html
    assert "note_added" in _actions(db_session, item)
    empty = client.post(f"/console/items/{item.reference}/notes", data={"text": ""})
    assert "Enter the note" in empty.get_data(as_text=True)


def test_a_voicemail_is_refused_where_the_person_said_no(app, db_session):
    client, _ = _client(app, db_session)
    item = make_item(db_session)  # voicemail: "no"
    page = client.get(f"/console/items/{item.reference}/callbacks").get_data(as_text=True)
    assert 'value="voicemail_left"' not in page
    refused = client.post(f"/console/items/{item.reference}/callbacks", data={"result": "voicemail_left"})
    assert refused.status_code == 200
    assert "Do not leave a voicemail: this person said it is not safe" in refused.get_data(as_text=True)
    assert db_session.scalars(select(CallbackAttempt)).all() == []
    allowed = make_item(db_session, contact={**CONTACT, "voicemail": "yes"})
    assert client.post(f"/console/items/{allowed.reference}/callbacks",
                       data={"result": "voicemail_left"}).status_code == 302


def test_a_call_outside_the_safe_times_warns_and_is_recorded_as_such(app, db_session):
    client, _ = _client(app, db_session)
    today = DAYS[utcnow().astimezone(UK).weekday()]
    outside = make_item(db_session, contact={**CONTACT, "days": [d for d in DAYS if d != today],
                                             "start": None, "end": None})
    page = client.get(f"/console/items/{outside.reference}/callbacks").get_data(as_text=True)
    assert "data-outside-warning" in page and "outside this person's safe times" in page
    done = client.post(f"/console/items/{outside.reference}/callbacks", data={"result": "no_answer"},
                       follow_redirects=True)
    assert "Callback attempt logged outside the safe times" in done.get_data(as_text=True)
    assert db_session.scalar(select(CallbackAttempt)).outside_safe_window is True
    inside = make_item(db_session, contact={**CONTACT, "days": list(DAYS), "start": None, "end": None})
    page = client.get(f"/console/items/{inside.reference}/callbacks").get_data(as_text=True)
    assert "data-outside-warning" not in page


def test_two_people_saving_one_item_the_second_is_refused_with_what_changed(app, db_session):
    first, first_user = _client(app, db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"])
    second, _ = _client(app, db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"])
    item = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "preston")
    url = f"/console/items/{item.reference}/status"
    def version(client):
        return client.get(url).page.find("input", attrs={"name": "version", "type": "hidden"})["value"]

    seen_first, seen_second = version(first), version(second)
    assert seen_first == seen_second == "1"
    assert first.post(url, data={"status": "acknowledged", "version": seen_first}).status_code == 302
    clash = second.post(url, data={"status": "closed", "outcome": "no_further_action", "con_level": "1",
                                   "version": seen_second})
    assert clash.status_code == 409
    html = clash.get_data(as_text=True)
    assert "Someone else changed this item while you were working on it" in html
    assert f"Status changed by <bdi>{first_user.name}</bdi>" in html and "New → Acknowledged" in html
    assert 'value="no_further_action" selected' in html, "the second person's answers are kept"
    kept = _fresh(db_session, item)
    assert kept.status == "acknowledged" and kept.outcome is None
    # Having seen the change, the second person can save deliberately on the new version.
    assert second.post(url, data={"status": "closed", "outcome": "no_further_action", "con_level": "1",
                                  "version": str(kept.version)}).status_code == 302
    assert _fresh(db_session, item).status == "closed"


def test_an_assignment_made_meanwhile_is_not_overwritten(app, db_session):
    first, first_user = _client(app, db_session)
    second, second_user = _client(app, db_session)
    item = make_item(db_session)
    url = f"/console/items/{item.reference}/assign"
    assert first.post(url, data={"assignee": first_user.id, "version": 1}).status_code == 302
    clash = second.post(url, data={"assignee": second_user.id, "version": 1})
    assert clash.status_code == 409 and "Assigned by" in clash.get_data(as_text=True)
    assert _fresh(db_session, item).assigned_to_id == first_user.id


def test_a_safeguarding_flag_tops_the_inbox_and_tells_the_duty_mailbox(app, db_session, smtp_server):
    client, user = _client(app, db_session)
    older = make_item(db_session)
    make_item(db_session)
    assert client.post(f"/console/items/{older.reference}/safeguarding",
                       data={"reason": "Disclosed harm at home", "version": 1}).status_code == 302
    inbox_page = client.get("/console/").page
    first = inbox_page.find("a", href=re.compile(r"^/console/items/[A-Z0-9-]+$"))["href"].rsplit("/", 1)[1]
    assert first == older.reference
    _deliver(app, db_session)
    [mail] = smtp_server.to("safeguarding-duty@lancashire.example")
    assert older.reference in mail["Subject"]
    assert "Why: Disclosed harm at home" in mail.get_payload(), "the duty team is told why"
    assert "safeguarding_flagged" in _actions(db_session, older)
    flagged = _fresh(db_session, older)
    assert (flagged.safeguarding_reason, flagged.safeguarding_by_id) == ("Disclosed harm at home", user.id)
    assert "Disclosed harm at home" in text_of(client.get(f"/console/items/{older.reference}").page)
    # Taking the flag off needs a reason too, and the audit trail keeps both.
    url = f"/console/items/{older.reference}/safeguarding"
    refused = client.post(url, data={"reason": " ", "version": flagged.version})
    assert refused.status_code == 200 and _fresh(db_session, older).safeguarding
    assert client.post(url, data={"reason": "Checked with the duty team: not needed",
                                  "version": flagged.version}).status_code == 302
    assert not _fresh(db_session, older).safeguarding
    unflag = db_session.scalars(select(AuditEvent).where(AuditEvent.submission_id == older.id,
                                                         AuditEvent.action == "safeguarding_unflagged")).one()
    assert (unflag.actor_id, unflag.detail["reason"]) == (user.id, "Checked with the duty team: not needed")


def test_re_routing_a_helpline_contact_to_a_district_sends_it_over_smtp(app, db_session, smtp_server):
    client, _ = _client(app, db_session)
    contact = make_item(db_session, subject_name="Jamie")
    url = f"/console/items/{contact.reference}/reroute"
    missing = client.post(url, data={"target": "request_for_support", "area": "preston", "version": 1})
    assert "Select whether the young person agreed" in missing.get_data(as_text=True)
    done = client.post(url, data={"target": "request_for_support", "area": "preston",
                                  "iyss_number": "IYSS-12345", "version": 1, **AGREED},
                       follow_redirects=True)
    new_reference = re.search(r"Sent on as (RS-[A-Z0-9-]+)", text_of(done.page))[1]
    request = db_session.scalar(select(Submission).where(Submission.reference == new_reference))
    assert (request.kind, request.area_code, request.iyss_number) == (Kind.REQUEST_FOR_SUPPORT, "preston",
                                                                       "IYSS-12345")
    assert request.contact == contact.contact and request.due_on is not None
    closed = _fresh(db_session, contact)
    assert (closed.status, closed.outcome) == ("closed", "referred_request_for_support")
    _deliver(app, db_session)
    [mail] = smtp_server.to("rfs.preston@lancashire.example")
    assert new_reference in mail["Subject"]
    assert f"/console/items/{new_reference}" in mail.get_payload()
    district, _ = _client(app, db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"])
    assert district.get(f"/console/items/{new_reference}").status_code == 200


def test_re_routing_a_helpline_contact_as_a_complaint(app, db_session, smtp_server):
    client, _ = _client(app, db_session)
    contact = make_item(db_session)
    done = client.post(f"/console/items/{contact.reference}/reroute",
                       data={"target": "complaint", "version": 1, **AGREED}, follow_redirects=True)
    new_reference = re.search(r"Sent on as (CP-[A-Z0-9-]+)", text_of(done.page))[1]
    _deliver(app, db_session)
    [mail] = smtp_server.to("cyp-customer-feedback@lancashire.example")
    assert new_reference in mail["Subject"]


def test_logging_a_phone_contact_with_the_privacy_fields(app, db_session, smtp_server):
    client, _ = _client(app, db_session)
    page = client.get("/console/contacts/new").get_data(as_text=True)
    for field in ("voicemail", "say_who", "must_not_know", "days", "channel"):
        assert f'name="{field}"' in page
    data = {"kind": "helpline_contact", "channel": "phone", "name": "Kit", "summary": "Worried about exams",
            "channels": ["call"], "phone": "07700 900321", "days": ["mon", "tue"], "start": "16:00",
            "end": "18:00", "voicemail": "no", "say_who": "no", "must_not_know": "brother"}
    done = client.post("/console/contacts/new", data=data, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "Safe: Mon, Tue 4pm–6pm." in html and "Must not know: <bdi>brother</bdi>" in html
    item = db_session.scalar(select(Submission).where(Submission.channel == "phone"))
    assert item.contact["voicemail"] == "no" and item.phone == "07700 900321"
    request = dict(data, kind="request_for_support", area="burnley")
    assert client.post("/console/contacts/new", data=request).status_code == 302
    _deliver(app, db_session)
    assert len(smtp_server.to("rfs.burnley@lancashire.example")) == 1
    bad = client.post("/console/contacts/new", data=dict(data, kind="request_for_support", phone=""))
    html = bad.get_data(as_text=True)
    assert "Choose the district to send the request to" in html
    assert "Enter a phone number to call or text them on" in html


def test_every_change_goes_to_the_audit_trail(app, db_session):
    client, user = _client(app, db_session)
    item = make_item(db_session)
    ref = item.reference
    client.get(f"/console/items/{ref}")
    client.post(f"/console/items/{ref}/assign", data={"assignee": user.id, "version": 1})
    client.post(f"/console/items/{ref}/status", data={"status": "in_progress", "version": 2})
    client.post(f"/console/items/{ref}/notes", data={"text": "x"})
    client.post(f"/console/items/{ref}/callbacks", data={"result": "reached"})
    client.post(f"/console/items/{ref}/safeguarding", data={"reason": "y", "version": 3})
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.submission_id == item.id)).all()
    assert [e.action for e in events if e.action != "mail_queued"] == [
        "viewed", "assigned", "status_changed", "note_added", "callback_logged", "safeguarding_flagged"]
    assert all(e.actor_id == user.id and e.at is not None for e in events if e.action != "mail_queued")


def test_a_callback_records_how_when_and_new_outcomes_and_shows_the_next_window(make_app, db_session):
    app = make_app(CLOCK=lambda: datetime(2026, 12, 1, 14, 5, tzinfo=UTC))
    client, _ = _client(app, db_session)
    item = make_item(db_session, status="callback_due", contact={
        "channels": ["call"], "phone": "07700 900123",
        "windows": [{"start": "2026-12-01T14:00:00+00:00", "end": "2026-12-01T16:00:00+00:00"}]})
    url = f"/console/items/{item.reference}/callbacks"
    page = client.get(url).page
    assert text_of(page.select_one("[data-next-window]")) == "Next window: Tue 1 Dec 2pm–4pm"
    late = client.post(url, data={"result": "hung_up", "method": "call", "at": "15:00"})
    assert late.status_code == 200
    assert "must be now or earlier today" in text_of(late.page.select_one("[data-refused]"))
    assert late.page.select_one("#at")["value"] == "15:00", "what was typed is kept"
    assert client.post(url, data={"result": "someone_else_answered", "method": "text",
                                  "at": "13:50"}).status_code == 302
    attempt = db_session.scalars(select(CallbackAttempt)
                                 .where(CallbackAttempt.submission_id == item.id)).one()
    assert (attempt.result, attempt.method) == ("someone_else_answered", "text")
    assert attempt.at == datetime(2026, 12, 1, 13, 50, tzinfo=UTC) and attempt.outside_safe_window
    timeline = text_of(client.get(f"/console/items/{item.reference}").page.select_one("[data-timeline]"))
    assert "Text message: Someone else answered" in timeline
