"""Screenshots for the README: the start page, a question page, check your answers and a console item.

Run: `PYTHONPATH=. .venv/bin/python scripts/screenshots.py` (Debian's Chromium through Playwright;
`make system-deps` installs it). It serves the portal on a throwaway SQLite database with the
demo data, walks the helpline journey to its check answers page, signs in as the demo helpline
adviser and writes docs/screenshots/*.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SUBMIT = "main form button[type=submit], main form button:not([type])"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from portal import create_app, demo
    from portal.profile import current_profile
    from talkzone.models import utcnow
    from testkit.browser import fill_by_name

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("development", DATABASE_URL=f"sqlite:///{tmp}/screens.db", MAIL_TRANSPORT="files",
                         RATELIMIT_ENABLED=False)
        runner = app.test_cli_runner()
        for args in (["db", "upgrade"], ["seed-demo"]):
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
        with app.app_context():
            answers = demo.helpline_answers("Jay", "home", "Things at home are hard and I want to talk.",
                                            "call", utcnow(), current_profile(app).helpline)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        OUT.mkdir(parents=True, exist_ok=True)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1000, "height": 800}, locale="en-GB")
                page.goto(base + "/")
                page.screenshot(path=OUT / "start.png", full_page=True)
                page.goto(base + "/helpline/topic")
                page.screenshot(path=OUT / "question.png", full_page=True)
                for _ in range(12):
                    if "/check-answers" in page.url:
                        break
                    # Open the optional parts (the second and third callback times) to fill them.
                    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
                    fill_by_name(page, answers[page.url.split("/helpline/")[1].split("?")[0]])
                    page.locator(SUBMIT).last.click()
                    page.wait_for_load_state()
                page.screenshot(path=OUT / "check-answers.png", full_page=True)
                page.goto(base + "/console/sign-in")
                fill_by_name(page, {"email": demo.demo_email("helpline_adviser"), "password": demo.PASSWORD})
                page.locator(SUBMIT).last.click()
                fill_by_name(page, {"code": demo.current_code()})
                page.locator(SUBMIT).last.click()
                page.locator("main a[href*='/console/items/']").first.click()
                page.wait_for_load_state()
                page.screenshot(path=OUT / "console-item.png", full_page=True)
                browser.close()
        finally:
            server.shutdown()
    print(f"screenshots written to {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
