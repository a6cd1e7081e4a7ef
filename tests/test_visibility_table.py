"""The visibility table (tenancy/visibility.py) agrees with the role table and covers every field."""

from __future__ import annotations

import pytest
from django.apps import apps

from placements.data_groups import FIELD_GROUPS, PLACEMENT_FACTS
from tenancy.roles import Capability as C
from tenancy.roles import Role, role_has
from tenancy.visibility import (
    SPECIAL_CATEGORY,
    VISIBILITY,
    Access,
    DataGroup,
    access,
    reader_for,
)


def test_every_role_has_a_column_with_a_reason():
    assert set(VISIBILITY) == set(Role)
    for role, column in VISIBILITY.items():
        assert column.why.strip(), role
        assert not column.full & column.held, role


@pytest.mark.parametrize("role", list(Role))
def test_costs_follow_view_finance(role):
    assert (access(role, DataGroup.COSTS) == Access.FULL) == role_has(role, C.VIEW_FINANCE)


@pytest.mark.parametrize("role", [Role.QA_OFFICER, Role.AP_OFFICER, Role.TRUST_EXECUTIVE, Role.ORG_ADMIN,
                                  Role.ATTENDANCE_OFFICER, Role.EXAMS_OFFICER, Role.FINANCE])
def test_oversight_and_office_roles_read_no_special_category_detail(role):
    assert not any(access(role, g) == Access.FULL for g in SPECIAL_CATEGORY)


@pytest.mark.parametrize("role", [r for r in Role if role_has(r, C.VIEW_SPECIAL_CATEGORY)])
def test_roles_that_manage_special_category_data_read_all_of_it(role):
    assert all(access(role, g) == Access.FULL for g in SPECIAL_CATEGORY)


def test_provider_staff_are_told_the_dsl_holds_safeguarding_information():
    for role in (Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER):
        assert access(role, DataGroup.SAFEGUARDING) == Access.HELD
        assert access(role, DataGroup.MEDICAL) == Access.FULL and access(role, DataGroup.SEN) == Access.FULL


def test_a_ceiling_caps_what_is_read_and_what_is_said_to_be_held():
    class M:
        role = Role.PROVIDER_STAFF

    reader = reader_for(M(), ceiling=frozenset({DataGroup.IDENTITY}))
    assert reader.can(DataGroup.IDENTITY) and not reader.can(DataGroup.MEDICAL)
    assert not reader.is_held(DataGroup.SAFEGUARDING)  # not shared: not even said to exist


@pytest.mark.parametrize("model_name", sorted(FIELD_GROUPS))
def test_every_field_of_pupil_records_has_a_group_or_is_a_placement_fact(model_name):
    model = apps.get_model("placements", model_name)
    fields = {f.name for f in model._meta.concrete_fields}
    mapped = set(FIELD_GROUPS[model_name]) | PLACEMENT_FACTS.get(model_name, set())
    assert fields - mapped == set(), f"{model_name}: decide who reads {sorted(fields - mapped)} (placements/data_groups.py)"
    assert mapped - fields == set(), f"{model_name}: placements/data_groups.py lists fields that no longer exist"
    assert set(FIELD_GROUPS[model_name].values()) <= set(DataGroup)
