"""Shortcuts in rendering pages, found by profiling the public journeys under gunicorn.

Each leaves the HTML as it was: a page renders to the same bytes, with less work.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from govuk_frontend_wtf.gov_form_base import GovFormBase
from jinja2 import Template
from markupsafe import Markup, escape

from portal.fields import render_widget
from portal.i18n import current_language

# Stand for this response's CSP nonce, CSRF token and the person's own words in a kept page.
_NONCE_MARK, _CSRF_MARK, _SHOWN_MARK = secrets.token_hex(16), secrets.token_hex(16), secrets.token_hex(16)


class _Template(Template):
    """A template whose ``{% from ... import ... %}`` finds the imported macros' module quickly.

    On every import Jinja asks whether the importing page has globals the imported template
    lacks (``context.globals_keys - template.globals.keys()``). ``template.globals`` is a
    ChainMap, so that difference tests each of some 30 names in Python code, and the GOV.UK
    macros import others inside every call. ``set.difference`` walks the ChainMap once, in C,
    to the same answer.
    """

    def _get_default_module(self, ctx=None):
        if ctx is not None and ctx.globals_keys.difference(self.globals):
            return super()._get_default_module(ctx)  # new globals: Jinja builds a module for them
        return super()._get_default_module()


def kept(render: Callable[..., str], *vary, shown: dict[str, str] | None = None) -> str:
    """A page that depends only on the language, its address, whether answers are in progress
    (the timeout warning), ``vary`` and ``shown``: rendered by ``render`` once per app and kept,
    with this response's own CSP nonce and CSRF token put in. ``shown`` holds, by name, what of
    the person's own the page shows word for word (the postcode in a hint): ``render`` is given a
    marker for each, which each response replaces with its own, escaped. Pages asked for with any
    other query (or with auto-reload on) are rendered afresh."""
    shown = shown or {}
    args, languages = request.args, current_app.config["LANGUAGES"]
    chosen, change = args.get("lang"), args.get("change")
    if (set(args) - {"lang", "change"} or change not in (None, "1") or (chosen and chosen not in languages)
            or current_app.jinja_env.auto_reload):
        return render(**shown)
    pages = current_app.extensions.setdefault("kept_pages", {})
    key = (current_language(), request.path, chosen, change, bool(session.get("draft")), *vary)
    nonce = current_app.jinja_env.globals["csp_nonce"]()
    marks = {name: f"{_SHOWN_MARK}{name}" for name in shown}
    if key not in pages:
        stored = render(**marks).replace(nonce, _NONCE_MARK)
        token = g.get("csrf_token")  # Flask-WTF keeps the request's token here once a page asks for it
        pages[key] = stored.replace(token, _CSRF_MARK) if token else stored
    page = pages[key].replace(_NONCE_MARK, nonce)
    if _CSRF_MARK in page:
        page = page.replace(_CSRF_MARK, generate_csrf())
    for name, mark in marks.items():
        page = page.replace(mark, escape(shown[name]))
    return page


def summary_list(rows: list[dict]) -> Markup:
    """``govukSummaryList({"rows": rows})``, in Python: the same markup (as a browser reads it) for
    rows of a key, a value and their actions, at a fraction of the macro's cost."""
    with_actions = any(_actions(row) for row in rows if row)
    parts = ['<dl class="govuk-summary-list">']
    for row in filter(None, rows):
        actions = _actions(row)
        no_actions = " govuk-summary-list__row--no-actions" if with_actions and not actions else ""
        parts += [f'<div class="govuk-summary-list__row{no_actions}">',
                  f'<dt class="govuk-summary-list__key">{_content(row["key"])}</dt>',
                  f'<dd class="govuk-summary-list__value">{_content(row["value"])}</dd>']
        if len(actions) == 1:
            parts.append(f'<dd class="govuk-summary-list__actions">{_action(actions[0])}</dd>')
        elif actions:
            items = (f'<li class="govuk-summary-list__actions-list-item">{_action(a)}</li>' for a in actions)
            parts += ['<dd class="govuk-summary-list__actions">',
                      '<ul class="govuk-summary-list__actions-list">', *items, "</ul>", "</dd>"]
        parts.append("</div>")
    parts.append("</dl>")
    return Markup("\n".join(parts))  # noqa: S704 - every part is escaped or already Markup


def _actions(row: dict) -> list[dict]:
    return (row.get("actions") or {}).get("items") or []


def _content(part: dict) -> Markup:
    return Markup(part["html"]).strip() if part.get("html") else escape(part.get("text", ""))  # noqa: S704


def _action(action: dict) -> str:
    hidden = action.get("visuallyHiddenText")
    hidden = f'<span class="govuk-visually-hidden"> {escape(hidden)}</span>' if hidden else ""
    return f'<a class="govuk-link" href="{escape(action["href"])}">{_content(action)}{hidden}</a>'


def init_app(app: Flask) -> None:
    """Install the shortcuts, before any template is loaded (so every one is a ``_Template``)."""
    app.jinja_env.template_class = _Template
    app.add_template_global(summary_list)
    GovFormBase.render = render_widget
