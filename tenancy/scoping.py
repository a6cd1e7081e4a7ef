"""The one scoping layer: every query of tenant data goes through it.

Tenant models use `ScopedManager`. A query on them runs only inside a scope:

* `scope(organisation=..., membership=...)` — set by TenantScopeMiddleware for every URL under
  /o/<org>/, by Celery tasks for the organisation they act for, and by management commands.
  Rows are filtered by the model's `scope_q(organisation)`: the rows that organisation owns plus
  those shared with it along explicit relationships (a provider's placements, an LA's area, a
  trust's schools). Views therefore never filter tenant data by hand.
* `scopes_disabled()` — all rows. Only for cross-tenant sweeps (beat jobs), set-up code and the
  few selectors in tenancy/selectors.py that are about the signed-in user rather than a tenant.

Outside any scope a tenant query raises ScopeError instead of silently returning every row.
Reverse relations (`school.pupils.all()`) are scoped too. Forward foreign-key access
(`row.other`) uses Django's plain base manager, so never follow a key from a shared row to a
row the reader may not see; keep such data in a separate model with its own scope rule.
The idea follows django-scopes (used by pretix); it is written here because our visibility
rule is a relationship per model and per organisation kind, not a single column value.
"""

from __future__ import annotations

import contextlib
import functools
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.fields.related_descriptors import ReverseOneToOneDescriptor

if TYPE_CHECKING:
    from .models import Membership, Organisation


class ScopeError(RuntimeError):
    """A tenant model was queried outside a scope."""


@dataclass(frozen=True)
class Scope:
    organisation: Organisation | None  # None means all tenants (scopes disabled)
    membership: Membership | None = None

    @property
    def disabled(self) -> bool:
        return self.organisation is None


_current: ContextVar[Scope | None] = ContextVar("apc_scope", default=None)


def current_scope() -> Scope | None:
    return _current.get()


@contextlib.contextmanager
def scope(*, organisation: Organisation, membership: Membership | None = None):
    if organisation is None:
        raise ValueError("scope() needs an organisation; use scopes_disabled() for all tenants")
    token = _current.set(Scope(organisation=organisation, membership=membership))
    try:
        yield
    finally:
        _current.reset(token)


@contextlib.contextmanager
def scopes_disabled():
    token = _current.set(Scope(organisation=None))
    try:
        yield
    finally:
        _current.reset(token)


class ScopedQuerySet(models.QuerySet):
    pass


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    """Filters every query to the active scope; refuses to run without one."""

    def get_queryset(self):
        active = _current.get()
        qs = super().get_queryset()
        if active is None:
            raise ScopeError(
                f"{self.model.__name__} was queried outside a tenant scope. Wrap the work in "
                "tenancy.scoping.scope(organisation=...) or, for a cross-tenant sweep, scopes_disabled()."
            )
        if active.disabled:
            return qs
        return qs.filter(self.model.scope_q(active.organisation))


class ScopedModel(models.Model):
    """Base for tenant data. Subclasses say which rows an organisation may see."""

    objects = ScopedManager()

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, organisation: Organisation) -> models.Q:  # pragma: no cover - abstract
        raise NotImplementedError(f"{cls.__name__} must define scope_q(organisation)")


class ScopedReverseOneToOneDescriptor(ReverseOneToOneDescriptor):
    """`placement.referral`: Django reads a reverse one-to-one with the related model's plain base
    manager, which would skip the scope rule. Inside a tenant scope this reads through the scoped
    manager instead, so a row the organisation may not see raises DoesNotExist like any query."""

    def get_queryset(self, **hints):
        active = _current.get()
        if active is not None and not active.disabled:
            return self.related.related_model.objects.db_manager(hints=hints).all()
        return super().get_queryset(**hints)


class ScopedOneToOneField(models.OneToOneField):
    """A one-to-one key on a tenant model whose reverse accessor goes through the scoping layer."""

    related_accessor_class = ScopedReverseOneToOneDescriptor


def kind_rules(organisation: Organisation, **rules: Any) -> models.Q:
    """Pick the visibility rule for the organisation's kind; kinds not named see nothing."""
    rule = rules.get(organisation.kind)
    if rule is None:
        return models.Q(pk__in=[])
    return rule


def scoped_pk_sql(model: type[ScopedModel], *, using: str = DEFAULT_DB_ALIAS) -> tuple[str, tuple]:
    """The SQL and parameters of `model.objects.values("pk")` in the active scope: the ids the scope
    lets its reader see. A hand-written statement restricts its rows to them (`… AND t.id IN (<sql>)`),
    so it reads and writes only what the same ORM query would. Raises ScopeError outside a scope.

    Compiled once per model and scope rule (an equal `scope_q` compiles to the same SQL); a rule that
    cannot be compared (it holds a subquery) is compiled on every call."""
    active = _current.get()
    if active is None:
        return _compile_pk_sql(model, using)  # the scoped manager raises ScopeError
    rule = None if active.disabled else model.scope_q(active.organisation)
    try:
        return _cached_pk_sql(model, using, rule)
    except TypeError:  # unhashable rule
        return _compile_pk_sql(model, using)


def scoped_row_sql(model: type[ScopedModel], alias: str, *, using: str = DEFAULT_DB_ALIAS) -> tuple[str, tuple]:
    """A condition, and its parameters, that holds for the row `alias` of `model`'s table in a
    hand-written statement when the active scope lets its reader see it: scoped_pk_sql's ids,
    checked row by row through the primary key.

    `alias.id IN (<scoped_pk_sql>)` means the same, but PostgreSQL may turn it into a join that
    reads every row in scope first (a prepared statement's generic plan, which cannot estimate
    the scope's size, did so for a register's sessions: every session of the provider for ten
    rows). `OFFSET 0` keeps the check a subquery run for each row, one primary-key lookup."""
    sql, params = scoped_pk_sql(model, using=using)
    pk = connections[using].ops.quote_name(model._meta.pk.column)
    return f"EXISTS (SELECT FROM ({sql}) AS in_scope (pk) WHERE in_scope.pk = {alias}.{pk} OFFSET 0)", params


@functools.lru_cache(maxsize=512)
def _cached_pk_sql(model, using: str, rule) -> tuple[str, tuple]:
    return _compile_pk_sql(model, using)


def _compile_pk_sql(model, using: str) -> tuple[str, tuple]:
    query = model.objects.using(using).order_by().values("pk").query
    return query.get_compiler(using).as_sql()
