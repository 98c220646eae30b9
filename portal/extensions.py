"""Bare extension instances, bound to the app in create_app()."""

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


def _public_form_limit() -> str:
    return current_app.config["PUBLIC_FORM_LIMIT"]


# One count per client across every public journey's question pages (one object, so a view
# decorated for several journeys is still counted once per request).
public_form_limit = limiter.shared_limit(_public_form_limit, scope="public-form", methods=["POST"])
talisman = Talisman()
