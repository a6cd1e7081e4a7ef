import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from slas import services
from slas.default_clauses import SECTIONS
from slas.models import ServiceLevelAgreement, SLAStatus
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def _in(org):
    return scope(organisation=org)


def _sign(sla, member, name=None):
    with _in(member.organisation):
        return services.sla_sign(sla=sla, membership=member, typed_name=name or member.user.full_name,
                                 position="Headteacher", now=NOW, ip_address="198.51.100.4")


def test_draft_starts_from_the_default_template(draft):
    headings = [c.heading for c in draft.clauses.all()]
    expected = [heading for _key, _section, clauses in SECTIONS for heading, _body in clauses]
    assert headings == expected
    assert draft.status == SLAStatus.DRAFT


def test_clause_prose_uses_the_enforced_numbers(draft, school_lead):
    with _in(school_lead.organisation):
        draft = services.sla_update_schedule(sla=draft, data={"register_deadline_minutes": 20}, now=NOW)
        clause = draft.clauses.get(heading="Registers")
    assert "within 20 minutes" in services.render_clause(draft, clause.body)


def test_cannot_send_without_a_schedule(world, school_lead):
    with _in(school_lead.organisation):
        sla = services.sla_create(school=school_lead.organisation, provider=world.org(K.PROVIDER),
                                  created_by=school_lead.user, now=NOW)
        with pytest.raises(ValidationError, match="start date"):
            services.sla_send(sla=sla, by=school_lead.user, now=NOW)
    sla.refresh_from_db()
    assert sla.status == SLAStatus.DRAFT


def test_full_signing_flow_records_who_when_where_and_hash(draft, school_lead, provider_manager):
    with _in(school_lead.organisation):
        services.sla_send(sla=draft, by=school_lead.user, now=NOW)
    draft.refresh_from_db()
    assert draft.status == SLAStatus.SENT and len(draft.content_hash) == 64
    first = _sign(draft, provider_manager)
    draft.refresh_from_db()
    assert draft.status == SLAStatus.PARTLY_SIGNED
    _sign(draft, school_lead)
    draft.refresh_from_db()
    assert draft.status == SLAStatus.SIGNED and draft.signed_at == NOW
    assert first.user == provider_manager.user and first.party == "provider"
    assert first.ip_address == "198.51.100.4" and first.content_hash == draft.content_hash
    assert first.typed_name == provider_manager.user.full_name


def test_typed_name_must_match_the_signed_in_person(draft, school_lead, provider_manager):
    with _in(school_lead.organisation):
        services.sla_send(sla=draft, by=school_lead.user, now=NOW)
    with pytest.raises(ValidationError, match="full name"):
        _sign(draft, provider_manager, name="Someone Else")
    assert not draft.signatures.exists()


def test_a_party_signs_once(draft, school_lead, provider_manager):
    with _in(school_lead.organisation):
        services.sla_send(sla=draft, by=school_lead.user, now=NOW)
    _sign(draft, provider_manager)
    with pytest.raises(ValidationError, match="already signed"):
        _sign(draft, provider_manager)


def test_outsider_cannot_sign(world, draft, school_lead):
    with _in(school_lead.organisation):
        services.sla_send(sla=draft, by=school_lead.user, now=NOW)
    other = world.member(K.PROVIDER, Role.PROVIDER_MANAGER, "b")
    with pytest.raises(ValidationError, match="Only the school and the provider"):
        with scopes_disabled():
            services.sla_sign(sla=draft, membership=other, typed_name=other.user.full_name, position="x", now=NOW)


def test_edit_after_a_signature_voids_it(draft, school_lead, provider_manager):
    with _in(school_lead.organisation):
        services.sla_send(sla=draft, by=school_lead.user, now=NOW)
    signature = _sign(draft, provider_manager)
    clause = draft.clauses.first()
    with _in(school_lead.organisation):
        services.sla_update_clause(sla=draft, clause=clause, heading=clause.heading, body="Changed.", now=NOW)
    draft.refresh_from_db()
    signature.refresh_from_db()
    assert signature.voided_at == NOW
    assert draft.status == SLAStatus.DRAFT and draft.content_hash == ""


def test_signed_sla_can_never_change(signed, school_lead):
    before_hash, before_body = signed.content_hash, signed.clauses.first().body
    clause = signed.clauses.first()
    with _in(school_lead.organisation):
        with pytest.raises(services.SLALocked):
            services.sla_update_clause(sla=signed, clause=clause, heading="X", body="Tampered", now=NOW)
        with pytest.raises(services.SLALocked):
            services.sla_update_schedule(sla=signed, data={"rate": 1}, now=NOW)
    signed.refresh_from_db()
    assert signed.content_hash == before_hash and signed.status == SLAStatus.SIGNED
    assert signed.clauses.first().body == before_body
    assert signed.signatures.filter(voided_at__isnull=True).count() == 2


