"""What the monitoring dashboard panels (dashboard.py, review_dashboard.py, reports_dashboard.py)
share: a thing to do, offered only when the member may open its page (as apcommission.dashboards.
figure offers a figure), and no panel at all when there is nothing to do."""

from __future__ import annotations

from apcommission.dashboards import Attention, PanelResult, Viewer


def todo(viewer: Viewer, text: str, viewname: str, *, hint: str = "", overdue: bool = False, fragment: str = "",
         **kwargs) -> list[Attention]:
    """[Attention] linking to `viewname` (+ `fragment`) when the member can open it, else [] (never a
    link that ends in a 403)."""
    url = viewer.link(viewname, **kwargs)
    return [Attention(text, url + fragment, hint=hint, overdue=overdue)] if url else []


def attention_panel(title: str, attention: list[Attention]) -> PanelResult | None:
    """A panel of things to do; none when there is nothing to do."""
    return PanelResult(title=title, attention=attention) if attention else None
