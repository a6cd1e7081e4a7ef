"""Placements' dashboard panels, and the named lists ("queues") their figures link to.

A queue is one definition of "which placements": the dashboard counts it and the placement list
filters by it (`?queue=<name>`, see `queue_filter`), so a figure and the list it links to can never
disagree. Every read runs inside the member's scope (tenancy.scoping).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q

from apcommission.dashboards import Attention, Figure, Panel, PanelResult, Viewer, figure, register
from tenancy.models import Organisation
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from . import selectors
from .models import IN_AP_STATES, CommissioningAgreement, ParentalAgreement, Placement, State

# States in which the commissioning agreement is written, agreed and amended (placements.services).
AGREEMENT_STATES = (State.ACCEPTED, State.AGREED, *IN_AP_STATES)
# How many items of one kind the attention list shows before "See all N".
ATTENTION_PER_KIND = 5


def _has_parental_agreement():
    return Exists(ParentalAgreement.objects.filter(placement=OuterRef("pk")))


def _agreement_for_school():
    """The school writes the first agreement, or agrees a version it has not agreed yet."""
    versions = CommissioningAgreement.objects.filter(placement=OuterRef("pk"))
    return (Q(state=State.ACCEPTED) & ~Exists(versions)) | (
        Q(state__in=AGREEMENT_STATES) & Exists(versions.filter(school_agreed_at__isnull=True)))


def _agreement_for_provider():
    """A version the school agreed and the provider has not (a provider sees only those)."""
    versions = CommissioningAgreement.objects.filter(placement=OuterRef("pk"), school_agreed_at__isnull=False,
                                                     provider_agreed_at__isnull=True)
    return Q(state__in=AGREEMENT_STATES) & Exists(versions)


def _assessment_pending(on: dt.date) -> Q:
    return Q(state__in=AGREEMENT_STATES, initial_assessment_done_on__isnull=True, initial_assessment_due__isnull=False)


@dataclass(frozen=True)
class Queue:
    label: str  # the figure's label, the same on every dashboard
    q: Callable[[dt.date], Q]
    kinds: tuple[str, ...]  # organisations whose scope can answer it


SCHOOLS = (K.SCHOOL, K.TRUST)
ALL = (K.SCHOOL, K.TRUST, K.PROVIDER, K.LOCAL_AUTHORITY)

QUEUES: dict[str, Queue] = {
    "in_ap": Queue("Pupils in alternative provision", lambda on: Q(state__in=IN_AP_STATES), ALL),
    "part_time": Queue("Pupils in AP on a part-time timetable",
                       lambda on: Q(state__in=IN_AP_STATES, part_time=True), SCHOOLS),
    "awaiting_decision": Queue("Referrals awaiting the headteacher's decision",
                               lambda on: Q(state=State.DRAFT, referral__submitted_at__isnull=False), SCHOOLS),
    "awaiting_provider": Queue("Referrals awaiting the provider's answer", lambda on: Q(state=State.REFERRED),
                               (K.SCHOOL, K.TRUST, K.PROVIDER)),
    "assessment_due": Queue("Initial assessments to record", _assessment_pending, (K.PROVIDER,)),
    "assessment_overdue": Queue("Initial assessments overdue",
                                lambda on: _assessment_pending(on) & Q(initial_assessment_due__lt=on),
                                (K.SCHOOL, K.TRUST, K.PROVIDER)),
    "year11_no_destination": Queue(
        "Year 11 pupils without a recorded destination",
        lambda on: Q(pupil__year_group=11, destination="", state__in=(*IN_AP_STATES, State.ENDED)), SCHOOLS),
    "agreement_school": Queue("Commissioning agreements for the school to agree",
                              lambda on: _agreement_for_school(), (K.SCHOOL,)),
    "agreement_provider": Queue("Commissioning agreements for you to agree",
                                lambda on: _agreement_for_provider(), (K.PROVIDER,)),
    "parental_missing": Queue("Placements without the parents' agreement",
                              lambda on: Q(state__in=(State.ACCEPTED, State.AGREED)) & ~_has_parental_agreement(),
                              (K.SCHOOL,)),
    "ready_to_start": Queue("Placements ready to start",
                            lambda on: Q(state=State.AGREED, start_date__lte=on) & _has_parental_agreement(),
                            (K.SCHOOL,)),
}


# The same figure, worded for whom it is about (the number is the same queue everywhere).
OWN_LABELS = {
    (K.PROVIDER, "in_ap"): "Pupils in alternative provision with you",
    (K.PROVIDER, "awaiting_provider"): "Referrals awaiting your answer",
    (K.LOCAL_AUTHORITY, "in_ap"): "Children in alternative provision in your area",
}


@dataclass(frozen=True)
class ListFilter:
    name: str
    label: str  # as the member's dashboard words it
    q: Q


def placement_queue(name: str, *, membership, on: dt.date) -> ListFilter | None:
    """What `?queue=<name>` on the placement list filters by (None: no such queue here)."""
    queue = QUEUES.get(name)
    kind = membership.organisation.kind
    if queue is None or kind not in queue.kinds:
        return None
    return ListFilter(name, OWN_LABELS.get((kind, name), queue.label), queue.q(on))


def queue_counts(names, *, on: dt.date) -> dict[str, int]:
    """How many placements are in each queue: one query, inside the caller's scope."""
    names = list(names)
    if not names:
        return {}
    return Placement.objects.aggregate(**{name: Count("pk", filter=QUEUES[name].q(on)) for name in names})


