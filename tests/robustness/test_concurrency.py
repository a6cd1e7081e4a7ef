"""Many people signing in at once: the real web process (gunicorn with threads, as in Procfile)
answers every request without a 5xx, on the embedded default (SQLite) and on PostgreSQL.

Each test migrates a database of its own (a SQLite file in a temporary folder, or a throwaway
PostgreSQL database `apcommission_conc_<pid>`), creates a few people with known passwords, starts
the Procfile's web command on a free port and runs CLIENTS clients at once, each with its own
cookie jar: GET the sign-in page (CSRF cookie), POST the sign-in form (all clients released
together), then GET a few pages. The number of requests is fixed (REQUESTS_PER_CLIENT each).
Waits are on events (the port answering, the clients finishing) with a generous backstop, never
fixed sleeps. The figures are printed (run with -s to see them).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLIENTS = 20
PASSWORD = "concurrent-sign-in-2026"
ORG = "conc-school"
# (email local part, role); every client signs in as one of them (several sessions per person).
PEOPLE = [("ap-lead", "ap_lead"), ("pastoral", "pastoral"), ("finance", "finance"), ("admin", "org_admin")]
BACKSTOP_SECONDS = 180  # generous: the machine may be busy; the tests wait on events, not on this
REQUESTS_PER_CLIENT = 6  # GET sign-in, POST sign-in, GET /, GET dashboard, GET inbox, GET switcher

pytestmark = pytest.mark.xdist_group("concurrency")  # two gunicorns at once would only compete

SETUP_PEOPLE = f"""
from accounts.models import User
from tenancy.models import Membership, Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import scopes_disabled

with scopes_disabled():
    la = Organisation.objects.create(kind=OrganisationKind.LOCAL_AUTHORITY, slug="conc-la", name="Conc LA")
    school = Organisation.objects.create(kind=OrganisationKind.SCHOOL, slug={ORG!r}, name="Conc School",
                                         local_authority=la)
    for local, role in {PEOPLE!r}:
        user = User.objects.create_user(email=f"{{local}}@conc.example.org", password={PASSWORD!r})
        Membership.objects.create(user=user, organisation=school, role=role, is_active=True)
print("people ready")
"""


# --- the server --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile_web_argv(port: int) -> list[str]:
    """The Procfile's web command (what scripts/run starts), on `port`."""
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    argv = shlex.split(line.removeprefix("web:").replace("${PORT:-8000}", str(port)))
    assert Path(argv[0]).name == "gunicorn", argv
    assert "--threads" in " ".join(argv), "the web process is expected to run threads"
    return [str(BIN / "gunicorn")] + argv[1:]


