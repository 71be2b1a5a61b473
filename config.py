"""Settings. The only module that reads os.environ; every value has a safe default.

Development runs on embedded defaults: SQLite in instance/, a filesystem Celery
transport (a real worker, no Redis), and a Maildir mail sink readable at /dev/mail.
Production (TACENTER_ENV=production) takes its settings from the environment and
refuses to start with unsafe values (see ProductionConfig.check).
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("TACENTER_INSTANCE", BASE_DIR / "instance"))
DEV_SECRET = "dev-only-secret-key-do-not-use-in-production"  # noqa: S105 (refused in production)


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Publishing fails fast when Redis is down or stalled: the outbox row is already saved
# and the worker's sweep sends it later. (kombu would otherwise retry for seconds.)
REDIS_TRANSPORT_OPTIONS = {
    "socket_timeout": 1.0,
    "socket_connect_timeout": 1.0,
    "max_retries": 0,
    "visibility_timeout": 600,
}


def redis_url_is_protected(url: str) -> bool:
    """TLS (rediss://) or a password: a Redis anyone on the network can write to could queue
    tasks, read the login-throttle counters and flush the broker."""
    parts = urlsplit(url)
    return parts.scheme == "rediss" or bool(parts.password) or bool(parse_qs(parts.query).get("password"))


def _celery_settings(broker_url: str, transport_options: dict) -> dict:
    """Celery settings shared by every environment.

    acks_late + reject_on_worker_lost: a task whose worker dies is redelivered.
    Short socket timeouts: a stalled Redis must never block a web request.
    """
    settings = {
        "broker_url": broker_url,
        "broker_transport_options": transport_options,
        "broker_connection_timeout": 1.0,
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_publish_retry": False,
        "worker_prefetch_multiplier": 1,
        "task_time_limit": 300,
        "task_soft_time_limit": 240,
        "timezone": "UTC",
        "beat_schedule_filename": str(INSTANCE_DIR / "celerybeat-schedule"),
    }
    scheme = urlsplit(broker_url).scheme
    if scheme in ("redis", "rediss"):
        # kombu's Redis transport, except that an ack lost to a stalled Redis frees its prefetch
        # slot instead of holding it for good (why: tacenter/broker.py; R7's 95 s of nothing).
        settings["broker_transport"] = "tacenter.broker:Transport"
    if scheme == "rediss":
        # Naming the transport skips kombu's own default for the rediss scheme: verify the server.
        settings["broker_use_ssl"] = {"ssl_cert_reqs": ssl.CERT_REQUIRED}
    return settings


def _oidc_providers() -> dict[str, dict[str, str]]:
    """Single sign-on providers (docs/identity.md): TACENTER_OIDC_PROVIDERS=entra,google and, per
    name, TACENTER_OIDC_<NAME>_ISSUER, _CLIENT_ID, _CLIENT_SECRET and optionally _LABEL, _SCOPE."""
    providers = {}
    for name in os.environ.get("TACENTER_OIDC_PROVIDERS", "").split(","):
        name = name.strip().lower()
        if not name:
            continue
        prefix = f"TACENTER_OIDC_{name.upper()}_"
        providers[name] = {
            "issuer": os.environ.get(prefix + "ISSUER", "").rstrip("/"),
            "client_id": os.environ.get(prefix + "CLIENT_ID", ""),
            "client_secret": os.environ.get(prefix + "CLIENT_SECRET", ""),
            "label": os.environ.get(prefix + "LABEL", name.title()),
            "scope": os.environ.get(prefix + "SCOPE", "openid email profile"),
        }
    return providers


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'tacenter.sqlite'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL", "")
    # Without Redis a real worker still runs, on kombu's filesystem transport.
    BROKER_DIR = INSTANCE_DIR / "broker"
    CELERY = _celery_settings(
        os.environ.get("REDIS_URL") or "filesystem://",
        REDIS_TRANSPORT_OPTIONS
        if os.environ.get("REDIS_URL")
        else {
            "data_folder_in": str(INSTANCE_DIR / "broker"),
            "data_folder_out": str(INSTANCE_DIR / "broker"),
            "processed_folder": str(INSTANCE_DIR / "broker-processed"),
            "store_processed": False,
        },
    )
    # How often the worker replays notifications the broker never delivered.
    OUTBOX_SWEEP_SECONDS = int(os.environ.get("OUTBOX_SWEEP_SECONDS", "30"))
    # A row a worker claimed but never marked sent (the worker died) is retried after this.
    OUTBOX_LOCK_SECONDS = int(os.environ.get("OUTBOX_LOCK_SECONDS", "300"))
    # Waits before each retry of a refused send (the last one repeats).
    OUTBOX_BACKOFF_SECONDS = [
        int(x)
        for x in os.environ.get("OUTBOX_BACKOFF_SECONDS", "30,60,120,300,600,1200,1800,3600").split(",")
    ]

    # Webhooks (docs/api.md): each delivery waits at most WEBHOOK_TIMEOUT_SECONDS for the receiver;
    # a delivery claimed by a worker that died is retried after WEBHOOK_LOCK_SECONDS (more than the
    # timeout); refused deliveries are retried after each wait of WEBHOOK_BACKOFF_SECONDS in turn,
    # by the outbox sweep (no countdowns on the broker), then marked failed (an admin may replay).
    WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
    WEBHOOK_LOCK_SECONDS = int(os.environ.get("WEBHOOK_LOCK_SECONDS", "60"))
    WEBHOOK_BACKOFF_SECONDS = [
        int(x)
        for x in os.environ.get("WEBHOOK_BACKOFF_SECONDS", "10,30,120,600,1800,3600,7200,14400").split(",")
    ]
    # Targets on loopback, private, link-local or reserved addresses: allowed in development and
    # tests (a receiver on this machine), refused in production (SSRF) unless set explicitly.
    WEBHOOK_ALLOW_PRIVATE_TARGETS = _bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", True)
    # The JSON API's per-token rate limit (limits' notation).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/minute")

    # Reminder sweeps and digests (periodic beat jobs, see tacenter/jobs.py::periodic_jobs).
    REMINDER_SWEEP_SECONDS = int(os.environ.get("REMINDER_SWEEP_SECONDS", "60"))
    DIGEST_SWEEP_SECONDS = int(os.environ.get("DIGEST_SWEEP_SECONDS", "900"))
    # Heartbeats for /healthz: workers and beat write one this often; one older than the stale
    # limit reports "stale". The limit outlasts a task's hard time limit (300 s) on a busy
    # single-process worker, plus two periods.
    HEARTBEAT_SECONDS = int(os.environ.get("HEARTBEAT_SECONDS", "60"))
    # The worker recomputes the default dashboard and reports this often (reports/snapshots.py);
    # a page serves a snapshot younger than REPORT_SNAPSHOT_MAX_AGE, else computes its figures.
    REPORT_SNAPSHOT_SECONDS = int(os.environ.get("REPORT_SNAPSHOT_SECONDS", "120"))
    REPORT_SNAPSHOT_MAX_AGE = int(os.environ.get("REPORT_SNAPSHOT_MAX_AGE", "600"))
    HEARTBEAT_STALE_SECONDS = int(os.environ.get("HEARTBEAT_STALE_SECONDS", "420"))
    # Identity and audit (docs/audit.md): how long the audit log is kept before audit-archive
    # may remove it, and when unused accounts are warned and then deactivated.
    AUDIT_RETENTION_YEARS = int(os.environ.get("AUDIT_RETENTION_YEARS", "6"))
    INACTIVE_ACCOUNT_DAYS = int(os.environ.get("INACTIVE_ACCOUNT_DAYS", "90"))
    INACTIVE_WARNING_DAYS = int(os.environ.get("INACTIVE_WARNING_DAYS", "14"))
    ACCOUNT_SWEEP_SECONDS = int(os.environ.get("ACCOUNT_SWEEP_SECONDS", "3600"))

    # Mail: SMTP when MAIL_SERVER is set, else a local Maildir sink (development).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "TA Center <ta-center@example.org>")
    MAIL_SINK_DIR = os.environ.get("MAIL_SINK_DIR", str(INSTANCE_DIR / "mail"))
    # Mail in (docs/email-in.md): replies by email land on the request. Outgoing mail about a
    # request carries a Reply-To of MAIL_IN_ADDRESS plus a signed token (ta+<token>@...).
    MAIL_IN_ENABLED = _bool("MAIL_IN_ENABLED", True)
    MAIL_IN_ADDRESS = os.environ.get("MAIL_IN_ADDRESS", "ta@center.example")
    # No IMAP host: the inbox is this Maildir folder (the embedded default; /dev/mail writes to it).
    MAIL_IN_MAILDIR = os.environ.get("MAIL_IN_MAILDIR", str(INSTANCE_DIR / "mail-in"))
    MAIL_IN_IMAP_HOST = os.environ.get("MAIL_IN_IMAP_HOST", "")
    MAIL_IN_IMAP_PORT = int(os.environ.get("MAIL_IN_IMAP_PORT", "993"))
    MAIL_IN_IMAP_SECURITY = os.environ.get("MAIL_IN_IMAP_SECURITY", "ssl")  # ssl, starttls, none (loopback)
    MAIL_IN_IMAP_CA_FILE = os.environ.get("MAIL_IN_IMAP_CA_FILE", "")  # a private CA; default: the system's
    MAIL_IN_IMAP_USER = os.environ.get("MAIL_IN_IMAP_USER", "")
    MAIL_IN_IMAP_PASSWORD = os.environ.get("MAIL_IN_IMAP_PASSWORD", "")
    MAIL_IN_AUTH = os.environ.get("MAIL_IN_AUTH", "password")  # password or oauth2 (Microsoft 365, Google)
    MAIL_IN_OAUTH2_TOKEN_URL = os.environ.get("MAIL_IN_OAUTH2_TOKEN_URL", "")
    MAIL_IN_OAUTH2_CLIENT_ID = os.environ.get("MAIL_IN_OAUTH2_CLIENT_ID", "")
    MAIL_IN_OAUTH2_CLIENT_SECRET = os.environ.get("MAIL_IN_OAUTH2_CLIENT_SECRET", "")
    MAIL_IN_OAUTH2_REFRESH_TOKEN = os.environ.get("MAIL_IN_OAUTH2_REFRESH_TOKEN", "")
    MAIL_IN_OAUTH2_SCOPE = os.environ.get("MAIL_IN_OAUTH2_SCOPE", "")
    MAIL_IN_FOLDER = os.environ.get("MAIL_IN_FOLDER", "INBOX")
    MAIL_IN_DONE_FOLDER = os.environ.get("MAIL_IN_DONE_FOLDER", "tacenter-processed")
    MAIL_IN_TIMEOUT = float(os.environ.get("MAIL_IN_TIMEOUT", "20"))
    MAIL_IN_POLL_SECONDS = int(os.environ.get("MAIL_IN_POLL_SECONDS", "30"))
    # Messages per fetch: a batch ends well inside the task's time limit.
    MAIL_IN_BATCH = int(os.environ.get("MAIL_IN_BATCH", "50"))
    MAIL_IN_SENDER_LIMIT_PER_HOUR = int(os.environ.get("MAIL_IN_SENDER_LIMIT_PER_HOUR", "30"))
    BASE_URL = os.environ.get("BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '5000')}")
    CENTER_TIMEZONE = os.environ.get("CENTER_TIMEZONE", "America/New_York")
    # Languages of the requester side (tacenter/translations/<code>); the first is the default.
    LANGUAGES = ("en", "es")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "tacenter" / "translations")

    # Sessions: revocable on the server, idle and absolute limits.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    REMEMBER_COOKIE_HTTPONLY = True

    # Identity (docs/identity.md): single sign-on providers; passkeys' relying party (the
    # site's domain, from BASE_URL unless set); how often a second factor may be tried.
    OIDC_PROVIDERS = _oidc_providers()
    WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "")
    TWO_FACTOR_LIMIT = os.environ.get("TWO_FACTOR_LIMIT", "10 per 15 minutes")
    # Fernet keys (newest first, comma-separated) encrypting TOTP secrets at rest; unset: one
    # derived from SECRET_KEY (tacenter/twofactor/crypto.py).
    TWO_FACTOR_ENCRYPTION_KEYS = os.environ.get("TWO_FACTOR_ENCRYPTION_KEYS", "")

    # Login throttling (Flask-Limiter): per account and per address, no hard lockout.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    LOGIN_LIMIT = os.environ.get("LOGIN_LIMIT", "10 per 15 minutes")
    # "Forgot password": how long an emailed reset link works, and how often one address may ask.
    PASSWORD_RESET_MINUTES = int(os.environ.get("PASSWORD_RESET_MINUTES", "60"))
    PASSWORD_RESET_LIMIT = os.environ.get("PASSWORD_RESET_LIMIT", "3 per hour")

    # How many reverse proxies in front of the app add X-Forwarded-* headers (0: none, trust none).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # Uploads: the whole request body, each file, and the types accepted (checked from content).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(25 * 1024 * 1024)))
    MAX_FILE_BYTES = int(os.environ.get("MAX_FILE_BYTES", str(20 * 1024 * 1024)))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    ALLOWED_UPLOAD_TYPES = tuple(
        os.environ.get(
            "ALLOWED_UPLOAD_TYPES", "pdf,docx,xlsx,pptx,doc,xls,ppt,png,jpg,gif,webp,txt,csv"
        ).split(",")
    )
    # Imports of records (tacenter.records): the largest file accepted, and up to what size a
    # file is checked and written in the web request rather than by the worker.
    IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(100 * 1024 * 1024)))
    IMPORT_INLINE_BYTES = int(os.environ.get("IMPORT_INLINE_BYTES", str(512 * 1024)))
    # Where uploaded import files wait for the worker: a folder the web app and worker share.
    IMPORT_DIR = os.environ.get("IMPORT_DIR", str(INSTANCE_DIR / "imports"))
    MAX_MESSAGE_CHARS = int(os.environ.get("MAX_MESSAGE_CHARS", "20000"))

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the server-side session
    PAGE_SIZE = 25
    SHOW_DEV_MAIL = True
    # The USWDS "official website of the United States government" banner: for .gov deployments.
    SHOW_GOV_BANNER = os.environ.get("SHOW_GOV_BANNER", "1").lower() not in ("0", "false", "no")

    @classmethod
    def check(cls) -> None:
        """Raise if the settings are unsafe for this environment."""


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    SHOW_DEV_MAIL = False
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", os.environ.get("REDIS_URL", "memory://"))
    WEBHOOK_ALLOW_PRIVATE_TARGETS = _bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)

    @classmethod
    def check(cls) -> None:
        problems = []
        if not cls.SECRET_KEY or cls.SECRET_KEY == DEV_SECRET or len(cls.SECRET_KEY) < 32:
            problems.append("SECRET_KEY must be set to a random value of 32+ characters")
        if cls.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
            problems.append("DATABASE_URL must point at PostgreSQL in production")
        if not cls.REDIS_URL:
            problems.append("REDIS_URL must be set in production")
        elif not redis_url_is_protected(cls.REDIS_URL):
            problems.append("REDIS_URL must use rediss:// or carry a password in production")
        if not cls.MAIL_SERVER:
            problems.append("MAIL_SERVER must be set in production")
        for key in filter(None, (k.strip() for k in cls.TWO_FACTOR_ENCRYPTION_KEYS.split(","))):
            try:
                Fernet(key.encode())
            except ValueError:
                problems.append("TWO_FACTOR_ENCRYPTION_KEYS must list Fernet keys (32 url-safe base64 bytes)")
        for name, provider in cls.OIDC_PROVIDERS.items():
            if not provider["issuer"].startswith("https://") or not provider["client_id"]:
                problems.append(f"TACENTER_OIDC_{name.upper()}_ISSUER (https) and _CLIENT_ID must be set")
        if _bool("FLASK_DEBUG", False):
            problems.append("FLASK_DEBUG must be off in production")
        if problems:
            raise RuntimeError("Refusing to start: " + "; ".join(problems))


def get_config():
    """The settings class chosen by TACENTER_ENV (development by default)."""
    if os.environ.get("TACENTER_ENV", "development") == "production":
        return ProductionConfig
    return Config
