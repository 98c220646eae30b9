"""Reports for managers: volumes, timeliness, outcomes and Continuum of Need levels, as aggregate SQL.

Every figure is a COUNT with GROUP BY in the database, filtered on ``created_at`` (so the
indexes that lead with kind, area and created_at serve the date range), and scoped by what
the user may see. Rows are never loaded into Python: only the grouped counts are.

Days and weeks are UK calendar days. PostgreSQL converts with its time zone database;
SQLite, which has none, applies the UK summer time rule (last Sunday of March to the last
Sunday of October, from 01:00 UTC), which is the same thing for any date since 1996.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, and_, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from talkzone import access
from talkzone.calendar import UK, add_working_days, uk_date
from talkzone.complaints import STAGE_1_WORKING_DAYS
from talkzone.models import AuditEvent, CallbackAttempt, Kind, Submission, User
from talkzone.submissions import ALLOCATE_WITHIN_WORKING_DAYS

MAX_DAYS = 800  # a little over two years


class uk_day(FunctionElement):
    """The UK calendar date of a stored UTC timestamp, in SQL."""

    inherit_cache = True
    type = Date()
    name = "uk_day"


@compiles(uk_day)
def _uk_day_default(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    return f"CAST(timezone('Europe/London', timezone('UTC', {column})) AS DATE)"


@compiles(uk_day, "sqlite")
def _uk_day_sqlite(element, compiler, **kw):
    col = compiler.process(element.clauses, **kw)
    year = f"strftime('%Y', {col})"
    starts = f"date({year} || '-03-25', 'weekday 0') || ' 01:00:00'"
    ends = f"date({year} || '-10-25', 'weekday 0') || ' 01:00:00'"
    return (f"date({col}, CASE WHEN {col} >= {starts} AND {col} < {ends} "
            f"THEN '+1 hours' ELSE '+0 hours' END)")


class utc_hour(FunctionElement):
    """A stored UTC timestamp cut down to its hour: UK and UTC hours start together, so an
    hour maps to exactly one UK day and week."""

    inherit_cache = True
    name = "utc_hour"


@compiles(utc_hour)
def _utc_hour_default(element, compiler, **kw):
    return f"date_trunc('hour', {compiler.process(element.clauses, **kw)})"


@compiles(utc_hour, "sqlite")
def _utc_hour_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m-%d %H:00:00', {compiler.process(element.clauses, **kw)})"


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

    @property
    def total(self) -> int:
        """Every item in the range, whatever its type."""
        return sum(c.count for c in self.by_kind)

    def sections(self) -> dict[str, list]:
        """The sections by name, in the order the page shows them."""
        return {"by_kind": self.by_kind, "by_area": self.by_area, "by_week": self.by_week,
                "by_channel": self.by_channel, "timeliness": self.timeliness, "outcomes": self.outcomes,
                "con_levels": self.con_levels}


def utc_bounds(filters: Filters) -> tuple[datetime, datetime]:
    """UK midnight at the start of ``start`` and after ``end``, as UTC moments."""
    low = datetime.combine(filters.start, time(), tzinfo=UK)
    high = datetime.combine(filters.end + timedelta(days=1), time(), tzinfo=UK)
    return low, high


def _where(user: User, filters: Filters) -> list:
    low, high = utc_bounds(filters)
    conditions = [access.scope(user), Submission.created_at >= low, Submission.created_at < high]
    if filters.area:
        conditions.append(Submission.area_code == filters.area)
    return conditions


def _counts(session: Session, user: User, filters: Filters, column, *extra) -> list[Count]:
    rows = session.execute(select(column, func.count()).where(*_where(user, filters), *extra)
                           .group_by(column).order_by(column))
    return [Count("" if key is None else str(key), n) for key, n in rows]


def _as_date(value) -> date | None:
    """SQLite hands dates back as text, PostgreSQL as dates."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _on_time(session: Session, user: User, filters: Filters, kind: str, status: str, days: int) -> Share:
    """Items of ``kind`` that reached ``status`` within ``days`` working days of the UK day they arrived.

    The database counts items per (day arrived, day the status was first reached); the
    working-day deadline is then applied once per pair, not per item, so bank holidays come
    from the same calendar as everywhere else and no row is loaded.
    """
    low = utc_bounds(filters)[0]
    first_reached = (select(AuditEvent.submission_id.label("submission_id"),
                            func.min(AuditEvent.at).label("at"))
                     .where(AuditEvent.action == "status_changed", AuditEvent.at >= low,
                            AuditEvent.detail["status"].as_string() == status)
                     .group_by(AuditEvent.submission_id).subquery())
    items = (select(Submission.created_at.label("arrived"), first_reached.c.at.label("reached"))
             .outerjoin(first_reached, first_reached.c.submission_id == Submission.id)
             .where(*_where(user, filters), Submission.kind == kind).subquery())
    arrived, reached = uk_day(items.c.arrived), uk_day(items.c.reached)
    met = total = 0
    pairs = select(arrived, reached, func.count()).group_by(arrived, reached)
    for day, reached_on, n in session.execute(pairs):
        total += n
        reached_on = _as_date(reached_on)
        if reached_on is not None and reached_on <= add_working_days(_as_date(day), days):
            met += n
    return Share(f"{kind}:{status}", met, total)


