"""The commissioning workflow's gaps (issue 9), each closed in the services so every way in
(pages, API, factories) meets the same rule.

Before: a referral could be sent with no parent or carer and reach the provider when the parents had
not consented to sharing; code D recorded no other school; an agreement named no member of staff
and no next visit; a 09:00–15:00 session was "morning" with the afternoon shown as school time.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from placements import lifecycle, rules, selectors, services
from placements.factories import ParentCarerFactory, placement_in_state
from placements.models import RegistrationCode, SessionPart, ShareBasis, State
from placements.referral_sections import send_problems, step_complete
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW, TODAY


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


@pytest.fixture
def draft(world):
    """A submitted-ready draft whose pupil has a parent on record."""
    pupil = world.pupils["a"]
    ParentCarerFactory(pupil=pupil)
    return placement_in_state(pupil=pupil, provider=world.org(K.PROVIDER), state=State.DRAFT, now=NOW,
                              by=world.user(K.SCHOOL, Role.AP_LEAD))


def submit(world, placement):
    school = world.org(K.SCHOOL)
    with scope(organisation=school):
        referral = placement.referral
        return services.referral_submit(referral=referral, by=world.user(K.SCHOOL, Role.AP_LEAD),
                                        organisation=school, now=NOW)


def save(world, placement, **data):
    with scope(organisation=world.org(K.SCHOOL)):
        return services.referral_save(referral=placement.referral, data=data)


# --- Consent to share ---------------------------------------------------------------------

def test_a_referral_without_a_recorded_basis_for_sharing_cannot_be_sent(world, draft):
    save(world, draft, share_basis="")
    assert not step_complete(draft.referral, "sharing")
    with pytest.raises(ValidationError) as exc:
        submit(world, draft)
    assert "Complete the referral: What to share with the provider" in exc.value.messages


def test_refused_consent_stops_the_referral_reaching_the_provider(world, draft):
    save(world, draft, share_basis=ShareBasis.REFUSED)
    assert step_complete(draft.referral, "sharing")  # answered...
    with pytest.raises(ValidationError) as exc:  # ...but it blocks sending
        submit(world, draft)
    assert any("did not consent to sharing" in m for m in exc.value.messages)


def test_refused_consent_recorded_after_the_headteacher_saw_it_blocks_the_send(world, draft):
    """The lifecycle guard (not only the submit step) refuses: nothing reaches the provider."""
    submit(world, draft)
    with scopes_disabled():
        type(draft.referral).objects.filter(pk=draft.referral.pk).update(share_basis=ShareBasis.REFUSED)
    school = world.org(K.SCHOOL)
    head = world.user(K.SCHOOL, Role.HEADTEACHER)
    with scope(organisation=school), pytest.raises(lifecycle.TransitionBlocked) as exc:
        services.referral_decide(placement=draft, approve=True, consulted={
            "consulted_pupil": True, "consulted_parents": True, "consulted_teacher": True},
            notes="", by=head, organisation=school, now=NOW)
    assert any("did not consent to sharing" in p for p in exc.value.problems)
    with scopes_disabled():
        draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_a_lawful_basis_without_consent_needs_its_reason(world, draft):
    save(world, draft, share_basis=ShareBasis.LAWFUL_BASIS, share_basis_reason="")
    assert not step_complete(draft.referral, "sharing")
    save(world, draft, share_basis_reason="Child protection plan: sharing is necessary to keep the pupil safe")
    assert step_complete(draft.referral, "sharing")
    submit(world, draft)  # goes ahead


# --- Parents and carers -------------------------------------------------------------------

def test_a_referral_names_a_parent_or_carer_or_says_why_not(world):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.DRAFT,
                                   now=NOW, by=world.user(K.SCHOOL, Role.AP_LEAD))
    with scopes_disabled():
        placement.pupil.parent_carers.all().delete()
    with pytest.raises(ValidationError) as exc:
        submit(world, placement)
    assert any("Add a parent or carer" in m for m in exc.value.messages)
    save(world, placement, no_parent_reason="Looked after: the virtual school head acts for the pupil")
    assert send_problems(placement.referral) == []


# --- Dual registration --------------------------------------------------------------------

def test_dual_registration_needs_the_other_schools_name_and_urn(world):
    school = world.org(K.SCHOOL)
    with scope(organisation=school):
        with pytest.raises(ValidationError) as exc:
            services.referral_start(school=school, pupil=world.pupils["a"], provider=world.org(K.PROVIDER),
                                    registration_code=RegistrationCode.D, by=None, now=NOW)
        assert set(exc.value.message_dict) >= {"dual_school_name", "dual_school_urn"}
        with pytest.raises(ValidationError) as exc:
            services.referral_start(school=school, pupil=world.pupils["a"], provider=world.org(K.PROVIDER),
                                    registration_code=RegistrationCode.D, by=None, now=NOW,
                                    dual_school_name="Riverside PRU", dual_school_urn="12345")
        assert "6 digits" in exc.value.message_dict["dual_school_urn"][0]
        placement = services.referral_start(school=school, pupil=world.pupils["a"], provider=world.org(K.PROVIDER),
                                            registration_code=RegistrationCode.D, by=None, now=NOW,
                                            dual_school_name="Riverside PRU", dual_school_urn="123456")
    assert (placement.dual_school_name, placement.dual_school_urn) == ("Riverside PRU", "123456")


# --- The agreement names who is responsible and the next visit ----------------------------

def test_an_agreement_names_the_staff_member_responsible_and_the_next_visit(world):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.AGREED,
                                   now=NOW, by=world.user(K.SCHOOL, Role.AP_LEAD))
    with scopes_disabled():
        agreement = placement.agreements.get()
        agreement.school_lead, agreement.next_visit_on = None, None
        problems = selectors.agreement_problems(placement=placement, agreement=agreement, on=TODAY)
    assert "Name the school staff member responsible for the placement" in problems
    assert any("next visit" in p for p in problems)


def test_the_responsible_staff_member_must_work_at_the_school(world):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.ACCEPTED,
                                   now=NOW, by=world.user(K.SCHOOL, Role.AP_LEAD))
    school = world.org(K.SCHOOL)
    with scope(organisation=school):
        agreement = services.agreement_draft(placement=placement, by=None, now=NOW)
        with pytest.raises(ValidationError) as exc:
            services.agreement_save(agreement=agreement, data={"school_lead": world.user(K.PROVIDER, Role.PROVIDER_MANAGER)})
        assert "school_lead" in exc.value.message_dict
        lead = world.user(K.SCHOOL, Role.AP_LEAD)
        services.agreement_save(agreement=agreement, data={"school_lead": lead, "next_visit_on": TODAY + dt.timedelta(days=20)})
        agreement.refresh_from_db()
    assert agreement.school_lead == lead


# --- All-day sessions ---------------------------------------------------------------------

class _S:
    def __init__(self, weekday, part):
        self.weekday, self.part = weekday, part


def test_an_all_day_session_fills_both_halves_of_the_week_plan():
    day = _S(0, SessionPart.DAY)
    plan = rules.week_plan([day, _S(1, SessionPart.AM)])
    assert plan[0]["am"] is plan[0]["pm"] is day and plan[0]["all_day"]
    assert plan[1]["am"] is not None and plan[1]["pm"] is None and not plan[1]["all_day"]


@pytest.mark.parametrize("existing, new, clash", [
    (SessionPart.AM, SessionPart.DAY, True),
    (SessionPart.DAY, SessionPart.PM, True),
    (SessionPart.AM, SessionPart.PM, False),
])
def test_sessions_may_not_overlap_an_all_day_session(existing, new, clash):
    assert rules.session_clash([_S(2, existing)], weekday=2, part=new) is clash
    assert rules.session_clash([_S(2, existing)], weekday=3, part=new) is False


def test_the_service_refuses_a_clashing_all_day_session(world):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.ACCEPTED,
                                   now=NOW, by=world.user(K.SCHOOL, Role.AP_LEAD))
    with scope(organisation=world.org(K.SCHOOL)):
        agreement = services.agreement_draft(placement=placement, by=None, now=NOW)
        services.session_add(agreement=agreement, data={"weekday": 0, "part": SessionPart.AM,
                                                        "start_time": dt.time(9), "end_time": dt.time(12)})
        with pytest.raises(ValidationError) as exc:
            services.session_add(agreement=agreement, data={"weekday": 0, "part": SessionPart.DAY,
                                                            "start_time": dt.time(9), "end_time": dt.time(15)})
        assert "already a session on Monday" in exc.value.message_dict["part"][0]
        services.session_add(agreement=agreement, data={"weekday": 1, "part": SessionPart.DAY,
                                                        "start_time": dt.time(9), "end_time": dt.time(15)})
        assert agreement.sessions.count() == 2


# --- Through the pages --------------------------------------------------------------------

def _text(response) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def test_the_start_page_asks_for_the_other_school_when_dual_registered(world, signed_off, login):
    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    response = client.post("/o/school-a/referrals/new/", {"pupil": world.pupils["a"].pk,
                                                           "provider": world.org(K.PROVIDER).pk,
                                                           "registration_code": "D"})
    assert response.status_code == 200
    page = _text(response)
    assert "There is a problem" in page and "Enter the name of the other school the pupil is registered at" in page
    with scopes_disabled():
        assert not world.pupils["a"].placements.exists()  # nothing half-saved


def test_one_part_of_the_special_category_record_saves_without_the_others(world, login):
    """Before: the form refused to save anything until all six yes/no questions were answered."""
    pupil = world.pupils["a"]
    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    response = client.post(f"/o/school-a/pupils/{pupil.pk}/special-category/?section=equality",
                           {"ethnicity": "White British", "religion": ""})
    assert response.status_code == 302, _text(response)
    with scopes_disabled():
        assert pupil.__class__.objects.get(pk=pupil.pk).sensitive.ethnicity == "White British"
    page = _text(client.get(f"/o/school-a/pupils/{pupil.pk}/special-category/?section=safeguarding"))
    assert "Is the pupil looked after?" in page and "Ethnic group" not in page
    assert client.get(f"/o/school-a/pupils/{pupil.pk}/special-category/?section=nope").status_code == 404


def test_the_sharing_page_reveals_the_lawful_basis_question_under_its_answer(world, login):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.DRAFT,
                                   now=NOW, by=world.user(K.SCHOOL, Role.AP_LEAD))
    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    url = f"/o/school-a/placements/{placement.pk}/referral/sharing/"
    from bs4 import BeautifulSoup

    html = BeautifulSoup(client.get(url).content, "html.parser")
    conditional = html.select_one(".govuk-radios__conditional textarea[name=share_basis_reason]")
    assert conditional is not None
    response = client.post(url, {"share_basis": "lawful_basis", "share_basis_reason": ""})
    assert "Enter the lawful basis for sharing without consent" in _text(response)
    with scopes_disabled():
        placement.referral.refresh_from_db()
    assert placement.referral.share_basis == "consent"  # unchanged: the page was refused


def test_the_decline_reason_is_asked_under_its_answer(world, login):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.REFERRED,
                                   now=NOW)
    client = login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    from bs4 import BeautifulSoup

    html = BeautifulSoup(client.get(f"/o/provider-a/placements/{placement.pk}/respond/").content, "html.parser")
    assert html.select_one(".govuk-radios__conditional textarea[name=reason]") is not None
    assert html.select_one("#id_response_0").get("aria-controls") is None  # "accept" reveals nothing
