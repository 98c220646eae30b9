"""The reports page and its CSV against figures counted independently from the seeded data."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from talkzone import access
from talkzone.models import AuditEvent, Kind
from testkit.factories import make_item, make_user, sign_in_as
from tests.pages import page_of
from tests.report_data import seed

UK = ZoneInfo("Europe/London")
RANGE = "start=1&start=3&start=2026&end=30&end=6&end=2026"
SVG = "{http://www.w3.org/2000/svg}"


def expected(specs, area=None, areas=None) -> dict[tuple[str, str], int]:
    """Every count the page should show, made from the specs alone."""
    chosen = [s for s in specs if s.in_range and (area is None or s.area == area)
              and (areas is None or (s.kind == Kind.REQUEST_FOR_SUPPORT and s.area in areas))]
    counts = Counter()
    for s in chosen:
        counts["by_kind", s.kind] += 1
        if s.area:
            counts["by_area", s.area] += 1
        day = s.created.astimezone(UK).date()
        counts["by_week", (day - timedelta(days=day.weekday())).isoformat()] += 1
        counts["by_channel", s.channel] += 1
        if s.outcome:
            counts["outcomes", f"{s.kind}:{s.outcome}"] += 1
        if s.con_level:
            counts["con_levels", str(s.con_level)] += 1
        if s.kind == Kind.HELPLINE_CONTACT:
            counts["helpline_by_hour", f"{s.created.astimezone(UK).hour:02d}"] += 1
            counts["helpline_by_topic", "home"] += 1  # the factory's topic
            counts["helpline_by_age", ""] += 1  # no age given
    shares = {}
    for kind, key in ((Kind.REQUEST_FOR_SUPPORT, "request_for_support:allocated"),
                      (Kind.COMPLAINT, "complaint:responded"),
                      (Kind.HELPLINE_CONTACT, "helpline_contact:callback")):
        counted = [s for s in chosen if s.kind == kind and s.on_time is not None]
        shares[key] = (sum(s.on_time for s in counted), len(counted))
    return counts, shares


def _csv(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _check_csv(rows, counts, shares):
    got = Counter()
    got_shares = {}
    for row in rows:
        if row["section"] == "timeliness":
            got_shares[row["key"]] = (int(row["met"]), int(row["total"]))
        elif int(row["count"]):
            got[row["section"], row["key"]] = int(row["count"])
    assert got == counts
    assert got_shares == shares


def _page_tables(html) -> dict[str, dict[str, str]]:
    tables = {}
    for section in page_of(html).find_all("section", attrs={"data-section": True}):
        rows = [(row.find("th", scope="row"), row.find("td", attrs={"data-figure": True}))
                for row in section.find_all("tr")]
        tables[section["data-section"]] = {th.decode_contents(): td.decode_contents()
                                           for th, td in rows if th and td}
    return tables


def _check_page(html, rows, counts, shares):
    """Each table's figure, found by the row's label (taken from the CSV's key to label column)."""
    tables = _page_tables(html)
    labels = {(r["section"], r["key"]): r["label"].replace("'", "&#39;") for r in rows}
    for (section, key), count in counts.items():
        assert tables[section][labels[section, key]] == str(count), (section, key)
    for key, (met, total) in shares.items():
        shown = tables["timeliness"][labels["timeliness", key]]
        assert shown == ("–" if total == 0 else f"{round(100 * met / total)}% ({met} / {total})")
    shown_total = sum(int(v) for k, v in tables["by_kind"].items())
    assert shown_total == sum(v for (s, _k), v in counts.items() if s == "by_kind")


def _admin_client(app, db_session):
    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, access.ADMINISTRATOR))
    return client


def test_table_and_csv_equal_independent_counts(app, db_session):
    specs = seed(db_session)
    client = _admin_client(app, db_session)
    counts, shares = expected(specs)
    assert shares["request_for_support:allocated"][0] == 3
    assert shares["complaint:responded"][0] == 1
    assert shares["helpline_contact:callback"] == (1, 2)
    rows = _csv(client.get(f"/console/reports.csv?{RANGE}"))
    _check_csv(rows, counts, shares)
    page = client.get(f"/console/reports?{RANGE}")
    assert page.status_code == 200
    _check_page(page.get_data(as_text=True), rows, counts, shares)


