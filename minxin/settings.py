"""Django settings for Minxin. Every deployment-specific value comes from the environment.

See docs/operations.md for the list of variables.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from minxin.env import (
    database_config,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    random_key,
    secret_key_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MINXIN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# Without SECRET_KEY, a key is generated once into var/secret_key (one-machine installs);
# a key that is set must be long enough.
SECRET_KEY = env_str("SECRET_KEY", "") or secret_key_file(VAR_DIR / "secret_key")
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")
# Identifiers (ID numbers, phones) are stored sealed (core.sealing, docs/operations.md "Keys"): the
# identifier keys (<id>:<base64>, comma-separated, the current one first) and the lookup key. Without
# them in the environment, they are generated once into var/ (one-machine installs, the demo).
MINXIN_IDENTIFIER_KEYS = env_str("MINXIN_IDENTIFIER_KEYS", "") or secret_key_file(
    VAR_DIR / "identifier_keys", make=lambda: f"k1:{random_key()}")
MINXIN_LOOKUP_KEY = env_str("MINXIN_LOOKUP_KEY", "") or secret_key_file(VAR_DIR / "lookup_key", make=random_key)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", ["http://127.0.0.1:8000", "http://localhost:8000"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "axes",
    "django_tasks",
    "django_tasks_db",
    "minxin.core",
    "minxin.regions",
    "minxin.accounts",
    "minxin.ledger",
    "minxin.cadres",
    "minxin.registry",
    "minxin.fieldwork",
    "minxin.fieldapp",
    "minxin.disputes",
    "minxin.rooms",
    "minxin.fund",
    "minxin.party",
    "minxin.reports",
    "minxin.assessment",
    "minxin.demo",  # `minxin demo`: loads the demo county
]

MIDDLEWARE = [
    "minxin.core.requestlog.RequestIdMiddleware",
    "minxin.core.middleware.ApiErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "minxin.core.clientip.ClientAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "minxin.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "minxin.core.middleware.NulByteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "minxin.core.middleware.SecurityHeadersMiddleware",
    "minxin.core.middleware.NoStoreMiddleware",
    "minxin.core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "minxin.urls"
WSGI_APPLICATION = "minxin.wsgi.application"
ASGI_APPLICATION = "minxin.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "minxin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minxin.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_config(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'minxin.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id first (OWASP's first choice: memory-hard, so a stolen hash costs a GPU more to guess), and
# ~40 % less CPU a sign-in than PBKDF2's 1,000,000 rounds on the 2-core test machine
# (docs/decisions.md); a PBKDF2 hash made before is still accepted and re-made with Argon2 at the next
# sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# The client's address: X-Forwarded-For is read only from these proxies (addresses or networks,
# e.g. "127.0.0.1,10.0.0.0/8"); rate limits, the login lockout and the audit log use it (core.clientip).
MINXIN_TRUSTED_PROXIES = env_list("MINXIN_TRUSTED_PROXIES", [])

# "default" caches the dashboard's figures per process (correct with any number of workers: see
# docs/operations.md). "shared" holds what every worker process must agree on — rate limits —: the
# database (table minxin_cache, created by migrate) unless REDIS_URL names a Redis server.
REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": ({"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                "KEY_PREFIX": "minxin"} if REDIS_URL else
               {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "minxin_cache",
                "OPTIONS": {"MAX_ENTRIES": 100_000}}),  # rate-limit counters: Django's 300 would cull them
}

# django-axes: lock an account+address pair after repeated failures.
AXES_CLIENT_IP_CALLABLE = "minxin.core.clientip.client_ip"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False  # no banner on every command's start (cron mail), no user agents in the lockout log

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "minxin.core.views.csrf_failure"  # the app's own page (and the API's JSON error)
# HTTPS, for a deployment behind a TLS-terminating proxy (docs/operations.md, "Production environment").
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes on loopback speak plain HTTP
# Trust the proxy's X-Forwarded-Proto: only when nginx sets it (and strips any the client sent).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER", False) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "minxin" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "minxin" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = True  # serve straight from the source folders too (no collectstatic needed in dev)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Logs go to standard error, as text or one JSON object per line (LOG_FORMAT=json, for a collector);
# every record carries the request's id (core.requestlog). At INFO each request writes one line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "minxin.core.requestlog.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "pythonjsonlogger.json.JsonFormatter", "timestamp": "time",
                 "fmt": "%(levelname)s %(name)s %(request_id)s %(message)s",
                 "rename_fields": {"levelname": "level", "name": "logger"}},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": env_choice("LOG_FORMAT", "text", ["text", "json"])}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "warning",
                                                          ["debug", "info", "warning", "error", "critical"]).upper()},
}
# The background worker's heartbeat (core.health): written this often; /readyz fails without one this recent.
MINXIN_WORKER_BEAT_SECONDS = env_int("MINXIN_WORKER_BEAT_SECONDS", 30, minimum=1)
MINXIN_WORKER_STALE_SECONDS = env_int("MINXIN_WORKER_STALE_SECONDS", 120, minimum=2)

# --- Minxin's own settings -------------------------------------------------------------------
# The county this installation serves (GB/T 2260 code, 12-digit form).
MINXIN_COUNTY_CODE = env_str("MINXIN_COUNTY_CODE", "520627000000")
# Insurance expiring within this many days is flagged ahead of time.
MINXIN_INSURANCE_WARNING_DAYS = env_int("MINXIN_INSURANCE_WARNING_DAYS", 30, minimum=0)
# Leave longer than this many days needs the county's approval (SPEC §4.1).
MINXIN_LEAVE_TOWNSHIP_MAX_DAYS = env_int("MINXIN_LEAVE_TOWNSHIP_MAX_DAYS", 3, minimum=1)
# Household imports (SPEC §6): limits that refuse huge or malicious files before they are read.
MINXIN_IMPORT_MAX_FILE_BYTES = env_int("MINXIN_IMPORT_MAX_FILE_BYTES", 200 * 1024 * 1024, minimum=1024)
MINXIN_IMPORT_MAX_ROWS = env_int("MINXIN_IMPORT_MAX_ROWS", 1_000_000, minimum=10)
# An .xlsx is a zip: the sum of its declared uncompressed sizes, and each member's compression ratio.
MINXIN_IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("MINXIN_IMPORT_MAX_UNCOMPRESSED_BYTES", 1536 * 1024 * 1024,
                                               minimum=1024)
MINXIN_IMPORT_MAX_ZIP_RATIO = env_int("MINXIN_IMPORT_MAX_ZIP_RATIO", 200, minimum=2)
# The spreadsheet reader allocates a sheet's whole used rectangle (32 bytes a cell, empty or not):
# a sheet whose declared or used range passes MAX_ROWS (+ the header), these columns or these cells
# is refused before it is loaded. A county sheet is ~600,000 rows × 27 columns (16 million cells).
MINXIN_IMPORT_MAX_COLUMNS = env_int("MINXIN_IMPORT_MAX_COLUMNS", 200, minimum=30)
MINXIN_IMPORT_MAX_CELLS = env_int("MINXIN_IMPORT_MAX_CELLS", 40_000_000, minimum=10_000)
# A workbook is loaded in a child process limited to this address space and CPU time: a file that
# still explodes fails its import, not the worker or the command line.
MINXIN_IMPORT_MAX_MEMORY_BYTES = env_int("MINXIN_IMPORT_MAX_MEMORY_BYTES", 3 * 1024**3, minimum=256 * 1024**2)
MINXIN_IMPORT_READ_CPU_SECONDS = env_int("MINXIN_IMPORT_READ_CPU_SECONDS", 600, minimum=10)
# A background job (import or export) still "running" whose heartbeat is older than this was cut
# off by a crash or restart: it is failed and its files deleted (minxin db_worker's start, each job's
# start, `minxin purge-files`).
MINXIN_JOB_STALE_MINUTES = env_int("MINXIN_JOB_STALE_MINUTES", 10, minimum=1)
# Exports of up to this many households are written during the request (a few seconds); larger
# ones by the background worker, with a progress bar and a download link.
MINXIN_EXPORT_INLINE_MAX_HOUSEHOLDS = env_int("MINXIN_EXPORT_INLINE_MAX_HOUSEHOLDS", 3000, minimum=0)
# Export files and import reports (they hold names and ID numbers) are deleted by `minxin purge-files`
# this many days after their job finished.
MINXIN_FILE_RETENTION_DAYS = env_int("MINXIN_FILE_RETENTION_DAYS", 7, minimum=1)

# --- field work (SPEC §4.1, §4.3) ------------------------------------------------------------
# Days a resident cadre must spend in the village each month (presence, from dated records).
MINXIN_REQUIRED_DAYS_PER_MONTH = env_int("MINXIN_REQUIRED_DAYS_PER_MONTH", 20, minimum=0)
# GPS check-in: off by default (national rules on reducing grass-roots burden); when off, no UI.
MINXIN_GPS_CHECKIN = env_bool("MINXIN_GPS_CHECKIN", False)
# A synced record made (device time) or dated more than this many hours before it reached the
# server is flagged as possibly back-dated.
MINXIN_SYNC_LATE_HOURS = env_int("MINXIN_SYNC_LATE_HOURS", 72, minimum=1)
MINXIN_SYNC_MAX_RECORDS = env_int("MINXIN_SYNC_MAX_RECORDS", 1000, minimum=1)
MINXIN_PHOTO_MAX_BYTES = env_int("MINXIN_PHOTO_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
MINXIN_PHOTOS_PER_VISIT = env_int("MINXIN_PHOTOS_PER_VISIT", 6, minimum=1)
# Villager requests not answered within this many days are flagged overdue.
MINXIN_REQUEST_OVERDUE_DAYS = env_int("MINXIN_REQUEST_OVERDUE_DAYS", 7, minimum=1)
# The to-do inbox: a villager's need is due for follow-up this many days after it was raised, and an
# appeal is due for the county's decision this many days after it was filed.
MINXIN_NEED_FOLLOW_UP_DAYS = env_int("MINXIN_NEED_FOLLOW_UP_DAYS", 30, minimum=1)
MINXIN_APPEAL_DECIDE_DAYS = env_int("MINXIN_APPEAL_DECIDE_DAYS", 10, minimum=1)
# A dispute's mediation normally concludes within a month (calendar days from its report), and a
# to-do item counts as due this many days before its deadline.
MINXIN_DISPUTE_DAYS = env_int("MINXIN_DISPUTE_DAYS", 30, minimum=1)
MINXIN_TODO_SOON_DAYS = env_int("MINXIN_TODO_SOON_DAYS", 7, minimum=0)
# The menu's to-do count is kept this long per user (0: counted on every page), dropped when the user acts.
MINXIN_TODO_COUNT_SECONDS = env_int("MINXIN_TODO_COUNT_SECONDS", 30, minimum=0)
# A dispute counts as reported early (早报告) when reported within this many days of being found.
MINXIN_DISPUTE_EARLY_DAYS = env_int("MINXIN_DISPUTE_EARLY_DAYS", 3, minimum=0)
# The liaison rooms (干群连心室, SPEC §4.5), in whole yuan: each room's yearly working fund, paid by
# city : county : sending unit in the ratio of MINXIN_ROOM_SPLIT (due by the end of the month
# MINXIN_ROOM_DUE_MONTH of its year), the provincial subsidy once per room, the county's
# construction budget (the amount its allotment form starts from); the semi-annual grade thresholds
# are the lowest total scores (of 100) of 好, 较好 and 一般 — below the last is 较差.
MINXIN_ROOM_WORKING_FUND = env_int("MINXIN_ROOM_WORKING_FUND", 10000, minimum=1)
MINXIN_ROOM_SPLIT = [int(part) for part in env_list("MINXIN_ROOM_SPLIT", ["2", "3", "5"])]
MINXIN_ROOM_DUE_MONTH = env_int("MINXIN_ROOM_DUE_MONTH", 6, minimum=1)
MINXIN_ROOM_SUBSIDY = env_int("MINXIN_ROOM_SUBSIDY", 20000, minimum=0)
MINXIN_ROOM_CONSTRUCTION_BUDGET = env_int("MINXIN_ROOM_CONSTRUCTION_BUDGET", 1300000, minimum=0)
MINXIN_ROOM_GRADES = [int(part) for part in env_list("MINXIN_ROOM_GRADES", ["90", "75", "60"])]
# The precision poverty-alleviation fund (精准扶贫基金, SPEC §4.6): applications and decisions are
# posted publicly for MINXIN_FUND_NOTICE_DAYS; an expert panel of MINXIN_FUND_PANEL_SIZE (odd)
# scores each application, aggregated by the mean or the trimmed mean (without the highest and
# lowest score when there are at least 5); a grant is paid in tranches — advance, on completion,
# after acceptance — the percentages of MINXIN_FUND_TRANCHES, the last one the retention; the
# county's target share of productive (造血) money; and the negative list of 财农〔2017〕8号: words that
# refuse a budget line that contains one.
MINXIN_FUND_NOTICE_DAYS = env_int("MINXIN_FUND_NOTICE_DAYS", 10, minimum=0)
MINXIN_FUND_PANEL_SIZE = env_int("MINXIN_FUND_PANEL_SIZE", 5, minimum=1)
MINXIN_FUND_AGGREGATE = env_choice("MINXIN_FUND_AGGREGATE", "trimmed", ["mean", "trimmed"])
MINXIN_FUND_TRANCHES = [int(part) for part in env_list("MINXIN_FUND_TRANCHES", ["50", "40", "10"])]
MINXIN_FUND_PRODUCTIVE_TARGET = env_int("MINXIN_FUND_PRODUCTIVE_TARGET", 70, minimum=0)
MINXIN_FUND_NEGATIVE_LIST = env_list("MINXIN_FUND_NEGATIVE_LIST", [
    "行政", "办公经费", "会议费", "差旅", "招待", "车辆", "汽车", "用车", "公车", "交通工具", "手机", "通讯费", "话费", "楼堂馆所",
    "办公楼", "办公用房", "偿还债务", "还债", "还贷", "债务", "企业亏损", "弥补亏损"])
# The village party branch (基层党建, SPEC §4.8). The development pipeline's time rules, by version:
# a case follows the version in force on the day it was opened (the latest whose "from" is not
# after its application) and keeps it. Days are calendar days, "notice_workdays" Monday–Friday.
# The county corrects these values here; a new revision is a new key, never an edit of an old one.
MINXIN_PARTY_RULES = {
    "2014": {"from": "2014-06-10", "title": "中国共产党发展党员工作细则（2014）", "min_age": 18, "talk_days": 30,
             "activist_months": 12, "review_months": 6, "sponsors": 2, "training_hours": 24, "notice_workdays": 5,
             "approval_months": 3, "probation_months": 12},
    "2026": {"from": "2026-01-01", "title": "发展党员工作细则（2026 年修订，县委组织部执行口径）", "min_age": 18,
             "talk_days": 30, "activist_months": 12, "review_months": 6, "sponsors": 2, "training_hours": 32,
             "notice_workdays": 7, "approval_months": 3, "probation_months": 12},
}
# The weak-branch early warning (软弱涣散五级预警): each rule that fires adds its points; the level is
# the highest of MINXIN_PARTY_WARNING_LEVELS whose threshold the points reach (1–5; 0 = no warning),
# and never lower than a manual flag's. Villager satisfaction is the latest survey's share.
MINXIN_PARTY_WARNING_LEVELS = [int(part) for part in env_list("MINXIN_PARTY_WARNING_LEVELS", ["1", "2", "3", "5", "7"])]
MINXIN_PARTY_WARNING_RULES = {
    "secretary_vacant": {"points": 3, "months": 3},
    "no_life": {"points": 3, "months": 3},
    "no_target": {"points": 1, "years": 2},
    "petitions": {"points": 2, "count": 3, "days": 90},
    "last_assessed": {"points": 2},
    "satisfaction": {"points": 2, "below": 60},
}
# Rectification acceptance: the lowest score, and the largest share of "dissatisfied" villagers.
MINXIN_PARTY_ACCEPT_SCORE = env_int("MINXIN_PARTY_ACCEPT_SCORE", 70, minimum=0)
MINXIN_PARTY_FOLLOW_UP_MONTHS = env_int("MINXIN_PARTY_FOLLOW_UP_MONTHS", 12, minimum=1)
# The public request page (liaison-card QR): hits per client address per window, and body size.
MINXIN_PUBLIC_RATE_LIMIT = env_int("MINXIN_PUBLIC_RATE_LIMIT", 30, minimum=1)
MINXIN_PUBLIC_RATE_WINDOW = env_int("MINXIN_PUBLIC_RATE_WINDOW", 600, minimum=1)
MINXIN_PUBLIC_MAX_BODY_BYTES = env_int("MINXIN_PUBLIC_MAX_BODY_BYTES", 16 * 1024, minimum=1024)
# The address printed in the liaison cards' QR codes (e.g. https://minxin.example.gov.cn); empty =
# the address the printing page was opened with.
MINXIN_PUBLIC_BASE_URL = env_str("MINXIN_PUBLIC_BASE_URL", "")

# The dashboard's figures are counted again after every change to the records (0). A county whose
# cadres sync all day may let them be up to this many seconds older than the records: the dashboard
# then counts at most that often and says when it counted (bench/RESULTS.md, the load test).
MINXIN_DASHBOARD_STALE_SECONDS = env_int("MINXIN_DASHBOARD_STALE_SECONDS", 0, minimum=0)

# --- maps ------------------------------------------------------------------------------------
# An optional tile server for the interactive map (e.g. an intranet tile service); empty = no
# tiles, the map draws village outlines only. The origin is added to the CSP img-src.
MINXIN_TILE_URL = env_str("MINXIN_TILE_URL", "")
MINXIN_TILE_ATTRIBUTION = env_str("MINXIN_TILE_ATTRIBUTION", "")
MINXIN_TILE_ORIGIN = env_str("MINXIN_TILE_ORIGIN", "")
# {key} in the URL takes MINXIN_TILE_KEY (天地图's browser key, tk=…: it is sent to browsers, so use
# a key restricted to this site's domain), {s} one of MINXIN_TILE_SUBDOMAINS (天地图: 01234567).
MINXIN_TILE_KEY = env_str("MINXIN_TILE_KEY", "")
MINXIN_TILE_SUBDOMAINS = env_str("MINXIN_TILE_SUBDOMAINS", "")
# The tiles' coordinate system: wgs84 (天地图 and GIS servers; CGCS2000 is within centimetres of it)
# or gcj02 (the offset system of most Chinese street maps). Households' coordinates are GPS
# (WGS-84) and are shifted onto gcj02 tiles in the browser, never in the database.
MINXIN_TILE_CRS = env_choice("MINXIN_TILE_CRS", "wgs84", ["wgs84", "gcj02"])
if MINXIN_TILE_URL and not MINXIN_TILE_ORIGIN:
    raise ImproperlyConfigured("MINXIN_TILE_URL is set: set MINXIN_TILE_ORIGIN (e.g. https://tiles.example) too.")

# --- privacy (SPEC §1) ------------------------------------------------------------------------
# Searches by ID number per user and window (seconds): each is logged; past the limit, a 429.
MINXIN_ID_SEARCH_LIMIT = env_int("MINXIN_ID_SEARCH_LIMIT", 30, minimum=1)
MINXIN_ID_SEARCH_WINDOW = env_int("MINXIN_ID_SEARCH_WINDOW", 600, minimum=1)
# Full ID numbers checked per user and window by roles that may not reveal (data entry: a typed
# number is checked against the registry; a guessing attack is stopped, and its hits logged).
MINXIN_ID_CHECK_LIMIT = env_int("MINXIN_ID_CHECK_LIMIT", 200, minimum=1)
