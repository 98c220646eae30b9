"""The console as a helpline's work surface in Chromium: searching by a requester's surname and
by an outward code, and the callbacks due now queue at 14:05, with and without JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime

from testkit.factories import make_item, make_user
from tests.browser.test_console_browser import _sign_in

# 14:05 in London on a winter's day is 14:05 UTC.
AT_1405 = datetime(2026, 12, 1, 14, 5, tzinfo=UTC)
SEARCH = "Search by reference, name, postcode, phone or email"


def _window(start: str, end: str) -> dict:
    return {"channels": ["call"], "phone": "07700 900123",
            "windows": [{"start": f"2026-12-01T{start}:00+00:00", "end": f"2026-12-01T{end}:00+00:00"}]}


def _seed(app):
    with app.extensions["db_sessionmaker"]() as session:
        adviser = make_user(session, name="Hana Adviser", email="hana@council.example")
        requested = make_item(session, answers={"about-you": {"name": "Dorota Wiśniewska"},
                                                "topic": {"topic": "home"}},
                              contact={"channels": ["letter"], "address": {"postcode": "BB5 1AB"}})
        make_item(session, subject_name="Sam")
        due = {"status": "callback_due"}
        later = make_item(session, subject_name="Jay", contact=_window("14:00", "16:00"), **due)
        sooner = make_item(session, subject_name="Kai", contact=_window("13:30", "14:30"), **due)
        make_item(session, subject_name="Lou", contact=_window("15:00", "17:00"), **due)
        return adviser, requested.reference, [sooner.reference, later.reference]


def _search(page, words: str) -> list[str]:
    page.get_by_label(SEARCH).fill(words)
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert words not in page.url, "search terms stay out of the address"
    return page.locator("[data-inbox] tbody tr td:first-child a").all_inner_texts()


def test_search_by_requester_surname_and_outward_code_and_callbacks_due_at_1405(page, serve, make_app,
                                                                                axe_check):
    app = make_app(WTF_CSRF_ENABLED=True, CLOCK=lambda: AT_1405)
    base_url = serve(app)
    adviser, requested, due = _seed(app)
    _sign_in(page, base_url, adviser.email, adviser.totp_secret)
    queue = page.locator("[data-callbacks-due] tbody tr td:first-child a").all_inner_texts()
    assert queue == due, "open windows only, the soonest to close first"
    assert "1:30pm–2:30pm" in page.locator("[data-callbacks-due]").inner_text()
    if page.javascript:
        axe_check(page)
    assert _search(page, "wisniewska") == [requested]
    assert _search(page, "BB5") == [requested]
    assert page.locator("[data-callbacks-due]").count() == 0
    if page.javascript:
        axe_check(page)
