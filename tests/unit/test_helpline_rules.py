"""Helpline opening hours and callback windows, judged in UK time with a frozen now."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talkzone.calendar import UK
from talkzone.helpline import (
    IN_PAST,
    NOT_AFTER_START,
    OUTSIDE_HOURS,
    OVERLAP,
    TOO_FAR,
    TOO_MANY,
    CallbackWindow,
    callback_days,
    first_callback,
    problems_by_window,
    relevant_answers,
    reply_expected,
    window_problems,
    windows_from_answers,
)
from talkzone.profile import load_profile

HELPLINE = load_profile("lancashire").helpline
# Tuesday 24 November 2026, 10:00 in London (GMT, so the same in UTC): the helpline is closed.
MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def window(day: date, start: str, end: str) -> CallbackWindow:
    return CallbackWindow.on(day, time.fromisoformat(start), time.fromisoformat(end))


def test_a_window_inside_opening_hours_in_the_next_week_is_accepted():
    assert window_problems([window(date(2026, 11, 25), "16:00", "18:00")], HELPLINE, MORNING) == []


@pytest.mark.parametrize(("start", "end"), [
    ("09:00", "11:00"),   # the morning
    ("13:30", "15:00"),   # starts before 2pm
    ("21:00", "22:30"),   # ends after 10pm
    ("22:00", "23:00"),   # after closing
])
def test_windows_outside_2pm_to_10pm_are_refused(start, end):
    assert window_problems([window(date(2026, 11, 25), start, end)], HELPLINE, MORNING) == [OUTSIDE_HOURS]


def test_a_window_may_run_right_up_to_closing_time():
    assert window_problems([window(date(2026, 11, 25), "14:00", "22:00")], HELPLINE, MORNING) == []


def test_a_window_in_the_past_is_refused():
    evening = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
    assert window_problems([window(date(2026, 11, 24), "14:00", "16:00")], HELPLINE, evening) == [IN_PAST]
    assert window_problems([window(date(2026, 11, 23), "14:00", "16:00")], HELPLINE, evening) == [IN_PAST]


def test_a_window_that_has_begun_but_not_ended_still_stands():
    afternoon = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
    assert window_problems([window(date(2026, 11, 24), "15:00", "17:00")], HELPLINE, afternoon) == []


def test_windows_beyond_seven_days_are_refused():
    days = callback_days(MORNING)
    assert days == [date(2026, 11, 24) + timedelta(days=i) for i in range(7)]
    assert window_problems([window(days[-1], "14:00", "15:00")], HELPLINE, MORNING) == []
    assert window_problems([window(days[-1] + timedelta(days=1), "14:00", "15:00")],
                           HELPLINE, MORNING) == [TOO_FAR]


def test_the_end_must_be_after_the_start():
    for start, end in (("16:00", "15:00"), ("16:00", "16:00")):
        assert window_problems([window(date(2026, 11, 25), start, end)], HELPLINE, MORNING) == [
            NOT_AFTER_START]


def test_overlapping_windows_are_refused_and_charged_to_the_later_one():
    day = date(2026, 11, 25)
    chosen = [window(day, "15:00", "17:00"), window(day, "18:00", "19:00"), window(day, "16:30", "18:30")]
    assert problems_by_window(chosen, HELPLINE, MORNING) == [[], [], [OVERLAP]]
    same = [window(day, "15:00", "16:00"), window(day, "15:00", "16:00")]
    assert window_problems(same, HELPLINE, MORNING) == [OVERLAP]


def test_windows_that_only_touch_do_not_overlap():
    day = date(2026, 11, 25)
    assert window_problems([window(day, "15:00", "16:00"), window(day, "16:00", "17:00")],
                           HELPLINE, MORNING) == []


def test_no_more_than_three_windows():
    chosen = [window(date(2026, 11, 25 + i), "15:00", "16:00") for i in range(4)]
    assert problems_by_window(chosen, HELPLINE, MORNING)[3] == [TOO_MANY]


def test_windows_on_the_last_sunday_of_march_are_in_british_summer_time():
    # Clocks go forward at 01:00 UTC on Sunday 29 March 2026: 2pm in London is 13:00 UTC.
    saturday_evening = datetime(2026, 3, 28, 20, 0, tzinfo=UTC)
    sunday = window(date(2026, 3, 29), "14:00", "15:00")
    assert sunday.start == datetime(2026, 3, 29, 13, 0, tzinfo=UTC)
    assert sunday.to_iso() == {"start": "2026-03-29T14:00:00+01:00", "end": "2026-03-29T15:00:00+01:00"}
    assert window_problems([sunday], HELPLINE, saturday_evening) == []
    # The same instants a day earlier, in GMT, are 1pm to 2pm: before opening.
    saturday = CallbackWindow(datetime(2026, 3, 28, 13, 0, tzinfo=UTC),
                              datetime(2026, 3, 28, 14, 0, tzinfo=UTC))
    assert window_problems([saturday], HELPLINE, datetime(2026, 3, 28, 9, 0, tzinfo=UTC)) == [OUTSIDE_HOURS]
    # 21:30 UTC on the Sunday is 10:30pm in London: after closing.
    late = CallbackWindow(datetime(2026, 3, 29, 20, 0, tzinfo=UTC), datetime(2026, 3, 29, 21, 30, tzinfo=UTC))
    assert window_problems([late], HELPLINE, saturday_evening) == [OUTSIDE_HOURS]


def test_windows_on_the_last_sunday_of_october_are_back_in_greenwich_mean_time():
    # Clocks go back at 01:00 UTC on Sunday 25 October 2026: 10pm in London is 22:00 UTC.
    saturday_evening = datetime(2026, 10, 24, 20, 0, tzinfo=UTC)
    sunday = window(date(2026, 10, 25), "21:00", "22:00")
    assert sunday.end == datetime(2026, 10, 25, 22, 0, tzinfo=UTC)
    assert sunday.to_iso()["end"] == "2026-10-25T22:00:00+00:00"
    assert window_problems([sunday], HELPLINE, saturday_evening) == []
    # On the Saturday (still summer time) 21:00 UTC is already 10pm: closed.
    saturday = CallbackWindow(datetime(2026, 10, 24, 20, 30, tzinfo=UTC),
                              datetime(2026, 10, 24, 21, 30, tzinfo=UTC))
    assert window_problems([saturday], HELPLINE, datetime(2026, 10, 24, 12, 0, tzinfo=UTC)) == [OUTSIDE_HOURS]
    # The Sunday is one of the next seven days from the Saturday night before the change.
    assert date(2026, 10, 25) in callback_days(datetime(2026, 10, 24, 23, 30, tzinfo=UTC))


def test_the_seven_days_are_counted_in_uk_dates():
    # 23:30 UTC on 30 June is already 1 July in London.
    assert callback_days(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))[0] == date(2026, 7, 1)


def test_christmas_day_is_open():
    christmas_eve = datetime(2026, 12, 24, 22, 30, tzinfo=UTC)
    assert window_problems([window(date(2026, 12, 25), "14:00", "16:00")], HELPLINE, christmas_eve) == []
    reply = reply_expected(HELPLINE, christmas_eve)
    assert not reply.open_now
    assert reply.at == datetime(2026, 12, 25, 14, 0, tzinfo=UTC)
    assert reply_expected(HELPLINE, datetime(2026, 12, 25, 15, 0, tzinfo=UTC)).open_now


def test_reply_expected_when_closed_is_the_next_opening_in_uk_time():
    assert reply_expected(HELPLINE, MORNING).at == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    late = datetime(2026, 7, 1, 21, 30, tzinfo=UTC)  # 10:30pm BST
    reply = reply_expected(HELPLINE, late)
    assert not reply.open_now
    assert reply.at == datetime(2026, 7, 2, 13, 0, tzinfo=UTC)  # 2pm BST the next day


def test_reply_expected_when_open_is_now():
    open_time = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    reply = reply_expected(HELPLINE, open_time)
    assert reply.open_now and reply.at == open_time


def test_first_callback_is_the_earliest_window_not_yet_over():
    day = date(2026, 11, 25)
    later, earlier = window(day, "18:00", "19:00"), window(day, "15:00", "16:00")
    assert first_callback([later, earlier], MORNING) == earlier
    assert first_callback([later, earlier], datetime(2026, 11, 25, 16, 30, tzinfo=UTC)) == later
    assert first_callback([], MORNING) is None


def test_windows_are_read_from_the_answers_and_round_trip_through_iso():
    answers = {"windows": {"when": "choose", "day_1": "2026-11-25", "start_1": "15:00", "end_1": "16:00",
                           "day_2": "", "start_2": "", "end_2": "", "day_3": "2026-11-26",
                           "start_3": "20:00", "end_3": "21:30"}}
    chosen = windows_from_answers(answers)
    assert chosen == [window(date(2026, 11, 25), "15:00", "16:00"),
                      window(date(2026, 11, 26), "20:00", "21:30")]
    assert [CallbackWindow.from_iso(w.to_iso()) for w in chosen] == chosen
    assert windows_from_answers({"windows": {**answers["windows"], "when": "asap"}}) == []


def test_answers_that_no_longer_apply_are_dropped():
    answers = {"topic": {"topic": "home"}, "message": {"message": "hi"}, "reply": {"method": "none"},
               "phone": {"phone": "07700 900123"}, "email": {"email": "a@example.com"},
               "windows": {"when": "asap"}, "safety": {"voicemail": "no"}, "about-you": {"age": "15"}}
    assert set(relevant_answers(answers)) == {"topic", "message", "reply", "about-you"}
    answers["reply"]["method"] = "email"
    assert set(relevant_answers(answers)) == {"topic", "message", "reply", "email", "about-you"}
    answers["reply"]["method"] = "text"
    assert set(relevant_answers(answers)) == {"topic", "message", "reply", "phone", "windows", "safety",
                                              "about-you"}


@settings(max_examples=200, deadline=None)
@given(today=st.dates(min_value=date(2025, 1, 1), max_value=date(2035, 12, 31)),
       offset=st.integers(min_value=0, max_value=6),
       start_slot=st.integers(min_value=0, max_value=15), length=st.integers(min_value=1, max_value=16))
def test_any_window_inside_hours_in_the_next_week_is_accepted_whatever_the_season(today, offset, start_slot,
                                                                                  length):
    # Midnight UK time on ``today``: before opening, so every window from today onwards is ahead.
    now = datetime.combine(today, time(0, 0), tzinfo=UK)
    end_slot = min(start_slot + length, 16)
    day = today + timedelta(days=offset)
    chosen = CallbackWindow.on(day, slot(start_slot), slot(end_slot))
    assert window_problems([chosen], HELPLINE, now) == []
    # Whatever the clock change, the stored time reads as the same UK clock time.
    assert chosen.to_iso()["start"].startswith(f"{day.isoformat()}T{slot(start_slot).isoformat()}")
    assert chosen.start.utcoffset() == UK.utcoffset(datetime.combine(day, slot(start_slot)))


def slot(n: int) -> time:
    """The n-th half hour from 2pm (0 is 2pm, 16 is 10pm)."""
    minutes = 14 * 60 + 30 * n
    return time(minutes // 60, minutes % 60)
