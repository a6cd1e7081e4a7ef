"""Private storage for the due-diligence pack; uploads are checked by apcommission.uploads.

Files live under settings.MEDIA_ROOT, which no URL serves (MEDIA_URL points nowhere). They get
random names, so a name says nothing about the provider or the document. They are only read
through the authorised download views, which audit every read and serve through
`apcommission.uploads.serve_file` (attachment, sniffed type, nosniff, sandbox CSP).

An upload is accepted only if its bytes are one of the allowed types (PDF, DOCX, JPG, PNG) —
the project-wide rules in apcommission/uploads.py (`PROVIDER_DOCUMENT`): the name and the
browser's content type are not trusted, programs and HTML/SVG are refused whatever their name,
the size limit is APC_UPLOAD_MAX_BYTES (default 10 MB), empty files are rejected.
"""

from __future__ import annotations

import secrets

from django.core.files.storage import FileSystemStorage

from apcommission import uploads
from apcommission.uploads import DOCX, JPEG, PDF, PNG, CheckedUpload, FileType  # noqa: F401 (re-exported)

POLICY = uploads.PROVIDER_DOCUMENT
TYPE_ERROR = POLICY.type_error


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


def detect_type(uploaded) -> FileType | None:
    """The type the bytes say the file is, or None."""
    return uploads.sniff(uploaded)


def upload_size_error() -> str:
    return POLICY.size_error


def validate_upload(uploaded) -> CheckedUpload:
    """Raise ValidationError (GOV.UK file-upload wording) unless the upload passes the provider
    document policy (see apcommission.uploads.check_upload)."""
    return uploads.check_upload(uploaded, POLICY)
