"""The API's request and response shapes (marshmallow), from which its OpenAPI document is made."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from talkzone import handoff
from talkzone.models import Kind

# PostgreSQL text cannot hold a NUL character: refused here, not at the database.
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="Must not contain a NUL character.")


class Strict(Schema):
    """Unknown fields are refused, never silently dropped."""

    class Meta:
        unknown = RAISE


class ItemQuery(Strict):
    kind = fields.String(validate=validate.OneOf(Kind.ALL),
                         metadata={"description": "Only items of this kind."})
    area = fields.String(validate=[validate.Length(1, 50), NO_NUL],
                         metadata={"description": "Only items routed to this district (its code)."})
    status = fields.String(validate=[validate.Length(1, 30), NO_NUL],
                           metadata={"description": "Only items in this status."})
    changed_since = fields.AwareDateTime(
        metadata={"description": "Only items changed at or after this moment (ISO 8601 with an offset)."})
    cursor = fields.String(validate=[validate.Length(1, 200), validate.Regexp(r"^[A-Za-z0-9_-]+$")],
                           metadata={"description": "The next_cursor of the page before."})
    limit = fields.Integer(load_default=handoff.PAGE_SIZE, validate=validate.Range(1, handoff.MAX_PAGE_SIZE))


class Handoff(Schema):
    status = fields.String(required=True, validate=validate.OneOf(handoff.STATUSES))
    reason = fields.String(allow_none=True)
    case_id = fields.String(allow_none=True)
    allocated_worker = fields.String(allow_none=True)
    at = fields.AwareDateTime(required=True)


class ItemSummary(Schema):
    reference = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(Kind.ALL))
    status = fields.String(required=True)
    area = fields.String(attribute="area_code", allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    due_on = fields.Date(allow_none=True)
    safeguarding = fields.Boolean(required=True)


class ItemPage(Schema):
    items = fields.List(fields.Nested(ItemSummary), required=True)
    next_cursor = fields.String(allow_none=True, required=True,
                                metadata={"description": "Pass as cursor for the next page; "
                                                         "null on the last."})


class ItemDetail(ItemSummary):
    channel = fields.String(required=True)
    language = fields.String(required=True)
    answers = fields.Dict(keys=fields.String(), required=True,
                          metadata={"description": "Every answer, by question page; names of people "
                                                   "who must not know are left out."})
    contact = fields.Dict(keys=fields.String(), required=True,
                          metadata={"description": "How and when the person may be contacted."})
    withheld = fields.List(fields.String(), required=True,
                           metadata={"description": "Fields left out because they name someone who must "
                                                    "not know; see the item in the console."})
    handoff = fields.Nested(Handoff, allow_none=True, required=True)


class TimelineEntry(Schema):
    at = fields.AwareDateTime(required=True)
    what = fields.String(required=True)
    by_staff = fields.Boolean(required=True)
    detail = fields.Dict(keys=fields.String(), required=True)


class Timeline(Schema):
    entries = fields.List(fields.Nested(TimelineEntry), required=True)


class StatusIn(Strict):
    status = fields.String(required=True, validate=validate.OneOf(handoff.STATUSES))
    reason = fields.String(allow_none=True, validate=[validate.Length(max=500), NO_NUL],
                           metadata={"description": "Why it was declined (needed to decline)."})
    case_id = fields.String(allow_none=True, validate=[validate.Length(max=100), NO_NUL],
                            metadata={"description": "The item's id in your case system (needed to accept)."})
    allocated_worker = fields.String(allow_none=True, validate=[validate.Length(max=200), NO_NUL])
