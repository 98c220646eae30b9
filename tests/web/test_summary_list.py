"""Check-answers and the children list draw their summary lists in Python (portal/templating.py,
summary_list): what a browser reads must be what the GOV.UK Frontend macro gives."""

from __future__ import annotations

import copy
import re

from flask import render_template_string, template_rendered
from markupsafe import Markup

from portal.templating import summary_list
from tests.complaint_journey import walk_complaint
from tests.helpline_journey import MORNING, frozen, walk_helpline
from tests.journeys import FAMILY, walk_request

MACRO = ('{% from "govuk_frontend_jinja/components/summary-list/macro.html" import govukSummaryList %}'
         '{{ govukSummaryList({"rows": rows}) }}')


def as_read(html: str) -> str:
    """The markup with the whitespace a browser ignores between and inside tags taken out."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()


def the_macro(rows) -> str:
    return as_read(render_template_string(MACRO, rows=rows))


def test_rows_of_every_kind_read_as_the_macro_gives_them(app):
    rows = [
        {"key": {"text": "Name <b>&"}, "value": {"text": 'Jo "Bloggs"'},
         "actions": {"items": [{"href": "/a?b=1&c=2", "text": "Change", "visuallyHiddenText": "name <i>"}]}},
        {"key": {"text": "Address"}, "value": {"html": Markup("1 High Street<br>Preston")},
         "actions": {"items": [{"href": "/x", "text": "Change"}]}},
        None,
        {"key": {"text": "Sam"}, "value": {"text": "4 May 2016"},
         "actions": {"items": [{"href": "/c/0", "text": "Change", "visuallyHiddenText": "Sam"},
                               {"href": "/c/0/remove", "text": "Remove", "visuallyHiddenText": "Sam"}]}},
        {"key": {"text": "Reference"}, "value": {"text": "EH-1"}},
    ]
    with app.test_request_context():
        assert as_read(summary_list(rows)) == the_macro(rows)
        assert as_read(summary_list(rows[-1:])) == the_macro(rows[-1:])  # no row has actions
        assert as_read(summary_list([])) == the_macro([])


def test_each_journeys_answers_read_as_the_macro_gives_them(make_app):
    app = make_app(CLOCK=frozen(MORNING))  # the helpline's call-back times still to come
    sections = []
    template_rendered.connect(lambda sender, template, context, **extra: sections.extend(
        context.get("sections") or []), app, weak=False)
    walks = [(walk_request, copy.deepcopy(FAMILY), "/request-support/check-answers"),
             (walk_complaint, None, "/complaint/check-answers"),
             (walk_helpline, None, "/helpline/check-answers")]
    for walk, data, check in walks:
        client = app.test_client()
        walk(client, data) if data else walk(client)
        assert client.get(check).status_code == 200, check
    assert len(sections) > 6
    with app.test_request_context():
        for section in sections:
            assert as_read(summary_list(section["rows"])) == the_macro(section["rows"]), section["title"]
