"""Working days in England (weekends and bank holidays skipped) and helpline opening hours, in UK time."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

UK = ZoneInfo("Europe/London")
# The codes stored for safe contact days, Monday first so that DAY_CODES[date.weekday()] is that day.
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@lru_cache(maxsize=64)
def _england_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_bank_holiday(day: date) -> bool:
    return day in _england_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself is never counted)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def uk_date(moment: datetime) -> date:
    """The calendar date in the UK at an aware moment."""
    return moment.astimezone(UK).date()


def uk_time(moment: datetime) -> datetime:
    return moment.astimezone(UK)


def is_open(helpline, moment: datetime) -> bool:
    """Whether the helpline is open at ``moment``: it opens every day of the year."""
    local = uk_time(moment).time()
    return helpline.opens <= local < helpline.closes


def next_opening(helpline, moment: datetime) -> datetime:
    """When the helpline next opens (``moment`` itself if open), as an aware UK datetime."""
    local = uk_time(moment)
    if is_open(helpline, moment):
        return local
    day = local.date() if local.time() < helpline.opens else local.date() + timedelta(days=1)
    return datetime.combine(day, helpline.opens, tzinfo=UK)
