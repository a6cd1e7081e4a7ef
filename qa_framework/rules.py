"""The suggested outcome of a QA visit, from its judgements (seed 001 §18, issue 13 item 3).

Seed 001 §18 ends the visit with one of four outcomes: the provider has

1. "met all the standards within this QA framework and will be placed on the approved LA list";
2. "met the majority of the standards and has agreed to have in place timely improvements which
   enable it to be placed on the approved list";
3. "not met the standards required and understands what it needs to do to reapply at a future
   date";
4. "not met the standards and does not wish to progress any further".

`suggest_outcome` turns the judgements into one of the first three, read from those words:

* A standard is **fully met** when it has the best level of the scale ("Fully"), and **met** when
  its level is in the better half of the scale (`met_levels`: for the seed's scale of four, "Fully"
  and "Partially"; "Limited evidence" and "Not at all" are not met).
* **Approved** — every standard fully met ("met all the standards").
* **Approved with conditions** — more than half of the standards met (`MAJORITY_PERCENT`: "the
  majority"), and every *safeguarding* standard met: safeguarding is never left to a later
  improvement (the seed's first theme, "Safeguarding and the wellbeing of children"; KCSIE). The
  standards not fully met become the improvement plan.
* **Not met, may reapply** — anything else: any safeguarding standard with "Limited evidence" or
  "Not at all", or half the standards or fewer met.
* **Not met and withdrawn** is never suggested: it records that the provider "does not wish to
  progress any further", which the judgements cannot tell. The officer chooses it (as any outcome
  other than the suggestion) with a reason (`outcome_needs_reason`).

Which theme is about safeguarding is read from its title (`is_safeguarding_theme`), so a framework
copied and renumbered by an LA keeps the gate. Every standard must be judged before an outcome is
suggested (the visit cannot be completed otherwise): an unjudged standard raises ValueError.

The table of cases is tests/qa_framework/test_outcome_rule.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .models import Outcome

MAJORITY_PERCENT = 50  # "the majority of the standards": strictly more than this share met


@dataclass(frozen=True)
class JudgementFact:
    """One standard's judgement as the rule needs it: its code, whether its theme is about
    safeguarding, and the level chosen (a code of the version's scale; "" when not judged)."""

    code: str
    level: str
    safeguarding: bool = False


def is_safeguarding_theme(title: str) -> bool:
    """Is a theme about safeguarding? ("Safeguarding and the wellbeing of children": yes.)"""
    return "safeguarding" in title.lower()


def scale_codes(scale: Sequence[dict]) -> list[str]:
    """The scale's level codes, best first (the version stores them best first; scores decide ties)."""
    return [level["code"] for level in sorted(scale, key=lambda level: -level.get("score", 0))]


def met_levels(scale: Sequence[dict]) -> frozenset[str]:
    """The better half of the scale (rounded up): the levels at which a standard counts as met."""
    codes = scale_codes(scale)
    return frozenset(codes[: (len(codes) + 1) // 2])


def suggest_outcome(judgements: Iterable[JudgementFact], scale: Sequence[dict]) -> Outcome:
    """The outcome the judgements suggest (see the module docstring for the rule)."""
    facts = list(judgements)
    codes = scale_codes(scale)
    if not codes:
        raise ValueError("The framework has no judgement scale")
    unknown = sorted(f.code for f in facts if f.level not in codes)
    if unknown:
        raise ValueError(f"Every standard needs a judgement of the scale before an outcome: {', '.join(unknown)}")
    if not facts:
        raise ValueError("The framework has no standards to judge")
    best, met = codes[0], met_levels(scale)
    if all(f.level == best for f in facts):
        return Outcome.APPROVED
    safeguarding_met = all(f.level in met for f in facts if f.safeguarding)
    met_count = sum(1 for f in facts if f.level in met)
    if safeguarding_met and met_count * 100 > MAJORITY_PERCENT * len(facts):
        return Outcome.APPROVED_WITH_CONDITIONS
    return Outcome.NOT_MET_MAY_REAPPLY


def outcome_needs_reason(*, chosen: str, suggested: str) -> bool:
    """The officer may choose another outcome than the suggestion only with a reason."""
    return bool(chosen) and chosen != suggested
