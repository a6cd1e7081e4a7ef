"""This app's sources for the placement's one timeline (monitoring.timeline), registered in
SafeguardingConfig.ready(): incidents, emergency reviews, formal reviews and safeguarding concerns.

Who sees what is the selectors' rule, the same as on this app's pages:

* incidents (with the emergency reviews they opened), formal reviews: the staff who read the pupil's behaviour and progress
  (selectors.reads_incidents: the school's roles with the education group, the placement's provider);
  nobody else gets an entry;
* concerns (selectors.placement_concerns, as the placement page's panel): the DSLs of the
  placement's school and provider and the people a DSL shared that one concern with get a full entry;
  the school's other staff an entry with `restricted=True`, title "Restricted record" and no link,
  state or detail; provider staff who were not shared it, other providers, trusts and LAs nothing.

Each source is one query (two for concerns read by someone who is not a DSL): no query per entry.
"""

from __future__ import annotations

from django.urls import reverse

from apcommission import clock
from monitoring.timeline import TimelineEntry, register_source

from . import selectors
from .models import EmergencyReview


def _url(name: str, membership, pk: int) -> str:
    return reverse(f"safeguarding:{name}", kwargs={"org": membership.organisation.slug, "pk": pk})


def _review_state(review: EmergencyReview, today) -> tuple[str, str]:
    if not review.is_open:
        return "Closed", "grey"
    return ("Overdue", "red") if review.due_on < today else ("Open", "orange")


def incident_entries(placement, membership) -> list[TimelineEntry]:
    """Incidents and the emergency reviews they opened, from one query: every emergency review is
    opened by incidents that join it (services._maybe_open_review), so it comes with them."""
    if not selectors.reads_incidents(placement, membership):
        return []
    today = clock.today()
    entries, reviews = [], {}
    for i in selectors.placement_incidents(placement):
        entries.append(TimelineEntry(at=i.occurred_at, kind="incident", title=i.get_kind_display(),
                                     state="In an emergency review" if i.review_id else "",
                                     colour="orange" if i.review_id else "",
                                     url=_url("incident_detail", membership, i.pk)))
        if i.review_id:
            reviews[i.review_id] = i.review
    for review in reviews.values():
        state, colour = _review_state(review, today)
        entries.append(TimelineEntry(at=review.opened_at, kind="emergency_review",
                                     title=f"Emergency review, due by {review.due_on:%-d %B %Y}", state=state,
                                     colour=colour, url=_url("review_detail", membership, review.pk)))
    return entries


def formal_review_entries(placement, membership) -> list[TimelineEntry]:
    if not selectors.reads_incidents(placement, membership):
        return []
    return [TimelineEntry(at=r.opened_at, kind="formal_review", title="Formal review",
                          state="Open" if r.is_open else r.get_outcome_display(),
                          colour="orange" if r.is_open else "grey", url=_url("formal_detail", membership, r.pk))
            for r in selectors.placement_formal_reviews(placement)]


RESTRICTED = "Restricted record"


def concern_entries(placement, membership) -> list[TimelineEntry]:
    entries = []
    for line in selectors.placement_concerns(placement, membership):
        if line.readable:
            entries.append(TimelineEntry(at=line.concern.raised_at, kind="concern", title="Safeguarding concern",
                                         colour="red", url=_url("concern_detail", membership, line.concern.pk)))
        else:
            entries.append(TimelineEntry(at=line.concern.raised_at, kind="concern", title=RESTRICTED,
                                         restricted=True))
    return entries


def register_sources() -> None:
    register_source("incident", incident_entries)
    register_source("formal_review", formal_review_entries)
    register_source("concern", concern_entries)
