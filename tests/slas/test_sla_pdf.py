import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from apcommission import clock
from slas import services
from tenancy.models import AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_signed_pdf_has_parties_clauses_signatures_and_hash(signed, school_lead, provider_manager):
    sla = services.sla_pdf_ensure(sla_id=signed.pk, now=clock.now())
    data = services.sla_pdf_file(sla).read_bytes()
    assert data.startswith(b"%PDF-") and services.pdf.sha256(data) == sla.pdf_sha256
    text = _text(data)
    assert sla.school.name in text and sla.provider.name in text
    for clause in sla.clauses.all():
        assert clause.heading in text, clause.heading
    for member in (school_lead, provider_manager):
        assert member.user.full_name in text
    assert text.count("Signed electronically via apcommission") == 2
    assert "Position: " in text
    # The content hash may be wrapped across lines in the footer; the verification page has it whole.
    assert sla.content_hash in text.replace(" ", "")
    assert f"{sla.reference} version 1" in text
    assert re.search(r"Page 1 of \d+", text)
    reader = PdfReader(io.BytesIO(data))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged (PDF/UA)


def test_pdf_is_rendered_once(signed):
    first = services.sla_pdf_ensure(sla_id=signed.pk, now=clock.now())
    again = services.sla_pdf_ensure(sla_id=signed.pk, now=clock.now())
    assert (first.pdf_path, first.pdf_sha256) == (again.pdf_path, again.pdf_sha256)


def test_download_is_audited_and_returns_the_stored_pdf(signed, world, login):
    client = login(world.user(K.PROVIDER, "provider_manager"))
    response = client.get(f"/o/provider-a/slas/{signed.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    signed.refresh_from_db()
    assert services.pdf.sha256(data) == signed.pdf_sha256
    with scope(organisation=world.org(K.PROVIDER)):
        event = AuditEvent.objects.get(action="download")
    assert event.object_id == str(signed.pk)


def test_original_pdf_verifies_and_a_tampered_one_does_not(signed, client):
    sla = services.sla_pdf_ensure(sla_id=signed.pk, now=clock.now())
    original = services.sla_pdf_file(sla).read_bytes()
    ok = client.post("/verify/", {"document": SimpleUploadedFile("sla.pdf", original, "application/pdf")})
    assert "This PDF matches the signed record" in ok.content.decode()
    middle = len(original) // 2
    tampered = original[:middle] + bytes([original[middle] ^ 0x01]) + original[middle + 1:]
    assert tampered != original
    bad = client.post("/verify/", {"document": SimpleUploadedFile("sla.pdf", tampered, "application/pdf")})
    html = bad.content.decode()
    assert "does not match any signed agreement" in html and "matches the signed record" not in html


def test_la_reads_signed_slas_in_its_area_only_and_not_the_costed_pdf(signed, world, login):
    """The LA opens signed SLAs in its area (without costs); the signed PDF contains the costs, so
    an LA officer (no view_finance, no COSTS in tenancy.visibility) gets 403 for any SLA's PDF,
    before the SLA is looked up; another LA gets a 404 for the SLA itself."""
    from tenancy.roles import Role

    client = login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    assert client.get(f"/o/la-a/slas/{signed.pk}/").status_code == 200
    assert client.get(f"/o/la-a/slas/{signed.pk}/pdf/").status_code == 403
    other = login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER, "b"))
    assert other.get(f"/o/la-b/slas/{signed.pk}/").status_code == 404
    assert other.get(f"/o/la-b/slas/{signed.pk}/pdf/").status_code == 403


def _pdf_files():
    from pathlib import Path

    from django.conf import settings

    return sorted((Path(settings.MEDIA_ROOT) / "slas").glob("*.pdf"))


def test_a_database_error_while_storing_deletes_the_file_and_the_retry_delivers_one_pdf(signed, monkeypatch):
    """The file is written, then the transaction storing it fails once: the task retries, and one
    PDF — the one the SLA records — is left on disk (issue 9 item 3)."""
    from django.db import OperationalError

    from slas.models import ServiceLevelAgreement
    from slas.tasks import render_signed_sla_pdf
    from tenancy.scoping import scopes_disabled

    real_store, attempts = services._sla_pdf_store, []

    def store_failing_once(**kwargs):
        attempts.append(kwargs["name"])
        assert (services.pdf_file_for(kwargs["name"])).exists()  # written before the transaction
        if len(attempts) == 1:
            raise OperationalError("database is locked")
        return real_store(**kwargs)

    monkeypatch.setattr(services, "_sla_pdf_store", store_failing_once)
    before = _pdf_files()
    result = render_signed_sla_pdf.apply(args=[signed.pk])
    assert result.successful(), result.traceback
    with scopes_disabled():
        sla = ServiceLevelAgreement.objects.get(pk=signed.pk)
    assert len(attempts) == 2 and sla.pdf_path == attempts[1]
    assert not services.pdf_file_for(attempts[0]).exists()  # the failed attempt's file is gone
    assert [p for p in _pdf_files() if p not in before] == [services.sla_pdf_file(sla)]
    assert services.pdf.sha256(services.sla_pdf_file(sla).read_bytes()) == sla.pdf_sha256
    # Delivered again (acks_late): nothing is rendered or stored twice.
    assert render_signed_sla_pdf.apply(args=[signed.pk]).get() == sla.pdf_sha256
    assert len(attempts) == 2 and [p for p in _pdf_files() if p not in before] == [services.sla_pdf_file(sla)]


def test_a_run_that_loses_the_race_keeps_the_first_pdf_and_deletes_its_own(signed, monkeypatch):
    """Two workers render at once: the second to store finds a PDF recorded and removes its file."""
    from slas.models import ServiceLevelAgreement
    from tenancy.scoping import scopes_disabled

    real_store = services._sla_pdf_store
    first = {}

    def other_worker_stores_first(**kwargs):
        if not first:  # the other worker's run completes while this one is rendering
            monkeypatch.setattr(services, "_sla_pdf_store", real_store)
            first["sla"] = services.sla_pdf_ensure(sla_id=signed.pk, now=clock.now())
        return real_store(**kwargs)

    monkeypatch.setattr(services, "_sla_pdf_store", other_worker_stores_first)
    before = _pdf_files()
    result = services.sla_pdf_ensure(sla_id=signed.pk, now=clock.now())
    with scopes_disabled():
        sla = ServiceLevelAgreement.objects.get(pk=signed.pk)
    assert result.pdf_sha256 == sla.pdf_sha256 == first["sla"].pdf_sha256
    assert [p for p in _pdf_files() if p not in before] == [services.sla_pdf_file(sla)]


def test_the_render_holds_no_row_lock_and_no_transaction(signed, monkeypatch):
    """WeasyPrint runs with no transaction of the caller's or its own open (so no row is locked)."""
    seen = []
    real = services.sla_pdf_bytes

    def spy(sla):
        seen.append(services.in_callers_transaction())
        return real(sla)

    monkeypatch.setattr(services, "sla_pdf_bytes", spy)
    services.sla_pdf_ensure(sla_id=signed.pk, now=clock.now())
    assert seen == [False]
