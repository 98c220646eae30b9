"""Bare extension instances, bound to the app in create_app()."""

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mail import Mail
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
mail = Mail()


def _public_form_limit() -> str:
    return current_app.config["PUBLIC_FORM_LIMIT"]


# One count per client across every public journey's question pages (one object, so a view
# decorated for several journeys is still counted once per request).
public_form_limit = limiter.shared_limit(_public_form_limit, scope="public-form", methods=["POST"])
talisman = Talisman()
