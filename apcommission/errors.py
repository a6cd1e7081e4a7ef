"""Exceptions the shared kernel knows about, so it depends on no app."""


class Refusal(Exception):
    """An action was refused and nothing changed. Pages show its message(s) in a GOV.UK error summary
    (apcommission.forms.service_errors). `problems`, when set, lists each reason."""

    problems: list[str] = []
