"""The website: public journeys and the staff console, built by create_app()."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from markupsafe import Markup

from config import CONFIGS, derive
from portal.profile import current_profile
from portal.profile import install as install_profile


class ConfigError(RuntimeError):
    """A setting the app cannot start without is missing or wrong."""


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app: config, profile, database, extensions, blueprints, commands."""
    config_name = config_name or os.environ.get("PORTAL_ENV", "development")
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(CONFIGS[config_name])
    app.config["PORTAL_ENV"] = config_name
    app.config.update(overrides)
    derive(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("DATABASE_URL") and config_name != "production":
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'portal.db'}"
    missing = [key for key in app.config["REQUIRED"] if not app.config.get(key)]
    if missing:
        raise ConfigError(f"set {', '.join(missing)} in the environment before starting")
    install_profile(app)

    if app.config.get("JINJA_BYTECODE_CACHE") is not None:
        # Set before jinja_env is first used: the environment is built once, from these options.
        app.jinja_options = {**app.jinja_options, "bytecode_cache": app.config["JINJA_BYTECODE_CACHE"]}
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(Path(__file__).parent / "templates"),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from portal import commands, db, errors, i18n, mail, security, static_files, templating
    from portal.extensions import csrf, init_limiter, login_manager

    templating.init_app(app)
    static_files.init_app(app)
    db.init_app(app)
    # Security first: the CSP nonce must exist before CSRF or the limiter refuse a request,
    # or their error pages' scripts carry no nonce and are blocked.
    security.init_app(app)
    csrf.init_app(app)
    init_limiter(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    mail.init_app(app)
    errors.init_app(app)
    commands.init_app(app)
    _register_blueprints(app)
    _register_console(app)
    from portal import api

    api.init_app(app)
    _register_template_context(app)
    from portal import health, logs, proxy  # operations: /healthz, /readyz, JSON logs, ProxyFix
    for module in (health, logs, proxy):
        module.init_app(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from portal import journeys, pages
    from portal.journeys.complaint import views as complaint
    from portal.journeys.helpline import views as helpline
    from portal.journeys.request_support import views as request_support

    app.register_blueprint(pages.bp)
    app.register_blueprint(journeys.bp)
    app.register_blueprint(request_support.bp)
    app.register_blueprint(complaint.bp)
    app.register_blueprint(helpline.bp)
    from portal import notify

    app.register_blueprint(notify.bp)


def _register_console(app: Flask) -> None:
    """The staff console blueprint (its commands are registered with the others, in portal.commands)."""
    from portal.console import bp as console_bp

    app.register_blueprint(console_bp)


def _register_template_context(app: Flask) -> None:
    from datetime import date

    from govuk_frontend_wtf.main import WTFormsHelpers

    from portal.fields import error_summary, render

    WTFormsHelpers(app)
    app.add_template_global(render, "render_field")
    app.add_template_global(error_summary)
    app.add_template_filter(date.fromisoformat, "fromiso")
    app.add_template_filter(tel_link, "tel")

    @app.context_processor
    def _profile():
        return {"profile": current_profile(app)}


def tel_link(number: str) -> Markup:
    """A phone number shown to the public as a tap-to-call link, kept left to right in Urdu."""
    target = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    return Markup('<a class="govuk-link" href="tel:{}" dir="ltr">{}</a>').format(target, number)
