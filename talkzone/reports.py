"""Reports for managers: volumes, timeliness, outcomes, Continuum of Need levels and helpline contacts.

Every figure is summed in the database from the roll-up (``talkzone.rollup``: counts per UK
day, kind, area, safeguarding flag and reported value, kept in step with the items), scoped
by what the user may see. A year of a million items is a few thousand roll-up rows: whole
weeks and months from the rows per week and month, only the range's ends from the daily ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from talkzone import access
from talkzone.calendar import UK, uk_date
from talkzone.models import Kind, ReportCount, Submission, User, utcnow
from talkzone.rollup import MONTHLY, REACHED, due

MAX_DAYS = 800  # a little over two years
# Helpline contacts' ages ("under_12", "12" to "25", "over_25", "prefer_not") in bands.
AGE_BANDS = {"under_12": "under_12", **{str(a): "12_to_15" for a in range(12, 16)},
             **{str(a): "16_to_17" for a in range(16, 18)}, **{str(a): "18_to_25" for a in range(18, 26)},
             "over_25": "over_25", "prefer_not": "prefer_not"}
AGE_BAND_ORDER = ("under_12", "12_to_15", "16_to_17", "18_to_25", "over_25", "prefer_not", "")


@dataclass(frozen=True)
class Filters:
    """The UK dates items arrived between (both included) and, optionally, one area."""

    start: date
    end: date
    area: str | None = None


@dataclass(frozen=True)
class Count:
    """How many items have this key (a type, area, week, channel, outcome or level)."""

    key: str
    count: int


@dataclass(frozen=True)
class Share:
    """How many of ``total`` met the deadline."""

    key: str
    met: int
    total: int

    @property
    def percent(self) -> int | None:
        """The share met, as a whole percentage; None when there was nothing to count."""
        return round(100 * self.met / self.total) if self.total else None


@dataclass
class Report:
    """Every section of the reports page, for one scope, date range and area."""

    filters: Filters
    by_kind: list[Count] = field(default_factory=list)
    by_area: list[Count] = field(default_factory=list)
    by_week: list[Count] = field(default_factory=list)
    by_channel: list[Count] = field(default_factory=list)
    timeliness: list[Share] = field(default_factory=list)
    outcomes: list[Count] = field(default_factory=list)
    con_levels: list[Count] = field(default_factory=list)
    helpline_by_hour: list[Count] = field(default_factory=list)
    helpline_by_topic: list[Count] = field(default_factory=list)
    helpline_by_age: list[Count] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Every item in the range, whatever its type."""
        return sum(c.count for c in self.by_kind)

    def sections(self) -> dict[str, list]:
        """The sections by name, in the order the page shows them."""
        return {"by_kind": self.by_kind, "by_area": self.by_area, "by_week": self.by_week,
                "by_channel": self.by_channel, "timeliness": self.timeliness, "outcomes": self.outcomes,
                "con_levels": self.con_levels, "helpline_by_hour": self.helpline_by_hour,
                "helpline_by_topic": self.helpline_by_topic, "helpline_by_age": self.helpline_by_age}


def utc_bounds(filters: Filters) -> tuple[datetime, datetime]:
    """UK midnight at the start of ``start`` and after ``end``, as UTC moments."""
    low = datetime.combine(filters.start, time(), tzinfo=UK)
    high = datetime.combine(filters.end + timedelta(days=1), time(), tzinfo=UK)
    return low, high


