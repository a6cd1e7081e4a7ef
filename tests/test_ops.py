"""Operations: docker-compose.yml and Dockerfile name real things, production settings are sound.

Docker does not run on the development machines, so the compose file is checked by reading it:
every command's program exists in this project, health checks and start order make sense, and
volumes and secrets are declared. The web command itself is started (gunicorn, production
settings) and the compose health check is run against it.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import environ
import pytest
import yaml
from django.conf import settings
from django.db import connection
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
PROJECT_IMAGE = "apcommission"
PRODUCTION_SETTINGS = "apcommission.settings.production"
BIN = Path(sys.executable).parent
# Waits end on events (a process exits, a port answers); this only stops a hung test. Generous: the
# machine may be busy, and a slow machine must not fail a test.
BACKSTOP_SECONDS = 180


# --- helpers -----------------------------------------------------------------------------------

def load_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def services() -> dict[str, dict]:
    return load_compose()["services"]


def is_project_service(svc: dict) -> bool:
    """Built from this repository (as opposed to postgres/redis images)."""
    return "build" in svc or str(svc.get("image", "")).split(":")[0] == PROJECT_IMAGE


def project_services() -> dict[str, dict]:
    return {name: svc for name, svc in services().items() if is_project_service(svc)}


def interpolate(value: str) -> str:
    """Compose variable interpolation with placeholder values (${VAR:?msg}, ${VAR:-default}, $VAR)."""
    value = re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}", lambda m: f"x{m.group(1).lower()}", value)
    value = value.replace("$$", "$")
    return value


def environment(svc: dict) -> dict[str, str]:
    env = svc.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: interpolate(str(v)) for k, v in env.items()}


def argv_of(command) -> list[str]:
    return list(command) if isinstance(command, list) else shlex.split(command)


def depends_on(svc: dict) -> dict[str, dict]:
    deps = svc.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: {"condition": "service_started"} for name in deps}
    return deps


def option_value(argv: list[str], *names: str) -> str | None:
    for i, arg in enumerate(argv):
        for name in names:
            if arg == name and i + 1 < len(argv):
                return argv[i + 1]
            if name.startswith("--") and arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return None


def check_program(argv: list[str]) -> None:
    """The program a command runs exists in this project (raises AssertionError if not)."""
    program = argv[0]
    if program == "gunicorn":
        assert importlib.util.find_spec("gunicorn"), "gunicorn is not installed"
        app_arg = next(a for a in argv[1:] if not a.startswith("-"))
        module, _, attr = app_arg.partition(":")
        wsgi = importlib.import_module(module)
        assert callable(getattr(wsgi, attr or "application")), f"{app_arg} has no WSGI application"
    elif program == "celery":
        from celery import Celery
        from celery.app.utils import find_app
        from celery.bin.celery import celery as celery_cli
        from celery.utils.imports import symbol_by_name

        app_name = option_value(argv, "-A", "--app")
        assert app_name, f"celery command without -A: {argv}"
        app = find_app(app_name)
        assert isinstance(app, Celery) and app.main == "apcommission", f"-A {app_name} is not the project's app"
        subcommand = next(a for a in argv[1:] if not a.startswith("-") and a != app_name)
        assert subcommand in celery_cli.commands, f"celery has no '{subcommand}' command"
        scheduler = option_value(argv, "-S", "--scheduler")
        if scheduler:
            symbol_by_name(scheduler)
    elif program == "python" and argv[1:2] == ["manage.py"]:
        from django.core.management import get_commands

        assert (ROOT / "manage.py").exists()
        assert argv[2] in get_commands(), f"manage.py has no '{argv[2]}' command"
    elif program == "python" and argv[1:2] == ["-c"]:
        compile(argv[2], "<healthcheck>", "exec")
    else:
        raise AssertionError(f"unknown program in {argv}: add a check for it in tests/test_ops.py")


def healthcheck_argv(svc: dict) -> list[str]:
    test = svc["healthcheck"]["test"]
    if isinstance(test, str):
        return shlex.split(test)
    kind, *rest = test
    if kind == "CMD-SHELL":
        # Drop redirections: "… > /dev/null"
        words = shlex.split(interpolate(rest[0]))
        return [w for i, w in enumerate(words) if w != ">" and (i == 0 or words[i - 1] != ">")]
    assert kind == "CMD", f"health check must be CMD or CMD-SHELL: {test}"
    return rest


def named_volumes(svc: dict) -> list[tuple[str, str]]:
    """(volume name, mount path) for the named volumes a service mounts (not bind mounts)."""
    out = []
    for entry in svc.get("volumes") or []:
        if isinstance(entry, dict):
            if entry.get("type", "volume") == "volume":
                out.append((entry["source"], entry["target"]))
            continue
        source, target = entry.split(":")[:2]
        if not source.startswith(("/", ".", "~", "$")):
            out.append((source, target))
    return out


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_url() -> str:
    s = connection.settings_dict
    user = s["USER"] or "postgres"
    auth = f"{user}:{s['PASSWORD']}" if s["PASSWORD"] else user
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean environment for a process with production settings (no test-settings leftovers)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_", "APC_", "EMAIL_URL"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": PRODUCTION_SETTINGS,
        "APC_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(ROOT),
    })
    env.update(extra)
    return env


def random_secret() -> str:
    import secrets

    return secrets.token_urlsafe(64)


# --- the test environment ------------------------------------------------------------------------

@pytest.mark.django_db
def test_tests_run_on_postgresql_and_redis():
    assert connection.vendor == "postgresql"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


# --- docker-compose.yml ------------------------------------------------------------------------

def test_compose_has_the_expected_services():
    svcs = services()
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(svcs)
    assert svcs["postgres"]["image"] == "postgres:15"
    assert svcs["redis"]["image"] == "redis:7"
    assert set(project_services()) == {"migrate", "web", "worker", "beat"}


def test_every_service_has_a_healthcheck_or_a_depends_on_chain():
    svcs = services()
    for name, svc in svcs.items():
        assert "healthcheck" in svc or depends_on(svc), f"{name}: no health check and no depends_on"
        for dep, spec in depends_on(svc).items():
            assert dep in svcs, f"{name} depends on unknown service {dep}"
            condition = spec.get("condition", "service_started")
            if condition == "service_healthy":
                assert "healthcheck" in svcs[dep], f"{name} waits for {dep} to be healthy, but it has no health check"
            elif condition == "service_completed_successfully":
                assert str(svcs[dep].get("restart", "no")) == "no", f"{dep} is waited on to finish: it must not restart"
            else:
                raise AssertionError(f"{name} → {dep}: use service_healthy or service_completed_successfully")

    def reaches_healthcheck(name: str, seen: tuple[str, ...] = ()) -> bool:
        assert name not in seen, f"depends_on cycle: {' → '.join(seen + (name,))}"
        svc = svcs[name]
        deps = depends_on(svc)
        return "healthcheck" in svc or (bool(deps) and all(reaches_healthcheck(d, seen + (name,)) for d in deps))

    for name in svcs:
        assert reaches_healthcheck(name), f"{name}: its depends_on chain does not end in health-checked services"


def test_app_services_start_after_the_database_redis_and_migrations():
    svcs = services()
    for name in ("migrate", "web", "worker", "beat"):
        deps = depends_on(svcs[name])
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["redis"]["condition"] == "service_healthy", name
    for name in ("web", "worker", "beat"):
        assert depends_on(svcs[name])["migrate"]["condition"] == "service_completed_successfully", name
    assert argv_of(svcs["migrate"]["command"])[:3] == ["python", "manage.py", "migrate"]


def test_infrastructure_healthchecks():
    svcs = services()
    assert healthcheck_argv(svcs["postgres"])[0] == "pg_isready"
    assert healthcheck_argv(svcs["redis"])[:2] == ["redis-cli", "ping"]
    web_check = " ".join(healthcheck_argv(svcs["web"]))
    path = re.search(r"http://127\.0\.0\.1:8000(/[\w/]*)", web_check).group(1)
    assert resolve(path).url_name == "healthz"


@pytest.mark.django_db
def test_every_command_names_a_program_of_this_project():
    """gunicorn's module imports, the celery app is ours, manage.py commands exist."""
    checked = 0
    for name, svc in project_services().items():
        assert "command" in svc, f"{name}: say what it runs"
        check_program(argv_of(svc["command"]))
        checked += 1
        if "healthcheck" in svc:
            check_program(healthcheck_argv(svc))
    assert checked == 4
    # The image's default command too.
    cmd = next(rest for word, rest in dockerfile_instructions() if word == "CMD")
    check_program(json.loads(cmd))


