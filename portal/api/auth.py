"""Who is calling: the API client named by the request's bearer token, once per request."""

from __future__ import annotations

from flask import g, request
from flask_limiter.util import get_remote_address

from portal import db
from talkzone import api_clients
from talkzone.models import ApiClient


def bearer_token() -> str | None:
    """The token in ``Authorization: Bearer ...``, if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_client() -> ApiClient | None:
    """The live client calling, or None (no token, an unknown one, or a revoked one)."""
    if "api_client" not in g:
        g.api_client = api_clients.authenticate(db.session(), bearer_token())
    return g.api_client


def rate_key() -> str:
    """Count calls per client; calls with no good token are counted per address instead."""
    client = current_client()
    return f"api-client:{client.id}" if client is not None else f"api-anonymous:{get_remote_address()}"
