"""A small engine for GOV.UK question-page journeys.

A journey is an ordered list of steps; each step is a form on its own page. Answers are
kept in a server-side draft (the cookie holds only its random token), so they survive
language changes and "change" links, and are deleted on submit, exit or expiry. When
answers expired, the next page of that journey says so (and why) rather than silently
starting again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy.exc import DBAPIError
from wtforms import DateField, HiddenField

from portal import db
from portal.extensions import public_form_limit
from portal.fields import DateParts, JourneyForm
from portal.templating import kept
from talkzone import drafts
from talkzone.models import Submission, utcnow
from talkzone.submissions import sent_with

log = logging.getLogger(__name__)

# The one draft token of the browser session; every journey keeps its draft under it.
SESSION_KEY = "draft"
SKIP_FIELDS = {"csrf_token", "submit", "website"}
# The names of the journeys this browser has answers in progress for: no answers, only which
# journeys, so that answers deleted for being idle can be told apart from none ever given.
IN_PROGRESS_KEY = "journeys_in_progress"


class AnswersExpired(Exception):
    """This browser's answers to a journey were deleted because it was idle too long."""


@dataclass(frozen=True)
class Step:
    """One question page. ``applies`` decides from earlier answers whether it is asked."""

    name: str
    form: type
    title: object
    template: str = "journeys/step.html"
    applies: Callable[[dict], bool] = lambda answers: True
    prepare: Callable | None = None  # (form, answers) -> None: choices, labels
    after: Callable | None = None  # (answers) -> url or None: leave the journey early
    before: Callable | None = None  # (answers) -> url or None: somewhere to go first
    context: Callable[[dict], dict] = field(default=lambda answers: {})
    # Unanswered, the page is rendered once and kept when ``kept`` is True (the page shows
    # nothing of the person's answers: no ``prepare``, no ``context``, and a template that reads
    # no answers), or once for each key ``kept(answers)`` returns (the page shows the answers
    # only through that key, such as whether a professional is answering for a family).
    kept: bool | Callable[[dict], tuple] = False
    # What of the answers a kept page shows word for word, by name for its template (such as the
    # postcode in a hint): the kept copy holds a marker, each response the person's own words.
    shown: Callable[[dict], dict] = field(default=lambda answers: {})


class SendForm(JourneyForm):
    """The check-answers page's form: it carries the draft's key, so a second press of "Send"
    finds what the first one stored, even once the draft has gone."""

    send_key = HiddenField()


def form_answers(form) -> dict:
    """A form's data as JSON-safe values (dates as ISO strings)."""
    data = {}
    for name, value in form.data.items():
        if name in SKIP_FIELDS:
            continue
        data[name] = value.isoformat() if isinstance(value, date) else value
    return data


def form_data(form_class, saved: dict | None) -> dict:
    """Saved answers made ready to fill ``form_class`` again (ISO strings back to dates)."""
    data = dict(saved or {})
    for name, value in data.items():
        unbound = getattr(form_class, name, None)
        if value and getattr(unbound, "field_class", None) in (DateField, DateParts):
            data[name] = date.fromisoformat(value)
    return data


