"""The complaint use case and its rules, in talkzone alone: no Flask, no network."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from talkzone import complaints
from talkzone.audit import events_for
from talkzone.mailing import Mailing
from talkzone.models import AuditEvent, Kind, OutboxMessage, Submission
from talkzone.profile import load_profile
from tests.complaint_journey import ON_BEHALF, YOUNG_PERSON, complaint

LANCASHIRE = load_profile("lancashire")
WAKEFIELD = load_profile("wakefield")
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def compose(purpose, submission, neutral=False):
    return f"{purpose} {submission.reference}", f"body of {purpose}\n"


def submit(session, answers, profile=LANCASHIRE, gateway=None, now=NOON):
    return complaints.submit_complaint(
        session, profile=profile, answers=copy.deepcopy(answers), language="en",
        mailing=Mailing(compose=compose, domain="lancashire.example", sms_gateway=gateway), now=now)


def mail(session):
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    return [(m.purpose, m.recipient) for m in rows]


# Stage 1 dates ---------------------------------------------------------------------------

@pytest.mark.parametrize(("received", "due"), [
    # Christmas Day, Boxing Day and New Year's Day skipped, with the weekends.
    (datetime(2025, 12, 23, 10, tzinfo=UTC), date(2026, 1, 9)),
    # Boxing Day on a Saturday: the substitute Monday 28 December is skipped too.
    (datetime(2026, 12, 23, 10, tzinfo=UTC), date(2027, 1, 11)),
    # The Thursday before Easter: Good Friday and Easter Monday skipped.
    (datetime(2026, 4, 2, 10, tzinfo=UTC), date(2026, 4, 20)),
    (datetime(2027, 3, 25, 10, tzinfo=UTC), date(2027, 4, 12)),
    # 23:30 UTC on Wednesday is 00:30 on Thursday in the UK (summer time): Thursday counts.
    (datetime(2026, 4, 1, 23, 30, tzinfo=UTC), date(2026, 4, 20)),
    # Arriving on a Saturday: counting starts with Monday.
    (datetime(2026, 11, 21, 12, tzinfo=UTC), date(2026, 12, 4)),
])
def test_stage_1_reply_is_due_in_10_working_days(received, due):
    assert complaints.stage_1_due(received) == due


# Who is offered an advocate --------------------------------------------------------------

@pytest.mark.parametrize(("care", "age", "about", "offered"), [
    ("looked_after", "16_17", "placement", True),
    ("looked_after", "prefer_not", "other", True),
    ("care_leaver", "18_21", "leaving_care", True),
    ("care_leaver", "22_25", "leaving_care", False),
    ("care_leaver", "21", "leaving_care", True),  # ages as the shared age question gives them
    ("care_leaver", "22", "leaving_care", False),
    ("care_leaver", "over_25", "leaving_care", False),
    ("not_sure", "12_15", "other", True),
    ("neither", "12_15", "social_worker", True),  # a child in need has a social worker
    ("neither", "12_15", "family_contact", False),
    ("neither", "16_17", "other", False),
])
def test_advocacy_is_offered_to_eligible_young_people(care, age, about, offered):
    answers = complaint(care={"care": care}, age={"age": age}, about={"about": about})
    assert complaints.advocacy_offered(answers, LANCASHIRE) is offered


@pytest.mark.parametrize(("agrees", "offered"), [("yes", True), ("not_agreed", False), ("not_told", False)])
def test_advocacy_for_someone_else_needs_the_young_person_to_know(agrees, offered):
    answers = complaint(ON_BEHALF, agrees={"agrees": agrees})
    assert complaints.advocacy_offered(answers, LANCASHIRE) is offered


def test_tell_me_more_then_the_second_answer_counts():
    answers = complaint(advocate={"advocate": "tell_me_more"}, advocate_info={"advocate": "no"})
    assert complaints.wants_advocate(answers) == "no"
    assert complaints.advocacy_outcome(answers, LANCASHIRE) == complaints.DECLINED


# Contact details -------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "kept", "dropped"), [
    ("call", {"phone"}, {"email", "address"}),
    ("text", {"phone"}, {"email", "address"}),
    ("email", {"email"}, {"phone", "address"}),
    ("letter", {"address"}, {"phone", "email"}),
    ("helpline", set(), {"phone", "email", "address"}),
    ("advocate", set(), {"phone", "email", "address"}),
])
def test_only_the_chosen_ways_details_are_kept(method, kept, dropped):
    answers = complaint(contact_method={"method": method})
    contact = complaints.complaint_contact(answers)
    stored = complaints.kept_answers(answers)
    assert contact["channels"] == [method]
    assert kept <= set(contact) and not dropped & set(contact)
    assert kept <= set(stored) and not dropped & set(stored)
    assert contact["voicemail"] == "no" and contact["days"] == ["tue", "thu"]


# The use case ----------------------------------------------------------------------------

def test_a_complaint_is_stored_routed_and_notified(session):
    submission = submit(session, complaint(contact_method={"method": "call"}))
    assert submission.kind == Kind.COMPLAINT and submission.status == "new"
    assert submission.reference.startswith("CP-")
    assert submission.destination == "cyp-customer-feedback@lancashire.example"
    assert submission.due_on == date(2026, 12, 7)
    assert submission.subject_name == "Alex Smith"
    assert submission.phone == "07700 900123" and submission.email is None
    assert "email" not in submission.answers and "address" not in submission.answers
    assert mail(session) == [
        ("complaint_notification", "cyp-customer-feedback@lancashire.example"),
        ("advocacy_referral", "childrens-rights-referrals@lancashire.example"),
    ]


def test_the_wakefield_profile_routes_to_its_own_services(session):
    submit(session, YOUNG_PERSON, profile=WAKEFIELD)
    assert mail(session) == [
        ("complaint_notification", "customer-feedback@wakefield.example"),
        ("advocacy_referral", "advocacy-referrals@wakefield.example"),
        ("complaint_acknowledgement", "alex@example.com"),
    ]


@pytest.mark.parametrize(("changes", "outcome", "referred"), [
    ({"advocate": {"advocate": "yes"}, "advocacy_consent": {"consent": "yes"}}, "referred", True),
    ({"advocate": {"advocate": "yes"}, "advocacy_consent": {"consent": "no"}}, "signposted", False),
    ({"advocate": {"advocate": "no"}}, "declined", False),
    ({"care": {"care": "neither"}, "about": {"about": "other"}}, "not_offered", False),
])
def test_advocacy_referral_needs_consent_and_is_recorded(session, changes, outcome, referred):
    submission = submit(session, complaint(contact_method={"method": "call"}, **changes))
    purposes = [purpose for purpose, _ in mail(session)]
    assert purposes.count("complaint_notification") == 1
    assert ("advocacy_referral" in purposes) is referred
    assert submission.answers["advocacy"]["outcome"] == outcome
    events = [e for e in events_for(session, submission) if e.action == "advocacy"]
    if outcome in ("referred", "signposted"):
        assert submission.answers["advocacy"]["service"] == "Children's Rights Service"
        assert submission.answers["advocacy"]["phone"] == "01632 960 102"
        assert events[0].detail["outcome"] == outcome
    if outcome == "not_offered":
        assert not events
        assert not {"advocate", "advocacy-consent"} & set(submission.answers)


@pytest.mark.parametrize(("method", "gateway", "acknowledgements"), [
    ("email", None, [("complaint_acknowledgement", "alex@example.com")]),
    ("text", "sms.example", [("complaint_acknowledgement_text", "07700900123@sms.example")]),
    ("text", None, []),
    ("call", "sms.example", []),
    ("letter", "sms.example", []),
    ("helpline", "sms.example", []),
    ("advocate", "sms.example", []),
])
def test_acknowledgement_only_on_the_chosen_channel(session, method, gateway, acknowledgements):
    submit(session, complaint(contact_method={"method": method}), gateway=gateway)
    sent = [m for m in mail(session) if m[0].startswith("complaint_acknowledgement")]
    assert sent == acknowledgements


def test_someone_else_complaining_for_a_young_person(session):
    submission = submit(session, ON_BEHALF)
    assert submission.subject_name == "Sam Jones"
    assert submission.answers["on-behalf"]["relationship"] == "Grandparent"
    assert "your-name" not in submission.answers


def test_nothing_is_kept_when_a_message_cannot_be_queued(session):
    def broken(purpose, submission, neutral=False):
        if purpose == "advocacy_referral":
            raise RuntimeError("template missing")
        return compose(purpose, submission, neutral)

    with pytest.raises(RuntimeError):
        complaints.submit_complaint(session, profile=LANCASHIRE, answers=copy.deepcopy(YOUNG_PERSON),
                                    language="en",
                                    mailing=Mailing(compose=broken, domain="lancashire.example"), now=NOON)
    session.rollback()
    for model in (Submission, OutboxMessage, AuditEvent):
        assert session.scalar(select(func.count()).select_from(model)) == 0

