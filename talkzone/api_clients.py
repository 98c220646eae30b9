"""API clients: council case systems that read items over the API, each with a hashed token.

A client is scoped exactly like a member of staff in the same role (talkzone.access): it has a
``role`` and, for a district triage officer's scope, ``areas``. Its token is shown once, when it
is made; only the token's SHA-256 is stored, so the table alone cannot be used to call the API.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from talkzone import access, audit
from talkzone.models import ApiClient, utcnow

# An administrator's scope (every item) is not offered to a machine.
ROLES = (access.DISTRICT_TRIAGE_OFFICER, access.CUSTOMER_FEEDBACK_OFFICER, access.HELPLINE_ADVISER,
         access.SAFEGUARDING_LEAD)
# Marks the token as ours, so a secret scanner can spot one pasted somewhere it should not be.
TOKEN_PREFIX = "ehapi_"  # noqa: S105 (a prefix, not a secret)


class ApiClientError(ValueError):
    """A client that cannot be made as asked; ``code`` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create(session: Session, *, name: str, role: str, areas: list[str], known_areas: list[str],
           actor=None) -> tuple[ApiClient, str]:
    """Make a client and its token; the token is returned once and never stored."""
    name = (name or "").strip()
    areas = list(dict.fromkeys(areas or []))
    if not name:
        raise ApiClientError("name_needed")
    if role not in ROLES:
        raise ApiClientError("unknown_role")
    if role == access.DISTRICT_TRIAGE_OFFICER and not areas:
        raise ApiClientError("areas_needed")
    if any(area not in known_areas for area in areas):
        raise ApiClientError("unknown_area")
    if role != access.DISTRICT_TRIAGE_OFFICER:
        areas = []
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(name=name[:120], role=role, areas=areas, token_hash=hash_token(token),
                       created_by_id=actor.id if actor is not None else None)
    session.add(client)
    session.flush()
    audit.record(session, "api_client_created", actor=actor, client_id=client.id, role=role, areas=areas)
    return client, token


def authenticate(session: Session, token: str | None) -> ApiClient | None:
    """The live client this token belongs to, or None (unknown, malformed or revoked alike)."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    wanted = hash_token(token)
    client = session.scalars(select(ApiClient).where(ApiClient.token_hash == wanted)).one_or_none()
    if client is None or not hmac.compare_digest(client.token_hash, wanted) or not client.is_active:
        return None
    return client


def clients(session: Session) -> list[ApiClient]:
    """Every client, live and revoked, newest first."""
    return list(session.scalars(select(ApiClient).order_by(ApiClient.id.desc())))


def revoke(session: Session, client_id: int, actor=None) -> ApiClient:
    """End a client's access at once; revoking twice changes nothing."""
    client = session.get(ApiClient, client_id)
    if client is None:
        raise access.NotFound(str(client_id))
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        audit.record(session, "api_client_revoked", actor=actor, client_id=client.id)
    return client
