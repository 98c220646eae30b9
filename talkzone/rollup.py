"""The reports' roll-up: item counts per UK day, kind, area, safeguarding flag and reported value.

One SQL query (``keys``) turns items into their roll-up rows; the UK day each request or
complaint was first allocated or answered comes out of it as a "reached" row, which is stored
as its timeliness instead: "met" (reached by its working-day deadline), "late" (reached after
it) or "" (not reached yet), per day and per month. Whether an item met its deadline depends
only on the day it arrived and the day it was reached, so it is decided as it is written;
whether it has fallen due yet depends on today, and the reports apply that as a range of
arrival days. A change to the bank-holiday calendar changes deadlines already passed, so it
needs a migration that runs ``rebuild`` (tests/unit/test_report_calendar.py notices one).

The migrations fill the table with ``rebuild`` over every item; after that every flush that
creates an item, changes a reported field (reroute, status, outcome, safeguarding flag),
records the first allocation or reply, logs a call back, stores the case system's answer
(hand-off) or deletes an item takes the affected
items' rows away as they stood before the flush and adds them back as they stand after it, in
the same transaction. A bulk UPDATE (retention's anonymising) goes through ``changing``. So
the roll-up always equals the items, and the reports page sums a few hundred rows instead of
a million.

Days and hours are UK ones. PostgreSQL converts with its time zone database; SQLite, which
has none, applies the UK summer time rule (last Sunday of March to the last Sunday of
October, from 01:00 UTC), which is the same thing for any date since 1996.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date
from functools import cache

from sqlalchemy import (
    Date,
    String,
    and_,
    bindparam,
    case,
    cast,
    event,
    func,
    insert,
    literal_column,
    select,
    union_all,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from talkzone.calendar import add_working_days
from talkzone.models import AuditEvent, CallbackAttempt, Handoff, Kind, ReportCount, Submission

KEY = ("dimension", "day", "kind", "area_code", "safeguarding", "value")
# The item fields whose change moves an item from one roll-up row to another.
REPORTED = ("kind", "area_code", "safeguarding", "channel", "outcome", "con_level", "answers", "created_at")
# The status whose first arrival is each kind's deadline (timeliness).
REACHED = {Kind.REQUEST_FOR_SUPPORT: "allocated", Kind.COMPLAINT: "responded"}
# The dimensions counted per day; also per month (and "timely", made from the "reached" rows); per
# month only (the hand-off status, which the reports count over all time); per week (day: its Monday).
DAILY = ("all", "channel", "outcome", "con_level", "reached", "callback", "hour", "topic", "age")
MONTHLY = ("channel", "outcome", "con_level", "callback", "hour", "topic", "age")
MONTHLY_ONLY = ("handoff",)
WEEKLY = ("all",)
LEVELS = (*DAILY, *(f"m:{name}" for name in MONTHLY + MONTHLY_ONLY), *(f"w:{name}" for name in WEEKLY))
# The rows migrations 0012 to 0014 keep (per day reached, no weeks, no hand-offs): 0015's downgrade
# goes back to them.
LEVELS_0012 = (*DAILY, *(f"m:{name}" for name in MONTHLY))


class uk_day(FunctionElement):
    """The UK calendar date of a stored UTC timestamp, in SQL."""

    inherit_cache = True
    type = Date()
    name = "uk_day"


class uk_hour(FunctionElement):
    """The UK hour of the day ("00" to "23") of a stored UTC timestamp, in SQL."""

    inherit_cache = True
    type = String()
    name = "uk_hour"


def _uk_pg(element, compiler, **kw) -> str:
    return f"timezone('Europe/London', timezone('UTC', {compiler.process(element.clauses, **kw)}))"


def _uk_offset_sqlite(col: str) -> str:
    year = f"strftime('%Y', {col})"
    starts = f"date({year} || '-03-25', 'weekday 0') || ' 01:00:00'"
    ends = f"date({year} || '-10-25', 'weekday 0') || ' 01:00:00'"
    return f"CASE WHEN {col} >= {starts} AND {col} < {ends} THEN '+1 hours' ELSE '+0 hours' END"


@compiles(uk_day)
def _uk_day_default(element, compiler, **kw):
    return f"CAST({_uk_pg(element, compiler, **kw)} AS DATE)"


@compiles(uk_day, "sqlite")
def _uk_day_sqlite(element, compiler, **kw):
    col = compiler.process(element.clauses, **kw)
    return f"date({col}, {_uk_offset_sqlite(col)})"


@compiles(uk_hour)
def _uk_hour_default(element, compiler, **kw):
    return f"to_char({_uk_pg(element, compiler, **kw)}, 'HH24')"


@compiles(uk_hour, "sqlite")
def _uk_hour_sqlite(element, compiler, **kw):
    col = compiler.process(element.clauses, **kw)
    return f"strftime('%H', {col}, {_uk_offset_sqlite(col)})"


class month_start(FunctionElement):
    """The first day of a date's month, in SQL."""

    inherit_cache = True
    type = Date()
    name = "month_start"


