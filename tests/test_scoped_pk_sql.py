"""tenancy.scoping.scoped_pk_sql and scoped_row_sql: a hand-written statement restricted by either
sees exactly the rows the scoped manager shows, in every scope, and nothing outside one."""

from __future__ import annotations

import pytest
from django.db import connection

from placements.models import Pupil
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import ScopeError, scope, scoped_pk_sql, scoped_row_sql, scopes_disabled


def _ids(sql, params) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {Pupil._meta.db_table} WHERE id IN ({sql})", params)  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def _row_ids(condition, params) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.id FROM {Pupil._meta.db_table} p WHERE {condition}", params)  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("kind", K.values)
def test_the_row_condition_sees_what_the_scoped_manager_sees(world, kind):
    for side in ("a", "b"):
        with scope(organisation=world.org(kind, side)):
            assert _row_ids(*scoped_row_sql(Pupil, "p")) == set(Pupil.objects.values_list("pk", flat=True))
    with scopes_disabled():
        assert _row_ids(*scoped_row_sql(Pupil, "p")) == {world.pupils["a"].pk, world.pupils["b"].pk}
    with pytest.raises(ScopeError):
        scoped_row_sql(Pupil, "p")


@pytest.mark.parametrize("kind", K.values)
def test_the_sql_sees_what_the_scoped_manager_sees(world, kind):
    for side in ("a", "b"):
        organisation = world.org(kind, side)
        with scope(organisation=organisation):
            assert _ids(*scoped_pk_sql(Pupil)) == set(Pupil.objects.values_list("pk", flat=True))


def test_each_school_gets_its_own_rows_also_when_compiled_before(world):
    for _ in range(2):  # the second round reads the compiled SQL
        for side in ("a", "b"):
            with scope(organisation=world.org(K.SCHOOL, side)):
                assert _ids(*scoped_pk_sql(Pupil)) == {world.pupils[side].pk}


def test_all_rows_with_scopes_disabled_and_none_outside_a_scope(world):
    with scopes_disabled():
        assert _ids(*scoped_pk_sql(Pupil)) == {world.pupils["a"].pk, world.pupils["b"].pk}
    with pytest.raises(ScopeError):
        scoped_pk_sql(Pupil)
