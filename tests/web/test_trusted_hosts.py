"""In production only the configured host is answered, so no redirect is built from a forged Host."""

from __future__ import annotations

import pytest

from portal import create_app

PUBLIC = "https://help.lancashire.example"


@pytest.fixture
def production(database_url):
    app = create_app("production", SECRET_KEY="test-secret-not-used-anywhere", DATABASE_URL=database_url,
                     PUBLIC_BASE_URL=PUBLIC, LOG_JSON=False)
    yield app
    app.extensions["db_engine"].dispose()


def test_a_forged_host_is_refused_and_redirects_use_the_configured_host(production):
    client = production.test_client()
    forged = client.get("/request-support/who", base_url="http://evil.example")
    assert forged.status_code == 400, (forged.status_code, forged.headers.get("Location"))
    assert "evil.example" not in forged.headers.get("Location", "")
    assert client.get("/healthz", base_url="https://evil.example").status_code == 400

    upgraded = client.get("/request-support/who", base_url="http://help.lancashire.example")
    assert upgraded.status_code in (301, 302)
    assert upgraded.headers["Location"] == f"{PUBLIC}/request-support/who"
    assert client.get("/request-support/who", base_url=PUBLIC).status_code == 200


def test_trusted_hosts_can_name_more_hosts_and_development_answers_any(database_url, monkeypatch):
    app = create_app("production", SECRET_KEY="test-secret-not-used-anywhere", DATABASE_URL=database_url,
                     PUBLIC_BASE_URL=PUBLIC, TRUSTED_HOSTS=["help.lancashire.example", "10.0.0.5"],
                     LOG_JSON=False)
    assert app.test_client().get("/healthz", base_url="https://10.0.0.5").status_code == 200
    app.extensions["db_engine"].dispose()
    dev = create_app("test", DATABASE_URL=database_url)
    assert dev.test_client().get("/healthz", base_url="http://anything.example").status_code == 200
    dev.extensions["db_engine"].dispose()
