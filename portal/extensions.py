"""Bare extension instances, bound to the app in create_app()."""

import logging
import time
from functools import wraps

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, user_accessed
from flask_mail import Mail
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
log = logging.getLogger(__name__)
# The API's blueprint (portal.api.views): the one place whose reads are limited and whose
# answers carry the rate-limit headers.
_API = "items"


@limiter.request_filter
def _reading_a_page() -> bool:
    """Reading a page is never limited (only the API's reads are): the limiter's checks are
    skipped for it altogether."""
    return request.method in ("GET", "HEAD") and request.blueprint != _API


def limit_headers(response):
    """X-RateLimit-* on the API's answers (its clients pace themselves by them) and Retry-After
    on every 429; other answers go without, sparing the limit store the round trips."""
    if response.status_code != 429 and request.blueprint != _API:
        return response
    try:
        limit = limiter.current_limit
        if limit is None:
            return response
        reset_at = limit.reset_at
        if request.blueprint == _API:
            response.headers.update({"X-RateLimit-Limit": str(limit.limit.amount),
                                     "X-RateLimit-Remaining": str(limit.remaining),
                                     "X-RateLimit-Reset": str(reset_at)})
    except Exception:  # noqa: BLE001 - the limit store unreachable: the answer goes without
        log.warning("rate limit store unreachable: no rate limit headers")
        return response
    if response.status_code == 429:
        response.headers["Retry-After"] = str(max(1, int(reset_at - time.time())))
    return response


class StaffLoginManager(LoginManager):
    """Flask-Login whose one source of a user is its request loader (the console's own cookie).

    Flask-Login would look first in Flask's session and at its remember-me cookie: the
    first cannot be revoked on the server, and any site on the council's domain can set
    the second, which would hide the request loader. Neither is read or written here.
    """

    def _load_user(self):
        user_accessed.send(current_app._get_current_object())
        return self._update_request_context_with_user(self._load_user_from_request(request))

    def _update_remember_cookie(self, response):
        return response


login_manager = StaffLoginManager()
mail = Mail()


class FixedTalisman(Talisman):
    """Talisman that works out each view's options and each policy's text once, not on every
    request (they change only with init_app); the CSP nonce is still new in every response."""

    _NONCE = "\0nonce\0"  # stands for this response's nonce in a kept policy

    def init_app(self, app, **kwargs):
        self._options, self._policies = {}, {}
        super().init_app(app, **kwargs)

    def _get_local_options(self):
        if request.endpoint not in self._options:
            self._options[request.endpoint] = super()._get_local_options()
        return self._options[request.endpoint]

    def _parse_policy(self, policy):
        nonce = getattr(request, "csp_nonce", None)
        key = (id(policy), nonce is None)
        if key not in self._policies:
            text = super()._parse_policy(policy)
            self._policies[key] = text.replace(f"'nonce-{nonce}'", self._NONCE) if nonce else text
        return self._policies[key].replace(self._NONCE, f"'nonce-{nonce}'") if nonce else self._policies[key]


def init_limiter(app) -> None:
    """Flask-Limiter, its before-request check kept for the API's answers: no limit is set for
    the whole app or by default, so for every other request that check finds nothing to count,
    at the cost of a kept page's rendering."""
    limiter.init_app(app)
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # not there with RATELIMIT_ENABLED off
        hooks[hooks.index(limiter._check_request_limit)] = _check_api_limit
    app.after_request(limit_headers)


def _check_api_limit() -> None:
    if request.blueprint == _API:
        limiter._check_request_limit()


def on_post(limit):
    """A Flask-Limiter decorator asked only when the request is a POST: a page read is never
    limited, and the limiter is not even consulted for it."""
    def decorate(view):
        limited = limit(view)

        @wraps(view)
        def view_or_limited(*args, **kwargs):
            return (limited if request.method == "POST" else view)(*args, **kwargs)
        return view_or_limited
    return decorate


def _public_form_limit() -> str:
    return current_app.config["PUBLIC_FORM_LIMIT"]


def _public_submit_limit() -> str:
    return current_app.config["PUBLIC_SUBMIT_LIMIT"]


# One count per client across every public journey's question pages (one object, so a view
# decorated for several journeys is still counted once per request).
public_form_limit = on_post(limiter.shared_limit(_public_form_limit, scope="public-form", methods=["POST"]))
# Sending a journey's answers: counted per journey and client.
public_submit_limit = on_post(limiter.limit(_public_submit_limit, methods=["POST"]))
talisman = FixedTalisman()
