"""Public pages are valid HTML according to the W3C Nu HTML checker (vnu.jar)."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import pytest

from tests.journeys import FAMILY, walk_request

VNU = Path(__file__).resolve().parents[2] / "node_modules/vnu-jar/build/dist/vnu.jar"


def _pages(client) -> dict[str, str]:
    pages = {}
    for path in ("/", "/request-support/", "/staying-safe-online", "/privacy", "/cookies",
                 "/accessibility", "/no-such-page"):
        pages[path] = client.get(path).get_data(as_text=True)
    for rule in client.application.url_map.iter_rules():  # each journey's start page
        if rule.endpoint.endswith(".start") and rule.rule not in pages and "<" not in rule.rule:
            pages[rule.rule] = client.get(rule.rule).get_data(as_text=True)
    pages["who (error)"] = client.post("/request-support/who", data={}).get_data(as_text=True)
    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/children")
    pages["child (error)"] = client.post("/request-support/child", data={"dob": ["1", "", ""]}).get_data(
        as_text=True)
    walk_request(client, copy.deepcopy(FAMILY))
    for step in ("children", "address", "area", "needs", "involved", "language", "contact", "safety",
                 "consent", "check-answers"):
        pages[step] = client.get(f"/request-support/{step}").get_data(as_text=True)
    client.post("/request-support/check-answers")
    pages["confirmation"] = client.get("/request-support/confirmation").get_data(as_text=True)
    return pages


def test_public_pages_pass_the_nu_html_checker(client, tmp_path):
    if not VNU.exists():
        pytest.fail(f"{VNU} is missing: run `make install` (npm installs vnu-jar)")
    files = {}
    for i, (name, html) in enumerate(_pages(client).items()):
        path = tmp_path / f"page{i}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = name
    done = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                          capture_output=True, text=True, timeout=120)
    messages = json.loads(done.stderr or "{}").get("messages", [])
    problems = [f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m['message']}"
                for m in messages]
    assert not problems, "\n".join(problems)
