"""flask retention purge through the real CLI: expired items anonymised, holds and unexpired kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from talkzone import access, reports
from talkzone.models import AuditEvent, CallbackAttempt, Kind, Note, OutboxMessage, Submission, utcnow
from testkit.factories import make_item, make_user, sign_in_as
from tests.pages import page_of

PERSONAL = ("subject_name", "postcode", "phone", "email", "iyss_number")
KEPT = ("reference", "kind", "area_code", "status", "channel", "language", "created_at", "closed_at",
        "outcome", "con_level", "due_on", "destination")
CONTACT = {"channels": ["call", "email"], "phone": "07700 900456", "email": "sam@example.com",
           "days": ["mon"], "start": "16:00", "end": "18:00"}


def _item(session, kind, closed_days_ago, **columns):
    now = utcnow()
    closed = None if closed_days_ago is None else now - timedelta(days=closed_days_ago)
    item = make_item(session, kind, contact=dict(CONTACT), status="closed" if closed else "new",
                     created_at=now - timedelta(days=(closed_days_ago or 0) + 30), closed_at=closed,
                     subject_name="Sam Example", postcode="PR1 2AB", email="sam@example.com",
                     iyss_number="IY123" if kind != Kind.COMPLAINT else None, outcome="advice_given"
                     if kind == Kind.HELPLINE_CONTACT and closed else None,
                     con_level=2 if kind == Kind.REQUEST_FOR_SUPPORT and closed else None,
                     answers={"who": {"name": "Sam Example"}, "message": {"message": "private words"}},
                     **columns)
    session.add(Note(submission_id=item.id, text="Spoke to Sam's mum", at=now))
    session.add(CallbackAttempt(submission_id=item.id, result="reached", at=now, note="called Sam"))
    session.add(OutboxMessage(submission_id=item.id, purpose="family_acknowledgement",
                              recipient="sam@example.com",
                              subject=f"Reference {item.reference}", body="Dear Sam, private words",
                              message_id=f"<{item.reference}@test>", status="sent"))
    session.commit()
    return item


def seed(session) -> dict[str, Submission]:
    return {
        # Lancashire keeps helpline contacts 12 months and requests and complaints 72.
        "expired_contact": _item(session, Kind.HELPLINE_CONTACT, 400),
        "expired_request": _item(session, Kind.REQUEST_FOR_SUPPORT, 366 * 6 + 5, area_code="burnley"),
        "held": _item(session, Kind.HELPLINE_CONTACT, 500, legal_hold=True),
        "unexpired_contact": _item(session, Kind.HELPLINE_CONTACT, 300),
        "unexpired_request": _item(session, Kind.REQUEST_FOR_SUPPORT, 400),
        "open": _item(session, Kind.HELPLINE_CONTACT, None),
    }


def snapshot(session) -> dict:
    """Every stored value of every item and its notes, calls and mail."""
    session.expire_all()
    data = {}
    for item in session.scalars(select(Submission).order_by(Submission.id)):
        row = {c.name: getattr(item, c.key) for c in Submission.__table__.columns}
        row["notes"] = [n.text for n in session.scalars(select(Note).where(Note.submission_id == item.id))]
        row["calls"] = [a.note for a in session.scalars(
            select(CallbackAttempt).where(CallbackAttempt.submission_id == item.id))]
        row["mail"] = [(m.recipient, m.body) for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.submission_id == item.id))]
        data[item.reference] = row
    return data


def _audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent))


def _report(session, admin):
    today = utcnow().date()
    return reports.build(session, admin, reports.Filters(today - timedelta(days=799), today))


def test_purge(app, db_session):
    items = seed(db_session)
    admin = make_user(db_session, access.ADMINISTRATOR)
    runner = app.test_cli_runner()
    before = snapshot(db_session)
    report_before = _report(db_session, admin)
    audit_before = _audit_count(db_session)

    dry = runner.invoke(args=["retention", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "helpline_contact: would anonymise 1" in dry.output
    assert "request_for_support: would anonymise 1" in dry.output
    assert "1 kept under legal hold" in dry.output
    assert "dry run: nothing changed" in dry.output
    assert snapshot(db_session) == before
    assert _audit_count(db_session) == audit_before

    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    assert "helpline_contact: 1/1" in result.output and "request_for_support: 1/1" in result.output
    assert "done: 2 item(s)" in result.output
    after = snapshot(db_session)
    assert after.keys() == before.keys()
    for name in ("expired_contact", "expired_request"):
        ref = items[name].reference
        row, old = after[ref], before[ref]
        assert all(row[field] is None for field in PERSONAL), name
        assert row["answers"] == {} and row["contact"] == {}
        assert row["notes"] == [""] and row["calls"] == [None] and row["mail"] == [("", "")]
        assert row["anonymised_at"] is not None
        assert {f: row[f] for f in KEPT} == {f: old[f] for f in KEPT}
        assert "Sam" not in repr(row)
    for name in ("held", "unexpired_contact", "unexpired_request", "open"):
        ref = items[name].reference
        assert after[ref] == before[ref], name
    assert _report(db_session, admin).sections() == report_before.sections()
    actions = [e.action for e in db_session.scalars(select(AuditEvent).where(AuditEvent.id > 0))]
    assert actions.count("anonymised") == 2
    assert actions.count("retention_purge") == 1
    purged = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "retention_purge")).one()
    assert purged.detail["counts"] == {"complaint": 0, "helpline_contact": 1, "request_for_support": 1}

    audit_after = _audit_count(db_session)
    again = runner.invoke(args=["retention", "purge"])
    assert again.exit_code == 0, again.output
    assert "done: 0 item(s)" in again.output
    assert snapshot(db_session) == after
    assert _audit_count(db_session) == audit_after


def test_a_lifted_legal_hold_lets_the_purge_through(app, db_session):
    items = seed(db_session)
    from talkzone import retention

    admin = make_user(db_session, access.ADMINISTRATOR)
    retention.set_legal_hold(db_session, admin, items["held"].reference, False, "case closed")
    db_session.commit()  # as the console's unit of work does when the view returns
    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert "helpline_contact: anonymised 2" in result.output
    db_session.expire_all()
    assert db_session.get(Submission, items["held"].id).subject_name is None


def _console(app, session, role=access.ADMINISTRATOR):
    client = app.test_client()
    user = make_user(session, role)
    sign_in_as(client, session, user)
    return client, user


@pytest.mark.parametrize("role", sorted(set(access.ROLES) - {access.ADMINISTRATOR}))
def test_only_administrators_may_run_retention_from_the_console(app, db_session, role):
    seed(db_session)
    before = snapshot(db_session)
    client, _user = _console(app, db_session, role)
    assert client.get("/console/retention").status_code == 403
    assert client.post("/console/retention", data={"total": "2", "confirm": "yes"}).status_code == 403
    assert snapshot(db_session) == before


def test_the_console_shows_what_a_run_would_anonymise_then_runs_it_once_confirmed(app, db_session):
    items = seed(db_session)
    before = snapshot(db_session)
    client, admin = _console(app, db_session)
    page = page_of(client.get("/console/retention").get_data(as_text=True))
    shown = {td["data-kind"]: td.get_text(strip=True)
             for td in page.find_all("td", attrs={"data-kind": True})}
    assert shown == {"complaint": "0", "helpline_contact": "1", "request_for_support": "1"}
    assert "Anonymise 2 items" in page.get_text()
    held = items["held"].reference
    assert page.find("a", href=f"/console/items/{held}/legal-hold") is not None
    assert snapshot(db_session) == before  # looking changes nothing

    unconfirmed = client.post("/console/retention", data={"total": "2"}).get_data(as_text=True)
    assert "Confirm that you want to anonymise these items" in unconfirmed
    stale = client.post("/console/retention", data={"total": "5", "confirm": "yes"}).get_data(as_text=True)
    assert "The figures changed while you were looking at them" in stale
    assert snapshot(db_session) == before

    done = client.post("/console/retention", data={"total": "2", "confirm": "yes"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/retention")
    after = snapshot(db_session)
    assert after[items["expired_contact"].reference]["anonymised_at"] is not None
    assert after[items["expired_request"].reference]["anonymised_at"] is not None
    assert after[held] == before[held]
    run = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "retention_purge")).one()
    assert run.actor_id == admin.id and run.detail["counts"]["helpline_contact"] == 1
    again = page_of(client.get("/console/retention").get_data(as_text=True))
    assert "Retention run finished: 2 item(s) anonymised" in again.get_text()
    assert again.find(attrs={"data-nothing": True}) is not None
