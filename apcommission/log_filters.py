"""Filters for the LOGGING setting.

Django logs every PermissionDenied on `django.request` as a warning *with the exception's traceback*
(django.core.handlers.exception.response_for_exception). A 403 is an ordinary answer here (a
person following a link to something their role does not allow), so the traceback is noise in
production's log: the filter keeps the one line ("Forbidden (Permission denied): /path") and drops
the traceback. Errors (5xx) keep theirs.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class ForbiddenWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
