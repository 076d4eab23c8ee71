"""Settings for shegong, read from SHEGONG_* environment variables.

Every variable is parsed by a small ``env_*`` helper. A malformed value is not fatal here: it is
collected in ``ENV_ERRORS`` so that start-up (``shegong.cli``) and ``shegong check`` can name every
bad variable at once in Chinese and English, instead of a traceback.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent
ENV_ERRORS: list[str] = []

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    ENV_ERRORS.append(f"{name}={raw!r}: 应为布尔值 (true/false) / expected a boolean")
    return default


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        ENV_ERRORS.append(f"{name}={raw!r}: 应为整数 / expected an integer")
        return default
    if value < minimum:
        ENV_ERRORS.append(f"{name}={raw!r}: 不能小于 {minimum} / must be >= {minimum}")
        return default
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DATA_DIR = Path(env_str("SHEGONG_DATA_DIR", str(REPO_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The configured key, or one generated once into the data dir (never committed)."""
    configured = env_str("SHEGONG_SECRET_KEY")
    if configured:
        return configured
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
SECRET_KEY_FROM_ENV = bool(env_str("SHEGONG_SECRET_KEY"))
DEBUG = env_bool("SHEGONG_DEBUG", False)
ALLOWED_HOSTS = env_list("SHEGONG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("SHEGONG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "shegong.core",
    "shegong.regions",
    "shegong.web",
    "shegong.accounts",
    "shegong.notices",
    "shegong.ledger",
    "shegong.reports",
    "shegong.stations",
    "shegong.volunteers",
    "shegong.socialorgs",
    "shegong.matching",
    "shegong.deliberation",
    "shegong.grants",
    "shegong.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages, JSON and CSV gzipped (after every other middleware has written the answer).
    "shegong.core.middleware.TextGZipMiddleware",
    # Scripts and stylesheets from this site's files only, on every page.
    "shegong.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shegong.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "shegong.core.middleware.ControlCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Nothing a signed-in user (or an API token) gets is kept by a browser or proxy cache.
    "shegong.web.middleware.PrivateResponsesMiddleware",
    "shegong.accounts.middleware.SessionTouchMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "shegong.accounts.middleware.ScopeMiddleware",
    "shegong.accounts.throttle.LoginThrottleMiddleware",
    # The second factor before anything else: required for district admins and superusers,
    # asked of everyone who enrolled (docs/roles.md).
    "shegong.accounts.middleware.SecondFactorMiddleware",
    "shegong.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shegong.web.middleware.DomainErrorPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shegong.urls"
WSGI_APPLICATION = "shegong.wsgi.application"

# Django's, with the select widget drawn in Python (one template per option was most of a list
# page's time): web/renderer.py.
FORM_RENDERER = "shegong.web.renderer.FormRenderer"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shegong.web.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default (embedded, one machine); PostgreSQL when the URL says postgres://.
DATABASE_URL = env_str("SHEGONG_DATABASE_URL", f"sqlite:///{DATA_DIR / 'shegong.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
except Exception as exc:
    ENV_ERRORS.append(f"SHEGONG_DATABASE_URL={DATABASE_URL!r}: 无法解析 / cannot parse ({exc})")
    _db = dj_database_url.parse(f"sqlite:///{DATA_DIR / 'shegong.sqlite3'}", conn_max_age=600)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the writer proceed together; IMMEDIATE takes the write lock at BEGIN
    # so a read-then-write transaction waits for the busy timeout instead of failing at once
    # with "database is locked".
    _db["ENGINE"] = "shegong.core.sqlite"  # Django's, with a per-process writer queue
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-20000; "
            # The worker checkpoints (core.sqlite.base); this is the safety net.
            "PRAGMA wal_autocheckpoint=8000;"
        ),
    }
    _db["CONN_HEALTH_CHECKS"] = False
    # ":memory:" said explicitly: pytest-django recognises an in-memory test database by the
    # stock ENGINE name only, and would otherwise derive a file name per xdist worker.
    _db["TEST"] = {"NAME": env_str("SHEGONG_TEST_SQLITE_NAME") or ":memory:"}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and login policy --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# The model of the administrative tree that core's audit rows point at: core names no app,
