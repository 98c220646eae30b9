"""Reports, retention and subject access in Chromium: a report filtered, the retention page, a person
found, axe-core clean."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from talkzone import access
from testkit.factories import make_item, make_user
from tests.browser.test_console_browser import _sign_in
from tests.report_data import seed


def _seed(app):
    with app.extensions["db_sessionmaker"]() as session:
        seed(session, count=20)
        person = make_item(session, subject_name="Robin Tester", contact={"channels": []})
        admin = make_user(session, access.ADMINISTRATOR, email="ada@council.example", name="Ada Admin")
        return admin.email, admin.totp_secret, person.reference


def test_an_administrator_reads_reports_and_exports_a_person(js_page, base_url, live_app, axe_check):
    page = js_page
    email, secret, reference = _seed(live_app)
    _sign_in(page, base_url, email, secret)
    page.get_by_role("link", name="Reports").click()
    expect(page).to_have_title(re.compile(r"^Reports"))
    for legend, values in (("From", ("1", "3", "2026")), ("To", ("30", "6", "2026"))):
        group = page.get_by_role("group", name=legend)
        for label, value in zip(("Day", "Month", "Year"), values, strict=True):
            group.get_by_label(label).fill(value)
    page.get_by_label("Area", exact=True).select_option("preston")
    page.get_by_role("button", name="Show report").click()
    page.wait_for_url("**area=preston**")
    assert "area=preston" in page.url
    assert page.get_by_role("img", name="Volumes by type How many items arrived, by type").count() == 1
    assert page.locator("svg[role=img]").count() == 10
    expect(page.get_by_role("rowheader", name="Week beginning 2 March 2026")).to_have_count(1)
    axe_check(page)

    page.get_by_role("link", name="Retention").click()
    expect(page.get_by_role("heading", name="What a run would anonymise now")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Subject access").click()
    axe_check(page)
    page.get_by_label("Name, email address, phone number or reference").fill("Robin Tester")
    page.get_by_role("button", name="Find records").click()
    page.get_by_role("heading", name="Records found: 1").wait_for()
    assert "Robin" not in page.url and "Robin" not in page.title()
    assert page.locator(f'[data-record="{reference}"]').count() == 1
    axe_check(page)
