"""Helpline contacts: opening hours, callback windows in UK time, and storing a contact.

The rules here are plain functions of the helpline's hours and a ``now``, so the public
journey and the staff console judge a callback window the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from talkzone.calendar import UK, is_open, next_opening, uk_date, uk_time
from talkzone.mailing import Mailing, queue_acknowledgements, queue_to_staff
from talkzone.models import Kind, Submission, utcnow
from talkzone.profile import Helpline, Profile
from talkzone.submissions import store

WINDOW_DAYS = 7
MAX_WINDOWS = 3
SLOT = timedelta(minutes=30)  # callback windows start and end on the half hour
# Where a contact is routed when the profile names no helpline mailbox: the console inbox only.
HELPLINE_INBOX = "inbox:helpline"
CALLBACK_METHODS = ("call", "text")
METHODS = ("call", "text", "email", "none")

# Problem codes, in the order a person should fix them.
NOT_AFTER_START = "not_after_start"
OUTSIDE_HOURS = "outside_hours"
IN_PAST = "in_past"
TOO_FAR = "too_far"
OVERLAP = "overlap"
TOO_MANY = "too_many"


class CallbackWindowsRefused(ValueError):
    """The chosen callback windows break the rules; the codes say which."""

    def __init__(self, problems: list[str]):
        super().__init__(f"callback windows refused: {', '.join(problems)}")
        self.problems = problems


@dataclass(frozen=True)
class CallbackWindow:
    """A time the young person says it is safe to call or text them: aware start and end."""

    start: datetime
    end: datetime

    @classmethod
    def on(cls, day: date, start: time, end: time) -> CallbackWindow:
        """A window on a UK calendar day between two UK clock times (right across clock changes)."""
        return cls(datetime.combine(day, start, tzinfo=UK), datetime.combine(day, end, tzinfo=UK))

    @classmethod
    def from_iso(cls, data: dict) -> CallbackWindow:
        """A window read back from a submission's contact record."""
        return cls(datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"]))

    def to_iso(self) -> dict:
        """ISO strings with their UTC offsets, as stored in a submission's contact record."""
        return {"start": uk_time(self.start).isoformat(), "end": uk_time(self.end).isoformat()}


@dataclass(frozen=True)
class ExpectedReply:
    """When the team can next get back to someone: now (open) or at the next opening."""

    open_now: bool
    at: datetime


def callback_days(now: datetime) -> list[date]:
    """The UK dates a callback window may fall on: today and the next six days."""
    today = uk_date(now)
    return [today + timedelta(days=i) for i in range(WINDOW_DAYS)]


def offered_times(helpline: Helpline, step: timedelta = SLOT) -> tuple[list[time], list[time]]:
    """The start and end times a callback window may be chosen from: ``step`` apart, inside hours."""
    day = date(2000, 1, 1)
    moment, last = datetime.combine(day, helpline.opens), datetime.combine(day, helpline.closes)
    times = []
    while moment <= last:
        times.append(moment.time())
        moment += step
    return times[:-1], times[1:]


def _outside_hours(window: CallbackWindow, helpline: Helpline) -> bool:
    start, end = uk_time(window.start), uk_time(window.end)
    if start.date() != end.date():
        return True
    return start.time() < helpline.opens or end.time() > helpline.closes


def problems_by_window(windows: list[CallbackWindow], helpline: Helpline,
                       now: datetime) -> list[list[str]]:
    """Each window's problem codes, in the windows' own order.

    An overlap is charged to the later of the two windows, so the earlier one stands.
    """
    found: list[list[str]] = [[] for _ in windows]
    last_day = callback_days(now)[-1]
    for i, window in enumerate(windows):
        if window.end <= window.start:
            found[i].append(NOT_AFTER_START)
            continue
        if _outside_hours(window, helpline):
            found[i].append(OUTSIDE_HOURS)
        if window.end <= now:
            found[i].append(IN_PAST)
        elif uk_date(window.start) > last_day:
            found[i].append(TOO_FAR)
    for i, window in enumerate(windows):
        if found[i]:
            continue
        for j, other in enumerate(windows[:i]):
            if not found[j] and window.start < other.end and other.start < window.end:
                found[i].append(OVERLAP)
                break
    if len(windows) > MAX_WINDOWS:
        for problems in found[MAX_WINDOWS:]:
            problems.append(TOO_MANY)
    return found


def window_problems(windows: list[CallbackWindow], helpline: Helpline, now: datetime) -> list[str]:
    """Every problem code found in a set of windows, each once (empty when all are fine)."""
    codes: list[str] = []
    for problems in problems_by_window(windows, helpline, now):
        codes.extend(code for code in problems if code not in codes)
    return codes


def reply_expected(helpline: Helpline, now: datetime) -> ExpectedReply:
    """Open now: the team replies soon. Closed: from the next opening, in UK time."""
    if is_open(helpline, now):
        return ExpectedReply(open_now=True, at=uk_time(now))
    return ExpectedReply(open_now=False, at=next_opening(helpline, now))


def first_callback(windows: list[CallbackWindow], now: datetime) -> CallbackWindow | None:
    """The earliest window that has not yet ended, or None (then: as soon as the team can)."""
    upcoming = sorted((w for w in windows if w.end > now), key=lambda w: w.start)
    return upcoming[0] if upcoming else None


def windows_from_answers(answers: dict) -> list[CallbackWindow]:
    """The windows chosen on the callback page: each a day and two clock times, as stored."""
    chosen = answers.get("windows") or {}
    if chosen.get("when") != "choose":
        return []
    windows = []
    for n in range(1, MAX_WINDOWS + 1):
        day, start, end = (chosen.get(f"{part}_{n}") for part in ("day", "start", "end"))
        if day and start and end:
            windows.append(CallbackWindow.on(date.fromisoformat(day), time.fromisoformat(start),
                                             time.fromisoformat(end)))
    return windows


def relevant_answers(answers: dict) -> dict:
    """Only the answers that apply to the way the person chose to be contacted.

    Someone who changed their mind (a call, then anonymous) leaves earlier answers in the
    draft; they are dropped here so nothing they took back is stored.
    """
    method = answers.get("reply", {}).get("method")
    kept = {key: answers[key] for key in ("topic", "message", "reply", "about-you") if key in answers}
    if method in CALLBACK_METHODS:
        kept.update({key: answers[key] for key in ("phone", "windows", "safety") if key in answers})
    elif method == "email" and "email" in answers:
        kept["email"] = answers["email"]
    return kept


def _contact(answers: dict, windows: list[CallbackWindow]) -> dict:
    method = answers["reply"]["method"]
    if method == "none":
        return {"channels": [], "anonymous": True}
    contact: dict = {"channels": [method], "anonymous": False}
    if method == "email":
        contact["email"] = answers["email"]["email"]
        return contact
    safety = answers.get("safety", {})
    contact["phone"] = answers["phone"]["phone"]
    contact["windows"] = [w.to_iso() for w in windows]
    contact["asap"] = not windows
    if method == "call":
        contact["voicemail"] = safety.get("voicemail")
    contact["say_who"] = safety.get("say_who")
    return contact


def submit_helpline_contact(session: Session, *, profile: Profile, answers: dict, language: str,
                            mailing: Mailing, now: datetime | None = None,
                            send_key: str | None = None) -> Submission:
    """Store a helpline contact with its routing and any mail, for one commit by the caller.

    Windows that ended while the person was checking their answers are dropped (the team
    then replies as soon as it can); any other problem with a window is refused.
    Every contact reaches the helpline inbox and the team's mailbox; an anonymous one keeps
    no contact details, so nothing goes back to the person.
    """
    now = now or utcnow()
    helpline = profile.helpline
    if helpline is None:
        raise ValueError(f"profile {profile.code} has no helpline")
    answers = relevant_answers(answers)
    method = answers["reply"]["method"]
    if method not in METHODS:
        raise ValueError(f"unknown way to reply {method!r}")
    windows = [w for w in windows_from_answers(answers) if w.end > now]
    if method in CALLBACK_METHODS and (problems := window_problems(windows, helpline, now)):
        raise CallbackWindowsRefused(problems)
    contact = _contact(answers, windows)
    first = first_callback(windows, now)
    due = first.start if first else reply_expected(helpline, now).at
    about = answers.get("about-you", {})
    submission = Submission(
        kind=Kind.HELPLINE_CONTACT,
        status="callback_due" if method in CALLBACK_METHODS else "new",
        language=language,
        created_at=now,
        destination=helpline.mailbox or HELPLINE_INBOX,
        answers=answers,
        contact=contact,
        subject_name=about.get("nickname") or None,
        phone=contact.get("phone"),
        email=contact.get("email"),
        due_on=uk_date(due),
    )
    store(session, submission, send_key)
    if helpline.mailbox:
        queue_to_staff(session, submission, mailing, "helpline_notification", helpline.mailbox)
    if method != "none":
        queue_acknowledgements(session, submission, mailing, "helpline_acknowledgement", now)
    return submission
