"""Demo calendar: the full 2026/27 year of the demo LA, and INSET days for the schools in its area.

Call `load_calendar_demo(la)` from the demo loader once the LA and its schools exist. Idempotent.
"""

from __future__ import annotations

import datetime as dt

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import scopes_disabled

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
