"""Test and demo placements are built by the lifecycle, never by writing their state (issue 9 item 6).

1. No factory or demo module sets a placement's state or creates a placement row itself (AST walk).
2. A placement built by `placement_in_state` in each state has the same derived fields (everything
   the services compute: dates, initial assessment due, weekly hours, part time, …) as one walked by
   hand through the services with the same clock.
3. Guards run: the factory refuses what the service refuses.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from apcommission import clock
from placements import services
from placements.factories import complete_referral_data, placement_in_state
from placements.lifecycle import Transition
from placements.models import EndReason, Placement, PupilSensitive, Referral, State
from providers.factories import suitability_signed_off
from providers.models import ListingStatus, ProviderListing
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".venv", "node_modules", ".git", "static", "var", "media"}
WRITE_METHODS = {"create", "update", "bulk_create", "get_or_create", "update_or_create", "bulk_update"}
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


# --- 1. Nothing sets a placement's state directly -------------------------------------------

def factory_and_demo_modules() -> list[Path]:
    """Every factories.py and demo.py in the project, and every module of the demo app."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if SKIP_DIRS & set(parts) or "migrations" in parts:
            continue
        if path.name in ("factories.py", "demo.py") or parts[0] == "demo":
            found.append(path)
    return found


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _chain(node: ast.AST) -> list[str]:
    """`Placement.objects.filter(...).update` → ["Placement", "objects", "filter", "update"]."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names[::-1]
        else:
            return names[::-1]


def _is_state_key(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == "state"


def state_writes(source: str, filename: str = "<src>") -> list[str]:
    """Where `source` writes a placement's state or creates a placement row past the services."""
    problems = []
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Attribute) and sub.attr == "state":
                    problems.append(f"{where}: assigns .state")
        if not isinstance(node, ast.Call):
            continue
        chain = _chain(node)
        callee = chain[-1] if chain else ""
        if callee == "setattr" and len(node.args) >= 2 and _is_state_key(node.args[1]):
            problems.append(f"{where}: setattr(..., 'state', ...)")
        if chain[:1] == ["Placement"] and (len(chain) == 1 or callee in WRITE_METHODS):
            problems.append(f"{where}: creates or writes a Placement row directly ({'.'.join(chain)})")
        if "PlacementFactory" in chain:
            problems.append(f"{where}: PlacementFactory(...) builds a placement past the lifecycle")
        if callee in WRITE_METHODS or "Placement" in callee:
            for keyword in node.keywords:
                if keyword.arg == "state":
                    problems.append(f"{where}: {callee}(state=...)")
                if keyword.arg == "defaults" and isinstance(keyword.value, ast.Dict):
                    if any(_is_state_key(key) for key in keyword.value.keys):
                        problems.append(f"{where}: {callee}(defaults={{'state': ...}})")
            for arg in node.args:
                if isinstance(arg, ast.Dict) and any(_is_state_key(key) for key in arg.keys):
                    problems.append(f"{where}: {callee}({{'state': ...}})")
    return problems


def test_the_walk_finds_the_factory_and_demo_modules():
    found = {str(p.relative_to(ROOT)) for p in factory_and_demo_modules()}
    assert {"placements/factories.py", "placements/demo.py", "providers/demo.py", "slas/demo.py",
            "demo/management/commands/load_demo_data.py"} <= found


@pytest.mark.parametrize("snippet", [
    "p.state = State.ACTIVE",
    "placement.state: str = 'active'",
    "setattr(p, 'state', 'ended')",
    "Placement.objects.create(school=s, pupil=p, provider=v)",
    "Placement(school=s, pupil=p, provider=v).save()",
    "Placement.objects.filter(pk=1).update(state='agreed')",
    "Placement.objects.update_or_create(pupil=p, defaults={'state': 'active'})",
    "PlacementFactory(state='active')",
    "qs.update(state=State.ENDED)",
])
def test_the_check_catches_direct_state_writes(snippet):
    assert state_writes(snippet), snippet


def test_the_check_allows_the_lifecycle():
    assert not state_writes("placement_in_state(pupil=p, provider=v, state='active', now=now)\n"
                            "services.placement_start(placement=p, by=u, organisation=o, now=now)\n"
                            "for slug, state in plan: pass\n")


def test_no_factory_or_demo_code_sets_a_placement_state():
    problems = []
    for path in factory_and_demo_modules():
        problems += state_writes(path.read_text(), str(path.relative_to(ROOT)))
    assert not problems, "\n".join(problems)


