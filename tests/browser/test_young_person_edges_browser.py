"""The rough edges of the young people's journeys in Chromium (issue #17), in English and Urdu.

A complaint without a name, the callback time picker with JavaScript on and off, and the
page that says answers were deleted after idling; each page met is checked with axe-core.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from portal.profile import current_profile
from talkzone.models import Draft, Submission, utcnow
from testkit.browser import fill_by_name
from tests.browser.flows import clock, reads_in_order, words
from tests.complaint_journey import YOUNG_PERSON, complaint
from tests.helpline_journey import CALL, MORNING, frozen

LANGUAGES = ["en", "ur"]
CONTINUE = "main form button.govuk-button"


@pytest.fixture
def edges_app(make_app):
    """CSRF on, as a real user meets it; the clock at 10am on Tuesday 24 November 2026."""
    return make_app(WTF_CSRF_ENABLED=True, CLOCK=frozen(MORNING))


@pytest.fixture
def edges_url(serve, edges_app):
    return serve(edges_app)


def press(page, selector: str = CONTINUE) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def scan(page, axe_check) -> None:
    """axe-core needs timers, so it runs only with JavaScript on."""
    if page.javascript:
        axe_check(page)


def answer(page, prefix: str, data: dict, axe_check, until: str | None = None) -> list[str]:
    """Answer each page by field name (whatever the language) until check answers or ``until``."""
    met = []
    for _ in range(25):
        step = page.url.split(f"{prefix}/")[1].split("?")[0]
        if step in ("check-answers", until):
            return met
        met.append(step)
        scan(page, axe_check)
        fill_by_name(page, data[step])
        press(page)
    raise AssertionError(f"stuck at {page.url}")


def stored(app) -> Submission:
    with app.extensions["db_sessionmaker"]() as session:
        submission = session.scalars(select(Submission)).one()
        session.expunge_all()
    return submission


def direction(page) -> tuple[str, str]:
    root = page.locator("html")
    return root.get_attribute("lang"), root.get_attribute("dir")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_complaint_without_a_name(js_page, edges_url, edges_app, axe_check, language):
    page = js_page
    page.goto(f"{edges_url}/complaint/who?lang={language}")
    answer(page, "/complaint", complaint(your_name={"name": ""}), axe_check, until="your-name")
    assert direction(page) == (language, "rtl" if language == "ur" else "ltr")
    hint = page.locator("#name-hint").inner_text()
    assert words(edges_app, language, "You do not have to give your name. Without it, we may not be "
                 "able to look into your complaint or reply to you. Use the name people know you "
                 "by.") in hint
    answer(page, "/complaint", complaint(your_name={"name": ""}), axe_check)
    scan(page, axe_check)
    press(page)
    assert "/complaint/confirmation" in page.url
    scan(page, axe_check)
    assert stored(edges_app).subject_name is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_choosing_two_callback_times(page, edges_url, edges_app, axe_check, language):
    """With JavaScript on the times show once "at times I choose" is picked; off, they always show."""
    page.goto(f"{edges_url}/helpline/topic?lang={language}")
    answer(page, "/helpline", CALL, axe_check, until="windows")
    page.locator('input[name="when"][value="choose"]').check()
    # The times offered run from the helpline's opening to its closing, in half hours.
    with edges_app.test_request_context():
        helpline = current_profile().helpline
    opens, closes = (datetime.combine(MORNING.date(), t) for t in (helpline.opens, helpline.closes))
    half = timedelta(minutes=30)
    for chooser, first, last in (("#start_1", opens, closes - half), ("#end_1", opens + half, closes)):
        first, last = first.strftime("%H:%M"), last.strftime("%H:%M")
        offered = [v for v in page.locator(f"{chooser} option").evaluate_all(
            "options => options.map((o) => o.value)") if v]
        assert (offered[0], offered[-1]) == (first, last), offered
    page.locator('input[name="day_1"][value="2026-11-25"]').check()
    page.locator("#start_1").select_option("15:00")
    page.locator("#end_1").select_option("16:00")
    second = page.locator("details")
    assert not page.locator("#start_2").is_visible()
    second.locator("summary").click()  # a native box: it opens without JavaScript too
    page.locator('input[name="day_2"][value="2026-11-26"]').check()
    page.locator("#start_2").select_option("19:30")
    page.locator("#end_2").select_option("21:00")
    scan(page, axe_check)
    press(page)
    assert "/helpline/safety" in page.url
    answer(page, "/helpline", CALL, axe_check)
    # Each window on check answers reads start first, in right-to-left Urdu too (issue #17).
    for start, end in (("15:00", "16:00"), ("19:30", "21:00")):
        reads_in_order(page, "main", clock(edges_app, language, start),
                       clock(edges_app, language, end), rtl=language == "ur")
    scan(page, axe_check)
    press(page)
    assert "/helpline/confirmation" in page.url
    assert stored(edges_app).contact["windows"] == [
        {"start": "2026-11-25T15:00:00+00:00", "end": "2026-11-25T16:00:00+00:00"},
        {"start": "2026-11-26T19:30:00+00:00", "end": "2026-11-26T21:00:00+00:00"},
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_answers_deleted_after_idling_say_so(nojs_page, edges_url, edges_app, language):
    """Without JavaScript (no warning dialog can help): the next page says what happened."""
    page = nojs_page
    page.goto(f"{edges_url}/complaint/who?lang={language}")
    answer(page, "/complaint", YOUNG_PERSON, None, until="care")
    with edges_app.extensions["db_sessionmaker"]() as session:
        session.execute(update(Draft).values(updated_at=utcnow() - timedelta(minutes=61)))
        session.commit()
    fill_by_name(page, YOUNG_PERSON["care"])
    press(page)
    assert page.url.endswith("/complaint/answers-deleted")
    assert direction(page) == (language, "rtl" if language == "ur" else "ltr")
    assert words(edges_app, language, "We deleted your answers because you did not do anything for "
                 "%(minutes)d minutes, to protect your privacy.", minutes=60) in \
        page.locator("main").inner_text()
    press(page, "main a.govuk-button")
    assert page.url.endswith("/complaint/")
    with edges_app.extensions["db_sessionmaker"]() as session:
        assert session.scalars(select(Draft)).all() == []


def test_the_answers_deleted_page_passes_axe(js_page, edges_url, axe_check):
    for language in LANGUAGES:
        js_page.goto(f"{edges_url}/helpline/answers-deleted?lang={language}")
        axe_check(js_page)
