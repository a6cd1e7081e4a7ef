import factory
from factory.django import DjangoModelFactory

from .models import Membership, Organisation
from .roles import OrganisationKind
from .scoping import scopes_disabled


class ScopedFactory(DjangoModelFactory):
    """Factories build fixtures across tenants, so they run with scopes disabled."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    kind = OrganisationKind.SCHOOL
    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    local_authority = factory.Maybe(
        factory.LazyAttribute(lambda o: o.kind in (OrganisationKind.SCHOOL, OrganisationKind.PROVIDER)),
        yes_declaration=factory.SubFactory(
            "tenancy.factories.OrganisationFactory", kind=OrganisationKind.LOCAL_AUTHORITY,
            name=factory.Sequence(lambda n: f"Local authority {n}"),
        ),
        no_declaration=None,
    )


class MembershipFactory(ScopedFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory("accounts.factories.UserFactory")
    organisation = factory.SubFactory(OrganisationFactory)
    role = "org_admin"
