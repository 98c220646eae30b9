"""Public and console pages are valid HTML according to the W3C Nu HTML checker (vnu.jar)."""

from __future__ import annotations

import copy
import functools
import json
import subprocess
from datetime import date
from pathlib import Path

import pytest

from talkzone import access, handoff, person_flags, repeats, webhooks
from talkzone.models import Kind
from testkit.factories import make_api_client, make_item, make_user, sign_in_as
from tests.journeys import FAMILY, PROFESSIONAL, answers, submit_request, walk_request
from tests.pages import PageRequests

VNU = Path(__file__).resolve().parents[2] / "node_modules/vnu-jar/build/dist/vnu.jar"


def _pages(client) -> dict[str, str]:
    pages = {}
    for path in ("/", "/request-support/", "/staying-safe-online", "/privacy", "/cookies",
                 "/accessibility", "/no-such-page"):
        pages[path] = client.get(path).get_data(as_text=True)
    for rule in client.application.url_map.iter_rules():  # each journey's start and expiry page
        if (rule.endpoint.endswith((".start", ".answers_deleted")) and rule.rule not in pages
                and "<" not in rule.rule):
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
    pages.update(_young_people_pages(client))
    return pages


def _young_people_pages(client) -> dict[str, str]:
    """The complaint and helpline pages issue #17 changed: item hints, the age list, the time picker."""
    from tests.complaint_journey import YOUNG_PERSON, walk_complaint
    from tests.helpline_journey import CALL, walk_helpline

    pages = {}
    walk_complaint(client, YOUNG_PERSON)
    for step in ("who", "your-name", "age", "care", "advocate", "check-answers"):
        pages[f"complaint {step}"] = client.get(f"/complaint/{step}").get_data(as_text=True)
    walk_helpline(client, {**CALL, "windows": {"when": "asap"}})
    for step in ("windows", "about-you"):
        pages[f"helpline {step}"] = client.get(f"/helpline/{step}").get_data(as_text=True)
    pages["helpline windows (error)"] = client.post("/helpline/windows", data={
        "when": "choose", "day_2": "2000-01-01", "start_2": "15:00"}).get_data(as_text=True)
    return pages


def _read(pages, requests, role, name, path, method="get", **kwargs):
    """Fetch one console page through the page checker and keep its HTML as sent."""
    getattr(requests, method)(path, **kwargs)
    pages[f"{role} {name}"] = requests.response.get_data(as_text=True)


def _console_pages(app, db_session) -> dict[str, str]:
    """Each role's console pages, signed in, over a real request and one item of every kind."""
    submit_request(app.test_client())
    items = {kind: make_item(db_session, kind) for kind in Kind.ALL}
    items["flagged"] = make_item(db_session, Kind.COMPLAINT, safeguarding=True)
    case_system, _ = make_api_client(db_session)  # the request for support shows its hand-off
    handoff.record_status(db_session, case_system, items[Kind.REQUEST_FOR_SUPPORT].reference, "declined",
                          reason="Open to social care already")
    db_session.commit()
    signed_out = PageRequests(app.test_client())
    signed_out.get("/console/sign-in")
    pages = {"sign in": signed_out.response.get_data(as_text=True)}
    for role in access.ROLES:
        user = make_user(db_session, role)
        client = app.test_client()
        sign_in_as(client, db_session, user)
        requests = PageRequests(client)
        read = functools.partial(_read, pages, requests, role)
        read("inbox", "/console/")
        read("inbox search", "/console/", method="post", data={"q": "Alex"})
        for kind in access.KINDS[role]:
            if access.may_see(user, items[kind]):
                read(f"item {kind}", f"/console/items/{items[kind].reference}")
        if access.may_see(user, items["flagged"]):
            read("item flagged", f"/console/items/{items['flagged'].reference}")
        read("password", "/console/account/password")
        if access.can(user, "view_reports"):
            read("reports", "/console/reports")
            read("reports, an error", "/console/reports?start=1&start=6&start=2026&end=1&end=3&end=2026")
        if access.can(user, "run_retention"):
            read("retention", "/console/retention")
        if access.can(user, "subject_access"):
            read("subject access", "/console/subject-access")
            read("subject access results", "/console/subject-access", method="post", data={"q": "Alex"})
        if access.can(user, "manage_users"):
            read("users", "/console/users")
            read("new user", "/console/users/new")
            read("api clients", "/console/api-clients")
            read("new api client", "/console/api-clients/new")
            read("new api client (error)", "/console/api-clients/new", method="post", data={"name": ""})
            read("api client made", "/console/api-clients/new", method="post",
                 data={"name": "Case system", "role": "helpline_adviser"})
        if access.can(user, "view_audit"):
            read("audit", "/console/audit")
        seen = [item for item in items.values() if access.may_see(user, item)]
        if access.can(user, "reply") and seen:
            read("reply, no channel", f"/console/items/{seen[0].reference}/reply")
        if access.can(user, "manage_canned"):
            read("canned responses", "/console/canned-responses")
        if access.can(user, "manage_webhooks"):
            _webhook_pages(db_session, items, read)
        if role == access.HELPLINE_ADVISER:
            written = make_item(db_session, contact={"channels": ["email"], "email": "sam@example.com"})
            read("reply preview", f"/console/items/{written.reference}/reply", method="post",
                 data={"channel": "email", "text": "Hello", "action": "preview"})
            _repeat_pages(read, db_session, user, written)
    return pages


