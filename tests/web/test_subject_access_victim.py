"""Subject access never hands a victim's record to the person they named as "must not know".

The victim's request is made through the real journey; the officer searches, reviews and
confirms through the console, and only then can download the export.
"""

from __future__ import annotations

import html
import json

from sqlalchemy import select

from talkzone import access
from talkzone.models import AuditEvent, CallbackAttempt, Note, Submission
from testkit.factories import make_item, make_user, sign_in_as
from tests.complaint_journey import ON_BEHALF, complaint, submit_complaint
from tests.journeys import FAMILY, PROFESSIONAL, answers, submit_request
from tests.subject_access_journey import (
    DOWNLOAD,
    PAGE,
    RELEASE,
    REVIEW,
    confirm,
    form_data,
    found,
    released,
    review,
    search,
)

FEARED = "Darren Abuser"
STORY = "Darren Abuser found us again, so we are staying with my sister Kim Helper."
THIRD_PARTY = "Mo Worker, Family Hub"
NOTE = "Mum says Darren Abuser has been seen at the school gate"
VICTIM = answers(FAMILY, safety={"must_not_know": FEARED}, needs={"details": STORY},
                 involved={"caf": "yes", "lead_professional": THIRD_PARTY},
                 language={"access_needs": "Kim Helper reads my letters"})
STAFF_ONLY = {"safeguarding", "con_level", "assigned_to_id", "outcome", "notes", "audit", "destination",
              "due_on", "iyss_number", "area_code", "legal_hold", "version"}


def victims_request(app, db_session) -> Submission:
    """A parent's request naming the person she fears, then worked on by staff."""
    submit_request(app.test_client(), VICTIM)
    item = db_session.scalars(select(Submission)).one()
    worker = make_user(db_session, access.DISTRICT_TRIAGE_OFFICER)
    item.safeguarding, item.con_level, item.assigned_to_id = True, 3, worker.id
    db_session.add(Note(submission_id=item.id, author_id=worker.id, text=NOTE))
    db_session.add(CallbackAttempt(submission_id=item.id, result="unsafe_to_talk", note="He answered"))
    db_session.commit()
    return item


def _admin(app, db_session):
    admin = make_user(db_session, access.ADMINISTRATOR)
    client = app.test_client()
    sign_in_as(client, db_session, admin)
    return client, admin


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_names_the_victim_gave_and_her_free_text_find_nothing(app, db_session):
    victims_request(app, db_session)
    client, _admin_user = _admin(app, db_session)
    for query in (FEARED, FEARED.lower(), STORY, THIRD_PARTY, "Kim Helper reads my letters"):
        page = search(client, query)
        assert page.status_code == 200
        assert found(page.get_data(as_text=True)) == set(), query


def test_the_record_s_own_people_find_it_and_the_page_says_which_field(app, db_session):
    item = victims_request(app, db_session)
    client, _admin_user = _admin(app, db_session)
    for query, field in (("Jo Bloggs", "Requester's name"), ("jo@example.com", "Email address"),
                         ("07700900123", "Phone number"), ("Sam Bloggs", "Child's name")):
        page = search(client, query)
        assert found(page.get_data(as_text=True)) == {item.reference}, query
        assert f"Matched on: {field}" in _text(page), query


def _assert_nothing_of_other_people(text: str) -> None:
    for words in (FEARED, "Kim Helper", "Mo Worker", STORY, NOTE, "He answered", "rfs.preston"):
        assert words not in text, words


def test_the_victim_s_own_export_leaves_out_other_people_free_text_and_staff_fields(app, db_session):
    item = victims_request(app, db_session)
    client, _admin_user = _admin(app, db_session)
    export = released(client, "Jo Bloggs")
    [record] = export["records"]
    assert record["reference"] == item.reference
    assert record["matched"] == ["requester_name"]
    _assert_nothing_of_other_people(json.dumps(export, ensure_ascii=False))
    assert not STAFF_ONLY & set(record)
    # Her own details are hers to have; the free text waits for a person to review it.
    assert record["answers"]["about-you"]["name"] == "Jo Bloggs"
    assert record["answers"]["address"]["line_1"] == "1 High Street"
    assert record["contact"]["email"] == "jo@example.com"
    assert "must_not_know" not in record["contact"]
    withheld = {entry["field"]: entry["reason"] for entry in record["withheld"]}
    assert withheld["needs.details"] == "for_review"
    assert withheld["involved.lead_professional"] == "other_people"
    assert withheld["safety.must_not_know"] == "other_people"
    assert withheld["notes"] == "staff_only"
    assert [m["recipient"] for m in record["messages"]] == ["jo@example.com"]
    assert record["callback_attempts"] == [{"at": record["callback_attempts"][0]["at"],
                                            "result": "unsafe_to_talk"}]

    page = released(client, "Jo Bloggs", kind="html")
    text = html.unescape(page)
    _assert_nothing_of_other_people(text)
    assert "Jo Bloggs" in text and "1 High Street" in text
    assert "Withheld for review" in text and "Withheld: other people's details" in text
    assert "@media print" in page
    assert item.reference in text


def test_a_match_on_the_child_alone_releases_nothing_of_the_parent(app, db_session):
    victims_request(app, db_session)
    client, _admin_user = _admin(app, db_session)
    export = released(client, "Sam Bloggs")
    [record] = export["records"]
    assert record["matched"] == ["child_name"]
    text = json.dumps(export, ensure_ascii=False)
    _assert_nothing_of_other_people(text)
    assert record["answers"]["child_list"][0]["name"] == "Sam Bloggs"
    # Where the family lives, how to reach the parent and when it is safe are hers, not the child's.
    for words in ("1 High Street", "07700 900123", "jo@example.com", "16:00", "Jo Bloggs"):
        assert words not in text, words
    assert record["messages"] == []