def app_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """The embedded default's environment (base settings, no Redis), with this test's database."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_", "APC_", "EMAIL_URL"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "apcommission.settings.base",
        "DATABASE_URL": database_url,
        "APC_VAR_DIR": str(tmp_path / "var"),
        "APC_REQUIRE_MFA": "false",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    })
    return env


def run_manage(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=BACKSTOP_SECONDS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def wait_for_port(port: int, server: subprocess.Popen, log: Path) -> None:
    """Until the port accepts a connection (or the server exits, or the backstop passes)."""
    deadline = time.monotonic() + BACKSTOP_SECONDS
    while True:
        assert server.poll() is None, f"gunicorn exited:\n{log.read_text()}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"gunicorn did not listen within {BACKSTOP_SECONDS} s"
            time.sleep(0.1)  # polling interval only: the wait ends on the event


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- the clients -------------------------------------------------------------------------------

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # every response, redirects included, is recorded


@dataclass
class Client:
    base: str
    email: str
    opener: urllib.request.OpenerDirector = field(init=False)
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)
    results: list[tuple[str, str, int | str]] = field(default_factory=list)

    def __post_init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        try:
            with self.opener.open(req, timeout=BACKSTOP_SECONDS) as resp:
                status, location, text = resp.status, resp.headers.get("Location", ""), resp.read().decode()
        except urllib.error.HTTPError as exc:
            status, location, text = exc.code, exc.headers.get("Location", ""), exc.read().decode(errors="replace")
        except OSError as exc:  # connection refused or reset: as bad as a 5xx
            self.results.append((method, path, f"{type(exc).__name__}: {exc}"))
            raise
        self.results.append((method, path, status))
        return status, location, text

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")


def client_journey(client: Client, barrier: threading.Barrier) -> None:
    """Sign in (everyone POSTs at the same moment), then read a few pages."""
    try:
        status, _, page = client.request("GET", "/accounts/login/")
        assert status == 200 and "csrfmiddlewaretoken" in page
        barrier.wait(timeout=BACKSTOP_SECONDS)
        status, location, _ = client.request(
            "POST", "/accounts/login/",
            {"csrfmiddlewaretoken": client.csrf(), "login": client.email, "password": PASSWORD},
        )
        if status != 302:
            return
        assert location == "/", location
        client.request("GET", "/")
        client.request("GET", f"/o/{ORG}/")
        client.request("GET", f"/o/{ORG}/notifications/")
        client.request("GET", "/organisations/")
    except (OSError, AssertionError, threading.BrokenBarrierError) as exc:
        client.results.append(("journey", "", f"{type(exc).__name__}: {exc}"))
        barrier.abort()


def drive(base: str) -> tuple[list[tuple[str, str, int | str]], float]:
    clients = [Client(base, f"{PEOPLE[i % len(PEOPLE)][0]}@conc.example.org") for i in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS)
    threads = [threading.Thread(target=client_journey, args=(c, barrier), daemon=True) for c in clients]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=BACKSTOP_SECONDS)
    elapsed = time.monotonic() - started
    assert not any(t.is_alive() for t in threads), "clients still running after the backstop"
    return [r for c in clients for r in c.results], elapsed


def sign_in_at_once(tmp_path: Path, database_url: str, label: str) -> None:
    env = app_env(tmp_path, database_url)
    run_manage(env, "migrate", "--noinput", "-v", "0")
    assert "people ready" in run_manage(env, "shell", "-c", SETUP_PEOPLE)

    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(procfile_web_argv(port), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, server, log)
        results, elapsed = drive(f"http://127.0.0.1:{port}")
    finally:
        stop(server)

    server_log = log.read_text()
    errors = [r for r in results if not isinstance(r[2], int) or r[2] >= 500]
    fivexx = sum(1 for r in results if isinstance(r[2], int) and r[2] >= 500)
    print(f"\n[{label}] {len(results)} requests by {CLIENTS} clients in {elapsed:.1f} s: {fivexx} 5xx, "
          f"{len(errors) - fivexx} other failures")
    locked = len(re.findall(r"database is locked", server_log))
    assert not errors, f"{label}: {errors[:10]} ({locked} 'database is locked' in the log)\n{server_log[-4000:]}"
    # Everyone signed in and saw every page (no 429 from the rate limit, no redirect back to sign-in).
    expected = [("GET", "/accounts/login/", 200), ("POST", "/accounts/login/", 302), ("GET", "/", 302),
                ("GET", f"/o/{ORG}/", 200), ("GET", f"/o/{ORG}/notifications/", 200), ("GET", "/organisations/", 200)]
    assert len(expected) == REQUESTS_PER_CLIENT
    assert sorted(results) == sorted(expected * CLIENTS), [r for r in results if r not in expected][:10]


# --- the tests ---------------------------------------------------------------------------------

def test_twenty_people_sign_in_at_once_on_the_embedded_sqlite_default(tmp_path):
    sign_in_at_once(tmp_path, f"sqlite:///{tmp_path / 'apcommission.sqlite3'}", "SQLite")


def test_twenty_people_sign_in_at_once_on_postgresql(tmp_path):
    import psycopg
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]  # the test settings' PostgreSQL server (not its database)
    assert connection.vendor == "postgresql"  # ENGINE is tests.pgtest: Django's backend with a faster flush
    auth = f"{db['USER'] or 'postgres'}" + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    server = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    name = f"apcommission_conc_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        sign_in_at_once(tmp_path, f"{server}/{name}", "PostgreSQL")
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
