"""The README's quick start on a fresh clone: `HOST=… PORT=… make run`, the page, a demo staff
sign-in through the console's own forms, demo items in the inbox, mail written while serving,
Ctrl-C stopping everything, and a restart with nothing changed serving within 5 s.

The clone reuses this tree's .venv and node_modules through symlinks (their install inputs are
dated before the install stamps, so make sees them installed); everything else is built in it.
"""

from __future__ import annotations

import http.cookiejar
import os
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bs4 import BeautifulSoup

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
INSTALL_INPUTS = ("pyproject.toml", "constraints.txt", "package.json", "package-lock.json")
STAMPS = (".venv/bin/.installed", "node_modules/.installed")


def _clone(tmp_path: Path) -> Path:
    clone = tmp_path / "clone"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "checkout", "-q", head], cwd=clone, check=True)
    for shared in (".venv", "node_modules"):
        (clone / shared).symlink_to((ROOT / shared).resolve())
    installed = min((ROOT / stamp).stat().st_mtime for stamp in STAMPS)
    for name in INSTALL_INPUTS:
        os.utime(clone / name, (installed - 60, installed - 60))
    return clone


def _start(clone: Path, port: int, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FLASK_", "PORTAL_", "TEST_DATABASE")) and k != "DATABASE_URL"}
    env.update(HOST="127.0.0.1", PORT=str(port))
    return subprocess.Popen(["make", "run"], cwd=clone, env=env, stdout=log.open("ab"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for(url: str, server: subprocess.Popen, log: Path, limit: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        assert server.poll() is None, log.read_text()[-3000:]
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                assert response.status == 200
                return time.monotonic() - started
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing served at {url} within {limit}s:\n" + log.read_text()[-3000:])


def _stop(server: subprocess.Popen) -> None:
    """Ctrl-C to the whole process group, as a terminal sends it; then nothing of it may be left."""
    os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(15)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(server.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        raise AssertionError("a process of `make run` outlived Ctrl-C")
    finally:
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Browser:
    """Forms found by their field names, posted with their hidden fields and the cookie kept."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.geturl(), response.read().decode()

    def submit(self, path: str, **fields) -> tuple[str, str]:
        _, html = self.get(path)
        form = next(f for f in BeautifulSoup(html, "html.parser").find_all("form")
                    if all(f.find(attrs={"name": name}) for name in fields))
        data = {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")}
        data.update(fields)
        action = urllib.parse.urljoin(self.base + path, form.get("action") or path)
        with self.opener.open(action, data=urllib.parse.urlencode(data).encode(), timeout=10) as response:
            return response.geturl(), response.read().decode()


def test_readme_quick_start_on_a_fresh_clone(tmp_path):
    clone = _clone(tmp_path)
    port, log = free_port(), tmp_path / "make-run.log"
    base = f"http://127.0.0.1:{port}"
    server = _start(clone, port, log)
    try:
        _wait_for(base + "/", server, log, limit=240)
        assert f"{base}/console" in log.read_text() and "demo-password-2026" in log.read_text()
        browser = Browser(base)
        url, _ = browser.submit("/console/sign-in", email="helpline@demo.example",
                                password="demo-password-2026")
        assert url.endswith("/console/sign-in/code")
        code = subprocess.run([".venv/bin/flask", "--app", "portal", "demo-code"], cwd=clone,
                              capture_output=True, text=True, check=True).stdout.strip()
        url, inbox = browser.submit("/console/sign-in/code", code=code)
        assert url.rstrip("/").endswith("/console")
        references = sorted({a["href"].rsplit("/", 1)[1] for a in BeautifulSoup(inbox, "html.parser")
                             .find_all("a", href=True) if "/console/items/TZ-" in a["href"]})
        assert len(references) == 3, inbox

        mail = clone / "instance" / "mail"
        before = set(mail.iterdir())
        unflagged = next(r for r in references
                         if "flagged" not in browser.get(f"/console/items/{r}")[1].lower())
        browser.submit(f"/console/items/{unflagged}/safeguarding", reason="Demo: checking mail arrives")
        deadline = time.monotonic() + 8
        while not any(unflagged in p.read_text() for p in set(mail.iterdir()) - before):
            assert time.monotonic() < deadline, "mail queued while serving was not written to instance/mail/"
            time.sleep(0.2)
    finally:
        _stop(server)

    server = _start(clone, port, log)
    try:
        seconds = _wait_for(base + "/", server, log, limit=60)
        # 5 s on an idle machine; on a shared one, as much longer as it is loaded past its cores.
        load = os.getloadavg()[0]
        limit = 5 * max(1.0, load / (os.cpu_count() or 1))
        print(f"restart with nothing changed: serving after {seconds:.1f}s "
              f"(load {load:.1f}, limit {limit:.1f}s)")
        assert seconds < limit
        assert log.read_text().count("npm run") == 1 and log.read_text().count("pybabel compile") == 2
        assert log.read_text().count("seed-demo\n") == 1
    finally:
        _stop(server)