@dataclass(frozen=True)
class Todo:
    """A kind of attention item: placements in `queue` need `verb` on the page `viewname`."""

    queue: str
    viewname: str
    text: str  # "{label}" is the pupil (or "Referral P-12" where the member may not read the name)
    many: str  # "See all {n} referrals to decide"


TODOS = {
    K.SCHOOL: [
        Todo("awaiting_decision", "placements:referral_decision", "Decide on the referral for {label}",
             "See all {n} referrals awaiting your decision"),
        Todo("agreement_school", "placements:agreement_detail", "Agree the commissioning agreement for {label}",
             "See all {n} commissioning agreements to agree"),
        Todo("parental_missing", "placements:parental_agreement", "Record the parents' agreement for {label}",
             "See all {n} placements without the parents' agreement"),
        Todo("ready_to_start", "placements:placement_start", "Start the placement for {label}",
             "See all {n} placements ready to start"),
    ],
    K.PROVIDER: [
        Todo("awaiting_provider", "placements:provider_response", "Accept or decline the referral for {label}",
             "See all {n} referrals to answer"),
        Todo("agreement_provider", "placements:agreement_detail", "Agree the commissioning agreement for {label}",
             "See all {n} commissioning agreements to agree"),
        Todo("assessment_due", "placements:initial_assessment", "Record the initial assessment for {label}",
             "See all {n} initial assessments to record"),
    ],
}

# The figures each kind of organisation sees, in order (the same label everywhere).
FIGURES = {
    K.SCHOOL: ["in_ap", "part_time", "awaiting_decision", "awaiting_provider", "year11_no_destination"],
    K.TRUST: ["in_ap", "part_time", "awaiting_decision", "awaiting_provider", "year11_no_destination"],
    K.PROVIDER: ["in_ap", "awaiting_provider", "assessment_overdue"],
    K.LOCAL_AUTHORITY: ["in_ap"],
}


def _todos(viewer: Viewer) -> list[Todo]:
    """The kinds of work this member can do here: those whose page their role can open (any
    placement id resolves the same view, so a placeholder checks it)."""
    return [todo for todo in TODOS.get(viewer.kind, ()) if viewer.link(todo.viewname, pk=0) is not None]


