"""The person's API tokens page under /o/<org>/ (the API itself is outside /o/: registry.NON_TENANT_URLS)."""

from .registry import UrlSpec


def _token(world, side, *, kind, role):
    from apcommission import clock
    from api.models import ApiToken
    from api.services import token_create
    from tenancy.scoping import scopes_disabled

    membership = world.member(kind, role, side)
    with scopes_disabled():
        token, _ = token_create(membership=membership, name=f"Isolation {side}", now=clock.now())
        assert ApiToken.objects.filter(pk=token.pk).exists()
    return {"pk": token.pk}


def _token_count(world, kwargs):
    from api.models import ApiToken

    return ApiToken.objects.count()


def _revoked_at(world, kwargs):
    from api.models import ApiToken

    return ApiToken.objects.filter(pk=kwargs["pk"]).values_list("revoked_at", flat=True).get()


URLS = {
    "api_tokens:list": UrlSpec(),
    "api_tokens:create": UrlSpec(method="post", data=lambda world, side: {"name": "Register app"},
                                 state=_token_count),
    "api_tokens:revoke": UrlSpec(kwargs=_token, method="post", ok_status=302, state=_revoked_at),
}
