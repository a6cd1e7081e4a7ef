"""Settings for the gunicorn that `python -m bench register` starts: bench.settings plus the bare
INSERT view's URL (bench/urls.py). Never used by the app itself."""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# As production on PostgreSQL (apcommission/settings/base.py), not as the tests.
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
