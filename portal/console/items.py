"""The inbox and an item: list, search, view, and the actions staff take on an item."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from portal import answer_words, clock, db
from portal.console import bp, forms, words
from portal.console.guard import current_staff, requires
from portal.emails import mailing
from portal.fields import single_line
from portal.profile import current_profile
from talkzone import (
    access,
    audit,
    callbacks_due,
    handoff,
    inbox,
    person_flags,
    repeats,
    search_terms,
    worklist,
)
from talkzone.calendar import uk_date, uk_time
from talkzone.models import Kind, User, utcnow

REFUSALS = {
    "status_not_allowed": lambda: _("That status cannot follow the current one"),
    "outcome_needed": lambda: _("Choose an outcome to close the item"),
    "con_level_needed": lambda: _("Choose the Continuum of Need level to close a request for support"),
    "assignee_cannot_see_item": lambda: _("That person cannot work on this item"),
    "voicemail_not_allowed": lambda: _("Do not leave a voicemail: this person said it is not safe"),
    "unknown_result": lambda: _("Select what happened on the call"),
    "unknown_method": lambda: _("Select whether you called or sent a text"),
    "attempt_in_future": lambda: _("The time of the attempt must be now or earlier today"),
    "already_flagged": lambda: _("This item is already flagged for safeguarding"),
    "not_flagged": lambda: _("This item is not flagged for safeguarding"),
    "reason_needed": lambda: _("Say why"),
    "cannot_reroute": lambda: _("This contact cannot be sent on"),
    "area_needed": lambda: _("Choose the district to send the request to"),
    "agreement_needed": lambda: _("Select whether the young person agreed to this referral, or give a "
                                  "safeguarding reason to send it on without their agreement"),
    "how_agreed_needed": lambda: _("Say how and when the young person agreed"),
    "override_reason_needed": lambda: _("Give the safeguarding reason for sending this on without the "
                                        "young person's agreement"),
    "no_complaints_service": lambda: _("This council has no complaints service set up"),
    "no_helpline": lambda: _("This council has no helpline set up"),
    "unknown_kind": lambda: _("Select what kind of contact this is"),
}


def profile():
    """The council's service profile."""
    return current_profile()


def _flag(name: str) -> bool:
    return request.values.get(name) == "1"


def _filters() -> worklist.Filters:
    values = request.values
    kinds = worklist.kinds_for(current_staff())
    kind = values.get("kind") if values.get("kind") in kinds else None
    return worklist.Filters(
        kind=kind, status=values.get("status") or None, area=values.get("area") or None,
        mine=_flag("mine"), unassigned=_flag("unassigned"), overdue=_flag("overdue"),
        due_soon=_flag("due_soon"), safeguarding=_flag("safeguarding"),
        sort=values.get("sort") if values.get("sort") in worklist.SORTS else None,
        # Search terms may be personal data, so they only ever arrive in a POST body.
        search=single_line(request.form.get("q") or "")[:200] or None if request.method == "POST" else None)


def _page_number() -> int:
    """The page asked for: not a number means the first; one too large for a query is a bad request."""
    try:
        number = int(request.values.get("page", "1"))
    except ValueError:
        return 1
    if abs(number) > worklist.MAX_PAGE:
        abort(400)
    return max(1, number)


@bp.route("/", methods=["GET", "POST"], endpoint="inbox")
@requires("view_inbox")
def inbox_page():
    """The inbox: filters in the address (none personal), search only in a form post."""
    form = FlaskForm()
    if request.method == "POST" and not form.validate():
        return redirect(url_for("console.inbox"))
    filters = _filters()
    moment = clock.now()
    today = uk_date(moment)
    session = db.session()
    page = worklist.inbox(session, current_staff(), filters, _page_number(), today)
    kinds = worklist.kinds_for(current_staff())
    due = [] if filters.search else callbacks_due.due_now(session, current_staff(), moment)
    names = _names([i.assigned_to_id for i in page.items])
    since = _since(moment)
    arrived = worklist.new_since(session, current_staff(), filters, since, today) if since else None
    return render_template("console/inbox.html", page=page, filters=filters, form=form, today=today,
                           kinds=kinds, words=words, due=due, names=names, now=moment,
                           counts=worklist.counts(session, current_staff(), filters, today),
                           since=since, arrived=arrived, loaded=int(moment.timestamp()),
                           topic=answer_words.topic, cap=worklist.COUNT_CAP,
                           search_cap=search_terms.SEARCH_CAP,
                           overdue=worklist.overdue, due_soon=worklist.due_soon,
                           areas=access.districts_for(current_staff(), profile().areas),
                           statuses=sorted({s for k in kinds for s in inbox.STATUSES[k]}))