def test_amendment_is_a_new_version_to_sign_again(signed, school_lead):
    with _in(school_lead.organisation):
        v2 = services.sla_amend(sla=signed, by=school_lead.user, now=NOW)
        assert (v2.reference, v2.version, v2.status) == (signed.reference, 2, SLAStatus.DRAFT)
        assert v2.previous == signed and v2.clauses.count() == signed.clauses.count()
        assert not v2.signatures.exists()
        with pytest.raises(ValidationError):
            services.sla_amend(sla=signed, by=school_lead.user, now=NOW)
    signed.refresh_from_db()
    assert signed.status == SLAStatus.SIGNED  # version 1 unchanged


def test_termination_records_date_and_reason(signed, school_lead):
    with _in(school_lead.organisation):
        with pytest.raises(ValidationError):
            services.sla_terminate(sla=signed, on=dt.date(2027, 2, 1), reason=" ", by=school_lead.user, now=NOW)
        services.sla_terminate(sla=signed, on=dt.date(2027, 2, 1), reason="Pupil moved school",
                               by=school_lead.user, now=NOW)
    signed.refresh_from_db()
    assert (signed.status, signed.terminated_on, signed.termination_reason) == (
        SLAStatus.TERMINATED, dt.date(2027, 2, 1), "Pupil moved school")


def test_safeguarding_acknowledgements(draft, world, school_lead):
    provider_dsl = world.member(K.PROVIDER, Role.PROVIDER_DSL)
    with _in(provider_dsl.organisation), pytest.raises(ServiceLevelAgreement.DoesNotExist):
        # The provider cannot see (or acknowledge) a draft that has not been sent to it.
        services.sla_acknowledge_safeguarding(sla=draft, membership=provider_dsl, now=NOW)
    with _in(school_lead.organisation):
        services.sla_send(sla=draft, by=school_lead.user, now=NOW)
    with _in(provider_dsl.organisation):
        services.sla_acknowledge_safeguarding(sla=draft, membership=provider_dsl, now=NOW)
    with _in(school_lead.organisation):
        with pytest.raises(ValidationError):
            services.sla_acknowledge_safeguarding(sla=draft, membership=school_lead, now=NOW)
        services.sla_acknowledge_safeguarding(sla=draft, membership=school_lead, now=NOW,
                                              policy_received_on=dt.date(2026, 11, 20))
    draft.refresh_from_db()
    assert draft.provider_dsl_acknowledged_by == provider_dsl.user
    assert draft.safeguarding_policy_received_on == dt.date(2026, 11, 20)


def test_visibility(world, draft, signed, school_lead):
    """Provider sees SLAs once sent; LA sees signed ones in its area; other side sees none."""
    with _in(world.org(K.PROVIDER)):
        assert list(ServiceLevelAgreement.objects.all()) == [signed]
    with _in(world.org(K.LOCAL_AUTHORITY)):
        assert list(ServiceLevelAgreement.objects.all()) == [signed]
    with _in(world.org(K.TRUST)):
        assert ServiceLevelAgreement.objects.count() == 2
    for kind in (K.SCHOOL, K.PROVIDER, K.LOCAL_AUTHORITY, K.TRUST):
        with _in(world.org(kind, "b")):
            assert ServiceLevelAgreement.objects.count() == 0


def test_pdf_task_is_queued_once_when_both_have_signed(draft, school_lead, provider_manager, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    from slas import tasks

    queued = []
    monkeypatch.setattr(tasks.render_signed_sla_pdf, "delay", lambda sla_id: queued.append(sla_id))
    with _in(school_lead.organisation):
        services.sla_send(sla=draft, by=school_lead.user, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        _sign(draft, provider_manager)
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        _sign(draft, school_lead)
    assert queued == [draft.pk]
    # The task itself renders and stores the PDF.
    assert len(tasks.render_signed_sla_pdf.run(draft.pk)) == 64


def test_sla_covers_placements_and_shows_on_the_placement_page(world, draft, school_lead, login):
    from placements.factories import placement_in_state

    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="active", now=NOW)
    other = placement_in_state(pupil=world.pupils["b"], provider=world.org(K.PROVIDER, "b"), state="active", now=NOW)
    with _in(school_lead.organisation):
        with pytest.raises(ValidationError):
            services.sla_update_schedule(sla=draft, data={"placements": [other]}, now=NOW)
        draft = services.sla_update_schedule(sla=draft, data={"placements": [placement]}, now=NOW)
        assert list(draft.placements.all()) == [placement]
        before = services.content_hash(draft)
        services.sla_update_schedule(sla=draft, data={"placements": []}, now=NOW)
        assert services.content_hash(draft) != before  # what is covered is part of what is signed
        services.sla_update_schedule(sla=draft, data={"placements": [placement]}, now=NOW)
    page = login(school_lead.user).get(f"/o/school-a/placements/{placement.pk}/").content.decode()
    assert draft.reference in page
    # The schedule form offers only this school's placements with this provider.
    form = login(school_lead.user).get(f"/o/school-a/slas/{draft.pk}/schedule/").content.decode()
    assert f"P-{placement.pk}" in form and f"P-{other.pk}" not in form
    # The provider sees the SLA on the placement page only once it has been sent.
    provider_page = login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER)).get(f"/o/provider-a/placements/{placement.pk}/")
    assert draft.reference not in provider_page.content.decode()
