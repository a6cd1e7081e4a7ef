"""The LA's children-in-AP view at national scale: 70,000 placements in AP in one LA's area.

Data (bench.bulk.national_week, 700 schools, 1,400 providers): 10 sessions a placement in the week
of 30 November 2026 (9 in 10 marked present, some absent, the rest not received; 1 placement in 5
has one more absence, so about a fifth are below 90 %), the LA's autumn
term dates, two visit windows a placement (the last one unmet for 1 in 7: overdue), half the
providers approved in the LA's directory, 1 in 4 placements part-time, 1 in 50 in emergency review.
The clock reads Friday 4 December 2026, 16:00.

Figures:

``la_view_rows``: placements in the LA's view (70,000).
``la_view_page_queries``: SQL queries for one page of the view's selectors: the first 50 rows
    sorted by pupil, the total, the counts by school, provider and registration code, and the
    filter's school and provider choices (the same as at 10 rows: tests/oversight asserts it).
``la_view_page_ms``: median of 5 such pages, through oversight.area (rows built as the page shows them).
``la_view_page_filtered_ms``: the same, filtered to attendance below 90 % and sorted by attendance.
``la_view_page_sql_ms``: one hand-written SQL query of the same first 50 rows and figures (LATERAL
    counts): the floor. ``la_view_page_ratio``: the first over it.
``la_view_page_filtered_rows``: placements below 90 % (the filtered page's total);
``la_view_page_filtered_sql_ms``: the hand-written query filtered and sorted the same way (the
    filtered page's floor: every placement's sessions are read to filter, while the unfiltered floor
    reads only the 50 rows' after the sort); ``la_view_page_filtered_ratio``: the filtered page over it
    (the page also counts the filtered rows by school, provider and code, which the floor does not).
``la_view_export_csv_s``: the full CSV export (70,000 rows) through oversight.area_export;
``la_view_export_xlsx_s``: the same rows as XLSX (openpyxl write-only);
``la_view_export_sql_s``: the hand-written query fetching all 70,000 rows;
``la_view_export_ratio``: CSV export time over the SQL floor.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from collections.abc import Iterator

from bench.runner import Figure, log

PLACEMENTS = int(os.environ.get("APC_BENCH_LA_PLACEMENTS", "70000"))
NOW = dt.datetime(2026, 12, 4, 16, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
MONDAY = dt.date(2026, 11, 30)


def _load() -> object:
    from django.db import connection

    from attendance.models import ExpectedSession, TermDates
    from monitoring.models import VisitWindow
    from placements.models import Placement
    from providers.models import ListingStatus, ProviderListing
    from tenancy.models import Organisation

    from .bulk import national_week

    counts = national_week(placements=PLACEMENTS, schools=max(PLACEMENTS // 100, 1),
                           providers=max(PLACEMENTS // 50, 1), monday=MONDAY)
    la = Organisation.objects.get(slug="scale-la")
    sessions, placements = ExpectedSession._meta.db_table, Placement._meta.db_table
    with connection.cursor() as cursor:
        absent = "(id % 10 = 0 AND placement_id % 3 = 0) OR (id % 10 = 1 AND placement_id % 5 = 0)"
        cursor.execute(f"UPDATE {sessions} SET mark = CASE WHEN {absent} THEN 'absent' "  # noqa: S608
                       "WHEN id % 10 = 0 THEN '' ELSE 'present' END, "
                       f"absence_reason = CASE WHEN {absent} THEN 'ill' ELSE '' END")
        cursor.execute(f"UPDATE {placements} SET weekly_hours = 15, total_weekly_hours = 25, "  # noqa: S608
                       "part_time = (id % 4 = 0), state = CASE WHEN id % 50 = 0 THEN 'emergency_review' "
                       "ELSE state END")
    TermDates._base_manager.create(organisation=la, academic_year=2026, term="autumn", start_date=dt.date(2026, 9, 3),
                                   end_date=dt.date(2026, 12, 18), half_term_start=dt.date(2026, 10, 26),
                                   half_term_end=dt.date(2026, 10, 30))
    windows = VisitWindow._meta.db_table
    with connection.cursor() as cursor:
        for start, end, met in (("2026-09-03", "2026-10-23", "CASE WHEN id %% 7 = 0 THEN NULL ELSE now() END"),
                                ("2026-10-31", "2026-12-18", "NULL")):
            cursor.execute(f'INSERT INTO {windows} (placement_id, school_id, provider_id, "start", "end", '  # noqa: S608
                           f"required, met_at) SELECT id, school_id, provider_id, %s, %s, 1, {met} FROM {placements}",
                           [dt.date.fromisoformat(start), dt.date.fromisoformat(end)])
    providers = list(Organisation.objects.filter(slug__startswith="scale-provider-").values_list("pk", flat=True))
    ProviderListing._base_manager.bulk_create([
        ProviderListing(local_authority=la, provider_id=pk,
                        status=ListingStatus.APPROVED if n % 2 == 0 else ListingStatus.LISTED)
        for n, pk in enumerate(providers)])
    with connection.cursor() as cursor:
        for model in (ExpectedSession, Placement, VisitWindow, ProviderListing):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    log(f"la_view: {counts['placements']:,} placements, {counts['sessions']:,} sessions")
    return la


def _median_ms(work, times: int = 5) -> float:
    work()  # warm up
    runs = []
    for _ in range(times):
        started = time.perf_counter()
        work()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def _plain_sql(la, *, limit: int | None, below: int | None = None):
    """The same rows and figures in one hand-written query (the floor); `below`: only attendance
    below that line, sorted by attendance (the filtered page's floor)."""
    from django.db import connection

    from attendance.models import ExpectedSession
    from monitoring.models import VisitWindow
    from oversight.area import la_half_term_start
    from placements.models import Placement, Pupil
    from providers.models import ProviderListing, ProviderProfile
    from tenancy.models import Organisation

    t = {name: model._meta.db_table for name, model in (
        ("pl", Placement), ("pu", Pupil), ("org", Organisation), ("prof", ProviderProfile),
        ("li", ProviderListing), ("es", ExpectedSession), ("vw", VisitWindow))}
    sql = f"""
        SELECT pl.id, pu.last_name, pu.first_name, pu.upn, pu.year_group, s.name, pr.name,
               prof.registration_status, li.status, pl.registration_code, pl.start_date, pl.weekly_hours,
               pl.part_time, pl.state, a.expected, a.attended, a.missing, v.overdue
        FROM {t['pl']} pl
        JOIN {t['pu']} pu ON pu.id = pl.pupil_id
        JOIN {t['org']} s ON s.id = pl.school_id AND s.local_authority_id = %(la)s
        JOIN {t['org']} pr ON pr.id = pl.provider_id
        LEFT JOIN {t['prof']} prof ON prof.provider_id = pl.provider_id
        LEFT JOIN {t['li']} li ON li.provider_id = pl.provider_id AND li.local_authority_id = %(la)s
        LEFT JOIN LATERAL (
            SELECT count(*) FILTER (WHERE es.mark IN ('present', 'late', 'absent')
                                    OR (es.mark = '' AND es.due_at <= %(now)s)) AS expected,
                   count(*) FILTER (WHERE es.mark IN ('present', 'late')) AS attended,
                   count(*) FILTER (WHERE es.mark = '' AND es.due_at <= %(now)s) AS missing
            FROM {t['es']} es
            WHERE es.placement_id = pl.id AND es.date >= COALESCE(
                (SELECT w.start FROM {t['vw']} w WHERE w.placement_id = pl.id AND w.start <= %(today)s
                 ORDER BY w.start DESC LIMIT 1), %(fallback)s)
        ) a ON true
        LEFT JOIN LATERAL (
            SELECT count(*) AS overdue FROM {t['vw']} w
            WHERE w.placement_id = pl.id AND w."end" < %(today)s AND w.met_at IS NULL AND w.required > 0
        ) v ON true
        WHERE pl.state IN ('active', 'emergency_review', 'suspended')
    """  # noqa: S608 (table names from the models)
    if below is None:
        sql += " ORDER BY pu.last_name, pu.first_name, pl.id"
    else:
        sql += (f" AND a.expected > 0 AND a.attended * 100 < {int(below)} * a.expected"
                " ORDER BY a.attended * 100.0 / a.expected, pu.last_name, pu.first_name, pl.id")
    if limit:
        sql += f" LIMIT {int(limit)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, {"la": la.pk, "now": NOW, "today": TODAY, "fallback": la_half_term_start(la, TODAY)})
        return cursor.fetchall()


def run() -> Iterator[Figure]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oversight import area, area_export
    from tenancy.models import Membership
    from tenancy.roles import Role
    from tenancy.scoping import scope

    la = _load()
    reader = area.reader_of(Membership(role=Role.AP_OFFICER))
    plain = area.AreaFilters()
    below = area.AreaFilters(below=True, sort="attendance")

    def page(filters):  # what oversight.area_views.area_list reads
        paged, _counts = area.page_of(la, filters, 1, today=TODAY, now=NOW)
        rows = list(area.rows_of(paged.object_list, reader, today=TODAY, threshold=filters.threshold))
        area.filter_choices(la)
        return paged.paginator.count, rows

    with scope(organisation=la):
        total, rows = page(plain)
        yield Figure("la_view_rows", total, "placements")
        with CaptureQueriesContext(connection) as ctx:
            page(plain)
        yield Figure("la_view_page_queries", len(ctx.captured_queries), "queries")
        page_ms = _median_ms(lambda: page(plain))
        yield Figure("la_view_page_ms", round(page_ms, 1), "ms")
        filtered_ms = _median_ms(lambda: page(below))
        yield Figure("la_view_page_filtered_ms", round(filtered_ms, 1), "ms")
        sql_rows = _plain_sql(la, limit=50)
        if len(sql_rows) != len(rows):
            raise AssertionError(f"the plain query gave {len(sql_rows)} rows, the view {len(rows)}")
        sql_ms = _median_ms(lambda: _plain_sql(la, limit=50))
        yield Figure("la_view_page_sql_ms", round(sql_ms, 1), "ms")
        yield Figure("la_view_page_ratio", round(page_ms / sql_ms, 2), "x")
        filtered_total, filtered_rows = page(below)
        sql_rows = _plain_sql(la, limit=50, below=below.threshold)
        if len(sql_rows) != len(filtered_rows):
            raise AssertionError(f"the filtered query gave {len(sql_rows)} rows, the view {len(filtered_rows)}")
        filtered_sql_ms = _median_ms(lambda: _plain_sql(la, limit=50, below=below.threshold))
        yield Figure("la_view_page_filtered_rows", filtered_total, "placements")
        yield Figure("la_view_page_filtered_sql_ms", round(filtered_sql_ms, 1), "ms")
        yield Figure("la_view_page_filtered_ratio", round(filtered_ms / filtered_sql_ms, 2), "x")

        def export_csv():
            placements = area.area_placements(la, plain, today=TODAY, now=NOW).iterator(chunk_size=area_export.CHUNK)
            lines = sum(1 for _ in area_export.csv_lines(area.rows_of(placements, reader, today=TODAY,
                                                                       threshold=plain.threshold)))
            if lines != total + 1:
                raise AssertionError(f"the CSV has {lines} lines for {total} rows")

        def export_xlsx():
            placements = area.area_placements(la, plain, today=TODAY, now=NOW).iterator(chunk_size=area_export.CHUNK)
            area_export.xlsx_file(area.rows_of(placements, reader, today=TODAY, threshold=plain.threshold),
                                  title="Children in AP").close()

        csv_s = _median_ms(export_csv, times=3) / 1000
        yield Figure("la_view_export_csv_s", round(csv_s, 2), "s")
        yield Figure("la_view_export_xlsx_s", round(_median_ms(export_xlsx, times=1) / 1000, 2), "s")
        sql_s = _median_ms(lambda: _plain_sql(la, limit=None), times=3) / 1000
        yield Figure("la_view_export_sql_s", round(sql_s, 2), "s")
        yield Figure("la_view_export_ratio", round(csv_s / sql_s, 2), "x")
