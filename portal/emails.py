"""Renders outbox messages from templates in the submission's language."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale

from portal.profile import current_profile
from talkzone.mailing import Mailing

# Mail to staff mailboxes and partner services is written in the service's own language; only
# what goes back to the person who asked follows the language they used.
STAFF_PURPOSES = ("advocacy_referral", "deadline_reminder")


def mail_language(purpose: str, submission, service_language: str) -> str:
    """The language a message is written in: the submission's, unless it is for staff."""
    for_staff = (purpose in STAFF_PURPOSES or purpose.endswith("_notification")
                 or purpose.startswith("console_"))
    return service_language if for_staff else (submission.language or service_language)


def composer():
    """A compose(purpose, submission, neutral=False, **extra) -> (subject, body) for talkzone's use cases.

    Each template's first line is the subject; the rest is the body. ``neutral`` is the
    contact policy's decision that the message must not say who it is from.
    """
    app = current_app._get_current_object()
    profile = current_profile(app)
    base_url = app.config["PUBLIC_BASE_URL"].rstrip("/")

    def compose(purpose: str, submission, neutral: bool = False, **extra) -> tuple[str, str]:
        with force_locale(mail_language(purpose, submission, app.config["BABEL_DEFAULT_LOCALE"])):
            text = render_template(
                f"emails/{purpose}.txt", submission=submission, profile=profile,
                area=profile.area(submission.area_code) if submission.area_code else None,
                console_url=f"{base_url}/console/items/{submission.reference}",
                full_answers=profile.full_answers_in_email, neutral=neutral, **extra,
            )
        subject, _, body = text.strip().partition("\n")
        return subject.strip(), body.strip() + "\n"

    return compose


def mailing() -> Mailing:
    """The mail port talkzone's use cases write through: composer, sender's domain, SMS gateway, profile."""
    profile = current_profile()
    return Mailing(compose=composer(), domain=profile.sender.split("@", 1)[1],
                   sms_gateway="notify" if current_app.config.get("NOTIFY_API_KEY")
                   else current_app.config.get("SMS_EMAIL_GATEWAY"), profile=profile,
                   reply_address=current_app.config.get("MAIL_IN_ADDRESS"))
