"""Two-word name searches through one term per pair of words in a name, and the outward code's
newest items by the time they were received, through talkzone.worklist.inbox on a real database."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from talkzone import access, search_terms, worklist
from talkzone.models import Kind, SearchTerm, Submission, utcnow
from testkit.factories import make_item, make_user


def _found(session, user, query) -> list[str]:
    return sorted(i.reference for i in worklist.inbox(session, user, worklist.Filters(search=query)).items)


def test_each_name_is_kept_as_pairs_of_its_words_in_both_orders_unaccented():
    item = Submission(kind=Kind.HELPLINE_CONTACT, reference="TZ-AAAA-BBBB", subject_name="Zoë O'Brien Łukasz",
                      answers={}, contact={})
    terms = search_terms.terms_for(item)
    for pair in ("zoe obrien", "obrien zoe", "zoe lukasz", "lukasz zoe", "obrien lukasz", "lukasz obrien",
                 "o brien", "zoe brien"):
        assert "w:" + pair in terms, pair
    assert not any(t.startswith("w:") and t.count(" ") != 1 for t in terms)


def test_two_words_find_one_persons_name_in_either_order_and_a_prefix_of_the_last(db_session):
    user = make_user(db_session, access.HELPLINE_ADVISER)
    hart = make_item(db_session, subject_name="Robin Hart")
    hall = make_item(db_session, subject_name="Róbin  Hall-Jones")
    make_item(db_session, subject_name="Robin Smith")
    make_item(db_session, subject_name="Sam Hart")
    assert _found(db_session, user, "Robin Ha") == sorted([hart.reference, hall.reference])
    assert _found(db_session, user, "hart robin") == [hart.reference]
    assert _found(db_session, user, "ROBIN JONES") == [hall.reference]
    assert _found(db_session, user, "robin zz") == []


def test_the_pair_term_alone_finds_the_item(db_session):
    """The search reads the pair's term, not the last word's own term."""
    user = make_user(db_session, access.HELPLINE_ADVISER)
    item = make_item(db_session, subject_name="Robin Hart")
    db_session.execute(delete(SearchTerm).where(SearchTerm.submission_id == item.id,
                                             SearchTerm.term == "n:hart"))
    db_session.commit()
    assert _found(db_session, user, "robin hart") == [item.reference]


def test_two_words_from_two_different_peoples_names_do_not_make_a_match(db_session):
    user = make_user(db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"])
    item = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, subject_name="Kit Walker",
                     answers={"about-you": {"name": "Sam Hart"}})
    assert _found(db_session, user, "kit walker") == [item.reference]
    assert _found(db_session, user, "hart sam") == [item.reference]
    assert _found(db_session, user, "kit hart") == []


def test_a_first_word_that_is_nobodys_whole_name_is_taken_as_the_start_of_one(db_session):
    user = make_user(db_session, access.HELPLINE_ADVISER)
    item = make_item(db_session, subject_name="Robin Hart")
    assert _found(db_session, user, "rob ha") == [item.reference]
    assert _found(db_session, user, "rob hart") == [item.reference]


def test_an_outward_code_looks_at_the_newest_items_by_when_they_were_received(db_session, monkeypatch):
    """An item can be stored (get its id) after one received later: two workers storing at once."""
    monkeypatch.setattr(search_terms, "SEARCH_CAP", 2)
    user = make_user(db_session, access.HELPLINE_ADVISER)
    now = utcnow()
    newest = make_item(db_session, postcode="PR1 1AB", created_at=now)
    second = make_item(db_session, postcode="PR1 2AB", created_at=now - timedelta(hours=1))
    for hours in (2, 3, 4):  # stored later, received earlier
        make_item(db_session, postcode=f"PR1 {hours}AB", created_at=now - timedelta(hours=hours))
    assert _found(db_session, user, "PR1") == sorted([newest.reference, second.reference])
    assert worklist.inbox(db_session, user, worklist.Filters(search="PR1")).capped