def _attention(viewer: Viewer, todos: list[Todo], counts: dict[str, int]) -> list[Attention]:
    """Up to ATTENTION_PER_KIND placements of each kind of work (one query), then "See all N"."""
    wanted = [t for t in todos if counts.get(t.queue)]
    if not wanted:
        return []
    on = viewer.today
    flags = {f"todo_{t.queue}": ExpressionWrapper(QUEUES[t.queue].q(on), output_field=BooleanField()) for t in wanted}
    any_q = Q()
    for t in wanted:
        any_q |= QUEUES[t.queue].q(on)
    rows = list(
        selectors.placement_list().filter(any_q).annotate(**flags)
        .order_by("initial_assessment_due", "start_date", "updated_at", "pk")[:ATTENTION_PER_KIND * len(wanted)]
    )
    items = []
    for todo in wanted:
        mine = [p for p in rows if getattr(p, f"todo_{todo.queue}")][:ATTENTION_PER_KIND]
        for p in mine:
            label = selectors.list_label(p, viewer.membership).text
            hint, overdue = "", False
            if todo.queue == "assessment_due":
                overdue = p.initial_assessment_due < on
                hint = f"{'Overdue: was due' if overdue else 'Due'} {p.initial_assessment_due:%-d %B %Y}"
            elif todo.queue == "ready_to_start" and p.start_date:
                hint = f"Agreed start date {p.start_date:%-d %B %Y}"
            items.append(Attention(todo.text.format(label=label), viewer.link(todo.viewname, pk=p.pk), hint, overdue))
        if counts[todo.queue] > len(mine):
            url = viewer.link("placements:placement_list", query={"queue": todo.queue})
            if url:
                items.append(Attention(todo.many.format(n=counts[todo.queue]), url))
    return items


def _label(viewer: Viewer, name: str) -> str:
    return OWN_LABELS.get((viewer.kind, name), QUEUES[name].label)


def _figure_url(viewer: Viewer, name: str) -> str | None:
    """The list a figure counts: the LA's children-in-AP list, else the placement list's queue."""
    if viewer.kind == K.LOCAL_AUTHORITY:
        return viewer.link("oversight:area_list")
    return viewer.link("placements:placement_list", query={"queue": name})


@register
class PlacementsPanel(Panel):
    """Referrals and placements: what to decide, answer, agree, record and start; the figures."""

    key = "placements"
    order = 10
    kinds = frozenset({K.SCHOOL, K.TRUST, K.PROVIDER, K.LOCAL_AUTHORITY})
    capabilities = frozenset({C.VIEW_PUPILS, C.VIEW_AREA, C.MAKE_REFERRALS, C.SIGN_AGREEMENTS})

    def build(self, viewer: Viewer) -> PanelResult | None:
        todos = _todos(viewer)
        shown = {n: url for n in FIGURES.get(viewer.kind, ()) if (url := _figure_url(viewer, n))}
        names = [t.queue for t in todos]
        counts = queue_counts(names + [n for n in shown if n not in names], on=viewer.today)
        result = PanelResult(title="Referrals and placements", attention=_attention(viewer, todos, counts),
                             figures=[Figure(_label(viewer, n), counts[n], url) for n, url in shown.items()])
        refer = viewer.link("placements:referral_start")
        if refer:
            result.actions.append(Attention("Refer a pupil", refer))
        return result if (result.attention or result.figures or result.actions) else None


@register
class PupilsPanel(Panel):
    """Pupils on roll: a school's by year group, a trust's by school."""

    key = "pupils"
    order = 20
    kinds = frozenset({K.SCHOOL, K.TRUST})
    capabilities = frozenset({C.VIEW_PUPILS})

    def build(self, viewer: Viewer) -> PanelResult | None:
        if viewer.kind == K.SCHOOL:
            rows = selectors.pupils_by_year_group()
            template = "dashboards/pupils_by_year.html"
        else:  # every school of the trust, with or without pupils
            counts = {row["school__name"]: row["total"] for row in selectors.pupils_by_school()}
            names = Organisation.objects.filter(trust=viewer.organisation).order_by("name").values_list("name", flat=True)
            rows = [{"school": name, "total": counts.get(name, 0)} for name in names]
            template = "dashboards/pupils_by_school.html"
        total = sum(row["total"] for row in rows)
        result = PanelResult(title="Pupils on roll", template=template, context={"rows": rows, "pupil_total": total},
                             figures=figure(viewer, "Pupils on roll", total, "placements:pupil_list"))
        add = viewer.link("placements:pupil_create")
        if add:
            result.actions.append(Attention("Add a pupil", add))
        return result
