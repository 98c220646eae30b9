"""Seed data with known figures for the reports tests: every item is also returned as a plain spec."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from talkzone.models import AuditEvent, CallbackAttempt, Kind
from testkit.factories import make_item

UK = ZoneInfo("Europe/London")
START, END = datetime(2026, 3, 1, tzinfo=UK), datetime(2026, 6, 30, 23, 59, tzinfo=UK)
AREAS = ("preston", "burnley", "chorley")
CHANNELS = ("online", "phone", "email")
OUTCOMES = {Kind.REQUEST_FOR_SUPPORT: ("level_1_signposted", "no_further_action"),
            Kind.COMPLAINT: ("upheld", "not_upheld"), Kind.HELPLINE_CONTACT: ("advice_given",)}


@dataclass
class Spec:
    """What the test knows about one seeded item."""

    reference: str
    kind: str
    area: str | None
    channel: str
    created: datetime
    outcome: str | None = None
    con_level: int | None = None
    on_time: bool | None = None  # allocated, answered or called back in time; None: not counted
    in_range: bool = True


def _status_event(session, item, status, at):
    session.add(AuditEvent(at=at, action="status_changed", submission_id=item.id,
                           detail={"status": status, "previous": "new", "version": 2}))


def seed(session, count: int = 60, seed_value: int = 7) -> list[Spec]:
    """Random volumes inside March-June 2026, hand-made timeliness cases and a few items outside."""
    rng = random.Random(seed_value)
    specs = []
    span = (END - START).total_seconds()
    for _ in range(count):
        kind = rng.choice(Kind.ALL)
        area = rng.choice(AREAS) if kind == Kind.REQUEST_FOR_SUPPORT else None
        channel = rng.choice(CHANNELS)
        created = (START + timedelta(seconds=rng.uniform(0, span))).astimezone(UTC)
        outcome = rng.choice(OUTCOMES[kind] + (None,))
        con_level = rng.choice((1, 2, 3)) if kind == Kind.REQUEST_FOR_SUPPORT and outcome else None
        item = make_item(session, kind, area, contact={"channels": []}, channel=channel, created_at=created,
                         outcome=outcome, con_level=con_level, phone=None,
                         status="closed" if outcome else "new")
        specs.append(Spec(item.reference, kind, area, channel, created, outcome, con_level,
                          on_time=False if kind != Kind.HELPLINE_CONTACT else None))
    specs += _timeliness(session)
    # 00:30 on a summer Monday in the UK is still Sunday in UTC: it belongs to the Monday's week.
    monday = datetime(2026, 6, 15, 0, 30, tzinfo=UK)
    item = make_item(session, Kind.HELPLINE_CONTACT, contact={"channels": []},
                     created_at=monday.astimezone(UTC), phone=None)
    specs.append(Spec(item.reference, item.kind, None, "online", monday))
    for created in (datetime(2026, 2, 28, 23, 30, tzinfo=UTC),  # 23:30 UTC = 23:30 UK: February
                    datetime(2026, 7, 1, 0, 30, tzinfo=UK)):
        item = make_item(session, Kind.REQUEST_FOR_SUPPORT, "preston", contact={"channels": []},
                         created_at=created.astimezone(UTC), phone=None)
        specs.append(Spec(item.reference, item.kind, "preston", "online", created, in_range=False))
    session.commit()
    return specs


def _timeliness(session) -> list[Spec]:
    """Cases whose answer is known by hand, over Easter, the late May bank holiday and UK midnight."""
    specs = []
    requests = [
        # Received Thursday 2 April; Good Friday and Easter Monday skipped: due Monday 13 April.
        (datetime(2026, 4, 2, 10, 0, tzinfo=UK), datetime(2026, 4, 13, 16, 0, tzinfo=UK), True),
        (datetime(2026, 4, 2, 10, 0, tzinfo=UK), datetime(2026, 4, 14, 9, 0, tzinfo=UK), False),
        # 00:30 UK on Friday 12 June is still Thursday in UTC: due Friday 19 June, not Thursday.
        (datetime(2026, 6, 12, 0, 30, tzinfo=UK), datetime(2026, 6, 19, 15, 0, tzinfo=UK), True),
        # Received Friday 22 May; Monday 25 May is a bank holiday: due Monday 1 June.
        (datetime(2026, 5, 22, 23, 59, tzinfo=UK), datetime(2026, 6, 1, 17, 0, tzinfo=UK), True),
        (datetime(2026, 5, 22, 23, 59, tzinfo=UK), None, False),
    ]
    for created, allocated, on_time in requests:
        item = make_item(session, Kind.REQUEST_FOR_SUPPORT, "preston", contact={"channels": []},
                         created_at=created.astimezone(UTC), phone=None,
                         status="allocated" if allocated else "new")
        if allocated:
            _status_event(session, item, "allocated", allocated.astimezone(UTC))
        specs.append(Spec(item.reference, item.kind, "preston", "online", created, on_time=on_time))
    complaints = [
        # Received Tuesday 19 May: 10 working days (25 May skipped) is Wednesday 3 June.
        (datetime(2026, 5, 19, 11, 0, tzinfo=UK), datetime(2026, 6, 3, 12, 0, tzinfo=UK), True),
        (datetime(2026, 5, 19, 11, 0, tzinfo=UK), datetime(2026, 6, 4, 12, 0, tzinfo=UK), False),
    ]
    for created, responded, on_time in complaints:
        item = make_item(session, Kind.COMPLAINT, contact={"channels": []},
                         created_at=created.astimezone(UTC), phone=None, status="responded")
        _status_event(session, item, "responded", responded.astimezone(UTC))
        specs.append(Spec(item.reference, item.kind, None, "online", created, on_time=on_time))
    # Helpline contacts: one called inside a safe window, one only outside, one not called yet (not counted).
    for outside in (False, True, None):
        created = datetime(2026, 4, 20, 15, 0, tzinfo=UK)
        contact = {"channels": ["call"], "phone": "07700900001"}
        item = make_item(session, Kind.HELPLINE_CONTACT, contact=contact,
                         created_at=created.astimezone(UTC), phone="07700900001")
        if outside is not None:
            called = created.astimezone(UTC) + timedelta(hours=1)
            session.add(CallbackAttempt(submission_id=item.id, at=called, result="reached",
                                        outside_safe_window=outside))
        specs.append(Spec(item.reference, item.kind, None, "online", created,
                          on_time=None if outside is None else not outside))
    return specs
