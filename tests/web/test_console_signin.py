"""Signing in to the console: one use of a code under parallel posts, a forced change after a reset."""

from __future__ import annotations

import threading

import pyotp

from tests.factories import PASSWORD, make_user

PARALLEL = 8


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
