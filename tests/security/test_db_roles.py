"""PostgreSQL: the role the app connects as owns no table and can only read and append to the audit log.

Before: the app connected as the tables' owner, and the owner can TRUNCATE the audit table or
`ALTER TABLE ... DISABLE TRIGGER` to get round the append-only trigger. The test database is
created and migrated by pytest-django as the owner; here statements run as the app role with
`SET LOCAL ROLE` inside a savepoint, which is exactly what the app's own connection could do.
"""

from __future__ import annotations

import importlib
import logging
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from tenancy.factories import OrganisationFactory
from tenancy.models import AuditAction, AuditEvent, Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import scopes_disabled
from tenancy.services import audit_record

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
ROLE = settings.APC_DB_APP_ROLE
AUDIT = "tenancy_auditevent"
migration = importlib.import_module("tenancy.migrations.0003_app_role_privileges")


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


@contextmanager
def as_role(role: str = ROLE):
    """Run the block as `role` (SET LOCAL ROLE inside a savepoint; an error rolls both back)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {qn(role)}")
        yield
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def execute_as_app(sql: str, params=None):
    with as_role(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def current_user() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


@pytest.fixture
def audited(db):
    school = OrganisationFactory(kind=OrganisationKind.SCHOOL, slug="roles-school")
    return audit_record(organisation=school, user=None, action=AuditAction.VIEW, obj=school, detail="seen")


def test_setting_names_a_role_that_is_not_the_owner():
    assert connection.vendor == "postgresql"
    assert ROLE == "apcommission_app"
    assert current_user() != ROLE


def test_app_role_owns_nothing():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s",
                       [ROLE])
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = %s",
                       [ROLE])
        assert cursor.fetchone() == (False, False, False, False)


@pytest.mark.parametrize("sql", [
    f"TRUNCATE {AUDIT}",
    f"ALTER TABLE {AUDIT} DISABLE TRIGGER apc_audit_append_only",
    f"ALTER TABLE {AUDIT} DISABLE TRIGGER ALL",
    f"DROP TRIGGER apc_audit_append_only ON {AUDIT}",
    f"UPDATE {AUDIT} SET detail = 'changed'",
    f"DELETE FROM {AUDIT}",
    f"DROP TABLE {AUDIT}",
])
def test_app_role_cannot_rewrite_the_audit_log(audited, sql):
    with pytest.raises(DatabaseError) as caught:
        execute_as_app(sql)
    message = str(caught.value)
    assert "permission denied" in message or "must be owner" in message, message
    with scopes_disabled():
        assert AuditEvent.objects.get(pk=audited.pk).detail == "seen"


def test_owner_could_truncate_it_which_is_why_the_app_must_not_be_the_owner(audited):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks
            cursor.execute(f"ALTER TABLE {AUDIT} DISABLE TRIGGER apc_audit_append_only")
            cursor.execute(f"TRUNCATE {AUDIT} CASCADE")
        transaction.set_rollback(True)
    with scopes_disabled():
        assert AuditEvent.objects.filter(pk=audited.pk).exists()


def test_app_role_reads_and_appends_to_the_audit_log(audited):
    with as_role():
        school = Organisation.objects.get(slug="roles-school")
        event = audit_record(organisation=school, user=None, action=AuditAction.CHANGE, obj=school, detail="by the app")
        with scopes_disabled():
            assert AuditEvent.objects.filter(organisation=school).count() == 2
    with scopes_disabled():
        assert AuditEvent.objects.get(pk=event.pk).detail == "by the app"


def test_app_role_writes_ordinary_tables(db):
    from accounts.factories import UserFactory
    from tenancy.models import Membership

    with as_role():
        la = Organisation.objects.create(kind=OrganisationKind.LOCAL_AUTHORITY, name="App LA", slug="app-la")
        user = UserFactory(email="app-role@example.org")
        with scopes_disabled():
            membership = Membership.objects.create(user=user, organisation=la, role="org_admin")
            Membership.objects.filter(pk=membership.pk).update(job_title="Changed")
            Membership.objects.filter(pk=membership.pk).delete()
        Organisation.objects.filter(pk=la.pk).update(name="App LA renamed")
        Organisation.objects.filter(pk=la.pk).delete()
        assert not Organisation.objects.filter(slug="app-la").exists()


def test_every_table_and_sequence_is_granted_and_the_audit_log_only_read_and_append():
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT c.relname,
                   has_table_privilege(%(role)s, c.oid, 'SELECT'), has_table_privilege(%(role)s, c.oid, 'INSERT'),
                   has_table_privilege(%(role)s, c.oid, 'UPDATE'), has_table_privilege(%(role)s, c.oid, 'DELETE'),
                   has_table_privilege(%(role)s, c.oid, 'TRUNCATE'), has_table_privilege(%(role)s, c.oid, 'TRIGGER')
            FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
        """, {"role": ROLE})
        tables = {name: privileges for name, *privileges in cursor.fetchall()}
        cursor.execute("""
            SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace
            AND CASE WHEN c.relkind = 'S' THEN NOT has_sequence_privilege(%s, c.oid, 'USAGE') ELSE false END
        """, [ROLE])
        assert cursor.fetchall() == []
    assert {"tenancy_membership", "placements_pupil", "django_session", "account_emailaddress"} <= set(tables)
    assert tables.pop(AUDIT) == [True, True, False, False, False, False]
    for name, privileges in tables.items():
        assert privileges == [True, True, True, True, False, False], name


def test_tables_created_later_by_the_owner_are_granted_by_default(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE apc_later_table (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v text)")
    execute_as_app("INSERT INTO apc_later_table (v) VALUES ('x')")
    execute_as_app("UPDATE apc_later_table SET v = 'y'")
    execute_as_app("DELETE FROM apc_later_table")
    with pytest.raises(DatabaseError):
        execute_as_app("TRUNCATE apc_later_table")


def test_a_missing_role_is_created_nologin_and_granted(db):
    role = f"apc_test_role_{os.getpid()}"
    with transaction.atomic():  # CREATE ROLE is transactional: rolled back with the test
        assert migration.grant_app_role(connection, role) is True
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", [role])
            assert cursor.fetchone() == (False,)
            cursor.execute("SELECT has_table_privilege(%s, 'tenancy_auditevent', 'INSERT'), "
                           "has_table_privilege(%s, 'tenancy_auditevent', 'DELETE')", [role, role])
            assert cursor.fetchone() == (True, False)
        transaction.set_rollback(True)


def test_a_missing_role_that_cannot_be_created_is_skipped_with_a_warning(db, caplog):
    """The owner may lack CREATEROLE: the migration logs a warning and carries on."""
    with as_role(), caplog.at_level(logging.WARNING, logger="apcommission.db_roles"):
        assert migration.grant_app_role(connection, f"apc_missing_{os.getpid()}") is False
    assert "cannot be created" in caplog.text


def test_no_split_when_the_setting_is_empty_or_names_the_owner(db, caplog):
    assert migration.grant_app_role(connection, "") is False
    with caplog.at_level(logging.WARNING, logger="apcommission.db_roles"):
        assert migration.grant_app_role(connection, current_user()) is False
    assert "no privilege split" in caplog.text


@pytest.mark.parametrize("value", ["Robert'); DROP TABLE x; --", "has space", "UPPER"])
def test_a_bad_role_name_is_refused_at_start(value):
    env = {**os.environ, "APC_DB_APP_ROLE": value, "DJANGO_SETTINGS_MODULE": "apcommission.settings.base"}
    proc = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "APC_DB_APP_ROLE" in proc.stderr, proc.stderr
