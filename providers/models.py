from django.db import models
from django.db.models import Q

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import ScopedModel


class ListingStatus(models.TextChoices):
    LISTED = "listed", "Listed"
    APPROVED = "approved", "Approved"
    SUSPENDED = "suspended", "Suspended"


class ProviderListing(ScopedModel):
    """A local authority lists a provider in its directory (a provider may be listed by several).

    This row is also the explicit grant that lets the LA see the provider's due-diligence pack.
    """

    local_authority = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="provider_listings",
        limit_choices_to={"kind": OrganisationKind.LOCAL_AUTHORITY},
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="listings",
        limit_choices_to={"kind": OrganisationKind.PROVIDER},
    )
    status = models.CharField(max_length=12, choices=ListingStatus.choices, default=ListingStatus.LISTED)
    listed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "provider"], name="one_listing_per_la_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} in {self.local_authority}"

    @classmethod
    def scope_q(cls, organisation):
        return Q(local_authority=organisation) | Q(provider=organisation)
