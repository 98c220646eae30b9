"""The inbox workflow: statuses and their transitions per type, and the actions staff take.

Changes that overwrite a field (assign, status, safeguarding, re-route) carry the version
the member of staff saw; if the item has moved on since, the change is refused with what
changed instead of silently overwriting it. Notes and callback attempts only add rows.
Every view and change is written to the audit trail in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from talkzone import access, audit, outbox, webhooks
from talkzone.calendar import add_working_days, uk_date
from talkzone.contact_policy import callback_windows, in_safe_window  # noqa: F401 (the console's)
from talkzone.mailing import Mailing, queue_to_staff
from talkzone.models import AuditEvent, CallbackAttempt, Kind, Note, Submission, User, utcnow

RFS, COMPLAINT, HELPLINE = Kind.REQUEST_FOR_SUPPORT, Kind.COMPLAINT, Kind.HELPLINE_CONTACT
CLOSED = "closed"

TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    RFS: {
        "awaiting_consent": ("new", CLOSED),
        "new": ("acknowledged", CLOSED),
        "acknowledged": ("allocated", CLOSED),
        "allocated": ("initial_visit_booked", CLOSED),
        "initial_visit_booked": (CLOSED,),
        CLOSED: (),
    },
    COMPLAINT: {
        "new": ("acknowledged",),
        "acknowledged": ("stage_1_in_progress",),
        "stage_1_in_progress": ("responded",),
        "responded": (CLOSED, "stage_1_in_progress"),
        CLOSED: (),
    },
    HELPLINE: {
        "new": ("callback_due", "in_progress", CLOSED),
        "callback_due": ("in_progress", CLOSED),
        "in_progress": ("callback_due", CLOSED),
        CLOSED: (),
    },
}
STATUSES = {kind: tuple(steps) for kind, steps in TRANSITIONS.items()}
OUTCOMES = {
    RFS: ("level_1_signposted", "level_2_targeted_support", "level_3_4_social_care",
          "no_further_action", "consent_not_given"),
    COMPLAINT: ("upheld", "partly_upheld", "not_upheld", "withdrawn", "resolved_informally"),
    HELPLINE: ("advice_given", "signposted", "referred_request_for_support", "referred_complaint",
               "safeguarding_referral", "no_contact_made"),
}
CON_LEVELS = (1, 2, 3, 4)
CALLBACK_RESULTS = ("reached", "no_answer", "unsafe_to_talk", "someone_else_answered", "hung_up",
                    "voicemail_left")
CALLBACK_METHODS = ("call", "text")
INITIAL_VISIT_WITHIN_WORKING_DAYS = 7
REROUTE_TARGETS = (RFS, COMPLAINT)
AGREED, OVERRIDE = "agreed", "override"


class Refused(ValueError):
    """An action that the item's rules do not allow; ``code`` says which rule."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class Conflict(RuntimeError):
    """Someone else changed the item after this member of staff loaded it."""

    def __init__(self, item: Submission, changes: list[AuditEvent]):
        super().__init__(item.reference)
        self.item, self.changes = item, changes


def transitions(item: Submission) -> tuple[str, ...]:
    """The statuses this item may move to next."""
    steps = TRANSITIONS.get(item.kind, {})
    return steps.get(item.status, steps.get("new", ()))


def view(session: Session, user: User, reference: str) -> Submission:
    """Open an item: the view itself goes to the audit trail."""
    item = access.get_item(session, user, reference, "view_item")
    audit.record(session, "viewed", submission=item, actor=user)
    return item


def viewed_for_action(session: Session, user: User, item: Submission, action: str) -> None:
    """An action's page shows the item's contact details too: that view is audited as well."""
    audit.record(session, "viewed", submission=item, actor=user, page=action)


def _changes_since(session: Session, item: Submission, version: int) -> list[AuditEvent]:
    return [e for e in audit.events_for(session, item) if (e.detail or {}).get("version", 0) > version]


def _load(session: Session, user: User, reference: str, permission: str, version: int | None):
    item = access.get_item(session, user, reference, permission)
    if version is not None and item.version != version:
        raise Conflict(item, _changes_since(session, item, version))
    return item


def _save(session: Session, item: Submission, user: User, action: str, seen: int | None, **detail):
    """Flush the change with the version check in the UPDATE itself, and audit it."""
    item.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        fresh = session.scalars(select(Submission).where(Submission.id == item.id)).one()
        raise Conflict(fresh, _changes_since(session, fresh, seen or 0)) from None
    audit.record(session, action, submission=item, actor=user, version=item.version, **detail)
    return item


