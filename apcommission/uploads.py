"""The one upload policy: every file the service accepts, and every stored file it serves.

Every file field in the project validates with `UploadValidator(<policy>)` (a test walks the
forms and models and fails when a file field appears without it). A file is accepted only when:

* its name has no folder parts (`../../x.pdf` is refused; Django's parser already strips them
  from browser uploads, so this catches files handed to services directly) — and the stored name
  is always generated (`safe_name`), never taken from the upload;
* it is not empty and not larger than the policy's limit (a Django setting);
* its bytes are one of the policy's types (PDF, DOCX, JPG, PNG), by their magic bytes — the name
  and the browser's content type are not trusted — and its extension is that type's. Programs
  (ELF, Windows, Mach-O, scripts) and markup (HTML, SVG, XML) are refused whatever their name.

Stored files are served only through `serve_file`: always as an attachment, with the content
type sniffed again from the stored bytes, `X-Content-Type-Options: nosniff`, a sandboxing
Content-Security-Policy and no caching, so even a polyglot file cannot run in our origin.

Views that take large uploads should also refuse them before reading the body: see
`request_too_large` and `SizeLimitUploadHandler`.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse
from django.utils.deconstruct import deconstructible

MB = 1024 * 1024
HEAD_BYTES = 1024


@dataclass(frozen=True)
class FileType:
    label: str  # audit and page wording
    short: str  # in error messages: "The selected file must be a PDF, JPG or PNG"
    content_type: str
    extension: str  # the extension stored and served
    suffixes: tuple[str, ...]  # names the upload may have


PDF = FileType("PDF", "PDF", "application/pdf", ".pdf", (".pdf",))
DOCX = FileType("Word document", "Word document (DOCX)",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", (".docx",))
JPEG = FileType("JPEG image", "JPG", "image/jpeg", ".jpg", (".jpg", ".jpeg"))
PNG = FileType("PNG image", "PNG", "image/png", ".png", (".png",))
ALL_TYPES = (PDF, DOCX, JPEG, PNG)


@dataclass(frozen=True)
class UploadPolicy:
    key: str
    types: tuple[FileType, ...]
    max_bytes_setting: str
    default_max_bytes: int

    @property
    def max_bytes(self) -> int:
        """The Django setting if set, else the environment variable of the same name, else the default."""
        value = getattr(settings, self.max_bytes_setting, None)
        if value is None:
            value = os.environ.get(self.max_bytes_setting) or self.default_max_bytes
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise ImproperlyConfigured(f"{self.max_bytes_setting} must be a whole number of bytes") from exc

    @property
    def type_error(self) -> str:
        names = [t.short for t in self.types]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        return f"The selected file must be a {listed}"

    @property
    def size_error(self) -> str:
        return f"The selected file must be smaller than {human_size(self.max_bytes)}"


PROVIDER_DOCUMENT = UploadPolicy("provider_document", (PDF, DOCX, JPEG, PNG), "APC_UPLOAD_MAX_BYTES", 10 * MB)
PARENTAL_AGREEMENT = UploadPolicy("parental_agreement", (PDF, JPEG, PNG), "APC_UPLOAD_MAX_BYTES", 10 * MB)
SLA_VERIFY = UploadPolicy("sla_verify", (PDF,), "APC_VERIFY_MAX_BYTES", 5 * MB)
POLICIES = {p.key: p for p in (PROVIDER_DOCUMENT, PARENTAL_AGREEMENT, SLA_VERIFY)}

# Every model FileField and the policy its uploads pass (tests/security/test_uploads.py fails when
# a FileField is added to a model without a row here and the validator on its form field).
MODEL_FILE_FIELDS = {
    "providers.PolicyDocument.file": PROVIDER_DOCUMENT.key,
    "placements.ParentalAgreement.signed_copy": PARENTAL_AGREEMENT.key,
}

EMPTY_ERROR = "The selected file is empty"
REQUIRED_ERROR = "Select a file"
NAME_ERROR = "The selected file name must not include folder names, like ../"


def human_size(limit: int) -> str:
    if limit >= MB:
        return f"{round(limit / MB, 1):g}MB"
    if limit >= 1024:
        return f"{round(limit / 1024, 1):g}KB"
    return f"{limit} bytes"


# --- What the bytes are ----------------------------------------------------------------------

_EXECUTABLE_MAGIC = (
    b"\x7fELF",  # Linux and other Unix programs
    b"MZ",  # Windows programs and libraries
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe",  # Mach-O
    b"#!",  # scripts
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def refused_content(head: bytes) -> str | None:
    """'executable' or 'markup' when the bytes are a program or HTML/SVG/XML, whatever the name."""
    if head.startswith(_EXECUTABLE_MAGIC):
        return "executable"
    text = head
    for bom in _BOMS:
        if text.startswith(bom):
            text = text[len(bom):]
    text = text.replace(b"\x00", b"").lstrip().lower()
    if text.startswith(b"<"):  # <!doctype html>, <html>, <svg>, <?xml …>, <script>
        return "markup"
    return None


def _read_head(fileobj) -> bytes:
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    return head


def sniff(fileobj) -> FileType | None:
    """The allowed type the bytes say the file is, or None (the file is left at position 0)."""
    head = _read_head(fileobj)
    if refused_content(head):
        return None
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fileobj) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        finally:
            fileobj.seek(0)
        macros = any(name.lower().endswith("vbaproject.bin") for name in names)
        if "word/document.xml" in names and "[Content_Types].xml" in names and not macros:
            return DOCX
    return None


def sha256_of(fileobj) -> str:
    """SHA-256 of a file, read in chunks (never whole into memory)."""
    digest = hashlib.sha256()
    fileobj.seek(0)
    chunks: Iterable[bytes] = fileobj.chunks() if hasattr(fileobj, "chunks") else iter(lambda: fileobj.read(64 * 1024), b"")
    for chunk in chunks:
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


# --- Checking an upload ----------------------------------------------------------------------

@dataclass(frozen=True)
class CheckedUpload:
    file_type: FileType
    size: int
    sha256: str
    original_name: str  # for display only, never for storage
    safe_name: str  # generated: random hex + the detected type's extension


def _has_folder_parts(name: str) -> bool:
    return "/" in name or "\\" in name or name in {".", ".."} or "\x00" in name


def display_name(name: str) -> str:
    return "".join(ch for ch in name if ch.isprintable()).strip()[:200]


def safe_name(file_type: FileType) -> str:
    return f"{secrets.token_hex(16)}{file_type.extension}"


def check_upload(uploaded, policy: UploadPolicy) -> CheckedUpload:
    """Raise ValidationError (GOV.UK file-upload wording) unless `uploaded` passes `policy`."""
    if uploaded is None:
        raise ValidationError(REQUIRED_ERROR, code="required")
    name = str(getattr(uploaded, "name", "") or "")
    if _has_folder_parts(name):
        raise ValidationError(NAME_ERROR, code="bad_name")
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError(EMPTY_ERROR, code="empty")
    if size > policy.max_bytes:
        raise ValidationError(policy.size_error, code="too_big")
    if refused_content(_read_head(uploaded)):
        raise ValidationError(policy.type_error, code="refused_type")
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    claimed = next((t for t in policy.types if suffix in t.suffixes), None)
    detected = sniff(uploaded)
    if claimed is None or detected != claimed:
        raise ValidationError(policy.type_error, code="bad_type")
    return CheckedUpload(file_type=detected, size=size, sha256=sha256_of(uploaded),
                         original_name=display_name(name), safe_name=safe_name(detected))


@deconstructible
class UploadValidator:
    """The validator on every file form field. It leaves the result on the file as
    `checked_upload` (type, size, SHA-256, generated safe name) for the form and service."""

    def __init__(self, policy: str):
        if policy not in POLICIES:
            raise ValueError(f"Unknown upload policy {policy!r}")
        self.policy = policy

    def __call__(self, value):
        value.checked_upload = check_upload(value, POLICIES[self.policy])

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and other.policy == self.policy

    def __hash__(self):
        return hash(self.policy)


def rename_to_safe_name(uploaded) -> None:
    """Give an accepted upload its generated name before it is saved (the model's upload_to
    then never sees the name the user sent)."""
    uploaded.name = uploaded.checked_upload.safe_name


# --- Refusing big requests before reading them -----------------------------------------------

def request_too_large(request, max_bytes: int, *, margin: int = 64 * 1024) -> bool:
    """The declared body is bigger than the file limit plus room for the other form fields."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_bytes + margin


class SizeLimitUploadHandler(FileUploadHandler):
    """Put first in `request.upload_handlers`: stops the upload as soon as a file passes
    `max_bytes` (also when the client sent no or a false Content-Length), without reading the rest."""

    def __init__(self, max_bytes: int, request=None):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_large = False
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received = start + len(raw_data)
        if self.received > self.max_bytes:
            self.too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


# --- Serving stored files --------------------------------------------------------------------

def serve_file(fileobj, *, filename: str) -> FileResponse:
    """A stored file as a download: type sniffed from its bytes (else application/octet-stream),
    the matching extension on `filename`, never rendered inline, never sniffed, never cached."""
    detected = sniff(fileobj)
    content_type = detected.content_type if detected else "application/octet-stream"
    stem = display_name(filename.replace("/", "-").replace("\\", "-")) or "download"
    extension = detected.extension if detected else ".bin"
    if "." in stem and ("." + stem.rsplit(".", 1)[-1].lower()) in (detected.suffixes if detected else ()):
        stem = stem.rsplit(".", 1)[0]
    response = FileResponse(fileobj, as_attachment=True, filename=f"{stem}{extension}", content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