def test_nothing_can_be_downloaded_before_the_review_is_confirmed(app, db_session):
    victims_request(app, db_session)
    client, _admin_user = _admin(app, db_session)
    page = review(client, "Jo Bloggs")
    text = _text(page)
    assert page.status_code == 200
    assert "Jo Bloggs" in text and "Withheld for review" in text
    _assert_nothing_of_other_people(text)
    assert DOWNLOAD not in text
    # The old one-step export is gone, and no event other than a confirmed release downloads.
    assert client.post("/console/subject-access.json", data={"q": "Jo Bloggs"}).status_code in (404, 405)
    for event in db_session.scalars(select(AuditEvent)):
        for kind in ("json", "html"):
            assert client.post(DOWNLOAD, data={"release": event.id, "format": kind}).status_code == 404


def test_the_confirmation_is_a_csrf_protected_post_recorded_in_the_audit_trail(app, make_app, db_session):
    item = victims_request(app, db_session)
    client, admin = _admin(make_app(WTF_CSRF_ENABLED=True), db_session)
    page = review(client, "Jo Bloggs").get_data(as_text=True)
    forged = form_data(page, RELEASE)
    forged.pop("csrf_token")
    assert client.post(RELEASE, data=forged).status_code == 400
    releases = select(AuditEvent).where(AuditEvent.action == "subject_access_release")
    assert db_session.scalars(releases).all() == []

    assert confirm(client, page).status_code == 302
    [event] = db_session.scalars(releases).all()
    assert event.actor_id == admin.id and event.at is not None
    assert event.detail["references"] == [item.reference]
    assert "Jo Bloggs" not in json.dumps(event.detail)
    exports = select(AuditEvent).where(AuditEvent.action == "subject_access_export")
    assert [e.submission_id for e in db_session.scalars(exports)] == [item.id]


def test_the_release_is_the_one_reviewed(app, db_session):
    item = victims_request(app, db_session)
    client, _admin_user = _admin(app, db_session)
    page = review(client, "Jo Bloggs").get_data(as_text=True)
    db_session.get(Submission, item.id).answers = {**item.answers, "about-you": {"name": "Jo Bloggs",
                                                                                 "relationship": "Aunt"}}
    db_session.commit()
    response = confirm(client, page)
    assert response.status_code == 200
    assert "changed since you reviewed" in _text(response)
    releases = select(AuditEvent).where(AuditEvent.action == "subject_access_release")
    assert db_session.scalars(releases).all() == []


def test_a_district_officer_cannot_search_review_or_download_another_district_s_record(app, db_session):
    burnley = make_item(db_session, "request_for_support", "burnley", subject_name="Lee Other",
                        answers={"about-you": {"name": "Lee Other"}}, contact={"channels": []})
    client, _admin_user = _admin(app, db_session)
    assert released(client, "Lee Other")["records"][0]["reference"] == burnley.reference
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "subject_access_release")).one()
    officer = app.test_client()
    sign_in_as(officer, db_session, make_user(db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"]))
    assert officer.post(PAGE, data={"q": "Lee Other"}).status_code == 403
    assert officer.post(REVIEW, data={"q": "Lee Other", "reference": burnley.reference}).status_code == 403
    assert officer.post(RELEASE, data={"q": "Lee Other", "reference": burnley.reference,
                                       "digest": event.detail["digest"]}).status_code == 403
    assert officer.post(DOWNLOAD, data={"release": event.id, "format": "json"}).status_code == 403
    # Another administrator did not confirm this release, so cannot download it either.
    other, _other_admin = _admin(app, db_session)
    assert other.post(DOWNLOAD, data={"release": event.id, "format": "json"}).status_code == 404


def test_a_professional_gets_their_own_details_and_not_the_family_s(app, db_session):
    submit_request(app.test_client(), answers(PROFESSIONAL, safety={"must_not_know": FEARED}))
    item = db_session.scalars(select(Submission)).one()
    client, _admin_user = _admin(app, db_session)
    page = search(client, "01632960001")
    assert found(page.get_data(as_text=True)) == {item.reference}
    assert "Matched on: Phone number" in _text(page)
    [record] = released(client, "Pat Teacher")["records"]
    assert record["matched"] == ["professional_name"]
    assert record["answers"]["professional"]["work_email"] == "pat@school.example.com"
    text = json.dumps(record, ensure_ascii=False)
    for words in (FEARED, "1 High Street", "07700 900123", "jo@example.com", "Sam Bloggs", "16:00"):
        assert words not in text, words
    # The family finds the same request by their own email address, and gets their part of it.
    [family] = released(client, "jo@example.com")["records"]
    assert family["answers"]["address"]["line_1"] == "1 High Street"
    assert "pat@school.example.com" not in json.dumps(family)


def test_a_complaint_made_for_a_young_person_is_found_by_both_and_not_by_the_carer_named(app, db_session):
    submit_complaint(app.test_client(), complaint(ON_BEHALF, safety={"must_not_know": "Chris Carer"}))
    item = db_session.scalars(select(Submission)).one()
    client, _admin_user = _admin(app, db_session)
    assert found(search(client, "Chris Carer").get_data(as_text=True)) == set()
    assert "Matched on: Requester's name" in _text(search(client, "Pat Jones"))
    page = search(client, "Sam Jones")
    assert found(page.get_data(as_text=True)) == {item.reference}
    assert "Matched on: Young person's name" in _text(page)
    [record] = released(client, "Sam Jones")["records"]
    text = json.dumps(record, ensure_ascii=False)
    for words in ("Chris Carer", "Pat Jones", "alex@example.com", "My placement was changed"):
        assert words not in text, words
