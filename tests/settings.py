"""Test settings: the real settings against real PostgreSQL and Redis, plus a test-only case app."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789")
os.environ.setdefault("DEBUG", "0")

from township.settings import *  # noqa: E402,F403
from township.settings import INSTALLED_APPS, REDIS_URL  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "tests.casework_app"]

# Each xdist worker gets its own Redis database so in-process Celery workers never take each other's tasks.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_db_index = 1 + int(_worker.removeprefix("gw") or 0)
REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + f"/{_db_index}"
CACHES = {
    "default": {
        "BACKEND": "township.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"test-{_worker}",
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-media-")
NOTIFY_OUTBOX_DIR = tempfile.mkdtemp(prefix="portal-outbox-")
NOTIFY_RETRY_BASE_SECONDS = 0
SITE_URL = "http://testserver"
LANGUAGE_CODE = "zh-hans"

# Separate test databases for test runs started side by side (e.g. PORTAL_TEST_DB=calendar).
if os.environ.get("PORTAL_TEST_DB"):
    DATABASES["default"]["TEST"] = {"NAME": f"test_portal_{os.environ['PORTAL_TEST_DB']}"}  # noqa: F405
STATIC_ROOT = tempfile.mkdtemp(prefix="portal-static-")
