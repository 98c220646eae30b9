"""Walk the helpline contact journey through the Flask test client."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from tests.pages import error_messages as errors
from tests.pages import first_strong as reference  # noqa: F401 (for the helpline tests)
from tests.pages import main_text as words  # noqa: F401 (for the helpline tests)

# Tuesday 24 November 2026 at 10:00 in London: the helpline (2pm to 10pm) is closed.
MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
AFTERNOON = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)

CALL = {
    "topic": {"topic": "home"},
    "message": {"message": "Things at home are hard and I want to talk."},
    "reply": {"method": "call"},
    "phone": {"phone": "07700 900123"},
    "windows": {"when": "choose", "day_1": "2026-11-25", "start_1": "15:00", "end_1": "16:00",
                "day_2": "2026-11-26", "start_2": "19:30", "end_2": "21:00"},
    "safety": {"voicemail": "no", "say_who": "no"},
    "about-you": {"nickname": "Jay", "age": "15"},
}
TEXT = {**CALL, "reply": {"method": "text"}, "windows": {"when": "asap"}, "safety": {"say_who": "yes"}}
EMAIL = {**CALL, "reply": {"method": "email"}, "email": {"email": "jay@example.com"}}
ANONYMOUS = {**CALL, "reply": {"method": "none"}, "about-you": {"nickname": "", "age": "prefer_not"}}


def frozen(moment: datetime):
    """A CLOCK for the app's config: always ``moment``."""
    return lambda: moment


def walk_helpline(client, data=CALL) -> str:
    """Answer every page the journey asks, in order; returns the check-answers path."""
    data = copy.deepcopy(data)
    location = "/helpline/topic"
    for _ in range(12):
        if location.startswith("/helpline/check-answers"):
            return location
        step = location.split("/helpline/")[1].split("?")[0]
        response = client.post(location, data=data[step])
        assert response.status_code == 302, (step, errors(response))
        location = response.headers["Location"]
    raise AssertionError("journey did not reach check answers")


def submit_helpline(client, data=CALL):
    """Walk the journey and send it; returns the confirmation page's response."""
    walk_helpline(client, data)
    response = client.post("/helpline/check-answers", data={})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return client.get(response.headers["Location"])


