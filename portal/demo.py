"""Demonstration data for `make run`: a handful of requests, so the console is not empty."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.emails import mailing
from portal.profile import current_profile
from talkzone.models import Submission
from talkzone.submissions import submit_request_for_support

FAMILIES = [
    ("preston", "PR1 2AB", "Amelia Demo", "Struggling with sleep and behaviour at home"),
    ("burnley", "BB11 1AA", "Oliver Demo", "Money worries and a new baby on the way"),
    ("lancaster", "LA1 1AA", "Isla Demo", "Not going to school for the last month"),
]


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


def seed(uow, app) -> str:
    """Add the demonstration requests in one unit of work, unless there are submissions already."""
    session = uow.session
    if session.scalar(select(func.count()).select_from(Submission)):
        return "demo data: the database already has submissions; nothing added"
    profile = current_profile(app)
    added = 0
    for area, postcode, child, details in FAMILIES:
        if profile.area(area) is None:
            continue
        submit_request_for_support(session, profile=profile,
                                   answers=demo_answers(area, postcode, child, details),
                                   language="en", mailing=mailing())
        added += 1
    uow.commit()
    return f"demo data: added {added} requests for support"
