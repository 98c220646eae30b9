"""Accessibility in Chromium: axe-core on every public page in English, Polish and Urdu, and a
keyboard-only Request for Support with focus moved to the error summary on error."""

from __future__ import annotations

import pytest
from flask import url_for
from playwright.sync_api import Page

from testkit.browser import fill_by_name
from tests.browser.conftest import axe_violations
from tests.complaint_journey import YOUNG_PERSON
from tests.helpline_journey import CALL

LANGUAGES = ["en", "pl", "ur"]
CONTINUE = "main form button.govuk-button"


def _continue(page: Page) -> None:
    page.locator(CONTINUE).first.click()
    page.wait_for_load_state()


def _radio(page: Page, name: str, value: str) -> None:
    page.locator(f'input[name="{name}"][value="{value}"]').check()


class Walk:
    """One browser tab walking the journeys, scanning each page it meets with axe-core."""

    def __init__(self, page: Page, base_url: str, language: str):
        self.page, self.base, self.language = page, base_url, language
        self.problems: list[str] = []
        self.scanned: list[str] = []

    def scan(self, label: str) -> None:
        html = self.page.locator("html")
        assert html.get_attribute("lang") == self.language, (label, self.page.url)
        assert html.get_attribute("dir") == ("rtl" if self.language == "ur" else "ltr"), label
        found = axe_violations(self.page)
        if found:
            self.problems.append(f"{self.language} {label} {self.page.url}: {found}")
        self.scanned.append(label)

    def visit(self, path: str, label: str) -> None:
        self.page.goto(self.base + path)
        self.scan(label)

    def error_state(self, label: str) -> None:
        """Send the page empty and scan its error state (summary, messages, Error: title)."""
        _continue(self.page)
        assert self.page.locator(".govuk-error-summary").is_visible(), label
        self.scan(f"{label} (error)")

    def request_for_support(self) -> None:
        page = self.page
        self.visit("/", "home")
        self.visit("/request-support/", "request support start")
        self.visit("/request-support/who", "who")
        self.error_state("who")
        _radio(page, "role", "parent")
        _continue(page)
        self.scan("about you")
        page.fill("#name", "Jo Bloggs")
        _continue(page)
        self.scan("child")
        self.error_state("child")
        page.fill("#name", "Sam Bloggs")
        page.fill("#dob-day", "4")
        page.fill("#dob-month", "5")
        page.fill("#dob-year", "2016")
        _radio(page, "send", "no")
        _continue(page)
        self.scan("children")
        _radio(page, "add_another", "no")
        _continue(page)
        self.scan("address")
        page.fill("#line_1", "1 High Street")
        page.fill("#town", "Blackpool")
        page.fill("#postcode", "FY1 1AA")  # Blackpool runs its own service
        _continue(page)
        assert "/outside-area" in page.url
        self.scan("outside area")
        self.page.goto(self.base + "/request-support/address")
        page.fill("#town", "Preston")
        page.fill("#postcode", "PR1 2AB")
        _continue(page)
        self.scan("area")
        _continue(page)
        self.scan("needs")
        page.locator('input[name="needs"][value="money"]').check()
        page.fill("#details", "Mornings are hard and school is worried.")
        _continue(page)
        self.scan("risk")
        _radio(page, "at_risk", "yes")
        _continue(page)
        assert "/at-risk" in page.url
        self.scan("at risk")
        self.page.goto(self.base + "/request-support/risk")
        _radio(page, "at_risk", "no")
        _continue(page)
        self.scan("involved")
        _radio(page, "caf", "no")
        _radio(page, "social_worker", "no")
        _continue(page)
        self.scan("language")
        page.fill("#language", "Polski")
        _radio(page, "interpreter", "no")
        _continue(page)
        self.scan("contact")
        self.error_state("contact")
        page.locator('input[name="channels"][value="call"]').check()
        page.locator('input[name="channels"][value="email"]').check()
        page.fill("#phone", "07700 900123")
        page.fill("#email", "jo@example.com")
        _continue(page)
        self.scan("safety")
        self.error_state("safety")
        page.locator('input[name="days"][value="tue"]').check()
        page.select_option("#start", "16:00")
        page.select_option("#end", "18:00")
        _radio(page, "voicemail", "no")
        _radio(page, "say_who", "no")
        _continue(page)
        self.scan("consent")
        _radio(page, "consent", "yes")
        _continue(page)
        assert "/check-answers" in page.url
        self.scan("check answers")
        page.locator("main form button.govuk-button").click()
        page.wait_for_load_state()
        assert "/confirmation" in page.url
        self.scan("confirmation")
        self.visit("/request-support/not-sent", "no consent")
        self.visit("/staying-safe-online", "staying safe online")
        self.visit("/no-such-page", "page not found")

    def other_journeys(self, app, walk_through: bool) -> None:
        """The other journeys, when registered: start pages, and every page when `walk_through`."""
        journeys = (("complaint.start", "who", YOUNG_PERSON),
                    ("helpline.start", "topic", {**CALL, "windows": {"when": "asap"}}))
        for endpoint, first, data in journeys:
            if endpoint not in app.view_functions:
                continue
            with app.test_request_context():
                start = url_for(endpoint)
            self.visit(start, endpoint)
            if walk_through:
                self.journey(start.rstrip("/"), first, data)

    def journey(self, prefix: str, first: str, data: dict) -> None:
        """Answer each page from `data` (keyed by step) by field name, scanning every page."""
        page = self.page
        page.goto(f"{self.base}{prefix}/{first}")
        self.error_state(f"{prefix} {first}")
        for _ in range(25):
            if "/check-answers" in page.url:
                break
            step = page.url.split(f"{prefix}/")[1].split("?")[0]
            self.scan(f"{prefix} {step}")
            fill_by_name(page, data[step])
            _continue(page)
        self.scan(f"{prefix} check answers")
        page.locator("main form button.govuk-button").click()
        page.wait_for_load_state()
        assert "/confirmation" in page.url, page.url
        self.scan(f"{prefix} confirmation")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_passes_axe_in_each_language(browser, base_url, live_app, language):
    context = browser.new_context(java_script_enabled=True, locale="en-GB")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/?lang={language}")  # the switcher's link; the cookie keeps it
        walk = Walk(page, base_url, language)
        walk.request_for_support()
        # English is scanned page by page in the complaint and helpline journeys' own tests.
        walk.other_journeys(live_app, walk_through=language != "en")
    finally:
        context.close()
    assert len(walk.scanned) >= 26, walk.scanned
    assert not walk.problems, "\n".join(walk.problems)


