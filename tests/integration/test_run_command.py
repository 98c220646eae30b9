"""`make run`'s steps, run for real: migrate, seed demo data, serve, and the page is styled."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import free_port
from tests.pages import page_of

ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "portal"]


def _get(url: str) -> tuple[int, str, dict]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (localhost only)
        return response.status, response.read().decode(), dict(response.headers)


def test_fresh_database_to_styled_start_page(tmp_path):
    env = {**os.environ, "PORTAL_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
           "MAIL_TRANSPORT": "files"}
    env.pop("TEST_DATABASE_URL", None)
    for args in (["db", "upgrade"], ["seed-demo"], ["outbox", "send"]):
        done = subprocess.run(FLASK + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    port = free_port()
    server = subprocess.Popen(FLASK + ["run", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                status, html, _ = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the portal did not start")
        assert status == 200
        stylesheet = page_of(html).find("link", href=re.compile(r"^/static/dist/css/main\.[0-9a-f]+\.css$"))
        assert stylesheet, "the page links the fingerprinted stylesheet"
        assert "GOV.UK" not in html and "crown" not in html.lower() and "govuk-logo" not in html
        status, css, headers = _get(f"http://127.0.0.1:{port}{stylesheet['href']}")
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert ".govuk-generic-header" in css and ".govuk-exit-this-page" in css
        assert "GDS Transport" not in css and "@font-face" not in css
        assert "arial" in css.lower()
        status, _, headers = _get(f"http://127.0.0.1:{port}/static/js/govuk-frontend.min.js")
        assert status == 200
    finally:
        server.terminate()
        server.wait(10)