def _as_date(value) -> date:
    """SQLite hands dates back as text, PostgreSQL as dates."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _sum(session: Session, user: User, filters: Filters, dimensions, spans, *columns):
    """The roll-up's counts of these dimensions on days in these (first, last) spans and in scope,
    grouped by ``columns``."""
    conditions = [access.scope(user, ReportCount), ReportCount.dimension.in_(dimensions),
                  or_(*[ReportCount.day.between(low, high) for low, high in spans])]
    if filters.area:
        conditions.append(ReportCount.area_code == filters.area)
    query = select(*columns, func.sum(ReportCount.n)).where(*conditions).group_by(*columns)
    return [row for row in session.execute(query).all() if row[-1]]


def _whole_months(filters: Filters) -> tuple[date, date] | None:
    """The first and last day of the whole calendar months inside the range, if any."""
    first = filters.start if filters.start.day == 1 else (filters.start.replace(day=28) + timedelta(days=4)
                                                          ).replace(day=1)
    after = filters.end + timedelta(days=1)
    last = after.replace(day=1) - timedelta(days=1) if after.day != 1 else filters.end
    return (first, last) if first <= last else None


def _whole_weeks(filters: Filters) -> tuple[date, date] | None:
    """The first Monday and last Sunday of the whole weeks inside the range, if any."""
    first = filters.start + timedelta(days=-filters.start.weekday() % 7)
    last = filters.end - timedelta(days=(filters.end.weekday() + 1) % 7)
    return (first, last) if first <= last else None


def _counted(session: Session, user: User, filters: Filters, names, *columns, whole=_whole_months) -> list:
    """The roll-up's counts of these dimensions grouped by (dimension, ``columns``): the range's whole
    months (or weeks) from the rows per month ("m:...", or week "w:..."), the days either side from
    the daily ones, in two statements at most."""
    columns = (ReportCount.dimension, *columns)
    periods = whole(filters)
    if periods is None:
        return _sum(session, user, filters, names, [(filters.start, filters.end)], *columns)
    prefix = "w:" if whole is _whole_weeks else "m:"
    whole_rows = _sum(session, user, filters, [prefix + name for name in names], [periods], *columns)
    rows = [(d.removeprefix(prefix), *rest) for d, *rest in whole_rows]
    one = timedelta(days=1)
    ends = [(low, high) for low, high in ((filters.start, periods[0] - one), (periods[1] + one, filters.end))
            if low <= high]
    return rows + (_sum(session, user, filters, names, ends, *columns) if ends else [])


def _sorted(counts: dict[str, int], order=None) -> list[Count]:
    keys = sorted(counts) if order is None else [k for k in order if k in counts]
    return [Count(k, counts[k]) for k in keys]


def fallen_due(kind: str, today: date) -> date:
    """The last UK day on which items of ``kind`` arrived that were due before ``today``. A later
    arrival is never due sooner, so every item that arrived by this day has fallen due."""
    day = today - timedelta(days=1)
    while due(kind, day) >= today:
        day -= timedelta(days=1)
    return day


def _timeliness(session: Session, user: User, filters: Filters, kind: str, today: date) -> Share:
    """Items of ``kind`` whose deadline has passed (before ``today``), and those that reached their
    status (first allocation, or first reply) on or before it. Items not yet due are not counted.
    Met or late was decided as the roll-up was written; only arrival days up to ``fallen_due`` count."""
    met = total = 0
    last = min(filters.end, fallen_due(kind, today))
    if filters.start <= last:
        for _dimension, row_kind, value, n in _counted(session, user, replace(filters, end=last), ["timely"],
                                                       ReportCount.kind, ReportCount.value):
            if row_kind == kind:
                total += n
                met += n if value == "met" else 0
    return Share(f"{kind}:{REACHED[kind]}", met, total)


def _weeks(filters: Filters, per_day: dict[date, int]) -> list[Count]:
    """Counts per UK week, keyed by its Monday; every week in the range listed, quiet ones with 0."""
    counts: dict[str, int] = {}
    for day, n in per_day.items():
        monday = day - timedelta(days=day.weekday())
        counts[monday.isoformat()] = counts.get(monday.isoformat(), 0) + n
    monday = filters.start - timedelta(days=filters.start.weekday())
    found = []
    while monday <= filters.end:
        found.append(Count(monday.isoformat(), counts.get(monday.isoformat(), 0)))
        monday += timedelta(days=7)
    return found


ITEM_COLUMNS = ("reference", "kind", "area", "received_on", "channel", "status", "due_on", "outcome",
                "con_level", "closed_on")


def item_rows(session: Session, user: User, filters: Filters) -> Iterator[tuple]:
    """One row per item that arrived in the range (ITEM_COLUMNS), for the council's analysts: no free
    text, no names and no contact details. Dates are UK dates; streamed, never all in memory."""
    access.require(user, "view_reports")
    low, high = utc_bounds(filters)
    conditions = [access.scope(user), Submission.created_at >= low, Submission.created_at < high]
    if filters.area:
        conditions.append(Submission.area_code == filters.area)
    query = (select(Submission.reference, Submission.kind, Submission.area_code, Submission.created_at,
                    Submission.channel, Submission.status, Submission.due_on, Submission.outcome,
                    Submission.con_level, Submission.closed_at)
             .where(*conditions).order_by(Submission.created_at, Submission.id)
             .execution_options(yield_per=2000))
    for row in session.execute(query):
        yield (row.reference, row.kind, row.area_code or "", uk_date(row.created_at).isoformat(), row.channel,
               row.status, row.due_on.isoformat() if row.due_on else "", row.outcome or "",
               "" if row.con_level is None else row.con_level,
               uk_date(row.closed_at).isoformat() if row.closed_at else "")


def build(session: Session, user: User, filters: Filters, today: date | None = None) -> Report:
    """Every figure on the reports page for this user's scope, date range and area."""
    access.require(user, "view_reports")
    if filters.end < filters.start or (filters.end - filters.start).days >= MAX_DAYS:
        raise ValueError("date range must run forwards and span at most MAX_DAYS days")
    today = today or uk_date(utcnow())
    report = Report(filters)
    by_kind: dict[str, int] = {}
    by_area: dict[str, int] = {}
    per_day: dict[date, int] = {}
    counted = _counted(session, user, filters, ["all"], ReportCount.day, ReportCount.kind,
                       ReportCount.area_code, whole=_whole_weeks)
    for _dimension, day, kind, area, n in counted:
        by_kind[kind] = by_kind.get(kind, 0) + n
        if area:
            by_area[area] = by_area.get(area, 0) + n
        per_day[_as_date(day)] = per_day.get(_as_date(day), 0) + n
    report.by_kind, report.by_area = _sorted(by_kind), _sorted(by_area)
    report.by_week = _weeks(filters, per_day)
    values: dict[str, dict[str, int]] = {}
    for dimension, kind, value, n in _counted(session, user, filters, MONTHLY, ReportCount.kind,
                                              ReportCount.value):
        key = {"outcome": f"{kind}:{value}", "age": AGE_BANDS.get(value, "")}.get(dimension, value)
        found = values.setdefault(dimension, {})
        found[key] = found.get(key, 0) + n
    report.by_channel = _sorted(values.get("channel", {}))
    callbacks = values.get("callback", {})
    report.timeliness = [
        _timeliness(session, user, filters, Kind.REQUEST_FOR_SUPPORT, today),
        _timeliness(session, user, filters, Kind.COMPLAINT, today),
        Share("helpline_contact:callback", callbacks.get("inside", 0),
              callbacks.get("inside", 0) + callbacks.get("outside", 0)),
    ]
    report.outcomes = _sorted(values.get("outcome", {}))
    report.con_levels = _sorted(values.get("con_level", {}))
    hours = values.get("hour", {})
    report.helpline_by_hour = [Count(f"{h:02d}", hours.get(f"{h:02d}", 0)) for h in range(24)]
    report.helpline_by_topic = _sorted(values.get("topic", {}))
    report.helpline_by_age = _sorted(values.get("age", {}), AGE_BAND_ORDER)
    return report
