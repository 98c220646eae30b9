"""Running in production: health checks, request ids, JSON logs without personal data, proxies, Redis."""

from __future__ import annotations

import io
import json
import logging
import uuid
from datetime import timedelta

import pytest
import redis
from alembic import command
from sqlalchemy import select, update

from portal import create_app
from portal.db import alembic_config
from portal.logs import JSONFormatter
from talkzone.models import OutboxMessage, utcnow
from tests.journeys import FAMILY, answers, submit_request
from tests.pages import csrf_token_of

REDIS_URL = "redis://127.0.0.1:6379"


def test_healthz_answers_over_plain_http_even_when_https_is_forced(make_app):
    client = make_app(FORCE_HTTPS=True).test_client()
    assert client.get("/").status_code == 302  # pages go to HTTPS...
    response = client.get("/healthz")  # ...but the load balancer's probe is answered
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_is_ready_with_the_database_at_head_and_no_backlog(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ready"
    assert response.json["outbox_due"] == 0


def test_readyz_reports_a_database_it_cannot_reach(tmp_path):
    missing = tmp_path / "no-such-directory" / "portal.db"
    app = create_app("test", DATABASE_URL=f"sqlite:///{missing}")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["reason"] == "database unreachable"


def test_readyz_reports_migrations_behind_head(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    command.upgrade(alembic_config(url), "0001")
    response = make_app(DATABASE_URL=url).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["reason"] == "migrations not at head"
    assert response.json["current"] == "0001"
    command.upgrade(alembic_config(url), "head")
    assert make_app(DATABASE_URL=url).test_client().get("/readyz").status_code == 200


def test_readyz_reports_an_outbox_backlog_over_the_threshold(make_app, db_session):
    app = make_app(READY_OUTBOX_MAX=2)
    client = app.test_client()
    submit_request(client)  # queues two messages: the area's inbox and the acknowledgement
    assert client.get("/readyz").status_code == 200  # just queued: not yet a backlog
    db_session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(minutes=5)))
    db_session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["reason"] == "outbox backlog over threshold"
    assert response.json["backlog"] >= 2


def test_readyz_counts_mail_stuck_in_sending(make_app, db_session):
    app = make_app(READY_OUTBOX_MAX=1)
    client = app.test_client()
    submit_request(client)  # two messages
    [first, second] = db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    now = utcnow()
    # A worker claimed the batch a moment ago and is sending it: normal, not a backlog.
    db_session.execute(update(OutboxMessage).values(status="sending", lease_until=now + timedelta(minutes=5)))
    db_session.commit()
    assert client.get("/readyz").json["outbox_due"] == 0
    # One worker died holding its lease, which has run out.
    first.lease_until = now - timedelta(seconds=1)
    # The other keeps dying on its batch: re-leased every five minutes, due for an hour.
    second.next_attempt_at = now - timedelta(hours=1)
    db_session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503, response.json
    assert response.json["backlog"] == 2


def test_request_id_is_kept_when_plain_and_made_when_missing_or_unsafe(client):
    assert client.get("/", headers={"X-Request-ID": "lb-1234.abc"}).headers["X-Request-ID"] == "lb-1234.abc"
    made = client.get("/").headers["X-Request-ID"]
    assert len(made) == 32 and int(made, 16) >= 0
    unsafe = client.get("/", headers={"X-Request-ID": "x" * 65}).headers["X-Request-ID"]
    assert unsafe != "x" * 65 and len(unsafe) == 32


