"""PostgreSQL for the test suite (apcommission.settings.test): Django's own backend, except how a
transactional test (TransactionTestCase, `transactional_db`, `live_server`) empties the database
afterwards.

Django flushes with one `TRUNCATE` of every table (~95). TRUNCATE gives each table, index and
TOAST table new files, so it costs the same whatever the tables hold: ~3 s a flush on the shared
2-core machine, and a run flushes after every browser and transactional test. A test leaves a few
hundred rows at most (the demo a few thousand): `DELETE` of every table in one transaction does the
same job in ~0.1 s. The result is the same: every table empty, sequences untouched (Django's flush
does not restart them either), post_migrate still run by the caller.

- Foreign keys Django creates on PostgreSQL are DEFERRABLE INITIALLY DEFERRED, checked at commit,
  when every table is empty: the order of the DELETEs does not matter (`SET CONSTRAINTS ALL
  DEFERRED` says so for any that are not initially deferred; a non-deferrable one fails loudly).
- Tables with a trigger of their own (the append-only audit log refuses DELETE, tenancy migration
  0002) are still TRUNCATEd, first, as Django does, so no trigger fires.
- `reset_sequences=True` or `allow_cascade=True` (not used by this suite) keep Django's TRUNCATE.
"""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
            triggered = {self.connection.ops.quote_name(name.strip('"')) for (name,) in cursor.fetchall()}
        quoted = [self.quote_name(table) for table in tables]
        truncate = [q for q in quoted if q in triggered]
        sql = [f"{style.SQL_KEYWORD('SET CONSTRAINTS ALL DEFERRED')};"]
        if truncate:
            sql.append(f"{style.SQL_KEYWORD('TRUNCATE')} {', '.join(style.SQL_FIELD(q) for q in truncate)};")
        sql += [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(q)};" for q in quoted if q not in triggered]
        return ["\n".join(sql)]  # one round trip


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
