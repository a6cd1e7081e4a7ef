"""The log of an ordinary 403 is one line; an error keeps its traceback (apcommission/log_filters.py)."""

from __future__ import annotations

import logging

from django.urls import reverse

from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role


def test_a_403_logs_one_line_without_a_traceback(world, login, caplog):
    client = login(world.user(K.SCHOOL, Role.HEADTEACHER))
    url = reverse("oversight:area_list", kwargs={"org": world.org(K.SCHOOL).slug})  # an LA's page
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(url).status_code == 403
    forbidden = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in forbidden] == [f"Forbidden (Permission denied): {url}"]
    assert "Traceback" not in caplog.text


def test_an_error_on_django_request_keeps_its_traceback(caplog):
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("django.request").error("Internal Server Error: /x", exc_info=True)
    assert "Traceback" in caplog.text and "RuntimeError: boom" in caplog.text
