"""The suggested outcome of a QA visit (qa_framework.rules.suggest_outcome), case by case from seed
001 §18's words. Each row: the judgements of a small framework (safeguarding standards first, `|`,
then the others; F = Fully, P = Partially, L = Limited evidence, N = Not at all) and the outcome."""

from __future__ import annotations

import pytest

from qa_framework import rules
from qa_framework.factories import SEED_SCALE
from qa_framework.models import Outcome

LEVEL = {"F": "fully", "P": "partially", "L": "limited", "N": "not_at_all"}
A, C, R = Outcome.APPROVED, Outcome.APPROVED_WITH_CONDITIONS, Outcome.NOT_MET_MAY_REAPPLY


def facts(pattern: str) -> list[rules.JudgementFact]:
    safeguarding, others = pattern.split("|")
    return ([rules.JudgementFact(code=f"1{i}", level=LEVEL[c], safeguarding=True) for i, c in enumerate(safeguarding)]
            + [rules.JudgementFact(code=f"2{i}", level=LEVEL[c]) for i, c in enumerate(others)])


CASES = [
    # pattern, outcome, why
    ("FFF|FFFFF", A, "every standard fully met: met all the standards"),
    ("FFF|FFFFP", C, "one standard partially met: not all, but the majority"),
    ("PPP|PPPPP", C, "every standard partially met: all met, none fully"),
    ("FFF|FFLLL", C, "5 of 8 met (more than half), safeguarding all fully met"),
    ("FFF|FLLLL", R, "4 of 8 met: half is not a majority"),
    ("FFP|NNNNF", R, "4 of 8 met: half is not a majority, even with safeguarding met"),
    ("FFL|FFFFF", R, "a safeguarding standard with limited evidence is never a condition"),
    ("FNF|FFFFF", R, "a safeguarding standard not met at all"),
    ("PPP|FFFFN", C, "a non-safeguarding standard not met at all can be improved"),
    ("FFF|NNNNN", R, "only the safeguarding standards met: 3 of 8"),
    ("|FFFF", A, "a framework without a safeguarding theme, all fully met"),
    ("|FFFL", C, "a framework without a safeguarding theme, 3 of 4 met"),
    ("F|", A, "one standard, fully met"),
    ("P|", C, "one standard, partially met"),
    ("L|", R, "one standard, limited evidence"),
]


@pytest.mark.parametrize(("pattern", "expected", "why"), CASES, ids=[c[0] for c in CASES])
def test_suggested_outcome(pattern, expected, why):
    assert rules.suggest_outcome(facts(pattern), SEED_SCALE) == expected, why


def test_withdrawn_is_never_suggested():
    """"Does not wish to progress any further" is the provider's wish, not a judgement."""
    every = {rules.suggest_outcome(facts(p), SEED_SCALE) for p, *_ in CASES}
    assert Outcome.NOT_MET_WITHDRAWN not in every


@pytest.mark.parametrize("level", ["", "excellent"])
def test_every_standard_needs_a_level_of_the_scale(level):
    with pytest.raises(ValueError, match="2b"):
        rules.suggest_outcome([rules.JudgementFact("2a", "fully"), rules.JudgementFact("2b", level)], SEED_SCALE)


def test_met_is_the_better_half_of_the_scale_whatever_its_order():
    assert rules.met_levels(SEED_SCALE) == {"fully", "partially"}
    three = [{"code": "no", "label": "Not met", "score": 0}, {"code": "yes", "label": "Met", "score": 2},
             {"code": "part", "label": "Partly met", "score": 1}]
    assert rules.scale_codes(three) == ["yes", "part", "no"]
    assert rules.met_levels(three) == {"yes", "part"}
    assert rules.suggest_outcome([rules.JudgementFact("a", "part"), rules.JudgementFact("b", "yes")], three) == C


@pytest.mark.parametrize(("title", "gate"), [("Safeguarding and the wellbeing of children", True),
                                             ("Safeguarding and health and safety", True),
                                             ("Health and safety", False), ("Quality of education", False)])
def test_which_themes_are_about_safeguarding(title, gate):
    assert rules.is_safeguarding_theme(title) is gate


@pytest.mark.parametrize(("chosen", "suggested", "needs"), [(A, A, False), (C, A, True), (Outcome.NOT_MET_WITHDRAWN, R, True),
                                                            ("", A, False)])
def test_another_outcome_than_the_suggestion_needs_a_reason(chosen, suggested, needs):
    assert rules.outcome_needs_reason(chosen=chosen, suggested=suggested) is needs
