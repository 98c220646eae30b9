"""The /api/v1 JSON API through the test client: scope, cursor, changed-since, status answers,
bad input, revoked tokens, the rate limit, the audit trail and logs free of tokens."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from sqlalchemy import select

from portal.logs import JSONFormatter
from talkzone import access, api_clients
from talkzone.models import ApiClient, AuditEvent, Kind, Submission, utcnow
from testkit.factories import make_api_client, make_item, make_user, sign_in_as
from tests.pages import text_of


def _get(app, token, url, **kw):
    return app.test_client().get(url, headers={"Authorization": f"Bearer {token}"}, **kw)


def _post(app, token, url, body):
    return app.test_client().post(url, json=body, headers={"Authorization": f"Bearer {token}"})


def _items(db_session, count, **kw):
    start = utcnow() - timedelta(hours=count)
    return [make_item(db_session, Kind.REQUEST_FOR_SUPPORT, updated_at=start + timedelta(minutes=n), **kw)
            for n in range(count)]


def _actions(db_session, action):
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def test_the_list_pages_by_cursor_inside_the_clients_scope(app, db_session):
    _, token = make_api_client(db_session)
    mine = _items(db_session, 5)
    make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "burnley")
    make_item(db_session, Kind.COMPLAINT)
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = _get(app, token, "/api/v1/items", query_string=query)
        assert page.status_code == 200, page.json
        seen += [i["reference"] for i in page.json["items"]]
        cursor = page.json["next_cursor"]
        if cursor is None:
            break
    assert seen == [i.reference for i in mine]
    listed = _actions(db_session, "api_listed")
    assert len(listed) == 3 and listed[0].detail["references"] == seen[:2]


def test_filters_by_kind_area_and_status_and_changed_since(app, db_session):
    _, token = make_api_client(db_session, access.SAFEGUARDING_LEAD, areas=())
    old = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "preston", safeguarding=True,
                    updated_at=utcnow() - timedelta(days=3))
    new = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "burnley", safeguarding=True, status="acknowledged")
    complaint = make_item(db_session, Kind.COMPLAINT, safeguarding=True)
    make_item(db_session, Kind.COMPLAINT)  # not flagged: outside a safeguarding lead's scope

    def refs(**query):
        answer = _get(app, token, "/api/v1/items", query_string=query)
        assert answer.status_code == 200, answer.json
        return {i["reference"] for i in answer.json["items"]}

    assert refs() == {old.reference, new.reference, complaint.reference}
    assert refs(kind="complaint") == {complaint.reference}
    assert refs(area="burnley") == {new.reference}
    assert refs(status="acknowledged") == {new.reference}
    since = (utcnow() - timedelta(days=1)).isoformat()
    assert refs(changed_since=since) == {new.reference, complaint.reference}


def test_one_item_with_answers_and_contact_but_never_who_must_not_know(app, db_session):
    _, token = make_api_client(db_session)
    item = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, answers={
        "needs": {"needs": "Dave Smith shouts at the children"},
        "safety": {"must_not_know": "Dave Smith", "days": ["mon"]},
        "contact": {"channels": ["call"], "phone": "07700 900123"}})
    answer = _get(app, token, f"/api/v1/items/{item.reference}")
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["reference"] == item.reference and body["area"] == "preston"
    assert body["answers"]["contact"]["phone"] == "07700 900123"
    assert body["contact"]["say_who"] == "no" and body["contact"]["days"] == ["tue", "wed", "thu"]
    assert "Dave" not in answer.get_data(as_text=True) and "stepfather" not in answer.get_data(as_text=True)
    assert body["answers"]["needs"]["needs"] == "[withheld] shouts at the children"
    assert set(body["withheld"]) == {"safety.must_not_know", "contact_record.must_not_know"}
    assert body["handoff"] is None
    assert [e.submission_id for e in _actions(db_session, "api_read")] == [item.id]


def test_the_timeline(app, db_session):
    client, token = make_api_client(db_session)
    item = make_item(db_session, Kind.REQUEST_FOR_SUPPORT)
    assert _post(app, token, f"/api/v1/items/{item.reference}/status",
                 {"status": "accepted", "case_id": "LCS-1"}).status_code == 200
    answer = _get(app, token, f"/api/v1/items/{item.reference}/timeline")
    assert answer.status_code == 200
    assert [e["what"] for e in answer.json["entries"]][-1] == "handoff_accepted"
    assert answer.json["entries"][-1]["by_staff"] is False
    assert _actions(db_session, "api_read_timeline")[0].detail == {"client_id": client.id}


def test_accepted_and_declined_show_on_the_console_item(app, db_session):
    client, token = make_api_client(db_session)
    accepted, declined = _items(db_session, 2)
    answer = _post(app, token, f"/api/v1/items/{accepted.reference}/status",
                   {"status": "accepted", "case_id": "LCS-4471", "allocated_worker": "Pat Worker"})
    assert answer.status_code == 200 and answer.json["case_id"] == "LCS-4471"
    assert _post(app, token, f"/api/v1/items/{declined.reference}/status",
                 {"status": "declined", "reason": "Already open to social care"}).status_code == 200
    officer = make_user(db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"])
    browser = app.test_client()
    sign_in_as(browser, db_session, officer)
    page = browser.get(f"/console/items/{accepted.reference}").get_data(as_text=True)
    assert "Accepted" in page and "LCS-4471" in page and "Pat Worker" in page
    page = browser.get(f"/console/items/{declined.reference}").get_data(as_text=True)
    assert "Declined" in page and "Already open to social care" in page
    event = _actions(db_session, "handoff_accepted")[0]
    assert event.submission_id == accepted.id and event.detail["client_id"] == client.id
    # An accepted item is never declined after; accepting again updates the worker.
    again = _post(app, token, f"/api/v1/items/{accepted.reference}/status",
                  {"status": "declined", "reason": "Changed our minds"})
    assert again.status_code == 409
    assert _post(app, token, f"/api/v1/items/{declined.reference}/status",
                 {"status": "accepted", "case_id": "LCS-5"}).status_code == 200


def test_a_status_for_an_item_outside_the_scope_is_not_found(app, db_session):
    _, token = make_api_client(db_session)
    elsewhere = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "burnley")
    complaint = make_item(db_session, Kind.COMPLAINT)
    for item in (elsewhere, complaint):
        for answer in (_post(app, token, f"/api/v1/items/{item.reference}/status",
                             {"status": "accepted", "case_id": "X"}),
                       _get(app, token, f"/api/v1/items/{item.reference}"),
                       _get(app, token, f"/api/v1/items/{item.reference}/timeline")):
            assert answer.status_code == 404 and answer.json["message"] == "No such item."
    missing = _post(app, token, "/api/v1/items/RFS-NONE-0000/status", {"status": "accepted", "case_id": "X"})
    assert missing.status_code == 404 and missing.json == answer.json
    assert db_session.scalar(select(Submission.updated_at).where(Submission.id == elsewhere.id)) \
        == elsewhere.updated_at


def test_a_revoked_or_unknown_token_gets_401(app, db_session):
    client, token = make_api_client(db_session)
    assert _get(app, token, "/api/v1/items").status_code == 200
    api_clients.revoke(db_session, client.id)
    db_session.commit()
    for bad in (token, "ehapi_not-a-real-one", ""):
        answer = _get(app, bad, "/api/v1/items")
        assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert app.test_client().get("/api/v1/items").status_code == 401


def test_unknown_fields_and_wrong_types_get_a_clear_422(app, db_session):
    _, token = make_api_client(db_session)
    item = make_item(db_session, Kind.REQUEST_FOR_SUPPORT)
    url = f"/api/v1/items/{item.reference}/status"
    unknown = _post(app, token, url, {"status": "accepted", "case_id": "X", "colour": "blue"})
    assert unknown.status_code == 422 and unknown.json["errors"]["json"] == {"colour": ["Unknown field."]}
    wrong = _post(app, token, url, {"status": "accepted", "case_id": 7})
    assert wrong.status_code == 422 and wrong.json["errors"]["json"] == {"case_id": ["Not a valid string."]}
    declined = _post(app, token, url, {"status": "declined"})
    assert declined.status_code == 422 and "reason" in declined.json["errors"]["json"]
    assert _get(app, token, "/api/v1/items", query_string={"colour": "blue"}).status_code == 422
    bad_limit = _get(app, token, "/api/v1/items", query_string={"limit": "lots"})
    assert bad_limit.status_code == 422 and "limit" in bad_limit.json["errors"]["query"]
    cursor = _get(app, token, "/api/v1/items", query_string={"cursor": "bm90LWEtY3Vyc29y"})
    assert cursor.status_code == 422 and "cursor" in cursor.json["errors"]["query"]
    assert db_session.scalar(select(Submission.version).where(Submission.id == item.id)) == 1


def test_the_rate_limit_counts_per_client(make_app, db_session):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    _, token = make_api_client(db_session)
    _, other = make_api_client(db_session, name="Other system")
    assert [_get(app, token, "/api/v1/items").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert _get(app, token, "/api/v1/items").json["code"] == 429
    assert _get(app, other, "/api/v1/items").status_code == 200


def test_tokens_never_appear_in_logs(make_app, db_session, caplog):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="1 per minute", LOG_JSON=True)
    caplog.set_level(logging.DEBUG)
    _, token = make_api_client(db_session)
    item = make_item(db_session, Kind.REQUEST_FOR_SUPPORT)
    for _ in range(2):
        _get(app, token, f"/api/v1/items/{item.reference}")
    _get(app, token + "x", "/api/v1/items")
    messages = [r.getMessage() for r in caplog.records]
    assert any("/api/v1/items" in m for m in messages)
    assert [m for m in messages if token[6:20] in m] == []
    # A caller who puts the token in the address: the JSON log lines carry "[token]" instead.
    caplog.clear()
    app.test_client().get(f"/api/v1/items/{token}", environ_overrides={"REMOTE_ADDR": "198.51.100.9"})
    lines = [JSONFormatter().format(r) for r in caplog.records]
    assert any('"path": "/api/v1/items/[token]"' in line for line in lines), lines
    assert [line for line in lines if token[6:20] in line] == []
    assert db_session.scalar(select(ApiClient.token_hash)) == api_clients.hash_token(token) != token


def test_the_cli_creates_lists_and_revokes_clients(app, db_session):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["api-clients", "create", "--name", "Preston case system",
                               "--role", "district_triage_officer", "--area", "preston"])
    assert made.exit_code == 0, made.output
    token = made.output.strip().splitlines()[-1]
    assert token.startswith("ehapi_") and len(token) > 40
    assert _get(app, token, "/api/v1/items").status_code == 200
    listed = runner.invoke(args=["api-clients", "list"]).output
    assert "Preston case system\tdistrict_triage_officer\tpreston\tlive" in listed and token not in listed
    client_id = listed.split("\t")[0]
    assert runner.invoke(args=["api-clients", "revoke", client_id]).exit_code == 0
    assert "revoked" in runner.invoke(args=["api-clients", "list"]).output
    assert _get(app, token, "/api/v1/items").status_code == 401
    refused = runner.invoke(args=["api-clients", "create", "--name", "X",
                                  "--role", "district_triage_officer"])
    assert refused.exit_code != 0 and "areas needed" in refused.output
    unknown = runner.invoke(args=["api-clients", "revoke", "999"])
    assert unknown.exit_code != 0 and "no API client 999" in unknown.output


def _admin(app, db_session):
    browser = app.test_client()
    sign_in_as(browser, db_session, make_user(db_session, access.ADMINISTRATOR))
    return browser


def test_the_console_admin_page_makes_a_client_shows_its_token_once_and_revokes_it(app, db_session):
    browser = _admin(app, db_session)
    assert "API clients" in browser.get("/console/api-clients").get_data(as_text=True)
    refused = browser.post("/console/api-clients/new", data={"name": "Preston CMS",
                                                            "role": "district_triage_officer"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Choose at least one district for a district scope" in page
    assert 'value="Preston CMS"' in page and db_session.scalar(select(ApiClient.id)) is None
    made = browser.post("/console/api-clients/new",
                        data={"name": "Preston CMS", "role": "district_triage_officer", "areas": ["preston"]})
    token = made.page.find(attrs={"data-api-token": True}).get_text()
    assert token.startswith("ehapi_") and made.headers["Cache-Control"].startswith("no-store")
    assert _get(app, token, "/api/v1/items").status_code == 200
    listing = browser.get("/console/api-clients").get_data(as_text=True)
    assert "Preston CMS" in listing and "Preston" in listing and token not in listing
    client = db_session.scalars(select(ApiClient)).one()
    assert client.token_hash == api_clients.hash_token(token)
    assert browser.post(f"/console/api-clients/{client.id}/revoke").status_code == 302
    assert "Revoked on" in browser.get("/console/api-clients").get_data(as_text=True)
    assert _get(app, token, "/api/v1/items").status_code == 401
    assert [e.action for e in db_session.scalars(select(AuditEvent).where(AuditEvent.actor_id.is_not(None))
                                                   .order_by(AuditEvent.id))][-2:] \
        == ["api_client_created", "api_client_revoked"]


def test_only_administrators_manage_api_clients(app, db_session):
    browser = app.test_client()
    sign_in_as(browser, db_session, make_user(db_session, access.DISTRICT_TRIAGE_OFFICER))
    assert browser.get("/console/api-clients").status_code == 403
    refused = browser.post("/console/api-clients/new", data={"name": "X", "role": "helpline_adviser"})
    assert refused.status_code == 403
    assert db_session.scalar(select(ApiClient.id)) is None


def test_the_reports_page_counts_items_by_hand_off_status(app, db_session):
    _, token = make_api_client(db_session)
    accepted, declined, _waiting = _items(db_session, 3)
    make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "burnley")  # another district's: not counted
    _post(app, token, f"/api/v1/items/{accepted.reference}/status", {"status": "accepted", "case_id": "A1"})
    _post(app, token, f"/api/v1/items/{declined.reference}/status", {"status": "declined", "reason": "No"})
    browser = app.test_client()
    sign_in_as(browser, db_session, make_user(db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"]))
    section = browser.get("/console/reports").page.find(attrs={"data-section": "handoffs"})
    figures = [cell.get_text(strip=True) for cell in section.find_all(attrs={"data-figure": True})]
    words = text_of(section)
    assert "Not answered yet" in words and "Accepted" in words and figures == ["1", "1", "1"]


def test_a_nul_character_is_refused_before_the_database(app, db_session):
    _, token = make_api_client(db_session)
    item = make_item(db_session, Kind.REQUEST_FOR_SUPPORT)
    answer = _post(app, token, f"/api/v1/items/{item.reference}/status",
                   {"status": "accepted", "case_id": "A\x00"})
    assert answer.status_code == 422 and answer.json["errors"]["json"]["case_id"]
    assert _get(app, token, "/api/v1/items", query_string={"status": "new\x00"}).status_code == 422
    assert _get(app, token, "/api/v1/items/RS-%00").status_code == 404


def test_unknown_api_paths_and_methods_answer_in_json(app, db_session):
    _, token = make_api_client(db_session)
    missing = _get(app, token, "/api/v1/nothing-here")
    assert (missing.status_code, missing.json) == (404, {"code": 404, "status": "Not Found"})
    wrong = app.test_client().delete("/api/v1/items", headers={"Authorization": f"Bearer {token}"})
    assert (wrong.status_code, wrong.json["code"]) == (405, 405)
    assert app.test_client().get("/no-such-page").mimetype == "text/html"  # the site keeps its pages


def test_api_answers_say_where_the_client_stands_and_public_pages_do_not(make_app, db_session):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute", PUBLIC_FORM_LIMIT="1 per hour")
    _, token = make_api_client(db_session)
    first, second, refused = (_get(app, token, "/api/v1/items") for _ in range(3))
    assert (first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Remaining"]) == ("2", "1")
    assert second.headers["X-RateLimit-Remaining"] == "0"
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert int(refused.headers["X-RateLimit-Reset"]) > time.time()
    public = app.test_client()
    assert public.post("/request-support/who", data={"role": "parent"}).status_code == 302
    too_many = public.post("/request-support/who", data={"role": "parent"})
    assert too_many.status_code == 429 and 0 < int(too_many.headers["Retry-After"]) <= 3600
    assert "X-RateLimit-Limit" not in public.get("/request-support/who").headers
    assert "X-RateLimit-Limit" not in too_many.headers