# as Django's own apps name the user model through AUTH_USER_MODEL.
SHEGONG_REGION_MODEL = "regions.Region"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "shegong.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "shegong.accounts.passwords.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle timeout (等保 8.1.4.1 b): the cookie is renewed on every request, so it expires only
# after this many minutes without activity.
SESSION_IDLE_MINUTES = env_int("SHEGONG_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# The expiry slides: accounts.middleware.SessionTouchMiddleware re-saves at most once a minute.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SHEGONG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:
    # Served over HTTPS, TLS ended by the proxy in front: trust its scheme header, and tell
    # browsers to come back over HTTPS only (HSTS, a year by default).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SHEGONG_HSTS_SECONDS", 31_536_000, minimum=0)

# The client's address (audit rows, lockout, login throttle) is REMOTE_ADDR, unless the request
# comes from one of these proxies (addresses or networks, e.g. "127.0.0.1" for nginx on the same
# machine): then it is the right-most X-Forwarded-For entry that is not one of them. Behind
# nginx (`proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`) set this, or every
# client looks like the proxy and shares its throttle. Never list an address clients can reach
# the app from directly: they could then name any address they like.
TRUSTED_PROXIES: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
for _proxy in env_list("SHEGONG_TRUSTED_PROXIES", []):
    try:
        TRUSTED_PROXIES.append(ipaddress.ip_network(_proxy, strict=False))
    except ValueError:
        ENV_ERRORS.append(f"SHEGONG_TRUSTED_PROXIES: {_proxy!r} 不是IP地址或网段 / not an address")

# Lockout (django-axes, rows in the database, so every process sees it): 5 failures within
# 15 minutes lock the account *from that address* for 15 minutes (等保 8.1.4.1 b limits an
# account's failed attempts). Per (account, address), not per account: with a per-account lock
# anyone anywhere could lock any account, the superuser's included, with five tries, while its
# owner can still log in from their own address. A street office behind one NAT address shares
# the lock of an account tried there, nothing more.
AXES_FAILURE_LIMIT = env_int("SHEGONG_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SHEGONG_LOGIN_LOCK_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "shegong.core.net.client_ip"  # the address audit rows show
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "shegong.accounts.views.locked_out"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Throttle per client address (accounts.throttle), checked before any password is hashed: after
# this many failed logins from one address within the window, each further attempt from it
# waits SHEGONG_LOGIN_IP_DELAY_SECONDS after the latest failure, doubling with every failure,
# at most the window (429 "登录尝试过于频繁，请 N 秒后再试"). A delay, never a lock, and a
# generous count: a whole street office may share one NAT address. Counted by core.limits.
SHEGONG_LOGIN_IP_FAILURE_LIMIT = env_int("SHEGONG_LOGIN_IP_FAILURE_LIMIT", 30, minimum=1)
SHEGONG_LOGIN_IP_WINDOW_MINUTES = env_int("SHEGONG_LOGIN_IP_WINDOW_MINUTES", 15, minimum=1)
SHEGONG_LOGIN_IP_DELAY_SECONDS = env_int("SHEGONG_LOGIN_IP_DELAY_SECONDS", 5, minimum=1)

# Second factor (TOTP with recovery codes, django-otp). The issuer names the entry in the
# authenticator app; a wrong code doubles the wait before the next try (1 s, 2 s, 4 s …).
OTP_TOTP_ISSUER = "社工平台"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
# Collected by `shegong serve` (core.staticfiles.collect); SHEGONG_STATIC_ROOT puts the collection
# elsewhere (a folder shared by several checkouts, or one the front proxy reads).
STATIC_ROOT = Path(env_str("SHEGONG_STATIC_ROOT", str(DATA_DIR / "static"))).resolve()
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
STATICFILES_DIRS: list[Path] = []  # every app ships its own static/ (the shell's in web/)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Content-hashed names with .gz and .br copies once collected; the plain names until then
    # (core/staticfiles.py).
    "staticfiles": {"BACKEND": "shegong.core.staticfiles.StaticStorage"},
}
# The plain names are served from the apps' folders: before a collection, while it is stale,
# and for the few files whose references stay unhashed (Leaflet's marker images).
WHITENOISE_USE_FINDERS = True
# Only the hashed copies are compressed and kept in STATIC_ROOT (half the collection's time).
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Files a browser asks for at the site's root whatever the page says (/favicon.ico).
WHITENOISE_ROOT = BASE_DIR / "web" / "root"

# --- Background work ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("SHEGONG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "notify"],
    }
}
WORKER_HEARTBEAT_STALE_SECONDS = env_int("SHEGONG_WORKER_STALE_SECONDS", 180, minimum=10)

