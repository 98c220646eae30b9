"""Staff accounts: argon2 passwords, TOTP second factor, recovery codes, growing delays, sessions.

Sessions live on the server (``StaffSession``): the cookie holds a random token and the
table holds its SHA-256, so signing out, a password change or disabling an account ends
every copy of the cookie at once.

Failed attempts are counted per account and client (``SignInFailures``, ASVS 2.2.1, NIST
SP 800-63B 5.2.2): after FREE_ATTEMPTS a client must wait before its next try on that
account, twice as long after each further failure. Nobody else is held up, so guessing
cannot lock the account holder out. The count lives in the database, locked per row while
an attempt is checked, so every worker process sees it and parallel guesses queue.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from talkzone import audit
from talkzone.access import DISTRICT_TRIAGE_OFFICER, ROLES
from talkzone.models import RecoveryCode, SignInFailures, StaffSession, User, utcnow

FREE_ATTEMPTS = 5
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=1)
# Failures this old are forgotten, as if the client had not tried.
FORGET_AFTER = timedelta(days=1)
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# A sign-in half done (password right, code not yet given) expires sooner.
SIGN_IN_TIMEOUT = timedelta(minutes=10)
MIN_PASSWORD_LENGTH = 12
RECOVERY_CODES = 10
ISSUER = "Early help console"

_hasher = PasswordHasher()
_dummy_hash: list[str] = []

# The stages of a sign-in: second factor due, second factor to set up, a new password to
# choose (the administrator chose the last one), signed in.
PASSWORD, ENROL, NEW_PASSWORD, FULL = "password", "enrol", "new_password", "full"


class StaffError(ValueError):
    """A request about an account that cannot be met; ``code`` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class SignIn:
    """The outcome of a password check: the user and the session opened for the next step."""

    user: User
    token: str
    stage: str


def _dummy() -> str:
    """Checked against when the email is unknown, so a wrong email takes as long as a wrong password."""
    if not _dummy_hash:
        _dummy_hash.append(_hasher.hash(secrets.token_urlsafe(16)))
    return _dummy_hash[0]


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    """Raise StaffError("password_too_short") for a password too easy to guess."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise StaffError("password_too_short")


def create_user(session: Session, *, email: str, name: str, role: str, password: str,
                areas: list[str] | None = None, actor: User | None = None) -> User:
    """Add an account (for the caller to commit). Every account must enrol a second factor at first sign-in.

    A password an administrator (``actor``) chose must be replaced at the first sign-in.
    """
    if role not in ROLES:
        raise StaffError("unknown_role")
    if role == DISTRICT_TRIAGE_OFFICER and not areas:
        raise StaffError("areas_needed")
    check_password_rules(password)
    email = email.strip().lower()
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise StaffError("email_taken")
    user = User(email=email, name=name.strip(), role=role, areas=list(areas or []),
                password_hash=hash_password(password), is_active=True,
                totp_confirmed=False, password_changed_at=utcnow(), must_change_password=actor is not None)
    session.add(user)
    session.flush()
    audit.record(session, "user_created", actor=actor, user_id=user.id, role=role)
    return user


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _open(session: Session, user: User, stage: str, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(id=_token_id(token), user_id=user.id, stage=stage, created_at=now,
                             last_seen_at=now))
    return token


def delay_after(failures: int) -> timedelta:
    """The wait before the next attempt after this many failures in a row: none, then doubling."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** min(failures - FREE_ATTEMPTS, 12), MAX_DELAY)


def _failures(session: Session, user: User, client: str, now: datetime) -> SignInFailures:
    """This account's failures from this client, its row locked until commit so parallel tries queue."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(SignInFailures).values(user_id=user.id, client=client, count=0)
                    .on_conflict_do_nothing())
    # FOR UPDATE on PostgreSQL; on SQLite the insert above already holds the write lock.
    record = session.scalars(select(SignInFailures).where(
        SignInFailures.user_id == user.id, SignInFailures.client == client)
        .with_for_update().execution_options(populate_existing=True)).one()
    if record.last_at is not None and now - record.last_at > FORGET_AFTER:
        record.count = 0
    return record


def _must_wait(failures: SignInFailures, now: datetime) -> bool:
    return failures.count >= FREE_ATTEMPTS and now < failures.last_at + delay_after(failures.count)


def _fail(session: Session, failures: SignInFailures, now: datetime) -> None:
    failures.count += 1
    failures.last_at = now


def _check_nothing(password: str) -> None:
    """As slow as checking a real password, so a refusal cannot be told from a wrong password."""
    try:
        _hasher.verify(_dummy(), password or "")
    except VerificationError:
        pass


def sign_in(session: Session, email: str, password: str, client: str,
            now: datetime | None = None) -> SignIn | None:
    """Check email and password from a client; on success open a session for the next step.

    ``client`` identifies where the attempt comes from (a keyed hash of its address).
    Returns None for every kind of failure (unknown email, wrong password, a client still
    waiting after failures, a disabled account) so the caller cannot tell them apart.
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        _check_nothing(password)
        return None
    failures = _failures(session, user, client, now)
    if not user.is_active or _must_wait(failures, now):
        _check_nothing(password)
        audit.record(session, "sign_in_refused" if not user.is_active else "sign_in_delayed", actor=user)
        return None
    if not _is_password(user, password):
        audit.record(session, "sign_in_failed", actor=user)
        _fail(session, failures, now)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return _next_step(session, user, now)


