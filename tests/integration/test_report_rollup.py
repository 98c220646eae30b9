"""The reports' roll-up equals the items: after creates, status changes, call backs, reroutes,
safeguarding flags, retention's anonymising and deletions, around the UK clock changes and midnight;
timeliness (met, late, not yet due) as counted from the items on two different days, and the
hand-off figures after the case system's answers."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from talkzone import access, handoff, inbox, reports, retention, rollup
from talkzone.calendar import add_working_days
from talkzone.complaints import STAGE_1_WORKING_DAYS
from talkzone.models import AuditEvent, Base, CallbackAttempt, Handoff, Kind, Submission
from talkzone.profile import load_profile
from talkzone.submissions import ALLOCATE_WITHIN_WORKING_DAYS
from talkzone.uow import UnitOfWork
from testkit.factories import CONTACT, make_api_client, make_item, make_user

UK = ZoneInfo("Europe/London")
TODAY = date(2026, 12, 2)
# A day on which the items that arrived since 29 October (requests) or 22 October (complaints) are not
# yet due: the report that day must leave them out, and the one on TODAY count them.
EARLIER = date(2026, 11, 5)
DEADLINES = {Kind.REQUEST_FOR_SUPPORT: ALLOCATE_WITHIN_WORKING_DAYS, Kind.COMPLAINT: STAGE_1_WORKING_DAYS}
RANGE = reports.Filters(date(2026, 1, 1), TODAY)
# UTC moments either side of UK midnight, the spring and autumn clock changes and the new year.
MOMENTS = [datetime(2026, 3, 28, 23, 59, 59), datetime(2026, 3, 29, 0, 59, 59), datetime(2026, 3, 29, 1, 0),
           datetime(2026, 3, 29, 23, 0), datetime(2026, 10, 24, 22, 59, 59), datetime(2026, 10, 24, 23, 0),
           datetime(2026, 10, 25, 0, 59, 59), datetime(2026, 10, 25, 1, 0),
           datetime(2026, 10, 25, 23, 59, 59),
           datetime(2026, 6, 30, 22, 59, 59), datetime(2026, 6, 30, 23, 0), datetime(2026, 1, 1, 0, 0),
           datetime(2026, 11, 2, 0, 0)]
AGES = ("under_12", "14", "17", "21", "prefer_not")
TOPICS = ("home", "bullying", "mental_health")
MAILING = inbox.Mailing(compose=lambda purpose, item: (f"{purpose} {item.reference}", "body\n"),
                        domain="lancashire.example", profile=load_profile("lancashire"))


def _uk(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(UK)


def direct(session, today: date = TODAY) -> tuple[Counter, dict]:
    """The report's figures on ``today`` counted in Python from the items themselves."""
    session.expire_all()
    counts, reached = Counter(), {}
    for event in session.scalars(select(AuditEvent).where(AuditEvent.action == "status_changed")
                                 .order_by(AuditEvent.at)):
        reached.setdefault((event.submission_id, event.detail.get("status")), _uk(event.at).date())
    shares = {key: [0, 0] for key in ("request_for_support:allocated", "complaint:responded")}
    for item in session.scalars(select(Submission)):
        local = _uk(item.created_at.replace(tzinfo=None))
        if not RANGE.start <= local.date() <= RANGE.end:
            continue
        counts["by_kind", item.kind] += 1
        if item.area_code:
            counts["by_area", item.area_code] += 1
        counts["by_week", (local.date() - timedelta(days=local.weekday())).isoformat()] += 1
        counts["by_channel", item.channel] += 1
        if item.outcome:
            counts["outcomes", f"{item.kind}:{item.outcome}"] += 1
        if item.con_level:
            counts["con_levels", str(item.con_level)] += 1
        if item.kind == Kind.HELPLINE_CONTACT:
            counts["helpline_by_hour", f"{local.hour:02d}"] += 1
            counts["helpline_by_topic", (item.answers.get("topic") or {}).get("topic", "")] += 1
            age = (item.answers.get("about-you") or {}).get("age", "")
            counts["helpline_by_age", reports.AGE_BANDS.get(age, "")] += 1
        if item.kind in rollup.REACHED:
            due = add_working_days(local.date(), DEADLINES[item.kind])
            if due < today:
                share = shares[f"{item.kind}:{rollup.REACHED[item.kind]}"]
                share[1] += 1
                on = reached.get((item.id, rollup.REACHED[item.kind]))
                share[0] += on is not None and on <= due
    return counts, {k: tuple(v) for k, v in shares.items()}


