"""Webhook subscriptions from the command line and the console: added, listed, removed; errors
say what is wrong and keep what was typed; only administrators see the pages."""

from __future__ import annotations

from sqlalchemy import select

from talkzone import access, webhooks
from talkzone.models import AuditEvent, WebhookSubscription
from testkit.factories import make_user, sign_in_as
from tests.pages import error_messages, page_of


def test_flask_webhooks_add_list_and_remove(app, db_session):
    runner = app.test_cli_runner()
    added = runner.invoke(args=["webhooks", "add", "--name", "Case system", "--url", "https://cases.example/hooks",
                                "--event", "item.created", "--event", "item.rerouted", "--include-item"])
    assert added.exit_code == 0, added.output
    assert "signing secret (shown once): whsec_" in added.output
    [subscription] = db_session.scalars(select(WebhookSubscription)).all()
    assert (subscription.events, subscription.include_item) == (["item.created", "item.rerouted"], True)
    listed = runner.invoke(args=["webhooks", "list"])
    row = f"{subscription.id}\tCase system\titem.created,item.rerouted\twith item\thttps://cases.example/hooks"
    assert row in listed.output
    assert subscription.secret not in listed.output
    assert runner.invoke(args=["webhooks", "remove", str(subscription.id)]).exit_code == 0
    assert "no subscriptions" in runner.invoke(args=["webhooks", "list"]).output
    missing = runner.invoke(args=["webhooks", "remove", str(subscription.id)])
    assert missing.exit_code != 0 and f"no subscription {subscription.id}" in missing.output
    actions = db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["webhook_added", "webhook_removed"]


def test_flask_webhooks_add_refuses_anything_but_http_and_https(app, db_session):
    runner = app.test_cli_runner()
    for url in ("ftp://cases.example/hooks", "file:///etc/passwd", "cases.example/hooks", "https://",
                "javascript:alert(1)", "https://cases.example/a b"):
        result = runner.invoke(args=["webhooks", "add", "--name", "x", "--url", url])
        assert result.exit_code != 0 and "absolute http:// or https:// URL" in result.output, url
    assert runner.invoke(args=["webhooks", "add", "--name", "x", "--url", "https://a.example",
                               "--event", "item.deleted"]).exit_code != 0
    assert db_session.scalars(select(WebhookSubscription)).all() == []


def _admin(app, db_session):
    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, access.ADMINISTRATOR))
    return client


def test_administrators_add_and_remove_subscriptions_in_the_console(app, db_session):
    client = _admin(app, db_session)
    assert "No subscriptions yet." in page_of(client.get("/console/webhooks")).get_text()
    refused = client.post("/console/webhooks", data={"name": "Case system", "url": "ftp://cases.example/x"})
    assert error_messages(refused) == ["Enter a URL starting with https:// or http://",
                                       "Select at least one event"]
    page = page_of(refused)
    assert page.select_one("input[name=url]")["value"] == "ftp://cases.example/x"
    assert page.select_one("input[name=name]")["value"] == "Case system"
    assert db_session.scalars(select(WebhookSubscription)).all() == []

    added = page_of(client.post("/console/webhooks", data={
        "name": "Case system", "url": "https://cases.example/hooks", "events": ["item.created"],
        "include_item": "y"}))
    [subscription] = db_session.scalars(select(WebhookSubscription)).all()
    assert added.select_one("[data-secret]").get_text() == subscription.secret
    assert subscription.include_item and subscription.events == ["item.created"]
    listing = page_of(client.get("/console/webhooks"))
    assert "https://cases.example/hooks" in listing.select_one("[data-webhooks]").get_text()
    assert subscription.secret not in str(listing)
    assert "Nothing has been sent" in page_of(client.get(f"/console/webhooks/{subscription.id}")).get_text()
    assert client.post(f"/console/webhooks/{subscription.id}/remove").status_code == 302
    assert webhooks.subscriptions(db_session) == []
    assert client.get(f"/console/webhooks/{subscription.id}").status_code == 404


def test_only_administrators_manage_webhooks(app, db_session):
    for role in (access.HELPLINE_ADVISER, access.DISTRICT_TRIAGE_OFFICER, access.SAFEGUARDING_LEAD):
        client = app.test_client()
        sign_in_as(client, db_session, make_user(db_session, role, areas=["preston"]))
        assert client.get("/console/webhooks").status_code == 403
        assert client.post("/console/webhooks", data={"name": "x", "url": "https://a.example",
                                                       "events": ["item.created"]}).status_code == 403
    assert db_session.scalars(select(WebhookSubscription)).all() == []
