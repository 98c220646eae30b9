"""A family's answers to the Request for Support, page by page, as the tests and benchmarks post them."""

from __future__ import annotations

import copy

FAMILY = {
    "who": {"role": "parent"},
    "about-you": {"name": "Jo Bloggs", "relationship": "Mum"},
    "child": [{"name": "Sam Bloggs", "dob": ["4", "5", "2016"], "school": "Hill Primary", "send": "no"}],
    "children": {"add_another": "no"},
    "address": {"line_1": "1 High Street", "line_2": "", "town": "Preston", "postcode": "pr1 2ab"},
    "area": {"area": "preston"},
    "needs": {"needs": ["money", "school"], "details": "We are struggling with school mornings."},
    "risk": {"at_risk": "no"},
    "involved": {"caf": "no", "lead_professional": "", "social_worker": "no", "other_services": ""},
    "language": {"language": "English", "interpreter": "no", "access_needs": ""},
    "contact": {"channels": ["call", "email"], "phone": "07700 900123", "email": "jo@example.com"},
    "safety": {"days": ["tue", "wed"], "start": "16:00", "end": "18:00", "voicemail": "no",
               "say_who": "no", "must_not_know": "Her ex-partner"},
    "consent": {"consent": "yes"},
}

PROFESSIONAL = {
    **FAMILY,
    "who": {"role": "professional"},
    "professional": {"name": "Pat Teacher", "organisation": "Hill Primary", "job_role": "SENCO",
                     "work_email": "pat@school.example.com", "work_phone": "01632 960 001"},
    "family-consent": {"family_consent": "yes"},
}


def answers(base=FAMILY, **changes) -> dict:
    data = copy.deepcopy(base)
    for step, values in changes.items():
        step = step.replace("_", "-")
        if values is None:
            data.pop(step, None)
        elif isinstance(values, dict) and isinstance(data.get(step), dict):
            data[step].update(values)
        else:
            data[step] = values
    return data


# The family's answers with every time safe: their mail goes at once, nothing is held.
FAMILY_ANY_TIME = answers(safety={"days": [], "start": "", "end": ""})
