"""Working days in England and helpline hours."""

from datetime import UTC, date, datetime, time

import pytest

from talkzone.calendar import add_working_days, is_open, is_working_day, next_opening, uk_date
from talkzone.profile import load_profile


@pytest.mark.parametrize(("start", "days", "expected"), [
    (date(2026, 11, 23), 5, date(2026, 11, 30)),   # Monday -> next Monday
    (date(2026, 11, 24), 5, date(2026, 12, 1)),    # Tuesday -> Tuesday 1 December
    (date(2026, 11, 27), 5, date(2026, 12, 4)),    # Friday -> Friday
    (date(2026, 11, 28), 5, date(2026, 12, 4)),    # Saturday counts from Monday
    (date(2026, 12, 23), 5, date(2027, 1, 4)),     # Christmas, Boxing Day (sub. 28th), New Year skipped
    (date(2027, 3, 25), 1, date(2027, 3, 30)),     # Thursday before Easter: Good Friday, Easter Monday
    (date(2027, 5, 28), 1, date(2027, 6, 1)),      # late May bank holiday
    (date(2027, 8, 27), 1, date(2027, 8, 31)),     # August bank holiday
])
def test_add_working_days_skips_weekends_and_england_bank_holidays(start, days, expected):
    assert add_working_days(start, days) == expected


def test_one_off_bank_holiday_is_not_a_working_day():
    assert not is_working_day(date(2022, 9, 19))  # the state funeral


def test_uk_date_of_a_late_friday_submission_in_summer_time():
    # 23:30 UTC on Friday 26 June 2026 is 00:30 on Saturday in London.
    assert uk_date(datetime(2026, 6, 26, 23, 30, tzinfo=UTC)) == date(2026, 6, 27)


def test_helpline_hours_in_uk_time():
    helpline = load_profile("lancashire").helpline
    assert helpline.opens == time(14) and helpline.closes == time(22)
    # 13:30 UTC in June is 14:30 in London: open.
    assert is_open(helpline, datetime(2026, 6, 10, 13, 30, tzinfo=UTC))
    assert not is_open(helpline, datetime(2026, 12, 10, 22, 0, tzinfo=UTC))
    assert is_open(helpline, datetime(2026, 12, 25, 15, 0, tzinfo=UTC))  # Christmas Day
    reopens = next_opening(helpline, datetime(2026, 12, 10, 23, 0, tzinfo=UTC))
    assert (reopens.date(), reopens.time()) == (date(2026, 12, 11), time(14))
