"""The warning before answers expire, in Chromium with a controlled clock."""

from __future__ import annotations

from tests.browser.flows import choose, go_on


def test_warning_appears_before_expiry_and_keeps_the_answers(js_page, base_url):
    page = js_page
    page.clock.install()
    page.goto(f"{base_url}/request-support/who")
    choose(page, "A parent or carer")
    go_on(page)
    dialog = page.locator("#timeout-warning")
    assert not dialog.is_visible()
    page.clock.fast_forward("55:30")
    dialog.wait_for(state="visible")
    assert "Do you need more time?" in dialog.inner_text()
    with page.expect_response(lambda r: r.url.endswith("/keep-alive")) as kept:
        dialog.get_by_role("button", name="Keep my answers").click()
    assert kept.value.status == 200
    dialog.wait_for(state="hidden")
