"""Small factories for console tests: staff accounts, items of each type, signed-in clients."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pyotp

from talkzone import staff
from talkzone.access import (
    ADMINISTRATOR,
    CUSTOMER_FEEDBACK_OFFICER,
    DISTRICT_TRIAGE_OFFICER,
    HELPLINE_ADVISER,
)
from talkzone.models import Kind, StaffSession, Submission, User, utcnow
from talkzone.submissions import new_reference

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)
# One hash for every factory-made user: argon2 is deliberately slow.
_HASH = None

CONTACT = {"channels": ["call"], "phone": "07700 900123", "days": ["tue", "wed", "thu"],
           "start": "16:00", "end": "18:00", "voicemail": "no", "say_who": "no",
           "must_not_know": "stepfather"}


def make_user(session, role=HELPLINE_ADVISER, areas=None, email=None, name=None, enrolled=True,
              active=True) -> User:
    global _HASH
    if _HASH is None:
        _HASH = staff.hash_password(PASSWORD)
    n = next(_counter)
    if role == DISTRICT_TRIAGE_OFFICER and areas is None:
        areas = ["preston"]
    user = User(email=email or f"staff{n}@council.example", name=name or f"Staff {n}", role=role,
                areas=list(areas or []), password_hash=_HASH, is_active=active,
                totp_secret=pyotp.random_base32() if enrolled else None, totp_confirmed=enrolled)
    session.add(user)
    session.commit()
    return user


ROLE_FACTORIES = {
    "helpline": lambda s: make_user(s, HELPLINE_ADVISER),
    "district": lambda s: make_user(s, DISTRICT_TRIAGE_OFFICER, areas=["preston"]),
    "feedback": lambda s: make_user(s, CUSTOMER_FEEDBACK_OFFICER),
    "admin": lambda s: make_user(s, ADMINISTRATOR),
}


def make_item(session, kind=Kind.HELPLINE_CONTACT, area_code=None, contact=None, status="new",
              **columns) -> Submission:
    """An item stored as the public journeys store them (helpline contacts are made directly)."""
    if kind == Kind.REQUEST_FOR_SUPPORT and area_code is None:
        area_code = "preston"
    destination = {Kind.REQUEST_FOR_SUPPORT: f"rfs.{area_code}@lancashire.example",
                   Kind.COMPLAINT: "cyp-customer-feedback@lancashire.example",
                   Kind.HELPLINE_CONTACT: "talkzone-inbox@lancashire.example"}[kind]
    contact = dict(CONTACT if contact is None else contact)
    defaults = {"answers": {"topic": {"topic": "home"}, "message": {"message": "Things are hard at home"}},
                "subject_name": "Alex", "phone": contact.get("phone"), "email": contact.get("email"),
                "created_at": utcnow()}
    defaults.update(columns)
    item = Submission(reference=new_reference(kind), kind=kind, status=status, area_code=area_code,
                      destination=destination, contact=contact, **defaults)
    session.add(item)
    session.commit()
    return item


def sign_in_as(client, session, user) -> str:
    """A signed-in console session for ``user``, set on the test client's cookie jar."""
    token = staff._open(session, user, staff.FULL, utcnow())
    session.commit()
    client.set_cookie("eh_staff", token, path="/console")
    return token


def age_session(session, token, by: timedelta) -> None:
    """Move a session's times into the past, as if ``by`` had gone by."""
    record = session.get(StaffSession, staff._token_id(token))
    record.last_seen_at -= by
    record.created_at -= by
    session.commit()


def make_api_client(session, role=DISTRICT_TRIAGE_OFFICER, areas=("preston",), name="Case system"):
    """An API client and its token (talkzone.api_clients), committed."""
    from talkzone import api_clients

    client, token = api_clients.create(session, name=name, role=role, areas=list(areas),
                                       known_areas=list(areas))
    session.commit()
    return client, token
