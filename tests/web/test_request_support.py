"""The Request for Support journey through the test client: drafts, navigation, submit, failures."""

from __future__ import annotations

import copy
import re
from datetime import timedelta

import pytest
from flask import session as flask_session
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from talkzone.calendar import add_working_days, uk_date
from talkzone.models import Draft, OutboxMessage, ReplyAddress, Submission, utcnow
from tests.journeys import FAMILY, PROFESSIONAL, answers, deliver_within_a_week, submit_request, walk_request
from tests.pages import first_strong, main_text, page_of


def count(db_session, model):
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model))


def test_confirmation_gives_reference_and_allocation_date(client, db_session):
    page = submit_request(client)
    html = page.get_data(as_text=True)
    reference = first_strong(page)
    assert len(reference) == 12 and reference.startswith("RS-")
    stored = db_session.scalars(select(Submission)).one()
    assert stored.reference == reference
    due = add_working_days(uk_date(utcnow()), 5)
    assert stored.due_on == due
    assert f"allocated to a worker by {due.strftime('%A')} {due.day} {due.strftime('%B %Y')}" in html


def test_references_are_unique_and_unambiguous(client, db_session):
    for _ in range(5):
        submit_request(client)
    references = list(db_session.scalars(select(Submission.reference)))
    assert len(set(references)) == 5
    assert not set("".join(references).replace("RS-", "").replace("-", "")) & set("01IOLUS5")


def test_request_is_committed_before_the_confirmation_is_served(app, client):
    walk_request(client, copy.deepcopy(FAMILY))
    response = client.post("/request-support/check-answers")
    assert response.status_code == 302
    with app.extensions["db_sessionmaker"]() as other:  # another connection sees it already
        assert other.scalar(select(func.count()).select_from(Submission)) == 1
        assert other.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_a_failed_commit_shows_an_error_page_and_no_reference(client, db_session, monkeypatch):
    walk_request(client, copy.deepcopy(FAMILY))

    def broken_commit(self):
        raise OperationalError("COMMIT", {}, Exception("database went away"))

    monkeypatch.setattr(Session, "commit", broken_commit)
    response = client.post("/request-support/check-answers")
    monkeypatch.undo()
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "RS-" not in html and "Request sent" not in html
    assert "Nothing has been sent" in html
    assert count(db_session, Submission) == 0 and count(db_session, OutboxMessage) == 0
    with client.session_transaction() as cookie:
        assert "confirmation" not in cookie
    # The answers are still there: trying again works.
    assert client.post("/request-support/check-answers").status_code == 302
    assert count(db_session, Submission) == 1


def send_key_of(client) -> str:
    """The draft's key, as the check-answers page carries it in its form."""
    page = client.get("/request-support/check-answers").page
    return page.find("input", attrs={"name": "send_key"})["value"]


def mail_count(app, smtp_server) -> int:
    deliver_within_a_week(app)
    return len(smtp_server.messages)


