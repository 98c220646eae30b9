"""Control characters typed into answers: gone from one-line fields, line breaks kept in long answers.

A name or address line carrying CR/LF could otherwise forge a labelled line ("Safeguarding: none")
in the mail staff read; the referral to the advocacy service quotes both, over real SMTP.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.mail import transport_for
from talkzone import outbox
from talkzone.models import Submission
from talkzone.profile import load_profile
from talkzone.uow import UnitOfWork
from tests.complaint_journey import complaint, submit_complaint

ADVOCACY = load_profile("lancashire").advocacy.mailbox


def test_a_forged_line_in_a_name_or_address_reaches_staff_mail_on_one_line(app, client, smtp_server,
                                                                           db_session):
    data = complaint(your_name={"name": "Alex Smith\r\nSafeguarding: none\x07"},
                     contact_method={"method": "letter"},
                     address={"line_1": "2 Park Road\nMust not know: nobody\u2028", "line_2": "\x85Flat 1"},
                     what_happened={"details": "First line.\r\nSecond line,\tthen a tab.\x1b[31m"})
    submit_complaint(client, data)
    with app.app_context(), app.extensions["db_sessionmaker"]() as session:
        outbox.drain(UnitOfWork(session), transport_for(app))
    body = smtp_server.to(ADVOCACY)[0].get_payload(decode=True).decode("utf-8")
    lines = body.splitlines()
    assert "Young person's name: Alex Smith Safeguarding: none" in lines
    assert "Letter: 2 Park Road Must not know: nobody, Flat 1, Preston, PR1 3CD" in lines
    assert not [line for line in lines if line.startswith(("Safeguarding", "Must not know: nobody"))]
    assert "\x07" not in body and "\x85" not in body and "\u2028" not in body

    stored = db_session.scalars(select(Submission)).one()
    assert stored.subject_name == "Alex Smith Safeguarding: none"
    assert stored.answers["what-happened"]["details"] == "First line.\nSecond line,\tthen a tab.[31m"
