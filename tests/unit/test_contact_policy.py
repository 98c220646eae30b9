"""The contact policy is the one gate to the public: the outbox refuses anything that goes around it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from talkzone import contact_policy, outbox
from talkzone.contact_policy import PolicyBypassed

EMAILS = Path(__file__).resolve().parents[2] / "portal" / "templates" / "emails"
# Every purpose the code can queue has a template: the composer renders emails/<purpose>.txt.
PURPOSES = sorted(p.stem for p in EMAILS.glob("*.txt"))
CONTACT = {"channels": ["email", "text"], "email": "jo@example.com", "phone": "07700 900123",
           "say_who": "yes", "must_not_know": "Dave Smith"}
NOON = datetime(2026, 11, 24, 12, tzinfo=UTC)


def _queue(session, purpose, permit=None, recipient="jo@example.com", subject="s", body="b"):
    return outbox.queue(session, submission=None, purpose=purpose, recipient=recipient,
                        subject=subject, body=body, domain="lancashire.example", permit=permit)


def test_every_purpose_the_code_queues_is_classified_by_the_policy():
    classified = (contact_policy.PUBLIC_PURPOSES | contact_policy.PROFESSIONAL_PURPOSES
                  | contact_policy.STAFF_PURPOSES)
    assert PURPOSES and set(PURPOSES) == classified


@pytest.mark.parametrize("purpose", sorted(contact_policy.PUBLIC_PURPOSES))
def test_the_outbox_refuses_a_message_to_the_public_without_the_policys_permit(session, purpose):
    with pytest.raises(PolicyBypassed):
        _queue(session, purpose)


def test_the_outbox_refuses_a_purpose_the_policy_does_not_know(session):
    with pytest.raises(PolicyBypassed, match="not classified"):
        _queue(session, "new_reminder_to_family")


def test_a_permit_covers_only_the_words_it_was_given_for(session):
    [decision, _text] = contact_policy.decide(CONTACT, "family_acknowledgement", NOON, "sms.example")
    permit = contact_policy.approve(decision, CONTACT, lambda p, neutral: ("Subject", "Body"))
    with pytest.raises(PolicyBypassed):
        _queue(session, permit.purpose, permit, subject="Subject", body="Body, and more")
    with pytest.raises(PolicyBypassed):
        _queue(session, permit.purpose, replace(permit, seal=None), subject="Subject", body="Body")
    assert _queue(session, permit.purpose, permit, subject="Subject", body="Body").held_until is None


def test_a_message_naming_someone_who_must_not_know_is_reworded_or_withheld():
    [decision] = contact_policy.decide(CONTACT, "family_acknowledgement", NOON, None)
    seen = []

    def render(purpose, neutral):
        seen.append(neutral)
        return "Subject", "Hello from Smith House" if not neutral else "Hello"

    assert contact_policy.approve(decision, CONTACT, render).body == "Hello"
    assert seen == [False, True]
    assert contact_policy.approve(decision, CONTACT, lambda p, n: ("Dave Smith", "x")) is None


@pytest.mark.parametrize(("contact", "expected"), [
    ({"days": ["tue", "thu"], "start": "10:00", "end": "14:00"}, datetime(2026, 11, 24, 10, tzinfo=UTC)),
    ({"days": ["mon"], "start": "16:00", "end": "18:00"}, datetime(2026, 11, 30, 16, tzinfo=UTC)),
    ({"days": ["mon"]}, datetime(2026, 11, 30, 0, tzinfo=UTC)),
    ({"start": "10:00", "end": "14:00"}, datetime(2026, 11, 24, 10, tzinfo=UTC)),
    ({}, None),
    ({"windows": [{"start": "2026-11-24T16:00:00+00:00", "end": "2026-11-24T17:00:00+00:00"}]},
     datetime(2026, 11, 24, 16, tzinfo=UTC)),
])
def test_the_next_safe_moment_in_uk_time(contact, expected):
    # Tuesday 24 November 2026, 02:06 in the UK.
    assert contact_policy.next_safe_moment(contact, datetime(2026, 11, 24, 2, 6, tzinfo=UTC)) == expected


@pytest.mark.parametrize(("phone", "number"), [
    ("07700 900123", "07700900123"), ("+44 7700 900123", "447700900123"), ("01632 960 123", None),
    ("0800 1111", None), ("", None),
])
def test_texts_go_only_to_uk_mobiles(phone, number):
    assert contact_policy.text_number(phone) == number


def test_only_the_written_channels_the_person_chose():
    decisions = contact_policy.decide({"channels": ["call", "letter"], "phone": "07700 900123"},
                                      "complaint_acknowledgement", NOON, "sms.example")
    assert decisions == []
    [text] = contact_policy.decide({"channels": ["text"], "phone": "07700 900123", "say_who": "no"},
                                   "complaint_acknowledgement", NOON, "sms.example")
    assert (text.purpose, text.recipient, text.neutral) == (
        "complaint_acknowledgement_text", "07700900123@sms.example", True)


# Every place that writes to the outbox, and what it writes: a new one fails this test until it
# is listed here, with the policy's permit if it can reach a member of the public.
OUTBOUND_PATHS = {
    "talkzone/mailing.py": 2,  # queue_to_staff (staff purposes) and queue_acknowledgements (permit)
    "talkzone/conversations.py": 1,  # send_reply (permit)
    "talkzone/deadlines.py": 1,  # deadline_reminder, to a team mailbox
    "talkzone/webhooks.py": 1,  # council_webhook, to the council's case system ("<id>@webhook")
    "talkzone/file_drop.py": 1,  # council_file_drop, to its folder ("<area>@file-drop")
}


def test_every_outbound_path_is_known_and_public_ones_carry_a_permit():
    root = EMAILS.parents[2]
    found = {}
    for path in sorted([*(root / "talkzone").rglob("*.py"), *(root / "portal").rglob("*.py")]):
        source = path.read_text()
        if path.name != "outbox.py" and (count := source.count("outbox.queue(")):
            found[str(path.relative_to(root))] = count
        assert "OutboxMessage(" not in source or path.name in ("outbox.py", "models.py"), path
    assert found == OUTBOUND_PATHS
    for name in ("talkzone/conversations.py",):
        call = (root / name).read_text().split("outbox.queue(", 1)[1].split("\n\n", 1)[0]
        assert "permit=permit" in call


def test_system_purposes_go_only_to_the_councils_system_never_to_an_address():
    assert contact_policy.release_time("council_webhook", "3@webhook", "item.created", "{}", None) is None
    assert contact_policy.release_time("council_file_drop", "preston@file-drop", "RS-1", "{}", None) is None
    for purpose, recipient in (("council_webhook", "sam@example.com"),
                               ("council_webhook", "sam@example.com@webhook"),
                               ("council_file_drop", "07700900123@sms.example"),
                               ("council_webhook", "3@file-drop")):
        with pytest.raises(contact_policy.PolicyBypassed):
            contact_policy.release_time(purpose, recipient, "s", "b", None)


def test_safe_times_are_offered_every_half_hour_across_the_calling_hours():
    from datetime import time

    from talkzone.contact_policy import safe_time_choices

    assert safe_time_choices(time(9, 30), time(11, 0)) == ["09:30", "10:00", "10:30", "11:00"]
