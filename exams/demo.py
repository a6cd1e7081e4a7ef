"""Demo exam entries (issue 14 item 5): Hillside's exams officer has entered Amelia Wright (at
Pathways) for two GCSEs in the June series; Pathways has confirmed Mathematics (sat at Pathways,
with access arrangements) and not yet answered on English Language (sat at the school). Through the
services (entry_save, entry_answer); idempotent: a qualification already entered is left as it is."""

from __future__ import annotations

import datetime as dt

from placements.models import Placement
from tenancy.scoping import scope

from . import services
from .models import ExamEntry, Venue


def _june(now: dt.datetime) -> tuple[dt.date, str]:
    year = now.year + 1 if now.month >= 7 else now.year
    return dt.date(year, 6, 1), f"June {year}"


def load_exams_demo(orgs: dict, users: dict, now: dt.datetime) -> None:
    school, provider = orgs.get("hillside-academy"), orgs.get("pathways")
    officer, manager = users.get("exams"), users.get("provider-manager")
    if school is None or provider is None or officer is None or manager is None:
        return
    june, series = _june(now)
    with scope(organisation=school):
        placement = Placement.objects.select_related("school", "provider").filter(
            pupil__first_name="Amelia", pupil__last_name="Wright", provider=provider).first()
        if placement is None or placement.state not in services.RECORDABLE_STATES:
            return
        entered = set(ExamEntry.objects.filter(placement=placement).values_list("qualification", flat=True))
        made = []
        for qualification, first, venue, access in (
                ("GCSE Mathematics", june + dt.timedelta(days=14), Venue.PROVIDER, "25% extra time; a reader."),
                ("GCSE English Language", june + dt.timedelta(days=21), Venue.SCHOOL, "")):
            if qualification in entered:
                continue
            made.append(services.entry_save(
                placement=placement, by=officer, organisation=school, now=now,
                values={"qualification": qualification, "awarding_body": "AQA", "tier": "higher" if "Math" in
                        qualification else "", "series": series, "first_exam_on": first,
                        "last_exam_on": first + dt.timedelta(days=7), "access_arrangements": access, "venue": venue}))
    for entry in made[:1]:
        if entry.qualification == "GCSE Mathematics":
            with scope(organisation=provider):
                services.entry_answer(entry=entry, confirm=True, reason="", by=manager, organisation=provider, now=now)