def _since(moment: datetime) -> datetime | None:
    """When the page the member of staff is looking at was loaded (a whole number of seconds), if given."""
    try:
        seconds = int(request.args.get("since", ""))
    except ValueError:
        return None
    if not 0 < seconds <= moment.timestamp():
        return None
    return datetime.fromtimestamp(seconds, UTC)


def _names(user_ids) -> dict[int, str]:
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    return {u.id: u.name for u in db.session().scalars(select(User).where(User.id.in_(ids)))}


@bp.get("/items/<reference>")
@requires("view_item")
def item(reference):
    """One item: the contact panel first, then every answer, the actions and the timeline."""
    session = db.session()
    found = inbox.view(session, current_staff(), reference)
    entries = inbox.timeline(session, found)
    events = audit.events_for(session, found) if access.can(current_staff(), "view_audit") else []
    previous = search_terms.previous_contacts(session, current_staff(), found)
    related = repeats.related(session, current_staff(), found)
    merged = [(dup, inbox.timeline(session, dup)) for dup in related.duplicates]
    flags = person_flags.active(session, found, uk_date(clock.now()))
    names = _names([e["actor_id"] for e in entries + [e for _d, t in merged for e in t]]
                   + [e.actor_id for e in events] + [f.by_id for f in flags]
                   + [found.assigned_to_id, found.safeguarding_by_id, related.merge and related.merge.by_id])
    return render_template(
        "console/item.html", item=found, panel=words.contact_panel(found.contact), words=words,
        timeline=entries, names=names, audit_events=events, can=lambda p: access.can(current_staff(), p),
        previous=previous, handoff=handoff.current(session, found), related=related,
        summary=answer_words.summary(found), merged_timelines=merged, person_flags=flags,
        area=profile().area(found.area_code) if found.area_code else None,
        safe_now=inbox.in_safe_window(found.contact or {}, utcnow()), transitions=inbox.transitions(found))


def _action_page(item, form, title, template="console/action.html", status=200, **context):
    """An action's form under the contact panel; opening it is audited as a view of the item."""
    if request.method == "GET":
        inbox.viewed_for_action(db.session(), current_staff(), item, request.endpoint.rsplit(".", 1)[-1])
    return render_template(template, item=item, form=form, title=title, words=words, now=clock.now(),
                           panel=words.contact_panel(item.contact), **context), status


def _conflict(form, exc: inbox.Conflict, title):
    """The second save: refused, with what changed; the typed answers stay in the form."""
    form.version.data = str(exc.item.version)
    names = _names([e.actor_id for e in exc.changes])
    return _action_page(exc.item, form, title, status=409, conflict=exc.changes, names=names)


def attempt(change: Callable[[], object], done, to, refused: Callable[[str], object],
            conflict: Callable[[inbox.Conflict], object] | None = None):
    """Make one change and answer as every console action does.

    Someone else's change first: ``conflict`` of it (where the form carries a version). A
    refusal: ``refused`` of its code. Done: ``done`` (a message, or a function of what
    ``change`` returned) is flashed and the browser sent to ``to`` (a URL, or a function of
    that result).
    """
    try:
        result = change()
    except inbox.Conflict as exc:
        if conflict is None:
            raise
        return conflict(exc)
    except inbox.Refused as exc:
        return refused(exc.code)
    flash(done(result) if callable(done) else done)
    return redirect(to(result) if callable(to) else to)


def refused_on(field, message: str, page: Callable[[], object]):
    """A refusal said beside the field it concerns, on the form shown again."""
    field.errors.append(message)
    return page()


