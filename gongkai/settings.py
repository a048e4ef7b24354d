"""Gongkai's one settings module. Every deployment choice comes from an environment variable
(documented in docs/configuration.md); defaults are the safe production ones."""

import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
# matplotlib (report charts) keeps its font cache here rather than in the service user's home, which a
# server account often lacks (it would otherwise rebuild the cache in a temporary directory on every start).
os.environ.setdefault("MPLCONFIGDIR", str(BASE_DIR / "var" / "matplotlib"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


def env_int_map(name: str) -> dict[str, int]:
    """"kind=30,other=7" → {"kind": 30, "other": 7} (per-kind overrides of a default table)."""
    return {key.strip(): int(number) for key, number in
            (item.split("=", 1) for item in env_list(name, []))}


# Demo mode (`make run`, tests): a throw-away key and local hosts are acceptable.
DEMO = env_bool("GONGKAI_DEMO")
DEBUG = env_bool("GONGKAI_DEBUG")

SECRET_KEY = os.environ.get("GONGKAI_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEMO:
        raise ImproperlyConfigured(
            "GONGKAI_SECRET_KEY 未设置：生产环境必须设置一个随机密钥（演示环境请设置 GONGKAI_DEMO=1）。"
        )
    SECRET_KEY = "gongkai-demo-only-insecure-key"  # noqa: S105 - demo mode only

# Keys for personal data at rest (gongkai/privacy.py); newest first. Required in production.
GONGKAI_FIELD_KEYS = env_list("GONGKAI_FIELD_KEYS", [])
if not GONGKAI_FIELD_KEYS and not DEMO:
    raise ImproperlyConfigured(
        "GONGKAI_FIELD_KEYS 未设置：生产环境必须为个人信息加密设置密钥（见 docs/configuration.md）。"
    )
# The HMAC key of identity hashes (duplicate detection, the 109号 fee count per applicant): separate from the
# Fernet keys so that rotating them never changes a hash. Unset: the former derivation, and `gongkai check`
# warns (gongkai.W011; docs/privacy.md says how to introduce it).
GONGKAI_IDENTITY_HASH_KEY = os.environ.get("GONGKAI_IDENTITY_HASH_KEY", "")

# HMAC key of the audit trail's hash chain (audit/chain.py), separate from the other keys; `gongkai check`
# fails without it in production (audit.E001). Changing it makes every earlier entry fail verification.
GONGKAI_AUDIT_CHAIN_KEY = os.environ.get("GONGKAI_AUDIT_CHAIN_KEY", "")
if not GONGKAI_AUDIT_CHAIN_KEY and DEMO:
    GONGKAI_AUDIT_CHAIN_KEY = "gongkai-demo-only-audit-chain-key"  # noqa: S105 - demo mode only

ALLOWED_HOSTS = env_list("GONGKAI_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if (DEMO or DEBUG) else [])
CSRF_TRUSTED_ORIGINS = env_list("GONGKAI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",  # Django 6's background-task API on 5.2 (docs/dependencies.md)
    "django_tasks_db",  # its database backend: the queue is a table, the worker `gongkai worker`
    "django_prose_editor",  # the document body's rich-text editor, self-hosted static files (docs/dependencies.md)
    "gongkai.deployment",  # deployment checks (`gongkai check --deploy`) and the database cache's table
    # Gongkai's domain apps (see docs/architecture.md)
    "audit",
    "orgs",
    "workdays",
    "portal",
    "workbench",
    "catalog",
    "search",  # full-text search over catalog's public documents (docs/search.md)
    "disclosure_requests",
    "appeals",
    "mailboxes",
    "rectifications",
    "consultations",
    "reports",
    "report_checkup",  # 年报体检: checks published annual reports (docs/auditor.md)
    "monitoring",
    "jobs",  # background jobs, retries, the daily schedule and the 后台任务 page (docs/operations.md §8)
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (below, docs/security.md)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # An operator's overrides (e.g. the wording of letters) come first: docs/operations.md.
        "DIRS": [*([Path(os.environ["GONGKAI_TEMPLATE_DIR"])] if os.environ.get("GONGKAI_TEMPLATE_DIR") else []),
                 BASE_DIR / "gongkai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site_identity",
                "workbench.navigation.workbench_nav",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'gongkai.sqlite3'}",
        conn_max_age=env_int("GONGKAI_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the portal read while the workbench writes; IMMEDIATE avoids lock-upgrade deadlocks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the public forms' rate-limit counters and spent human-check tokens, so every web process
# must share it: Redis when GONGKAI_REDIS_URL is set, else a table in the database (created by `gongkai
# migrate`; gongkai.cache adds an atomic incr). Demo and tests keep a per-process memory cache (one process);
# `gongkai check --deploy` refuses that with several workers or in production (gongkai/deployment/checks.py).
GONGKAI_REDIS_URL = os.environ.get("GONGKAI_REDIS_URL", "")
GONGKAI_CACHE_MAX_ENTRIES = env_int("GONGKAI_CACHE_MAX_ENTRIES", 200_000)
if GONGKAI_REDIS_URL:
    _cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": GONGKAI_REDIS_URL}
elif env_bool("GONGKAI_LOCAL_CACHE", DEMO or DEBUG):
    _cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
else:
    # Django's database cache culls a third of its rows past MAX_ENTRIES (300 by default), which would
    # forget spent tokens and reset counters: the ceiling is set far above what two hours of traffic leave.
    _cache = {"BACKEND": "gongkai.cache.DatabaseCache", "LOCATION": "gongkai_cache",
              "OPTIONS": {"MAX_ENTRIES": GONGKAI_CACHE_MAX_ENTRIES}}
CACHES = {"default": _cache}
# Sessions stay in the database (Django's default): they survive a cache flush or a Redis restart.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "workbench:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Login throttling (django-axes), by the client address of gongkai/client_address.py: an address is locked
# after GONGKAI_LOGIN_FAILURE_LIMIT failures whatever user names it tried (a password spray), and with
# GONGKAI_LOGIN_LOCK_USERNAME a user name too, from whatever addresses (a distributed guess at one account;
# but then anyone who knows a user name can lock that person out, hence off by default).
AXES_FAILURE_LIMIT = env_int("GONGKAI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("GONGKAI_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["ip_address"], *([["username"]] if env_bool("GONGKAI_LOGIN_LOCK_USERNAME") else [])]
AXES_CLIENT_IP_CALLABLE = "gongkai.client_address.client_ip"
AXES_LOCKOUT_TEMPLATE = "workbench/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions end after a period of inactivity and when the browser closes.
SESSION_COOKIE_AGE = env_int("GONGKAI_SESSION_IDLE_MINUTES", 120) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("GONGKAI_SECURE_COOKIES", not (DEMO or DEBUG))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4.x; docs/security.md): scripts and style sheets only from this site, no
# inline script anywhere. Inline style *attributes* stay allowed (style-src-attr) for the computed column widths
# of the annual report's tables; <style> elements are not (style-src-elem falls back to style-src).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # The nonce is only sent on pages that use it: the body editor's import map (catalog/document_form.html).
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Behind a reverse proxy (deploy/, docs/operations.md) -----------------------------------------------------
# How many proxies in front of the application append to X-Forwarded-For (nginx: 1). 0: REMOTE_ADDR is the
# client. The client address feeds the rate limits, the login lock-out and the audit trail.
GONGKAI_TRUSTED_PROXY_COUNT = env_int("GONGKAI_TRUSTED_PROXY_COUNT", 0)
# Trust the proxy's "X-Forwarded-Proto: https" (only when the proxy always sets it, as deploy/nginx does).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("GONGKAI_SECURE_PROXY_SSL_HEADER") else None
# HSTS: off until the site is known to stay on HTTPS (a browser remembers it for the whole period).
SECURE_HSTS_SECONDS = env_int("GONGKAI_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GONGKAI_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("GONGKAI_HSTS_PRELOAD")
# The site's public address, for links in mails (no request to build them from): https://gk.example.gov.cn
GONGKAI_SITE_URL = os.environ.get("GONGKAI_SITE_URL", "http://127.0.0.1:8000" if DEMO else "").rstrip("/")
# Web worker processes (deploy/gunicorn.conf.py reads the same variable); the deploy check needs it.
GONGKAI_WEB_WORKERS = env_int("GONGKAI_WEB_WORKERS", 4)

# --- Public forms (gongkai/public_forms.py): per-address limits in fixed windows, read at each request -----
GONGKAI_PUBLIC_RATE_WINDOW_MINUTES = env_int("GONGKAI_PUBLIC_RATE_WINDOW_MINUTES", 10)
GONGKAI_PUBLIC_SUBMISSIONS_PER_WINDOW = env_int("GONGKAI_PUBLIC_SUBMISSIONS_PER_WINDOW", 5)
GONGKAI_PUBLIC_ATTEMPTS_PER_WINDOW = env_int("GONGKAI_PUBLIC_ATTEMPTS_PER_WINDOW", 20)
GONGKAI_PUBLIC_LOOKUPS_PER_WINDOW = env_int("GONGKAI_PUBLIC_LOOKUPS_PER_WINDOW", 20)

# The 年报体检 page takes up to 100 files and says so in Chinese when more are sent; Django's own limit sits
# above it, so only an absurd request gets the generic "请求有误" page.
DATA_UPLOAD_MAX_NUMBER_FILES = 1000
# Uploads (gongkai.file_reading): a form's fields are held in memory up to 2.5 MB; files above 1 MB stream to
# a temporary file, and no file keeps more than GONGKAI_UPLOAD_MAX_MB (the largest limit of any upload point)
# while the request streams in — each upload point refuses it by size, in Chinese, before reading it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_HANDLERS = ["gongkai.file_reading.CappedUploadHandler"]
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("GONGKAI_STATIC_ROOT", BASE_DIR / "var" / "static"))  # `gongkai collectstatic` writes here
STATICFILES_DIRS = [BASE_DIR / "gongkai" / "static"]  # the project-wide stylesheet (not an app)
MEDIA_ROOT = Path(os.environ.get("GONGKAI_MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Every file the app keeps goes through this storage (no other local state but a temp dir), so an object store
# can hold them for several app servers: GONGKAI_STORAGE_BACKEND=storages.backends.s3.S3Storage (django-storages,
# installed separately) with its options as JSON in GONGKAI_STORAGE_OPTIONS (docs/operations.md).
try:
    _STORAGE_OPTIONS = json.loads(os.environ.get("GONGKAI_STORAGE_OPTIONS") or "{}")
except ValueError as _error:
    raise ImproperlyConfigured(f"GONGKAI_STORAGE_OPTIONS 不是有效的 JSON：{_error}") from None
STORAGES = {
    "default": {"BACKEND": os.environ.get("GONGKAI_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
                "OPTIONS": _STORAGE_OPTIONS},
    # Production: hashed names from `gongkai collectstatic` (cached for a year by browsers and nginx).
    # Demo and tests serve from the app folders without collectstatic, so without a manifest.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage" if (DEMO or DEBUG)
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Without collectstatic (demo, tests) WhiteNoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = DEMO or DEBUG

# --- Background jobs (jobs app, docs/operations.md §8) ---------------------------------------------------------
# "database": django-tasks-db's queue table, run by `gongkai worker` (the same database, no other server);
# "immediate": jobs run inside the caller (the tests; never behind gunicorn, it brings back the request timeouts).
GONGKAI_TASKS_BACKEND = os.environ.get("GONGKAI_TASKS_BACKEND", "database")
_TASK_BACKENDS = {"database": "django_tasks_db.DatabaseBackend",
                  "immediate": "django_tasks.backends.immediate.ImmediateBackend"}
if GONGKAI_TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"GONGKAI_TASKS_BACKEND 只能是 {', '.join(_TASK_BACKENDS)}。")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[GONGKAI_TASKS_BACKEND]}}
GONGKAI_JOB_MAX_ATTEMPTS = env_int("GONGKAI_JOB_MAX_ATTEMPTS", 3)
GONGKAI_JOB_RETRY_SECONDS = env_int("GONGKAI_JOB_RETRY_SECONDS", 60)  # then ×4 per attempt: 60 s, 4 min, 16 min
GONGKAI_JOB_STALE_MINUTES = float(os.environ.get("GONGKAI_JOB_STALE_MINUTES") or 15)  # fractions allowed (0.25: 15 s)
GONGKAI_JOB_KEEP_DAYS = env_int("GONGKAI_JOB_KEEP_DAYS", 30)
GONGKAI_SCHEDULER_INTERVAL_SECONDS = env_int("GONGKAI_SCHEDULER_INTERVAL_SECONDS", 30)
GONGKAI_SCHEDULE = dict(item.split("=", 1) for item in env_list("GONGKAI_SCHEDULE", []))  # "monitor=05:30,…"
GONGKAI_CALENDAR_CHECK_FROM = os.environ.get("GONGKAI_CALENDAR_CHECK_FROM", "12-01")
# 年报体检: wall time one report may take in the worker (reading has its own GONGKAI_FILE_TIME_BUDGET_SECONDS).
GONGKAI_CHECKUP_FILE_SECONDS = env_int("GONGKAI_CHECKUP_FILE_SECONDS", 300)
# 年报体检: each file read in a child process with these caps (report_checkup/limits.py; 0 s = in process).
GONGKAI_CHECKUP_READ_SECONDS = env_int("GONGKAI_CHECKUP_READ_SECONDS", 120)
GONGKAI_CHECKUP_READ_MEMORY_MB = env_int("GONGKAI_CHECKUP_READ_MEMORY_MB", 2048)
# 年报体检 OCR of scanned pages (report_checkup/importers/ocr.py).
GONGKAI_OCR_DPI = env_int("GONGKAI_OCR_DPI", 200)
GONGKAI_OCR_MIN_CONFIDENCE = env_int("GONGKAI_OCR_MIN_CONFIDENCE", 80)
GONGKAI_OCR_PAGE_SECONDS = env_int("GONGKAI_OCR_PAGE_SECONDS", 30)

EMAIL_BACKEND = os.environ.get("GONGKAI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("GONGKAI_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("GONGKAI_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("GONGKAI_DEFAULT_FROM_EMAIL", "gongkai@localhost")
# With GONGKAI_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (`make stack`): one file per mail here.
EMAIL_FILE_PATH = os.environ.get("GONGKAI_EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GONGKAI_LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"}},
}

# ---------------------------------------------------------------------------
# Legal parameters. Where docs/law marks a rule UNVERIFIED or INFERRED it is a setting here.
# ---------------------------------------------------------------------------
# docs/law/calendar.md §3: does the day of receipt count toward the working-day period? UNVERIFIED;
# default: no.
GONGKAI_WORKDAY_COUNT_RECEIPT_DAY = env_bool("GONGKAI_WORKDAY_COUNT_RECEIPT_DAY", False)
# docs/law/calendar.md §3, pause boundaries (INFERRED): the start day of a pause counts, the end day does not.
GONGKAI_PAUSE_COUNT_START_DAY = env_bool("GONGKAI_PAUSE_COUNT_START_DAY", True)
GONGKAI_PAUSE_COUNT_END_DAY = env_bool("GONGKAI_PAUSE_COUNT_END_DAY", False)
# 第二十六条: proactive information is published within 20 working days of being formed or changed.
GONGKAI_PROACTIVE_PUBLISH_WD = env_int("GONGKAI_PROACTIVE_PUBLISH_WD", 20)
# docs/law/proactive-disclosure.md §3, index number: the 索引号 pattern; tokens {prefix} (the agency's),
# {year}, {serial}. Immutable once assigned.
GONGKAI_INDEX_NUMBER_PATTERN = os.environ.get("GONGKAI_INDEX_NUMBER_PATTERN", "{prefix}/{year}-{serial:05d}")
# docs/law/web.md §1, interpretation at the same time: warn when a 行政规范性文件 or policy document is
# published without an interpretation.
GONGKAI_WARN_MISSING_INTERPRETATION = env_bool("GONGKAI_WARN_MISSING_INTERPRETATION", True)
# 表二 本年制发件数: whether revisions (修订) count as 制发 (上海市2022 counted them; INFERRED).
GONGKAI_T2_ISSUED_INCLUDES_REVISIONS = env_bool("GONGKAI_T2_ISSUED_INCLUDES_REVISIONS", True)
# 表二 本年废止件数: whether documents that lapse (失效) count with those repealed (废止); the format is silent.
GONGKAI_T2_REPEALED_INCLUDES_EXPIRED = env_bool("GONGKAI_T2_REPEALED_INCLUDES_EXPIRED", False)
# 依申请公开 periods (docs/law/requests.md §6, §14). The 2008 regime applies to requests received before the
# cut-over.
GONGKAI_REGIME_CUTOVER = os.environ.get("GONGKAI_REGIME_CUTOVER", "2019-05-15")
GONGKAI_REPLY_BASE_WD = {"2019": 20, "2008": 15}
GONGKAI_REPLY_MAX_EXTENSION_WD = {"2019": 20, "2008": 15}
GONGKAI_CORRECTION_NOTICE_WD = 7
GONGKAI_OPINION_WD = 15
GONGKAI_FEE_PAYMENT_WD = 20
# UNVERIFIED: whether the fee-notice → payment interval pauses the reply clock (default: it does).
GONGKAI_FEE_NOTICE_PAUSES_CLOCK = env_bool("GONGKAI_FEE_NOTICE_PAUSES_CLOCK", True)
# 国办函〔2020〕109号 tiers: (up to n, 元 each). Per item: 11–30 at 100, then +100 per further 10 (INFERRED
# reading of the 31+ band: GONGKAI_FEE_PER_ITEM_STEP). Per page: VERBATIM.
GONGKAI_FEE_PER_ITEM_FREE = 10
GONGKAI_FEE_PER_ITEM_FIRST_BAND = (30, "100")
GONGKAI_FEE_PER_ITEM_STEP = (10, "100")
GONGKAI_FEE_PER_PAGE_TIERS = [(30, "0"), (100, "10"), (200, "20"), (None, "40")]
# Reminders go to the handler this many working days before a case's due date.
GONGKAI_REMINDER_WD = env_int("GONGKAI_REMINDER_WD", 3)
# A second online submission with the same applicant and text within this many minutes is a duplicate.
GONGKAI_DUPLICATE_WINDOW_MINUTES = env_int("GONGKAI_DUPLICATE_WINDOW_MINUTES", 30)
# Year attribution of 表三/表四 (INFERRED, configurable; docs/configuration.md, 年度报告).
GONGKAI_REPORT_RECEIVED_DATE_FIELD = os.environ.get("GONGKAI_REPORT_RECEIVED_DATE_FIELD", "received_on")
GONGKAI_REPORT_CLOSED_DATE_FIELD = os.environ.get("GONGKAI_REPORT_CLOSED_DATE_FIELD", "closed_on")
# 表四: "filed_or_pending" carries a pending appeal until the year it is decided; "filed" counts the filing year only.
GONGKAI_REPORT_APPEAL_YEAR_RULE = os.environ.get("GONGKAI_REPORT_APPEAL_YEAR_RULE", "filed_or_pending")
# 领导信箱 (docs/law/letters-mailbox.md) and 意见征集 (docs/law/consultations.md); defaults and per-type
# values in mailboxes/conf.py and consultations/conf.py, overridable here: GONGKAI_LETTER_REPLY_WD,
# GONGKAI_LETTER_MAX_EXTENSION_WD, GONGKAI_LETTER_VETO_MONTHS, GONGKAI_LETTER_VETO_WARN_DAYS,
# GONGKAI_CONSULTATION_MIN_DAYS, GONGKAI_CONSULTATION_MIN_WD, GONGKAI_CONSULTATION_FEEDBACK_WD. The per-kind
# tables override only the kinds they name ("rule_draft=45,normative_doc=10").
GONGKAI_LETTER_REPLY_WD = env_int_map("GONGKAI_LETTER_REPLY_WD")
GONGKAI_LETTER_MAX_EXTENSION_WD = env_int("GONGKAI_LETTER_MAX_EXTENSION_WD", 10)
GONGKAI_LETTER_VETO_MONTHS = env_int("GONGKAI_LETTER_VETO_MONTHS", 3)
GONGKAI_LETTER_VETO_WARN_DAYS = env_int("GONGKAI_LETTER_VETO_WARN_DAYS", 30)
GONGKAI_LETTER_REMINDER_WD = env_int("GONGKAI_LETTER_REMINDER_WD", GONGKAI_REMINDER_WD)
GONGKAI_CONSULTATION_MIN_DAYS = env_int_map("GONGKAI_CONSULTATION_MIN_DAYS")
GONGKAI_CONSULTATION_MIN_WD = env_int_map("GONGKAI_CONSULTATION_MIN_WD")
GONGKAI_CONSULTATION_FEEDBACK_WD = env_int("GONGKAI_CONSULTATION_FEEDBACK_WD", 20)
# 更正申请 (docs/law/rectification.md): the 条例 sets no period; 20 working days as 第三十三条第二款.
GONGKAI_RECTIFICATION_WD = env_int("GONGKAI_RECTIFICATION_WD", 20)
# 网站监测 (monitoring/rules.py, docs/law/web.md §2).
GONGKAI_MONITOR_HOMEPAGE_DAYS = env_int("GONGKAI_MONITOR_HOMEPAGE_DAYS", 14)
GONGKAI_MONITOR_HOMEPAGE_WARN_DAYS = env_int("GONGKAI_MONITOR_HOMEPAGE_WARN_DAYS", 7)
GONGKAI_MONITOR_NEWS_DAYS = env_int("GONGKAI_MONITOR_NEWS_DAYS", 14)
GONGKAI_MONITOR_NOTICE_POLICY_MONTHS = env_int("GONGKAI_MONITOR_NOTICE_POLICY_MONTHS", 6)
GONGKAI_MONITOR_LOOKBACK_DAYS = env_int("GONGKAI_MONITOR_LOOKBACK_DAYS", 180)
GONGKAI_MONITOR_SITE_HOSTS = env_list("GONGKAI_MONITOR_SITE_HOSTS", []) or None  # None: ALLOWED_HOSTS
GONGKAI_MONITOR_TREND_RUNS = env_int("GONGKAI_MONITOR_TREND_RUNS", 10)
# 告知书 as PDF too (WeasyPrint with Debian's fonts-noto-cjk); DOCX is always produced. GONGKAI_LETTERS_PDF is
# the deprecated name (before issue 14), still read when the new one is not set.
GONGKAI_NOTICES_PDF = env_bool("GONGKAI_NOTICES_PDF", env_bool("GONGKAI_LETTERS_PDF", True))
# The applicant's side of a case (docs/configuration.md): SMS provider (a dotted path to a class with
# send(phone, text); the default only records the message in the case's notice log), and the files of a 补正
# answered online or released with a reply: size per file and number per upload.
GONGKAI_SMS_BACKEND = os.environ.get("GONGKAI_SMS_BACKEND", "disclosure_requests.sms.LogBackend")
GONGKAI_REQUEST_FILE_MAX_MB = env_int("GONGKAI_REQUEST_FILE_MAX_MB", 20)
GONGKAI_REQUEST_FILES_MAX = env_int("GONGKAI_REQUEST_FILES_MAX", 10)
# 答复告知书的救济途径 (disclosure_requests/notices.py). 《中华人民共和国行政复议法》（2023年修订，2024年1月1日起施行）
# 第二十三条第一款第（四）项: 申请政府信息公开，行政机关不予公开的，先申请行政复议（复议前置），第二款: the agency must
# say so. Whether 无法提供 / 不予处理 also count as 不予公开 is debated, hence settings (表三 row ids, comma-separated):
# default the eight 三（三） rows, plus 部分公开 (三（二）), whose letter applies it to the withheld part. Cases decided
# (closed_on) before GONGKAI_REVIEW_FIRST_FROM keep the either/or sentence (复议 60日 or 诉讼 6个月).
GONGKAI_REVIEW_FIRST_OUTCOMES = env_list("GONGKAI_REVIEW_FIRST_OUTCOMES", [
    "withheld_state_secret", "withheld_prohibited_by_law", "withheld_security_stability",
    "withheld_third_party_rights", "withheld_internal_affairs", "withheld_process_info",
    "withheld_enforcement_file", "withheld_admin_inquiry", "partially_granted"])
GONGKAI_REVIEW_FIRST_FROM = os.environ.get("GONGKAI_REVIEW_FIRST_FROM", "2024-01-01")
# Full-text search backend: "auto" is SQLite FTS5 on SQLite and the tantivy index on PostgreSQL; also "postgres",
# "tantivy", "sqlite", "like" (docs/search.md). The tantivy index lives in GONGKAI_SEARCH_INDEX_DIR: written by the
# worker, read by every web process; several app servers share it on one filesystem (docs/operations.md).
GONGKAI_SEARCH_BACKEND = os.environ.get("GONGKAI_SEARCH_BACKEND", "auto")
GONGKAI_SEARCH_INDEX_DIR = Path(os.environ.get("GONGKAI_SEARCH_INDEX_DIR", BASE_DIR / "var" / "search-index"))
# Attachments: the largest accepted upload.
GONGKAI_ATTACHMENT_MAX_MB = env_int("GONGKAI_ATTACHMENT_MAX_MB", 50)
GONGKAI_UPLOAD_MAX_MB = max(GONGKAI_ATTACHMENT_MAX_MB, 50)
# All the files of one request together (the 年报体检 page takes up to 100 files): what one request may leave in
# temporary files; nginx's client_max_body_size (deploy) is the same 200 MB.
GONGKAI_UPLOAD_REQUEST_MAX_MB = env_int("GONGKAI_UPLOAD_REQUEST_MAX_MB", 200)
# Wall time one file may take to be read (PDF in a child process that is then killed; DOCX/XLSX/OFD checked
# between parts and rows): beyond it a catalogue attachment keeps the text read so far, the auditor refuses.
GONGKAI_FILE_TIME_BUDGET_SECONDS = env_int("GONGKAI_FILE_TIME_BUDGET_SECONDS", 10)
# docs/law/proactive-disclosure.md §3, index number: 索引号 prefix defaults to the 9-digit 组织机构代码
# inside the 统一社会信用代码 ("org_code") or the whole credit code ("credit_code").
GONGKAI_INDEX_PREFIX_SOURCE = os.environ.get("GONGKAI_INDEX_PREFIX_SOURCE", "org_code")
