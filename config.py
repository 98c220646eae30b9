"""Configuration classes chosen by PORTAL_ENV (development, test, production), set from the environment."""

import os
from urllib.parse import urlsplit


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    DATABASE_URL = os.environ.get("DATABASE_URL")
    SERVICE_PROFILE = os.environ.get("SERVICE_PROFILE", "lancashire")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Host names answered (comma-separated); any other Host header gets 400, so no redirect is
    # built from a forged one. Unset in production: PUBLIC_BASE_URL's host alone.
    TRUSTED_HOSTS = [h for h in os.environ.get("TRUSTED_HOSTS", "").replace(" ", "").split(",") if h] or None
    HOSTS_FROM_PUBLIC_BASE_URL = False
    # Language codes offered, English first; each needs portal/translations/<code> (docs/languages.md).
    LANGUAGES = tuple(os.environ.get("LANGUAGES", "en,pl,ur").replace(" ", "").split(","))
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"

    # Mail: "smtp" through Flask-Mail, or "files" (one .eml per message in the instance folder).
    MAIL_TRANSPORT = os.environ.get("MAIL_TRANSPORT", "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _flag("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _flag("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_SUPPRESS_SEND = False
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "15"))
    # Texts go to <digits>@<gateway> when an email-to-SMS gateway is configured; else none.
    SMS_EMAIL_GATEWAY = os.environ.get("SMS_EMAIL_GATEWAY")
    # Replies come back to this address with a token added (replies+TOKEN@...); see docs/operations.md.
    MAIL_IN_ADDRESS = os.environ.get("MAIL_IN_ADDRESS")
    MAIL_IN_MAX_BYTES = int(os.environ.get("MAIL_IN_MAX_BYTES", str(10 * 1024 * 1024)))
    # GOV.UK Notify for texts (else SMS_EMAIL_GATEWAY): key, SMS template with a ((body)) field,
    # base URL, and the bearer token Notify sends with inbound texts.
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY")
    NOTIFY_SMS_TEMPLATE_ID = os.environ.get("NOTIFY_SMS_TEMPLATE_ID")
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_INBOUND_TOKEN = os.environ.get("NOTIFY_INBOUND_TOKEN")
    MAIL_IN_IMAP_HOST = os.environ.get("MAIL_IN_IMAP_HOST")
    MAIL_IN_IMAP_PORT = int(os.environ.get("MAIL_IN_IMAP_PORT", "993"))
    MAIL_IN_IMAP_USER = os.environ.get("MAIL_IN_IMAP_USER")
    MAIL_IN_IMAP_PASSWORD = os.environ.get("MAIL_IN_IMAP_PASSWORD")
    MAIL_IN_IMAP_SSL = os.environ.get("MAIL_IN_IMAP_SSL", "1") == "1"
    OUTBOX_POLL_SECONDS = float(os.environ.get("OUTBOX_POLL_SECONDS", "5"))

    # Answers in progress are deleted after this much inactivity.
    DRAFT_IDLE_MINUTES = int(os.environ.get("DRAFT_IDLE_MINUTES", "60"))

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _flag("RATELIMIT_ENABLED", True)
    # Off here: the headers cost the limit store two more round trips on every limited request.
    # portal.extensions.limit_headers sends them where a client reads them (the API) and
    # Retry-After on every 429.
    RATELIMIT_HEADERS_ENABLED = False
    PUBLIC_SUBMIT_LIMIT = os.environ.get("PUBLIC_SUBMIT_LIMIT", "10 per hour")
    PUBLIC_FORM_LIMIT = os.environ.get("PUBLIC_FORM_LIMIT", "300 per hour")
    # Per API client (its token), across every /api/v1 endpoint.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")

    # Every journey's longest page is a few kilobytes; a larger post is refused with its own page.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(256 * 1024)))
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH
    MAX_FORM_PARTS = int(os.environ.get("MAX_FORM_PARTS", "300"))

    WTF_CSRF_TIME_LIMIT = None
    # Strict mode also demands a same-site Referer on HTTPS posts, but Referrer-Policy:
    # no-referrer means browsers send none; the CSRF token and SameSite cookie protect forms.
    WTF_CSRF_SSL_STRICT = _flag("WTF_CSRF_SSL_STRICT", False)
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    # Webhooks to the council's case system (docs/integration.md): seconds to connect, and
    # to wait for each read of the answer; a slower receiver is a failed attempt, retried later.
    WEBHOOK_CONNECT_TIMEOUT = float(os.environ.get("WEBHOOK_CONNECT_TIMEOUT", "5"))
    WEBHOOK_READ_TIMEOUT = float(os.environ.get("WEBHOOK_READ_TIMEOUT", "5"))
    # The file drop's folder (one subfolder per area code); unset, no file drop.
    FILE_DROP_DIR = os.environ.get("FILE_DROP_DIR") or None
    READY_OUTBOX_MAX = int(os.environ.get("READY_OUTBOX_MAX", "500"))
    LOG_JSON = _flag("LOG_JSON", True)
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
    # Without Redis each process counts on its own rather than refusing every form.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    SESSION_COOKIE_NAME = "eh_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", True)
    FORCE_HTTPS = _flag("FORCE_HTTPS", True)
    REQUIRED = ("SECRET_KEY", "DATABASE_URL")
    # A jinja2.BytecodeCache shared by every app in the process, so templates compile once;
    # the tests give one (docs/testing.md), a server builds one app and needs none.
    JINJA_BYTECODE_CACHE = None
    # A function returning the current UTC time, in place of talkzone.models.utcnow: only
    # the tests set it, to freeze or move the clock (portal.clock reads it).
    CLOCK = None


def _dev_base_url() -> str:
    """Where `make run` (or `flask run` with FLASK_RUN_HOST/FLASK_RUN_PORT) serves, for links in mail."""
    host = os.environ.get("FLASK_RUN_HOST", "127.0.0.1")
    host = "localhost" if host in ("0.0.0.0", "::") else host  # noqa: S104 (a name, not a bind)
    return f"http://{host}:{os.environ.get('FLASK_RUN_PORT', '5000')}"


class DevelopmentConfig(Config):
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or _dev_base_url()
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-not-a-secret")
    MAIL_TRANSPORT = os.environ.get("MAIL_TRANSPORT", "files")
    LOG_JSON = _flag("LOG_JSON", False)
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", False)
    FORCE_HTTPS = _flag("FORCE_HTTPS", False)
    REQUIRED = ()


class TestConfig(DevelopmentConfig):
    TESTING = True
    PUBLIC_BASE_URL = Config.PUBLIC_BASE_URL
    MAIL_TRANSPORT = "smtp"
    RATELIMIT_ENABLED = False


class ProductionConfig(Config):
    # Set here, not left to Flask, which would take FLASK_DEBUG from the environment.
    DEBUG = False
    TESTING = False
    HOSTS_FROM_PUBLIC_BASE_URL = True


def derive(settings: dict) -> None:
    """Fill in the settings that follow from others, once the environment and overrides are in."""
    if settings.get("TRUSTED_HOSTS") is None and settings.get("HOSTS_FROM_PUBLIC_BASE_URL"):
        settings["TRUSTED_HOSTS"] = [urlsplit(settings["PUBLIC_BASE_URL"]).hostname]


CONFIGS = {"development": DevelopmentConfig, "test": TestConfig, "production": ProductionConfig}
