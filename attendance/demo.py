"""Demo attendance: the full 2026/27 calendar of the demo LA with INSET days for the schools in its
area (`load_calendar_demo(la)`, before any placement starts), and today's registers at Pathways,
one submitted and one overdue with its ladder started (`load_registers_demo`). Idempotent.
"""

from __future__ import annotations

import datetime as dt
import uuid

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import scope, scopes_disabled

from .models import DayKind, NonTeachingDay, Term, TermDates

D = dt.date
YEAR = 2026
# (term, first day, last day, half term first day, half term last day): a typical English LA's year.
TERMS_2026_27 = [
    (Term.AUTUMN, D(2026, 9, 1), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30)),
    (Term.SPRING, D(2027, 1, 4), D(2027, 3, 25), D(2027, 2, 15), D(2027, 2, 19)),
    (Term.SUMMER, D(2027, 4, 12), D(2027, 7, 21), D(2027, 5, 31), D(2027, 6, 4)),
]
# Five INSET days each school of the LA takes (schools choose their own; these are the demo's).
INSET_2026_27 = [D(2026, 9, 1), D(2026, 9, 2), D(2026, 11, 2), D(2027, 1, 4), D(2027, 7, 21)]


def load_calendar_demo(la: Organisation) -> None:
    if la.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise ValueError(f"{la} is not a local authority")
    with scopes_disabled():
        for term, start, end, ht_start, ht_end in TERMS_2026_27:
            TermDates.objects.update_or_create(
                organisation=la, academic_year=YEAR, term=term,
                defaults={"start_date": start, "end_date": end, "half_term_start": ht_start, "half_term_end": ht_end})
        for school in Organisation.objects.filter(local_authority=la, kind=OrganisationKind.SCHOOL):
            for day in INSET_2026_27:
                NonTeachingDay.objects.update_or_create(organisation=school, date=day,
                                                        defaults={"kind": DayKind.INSET, "note": "INSET day"})


# --- Today's registers (issue 11 item 9) ---------------------------------------------------------

HISTORY = dt.timedelta(days=14)
DEMO_SUBMISSION_KEY = uuid.uuid5(uuid.NAMESPACE_URL, "https://apcommission.test/demo/register")


def _floor_to_five(at: dt.datetime) -> dt.datetime:
    return at.replace(minute=at.minute - at.minute % 5, second=0, microsecond=0)


def load_registers_demo(orgs: dict[str, Organisation], users: dict, now: dt.datetime) -> None:
    """Registers as a newcomer should find them, timed from the demo clock:

    * history: every register that started before now (the placements were walked through their
      lifecycle from weeks ago, so sessions exist since they started) submitted on time by the
      provider, most pupils present, some late or absent: the school's attendance pages have weeks;
    * today at Pathways, two registers holding Pathways' pupils in AP (two schools): one started 3½
      hours ago, submitted with one pupil absent (the school's attendance officer has been told);
      one started 50 minutes ago and 20 minutes overdue, its missing-register ladder at its first
      step (the tutor reminded, the school's attendance officer alerted). The next step (the DSL
      and AP lead) comes 10 minutes after loading, the last at the session's end.

    Pathways' other unmarked sessions of today give way to those two. Idempotent: nothing happens
    once the demo's own submission exists.
    """
    from apcommission.clock import LONDON
    from placements.models import Placement
    from placements.models.choices import IN_AP_STATES

    from .models import Register, RegisterSubmission
    from .sessions import sessions_refresh

    pathways = orgs["pathways"]
    with scopes_disabled():
        if RegisterSubmission.objects.filter(key=DEMO_SUBMISSION_KEY).exists():
            return
        placements = list(Placement.objects.filter(provider=pathways, state__in=IN_AP_STATES).order_by("pk"))
        in_ap = Placement.objects.filter(state__in=IN_AP_STATES).values_list("pk", flat=True)
    sessions_refresh(in_ap, now=now - HISTORY)  # the weeks before today, as if generated then
    with scopes_disabled():
        today = now.astimezone(LONDON).date()
        _clear_day(pathways, placements, today, now=now)
        history = list(Register.objects.filter(starts_at__lt=now, submitted_at__isnull=True)
                       .select_related("provider").order_by("starts_at"))
    for number, register in enumerate(history):
        _submit(register, when=register.starts_at + dt.timedelta(minutes=8), absent_every=9, seed=number)
    if not placements:
        return
    submitted = _demo_register(pathways, placements, part="am", now=now,
                               began=now - dt.timedelta(hours=3, minutes=30))
    late = _demo_register(pathways, placements, part="pm", now=now, began=now - dt.timedelta(minutes=50))
    _submit(submitted, when=min(now, submitted.starts_at + dt.timedelta(minutes=12)), absent_every=1, seed=0,
            key=DEMO_SUBMISSION_KEY)
    from escalation.services import escalation_sweep

    from . import alerts

    with scopes_disabled():
        alerts.registers_created([late], now=now)
        escalation_sweep(now=now)


