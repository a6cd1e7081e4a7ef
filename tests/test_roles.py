from pathlib import Path

from tenancy.roles import ROLE_CAPABILITIES, ROLE_KINDS, Role, capability_table_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_role_has_capabilities_and_a_kind():
    for role in Role:
        assert ROLE_CAPABILITIES[role], role
        assert any(role in roles for roles in ROLE_KINDS.values()), role


def test_readme_prints_the_current_role_table():
    assert capability_table_markdown() in README.read_text(), (
        "README.md's roles table is out of date: paste the output of "
        "`python manage.py roles_table` into it"
    )


def test_readme_prints_the_current_visibility_table():
    from tenancy.visibility import visibility_table_markdown

    assert visibility_table_markdown() in README.read_text(), (
        "README.md's visibility table is out of date: run `.venv/bin/python scripts/readme_roles.py`"
    )


def test_every_capability_is_checked_somewhere():
    """A capability in the table that no view, selector or navigation item checks is a promise the
    code does not keep (issue 8: view_finance and read_across_trust were such)."""
    import re
    from pathlib import Path

    from tenancy.roles import Capability

    root = Path(__file__).resolve().parent.parent
    apps = ("apcommission", "accounts", "tenancy", "providers", "placements", "attendance", "qa_framework",
            "notifications", "slas", "safeguarding", "monitoring", "finance", "exams", "oversight")
    source = "\n".join(p.read_text() for app in apps for p in (root / app).rglob("*.py")
                       if p.name != "roles.py" and "migrations" not in p.parts)
    # Capabilities of features the open issues build next; each leaves this list when its pages arrive.
    pending: dict[str, str] = {
    }
    unused = {c.value for c in Capability
              if not re.search(rf"\b(?:C|Capability)\.{c.name}\b|[\"']{c.value}[\"']", source)}
    assert unused - set(pending) == set(), f"capabilities nothing checks: {sorted(unused - set(pending))}"
    assert set(pending) - unused == set(), f"now checked: take {sorted(set(pending) - unused)} off the pending list"
