"""What the service already knows about a provider, pre-filled into a QA visit when it starts
(issue 13 item 2).

* The first page (seed 001 §18): the overview, lengths of placement and courses with their expected
  outcomes from the provider's offers, its contact details and DSL from its profile — read through
  `providers.api` in the visiting organisation's scope (an LA reads the pack of the providers it
  lists).
* Evidence suggestions for the standards they bear on, by the seed's standard code
  (`EVIDENCE_TOPICS`): policy documents with their issue and review dates, the vetting register as
  counts (never a name or DBS number: `VettingSummary`), the KCSIE confirmation, insurance and its
  expiry, the last fire drill, and register timeliness and attendance for the provider's placements
  over the last term (`cross_tenant`: numbers only, every school's placements). The officer edits or
  replaces any of it; nothing is judged for them.

"The last term" is the visiting organisation's (or its LA's) most recent term that has started by
the day the visit starts, up to that day; with no term dates, the `FALLBACK_DAYS` before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from apcommission.clock import LONDON
from attendance.calendar_services import long_date
from attendance.models import TermDates
from providers import api as providers_api
from providers.models import DocumentKind

from . import cross_tenant

FALLBACK_DAYS = 91  # no term dates: the 13 weeks before the visit

# Which facts suggest evidence for which standard of seed 001 §18 (a framework without these codes
# gets the first page's details only).
EVIDENCE_TOPICS: dict[str, tuple[str, ...]] = {
    "1a": ("vetting", "kcsie"),
    "1b": ("doc:safeguarding", "doc:allegations", "training"),
    "1f": ("dsl", "managers"),
    "1h": ("doc:online_safety", "doc:mobile_phones"),
    "2a": ("doc:health_safety",),
    "2b": ("doc:first_aid",),
    "2f": ("insurance",),
    "2g": ("fire_drill",),
    "3d": ("registers",),
    "4d": ("attendance",),
    "4e": ("doc:behaviour", "doc:attendance", "doc:anti_bullying"),
}


@dataclass
class Prefill:
    overview: str = ""
    placement_lengths: str = ""
    courses: str = ""
    contact_details: str = ""
    dsl: str = ""
    evidence: dict[str, str] = field(default_factory=dict)  # standard code -> suggested evidence

    FIELDS = ("overview", "placement_lengths", "courses", "contact_details", "dsl")


def last_term(owner, today: dt.date) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the last term as the module docstring defines it (one query)."""
    owners = [owner.pk] + ([owner.local_authority_id] if owner.local_authority_id else [])
    terms = sorted(TermDates.objects.filter(organisation_id__in=owners, start_date__lte=today)
                   .order_by("-start_date").values_list("organisation_id", "start_date", "end_date")[:6],
                   key=lambda row: (row[0] != owner.pk, -row[1].toordinal()))
    if terms:
        _, start, end = terms[0]
        return start, min(end, today)
    return today - dt.timedelta(days=FALLBACK_DAYS), today


