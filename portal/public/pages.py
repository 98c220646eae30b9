"""The start page, quick exit and information pages."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, session

from portal import db
from portal.public.journey import SESSION_KEY
from talkzone import drafts

bp = Blueprint("pages", __name__)

# Where "Exit this page" leads: a neutral site that gives nothing away.
NEUTRAL_SITE = "https://www.bbc.co.uk/weather"


@bp.get("/")
def start():
    return render_template("pages/start.html")


@bp.get("/exit")
def exit_page():
    """Quick exit: forget the answers in progress, end the session, leave for a neutral site."""
    drafts.discard(db.session(), session.get(SESSION_KEY))
    session.clear()
    response = redirect(NEUTRAL_SITE)
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.get("/staying-safe-online")
def staying_safe():
    return render_template("pages/staying_safe.html")


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