def assign(session: Session, user: User, reference: str, assignee_id: int | None,
           version: int | None) -> Submission:
    """Give the item to a colleague, to oneself, or to nobody."""
    item = _load(session, user, reference, "assign", version)
    if assignee_id is not None:
        assignee = session.get(User, assignee_id)
        if assignee is None or not assignee.is_active or not access.may_see(assignee, item):
            raise Refused("assignee_cannot_see_item")
    item.assigned_to_id = assignee_id
    return _save(session, item, user, "assigned", version, assignee_id=assignee_id)


def colleagues(session: Session, item: Submission) -> list[User]:
    """Active staff who could work on this item."""
    people = session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.name))
    return [u for u in people if u.role != access.ADMINISTRATOR and access.may_see(u, item)]


def change_status(session: Session, user: User, reference: str, status: str, version: int | None,
                  outcome: str | None = None, con_level: int | None = None,
                  now: datetime | None = None) -> Submission:
    """Move the item along its workflow; closing needs an outcome (and a request, its CoN level)."""
    now = now or utcnow()
    item = _load(session, user, reference, "change_status", version)
    if status not in transitions(item):
        raise Refused("status_not_allowed")
    if status == CLOSED:
        if outcome not in OUTCOMES[item.kind]:
            raise Refused("outcome_needed")
        if item.kind == RFS and con_level not in CON_LEVELS:
            raise Refused("con_level_needed")
        item.outcome, item.con_level, item.closed_at = outcome, con_level, now
    if item.kind == RFS and status == "allocated":
        item.due_on = add_working_days(uk_date(now), INITIAL_VISIT_WITHIN_WORKING_DAYS)
    previous, item.status = item.status, status
    saved = _save(session, item, user, "status_changed", version, previous=previous, status=status,
                  outcome=outcome, con_level=con_level)
    webhooks.publish(session, item, "item.status_changed", source="console", status=status,
                     previous=previous, outcome=outcome)
    return saved


def add_note(session: Session, user: User, reference: str, text: str) -> Note:
    """An internal note: staff only, never sent anywhere."""
    item = access.get_item(session, user, reference, "add_note")
    note = Note(submission_id=item.id, author_id=user.id, at=utcnow(), text=text.strip())
    session.add(note)
    session.flush()
    audit.record(session, "note_added", submission=item, actor=user, note_id=note.id)
    return note


def callback_results(item: Submission) -> tuple[str, ...]:
    """What staff may record a call back as: no voicemail where the person said it is not safe."""
    voicemail_ok = (item.contact or {}).get("voicemail") == "yes"
    return tuple(r for r in CALLBACK_RESULTS if voicemail_ok or r != "voicemail_left")


def log_callback(session: Session, user: User, reference: str, result: str, note: str = "",
                 now: datetime | None = None, method: str | None = None,
                 at: datetime | None = None) -> CallbackAttempt:
    """Record a call back, by call or text, at ``at`` or now; a voicemail where the person said no is refused.

    A call outside the safe times is recorded with that fact, so the item shows it. An
    attempt cannot be recorded as made in the future.
    """
    now = now or utcnow()
    at = at or now
    item = access.get_item(session, user, reference, "log_callback")
    if result not in CALLBACK_RESULTS:
        raise Refused("unknown_result")
    if method is not None and method not in CALLBACK_METHODS:
        raise Refused("unknown_method")
    if at > now:
        raise Refused("attempt_in_future")
    if result not in callback_results(item):
        raise Refused("voicemail_not_allowed")
    outside = in_safe_window(item.contact or {}, at) is False
    attempt = CallbackAttempt(submission_id=item.id, actor_id=user.id, at=at, result=result, method=method,
                              outside_safe_window=outside, note=(note or "").strip() or None)
    session.add(attempt)
    session.flush()
    audit.record(session, "callback_logged", submission=item, actor=user, attempt_id=attempt.id,
                 result=result, method=method, outside_safe_window=outside)
    return attempt


def flag_safeguarding(session: Session, user: User, reference: str, reason: str, version: int | None,
                      mailing: Mailing) -> Submission:
    """Put the item at the top of every inbox and tell the duty mailbox, through the outbox."""
    item = _load(session, user, reference, "flag_safeguarding", version)
    if item.safeguarding:
        raise Refused("already_flagged")
    if not (reason or "").strip():
        raise Refused("reason_needed")
    _raise_flag(session, item, user, reason, mailing)
    return _save(session, item, user, "safeguarding_flagged", version, reason=reason.strip())


