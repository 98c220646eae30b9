"""/api/v1: the JSON API a council's case system reads items from and answers through.

Described by an OpenAPI 3.1 document made from the code (flask-smorest and marshmallow) and
served at /api/v1/openapi.json. Every call carries a client's bearer token (portal.api.auth).
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

API_VERSION = "1.0.0"
SPEC_OPTIONS = {
    "info": {"description": "Requests for support, complaints and helpline contacts handed on to a "
                            "council's case system. See docs/integration.md."},
    "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                                  "description": "An API client's token."}}},
    "security": [{"token": []}],
}
class PortalApi(Api):
    """flask-smorest's Api, with its JSON error handler on the API's blueprints only."""

    def _register_error_handlers(self):
        pass


def init_app(app: Flask) -> None:
    """Mount /api/v1 and its OpenAPI document."""
    from portal.api import views
    from portal.extensions import csrf

    app.config.update(API_TITLE="Early help front door", API_VERSION=API_VERSION, OPENAPI_VERSION="3.1.0",
                      OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json",
                      API_SPEC_OPTIONS=SPEC_OPTIONS)
    api = PortalApi(app)
    # Machines authenticate with a bearer token, not a cookie: there is no session to forge.
    csrf.exempt(views.bp)
    api.register_blueprint(views.bp)
