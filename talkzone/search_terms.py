"""What an item can be found by in the console: normalised words, kept in step with the item.

Each term is a kind letter, a colon and a word: ``r:`` every tail of the reference (so any
part of it is a prefix of one), ``n:`` each part of each name of the item's own people
(unaccented, lower case), ``w:`` each two parts of one name, in both orders ("w:robin hart"
and "w:hart robin"), so two words typed are one index range rather than two ranges met,
``p:`` the full postcode and its outward code, ``t:`` a phone number's digits, ``e:`` an
email address in lower case, ``b:`` a date of birth and the whole name it was given with
("b:2016-05-04:amy hart"), so a repeat contact about the same child is found. A search is
then one index range on ``search_terms.term`` (a pair's for two or more words), the same on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import and_, delete, event, exists, insert, inspect, intersect, select, union
from sqlalchemy.orm import Session

from talkzone.models import SearchTerm, Submission
from talkzone.routing import normalise_postcode

NAME_FIELDS = {"requester_name", "name_given", "professional_name", "child_name", "young_person_name"}
SEARCHED = ("reference", "answers", "contact", "subject_name", "postcode", "phone", "email")
# Letters that do not come apart into a base letter and an accent.
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})
_OUTWARD = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
_PHONE = re.compile(r"^\+?[\d\s\-().]{7,}$")
_REFERENCE_PART = re.compile(r"^[A-Z0-9]{4,10}$")
_TOP = "\U0010ffff"
_APOSTROPHE = re.compile("['\u2019\u02bc]")


def words(text: str | None) -> list[str]:
    """A name's parts, unaccented, lower case, apostrophes dropped: "Zoë O'Brien" gives zoe, obrien."""
    plain = unicodedata.normalize("NFKD", (text or "").casefold().translate(_FOLD))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return [w for w in re.split(r"[\W_]+", _APOSTROPHE.sub("", plain)) if w]


# A name's first this many parts are paired (a pair per two of them, each way round).
PAIRED_PARTS = 6


def _name_terms(text: str) -> set[str]:
    """Each part of a name, with and without its apostrophes (o, brien and obrien), and each two
    of its parts in both orders (w:zoe obrien, w:obrien zoe), so a full name is one term."""
    terms = set()
    for parts in (words(text), words(_APOSTROPHE.sub(" ", text))):
        terms |= {"n:" + w for w in parts}
        paired = list(dict.fromkeys(parts))[:PAIRED_PARTS]
        terms |= {f"w:{a} {b}" for a in paired for b in paired if a != b}
    return terms


def digits(phone: str) -> str:
    """A phone number's digits, +44 written as the leading 0."""
    found = re.sub(r"\D", "", phone)
    return "0" + found[2:] if found.startswith("44") else found


def _postcodes(item: Submission):
    answers, contact = item.answers or {}, item.contact or {}
    for value in (item.postcode, (contact.get("address") or {}).get("postcode"),
                  (answers.get("address") or {}).get("postcode")):
        full = normalise_postcode(value or "")
        if full:
            yield "p:" + full.replace(" ", "").lower()
            yield "p:" + full.split()[0].lower()


def terms_for(item: Submission) -> set[str]:
    """Every term the item is found by."""
    from talkzone.subject_access import people_on

    terms = set(_postcodes(item))
    compact = (item.reference or "").replace("-", "").lower()
    terms |= {"r:" + compact[i:] for i in range(len(compact))}
    for key, _owner, value in people_on(item):
        if not isinstance(value, str) or not value.strip():
            continue
        if key in NAME_FIELDS:
            terms |= _name_terms(value)
        elif key == "phone" and len(digits(value)) >= 7:
            terms.add("t:" + digits(value))
        elif key == "email":
            terms.add("e:" + value.strip().lower())
    for child in (item.answers or {}).get("child_list") or []:
        if isinstance(child, dict) and child.get("dob") and words(child.get("name")):
            terms.add(f"b:{child['dob']}:{' '.join(words(child['name']))}")
    return {t[:200] for t in terms}


