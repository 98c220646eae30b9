"""Console search through the search terms table: every kind of search, kept in step with the item."""

from __future__ import annotations

from sqlalchemy import select

from talkzone import access, search_terms, worklist
from talkzone.models import Kind, SearchTerm
from testkit.factories import make_item, make_user

ANSWERS = {"who": {"role": "professional"},
           "professional": {"name": "Siobhán Ní Bhriain", "work_email": "s.nb@school.example",
                            "work_phone": "01772 555 123"},
           "about-you": {"name": "Zoë O'Brien-Łukasz"},
           "child_list": [{"name": "Kit Walker"}],
           "address": {"postcode": "bb5 1ab"}}


def _found(session, user, query) -> list[str]:
    return [i.reference for i in worklist.inbox(session, user, worklist.Filters(search=query)).items]


def test_every_kind_of_search_finds_the_item_and_nothing_else(session):
    user = make_user(session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"])
    target = make_item(session, Kind.REQUEST_FOR_SUPPORT, answers=ANSWERS, subject_name="Kit Walker",
                       postcode="BB5 1AB", contact={"channels": ["call", "email"], "phone": "07700 900456",
                                                    "email": "Zoe@Example.com"})
    other = make_item(session, Kind.REQUEST_FOR_SUPPORT, subject_name="Sam Lee", postcode="PR1 2AB",
                      contact={"channels": ["call"], "phone": "07700 900999"})
    elsewhere = make_item(session, Kind.REQUEST_FOR_SUPPORT, "pendle", answers=ANSWERS,
                          subject_name="Kit Walker")
    compact = target.reference.replace("-", "")
    for query in (target.reference, compact[2:7], compact[-5:].lower(), target.reference[3:],
                  "obrien", "brien", "LUKASZ", "zoe", "Zoë O'Brien", "Łukasz zoe", "walker kit", "wal",
                  "siobhan", "bhriain ni", "BB5", "bb5 1ab", "BB51AB", "07700900456", "07700 900 456",
                  "+44 7700 900456", "01772555123", "zoe@example.com", "S.NB@school.example"):
        assert _found(session, user, query) == [target.reference], query
    assert elsewhere.reference not in _found(session, user, "Walker")
    assert _found(session, user, "PR1") == [other.reference]
    for query in ("walker sam", "nobody%", "BB6", "  ", "07700 900 000"):
        assert _found(session, user, query) == [], query


def test_terms_follow_the_item_when_it_changes(session):
    user = make_user(session, access.HELPLINE_ADVISER)
    item = make_item(session, subject_name="Robin Hart")
    assert _found(session, user, "hart") == [item.reference]
    item.subject_name = "Robin Hughes"
    session.commit()
    assert _found(session, user, "hart") == []
    assert _found(session, user, "hughes") == [item.reference]
    item.status = "in_progress"  # a change to nothing searched leaves the terms alone
    session.commit()
    assert _found(session, user, "hughes") == [item.reference]
    search_terms.forget(session, [item.id])
    session.commit()
    assert session.scalars(select(SearchTerm).where(SearchTerm.submission_id == item.id)).all() == []


def test_name_words_are_unaccented_and_split_on_punctuation():
    assert search_terms.words("Zoë O'Brien-Łukasz") == ["zoe", "obrien", "lukasz"]
    assert search_terms.words("O’Brien") == ["obrien"]
    assert search_terms.words("  ") == []


def test_a_child_with_a_date_of_birth_is_found_by_whole_name_and_date_as_the_same_person(session):
    answers = {"child_list": [{"name": "Zoë  O'Brien", "dob": "2016-05-04"}, {"name": "Kit Walker"}]}
    item = make_item(session, Kind.REQUEST_FOR_SUPPORT, answers=answers, contact={"channels": []})
    terms = search_terms.terms_for(item)
    assert "b:2016-05-04:zoe obrien" in terms
    assert not any(t.startswith("b:") and "kit" in t for t in terms), "no date of birth, no key"
    assert search_terms.person_keys(item) == ["b:2016-05-04:zoe obrien"]


def test_a_part_of_a_reference_that_reads_like_a_postcode_finds_both(session):
    user = make_user(session, access.HELPLINE_ADVISER)
    by_reference, by_postcode = make_item(session), make_item(session, postcode="W8 7VZ")
    by_reference.reference = "HC-K2GW-87VZ"
    session.commit()
    assert sorted(_found(session, user, "w87vz")) == sorted([by_reference.reference, by_postcode.reference])