def _lines(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _first_page(profile, offers) -> dict[str, str]:
    if profile is None:
        return {}
    full_time = [o.full_time_weeks for o in offers if o.full_time_weeks]
    part_time = [o.part_time_days for o in offers if o.part_time_days]
    lengths = _lines(
        f"Full time, up to {max(full_time)} weeks: yes" if full_time else "Full time: no",
        f"Longer-term part time, up to {max(part_time)} days a week: yes" if part_time else "Longer-term part time: no",
    ) if offers else ""
    contact = _lines(profile.legal_name, profile.address, profile.postcode,
                     f"Contact: {profile.contact_name}" if profile.contact_name else "",
                     f"Telephone: {profile.contact_phone}" if profile.contact_phone else "",
                     f"Email: {profile.contact_email}" if profile.contact_email else "",
                     f"Website: {profile.website}" if profile.website else "")
    dsl = ", ".join(p for p in (profile.dsl_name, profile.dsl_phone, profile.dsl_email) if p)
    return {"overview": profile.overview, "placement_lengths": lengths,
            "courses": "\n".join(f"{o.title}: {o.expected_outcome}" for o in offers), "contact_details": contact,
            "dsl": dsl[:200]}


def _document_line(line) -> str:
    doc = line.document
    if doc is None:
        return f"{line.label}: not uploaded"
    return f"{line.label}: issued {long_date(doc.issued_on)}, review by {long_date(doc.review_on)}"


def _facts(summary, profile, figures: cross_tenant.RegisterFigures, period: tuple[dt.date, dt.date]) -> dict[str, str]:
    facts = {f"doc:{line.kind}": _document_line(line) for line in summary.documents}
    v = summary.vetting
    facts["vetting"] = _lines(
        f"Vetting register: {v.staff} staff; enhanced DBS current for {v.dbs_current}",
        f"Children's barred list checked for {v.barred_list_checked} of {v.staff}; "
        f"right to work checked for {v.right_to_work_checked} of {v.staff}")
    facts["training"] = f"Safeguarding training at the right level and current: {v.training_current} of {v.staff} staff"
    facts["managers"] = f"Managers and supervisors trained to level 3 or 4: {v.managers_level3} of {v.managers}"
    if summary.kcsie is not None:
        facts["kcsie"] = (f"Written KCSIE confirmation valid until {long_date(summary.kcsie.due)}" if summary.kcsie.due
                          else "Written KCSIE confirmation: none given")
    if profile is not None and profile.dsl_name:
        trained = f", trained {long_date(profile.dsl_trained_on)}" if profile.dsl_trained_on else ""
        facts["dsl"] = f"Designated safeguarding lead: {profile.dsl_name}{trained}"
    documents = {line.kind: line.document for line in summary.documents}
    insurance = documents.get(DocumentKind.INSURANCE)
    facts["insurance"] = (_lines(
        f"Public liability insurance with {insurance.insurer}, £{insurance.cover_amount:,} cover, "
        f"expires {long_date(insurance.review_on)}",
        "Covers pupils under 16" if insurance.covers_under_16s else "Does not cover pupils under 16")
        if insurance is not None else "Public liability insurance: no certificate uploaded")
    fire = documents.get(DocumentKind.FIRE_RISK)
    facts["fire_drill"] = (f"Last fire drill: {long_date(fire.last_fire_drill_on)}" if fire is not None
                           and fire.last_fire_drill_on else "Last fire drill: not recorded")
    since = f"{long_date(period[0])} to {long_date(period[1])}"
    timely = figures.timely_percent
    facts["registers"] = (f"Registers {since}: {figures.registers_on_time} of {figures.registers_due} "
                          f"submitted by their due time ({timely}%)" if timely is not None
                          else f"Registers {since}: none due through the service")
    attendance = figures.attendance_percent
    facts["attendance"] = (f"Attendance {since}: {figures.sessions_attended} of {figures.sessions_expected} "
                           f"sessions ({attendance}%)" if attendance is not None
                           else f"Attendance {since}: no sessions through the service")
    facts["registers"] = _lines(facts["registers"], facts["attendance"])
    return facts


def provider_prefill(*, owner, provider, now: dt.datetime) -> Prefill:
    """Everything the service knows for a visit by `owner` to `provider` (in `owner`'s scope)."""
    today = now.astimezone(LONDON).date()
    profile = providers_api.profile_for(provider=provider)
    offers = list(providers_api.offers_for(provider=provider))
    summary = providers_api.compliance_summary(provider=provider, on=today)
    period = last_term(owner, today)
    figures = cross_tenant.provider_register_figures(provider=provider, first=period[0], last=period[1], now=now)
    facts = _facts(summary, profile, figures, period)
    stamp = f"From the service on {long_date(today)}:"
    evidence = {code: _lines(stamp, *(facts.get(topic, "") for topic in topics))
                for code, topics in EVIDENCE_TOPICS.items()}
    return Prefill(**_first_page(profile, offers), evidence=evidence)