# --- 2. The same derived fields as a hand-walked placement ------------------------------------

def derived(placement: Placement) -> dict:
    """Every field the services set (the model's non-editable fields) plus the assessment and end
    fields, and the referral's stamps."""
    with scopes_disabled():
        placement = Placement.objects.get(pk=placement.pk)
        referral = Referral.objects.get(placement=placement)
    skip = {"id", "created_at", "updated_at", "current_agreement"}
    fields = {f.attname: getattr(placement, f.attname) for f in Placement._meta.concrete_fields
              if not f.editable and f.name not in skip}
    fields["has_current_agreement"] = placement.current_agreement_id is not None  # its own agreement's id
    for name in ("initial_assessment_done_on", "ended_on", "end_reason", "registration_code"):
        fields[name] = getattr(placement, name)
    fields["referral_submitted_at"] = referral.submitted_at
    fields["referral_approved_at"] = referral.approved_at
    return fields


@contextlib.contextmanager
def step(moment: dt.datetime, org):
    with clock.frozen(moment), scope(organisation=org):
        yield


class HandWalk:
    """The journey a school and a provider take, step by step through the services (the
    factory's documented timeline: sent 30 days ago, accepted 25 days ago, assessed two days
    before due, agreed and parents signed 3 days before the start 14 days ago)."""

    def __init__(self, world, pupil):
        self.world, self.pupil = world, pupil
        self.school, self.provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
        self.lead = world.user(K.SCHOOL, Role.AP_LEAD)
        self.head = world.user(K.SCHOOL, Role.HEADTEACHER)
        self.manager = world.user(K.PROVIDER, Role.PROVIDER_MANAGER)
        self.placement = None

    def at(self, days_ago: int, org):
        moment = NOW - dt.timedelta(days=days_ago)
        return moment, step(moment, org)

    def draft(self, *, days_ago=0, submit=False):
        moment, at = self.at(days_ago, self.school)
        with at:
            services.parent_carer_add(pupil=self.pupil, data={"name": "Sam Parent", "relationship": "Parent",
                                                              "phone": "07700 900123", "lives_with_pupil": True})
            self.placement = services.referral_start(school=self.school, pupil=self.pupil, provider=self.provider,
                                                     registration_code="B", by=self.lead, now=moment)
            referral = services.referral_save(referral=Referral.objects.get(placement=self.placement),
                                              data=complete_referral_data())
            if submit:
                services.referral_submit(referral=referral, by=self.lead, organisation=self.school, now=moment)

    def refer(self):
        suitability_signed_off(school=self.school, provider=self.provider, by=self.lead,
                               now=NOW - dt.timedelta(days=32))
        self.draft(days_ago=32, submit=True)
        moment, in_school = self.at(30, self.school)
        with in_school:
            self.placement = services.referral_decide(placement=self.placement, approve=True, consulted={}, notes="",
                                                      by=self.head, organisation=self.school, now=moment)

    def respond(self, *, accept: bool):
        moment, at = self.at(25 if accept else 0, self.provider)
        with at:
            self.placement = services.provider_respond(placement=self.placement, accept=accept, reason="No places",
                                                       by=self.manager, organisation=self.provider, now=moment)

    def agree(self, *, days_ago: int):
        done_on = TODAY - dt.timedelta(days=20)  # accepted 25 days ago, due in 7, done two days early
        moment, at = self.at(20, self.provider)
        with at:
            services.initial_assessment_record(placement=self.placement, done_on=done_on, summary="Assessed",
                                               by=self.manager, organisation=self.provider, now=moment)
        start = TODAY - dt.timedelta(days=14)
        moment, at = self.at(days_ago, self.school)
        with at:
            agreement = services.agreement_draft(placement=self.placement, by=self.lead, now=moment)
            services.agreement_save(agreement=agreement, data={
                "start_date": start, "planned_end_date": start + dt.timedelta(weeks=12),
                "review_date": start + dt.timedelta(weeks=6), "home_school_hours": Decimal("13"),
                "school_lead": self.lead, "next_visit_on": start + dt.timedelta(weeks=3)})
            services.target_add(agreement=agreement, data={"target": "Attend"})
            for day in range(4):
                services.session_add(agreement=agreement, data={"weekday": day, "part": "am",
                                                                "start_time": dt.time(9), "end_time": dt.time(12)})
            services.agreement_agree(agreement=agreement, by=self.lead, organisation=self.school, now=moment)
        with step(moment, self.provider):
            services.agreement_agree(agreement=agreement, by=self.manager, organisation=self.provider, now=moment)
        with step(moment, self.school):
            services.parental_agreement_record(placement=self.placement, by=self.lead, organisation=self.school,
                                               now=moment, data={"method": "typed", "signed_by_name": "A Parent",
                                                                 "signed_on": start - dt.timedelta(days=3),
                                                                 "consent_to_share": True})

    def start(self):
        moment, at = self.at(14, self.school)
        with at:
            self.placement = services.placement_start(placement=self.placement, by=self.lead,
                                                      organisation=self.school, now=moment)

    def finish(self, state: str):
        moment, at = self.at(0, self.school)
        with at:
            if state == State.ENDED:
                services.placement_end(placement=self.placement, by=self.lead, organisation=self.school, now=moment,
                                       data={"ended_on": TODAY, "end_reason": EndReason.COMPLETED})
            else:
                name = Transition.SUSPEND if state == State.SUSPENDED else Transition.EMERGENCY_REVIEW
                services.placement_change_status(placement=self.placement, name=name, note="", by=self.lead,
                                                 organisation=self.school, now=moment)


