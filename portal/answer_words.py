"""Each public journey's own words for its stored answers, lent to the console.

The console may not import the journeys, so each journey registers here, as its summary
module loads, what its answers are about ("Problems at home"), in the words the person chose
from. The console asks by the item's kind and gets "" for answers it cannot read (a contact
logged by staff, or answers stored before a question changed).
"""

from __future__ import annotations

from collections.abc import Callable

_TOPICS: dict[str, Callable[[dict], str]] = {}
_SUMMARIES: dict[str, Callable[[dict], list[dict]]] = {}


def register(kind: str, topic: Callable[[dict], str]) -> None:
    """Say how a journey's answers name what they are about."""
    _TOPICS[kind] = topic


def register_summary(kind: str, summary: Callable[[dict], list[dict]]) -> None:
    """Say how a journey's answers read on its check-your-answers page (sections of summary rows)."""
    _SUMMARIES[kind] = summary


def summary(item) -> list[dict] | None:
    """The item's answers as the person saw them at check your answers, in the page's language,
    without the "Change" links; None when the journey's summary cannot read them."""
    found = _SUMMARIES.get(item.kind)
    try:
        sections = found(item.answers or {}) if found else None
    except (KeyError, TypeError, AttributeError, ValueError):
        return None
    return [{"title": s["title"], "rows": [{k: v for k, v in r.items() if k != "actions"} for r in s["rows"]]}
            for s in sections] if sections else None


def topic(item) -> str:
    """What an item is about, in the journey's words, or ""."""
    found = _TOPICS.get(item.kind)
    try:
        return found(item.answers or {}) if found else ""
    except (KeyError, TypeError, AttributeError):
        return ""
