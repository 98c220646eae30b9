"""The running app's service profile: the one place that knows where the app keeps it."""

from __future__ import annotations

from flask import Flask, current_app

from talkzone.profile import Profile, load_profile

KEY = "profile"


def install(app: Flask) -> None:
    """Load the profile the app's config names (SERVICE_PROFILE) and keep it on the app."""
    app.extensions[KEY] = load_profile(app.config["SERVICE_PROFILE"])


def current_profile(app: Flask | None = None) -> Profile:
    """The council's service profile, of `app` or else of the app handling this request or command."""
    return (app or current_app).extensions[KEY]
