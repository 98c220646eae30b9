"""Plain words for the console: labels for statuses and outcomes, and the contact panel."""

from __future__ import annotations

from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from portal.i18n import clock_time, is_rtl
from talkzone.calendar import DAY_CODES, uk_time
from talkzone.inbox import callback_windows

KINDS = {
    "request_for_support": _l("Request for support"),
    "complaint": _l("Complaint"),
    "helpline_contact": _l("Helpline contact"),
}
STATUSES = {
    "awaiting_consent": _l("Awaiting consent"), "new": _l("New"), "acknowledged": _l("Acknowledged"),
    "allocated": _l("Allocated"), "initial_visit_booked": _l("Initial visit booked"),
    "closed": _l("Closed"), "stage_1_in_progress": _l("Stage 1 in progress"),
    "responded": _l("Responded"), "callback_due": _l("Callback due"), "in_progress": _l("In progress"),
}
OUTCOMES = {
    "level_1_signposted": _l("Level 1: signposted to universal services"),
    "level_2_targeted_support": _l("Level 2: targeted early help"),
    "level_3_4_social_care": _l("Level 3 or 4: escalated to children's social care"),
    "no_further_action": _l("No further action"), "consent_not_given": _l("Consent not given"),
    "upheld": _l("Upheld"), "partly_upheld": _l("Partly upheld"), "not_upheld": _l("Not upheld"),
    "withdrawn": _l("Withdrawn"), "resolved_informally": _l("Resolved informally"),
    "advice_given": _l("Advice given"), "signposted": _l("Signposted"),
    "referred_request_for_support": _l("Referred as a request for support"),
    "referred_complaint": _l("Referred as a complaint"),
    "safeguarding_referral": _l("Safeguarding referral"), "no_contact_made": _l("No contact made"),
}
CALLBACK_RESULTS = {
    "reached": _l("Reached them"), "no_answer": _l("No answer"),
    "unsafe_to_talk": _l("They could not talk safely"), "voicemail_left": _l("Left a voicemail"),
    "someone_else_answered": _l("Someone else answered"), "hung_up": _l("They hung up"),
}
# The helpline journey's topics (the console may not import the journey), with the same words.
HELPLINE_TOPICS = {"home": _l("Problems at home"), "relationships": _l("Relationships"),
                   "sex_health": _l("Sex and health"), "jobs": _l("Jobs and training"),
                   "mental_health": _l("Mental health"), "drugs_alcohol": _l("Drugs and alcohol"),
                   "bullying": _l("Bullying"), "things_to_do": _l("Things to do"),
                   "something_else": _l("Something else")}
CALLBACK_METHODS = {"call": _l("Phone call"), "text": _l("Text message")}
ROLES = {
    "helpline_adviser": _l("Helpline adviser"), "district_triage_officer": _l("District triage officer"),
    "customer_feedback_officer": _l("Customer feedback officer"), "administrator": _l("Administrator"),
    "safeguarding_lead": _l("Safeguarding lead"),
}
EVENTS = {
    "submitted": _l("Submitted"), "routed": _l("Routed"), "viewed": _l("Viewed"),
    "assigned": _l("Assigned"), "status_changed": _l("Status changed"), "note": _l("Note"),
    "callback": _l("Callback attempt"), "mail_queued": _l("Mail queued"), "mail_sent": _l("Mail sent"),
    "mail_failing": _l("Mail failing"), "mail_failed": _l("Mail failed"),
    "safeguarding_flagged": _l("Flagged for safeguarding"),
    "safeguarding_unflagged": _l("Safeguarding flag removed"),
    "rerouted": _l("Re-routed"), "logged_by_staff": _l("Logged by staff"),
    "referred_from_helpline": _l("Sent on from the helpline"),
}
# The conversation's events (portal/console/replies.py).
EVENTS |= {"reply_queued": _l("Reply written"), "reply_received": _l("Reply received"),
           "auto_reply_received": _l("Automatic reply received"), "mail_bounced": _l("Mail bounced")}
# Repeat contacts and warnings about a person (portal/console/repeats.py).
EVENTS |= {"linked": _l("Linked to another item"), "unlinked": _l("Link removed"),
           "merged_into": _l("Merged"), "merged_from": _l("Duplicate merged in"),
           "person_flag_set": _l("Warning about the person added"),
           "person_flag_removed": _l("Warning about the person removed")}
