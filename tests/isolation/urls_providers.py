"""Isolation rows for the provider directory and due diligence (issue #3)."""

from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scopes_disabled

from .registry import UrlSpec


def _provider(world, side):
    return world.org(K.PROVIDER, side)


def _manager(world, side):
    from tenancy.roles import Role

    return world.user(K.PROVIDER, Role.PROVIDER_MANAGER, side)


def _pupil_group(world, side):
    from providers.factories import PupilGroupFactory

    return {"pk": PupilGroupFactory(provider=_provider(world, side)).pk}


def _site(world, side):
    from providers.models import ProviderSite

    with scopes_disabled():
        return {"pk": ProviderSite.objects.create(provider=_provider(world, side), name=f"Site {side}",
                                                  address="1 Road", postcode="NS1 1AA").pk}


def _offer(world, side):
    from providers.factories import OfferFactory

    return {"pk": OfferFactory(provider=_provider(world, side)).pk}


def _document(world, side):
    import datetime as dt

    from apcommission import clock
    from providers.factories import pdf_upload
    from providers.services import document_upload

    with scopes_disabled():
        doc = document_upload(provider=_provider(world, side), kind="safeguarding", uploaded=pdf_upload(),
                              issued_on=dt.date(2026, 9, 1), review_on=dt.date(2027, 9, 1),
                              by=_manager(world, side), now=clock.now())
    return doc


def _own_document(world, side):
    return {"pk": _document(world, side).pk}


def _directory_document(world, side):
    doc = _document(world, side)
    return {"provider_pk": doc.provider_id, "pk": doc.pk}


def _staff(world, side):
    from apcommission import clock
    from providers.services import staff_save

    with scopes_disabled():
        staff = staff_save(provider=_provider(world, side), by=_manager(world, side), now=clock.now(),
                           data={"full_name": f"Staff {side}", "job_title": "Tutor"})
    return {"pk": staff.pk}


def _listed_provider(world, side):
    return {"provider_pk": _provider(world, side).pk}


URLS = {
    # The provider's own pack: provider managers only.
    "providers:pack": UrlSpec(),
    "providers:profile_edit": UrlSpec(),
    "providers:registration_edit": UrlSpec(),
    "providers:pupil_group_add": UrlSpec(),
    "providers:pupil_group_remove": UrlSpec(kwargs=_pupil_group),
    "providers:site_add": UrlSpec(),
    "providers:site_remove": UrlSpec(kwargs=_site),
    "providers:offer_add": UrlSpec(),
    "providers:offer_edit": UrlSpec(kwargs=_offer),
    "providers:offer_remove": UrlSpec(kwargs=_offer),
    "providers:document_upload": UrlSpec(),
    "providers:document_download": UrlSpec(kwargs=_own_document),
    "providers:staff_list": UrlSpec(),
    "providers:staff_add": UrlSpec(),
    "providers:staff_edit": UrlSpec(kwargs=_staff),
    "providers:kcsie_confirm": UrlSpec(),
    # Directory: schools (here) and LA officers (tests/providers/test_directory.py).
    "providers:directory": UrlSpec(),
    "providers:directory_provider": UrlSpec(kwargs=_listed_provider),
    "providers:directory_document": UrlSpec(kwargs=_directory_document),
    "providers:suitability_check": UrlSpec(kwargs=_listed_provider),
    "providers:suitability_signoff": UrlSpec(kwargs=_listed_provider),
    # LA officers keep the directory.
    "providers:directory_add": UrlSpec(),
    "providers:listing_status": UrlSpec(kwargs=_listed_provider),
    "providers:provider_invite": UrlSpec(kwargs=_listed_provider),
}
