"""The attendance ladders on the one escalation engine (escalation.ladders), registered in
AttendanceConfig.ready().

* "missing_register": target a Register; organisation the provider; every school with a session
  on the register sees the row too (`visible_to`). Anchors: "due" (register due_at), "second"
  (due_at + the smallest `second_step_minutes` of the register's schools, 30 by default) and
  "session_end" (the register's ends_at).
    1. at due       → the provider's staff and managers (a reminder) and each school's attendance
                      officer ("contact the provider");
    2. at second    → each school's DSL and AP lead;
    3. at the end   → each school's headteacher (urgent).
* "not_accounted_for": target a NotAccountedFor report; organisation the school, other the
  provider. Anchor "reported".
    1. at once      → the school's DSL and attendance officer and the provider's DSL (urgent);
    2. + 15 minutes → the school's headteacher (urgent), unless acknowledged.

Messages say what happened, where, when and what to do, with a link, and never a pupil's name or
the reporter's note (emails leave the service: CPOMS-style). Each side reads its own wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse

from apcommission.clock import LONDON
from escalation.ladders import Ladder, Message, Step, StepContext
from tenancy.models import Organisation
from tenancy.roles import OrganisationKind, Role

from .models import ExpectedSession, NotAccountedFor, Register

MISSING_REGISTER = "missing_register"
NOT_ACCOUNTED_FOR = "not_accounted_for"
ATTENDANCE_LADDERS = (MISSING_REGISTER, NOT_ACCOUNTED_FOR)
NOT_ACCOUNTED_FOR_SECOND_STEP = dt.timedelta(minutes=15)


# --- What a step needs to know about its target (loaded once per sweep batch) ------------------


@dataclass
class RegisterFacts:
    register: Register
    provider: Organisation
    phone: str = ""
    pupils_by_school: dict[int, int] = field(default_factory=dict)  # school id -> pupils on the register
    schools: list[Organisation] = field(default_factory=list)

    @property
    def pupils(self) -> int:
        return sum(self.pupils_by_school.values())


def _phones(provider_ids) -> dict[int, str]:
    from providers.models import ProviderProfile

    return dict(ProviderProfile._base_manager.filter(provider_id__in=list(provider_ids))
                .exclude(contact_phone="").values_list("provider_id", "contact_phone"))


def load_registers(ids: list[int]) -> Mapping[int, RegisterFacts]:
    """Registers with their provider, its phone and how many pupils of each school: four queries."""
    registers = Register._base_manager.select_related("provider").in_bulk(ids)
    counts = (ExpectedSession._base_manager.filter(register_id__in=ids).values("register_id", "school_id")
              .annotate(n=Count("pk")).order_by())
    schools = Organisation.objects.in_bulk({c["school_id"] for c in counts})
    phones = _phones({r.provider_id for r in registers.values()})
    facts = {pk: RegisterFacts(register=r, provider=r.provider, phone=phones.get(r.provider_id, ""))
             for pk, r in registers.items()}
    for c in counts:
        if c["register_id"] in facts:
            facts[c["register_id"]].pupils_by_school[c["school_id"]] = c["n"]
    for fact in facts.values():
        fact.schools = sorted((schools[pk] for pk in fact.pupils_by_school), key=lambda o: o.name)
    return facts


def load_reports(ids: list[int]) -> Mapping[int, NotAccountedFor]:
    reports = NotAccountedFor._base_manager.select_related("session", "provider", "school").in_bulk(ids)
    phones = _phones({r.provider_id for r in reports.values()})
    for report in reports.values():
        report.provider_phone = phones.get(report.provider_id, "")
    return reports


# --- Wording -------------------------------------------------------------------------------------


def session_words(starts_at: dt.datetime) -> str:
    """"Thu 15 Oct, 09:00 session" in England's time."""
    local = starts_at.astimezone(LONDON)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} session"


def _pupils(n: int) -> str:
    return f"{n} pupil{'' if n == 1 else 's'}"


def alerts_link(organisation: Organisation) -> str:
    return reverse("attendance:alerts", kwargs={"org": organisation.slug})


_REGISTER_HEADLINES = {
    1: "Register not received",
    2: "Register still not received",
    3: "Register not received by the end of the session",
}


