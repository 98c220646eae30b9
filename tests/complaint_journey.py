"""Walk the complaint journey through the Flask test client, one page at a time."""

from __future__ import annotations

from tests.journeys import answers

YOUNG_PERSON = {
    "who": {"who": "myself"},
    "your-name": {"name": "Alex Smith"},
    "age": {"age": "16"},
    "care": {"care": "looked_after"},
    "about": {"about": "placement"},
    "what-happened": {"details": "My placement was changed without anyone asking me."},
    "outcome": {"outcome": "I want a meeting about where I live."},
    "contact-method": {"method": "email"},
    "phone": {"phone": "07700 900123"},
    "email": {"email": "alex@example.com"},
    "address": {"line_1": "2 Park Road", "line_2": "", "town": "Preston", "postcode": "pr1 3cd"},
    "safety": {"days": ["tue", "thu"], "start": "16:00", "end": "18:00", "voicemail": "no",
               "say_who": "no", "must_not_know": "My carer"},
    "advocate": {"advocate": "yes"},
    "advocate-info": {"advocate": "yes"},
    "advocacy-consent": {"consent": "yes"},
}

ON_BEHALF = {
    **YOUNG_PERSON,
    "who": {"who": "someone_else"},
    "on-behalf": {"name": "Pat Jones", "relationship": "Grandparent", "young_person_name": "Sam Jones"},
    "agrees": {"agrees": "yes"},
    "age": {"age": "14"},
}


def complaint(base=YOUNG_PERSON, **changes) -> dict:
    """A copy of ``base`` with some steps' answers changed (None removes a step)."""
    return answers(base, **changes)


def walk_complaint(client, data=YOUNG_PERSON, until=None) -> list[str]:
    """Answer every page the journey asks, in order, stopping at check answers or ``until``.

    Returns the steps met.
    """
    location = "/complaint/who"
    met = []
    for _ in range(30):
        if location.startswith("/complaint/check-answers") or location.split("?")[0] == until:
            return met
        step = location.split("/complaint/")[1].split("?")[0]
        met.append(step)
        response = client.post(location, data=data[step])
        assert response.status_code == 302, f"{step} did not accept {data[step]}: " + \
            response.get_data(as_text=True)[:3000]
        location = response.headers["Location"]
    raise AssertionError("journey did not reach check answers")


def submit_complaint(client, data=YOUNG_PERSON):
    """Walk the journey and send it; returns the confirmation page's response."""
    walk_complaint(client, data)
    response = client.post("/complaint/check-answers", data={})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return client.get(response.headers["Location"])
