"""What the placements views share: the objects they load, the refusal page and small helpers."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from apcommission.forms import SubmitForm, render_form_page
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from .. import selectors
from ..models import Placement, Referral

SCHOOL = (K.SCHOOL,)
PROVIDER = (K.PROVIDER,)


def _next(request, default: str) -> str:
    """A same-site ?next= address, or `default`."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def _can_special(request) -> bool:
    return request.membership.can(C.VIEW_SPECIAL_CATEGORY)


def _placement(pk) -> Placement:
    try:
        return selectors.placement_get(pk)
    except Placement.DoesNotExist as exc:
        raise Http404("No such placement") from exc


def _referral(placement: Placement) -> Referral:
    try:
        return Referral.objects.get(placement=placement)
    except Referral.DoesNotExist as exc:
        raise Http404("No referral") from exc


def _detail_url(org, placement) -> str:
    return reverse("placements:placement_detail", kwargs={"org": org, "pk": placement.pk})


def _refused(request, org, placement, *, title: str, problems: list[str], status: int = 409):
    """The page for an action the placement cannot take now: the reasons in the error summary, a way back,
    and no form to fill in again."""
    form = SubmitForm({}, submit=title)
    form.is_valid()
    for problem in problems:
        form.add_error(None, problem)
    return render_form_page(request, form, title=title, caption=str(placement.pupil),
                            back_url=_detail_url(org, placement), status=status, hide_form=True)
