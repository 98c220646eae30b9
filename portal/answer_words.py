"""Each public journey's own words for its stored answers, lent to the console.

The console may not import the journeys, so each journey registers here, as its summary
module loads, what its answers are about ("Problems at home"), in the words the person chose
from. The console asks by the item's kind and gets "" for answers it cannot read (a contact
logged by staff, or answers stored before a question changed).
"""

from __future__ import annotations

from collections.abc import Callable

_TOPICS: dict[str, Callable[[dict], str]] = {}


def register(kind: str, topic: Callable[[dict], str]) -> None:
    """Say how a journey's answers name what they are about."""
    _TOPICS[kind] = topic


def topic(item) -> str:
    """What an item is about, in the journey's words, or ""."""
    found = _TOPICS.get(item.kind)
    try:
        return found(item.answers or {}) if found else ""
    except (KeyError, TypeError, AttributeError):
        return ""
