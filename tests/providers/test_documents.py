"""Policy documents: upload validation stores nothing on error; downloads are authorised and audited."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from providers.factories import pdf_upload, tiny_docx, tiny_pdf
from providers.models import PolicyDocument
from providers.services import document_upload
from providers.storage import validate_upload
from tenancy.models import AuditAction, AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW, manager, upload


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("name,content", [
    ("policy.pdf", tiny_pdf()), ("policy.docx", tiny_docx()), ("cert.png", PNG), ("cert.jpg", JPEG), ("cert.JPEG", JPEG),
])
def test_allowed_files_pass(name, content):
    checked = validate_upload(SimpleUploadedFile(name, content))
    assert checked.size == len(content) and len(checked.sha256) == 64


@pytest.mark.parametrize("name,content,message", [
    ("setup.pdf", EXE, "must be a PDF"),  # a Windows program renamed .pdf
    ("policy.exe", tiny_pdf(), "must be a PDF"),  # right bytes, wrong extension
    ("policy.docx", tiny_pdf(), "must be a PDF"),  # bytes and extension disagree
    ("fake.docx", b"PK\x03\x04" + b"\x00" * 50, "must be a PDF"),  # a zip that is not a Word document
    ("empty.pdf", b"", "is empty"),
    ("noext", tiny_pdf(), "must be a PDF"),
])
def test_bad_files_are_rejected(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_upload(SimpleUploadedFile(name, content))


def test_size_limit(settings):
    settings.APC_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="smaller than"):
        validate_upload(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 1000))


def test_service_stores_nothing_for_a_bad_file(world, settings):
    with scopes_disabled(), pytest.raises(ValidationError):
        document_upload(provider=world.org(K.PROVIDER), kind="safeguarding", uploaded=SimpleUploadedFile("x.pdf", EXE),
                        issued_on=dt.date(2026, 1, 1), review_on=dt.date(2027, 1, 1), by=manager(world), now=NOW)
    with scopes_disabled():
        assert PolicyDocument.objects.count() == 0
    assert stored_files(settings) == []


def test_service_removes_the_file_when_the_row_cannot_be_saved(world, settings):
    with scopes_disabled(), pytest.raises(ValidationError):
        # insurance without its details violates a constraint after the file would be written
        document_upload(provider=world.org(K.PROVIDER), kind="insurance", uploaded=pdf_upload(),
                        issued_on=dt.date(2026, 1, 1), review_on=dt.date(2027, 1, 1), by=manager(world), now=NOW)
    assert stored_files(settings) == []


@pytest.mark.parametrize("name,content,size_limit,error", [
    ("setup.pdf", EXE, None, "The selected file must be a PDF, Word document (DOCX), JPG or PNG"),
    ("big.pdf", tiny_pdf() + b"0" * 2000, 1000, "The selected file must be smaller than"),
    ("empty.pdf", b"", None, "The selected file is empty"),
])
def test_upload_page_shows_a_clear_error_and_stores_nothing(world, login, settings, name, content, size_limit, error):
    if size_limit:
        settings.APC_UPLOAD_MAX_BYTES = size_limit
    client = login(manager(world))
    url = reverse("providers:document_upload", kwargs={"org": "provider-a"})
    response = client.post(url, {
        "kind": "safeguarding", "file": SimpleUploadedFile(name, content),
        "issued_on_0": "1", "issued_on_1": "9", "issued_on_2": "2026",
        "review_on_0": "1", "review_on_1": "9", "review_on_2": "2027",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and error in html
    with scopes_disabled():
        assert PolicyDocument.objects.count() == 0
    assert stored_files(settings) == []


def test_a_huge_request_is_refused_before_it_is_read(world, login, settings):
    settings.APC_UPLOAD_MAX_BYTES = 1000
    client = login(manager(world))
    response = client.post(reverse("providers:document_upload", kwargs={"org": "provider-a"}) + "?kind=attendance", {
        "file": SimpleUploadedFile("huge.pdf", b"%PDF-" + b"0" * 200_000)})
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "The selected file must be smaller than 1000 bytes" in html
    assert stored_files(settings) == []


def test_upload_page_stores_a_valid_pdf_privately(world, login, settings):
    client = login(manager(world))
    url = reverse("providers:document_upload", kwargs={"org": "provider-a"})
    response = client.post(url, {
        "kind": "insurance", "file": pdf_upload("Insurance certificate 2026.pdf"),
        "issued_on_0": "1", "issued_on_1": "9", "issued_on_2": "2026",
        "review_on_0": "31", "review_on_1": "8", "review_on_2": "2027",
        "insurer": "Acme Mutual", "cover_amount": "5000000", "covers_under_16s": "yes",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    with scopes_disabled():
        doc = PolicyDocument.objects.get()
    assert doc.insurer == "Acme Mutual" and doc.covers_under_16s is True
    assert doc.content_type == "application/pdf" and doc.original_name == "Insurance certificate 2026.pdf"
    # random name under the private media root, not the uploaded name
    assert "Insurance" not in doc.file.name and doc.file.name.startswith("provider-documents/")
    assert str(settings.MEDIA_ROOT) in doc.file.path
    with pytest.raises(ValueError):
        _ = doc.file.url  # no public URL


def test_insurance_needs_its_details(world, login):
    client = login(manager(world))
    response = client.post(reverse("providers:document_upload", kwargs={"org": "provider-a"}) + "?kind=insurance", {
        "kind": "insurance", "file": pdf_upload(),
        "issued_on_0": "1", "issued_on_1": "9", "issued_on_2": "2026",
        "review_on_0": "1", "review_on_1": "9", "review_on_2": "2025",
    })
    html = response.content.decode()
    for message in ("Enter the insurer", "Enter the amount of cover", "Select yes if the insurance covers pupils under 16",
                    "The review or expiry date must be after the issue date"):
        assert message in html


def test_new_version_supersedes_the_old(world):
    first = upload(world, review_on=dt.date(2027, 1, 1))
    second = upload(world, review_on=dt.date(2027, 9, 1))
    with scopes_disabled():
        first.refresh_from_db()
        assert not first.is_current and first.superseded_at
        assert PolicyDocument.objects.get(is_current=True) == second


def test_provider_downloads_its_own_document_audited(world, login):
    doc = upload(world)
    client = login(manager(world))
    response = client.get(reverse("providers:document_download", kwargs={"org": "provider-a", "pk": doc.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    with scope(organisation=world.org(K.PROVIDER)):
        event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD)
    assert event.object_id == str(doc.pk) and event.user == manager(world)


def test_school_reads_the_same_document_and_both_sides_see_the_audit(world, login):
    doc = upload(world)
    ap_lead = world.user(K.SCHOOL, Role.AP_LEAD)
    response = login(ap_lead).get(reverse("providers:directory_document",
                                          kwargs={"org": "school-a", "provider_pk": doc.provider_id, "pk": doc.pk}))
    assert response.status_code == 200
    with scope(organisation=world.org(K.SCHOOL)):
        assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(doc.pk), user=ap_lead).count() == 1
    with scope(organisation=world.org(K.PROVIDER)):
        event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD)
        assert "School A" in event.detail


def test_school_in_another_area_cannot_download(world, login):
    doc = upload(world)
    client = login(world.user(K.SCHOOL, Role.AP_LEAD, "b"))
    response = client.get(reverse("providers:directory_document",
                                  kwargs={"org": "school-b", "provider_pk": doc.provider_id, "pk": doc.pk}))
    assert response.status_code == 404
    with scopes_disabled():
        assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).exists()


def test_commissioners_get_only_the_current_version(world, login):
    old = upload(world)
    upload(world)
    client = login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    response = client.get(reverse("providers:directory_document",
                                  kwargs={"org": "la-a", "provider_pk": old.provider_id, "pk": old.pk}))
    assert response.status_code == 404


def test_file_contents_are_what_was_uploaded(world):
    doc = upload(world)
    with scopes_disabled():
        doc.refresh_from_db()
    with doc.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-") and len(data) == doc.size
    assert io.BytesIO(data).read(5) == b"%PDF-"
