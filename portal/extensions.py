"""Bare extension instances, bound to the app in create_app()."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Staff sessions come from the console's own cookie (portal.console.guard), never from
# Flask's session cookie: no session protection rewriting the public session, no remember-me.
login_manager = LoginManager()
login_manager.session_protection = None
mail = Mail()
talisman = Talisman()
