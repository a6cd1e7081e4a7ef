"""The benchmark database's lifecycle and the registry of benchmarks (usage: bench/__main__.py).

Adding a benchmark: write bench/<name>.py with a `run()` that yields `Figure`s, and add
`"<name>": "bench.<name>"` to BENCHMARKS. run() starts with an empty, migrated database (the
runner flushes it between benchmarks), sets up its own data and must not print to stdout.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# name → module with run() -> Iterable[Figure]. Imported only after Django is set up.
BENCHMARKS: dict[str, str] = {
    "dashboard": "bench.dashboard",
    "directory": "bench.directory",
    "sla_pdf": "bench.sla_pdf",
    "escalation": "bench.escalation",
    "register": "bench.register",
    "la_view": "bench.la_view",
}

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
SETTINGS_MODULE = "bench.settings"


@dataclass(frozen=True)
class Figure:
    """One measured number, printed as `name: value unit`."""

    name: str
    value: int | float
    unit: str

    def __str__(self) -> str:
        value = f"{self.value:.3f}".rstrip("0").rstrip(".") if isinstance(self.value, float) else str(self.value)
        return f"{self.name}: {value} {self.unit}"


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def server_url() -> str:
    """The PostgreSQL server (no database name): APC_BENCH_POSTGRES or postgres@127.0.0.1:5432."""
    return os.environ.get("APC_BENCH_POSTGRES", DEFAULT_SERVER).rstrip("/")


def database_name() -> str:
    return f"apcommission_bench_{os.getpid()}"


def _admin(sql_text: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL(sql_text).format(sql.Identifier(name)))


@contextlib.contextmanager
def bench_database() -> Iterator[str]:
    """Create apcommission_bench_<pid>; yield its URL; drop it afterwards, whatever happened."""
    name = database_name()
    _admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
    _admin("CREATE DATABASE {}", name)
    log(f"created database {name}")
    try:
        yield f"{server_url()}/{name}"
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        _admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        log(f"dropped database {name}")


def _terminate(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through bench_database's finally: the database is dropped


def setup_django(database_url: str) -> None:
    """Point Django at the benchmark database (never at $DATABASE_URL) and migrate it."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    os.environ["DATABASE_URL"] = database_url
    os.environ["REDIS_URL"] = os.environ.get("APC_BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        os.environ.pop(name, None)  # follow REDIS_URL
    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f} s")


def flush() -> None:
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)


def run_benchmark(name: str) -> Iterable[Figure]:
    module = importlib.import_module(BENCHMARKS[name])
    return module.run()


def run(names: list[str]) -> int:
    """Run the named benchmarks in a fresh database; print their figures. Returns an exit code."""
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        log(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    failed = []
    with bench_database() as url:
        setup_django(url)
        for i, name in enumerate(names):
            if i:
                flush()
            started = time.perf_counter()
            try:
                for figure in run_benchmark(name):
                    print(figure, flush=True)
            except Exception:
                traceback.print_exc()
                failed.append(name)
                log(f"{name} FAILED")
            else:
                log(f"{name} done in {time.perf_counter() - started:.1f} s")
    if failed:
        log(f"failed: {', '.join(failed)}")
        return 1
    return 0