def test_area_filter(app, db_session):
    specs = seed(db_session)
    client = _admin_client(app, db_session)
    counts, shares = expected(specs, area="preston")
    rows = _csv(client.get(f"/console/reports.csv?{RANGE}&area=preston"))
    _check_csv(rows, counts, shares)
    page = client.get(f"/console/reports?{RANGE}&area=preston").get_data(as_text=True)
    _check_page(page, rows, counts, shares)


def test_a_district_officer_sees_only_their_districts(app, db_session):
    specs = seed(db_session)
    client = app.test_client()
    officer = make_user(db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["burnley", "chorley"])
    sign_in_as(client, db_session, officer)
    counts, shares = expected(specs, areas={"burnley", "chorley"})
    _check_csv(_csv(client.get(f"/console/reports.csv?{RANGE}")), counts, shares)


@pytest.mark.parametrize("role", [access.HELPLINE_ADVISER, access.CUSTOMER_FEEDBACK_OFFICER])
def test_other_roles_may_not_see_reports(app, db_session, role):
    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, role))
    assert client.get("/console/reports").status_code == 403
    assert client.get("/console/reports.csv").status_code == 403


def test_each_chart_is_valid_svg_with_a_title_and_description(app, db_session):
    seed(db_session)
    client = _admin_client(app, db_session)
    html = client.get(f"/console/reports?{RANGE}").get_data(as_text=True)
    charts = [str(svg) for svg in page_of(html).find_all("svg")]
    assert len(charts) == 10
    for chart in charts:
        root = ET.fromstring(chart)
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and title.text.strip()
        assert desc is not None and desc.text.strip()
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "<script" not in "".join(charts)
    by_kind = ET.fromstring(charts[0])
    assert len(by_kind.findall(f"{SVG}g/{SVG}rect")) == 3


def test_a_backwards_range_is_an_error(app, db_session):
    client = _admin_client(app, db_session)
    response = client.get("/console/reports?start=1&start=6&start=2026&end=1&end=3&end=2026")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "The end date must be the same as or after the start date" in html


def _span(start, end) -> str:
    return (f"start={start.day}&start={start.month}&start={start.year}"
            f"&end={end.day}&end={end.month}&end={end.year}")


def test_timeliness_counts_only_requests_that_have_fallen_due(app, db_session):
    now = datetime.now(UTC)
    fresh = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, created_at=now)  # due in 5 working days
    make_item(db_session, Kind.REQUEST_FOR_SUPPORT, created_at=now)
    late = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, created_at=now - timedelta(days=30))
    on_time = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, created_at=now - timedelta(days=30))
    for item, days in ((fresh, 0), (on_time, 1)):
        db_session.add(AuditEvent(at=item.created_at + timedelta(days=days), submission_id=item.id,
                                  action="status_changed", detail={"status": "allocated", "version": 2}))
    db_session.commit()
    client = _admin_client(app, db_session)
    rows = _csv(client.get(f"/console/reports.csv?{_span(now - timedelta(days=60), now)}"))
    allocated = next(r for r in rows if r["key"] == "request_for_support:allocated")
    assert (allocated["met"], allocated["total"]) == ("1", "2")  # on_time and late; the two new ones wait
    assert late.reference


def test_weeks_are_labelled_by_the_date_they_begin(app, db_session):
    # Sunday 8 November 23:30 and Monday 9 November 00:10 (UK time is UTC in November).
    for moment in (datetime(2026, 11, 8, 23, 30, tzinfo=UTC), datetime(2026, 11, 9, 0, 10, tzinfo=UTC)):
        make_item(db_session, Kind.HELPLINE_CONTACT, created_at=moment)
    client = _admin_client(app, db_session)
    query = "start=2&start=11&start=2026&end=15&end=11&end=2026"
    tables = _page_tables(client.get(f"/console/reports?{query}").get_data(as_text=True))
    assert tables["by_week"] == {"Week beginning 2 November 2026": "1", "Week beginning 9 November 2026": "1"}
    rows = _csv(client.get(f"/console/reports.csv?{query}"))
    assert [(r["key"], r["count"]) for r in rows if r["section"] == "by_week"] == [
        ("2026-11-02", "1"), ("2026-11-09", "1")]


