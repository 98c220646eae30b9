"""A Request for Support made in Polish is acknowledged in Polish over real SMTP; staff mail stays English."""

from __future__ import annotations

from email.header import decode_header, make_header

from babel.dates import format_date
from sqlalchemy import select

from talkzone.models import Submission
from tests.journeys import answers, deliver_within_a_week, submit_request


def deliver(app):
    return deliver_within_a_week(app)  # the safe times in the answers hold acknowledgements


def subject_and_body(message) -> tuple[str, str]:
    subject = str(make_header(decode_header(message["Subject"])))
    part = message.get_body(("plain",)) if hasattr(message, "get_body") else None
    part = part or (message.get_payload(0) if message.is_multipart() else message)
    body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return subject, body


def test_polish_family_receives_its_acknowledgement_in_polish(app, client, smtp_server, db_session):
    client.get("/?lang=pl")  # the switcher's link: the choice is kept in the lang cookie
    data = answers(contact={"channels": ["call", "email"], "phone": "07700 900123",
                            "email": "jo@example.com"})
    page = submit_request(client, data).get_data(as_text=True)
    assert "Wniosek wysłany" in page
    stored = db_session.scalars(select(Submission)).one()
    assert stored.language == "pl"
    deliver(app)

    received = smtp_server.to("jo@example.com")
    assert len(received) == 1
    subject, body = subject_and_body(received[0])
    assert subject == f"Mamy twój wniosek o wsparcie: {stored.reference}"
    assert f"Dziękujemy za prośbę o wsparcie. Twój numer referencyjny to {stored.reference}." in body
    due = format_date(stored.due_on, "EEEE d MMMM y", locale="pl")
    assert f"Twój wniosek zostanie przydzielony pracownikowi do {due}." in body
    assert "Jeśli komuś grozi bezpośrednie niebezpieczeństwo, zadzwoń pod 999." in body
    assert "Thank you" not in body and "allocated" not in body

    # The district's mailbox is read by staff: their notification is in the service's language.
    staff = smtp_server.to("rfs.preston@lancashire.example")
    assert len(staff) == 1
    staff_subject, staff_body = subject_and_body(staff[0])
    assert staff_subject.startswith(f"New request for support {stored.reference}")
    assert "A new request for support has arrived" in staff_body


def test_urdu_acknowledgement_is_written_in_urdu(app, client, smtp_server, db_session):
    client.get("/?lang=ur")
    submit_request(client)
    deliver(app)
    subject, body = subject_and_body(smtp_server.to("jo@example.com")[0])
    reference = db_session.scalars(select(Submission)).one().reference
    assert subject == f"ہمیں آپ کی مدد کی درخواست مل گئی ہے: {reference}"
    assert "مدد مانگنے کا شکریہ۔" in body