# --- Shared counters (rate limits, login throttle) ------------------------------------------
# Every limit is counted where all web processes see it (core.limits): in the database by
# default, in Redis when this URL is set (e.g. redis://127.0.0.1:6379/0), never in one
# process's memory. Lockouts (django-axes) are rows in the database either way.
SHEGONG_REDIS_URL = env_str("SHEGONG_REDIS_URL")
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
if SHEGONG_REDIS_URL:
    CACHES["limits"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": SHEGONG_REDIS_URL,
        "KEY_PREFIX": "shegong",
    }

# --- Shegong --------------------------------------------------------------------------------
AUDIT_RETENTION_DAYS = env_int("SHEGONG_AUDIT_RETENTION_DAYS", 184, minimum=180)
PII_KEY = env_str("SHEGONG_PII_KEY")
PII_INDEX_KEY = env_str("SHEGONG_PII_INDEX_KEY")
IDEMPOTENCY_TTL_HOURS = env_int("SHEGONG_IDEMPOTENCY_TTL_HOURS", 24, minimum=1)
# Spreadsheet imports (core.sheets): an upload is refused before it is parsed when it would
# inflate to more than this many MB, has more rows, or a used area of more cells. The defaults
# keep a check or an import under 500 MB of memory (benchmarks/import_memory.py).
SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB = env_int("SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB", 100, minimum=1)
SHEGONG_IMPORT_MAX_ROWS = env_int("SHEGONG_IMPORT_MAX_ROWS", 100_000, minimum=1)
SHEGONG_IMPORT_MAX_CELLS = env_int("SHEGONG_IMPORT_MAX_CELLS", 2_000_000, minimum=1)
# 四单: minutes a helper has to accept a dispatched order before it goes to the next candidate
# (a community may set its own in 派单设置).
SHEGONG_MATCHING_ACCEPT_MINUTES = env_int("SHEGONG_MATCHING_ACCEPT_MINUTES", 120, minimum=5)

# Deliberation (docs/deliberation.md): a community without its own settings uses these; the
# meeting kinds' quorum rules are the law's unless overridden here per kind (rules.py).
SHEGONG_DELIBERATION = {"support_threshold": 10, "answer_workdays": 5}
SHEGONG_DELIBERATION_MEETING_RULES: dict[str, dict] = {}

# Public notices (docs/notices.md): the supervision phone printed on every notice unless its
# publisher gives another, and a deployment's window per kind in days ({"grants.award": 5}).
SHEGONG_NOTICE_PHONE = env_str("SHEGONG_NOTICE_PHONE", "")
SHEGONG_NOTICE_DAYS: dict[str, int] = {}

# Community charity funds (docs/grants.md): a fund with no movement for this many days is
# flagged for winding up (休眠基金).
SHEGONG_FUND_DORMANT_DAYS = env_int("SHEGONG_FUND_DORMANT_DAYS", 365, minimum=30)
NOTIFY_CHANNELS = env_str("SHEGONG_NOTIFY_CHANNELS", "console" if DEBUG else "")
NOTIFY_RATE_PER_MINUTE = env_int("SHEGONG_NOTIFY_RATE_PER_MINUTE", 20, minimum=1)
# 随手拍 (reports): routing, objection period, duplicate search, the reporter's rate limit.
SHEGONG_REPORTS_AUTO_ROUTE = env_bool("SHEGONG_REPORTS_AUTO_ROUTE", True)
SHEGONG_REPORTS_AUTO_VERIFY_DAYS = env_int("SHEGONG_REPORTS_AUTO_VERIFY_DAYS", 3, minimum=1)
SHEGONG_REPORTS_DUPLICATE_METRES = env_int("SHEGONG_REPORTS_DUPLICATE_METRES", 50, minimum=1)
SHEGONG_REPORTS_DUPLICATE_HOURS = env_int("SHEGONG_REPORTS_DUPLICATE_HOURS", 72, minimum=1)
# At most this many submissions per reporter (or Open311 key) in 10 minutes; more → 429.
SHEGONG_REPORTS_RATE_LIMIT = env_int("SHEGONG_REPORTS_RATE_LIMIT", 10, minimum=1)
# Members whose 组织关系 is not transferred that warrant a 临时党支部 (docs/rules.md §3).
SHEGONG_TEMPORARY_BRANCH_MIN_MEMBERS = env_int("SHEGONG_TEMPORARY_BRANCH_MIN_MEMBERS", 3, minimum=1)
# A 差评 (不满意 at the 回访) must be re-handled within this many working days (Beijing: 15).
SHEGONG_REPORTS_REHANDLE_WORKDAYS = env_int("SHEGONG_REPORTS_REHANDLE_WORKDAYS", 15, minimum=1)
# Open311 jurisdiction_id (e.g. "example.gov.cn"); empty = the host name the request came to.
SHEGONG_OPEN311_JURISDICTION = env_str("SHEGONG_OPEN311_JURISDICTION", "")
# 满意率 counts each 基本满意 with this weight, 0–1 (docs/metrics.md; 1.0 = as 满意).
_weight = env_str("SHEGONG_REPORTS_BASIC_SATISFIED_WEIGHT", "1.0").strip()
try:
    SHEGONG_REPORTS_BASIC_SATISFIED_WEIGHT = float(_weight)
    if not 0 <= SHEGONG_REPORTS_BASIC_SATISFIED_WEIGHT <= 1:
        raise ValueError(_weight)