def check(session, admin) -> dict:
    """The stored roll-up equals one built afresh from the items, and the report equals direct counts,
    on TODAY and EARLIER; returns the timeliness figures on each."""
    session.commit()
    connection = session.connection()
    assert rollup.stored(connection) == rollup.contribution(connection)
    answers = {h.submission_id: h.status for h in session.scalars(select(Handoff))}
    every = session.scalars(select(Submission.id))
    assert handoff.counts(session, admin) == Counter(answers.get(item_id) for item_id in every)
    found = {}
    for today in (TODAY, EARLIER):
        report = reports.build(session, admin, RANGE, today=today)
        counts, shares = direct(session, today)
        got = Counter({(section, c.key): c.count for section, items in report.sections().items()
                       for c in items if isinstance(c, reports.Count) and c.count})
        assert got == counts
        found[today] = {s.key: (s.met, s.total) for s in report.timeliness[:2]}
        assert found[today] == shares
    return found


def test_the_roll_up_equals_the_items_through_every_change(app, db_session):
    session = db_session
    admin = make_user(session, access.ADMINISTRATOR)
    adviser = make_user(session, access.HELPLINE_ADVISER)
    items = []
    for i, moment in enumerate(MOMENTS):
        kind = Kind.ALL[i % 3]
        items.append(make_item(
            session, kind, "preston" if kind == Kind.REQUEST_FOR_SUPPORT else None, contact=dict(CONTACT),
            created_at=moment.replace(tzinfo=UTC), channel=("online", "phone")[i % 2],
            answers={"topic": {"topic": TOPICS[i % 3]}, "about-you": {"age": AGES[i % 5]}}))
    check(session, admin)
    assert sum(rollup.stored(session.connection()).values()) > 0

    # The first allocation and the first reply; a later one does not move the day reached.
    for item in items:
        if item.kind in rollup.REACHED:
            for days in (3, 12):
                session.add(AuditEvent(at=item.created_at + timedelta(days=days), submission_id=item.id,
                                       action="status_changed",
                                       detail={"status": rollup.REACHED[item.kind], "version": 2}))
    check(session, admin)

    # Timeliness: a request received the day before Good Friday and allocated on 13 April, the fifth
    # working day after it only because of the two bank holidays (met); one allocated on the sixth
    # working day (late); one never allocated; and one that arrived on 3 November, not yet due on
    # EARLIER but due by TODAY. A complaint answered after 10 working days and one a day later.
    def allocated(item, on: date, status="allocated"):
        session.add(AuditEvent(at=datetime(on.year, on.month, on.day, 12, tzinfo=UTC), submission_id=item.id,
                               action="status_changed", detail={"status": status, "version": 2}))

    def received(kind, on: date):
        return make_item(session, kind, created_at=datetime(on.year, on.month, on.day, 9, tzinfo=UTC))

    allocated(received(Kind.REQUEST_FOR_SUPPORT, date(2026, 4, 2)), date(2026, 4, 13))
    allocated(received(Kind.REQUEST_FOR_SUPPORT, date(2026, 4, 2)), date(2026, 4, 14))
    received(Kind.REQUEST_FOR_SUPPORT, date(2026, 5, 1))
    waiting = received(Kind.REQUEST_FOR_SUPPORT, date(2026, 11, 3))
    allocated(received(Kind.COMPLAINT, date(2026, 9, 1)), date(2026, 9, 15), "responded")
    allocated(received(Kind.COMPLAINT, date(2026, 9, 1)), date(2026, 9, 16), "responded")
    shares = check(session, admin)
    assert rollup.due(Kind.REQUEST_FOR_SUPPORT, date(2026, 4, 2)) == date(2026, 4, 13)
    assert rollup.due(Kind.COMPLAINT, date(2026, 9, 1)) == date(2026, 9, 15)
    late = {key for key, n in rollup.stored(session.connection()).items() if key[0] == "timely" and n
            and key[5] == "late"}
    assert {(day, kind) for _d, day, kind, *_rest in late} >= {(date(2026, 4, 2), Kind.REQUEST_FOR_SUPPORT),
                                                              (date(2026, 9, 1), Kind.COMPLAINT)}
    # The request that arrived on 3 November (and those before it since 29 October) fall due between
    # EARLIER and TODAY; allocating it now, late, moves it from not reached to late.
    met, total = shares[TODAY]["request_for_support:allocated"]
    assert total > shares[EARLIER]["request_for_support:allocated"][1]
    allocated(waiting, date(2026, 11, 20))
    assert check(session, admin)[TODAY]["request_for_support:allocated"] == (met, total)

    # The case system declines a request, then accepts it, and accepts another.
    client, _token = make_api_client(session)
    handoff.record_status(session, client, waiting.reference, handoff.DECLINED, reason="Not for us")
    check(session, admin)
    handoff.record_status(session, client, waiting.reference, handoff.ACCEPTED, case_id="C-1")
    handoff.record_status(session, client, items[0].reference, handoff.ACCEPTED, case_id="C-2")
    check(session, admin)
    assert handoff.counts(session, admin)[handoff.ACCEPTED] == 2

    contacts = [i for i in items if i.kind == Kind.HELPLINE_CONTACT]
    session.add(CallbackAttempt(submission_id=contacts[0].id, result="reached", outside_safe_window=True,
                                at=contacts[0].created_at + timedelta(hours=1)))
    session.add(CallbackAttempt(submission_id=contacts[1].id, result="reached",
                                at=contacts[1].created_at + timedelta(hours=1)))
    check(session, admin)

    # A helpline contact rerouted into a request for Wyre: the contact is closed, a request made.
    inbox.reroute(session, adviser, contacts[2].reference, Kind.REQUEST_FOR_SUPPORT, contacts[2].version,
                  MAILING, area_code="wyre", basis="agreed", how_agreed="On the phone today")
    check(session, admin)
    # An item moved to another area, a channel corrected, a flag raised, a request closed.
    request = next(i for i in items if i.kind == Kind.REQUEST_FOR_SUPPORT)
    request.area_code, request.channel, request.safeguarding = "burnley", "email", True
    session.flush()
    items[1].status, items[1].outcome, items[1].closed_at = "closed", "upheld", items[1].created_at
    check(session, admin)

    # Retention anonymises closed helpline contacts (their topic and age go with the answers).
    for item in contacts[3:]:
        item.status, item.outcome, item.closed_at = "closed", "advice_given", item.created_at
    session.commit()
    with UnitOfWork(session) as uow:
        result = retention.purge(uow, MAILING.profile, now=datetime(2028, 6, 1, tzinfo=UTC))
    assert result.counts[Kind.HELPLINE_CONTACT] == 2  # and the rerouted contact, closed by the reroute
    check(session, admin)

    # An item deleted outright: first everything that points at it (its call back and first
    # allocation leave the roll-up), then the item itself.
    for mapper in Base.registry.mappers:
        model = mapper.class_
        if "submission_id" in mapper.columns:
            for row in session.scalars(select(model).where(model.submission_id == contacts[0].id)):
                session.delete(row)
    session.flush()
    assert rollup.stored(session.connection()) == rollup.contribution(session.connection())
    session.delete(contacts[0])
    check(session, admin)
    assert session.scalar(select(Submission).where(Submission.id == contacts[0].id)) is None
