"""Repeat contacts in Chromium: a request about the same child (name and date of birth) is found on
the item page, merged after the confirmation page, and its timeline is shown on the original."""

from __future__ import annotations

from datetime import timedelta

from talkzone import access
from talkzone.models import Kind, Note, utcnow
from testkit.factories import make_item, make_user
from tests.browser.test_console_browser import _sign_in


def _child(session, name, **kw):
    answers = {"child_list": [{"name": name, "dob": "2016-05-04", "school": "St Mary's", "send": "no"}]}
    return make_item(session, Kind.REQUEST_FOR_SUPPORT, "preston", answers=answers, subject_name=name,
                     contact={"channels": []}, **kw)


def test_a_repeat_contact_is_found_and_merged(js_page, serve, make_app, axe_check):
    app = make_app(WTF_CSRF_ENABLED=True)
    base_url = serve(app)
    with app.extensions["db_sessionmaker"]() as session:
        officer = make_user(session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"])
        original = _child(session, "Amy Hart", created_at=utcnow() - timedelta(days=20)).reference
        duplicate = _child(session, "Amy HART")
        session.add(Note(submission_id=duplicate.id, author_id=officer.id, at=utcnow(), text="Gran rang too"))
        session.commit()
        duplicate = duplicate.reference
    page = js_page
    _sign_in(page, base_url, officer.email, officer.totp_secret)
    page.goto(f"{base_url}/console/items/{duplicate}")
    found = page.locator("[data-previous-contacts] a[data-item-link]").all_inner_texts()
    assert found == [original]
    axe_check(page)
    page.get_by_role("link", name=f"Merge this item into {original}").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Merge {duplicate} into {original}"
    axe_check(page)
    page.get_by_role("button", name="Merge").click()
    page.wait_for_load_state()
    assert f"Merged into {original}" in page.inner_text("main")
    assert page.locator("[data-merged-into]").count() == 1
    page.get_by_role("link", name=original).first.click()
    page.wait_for_load_state()
    assert "Gran rang too" in page.locator(f'[data-merged-timeline="{duplicate}"]').inner_text()
    axe_check(page)
