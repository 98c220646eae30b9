"""The start page, quick exit and information pages."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from portal import db
from portal.journeys.engine import SESSION_KEY
from portal.profile import current_profile
from portal.templating import kept
from talkzone import drafts
from talkzone.models import utcnow

bp = Blueprint("pages", __name__)

# Where "Exit this page" leads: a neutral site that gives nothing away.
NEUTRAL_SITE = "https://www.bbc.co.uk/weather"


# The journeys after the first, shown on the start page when their blueprint is registered
# (and, for the helpline, when the service profile has one).
OTHER_JOURNEYS = [
    ("complaint.start", _l("Make a complaint about children's social care"),
     _l("For young people, or someone on a young person's behalf.")),
    ("helpline.start", _l("Talk to the helpline"),
     _l("Confidential advice and support for young people aged 12 to 19 (up to 25 with SEND).")),
]


def kept_page(template: str, **context) -> str:
    """An information page, rendered once per language and kept (portal.templating.kept)."""
    return kept(lambda: render_template(template, **context))


@bp.get("/")
def start():
    profile = current_profile()
    journeys = []
    for endpoint, title, description in OTHER_JOURNEYS:
        if endpoint == "helpline.start" and profile.helpline is None:
            continue
        if endpoint == "helpline.start":
            title = _l("Talk to %(helpline)s", helpline=profile.helpline.name)
        href = url_for(endpoint) if endpoint in current_app.view_functions else None
        journeys.append({"href": href, "title": title, "description": description})
    return kept_page("pages/start.html", extra_journeys=journeys)


@bp.get("/exit")
def exit_page():
    """Quick exit: delete the answers in progress in every journey, end the session, leave."""
    drafts.discard(db.session(), session.get(SESSION_KEY))
    session.clear()
    response = redirect(NEUTRAL_SITE)
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.post("/keep-alive")
def keep_alive():
    """Keep the answers in progress for another idle period (the timeout warning's button)."""
    token = session.get(SESSION_KEY)
    kept = drafts.touch(db.session(), token, utcnow()) if token else False
    if request.accept_mimetypes.best == "text/html" and not request.is_json:
        return redirect(request.referrer or url_for("pages.start"))
    return {"kept": kept}, 200 if kept else 404


@bp.get("/staying-safe-online")
def staying_safe():
    return kept_page("pages/staying_safe.html")


@bp.get("/privacy")
def privacy():
    return kept_page("pages/privacy.html")


@bp.get("/cookies")
def cookies():
    return kept_page("pages/cookies.html")


@bp.get("/accessibility")
def accessibility():
    return kept_page("pages/accessibility.html")
