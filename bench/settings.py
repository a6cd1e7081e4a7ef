"""Settings for `python -m bench`: the test settings (PostgreSQL, Redis) with production-like checks.

bench.runner sets DATABASE_URL to the benchmark's own database before Django loads this module.
"""

from apcommission.settings.test import *  # noqa: F403
from apcommission.settings.test import ALLOWED_HOSTS

DEBUG = False
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # django.test.Client's host
# As in production: roles that see pupil data need MFA (bench users are enrolled), so the
# middleware's check is part of every measured request.
APC_REQUIRE_MFA = True
WHITENOISE_AUTOREFRESH = False

import warnings  # noqa: E402

# WhiteNoise warns when STATIC_ROOT has not been collected; the benchmarks serve no static files.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
