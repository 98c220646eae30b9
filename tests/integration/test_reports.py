"""The reports page and its CSV against figures counted independently from the seeded data."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from talkzone import access
from talkzone.models import Kind
from testkit.factories import make_user, sign_in_as
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
