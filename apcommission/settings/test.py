"""Test settings: PostgreSQL and Redis on 127.0.0.1 (started by scripts/test if down)."""

import os

# One database name per test process, so parallel runs (xdist workers, two checkouts) never
# destroy each other's test database. pytest-django creates and drops test_<name>.
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/apcommission_{os.getpid()}")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 30)

from .base import *  # noqa: E402,F403
from .base import CACHES, DATABASES  # noqa: E402

DATABASES["default"]["CONN_MAX_AGE"] = 0  # tests create and drop databases: keep no connection open
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's PostgreSQL backend, but a transactional test's flush DELETEs instead of TRUNCATEing
    # every table (~3 s → ~0.1 s a flush): tests/pgtest/base.py says why that empties the same way.
    DATABASES["default"]["ENGINE"] = "tests.pgtest"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Browser tests type a TOTP code the test computed a moment earlier; on a slow shared CI machine the
# server may check it in the next 30-second period. Production keeps allauth's tolerance of 0:
# allauth remembers a used code for one period only, so accepting neighbouring periods there would
# let a seen code be replayed for another minute.
MFA_TOTP_TOLERANCE = 1
