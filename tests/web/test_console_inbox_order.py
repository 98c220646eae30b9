"""The inbox as a day's work list: sorted by due date or by received, a count per quick filter,
what each item is about and its risk, and a note of the items that arrived since the page loaded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from talkzone import access
from talkzone.models import Kind
from testkit.factories import make_item, make_user, sign_in_as
from tests.pages import text_of

AT = datetime(2026, 12, 1, 14, 2, tzinfo=UTC)


def _signed_in(app, db_session, role=access.HELPLINE_ADVISER, **kw):
    user = make_user(db_session, role, **kw)
    client = app.test_client()
    sign_in_as(client, db_session, user)
    return client, user


def _order(client, query="") -> list[str]:
    page = client.get(f"/console/{query}").page
    return [r.select_one("a").get_text(strip=True) for r in page.select("[data-inbox] tbody tr")]


def test_sorted_by_due_date_and_by_received_in_the_address(make_app, db_session):
    app = make_app(CLOCK=lambda: AT)
    client, _ = _signed_in(app, db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"])
    day = date(2026, 12, 1)
    old = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, due_on=day + timedelta(days=9),
                    created_at=AT - timedelta(days=3))
    no_deadline = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, due_on=None,
                            created_at=AT - timedelta(days=2))
    soonest = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, due_on=day, created_at=AT - timedelta(days=1))
    newest = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, due_on=day + timedelta(days=3), created_at=AT)
    assert _order(client) == [newest.reference, soonest.reference, no_deadline.reference, old.reference]
    assert _order(client, "?sort=due") == [soonest.reference, newest.reference, old.reference,
                                           no_deadline.reference]
    assert _order(client, "?sort=received") == [old.reference, no_deadline.reference, soonest.reference,
                                                newest.reference]
    assert _order(client, "?sort=nonsense") == _order(client)
    page = client.get("/console/?sort=due").page
    assert text_of(page.select_one("[data-sort] [aria-current]")) == "due date"
    # A search keeps the order asked for.
    searched = client.post("/console/?sort=received", data={"q": "Alex"}).page
    assert [r.select_one("a").get_text(strip=True) for r in searched.select("[data-inbox] tbody tr")][0] == \
        old.reference


def test_a_count_for_each_quick_filter_within_the_scope(make_app, db_session):
    app = make_app(CLOCK=lambda: AT)
    client, user = _signed_in(app, db_session)
    make_item(db_session, assigned_to_id=user.id)
    make_item(db_session, safeguarding=True)
    make_item(db_session, safeguarding=True)
    make_item(db_session, due_on=date(2026, 11, 20))
    make_item(db_session, Kind.COMPLAINT, safeguarding=True)  # outside the adviser's scope
    page = client.get("/console/").page
    counts = {a["data-filter"]: text_of(a.select_one("[data-count]")) for a in page.select("[data-filter]")}
    assert counts == {"mine": "(1)", "unassigned": "(3)", "overdue": "(1)", "due_soon": "(0)",
                      "safeguarding": "(2)"}


def test_topic_and_risk_columns_in_the_journeys_words(make_app, db_session):
    app = make_app(CLOCK=lambda: AT)
    client, _ = _signed_in(app, db_session, access.ADMINISTRATOR)
    helpline = make_item(db_session)  # topic "home"
    request = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, safeguarding=True,
                        answers={"needs": {"needs": ["send", "money"], "details": "x"},
                                 "risk": {"at_risk": "yes"}})
    page = client.get("/console/").page
    head = [text_of(th) for th in page.select("[data-inbox] thead th")]
    rows = {r.select_one("a").get_text(strip=True): [text_of(c) for c in r.select("td")]
            for r in page.select("[data-inbox] tbody tr")}
    topic, risk = head.index("Topic or needs"), head.index("Risk")
    assert rows[helpline.reference][topic] == "Problems at home"
    assert rows[request.reference][topic] == ("Special educational needs, disability or behaviour, "
                                              "Money, work or debt")
    assert rows[request.reference][risk] == "Safeguarding Child at risk"
    assert rows[helpline.reference][risk] == ""
    assert "Due" in head


def test_check_for_new_items_since_the_page_loaded_without_javascript(make_app, db_session):
    moments = [AT]
    app = make_app(CLOCK=lambda: moments[-1])
    client, _ = _signed_in(app, db_session)
    make_item(db_session, created_at=AT - timedelta(hours=1))
    page = client.get("/console/").page
    check = page.select_one("[data-check-new]")["href"]
    assert f"since={int(AT.timestamp())}" in check
    assert page.select_one("[data-new-items] strong") is None
    for minutes in (1, 2, 3):
        make_item(db_session, created_at=AT + timedelta(minutes=minutes))
    make_item(db_session, Kind.COMPLAINT, created_at=AT + timedelta(minutes=4))  # not the adviser's
    moments.append(AT + timedelta(minutes=5))
    later = client.get(check).page
    assert text_of(later.select_one("[data-new-items] strong")) == "3 new items since 14:02"
    assert f"since={int(moments[-1].timestamp())}" in later.select_one("[data-check-new]")["href"]
    assert client.get("/console/?since=banana").status_code == 200


def test_an_outward_code_search_looks_at_the_newest_items_only_and_says_so(make_app, db_session,
                                                                         monkeypatch):
    from talkzone import search_terms

    monkeypatch.setattr(search_terms, "SEARCH_CAP", 3)
    app = make_app(CLOCK=lambda: AT)
    client, _ = _signed_in(app, db_session)
    stored = [make_item(db_session, subject_name="Alex", postcode=f"PR1 {n}AB") for n in range(5)]
    page = client.post("/console/", data={"q": "PR1"}).page
    found = [r.select_one("a").get_text(strip=True) for r in page.select("[data-inbox] tbody tr")]
    assert sorted(found) == sorted(i.reference for i in stored[2:])
    said = text_of(page.select_one("[data-capped]"))
    assert "Showing only the newest 3 items with that postcode area" in said
    narrow = client.post("/console/", data={"q": "PR1 0AB"}).page
    assert narrow.select_one("[data-capped]") is None
    assert [r.select_one("a").get_text(strip=True) for r in narrow.select("[data-inbox] tbody tr")] == [
        stored[0].reference]


def test_a_broad_name_search_looks_at_the_newest_items_only_and_says_so(make_app, db_session, monkeypatch):
    from talkzone import search_terms

    monkeypatch.setattr(search_terms, "SEARCH_CAP", 3)
    app = make_app(CLOCK=lambda: AT)
    client, _ = _signed_in(app, db_session)
    stored = [make_item(db_session, subject_name=f"Robin {name}", created_at=AT - timedelta(hours=5 - n))
              for n, name in enumerate(["Hall", "Hart", "Hay", "Hale", "Hand"])]
    page = client.post("/console/", data={"q": "robin ha"}).page
    found = [r.select_one("a").get_text(strip=True) for r in page.select("[data-inbox] tbody tr")]
    assert sorted(found) == sorted(i.reference for i in stored[2:])
    assert "Showing only the newest 3 items with a name starting that way" in text_of(
        page.select_one("[data-capped]"))
    narrow = client.post("/console/", data={"q": "Robin Hart"}).page
    assert narrow.select_one("[data-capped]") is None
    assert [r.select_one("a").get_text(strip=True) for r in narrow.select("[data-inbox] tbody tr")] == [
        stored[1].reference]