def _clear_day(provider, placements, day: dt.date, *, now: dt.datetime) -> None:
    """Remove the unmarked sessions these placements have on `day`, and registers left empty."""
    from . import alerts
    from .models import ExpectedSession, Register

    touched = set(ExpectedSession.objects.filter(placement__in=placements, date=day, mark="")
                  .values_list("register_id", flat=True))
    ExpectedSession.objects.filter(placement__in=placements, date=day, mark="").delete()
    Register.objects.filter(pk__in=touched, sessions__isnull=True, submitted_at__isnull=True).delete()
    alerts.registers_changed(touched, now=now)


def _demo_register(provider, placements, *, part: str, began: dt.datetime, now: dt.datetime):
    from apcommission.clock import LONDON

    from .models import ExpectedSession, Register

    starts_at = _floor_to_five(began.astimezone(LONDON))
    length = dt.timedelta(hours=3)
    with scopes_disabled():
        register, _ = Register.objects.get_or_create(
            provider=provider, starts_at=starts_at,
            defaults={"date": starts_at.date(), "ends_at": starts_at + length,
                      "due_at": starts_at + dt.timedelta(minutes=30)})
        for placement in placements:
            ExpectedSession.objects.get_or_create(
                placement=placement, date=starts_at.date(), part=part,
                defaults={"pupil_id": placement.pupil_id, "school_id": placement.school_id, "provider": provider,
                          "register": register, "starts_at": starts_at, "ends_at": starts_at + length,
                          "due_at": register.due_at, "site": "Main site"})
    return register


def _submit(register, *, when: dt.datetime, absent_every: int, seed: int, key: uuid.UUID | None = None) -> None:
    """Submit through the service as a member of the provider who takes registers: present, but
    every `absent_every`-th pupil (counting from `seed`) absent (ill) and the next one 10 minutes late."""
    from tenancy.models import Membership
    from tenancy.roles import Capability, role_has

    from .models import AbsenceReason, Mark
    from .services import MarkInput, register_submit

    provider = register.provider
    with scopes_disabled():
        taker = next(m.user for m in Membership.objects.filter(organisation=provider, is_active=True)
                     .select_related("user").order_by("pk") if role_has(m.role, Capability.SUBMIT_REGISTERS))
        session_ids = list(register.sessions.order_by("pk").values_list("pk", flat=True))
    marks = []
    for i, session_id in enumerate(session_ids, start=seed):
        if i % absent_every == 0:
            marks.append(MarkInput(session_id=session_id, mark=Mark.ABSENT, absence_reason=AbsenceReason.ILL))
        elif i % absent_every == 1:
            marks.append(MarkInput(session_id=session_id, mark=Mark.LATE, minutes_late=10))
        else:
            marks.append(MarkInput(session_id=session_id, mark=Mark.PRESENT))
    with scope(organisation=provider):
        register_submit(register=register, marks=marks, key=key or uuid.uuid5(DEMO_SUBMISSION_KEY, str(register.pk)),
                        by=taker, organisation=provider, now=when)