def _send_while_draft_deletes_fail(app, client, times: int):
    """Walk a request and send it while the next ``times`` deletions of a draft fail as a lost
    connection would; returns the draft's send key, the failed statements and the answer."""
    from sqlalchemy import event

    walk_request(client, copy.deepcopy(FAMILY))
    key = send_key_of(client)
    failures = []

    def fail_draft_delete(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("DELETE FROM DRAFTS") and len(failures) < times:
            failures.append(statement)
            raise OperationalError(statement, {}, Exception("database went away"))

    event.listen(app.extensions["db_engine"], "before_cursor_execute", fail_draft_delete)
    try:
        response = client.post("/request-support/check-answers", data={"send_key": key})
    finally:
        event.remove(app.extensions["db_engine"], "before_cursor_execute", fail_draft_delete)
    return key, failures, response


def test_a_draft_deletion_killed_mid_send_stores_one_request_shows_the_confirmation_and_mails_once(
        app, client, db_session, smtp_server):
    """The request, its mail and the draft's deletion commit together; a failure is tried once more."""
    key, failures, response = _send_while_draft_deletes_fail(app, client, times=1)
    assert failures, "the draft deletion was never attempted"
    assert response.status_code == 302 and response.headers["Location"].endswith("/confirmation")
    reference = first_strong(client.get(response.headers["Location"]))
    assert count(db_session, Submission) == 1 and count(db_session, Draft) == 0
    mailed = mail_count(app, smtp_server)
    assert mailed == 2  # the district and the family, over SMTP
    # Pressing send again shows the same request and mails nothing more.
    again = client.post("/request-support/check-answers", data={"send_key": key})
    assert again.status_code == 302 and again.headers["Location"].endswith("/confirmation")
    assert first_strong(client.get(again.headers["Location"])) == reference
    assert count(db_session, Submission) == 1 and count(db_session, OutboxMessage) == 2
    assert mail_count(app, smtp_server) == mailed


def test_a_send_that_keeps_failing_stores_nothing_keeps_the_answers_and_sends_once_later(
        app, client, db_session, smtp_server):
    key, failures, response = _send_while_draft_deletes_fail(app, client, times=2)
    assert len(failures) == 2
    assert response.status_code == 503 and "Nothing has been sent" in response.get_data(as_text=True)
    assert count(db_session, Submission) == 0 and count(db_session, OutboxMessage) == 0
    assert count(db_session, Draft) == 1  # the answers are kept
    sent = client.post("/request-support/check-answers", data={"send_key": key})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/confirmation")
    assert count(db_session, Submission) == 1 and count(db_session, Draft) == 0
    assert mail_count(app, smtp_server) == 2


def test_pressing_send_again_after_the_draft_has_gone_shows_the_same_confirmation(app, client, db_session):
    walk_request(client, copy.deepcopy(FAMILY))
    key = send_key_of(client)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    first = client.post("/request-support/check-answers", data={"send_key": key})
    reference = first_strong(client.get(first.headers["Location"]))
    assert count(db_session, Draft) == 0
    # The second press of the same page: the browser still holds the cookie from before the first.
    late = app.test_client()
    late.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    response = late.post("/request-support/check-answers", data={"send_key": key})
    assert response.status_code == 302 and response.headers["Location"].endswith("/confirmation")
    assert first_strong(late.get(response.headers["Location"])) == reference
    assert count(db_session, Submission) == 1 and count(db_session, OutboxMessage) == 2


def test_two_sends_of_the_same_draft_at_once_store_one_request(app, client, db_session, smtp_server):
    """Two presses of "Send request" at the same moment (two threads): one request, one set of mail."""
    import threading

    walk_request(client, copy.deepcopy(FAMILY))
    key = send_key_of(client)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    clients = [app.test_client() for _ in range(2)]
    for each in clients:
        each.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    start = threading.Barrier(2)
    responses = [None, None]

    def press(number):
        start.wait()
        responses[number] = clients[number].post("/request-support/check-answers", data={"send_key": key})

    threads = [threading.Thread(target=press, args=(number,)) for number in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for response in responses:
        assert response.status_code == 302 and response.headers["Location"].endswith("/confirmation")
    references = {first_strong(each.get("/request-support/confirmation")) for each in clients}
    assert count(db_session, Submission) == 1
    assert references == set(db_session.scalars(select(Submission.reference)))
    assert count(db_session, Draft) == 0 and mail_count(app, smtp_server) == 2


def test_answers_live_on_the_server_not_in_the_cookie(app, client, db_session):
    walk_request(client, copy.deepcopy(FAMILY))
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    with app.test_request_context():
        decoded = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert set(decoded) <= {"draft", "_fresh", "csrf_token", "journeys_in_progress"}
    assert "Jo Bloggs" not in str(decoded)
    draft = db_session.get(Draft, (decoded["draft"], "request_support"))
    assert draft.answers["about-you"]["name"] == "Jo Bloggs"


def test_answers_expire_after_the_stated_idle_time(app, client, db_session):
    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/address")
    db_session.execute(update(Draft).values(updated_at=utcnow() - timedelta(minutes=61)))
    db_session.commit()
    response = client.get("/request-support/address")
    # Issue #17: the next page says the answers were deleted, rather than silently starting again.
    assert response.status_code == 302 and response.headers["Location"].endswith("/answers-deleted")
    assert client.get("/request-support/address").headers["Location"].endswith("/who")
    assert count(db_session, Draft) == 0
    assert "60 minutes" in client.get("/request-support/").get_data(as_text=True)


def test_answers_are_deleted_on_submit(client, db_session):
    submit_request(client)
    assert count(db_session, Draft) == 0


def test_exit_deletes_answers_clears_session_and_leaves(app, client, db_session):
    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/address")
    assert count(db_session, Draft) == 1
    response = client.get("/exit")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://www.bbc.co.uk/weather"
    assert count(db_session, Draft) == 0
    with client.session_transaction() as cookie:
        assert dict(cookie) == {}


def test_every_public_page_has_the_quick_exit_and_emergency_line(client):
    for path in ("/", "/request-support/", "/request-support/who", "/staying-safe-online"):
        html = client.get(path).get_data(as_text=True)
        assert 'data-module="govuk-exit-this-page"' in html and 'href="/exit"' in html, path
        assert "999" in html and "0800 1111" in html, path


def test_nobody_skips_ahead_by_editing_the_url(client):
    response = client.get("/request-support/needs")
    assert response.status_code == 302 and response.headers["Location"].endswith("/who")


def test_change_link_comes_back_to_check_answers(client):
    walk_request(client, copy.deepcopy(FAMILY))
    page = client.get("/request-support/check-answers").get_data(as_text=True)
    assert 'href="/request-support/about-you?change=1"' in page
    response = client.post("/request-support/about-you?change=1", data={"name": "Jo Smith"})
    assert response.headers["Location"] == "/request-support/check-answers"
    assert "Jo Smith" in client.get("/request-support/check-answers").get_data(as_text=True)


def test_changing_the_postcode_asks_for_the_area_again_then_returns(client):
    walk_request(client, copy.deepcopy(FAMILY))
    response = client.post("/request-support/address?change=1",
                           data={**FAMILY["address"], "postcode": "BB11 1AA"})
    assert response.headers["Location"] == "/request-support/area?change=1"
    page = client.get("/request-support/area?change=1").get_data(as_text=True)
    assert 'value="burnley" checked' in page
    response = client.post("/request-support/area?change=1", data={"area": "burnley"})
    assert response.headers["Location"] == "/request-support/check-answers"


@pytest.mark.parametrize(("postcode", "checked"), [("PR1 2AB", "preston"), ("PR4 1AA", None)])
def test_area_is_preselected_only_when_the_postcode_is_sure(client, postcode, checked):
    walk_request(client, answers(address={"postcode": postcode}), until="/request-support/area")
    page = client.get("/request-support/area").page
    chosen = [radio["value"] for radio in page.find_all("input", checked=True)]
    assert len(chosen) == (1 if checked else 0)
    if checked:
        assert chosen == [checked]


@pytest.mark.parametrize(("postcode", "says", "may_choose"), [
    ("FY1 1AA", "Blackpool Council", False), ("BB2 1AA", "Blackburn with Darwen", False),
    ("M1 1AA", "does not look like", True),
])
def test_postcode_outside_the_area_gets_told_where_to_go(client, postcode, says, may_choose):
    walk_request(client, answers(address={"postcode": postcode}), until="/request-support/address")
    response = client.post("/request-support/address", data={**FAMILY["address"], "postcode": postcode})
    assert response.headers["Location"] == "/request-support/outside-area"
    page = client.get("/request-support/outside-area").get_data(as_text=True)
    assert says in page and "https://www.gov.uk/find-local-council" in page
    assert 'href="/request-support/address"' in page  # the postcode can be put right
    # Only a postcode the profile does not know lets a family who knows better choose an area.
    assert ('href="/request-support/area"' in page) is may_choose


def _area_radios(page) -> list[str]:
    radios = page_of(page).find_all("input", attrs={"name": "area", "type": "radio"})
    return [radio["value"] for radio in radios]


def test_a_postcode_shared_with_a_neighbour_offers_its_districts_and_the_neighbour(client):
    walk_request(client, answers(address={"postcode": "BB1 1AA"}), until="/request-support/address")
    response = client.post("/request-support/address", data={**FAMILY["address"], "postcode": "BB1 1AA"})
    assert response.headers["Location"] == "/request-support/area"
    page = client.get("/request-support/area").get_data(as_text=True)
    assert _area_radios(page) == ["hyndburn", "ribble_valley", "blackburn"]
    assert "Blackburn with Darwen Borough Council" in page and "Preston" not in page
    refused = client.post("/request-support/area", data={"area": "preston"})
    assert refused.status_code == 200
    assert "Select the area the family lives in" in refused.get_data(as_text=True)
    # Choosing the neighbour leads to that council, and from there back to choose again.
    response = client.post("/request-support/area", data={"area": "blackburn"})
    assert response.headers["Location"] == "/request-support/outside-area"
    page = client.get("/request-support/outside-area").get_data(as_text=True)
    assert "You told us the family lives in the area of Blackburn with Darwen Borough Council" in page
    assert 'href="https://www.blackburn.gov.uk"' in page and 'href="/request-support/area"' in page
    assert client.get("/request-support/needs").headers["Location"] == "/request-support/area"
    response = client.post("/request-support/area", data={"area": "hyndburn"})
    assert response.headers["Location"] == "/request-support/needs"


def test_a_neighbours_postcode_offers_none_of_our_districts(client):
    walk_request(client, answers(address={"postcode": "FY1 1AA"}), until="/request-support/address")
    client.post("/request-support/address", data={**FAMILY["address"], "postcode": "FY1 1AA"})
    for response in (client.get("/request-support/area"),
                     client.post("/request-support/area", data={"area": "preston"})):
        assert response.headers["Location"] == "/request-support/outside-area"
    assert client.get("/request-support/needs").headers["Location"] == "/request-support/area"
    # Putting the postcode right carries on as normal.
    response = client.post("/request-support/address", data=FAMILY["address"])
    assert response.headers["Location"] == "/request-support/area"


@pytest.mark.parametrize(("postcode", "offered", "checked"), [
    ("M1 1AA", 12, None), ("PR1 2AB", 12, "preston"), ("PR4 1AA", 4, None),
])
def test_the_area_page_offers_what_the_postcode_allows(client, postcode, offered, checked):
    walk_request(client, answers(address={"postcode": postcode}), until="/request-support/address")
    client.post("/request-support/address", data={**FAMILY["address"], "postcode": postcode})
    page = client.get("/request-support/area").page
    assert len(_area_radios(page)) == offered
    assert [tag["value"] for tag in page.find_all(checked=True)] == ([checked] if checked else [])
    response = client.post("/request-support/area", data={"area": checked or _area_radios(page)[0]})
    assert response.headers["Location"] == "/request-support/needs"


def test_add_another_child_change_and_remove(client, db_session):
    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/children")
    client.post("/request-support/child", data=FAMILY["child"][0])
    assert client.post("/request-support/children", data={"add_another": "yes"}).headers[
        "Location"] == "/request-support/child"
    client.post("/request-support/child", data={"name": "Alex Bloggs", "dob": ["1", "2", "2019"],
                                                "send": "yes"})
    page = client.get("/request-support/children").get_data(as_text=True)
    assert "You have added 2 children" in page and "Alex Bloggs" in page
    client.post("/request-support/child/0", data={**FAMILY["child"][0], "name": "Samuel Bloggs"})
    client.post("/request-support/child/1/remove", data={"confirm": "yes"})
    page = client.get("/request-support/children").get_data(as_text=True)
    assert "You have added 1 child" in page and "Samuel Bloggs" in page and "Alex" not in page
    assert client.get("/request-support/child/5").status_code == 404


def test_csrf_is_enforced_on_every_post(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/request-support/who", data={"role": "parent"})
    assert response.status_code == 400
    assert "Your session has ended" in response.get_data(as_text=True)


def test_family_saying_no_to_consent_stores_and_sends_nothing(client, db_session):
    walk_request(client, answers(consent=None), until="/request-support/consent")
    response = client.post("/request-support/consent", data={"consent": "no"})
    assert response.headers["Location"] == "/request-support/no-consent"
    # The "no" is confirmed first (issue #17): the answers go only when the person says so.
    assert "Are you sure" in client.get("/request-support/no-consent").get_data(as_text=True)
    response = client.post("/request-support/no-consent", data={})
    assert response.headers["Location"] == "/request-support/not-sent"
    assert "We cannot send your request" in client.get("/request-support/not-sent").get_data(as_text=True)
    assert count(db_session, Submission) == 0 and count(db_session, OutboxMessage) == 0
    assert count(db_session, Draft) == 0


def test_hostile_text_is_stored_as_typed_and_shown_escaped(client, db_session):
    hostile = "<script>alert(1)</script>'; DROP TABLE submissions;-- \u202e\U0001f600"
    submit_request(client, answers(needs={"details": hostile + "\x00\x07"}))
    stored = db_session.scalars(select(Submission)).one()
    assert stored.answers["needs"]["details"] == hostile.strip()
    assert flask_session is not None


def test_check_answers_page_escapes_what_was_typed(client):
    walk_request(client, answers(about_you={"name": "<b>Jo</b>"}))
    page = client.get("/request-support/check-answers").get_data(as_text=True)
    assert "<b>Jo</b>" not in page and "&lt;b&gt;Jo&lt;/b&gt;" in page


def test_exit_button_markup_is_not_escaped(client):
    html = client.get("/").get_data(as_text=True)
    assert "&lt;span" not in html
    assert '<span class="govuk-visually-hidden">Emergency</span> Exit this page' in html


def test_a_child_at_risk_sends_people_to_social_care_and_999_first(client):
    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/risk")
    response = client.post("/request-support/risk", data={"at_risk": "yes"})
    assert response.headers["Location"] == "/request-support/at-risk"
    response = client.get("/request-support/at-risk")
    page = response.get_data(as_text=True)
    # The numbers are tap-to-call links now (issue #17), so the words are read as text.
    assert "call 999 now" in main_text(response) and "0300 123 6720" in page
    assert 'href="/request-support/involved"' in page  # they may still go on afterwards


def test_consent_is_recorded_with_who_gave_it_and_what_it_allows(client, db_session):
    submit_request(client)
    record = db_session.scalars(select(Submission)).one().answers["consent_record"]
    assert record["given"] is True and record["given_by"] == "Jo Bloggs"
    assert "share with the services that can help" in record["allows"]


def test_timeout_warning_keeps_answers_when_asked(app, client, db_session):
    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/address")
    page = client.get("/request-support/address").get_data(as_text=True)
    assert 'id="timeout-warning"' in page and 'data-idle-minutes="60"' in page
    db_session.execute(update(Draft).values(updated_at=utcnow() - timedelta(minutes=56)))
    db_session.commit()
    response = client.post("/keep-alive", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.get_json() == {"kept": True}
    db_session.expire_all()
    assert db_session.scalars(select(Draft)).one().updated_at > utcnow() - timedelta(minutes=1)
    assert client.get("/request-support/address").status_code == 200


def test_no_timeout_warning_before_any_answer(client):
    assert 'id="timeout-warning"' not in client.get("/").get_data(as_text=True)


def test_exit_deletes_the_drafts_of_every_journey(client, db_session):
    from tests.complaint_journey import walk_complaint
    from tests.helpline_journey import CALL

    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/area")  # address answered
    walk_complaint(client, until="/complaint/care")
    for step in ("topic", "message"):
        assert client.post(f"/helpline/{step}", data=CALL[step]).status_code == 302
    db_session.expire_all()
    assert {d.journey for d in db_session.scalars(select(Draft))} == {
        "request_support", "complaint", "helpline"}
    client.get("/exit")
    db_session.expire_all()
    assert db_session.execute(text("SELECT count(*) FROM drafts")).scalar() == 0


def test_each_journey_keeps_its_own_draft_in_one_browser_session(client, db_session):
    from tests.complaint_journey import walk_complaint

    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/area")
    walk_complaint(client, until="/complaint/care")
    # Going back to the request finds its answers (the address) still there.
    page = client.get("/request-support/address").get_data(as_text=True)
    assert "1 High Street" in page
    with client.session_transaction() as cookie:
        tokens = {d.token for d in db_session.scalars(select(Draft))}
        assert tokens == {cookie["draft"]}  # one random token for the browser session


def test_idle_expiry_and_purge_take_each_journeys_draft_on_its_own(app, client, db_session):
    from tests.complaint_journey import walk_complaint

    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/area")
    walk_complaint(client, until="/complaint/care")
    db_session.execute(update(Draft).where(Draft.journey == "request_support")
                       .values(updated_at=utcnow() - timedelta(minutes=61)))
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["drafts", "purge"])
    assert "deleted 1 expired drafts" in result.output
    db_session.expire_all()
    assert [d.journey for d in db_session.scalars(select(Draft))] == ["complaint"]
    assert client.get("/request-support/address").headers["Location"].endswith("/answers-deleted")
    assert client.get("/complaint/care").status_code == 200  # the complaint carries on
    db_session.execute(update(Draft).values(updated_at=utcnow() - timedelta(minutes=61)))
    db_session.commit()
    assert client.get("/complaint/care").headers["Location"].endswith("/answers-deleted")  # gone
    assert count(db_session, Draft) == 0


def test_a_no_to_consent_can_be_taken_back_with_the_answers_kept(client, db_session):
    walk_request(client, answers(consent=None), until="/request-support/consent")
    client.post("/request-support/consent", data={"consent": "no"})
    page = page_of(client.get("/request-support/no-consent"))
    back = page.find("a", string="Go back and change my answer")["href"]
    assert back == "/request-support/consent"
    # Going back asks the question again; a yes then sends the answers given before.
    assert client.get(back).status_code == 200
    assert client.get("/request-support/check-answers").headers["Location"] == back
    client.post(back, data={"consent": "yes"})
    client.post("/request-support/check-answers", data={})
    assert db_session.scalars(select(Submission)).one().answers["about-you"]["name"] == "Jo Bloggs"


def test_a_professional_learns_at_the_consent_question_that_the_request_is_held(client):
    walk_request(client, copy.deepcopy(PROFESSIONAL), until="/request-support/family-consent")
    text = main_text(client.get("/request-support/family-consent"))
    assert "We will hold the request and not pass it to a team until you tell us the family agrees" in text


def test_professional_pages_speak_of_the_family(client):
    walk_request(client, copy.deepcopy(PROFESSIONAL), until="/request-support/contact")
    contact = main_text(client.get("/request-support/contact"))
    assert "How can we safely contact the family?" in contact
    assert "Letter to the family's address" in contact and "address you gave" not in contact
    assert "The family's phone number" in contact
    response = client.post("/request-support/contact", data={})
    assert "Select at least one safe way to contact the family" in main_text(response)
    client.post("/request-support/contact", data=PROFESSIONAL["contact"])
    safety = page_of(client.get("/request-support/safety"))
    assert safety.title.get_text().startswith("When it is safe to contact the family")
    text = main_text(safety)
    for asked in ("Which days is it safe to contact the family?",
                  "Can we leave the family a voicemail or message?",
                  "Can we say who we are when we call the family?",
                  "must not know the family has asked for help"):
        assert asked in text
    assert "contact you" not in text


def test_a_family_is_still_spoken_to_as_you(client):
    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/safety")
    text = main_text(client.get("/request-support/safety"))
    assert "Which days is it safe to contact you?" in text and "Letter" not in text
    assert "Letter to the address you gave" in main_text(client.get("/request-support/contact"))


def test_caf_is_explained_in_plain_words(client):
    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/involved")
    text = main_text(client.get("/request-support/involved"))
    assert "fills in with the family to agree what help they need" in text
    assert "CAF (Common Assessment Framework)" in text


def test_something_else_reveals_a_box_and_is_kept_with_its_words(client, db_session):
    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/needs")
    page = page_of(client.get("/request-support/needs"))
    other = page.find("input", attrs={"name": "needs", "value": "other"})
    revealed = page.find(id=other["data-aria-controls"])
    assert revealed.find("input", attrs={"name": "other_need"}) is not None
    submit_request(client, answers(needs={"needs": ["money", "other"], "other_need": "Caring for grandma"}))
    stored = db_session.scalars(select(Submission)).one()
    assert stored.answers["needs"]["needs"] == ["money", "other"]
    assert stored.answers["needs"]["other_need"] == "Caring for grandma"


def test_words_for_something_else_are_not_kept_once_it_is_unticked(client, db_session):
    submit_request(client, answers(needs={"needs": ["money"], "other_need": "Caring for grandma"}))
    assert db_session.scalars(select(Submission)).one().answers["needs"]["other_need"] == ""


def test_phone_numbers_shown_to_the_public_are_tap_to_call_links(client):
    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/risk")
    client.post("/request-support/risk", data={"at_risk": "yes"})
    for path in ("/request-support/at-risk", "/request-support/not-sent", "/"):
        page = page_of(client.get(path))
        links = {a["href"]: a.get_text() for a in page.select('a[href^="tel:"]')}
        assert links["tel:999"] == "999" and links["tel:08001111"] == "0800 1111", path
        assert links["tel:03001236720"] == "0300 123 6720", path
        assert all(a["dir"] == "ltr" for a in page.select('a[href^="tel:"]'))
    client.post("/request-support/risk", data={"at_risk": "no"})
    walk_request(client, copy.deepcopy(FAMILY))
    client.post("/request-support/check-answers", data={})
    page = page_of(client.get("/request-support/confirmation"))
    shown = {a["href"] for a in page.select('a[href^="tel:"]')}
    assert {"tel:999", "tel:08001111", "tel:03001236720"} <= shown


def _consent_mail(db_session):
    return db_session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "consent_needed")).one()


def test_the_consent_email_can_be_replied_to_and_the_reply_reaches_the_item(make_app, db_session):
    client = make_app(MAIL_IN_ADDRESS="replies@mail.lancashire.example").test_client()
    page = submit_request(client, answers(PROFESSIONAL, family_consent={"family_consent": "no"}))
    assert "reply to the email we have sent you" in main_text(page)
    mail = _consent_mail(db_session)
    assert mail.reply_to.startswith("replies+") and mail.reply_to.endswith("@mail.lancashire.example")
    assert "reply to this email quoting the reference" in mail.body
    token = mail.reply_to.split("+")[1].split("@")[0]
    found = db_session.scalars(select(ReplyAddress).where(ReplyAddress.token == token)).one()
    assert found.submission_id == mail.submission_id


def test_without_a_reply_address_the_consent_email_says_where_to_write(client, db_session):
    page = submit_request(client, answers(PROFESSIONAL, family_consent={"family_consent": "no"}))
    assert "email the address given in the email we have sent you" in main_text(page)
    mail = _consent_mail(db_session)
    stored = db_session.get(Submission, mail.submission_id)
    assert mail.reply_to is None and "reply to this email" not in mail.body
    assert f"email {stored.destination} quoting the reference" in mail.body


def test_a_draft_saved_before_drafts_had_keys_is_given_one_and_sent_once(client, db_session):
    walk_request(client, copy.deepcopy(FAMILY))
    db_session.execute(update(Draft).values(send_key=None))
    db_session.commit()
    key = send_key_of(client)
    assert key and db_session.scalar(select(Draft.send_key)) == key
    assert send_key_of(client) == key  # kept, not made again
    for _ in range(2):
        sent = client.post("/request-support/check-answers", data={"send_key": key})
        assert sent.status_code == 302 and sent.headers["Location"].endswith("/confirmation")
    assert count(db_session, Submission) == 1
    assert db_session.scalar(select(Submission.send_key)) == key


def test_question_pages_keep_their_draft_outside_a_transaction(app, client, db_session):
    """A step reads its draft and writes it back, each statement committing on its own: no unit
    of work (BEGIN ... COMMIT) is opened, and what was written is there for the next request."""
    from flask import g

    opened = []  # for each request: whether it opened a unit of work, and the drafts' connection
    app.teardown_request(lambda _exc: opened.append((g.get("db_uow") is not None,
                                                     g.get("db_drafts") is not None)))
    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/needs")
    client.get("/request-support/needs")
    assert opened and all(not uow for uow, _ in opened)
    assert any(drafts for _, drafts in opened)
    assert db_session.scalar(select(Draft.answers))["address"]["town"] == "Preston"
    # Sending is one transaction: the request, its mail and the draft's deletion together.
    opened.clear()
    walk_request(client, copy.deepcopy(FAMILY))
    assert client.post("/request-support/check-answers").status_code == 302
    assert opened[-1][0] and count(db_session, Draft) == 0


def test_check_answers_reads_its_draft_once_and_a_send_looks_for_an_earlier_one_once(app, client, db_session):
    """The page and its send each read the draft, answers and send key together, in one SELECT;
    the send looks for a submission already stored with that key once (before it reads the
    draft), and not again before it stores its own."""
    from sqlalchemy import event

    walk_request(client, copy.deepcopy(FAMILY))
    reads = {"drafts": [], "submissions": []}

    def note_read(conn, cursor, statement, *args):
        table = re.search(r"\bFROM\s+(\w+)", statement)
        if statement.lstrip().upper().startswith("SELECT") and table and table[1] in reads \
                and "send_key" in statement:
            reads[table[1]].append(statement)

    event.listen(app.extensions["db_engine"], "before_cursor_execute", note_read)
    try:
        key = send_key_of(client)
        assert (len(reads["drafts"]), len(reads["submissions"])) == (1, 0)
        for found in reads.values():
            found.clear()
        sent = client.post("/request-support/check-answers", data={"send_key": key})
    finally:
        event.remove(app.extensions["db_engine"], "before_cursor_execute", note_read)
    assert sent.status_code == 302 and (len(reads["drafts"]), len(reads["submissions"])) == (1, 1)
    assert db_session.scalar(select(Submission.send_key)) == key
