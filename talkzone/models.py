"""Database models: submissions, their outbox mail, drafts in progress, staff and the audit trail."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Json = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator):
    """Stores naive UTC and always returns aware UTC, the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=UTC) if value is not None else None


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Kind:
    """The three kinds of submission."""

    REQUEST_FOR_SUPPORT = "request_for_support"
    COMPLAINT = "complaint"
    HELPLINE_CONTACT = "helpline_contact"
    ALL = (REQUEST_FOR_SUPPORT, COMPLAINT, HELPLINE_CONTACT)


class User(Base):
    """A member of staff who signs in to the console."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    areas: Mapped[list] = mapped_column(Json, default=list)
    password_hash: Mapped[str] = mapped_column(String(255))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set once the first TOTP code has been checked; until then the secret is only on offer.
    totp_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The last TOTP time step accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when an administrator chose the password (a reset or a new account): the next
    # sign-in must replace it before anything else, so only its owner knows it.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)

    # What Flask-Login asks of a signed-in user; only a live, fully signed-in session
    # yields a User (talkzone.staff.current), so a loaded one is authenticated.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """Refused: a user id in Flask's session cookie could not be revoked on the server."""
        raise NotImplementedError("staff sign in through talkzone.staff sessions, not login_user")


class Submission(Base):
    """A request for support, a complaint or a helpline contact, with its routing and workflow."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20), default="online")
    language: Mapped[str] = mapped_column(String(10), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    area_code: Mapped[str | None] = mapped_column(String(50))
    destination: Mapped[str] = mapped_column(String(254))
    answers: Mapped[dict] = mapped_column(Json)
    contact: Mapped[dict] = mapped_column(Json, default=dict)
    # Copied out of the answers so staff can search on indexed columns.
    subject_name: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    safeguarding: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why, by whom and when the flag was raised (the audit trail keeps every raise and removal).
    safeguarding_reason: Mapped[str | None] = mapped_column(Text)
    safeguarding_by_id: Mapped[int | None] = mapped_column(Integer)  # a users.id, as in the audit trail
    safeguarding_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    con_level: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(60))
    iyss_number: Mapped[str | None] = mapped_column(String(30))
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The random key of the draft it was sent from: the same draft sent twice is stored once.
    send_key: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)

    outbox: Mapped[list[OutboxMessage]] = relationship(back_populates="submission")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_submissions_inbox", "kind", "status", "created_at"),
        Index("ix_submissions_area_created", "area_code", "created_at"),
        Index("ix_submissions_postcode", "postcode"),
        Index("ix_submissions_phone", "phone"),
        Index("ix_submissions_email", "email"),
        # The console's first page per role: safeguarding first, then newest.
        Index("ix_submissions_queue", "kind", "safeguarding", "created_at", "id"),
        Index("ix_submissions_all_queue", "safeguarding", "created_at", "id"),
        Index("ix_submissions_area_queue", "kind", "area_code", "safeguarding", "created_at", "id"),
        Index("ix_submissions_assigned", "assigned_to_id", "created_at"),
        Index("ix_submissions_due", "kind", "due_on"),
        # The reports: a date range read from the index alone, with every column they group by.
        Index("ix_submissions_report", "created_at", "kind", "area_code", "channel", "outcome", "con_level"),
    )


class OutboxMessage(Base):
    """A mail waiting to go, or gone: claimed under a lease, retried with backoff."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    purpose: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Outside the person's safe times a message is held until the next safe window opens.
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The address a reply comes back to: it names the item by a random token, nothing else.
    reply_to: Mapped[str | None] = mapped_column(String(254))

    submission: Mapped[Submission | None] = relationship(back_populates="outbox")

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)


