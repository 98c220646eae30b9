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


def clock(app, language: str, value) -> str:
    """A clock time ("2pm", "14:00") as a page in ``language`` shows it."""
    from portal.i18n import clock_time

    with app.test_request_context(), force_locale(language):
        return clock_time(value)


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


# Where two strings of a block's text are drawn: each one's box, and its first and last letters'.
_DRAWN = r"""([block, first, second]) => {
  const nodes = [], walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  let text = "";
  while (walker.nextNode()) {
    nodes.push([walker.currentNode, text.length]);
    text += walker.currentNode.textContent;
  }
  const at = (i) => {  // the text node and offset of character i of the block's text
    const [node, start] = nodes.filter(([, begins]) => begins <= i).pop();
    return [node, i - start];
  };
  const box = (from, to) => {
    const range = document.createRange();
    range.setStart(...at(from));
    range.setEnd(...at(to - 1));
    range.setEnd(range.endContainer, range.endOffset + 1);
    const {left, right, top} = range.getBoundingClientRect();
    return {left, right, top};
  };
  const drawn = (i, s) => ({whole: box(i, i + s.length), head: box(i, i + 1),
                            tail: box(i + s.length - 1, i + s.length)});
  const a = text.indexOf(first), b = text.indexOf(second, a + first.length);
  return a < 0 || b < 0 ? null : {text, first: drawn(a, first), second: drawn(b, second)};
}"""


def reads_in_order(page, block: str, start: str, end: str, rtl: bool) -> None:
    """In ``block``, ``start`` is read before ``end`` (to its right, or a line above, in right-to-left
    text) and each time reads as one left-to-right unit ("2:00 PM", never "PM 2:00")."""
    start, end = (time.strip("\u2066\u2067\u2068\u2069") for time in (start, end))  # isolates draw nothing
    found = page.locator(block).first.evaluate(
        "(block, args) => (" + _DRAWN + ")([block, ...args])", [start, end])
    assert found, (block, start, end)
    first, second, text = found["first"], found["second"], found["text"]
    for time in (first, second):
        if abs(time["head"]["top"] - time["tail"]["top"]) < 2:
            assert time["head"]["left"] < time["tail"]["left"], ("a time reads backwards", text)
    same_line = abs(first["whole"]["top"] - second["whole"]["top"]) < 2
    earlier = first["whole"]["top"] < second["whole"]["top"] - 2
    beside = (first["whole"]["left"] >= second["whole"]["right"] - 1 if rtl
              else first["whole"]["right"] <= second["whole"]["left"] + 1)
    assert (same_line and beside) or earlier, ("the end reads before the start", text)


# Text in the page that reads like a phone number the public might tap (999, 0800 1111, 116 123,
# 0300 123 6720...), with the tel: link it sits in (its href and drawn size), if any.
_PHONES = r"""(root) => {
  const found = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const number = /(^|[^\d])(999|116 123|0\d{3,4}(?: ?\d{2,4}){1,3})(?!\d)/g;
  while (walker.nextNode()) {
    if (walker.currentNode.parentElement.closest("script, style, template")) continue;
    for (const m of walker.currentNode.textContent.matchAll(number)) {
      const link = walker.currentNode.parentElement.closest('a[href^="tel:"]');
      const box = link && link.getBoundingClientRect();
      found.push({number: m[2], href: link && link.getAttribute("href"),
                  size: box && [box.width, box.height]});
    }
  }
  return found;
}"""


def tel_links(page, where: str, label: str, at_least: int) -> list[str]:
    """Every phone number in ``where`` is a tap-to-call link to that number, at least 24 by 24 CSS
    pixels (WCAG 2.2 target size, 2.5.8); returns the numbers found."""
    found = page.locator(where).first.evaluate(_PHONES)
    assert len(found) >= at_least, (label, found)
    untappable = [f["number"] for f in found if f["href"] != "tel:" + f["number"].replace(" ", "")]
    assert not untappable, (label, "not tap-to-call", untappable)
    small = [(f["number"], f["size"]) for f in found if min(f["size"]) < 24]
    assert not small, (label, "smaller than 24 by 24", small)
    return [f["number"] for f in found]
