"""Who early help is for: children and young people up to 18, or up to 25 with SEND."""

from __future__ import annotations

from datetime import date

OLDEST = 18
OLDEST_WITH_SEND = 25
TOO_OLD, SEND_ONLY = "too_old", "send_only"


def age_on(born: date, day: date) -> int:
    """Age in whole years on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def child_age_problem(born: date, has_send: bool, today: date) -> str | None:
    """Why a child born on ``born`` is outside the service (TOO_OLD or SEND_ONLY), or None."""
    age = age_on(born, today)
    if age > OLDEST_WITH_SEND:
        return TOO_OLD
    if age > OLDEST and not has_send:
        return SEND_ONLY
    return None