class week_start(month_start):
    """The Monday of a date's week, in SQL."""

    inherit_cache = True
    name = "week_start"


# PostgreSQL's date_trunc unit, and SQLite's date() modifiers (for a week: the Sunday on or after
# the day, less six days).
_PERIODS = {"month_start": ("month", "'start of month'"), "week_start": ("week", "'weekday 0', '-6 days'")}


@compiles(month_start)
@compiles(week_start)
def _period_start_default(element, compiler, **kw):
    unit = _PERIODS[element.name][0]
    return f"CAST(date_trunc('{unit}', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(month_start, "sqlite")
@compiles(week_start, "sqlite")
def _period_start_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, {_PERIODS[element.name][1]})"


def _text(value) -> object:
    return func.coalesce(cast(value, String), "")


@cache
def due(kind: str, received: date) -> date:
    """The UK day an item of this kind (a key of REACHED) arriving on this UK day must reach its status by."""
    # Imported here: both modules import the unit of work, which imports this one for its listeners.
    from talkzone.complaints import STAGE_1_WORKING_DAYS
    from talkzone.submissions import ALLOCATE_WITHIN_WORKING_DAYS

    days = {Kind.REQUEST_FOR_SUPPORT: ALLOCATE_WITHIN_WORKING_DAYS, Kind.COMPLAINT: STAGE_1_WORKING_DAYS}
    return add_working_days(received, days[kind])


def timeliness(kind: str, received: date, reached: str) -> str:
    """"met", "late" or "" (not reached yet) for an item that arrived on ``received`` and first
    reached its status on the UK day ``reached`` (ISO text, or "")."""
    if not reached:
        return ""
    return "met" if date.fromisoformat(reached) <= due(kind, received) else "late"


