"""Every refusal is a message (issue 9 item 2): each lifecycle transition, POSTed through its page in
every state it does not leave from, by a member whose role may take it, answers a page that says
why in a GOV.UK error summary — never a 500 — and changes nothing. The guards a school meets most
(no parents' agreement yet, before the start date) are named cases."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils.html import escape

from placements.factories import placement_in_state
from placements.lifecycle import TRANSITIONS, Transition
from placements.models import ParentalAgreement, Placement, PlacementEvent, State
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role, role_has
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


def _date(name: str, day: dt.date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


# transition -> (url name, extra url kwargs, side, capability the view needs, a valid POST)
PAGES = {
    Transition.REFER: ("placements:referral_decision", {}, K.SCHOOL, C.APPROVE_REFERRALS,
                       {"decision": "approve", "consulted": ["consulted_pupil", "consulted_parents", "consulted_teacher"]}),
    Transition.ACCEPT: ("placements:provider_response", {}, K.PROVIDER, C.SIGN_AGREEMENTS, {"response": "accept"}),
    Transition.DECLINE: ("placements:provider_response", {}, K.PROVIDER, C.SIGN_AGREEMENTS,
                         {"response": "decline", "reason": "No places this term."}),
    Transition.AGREE: ("placements:agreement_agree", {}, K.SCHOOL, C.SIGN_AGREEMENTS, {}),
    Transition.START: ("placements:placement_start", {}, K.SCHOOL, C.MAKE_REFERRALS, {}),
    Transition.EMERGENCY_REVIEW: ("placements:placement_status", {"transition": Transition.EMERGENCY_REVIEW}, K.SCHOOL,
                                  C.SIGN_AGREEMENTS, {"note": "Three incidents this week."}),
    Transition.SUSPEND: ("placements:placement_status", {"transition": Transition.SUSPEND}, K.SCHOOL,
                         C.SIGN_AGREEMENTS, {"note": "Suspended while we review."}),
    Transition.RESUME: ("placements:placement_status", {"transition": Transition.RESUME}, K.SCHOOL,
                        C.SIGN_AGREEMENTS, {"note": "Review done."}),
    Transition.END: ("placements:placement_end", {}, K.SCHOOL, C.MAKE_REFERRALS,
                     {**_date("ended_on", NOW.date()), "end_reason": "completed", "destination": "further_education"}),
}

REFUSED = sorted((name, state) for name, move in TRANSITIONS.items() for state in State.values
                 if state not in move.sources)


def test_every_transition_has_a_page():
    assert set(PAGES) == set(TRANSITIONS)


def _role_for(kind: str, capability: str) -> str:
    preferred = [Role.AP_LEAD, Role.HEADTEACHER, Role.PROVIDER_MANAGER]
    roles = preferred + [r for r in Role.values if r not in preferred]
    return next(r for r in roles if role_has(r, capability) and (kind == K.PROVIDER) == r.startswith("provider_"))


def _post(world, login, client, placement, name):
    url_name, extra, kind, capability, data = PAGES[name]
    side = world.org(kind)
    login(world.user(kind, _role_for(kind, capability)))
    url = reverse(url_name, kwargs={"org": side.slug, "pk": placement.pk, **extra})
    return client.post(url, data), side


def _summary(response) -> list[str]:
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    box = soup.select_one(".govuk-error-summary")
    return [" ".join(li.get_text(" ").split()) for li in box.select("li")] if box else []


def _snapshot(placement) -> tuple:
    with scopes_disabled():
        row = Placement.objects.get(pk=placement.pk)
        return row.state, PlacementEvent.objects.filter(placement=row).count()


def _visible_to(side, placement) -> bool:
    with scope(organisation=side):
        return Placement.objects.filter(pk=placement.pk).exists()


@pytest.mark.parametrize(("name", "state"), REFUSED, ids=[f"{n}-from-{s}" for n, s in REFUSED])
def test_a_refused_transition_says_why_and_changes_nothing(world, login, client, frozen_now, name, state):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=state, now=NOW)
    before = _snapshot(placement)

    response, side = _post(world, login, client, placement, name)

    assert response.status_code < 500
    assert _snapshot(placement) == before
    if not _visible_to(side, placement):  # e.g. a draft the provider was never sent: it does not exist for them
        assert response.status_code == 404
        return
    assert 400 <= response.status_code < 500, response.status_code
    problems = _summary(response)
    assert problems, f"{name} from {state}: no error summary"
    assert all(p and p != "This field is required." for p in problems)


def _agreed(world, **kwargs):
    return placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.AGREED, now=NOW,
                              **kwargs)


def test_start_without_the_parents_agreement_says_so(world, login, client, frozen_now):
    placement = _agreed(world)
    with scopes_disabled():
        ParentalAgreement.objects.filter(placement=placement).delete()  # the school has not recorded it yet

    response, _ = _post(world, login, client, placement, Transition.START)

    assert response.status_code == 400
    assert "Record the parents' or carers' agreement first" in _summary(response)
    assert _snapshot(placement)[0] == State.AGREED


def test_start_before_the_start_date_says_when_it_starts(world, login, client, frozen_now):
    starts = NOW.date() + dt.timedelta(days=10)
    placement = _agreed(world, start=starts)

    response, _ = _post(world, login, client, placement, Transition.START)

    assert response.status_code == 400
    assert f"The placement starts on {starts:%-d %B %Y}" in _summary(response)
    assert _snapshot(placement)[0] == State.AGREED


def test_the_start_page_with_a_refusal_is_a_page_not_a_500(world, login, client, frozen_now):
    """The bug in issue 9: the confirmation form has no fields, and its error summary raised
    AttributeError: 'str' object has no attribute 'field'."""
    placement = _agreed(world)
    with scopes_disabled():
        ParentalAgreement.objects.filter(placement=placement).delete()
    response, _ = _post(world, login, client, placement, Transition.START)
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and "Start the placement" in html
    assert f"<title>Error: Start the placement – {escape(str(placement.pupil))} – " in html  # names the pupil