def test_celery_commands_run_one_beat_with_the_database_scheduler():
    svcs = project_services()
    beats = [n for n, s in svcs.items() if "beat" in argv_of(s["command"]) or "-B" in argv_of(s["command"])]
    assert beats == ["beat"], "exactly one process may run beat"
    assert (svcs["beat"].get("deploy") or {}).get("replicas", 1) == 1
    scheduler = option_value(argv_of(svcs["beat"]["command"]), "-S", "--scheduler")
    assert scheduler == settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


def test_settings_modules_named_exist():
    named = {environment(svc).get("DJANGO_SETTINGS_MODULE") for svc in project_services().values()}
    named |= {m.group(1) for m in re.finditer(r"DJANGO_SETTINGS_MODULE=(\S+)", DOCKERFILE.read_text())}
    assert named == {PRODUCTION_SETTINGS}
    for module in named:
        assert importlib.util.find_spec(module) is not None, f"no settings module {module}"


def test_app_environment():
    compose = load_compose()
    for name, svc in project_services().items():
        env = environment(svc)
        db = environ.Env.db_url_config(env["DATABASE_URL"])
        assert db["ENGINE"] == "django.db.backends.postgresql", name
        assert db["HOST"] == "postgres" and db["NAME"] == "apcommission", name
        assert env["REDIS_URL"].startswith("redis://redis:6379/"), name
        assert env["DJANGO_ALLOWED_HOSTS"], name
        assert "DJANGO_SECRET_KEY" not in env, f"{name}: the secret key comes from a file, not the environment"
        secret_path = env["DJANGO_SECRET_KEY_FILE"]
        secret_name = secret_path.removeprefix("/run/secrets/")
        assert secret_path == f"/run/secrets/{secret_name}", name
        assert secret_name in svc["secrets"], f"{name} does not mount secret {secret_name}"
        assert secret_name in compose["secrets"], f"secret {secret_name} is not declared"
    postgres_env = environment(compose["services"]["postgres"])
    assert postgres_env["POSTGRES_DB"] == "apcommission" and postgres_env["POSTGRES_USER"] == "apcommission"


