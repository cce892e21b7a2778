"""Committed configuration defaults: no secrets here.

Order of precedence (later wins): this file, ``instance/config.py``, then ``SUPERVISION_*``
environment variables (``SUPERVISION_DATABASE_URL``, ``SUPERVISION_SECRET_KEY``,
``SUPERVISION_SMTP_HOST`` ...). See README.md, "Configuration".
"""


class Config:
    #: Consumer-sale records the demo generates and imports for 江苏 (plus production and
    #: shipments of the same models).
    DEMO_VERIFICATION_ROWS = 100_000
    #: Database URL; None means the SQLite file ``instance/supervision.sqlite``.
    DATABASE_URL: str | None = None
    #: None means "generate once into instance/secret_key".
    SECRET_KEY: str | None = None

    TIMEZONE = "Asia/Shanghai"
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh": "简体中文", "en": "English"}

    #: Serve Bootstrap from the installed Bootstrap-Flask package, never from a CDN.
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BTN_SIZE = "sm"

    #: Set SUPERVISION_HTTPS=1 behind TLS: session cookies are then sent only over HTTPS.
    HTTPS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600

    PASSWORD_MIN_LENGTH = 10
    #: werkzeug KDF; scrypt is its modern default.
    PASSWORD_HASH_METHOD = "scrypt"
    #: Failed logins allowed per account in the window; then the account waits.
    LOGIN_FAILURE_LIMIT = "5 per 15 minutes"
    #: Failed logins allowed per client address (stops one machine spraying many accounts;
    #: offices share one address, so only failures count).
    LOGIN_ADDRESS_LIMIT = "100 per 15 minutes"
    #: Flask-Limiter storage. "memory://" suits one process; with several gunicorn workers
    #: point it at a shared store (e.g. "redis://127.0.0.1:6379") so the limit holds across them.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    #: Proxies in front of the WSGI server (nginx: 1): supervision/wsgi.py then takes the
    #: client address from X-Forwarded-For. 0 trusts no forwarded header.
    PROXY_COUNT = 0

    PAGE_SIZE = 25
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024
    #: How uploaded .xlsx files are read: "calamine" (fast; holds the whole sheet in memory,
    #: about 1.5 GB per 1 000 000 rows) or "openpyxl" (streams in little memory, 13× slower).
    IMPORTS_XLSX_READER = "calamine"
    #: An .xlsx unpacking to more is refused from its zip directory, before any reader runs.
    IMPORTS_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
    #: A running import renews its heartbeat this often; a job of another machine silent for
    #: IMPORTS_STALE_SECONDS is given up (one of this machine as soon as its process is gone).
    IMPORTS_HEARTBEAT_SECONDS = 15
    IMPORTS_STALE_SECONDS = 300

    SMTP_HOST: str | None = None
    SMTP_PORT = 25
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS = False
    SMTP_SENDER = "节能监察系统 <noreply@localhost>"
    #: Seconds to wait for the mail server before a reminder counts as failed (and is retried).
    SMTP_TIMEOUT = 20
    #: SMTP over TLS from the first byte (port 465) instead of STARTTLS.
    SMTP_SSL = False

    #: Base URL used in e-mails' links (e.g. "https://jnjc.example.gov.cn").
    EXTERNAL_URL = "http://127.0.0.1:5000"
    #: Reminders of a day go out from this local hour on (nobody is mailed at midnight).
    REMINDER_SEND_FROM_HOUR = 8
    #: Working days a province has to correct a returned submission (unverified: a setting).
    FILING_CORRECTION_WORKDAYS = 5
    #: Working days after the rectification deadline by which the 回头看 is due (unverified).
    REINSPECTION_WORKDAYS = 20
    #: Days after the supervision ends within which a notice is served (DOMAIN 6.6, unverified).
    NOTICE_SERVICE_DAYS = 20
    #: The scheduler: how often it sends due reminders, and how long its lease lasts.
    SCHEDULER_REMINDER_MINUTES = 15
    SCHEDULER_LEASE_SECONDS = 120
    #: How often the scheduler fails the imports whose worker is gone.
    SCHEDULER_IMPORT_RECOVERY_SECONDS = 60

    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False


class TestConfig(Config):
    TESTING = True
    DEMO_VERIFICATION_ROWS = 200
    SECRET_KEY = "test-only-secret-key-not-for-production"
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashes keep the suite quick
    IMPORTS_INLINE = True  # imports run in the request, not in a background thread
