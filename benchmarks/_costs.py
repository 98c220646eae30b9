"""What one page costs beside its speed: SQL statements and Python allocations per request
(in process, through the Flask test client on the same database), bytes over the wire for a
first visit, and the resident size of each gunicorn worker."""

from __future__ import annotations

import http.client
import os
import re
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

from sqlalchemy import event

from testkit.harness import CSRF, Page, submit_request_for_support

ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
IMPORT = re.compile(r'from "\./([^"]+)"')


class CountingBrowser:
    """A Browser (testkit.harness) over the Flask test client that counts, for each page, the SQL
    statements it ran and the bytes and blocks Python allocated while serving it."""

    def __init__(self, app):
        self.client = app.test_client()
        self.costs: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        self.statements = 0
        event.listen(app.extensions["db_engine"], "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.statements += 1

    def request(self, method: str, path: str, form: dict | None = None) -> Page:
        self.statements = 0
        tracemalloc.start()
        response = self.client.open(path, method=method, data=form,
                                    headers={"X-Forwarded-Proto": "https"})
        body = response.get_data(as_text=True)
        peak = tracemalloc.get_traced_memory()[1]
        blocks = sum(stat.count for stat in tracemalloc.take_snapshot().statistics("filename"))
        tracemalloc.stop()
        step = re.sub(r"/\d+", "/N", path.split("?")[0])
        self.costs[f"{method} {step}"].append((self.statements, peak, blocks))
        return Page(response.status_code, response.headers.get("Location"), body)

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, values: dict, page: Page) -> Page:
        token = CSRF.search(page.body)
        return self.request("POST", path, {**values, **({"csrf_token": token[1]} if token else {})})


def page_costs(app) -> list[tuple[str, int, float, int]]:
    """Per page of the start page and a whole Request for Support: statements, peak KiB, blocks left
    allocated (the last of three walks, so caches are warm)."""
    browser = CountingBrowser(app)
    for _ in range(3):
        browser.costs.clear()
        browser.get("/")
        outcome = submit_request_for_support(browser)
        assert outcome.reference, (outcome.status, outcome.body[:500])
    return [(page, costs[-1][0], costs[-1][1] / 1024, costs[-1][2]) for page, costs in browser.costs.items()]


def first_load_bytes(port: int, path: str = "/") -> tuple[int, list[tuple[str, int]]]:
    """Bytes a first visit to ``path`` takes over the wire (headers and bodies, brotli accepted):
    the page, every static file it names, and the scripts those import."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    fetched, queue = [], [path]
    while queue:
        url = queue.pop(0)
        connection.request("GET", url, headers={"Accept-Encoding": "br, gzip", "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        body = response.read()
        size = len(body) + sum(len(k) + len(v) + 4 for k, v in response.getheaders()) + 17
        fetched.append((url, size))
        if url == path:
            queue += ASSET.findall(body.decode())
        elif url.endswith(".js"):  # read it again uncompressed (not counted) for its imports
            connection.request("GET", url, headers={"X-Forwarded-Proto": "https"})
            folder = url.rsplit("/", 1)[0]
            queue += [f"{folder}/{name}" for name in IMPORT.findall(connection.getresponse().read().decode())]
    connection.close()
    return sum(size for _, size in fetched), fetched


def _workers(master_pid: int) -> list[str]:
    return Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()


def worker_cpu_seconds(master_pid: int) -> float:
    """CPU time (user and system) the workers of the gunicorn master ``master_pid`` have used so
    far: divided by the requests served in between, a figure the machine's load moves far less
    than requests per second."""
    ticks = 0
    for pid in _workers(master_pid):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_rss_mib(master_pid: int) -> list[float]:
    """Resident size of each worker of the gunicorn master ``master_pid``, in MiB."""
    sizes = []
    for pid in _workers(master_pid):
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status)[1]) / 1024)
    return sizes


def timed_drain(app, session):
    """Drain the outbox once through the app's transports: the worker's code path, timed.
    Returns the drain's figures and the seconds it took; closes the session."""
    from portal.mail import transport_for
    from talkzone import outbox
    from talkzone.uow import UnitOfWork

    began = time.perf_counter()
    stats = outbox.drain(UnitOfWork(session), transport_for(app))
    elapsed = time.perf_counter() - began
    session.close()
    return stats, elapsed
