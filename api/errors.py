"""The API's exception handler (settings.REST_FRAMEWORK["EXCEPTION_HANDLER"])."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from apcommission.errors import Refusal


def exception_handler(exc, context):
    """DRF's handler, plus the project's refusals: a ValidationError or Refusal from a service is a
    400 with its messages (field errors where it has them), Django's 403 and 404 are JSON."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Refusal):
        problems = [str(p) for p in getattr(exc, "problems", [])] or [str(exc) or "This could not be done."]
        exc = exceptions.ValidationError({"non_field_errors": problems})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)