def walk_by_hand(world, pupil, state: str) -> Placement:
    walk = HandWalk(world, pupil)
    if state == State.DRAFT:
        walk.draft()
        return walk.placement
    walk.refer()
    if state == State.REFERRED:
        return walk.placement
    walk.respond(accept=state != State.DECLINED)
    if state in (State.DECLINED, State.ACCEPTED):
        return walk.placement
    walk.agree(days_ago=0 if state == State.AGREED else 17)  # left agreed: agreed now
    if state == State.AGREED:
        return walk.placement
    walk.start()
    if state != State.ACTIVE:
        walk.finish(state)
    return walk.placement


@pytest.mark.parametrize("state", State.values)
def test_factory_placement_has_the_derived_fields_of_the_hand_walked_one(world, state):
    from placements.factories import PupilFactory

    by_hand = walk_by_hand(world, world.pupils["a"], state)
    built = placement_in_state(pupil=PupilFactory(school=world.org(K.SCHOOL)), provider=world.org(K.PROVIDER),
                               state=state, now=NOW)
    expected, got = derived(by_hand), derived(built)
    assert got == expected
    assert got["state"] == state


def test_an_agreed_placement_is_agreed_now_with_the_services_hours(world):
    """Left agreed, the agreement is agreed now; the hours are the services' sums (8 h at the
    provider + 15 h at school = 23 h: below Year 10's 25 h, so part time)."""
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.AGREED,
                                   now=NOW, sessions=2, hours_per_session=4, home_school_hours=Decimal("15"))
    fields = derived(placement)
    assert fields["agreed_at"] == NOW and fields["activated_at"] is None
    assert (fields["weekly_hours"], fields["total_weekly_hours"], fields["part_time"]) == (8, 23, True)
    assert fields["initial_assessment_due"] == TODAY - dt.timedelta(days=25) + dt.timedelta(days=7)


def test_the_factory_records_who_took_each_step(world):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.ACTIVE,
                                   now=NOW)
    with scopes_disabled():
        referral = Referral.objects.get(placement=placement)
        placement = Placement.objects.get(pk=placement.pk)
    assert referral.submitted_by == world.user(K.SCHOOL, Role.AP_LEAD)
    assert referral.approved_by == world.user(K.SCHOOL, Role.HEADTEACHER)
    assert placement.responded_by == world.user(K.PROVIDER, Role.PROVIDER_MANAGER)


# --- 3. Guards run --------------------------------------------------------------------------

def test_the_factory_cannot_refer_to_a_provider_the_la_suspended(world):
    with scopes_disabled():
        ProviderListing.objects.filter(provider=world.org(K.PROVIDER)).update(status=ListingStatus.SUSPENDED)
    with pytest.raises(ValidationError):
        placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.REFERRED, now=NOW)
    with scopes_disabled():
        assert not Placement.objects.filter(pupil=world.pupils["a"]).exists()


def test_the_factory_cannot_agree_what_the_registration_rule_blocks(world):
    """A looked-after pupil full time (20 h) at an unregistered provider: agreeing is refused."""
    with scopes_disabled():
        PupilSensitive.objects.create(pupil=world.pupils["a"], looked_after="statutory", order_held_by="LA A")
    from placements.lifecycle import TransitionBlocked

    with pytest.raises(TransitionBlocked):
        placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.AGREED, now=NOW,
                           sessions=4, hours_per_session=5)
