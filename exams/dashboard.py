"""Exam entries on the dashboards (apcommission/dashboards.py): "Exams in the next 4 weeks" for the
school's exams officer and AP lead and the provider's manager, with what each must act on (the
provider: entries to confirm; the school: entries the provider cannot take). One query, the first
few rows, whatever the number of entries."""

from __future__ import annotations

from apcommission.dashboards import Attention, Panel, PanelResult, Viewer, register
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from . import selectors
from .models import EntryState

ITEMS = 5


@register
class ExamsPanel(Panel):
    key = "exams_next_weeks"
    order = 40
    kinds = frozenset({K.SCHOOL, K.PROVIDER})
    capabilities = frozenset({C.RECORD_EXAM_ENTRIES, C.CONFIRM_EXAM_ENTRIES})

    def build(self, viewer: Viewer) -> PanelResult | None:
        provider = viewer.kind == K.PROVIDER
        to_act = EntryState.AWAITING if provider else EntryState.CANNOT
        entries = selectors.dashboard_entries(today=viewer.today, to_act=to_act)[:ITEMS]
        attention = []
        for entry, pupil in selectors.list_rows(entries, viewer.membership):
            if entry.state == to_act and not entry.grade:
                url = viewer.link("exams:entry_answer" if provider else "exams:entry_edit", pk=entry.pk)
                text = (f"Confirm the exam entry {entry.qualification} for {pupil} from {entry.school.name}" if provider
                        else f"{entry.provider.name} cannot take the exam entry {entry.qualification} for {pupil}")
            else:
                url = viewer.link("exams:entry_detail", pk=entry.pk)
                text = f"{entry.qualification} for {pupil}: {entry.get_venue_display().lower()}"
            if url:
                attention.append(Attention(text, url, hint=f"First exam {entry.first_exam_on:%-d %B %Y}"))
        if not attention:
            return None
        return PanelResult(title="Exams in the next 4 weeks", attention=attention)
