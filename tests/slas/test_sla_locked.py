"""A signed SLA's edit pages are read-only and offer "Make an amendment" (issue 9).

Before: the schedule and clause pages of a signed SLA opened as if editable; saving then failed.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.urls import reverse

from apcommission import clock
from slas.models import ServiceLevelAgreement
from tenancy.scoping import scopes_disabled


def page_text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def test_a_signed_slas_schedule_page_is_read_only_with_make_an_amendment(login, school_lead, signed):
    client = login(school_lead.user)
    url = reverse("slas:schedule", kwargs={"org": school_lead.organisation.slug, "pk": signed.pk})
    response = client.get(url)
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    assert html.select_one("main form input[name=start_date_0]") is None  # no editable schedule
    assert "signed by both parties, so it cannot change" in page_text(response)
    [amend] = html.select(f"form[action='{reverse('slas:amend', kwargs={'org': school_lead.organisation.slug, 'pk': signed.pk})}']")
    assert "Make an amendment" in amend.get_text()
    # A POST changes nothing either.
    client.post(url, {"days_and_sessions": "Changed"})
    with scopes_disabled():
        assert ServiceLevelAgreement.objects.get(pk=signed.pk).days_and_sessions == signed.days_and_sessions


def test_a_signed_slas_clause_page_shows_the_clause_read_only(login, school_lead, signed):
    client = login(school_lead.user)
    with scopes_disabled():
        clause = signed.clauses.first()
    response = client.get(reverse("slas:clause", kwargs={"org": school_lead.organisation.slug, "pk": signed.pk,
                                                         "clause_pk": clause.pk}))
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    assert html.select_one("main textarea") is None
    assert "Make an amendment" in page_text(response)


def test_once_amended_the_old_version_offers_no_second_amendment(login, school_lead, signed):
    client = login(school_lead.user)
    org = school_lead.organisation.slug
    assert client.post(reverse("slas:amend", kwargs={"org": org, "pk": signed.pk})).status_code == 302
    response = client.get(reverse("slas:schedule", kwargs={"org": org, "pk": signed.pk}))
    assert "Make an amendment" not in page_text(response)


def test_a_refused_amendment_is_an_error_summary_on_the_sla_page(login, school_lead, signed):
    """Before: a refused send or amendment was a flash banner after a redirect; now the SLA page
    answers 400 with the reason in its GOV.UK error summary (issue 9: one translation of refusals)."""
    client = login(school_lead.user)
    org = school_lead.organisation.slug
    url = reverse("slas:amend", kwargs={"org": org, "pk": signed.pk})
    assert client.post(url).status_code == 302
    response = client.post(url)  # a second amendment of the same version is refused
    assert response.status_code == 400
    summary = BeautifulSoup(response.content, "html.parser").select_one(".govuk-error-summary")
    assert summary is not None and "An amendment to this version already exists" in summary.get_text()
    with scopes_disabled():
        assert ServiceLevelAgreement.objects.filter(previous=signed).count() == 1


def test_sending_an_incomplete_sla_is_refused_with_the_reason(login, school_lead, world):
    from slas import services
    from tenancy.roles import OrganisationKind as K
    from tenancy.scoping import scope

    with scope(organisation=school_lead.organisation):
        sla = services.sla_create(school=school_lead.organisation, provider=world.org(K.PROVIDER),
                                  created_by=school_lead.user, now=clock.now())
    client = login(school_lead.user)
    response = client.post(reverse("slas:send", kwargs={"org": school_lead.organisation.slug, "pk": sla.pk}))
    assert response.status_code == 400
    assert BeautifulSoup(response.content, "html.parser").select_one(".govuk-error-summary") is not None
    with scopes_disabled():
        assert ServiceLevelAgreement.objects.get(pk=sla.pk).status == "draft"
