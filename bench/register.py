"""Register submission under load: gunicorn on PostgreSQL, 20 concurrent clients.

Figures:

``register_submit_rps``: registers submitted per second through the register API
    (POST /api/v1/registers/<id>/submit/, a bearer token, 10 pupils a register, every mark written in
    one transaction by attendance.services.register_submit), 20 clients at once, each submitting
    registers nobody else submits.
``register_submit_p95_ms``: the 95th percentile of those requests' times, as the clients saw them.
``bare_insert_rps``: the same 20 clients against a minimal view under the same server that does one
    INSERT (no authentication, no validation): what the server and database allow at all.
``register_submit_ratio``: the first over the third (target: >= 0.5; p95 target: < 150 ms).

The two loads run alternately, in four turns each (the log gives each turn's rates), and each
figure counts all four.

The server is gunicorn as scripts/run starts it (Procfile: 2 workers, 4 threads each) with
bench.settings_server, whose URLs add the bare view (bench/urls.py). The clients are threads of
this process with one keep-alive connection each.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from bench.runner import Figure, log

CLIENTS = 20
PUPILS = 10
REGISTERS = int(os.environ.get("APC_BENCH_REGISTERS", "1200"))  # submissions measured
BARE_REQUESTS = REGISTERS
ROUNDS = 4  # each load runs in this many turns, alternately
ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn() -> Iterator[int]:
    """gunicorn as the Procfile runs it, on the benchmark database; yields its port once it answers."""
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings_server"}
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "apcommission.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--threads", "4", "--graceful-timeout", "4", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=sys.stderr)
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _world():
    """A provider with 10 pupils placed by one school, a provider staff API token, and REGISTERS + a
    warm-up's worth of registers (one a day from 2030, 09:00) of those 10 pupils, all unmarked."""
    from apcommission import clock
    from api.services import token_create
    from attendance.factories import register_with_sessions
    from placements.factories import PupilFactory, placement_in_state
    from tenancy.models import Membership
    from tenancy.roles import OrganisationKind as K
    from tenancy.roles import Role
    from tenancy.scoping import scopes_disabled
    from tests.conftest import build_world

    world = build_world()
    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    with clock.frozen(NOW), scopes_disabled():
        placements = [placement_in_state(pupil=PupilFactory(school=school), provider=provider, state="active", now=NOW)
                      for _ in range(PUPILS)]
        staff = Membership.objects.get(organisation=provider, user=world.user(K.PROVIDER, Role.PROVIDER_STAFF))
        _, token = token_create(membership=staff, name="bench", now=NOW)
    first = clock.london(dt.date(2030, 1, 1), dt.time(9, 0))
    registers = []
    for day in range(REGISTERS + 2 * CLIENTS):
        register = register_with_sessions(placements=placements, starts_at=first + dt.timedelta(days=day))
        with scopes_disabled():
            registers.append((register.pk, list(register.sessions.values_list("pk", flat=True))))
    return token, registers


def _bare_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_bare_insert (id bigserial PRIMARY KEY, "
                       "at timestamptz NOT NULL, key uuid NOT NULL, body jsonb NOT NULL)")


def _load(port: int, jobs: list[tuple[str, str, dict]]) -> tuple[float, list[float]]:
    """Run the (method, path, json body) jobs with CLIENTS threads; wall seconds and each request's ms."""
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    chunks = [jobs[i::CLIENTS] for i in range(CLIENTS)]
    start = threading.Barrier(CLIENTS + 1)

    def client(chunk):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start.wait()
        mine = []
        for method, path, body, headers in chunk:
            began = time.perf_counter()
            connection.request(method, path, body=json.dumps(body), headers=headers)
            response = connection.getresponse()
            payload = response.read()
            mine.append((time.perf_counter() - began) * 1000)
            if response.status != 200:
                with lock:
                    errors.append(f"{path}: {response.status} {payload[:200]!r}")
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"{len(errors)} requests failed, e.g. {errors[0]}")
    return wall, timings


def _submit_jobs(token: str, registers) -> list:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return [("POST", f"/api/v1/registers/{pk}/submit/",
             {"idempotency_key": str(uuid.uuid4()),
              "marks": [{"session": s, "mark": "present"} for s in sessions]}, headers)
            for pk, sessions in registers]


def _bare_jobs(count: int) -> list:
    headers = {"Content-Type": "application/json"}
    return [("POST", "/bench/bare-insert/", {"idempotency_key": str(uuid.uuid4()), "marks": []}, headers)
            for _ in range(count)]


def _wal_position() -> int:
    """PostgreSQL's write-ahead log position in bytes: what a load wrote is the difference."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


def _log_hot_updates() -> None:
    """How many of the sessions' and registers' updates PostgreSQL wrote as HOT updates (no index
    touched, attendance migration 0005). Here each heap page holds the sessions of a few
    consecutive registers, all marked within seconds; in use a page holds sessions of many days."""
    from django.db import connection

    from attendance.models import ExpectedSession, Register

    with connection.cursor() as cursor:
        for model in (ExpectedSession, Register):
            cursor.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = %s",
                           [model._meta.db_table])
            updated, hot = cursor.fetchone()
            log(f"register: {model._meta.db_table}: {hot} of {updated} updates HOT")


def p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20)[-1]


def run() -> Iterator[Figure]:
    started = time.perf_counter()
    token, registers = _world()
    _bare_table()
    log(f"register: {len(registers)} registers of {PUPILS} pupils in {time.perf_counter() - started:.1f} s")
    warm, measured = registers[:2 * CLIENTS], registers[2 * CLIENTS:]
    bare_wall = submit_wall = 0.0
    timings: list[float] = []
    with gunicorn() as port:
        _load(port, _submit_jobs(token, warm) + _bare_jobs(2 * CLIENTS))  # warm up every worker thread
        # Alternate the two loads, so that what the machine does meanwhile (other work, a checkpoint,
        # autovacuum) falls on both alike.
        for round_ in range(ROUNDS):
            wal = _wal_position()
            bare = _load(port, _bare_jobs(BARE_REQUESTS // ROUNDS))[0]
            bare_wal, wal = _wal_position() - wal, _wal_position()
            submit, round_timings = _load(port, _submit_jobs(token, measured[round_::ROUNDS]))
            submit_wal = _wal_position() - wal
            log(f"register: round {round_ + 1}: {len(round_timings) / submit:.0f} submissions/s "
                f"({submit_wal / len(round_timings):.0f} bytes of WAL each), {BARE_REQUESTS // ROUNDS / bare:.0f} "
                f"bare inserts/s ({bare_wal / (BARE_REQUESTS // ROUNDS):.0f} bytes each)")
            bare_wall, submit_wall, timings = bare_wall + bare, submit_wall + submit, timings + round_timings
    _log_hot_updates()
    submit_rps = len(measured) / submit_wall
    bare_rps = BARE_REQUESTS // ROUNDS * ROUNDS / bare_wall
    yield Figure("register_submit_rps", round(submit_rps, 1), "req/s")
    yield Figure("register_submit_p95_ms", round(p95(timings), 1), "ms")
    yield Figure("bare_insert_rps", round(bare_rps, 1), "req/s")
    yield Figure("register_submit_ratio", round(submit_rps / bare_rps, 2), "")