def _next_step(session: Session, user: User, now: datetime) -> SignIn:
    """Open the session for what the sign-in still needs after a right password (committed)."""
    if user.must_change_password:
        stage = NEW_PASSWORD
    else:
        stage = PASSWORD if user.totp_confirmed else ENROL
    if stage == ENROL and not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
    token = _open(session, user, stage, now)
    return SignIn(user, token, stage)


def current(session: Session, token: str | None, now: datetime | None = None) -> StaffSession | None:
    """The live session for a cookie's token, its last-seen time moved on; None if ended.

    A session ends when revoked, idle too long, past its absolute limit, or when its
    user is disabled.
    """
    if not token:
        return None
    now = now or utcnow()
    record = session.get(StaffSession, _token_id(token))
    if record is None or record.revoked_at is not None:
        return None
    idle = IDLE_TIMEOUT if record.stage == FULL else SIGN_IN_TIMEOUT
    if (now - record.last_seen_at > idle or now - record.created_at > ABSOLUTE_TIMEOUT
            or not record.user.is_active):
        record.revoked_at = now
        return None
    record.last_seen_at = now
    return record


def revoke(session: Session, token: str | None, now: datetime | None = None) -> None:
    """End one session (sign-out)."""
    if not token:
        return
    record = session.get(StaffSession, _token_id(token))
    if record is not None and record.revoked_at is None:
        record.revoked_at = now or utcnow()
        audit.record(session, "signed_out", actor=record.user)


def _revoke_all(session: Session, user: User, now: datetime) -> None:
    session.execute(update(StaffSession)
                    .where(StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None))
                    .values(revoked_at=now))


def _use_totp(session: Session, user: User, code: str, now: datetime) -> bool:
    totp = pyotp.TOTP(user.totp_secret)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return False
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.at(candidate * totp.interval), code):
            # One conditional UPDATE decides, so of several sign-ins sent at once with the
            # same code only one moves the step on; the rest find it used (a replay).
            claimed = session.execute(
                update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                           User.totp_last_step < candidate))
                .values(totp_last_step=candidate).execution_options(synchronize_session=False))
            if claimed.rowcount != 1:
                return False
            user.totp_last_step = candidate
            return True
    return False


def _use_recovery_code(session: Session, user: User, code: str, now: datetime) -> bool:
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    found = session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _token_id(cleaned),
        RecoveryCode.used_at.is_(None)))
    if found is None:
        return False
    found.used_at = now
    audit.record(session, "recovery_code_used", actor=user)
    return True


def _code_refused(session: Session, user: User, client: str, now: datetime) -> SignInFailures | None:
    """The client's failure record if it may try a code now; None (its delay recorded) if it must wait."""
    failures = _failures(session, user, client, now)
    if _must_wait(failures, now):
        audit.record(session, "sign_in_delayed", actor=user)
        return None
    return failures


def second_factor(session: Session, token: str, code: str, client: str,
                  now: datetime | None = None) -> str | None:
    """Finish signing in with a TOTP or recovery code: a new full session's token, or None.

    The half-done session is ended and a new token issued, so a token seen before the
    second factor never becomes a signed-in one. Wrong codes count like wrong passwords.
    """
    now = now or utcnow()
    record = _code_accepted(session, token, PASSWORD, client, now, lambda user: (
        _use_totp(session, user, code, now) or _use_recovery_code(session, user, code, now)))
    if record is None:
        return None
    user = record.user
    record.revoked_at = now
    audit.record(session, "signed_in", actor=user)
    new_token = _open(session, user, FULL, now)
    return new_token