def _callbacks(session: Session, user: User, filters: Filters) -> Share:
    """Helpline contacts called back, and those called inside a window the young person said is safe.

    Counted from the callback attempts, not the phone number, so the figure stays the same
    after retention has blanked the contact details.
    """
    inside_window = case((CallbackAttempt.outside_safe_window.is_(False), 1), else_=0)
    called = (select(CallbackAttempt.submission_id.label("submission_id"),
                     func.max(inside_window).label("inside"))
              .where(CallbackAttempt.at >= utc_bounds(filters)[0])
              .group_by(CallbackAttempt.submission_id).subquery())
    row = session.execute(
        select(func.count(), func.count(case((called.c.inside == 1, 1)))).select_from(Submission)
        .join(called, called.c.submission_id == Submission.id)
        .where(*_where(user, filters), Submission.kind == Kind.HELPLINE_CONTACT)).one()
    return Share("helpline_contact:callback", row[1], row[0])


def _weeks(session: Session, user: User, filters: Filters) -> list[Count]:
    """Counts per UK ISO week: the database counts per UTC hour (cheap, no time zone work per
    row), and each hour's count is added to its UK week here (at most 24 a day)."""
    hour = utc_hour(Submission.created_at)
    counts: dict[str, int] = {}
    for start, n in session.execute(select(hour, func.count()).where(*_where(user, filters)).group_by(hour)):
        moment = start if isinstance(start, datetime) else datetime.fromisoformat(start)
        iso = uk_date(moment.replace(tzinfo=UTC)).isocalendar()
        key = f"{iso.year}-W{iso.week:02d}"
        counts[key] = counts.get(key, 0) + n
    # Every week in the range is listed, quiet ones with 0, so the chart's gaps are honest.
    monday = filters.start - timedelta(days=filters.start.weekday())
    found = []
    while monday <= filters.end:
        iso = monday.isocalendar()
        key = f"{iso.year}-W{iso.week:02d}"
        found.append(Count(key, counts.get(key, 0)))
        monday += timedelta(days=7)
    return found


def build(session: Session, user: User, filters: Filters) -> Report:
    """Every figure on the reports page for this user's scope, date range and area."""
    access.require(user, "view_reports")
    if filters.end < filters.start or (filters.end - filters.start).days >= MAX_DAYS:
        raise ValueError("date range must run forwards and span at most MAX_DAYS days")
    report = Report(filters)
    report.by_kind = _counts(session, user, filters, Submission.kind)
    report.by_area = _counts(session, user, filters, Submission.area_code, Submission.area_code.is_not(None))
    report.by_week = _weeks(session, user, filters)
    report.by_channel = _counts(session, user, filters, Submission.channel)
    report.timeliness = [
        _on_time(session, user, filters, Kind.REQUEST_FOR_SUPPORT, "allocated", ALLOCATE_WITHIN_WORKING_DAYS),
        _on_time(session, user, filters, Kind.COMPLAINT, "responded", STAGE_1_WORKING_DAYS),
        _callbacks(session, user, filters),
    ]
    outcome = Submission.kind + ":" + Submission.outcome
    report.outcomes = _counts(session, user, filters, outcome, Submission.outcome.is_not(None))
    report.con_levels = _counts(session, user, filters, Submission.con_level,
                                and_(Submission.con_level.is_not(None)))
    return report
