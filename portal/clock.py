"""The portal's clock: UTC now, or the clock a test has set through the CLOCK setting (config.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from flask import current_app

from talkzone.calendar import uk_date
from talkzone.models import utcnow


def clock() -> Callable[[], datetime]:
    """The function giving the current UTC time for this app: CLOCK if set, else utcnow."""
    return current_app.config.get("CLOCK") or utcnow


def now() -> datetime:
    """The current UTC time by this app's clock."""
    return clock()()


def uk_today() -> date:
    """Today's date in the UK by this app's clock: the date deadlines and "in the past" go by."""
    return uk_date(now())