def test_migrations_run_as_the_owner_and_the_app_as_a_role_that_owns_nothing():
    """The owner of a table can TRUNCATE it or disable its triggers, so the running app must not
    be the owner of the audit log: migrate connects as the owner, web/worker/beat as the app role."""
    compose = load_compose()
    svcs = compose["services"]
    postgres_env = environment(svcs["postgres"])
    owner, app_role = postgres_env["POSTGRES_USER"], postgres_env["APC_DB_APP_ROLE"]
    assert app_role and app_role != owner
    migrate_env = environment(svcs["migrate"])
    migrate_db = environ.Env.db_url_config(migrate_env["DATABASE_URL"])
    assert (migrate_db["USER"], migrate_db["PASSWORD"]) == (owner, postgres_env["POSTGRES_PASSWORD"])
    assert migrate_env["APC_DB_APP_ROLE"] == app_role, "migrate must grant to the role the app connects as"
    for name in ("web", "worker", "beat"):
        env = environment(svcs[name])
        db = environ.Env.db_url_config(env["DATABASE_URL"])
        assert db["USER"] == app_role == env["APC_DB_APP_ROLE"], name
        assert db["PASSWORD"] == postgres_env["APC_DB_APP_PASSWORD"] != postgres_env["POSTGRES_PASSWORD"], name
    # postgres creates the app's login role on the first start of an empty volume.
    mounts = {c["target"]: c["source"] for c in svcs["postgres"]["configs"]}
    [target] = [t for t in mounts if t.startswith("/docker-entrypoint-initdb.d/")]
    assert target.endswith(".sh")
    script = interpolate(compose["configs"][mounts[target]]["content"])
    assert "$APC_DB_APP_ROLE" in script and "$APC_DB_APP_PASSWORD" in script
    assert 'CREATE ROLE :"app_role" LOGIN PASSWORD :\'app_password\'' in script
    assert "SUPERUSER" not in script.upper() and "CREATEROLE" not in script.upper()
    # Healthy only once the init scripts have run (the set-up server listens on no TCP port).
    assert "-h" in healthcheck_argv(svcs["postgres"])


def test_compose_variables_are_documented():
    """Every .env variable the compose file reads, and every variable it sets for the app, is in README."""
    readme = (ROOT / "README.md").read_text()
    text = COMPOSE_FILE.read_text()
    names = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    for svc in project_services().values():
        names |= {n.removesuffix("_FILE") for n in (svc.get("environment") or {})}
    assert {"POSTGRES_PASSWORD", "APC_DB_APP_PASSWORD", "APC_DB_APP_ROLE", "DATABASE_URL"} <= names
    undocumented = sorted(n for n in names if f"`{n}`" not in readme)
    assert not undocumented, f"document these in README.md (Configuration): {undocumented}"