except ValueError:
    ENV_ERRORS.append(f"SHEGONG_REPORTS_BASIC_SATISFIED_WEIGHT={_weight!r}: 应为 0 到 1 的小数")
    SHEGONG_REPORTS_BASIC_SATISFIED_WEIGHT = 1.0
# Volunteers (C6): star thresholds in approved hours for 1–5 stars (DOMAIN.md 4.3; Beijing uses
# 100,200,500,800,1000), how long a new star is shown publicly, the check-in tolerance around a
# shift, and how often an activity's QR code rotates.
_stars = env_str("SHEGONG_VOLUNTEER_STAR_HOURS", "100,300,600,1000,1500")
try:
    SHEGONG_VOLUNTEER_STAR_HOURS = [int(x) for x in _stars.split(",")]
    if (
        len(SHEGONG_VOLUNTEER_STAR_HOURS) != 5
        or SHEGONG_VOLUNTEER_STAR_HOURS != sorted(set(SHEGONG_VOLUNTEER_STAR_HOURS))
        or SHEGONG_VOLUNTEER_STAR_HOURS[0] <= 0
    ):
        raise ValueError(_stars)
except ValueError:
    ENV_ERRORS.append(f"SHEGONG_VOLUNTEER_STAR_HOURS={_stars!r}: 应为 5 个递增的正整数，逗号分隔")
    SHEGONG_VOLUNTEER_STAR_HOURS = [100, 300, 600, 1000, 1500]
SHEGONG_VOLUNTEER_NEW_STAR_DAYS = env_int("SHEGONG_VOLUNTEER_NEW_STAR_DAYS", 30, minimum=1)
# 星级认定 (docs/volunteers.md §4): months registered before a star may be awarded — one number
# for every star, or five (★1–★5; Shenzhen 龙岗 2023: 6,6,12,12,12); the national scheme sets
# none (0). The hour kinds that do not count (Beijing: community staff's workday duties, school
# duty, donations), and the working days of the publicity before the award (at least 5).
_months = env_str("SHEGONG_VOLUNTEER_STAR_MIN_MONTHS", "0")
try:
    _month_values = [int(x) for x in _months.split(",")]
    if len(_month_values) == 1:
        _month_values *= 5
    if len(_month_values) != 5 or min(_month_values) < 0:
        raise ValueError(_months)
    SHEGONG_VOLUNTEER_STAR_MIN_MONTHS = _month_values
except ValueError:
    ENV_ERRORS.append(
        f"SHEGONG_VOLUNTEER_STAR_MIN_MONTHS={_months!r}: 应为 1 个或 5 个非负整数（月），逗号分隔"
    )
    SHEGONG_VOLUNTEER_STAR_MIN_MONTHS = [0, 0, 0, 0, 0]
