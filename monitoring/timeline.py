"""One timeline per placement (issue 12 item 8): visits, reviews, reports, incidents and concerns.

Each app that owns a kind of record registers a *source* (usually in its AppConfig.ready()):

    from monitoring.timeline import TimelineEntry, register_source

    def review_entries(placement, membership):      # reads through the app's selectors (scoped)
        return [TimelineEntry(at=..., kind="review", title="Review meeting", state="Held", ...)]

    register_source("review", review_entries)

`placement_timeline(placement, membership)` gathers every source's entries, newest first. A source
decides what the reader may see through its selectors; a record the reader may know exists but not
read (a safeguarding concern for someone it is not shared with) comes back with `restricted=True`
and no detail: the template prints "Restricted record" and nothing else. Sources must not run a query
per entry (the placement page has a query budget).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime | dt.date  # when it happened, or when it is due
    kind: str  # "visit", "review", "report", "incident", "emergency_review", "concern", "formal_review", ...
    title: str
    state: str = ""  # e.g. "Submitted", "Overdue", "Open"
    colour: str = ""  # GOV.UK tag modifier: "", "grey", "green", "red", "yellow", "blue", ...
    url: str = ""
    restricted: bool = False  # the reader may know it exists, nothing more
    detail: str = ""  # a short line under the title (who acted); never printed for a restricted entry

    @property
    def sort_key(self) -> dt.datetime:
        if isinstance(self.at, dt.datetime):
            return self.at
        return timezone.make_aware(dt.datetime.combine(self.at, dt.time(23, 59)))


Source = Callable[..., Iterable[TimelineEntry]]
_SOURCES: dict[str, Source] = {}


def register_source(name: str, source: Source) -> None:
    _SOURCES[name] = source


def unregister_source(name: str) -> None:
    _SOURCES.pop(name, None)


def placement_timeline(placement, membership) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for source in _SOURCES.values():
        entries.extend(source(placement, membership))
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)