def _code_accepted(session: Session, token: str, stage: str, client: str, now: datetime,
                   accepts: Callable[[User], bool]) -> StaffSession | None:
    """The half-done session at ``stage`` if its person may try a code now and ``accepts`` it
    (their failures then cleared); None otherwise, a wrong code counted like a wrong password."""
    record = current(session, token, now)
    if record is None or record.stage != stage:
        return None
    failures = _code_refused(session, record.user, client, now)
    if failures is None:
        return None
    if not accepts(record.user):
        audit.record(session, "second_factor_failed", actor=record.user)
        _fail(session, failures, now)
        return None
    session.delete(failures)
    return record


def provisioning(user: User) -> tuple[str, str]:
    """The otpauth URI and the QR code for it as inline SVG, for enrolment."""
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#0b0c0c", light="#ffffff",
                                                 title="QR code")
    return uri, svg


def enrol(session: Session, token: str, code: str, client: str,
          now: datetime | None = None) -> tuple[str, list[str]] | None:
    """Confirm the second factor with a first code: a full session's token and recovery codes.

    The recovery codes are returned once and stored only as hashes.
    """
    now = now or utcnow()
    record = _code_accepted(session, token, ENROL, client, now,
                            lambda user: _use_totp(session, user, code, now))
    if record is None:
        return None
    user = record.user
    user.totp_confirmed = True
    codes = _new_recovery_codes(session, user)
    record.revoked_at = now
    audit.record(session, "second_factor_enrolled", actor=user)
    audit.record(session, "signed_in", actor=user)
    new_token = _open(session, user, FULL, now)
    return new_token, codes


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    for old in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                          RecoveryCode.used_at.is_(None))):
        old.used_at = utcnow()
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        session.add(RecoveryCode(user_id=user.id, code_hash=_token_id(raw)))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def _is_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def _set_password(session: Session, user: User, new_password: str, now: datetime) -> None:
    """Replace the password (rules checked, the current one refused) and end every session."""
    check_password_rules(new_password)
    if _is_password(user, new_password):
        raise StaffError("password_unchanged")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    user.must_change_password = False
    _revoke_all(session, user, now)
    audit.record(session, "password_changed", actor=user, user_id=user.id)


def change_password(session: Session, user: User, current_password: str, new_password: str,
                    now: datetime | None = None) -> str:
    """Change one's own password; every session ends and a new token is returned."""
    now = now or utcnow()
    if not _is_password(user, current_password):
        raise StaffError("wrong_password")
    _set_password(session, user, new_password, now)
    token = _open(session, user, FULL, now)
    return token


def choose_password(session: Session, token: str, new_password: str,
                    now: datetime | None = None) -> SignIn | None:
    """Replace a password an administrator chose, mid sign-in: the session for the next step.

    None if the half-done session has ended or is not at this step; StaffError for a
    password the rules refuse.
    """
    now = now or utcnow()
    record = current(session, token, now)
    if record is None or record.stage != NEW_PASSWORD:
        return None
    _set_password(session, record.user, new_password, now)
    return _next_step(session, record.user, now)


def reset_account(session: Session, admin: User, user: User, now: datetime | None = None) -> str:
    """An administrator's reset: a new one-time password and a fresh second factor to enrol.

    Returns the temporary password to pass on in person; every session of the user ends,
    and the next sign-in must replace the password before anything else.
    """
    now = now or utcnow()
    temporary = secrets.token_urlsafe(12)
    user.password_hash = hash_password(temporary)
    user.password_changed_at = now
    user.totp_secret = None
    user.totp_confirmed = False
    user.totp_last_step = None
    user.must_change_password = True
    session.execute(delete(SignInFailures).where(SignInFailures.user_id == user.id))
    for code in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                           RecoveryCode.used_at.is_(None))):
        code.used_at = now
    _revoke_all(session, user, now)
    audit.record(session, "account_reset", actor=admin, user_id=user.id)
    return temporary


def set_active(session: Session, admin: User, user: User, active: bool, now: datetime | None = None) -> None:
    """Enable or disable an account; disabling ends its sessions at once."""
    now = now or utcnow()
    if user.id == admin.id and not active:
        raise StaffError("cannot_disable_self")
    user.is_active = active
    if not active:
        _revoke_all(session, user, now)
    audit.record(session, "account_enabled" if active else "account_disabled", actor=admin,
                 user_id=user.id)


def users(session: Session) -> list[User]:
    """Every staff account, by name."""
    return list(session.scalars(select(User).order_by(User.name)))
