"""Dashboards are panels that each app contributes; this module only gathers them for a member.

An app declares its panels in `<app>/dashboard.py` with `@register`. A panel says which kinds of
organisation it serves and which capabilities a member needs (any of them), and returns what the
member must do now (`Attention` items, each a link to the page where it is done) and its figures
(`Figure`, each linking to the list it counts, filtered to exactly what it counts).

Registers, alerts and visits join the same way when they are built — the extension point is a new
`dashboard.py` in their app, nothing here changes. For example `attendance/dashboard.py`:

    @register
    class RegistersPanel(Panel):
        key, order = "registers", 15
        kinds = frozenset({OrganisationKind.PROVIDER})
        capabilities = frozenset({...})  # the capability that submits registers

        def build(self, viewer):
            due = <one query: this provider's sessions whose register is due>
            return PanelResult(title="Registers", attention=[
                Attention(f"Submit the register for {s}", viewer.link("attendance:register", pk=s.pk))
                for s in due])

Links are made with `link()`, which returns None for a page the member's role cannot open (the
view's `org_view` capability and kinds), so no dashboard offers a link that ends in a 403. Each
panel costs a fixed number of queries, whatever the amount of data behind it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.module_loading import autodiscover_modules

from apcommission import clock

PANEL_MODULE = "dashboard"  # each app's panels live in <app>/dashboard.py


@dataclass(frozen=True)
class Attention:
    """One thing to do now: "Decide on the referral for Jayden Clarke" → the decision page."""

    text: str
    url: str
    hint: str = ""  # e.g. "Due 3 December 2026", "Overdue"
    overdue: bool = False


@dataclass(frozen=True)
class Figure:
    """A count and the list it counts (the list shows exactly `value` rows)."""

    label: str
    value: int
    url: str
    hint: str = ""


@dataclass
class PanelResult:
    title: str
    attention: list[Attention] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    actions: list[Attention] = field(default_factory=list)  # buttons, e.g. "Refer a pupil"
    template: str = ""  # optional extra content (a table), rendered with `context`
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Viewer:
    """What a panel gets: the member, their organisation and today's date (from the clock)."""

    membership: object
    today: dt.date

    @property
    def organisation(self):
        return self.membership.organisation

    @property
    def kind(self) -> str:
        return self.membership.organisation.kind

    def can(self, capability: str) -> bool:
        return self.membership.can(capability)

    def link(self, viewname: str, *, query: dict | None = None, **kwargs) -> str | None:
        return link(self.membership, viewname, query=query, **kwargs)


class Panel:
    """Subclass, set the class attributes, implement `build`, and decorate with `@register`."""

    key: str = ""
    order: int = 100  # lower first
    kinds: frozenset[str] = frozenset()
    capabilities: frozenset[str] = frozenset()  # the member needs at least one

    def serves(self, membership) -> bool:
        if membership.organisation.kind not in self.kinds:
            return False
        return not self.capabilities or any(membership.can(c) for c in self.capabilities)

    def build(self, viewer: Viewer) -> PanelResult | None:  # pragma: no cover - interface
        raise NotImplementedError


_PANELS: dict[str, Panel] = {}
_discovered = False


def register(panel_class: type[Panel]) -> type[Panel]:
    """Class decorator: add a panel to every dashboard it serves (keyed, so re-imports are harmless)."""
    panel = panel_class()
    if not panel.key:
        raise ValueError(f"{panel_class.__name__} needs a key")
    _PANELS[panel.key] = panel
    return panel_class


def registered_panels() -> list[Panel]:
    global _discovered
    if not _discovered:
        autodiscover_modules(PANEL_MODULE)
        _discovered = True
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.key))


def can_open(membership, path: str) -> bool:
    """Would `membership` get past the page's org_view check (capability and kind)?"""
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    view = match.func
    kinds = getattr(view, "allowed_kinds", None)
    if kinds is not None and membership.organisation.kind not in kinds:
        return False
    capability = getattr(view, "required_capability", None)
    return capability is None or membership.can(capability)


def link(membership, viewname: str, *, query: dict | None = None, **kwargs) -> str | None:
    """The URL of `viewname` in the member's organisation, or None if their role cannot open it."""
    try:
        url = reverse(viewname, kwargs={"org": membership.organisation.slug, **kwargs})
    except NoReverseMatch:
        return None
    if not can_open(membership, url):
        return None
    return f"{url}?{urlencode(query)}" if query else url


def figure(viewer: Viewer, label: str, value: int, viewname: str, *, query: dict | None = None,
           hint: str = "", **kwargs) -> list[Figure]:
    """[Figure] when the member can open the list it counts, else [] (never a figure leading to a 403)."""
    url = viewer.link(viewname, query=query, **kwargs)
    return [Figure(label, value, url, hint)] if url else []


def todo(viewer: Viewer, text: str, viewname: str, *, hint: str = "", overdue: bool = False, fragment: str = "",
         **kwargs) -> list[Attention]:
    """[Attention] linking to `viewname` (+ `fragment`) when the member can open it, else [] (never a
    thing to do whose link ends in a 403), as `figure` offers a figure."""
    url = viewer.link(viewname, **kwargs)
    return [Attention(text, url + fragment, hint=hint, overdue=overdue)] if url else []


def attention_panel(title: str, attention: list[Attention]) -> PanelResult | None:
    """A panel of things to do; none at all when there is nothing to do."""
    return PanelResult(title=title, attention=attention) if attention else None


def dashboard_context(membership) -> dict:
    viewer = Viewer(membership=membership, today=clock.today())
    panels = []
    for panel in registered_panels():
        if panel.serves(membership):
            result = panel.build(viewer)
            if result is not None:
                panels.append(result)
    return {
        "kind": membership.organisation.kind,
        "panels": panels,
        "attention": [item for p in panels for item in p.attention],
        "actions": [item for p in panels for item in p.actions],
        "figures": [f for p in panels for f in p.figures],
    }
