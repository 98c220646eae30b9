"""Demonstration data for `make run`: items of every kind and one staff account per role.

Everything goes in through talkzone's own use cases (the journeys' submissions, the console's
safeguarding flag, account creation), so references, search terms, callback windows, deadlines
and mail are what a real request would give. Seeding again adds only what is missing.
Development only: the accounts share a published password and second-factor secret.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp
from sqlalchemy import select

from portal.emails import mailing
from portal.profile import current_profile
from talkzone import access, inbox, staff
from talkzone.complaints import submit_complaint
from talkzone.helpline import callback_days, submit_helpline_contact
from talkzone.models import Submission, User, utcnow
from talkzone.submissions import submit_request_for_support

# Published on purpose (README): these accounts exist only in a development database.
PASSWORD = "demo-password-2026"  # noqa: S105 (published, development only)
TOTP_SECRET = "DEMOCONSOLEDEMOCONSOLEDEMO234567"  # noqa: S105 (likewise)
DOMAIN = "demo.example"
ACCOUNTS = {
    access.HELPLINE_ADVISER: ("helpline", "Hana Helpline (demo)"),
    access.DISTRICT_TRIAGE_OFFICER: ("triage", "Tom Triage (demo)"),
    access.CUSTOMER_FEEDBACK_OFFICER: ("feedback", "Fay Feedback (demo)"),
    access.SAFEGUARDING_LEAD: ("safeguarding", "Sade Safeguarding (demo)"),
    access.ADMINISTRATOR: ("admin", "Ada Admin (demo)"),
}

FAMILIES = [
    ("preston", "PR1 2AB", "Amelia Demo", "Struggling with sleep and behaviour at home"),
    ("burnley", "BB11 1AA", "Oliver Demo", "Money worries and a new baby on the way"),
    ("lancaster", "LA1 1AA", "Isla Demo", "Not going to school for the last month"),
]
# The helpline contact the helpline adviser flags for safeguarding, and why.
FLAGGED = "Robin Demo"
FLAG_REASON = "Says an adult at home hurts them (demo)"


class NotInProduction(RuntimeError):
    """Demo data and accounts with a published password have no place in production."""


def demo_email(role: str) -> str:
    return f"{ACCOUNTS[role][0]}@{DOMAIN}"


def current_code(now: datetime | None = None) -> str:
    """The demo accounts' second-factor code now (they share one authenticator secret)."""
    return pyotp.TOTP(TOTP_SECRET).at(now or utcnow())


def demo_answers(area: str, postcode: str, child: str, details: str) -> dict:
    return {
        "who": {"role": "parent"},
        "about-you": {"name": "Sam Demo", "relationship": "Parent"},
        "child_list": [{"name": child, "dob": "2016-05-04", "school": "Demo Primary", "send": "no"}],
        "children": {"add_another": "no"},
        "address": {"line_1": "1 Demo Street", "line_2": "", "town": "Demo Town", "postcode": postcode},
        "area": {"area": area},
        "needs": {"needs": ["send"], "details": details},
        "involved": {"caf": "no", "lead_professional": "", "social_worker": "no", "other_services": ""},
        "language": {"language": "English", "interpreter": "no", "access_needs": ""},
        "contact": {"channels": ["call"], "phone": "07700 900123", "email": ""},
        "safety": {"days": ["tue", "wed", "thu"], "start": "16:00", "end": "18:00",
                   "voicemail": "no", "say_who": "no", "must_not_know": "Stepfather"},
        "consent": {"consent": "yes"},
    }


def complaint_answers(name: str, about: str, details: str, method: str) -> dict:
    return {
        "who": {"who": "myself"},
        "your-name": {"name": name},
        "age": {"age": "16_17"},
        "care": {"care": "looked_after"},
        "about": {"about": about},
        "what-happened": {"details": details},
        "outcome": {"outcome": "I want someone to listen and put it right."},
        "contact-method": {"method": method},
        "phone": {"phone": "07700 900456"},
        "email": {"email": "demo.young.person@example.com"},
        "safety": {"days": ["mon", "wed"], "start": "16:00", "end": "19:00", "voicemail": "no",
                   "say_who": "no", "must_not_know": "My carer"},
        "advocate": {"advocate": "no"},
    }


