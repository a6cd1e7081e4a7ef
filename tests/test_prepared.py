"""apcommission.prepared: a statement is PREPAREd once per connection and EXECUTEd after that, in one
round trip each time, whatever happened to the transactions in between."""

from __future__ import annotations

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from apcommission.prepared import execute_prepared, numbered

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")

SQL = "SELECT $1::integer * 2, $2::text"


def run(params, sql=SQL, **kwargs):
    with connection.cursor() as cursor:
        execute_prepared(cursor, "apc_test", sql, params, **kwargs)
        return cursor.fetchall()


def test_numbered_placeholders():
    assert numbered("a = %s AND b LIKE '5%%' AND c = %s", 3) == "a = $3 AND b LIKE '5%%' AND c = $4"


@pytest.mark.django_db
def test_prepared_once_then_executed_one_query_each_time():
    with CaptureQueriesContext(connection) as queries:
        assert run([21, "x"]) == [(42, "x")]
        assert run([4, "y"], generic_plan=True) == [(8, "y")]
    first, second = (q["sql"] for q in queries.captured_queries)
    assert first.startswith("PREPARE apc_test_") and "EXECUTE apc_test_" in first
    assert second.startswith("SET LOCAL plan_cache_mode = force_generic_plan; EXECUTE apc_test_")


@pytest.mark.django_db(transaction=True)
def test_a_failed_run_or_a_rolled_back_transaction_leaves_the_next_run_working():
    with pytest.raises(DataError), transaction.atomic():
        run(["not a number", "x"], sql="SELECT $1::integer, $2::text AS failed_first")  # prepared, then failed
    assert run([1, "again"], sql="SELECT $1::integer, $2::text AS failed_first") == [(1, "again")]
    with transaction.atomic():
        assert run([2, "a"]) == [(4, "a")]
        transaction.set_rollback(True)
    assert run([3, "b"]) == [(6, "b")]
