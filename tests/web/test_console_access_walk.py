"""Acceptance 1: every console route, for every role, against items of every type and area.

Each answer must be exactly what the rules say: allowed (200, or a redirect where the route
redirects), 403 for an action the role may never take, 404 for an item the role may not see.
The rules are written out here independently of talkzone.access, so a change to either
shows up as a failure. Routes added by other parts of the console (reports, retention) are
walked too, with talkzone.access as the oracle for their permissions.
"""

from __future__ import annotations

import pytest

from portal import create_app
from talkzone import access, webhooks
from talkzone.models import Kind
from testkit.factories import make_api_client, make_item, make_user, sign_in_as

ROLES = ("anonymous", "helpline", "district", "feedback", "admin")
ROLE_NAMES = {"helpline": access.HELPLINE_ADVISER, "district": access.DISTRICT_TRIAGE_OFFICER,
              "feedback": access.CUSTOMER_FEEDBACK_OFFICER, "admin": access.ADMINISTRATOR}
ITEMS = {
    "helpline": (Kind.HELPLINE_CONTACT, None),
    "complaint": (Kind.COMPLAINT, None),
    "rfs_preston": (Kind.REQUEST_FOR_SUPPORT, "preston"),
    "rfs_burnley": (Kind.REQUEST_FOR_SUPPORT, "burnley"),
    "rfs_wyre": (Kind.REQUEST_FOR_SUPPORT, "wyre"),
}
# Who may see which item: the district triage officer works on Preston only.
SEES = {
    "helpline": {"helpline"},
    "district": {"rfs_preston"},
    "feedback": {"complaint"},
    "admin": set(ITEMS),
}
CASEWORK = {"view_inbox", "view_item", "assign", "change_status", "add_note", "log_callback",
            "flag_safeguarding"}
# What each role may do, for the console's own permissions.
MAY = {
    "helpline": CASEWORK | {"reroute", "log_contact"},
    "district": set(CASEWORK),
    "feedback": set(CASEWORK),
    "admin": {"view_inbox", "view_item", "view_audit", "manage_users"},
}
CORE = set().union(*MAY.values())


def _console_routes():
    app = create_app("test", DATABASE_URL="sqlite://")
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint.startswith("console."):
            method = "GET" if "GET" in rule.methods else "POST"
            routes.append(pytest.param(rule.rule, method, app.view_functions[rule.endpoint].permission,
                                       id=f"{method} {rule.rule}"))
    return routes


ROUTES = _console_routes()


def _may(role: str, permission: str) -> bool:
    if permission in CORE:
        return permission in MAY[role]
    user = type("Role", (), {"role": ROLE_NAMES[role], "is_active": True})()
    return access.can(user, permission)


def _expected(role, permission, item_name, method, rule) -> set[int]:
    if permission == access.ANONYMOUS:
        if rule == "/console/sign-in" and role != "anonymous":
            return {302}  # already signed in: on to the inbox
        return {302} if method == "POST" else {200}
    if permission == access.SIGNING_IN:
        return {302}  # nobody here is half-way through signing in
    if role == "anonymous":
        return {302}
    if permission != access.SIGNED_IN and not _may(role, permission):
        return {403}
    if item_name is not None and (item_name == "missing" or item_name not in SEES[role]):
        return {404}
    if "<int:flag_id>" in rule:
        return {404}
    if method == "POST":
        return {200, 302}
    return {200}


def _webhook_sample(session, rule: str) -> str:
    """The rule with a fresh subscription and one delivery to it (a route may remove it)."""
    if "<int:subscription_id>" not in rule:
        return rule
    hook = webhooks.add(session, None, name="Case system", url="https://cases.example/hooks",
                        events=["item.created"])
    delivery = next(d for d in webhooks.publish(session, make_item(session), "item.created")
                    if d.subscription_id == hook.id)
    session.commit()
    return rule.replace("<int:subscription_id>", str(hook.id)).replace("<int:delivery_id>", str(delivery.id))


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(make_app, role):
    """One app per role (templates compile once); a fresh session per route, so a sign-out or
    an account change on one route cannot colour the next. Every mismatch is reported."""
    app = make_app()
    session = app.extensions["db_sessionmaker"]()
    mismatches, checked = [], 0
    try:
        items = {name: make_item(session, kind, area).reference for name, (kind, area) in ITEMS.items()}
        items["missing"] = "TZ-AAAA-AAAA"
        for route in ROUTES:
            rule, method, permission = route.values
            target = make_user(session, access.HELPLINE_ADVISER)
            client = app.test_client()
            if role != "anonymous":
                sign_in_as(client, session, make_user(session, ROLE_NAMES[role], areas=["preston"]
                                                      if role == "district" else None))
            if "<reference>" in rule:
                # The other item of a link or merge is the item itself (refused, but the page is shown);
                # flag 0 exists nowhere, so its page is not found even for those who may see the item.
                cases = [(name, rule.replace("<reference>", ref).replace("<other>", ref)
                          .replace("<int:flag_id>", "0")) for name, ref in items.items()]
            else:
                case_system, _ = make_api_client(session)
                cases = [(None, _webhook_sample(session, rule).replace("<int:user_id>", str(target.id))
                          .replace("<int:client_id>", str(case_system.id)))]
            assert all("<" not in path for _, path in cases), f"add a sample value for {rule}"
            for item_name, path in cases:
                response = client.open(path, method=method)
                checked += 1
                expected = _expected(role, permission, item_name, method, rule)
                if response.status_code not in expected:
                    mismatches.append((method, path, item_name, response.status_code, sorted(expected)))
                elif (response.status_code == 302 and role == "anonymous"
                      and permission not in (access.ANONYMOUS, access.SIGNING_IN)
                      and "/console/sign-in" not in response.location):
                    mismatches.append((method, path, item_name, response.location, "sign-in"))
    finally:
        session.close()
    assert mismatches == []
    assert checked >= len(ROUTES)


def test_the_walk_covers_every_role_and_item_kind():
    assert {kind for kind, _ in ITEMS.values()} == set(Kind.ALL)
    assert {r.values[0] for r in ROUTES} >= {"/console/", "/console/items/<reference>",
                                             "/console/items/<reference>/reroute", "/console/users"}