def _webhook_pages(db_session, items, read) -> None:
    """The webhooks page with its form's errors, a new subscription's secret, and a delivery log."""
    read("webhooks, form errors", "/console/webhooks", method="post", data={"name": "", "url": "ftp://x"})
    read("webhook added", "/console/webhooks", method="post",
         data={"name": "Case system", "url": "https://cases.example/hooks", "events": ["item.created"]})
    subscription = webhooks.subscriptions(db_session)[-1]
    webhooks.publish(db_session, items[Kind.REQUEST_FOR_SUPPORT], "item.created")
    failed = webhooks.publish(db_session, items[Kind.COMPLAINT], "item.created")[0]
    failed.message.status, failed.message.last_error = "failed", "the receiver refused it: HTTP 410"
    db_session.commit()
    read("webhooks", "/console/webhooks")
    read("webhook delivery log", f"/console/webhooks/{subscription.id}")


def _repeat_pages(read, db_session, user, item) -> None:
    """An item with a linked item, a merged duplicate, a previous contact and a warning on its person."""
    others = [make_item(db_session, contact=dict(item.contact)) for _ in range(3)]
    repeats.link(db_session, user, item.reference, others[0].reference)
    repeats.merge(db_session, user, others[1].reference, item.reference, None)
    person_flags.set_flag(db_session, user, item.reference, "abusive_contact", "Shouted", None, date.today())
    db_session.commit()
    read("item with repeat contacts", f"/console/items/{item.reference}")
    read("merged item", f"/console/items/{others[1].reference}")
    read("merge confirmation", f"/console/items/{others[2].reference}/merge/{item.reference}")
    read("person warning", f"/console/items/{item.reference}/person-flags/new")
    flag = person_flags.active(db_session, item, date.today())[0]
    read("remove person warning", f"/console/items/{item.reference}/person-flags/{flag.id}/remove")


def _validate(pages: dict[str, str], tmp_path) -> None:
    """Fail with every message vnu.jar gives for any of the pages, named."""
    if not VNU.exists():
        pytest.fail(f"{VNU} is missing: run `make install` (npm installs vnu-jar)")
    files = {}
    for i, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"page{i}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = name
    done = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                          capture_output=True, text=True, timeout=120)
    messages = json.loads(done.stderr or "{}").get("messages", [])
    problems = [f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m['message']}"
                for m in messages]
    assert not problems, "\n".join(problems)


def test_public_pages_pass_the_nu_html_checker(client, tmp_path):
    _validate(_pages(client), tmp_path)


def test_console_pages_pass_the_nu_html_checker(app, db_session, tmp_path):
    pages = _console_pages(app, db_session)
    assert len(pages) > 20
    _validate(pages, tmp_path)


def test_request_support_edge_pages_pass_the_nu_html_checker(make_app, tmp_path):
    """The pages issue #17 added or changed: held requests, the confirmed no, the revealed box."""
    pages, client = {}, make_app().test_client()
    walk_request(client, copy.deepcopy(PROFESSIONAL), until="/request-support/family-consent")
    pages["family consent"] = client.get("/request-support/family-consent").get_data(as_text=True)
    walk_request(client, answers(PROFESSIONAL, family_consent={"family_consent": "no"}))
    pages["professional safety"] = client.get("/request-support/safety").get_data(as_text=True)
    client.post("/request-support/check-answers")
    pages["awaiting consent"] = client.get("/request-support/confirmation").get_data(as_text=True)
    client = make_app().test_client()
    data = answers(contact={"channels": ["email"], "phone": "", "email": "jo@example.com"}, consent=None)
    walk_request(client, data, until="/request-support/consent")
    pages["safety without calls"] = client.get("/request-support/safety").get_data(as_text=True)
    pages["needs, something else (error)"] = client.post(
        "/request-support/needs", data={"needs": ["other"], "details": "Help"}).get_data(as_text=True)
    pages["contact (error)"] = client.post(
        "/request-support/contact", data={"channels": ["text"], "phone": "01632 960 001",
                                          "email": "jo@example.com"}).get_data(as_text=True)
    pages["at risk"] = client.get("/request-support/at-risk").get_data(as_text=True)
    client.post("/request-support/consent", data={"consent": "no"})
    pages["confirm no consent"] = client.get("/request-support/no-consent").get_data(as_text=True)
    client.post("/request-support/no-consent")
    pages["not sent"] = client.get("/request-support/not-sent").get_data(as_text=True)
    assert all("govuk-template__body" in html for html in pages.values()), "a redirect, not a page"
    _validate(pages, tmp_path)
