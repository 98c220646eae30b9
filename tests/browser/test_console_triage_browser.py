"""Triage in Chromium: a keyboard-only run (search, open, assign, note, callback with Tab, Enter and
Space alone), and a safeguarding flag whose reason reaches the duty mailbox over real SMTP."""

from __future__ import annotations

from sqlalchemy import select

from talkzone import access
from talkzone.models import CallbackAttempt, Kind, Note, Submission
from testkit.factories import make_item, make_user
from tests.browser.test_console_browser import _sign_in
from tests.journeys import deliver_within_a_week

DUTY = "safeguarding-duty@lancashire.example"
FOCUSED_TEXT = "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"
FOCUSED_LABEL = """() => { const e = document.activeElement;
  const label = e.labels && e.labels[0] && e.labels[0].innerText;
  return (label || e.getAttribute('aria-label') || '').trim(); }"""


def _tab_to(page, wanted: str, read=FOCUSED_TEXT, limit: int = 120) -> None:
    """Press Tab until the focused element's text (or label) starts with ``wanted``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(read).startswith(wanted):
            return
    raise AssertionError(f"Tab never reached {wanted!r}")


def _follow(page, key: str = "Enter") -> None:
    """Press a key that loads another page, and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def test_keyboard_only_triage(js_page, serve, make_app, axe_check):
    app = make_app(WTF_CSRF_ENABLED=True)
    base_url = serve(app)
    with app.extensions["db_sessionmaker"]() as session:
        adviser = make_user(session, access.HELPLINE_ADVISER, name="Kit Adviser")
        make_item(session, subject_name="Sam Other")
        wanted = make_item(session, subject_name="Robin Hartley",
                           contact={"channels": ["call"], "phone": "07700 900123"}).reference
    page = js_page
    _sign_in(page, base_url, adviser.email, adviser.totp_secret)
    page.goto(f"{base_url}/console/")
    axe_check(page)
    _tab_to(page, "Search by reference", FOCUSED_LABEL)
    page.keyboard.type("hartley")
    _follow(page)
    _tab_to(page, wanted)
    _follow(page)
    page.wait_for_url(f"**/console/items/{wanted}")
    axe_check(page)
    _tab_to(page, "Assign to me")
    _follow(page)
    assert "Assignment saved" in page.inner_text("main")
    _tab_to(page, "Add a note")
    _follow(page)
    page.wait_for_url("**/notes")
    _tab_to(page, "Note", FOCUSED_LABEL)
    page.keyboard.type("Spoke to Robin, calling back later")
    _tab_to(page, "Save")
    _follow(page)
    page.wait_for_url(f"**/console/items/{wanted}")
    assert "Note added" in page.inner_text("main")
    _tab_to(page, "Log a callback attempt")
    _follow(page)
    page.wait_for_url("**/callbacks")
    axe_check(page)
    _tab_to(page, "Phone call", FOCUSED_LABEL)
    page.keyboard.press("Space")
    _tab_to(page, "Reached them", FOCUSED_LABEL)
    page.keyboard.press("Space")
    _tab_to(page, "Save")
    _follow(page)
    page.wait_for_url(f"**/console/items/{wanted}")
    assert "Callback attempt logged" in page.inner_text("main")
    with app.extensions["db_sessionmaker"]() as session:
        item = session.scalars(select(Submission).where(Submission.reference == wanted)).one()
        assert item.assigned_to_id == adviser.id
        assert [n.text for n in session.scalars(select(Note).where(Note.submission_id == item.id))] == [
            "Spoke to Robin, calling back later"]
        attempt = session.scalars(select(CallbackAttempt)
                                  .where(CallbackAttempt.submission_id == item.id)).one()
        assert (attempt.method, attempt.result) == ("call", "reached")


def test_a_safeguarding_flag_reason_reaches_the_duty_mailbox(js_page, serve, make_app, smtp_server):
    app = make_app(WTF_CSRF_ENABLED=True)
    base_url = serve(app)
    with app.extensions["db_sessionmaker"]() as session:
        officer = make_user(session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"])
        reference = make_item(session, Kind.REQUEST_FOR_SUPPORT, "preston").reference
    page = js_page
    _sign_in(page, base_url, officer.email, officer.totp_secret)
    page.goto(f"{base_url}/console/items/{reference}")
    page.get_by_role("link", name="Flag for safeguarding").click()
    why = page.get_by_label("Why does this need urgent safeguarding attention?")
    why.fill("Bruises seen at school today")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "The duty team has been told" in page.inner_text("main")
    deliver_within_a_week(app)
    [alert] = smtp_server.to(DUTY)
    assert reference in alert["Subject"]
    assert "Bruises seen at school today" in alert.get_payload()
