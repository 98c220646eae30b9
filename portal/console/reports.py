"""The reports page: volumes, timeliness, outcomes and CoN levels as SVG charts, tables and CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Response, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import db
from portal.console import bp, words
from portal.console.guard import current_staff, requires
from portal.console.report_forms import ReportFiltersForm
from portal.profile import current_profile
from talkzone import access, reports
from talkzone.calendar import uk_date
from talkzone.models import utcnow

DEFAULT_WEEKS = 12
SECTIONS = (
    ("by_kind", _l("Volumes by type"), _l("How many items arrived, by type")),
    ("by_area", _l("Volumes by area"), _l("How many requests for support arrived, by district")),
    ("by_week", _l("Volumes by week"),
     _l("How many items arrived in each week (weeks start on Monday, UK dates)")),
    ("by_channel", _l("Volumes by channel"),
     _l("How items reached us: online, by phone, text, email or social media")),
    ("timeliness", _l("Timeliness"), _l("The share of items that met their deadline, as a percentage")),
    ("outcomes", _l("Outcomes"), _l("How closed items ended, by type and outcome")),
    ("con_levels", _l("Continuum of Need levels"),
     _l("Closed requests for support by Continuum of Need level")),
    ("helpline_by_hour", _l("Helpline contacts by hour of day"),
     _l("How many helpline contacts arrived in each hour of the day (UK time)")),
    ("helpline_by_topic", _l("Helpline contacts by topic"),
     _l("What young people wanted to talk about")),
    ("helpline_by_age", _l("Helpline contacts by age band"), _l("How old the young people said they were")),
)
TIMELINESS = {
    "request_for_support:allocated": _l("Requests for support allocated within 5 working days"),
    "complaint:responded": _l("Complaints answered within 10 working days"),
    "helpline_contact:callback": _l("Callbacks made within a safe window the young person chose"),
}
AGE_BANDS = {"under_12": _l("Under 12"), "12_to_15": _l("12 to 15"), "16_to_17": _l("16 to 17"),
             "18_to_25": _l("18 to 25"), "over_25": _l("Over 25"), "prefer_not": _l("Prefer not to say"),
             "": _l("Not known")}
CHANNELS = {"online": _l("Online"), "helpline": _l("Helpline"), "phone": _l("Phone"), "call": _l("Phone"),
            "text": _l("Text message"), "email": _l("Email"), "social_media": _l("Social media")}


def _areas() -> list:
    areas = current_profile().areas
    if current_staff().role == access.DISTRICT_TRIAGE_OFFICER:
        return [a for a in areas if a.code in (current_staff().areas or [])]
    return list(areas)


def _filters(form: ReportFiltersForm) -> reports.Filters:
    today = uk_date(utcnow())
    start = form.start.data or today - timedelta(weeks=DEFAULT_WEEKS)
    end = form.end.data or today
    return reports.Filters(start=start, end=end, area=form.area.data or None)


def label(section: str, key: str) -> str:
    """The words for one row of a section."""
    profile = current_profile()
    if section == "by_kind":
        return words.label(words.KINDS, key)
    if section == "by_area":
        area = profile.area(key)
        return area.name if area else key
    if section == "by_channel":
        return str(CHANNELS.get(key, key))
    if section == "timeliness":
        return str(TIMELINESS.get(key, key))
    if section == "outcomes":
        kind, _sep, outcome = key.partition(":")
        return f"{words.label(words.KINDS, kind)}: {words.label(words.OUTCOMES, outcome)}"
    if section == "by_week":
        return _("Week beginning %(date)s", date=format_date(date.fromisoformat(key), "d MMMM y"))
    if section == "helpline_by_hour":
        return _("%(start)s:00 to %(start)s:59", start=key)
    if section == "helpline_by_topic":
        return words.label(words.HELPLINE_TOPICS, key) if key else _("Not known")
    if section == "helpline_by_age":
        return str(AGE_BANDS.get(key, key))
    if section == "con_levels":
        return _("Level %(level)s", level=key)
    return key


def _report():
    form = ReportFiltersForm(formdata=request.args if request.args else None)
    form.area.choices = [("", _("All areas"))] + [(a.code, a.name) for a in _areas()]
    if request.args and not form.validate():
        return form, None
    return form, reports.build(db.session(), current_staff(), _filters(form))


def charts(report: reports.Report) -> list[dict]:
    """One chart per section: its rows as (label, value, the figure as shown)."""
    found = []
    for section, title, description in SECTIONS:
        rows = []
        for item in report.sections()[section]:
            if isinstance(item, reports.Share):
                shown = "–" if item.percent is None else f"{item.percent}% ({item.met} / {item.total})"
                rows.append((label(section, item.key), item.percent or 0, shown))
            else:
                rows.append((label(section, item.key), item.count, str(item.count)))
        top = 100 if section == "timeliness" else max([r[1] for r in rows] + [1])
        found.append({"id": section.replace("_", "-"), "section": section, "title": str(title),
                      "description": str(description), "rows": rows, "max": top})
    return found


@bp.get("/reports")
@requires("view_reports")
def reports_page():
    """Every chart, each with its figures in a table beneath it."""
    form, report = _report()
    if report is None:
        return render_template("console/reports/index.html", form=form, report=None, charts=[])
    return render_template("console/reports/index.html", form=form, report=report, charts=charts(report),
                           query=request.query_string.decode())


@bp.get("/reports.csv")
@requires("view_reports")
def reports_csv():
    """The same figures as the page, one row per figure."""
    form, report = _report()
    if report is None:
        return reports_page()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "label", "count", "met", "total", "percent"])
    for section, items in report.sections().items():
        for item in items:
            if isinstance(item, reports.Share):
                writer.writerow([section, item.key, label(section, item.key), "", item.met, item.total,
                                 "" if item.percent is None else item.percent])
            else:
                writer.writerow([section, item.key, label(section, item.key), item.count, "", "", ""])
    name = f"report-{report.filters.start.isoformat()}-{report.filters.end.isoformat()}.csv"
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/reports/items.csv")
@requires("view_reports")
def reports_items_csv():
    """One row per item in the range, for analysts: no free text and no contact details."""
    form, report = _report()
    if report is None:
        return reports_page()
    # A session of its own, closed when the last row is sent (the request's closes as the view returns).
    session, user, filters = db.new_session(), current_staff(), report.filters

    def lines():
        try:
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(reports.ITEM_COLUMNS)
            for number, row in enumerate(reports.item_rows(session, user, filters)):
                writer.writerow(row)
                if number % 1000 == 999:
                    yield out.getvalue()
                    out.seek(0)
                    out.truncate()
            yield out.getvalue()
        finally:
            session.close()

    name = f"items-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
    return Response(lines(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
