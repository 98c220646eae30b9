"""Lighthouse (mobile) scores and remaining findings for the start page and one question page.

Usage: .venv/bin/python benchmarks/lighthouse.py

Serves the portal in production mode with gunicorn on a private PostgreSQL (as public_load.py
does), then runs npm's `lighthouse` with Debian's /usr/bin/chromium against each page (default
mobile emulation and throttling) and prints the performance and accessibility scores, the page
weight Lighthouse counted, and every audit that did not pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._section import write_part  # noqa: E402
from testkit.harness import Gunicorn, PrivatePostgres, migrate, production_env  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PAGES = [("start page", "/"), ("question page (who is asking)", "/request-support/who")]


def lighthouse(url: str) -> dict:
    command = [str(ROOT / "node_modules" / ".bin" / "lighthouse"), url, "--quiet", "--output=json",
               "--output-path=stdout", "--only-categories=performance,accessibility",
               "--chrome-path=/usr/bin/chromium", "--chrome-flags=--headless=new --no-sandbox",
               '--extra-headers={"X-Forwarded-Proto": "https"}']
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True, timeout=300).stdout)


def failing(report: dict) -> list[str]:
    found = []
    for category in report["categories"].values():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit.get("score") is not None and audit["score"] < 0.9 and ref.get("weight", 0) >= 0:
                if audit["scoreDisplayMode"] in ("binary", "numeric", "metricSavings"):
                    found.append(f"{audit['title']}" + (f" ({audit['displayValue']})"
                                                        if audit.get("displayValue") else ""))
    return sorted(set(found))


def main() -> None:
    postgres = PrivatePostgres().start()
    try:
        migrate(postgres.url)
        portal = Gunicorn(production_env(postgres.url), workers=1).start()
        try:
            reports = [(name, lighthouse(f"http://127.0.0.1:{portal.port}{path}")) for name, path in PAGES]
        finally:
            portal.stop()
    finally:
        postgres.stop()
    lines = ["### Lighthouse, mobile (`benchmarks/lighthouse.py`)", "",
             f"Measured {date.today():%d %B %Y}, Lighthouse "
             f"{reports[0][1]['lighthouseVersion']} with Debian's Chromium, default mobile emulation and "
             f"throttling, load average {os.getloadavg()[0]:.1f} at the end.", "",
             "| Page | Performance | Accessibility | Bytes Lighthouse counted | Not passed |",
             "|---|---|---|---|---|"]
    for name, report in reports:
        scores = {key: round(100 * c["score"]) for key, c in report["categories"].items()}
        weight = report["audits"]["total-byte-weight"]["numericValue"] / 1000
        lines.append(f"| {name} | {scores['performance']} | {scores['accessibility']} | {weight:.1f} KB | "
                     f"{'; '.join(failing(report)) or 'nothing'} |")
    lines += ["", "Aim: performance at least 99 and accessibility 100 on mobile."]
    text = "\n".join(lines)
    print(text)
    write_part("lighthouse", text)


if __name__ == "__main__":
    main()
