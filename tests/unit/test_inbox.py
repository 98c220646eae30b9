"""talkzone.inbox without Flask: workflows, safe windows, refusals and the version check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from talkzone import access, inbox
from talkzone.models import AuditEvent, Base, Kind, OutboxMessage, Submission
from talkzone.profile import load_profile
from testkit.factories import CONTACT, make_item, make_user


@pytest.fixture
def sessions(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'inbox.db'}")
    Base.metadata.create_all(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def session(sessions):
    with sessions() as session:
        yield session


@pytest.fixture
def mailing():
    return inbox.Mailing(compose=lambda purpose, item: (f"{purpose} {item.reference}", "body\n"),
                         domain="lancashire.example", profile=load_profile("lancashire"))


def test_each_type_has_its_own_explicit_workflow():
    assert inbox.STATUSES[Kind.REQUEST_FOR_SUPPORT] == (
        "awaiting_consent", "new", "acknowledged", "allocated", "initial_visit_booked", "closed")
    assert inbox.STATUSES[Kind.COMPLAINT] == (
        "new", "acknowledged", "stage_1_in_progress", "responded", "closed")
    assert inbox.STATUSES[Kind.HELPLINE_CONTACT] == ("new", "callback_due", "in_progress", "closed")
    for kind, steps in inbox.TRANSITIONS.items():
        assert steps["closed"] == ()
        for targets in steps.values():
            assert set(targets) <= set(steps)


def test_a_status_out_of_order_is_refused(session):
    user = make_user(session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"])
    item = make_item(session, Kind.REQUEST_FOR_SUPPORT, "preston")
    with pytest.raises(inbox.Refused, match="status_not_allowed"):
        inbox.change_status(session, user, item.reference, "allocated", item.version)
    with pytest.raises(inbox.Refused, match="outcome_needed"):
        inbox.change_status(session, user, item.reference, "closed", item.version)
    with pytest.raises(inbox.Refused, match="con_level_needed"):
        inbox.change_status(session, user, item.reference, "closed", item.version,
                             outcome="no_further_action")


def test_safe_windows_by_days_and_times_in_uk_time():
    contact = {"days": ["tue", "wed", "thu"], "start": "16:00", "end": "18:00"}
    tuesday_5pm_bst = datetime(2026, 7, 7, 16, 30, tzinfo=UTC)  # 17:30 in London
    assert inbox.in_safe_window(contact, tuesday_5pm_bst) is True
    assert inbox.in_safe_window(contact, datetime(2026, 7, 7, 17, 30, tzinfo=UTC)) is False  # 18:30
    assert inbox.in_safe_window(contact, datetime(2026, 7, 6, 16, 30, tzinfo=UTC)) is False  # Monday
    assert inbox.in_safe_window({}, tuesday_5pm_bst) is None
    windows = {"windows": [["2026-07-07T15:00:00+00:00", "2026-07-07T16:00:00+00:00"]]}
    assert inbox.in_safe_window(windows, datetime(2026, 7, 7, 15, 30, tzinfo=UTC)) is True
    assert inbox.in_safe_window(windows, datetime(2026, 7, 7, 16, 0, tzinfo=UTC)) is False
    # As the helpline journey stores them: UK times with their offsets.
    stored = {"windows": [{"start": "2026-07-07T16:00:00+01:00", "end": "2026-07-07T18:00:00+01:00"}]}
    assert inbox.in_safe_window(stored, datetime(2026, 7, 7, 15, 30, tzinfo=UTC)) is True
    assert inbox.in_safe_window(stored, datetime(2026, 7, 7, 17, 30, tzinfo=UTC)) is False


def test_a_voicemail_is_refused_where_not_allowed(session):
    user = make_user(session)
    item = make_item(session, contact={**CONTACT, "voicemail": "no"})
    with pytest.raises(inbox.Refused, match="voicemail_not_allowed"):
        inbox.log_callback(session, user, item.reference, "voicemail_left")
    silent = make_item(session, contact={"channels": ["call"], "phone": "07700 900123"})
    with pytest.raises(inbox.Refused, match="voicemail_not_allowed"):
        inbox.log_callback(session, user, silent.reference, "voicemail_left")
    attempt = inbox.log_callback(session, user, item.reference, "no_answer",
                                 now=datetime(2026, 7, 6, 12, 0, tzinfo=UTC))
    assert attempt.outside_safe_window is True


def test_assigning_to_someone_who_cannot_see_the_item_is_refused(session):
    adviser = make_user(session)
    outsider = make_user(session, access.CUSTOMER_FEEDBACK_OFFICER)
    item = make_item(session)
    with pytest.raises(inbox.Refused, match="assignee_cannot_see_item"):
        inbox.assign(session, adviser, item.reference, outsider.id, item.version)


def test_the_second_of_two_concurrent_saves_is_refused_with_what_changed(sessions):
    with sessions() as setup:
        one, two = make_user(setup), make_user(setup)
        reference = make_item(setup).reference
    first, second = sessions(), sessions()
    # Both load the item (version 1) before either saves.
    seen = first.scalar(select(Submission).where(Submission.reference == reference)).version
    second.scalar(select(Submission).where(Submission.reference == reference))
    inbox.change_status(first, first.merge(one), reference, "in_progress", seen)
    first.commit()  # the first member of staff's unit of work ends
    with pytest.raises(inbox.Conflict) as clash:
        inbox.assign(second, second.merge(two), reference, two.id, seen)
    [change] = clash.value.changes
    assert change.action == "status_changed" and change.detail["status"] == "in_progress"
    assert change.actor_id == one.id
    with sessions() as check:
        item = check.scalar(select(Submission).where(Submission.reference == reference))
        assert item.status == "in_progress" and item.assigned_to_id is None and item.version == 2
    first.close()
    second.close()


def test_the_version_in_the_update_itself_stops_a_race_past_the_first_check(sessions):
    """Both pass the early check; the UPDATE ... WHERE version = n refuses the second."""
    with sessions() as setup:
        one, two = make_user(setup), make_user(setup)
        reference = make_item(setup).reference
    first, second = sessions(), sessions()
    actor_one, actor_two = first.merge(one), second.merge(two)
    item_first = first.scalar(select(Submission).where(Submission.reference == reference))
    item_second = second.scalar(select(Submission).where(Submission.reference == reference))
    item_first.status = "in_progress"
    inbox._save(first, item_first, actor_one, "status_changed", 1, status="in_progress")
    first.commit()
    item_second.assigned_to_id = two.id
    with pytest.raises(inbox.Conflict) as clash:
        inbox._save(second, item_second, actor_two, "assigned", 1)
    assert [c.action for c in clash.value.changes] == ["status_changed"]
    first.close()
    second.close()


def test_reroute_makes_a_routed_request_with_its_mail_and_closes_the_contact(session, mailing):
    adviser = make_user(session)
    contact = make_item(session)
    new = inbox.reroute(session, adviser, contact.reference, Kind.REQUEST_FOR_SUPPORT, contact.version,
                        mailing, area_code="wyre", iyss_number="Y123", basis="agreed",
                        how_agreed="On the phone today")
    assert new.destination == "rfs.wyre@lancashire.example" and new.iyss_number == "Y123"
    mail = session.scalars(select(OutboxMessage).where(OutboxMessage.submission_id == new.id)).all()
    assert [(m.purpose, m.recipient) for m in mail] == [
        ("district_notification", "rfs.wyre@lancashire.example")]
    assert contact.status == "closed" and contact.outcome == "referred_request_for_support"
    with pytest.raises(inbox.Refused):
        inbox.reroute(session, adviser, contact.reference, Kind.COMPLAINT, contact.version, mailing)
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.submission_id == new.id)).all()
    assert {"submitted", "routed", "logged_by_staff", "mail_queued"} <= set(actions)


def test_reroute_needs_the_young_persons_agreement_or_a_safeguarding_reason(session, mailing):
    adviser = make_user(session)
    contact = make_item(session)
    for answers, code in (({}, "agreement_needed"),
                          ({"basis": "agreed", "how_agreed": " "}, "how_agreed_needed"),
                          ({"basis": "override"}, "override_reason_needed")):
        with pytest.raises(inbox.Refused) as refused:
            inbox.reroute(session, adviser, contact.reference, Kind.COMPLAINT, contact.version, mailing,
                          **answers)
        assert refused.value.code == code
    assert session.scalars(select(Submission).where(Submission.kind == Kind.COMPLAINT)).all() == []


def test_only_a_helpline_adviser_may_reroute_or_log_a_contact(session, mailing):
    officer = make_user(session, access.CUSTOMER_FEEDBACK_OFFICER)
    complaint = make_item(session, Kind.COMPLAINT)
    with pytest.raises(access.Forbidden):
        inbox.reroute(session, officer, complaint.reference, Kind.REQUEST_FOR_SUPPORT, 1, mailing,
                      area_code="wyre", iyss_number="Y1")
    with pytest.raises(access.Forbidden):
        inbox.log_contact(session, officer, kind=Kind.COMPLAINT, channel="phone", mailing=mailing,
                          summary="x", name=None, contact={})
