"""Repeat contacts through the console's routes: name with date of birth, links, merges, flags on a person."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from talkzone import access, inbox, repeats
from talkzone.calendar import uk_date
from talkzone.models import (
    AuditEvent,
    ItemLink,
    ItemMerge,
    Kind,
    Note,
    PersonFlag,
    PersonFlagKey,
    Submission,
    utcnow,
)
from testkit.factories import make_item, make_user, sign_in_as
from tests.pages import error_messages, text_of


def _client(app, db_session, role=access.DISTRICT_TRIAGE_OFFICER, **kw):
    kw.setdefault("areas", ["preston"]) if role == access.DISTRICT_TRIAGE_OFFICER else None
    user = make_user(db_session, role, **kw)
    client = app.test_client()
    sign_in_as(client, db_session, user)
    return client, user


def _child(db_session, name, dob, area="preston", **kw):
    answers = {"child_list": [{"name": name, "dob": dob, "school": "St Mary's", "send": "no"}]}
    return make_item(db_session, Kind.REQUEST_FOR_SUPPORT, area, answers=answers, subject_name=name,
                     contact={"channels": []}, **kw)


def _previous(page):
    return [a.get_text(strip=True) for a in page.select("[data-previous-contacts] a[data-item-link]")]


def _actions(db_session, item):
    db_session.expire_all()
    return [e.action for e in db_session.scalars(select(AuditEvent).where(AuditEvent.submission_id == item.id)
                                                 .order_by(AuditEvent.id))]


def test_a_child_with_the_same_name_and_date_of_birth_is_a_previous_contact_within_the_scope(app, db_session):
    client, _ = _client(app, db_session)
    first = _child(db_session, "Amy Hart", "2016-05-04", created_at=utcnow() - timedelta(days=40))
    _child(db_session, "Amy Hart", "2015-05-04")
    _child(db_session, "Amy Harte", "2016-05-04")
    elsewhere = _child(db_session, "Amy Hart", "2016-05-04", area="burnley")
    again = _child(db_session, "amy  HART", "2016-05-04")
    page = client.get(f"/console/items/{again.reference}").page
    assert _previous(page) == [first.reference]
    assert elsewhere.reference not in text_of(page)


def test_link_and_unlink_two_items_audited_on_both(app, db_session):
    client, _ = _client(app, db_session)
    first = _child(db_session, "Amy Hart", "2016-05-04", created_at=utcnow() - timedelta(days=4))
    again = _child(db_session, "Amy Hart", "2016-05-04")
    done = client.post(f"/console/items/{again.reference}/links/{first.reference}", follow_redirects=True)
    assert f"Linked to {first.reference}" in text_of(done.page)
    assert [a.get_text(strip=True) for a in done.page.select("[data-linked-items] a")] == [first.reference]
    assert _previous(done.page) == []
    other_side = client.get(f"/console/items/{first.reference}").page
    assert [a.get_text(strip=True) for a in other_side.select("[data-linked-items] a")] == [again.reference]
    twice = client.post(f"/console/items/{first.reference}/links/{again.reference}", follow_redirects=True)
    assert "These items are already linked" in text_of(twice.page)
    assert len(db_session.scalars(select(ItemLink)).all()) == 1
    undone = client.post(f"/console/items/{again.reference}/links/{first.reference}/remove",
                         follow_redirects=True)
    assert f"No longer linked to {first.reference}" in text_of(undone.page)
    assert _previous(undone.page) == [first.reference]
    assert db_session.scalars(select(ItemLink)).all() == []
    for item in (first, again):
        assert _actions(db_session, item).count("linked") == 1
        assert _actions(db_session, item).count("unlinked") == 1


def test_linking_needs_the_role_and_both_items_in_scope(app, db_session):
    first = _child(db_session, "Amy Hart", "2016-05-04")
    elsewhere = _child(db_session, "Amy Hart", "2016-05-04", area="burnley")
    officer, _ = _client(app, db_session)
    assert officer.post(f"/console/items/{first.reference}/links/{elsewhere.reference}").status_code == 404
    assert officer.get(f"/console/items/{first.reference}/merge/{elsewhere.reference}").status_code == 404
    admin, _ = _client(app, db_session, access.ADMINISTRATOR)
    assert admin.post(f"/console/items/{first.reference}/links/{elsewhere.reference}").status_code == 403
    assert admin.get(f"/console/items/{first.reference}/merge/{elsewhere.reference}").status_code == 403
    assert db_session.scalars(select(ItemLink)).all() == []


def test_merge_after_a_confirmation_keeps_both_trails(app, db_session):
    client, user = _client(app, db_session)
    original = _child(db_session, "Amy Hart", "2016-05-04", created_at=utcnow() - timedelta(days=4))
    duplicate = _child(db_session, "Amy Hart", "2016-05-04")
    db_session.add(Note(submission_id=duplicate.id, author_id=user.id, at=utcnow(), text="Mum rang again"))
    db_session.commit()
    confirm = client.get(f"/console/items/{duplicate.reference}/merge/{original.reference}")
    assert confirm.status_code == 200
    said = f"{duplicate.reference} will be closed as merged into {original.reference}"
    assert said in text_of(confirm.page)
    db_session.refresh(duplicate)
    assert duplicate.status == "new"
    done = client.post(f"/console/items/{duplicate.reference}/merge/{original.reference}",
                       data={"version": str(duplicate.version)}, follow_redirects=True)
    assert f"Merged into {original.reference}" in text_of(done.page)
    assert done.page.select_one("[data-merged-into]")["data-merged-into"] == original.reference
    db_session.refresh(duplicate)
    assert (duplicate.status, duplicate.outcome) == ("closed", repeats.MERGED)
    kept = client.get(f"/console/items/{original.reference}").page
    duplicates = kept.select("[data-merged-duplicates] a")
    assert [a.get_text(strip=True) for a in duplicates] == [duplicate.reference]
    merged_timeline = kept.select_one(f'[data-merged-timeline="{duplicate.reference}"]')
    assert "Mum rang again" in text_of(merged_timeline)
    assert "merged_into" in _actions(db_session, duplicate)
    assert "merged_from" in _actions(db_session, original)
    # Merged once: again, or the other way round, is refused and changes nothing.
    db_session.refresh(duplicate)
    again = client.post(f"/console/items/{duplicate.reference}/merge/{original.reference}",
                        data={"version": str(duplicate.version)})
    assert again.status_code == 409
    assert "One of these items has already been merged" in error_messages(again.page) or \
        "One of these items has already been merged" in text_of(again.page)
    back = client.post(f"/console/items/{original.reference}/merge/{duplicate.reference}",
                       data={"version": str(original.version)})
    assert back.status_code == 409
    db_session.refresh(original)
    assert original.status == "new"
    assert len(db_session.scalars(select(ItemMerge)).all()) == 1


def test_parallel_merges_of_the_same_pair_merge_it_once(app, db_session):
    user = make_user(db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"])
    original = _child(db_session, "Amy Hart", "2016-05-04", created_at=utcnow() - timedelta(days=4))
    duplicate = _child(db_session, "Amy Hart", "2016-05-04")
    make_session = app.extensions["db_sessionmaker"]
    start, results = threading.Barrier(2), []

    def run(dup, orig):
        session = make_session()
        try:
            staff = session.get(type(user), user.id)
            start.wait()
            repeats.merge(session, staff, dup, orig, None)
            session.commit()
            results.append("merged")
        except (inbox.Refused, inbox.Conflict) as exc:
            session.rollback()
            results.append(type(exc).__name__)
        except Exception as exc:  # SQLite: the database is locked for the second writer
            session.rollback()
            results.append(type(exc).__name__)
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=(duplicate.reference, original.reference)),
               threading.Thread(target=run, args=(original.reference, duplicate.reference))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("merged") == 1, results
    db_session.expire_all()
    merges = db_session.scalars(select(ItemMerge)).all()
    assert len(merges) == 1
    closed = db_session.scalars(select(Submission).where(Submission.status == "closed")).all()
    assert [c.id for c in closed] == [merges[0].duplicate_id]


def test_a_warning_about_a_person_shows_on_every_item_sharing_their_phone(app, db_session):
    client, user = _client(app, db_session, access.HELPLINE_ADVISER)
    phone = {"channels": ["call"], "phone": "07700 900456"}
    first = make_item(db_session, contact=phone, created_at=utcnow() - timedelta(days=3))
    later = make_item(db_session, contact={"channels": ["call"], "phone": "+44 7700 900456"})
    unrelated = make_item(db_session, contact={"channels": ["call"], "phone": "07700 900999"})
    url = f"/console/items/{first.reference}/person-flags/new"
    refused = client.post(url, data={"kind": "abusive_contact", "reason": "",
                                     "expires_on": ["1", "1", "2020"]})
    assert refused.status_code == 200
    assert "Say why this warning is needed" in error_messages(refused.page)
    assert db_session.scalars(select(PersonFlag)).all() == []
    expiry = uk_date(utcnow()) + timedelta(days=30)
    done = client.post(url, data={"kind": "abusive_contact", "reason": "Shouted at the adviser",
                                  "expires_on": [str(expiry.day), str(expiry.month), str(expiry.year)]},
                       follow_redirects=True)
    assert "Warning added" in text_of(done.page)
    later_page = client.get(f"/console/items/{later.reference}").page
    shown = later_page.select_one('[data-person-flag="abusive_contact"]')
    assert "Abusive contact: Shouted at the adviser" in text_of(shown)
    assert client.get(f"/console/items/{unrelated.reference}").page.select_one("[data-person-flag]") is None
    assert "person_flag_set" in _actions(db_session, first)
    flag = db_session.scalars(select(PersonFlag)).one()
    remove = f"/console/items/{later.reference}/person-flags/{flag.id}/remove"
    no_reason = client.post(remove, data={"reason": ""}).page
    assert "Say why this warning is no longer needed" in error_messages(no_reason)
    gone = client.post(remove, data={"reason": "Apologised"}, follow_redirects=True)
    assert "Warning removed" in text_of(gone.page)
    assert gone.page.select_one("[data-person-flag]") is None
    assert "person_flag_removed" in _actions(db_session, later)
    assert client.get(remove).status_code == 404


def test_an_expired_warning_is_not_shown_and_a_past_expiry_is_refused(app, db_session):
    client, user = _client(app, db_session, access.HELPLINE_ADVISER)
    item = make_item(db_session, contact={"channels": ["email"], "email": "jo@example.com"})
    past = uk_date(utcnow()) - timedelta(days=1)
    refused = client.post(f"/console/items/{item.reference}/person-flags/new",
                          data={"kind": "vexatious", "reason": "Many calls",
                                "expires_on": [str(past.day), str(past.month), str(past.year)]})
    assert "Expiry date must be today or in the future" in error_messages(refused.page)
    db_session.add(PersonFlag(kind="vexatious", reason="Old", expires_on=past, by_id=user.id, at=utcnow()))
    db_session.flush()
    flag_id = db_session.scalars(select(PersonFlag.id)).one()
    db_session.add(PersonFlagKey(flag_id=flag_id, key="e:jo@example.com"))
    db_session.commit()
    assert client.get(f"/console/items/{item.reference}").page.select_one("[data-person-flag]") is None