# The values of volunteers.choices.ServiceKind that may be left out (a test keeps them equal).
STAR_SERVICE_KINDS = ("volunteer", "staff_duty", "school_duty", "donation")
SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS = env_list(
    "SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS", ["staff_duty", "school_duty", "donation"]
)
if not set(SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS) <= set(STAR_SERVICE_KINDS):
    ENV_ERRORS.append(
        f"SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS={','.join(SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS)!r}"
        f": 只能是 {','.join(STAR_SERVICE_KINDS)} 中的值，逗号分隔"
    )
    SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS = ["staff_duty", "school_duty", "donation"]
SHEGONG_VOLUNTEER_STAR_PUBLICITY_WORKDAYS = env_int(
    "SHEGONG_VOLUNTEER_STAR_PUBLICITY_WORKDAYS", 5, minimum=5
)
SHEGONG_VOLUNTEER_CHECKIN_EARLY_MINUTES = env_int(
    "SHEGONG_VOLUNTEER_CHECKIN_EARLY_MINUTES", 30, minimum=0
)
SHEGONG_VOLUNTEER_CHECKOUT_LATE_MINUTES = env_int(
    "SHEGONG_VOLUNTEER_CHECKOUT_LATE_MINUTES", 30, minimum=0
)
SHEGONG_VOLUNTEER_QR_SECONDS = env_int("SHEGONG_VOLUNTEER_QR_SECONDS", 60, minimum=15)
# The youngest age at which a person may be registered as a volunteer, computed from the ID
# number's birth date on the local date: 14 in Beijing and in 团中央's 中国注册志愿者管理办法
# (DOMAIN.md 4.1). A place that sets it lower still needs the guardian below 14 (PIPL art. 31).
SHEGONG_VOLUNTEER_MIN_AGE = env_int("SHEGONG_VOLUNTEER_MIN_AGE", 14, minimum=1)
# 民发〔2015〕149号: a certificate is preceded by an internal 公示 of at least 7 (calendar) days.
SHEGONG_VOLUNTEER_CERTIFICATE_PUBLICITY_DAYS = env_int(
    "SHEGONG_VOLUNTEER_CERTIFICATE_PUBLICITY_DAYS", 7, minimum=1
)
# 民政部令第67号: a volunteer may report an error in their record and the organisation must
# verify it; no national time limit, so 10 working days by default (a place sets its own).
SHEGONG_VOLUNTEER_DISPUTE_ANSWER_WORKDAYS = env_int(
    "SHEGONG_VOLUNTEER_DISPUTE_ANSWER_WORKDAYS", 10, minimum=1
)
# The public case map's tiles: URL templates (comma-separated, drawn in order; {s} subdomain,
# {z}/{x}/{y}, {tk} the key). 天地图 by default: CGCS2000 ≈ WGS-84, so stored points need no
# shift. Without SHEGONG_MAP_TK no tile is requested: the map shows the points on a blank ground.
SHEGONG_MAP_TK = env_str("SHEGONG_MAP_TK").strip()
SHEGONG_MAP_TILES = env_list(
    "SHEGONG_MAP_TILES",
    [
        f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        f"&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
        "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={tk}"
        for layer in ("vec", "cva")
    ],
)
# The coordinate system of those tiles: wgs84 (天地图, the default; stored points need no shift)
# or gcj02 (高德/腾讯 tiles: every point and outline is shifted on the page to match them).
SHEGONG_MAP_CRS = env_str("SHEGONG_MAP_CRS", "wgs84").strip().lower()
if SHEGONG_MAP_CRS not in ("wgs84", "gcj02"):
    ENV_ERRORS.append(f"SHEGONG_MAP_CRS={SHEGONG_MAP_CRS!r}: 应为 wgs84 或 gcj02")
    SHEGONG_MAP_CRS = "wgs84"
SITE_NAME = env_str("SHEGONG_SITE_NAME", "社工 · 基层社会工作平台")
# The big screen (大屏, /dashboard/screen/) fetches its figures again every this many seconds.
SHEGONG_DASHBOARD_SCREEN_REFRESH_SECONDS = env_int(
    "SHEGONG_DASHBOARD_SCREEN_REFRESH_SECONDS", 60, minimum=5
)

NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 200

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("SHEGONG_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # django-tasks-db announces every batch it starts and ends (two lines a second from
        # ``shegong worker``); its failures stay (ERROR), and each task's start and end are
        # the "django_tasks" logger's.
        "django_tasks_db": {"level": "WARNING"},
    },
}