@pytest.fixture
def json_log():
    """Capture every log record of the process as the JSON lines production writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_json_logs_carry_the_request_id_and_no_personal_data(make_app, json_log):
    client = make_app().test_client()
    client.get("/request-support/who?email=jo%40example.com&name=Jo+Bloggs",
               headers={"X-Request-ID": "trace-77"})
    submit_request(client, answers(FAMILY, risk={"at_risk": "no"}) if "risk" not in FAMILY else FAMILY)
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    requests = [line for line in lines if line["logger"] == "portal.access"]
    assert len(requests) >= 15
    assert all(set(line) >= {"time", "level", "request_id", "method", "path", "status"} for line in requests)
    assert any(line["request_id"] == "trace-77" and line["path"] == "/request-support/who"
               for line in requests)
    text = json_log.getvalue()
    for personal in ("jo@example.com", "jo%40example.com", "Jo Bloggs", "Sam Bloggs", "07700 900123",
                     "PR1 2AB", "pr1 2ab", "1 High Street", "Her ex-partner", "?"):
        assert personal not in text, personal


def test_log_formatter_scrubs_addresses_phone_numbers_and_sql_parameters():
    record = logging.LogRecord("talkzone", logging.ERROR, __file__, 1,
                               "could not send to %s on %s: %s", ("jo@example.com", "07700 900123",
                               "(x) [SQL: INSERT ...]\n[parameters: ('Jo Bloggs', 'PR1 2AB')]"), None)
    line = json.loads(JSONFormatter().format(record))
    assert "jo@example.com" not in line["message"] and "[email]" in line["message"]
    assert "07700" not in line["message"] and "[phone]" in line["message"]
    assert "Jo Bloggs" not in line["message"] and "[parameters hidden]" in line["message"]


def _submit_posts(client, count, **headers):
    return [client.post("/request-support/check-answers", data={}, headers=headers).status_code
            for _ in range(count)]


def test_behind_a_proxy_rate_limits_count_each_client_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PUBLIC_SUBMIT_LIMIT="2 per hour", PROXY_FIX_HOPS=1,
                   RATELIMIT_STORAGE_URI="memory://")
    client = app.test_client()
    assert _submit_posts(client, 3, **{"X-Forwarded-For": "203.0.113.7"})[-1] == 429
    assert _submit_posts(client, 1, **{"X-Forwarded-For": "203.0.113.8"}) != [429]


def test_without_proxy_hops_a_forged_forwarded_header_does_not_escape_the_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PUBLIC_SUBMIT_LIMIT="2 per hour",
                   RATELIMIT_STORAGE_URI="memory://")
    client = app.test_client()
    _submit_posts(client, 2, **{"X-Forwarded-For": "203.0.113.7"})
    assert _submit_posts(client, 1, **{"X-Forwarded-For": "203.0.113.9"}) == [429]


def test_behind_a_proxy_https_is_recognised_from_x_forwarded_proto(make_app):
    client = make_app(FORCE_HTTPS=True, PROXY_FIX_HOPS=1).test_client()
    assert client.get("/", headers={"X-Forwarded-Proto": "https"}).status_code == 200
    assert client.get("/", headers={"X-Forwarded-Proto": "http"}).status_code == 302


def test_rate_limits_are_shared_through_redis_by_every_app_process(make_app):
    prefix = f"eh-test-{uuid.uuid4().hex[:8]}"
    settings = {"RATELIMIT_ENABLED": True, "PUBLIC_SUBMIT_LIMIT": "3 per hour",
                "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    first, second = make_app(**settings).test_client(), make_app(**settings).test_client()
    # Two apps stand for two gunicorn processes: the limit is counted across both.
    assert _submit_posts(first, 2) + _submit_posts(second, 1) == [302, 302, 302]
    assert _submit_posts(second, 1) == [429]
    assert _submit_posts(first, 1) == [429]
    store = redis.Redis.from_url(REDIS_URL)
    keys = store.keys(f"*{prefix}*")
    assert keys
    store.delete(*keys)


def test_forms_work_over_https_without_a_referer_and_still_need_the_csrf_token(make_app):
    # Referrer-Policy: no-referrer means browsers send no Referer; the token alone must do.
    client = make_app(WTF_CSRF_ENABLED=True, FORCE_HTTPS=True).test_client()
    page = client.get("/request-support/who", base_url="https://localhost").get_data(as_text=True)
    token = csrf_token_of(page)
    without = client.post("/request-support/who", data={"role": "parent"}, base_url="https://localhost")
    assert without.status_code == 400
    with_token = client.post("/request-support/who", data={"role": "parent", "csrf_token": token},
                             base_url="https://localhost")
    assert with_token.status_code == 302
