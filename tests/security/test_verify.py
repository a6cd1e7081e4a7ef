"""/verify/ is public: uploads are size-limited before and while they are read, hashed in chunks,
and each client IP gets a limited number of checks per window (429 after that)."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.http import multipartparser

from apcommission import clock, uploads
from slas import services
from slas.factories import signed_sla
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


def _ip() -> str:
    """A fresh client address per test, so rate-limit counters never leak between tests."""
    n = uuid.uuid4().int
    return f"2001:db8::{n % 65536:x}:{(n >> 16) % 65536:x}"


@pytest.fixture
def signed(world):
    return signed_sla(school_member=world.member(K.SCHOOL, Role.AP_LEAD),
                      provider_member=world.member(K.PROVIDER, Role.PROVIDER_MANAGER))


@pytest.fixture
def no_hashing(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("an over-size upload must not be hashed")

    monkeypatch.setattr(uploads, "sha256_of", refuse)


@pytest.fixture
def handlers(monkeypatch):
    made = []

    class Recording(uploads.SizeLimitUploadHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(uploads, "SizeLimitUploadHandler", Recording)
    return made


def test_a_declared_over_size_upload_is_refused_before_the_body_is_read(db, client, settings, no_hashing,
                                                                        monkeypatch):
    settings.APC_VERIFY_MAX_BYTES = 100_000

    def never(*_args, **_kwargs):
        raise AssertionError("the body must not be parsed")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", never)
    big = SimpleUploadedFile("sla.pdf", b"%PDF-1.7\n" + b"0" * 1_000_000)
    response = client.post("/verify/", {"document": big}, REMOTE_ADDR=_ip())
    assert response.status_code == 413
    html = response.content.decode()
    assert "govuk-error-summary" in html and "The selected file must be smaller than 97.7KB" in html


def test_an_upload_that_grows_past_the_limit_is_stopped_while_it_streams(db, client, settings, no_hashing, handlers):
    """The declared length is within the margin (or absent or false); the handler stops reading at
    the limit instead of taking the whole file."""
    settings.APC_VERIFY_MAX_BYTES = 100_000
    size = 150_000
    response = client.post("/verify/", {"document": SimpleUploadedFile("sla.pdf", b"%PDF-1.7\n" + b"0" * size)},
                           REMOTE_ADDR=_ip())
    assert response.status_code == 413
    assert "The selected file must be smaller than" in response.content.decode()
    [handler] = handlers
    assert handler.too_large and 100_000 < handler.received < size


def test_the_handler_stops_at_the_limit():
    handler = uploads.SizeLimitUploadHandler(1000)
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(StopUpload) as caught:
        handler.receive_data_chunk(b"x" * 600, 600)
    assert caught.value.connection_reset and handler.too_large


def test_a_good_pdf_still_verifies_and_is_hashed_in_chunks(signed, client, monkeypatch):
    sla = services.sla_pdf_ensure(sla_id=signed.pk, now=clock.now())
    data = services.sla_pdf_file(sla).read_bytes()
    assert len(data) < uploads.SLA_VERIFY.max_bytes // 10  # the default limit leaves a wide margin
    calls = []
    real = uploads.sha256_of

    def spy(fileobj):
        calls.append(fileobj)
        return real(fileobj)

    monkeypatch.setattr(uploads, "sha256_of", spy)
    response = client.post("/verify/", {"document": SimpleUploadedFile("sla.pdf", data)}, REMOTE_ADDR=_ip())
    assert response.status_code == 200
    html = response.content.decode()
    assert "This PDF matches the signed record" in html and sla.pdf_sha256 in html
    assert len(calls) == 1


def test_the_next_request_over_the_limit_gets_429(db, client, settings):
    settings.APC_VERIFY_RATE_LIMIT = 3
    ip = _ip()
    for _ in range(3):
        ok = client.post("/verify/", {"document": SimpleUploadedFile("sla.pdf", b"%PDF-1.7\nnot signed")},
                         REMOTE_ADDR=ip)
        assert ok.status_code == 200 and "does not match any signed agreement" in ok.content.decode()
    limited = client.post("/verify/", {"document": SimpleUploadedFile("sla.pdf", b"%PDF-1.7\nnot signed")},
                          REMOTE_ADDR=ip)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    html = limited.content.decode()
    assert "You have checked too many files" in html and "Try again in" in html
    # Reading the page is not limited, and another client is not affected.
    assert client.get("/verify/", REMOTE_ADDR=ip).status_code == 200
    other = client.post("/verify/", {"document": SimpleUploadedFile("sla.pdf", b"%PDF-1.7\nx")}, REMOTE_ADDR=_ip())
    assert other.status_code == 200


def test_the_form_is_still_protected_against_csrf(db):
    """verify_view is csrf_exempt only so it can set its upload handlers first; the inner view checks."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/verify/")
    token = page.cookies["csrftoken"].value
    ip = _ip()
    upload = {"document": SimpleUploadedFile("sla.pdf", b"%PDF-1.7\nnot signed")}
    assert browser.post("/verify/", upload, REMOTE_ADDR=ip).status_code == 403
    upload = {"document": SimpleUploadedFile("sla.pdf", b"%PDF-1.7\nnot signed"), "csrfmiddlewaretoken": token}
    response = browser.post("/verify/", upload, REMOTE_ADDR=ip)
    assert response.status_code == 200 and "does not match any signed agreement" in response.content.decode()
