"""Renders outbox messages from templates in the submission's language."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale

from talkzone.submissions import Delivery


def composer():
    """A compose(purpose, submission) -> (subject, body) for talkzone's use cases.

    Each template's first line is the subject; the rest is the body.
    """
    app = current_app._get_current_object()
    profile = app.extensions["profile"]
    base_url = app.config["PUBLIC_BASE_URL"].rstrip("/")

    def compose(purpose: str, submission) -> tuple[str, str]:
        with force_locale(submission.language):
            text = render_template(
                f"emails/{purpose}.txt", submission=submission, profile=profile,
                area=profile.area(submission.area_code) if submission.area_code else None,
                console_url=f"{base_url}/console/items/{submission.reference}",
                full_answers=profile.full_answers_in_email,
            )
        subject, _, body = text.strip().partition("\n")
        return subject.strip(), body.strip() + "\n"

    return compose


def delivery() -> Delivery:
    profile = current_app.extensions["profile"]
    return Delivery(domain=profile.sender.split("@", 1)[1],
                    sms_gateway=current_app.config.get("SMS_EMAIL_GATEWAY"))
