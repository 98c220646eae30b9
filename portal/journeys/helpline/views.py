"""Journey 3: a young person contacts the helpline and says how, when and whether to get back to them."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import answer_words, db
from portal.clock import now
from portal.emails import mailing
from portal.extensions import public_submit_limit
from portal.i18n import clock_time, current_language, long_date
from portal.journeys.engine import Journey, Step
from portal.journeys.helpline import forms
from portal.journeys.helpline.summary import helpline_summary
from portal.profile import current_profile
from talkzone.calendar import uk_date, uk_time
from talkzone.helpline import (
    CALLBACK_METHODS,
    CallbackWindow,
    CallbackWindowsRefused,
    callback_days,
    first_callback,
    reply_expected,
    submit_helpline_contact,
)
from talkzone.models import Kind

bp = Blueprint("helpline", __name__, url_prefix="/helpline", template_folder="templates")
CONFIRMATION_KEY = "helpline_confirmation"


def _method(answers):
    return answers.get("reply", {}).get("method")


def _by_phone(answers):
    return _method(answers) in CALLBACK_METHODS


def _prepare_windows(form, answers):
    moment = now()
    days = callback_days(moment)
    form.set_rules(current_profile().helpline, moment, forms.day_choices(days, days[0]))
    if _method(answers) == "text":
        form.when.label.text = _l("When can we text you?")
    else:
        form.when.label.text = _l("When can we call you?")


def _prepare_safety(form, answers):
    if _method(answers) == "text":
        del form.voicemail  # a text leaves no voicemail
        form.say_who.label.text = _("Can our texts say they are from %(name)s?",
                                    name=current_profile().helpline.name)
    else:
        form.say_who.label.text = _("Can we say we are from %(name)s when we call?",
                                    name=current_profile().helpline.name)


def side_doors(_answers=None) -> dict:
    """Links to the other journeys, for someone who has come to the wrong place."""
    complaint = url_for("complaint.start") if "complaint.start" in current_app.view_functions else None
    return {"complaint_url": complaint, "support_url": url_for("request_support.start")}


def _hours_context(_answers=None) -> dict:
    helpline = current_profile().helpline
    return {"opens": clock_time(helpline.opens), "closes": clock_time(helpline.closes)}


STEPS = [
    Step("topic", forms.TopicForm, _l("What would you like to talk about?"),
         template="helpline/topic.html",
         context=lambda answers: {**side_doors(), **_hours_context()}),
    Step("message", forms.MessageForm, _l("What would you like to tell us?")),
    Step("reply", forms.ReplyForm, _l("How should we get back to you?"),
         template="helpline/reply.html", context=_hours_context),
    Step("phone", forms.PhoneForm, _l("What is your phone number?"), applies=_by_phone),
    Step("email", forms.EmailForm, _l("What is your email address?"),
         applies=lambda a: _method(a) == "email"),
    Step("windows", forms.WindowsForm, _l("When can we get back to you?"),
         template="helpline/windows.html", applies=_by_phone, prepare=_prepare_windows,
         context=_hours_context),
    Step("safety", forms.SafetyForm, _l("Keeping you safe when we get in touch"),
         applies=_by_phone, prepare=_prepare_safety),
    Step("about-you", forms.AboutYouForm, _l("About you")),
]

journey = Journey("helpline", bp, STEPS)
# The console shows stored answers in these same words (portal.answer_words).
answer_words.register_summary(
    Kind.HELPLINE_CONTACT, lambda answers: helpline_summary(answers, journey, window_words))


@bp.before_request
def _only_with_a_helpline():
    """A council whose profile has no helpline offers none of these pages."""
    if current_profile().helpline is None:
        abort(404)


def moment_words(moment: datetime, reference: datetime) -> str:
    """"2:00 PM today", "2:00 PM tomorrow" or "2:00 PM on Friday 27 November 2026", in UK time."""
    day, today = uk_date(moment), uk_date(reference)
    clock = clock_time(uk_time(moment).time())
    if day == today:
        return _("%(time)s today", time=clock)
    if day == today + timedelta(days=1):
        return _("%(time)s tomorrow (%(day)s)", time=clock, day=long_date(day))
    return _("%(time)s on %(day)s", time=clock, day=long_date(day))


def window_words(window: CallbackWindow) -> str:
    """"Wednesday 25 November 2026, 3:00 PM to 4:00 PM"."""
    return _("%(day)s, %(start)s to %(end)s", day=long_date(uk_date(window.start)),
             start=clock_time(uk_time(window.start).time()),
             end=clock_time(uk_time(window.end).time()))


def _opening_context() -> dict:
    moment = now()
    reply = reply_expected(current_profile().helpline, moment)
    return {"open_now": reply.open_now, "reply_at": moment_words(reply.at, moment), **_hours_context()}


@bp.get("/")
def start():
    """What the helpline is, its limits and hours, before any question; "continue" if part done."""
    answers = journey.answers()
    resume = None
    if answers:
        missing = journey.first_missing(answers)
        resume = journey.url(missing) if missing else url_for("helpline.check")
    return render_template("helpline/start.html", resume_url=resume,
                           start_url=journey.url(STEPS[0]), **_opening_context(), **side_doors())


@bp.route("/check-answers", methods=["GET", "POST"])
@public_submit_limit
def check():
    """Check your answers, then send: one talkzone use case stores, routes and queues the mail."""
    def submit(answers, send_key):
        try:
            return submit_helpline_contact(
                db.session(), profile=current_profile(), answers=answers, language=current_language(),
                mailing=mailing(), now=now(), send_key=send_key)
        except CallbackWindowsRefused:
            # Only a draft older than a change to the opening hours gets here (before anything
            # is stored): ask again.
            answers.pop("windows")
            journey.save(answers)
            return journey.url("windows", change=1)

    def confirm(submission):
        session[CONFIRMATION_KEY] = {
            "reference": submission.reference,
            "method": _method(submission.answers),
            "windows": submission.contact.get("windows", []),
        }
        return url_for("helpline.confirmation")

    return journey.check_page("helpline/check.html",
                              lambda answers: helpline_summary(answers, journey, window_words),
                              submit, confirm)


@bp.get("/confirmation")
def confirmation():
    """The reference, the first callback window or when the team will reply, and crisis lines."""
    details = session.get(CONFIRMATION_KEY)
    if not details:
        return redirect(url_for("helpline.start"))
    moment = now()
    first = first_callback([CallbackWindow.from_iso(w) for w in details["windows"]], moment)
    return render_template("helpline/confirmation.html", reference=details["reference"],
                           method=details["method"], first_window=window_words(first) if first else None,
                           **_opening_context())
