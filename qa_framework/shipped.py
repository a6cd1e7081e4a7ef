"""The frameworks shipped with the service (seed 001 §18 and §12), as migration 0002 installs them.

Data written by a migration is gone after a database is flushed (`manage.py flush`, and Django's
transactional tests, which flush after each test). `ensure_shipped_frameworks()` installs them again
from the migration's own data when missing, and does nothing when they are there; the demo loader
calls it before using them.
"""

from __future__ import annotations

import importlib

from django.apps import apps


def ensure_shipped_frameworks() -> None:
    migration = importlib.import_module("qa_framework.migrations.0002_shipped_frameworks")
    migration.ship(apps, None)
