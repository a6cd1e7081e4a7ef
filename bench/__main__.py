"""Benchmarks: `python -m bench` measures the figures below against PostgreSQL.

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python -m bench               # every benchmark
    .venv/bin/python -m bench dashboard     # one (or several: names separated by spaces)
    .venv/bin/python -m bench --list        # the benchmarks there are

Each run creates its own database, ``apcommission_bench_<pid>``, on the PostgreSQL server at
127.0.0.1:5432 as user ``postgres`` (set ``APC_BENCH_POSTGRES=postgres://user:password@host:port``
for another server; the user needs CREATEDB), migrates it, runs the benchmarks and drops the
database at the end, also when a benchmark fails or the run is interrupted (Ctrl-C, SIGTERM).
``DATABASE_URL`` is ignored: a benchmark never touches another database. Redis (cache) is
``redis://127.0.0.1:6379/15`` unless ``APC_BENCH_REDIS_URL`` says otherwise. Settings are
``bench.settings`` (the test settings, with MFA required as in production).

Output: one line per figure on stdout, ``name: value unit``; progress goes to stderr. Exit status
0 when every benchmark ran, 1 when one failed, 2 for an unknown benchmark name.

Figures:

``dashboard`` (bench/dashboard.py)
    ``dashboard_queries_10``, ``dashboard_queries_1000``: SQL queries for one GET of a school's
    dashboard by its signed-in AP lead (enrolled in MFA) with 10 and 1,000 pupils in the school.
    The two should be equal (tests/test_dashboard_queries.py asserts it).
    ``dashboard_ms_median_1000``: median time of 20 such requests at 1,000 pupils, in ms,
    through Django's test client (no network, no gunicorn).

``directory`` (bench/directory.py)
    ``directory_queries_10``, ``directory_queries_5000``: SQL queries for one filtered search of the
    provider directory by a school's AP lead with 10 and 5,000 providers (equal; a test asserts it);
    ``directory_ms_median_5000``: median of 20 such searches, in ms.

``sla_pdf`` (bench/sla_pdf.py)
    ``sla_pdf_10page_s``: median of 5 renders of a signed 10-page SLA through the app's rendering
    service; ``weasyprint_bare_10page_s``: WeasyPrint alone on the same HTML;
    ``sla_pdf_overhead_ratio``: the first over the second (targets: < 2 s, <= 1.2x).

``la_view`` (bench/la_view.py)
    ``la_view_page_queries``, ``la_view_page_ms``, ``la_view_page_filtered_ms``: the LA's children-in-AP
    selectors for one page (50 rows, total, counts, filter choices) at 70,000 placements;
    ``la_view_page_sql_ms``: one hand-written query of the same rows (the floor), and the ratio;
    ``la_view_export_csv_s``, ``la_view_export_xlsx_s``, ``la_view_export_sql_s``: the full export.

Adding a benchmark: write ``bench/<name>.py`` with ``run()`` yielding ``bench.runner.Figure``
objects and register it in ``bench.runner.BENCHMARKS``.
"""

from __future__ import annotations

import argparse
import sys

from bench.runner import BENCHMARKS, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run apcommission's benchmarks.")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(BENCHMARKS))
        return 0
    return run(args.names or list(BENCHMARKS))


if __name__ == "__main__":
    sys.exit(main())
