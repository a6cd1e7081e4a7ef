"""Private storage and upload validation for the due-diligence pack.

Files live under settings.MEDIA_ROOT, which no URL serves (MEDIA_URL points nowhere). They get
random names, so a name says nothing about the provider or the document. They are only read
through the authorised download views, which audit every read.

An upload is accepted only if its bytes are one of the allowed types. The name and the browser's
content type are not trusted: a Windows program renamed "policy.pdf" is rejected because it does
not start with "%PDF-". DOCX must be a readable zip holding word/document.xml. The size limit
is APC_UPLOAD_MAX_BYTES (default 10 MB). Empty files are rejected.
"""

from __future__ import annotations

import hashlib
import secrets
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage

from . import conf


class PrivateStorage(FileSystemStorage):
    """MEDIA_ROOT, resolved when used (tests move it), and never given a public URL."""

    def url(self, name):
        raise ValueError("Private files have no public URL: serve them through an authorised view.")


_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _private_storage


def document_upload_to(instance, filename: str) -> str:
    """Random name; the extension comes from the detected type (set on the instance first)."""
    ext = getattr(instance, "_detected_extension", "") or ".bin"
    return f"provider-documents/{secrets.token_hex(16)}{ext}"


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extension: str


PDF = FileType("PDF", "application/pdf", ".pdf")
DOCX = FileType("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
PNG = FileType("PNG image", "image/png", ".png")
JPEG = FileType("JPEG image", "image/jpeg", ".jpg")

ALLOWED_EXTENSIONS = {".pdf": PDF, ".docx": DOCX, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG}
TYPE_ERROR = "The selected file must be a PDF, Word document (DOCX), JPG or PNG"


def _human_size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{round(limit / (1024 * 1024), 1):g}MB"
    if limit >= 1024:
        return f"{round(limit / 1024, 1):g}KB"
    return f"{limit} bytes"


def detect_type(uploaded) -> FileType | None:
    """The type the bytes say the file is, or None."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            uploaded.seek(0)
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return DOCX
    return None


def upload_size_error() -> str:
    return f"The selected file must be smaller than {_human_size(conf.get('APC_UPLOAD_MAX_BYTES'))}"


@dataclass(frozen=True)
class CheckedUpload:
    file_type: FileType
    size: int
    sha256: str
    original_name: str


def validate_upload(uploaded) -> CheckedUpload:
    """Raise ValidationError (GOV.UK file-upload wording) unless the upload is an allowed, non-empty
    file within the size limit whose bytes match an allowed type and whose name has that type's
    extension."""
    if uploaded is None:
        raise ValidationError("Select a file", code="required")
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    if size > conf.get("APC_UPLOAD_MAX_BYTES"):
        raise ValidationError(upload_size_error(), code="too_big")
    name = (uploaded.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    claimed = ALLOWED_EXTENSIONS.get(ext)
    detected = detect_type(uploaded)
    if claimed is None or detected is None or detected != claimed:
        raise ValidationError(TYPE_ERROR, code="bad_type")
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(file_type=detected, size=size, sha256=digest.hexdigest(), original_name=name[:200])
