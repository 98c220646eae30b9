"""Fill in the public journeys in a real browser, as a person would."""

from __future__ import annotations

from flask_babel import force_locale, gettext


def words(app, language: str, message: str, **values) -> str:
    """``message`` as a page in ``language`` shows it, from the app's compiled catalogue.

    In any language but English the catalogue must translate it: a test comparing a page with
    this fails when the page shows English in Urdu.
    """
    with app.test_request_context():
        with force_locale(language):
            shown = gettext(message, **values)
        with force_locale("en"):
            english = gettext(message, **values)
    assert language == "en" or shown != english, f"no {language} translation of {message!r}"
    return shown


def choose(page, label: str) -> None:
    page.get_by_label(label, exact=True).check()


def fill(page, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).fill(value)


def go_on(page, text: str = "Continue") -> None:
    """Press the button and wait for the next page to arrive (not the old one to finish)."""
    with page.expect_navigation():
        page.get_by_role("button", name=text).click()


def request_for_support(page, base_url, *, role="parent", family_consent="Yes", consent="Yes",
                        postcode="PR1 2AB", area=None, pages=None):
    """Complete the Request for Support journey up to check answers.

    ``pages`` collects the URL of each page met (for accessibility scans).
    """
    seen = pages if pages is not None else []
    page.goto(f"{base_url}/")
    seen.append(page.url)
    page.get_by_role("link", name="Ask for support for your family").click()
    seen.append(page.url)
    page.get_by_role("button", name="Start now").click()
    seen.append(page.url)
    choose(page, {"parent": "A parent or carer", "professional":
                  "A professional, asking on behalf of a family"}[role])
    go_on(page)
    seen.append(page.url)
    if role == "professional":
        fill(page, "Your full name", "Pat Teacher")
        fill(page, "Organisation", "Hill Primary")
        fill(page, "Job title or role", "SENCO")
        fill(page, "Work email address", "pat@school.example.com")
        fill(page, "Work phone number", "01632 960 001")
        go_on(page)
        seen.append(page.url)
        choose(page, family_consent)
    else:
        fill(page, "Your full name", "Jo Bloggs")
    go_on(page)
    seen.append(page.url)
    fill(page, "Child's full name", "Sam Bloggs")
    fill(page, "Day", "4")
    fill(page, "Month", "5")
    fill(page, "Year", "2016")
    choose(page, "No")
    go_on(page)
    seen.append(page.url)
    choose(page, "No")
    go_on(page)
    seen.append(page.url)
    fill(page, "Address line 1", "1 High Street")
    fill(page, "Town or city", "Preston")
    fill(page, "Postcode", postcode)
    go_on(page)
    seen.append(page.url)
    if area:
        choose(page, area)
    go_on(page)
    seen.append(page.url)
    page.get_by_label("Money, work or debt").check()
    page.get_by_label("Tell us what is happening and what help you would like").fill(
        "Mornings are hard and school is worried.")
    go_on(page)
    seen.append(page.url)
    choose(page, "No")
    go_on(page)
    seen.append(page.url)
    page.get_by_role("group", name="Is there already an early help assessment").get_by_label(
        "No", exact=True).check()
    page.get_by_role("group", name="Does the family have a social worker?").get_by_label(
        "No", exact=True).check()
    go_on(page)
    seen.append(page.url)
    fill(page, "What language does the family prefer to speak?", "English")
    choose(page, "No")
    go_on(page)
    seen.append(page.url)
    page.get_by_label("Phone call").check()
    page.get_by_label("Email", exact=True).check()
    # A professional answers for the family, and the pages say so (issue #17).
    whose = "The family's p" if role == "professional" else "P"
    fill(page, f"{whose}hone number", "07700 900123")
    fill(page, "The family's email address" if role == "professional" else "Email address",
         "jo@example.com")
    go_on(page)
    seen.append(page.url)
    page.get_by_label("Tuesday").check()
    page.get_by_label("From").select_option("16:00")
    page.get_by_label("Until").select_option("18:00")
    page.get_by_role("group", name="voicemail").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Can we say who we are").get_by_label("No", exact=True).check()
    go_on(page)
    seen.append(page.url)
    if role != "professional":
        choose(page, consent)
        go_on(page)
        seen.append(page.url)
    return seen


def sign_in_demo(page, base_url, email: str) -> None:
    """Sign in to the console as a `seed-demo` account, by the forms' field names (any language)."""
    from portal import demo

    submit = "main form button[type=submit], main form button:not([type])"
    page.goto(f"{base_url}/console/sign-in")
    page.fill("[name=email]", email)
    page.fill("[name=password]", demo.PASSWORD)
    page.locator(submit).last.click()
    page.wait_for_load_state()
    page.fill("[name=code]", demo.current_code())
    page.locator(submit).last.click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/console"), page.url
