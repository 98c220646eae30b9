"""The details of issue #17 in Chromium, in English and Urdu, each page met checked with axe-core:
a professional's pages speak of the family, CAF explained, an email typed without ticking email,
texts to a landline, half-hour safe times read as clock times, tap-to-call numbers, the complaint's
age question the same as the helpline's, a too-long complaint named, hints under their option,
an anonymous helpline contact in the adviser's inbox, and the helpline's hours read the same way."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from portal.i18n import clock_time, time_span
from portal.profile import current_profile
from talkzone import access
from testkit.factories import make_user
from tests.browser.conftest import axe_violations
from tests.browser.flows import reads_in_order, tel_links, words
from tests.browser.test_accessibility import fill_by_name
from tests.browser.test_console_browser import _sign_in
from tests.complaint_journey import YOUNG_PERSON
from tests.helpline_journey import ANONYMOUS

LANGUAGES = ["en", "ur"]
CONTINUE = "main form button.govuk-button"
class Visit:
    """One tab walking a journey in one language, scanning each page it checks with axe-core."""

    def __init__(self, page, app, language):
        self.page, self.app, self.language, self.problems = page, app, language, []

    def words(self, message, **values) -> str:
        """``message`` as the page's language shows it (the message catalogue, in the app)."""
        return words(self.app, self.language, message, **values)

    def clock(self, value) -> str:
        with self.app.test_request_context(), force_locale(self.language):
            return clock_time(value)

    def span(self, start, end) -> str:
        with self.app.test_request_context(), force_locale(self.language):
            return time_span(start, end)

    def calling_hours(self) -> tuple[str, str]:
        """The service's calling hours as "HH:MM", from the council's profile."""
        with self.app.test_request_context():
            profile = current_profile()
        return profile.calls_from.strftime("%H:%M"), profile.calls_until.strftime("%H:%M")

    def helpline_phone(self) -> str:
        with self.app.test_request_context():
            return current_profile().helpline.phone

    def scan(self, label) -> None:
        self.page.wait_for_load_state()
        root = self.page.locator("html")
        assert (root.get_attribute("lang"), root.get_attribute("dir")) == (
            self.language, "rtl" if self.language == "ur" else "ltr"), label
        found = axe_violations(self.page)
        if found:
            self.problems.append(f"{self.language} {label} {self.page.url}: {found}")

    def answer(self, values: dict | None = None, press=CONTINUE) -> None:
        fill_by_name(self.page, values or {})
        with self.page.expect_navigation():
            self.page.locator(press).first.click()

    def step(self, prefix: str) -> str:
        return self.page.url.split(f"{prefix}/")[1].split("?")[0]

    def walk(self, prefix: str, data: dict, until: str) -> None:
        for _ in range(25):
            step = self.step(prefix)
            if step in (until, "check-answers"):
                assert step == until, self.page.url
                return
            self.answer(data[step])
        raise AssertionError(f"stuck at {self.page.url}")

    def errors(self) -> str:
        return self.page.locator(".govuk-error-summary").inner_text()

    def tel_links(self, where: str, label: str, at_least: int) -> None:
        tel_links(self.page, where, label, at_least)

    def one_clock(self, text: str) -> None:
        """The helpline's hours read as this language's clock times, never as 14:00 and 22:00."""
        assert self.clock("14:00") in text and self.clock("22:00") in text, text
        if self.clock("14:00") != "14:00":
            assert "14:00" not in text and "22:00" not in text, text

    def done(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def _age_question(page) -> tuple[str, list[str]]:
    label = page.locator('label[for="age"]').inner_text().strip()
    return label, page.locator("#age option").all_inner_texts()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_professional_asks_for_a_family(js_page, base_url, live_app, language):
    v, page = Visit(js_page, live_app, language), js_page
    page.goto(f"{base_url}/?lang={language}")  # the cookie keeps the language
    v.scan("home")
    v.tel_links("body", "home, with the emergency panel", 4)
    page.goto(f"{base_url}/request-support/at-risk")
    v.tel_links("body", "at risk", 8)  # the panel's four, 999, social care by day and night, Childline
    v.scan("at risk")
    page.goto(f"{base_url}/request-support/who")
    v.answer({"role": "professional"})
    v.answer({"name": "Pat Teacher", "organisation": "Hill Primary", "job_role": "SENCO",
              "work_email": "pat@school.example.com", "work_phone": "01632 960 001"})
    v.answer({"family_consent": "yes"})
    for part, value in (("day", "4"), ("month", "5"), ("year", "2016")):
        page.fill(f"#dob-{part}", value)
    v.answer({"name": "Sam Bloggs", "send": "no"})
    v.answer({"add_another": "no"})
    v.answer({"line_1": "1 High Street", "town": "Preston", "postcode": "PR1 2AB"})
    v.answer({})  # the area, chosen from the postcode
    v.answer({"needs": ["money"], "details": "Mornings are hard."})
    v.answer({"at_risk": "no"})

    # CAF in plain words, under its question.
    assert v.step("/request-support") == "involved"
    caf = page.locator('fieldset:has(input[name="caf"])').get_attribute("aria-describedby")
    assert v.words("This is a form a worker, such as a teacher or health visitor, fills in with the "
                   "family to agree what help they need. It is sometimes called a CAF (Common "
                   "Assessment Framework).") in page.locator(f"[id='{caf.split()[0]}']").inner_text()
    v.scan("involved")
    v.answer({"caf": "no", "social_worker": "no"})
    v.answer({"language": "English", "interpreter": "no"})

    # The contact page speaks of the family.
    assert v.step("/request-support") == "contact"
    main = page.locator("main").inner_text()
    for message in ("How can we safely contact the family?", "The family's phone number",
                    "The family's email address"):
        assert v.words(message) in main, message
    # Letters go to the family's address, not "the address you gave".
    letter = page.locator('input[name="channels"][value="letter"]')
    assert page.locator(f"label[for='{letter.get_attribute('id')}']").inner_text().strip() == \
        v.words("Letter to the family's address")
    if language == "ur":
        assert "family" not in main.lower()
    v.scan("contact")
    # Texts to a landline, and an email typed without ticking email: each its own message.
    v.answer({"channels": ["text"], "phone": "01632 960 001", "email": "jo@example.com"})
    assert v.step("/request-support") == "contact"
    summary = v.errors()
    assert v.words("We can only send texts to a mobile number. Enter a mobile number starting 07, "
                   "or do not select text message") in summary
    assert v.words("You entered an email address but did not select email. Select email, or delete "
                   "the email address") in summary
    assert page.locator('[name="email"]').input_value() == "jo@example.com"
    assert page.locator('[name="phone"]').input_value() == "01632 960 001"
    v.scan("contact (errors)")
    page.locator('[name="phone"]').fill("07700 900123")
    v.answer({"channels": ["email"]})  # text stays ticked: a mobile is accepted

    # The safety page speaks of the family; its times are half-hour steps read as clock times.
    assert v.step("/request-support") == "safety"
    main = page.locator("main").inner_text()
    for message in ("When it is safe to contact the family", "Which days is it safe to contact the family?",
                    "Can our messages to the family say who they are from?"):
        assert v.words(message) in main, message
    if language == "ur":
        assert "family" not in main.lower()
    options = page.locator("#start option").evaluate_all(
        "options => options.map((o) => [o.value, o.textContent.trim()])")
    values = [value for value, _ in options[1:]]
    # Every half hour the service can call, from its first calling time to its last (issue #17).
    calling = v.calling_hours()
    assert (values[0], values[-1]) == calling, (values, calling)
    ends = page.locator("#end option").evaluate_all("options => options.map((o) => o.value)")[1:]
    assert (ends[0], ends[-1]) == calling, (ends, calling)
    minutes = [int(t[:2]) * 60 + int(t[3:]) for t in values]
    assert {b - a for a, b in zip(minutes, minutes[1:], strict=False)} == {30}, values
    assert all(words == v.clock(value) for value, words in options[1:]), options
    assert "16:30" in values
    if language == "en":
        assert dict(options)["16:30"] == "4:30pm"
    v.scan("safety")
    v.answer({"start": "16:00", "end": "18:30", "say_who": "no"})
    assert v.step("/request-support") == "check-answers"
    # The safe times read as a span of clock times, start first in right-to-left Urdu too.
    assert v.span("16:00", "18:30") in page.locator("main").inner_text()
    reads_in_order(page, "main", v.clock("16:00"), v.clock("18:30"), rtl=language == "ur")
    v.scan("check answers")
    v.answer()
    assert "/request-support/confirmation" in page.url
    v.scan("confirmation")
    v.tel_links("body", "request confirmation", 3)
    v.done()


@pytest.mark.parametrize("language", LANGUAGES)
def test_complaint_age_limits_and_hints(js_page, base_url, live_app, language):
    v, page = Visit(js_page, live_app, language), js_page
    # The helpline's age question, for comparison.
    page.goto(f"{base_url}/helpline/topic?lang={language}")
    v.walk("/helpline", ANONYMOUS, until="about-you")
    helpline_age = _age_question(page)

    page.goto(f"{base_url}/complaint/")
    v.tel_links("main", "complaint start", 1)
    v.scan("complaint start")
    page.goto(f"{base_url}/complaint/who")
    # A hint sits under the option it explains, inside that option's item.
    item = page.locator('input[name="who"][value="someone_else"]').locator("xpath=..")
    assert "govuk-radios__item" in item.get_attribute("class")
    assert v.words("For example, you might be their parent, carer, friend or worker.") in \
        item.locator(".govuk-radios__hint").inner_text()
    v.scan("who")
    v.walk("/complaint", YOUNG_PERSON, until="age")
    assert _age_question(page) == helpline_age
    assert helpline_age[0] == v.words("How old are you?")
    v.scan("age")
    v.answer(YOUNG_PERSON["age"])
    for value, hint in (("looked_after", "For example, living with foster carers or in a children's home"),
                        ("care_leaver", "You used to be in care and are now 16 or older")):
        radio = page.locator(f'input[name="care"][value="{value}"]')
        hint_id = radio.get_attribute("aria-describedby")
        shown = page.locator(f"[id='{hint_id}']")
        assert shown.evaluate("(h, r) => h.parentElement === r.parentElement && "
                              "h.parentElement.classList.contains('govuk-radios__item') && "
                              "r.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING",
                              radio.element_handle())
        assert shown.inner_text().strip() == v.words(hint)
    v.scan("care")
    v.walk("/complaint", YOUNG_PERSON, until="what-happened")

    # Over the limit (the browser's own cap taken off): the message names the complaint.
    box = page.locator('[name="details"]')
    box.evaluate("e => e.removeAttribute('maxlength')")
    box.fill("a" * 3001)
    v.answer()
    assert v.step("/complaint") == "what-happened"
    message = v.words("Your complaint must be %(max)d characters or fewer", max=3000)
    assert message in v.errors()
    assert message in page.locator("#details-error").inner_text()
    assert len(box.input_value()) == 3001
    v.scan("what happened (too long)")
    v.walk("/complaint", {**YOUNG_PERSON, "what-happened": YOUNG_PERSON["what-happened"]},
           until="check-answers")
    v.answer()
    assert "/complaint/confirmation" in page.url
    v.scan("complaint confirmation")
    v.tel_links("body", "complaint confirmation", 2)
    v.done()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_anonymous_helpline_contact_reaches_the_inbox(js_page, base_url, live_app, language):
    v, page = Visit(js_page, live_app, language), js_page
    hours = v.words("Every day of the year, including Christmas Day, from %(opens)s to %(closes)s.",
                    opens=v.clock("14:00"), closes=v.clock("22:00"))
    if language == "en":
        assert v.span("14:00", "22:00") == "2pm to 10pm"
        assert "from 2pm to 10pm" in hours
    page.goto(f"{base_url}/helpline/?lang={language}")
    assert hours in page.locator("main").inner_text()
    v.one_clock(page.locator("main").inner_text())
    v.tel_links("body", "helpline start", 1)
    v.scan("helpline start")
    page.goto(f"{base_url}/helpline/topic")
    assert hours in page.locator("main").inner_text()
    v.tel_links("main", "helpline crisis list", 3)
    v.scan("topic")
    v.walk("/helpline", ANONYMOUS, until="reply")
    reply = page.locator("main").inner_text()
    v.one_clock(reply)
    v.tel_links("main", "reply", 1)
    v.scan("reply")
    v.walk("/helpline", ANONYMOUS, until="check-answers")
    v.answer()
    assert "/helpline/confirmation" in page.url
    v.scan("helpline confirmation")
    v.tel_links("body", "helpline confirmation", 4)
    main = page.locator("main").inner_text()
    v.one_clock(main)
    assert v.words("If you want to talk to someone, call us free on %(phone)s. We are open every day "
                   "from %(opens)s to %(closes)s.", phone=v.helpline_phone(), opens=v.clock("14:00"),
                   closes=v.clock("22:00")) in main
    reference = page.locator("main .govuk-panel strong").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]{6,}", reference), reference

    with live_app.extensions["db_sessionmaker"]() as session:
        adviser = make_user(session, access.HELPLINE_ADVISER, name="Kit Adviser")
    _sign_in(page, base_url, adviser.email, adviser.totp_secret)
    page.goto(f"{base_url}/console/")
    assert page.get_by_role("link", name=reference).count() == 1
    v.language = "en"  # the console keeps a language of its own
    v.scan("console inbox")
    v.done()
