"""One settings file, driven by environment variables; SQLite is the zero-config default."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
# Runtime files (SQLite database, uploads) live beside the checkout, never inside the package.
VAR_DIR = Path(os.environ.get("ZHIFA_VAR_DIR", BASE_DIR.parent / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("ZHIFA_DEBUG", False)


def _secret_key() -> str:
    """ZHIFA_SECRET_KEY, or a random key kept in the var directory on first use."""
    key = os.environ.get("ZHIFA_SECRET_KEY", "")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    import secrets

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ZHIFA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("ZHIFA_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "zhifa.audit",
    "zhifa.org",
    "zhifa.registry",
    "zhifa.workdays",
    "zhifa.notifications",
    "zhifa.documents",
    "zhifa.plans",
    "zhifa.draws",
    "zhifa.compliance",
    "zhifa.discretion",
    "zhifa.inspections",
    "zhifa.supervision",
    "zhifa.training",
    "zhifa.social",
    "zhifa.review",
    "zhifa.complaints",
    "zhifa.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view (or CSRF's check) reads the body: a too-large request is refused unread.
    "zhifa.web.middleware.RequestGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a refused (locked-out) login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhifa.urls"
WSGI_APPLICATION = "zhifa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhifa.web.context_processors.navigation",
                "zhifa.notifications.context_processors.unread",
            ],
        },
    },
]

_default_sqlite = VAR_DIR / "zhifa.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("ZHIFA_DATABASE_URL", f"sqlite:///{_default_sqlite}"),
        conn_max_age=int(os.environ.get("ZHIFA_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on the busy timeout instead of failing with "database is locked" midway.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # SQLite's in-memory test database cannot be shared with the live-server thread used by
    # browser tests; a file keeps it shared.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_zhifa.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "zhifa.org.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout (django-axes): ZHIFA_LOGIN_FAILURE_LIMIT wrong passwords for one user name from
# one address lock that pair out for ZHIFA_LOGIN_LOCKOUT_MINUTES, on the login page and the admin
# alike; a successful login clears the count. An administrator lifts a lockout early in the admin
# (用户 → 解除登录锁定) or with ``zhifa unlock USERNAME``.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("ZHIFA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("ZHIFA_LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhifa.web.views.locked_out"
# The admin unlocks through zhifa's own user admin (in Chinese, audited), not axes' pages.
AXES_ENABLE_ADMIN = False
# Behind a reverse proxy, the number of proxies in front of Django, so that the client's own
# address (not the proxy's) is what a lockout is keyed by.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("ZHIFA_PROXY_COUNT", "0")) or None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Project-wide assets (house CSS, vendored htmx) live outside any app.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("ZHIFA_MEDIA_ROOT", VAR_DIR / "media"))

EMAIL_BACKEND = os.environ.get(
    "ZHIFA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)

SESSION_COOKIE_HTTPONLY = True
# Idle timeout: a session ends ZHIFA_SESSION_IDLE_MINUTES after the user's last request (each
# request saves the session and so moves its expiry on).
SESSION_COOKIE_AGE = int(os.environ.get("ZHIFA_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
# Set ZHIFA_SECURE_COOKIES=1 behind HTTPS; the demo on http://127.0.0.1 needs them off.
SESSION_COOKIE_SECURE = _env_bool("ZHIFA_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHIFA_LOG_LEVEL", "WARNING")},
}

# --- zhifa's own settings -------------------------------------------------------------------
# Working days of advance notice before an inspection; a region may override it (org.Region).
ZHIFA_NOTICE_WORKING_DAYS = int(os.environ.get("ZHIFA_NOTICE_WORKING_DAYS", "5"))
# Inspections of one enterprise per year across agencies where no region sets its own cap
# (plans.FrequencyPolicy, inherited down the region tree).
ZHIFA_YEARLY_INSPECTION_CAP = int(os.environ.get("ZHIFA_YEARLY_INSPECTION_CAP", "2"))
# Working days within which the written 补办手续 must follow an emergency oral notice.
ZHIFA_ORAL_NOTICE_MAKEUP_WORKING_DAYS = int(
    os.environ.get("ZHIFA_ORAL_NOTICE_MAKEUP_WORKING_DAYS", "3")
)
# Working days within which the supervising body answers an enterprise's objection to an
# inspection. No national rule fixes it: 5 is the platform's own default, as for complaints.
ZHIFA_OBJECTION_ANSWER_WORKING_DAYS = int(
    os.environ.get("ZHIFA_OBJECTION_ANSWER_WORKING_DAYS", "5")
)
# Days after the approved (notified) inspection date on which officers may still check in; 0:
# that date only. Before the date no check-in is accepted.
ZHIFA_CHECKIN_WINDOW_DAYS = int(os.environ.get("ZHIFA_CHECKIN_WINDOW_DAYS", "0"))
# Rows per page in list views.
ZHIFA_PAGE_SIZE = int(os.environ.get("ZHIFA_PAGE_SIZE", "25"))
# Uploads (zhifa/core/uploads.py): the largest single file (evidence, a scanned delivery receipt, a
# file to verify), and the largest request body, refused unread (413) above it.
ZHIFA_UPLOAD_MAX_MB = int(os.environ.get("ZHIFA_UPLOAD_MAX_MB", "20"))
ZHIFA_REQUEST_MAX_MB = int(os.environ.get("ZHIFA_REQUEST_MAX_MB", "60"))
# Spreadsheet imports (zhifa/core/tabular.py): the most an .xlsx may inflate to (each part, and all
# parts together), checked before the file is opened.
ZHIFA_IMPORT_MAX_UNZIPPED_MB = int(os.environ.get("ZHIFA_IMPORT_MAX_UNZIPPED_MB", "200"))
# Django's own limits: form and JSON fields held in memory (answered 413 above it), and the
# size above which an uploaded file is spooled to a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440


# Faces of official documents (文书), per role. Each ZHIFA_FONT_<ROLE> is a font family name known
# to fontconfig or the path of a font file (.ttf/.otf) — point them at the licensed official faces
# where an agency has them. Defaults: the free faces of Debian's fonts-noto-cjk and
# fonts-lxgw-wenkai (README, "文书字体").
def _document_font(role: str, family: str, weight: int) -> dict[str, object]:
    value = os.environ.get(f"ZHIFA_FONT_{role.upper()}", "").strip()
    if value.lower().endswith((".ttf", ".otf", ".ttc")) or os.sep in value:
        return {"family": Path(value).stem, "weight": 400, "file": value}
    return {"family": value or family, "weight": weight if not value else 400, "file": ""}


ZHIFA_DOCUMENT_FONTS = {
    "fangsong": _document_font("fangsong", "Noto Serif CJK SC", 400),
    "xiaobiaosong": _document_font("xiaobiaosong", "Noto Serif CJK SC", 700),
    "kaiti": _document_font("kaiti", "LXGW WenKai", 400),
    "heiti": _document_font("heiti", "Noto Sans CJK SC", 400),
}
# The address the public reaches this site at: QR codes and SMS links on documents point to
# <ZHIFA_PUBLIC_BASE_URL>/documents/v/<code>/.
ZHIFA_PUBLIC_BASE_URL = os.environ.get("ZHIFA_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# SMS backend for 短信送达 (dotted path of a class with send(mobile, message)); the default
# prints each message to the console.
ZHIFA_SMS_BACKEND = os.environ.get("ZHIFA_SMS_BACKEND", "zhifa.documents.sms.ConsoleSMSBackend")