# Keyboard only -----------------------------------------------------------------------------

def _focused_matches(page: Page, selector: str) -> bool:
    return page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector)


_BEFORE_FOCUS = """(s) => {
  const target = document.querySelector(s), here = document.activeElement;
  return !!(target && here && here !== document.body &&
            (target.compareDocumentPosition(here) & Node.DOCUMENT_POSITION_FOLLOWING));
}"""


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab, when the element is behind the focus) until it has focus."""
    key = "Shift+Tab" if page.evaluate(_BEFORE_FOCUS, selector) else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if _focused_matches(page, selector):
            return
    raise AssertionError(f"{key} never reached {selector} on {page.url}")


def press_on(page: Page, selector: str, key: str = "Enter") -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose_radio(page: Page, name: str, value: str) -> None:
    """Tab into the radio group, then arrow down to the answer (arrows move and select)."""
    tab_to(page, f'input[name="{name}"]')
    for _ in range(12):
        if _focused_matches(page, f'input[name="{name}"][value="{value}"]'):
            page.keyboard.press("Space")
            assert page.locator(f'input[name="{name}"][value="{value}"]').is_checked()
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no {value} in {name}")


def tick(page: Page, name: str, value: str) -> None:
    tab_to(page, f'input[name="{name}"][value="{value}"]')
    page.keyboard.press("Space")
    assert page.locator(f'input[name="{name}"][value="{value}"]').is_checked()


def send(page: Page) -> None:
    press_on(page, CONTINUE)


def choose_option(page: Page, name: str, value: str) -> None:
    """A closed <select> takes arrow keys: move down until the answer is chosen."""
    tab_to(page, f'select[name="{name}"]')
    for _ in range(40):
        if page.locator(f'select[name="{name}"]').input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no {value} in {name}")


def answer_by_keyboard(page: Page, values: dict) -> None:
    """Answer a page from {field name: value} with the keyboard alone, then continue."""
    for name, value in values.items():
        field = page.locator(f'[name="{name}"]:visible')
        if not field.count() or value in ("", []):
            continue
        kind = field.first.evaluate("e => e.tagName === 'INPUT' ? e.type : e.tagName.toLowerCase()")
        if kind == "radio":
            choose_radio(page, name, value)
        elif kind == "checkbox":
            for one in value:
                tick(page, name, one)
        elif kind == "select":
            choose_option(page, name, value)
        else:
            type_into(page, f'[name="{name}"]', value)
    send(page)


def test_request_for_support_by_keyboard_alone(js_page, base_url):
    page = js_page
    page.goto(f"{base_url}/")
    press_on(page, 'a[href="/request-support/"]')
    press_on(page, 'a[href="/request-support/who"]')
    # Sending the page empty moves focus to the error summary, which links to the question.
    send(page)
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    assert page.title().startswith("Error:")
    choose_radio(page, "role", "parent")
    send(page)
    type_into(page, "#name", "Jo Bloggs")
    send(page)
    type_into(page, "#name", "Sam Bloggs")
    type_into(page, "#dob-day", "4")
    type_into(page, "#dob-month", "4")
    type_into(page, "#dob-year", "2016")
    page.keyboard.press("Shift+Tab")  # back to the month to correct it
    assert _focused_matches(page, "#dob-month")
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    choose_radio(page, "send", "no")
    send(page)
    assert "/request-support/children" in page.url
    choose_radio(page, "add_another", "no")
    send(page)
    type_into(page, "#line_1", "1 High Street")
    type_into(page, "#town", "Preston")
    type_into(page, "#postcode", "PR1 2AB")
    send(page)
    send(page)  # the area is already chosen from the postcode
    tick(page, "needs", "money")
    type_into(page, "#details", "Mornings are hard and school is worried.")
    send(page)
    choose_radio(page, "at_risk", "no")
    send(page)
    choose_radio(page, "caf", "no")
    choose_radio(page, "social_worker", "no")
    send(page)
    type_into(page, "#language", "English")
    choose_radio(page, "interpreter", "no")
    send(page)
    tick(page, "channels", "call")
    type_into(page, "#phone", "07700 900123")
    send(page)
    tick(page, "days", "tue")
    choose_radio(page, "voicemail", "no")
    choose_radio(page, "say_who", "no")
    send(page)
    choose_radio(page, "consent", "yes")
    send(page)
    assert "/check-answers" in page.url
    body = page.locator("main").inner_text()
    for answer in ("Jo Bloggs", "Sam Bloggs", "4 May 2016", "PR1 2AB", "07700 900123"):
        assert answer in body, answer
    press_on(page, "main form button.govuk-button")
    assert "/confirmation" in page.url
    assert page.locator(".govuk-panel__title").inner_text() == "Request sent"


def test_focus_moves_to_the_error_summary_and_its_links_reach_the_field(js_page, base_url):
    page = js_page
    page.goto(f"{base_url}/request-support/who")
    choose_radio(page, "role", "parent")
    send(page)
    send(page)  # about you, sent empty
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    # The summary's link takes focus to the question it is about.
    tab_to(page, ".govuk-error-summary a")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'name'")


@pytest.mark.parametrize(("start", "first", "data"), [
    ("/complaint/", "who", YOUNG_PERSON),
    ("/helpline/", "topic", {**CALL, "windows": {"when": "asap"}}),
], ids=["complaint", "helpline"])
def test_the_other_journeys_by_keyboard_alone(js_page, base_url, start, first, data):
    page = js_page
    page.goto(f"{base_url}/")
    press_on(page, f'main a[href="{start}"]')
    press_on(page, f'main a[href="{start}{first}"]')
    for _ in range(25):
        if "/check-answers" in page.url:
            break
        answer_by_keyboard(page, data[page.url.split(start)[1].split("?")[0]])
    assert "/check-answers" in page.url, page.url
    press_on(page, "main form button.govuk-button")
    assert "/confirmation" in page.url
    assert page.locator(".govuk-panel__title").is_visible()