def keys(levels: Iterable[str] = LEVELS, by_ids: bool = False):
    """The rows (KEY columns and ``n``) all items (or, ``by_ids``, the items whose ids are given
    as the ``ids`` parameter) make in these dimensions, the "reached" rows (value: the UK day
    reached) standing for the "timely" ones (see ``as_stored``)."""
    status = AuditEvent.detail["status"].as_string()
    first = (select(AuditEvent.submission_id.label("sid"), status.label("status"),
                    func.min(AuditEvent.at).label("at"))
             .where(AuditEvent.action == "status_changed", status.in_(REACHED.values()))
             .group_by(AuditEvent.submission_id, status))
    inside = case((CallbackAttempt.outside_safe_window.is_(False), 1), else_=0)
    called = (select(CallbackAttempt.submission_id.label("sid"), func.max(inside).label("inside"))
              .group_by(CallbackAttempt.submission_id))
    if by_ids:
        ids = bindparam("ids", expanding=True)
        first = first.where(AuditEvent.submission_id.in_(ids))
        called = called.where(CallbackAttempt.submission_id.in_(ids))
    first, called = first.subquery(), called.subquery()
    reached_status = case(*[(Submission.kind == k, s) for k, s in REACHED.items()], else_="")
    items = (select(
        uk_day(Submission.created_at).label("day"), month_start(uk_day(Submission.created_at)).label("month"),
        week_start(uk_day(Submission.created_at)).label("week"),
        Submission.kind.label("kind"),
        func.coalesce(Submission.area_code, "").label("area_code"),
        Submission.safeguarding.label("safeguarding"),
        uk_hour(Submission.created_at).label("hour"), Submission.channel.label("channel"),
        _text(Submission.outcome).label("outcome"), _text(Submission.con_level).label("con_level"),
        _text(Submission.answers[("topic", "topic")].as_string()).label("topic"),
        _text(Submission.answers[("about-you", "age")].as_string()).label("age"),
        case((called.c.inside == 1, "inside"), (called.c.inside == 0, "outside"), else_="").label("callback"),
        _text(uk_day(first.c.at)).label("reached"), _text(Handoff.status).label("handoff"))
        .outerjoin(first, and_(first.c.sid == Submission.id, first.c.status == reached_status))
        .outerjoin(called, called.c.sid == Submission.id)
        .outerjoin(Handoff, Handoff.submission_id == Submission.id))
    if by_ids:
        items = items.where(Submission.id.in_(ids))
    c = items.cte("items").c
    helpline = c.kind == Kind.HELPLINE_CONTACT
    dimensions = {
        "all": (literal_column("''"), None),
        "channel": (c.channel, None),
        "outcome": (c.outcome, c.outcome != ""),
        "con_level": (c.con_level, c.con_level != ""),
        "reached": (c.reached, c.kind.in_(list(REACHED))),
        "callback": (c.callback, helpline),
        "hour": (c.hour, helpline),
        "topic": (c.topic, helpline),
        "age": (c.age, helpline),
        "handoff": (c.handoff, None),
    }
    # The values also per month (dimension "m:channel" and so on, day = the month's first day) and
    # the counts per week ("w:all", day = its Monday), so a long range reads whole months or weeks
    # from a few rows and only its ends day by day.
    periods = {"m": c.month, "w": c.week}
    parts = []
    for name in levels:
        period, _sep, base = name.rpartition(":")
        day = periods.get(period, c.day)
        value, condition = dimensions[base]
        part = select(cast(literal_column(f"'{name}'"), String(20)).label("dimension"), day.label("day"),
                      c.kind, c.area_code, c.safeguarding, cast(value, String(60)).label("value"),
                      func.count().label("n"))
        if condition is not None:
            part = part.where(condition)
        grouped = (day, c.kind, c.area_code, c.safeguarding) + (() if base == "all" else (value,))
        parts.append(part.group_by(*grouped))
    return union_all(*parts)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def as_stored(rows) -> Counter:
    """keys()' rows as the roll-up stores them, as {key: count}: each "reached" row counted as its
    timeliness, on its day ("timely") and in its month ("m:timely")."""
    found = Counter()
    for row in rows:
        day = _as_date(row.day)
        rest = (row.kind, row.area_code, bool(row.safeguarding))
        if row.dimension == "reached":
            value = timeliness(row.kind, day, row.value)
            found[("timely", day, *rest, value)] += row.n
            found[("m:timely", day.replace(day=1), *rest, value)] += row.n
        else:
            found[(row.dimension, day, *rest, row.value)] += row.n
    return found


def _insert(connection, counts: Counter) -> None:
    rows = [dict(zip(KEY, key, strict=True), n=n) for key, n in sorted(counts.items()) if n]
    for start in range(0, len(rows), 5000):
        connection.execute(insert(ReportCount.__table__), rows[start:start + 5000])