def helpline_answers(nickname: str, topic: str, message: str, method: str, now: datetime, helpline) -> dict:
    """A helpline contact; a call or text back within the helpline's hours on the next two days."""
    answers = {
        "topic": {"topic": topic},
        "message": {"message": message},
        "reply": {"method": method},
        "phone": {"phone": "07700 900789"},
        "safety": {"voicemail": "no", "say_who": "no"},
        "about-you": {"nickname": nickname, "age": "15"},
    }
    opens = datetime.combine(now.date(), helpline.opens)
    start, end = (opens + timedelta(hours=1)).time(), (opens + timedelta(hours=2)).time()
    days = callback_days(now)[1:3]
    answers["windows"] = {"when": "choose"}
    for n, day in enumerate(days, start=1):
        answers["windows"].update({f"day_{n}": day.isoformat(), f"start_{n}": start.strftime("%H:%M"),
                                   f"end_{n}": end.strftime("%H:%M")})
    return answers


def _accounts(session, profile) -> dict[str, User]:
    """One confirmed account per role (added if missing), all with the published password and secret."""
    users = {}
    areas = [area.code for area in profile.areas][:2]
    for role in ACCOUNTS:
        email = demo_email(role)
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = staff.create_user(session, email=email, name=ACCOUNTS[role][1], role=role,
                                     password=PASSWORD,
                                     areas=areas if role == access.DISTRICT_TRIAGE_OFFICER else None)
            user.totp_secret, user.totp_confirmed = TOTP_SECRET, True
        users[role] = user
    return users


def seed(uow, app) -> str:
    """Add what is missing of the demonstration items and accounts, in one unit of work."""
    if app.config.get("PORTAL_ENV") == "production":
        raise NotInProduction("seed-demo is for development only: it adds accounts with a published password")
    session = uow.session
    profile = current_profile(app)
    send = mailing()
    now = utcnow()
    users = _accounts(session, profile)
    present = set(session.scalars(select(Submission.subject_name)))
    added = []

    def add(name: str, submit, answers: dict):
        """One demonstration submission, unless there is one for this name already; None then."""
        if name in present:
            return None
        added.append(name)
        return submit(session, profile=profile, language="en", mailing=send, answers=answers)

    for area, postcode, child, details in FAMILIES:
        if profile.area(area) is not None:
            add(child, submit_request_for_support, demo_answers(area, postcode, child, details))
    if profile.complaints is not None:
        for name, about, details, method in (
                ("Alex Demo", "placement", "My placement was changed without anyone asking me.", "email"),
                ("Kai Demo", "social_worker", "My social worker has not visited for months.", "call")):
            add(name, submit_complaint, complaint_answers(name, about, details, method))
    if profile.helpline is not None:
        for name, topic, message, method in (
                ("Jay Demo", "home", "Things at home are hard and I want to talk.", "call"),
                ("Mo Demo", "bullying", "I am being bullied at school.", "text"),
                (FLAGGED, "home", "An adult at home hurts me when they are angry.", "call")):
            item = add(name, submit_helpline_contact,
                       helpline_answers(name, topic, message, method, now, profile.helpline))
            if item is not None and name == FLAGGED:
                inbox.flag_safeguarding(session, users[access.HELPLINE_ADVISER], item.reference,
                                        FLAG_REASON, None, send)
    uow.commit()
    return f"demo data: added {len(added)} items"


def sign_in_help(base_url: str) -> str:
    """What `seed-demo` prints: where the console is and how to sign in with the demo accounts."""
    lines = [f"Console: {base_url.rstrip('/')}/console  (development only: demo accounts below)"]
    lines += [f"  {demo_email(role):28} {role}" for role in ACCOUNTS]
    lines += [f"  password: {PASSWORD}",
              "  code: `.venv/bin/flask --app portal demo-code` prints the current one,",
              f"        or add the secret {TOTP_SECRET} to an authenticator app"]
    return "\n".join(lines)
