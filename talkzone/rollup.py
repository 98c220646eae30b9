"""The reports' roll-up: item counts per UK day, kind, area, safeguarding flag and reported value.

One SQL query (``keys``) turns items into their roll-up rows. The migration fills the table
with it over every item; after that every flush that creates an item, changes a reported
field (reroute, status, outcome, safeguarding flag), records the first allocation or reply,
logs a call back or deletes an item takes the affected items' rows away as they stood
before the flush and adds them back as they stand after it, in the same transaction. A
bulk UPDATE (retention's anonymising) goes through ``changing``. So the roll-up always
equals the items, and the reports page sums a few thousand rows instead of a million.

Days and hours are UK ones. PostgreSQL converts with its time zone database; SQLite, which
has none, applies the UK summer time rule (last Sunday of March to the last Sunday of
October, from 01:00 UTC), which is the same thing for any date since 1996.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Date, String, and_, case, cast, event, func, insert, literal_column, select, union_all
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from talkzone.models import AuditEvent, CallbackAttempt, Kind, ReportCount, Submission

KEY = ("dimension", "day", "kind", "area_code", "safeguarding", "value")
# The item fields whose change moves an item from one roll-up row to another.
REPORTED = ("kind", "area_code", "safeguarding", "channel", "outcome", "con_level", "answers", "created_at")
# The status whose first arrival is each kind's deadline (timeliness).
REACHED = {Kind.REQUEST_FOR_SUPPORT: "allocated", Kind.COMPLAINT: "responded"}
# The dimensions also counted per month.
MONTHLY = ("channel", "outcome", "con_level", "callback", "hour", "topic", "age")


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


@compiles(month_start)
def _month_start_default(element, compiler, **kw):
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


def _text(value) -> object:
    return func.coalesce(cast(value, String), "")


def keys(ids: Iterable[int] | None = None):
    """The roll-up rows (KEY columns and ``n``) of the items with these ids, or of every item."""
    status = AuditEvent.detail["status"].as_string()
    first = (select(AuditEvent.submission_id.label("sid"), status.label("status"),
                    func.min(AuditEvent.at).label("at"))
             .where(AuditEvent.action == "status_changed", status.in_(REACHED.values()))
             .group_by(AuditEvent.submission_id, status))
    inside = case((CallbackAttempt.outside_safe_window.is_(False), 1), else_=0)
    called = (select(CallbackAttempt.submission_id.label("sid"), func.max(inside).label("inside"))
              .group_by(CallbackAttempt.submission_id))
    if ids is not None:
        ids = list(ids)
        first = first.where(AuditEvent.submission_id.in_(ids))
        called = called.where(CallbackAttempt.submission_id.in_(ids))
    first, called = first.subquery(), called.subquery()
    reached_status = case(*[(Submission.kind == k, s) for k, s in REACHED.items()], else_="")
    items = (select(
        uk_day(Submission.created_at).label("day"), month_start(uk_day(Submission.created_at)).label("month"),
        Submission.kind.label("kind"),
        func.coalesce(Submission.area_code, "").label("area_code"),
        Submission.safeguarding.label("safeguarding"),
        uk_hour(Submission.created_at).label("hour"), Submission.channel.label("channel"),
        _text(Submission.outcome).label("outcome"), _text(Submission.con_level).label("con_level"),
        _text(Submission.answers[("topic", "topic")].as_string()).label("topic"),
        _text(Submission.answers[("about-you", "age")].as_string()).label("age"),
        case((called.c.inside == 1, "inside"), (called.c.inside == 0, "outside"), else_="").label("callback"),
        _text(uk_day(first.c.at)).label("reached"))
        .outerjoin(first, and_(first.c.sid == Submission.id, first.c.status == reached_status))
        .outerjoin(called, called.c.sid == Submission.id))
    if ids is not None:
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
    }
    # The values also per month (dimension "m:channel" and so on, day = the month's first day),
    # so a long range reads whole months from a few rows and only its ends day by day.
    levels = [(name, c.day) for name in dimensions] + [(f"m:{name}", c.month) for name in MONTHLY]
    parts = []
    for name, day in levels:
        value, condition = dimensions[name.removeprefix("m:")]
        part = select(cast(literal_column(f"'{name}'"), String(20)).label("dimension"), day.label("day"),
                      c.kind, c.area_code, c.safeguarding, cast(value, String(60)).label("value"),
                      func.count().label("n"))
        if condition is not None:
            part = part.where(condition)
        grouped = (day, c.kind, c.area_code, c.safeguarding) + (() if name == "all" else (value,))
        parts.append(part.group_by(*grouped))
    return union_all(*parts)


def rebuild(connection) -> None:
    """Empty the roll-up and fill it again from every item (the migration and the benchmark)."""
    table = ReportCount.__table__
    connection.execute(table.delete())
    connection.execute(insert(table).from_select(list(KEY) + ["n"], keys()))


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def contribution(connection, ids: Iterable[int] | None = None) -> Counter:
    """The roll-up rows these items (or all items) make, as {key: count}."""
    ids = None if ids is None else list(ids)
    if ids == []:
        return Counter()
    found = Counter()
    for row in connection.execute(keys(ids)):
        found[(row.dimension, _as_date(row.day), row.kind, row.area_code, bool(row.safeguarding),
               row.value)] += row.n
    return found


def stored(connection) -> Counter:
    """The roll-up as stored, leaving out rows that have come down to 0."""
    table = ReportCount.__table__
    found = Counter()
    for row in connection.execute(select(table).where(table.c.n != 0)):
        found[(row.dimension, _as_date(row.day), row.kind, row.area_code, bool(row.safeguarding),
               row.value)] += row.n
    return found


def _apply(connection, before: Counter, after: Counter) -> None:
    delta = Counter(after)
    delta.subtract(before)
    rows = [dict(zip(KEY, key, strict=True), n=n) for key, n in sorted(delta.items()) if n]
    if not rows:
        return
    table = ReportCount.__table__
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(rows)
    connection.execute(statement.on_conflict_do_update(index_elements=list(KEY),
                                                       set_={"n": table.c.n + statement.excluded.n}))


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
        elif isinstance(obj, CallbackAttempt) or (isinstance(obj, AuditEvent)
                                                  and obj.action == "status_changed"):
            if obj.submission_id is not None:
                ids.add(obj.submission_id)
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Submission) and obj.id is not None and _reported_change(session, obj):
            ids.add(obj.id)
        elif isinstance(obj, (AuditEvent, CallbackAttempt)) and obj.submission_id is not None:
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