def insert_as_made(connection, levels: Iterable[str]) -> None:
    """Add keys()' rows in these dimensions over every item to the roll-up just as the query makes
    them, in SQL alone ("reached" rows too: the migrations before 0015 keep them)."""
    table = ReportCount.__table__
    connection.execute(insert(table).from_select(list(KEY) + ["n"], keys(levels=levels)))


def rebuild(connection) -> None:
    """Empty the roll-up and fill it again from every item (the migrations and the benchmark)."""
    connection.execute(ReportCount.__table__.delete())
    # Most of it in SQL alone; the timeliness rows through Python, which knows the working days.
    insert_as_made(connection, [name for name in LEVELS if name != "reached"])
    _insert(connection, as_stored(connection.execute(keys(levels=["reached"]))))


@cache
def _keys_by_ids():
    # Built once: the statement is large, and every flush that changes an item runs it.
    return keys(by_ids=True)


def contribution(connection, ids: Iterable[int] | None = None) -> Counter:
    """The roll-up rows these items (or all items) make, as {key: count}."""
    if ids is None:
        return as_stored(connection.execute(keys()))
    ids = list(ids)
    return as_stored(connection.execute(_keys_by_ids(), {"ids": ids})) if ids else Counter()


def stored(connection) -> Counter:
    """The roll-up as stored, leaving out rows that have come down to 0."""
    table = ReportCount.__table__
    found = Counter()
    for row in connection.execute(select(table).where(table.c.n != 0)):
        found[(row.dimension, _as_date(row.day), row.kind, row.area_code, bool(row.safeguarding),
               row.value)] += row.n
    return found


@cache
def _add_counts(dialect_name: str):
    # Built once, and run with a parameter set per row: a statement of many VALUES is compiled
    # afresh for every number of rows.
    table = ReportCount.__table__
    statement = (postgresql if dialect_name == "postgresql" else sqlite).insert(table)
    return statement.on_conflict_do_update(index_elements=list(KEY),
                                           set_={"n": table.c.n + statement.excluded.n})


def _apply(connection, before: Counter, after: Counter) -> None:
    delta = Counter(after)
    delta.subtract(before)
    rows = [dict(zip(KEY, key, strict=True), n=n) for key, n in sorted(delta.items()) if n]
    if rows:
        connection.execute(_add_counts(connection.dialect.name), rows)


@contextmanager
def changing(session: Session, ids: Iterable[int]):
    """Keep the roll-up in step around a bulk UPDATE of these items' reported fields."""
    ids = list(ids)
    before = contribution(session.connection(), ids)
    yield
    _apply(session.connection(), before, contribution(session.connection(), ids))


def _reported_change(session: Session, obj) -> bool:
    state = sa_inspect(obj)
    return obj in session.deleted or any(state.attrs[name].history.has_changes() for name in REPORTED)


@event.listens_for(Session, "before_flush")
def _before_flush(session, flush_context, _instances):
    ids, new = set(), []
    for obj in session.new:
        if isinstance(obj, Submission):
            new.append(obj)
        elif isinstance(obj, (CallbackAttempt, Handoff)) or (isinstance(obj, AuditEvent)
                                                             and obj.action == "status_changed"):
            if obj.submission_id is not None:
                ids.add(obj.submission_id)
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Submission) and obj.id is not None and _reported_change(session, obj):
            ids.add(obj.id)
        elif isinstance(obj, (AuditEvent, CallbackAttempt, Handoff)) and obj.submission_id is not None:
            ids.add(obj.submission_id)
    if not ids and not new:
        return
    flush_context.attributes["rollup"] = (ids, new, contribution(session.connection(), ids))


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context):
    pending = flush_context.attributes.pop("rollup", None)
    if pending is None:
        return
    ids, new, before = pending
    ids = ids | {obj.id for obj in new if obj.id is not None}
    _apply(session.connection(), before, contribution(session.connection(), ids))
