"""Internationalised addresses over real SMTP, and one message that cannot go never holds up the rest."""

from __future__ import annotations

import email
import email.policy
import logging
from contextlib import contextmanager

from sqlalchemy import select

from portal.mail import transport_for
from talkzone import access, outbox
from talkzone.models import OutboxMessage, Submission
from talkzone.uow import UnitOfWork
from testkit.factories import make_user, sign_in_as
from testkit.smtp import SMTPServer
from tests.conftest import free_port
from tests.journeys import FAMILY_ANY_TIME, answers, submit_request

LOCAL = "zoë@example.com"  # a letter outside ASCII before the @: only SMTPUTF8 carries it
DOMAIN = "jo@bücher.example"  # outside ASCII after the @: the domain goes as IDNA (punycode)
ANY_TIME = FAMILY_ANY_TIME["safety"]
OTHER_AREAS = ("preston", "burnley", "lancaster", "chorley", "preston")


def _messages(app):
    with app.extensions["db_sessionmaker"]() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _submit_all(client, email):
    """The odd one first, so it is the first of the batch; then five more families (ten mails).

    The families may be contacted at any time, so every acknowledgement is due at once.
    """
    submit_request(client, answers(contact={"email": email}, safety=ANY_TIME))
    for area in OTHER_AREAS:
        submit_request(client, answers(area={"area": area}, safety=ANY_TIME))


def _send(app) -> str:
    """``flask outbox send``, as cron runs it."""
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def _item_page(app, db_session, reference):
    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, access.DISTRICT_TRIAGE_OFFICER))
    return client.get(f"/console/items/{reference}").get_data(as_text=True)


def test_an_address_the_server_cannot_take_fails_alone_and_the_other_ten_go_in_the_same_run(
        app, client, smtp_server, db_session):
    _submit_all(client, LOCAL)
    output = _send(app)
    assert output.startswith("sent 11, to retry 0, failed 1")
    messages = _messages(app)
    [odd] = [m for m in messages if m.recipient == LOCAL]
    assert odd.status == "failed" and odd.attempts == 1
    assert "SMTPUTF8" in odd.last_error
    others = [m for m in messages if m is not odd]
    assert len(others) == 11 and {m.status for m in others} == {"sent"}
    assert sorted(smtp_server.message_ids()) == sorted(m.message_id for m in others)
    # The district still heard about this family, and staff see the family's mail failed, and why.
    item = db_session.get(Submission, odd.submission_id)
    assert len(smtp_server.to("rfs.preston@lancashire.example")) == 3
    html = _item_page(app, db_session, item.reference)
    assert 'data-event="mail_failed"' in html and "Mail failed" in html
    assert odd.last_error in html


def test_a_server_offering_smtputf8_gets_the_address_as_typed(make_app):
    server = SMTPServer(free_port(), smtputf8=True)
    server.start()
    try:
        app = make_app(MAIL_PORT=server.port)
        _submit_all(app.test_client(), LOCAL)
        assert _send(app).startswith("sent 12, to retry 0, failed 0")
        [mail] = server.to(LOCAL)
        assert server.smtputf8 == [[LOCAL]]  # only the mail that needed SMTPUTF8 used it
        assert mail["To"] == LOCAL
        assert {m.status for m in _messages(app)} == {"sent"}
    finally:
        server.stop()


def test_an_international_domain_is_delivered_to_its_punycode_form(app, client, smtp_server):
    submit_request(client, answers(contact={"email": DOMAIN}, safety=ANY_TIME))
    assert _send(app).startswith("sent 2, to retry 0, failed 0")
    [mail] = smtp_server.to("jo@xn--bcher-kva.example")
    assert mail["To"] == "jo@xn--bcher-kva.example"
    assert smtp_server.smtputf8 == []  # plain ASCII on the wire: any server takes it


class _Breaks:
    """The real SMTP transport, except that one message raises an error nobody planned for."""

    def __init__(self, transport, recipient):
        self.transport, self.recipient = transport, recipient

    @contextmanager
    def open(self):
        with self.transport.open() as send:
            def breaking(mail):
                if mail.recipient == self.recipient:
                    raise LookupError("a bug in rendering")
                send(mail)
            yield breaking


def test_a_message_that_raises_an_unexpected_error_settles_alone(app, client, smtp_server, caplog):
    _submit_all(client, "odd.one@example.com")
    with app.app_context(), app.extensions["db_sessionmaker"]() as session, \
            caplog.at_level(logging.WARNING, logger="talkzone.outbox"):
        stats = outbox.drain(UnitOfWork(session), _Breaks(transport_for(app), "odd.one@example.com"))
    assert (stats.sent, stats.retried, stats.failed) == (11, 0, 1)
    [odd] = [m for m in _messages(app) if m.recipient == "odd.one@example.com"]
    assert odd.status == "failed" and odd.claim_token is None and odd.lease_until is None
    assert "LookupError" in odd.last_error
    assert len(smtp_server.messages) == 11
    logged = [r.getMessage() for r in caplog.records]
    assert any("LookupError" in line for line in logged)
    assert not any("odd.one" in line or "@" in line for line in logged)  # no address in the logs


def test_the_development_mail_files_are_built_the_same_way(make_app, tmp_path):
    app = make_app(MAIL_TRANSPORT="files")
    app.instance_path = str(tmp_path)  # the files go here, not into the source tree
    submit_request(app.test_client(), answers(contact={"email": LOCAL}, safety=ANY_TIME))
    assert _send(app).startswith("sent 2, to retry 0, failed 0")
    files = sorted((tmp_path / "mail").glob("*.eml"))
    read = [email.message_from_bytes(f.read_bytes(), policy=email.policy.SMTPUTF8) for f in files]
    assert {"".join(m["Message-ID"].split()) for m in read} == {m.message_id for m in _messages(app)}
    assert sorted(m["To"] for m in read) == sorted(["rfs.preston@lancashire.example", LOCAL])