def act(found, form, title, change: Callable[[], object], done, field: str,
        fields: dict[str, str] | None = None, refusals: dict = REFUSALS):
    """Take one action on an item through its action page, and answer as every action does.

    Someone else's change: the form again with what changed (409). A refusal: its message
    on the field it concerns (``fields`` maps a refusal's code to that field, else ``field``).
    Done: ``done`` is flashed and the item shown again.
    """
    return attempt(
        change, done, url_for("console.item", reference=found.reference),
        refused=lambda code: refused_on(getattr(form, (fields or {}).get(code, field)), refusals[code](),
                                        lambda: _action_page(found, form, title)),
        conflict=lambda exc: _conflict(form, exc, title))


@bp.route("/items/<reference>/assign", methods=["GET", "POST"])
@requires("assign")
def assign(reference):
    """Assign the item to oneself, a colleague who can see it, or nobody."""
    session = db.session()
    found = access.get_item(session, current_staff(), reference, "assign")
    form = forms.AssignForm(version=str(found.version))
    people = inbox.colleagues(session, found)
    form.assignee.choices = [("", _("Nobody (unassigned)"))] + [
        (str(u.id), _("%(name)s (you)", name=u.name) if u.id == current_staff().id else u.name)
        for u in people]
    if request.method == "GET":
        form.assignee.data = str(found.assigned_to_id or "")
    title = _("Assign %(reference)s", reference=found.reference)
    if form.validate_on_submit():
        assignee = int(form.assignee.data) if form.assignee.data else None
        return act(found, form, title, lambda: inbox.assign(
            session, current_staff(), reference, assignee, int(form.version.data)),
            _("Assignment saved"), "assignee")
    return _action_page(found, form, title)


@bp.route("/items/<reference>/status", methods=["GET", "POST"])
@requires("change_status")
def status(reference):
    """Move the item to the next status its workflow allows; closing records the outcome."""
    session = db.session()
    found = access.get_item(session, current_staff(), reference, "change_status")
    form = forms.StatusForm(version=str(found.version))
    form.status.choices = [(s, words.label(words.STATUSES, s)) for s in inbox.transitions(found)]
    form.outcome.choices = [("", _("Not closing yet"))] + [
        (o, words.label(words.OUTCOMES, o)) for o in inbox.OUTCOMES[found.kind]]
    form.con_level.choices = [("", _("Not closing yet"))] + [
        (str(n), _("Level %(n)s", n=n)) for n in inbox.CON_LEVELS]
    title = _("Change the status of %(reference)s", reference=found.reference)
    if form.validate_on_submit():
        return act(found, form, title, lambda: inbox.change_status(
            session, current_staff(), reference, form.status.data, int(form.version.data),
            outcome=form.outcome.data or None,
            con_level=int(form.con_level.data) if form.con_level.data else None),
            _("Status saved"), "status", {"outcome_needed": "outcome", "con_level_needed": "con_level"})
    return _action_page(found, form, title)


@bp.route("/items/<reference>/notes", methods=["GET", "POST"])
@requires("add_note")
def note(reference):
    """Add an internal note."""
    session = db.session()
    found = access.get_item(session, current_staff(), reference, "add_note")
    form = forms.NoteForm()
    if form.validate_on_submit():
        inbox.add_note(session, current_staff(), reference, form.text.data)
        flash(_("Note added"))
        return redirect(url_for("console.item", reference=reference))
    return _action_page(found, form, _("Add a note to %(reference)s", reference=found.reference))


def _earlier_today(clock_time: str, moment: datetime) -> datetime | None:
    """"14:05" as that time today in the UK, in UTC; None for nothing typed."""
    if not clock_time:
        return None
    hours, minutes = (int(part) for part in clock_time.split(":"))
    local = uk_time(moment).replace(hour=hours, minute=minutes, second=0, microsecond=0)
    return local.astimezone(UTC)


