"""Urdu pages in Chromium: Noto Nastaliq Urdu is loaded (fingerprinted, from this server) and used,
only where lang="ur"; and a time range in right-to-left text still reads start first."""

from __future__ import annotations

from portal import demo
from talkzone import access
from tests.browser.flows import sign_in_demo

FONT = '"Noto Nastaliq Urdu"'
FONT_STATE = """async () => {
  await document.fonts.ready;
  const faces = [...document.fonts].filter((f) => f.family.replaceAll('"', "") === "Noto Nastaliq Urdu");
  return {
    loaded: faces.filter((f) => f.status === "loaded").length,
    check: document.fonts.check('16px "Noto Nastaliq Urdu"', "اردو"),
    family: getComputedStyle(document.querySelector("main h1")).fontFamily,
    files: performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.endsWith(".woff2")),
  };
}"""


def test_urdu_pages_load_and_use_the_nastaliq_font(js_page, base_url):
    js_page.goto(base_url + "/?lang=en")
    english = js_page.evaluate(FONT_STATE)
    assert english["loaded"] == 0 and english["files"] == [] and "Nastaliq" not in english["family"]

    js_page.goto(base_url + "/?lang=ur")
    assert js_page.locator("html").get_attribute("lang") == "ur"
    urdu = js_page.evaluate(FONT_STATE)
    # A face with a unicode-range is fetched only when the page draws a character in its range:
    # loaded means Urdu text was drawn with it.
    assert urdu["check"] and urdu["loaded"] >= 1, urdu
    assert urdu["family"].startswith(FONT), urdu
    assert urdu["files"] and all("/static/dist/fonts/noto-nastaliq-urdu-arabic-" in f for f in urdu["files"])


def test_a_time_range_reads_start_first_in_urdu(js_page, base_url, live_app):
    live_app.test_cli_runner().invoke(args=["seed-demo"])
    js_page.goto(base_url + "/?lang=ur")
    sign_in_demo(js_page, base_url, demo.demo_email(access.HELPLINE_ADVISER))
    js_page.goto(base_url + "/console/?lang=ur")  # the console has a language of its own
    assert js_page.locator("html").get_attribute("dir") == "rtl"
    ranges = js_page.evaluate("""() => [...document.querySelectorAll("main td")]
      .map((td) => [...td.querySelectorAll(":scope > bdi")])
      .filter((times) => times.length === 2 && /\\d/.test(times[0].textContent))
      .map(([start, end]) => [start.getBoundingClientRect(), end.getBoundingClientRect(),
                              start.parentElement.textContent])""")
    assert len(ranges) >= 2, ranges
    # Read right to left, line by line: the start is on an earlier line, or to the right on the same one.
    for start, end, text in ranges:
        same_line = abs(start["top"] - end["top"]) < 2  # DOMRect: JSON of x, y, top, left, ...
        assert (same_line and start["left"] > end["left"]) or start["top"] < end["top"] - 2, text
