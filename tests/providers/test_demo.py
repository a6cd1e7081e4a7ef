"""providers.demo.load_providers_demo fills the demo organisations and is idempotent."""

from django.core.management import call_command

from providers import rules
from providers.demo import load_providers_demo
from providers.models import (
    KcsieConfirmation,
    Offer,
    PolicyDocument,
    ProviderProfile,
    StaffMember,
    SuitabilityCheck,
    SuitabilityCheckItem,
)
from providers.selectors import compliance_summaries, suitability_signoff_current
from tenancy.models import Organisation
from tenancy.scoping import scopes_disabled

from .conftest import NOW, TODAY

MODELS = (ProviderProfile, Offer, PolicyDocument, StaffMember, KcsieConfirmation, SuitabilityCheck, SuitabilityCheckItem)


def counts():
    with scopes_disabled():
        return {m.__name__: m.objects.count() for m in MODELS}


def test_demo_is_complete_and_idempotent(db, capsys):
    call_command("load_demo_data")
    with scopes_disabled():
        orgs = {o.slug: o for o in Organisation.objects.all()}
    load_providers_demo(orgs, NOW)
    first = counts()
    load_providers_demo(orgs, NOW)
    assert counts() == first
    # Hillside Academy's sign-off of Pathways (this demo), and one for each other school–provider pair
    # the demo placements were referred through (the referral guard needs a current sign-off).
    assert first["PolicyDocument"] == 17 + 17 + 3 and first["SuitabilityCheck"] == 6
    with scopes_disabled():
        summaries = compliance_summaries([orgs[s] for s in ("pathways", "forge-skills", "green-shoots")], on=TODAY)
        assert [summaries[orgs[s].pk].rag for s in ("pathways", "forge-skills", "green-shoots")] == [
            rules.AMBER, rules.RED, rules.RED]
        assert suitability_signoff_current(school=orgs["hillside-academy"], provider=orgs["pathways"], on=TODAY)
        assert not ProviderProfile.objects.get(provider=orgs["pathways"]).missing_fields
        # the census and inspection lists give a provider's UKPRN (green-shoots has none)
        assert {s: ProviderProfile.objects.get(provider=orgs[s]).ukprn for s in ("pathways", "forge-skills",
                                                                                 "green-shoots")} == {
            "pathways": "10091234", "forge-skills": "10087654", "green-shoots": ""}