class Journey:
    """Registers the step pages and check-your-answers page of one journey on a blueprint."""

    def __init__(self, name: str, blueprint: Blueprint, steps: list[Step]):
        self.name = name
        self.bp = blueprint
        self.steps = steps
        self.by_name = {step.name: step for step in steps}
        blueprint.add_url_rule("/<step_name>", "step", public_form_limit(self.step_view),
                               methods=["GET", "POST"])
        blueprint.add_url_rule("/answers-deleted", "answers_deleted", self.answers_deleted_view)
        blueprint.register_error_handler(
            AnswersExpired, lambda _error: redirect(url_for(f"{blueprint.name}.answers_deleted")))

    # Draft storage -------------------------------------------------------------------
    def _idle(self) -> timedelta:
        return timedelta(minutes=current_app.config["DRAFT_IDLE_MINUTES"])

    def answers(self) -> dict:
        """The answers so far; raises ``AnswersExpired`` (once) if they were deleted for idling."""
        return self._draft().answers

    def _draft(self) -> drafts.Saved:
        found = drafts.load(db.drafts(), session.get(SESSION_KEY), self.name, utcnow(), self._idle())
        if not found.answers and self._in_progress(False):
            raise AnswersExpired(self.name)
        return found

    def save(self, answers: dict) -> None:
        token = drafts.save(db.drafts(), session.get(SESSION_KEY), self.name, answers, utcnow())
        if session.get(SESSION_KEY) != token:  # the cookie is signed and sent again only when it changes
            session[SESSION_KEY] = token
        self._in_progress(True)

    def discard(self) -> None:
        """Delete this journey's draft; the other journeys' drafts stay."""
        drafts.discard(db.session(), session.get(SESSION_KEY), self.name)
        self._in_progress(False)

    def _in_progress(self, value: bool) -> bool:
        """Mark this journey in progress or not; returns whether it was."""
        names = list(session.get(IN_PROGRESS_KEY, ()))
        was = self.name in names
        if value != was:
            names = [*names, self.name] if value else [n for n in names if n != self.name]
            session[IN_PROGRESS_KEY] = names
        return was

    def send_once(self, answers: dict, key: str | None, submit: Callable, confirm: Callable) -> str:
        """Store what the draft holds once, however often or however fast it is sent.

        The submission, its audit, its mail and the deletion of its draft commit together,
        carrying ``key``, the draft's (unique), so a second send of the same draft, one after the
        other or at the same moment, finds the first's submission instead of storing and
        mailing another. A database error on the way is tried once more; the key makes that
        safe even when the first commit went through unseen. The first try does not look for an
        earlier submission: the draft it read is deleted by any send that committed, and a
        send at the same moment fails on the key and is looked for on the second.
        """
        work = db.uow()
        try:
            return self._store(work, key, answers, submit, confirm)
        except DBAPIError as exc:
            # IntegrityError: the same draft sent by another request at the same moment, found
            # on the second try. Anything else: the database failed under this one.
            log.warning("send failed once, trying again: %s", type(exc).__name__)
            try:
                work.rollback()
            except DBAPIError:
                work.session.invalidate()
            return self._store(work, key, answers, submit, confirm, submission=sent_with(work.session, key))

    def _store(self, work, key: str | None, answers: dict, submit: Callable, confirm: Callable,
               submission: Submission | None = None) -> str:
        """Store the draft's submission, unless ``submission`` was stored from it already."""
        if submission is None:
            submission = submit(answers, key)
            if isinstance(submission, str):  # the use case sent the person back to a question
                return submission
        self.discard()
        work.commit()
        return confirm(submission)

    # Navigation ----------------------------------------------------------------------
    def url(self, step: Step | str, **args) -> str:
        name = step if isinstance(step, str) else step.name
        return url_for(f"{self.bp.name}.step", step_name=name, **args)

    def applicable(self, answers: dict) -> list[Step]:
        return [step for step in self.steps if step.applies(answers)]

    def first_missing(self, answers: dict) -> Step | None:
        return next((s for s in self.applicable(answers) if s.name not in answers), None)

    def next_url(self, current: Step, answers: dict, changing: bool) -> str:
        if changing:
            missing = self.first_missing(answers)
            return self.url(missing, change=1) if missing else url_for(f"{self.bp.name}.check")
        steps = self.applicable(answers)
        later = steps[steps.index(current) + 1:] if current in steps else []
        return self.url(later[0]) if later else url_for(f"{self.bp.name}.check")

    def back_url(self, current: Step, answers: dict, changing: bool) -> str:
        if changing:
            return url_for(f"{self.bp.name}.check")
        steps = self.applicable(answers)
        index = steps.index(current) if current in steps else 0
        return self.url(steps[index - 1]) if index > 0 else url_for(f"{self.bp.name}.start")

    # Views ---------------------------------------------------------------------------
    def check_page(self, template: str, summary: Callable[[dict], list],
                   submit: Callable, confirm: Callable):
        """Check your answers, then send once every question is answered.

        ``submit(answers, send_key)`` stores the submission (or returns a URL to ask a question
        again); ``confirm(submission)`` keeps its confirmation and returns where it is shown.
        """
        form = SendForm()
        sending = form.validate_on_submit()
        if sending and (sent := sent_with(db.session(), form.send_key.data)):
            return redirect(confirm(sent))  # pressed again after the first press was stored
        found = self._draft()
        answers = found.answers
        missing = self.first_missing(answers)
        if missing is not None:
            return redirect(self.url(missing))
        key = drafts.send_key(db.drafts(), session.get(SESSION_KEY), self.name, found)
        if sending:
            return redirect(self.send_once(answers, key, submit, confirm))
        form.send_key.data = key
        return render_template(template, form=form, sections=summary(answers),
                               back_url=self.url(self.applicable(answers)[-1]))

    def answers_deleted_view(self):
        """The page after answers expired: what happened, why, and a way to start again."""
        return render_template("journeys/answers_deleted.html",
                               minutes=current_app.config["DRAFT_IDLE_MINUTES"],
                               start_url=url_for(f"{self.bp.name}.start"))

    def step_view(self, step_name: str):
        step = self.by_name.get(step_name) or abort(404)
        answers = self.answers()
        changing = bool(request.args.get("change"))
        missing = self.first_missing(answers)
        if missing is not None and self.steps.index(missing) < self.steps.index(step):
            return redirect(self.url(missing))  # nobody skips ahead by editing the URL
        if not step.applies(answers):
            return redirect(self.next_url(step, answers, changing))
        if step.before and (elsewhere := step.before(answers)):
            return redirect(elsewhere)
        back_url = self.back_url(step, answers, changing)

        def page(form, **shown):
            return render_template(step.template, form=form, step=step, answers=answers, journey=self,
                                   back_url=back_url, **step.context(answers), **shown)

        def prepared(form):
            if step.prepare:
                step.prepare(form, answers)
            return form

        if request.method == "GET" and step.kept and step.name not in answers:
            vary = step.kept(answers) if callable(step.kept) else ()
            return kept(lambda **shown: page(prepared(step.form()), **shown), back_url, *vary,
                        shown=step.shown(answers))
        form = prepared(step.form() if request.method == "POST" else step.form(
            data=form_data(step.form, answers.get(step.name))))
        if request.method == "POST" and form.validate():
            answers[step.name] = form_answers(form)
            early_exit = step.after(answers) if step.after else None
            self.save(answers)
            return redirect(early_exit or self.next_url(step, answers, changing))
        return page(form, **step.shown(answers))
