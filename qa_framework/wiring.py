"""What qa_framework plugs into other apps at start-up (called from QaFrameworkConfig.ready())."""

from __future__ import annotations


def connect_approved_list() -> None:
    """Signed visits are immutable; an LA's status change on the directory page is a decision; the
    directory page reads the history; the "qa_next_visit" ladder is on the engine."""
    from providers import api as providers_api

    from . import approval, selectors_approval, signing
    from .ladders import register_next_visit_ladder

    signing.connect_signals()
    providers_api.register_listing_decider(approval.decide_by_hand)
    providers_api.register_approval_history(selectors_approval.history_for_directory)
    register_next_visit_ladder()