def _write(connection, item: Submission, replace: bool) -> None:
    if replace:
        connection.execute(delete(SearchTerm).where(SearchTerm.submission_id == item.id))
    rows = [{"submission_id": item.id, "term": t} for t in sorted(terms_for(item))]
    if rows:
        connection.execute(insert(SearchTerm), rows)


@event.listens_for(Submission, "after_insert")
def _inserted(_mapper, connection, item: Submission) -> None:
    _write(connection, item, replace=False)


@event.listens_for(Submission, "after_update")
def _updated(_mapper, connection, item: Submission) -> None:
    state = inspect(item)
    if any(state.attrs[name].history.has_changes() for name in SEARCHED):
        _write(connection, item, replace=True)


def forget(session: Session, ids: list[int]) -> None:
    """Drop the terms of items whose personal details are gone (bulk updates skip the listeners)."""
    session.execute(delete(SearchTerm).where(SearchTerm.submission_id.in_(ids)))


def refill(session: Session, items) -> None:
    """Write the terms of existing items afresh (the migration's backfill)."""
    connection = session.connection()
    for item in items:
        _write(connection, item, replace=True)


def _prefix(term: str):
    return and_(SearchTerm.term >= term, SearchTerm.term < term + _TOP)


def _ids(condition):
    return select(SearchTerm.submission_id).where(condition)


@dataclass(frozen=True)
class Search:
    """The items a search finds (a condition on Submission), and the broad parts of it (an
    outward code, a name's first letters) that look only at their newest SEARCH_CAP matches."""

    condition: object
    broad: tuple = ()  # ("postcode" or "name", a select of submission ids)

    def capped(self, session: Session) -> str:
        """What the search matched more items by than it looks at: "postcode", "name", or ""."""
        return next((kind for kind, ids in self.broad if _more_than_cap(session, ids)), "")


def condition(session: Session, text: str) -> Search | None:
    """What a search finds, told apart by the search's shape; None when it has nothing to look for.

    An email address or a phone number find only that. A full postcode finds that postcode and,
    where the same letters could be one ("W87VZ"), a part of a reference. Anything else finds
    items with a name whose parts start with the words typed (in any order, see _names; not
    when a digit is typed), and, where it could be one, an outward code or a part of a reference.
    """
    query = " ".join((text or "").split())
    upper = query.upper().replace(" ", "").replace("-", "")
    if "@" in query:
        return Search(_matching(_ids(SearchTerm.term == "e:" + query.lower())))
    if _PHONE.match(query) and len(digits(query)) >= 10:
        return Search(_matching(_ids(SearchTerm.term == "t:" + digits(query))))
    options, broad = [], []
    full = normalise_postcode(query)
    if full:
        options.append(_ids(SearchTerm.term == "p:" + full.replace(" ", "").lower()))
    if _OUTWARD.match(upper) and not full:
        broad.append(("postcode", _ids(SearchTerm.term == "p:" + upper.lower())))
    parts = list(dict.fromkeys(words(query))) if not full else []
    if parts and not any(c.isdigit() for c in query):  # a reference or a number is nobody's name
        broad.append(("name", _names(session, parts)))
    options += [select(_newest(ids).c.submission_id) for _kind, ids in broad]
    if _REFERENCE_PART.match(upper):
        options.append(_ids(_prefix("r:" + upper.lower())))
    if not options:
        return None
    return Search(_matching(union(*options) if len(options) > 1 else options[0]), tuple(broad))


def _all(selects):
    """The ids every one of the selects finds, as one select (SQLite takes no parenthesised
    compound inside another, so compounds are wrapped)."""
    return select(intersect(*selects).subquery().c.submission_id) if len(selects) > 1 else selects[0]


