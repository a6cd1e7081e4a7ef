from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections

from apcommission.prepared import execute_prepared, numbered
from tenancy.models import Membership, Organisation
from tenancy.scoping import scopes_disabled

from . import tokens
from .models import ApiToken


def token_for_bearer(raw: str) -> ApiToken | None:
    """The live token a request presents, with its membership, organisation and person, whatever
    organisation it is for (the token is the grant, no tenant yet); None when it is unknown,
    revoked, or its membership or person is no longer active.

    Every API request asks this, so it is one hand-written query (the four rows by the token's
    prefix, as select_related would read them): building that query through the ORM cost more
    than the rest of a register submission's reads."""
    prefix = tokens.prefix_of(raw)
    if prefix is None:
        return None
    with scopes_disabled():
        token = _token_by_prefix(prefix)
    if token is None or not tokens.matches(raw, token.digest):
        return None
    membership = token.membership
    if not (membership.is_active and membership.user.is_active):
        return None
    return token


@functools.lru_cache(maxsize=32)
def _token_query(connection) -> tuple[str, list]:
    """The SQL and, per model, its fields with their columns and converters, built once per
    database connection (the converters are the connection's) from the models."""
    quote = connection.ops.quote_name
    User = get_user_model()  # noqa: N806

    def col(alias, model, name):
        return f"{alias}.{quote(model._meta.get_field(name).column)}"

    tables = [(ApiToken, "t", None), (Membership, "m", (col("m", Membership, "id"), col("t", ApiToken, "membership"))),
              (Organisation, "o", (col("o", Organisation, "id"), col("m", Membership, "organisation"))),
              (User, "u", (col("u", User, "id"), col("m", Membership, "user")))]
    plan, columns, joins = [], [], []
    for model, alias, on in tables:
        fields = list(model._meta.concrete_fields)
        cols = [f.get_col(alias) for f in fields]
        converters = [[*connection.ops.get_db_converters(c), *c.get_db_converters(connection)] for c in cols]
        plan.append((model, [f.attname for f in fields], list(zip(cols, converters, strict=True))))
        columns += [f"{alias}.{quote(f.column)}" for f in fields]
        table = f"{quote(model._meta.db_table)} {alias}"
        joins.append(table if on is None else f"JOIN {table} ON {on[0]} = {on[1]}")
    sql = (f"SELECT {', '.join(columns)} FROM {' '.join(joins)} "  # noqa: S608 (names from the models)
           f"WHERE {col('t', ApiToken, 'prefix')} = %s AND {col('t', ApiToken, 'revoked_at')} IS NULL")
    return sql, plan


def _token_by_prefix(prefix: str) -> ApiToken | None:
    connection = connections[DEFAULT_DB_ALIAS]
    sql, plan = _token_query(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Planning the four-table join cost PostgreSQL more than running it: planned once per connection.
            execute_prepared(cursor, "apc_api_token", numbered(sql, 1), [prefix])
        else:
            cursor.execute(sql, [prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    objects, start = [], 0
    for model, attnames, columns in plan:
        values = list(row[start:start + len(attnames)])
        start += len(attnames)
        for i, (column, converters) in enumerate(columns):
            for convert in converters:
                values[i] = convert(values[i], column, connection)
        objects.append(model.from_db(connection.alias, attnames, values))
    token, membership, organisation, user = objects
    membership.organisation, membership.user = organisation, user
    token.membership = membership
    return token


def tokens_of(membership):
    """The person's tokens in this organisation (inside its scope), newest first."""
    return ApiToken.objects.filter(membership=membership)