OUTCOMES["merged"] = _l("Merged into another item")
FLAG_KINDS = {
    "abusive_contact": _l("Abusive contact"), "threatening_to_staff": _l("Threatening to staff"),
    "vexatious": _l("Vexatious contact"), "other": _l("Other warning"),
}
CHANNELS = {"call": _l("phone call"), "text": _l("text message"), "email": _l("email")}
_DAY_NAMES = dict(zip(DAY_CODES, (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"),
                                 _l("Fri"), _l("Sat"), _l("Sun")), strict=True))


def label(table: dict, value) -> str:
    """The words for a stored code, or the code itself when there are none."""
    return str(table.get(value, value or ""))


def day_span(days: list[str]) -> str:
    """Consecutive days as a range ("Tue–Thu"), others listed ("Mon, Wed")."""
    picked = [d for d in DAY_CODES if d in days]
    runs, run = [], []
    for day in picked:
        if run and DAY_CODES.index(day) != DAY_CODES.index(run[-1]) + 1:
            runs.append(run)
            run = []
        run.append(day)
    if run:
        runs.append(run)
    return ", ".join(
        f"{_DAY_NAMES[r[0]]}–{_DAY_NAMES[r[-1]]}" if len(r) > 2
        else ", ".join(str(_DAY_NAMES[d]) for d in r) for r in runs)


def uk_moment(moment) -> str:
    """A moment as staff read it: UK date and clock time, like "Tue 1 Dec 2026 10:00"."""
    return format_datetime(uk_time(moment), "EEE d MMM y HH:mm")


def times(start, end) -> Markup:
    """"4pm–6pm"; on a right-to-left page each time is isolated, so the start is still read first."""
    if not is_rtl(str(get_locale())):
        return Markup("{}–{}").format(clock_time(start), clock_time(end))
    return Markup("<bdi>{}</bdi>–<bdi>{}</bdi>").format(clock_time(start), clock_time(end))


def uk_clock(moment) -> str:
    """A moment's UK clock time, like "14:02"."""
    return format_datetime(uk_time(moment), "HH:mm")


def window(start, end) -> Markup:
    """A call back window in UK time, like "Tue 1 Dec 2pm–4pm"."""
    begin, finish = uk_time(start), uk_time(end)
    return Markup("{} {}").format(format_datetime(begin, "EEE d MMM"),
                                  times(begin.time(), finish.time()))


def next_window(contact: dict, now) -> str:
    """The next call back window that has not ended, in words, or nothing."""
    upcoming = sorted((start, end) for start, end in callback_windows(contact or {}) if end > now)
    return window(*upcoming[0]) if upcoming else ""


def safe_times(contact: dict) -> str:
    """When it is safe to make contact, in words."""
    windows = callback_windows(contact)
    if windows:
        return Markup("; ").join(window(start, end) for start, end in windows)
    days = day_span(contact.get("days") or []) or _("any day")
    if contact.get("start") and contact.get("end"):
        return Markup("{} {}").format(days, times(contact["start"], contact["end"]))
    return _("%(days)s, any time", days=days)


def contact_panel(contact: dict) -> list[str]:
    """The sentences at the top of an item: how, when and how carefully to get in touch."""
    contact = contact or {}
    lines = []
    channels = [str(CHANNELS.get(c, c)) for c in contact.get("channels") or []]
    if contact.get("anonymous"):
        lines.append(_("Anonymous: they left no way to reply."))
    elif channels:
        lines.append(_("Contact by: %(channels)s.", channels=", ".join(channels)))
    else:
        lines.append(_("Do not contact: they did not ask to be contacted."))
    if contact.get("asap") and not contact.get("windows"):
        lines.append(_("Call back as soon as you can: they chose no particular time."))
    if contact.get("voicemail") == "no":
        lines.append(_("Do not leave a voicemail."))
    elif contact.get("voicemail") == "yes":
        lines.append(_("A voicemail or message is fine."))
    lines.append(escape(_("Safe: %(times)s.")) % {"times": safe_times(contact)})
    if contact.get("say_who") == "no":
        lines.append(_("Do not say where you are calling from."))
    elif contact.get("say_who") == "yes":
        lines.append(_("You may say where you are calling from."))
    if contact.get("must_not_know"):
        # The name is the person's own words: isolated, so a right-to-left override ends with it.
        lines.append(escape(_("Must not know: %(who)s")) % {"who": Markup("<bdi>{}</bdi>").format(
            contact["must_not_know"])})
    return lines
# What the council's case system said about an item handed on to it (talkzone.handoff).
HANDOFF = {"accepted": _l("Accepted"), "declined": _l("Declined")}
EVENTS |= {"handoff_accepted": _l("Accepted by the case system"),
           "handoff_declined": _l("Declined by the case system")}
