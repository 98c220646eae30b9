"""The inbox and an item through the test client: filters, search, order, the contact panel, audit."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from talkzone import access
from talkzone.models import AuditEvent, Kind, OutboxMessage, utcnow
from testkit.factories import make_item, make_user, sign_in_as
from tests.pages import text_of

ITEM_LINK = r"/console/items/([A-Z]{2}-[A-Z0-9]{4}-[A-Z0-9]{4})"


def _references(response) -> list[str]:
    assert response.status_code == 200
    links = (re.fullmatch(ITEM_LINK, a["href"]) for a in response.page.find_all("a", href=True))
    return [link[1] for link in links if link]


def _client(app, db_session, role=access.HELPLINE_ADVISER, **kw):
    user = make_user(db_session, role, **kw)
    client = app.test_client()
    sign_in_as(client, db_session, user)
    return client, user


def test_safeguarding_first_then_newest_and_pages_of_25(app, db_session):
    client, _ = _client(app, db_session)
    now = utcnow()
    items = [make_item(db_session, created_at=now - timedelta(minutes=i)) for i in range(30)]
    urgent = make_item(db_session, created_at=now - timedelta(days=3), safeguarding=True)
    first = _references(client.get("/console/"))
    assert len(first) == 25
    assert first[0] == urgent.reference
    assert first[1:] == [i.reference for i in items[:24]]
    second = _references(client.get("/console/?page=2"))
    assert second == [i.reference for i in items[24:]]
    assert "Next page" not in client.get("/console/?page=2").get_data(as_text=True)


def test_filters(app, db_session):
    client, user = _client(app, db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston", "burnley"])
    today = date.today()
    mine = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "preston", assigned_to_id=user.id,
                     due_on=today + timedelta(days=20))
    late = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "burnley", due_on=today - timedelta(days=1))
    soon = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "preston", due_on=today, status="acknowledged")
    flagged = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "preston", safeguarding=True)
    closed_late = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "burnley", status="closed",
                            due_on=today - timedelta(days=9))
    elsewhere = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "pendle")
    every = set(_references(client.get("/console/")))
    assert every == {mine.reference, late.reference, soon.reference, flagged.reference, closed_late.reference}
    assert elsewhere.reference not in every
    assert _references(client.get("/console/?mine=1")) == [mine.reference]
    assert mine.reference not in _references(client.get("/console/?unassigned=1"))
    assert _references(client.get("/console/?overdue=1")) == [late.reference]
    assert _references(client.get("/console/?due_soon=1")) == [soon.reference]
    assert _references(client.get("/console/?safeguarding=1")) == [flagged.reference]
    assert set(_references(client.get("/console/?area=burnley"))) == {late.reference, closed_late.reference}
    assert _references(client.get("/console/?status=acknowledged")) == [soon.reference]
    # An area outside the officer's own is simply empty, never a way round the rules.
    assert _references(client.get("/console/?area=pendle")) == []


def test_type_filter_for_an_administrator(app, db_session):
    client, _ = _client(app, db_session, access.ADMINISTRATOR)
    helpline = make_item(db_session, Kind.HELPLINE_CONTACT)
    complaint = make_item(db_session, Kind.COMPLAINT)
    assert _references(client.get("/console/?kind=complaint")) == [complaint.reference]
    assert _references(client.get("/console/?kind=helpline_contact")) == [helpline.reference]


def test_search_by_reference_name_postcode_phone_and_email_in_a_post_body(app, db_session):
    client, _ = _client(app, db_session)
    target = make_item(db_session, subject_name="Robin Hart", postcode="PR1 2AB",
                       contact={"channels": ["call", "email"], "phone": "07700 900456",
                                "email": "Robin@Example.com"})
    make_item(db_session, subject_name="Sam Lee", postcode="BB1 1AA",
              contact={"channels": ["call"], "phone": "07700 900999"})
    hidden = make_item(db_session, Kind.COMPLAINT, subject_name="Robin Hart")
    for query in (target.reference, target.reference.lower().replace("-", ""), "robin", "Robin H", "pr12ab",
                  "PR1 2AB", "07700900456", "+44 7700 900456", "robin@example.com"):
        found = _references(client.post("/console/", data={"q": query}))
        assert found == [target.reference], query
    assert hidden.reference not in _references(client.post("/console/", data={"q": "Robin"}))
    assert _references(client.post("/console/", data={"q": "nobody%"})) == []
    ten_letters = make_item(db_session, subject_name="Alex Taylor")
    assert _references(client.post("/console/", data={"q": "Alex Taylor"})) == [ten_letters.reference]
    # Search terms never go in the address.
    page = client.get("/console/").get_data(as_text=True)
    assert 'method="post"' in page and 'name="q"' in page


def test_two_words_find_one_persons_name_in_either_order_through_the_inbox_page(app, db_session):
    client, _ = _client(app, db_session)
    hart = make_item(db_session, subject_name="Robin Hart")
    hall = make_item(db_session, subject_name="Robin Hall")
    make_item(db_session, subject_name="Robin Smith")
    pair = make_item(db_session, subject_name="Sam Smith", answers={"logged_contact": {"name": "Robin Hart"}})
    assert sorted(_references(client.post("/console/", data={"q": "Robin Ha"}))) == \
        sorted([hart.reference, hall.reference, pair.reference])
    assert sorted(_references(client.post("/console/", data={"q": "hart  ROBIN"}))) == \
        sorted([hart.reference, pair.reference])
    assert _references(client.post("/console/", data={"q": "Robin Hughes"})) == []
    assert _references(client.post("/console/", data={"q": "sam hart"})) == []


def test_the_item_shows_the_contact_panel_first_and_every_answer(app, db_session):
    client, _ = _client(app, db_session)
    item = make_item(db_session, answers={"topic": {"topic": "home"},
                                          "message": {"message": "My stepdad shouts at night"}})
    response = client.get(f"/console/items/{item.reference}")
    html = response.get_data(as_text=True)
    panel = response.page.find(attrs={"data-contact-panel": True})
    words = text_of(panel)
    assert ("Do not leave a voicemail. Safe: Tue–Thu 4pm–6pm. Do not say where you are calling from. "
            "Must not know: stepfather") in words
    assert panel in response.page.find("h2", string="Answers").find_all_previous()
    assert "My stepdad shouts at night" in html
    assert response.page.title.get_text().strip().startswith(f"{item.reference} –")


def test_callback_windows_are_shown_in_words(app, db_session):
    client, _ = _client(app, db_session)
    item = make_item(db_session, contact={"channels": ["call"], "phone": "07700 900123", "voicemail": "yes",
                                          "say_who": "yes", "windows": [["2026-11-24T16:00:00+00:00",
                                                                         "2026-11-24T18:00:00+00:00"]]})
    html = client.get(f"/console/items/{item.reference}").get_data(as_text=True)
    assert "Safe: Tue 24 Nov 4pm–6pm." in html
    assert "A voicemail or message is fine." in html
    assert "You may say where you are calling from." in html
    stored = make_item(db_session, contact={"channels": ["text"], "anonymous": False, "phone": "07700 900123",
                                            "windows": [{"start": "2026-11-25T19:00:00+00:00",
                                                         "end": "2026-11-25T20:30:00+00:00"}],
                                            "asap": False, "say_who": "no"})
    html = client.get(f"/console/items/{stored.reference}").get_data(as_text=True)
    assert "Safe: Wed 25 Nov 7pm–8:30pm." in html and "Contact by: text message." in html
    anonymous = make_item(db_session, contact={"channels": [], "anonymous": True})
    html = client.get(f"/console/items/{anonymous.reference}").get_data(as_text=True)
    assert "Anonymous: they left no way to reply." in html


def test_the_timeline_shows_submission_routing_and_mail_but_not_views(app, db_session):
    client, user = _client(app, db_session)
    item = make_item(db_session)
    from talkzone import audit
    audit.record(db_session, "submitted", submission=item)
    audit.record(db_session, "routed", submission=item, destination=item.destination)
    db_session.add_all([
        OutboxMessage(submission_id=item.id, purpose="helpline_notification", recipient="a@x.example",
                      subject="s", body="b", message_id="<1@x>", status="sent", sent_at=utcnow()),
        OutboxMessage(submission_id=item.id, purpose="acknowledgement", recipient="b@x.example",
                      subject="s", body="b", message_id="<2@x>", status="queued", attempts=2,
                      last_error="connection refused"),
    ])
    db_session.commit()
    client.get(f"/console/items/{item.reference}")
    page = client.get(f"/console/items/{item.reference}").page
    events = [tag["data-event"] for tag in page.find_all(attrs={"data-event": True})]
    for expected in ("submitted", "routed", "mail_queued", "mail_sent", "mail_failing"):
        assert expected in events
    assert "viewed" not in events


def test_every_view_is_audited_and_only_administrators_see_the_trail(app, db_session):
    client, adviser = _client(app, db_session)
    admin_client, admin = _client(app, db_session, access.ADMINISTRATOR)
    item = make_item(db_session)
    assert "data-audit" not in client.get(f"/console/items/{item.reference}").get_data(as_text=True)
    html = admin_client.get(f"/console/items/{item.reference}").get_data(as_text=True)
    assert "data-audit" in html and adviser.name in html
    views = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "viewed",
                                                        AuditEvent.submission_id == item.id)).all()
    assert {v.actor_id for v in views} == {adviser.id, admin.id}
    client.get(f"/console/items/{item.reference}/callbacks")
    db_session.expire_all()
    latest = db_session.scalars(select(AuditEvent).where(AuditEvent.submission_id == item.id)
                                .order_by(AuditEvent.id.desc())).first()
    assert (latest.action, latest.actor_id, latest.detail["page"]) == ("viewed", adviser.id, "callback")
    trail = admin_client.get("/console/audit").get_data(as_text=True)
    assert item.reference in trail and "viewed" in trail


def test_console_pages_have_no_exit_button_and_offer_sign_out(app, db_session):
    client, _ = _client(app, db_session)
    html = client.get("/console/").get_data(as_text=True)
    assert "govuk-exit-this-page" not in html
    assert "Sign out" in html
    assert client.get("/console/").headers["Cache-Control"] == "no-store"


def test_search_results_are_paged_in_the_inbox_order(app, db_session):
    client, _ = _client(app, db_session)
    now = utcnow()
    robins = [make_item(db_session, subject_name=f"Robin {i}", created_at=now - timedelta(minutes=i))
              for i in range(30)]
    flagged = make_item(db_session, subject_name="Robin Flagged", created_at=now - timedelta(days=9),
                        safeguarding=True)
    first = _references(client.post("/console/", data={"q": "robin"}))
    second = _references(client.post("/console/", data={"q": "robin", "page": "2"}))
    assert first == [flagged.reference] + [r.reference for r in robins[:24]]
    assert second == [r.reference for r in robins[24:]]


def test_callbacks_due_now_and_the_inbox_columns(make_app, db_session):
    app = make_app(CLOCK=lambda: datetime(2026, 12, 1, 14, 5, tzinfo=UTC))
    client, user = _client(app, db_session)

    def window(start, end):
        return {"channels": ["call"], "phone": "07700 900123",
                "windows": [{"start": f"2026-12-01T{start}:00+00:00", "end": f"2026-12-01T{end}:00+00:00"}]}

    due = {"status": "callback_due"}
    later = make_item(db_session, subject_name="Jay", contact=window("14:00", "16:00"),
                      assigned_to_id=user.id, **due)
    sooner = make_item(db_session, subject_name="Kai", contact=window("13:30", "14:30"), **due)
    waiting = make_item(db_session, subject_name="Lou", contact=window("15:00", "17:00"), **due)
    page = client.get("/console/").page
    queue = page.select_one("[data-callbacks-due]")
    assert [a.get_text(strip=True) for a in queue.select("a")] == [sooner.reference, later.reference]
    assert "Tue 1 Dec 1:30pm–2:30pm" in text_of(queue)
    rows = {r.select_one("a").get_text(strip=True): [text_of(c) for c in r.select("td")]
            for r in page.select("[data-inbox] tbody tr")}
    assert rows[later.reference][1] == "Jay"
    assert rows[later.reference][9] == user.name
    assert rows[waiting.reference][9] == "Unassigned"
    assert rows[waiting.reference][10] == "Tue 1 Dec 3pm–5pm"
    # A search shows its matches alone, and the page says the words searched for are not kept.
    searched = client.post("/console/", data={"q": "Kai"}).page
    assert searched.select_one("[data-callbacks-due]") is None
    assert "not kept in the page address" in text_of(searched.select_one("#q-hint"))


def test_previous_contacts_share_a_phone_email_or_postcode_within_the_scope(app, db_session):
    client, _ = _client(app, db_session)
    now = utcnow()
    first = make_item(db_session, contact={"channels": ["call"], "phone": "07700 900456"},
                      created_at=now - timedelta(days=30))
    by_email = make_item(db_session, contact={"channels": ["email"], "email": "jo@example.com"},
                         created_at=now - timedelta(days=9))
    latest = make_item(db_session, contact={"channels": ["call", "email"], "phone": "077009 00456",
                                            "email": "JO@example.com"})
    make_item(db_session, contact={"channels": ["call"], "phone": "07700 900999"})
    hidden = make_item(db_session, Kind.COMPLAINT, contact={"channels": ["call"], "phone": "07700 900456"})
    page = client.get(f"/console/items/{latest.reference}").page
    links = [a.get_text(strip=True) for a in page.select("[data-previous-contacts] a[data-item-link]")]
    assert links == [by_email.reference, first.reference]
    assert hidden.reference not in links
    back = client.get(f"/console/items/{first.reference}").page
    found = back.select("[data-previous-contacts] a[data-item-link]")
    assert [a.get_text(strip=True) for a in found] == [latest.reference]
