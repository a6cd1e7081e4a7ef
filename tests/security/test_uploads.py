"""Every file upload goes through apcommission.uploads: content sniffing, allowed types per field,
a size limit, generated stored names, and stored files served as sandboxed attachments.

The first tests walk the project's forms and models, so a new file field without the validator
(or a model FileField without a policy) fails here; the bad-file tests then run on every field
they found.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from apcommission import uploads
from providers.factories import tiny_docx, tiny_pdf
from providers.models import PolicyDocument
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


ROOT = Path(django_settings.BASE_DIR).resolve()

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(document.domain)</script></svg>')
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


SKIP_MODULES = {"migrations", "tests", "settings", "wsgi", "asgi"}


def _project_modules():
    """Every importable module of the project's own apps (not migrations, not tests)."""
    packages = {"apcommission"}
    for config in apps.get_app_configs():
        if Path(config.path).resolve().is_relative_to(ROOT) and ".venv" not in Path(config.path).parts:
            packages.add(config.name.split(".")[0])
    for name in sorted(packages):
        package = importlib.import_module(name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if any(part in info.name.split(".") for part in SKIP_MODULES):
                continue
            yield importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_file_form_fields() -> list[tuple[type, str, forms.FileField]]:
    modules = {m.__name__ for m in _project_modules()}
    found = {}
    for form_class in [*_subclasses(forms.BaseForm)]:
        if form_class.__module__ not in modules:
            continue
        for name, field in getattr(form_class, "base_fields", {}).items():
            if isinstance(field, forms.FileField):
                found[(form_class.__module__, form_class.__qualname__, name)] = (form_class, name, field)
    return [found[key] for key in sorted(found)]


def _policy_of(field) -> uploads.UploadPolicy | None:
    for validator in field.validators:
        if isinstance(validator, uploads.UploadValidator):
            return uploads.POLICIES[validator.policy]
    return None


FIELDS = project_file_form_fields()
FIELD_IDS = [f"{cls.__module__}.{cls.__qualname__}.{name}" for cls, name, _ in FIELDS]


def test_the_walk_finds_the_known_upload_fields():
    assert {"providers.forms.DocumentUploadForm.file", "placements.forms.lifecycle.ParentalAgreementForm.signed_copy",
            "slas.forms.VerifyForm.document"} <= set(FIELD_IDS)


@pytest.mark.parametrize(("form_class", "name", "field"), FIELDS, ids=FIELD_IDS)
def test_every_file_form_field_has_the_upload_validator(form_class, name, field):
    assert _policy_of(field) is not None, (
        f"{form_class.__qualname__}.{name} is a file field without apcommission.uploads.UploadValidator")
    # ImageField would let Pillow decide; every field uses the one sniffing policy instead.
    assert not isinstance(field, forms.ImageField)


def test_every_model_file_field_has_a_policy():
    fields = {
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for model in apps.get_models()
        if Path(apps.get_app_config(model._meta.app_label).path).resolve().is_relative_to(ROOT)
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }
    assert fields, "expected the provider documents and the parents' signed contract"
    assert fields == set(uploads.MODEL_FILE_FIELDS), (
        "every model FileField needs a row in apcommission.uploads.MODEL_FILE_FIELDS (and its form "
        "field the UploadValidator)")


# --- Bad files are refused by every field ---------------------------------------------------

BAD_FILES = [
    ("ELF program named .pdf", "report.pdf", ELF),
    ("Windows program named .pdf", "report.pdf", WINDOWS_EXE),
    ("HTML named .png", "photo.png", HTML),
    ("HTML named .pdf", "photo.pdf", HTML),
    ("SVG with a script", "drawing.svg", SVG),
    ("SVG with a script named .png", "drawing.png", SVG),
    ("SVG with a script named .jpg", "drawing.jpg", SVG),
]


@pytest.mark.parametrize(("form_class", "name", "field"), FIELDS, ids=FIELD_IDS)
@pytest.mark.parametrize(("label", "filename", "content"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_every_field_refuses_programs_html_and_svg(form_class, name, field, label, filename, content):
    policy = _policy_of(field)
    with pytest.raises(ValidationError) as caught:
        field.clean(SimpleUploadedFile(filename, content))
    assert caught.value.messages == [policy.type_error]
    assert policy.type_error.startswith("The selected file must be a ")


@pytest.mark.parametrize(("form_class", "name", "field"), FIELDS, ids=FIELD_IDS)
def test_every_field_refuses_a_name_with_folders(form_class, name, field):
    """Django strips folders from names in browser uploads; a file handed to a form or service
    directly keeps them, and is refused rather than quietly renamed."""
    with pytest.raises(ValidationError) as caught:
        field.clean(ContentFile(tiny_pdf(), name="../../x.pdf"))
    assert caught.value.messages == [uploads.NAME_ERROR]
    with pytest.raises(ValidationError):
        field.clean(ContentFile(tiny_pdf(), name="..\\..\\x.pdf"))


@pytest.mark.parametrize(("form_class", "name", "field"), FIELDS, ids=FIELD_IDS)
def test_every_field_refuses_empty_and_too_big_files(form_class, name, field, settings):
    policy = _policy_of(field)
    setattr(settings, policy.max_bytes_setting, 1000)
    with pytest.raises(ValidationError) as caught:
        field.clean(SimpleUploadedFile("big.pdf", tiny_pdf() + b"0" * 2000))
    assert caught.value.messages == ["The selected file must be smaller than 1000 bytes"]


@pytest.mark.parametrize(("form_class", "name", "field"), FIELDS, ids=FIELD_IDS)
def test_every_field_accepts_a_good_pdf_and_names_it_safely(form_class, name, field):
    upload = SimpleUploadedFile("Signed copy (final).pdf", tiny_pdf())
    assert field.clean(upload) is upload
    checked = upload.checked_upload
    assert checked.file_type == uploads.PDF and checked.original_name == "Signed copy (final).pdf"
    assert len(checked.sha256) == 64
    assert checked.safe_name.endswith(".pdf") and len(checked.safe_name) == 32 + 4
    assert "/" not in checked.safe_name and "Signed" not in checked.safe_name


def test_types_are_checked_per_field():
    policies = {p.key: p for p in uploads.POLICIES.values()}
    docx = SimpleUploadedFile("policy.docx", tiny_docx())
    assert uploads.check_upload(docx, policies["provider_document"]).file_type == uploads.DOCX
    for key in ("parental_agreement", "sla_verify"):
        with pytest.raises(ValidationError):
            uploads.check_upload(SimpleUploadedFile("policy.docx", tiny_docx()), policies[key])
    assert uploads.check_upload(SimpleUploadedFile("c.jpeg", JPEG), policies["parental_agreement"]).file_type == uploads.JPEG
    assert uploads.check_upload(SimpleUploadedFile("c.png", PNG), policies["parental_agreement"]).file_type == uploads.PNG
    with pytest.raises(ValidationError) as caught:
        uploads.check_upload(SimpleUploadedFile("c.png", PNG), policies["sla_verify"])
    assert caught.value.messages == ["The selected file must be a PDF"]


def test_a_word_file_with_macros_is_not_a_docx():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\x00" * 10)
    with pytest.raises(ValidationError):
        uploads.check_upload(SimpleUploadedFile("policy.docx", out.getvalue()), uploads.PROVIDER_DOCUMENT)


# --- Through the pages: refused with a GOV.UK error, a good PDF served as a sandboxed attachment

def _provider_upload(client, file):
    return client.post(reverse("providers:document_upload", kwargs={"org": "provider-a"}), {
        "kind": "safeguarding", "file": file,
        "issued_on_0": "1", "issued_on_1": "9", "issued_on_2": "2026",
        "review_on_0": "1", "review_on_1": "9", "review_on_2": "2027",
    })


def _assert_sandboxed_attachment(response, *, content_type: str, body: bytes, extension: str):
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert f'{extension}"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == body


@pytest.mark.parametrize(("label", "filename", "content"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_provider_document_page_refuses_bad_files(world, login, label, filename, content):
    client = login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    response = _provider_upload(client, SimpleUploadedFile(filename, content))
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "The selected file must be a PDF, Word document (DOCX), JPG or PNG" in html
    with scopes_disabled():
        assert not PolicyDocument.objects.exists()


def _multipart(fields: dict, *, file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A hand-built multipart body, so the file name is sent exactly as given (the test client
    would take its basename first)."""
    boundary = "apcBoundary7MA4YWxkTrZu0gW"
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
                 f"Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_a_traversal_name_sent_by_a_browser_never_reaches_the_disk(world, login, settings):
    """Django's parser reduces `../../x.pdf` to `x.pdf` before any code of ours runs; the file is
    still stored under a generated name in the private folder and nothing is written elsewhere."""
    client = login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    body, content_type = _multipart({
        "kind": "safeguarding", "issued_on_0": "1", "issued_on_1": "9", "issued_on_2": "2026",
        "review_on_0": "1", "review_on_1": "9", "review_on_2": "2027",
    }, file_field="file", filename="../../x.pdf", content=tiny_pdf())
    response = client.post(reverse("providers:document_upload", kwargs={"org": "provider-a"}), body,
                           content_type=content_type)
    assert response.status_code == 302
    with scopes_disabled():
        doc = PolicyDocument.objects.get()
    assert doc.original_name == "x.pdf"
    assert doc.file.name.startswith("provider-documents/") and "x.pdf" not in doc.file.name
    media = Path(settings.MEDIA_ROOT).resolve()
    assert Path(doc.file.path).resolve().is_relative_to(media)
    assert not (media.parent / "x.pdf").exists() and not (media.parent.parent / "x.pdf").exists()


def test_provider_document_good_pdf_is_served_back_as_a_sandboxed_attachment(world, login):
    client = login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    assert _provider_upload(client, SimpleUploadedFile("policy.pdf", tiny_pdf("Good"))).status_code == 302
    with scopes_disabled():
        doc = PolicyDocument.objects.get()
    response = client.get(reverse("providers:document_download", kwargs={"org": "provider-a", "pk": doc.pk}))
    _assert_sandboxed_attachment(response, content_type="application/pdf", body=tiny_pdf("Good"), extension=".pdf")


@pytest.fixture
def placement(world):
    from placements.factories import placement_in_state

    return placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="accepted",
                              now=dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC))


def _parental(client, placement, file):
    return client.post(f"/o/school-a/placements/{placement.pk}/parental-agreement/", {
        "method": "upload", "signed_by_name": "Kerry Clarke", "signed_on_0": "20", "signed_on_1": "11",
        "signed_on_2": "2026", "consent_to_share": "yes", "signed_copy": file,
    })


@pytest.mark.parametrize(("label", "filename", "content"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_parental_agreement_page_refuses_bad_files(world, login, placement, label, filename, content):
    from placements.models import ParentalAgreement

    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    response = _parental(client, placement, SimpleUploadedFile(filename, content))
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "The selected file must be a PDF, JPG or PNG" in html
    with scopes_disabled():
        assert not ParentalAgreement.objects.filter(signed_by_name="Kerry Clarke").exists()


def test_parental_agreement_good_pdf_is_stored_safely_and_served_as_a_sandboxed_attachment(world, login, placement):
    from placements.models import ParentalAgreement

    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    response = _parental(client, placement, SimpleUploadedFile("Kerry's contract.pdf", tiny_pdf("Signed")))
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        record = ParentalAgreement.objects.get(signed_by_name="Kerry Clarke")
    stored = record.signed_copy.name.rsplit("/", 1)[-1]
    assert "Kerry" not in stored and stored.endswith(".pdf") and len(stored) == 36
    download = client.get(f"/o/school-a/placements/{placement.pk}/parental-agreement/{record.pk}/file/")
    _assert_sandboxed_attachment(download, content_type="application/pdf", body=tiny_pdf("Signed"), extension=".pdf")


def test_verify_page_refuses_a_program_named_pdf(db, client):
    response = client.post("/verify/", {"document": SimpleUploadedFile("sla.pdf", ELF)}, REMOTE_ADDR="198.51.100.77")
    html = response.content.decode()
    assert "govuk-error-summary" in html and "The selected file must be a PDF" in html
    assert "matches the signed record" not in html and "does not match" not in html


def test_a_stored_file_that_is_not_an_allowed_type_is_served_as_an_opaque_download(db, tmp_path):
    """Files stored before these checks (or by any other path) are still never rendered: unknown
    bytes go out as application/octet-stream, as an attachment, sandboxed."""
    path = tmp_path / "old.pdf"
    path.write_bytes(HTML)
    response = uploads.serve_file(path.open("rb"), filename="Old policy.pdf")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;") and '.bin"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    response.close()
