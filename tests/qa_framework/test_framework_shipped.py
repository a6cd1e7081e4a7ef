"""The frameworks shipped by migration 0002 match the seed: seed 001 §18 standard by standard
(codes, theme titles and key phrases from a fixture written by hand from the seed), and seed 001
§12's eight termly areas for schools."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from qa_framework.models import Framework, FrameworkPurpose, FrameworkVersion, Standard, Theme
from tenancy.scoping import scopes_disabled


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


pytestmark = pytest.mark.django_db

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "seed001_s18.json").read_text())


def _shipped(purpose):
    with scopes_disabled():
        framework = Framework.objects.get(owner__isnull=True, purpose=purpose)
        version = framework.versions.get()
        themes = list(Theme.objects.filter(version=version).order_by("number"))
        standards = list(Standard.objects.filter(theme__version=version)
                         .order_by("theme__number", "position").select_related("theme"))
    return framework, version, themes, standards


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_provider_framework_is_seed_001_section_18_standard_by_standard():
    framework, version, themes, standards = _shipped(FrameworkPurpose.PROVIDER_QA)
    assert framework.owner_id is None
    assert (version.number, version.state, version.published_at is not None) == (1, "published", True)
    assert [t.title for t in themes] == [t["title"] for t in FIXTURE["themes"]]
    expected = [(theme["number"], s["code"]) for theme in FIXTURE["themes"] for s in theme["standards"]]
    assert [(s.theme.number, s.code) for s in standards] == expected
    assert len(standards) == 32
    phrases = {s["code"]: s["phrases"] for theme in FIXTURE["themes"] for s in theme["standards"]}
    missing = {s.code: [p for p in phrases[s.code] if _flat(p) not in _flat(s.text)] for s in standards}
    assert {code: gone for code, gone in missing.items() if gone} == {}


def test_the_scale_is_fully_partially_limited_evidence_not_at_all_scored_3_to_0():
    _, version, _, _ = _shipped(FrameworkPurpose.PROVIDER_QA)
    assert [step["label"] for step in version.scale] == FIXTURE["scale"]
    assert version.scale == [{"code": "fully", "label": "Fully", "score": 3},
                             {"code": "partially", "label": "Partially", "score": 2},
                             {"code": "limited", "label": "Limited evidence", "score": 1},
                             {"code": "not_at_all", "label": "Not at all", "score": 0}]


def test_the_school_termly_framework_has_seed_001_section_12s_eight_areas():
    framework, version, themes, standards = _shipped(FrameworkPurpose.SCHOOL_TERMLY_QA)
    assert framework.owner_id is None and version.state == "published"
    assert [t.title for t in themes] == [
        "Teaching and learning", "Academic progress", "Accreditation", "Safeguarding and health and safety",
        "Personal development and well-being", "Pupils’ views", "Post-16 progression", "Value for money"]
    texts = [s.text for s in standards]
    assert len(texts) == 8
    for phrase, text in zip(["Quality of teaching and learning", "targets are suitably challenging",
                             "English and maths", "quality of accommodation", "Personal development",
                             "Pupils’ views", "post-16 destinations", "value for money"], texts, strict=True):
        assert phrase in text


def test_shipped_frameworks_are_readable_by_las_and_schools_not_providers(world):
    from tenancy.roles import OrganisationKind as K
    from tenancy.scoping import scope

    for kind, sees in ((K.LOCAL_AUTHORITY, 2), (K.SCHOOL, 2), (K.PROVIDER, 0), (K.TRUST, 0)):
        with scope(organisation=world.org(kind)):
            assert Framework.objects.count() == sees, kind
            assert FrameworkVersion.objects.count() == sees, kind


def test_the_shipped_frameworks_come_back_after_a_flush_and_only_once():
    """A flushed database (manage.py flush; transactional tests) loses migration data: the demo
    loader puts the shipped frameworks back from the migration's own data, once."""
    from qa_framework.shipped import ensure_shipped_frameworks

    with scopes_disabled():
        before = {(f.title, f.versions.get().themes.count()) for f in Framework.objects.filter(owner__isnull=True)}
        Framework.objects.filter(owner__isnull=True).delete()
        ensure_shipped_frameworks()
        ensure_shipped_frameworks()
        after = {(f.title, f.versions.get().themes.count()) for f in Framework.objects.filter(owner__isnull=True)}
    assert after == before and len(after) == 2
