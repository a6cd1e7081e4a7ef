"""QA visit services (qa_framework.visits): schedule, start with the pre-fill, autosave, complete
with the suggested outcome and the officer's choice; nothing changes once completed or signed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apcommission.errors import Refusal
from qa_framework import cross_tenant, visits
from qa_framework.factories import framework_version, qa_visit_in_state
from qa_framework.models import Judgement, Outcome, QAVisit, ThemeComment, VisitState
from tenancy.models import AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope, scopes_disabled

from .conftest import DBS_NUMBER, NOW, STAFF_NAME, provider_pack, registers


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


def schedule(la, provider, framework, officer, **kw):
    with scope(organisation=la):
        return visits.qa_visit_schedule(owner=la, provider=provider, framework=framework,
                                        scheduled_for=dt.date(2026, 12, 1), owner_representative=officer,
                                        provider_representative="Centre manager", by=officer, now=NOW, **kw)


def start(visit, la, officer):
    with scope(organisation=la):
        return visits.qa_visit_start(visit=visit, by=officer, organisation=la, now=NOW)


def standards_of(visit, la):
    with scope(organisation=la):
        return {s.code: s for s in visits.visit_standards(visit)}


def test_schedule_uses_the_latest_published_version(world, la, provider, officer):
    v1 = framework_version(owner=la, now=NOW)
    with scopes_disabled():
        v2 = type(v1).objects.create(framework=v1.framework, number=2, state="published", scale=v1.scale,
                                     created_at=NOW, published_at=NOW)
        type(v1).objects.create(framework=v1.framework, number=3, state="draft", scale=v1.scale, created_at=NOW)
    visit = schedule(la, provider, v1.framework, officer)
    assert (visit.state, visit.version_id) == (VisitState.SCHEDULED, v2.pk)
    with scopes_disabled():
        assert AuditEvent.objects.filter(organisation=la, object_id=str(visit.pk), action="create").exists()


def test_schedule_refuses_a_provider_the_la_does_not_list_and_an_unpublished_framework(world, la, officer):
    version = framework_version(owner=la, now=NOW)
    with pytest.raises(ValidationError) as refused:
        schedule(la, world.org(K.PROVIDER, "b"), version.framework, officer)
    assert "lists in its directory" in str(refused.value)
    draft = framework_version(owner=la, now=NOW, published=False)
    with pytest.raises(ValidationError, match="published version"):
        schedule(la, world.org(K.PROVIDER, "a"), draft.framework, officer)
    with scopes_disabled():
        assert not QAVisit.objects.exists()


def test_start_prefills_the_first_page_and_evidence_without_names(world, la, provider, officer, version):
    provider_pack(world)
    registers(world)
    visit = start(schedule(la, provider, version.framework, officer), la, officer)
    assert visit.state == VisitState.IN_PROGRESS and visit.started_at == NOW
    assert "Motor vehicle workshop" in visit.overview
    assert visit.dsl == "Dee Lead, 01234 567891, dsl@example.org"
    assert "Website: https://provider.example.org" in visit.contact_details
    assert visit.courses == "Motor vehicle Level 1: Level 1 certificate"
    assert "part time, up to 2 days a week: yes" in visit.placement_lengths
    with scopes_disabled():
        evidence = dict(Judgement.objects.filter(visit=visit).values_list("standard__code", "evidence"))
        assert ThemeComment.objects.filter(visit=visit).count() == 2
    assert set(evidence) == {"1a", "1b", "2a", "2f"}
    assert "Vetting register: 1 staff; enhanced DBS current for 1" in evidence["1a"]
    assert "Safeguarding and child protection policy: issued 1 September 2026, review by 1 September 2027" in evidence["1b"]
    assert "Acme Insurance, £5,000,000 cover, expires 31 March 2027" in evidence["2f"]
    assert "Health and safety policy: not uploaded" in evidence["2a"]
    everything = " ".join([*evidence.values(), visit.overview, visit.contact_details, visit.dsl])
    assert STAFF_NAME not in everything and DBS_NUMBER not in everything


def test_register_figures_count_every_school_and_return_numbers(world, provider):
    registers(world)
    figures = cross_tenant.provider_register_figures(provider=provider, first=dt.date(2026, 11, 1),
                                                     last=dt.date(2026, 11, 30), now=NOW)
    assert (figures.registers_due, figures.registers_on_time) == (3, 1)
    assert (figures.sessions_expected, figures.sessions_attended) == (3, 1)
    assert figures.timely_percent == Decimal("33.3") and figures.attendance_percent == Decimal("33.3")
    assert all(isinstance(getattr(figures, f), int) for f in ("registers_due", "registers_on_time",
                                                              "sessions_expected", "sessions_attended"))


def test_start_twice_is_refused(world, la, provider, officer, version):
    visit = start(schedule(la, provider, version.framework, officer), la, officer)
    with pytest.raises(Refusal, match="already started"):
        start(visit, la, officer)


def test_save_any_part_and_a_bad_level_saves_nothing(world, la, provider, officer, version):
    visit = start(schedule(la, provider, version.framework, officer), la, officer)
    codes = standards_of(visit, la)
    with scope(organisation=la):
        theme = visits.visit_themes(visit)[0]
        visits.qa_visit_save(visit=visit, by=officer, organisation=la, now=NOW, overview={"overview": "Seen"},
                             judgements={codes["1a"].pk: {"level": "partially"}},
                             comments={theme.pk: "Strong culture"})
        visits.qa_visit_save(visit=visit, by=officer, organisation=la, now=NOW,
                             judgements={codes["1a"].pk: {"evidence": "SCR seen"}})
        with pytest.raises(ValidationError):
            visits.qa_visit_save(visit=visit, by=officer, organisation=la, now=NOW, overview={"overview": "Changed"},
                                 judgements={codes["1b"].pk: {"level": "excellent"}})
    with scopes_disabled():
        visit.refresh_from_db()
        assert visit.overview == "Seen"
        row = Judgement.objects.get(visit=visit, standard=codes["1a"])
        assert (row.level, row.evidence) == ("partially", "SCR seen")
        assert Judgement.objects.get(visit=visit, standard=codes["1b"]).level == ""
        assert ThemeComment.objects.get(visit=visit, theme=theme).comment == "Strong culture"


def test_save_refuses_a_standard_of_another_version(world, la, provider, officer, version):
    other = framework_version(owner=la, now=NOW)
    visit = start(schedule(la, provider, version.framework, officer), la, officer)
    foreign = next(iter(standards_of(type(visit)(version=other, pk=None, version_id=other.pk), la).values()))
    with scope(organisation=la), pytest.raises(Refusal, match="another framework version"):
        visits.qa_visit_save(visit=visit, by=officer, organisation=la, now=NOW,
                             judgements={foreign.pk: {"level": "fully"}})


def test_complete_refuses_missing_judgements_and_names_each(world, la, provider, officer, version):
    visit = start(schedule(la, provider, version.framework, officer), la, officer)
    codes = standards_of(visit, la)
    with scope(organisation=la):
        visits.qa_visit_save(visit=visit, by=officer, organisation=la, now=NOW,
                             judgements={codes["1a"].pk: {"level": "fully"}, codes["2a"].pk: {"level": "fully"}})
        with pytest.raises(Refusal) as refused:
            visits.qa_visit_complete(visit=visit, outcome=Outcome.APPROVED, by=officer, organisation=la, now=NOW)
    assert refused.value.problems == ["Judge standard 1b", "Judge standard 2f"]
    with scopes_disabled():
        assert QAVisit.objects.get(pk=visit.pk).state == VisitState.IN_PROGRESS


def test_complete_stores_the_suggestion_and_an_override_needs_a_reason(world, la, provider, officer, version):
    visit = start(schedule(la, provider, version.framework, officer), la, officer)
    codes = standards_of(visit, la)
    levels = {"1a": "fully", "1b": "fully", "2a": "fully", "2f": "limited"}
    with scope(organisation=la):
        visits.qa_visit_save(visit=visit, by=officer, organisation=la, now=NOW,
                             judgements={codes[c].pk: {"level": lv} for c, lv in levels.items()})
        assert visits.outcome_suggestion(visit) == Outcome.APPROVED_WITH_CONDITIONS
        with pytest.raises(ValidationError) as refused:
            visits.qa_visit_complete(visit=visit, outcome=Outcome.NOT_MET_WITHDRAWN, outcome_reason="  ",
                                     by=officer, organisation=la, now=NOW)
        assert "outcome_reason" in refused.value.message_dict
        done = visits.qa_visit_complete(visit=visit, outcome=Outcome.NOT_MET_WITHDRAWN,
                                        outcome_reason="The provider does not wish to continue",
                                        by=officer, organisation=la, now=NOW)
    assert (done.state, done.suggested_outcome, done.outcome) == (
        VisitState.COMPLETED, Outcome.APPROVED_WITH_CONDITIONS, Outcome.NOT_MET_WITHDRAWN)
    assert done.outcome_reason == "The provider does not wish to continue" and done.completed_at == NOW


@pytest.mark.parametrize("state", [VisitState.COMPLETED, VisitState.SIGNED])
def test_a_completed_or_signed_visit_cannot_be_saved_or_completed_again(world, la, provider, officer, state):
    visit = qa_visit_in_state(local_authority=la, provider=provider, state=VisitState.COMPLETED, by=officer, now=NOW)
    assert visit.outcome == Outcome.APPROVED == visit.suggested_outcome
    if state == VisitState.SIGNED:  # the signing service's job; here only its result matters
        with scopes_disabled():
            QAVisit.objects.filter(pk=visit.pk).update(state=VisitState.SIGNED, signed_at=NOW, content_hash="0" * 64)
    code = standards_of(visit, la)["1a"]
    with scope(organisation=la):
        with pytest.raises(visits.VisitLocked, match="cannot be changed"):
            visits.qa_visit_save(visit=visit, by=officer, organisation=la, now=NOW,
                                 judgements={code.pk: {"level": "not_at_all"}}, overview={"overview": "Rewritten"})
        with pytest.raises(visits.VisitLocked):
            visits.qa_visit_complete(visit=visit, outcome=Outcome.NOT_MET_MAY_REAPPLY, outcome_reason="x",
                                     by=officer, organisation=la, now=NOW)
    with scopes_disabled():
        assert Judgement.objects.get(visit=visit, standard=code).level == "fully"
        assert QAVisit.objects.get(pk=visit.pk).state == state


def test_save_before_start_is_refused(world, la, provider, officer, version):
    visit = schedule(la, provider, version.framework, officer)
    with scope(organisation=la), pytest.raises(visits.VisitLocked, match="start it first"):
        visits.qa_visit_save(visit=visit, by=officer, organisation=la, now=NOW, overview={"overview": "x"})


def test_register_timeliness_and_attendance_of_the_last_term_are_evidence_for_3d(world, la, provider, officer):
    from attendance.models import TermDates
    from qa_framework.factories import seed_framework_version

    registers(world)  # 16-18 November 2026: one on time, one late, one missing; one present of three
    with scopes_disabled():
        TermDates.objects.create(organisation=la, academic_year=2026, term="autumn", start_date=dt.date(2026, 11, 17),
                                 end_date=dt.date(2026, 12, 18))
    version = seed_framework_version(owner=la, now=NOW)
    visit = start(schedule(la, provider, version.framework, officer), la, officer)
    with scopes_disabled():
        evidence = dict(Judgement.objects.filter(visit=visit).values_list("standard__code", "evidence"))
    # The LA's term holding the visit started on 17 November: the 16th is not counted.
    assert "Registers 17 November 2026 to 25 November 2026: 0 of 2 submitted by their due time (0.0%)" in evidence["3d"]
    assert "Attendance 17 November 2026 to 25 November 2026: 0 of 2 sessions (0.0%)" in evidence["4d"]
    assert evidence["5a"] == ""