def test_helpline_contacts_by_hour_topic_and_age_band(app, db_session):
    for moment, topic, age in ((datetime(2026, 7, 1, 9, 30, tzinfo=UK), "bullying", "14"),
                               (datetime(2026, 7, 2, 9, 5, tzinfo=UK), "bullying", "17"),
                               (datetime(2026, 12, 1, 23, 59, tzinfo=UK), "mental_health", "prefer_not")):
        make_item(db_session, Kind.HELPLINE_CONTACT, created_at=moment.astimezone(UTC),
                  answers={"topic": {"topic": topic}, "about-you": {"age": age}, "message": {"message": "x"}})
    make_item(db_session, Kind.COMPLAINT, created_at=datetime(2026, 7, 1, 9, 30, tzinfo=UTC))
    client = _admin_client(app, db_session)
    query = "start=1&start=7&start=2026&end=1&end=12&end=2026"
    rows = _csv(client.get(f"/console/reports.csv?{query}"))
    found = {(r["section"], r["label"]): r["count"] for r in rows if r["section"].startswith("helpline_by")
             and r["count"] != "0"}
    assert found == {("helpline_by_hour", "09:00 to 09:59"): "2", ("helpline_by_hour", "23:00 to 23:59"): "1",
                     ("helpline_by_topic", "Bullying"): "2", ("helpline_by_topic", "Mental health"): "1",
                     ("helpline_by_age", "12 to 15"): "1", ("helpline_by_age", "16 to 17"): "1",
                     ("helpline_by_age", "Prefer not to say"): "1"}
    hours = [r for r in rows if r["section"] == "helpline_by_hour"]
    assert len(hours) == 24
    tables = _page_tables(client.get(f"/console/reports?{query}").get_data(as_text=True))
    assert tables["helpline_by_age"]["12 to 15"] == "1"


def test_the_item_csv_has_no_free_text_and_no_contact_details(app, db_session):
    request = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "burnley",
                        created_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
                        due_on=datetime(2026, 7, 8).date(), outcome="level_1_signposted", con_level=2,
                        status="closed", closed_at=datetime(2026, 7, 3, 12, tzinfo=UTC))
    make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "preston", created_at=datetime(2026, 7, 2, tzinfo=UTC))
    make_item(db_session, Kind.HELPLINE_CONTACT, created_at=datetime(2026, 7, 2, tzinfo=UTC))
    client = _admin_client(app, db_session)
    query = "start=1&start=7&start=2026&end=31&end=7&end=2026"
    response = client.get(f"/console/reports/items.csv?{query}")
    body = response.get_data(as_text=True)
    rows = _csv(response)
    assert list(rows[0]) == ["reference", "kind", "area", "received_on", "channel", "status", "due_on",
                             "outcome", "con_level", "closed_on"]
    assert rows[0] == {"reference": request.reference, "kind": "request_for_support", "area": "burnley",
                       "received_on": "2026-07-01", "channel": "online", "status": "closed",
                       "due_on": "2026-07-08", "outcome": "level_1_signposted", "con_level": "2",
                       "closed_on": "2026-07-03"}
    assert len(rows) == 3
    for private in ("Things are hard at home", "Alex", request.phone or "07", request.email or "@"):
        assert private not in body
    officer = app.test_client()
    sign_in_as(officer, db_session, make_user(db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["burnley"]))
    assert [r["reference"] for r in _csv(officer.get(f"/console/reports/items.csv?{query}"))] == [
        request.reference]
    page = client.get(f"/console/reports?{query}").get_data(as_text=True)
    assert f"/console/reports/items.csv?{query}".replace("&", "&amp;") in page
