"""Hand-written PostgreSQL statements run as prepared statements, planned once per connection.

Django leaves psycopg's automatic preparation off (prepared statements do not survive connection
poolers in transaction mode, which this project does not use; such a pooler would need this
changed). For the few statements on a hot path whose planning costs PostgreSQL more than running
them (the API token lookup, a register's submission), `execute_prepared` sends `PREPARE` with the
first `EXECUTE` on a connection, in one round trip, and `EXECUTE` alone after that.

The SQL uses numbered parameters ($1, $2, …; `numbered` turns Django's `%s` into them), each value
given once however often the statement uses it.
"""

from __future__ import annotations

import functools
import itertools
import re
import weakref


class _Prepared:
    """The statements PREPAREd on one database connection (they live as long as it does)."""

    def __init__(self):
        self.names: dict[str, str] = {}  # SQL → its name
        self.attempts = itertools.count()


_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # psycopg connection → _Prepared

_PLACEHOLDER = re.compile(r"%%|%s")


@functools.lru_cache(maxsize=64)
def numbered(sql: str, first: int) -> str:
    """`sql` with its `%s` placeholders numbered $first, $first + 1, … in order (`%%` is left as it is)."""
    numbers = itertools.count(first)
    return _PLACEHOLDER.sub(lambda m: m[0] if m[0] == "%%" else f"${next(numbers)}", sql)


def execute_prepared(cursor, name: str, sql: str, params: list, *, generic_plan: bool = False) -> None:
    """EXECUTE `sql` with `params` on a Django cursor, as the statement `name`_<n> PREPAREd on the
    cursor's connection (prepared first, in the same round trip, the first time); the cursor is left
    on the statement's result. A failed first attempt's name is never used again (it may or may not
    have been prepared).

    `generic_plan`: run it with its generic plan (`SET LOCAL plan_cache_mode`, inside a
    transaction only): left to choose, PostgreSQL plans a statement afresh on every run when its
    generic plan's estimated cost is higher than a custom plan's, which for a statement that finds
    every row by the parameters through an index only costs the planning. The setting lasts until
    the transaction ends (Django prepares nothing else; foreign-key checks have one plan either way).
    """
    raw = cursor.db.connection
    state = _prepared.get(raw)
    if state is None:
        state = _prepared[raw] = _Prepared()
    statement = state.names.get(sql)
    prepare = ""
    if statement is None:
        statement = f"{name}_{next(state.attempts)}"
        prepare = f"PREPARE {statement} AS {sql}; "
    plan = "SET LOCAL plan_cache_mode = force_generic_plan; " if generic_plan else ""
    cursor.execute(f"{prepare}{plan}EXECUTE {statement}({', '.join(['%s'] * len(params))})", params)
    while cursor.nextset():  # the last result is the statement's
        pass
    state.names[sql] = statement
