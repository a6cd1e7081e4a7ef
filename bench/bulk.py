"""National-scale rows generated inside PostgreSQL (INSERT … SELECT over generate_series): a
million expected sessions over 100,000 placements load in well under two minutes.

`insert_select` writes any model's rows: the columns the caller gives as SQL expressions of `i`
(1..count), every other NOT NULL column its model default (or '' for text, now() for timestamps),
nullable columns left NULL. It does not go through the ORM's save(), so it is for benchmarks only.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, models


def insert_select(model: type[models.Model], count: int, exprs: dict[str, str], *, source: str = "",
                  params: tuple = ()) -> None:
    """INSERT `count` rows of `model`; `exprs` maps column names to SQL expressions of i (and of
    `source`, extra FROM items such as a LATERAL join). `params` fill %s in exprs/source, in order."""
    columns, selects, values = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in exprs:
            continue
        column = field.column
        if column in exprs:
            columns.append(column)
            selects.append(exprs[column])
        elif field.null:
            continue
        elif field.has_default():
            columns.append(column)
            selects.append("%s")
            values.append(field.get_db_prep_save(field.get_default(), connection))
        elif isinstance(field, models.DateTimeField):
            columns.append(column)
            selects.append("now()")
        elif isinstance(field, (models.CharField, models.TextField)):
            columns.append(column)
            selects.append("''")
        else:
            raise ValueError(f"{model.__name__}.{field.name}: NOT NULL without a default; give an expression")
    table = model._meta.db_table
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (names from the model)
           f"SELECT {', '.join(selects)} FROM generate_series(1, %s) AS i{source}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, count, *params])


def national_week(*, placements: int = 100_000, schools: int = 1_000, providers: int = 2_000,
                  monday: dt.date = dt.date(2026, 11, 30)) -> dict[str, int]:
    """One LA; `schools` schools and `providers` providers; a pupil and an active placement each for
    `placements` pupils; every placement expected at its provider mornings (09:00–12:00) and
    afternoons (13:00–15:00) Monday to Friday: 10 sessions a placement. Sessions of one provider
    that start together share a register. Returns the row counts."""
    from apcommission.clock import london
    from attendance.models import ExpectedSession, Register
    from placements.models import Placement, Pupil
    from tenancy.models import Organisation
    from tenancy.roles import OrganisationKind as K

    la = Organisation.objects.create(kind=K.LOCAL_AUTHORITY, name="Scale LA", slug="scale-la")
    insert_select(Organisation, schools, {
        "kind": f"'{K.SCHOOL.value}'", "name": "'Scale school ' || i", "slug": "'scale-school-' || i",
        "local_authority_id": str(la.pk)})
    insert_select(Organisation, providers, {
        "kind": f"'{K.PROVIDER.value}'", "name": "'Scale provider ' || i", "slug": "'scale-provider-' || i",
        "local_authority_id": str(la.pk)})
    school_ids = list(Organisation.objects.filter(slug__startswith="scale-school-").order_by("pk")
                      .values_list("pk", flat=True))
    provider_ids = list(Organisation.objects.filter(slug__startswith="scale-provider-").order_by("pk")
                        .values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE scale_orgs (n int PRIMARY KEY, school bigint, provider bigint)")
        cursor.execute("INSERT INTO scale_orgs SELECT n - 1, (%s::bigint[])[1 + (n - 1) %% %s], "
                       "(%s::bigint[])[1 + (n - 1) %% %s] FROM generate_series(1, %s) AS n",
                       [school_ids, len(school_ids), provider_ids, len(provider_ids),
                        max(len(school_ids), len(provider_ids))])
    insert_select(Pupil, placements, {
        "school_id": f"(SELECT school FROM scale_orgs WHERE n = i %% {len(school_ids)})",
        "first_name": "'Pupil'", "last_name": "'Scale ' || i", "date_of_birth": "date '2011-09-01'",
        "upn": "'S' || lpad(i::text, 12, '0')", "year_group": "10"})
    first_pupil = Pupil._base_manager.order_by("pk").values_list("pk", flat=True).first()
    insert_select(Placement, placements, {
        "school_id": f"(SELECT school FROM scale_orgs WHERE n = i %% {len(school_ids)})",
        "provider_id": f"(SELECT provider FROM scale_orgs WHERE n = i %% {len(provider_ids)})",
        "pupil_id": f"{first_pupil} + i - 1", "state": "'active'", "start_date": "date '2026-09-07'"})
    starts = [(day, part, london(monday + dt.timedelta(days=day), start), london(monday + dt.timedelta(days=day), end))
              for day in range(5)
              for part, start, end in (("am", dt.time(9), dt.time(12)), ("pm", dt.time(13), dt.time(15)))]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE scale_starts (k int PRIMARY KEY, day date, part text, "
                       "starts_at timestamptz, ends_at timestamptz)")
        cursor.executemany("INSERT INTO scale_starts VALUES (%s, %s, %s, %s, %s)",
                           [(k, monday + dt.timedelta(days=day), part, start, end)
                            for k, (day, part, start, end) in enumerate(starts)])
        cursor.execute(
            f"INSERT INTO {Register._meta.db_table} (provider_id, date, starts_at, ends_at, due_at) "  # noqa: S608
            "SELECT p.id, s.day, s.starts_at, s.ends_at, s.starts_at + interval '30 minutes' "
            "FROM unnest(%s::bigint[]) AS p(id) CROSS JOIN scale_starts s", [provider_ids])
        cursor.execute(
            f"INSERT INTO {ExpectedSession._meta.db_table} (placement_id, pupil_id, school_id, provider_id, "  # noqa: S608
            "register_id, date, part, starts_at, ends_at, due_at, site, mark, absence_reason, note, school_code) "
            f"SELECT pl.id, pl.pupil_id, pl.school_id, pl.provider_id, r.id, s.day, s.part, s.starts_at, s.ends_at, "
            "r.due_at, '', '', '', '', '' "
            f"FROM {Placement._meta.db_table} pl CROSS JOIN scale_starts s "
            f"JOIN {Register._meta.db_table} r ON r.provider_id = pl.provider_id AND r.starts_at = s.starts_at")
        for model in (Organisation, Pupil, Placement, Register, ExpectedSession):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
        cursor.execute("DROP TABLE scale_orgs, scale_starts")
    return {"placements": Placement._base_manager.count(), "registers": Register._base_manager.count(),
            "sessions": ExpectedSession._base_manager.count()}
