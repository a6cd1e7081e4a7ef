"""The placement state machine: the one place a placement's state changes.

    draft ──refer──▶ referred ──accept──▶ accepted ──agree──▶ agreed ──start──▶ active ──end──▶ ended
                        └──decline──▶ declined                  active ⇄ emergency review / suspended

`TRANSITIONS` is the whole table: which states each transition leaves from, where it goes, and
which side (school or provider) takes it. `GUARDS` are the conditions that must hold. `transition()`
locks the row, checks both, applies the change and writes the timeline event in one transaction;
a forbidden or blocked transition raises and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction

from apcommission import clock
from apcommission.errors import Refusal
from tenancy.roles import OrganisationKind as K

from . import signals
from .models import IN_AP_STATES, EventKind, Placement, PlacementEvent, State


class Transition(models.TextChoices):
    REFER = "refer", "Send the referral"
    ACCEPT = "accept", "Accept the referral"
    DECLINE = "decline", "Decline the referral"
    AGREE = "agree", "Agree the placement"
    START = "start", "Start the placement"
    EMERGENCY_REVIEW = "emergency_review", "Call an emergency review"
    SUSPEND = "suspend", "Suspend the placement"
    RESUME = "resume", "Resume the placement"
    END = "end", "End the placement"


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    kinds: frozenset[str]  # organisation kinds that may take it
    fields: frozenset[str] = frozenset()  # placement fields the caller may set with it


S = State
SCHOOL, PROVIDER, BOTH = frozenset({K.SCHOOL}), frozenset({K.PROVIDER}), frozenset({K.SCHOOL, K.PROVIDER})
END_FIELDS = frozenset({
    "ended_on", "end_reason", "destination", "destination_details", "final_attainment", "final_progress",
    "final_attendance", "final_behaviour", "pupil_view",
})

TRANSITIONS: dict[str, Move] = {
    Transition.REFER: Move(frozenset({S.DRAFT}), S.REFERRED, SCHOOL),
    Transition.ACCEPT: Move(frozenset({S.REFERRED}), S.ACCEPTED, PROVIDER),
    Transition.DECLINE: Move(frozenset({S.REFERRED}), S.DECLINED, PROVIDER, frozenset({"decline_reason"})),
    # The second side to agree the first agreement version takes this one.
    Transition.AGREE: Move(frozenset({S.ACCEPTED}), S.AGREED, BOTH),
    Transition.START: Move(frozenset({S.AGREED}), S.ACTIVE, SCHOOL),
    # Either side may call an emergency review (seed 001 §17: the provider after three incidents).
    Transition.EMERGENCY_REVIEW: Move(frozenset({S.ACTIVE, S.SUSPENDED}), S.EMERGENCY_REVIEW, BOTH),
    Transition.SUSPEND: Move(frozenset({S.ACTIVE, S.EMERGENCY_REVIEW}), S.SUSPENDED, SCHOOL),
    Transition.RESUME: Move(frozenset({S.EMERGENCY_REVIEW, S.SUSPENDED}), S.ACTIVE, SCHOOL),
    Transition.END: Move(
        frozenset({S.REFERRED, S.ACCEPTED, S.AGREED, S.ACTIVE, S.EMERGENCY_REVIEW, S.SUSPENDED}),
        S.ENDED, SCHOOL, END_FIELDS,
    ),
}


class TransitionError(Refusal):
    """A transition was refused; nothing was changed."""


class TransitionNotAllowed(TransitionError):
    """The transition does not leave from the placement's state, or not for this side."""


