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
