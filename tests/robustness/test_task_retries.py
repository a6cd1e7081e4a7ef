"""Background work that cannot be lost: every task acks late and retries passing errors.

Tasks are called eagerly (`task.apply()`, as a worker would run them, retries included) with a
dependency patched to fail; the outcome is checked in the database and on disk.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import kombu.exceptions
import pytest
import redis.exceptions
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError

from apcommission.celery import RETRY_ON, ReliableTask, app
from slas import services as sla_services
from slas.factories import signed_sla
from slas.models import ServiceLevelAgreement
from slas.tasks import render_signed_sla_pdf
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def project_tasks() -> dict:
    app.loader.import_default_modules()  # autodiscovery, as a worker does at start
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_acks_late_and_retries_database_and_broker_errors():
    tasks = project_tasks()
    assert set(tasks) >= {"tenancy.tasks.heartbeat", "notifications.tasks.deliver_notifications",
                          "slas.tasks.render_signed_sla_pdf", "escalation.tasks.sweep"}
    for name, task in tasks.items():
        assert isinstance(task, ReliableTask), name
        assert task.acks_late and task.reject_on_worker_lost, name
        assert hasattr(task, "_orig_run"), f"{name}: no automatic retry"
        for error in (OperationalError, InterfaceError, kombu.exceptions.OperationalError,
                      redis.exceptions.ConnectionError, ConnectionRefusedError):
            assert issubclass(error, tuple(task.autoretry_for)), f"{name} does not retry {error.__name__}"
        assert task.retry_backoff and task.retry_jitter, name
        assert 3 <= task.max_retries <= 10, name


@pytest.fixture
def signed(world):
    return signed_sla(school_member=world.member(K.SCHOOL, Role.AP_LEAD),
                      provider_member=world.member(K.PROVIDER, Role.PROVIDER_MANAGER), now=NOW)


@pytest.fixture
def retries(monkeypatch):
    """Every retry the SLA task asks for: (exception, countdown)."""
    task = app.tasks[render_signed_sla_pdf.name]
    seen = []
    real = task.retry

    def recording_retry(*args, **kwargs):
        seen.append((kwargs.get("exc"), kwargs.get("countdown")))
        return real(*args, **kwargs)

    monkeypatch.setattr(task, "retry", recording_retry)
    return seen


def failing(monkeypatch, times: int, error: Exception) -> list[int]:
    """sla_pdf_bytes raises `error` on its first `times` calls, then renders for real."""
    calls = []
    real = sla_services.sla_pdf_bytes

    def flaky(sla):
        calls.append(sla.pk)
        if len(calls) <= times:
            raise error
        return real(sla)

    monkeypatch.setattr(sla_services, "sla_pdf_bytes", flaky)
    return calls


def stored_pdfs() -> list[Path]:
    return sorted((Path(settings.MEDIA_ROOT) / "slas").glob("*.pdf"))


def test_sla_pdf_is_stored_once_after_a_database_error(signed, monkeypatch, retries):
    calls = failing(monkeypatch, 1, OperationalError("server closed the connection unexpectedly"))

    result = render_signed_sla_pdf.apply(args=[signed.pk])

    assert result.successful(), result.traceback
    assert len(calls) == 2  # failed once, rendered on the retry
    [(exc, countdown)] = retries
    assert isinstance(exc, OperationalError)
    assert 0 <= countdown <= render_signed_sla_pdf.retry_backoff  # first backoff, jittered
    with scopes_disabled():
        sla = ServiceLevelAgreement.objects.get(pk=signed.pk)
    assert result.get() == sla.pdf_sha256 and len(sla.pdf_sha256) == 64
    assert stored_pdfs() == [Path(settings.MEDIA_ROOT) / sla.pdf_path]

    # Delivered again (acks_late after a lost worker): nothing is rendered or stored twice.
    assert render_signed_sla_pdf.apply(args=[signed.pk]).get() == sla.pdf_sha256
    assert len(calls) == 2 and len(stored_pdfs()) == 1


def test_sla_pdf_task_gives_up_after_max_retries(signed, monkeypatch, retries):
    calls = failing(monkeypatch, 100, kombu.exceptions.OperationalError("broker unreachable"))

    result = render_signed_sla_pdf.apply(args=[signed.pk])

    assert result.failed()
    assert isinstance(result.result, kombu.exceptions.OperationalError)
    assert len(calls) == render_signed_sla_pdf.max_retries + 1
    assert len(retries) == render_signed_sla_pdf.max_retries + 1  # the last one refuses
    assert stored_pdfs() == []


def test_errors_that_will_not_pass_are_not_retried(signed, monkeypatch, retries):
    calls = failing(monkeypatch, 100, ValidationError("Only a signed SLA has a PDF."))

    result = render_signed_sla_pdf.apply(args=[signed.pk])

    assert result.failed() and isinstance(result.result, ValidationError)
    assert len(calls) == 1 and retries == []


def test_retry_on_names_the_passing_errors_only():
    assert OperationalError in RETRY_ON and kombu.exceptions.OperationalError in RETRY_ON
    assert not any(issubclass(ValidationError, e) or issubclass(ValueError, e) for e in RETRY_ON)
