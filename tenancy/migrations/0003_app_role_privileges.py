"""PostgreSQL: the app's role owns no table and may only read and append to the audit log.

The trigger from 0002 rejects UPDATE and DELETE on tenancy_auditevent, but the owner of a table can
still TRUNCATE it or `ALTER TABLE ... DISABLE TRIGGER`. So migrations run as the owner, and web,
worker and beat connect as settings.APC_DB_APP_ROLE, which this migration grants:

* SELECT, INSERT, UPDATE, DELETE on every table of the schema, and USAGE, SELECT on its sequences;
* on tenancy_auditevent, SELECT and INSERT only (no UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER);
* the same by default on tables and sequences the owner creates later (ALTER DEFAULT PRIVILEGES),
  so later migrations need not repeat this. A later append-only table must REVOKE like below.

If the role does not exist it is created NOLOGIN (give it a password and LOGIN to use it); if the
owner may not create roles, a warning is logged and nothing is granted (run migrate again after
creating the role: `manage.py migrate tenancy 0002 && manage.py migrate`). No-op on SQLite, when
APC_DB_APP_ROLE is empty, or when it names the role running the migration.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger("apcommission.db_roles")

AUDIT_TABLE = "tenancy_auditevent"


def _role_exists(cursor, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def grant_app_role(connection, role: str) -> bool:
    """Grant `role` the app's privileges in `connection`'s database. True when granted."""
    if connection.vendor != "postgresql" or not role:
        return False
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        me, schema = cursor.fetchone()
        if role == me:
            logger.warning("APC_DB_APP_ROLE=%s is the role running migrations (the tables' owner): "
                           "no privilege split. Connect the app as another role.", role)
            return False
        if not _role_exists(cursor, role):
            try:
                with transaction.atomic(using=connection.alias):  # a savepoint: a refusal is not fatal
                    cursor.execute(f"CREATE ROLE {qn(role)} NOLOGIN")
            except DatabaseError as exc:  # no CREATEROLE, or another process created it just now
                if not _role_exists(cursor, role):
                    logger.warning("PostgreSQL role %s does not exist and cannot be created (%s); no "
                                   "privileges granted. Create it, then run migrate again.", role, exc)
                    return False
        app, schema_q = qn(role), qn(schema)
        for statement in (
            f"GRANT USAGE ON SCHEMA {schema_q} TO {app}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_q} TO {app}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_q} TO {app}",
            f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {qn(AUDIT_TABLE)} FROM {app}",
            f"REVOKE ALL ON {qn(AUDIT_TABLE)} FROM PUBLIC",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_q} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_q} GRANT USAGE, SELECT ON SEQUENCES TO {app}",
        ):
            cursor.execute(statement)
    return True


def revoke_app_role(connection, role: str) -> None:
    if connection.vendor != "postgresql" or not role:
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        me, schema = cursor.fetchone()
        if role == me or not _role_exists(cursor, role):
            return
        app, schema_q = qn(role), qn(schema)
        for statement in (
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_q} REVOKE ALL ON SEQUENCES FROM {app}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_q} REVOKE ALL ON TABLES FROM {app}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema_q} FROM {app}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema_q} FROM {app}",
            f"REVOKE USAGE ON SCHEMA {schema_q} FROM {app}",
        ):
            cursor.execute(statement)


def forwards(apps, schema_editor):
    grant_app_role(schema_editor.connection, settings.APC_DB_APP_ROLE)


def backwards(apps, schema_editor):
    revoke_app_role(schema_editor.connection, settings.APC_DB_APP_ROLE)


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0002_audit_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
