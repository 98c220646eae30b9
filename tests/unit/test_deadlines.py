"""Working-day deadlines with the clock fixed across England's bank holidays and UK midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from talkzone import deadlines
from talkzone.deadlines import DUE, DUE_SOON, OVERDUE

UK = ZoneInfo("Europe/London")


def uk(*parts) -> datetime:
    return datetime(*parts, tzinfo=UK)


@pytest.mark.parametrize(("received", "due"), [
    # Christmas Day, Boxing Day, the weekend and New Year's Day are all skipped.
    (uk(2025, 12, 24, 10, 0), date(2026, 1, 5)),
    # Good Friday and Easter Monday.
    (uk(2026, 4, 2, 15, 0), date(2026, 4, 13)),
    # Christmas 2026 falls on a Friday: Boxing Day is observed on Monday 28 December.
    (uk(2026, 12, 23, 9, 0), date(2027, 1, 4)),
])
def test_allocation_within_five_working_days(received, due):
    assert deadlines.allocation_due(received) == due


def test_initial_visit_across_the_late_may_bank_holiday():
    # Allocated Friday 22 May 2026; Monday 25 May is the spring bank holiday.
    assert deadlines.initial_visit_due(uk(2026, 5, 22, 16, 0)) == date(2026, 6, 3)


def test_complaint_stage_1_across_christmas_and_new_year():
    assert deadlines.stage_1_due(uk(2025, 12, 23, 11, 0)) == date(2026, 1, 9)


def test_complaint_stage_1_and_its_extension_across_the_august_bank_holiday():
    received = uk(2026, 8, 28, 12, 0)
    assert deadlines.stage_1_due(received) == date(2026, 9, 14)
    assert deadlines.stage_1_due(received, extended=True) == date(2026, 9, 28)


def test_a_request_at_23_59_on_a_friday_counts_from_that_friday():
    # 23:59 in June is 22:59 UTC: still Friday in the UK, so the five days start on Monday.
    friday_night = uk(2026, 6, 12, 23, 59)
    assert friday_night.astimezone(UTC).hour == 22
    assert deadlines.allocation_due(friday_night) == date(2026, 6, 19)
    # Before the late May bank holiday the Monday does not count either.
    assert deadlines.allocation_due(uk(2026, 5, 22, 23, 59)) == date(2026, 6, 1)
    # 23:59 UK on a winter Friday before Christmas.
    assert deadlines.allocation_due(uk(2025, 12, 19, 23, 59)) == date(2025, 12, 30)


def test_the_uk_date_decides_not_the_utc_date():
    # 23:30 UTC on Thursday 11 June is 00:30 on Friday in the UK.
    thursday_utc = datetime(2026, 6, 11, 23, 30, tzinfo=UTC)
    assert deadlines.allocation_due(thursday_utc) == date(2026, 6, 19)
    # An hour earlier it is still Thursday in the UK.
    assert deadlines.allocation_due(datetime(2026, 6, 11, 22, 30, tzinfo=UTC)) == date(2026, 6, 18)


def test_states_around_christmas():
    christmas_eve = date(2025, 12, 24)
    # Two working days after Christmas Eve are Monday 29 and Tuesday 30 December.
    assert deadlines.state(date(2025, 12, 24), christmas_eve) == DUE_SOON
    assert deadlines.state(date(2025, 12, 30), christmas_eve) == DUE_SOON
    assert deadlines.state(date(2025, 12, 31), christmas_eve) == DUE
    assert deadlines.state(date(2025, 12, 23), christmas_eve) == OVERDUE
    assert deadlines.state(date(2025, 12, 23), christmas_eve, closed=True) is None
    assert deadlines.state(None, christmas_eve) is None


def test_states_over_easter():
    maundy_thursday = date(2026, 4, 2)
    # Good Friday to Easter Monday are not working days: Tuesday and Wednesday are the next two.
    assert deadlines.state(date(2026, 4, 8), maundy_thursday) == DUE_SOON
    assert deadlines.state(date(2026, 4, 9), maundy_thursday) == DUE


def test_a_callback_is_due_by_the_end_of_its_first_open_window():
    received = datetime(2026, 8, 29, 13, 0, tzinfo=UTC)
    contact = {"windows": [["2026-08-30T15:00:00+01:00", "2026-08-30T16:00:00+01:00"],
                           ["2026-08-29T12:00:00+01:00", "2026-08-29T13:30:00+01:00"],
                           ["2026-08-29T15:00:00+01:00", "2026-08-29T17:00:00+01:00"]]}
    assert deadlines.callback_due(contact, received) == uk(2026, 8, 29, 17, 0)
    assert deadlines.callback_due({"windows": []}, received) is None


@pytest.mark.parametrize("received", [uk(2025, 12, 23, 11, 0), uk(2026, 8, 28, 23, 59),
                                      uk(2026, 4, 2, 23, 59)])
def test_the_complaint_journey_and_the_deadlines_agree(received):
    from talkzone import complaints

    assert complaints.stage_1_due(received) == deadlines.stage_1_due(received)
