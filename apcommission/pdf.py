"""The one PDF rendering service: Django template → WeasyPrint → tagged PDF (PDF/UA-1).

Every formal record (signed SLAs, commissioning agreements, referrals) extends
templates/print/base.html, which sets A4 pages, the body font in margin boxes, page numbers
and a footer line given by the caller.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.template.loader import render_to_string


def render_html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, context)


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint alone (the bench compares the service against this)."""
    from weasyprint import HTML  # imported here: ~1 s, only in processes that render

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1")


def render_pdf(template_name: str, context: dict) -> bytes:
    return html_to_pdf(render_html(template_name, context))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_response(data: bytes, filename: str):
    """A rendered PDF as a download (never cached, never sniffed)."""
    from django.http import HttpResponse

    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
