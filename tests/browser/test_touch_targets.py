"""WCAG 2.2 target size (2.5.8, AA) at phone size: every link and button on the start page, a
question page and a console page is at least 24 by 24 CSS pixels, and axe-core finds nothing.

Exempt, as WCAG's "inline" exception allows: a link inside a sentence, that is, one whose nearest
block (paragraph, list item, cell, ...) holds words other than the link's own. The language links
and footer links stand alone in their list items, so they are measured.
"""

from __future__ import annotations

from portal import demo
from talkzone import access
from tests.browser.flows import sign_in_demo

PHONE = {"width": 320, "height": 640}

SMALL_TARGETS = """() => {
  const blockOf = (el) => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      if (!getComputedStyle(node).display.startsWith("inline")) return node;
    }
    return document.body;
  };
  const words = (text) => text.replace(/\\s+/g, " ").trim();
  const inSentence = (el) => el.tagName === "A" &&
    words(blockOf(el).textContent).length > words(el.textContent).length;
  return [...document.querySelectorAll("a[href], button, input[type=submit], summary, [role=button]")]
    .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
    .filter((el) => !inSentence(el))
    .map((el) => ({el, box: el.getBoundingClientRect()}))
    .filter(({box}) => box.width < 24 || box.height < 24)
    .map(({el, box}) =>
      `${el.tagName} "${words(el.textContent)}" ${box.width.toFixed(1)}x${box.height.toFixed(1)}`);
}"""


def _check(page, axe_check, path: str) -> list[str]:
    page.wait_for_load_state()
    axe_check(page)
    measured = page.evaluate("() => document.querySelectorAll('a[href], button').length")
    assert measured, path
    return [f"{path}: {small}" for small in page.evaluate(SMALL_TARGETS)]


def test_every_target_is_at_least_24_css_pixels_at_phone_size(browser, base_url, live_app, axe_check):
    live_app.test_cli_runner().invoke(args=["seed-demo"])
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    try:
        small = []
        for path in ("/", "/request-support/who", "/?lang=ur"):
            page.goto(base_url + path)
            small += _check(page, axe_check, path)
        sign_in_demo(page, base_url, demo.demo_email(access.HELPLINE_ADVISER))
        small += _check(page, axe_check, "/console")
        page.locator("main a[href*='/console/items/']").first.click()
        small += _check(page, axe_check, "console item")
        assert not small, "\n".join(small)
    finally:
        context.close()
