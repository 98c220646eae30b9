"""Signing in to the console: one use of a code under parallel posts, a forced change after a reset."""

from __future__ import annotations

import re
import threading

import pyotp

from talkzone.access import ADMINISTRATOR, HELPLINE_ADVISER
from testkit.factories import PASSWORD, make_user, sign_in_as

PARALLEL = 8
UNCHANGED = "Your new password must be different from your current password"


def _client(app, address="127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _post_password(client, email, password=PASSWORD):
    return client.post("/console/sign-in", data={"email": email, "password": password})


def _is_signed_in(client) -> bool:
    return client.get("/console/").status_code == 200


def test_one_code_posted_by_parallel_sign_ins_is_accepted_exactly_once(app, db_session):
    user = make_user(db_session)
    # Each sign-in comes from its own client, so nothing but the code's single use stands between them.
    clients = [_client(app, f"10.0.0.{n}") for n in range(1, PARALLEL + 1)]
    for client in clients:
        assert _post_password(client, user.email).location.endswith("/console/sign-in/code")
    code = pyotp.TOTP(user.totp_secret).now()
    start = threading.Barrier(PARALLEL)
    statuses = []

    def post(client):
        start.wait()
        response = client.post("/console/sign-in/code", data={"code": code})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * (PARALLEL - 1) + [302]
    assert sum(_is_signed_in(client) for client in clients) == 1


def _reset(app, db_session, user) -> str:
    admin_client = app.test_client()
    sign_in_as(admin_client, db_session, make_user(db_session, ADMINISTRATOR))
    page = admin_client.post(f"/console/users/{user.id}/reset").page
    return page.find(attrs={"data-temporary-password": True}).get_text()


def test_after_a_reset_a_new_password_is_needed_before_any_console_page(app, db_session):
    user = make_user(db_session, HELPLINE_ADVISER)
    temporary = _reset(app, db_session, user)
    client = app.test_client()
    response = _post_password(client, user.email, temporary)
    assert response.location.endswith("/console/sign-in/new-password")
    for path in ("/console/", "/console/account/password", "/console/sign-in/set-up",
                 "/console/sign-in/code"):
        assert "/console/sign-in" in client.get(path).location, f"{path} was served before the change"
    assert not _is_signed_in(client)
    page = client.get("/console/sign-in/new-password").get_data(as_text=True)
    assert "Choose a new password" in page
    # The temporary password itself, or anything too short, is refused with a clear message.
    page = client.post("/console/sign-in/new-password", data={"new": temporary}).get_data(as_text=True)
    assert UNCHANGED in page and "<title>Error:" in page
    page = client.post("/console/sign-in/new-password", data={"new": "short"}).get_data(as_text=True)
    assert "at least 12 characters" in page
    new_password = "a passphrase only I know"
    response = client.post("/console/sign-in/new-password", data={"new": new_password})
    assert response.location.endswith("/console/sign-in/set-up")
    assert not _is_signed_in(client), "the second factor is still to be set up"
    db_session.expire_all()
    secret = db_session.get(type(user), user.id).totp_secret
    done = client.post("/console/sign-in/set-up", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and _is_signed_in(client)
    # The administrator's temporary password no longer opens the account; the new one does.
    assert _post_password(app.test_client(), user.email, temporary).status_code == 200
    response = _post_password(app.test_client(), user.email, new_password)
    assert response.location.endswith("/console/sign-in/code")


def test_an_account_an_administrator_made_must_choose_its_own_password_at_first_sign_in(app, db_session):
    admin_client = app.test_client()
    sign_in_as(admin_client, db_session, make_user(db_session, ADMINISTRATOR))
    response = admin_client.post("/console/users/new", data={
        "email": "new.adviser@council.example", "name": "New Adviser", "role": HELPLINE_ADVISER,
        "password": "chosen by the administrator"})
    assert response.status_code == 302
    client = app.test_client()
    response = _post_password(client, "new.adviser@council.example", "chosen by the administrator")
    assert response.location.endswith("/console/sign-in/new-password")


def test_changing_to_the_current_password_is_refused(app, db_session):
    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session))
    page = client.post("/console/account/password", data={"current": PASSWORD, "new": PASSWORD})
    assert page.status_code == 200 and UNCHANGED in page.get_data(as_text=True)


def test_passwords_are_stored_as_argon2id_hashes_with_strong_parameters(app, db_session):
    client = app.test_client()
    user = make_user(db_session)
    sign_in_as(client, db_session, user)
    new_password = "a passphrase to be hashed"
    assert client.post("/console/account/password",
                       data={"current": PASSWORD, "new": new_password}).status_code == 302
    db_session.expire_all()
    stored = db_session.get(type(user), user.id).password_hash
    found = re.fullmatch(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+", stored)
    assert found, f"not an argon2id hash: {stored[:20]}"
    memory, time_cost, _ = map(int, found.groups())
    # OWASP's password storage minimum for argon2id: 19 MiB of memory and 2 iterations.
    assert memory >= 19 * 1024 and time_cost >= 2
    assert new_password not in stored


def test_sign_in_issues_a_new_session_token_and_never_adopts_one_planted_before(app, db_session):
    user = make_user(db_session)
    client = app.test_client()
    planted = "a-token-an-attacker-set-in-the-browser"
    client.set_cookie("eh_staff", planted, path="/console")
    assert _post_password(client, user.email).status_code == 302
    half = client.get_cookie("eh_staff", path="/console").value
    assert half != planted
    response = client.post("/console/sign-in/code", data={"code": pyotp.TOTP(user.totp_secret).now()})
    assert response.location.endswith("/console/")
    full = client.get_cookie("eh_staff", path="/console").value
    assert full not in (planted, half) and _is_signed_in(client)
    for old in (planted, half):
        other = app.test_client()
        other.set_cookie("eh_staff", old, path="/console")
        assert not _is_signed_in(other)
