"""Walk the public journeys through the Flask test client, one page at a time."""

from __future__ import annotations

import copy
import re
from datetime import timedelta

from testkit.answers import FAMILY, FAMILY_ANY_TIME, PROFESSIONAL, answers  # noqa: F401 (used by the tests)


def post_step(client, path, values):
    response = client.post(path, data=values)
    assert response.status_code in (200, 302), (path, response.status_code)
    return response


def walk_request(client, data=FAMILY, until=None):
    """Answer every page the journey asks, in order, following its redirects."""
    response = client.get("/request-support/who")
    location = "/request-support/who"
    for _ in range(40):
        if location.startswith("/request-support/check-answers") or location == until:
            return location
        step = location.split("/request-support/")[1].split("?")[0]
        if step == "at-risk":  # a child at risk: the person reads the page, then carries on
            heading = client.get(location).page.find("h2", string=re.compile("After you have called"))
            location = heading.find_next("a", href=True)["href"]
            continue
        if step == "child" or step.startswith("child/"):
            child = data["child"].pop(0) if len(data["child"]) > 1 else data["child"][0]
            response = post_step(client, location, child)
        else:
            response = post_step(client, location, data[step])
        assert response.status_code == 302, f"{step} did not accept {data[step] if step in data else ''}: " \
            + response.get_data(as_text=True)[:3000]
        location = response.headers["Location"]
    raise AssertionError("journey did not reach check answers")


def submit_request(client, data=FAMILY):
    """Walk the journey and send it; returns the confirmation page's response."""
    walk_request(client, copy.deepcopy(data))
    response = client.post("/request-support/check-answers", data={})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return client.get(response.headers["Location"])


def deliver_within_a_week(app):
    """Run the outbox a week from now: every safe window in a week has opened by then.

    Acknowledgements outside the person's safe times are held until their next window.
    """
    from portal.mail import transport_for
    from talkzone import outbox
    from talkzone.models import utcnow
    from talkzone.uow import UnitOfWork

    with app.app_context():
        with UnitOfWork(app.extensions["db_sessionmaker"]) as uow:
            return outbox.drain(uow, transport_for(app), now=lambda: utcnow() + timedelta(days=7))
