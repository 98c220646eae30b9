"""Load and fault harness: a private PostgreSQL server, the app under gunicorn, and browser-like users.

Shared by the load tests (tests/load) and the benchmark scripts (benchmarks/). The private
PostgreSQL server lives in a temporary directory on a free port, so it can be stopped and
restarted without touching the machine's shared server.
"""

from __future__ import annotations

import copy
import http.client
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PYTHON_BIN = Path(sys.executable).parent

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
REFERENCE = re.compile(r"<strong>([A-Z0-9-]{6,20})</strong>")
TRY_AGAIN = "Please try again in a few minutes"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(server_url: str, name: str) -> str:
    """An empty database called ``name`` on the PostgreSQL server at ``server_url``; its URL."""
    drop_database(server_url, name, then=f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(server_url: str, name: str, then: str | None = None) -> None:
    """Drop the database ``name`` (closing its connections), and run ``then`` if given."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if then:
            conn.execute(text(then))
    admin.dispose()


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on port {port} after {timeout}s")


class PrivatePostgres:
    """A throwaway PostgreSQL 15 server of the caller's own (initdb in a temp dir, trust auth)."""

    def __init__(self):
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="eh-pg-"))
        self.data = self.directory / "data"
        self.user = None if os.geteuid() != 0 else "postgres"  # initdb refuses to run as root

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> PrivatePostgres:
        if self.user:
            shutil.chown(self.directory, self.user, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync")
        self.up()
        self.sql("CREATE DATABASE portal")
        return self

    def up(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off " \
                  "-c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.directory / "log"),
                  "-w", "start")

    def down(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def sql(self, statement: str, database: str = "postgres") -> str:
        result = subprocess.run(
            [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", database, "-At", "-c", statement], check=True, capture_output=True, text=True)
        return result.stdout

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/portal"

    def stop(self) -> None:
        self.down()
        shutil.rmtree(self.directory, ignore_errors=True)


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment a production process runs with, pointed at ``database_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "RATELIMIT_"))}
    env.update({
        "PORTAL_ENV": "production",
        "SECRET_KEY": "load-test-secret-key-not-for-production",
        "DATABASE_URL": database_url,
        "PROXY_FIX_HOPS": "1",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
        "PUBLIC_SUBMIT_LIMIT": "10 per hour",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": "1",
        "LOG_LEVEL": "WARNING",
        "PATH": f"{PYTHON_BIN}:{env.get('PATH', '')}",
        **extra,
    })
    return env


def migrate(database_url: str) -> None:
    subprocess.run([str(PYTHON_BIN / "flask"), "--app", "portal", "db", "upgrade"], cwd=ROOT,
                   env=production_env(database_url), check=True, capture_output=True, timeout=120)


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py, serving ``app`` (default: the portal)."""

    def __init__(self, env: dict[str, str], workers: int = 4, threads: int = 4,
                 app: str | None = None):
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port), "WEB_CONCURRENCY": str(workers),
                    "GUNICORN_THREADS": str(threads)}
        self.app = app
        self.process: subprocess.Popen | None = None

    def start(self) -> Gunicorn:
        command = [str(PYTHON_BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")]
        if self.app:
            command.append(self.app)
        # Logs go to a file: a pipe nobody reads fills up and then blocks every worker's writes.
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=self.log, text=True)
        wait_for_port(self.port)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the workers build the app after the port opens
            if Browser(self.port).get("/healthz").status == 200:
                return self
            time.sleep(0.2)
        raise TimeoutError("gunicorn did not answer /healthz")

    def stop(self) -> str:
        if self.process is None:
            return ""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self.log.seek(0)
        errors = self.log.read()
        self.log.close()
        return errors


@dataclass
class Page:
    status: int
    location: str | None
    body: str


@dataclass
class Browser:
    """One user: a keep-alive connection, a cookie jar, a client address behind the proxy."""

    port: int
    address: str = field(default_factory=lambda: f"10.{random.randrange(256)}.{random.randrange(256)}."
                                                 f"{random.randrange(1, 255)}")
    cookies: dict[str, str] = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict | None = None) -> Page:
        headers = {"X-Forwarded-For": self.address, "X-Forwarded-Proto": "https",
                   "User-Agent": "eh-load"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, ConnectionError):
                # A keep-alive connection the server has closed: open a new one once.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return Page(response.status, response.headers.get("Location"), text)

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, values: dict, page: Page) -> Page:
        token = CSRF.search(page.body)
        form = dict(values)
        if token:
            form["csrf_token"] = token.group(1)
        return self.request("POST", path, form)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def family_answers() -> dict:
    from testkit.answers import FAMILY_ANY_TIME

    data = copy.deepcopy(FAMILY_ANY_TIME)
    data.setdefault("risk", {"at_risk": "no"})
    return data


@dataclass
class Outcome:
    """What one user saw: a reference on a confirmation page, or the page that stopped them."""

    reference: str | None = None
    status: int | None = None
    body: str = ""
    statuses: list[int] = field(default_factory=list)
    finished: float = 0.0


def _path(location: str) -> str:
    parsed = urllib.parse.urlsplit(location)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def submit_request_for_support(browser: Browser, data: dict | None = None) -> Outcome:
    """Walk journey 1 as a browser does (GET each page, POST it with its token) and send it."""
    data = data or family_answers()
    outcome = Outcome()
    path = "/request-support/who"
    for _ in range(40):
        page = browser.get(path)
        outcome.statuses.append(page.status)
        while page.status == 302 and page.location:  # a page that sends on to the next one
            path = _path(page.location)
            page = browser.get(path)
            outcome.statuses.append(page.status)
        if page.status != 200:
            outcome.status, outcome.body = page.status, page.body
            return outcome
        step = path.split("/request-support/")[1].split("?")[0]
        values = {} if step == "check-answers" else data["child"][0] if step.split("/")[0] == "child" \
            else data[step]
        response = browser.post(path, values, page)
        outcome.statuses.append(response.status)
        if response.status != 302:
            outcome.status, outcome.body = response.status, response.body
            return outcome
        path = _path(response.location)
        if path.startswith("/request-support/confirmation"):
            page = browser.get(path)
            outcome.statuses.append(page.status)
            outcome.status, outcome.body = page.status, page.body
            found = REFERENCE.search(page.body)
            if page.status == 200 and found:
                outcome.reference = found.group(1)
            return outcome
    raise AssertionError(f"journey did not finish; last page {path}")


@dataclass
class LoadResult:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def confirmed(self) -> list[str]:
        return [o.reference for o in self.outcomes if o.reference]

    @property
    def statuses(self) -> list[int]:
        return [s for o in self.outcomes for s in o.statuses]


def run_submitters(port: int, users: int, seconds: float, *, pause: float = 0.0) -> LoadResult:
    """``users`` threads, each sending requests for support one after another for ``seconds``."""
    result = LoadResult()
    deadline = time.monotonic() + seconds

    def user():
        while time.monotonic() < deadline:
            browser = Browser(port)  # a new visitor each time: new cookies, new address
            try:
                outcome = submit_request_for_support(browser)
            except Exception as exc:  # a refused or reset connection is recorded, not raised
                with result.lock:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(0.2)
                continue
            finally:
                browser.close()
            outcome.finished = time.monotonic()
            with result.lock:
                result.outcomes.append(outcome)
            if pause:
                time.sleep(pause)

    threads = [threading.Thread(target=user, daemon=True) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    return result