@bp.route("/items/<reference>/callbacks", methods=["GET", "POST"])
@requires("log_callback")
def callback(reference):
    """Log a call back; the page warns when it is now outside the person's safe times."""
    session = db.session()
    found = access.get_item(session, current_staff(), reference, "log_callback")
    form = forms.CallbackForm()
    offered = [(r, words.label(words.CALLBACK_RESULTS, r)) for r in inbox.callback_results(found)]
    form.result.choices = offered
    form.method.choices = [(m, words.label(words.CALLBACK_METHODS, m)) for m in inbox.CALLBACK_METHODS]
    title = _("Log a callback attempt for %(reference)s", reference=found.reference)
    outside = inbox.in_safe_window(found.contact or {}, utcnow()) is False
    if request.method == "POST":
        # The choice list hides voicemail where it is not allowed; a posted one is still refused.
        form.result.choices = [(r, "") for r in inbox.CALLBACK_RESULTS]
    if form.validate_on_submit():
        try:
            moment = clock.now()
            attempt = inbox.log_callback(session, current_staff(), reference, form.result.data,
                                          form.note.data, now=moment, method=form.method.data,
                                          at=_earlier_today(form.at.data, moment))
        except inbox.Refused as exc:
            form.result.choices = offered
            return _action_page(found, form, title, template="console/callback.html",
                                outside=outside, refused=REFUSALS[exc.code]())
        flash(_("Callback attempt logged outside the safe times") if attempt.outside_safe_window
              else _("Callback attempt logged"))
        return redirect(url_for("console.item", reference=reference))
    return _action_page(found, form, title, template="console/callback.html", outside=outside)


@bp.route("/items/<reference>/safeguarding", methods=["GET", "POST"])
@requires("flag_safeguarding")
def safeguarding(reference):
    """Flag the item for urgent safeguarding attention (the duty mailbox is told why), or unflag it."""
    session = db.session()
    found = access.get_item(session, current_staff(), reference, "flag_safeguarding")
    if found.safeguarding:
        form = forms.UnflagForm(version=str(found.version))
        title = _("Remove the safeguarding flag from %(reference)s", reference=found.reference)
        if form.validate_on_submit():
            return act(found, form, title, lambda: inbox.unflag_safeguarding(
                session, current_staff(), reference, form.reason.data, int(form.version.data)),
                _("The safeguarding flag has been removed."), "reason")
        return _action_page(found, form, title)
    form = forms.SafeguardingForm(version=str(found.version))
    title = _("Flag %(reference)s for safeguarding", reference=found.reference)
    if form.validate_on_submit():
        return act(found, form, title, lambda: inbox.flag_safeguarding(
            session, current_staff(), reference, form.reason.data, int(form.version.data), mailing()),
            _("Flagged for safeguarding. The duty team has been told."), "reason")
    return _action_page(found, form, title, duty=profile().duty_mailbox)


@bp.route("/items/<reference>/reroute", methods=["GET", "POST"])
@requires("reroute")
def reroute(reference):
    """Send a helpline contact on as a request for support for a district, or as a complaint."""
    session = db.session()
    found = access.get_item(session, current_staff(), reference, "reroute")
    form = forms.RerouteForm(version=str(found.version))
    targets = [(Kind.REQUEST_FOR_SUPPORT, _("A request for support for a district"))]
    if profile().complaints is not None:
        service = profile().complaints.name
        targets.append((Kind.COMPLAINT, _("A complaint for the %(service)s", service=service)))
    form.target.choices = targets
    form.area.choices = [("", _("Choose a district"))] + [(a.code, a.name) for a in profile().areas]
    if not inbox.callback_promised(found):
        del form.hand_over_callback
    title = _("Send %(reference)s on", reference=found.reference)
    if form.validate_on_submit():
        hand_over = "hand_over_callback" in form and form.hand_over_callback.data
        return act(found, form, title, lambda: inbox.reroute(
            session, current_staff(), reference, form.target.data, int(form.version.data), mailing(),
            area_code=form.area.data or None, iyss_number=form.iyss_number.data, basis=form.basis.data,
            how_agreed=form.how_agreed.data, override_reason=form.override_reason.data,
            hand_over_callback=hand_over),
            lambda new: _("Sent on as %(reference)s", reference=new.reference), "target",
            {"area_needed": "area", "agreement_needed": "basis", "how_agreed_needed": "how_agreed",
             "override_reason_needed": "override_reason"})
    return _action_page(found, form, title)