def register_message(ctx: StepContext) -> Message:
    facts: RegisterFacts | None = ctx.target
    recipient = ctx.recipient or ctx.organisation
    headline = _REGISTER_HEADLINES.get(ctx.level, "Register not received")
    if facts is None:
        return Message(subject=headline, body=f"{headline}. Sign in to see which.", link=alerts_link(recipient))
    provider_side = recipient.pk == facts.provider.pk
    pupils = facts.pupils if provider_side else facts.pupils_by_school.get(recipient.pk, 0)
    what = f"{headline}: {facts.provider.name}, {session_words(facts.register.starts_at)}, {_pupils(pupils)}"
    if provider_side:
        body = f"{what} — take the register now (or tell the schools why not) — sign in to see who"
    else:
        phone = f" — {facts.phone}" if facts.phone else ""
        body = f"{what}{phone} — contact the provider — sign in to see who"
    return Message(subject=what, body=body, link=alerts_link(recipient))


def report_message(ctx: StepContext) -> Message:
    report: NotAccountedFor | None = ctx.target
    recipient = ctx.recipient or ctx.organisation
    headline = "Pupil not accounted for" if ctx.level == 1 else "Pupil still not accounted for after 15 minutes"
    if report is None:
        return Message(subject=headline, body=f"{headline}. Sign in to see who.", link=alerts_link(recipient))
    what = f"{headline}: {report.provider.name}, {session_words(report.session.starts_at)}"
    if recipient.pk == report.provider_id:
        body = f"{what} — reported by your staff — sign in to see who and acknowledge when found"
    else:
        phone = f" — {report.provider_phone}" if report.provider_phone else ""
        body = f"{what}{phone} — act now: contact the provider — sign in to see who"
    return Message(subject=what, body=body, link=alerts_link(recipient))


# --- Recipients ------------------------------------------------------------------------------------


def _schools(ctx: StepContext) -> list[Organisation]:
    return list(ctx.target.schools) if ctx.target is not None else []


def provider_and_attendance_officers(ctx: StepContext):
    pairs = [(ctx.organisation, [Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER])]
    return pairs + [(school, [Role.ATTENDANCE_OFFICER]) for school in _schools(ctx)]


def dsl_and_ap_lead(ctx: StepContext):
    return [(school, [Role.DSL, Role.AP_LEAD]) for school in _schools(ctx)]


def headteachers(ctx: StepContext):
    return [(school, [Role.HEADTEACHER]) for school in _schools(ctx)]


def safeguarding_leads(ctx: StepContext):
    pairs = [(ctx.organisation, [Role.DSL, Role.ATTENDANCE_OFFICER])]
    if ctx.other_organisation is not None:
        pairs.append((ctx.other_organisation, [Role.PROVIDER_DSL]))
    return pairs


def school_headteacher(ctx: StepContext):
    return [(ctx.organisation, [Role.HEADTEACHER])]


# --- Who else sees the rows ----------------------------------------------------------------------


def schools_on_the_register(organisation: Organisation):
    """A school sees the missing-register row of a register that holds one of its pupils' sessions."""
    if organisation.kind != OrganisationKind.SCHOOL:
        return None
    return Q(target_id__in=ExpectedSession._base_manager.filter(school=organisation).values("register_id"))


MISSING_REGISTER_LADDER = Ladder(
    name=MISSING_REGISTER,
    steps=(
        Step(recipients=provider_and_attendance_officers, topic="register_missing", anchor="due"),
        Step(recipients=dsl_and_ap_lead, topic="register_missing", anchor="second"),
        Step(recipients=headteachers, topic="register_missing", anchor="session_end", urgent=True),
    ),
    message=register_message,
    load_targets=load_registers,
    message_per_recipient=True,
    visible_to=schools_on_the_register,
)

NOT_ACCOUNTED_FOR_LADDER = Ladder(
    name=NOT_ACCOUNTED_FOR,
    steps=(
        Step(recipients=safeguarding_leads, topic="not_accounted_for", anchor="reported", urgent=True),
        Step(recipients=school_headteacher, topic="not_accounted_for", anchor="reported",
             offset=NOT_ACCOUNTED_FOR_SECOND_STEP, urgent=True),
    ),
    message=report_message,
    load_targets=load_reports,
    message_per_recipient=True,
)


def register_ladders() -> None:
    from escalation import ladders

    ladders.register(MISSING_REGISTER_LADDER)
    ladders.register(NOT_ACCOUNTED_FOR_LADDER)