def test_volumes_named_are_declared_and_used():
    compose = load_compose()
    declared = set(compose.get("volumes") or {})
    used = set()
    for name, svc in compose["services"].items():
        for volume, _ in named_volumes(svc):
            assert volume in declared, f"{name} mounts undeclared volume {volume}"
            used.add(volume)
    assert declared == used, f"declared but unused volumes: {declared - used}"
    assert ("postgres-data", "/var/lib/postgresql/data") in named_volumes(compose["services"]["postgres"])
    for name in ("web", "worker"):
        svc = compose["services"][name]
        media_root = environment(svc)["APC_PRIVATE_MEDIA_ROOT"]
        assert ("private-media", media_root) in named_volumes(svc), f"{name}: private media not on its volume"


def test_dockerfile_builds_from_what_the_project_has():
    instructions = dockerfile_instructions()
    froms = [rest for word, rest in instructions if word == "FROM"]
    assert froms[-1] == "python:3.11-slim-bookworm"
    runs = " ".join(rest for word, rest in instructions if word == "RUN")
    for needed in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "npm ci", "npm run build",
                   "pip install .", "manage.py collectstatic"):
        assert needed in runs, f"Dockerfile does not run {needed!r}"
    for word, rest in instructions:
        if word == "COPY" and "--from=" not in rest:
            *sources, _dest = shlex.split(rest)
            for source in sources:
                if source != ".":
                    assert (ROOT / source).exists(), f"Dockerfile copies {source}, which does not exist"
    ignored = DOCKERIGNORE.read_text().split()
    for path in (".venv", "node_modules", "var", "secrets", ".env", ".git"):
        assert path in ignored, f".dockerignore should leave out {path}"


# collectstatic as `manage.py collectstatic` runs it, with one change: WhiteNoise compresses only this
# project's own files (static/: GOV.UK Frontend's build, our scripts and images). Every file is still
# copied and hashed into the manifest, so a CSS url() naming a missing file still fails the command.
# Left uncompressed: the third-party bundles (Django admin, DRF, the Swagger/Redoc sidecar: about
# 28 MB, most of it source maps), whose gzip and brotli took ~20 of the test's ~25 s; WhiteNoise runs
# the same compressor code on them as on ours.
COLLECTSTATIC_OWN_FILES_COMPRESSED = """
import os, sys
import django
django.setup()
from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage as Storage
assert settings.STORAGES["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
own = tuple(f"{top}/" for directory in settings.STATICFILES_DIRS for top in os.listdir(directory))
compress_files = Storage.compress_files
Storage.compress_files = lambda self, paths: compress_files(self, [p for p in paths if p.startswith(own)])
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "collectstatic", "--noinput", "-v", "0"])
"""


@pytest.mark.django_db
def test_production_collectstatic_succeeds(tmp_path):
    """What the Dockerfile runs: collectstatic with WhiteNoise's manifest storage (production)."""
    static_root = tmp_path / "static"
    env = production_env(tmp_path, DJANGO_SECRET_KEY=random_secret(), DJANGO_STATIC_ROOT=str(static_root))
    proc = subprocess.run([sys.executable, "-c", COLLECTSTATIC_OWN_FILES_COMPRESSED],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=BACKSTOP_SECONDS)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    # Our stylesheet (whose url()s name the GOV.UK fonts and images) is hashed and served compressed.
    app_css = static_root / manifest["build/app.css"]
    assert app_css.exists() and app_css.with_name(app_css.name + ".gz").exists(), sorted(manifest)[:20]
    if importlib.util.find_spec("brotli"):
        assert app_css.with_name(app_css.name + ".br").exists()
    # Third-party files are in the manifest too: the whole collection was hashed.
    assert "admin/css/base.css" in manifest and "rest_framework/css/bootstrap.min.css" in manifest


# --- production settings -------------------------------------------------------------------------

