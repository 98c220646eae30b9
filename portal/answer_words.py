"""Each public journey's own words for its stored answers, lent to the console.

The console may not import the journeys, so each journey registers here, as its summary
module loads, what its answers are about ("Problems at home"), in the words the person chose
from. The console asks by the item's kind and gets "" for answers it cannot read (answers
stored before a question changed). Answers written in the console (a contact logged by staff,
one sent on from the helpline) are read by what the console registers under their top key.
"""

from __future__ import annotations

from collections.abc import Callable

_TOPICS: dict[str, Callable[[dict], str]] = {}
_SUMMARIES: dict[str, Callable[[dict], list[dict]]] = {}
_STAFF_SUMMARIES: dict[str, Callable[[dict], list[dict]]] = {}


def register(kind: str, topic: Callable[[dict], str]) -> None:
    """Say how a journey's answers name what they are about."""
    _TOPICS[kind] = topic


def register_summary(kind: str, summary: Callable[[dict], list[dict]]) -> None:
    """Say how a journey's answers read on its check-your-answers page (sections of summary rows)."""
    _SUMMARIES[kind] = summary


def register_staff_summary(key: str, summary: Callable[[dict], list[dict]]) -> None:
    """Say how answers written in the console read, by the key they are stored under."""
    _STAFF_SUMMARIES[key] = summary


def sections(kind: str, answers: dict) -> list[dict] | None:
    """Answers of a kind of item as summary sections (with any "Change" links); None when unreadable."""
    found = next((read for key, read in _STAFF_SUMMARIES.items() if key in answers), _SUMMARIES.get(kind))
    try:
        return found(answers) if found else None
    except (KeyError, TypeError, AttributeError, ValueError):
        return None


def summary(item) -> list[dict] | None:
    """The item's answers as the person saw them at check your answers (or as staff logged them),
    in the page's language, without the "Change" links; None when no summary can read them."""
    found = sections(item.kind, item.answers or {})
    return [{"title": s["title"], "rows": [{k: v for k, v in r.items() if k != "actions"} for r in s["rows"]]}
            for s in found] if found else None


def topic(item) -> str:
    """What an item is about, in the journey's words, or ""."""
    found = _TOPICS.get(item.kind)
    try:
        return found(item.answers or {}) if found else ""
    except (KeyError, TypeError, AttributeError):
        return ""
