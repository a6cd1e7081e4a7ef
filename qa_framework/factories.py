"""Test and demo data for QA visits: small frameworks written directly (the shipped framework comes
from the data migration; its edits from qa_framework.services), visits walked through the services
of qa_framework.visits so their guards and derived fields cannot drift."""

from __future__ import annotations

import datetime as dt

from tenancy.scoping import scope, scopes_disabled

from . import services
from .models import (
    Framework,
    FrameworkPurpose,
    FrameworkVersion,
    Standard,
    Theme,
    VisitState,
)

# Seed 001 §18's scale, best first.
SEED_SCALE = [
    {"code": "fully", "label": "Fully", "score": 3},
    {"code": "partially", "label": "Partially", "score": 2},
    {"code": "limited", "label": "Limited evidence", "score": 1},
    {"code": "not_at_all", "label": "Not at all", "score": 0},
]

# Seed 001 §18's themes and standard codes (the wording is the shipped framework's; these say what a
# test needs: a code and a short text).
SEED_THEMES = (
    ("Safeguarding and the wellbeing of children", ("1a", "1b", "1c", "1d", "1e", "1f", "1g", "1h", "1i")),
    ("Health and safety", ("2a", "2b", "2c", "2d", "2e", "2f", "2g")),
    ("Admissions, guidance and support", ("3a", "3b", "3c", "3d", "3e", "3f")),
    ("The quality of education", ("4a", "4b", "4c", "4d", "4e", "4f")),
    ("The outcomes of children", ("5a", "5b", "5c", "5d")),
)

SMALL_THEMES = (
    ("Safeguarding and the wellbeing of children", ("1a", "1b")),
    ("Health and safety", ("2a", "2f")),
)


def framework_version(*, owner=None, title: str = "Provider QA framework", themes=SMALL_THEMES,
                      scale=None, published: bool = True, now: dt.datetime,
                      purpose: str = FrameworkPurpose.PROVIDER_QA) -> FrameworkVersion:
    """A framework with version 1 holding `themes` ((title, standard codes), ...): published unless
    told otherwise. `owner` None: shipped (every LA reads it)."""
    with scopes_disabled():
        framework = Framework.objects.create(owner=owner, title=title, purpose=purpose, created_at=now)
        version = FrameworkVersion.objects.create(
            framework=framework, number=1, scale=scale if scale is not None else SEED_SCALE, created_at=now)
        for number, (theme_title, codes) in enumerate(themes, start=1):
            theme = Theme.objects.create(version=version, number=number, title=theme_title)
            Standard.objects.bulk_create(
                Standard(theme=theme, code=code, position=position, text=f"Standard {code}: what good looks like")
                for position, code in enumerate(codes, start=1))
        if published and owner is None:
            version = services.shipped_framework_publish(version=version, now=now)
    if published and owner is not None:
        with scope(organisation=owner):
            version = services.framework_publish(version=version, by=None, organisation=owner, now=now)
    return version


def seed_framework_version(*, owner=None, now: dt.datetime) -> FrameworkVersion:
    """A framework shaped like seed 001 §18: five themes, 32 standards 1a-5d, the seed's scale."""
    return framework_version(owner=owner, title="QA framework for unregistered AP", themes=SEED_THEMES, now=now)


def qa_visit_in_state(*, local_authority=None, provider, state: str, by, now: dt.datetime, version=None,
                      level: str = "fully", outcome: str = "", outcome_reason: str = "", owner=None):
    """A QA visit by `local_authority` (or `owner`: a school, for its termly QA) to `provider`,
    walked through the services to `state` (scheduled, in progress or completed; every standard
    judged `level` before completing). The officer `by` must be a member of the owner. Signed
    visits are the signing service's."""
    from . import visits

    owner = owner or local_authority
    if version is None:
        version = framework_version(owner=owner, now=now, purpose=visits.OWNER_PURPOSE[owner.kind])
    with scope(organisation=owner):
        visit = visits.qa_visit_schedule(owner=owner, provider=provider, framework=version.framework,
                                         scheduled_for=now.date(), owner_representative=by,
                                         provider_representative="Centre manager", by=by, now=now)
        if state == VisitState.SCHEDULED:
            return visit
        visit = visits.qa_visit_start(visit=visit, by=by, organisation=owner, now=now)
        if state == VisitState.IN_PROGRESS:
            return visit
        standards = visits.visit_standards(visit)
        visits.qa_visit_save(visit=visit, by=by, organisation=owner, now=now,
                             judgements={s.pk: {"level": level, "evidence": f"Seen on the day ({s.code})"}
                                         for s in standards})
        suggested = visits.outcome_suggestion(visit)
        return visits.qa_visit_complete(visit=visit, outcome=outcome or suggested, outcome_reason=outcome_reason,
                                        by=by, organisation=owner, now=now)