def unflag_safeguarding(session: Session, user: User, reference: str, reason: str,
                        version: int | None) -> Submission:
    """Take the flag off, with the reason why; who raised it and why stays in the audit trail."""
    item = _load(session, user, reference, "flag_safeguarding", version)
    if not item.safeguarding:
        raise Refused("not_flagged")
    if not (reason or "").strip():
        raise Refused("reason_needed")
    item.safeguarding = False
    item.safeguarding_reason = item.safeguarding_by_id = item.safeguarding_at = None
    session.add(Note(submission_id=item.id, author_id=user.id, at=utcnow(), text=reason.strip()))
    return _save(session, item, user, "safeguarding_unflagged", version, reason=reason.strip())


def _raise_flag(session: Session, item: Submission, user: User, reason: str, mailing: Mailing) -> None:
    """Flag the item with why, who and when, and tell the duty mailbox why."""
    item.safeguarding = True
    item.safeguarding_reason, item.safeguarding_by_id = reason.strip(), user.id
    item.safeguarding_at = utcnow()
    session.add(Note(submission_id=item.id, author_id=user.id, at=utcnow(), text=reason.strip()))
    queue_to_staff(session, item, mailing, "console_safeguarding_alert", mailing.profile.duty_mailbox)


def _new_item(session: Session, user: User, *, kind: str, channel: str, mailing: Mailing,
              area_code: str | None, answers: dict, contact: dict, subject_name: str | None,
              now: datetime, **columns) -> Submission:
    """A submission made in the console, stored and routed like one made online."""
    from talkzone.routing import request_mailbox
    from talkzone.submissions import ALLOCATE_WITHIN_WORKING_DAYS, store

    profile = mailing.profile
    if kind == RFS:
        destination = request_mailbox(profile, area_code)
        due_on = add_working_days(uk_date(now), ALLOCATE_WITHIN_WORKING_DAYS)
        purpose = "district_notification"
    elif kind == COMPLAINT:
        if profile.complaints is None:
            raise Refused("no_complaints_service")
        destination, due_on, purpose = profile.complaints.mailbox, None, "console_complaint_referral"
    else:
        if profile.helpline is None:
            raise Refused("no_helpline")
        destination, due_on, purpose = profile.helpline.mailbox or profile.helpline.email, None, None
    item = Submission(kind=kind, status="new", channel=channel, created_at=now, area_code=area_code,
                      destination=destination, answers=answers, contact=contact,
                      subject_name=subject_name, phone=contact.get("phone"), email=contact.get("email"),
                      due_on=due_on, **columns)
    store(session, item)
    audit.record(session, "logged_by_staff", submission=item, actor=user, channel=channel)
    if purpose:
        queue_to_staff(session, item, mailing, purpose, destination)
    return item


def callback_promised(item: Submission) -> bool:
    """A helpline contact whose young person is still waiting for the call back they were promised."""
    return item.kind == HELPLINE and item.status == "callback_due"


def _reroute_basis(basis: str | None, how_agreed: str | None, override_reason: str | None) -> dict:
    """What lets the contact leave the helpline, as the audit keeps it; refused when nothing does.

    The helpline promises that what a young person says stays with it: only their recorded
    agreement, or a safeguarding reason to act without it, lets a contact go on.
    """
    how_agreed, override_reason = (how_agreed or "").strip(), (override_reason or "").strip()
    if basis == AGREED:
        if not how_agreed:
            raise Refused("how_agreed_needed")
        return {"basis": AGREED, "how_agreed": how_agreed}
    if basis == OVERRIDE:
        if not override_reason:
            raise Refused("override_reason_needed")
        return {"basis": OVERRIDE, "reason": override_reason}
    raise Refused("agreement_needed")