def _names(session: Session, parts: list[str]):
    """Items with one name whose parts start with the words typed, in either order.

    One word is one range of ``n:`` terms. Two or more are ranges of ``w:`` pairs, each word
    whole but the last, which may be the start of one ("robin ha" is a single range, however
    many Robins and Hall's are stored), so the words must come from one person's name. Where
    an earlier word is nobody's whole name part ("rob ha"), each word is taken as the start of
    one instead: the ranges of each word met, as before pairs. Which of the two is asked first
    (a lookup per word), as a query holding both would be planned for the larger.
    """
    if len(parts) == 1:
        return _ids(_prefix("n:" + parts[0]))
    whole = and_(*(exists().where(SearchTerm.term == "n:" + w) for w in parts[:-1]))
    if not session.scalar(select(whole)):
        return _all([_ids(_prefix("n:" + w)) for w in parts])
    return _all([_ids(_prefix(f"w:{a} {b}")) for a, b in zip(parts, parts[1:], strict=False)])


# A name's first letters or an outward code can match a growing share of every item ever stored:
# only the newest this many (by the time they were received) are looked at, and the page says
# more words would narrow it.
SEARCH_CAP = 500
# How far ids may run out of received order (see _newest), with room to spare.
SEARCH_SLACK = 100


def _newest(ids):
    """The SEARCH_CAP items of ``ids`` (a select of submission ids) received most recently.

    By received time, not arrival id, though ids nearly follow it: every use case that stores
    an item takes its ``created_at`` moments before the insert gives it an id, so only items
    stored at the same moment by different workers (or a web form and the mail poller) can be
    numbered the other way round, a few at most. So the newest SEARCH_CAP + SEARCH_SLACK by
    id (for one term, a backward walk of its index range; for a range of terms, the top of its
    ids, not a sort of every match's items) are read and the newest SEARCH_CAP of those by
    received time kept. Walking every item by received time instead, testing each for the term,
    took 300 ms and more at 1,000,000 items; sorting every match of a broad name, 700 ms at
    10,000,000.
    """
    found = ids.subquery()
    stored = (select(found.c.submission_id).order_by(found.c.submission_id.desc())
              .limit(SEARCH_CAP + SEARCH_SLACK).subquery())
    return (select(Submission.id.label("submission_id")).join(stored, Submission.id == stored.c.submission_id)
            .order_by(Submission.created_at.desc()).limit(SEARCH_CAP).subquery())


def _more_than_cap(session: Session, ids) -> bool:
    # The first rows of the range, not its distinct ids: DISTINCT would sort every match. An item
    # holds a few terms in one range at most, so 4 x SEARCH_CAP rows of no more than SEARCH_CAP
    # items say it is not capped; rows beyond those are taken to be more items.
    found = ids.subquery()
    rows = session.scalars(select(found.c.submission_id).limit(4 * SEARCH_CAP + 1)).all()
    return len(set(rows)) > SEARCH_CAP or len(rows) > 4 * SEARCH_CAP


def _matching(ids):
    """One list of matching ids, so the database starts from the matches rather than the queue."""
    return Submission.id.in_(ids)


def _shared(term: str) -> bool:
    """A term two contacts from one person share: a phone, an email, a name with a date of birth,
    a full postcode (no outward code)."""
    return term[:2] in PERSON_KINDS or term.startswith("p:") and len(term) > 6


PERSON_KINDS = ("t:", "e:", "b:")


def person_keys(item: Submission) -> list[str]:
    """What tells the item's person apart (phone, email, name with date of birth), for flags on a person."""
    return sorted(t for t in terms_for(item) if t[:2] in PERSON_KINDS)


def previous_contacts(session: Session, user, item: Submission, limit: int = 10) -> list[Submission]:
    """Other items the user may see with the same phone, email, name and date of birth or postcode
    as this one, newest first."""
    from talkzone import access

    keys = sorted(t for t in terms_for(item) if _shared(t))
    if not keys:
        return []
    query = (access.items(user)
             .where(Submission.id != item.id,
                    Submission.id.in_(select(SearchTerm.submission_id).where(SearchTerm.term.in_(keys))))
             .order_by(Submission.created_at.desc()).limit(limit))
    return list(session.scalars(query))
