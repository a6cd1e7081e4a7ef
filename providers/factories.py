"""Factories for the provider app (they build across tenants, so scopes are disabled)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from apcommission import clock
from tenancy.factories import OrganisationFactory, ScopedFactory
from tenancy.roles import OrganisationKind

from .models import (
    DeclaredPupilGroup,
    Offer,
    ProviderListing,
    ProviderProfile,
    QualificationLevel,
    SubjectArea,
)


def tiny_pdf(text: str = "Policy") -> bytes:
    """A small valid one-page PDF (for tests and the demo)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text.replace('(', '[').replace(')', ']')}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def tiny_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    return out.getvalue()


def pdf_upload(name: str = "policy.pdf", text: str = "Policy") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf")


class ProviderFactory(OrganisationFactory):
    kind = OrganisationKind.PROVIDER
    name = factory.Sequence(lambda n: f"Provider {n}")
    slug = factory.Sequence(lambda n: f"provider-{n}")


class ProviderListingFactory(ScopedFactory):
    class Meta:
        model = ProviderListing

    local_authority = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.LOCAL_AUTHORITY)
    provider = factory.SubFactory(ProviderFactory)


class ProviderProfileFactory(ScopedFactory):
    class Meta:
        model = ProviderProfile
        django_get_or_create = ["provider"]

    provider = factory.SubFactory(ProviderFactory)
    legal_name = factory.LazyAttribute(lambda o: f"{o.provider.name} Ltd")
    entity_type = "company_guarantee"
    company_number = "01234567"
    overview = "Small-group vocational provision."
    address = "1 High Street\nNorthtown"
    postcode = "NS1 4AB"
    contact_name = "Sam Contact"
    contact_phone = "01234 567890"
    contact_email = "contact@example.org"
    dsl_name = "Dee Lead"
    dsl_phone = "01234 567891"
    dsl_email = "dsl@example.org"
    dsl_trained_on = dt.date(2026, 1, 10)
    deputy_dsl_name = "Dep Lead"
    deputy_dsl_phone = "01234 567892"
    deputy_dsl_email = "deputy@example.org"
    deputy_dsl_trained_on = dt.date(2026, 1, 10)
    team_teach = True
    send_suitable = True
    capacity = 12
    age_from = 11
    age_to = 16
    updated_at = factory.LazyFunction(clock.now)


class OfferFactory(ScopedFactory):
    class Meta:
        model = Offer

    provider = factory.SubFactory(ProviderFactory)
    title = factory.Sequence(lambda n: f"Course {n}")
    subject = SubjectArea.MOTOR_VEHICLE
    expected_outcome = "Level 1 certificate"
    qualification_level = QualificationLevel.LEVEL_1
    part_time_days = 2
    on_tue = True
    on_thu = True
    cost_per_day = Decimal("85")


class PupilGroupFactory(ScopedFactory):
    class Meta:
        model = DeclaredPupilGroup

    provider = factory.SubFactory(ProviderFactory)
    description = "Year 10"
    pupils = 3
    weekly_hours = Decimal("12")


def suitability_signed_off(*, school, provider, by, job_title: str = "AP lead", now: dt.datetime | None = None):
    """The school's suitability sign-off of `provider`, made through the services as a school would:
    start the check, answer every item "met" with evidence, sign it off (valid from `now`)."""
    from tenancy.scoping import scope

    from . import services
    from .models import SUITABILITY_DOCUMENTS, SuitabilityItem

    now = now or clock.now()
    with clock.frozen(now), scope(organisation=school):
        check = services.suitability_check_start(school=school, provider=provider, by=by, now=now)
        services.suitability_answers_save(
            check=check, by=by, now=now,
            answers={item: ("met", f"Checked at the visit and in the provider's pack: {label.lower()}",
                            "Current copy seen at the visit" if item in SUITABILITY_DOCUMENTS else "")
                     for item, label in SuitabilityItem.choices},
        )
        return services.suitability_signoff(check=check, by=by, job_title=job_title, now=now)