def reroute(session: Session, user: User, reference: str, target: str, version: int | None,
            mailing: Mailing, area_code: str | None = None, iyss_number: str | None = None,
            basis: str | None = None, how_agreed: str | None = None,
            override_reason: str | None = None, hand_over_callback: bool = False,
            now: datetime | None = None) -> Submission:
    """Turn a helpline contact into a request for support for an area, or a complaint.

    Only with the young person's agreement (how and when) or a safeguarding override with
    a reason, which flags the contact and tells the duty team. The new item is routed and
    mailed like any other and both point at each other in the audit trail. The contact is
    closed with the matching outcome, unless a promised callback is still due and was not
    handed over: then it stays with the helpline, open, until the call is made.
    """
    now = now or utcnow()
    item = _load(session, user, reference, "reroute", version)
    if item.kind != HELPLINE or target not in REROUTE_TARGETS or item.status == CLOSED:
        raise Refused("cannot_reroute")
    if target == RFS and (not area_code or mailing.profile.area(area_code) is None):
        raise Refused("area_needed")
    why = _reroute_basis(basis, how_agreed, override_reason)
    flag = why["basis"] == OVERRIDE and not item.safeguarding
    callback = ("handed_over" if hand_over_callback else "kept") if callback_promised(item) else None
    answers = {"referred_from": item.reference, "helpline_contact": item.answers}
    new = _new_item(session, user, kind=target, channel="helpline", mailing=mailing,
                    area_code=area_code if target == RFS else None, answers=answers,
                    contact=dict(item.contact or {}), subject_name=item.subject_name, now=now,
                    postcode=item.postcode, safeguarding=item.safeguarding or flag,
                    iyss_number=(iyss_number or "").strip() or None, language=item.language)
    audit.record(session, "referred_from_helpline", submission=new, actor=user, callback=callback,
                 **{"from": item.reference}, **why)
    # The contact itself changes only now, so the version check stays in _save's flush.
    if flag:
        _raise_flag(session, item, user, why["reason"], mailing)
        audit.record(session, "safeguarding_flagged", submission=item, actor=user, reason=why["reason"])
    if callback != "kept":
        item.status, item.closed_at = CLOSED, now
        item.outcome = "referred_request_for_support" if target == RFS else "referred_complaint"
    _save(session, item, user, "rerouted", version, to=new.reference, target=target,
          area_code=area_code, callback=callback, **why)
    webhooks.publish(session, item, "item.rerouted", rerouted_to=new.reference)
    return new


def log_contact(session: Session, user: User, *, kind: str, channel: str, mailing: Mailing,
                summary: str, name: str | None, contact: dict, area_code: str | None = None,
                postcode: str | None = None, now: datetime | None = None) -> Submission:
    """Record a contact taken by phone, text, email or social media, routed like an online one."""
    access.require(user, "log_contact")
    now = now or utcnow()
    if kind not in access.LOGGABLE_KINDS:
        raise Refused("unknown_kind")
    if kind == RFS and (not area_code or mailing.profile.area(area_code) is None):
        raise Refused("area_needed")
    answers = {"logged_contact": {"channel": channel, "name": name or "", "summary": summary}}
    item = _new_item(session, user, kind=kind, channel=channel, mailing=mailing,
                     area_code=area_code if kind == RFS else None, answers=answers, contact=contact,
                     subject_name=name or None, now=now, postcode=postcode)
    return item


def timeline(session: Session, item: Submission) -> list[dict]:
    """Everything that happened to the item, oldest first: audit events, mail, notes, calls."""
    entries = []
    # Views stay in the audit trail: on the timeline they would bury the notes.
    skip = {"mail_queued", "note_added", "callback_logged", "viewed", "api_read", "api_read_timeline",
            "api_status_received"}
    for event in audit.events_for(session, item):
        if event.action not in skip:
            entries.append({"at": event.at, "what": event.action, "actor_id": event.actor_id,
                            "detail": event.detail or {}})
    for message in item.outbox:
        entries.append({"at": message.created_at, "what": "mail_queued", "actor_id": None,
                        "detail": {"purpose": message.purpose, "recipient": message.recipient,
                                   "held_until": None if message.sent_at else message.held_until}})
        if message.sent_at:
            entries.append({"at": message.sent_at, "what": "mail_sent", "actor_id": None,
                            "detail": {"purpose": message.purpose, "recipient": message.recipient}})
        elif message.status == outbox.FAILED or message.last_error:
            failed = message.status == outbox.FAILED
            entries.append({"at": message.next_attempt_at, "actor_id": None,
                            "what": "mail_failed" if failed else "mail_failing",
                            "detail": {"purpose": message.purpose, "recipient": message.recipient,
                                       "attempts": message.attempts, "failed": failed,
                                       "reason": message.last_error}})
    for note in session.scalars(select(Note).where(Note.submission_id == item.id)):
        entries.append({"at": note.at, "what": "note", "actor_id": note.author_id,
                        "detail": {"text": note.text}})
    for attempt in session.scalars(select(CallbackAttempt).where(CallbackAttempt.submission_id == item.id)):
        entries.append({"at": attempt.at, "what": "callback", "actor_id": attempt.actor_id,
                        "detail": {"result": attempt.result, "note": attempt.note, "method": attempt.method,
                                   "outside_safe_window": attempt.outside_safe_window}})
    return sorted(entries, key=lambda e: e["at"])
