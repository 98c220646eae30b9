"""The /api/v1 endpoints: list items, one item, its timeline, and the case system's status answer."""

from __future__ import annotations

from datetime import date, datetime
from http import HTTPStatus

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from portal import db
from portal.api import schemas
from portal.api.auth import current_client, rate_key
from portal.extensions import limiter
from talkzone import access, handoff

bp = Blueprint("items", __name__, url_prefix="/api/v1/items",
               description="Items handed on to the council's case system.")

REFUSALS = {
    "bad_cursor": (422, "query", "Not a cursor from this API: pass next_cursor exactly as given."),
    "unknown_status": (422, "json", "Must be accepted or declined."),
    "case_id_needed": (422, "json", "Give your case system's id to accept the item."),
    "reason_needed": (422, "json", "Give the reason for declining the item."),
    "status_not_allowed": (409, "json", "An accepted item cannot be declined."),
}


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


limiter.shared_limit(_api_limit, scope="api", key_func=rate_key)(bp)
# Error responses the API sends as JSON (flask-smorest's shape); the rest of the site keeps its pages.
JSON_ERRORS = (400, 401, 403, 404, 405, 409, 413, 422, 429, 500)


def _json_error(error):
    return current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].handle_http_exception(error)


for _code in JSON_ERRORS:
    bp.register_error_handler(_code, _json_error)


@bp.before_request
def _authenticate():
    if current_client() is None:
        abort(401, message="Send a live API client's token as Authorization: Bearer <token>.",
              headers={"WWW-Authenticate": 'Bearer realm="api"'})


def _refused(exc: handoff.Refused):
    status, location, message = REFUSALS[exc.code]
    abort(status, message=message, errors={location: {exc.field: [message]}})


def _item(reference: str, action: str):
    try:
        return handoff.get(db.session(), current_client(), reference, action)
    except access.NotFound:
        abort(404, message="No such item.")


def _plain(value):
    """A timeline detail as JSON holds it: times as ISO 8601 strings."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


COMMON = (401, 429)


def _documented(*codes):
    def decorate(view):
        for code in codes + COMMON:
            # flask-smorest names its error responses after http.HTTPStatus.
            view = bp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view
    return decorate


@bp.route("")
class Items(MethodView):
    @bp.arguments(schemas.ItemQuery, location="query", unknown="raise", as_kwargs=True)
    @bp.response(200, schemas.ItemPage)
    @_documented(422)
    def get(self, limit, **filters):
        """Items in the client's scope, oldest change first, a page at a time."""
        try:
            page = handoff.items(db.session(), current_client(), limit=limit, **filters)
        except handoff.Refused as exc:
            _refused(exc)
        return {"items": page.items, "next_cursor": page.next_cursor}


@bp.route("/<string:reference>")
class Item(MethodView):
    @bp.response(200, schemas.ItemDetail)
    @_documented(404)
    def get(self, reference):
        """One item with its answers and contact preferences, and the hand-off status."""
        found = _item(reference, "api_read")
        columns = ("reference", "kind", "status", "area_code", "created_at", "updated_at", "due_on",
                   "safeguarding", "channel", "language")
        return {name: getattr(found, name) for name in columns} | handoff.details(db.session(), found)


@bp.route("/<string:reference>/timeline")
class ItemTimeline(MethodView):
    @bp.response(200, schemas.Timeline)
    @_documented(404)
    def get(self, reference):
        """What happened to the item, oldest first."""
        found = _item(reference, "api_read_timeline")
        return {"entries": [{**e, "detail": _plain(e["detail"])}
                            for e in handoff.timeline(db.session(), found)]}


@bp.route("/<string:reference>/status")
class ItemStatus(MethodView):
    @bp.arguments(schemas.StatusIn)
    @bp.response(200, schemas.Handoff)
    @_documented(404, 409, 422)
    def post(self, answer, reference):
        """The case system's answer: accepted (with its case id) or declined (with a reason)."""
        try:
            return handoff.record_status(db.session(), current_client(), reference, **answer)
        except access.NotFound:
            abort(404, message="No such item.")
        except handoff.Refused as exc:
            _refused(exc)