class TransitionBlocked(TransitionError):
    """The transition is allowed from this state but a condition is not met."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def can(state: str, name: str, kind: str | None = None) -> bool:
    move = TRANSITIONS.get(name)
    return move is not None and state in move.sources and (kind is None or kind in move.kinds)


def available(state: str, kind: str) -> list[str]:
    return [name for name, move in TRANSITIONS.items() if state in move.sources and kind in move.kinds]


# --- Guards: each returns the problems that block the transition (empty list: go ahead) -------

def _guard_refer(placement: Placement, on: dt.date) -> list[str]:
    from . import provider_checks
    from .referral_sections import send_problems

    referral = placement.referral
    problems = send_problems(referral)
    if not (referral.consulted_pupil and referral.consulted_parents and referral.consulted_teacher):
        problems.append("Consult the pupil, their parents or carers and a relevant teacher before the decision")
    if referral.approved_at is None:
        problems.append("The headteacher must approve the referral")
    if not provider_checks.suitability_current(school=placement.school, provider=placement.provider, on=on):
        problems.append(f"Record a current suitability sign-off for {placement.provider.name} first")
    suspended = provider_checks.suspended_problem(school=placement.school, provider=placement.provider)
    if suspended:
        problems.append(suspended)
    return problems


def _guard_decline(placement: Placement, on: dt.date) -> list[str]:
    return [] if placement.decline_reason.strip() else ["Give a reason for declining the referral"]


def _guard_agree(placement: Placement, on: dt.date) -> list[str]:
    from .selectors import agreement_problems, latest_agreement

    agreement = latest_agreement(placement)
    if agreement is None or not agreement.is_agreed:
        return ["Both the school and the provider must agree the commissioning agreement"]
    return agreement_problems(placement=placement, agreement=agreement, on=on)


def _guard_start(placement: Placement, on: dt.date) -> list[str]:
    problems = []
    if not placement.parental_agreements.exists():
        problems.append("Record the parents' or carers' agreement first")
    if placement.start_date is None or placement.start_date > on:
        problems.append(f"The placement starts on {placement.start_date:%-d %B %Y}" if placement.start_date
                        else "The agreement has no start date")
    return problems


def _guard_end(placement: Placement, on: dt.date) -> list[str]:
    problems = []
    if not placement.end_reason:
        problems.append("Select why the placement ended")
    if placement.ended_on is None:
        problems.append("Enter the date the placement ended")
    return problems


GUARDS: dict[str, Callable[[Placement, dt.date], list[str]]] = {
    Transition.REFER: _guard_refer,
    Transition.DECLINE: _guard_decline,
    Transition.AGREE: _guard_agree,
    Transition.START: _guard_start,
    Transition.END: _guard_end,
}


def _stamp(placement: Placement, name: str, *, by, now: dt.datetime) -> None:
    from .rules import initial_assessment_due

    today = now.astimezone(clock.LONDON).date()
    if name == Transition.REFER:
        placement.referred_at = now
    elif name in (Transition.ACCEPT, Transition.DECLINE):
        placement.responded_at, placement.responded_by = now, by
        if name == Transition.ACCEPT:
            placement.initial_assessment_due = initial_assessment_due(today)
    elif name == Transition.AGREE:
        placement.agreed_at = now
    elif name == Transition.START:
        placement.activated_at = now


def transition(*, placement: Placement, name: str, by, organisation, now: dt.datetime,
               changes: dict | None = None, note: str = "") -> Placement:
    """Move `placement` by transition `name`, taken by `by` for `organisation`.

    Raises TransitionNotAllowed (wrong state or side) or TransitionBlocked (a guard failed); either
    way the row and the timeline are unchanged. Returns the updated placement.
    """
    move = TRANSITIONS.get(name)
    if move is None:
        raise TransitionNotAllowed(f"There is no transition called {name!r}")
    changes = dict(changes or {})
    unexpected = set(changes) - move.fields
    if unexpected:
        raise TransitionNotAllowed(f"{Transition(name).label} cannot change {', '.join(sorted(unexpected))}")
    with transaction.atomic():
        try:
            locked = Placement.objects.select_for_update(of=("self",)).select_related(
                "school", "provider", "pupil").get(pk=placement.pk)
        except Placement.DoesNotExist as exc:  # not visible to this organisation (e.g. a provider, a draft)
            raise TransitionNotAllowed("There is no such placement for this organisation") from exc
        if locked.state not in move.sources:
            raise TransitionNotAllowed(
                f"Cannot {Transition(name).label.lower()}: the placement is {locked.get_state_display().lower()}")
        if organisation.kind not in move.kinds:
            raise TransitionNotAllowed(f"{Transition(name).label} is not for a {organisation.get_kind_display().lower()}")
        for field, value in changes.items():
            setattr(locked, field, value)
        guard = GUARDS.get(name)
        problems = guard(locked, now.astimezone(clock.LONDON).date()) if guard else []
        if problems:
            raise TransitionBlocked(problems)
        from_state = locked.state
        locked.state = move.target
        _stamp(locked, name, by=by, now=now)
        locked.full_clean(validate_unique=False)
        locked.save()
        PlacementEvent.objects.create(
            placement=locked, at=now, by=by if getattr(by, "is_authenticated", False) else None,
            by_organisation=organisation, kind=EventKind.TRANSITION, transition=name,
            from_state=from_state, to_state=move.target,
            summary=(f"{Transition(name).label}" + (f": {note}" if note else ""))[:300],
        )
        from .services import transition_notify

        transaction.on_commit(lambda: transition_notify(placement=locked, name=name, now=now))
        if from_state in IN_AP_STATES or move.target in IN_AP_STATES:
            # Into, within or out of attendance: the expected sessions follow (attendance listens).
            signals.schedule_changed([locked.pk], now=now)
    return locked