@pytest.mark.django_db
def test_check_deploy_has_no_warnings(tmp_path):
    env = production_env(tmp_path, DJANGO_SECRET_KEY=random_secret(), DATABASE_URL=test_database_url(),
                         REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"))
    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--database", "default", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=BACKSTOP_SECONDS,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "no issues" in output, output
    assert "WARNINGS:" not in output, output


@pytest.mark.parametrize("secret", ["", "too-short", "insecure-" + "x" * 60])
def test_production_settings_refuse_a_weak_secret_key(tmp_path, secret):
    env = production_env(tmp_path)
    if secret:
        env["DJANGO_SECRET_KEY"] = secret
    proc = subprocess.run([sys.executable, "-c", "import django; django.setup()"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=BACKSTOP_SECONDS)
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr and "DJANGO_SECRET_KEY" in proc.stderr, proc.stderr


def test_production_settings_read_the_secret_key_from_a_file(tmp_path):
    """The compose file passes DJANGO_SECRET_KEY_FILE (a Docker secret), not the key itself."""
    key_file = tmp_path / "django_secret_key"
    code = "import django; django.setup(); from django.conf import settings; print(len(settings.SECRET_KEY))"
    key_file.write_text("short\n")
    env = production_env(tmp_path, DJANGO_SECRET_KEY_FILE=str(key_file))
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=BACKSTOP_SECONDS)
    assert proc.returncode != 0 and "ImproperlyConfigured" in proc.stderr
    key = random_secret()
    key_file.write_text(key + "\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=BACKSTOP_SECONDS)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(len(key))


# --- /healthz ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_healthz_returns_ok_json(client):
    """With a fresh heartbeat (more cases: tests/robustness/test_healthz.py)."""
    from apcommission import clock
    from tenancy.models import Heartbeat

    Heartbeat.objects.create(name="heartbeat", last_seen_at=clock.now(), runs=1)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert {"now", "database", "broker", "heartbeat_age_seconds", "heartbeat_at", "heartbeat_runs"} <= set(body)


@pytest.mark.django_db
def test_web_command_serves_the_compose_healthcheck(tmp_path):
    """Start the compose web command (gunicorn, production settings) and run web's health check.

    The stack has just started: no heartbeat yet, so the full readiness check (/healthz) fails,
    while the container's health check (web liveness) must pass. Waits end on events (the port
    answering, the check exiting), with a generous backstop for a busy machine.
    """
    web = services()["web"]
    port = free_port()
    argv = argv_of(web["command"])
    argv = [str(BIN / "gunicorn")] + [
        f"--bind=127.0.0.1:{port}" if a.startswith("--bind") else "--workers=1" if a.startswith("--workers") else a
        for a in argv[1:]
    ]
    key_file = tmp_path / "django_secret_key"
    key_file.write_text(random_secret())
    host = "apcommission.example.test"
    env = production_env(
        tmp_path, DJANGO_SECRET_KEY_FILE=str(key_file), DATABASE_URL=test_database_url(),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"), DJANGO_ALLOWED_HOSTS=host,
        APC_PRIVATE_MEDIA_ROOT=str(tmp_path / "media"),
    )
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + BACKSTOP_SECONDS
        while True:
            assert server.poll() is None, f"gunicorn exited: {log.read_text()}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"gunicorn did not listen within {BACKSTOP_SECONDS} s"
                time.sleep(0.1)  # polling interval only: the wait ends when the port answers

        # Plain HTTP straight to gunicorn is redirected to HTTPS: production settings are active.
        request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host})
        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(request, timeout=BACKSTOP_SECONDS)
            raise AssertionError("expected a redirect to HTTPS")
        except urllib.error.HTTPError as exc:
            assert exc.code == 301 and exc.headers["Location"] == f"https://{host}/healthz"

        # Through the proxy, readiness fails honestly: no worker has sent a heartbeat yet.
        request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz",
                                         headers={"Host": host, "X-Forwarded-Proto": "https"})
        with pytest.raises(urllib.error.HTTPError) as unready:
            urllib.request.urlopen(request, timeout=BACKSTOP_SECONDS)
        assert unready.value.code == 503
        assert json.load(unready.value)["heartbeat_age_seconds"] is None

        # The health check exactly as written in docker-compose.yml, pointed at this port: the web
        # container is healthy although the stack has no heartbeat yet (it checks liveness).
        check = healthcheck_argv(web)
        assert check[0] == "python"
        check = [sys.executable] + [a.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for a in check[1:]]
        proc = subprocess.run(check, env=env, capture_output=True, text=True, timeout=BACKSTOP_SECONDS)
        assert proc.returncode == 0, (
            "docker-compose.yml's web health check fails on a just-started stack; it should ask for "
            f"liveness, /healthz?web=1:\n{proc.stderr}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=BACKSTOP_SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
