"""flask seed-demo: items of every kind through the real use cases, one account per role, idempotent,
refused in production; the demo accounts sign in with the printed password and code."""

from __future__ import annotations

from sqlalchemy import func, select

from portal import demo
from talkzone import access
from talkzone.models import Kind, Submission, User


def _counts(db_session):
    db_session.expire_all()
    return dict(db_session.execute(select(Submission.kind, func.count()).group_by(Submission.kind)).all())


def test_seed_adds_every_kind_and_every_role_once(make_app, db_session):
    app = make_app()
    first = app.test_cli_runner().invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "added 8 items" in first.output
    assert demo.PASSWORD in first.output and "demo-code" in first.output
    assert all(demo.demo_email(role) in first.output for role in access.ROLES)
    counts = _counts(db_session)
    assert counts == {Kind.REQUEST_FOR_SUPPORT: 3, Kind.COMPLAINT: 2, Kind.HELPLINE_CONTACT: 3}
    requests = db_session.scalars(select(Submission).where(Submission.kind == Kind.REQUEST_FOR_SUPPORT)).all()
    assert len({r.area_code for r in requests}) == 3 and all(r.due_on for r in requests)
    contacts = db_session.scalars(select(Submission).where(Submission.kind == Kind.HELPLINE_CONTACT)).all()
    calls = [c for c in contacts if c.contact.get("windows")]
    assert len(calls) >= 2 and all(len(c.contact["windows"]) == 2 for c in calls)
    flagged = [c for c in contacts if c.safeguarding]
    assert [c.subject_name for c in flagged] == [demo.FLAGGED] and flagged[0].safeguarding_reason
    assert sorted(db_session.scalars(select(User.role))) == sorted(access.ROLES)

    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "added 0 items" in again.output
    assert _counts(db_session) == counts
    assert db_session.scalar(select(func.count()).select_from(User)) == len(access.ROLES)


def test_seed_is_refused_in_production(make_app, db_session):
    app = make_app(PORTAL_ENV="production")
    for command in (["seed-demo"], ["demo-code"]):
        result = app.test_cli_runner().invoke(args=command)
        assert result.exit_code == 1
        assert "for development only" in result.output
    assert db_session.scalar(select(func.count()).select_from(User)) == 0
    assert db_session.scalar(select(func.count()).select_from(Submission)) == 0


def test_demo_account_signs_in_with_the_printed_password_and_code(make_app):
    app = make_app()
    app.test_cli_runner().invoke(args=["seed-demo"])
    code = app.test_cli_runner().invoke(args=["demo-code"]).output.strip()
    client = app.test_client()
    response = client.post("/console/sign-in", data={"email": demo.demo_email(access.HELPLINE_ADVISER),
                                                     "password": demo.PASSWORD})
    assert response.headers["Location"].endswith("/console/sign-in/code")
    response = client.post("/console/sign-in/code", data={"code": code})
    assert response.status_code == 302
    inbox = client.get("/console/").get_data(as_text=True)
    assert inbox.count("TZ-") >= 3 and "RS-" not in inbox