class Draft(Base):
    """Answers to a public journey in progress, kept on the server and not in the cookie.

    One browser session has one random token and a draft per journey under it, so quick
    exit can delete them all at once.
    """

    __tablename__ = "drafts"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    journey: Mapped[str] = mapped_column(String(40), primary_key=True)
    answers: Mapped[dict] = mapped_column(Json, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # A random key per draft, stored on the submission it becomes (Submission.send_key).
    send_key: Mapped[str | None] = mapped_column(String(64), default=lambda: secrets.token_urlsafe(32))


class AuditEvent(Base):
    """One thing that happened to a record, or was seen: append-only."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(Json, default=dict)


class SignInFailures(Base):
    """Failed sign-in attempts on one account from one client since its last full sign-in.

    They slow that client down for that account with growing delays; nobody else is held
    up, so failures cannot lock the account holder out. ``client`` is a keyed hash of the
    client's address, never the address itself.
    """

    __tablename__ = "sign_in_failures"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StaffSession(Base):
    """A staff member's signed-in session, held on the server so it can be ended there.

    The cookie carries a random token; only its SHA-256 is stored, so the table alone
    cannot be used to sign in. ``stage`` is "password" (second factor still due),
    "enrol" (second factor still to be set up) or "full".
    """

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20), default="full")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class RecoveryCode(Base):
    """A one-use code that stands in for the second factor; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Note(Base):
    """An internal note on an item, seen only by staff."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text)

    author: Mapped[User | None] = relationship()


class CallbackAttempt(Base):
    """One try at calling someone back, and what happened."""

    __tablename__ = "callback_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    result: Mapped[str] = mapped_column(String(30))
    # "call" or "text"; None on attempts logged before staff recorded which.
    method: Mapped[str | None] = mapped_column(String(10))
    outside_safe_window: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(500))

    actor: Mapped[User | None] = relationship()


# Byte order on both databases, so a prefix is a plain index range whatever the server's locale.
_Term = String(200).with_variant(String(200, collation="C"), "postgresql")


class SearchTerm(Base):
    """One normalised word an item can be found by: kind letter, colon, word ("n:hart", "p:pr1").

    Kept in step with the item on every write (talkzone.search_terms), so every kind of
    console search is an index range on ``term`` on SQLite and PostgreSQL alike.
    """

    __tablename__ = "search_terms"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    term: Mapped[str] = mapped_column(_Term, primary_key=True)

    __table_args__ = (Index("ix_search_terms_term", "term", "submission_id"),)


class CallbackWindowRow(Base):
    """A helpline contact's chosen call back window, copied out of its contact details.

    Kept in step with the item (talkzone.callbacks_due) so the "callbacks due now" queue is
    an index range on the window's end.
    """

    __tablename__ = "callback_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_callback_windows_open", "ends_at", "starts_at", "submission_id"),)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_events_are_append_only(_mapper, _connection, target):
    raise PermissionError(f"audit event {target.id} is append-only: it cannot be changed or removed")


class ReplyAddress(Base):
    """A random token in a plus-address (helpline+TOKEN@...) that leads a reply to its item."""

    __tablename__ = "reply_addresses"

    token: Mapped[str] = mapped_column(String(40), primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InboundMessage(Base):
    """A message received (mail over LMTP or IMAP, or a text), kept raw as it arrived.

    The raw bytes are stored before the sender is told the message was accepted; what it is
    (a reply, an auto-reply, a bounce, a new contact) is worked out afterwards.
    """

    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    via: Mapped[str] = mapped_column(String(10))
    message_id: Mapped[str | None] = mapped_column(String(300), unique=True)
    recipients: Mapped[list] = mapped_column(Json, default=list)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    kind: Mapped[str] = mapped_column(String(20), default="unprocessed")
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    bounced_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"))
    sender: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list] = mapped_column(Json, default=list)
    problem: Mapped[str | None] = mapped_column(String(60))


class CannedResponse(Base):
    """A reply administrators wrote once, in one language, with {named} placeholders."""

    __tablename__ = "canned_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookSubscription(Base):
    """A council system told of events on items: signed POSTs to its URL (talkzone.webhooks)."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list] = mapped_column(Json, default=list)
    # A Standard Webhooks secret ("whsec_" and base64): the portal must sign with it, so it is kept.
    secret: Mapped[str] = mapped_column(String(100))
    # Whether a payload carries the item as staff may see it, not just its reference and link.
    include_item: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    """One event for one subscription: an outbox row (its retries, backoff and webhook-id) and its answer."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id"), index=True)
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    # The receiver's last HTTP status code (None: never answered).
    status_code: Mapped[int | None] = mapped_column(Integer)

    message: Mapped[OutboxMessage] = relationship()


class ApiClient(Base):
    """A council case system that reads items over /api/v1, scoped like a staff role.

    Only the SHA-256 of its token is kept; the token itself is shown once, when made.
    ``role`` and ``areas`` mean what they mean for a member of staff (talkzone.access).
    """

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(40))
    areas: Mapped[list] = mapped_column(Json, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:
        """What talkzone.access asks of a user: a revoked client sees nothing."""
        return self.revoked_at is None


class Handoff(Base):
    """What the council's case system said about an item it was handed: accepted or declined."""

    __tablename__ = "handoffs"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(500))
    case_id: Mapped[str | None] = mapped_column(String(100))
    allocated_worker: Mapped[str | None] = mapped_column(String(200))
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_handoffs_status", "status"),)


# The API's list pages through items in the order they last changed (cursor on updated_at, id);
# a district case system's list reads its own district's range.
Index("ix_submissions_changed", Submission.updated_at, Submission.id)
Index("ix_submissions_area_changed", Submission.kind, Submission.area_code, Submission.updated_at,
      Submission.id)


class ReportCount(Base):
    """How many items arrived on a UK day with this kind, area, safeguarding flag and one reported value.

    Kept in step with the items by ``talkzone.rollup`` in the same flush that changes them;
    ``dimension`` "all" counts every item once (value ""), the others each reported field; "m:..."
    and "w:..." count the same per month and per week (``day``: the month's first day, or Monday).
    """

    __tablename__ = "report_counts"

    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(50), primary_key=True)
    safeguarding: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    value: Mapped[str] = mapped_column(String(60), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class ItemLink(Base):
    """Two items staff found to be from the same person, linked both ways (lower id first).

    The unique pair means two members of staff linking the same items at once make one link.
    """

    __tablename__ = "item_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("first_id", "second_id", name="uq_item_links_pair"),)


class ItemMerge(Base):
    """A duplicate closed as merged into its original; its own timeline stays with it.

    The duplicate is the primary key, so an item is merged once however many try at once.
    """

    __tablename__ = "item_merges"

    duplicate_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PersonFlag(Base):
    """A warning about a person ("abusive contact"), shown on every item that shares one of its keys.

    The keys are search terms (``t:`` phone, ``e:`` email, ``b:`` name with date of birth) in
    ``person_flag_keys``; a flag past ``expires_on`` or removed is no longer shown.
    """

    __tablename__ = "person_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    expires_on: Mapped[date | None] = mapped_column(Date)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_reason: Mapped[str | None] = mapped_column(Text)


class PersonFlagKey(Base):
    """One key a person flag is found by."""

    __tablename__ = "person_flag_keys"

    flag_id: Mapped[int] = mapped_column(ForeignKey("person_flags.id"), primary_key=True)
    key: Mapped[str] = mapped_column(_Term, primary_key=True)

    __table_args__ = (Index("ix_person_flag_keys_key", "key", "flag_id"),)
