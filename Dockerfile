# syntax=docker/dockerfile:1
# apcommission image: web (gunicorn), Celery worker and Celery beat all run from it; see
# docker-compose.yml. Build: `docker compose build` (or `docker build -t apcommission .`).

# --- Stage 1: GOV.UK Frontend assets (static/build) from the npm lock file.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/build-assets.mjs scripts/
COPY static/src static/src
RUN npm run build

# --- Stage 2: the Python application.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=apcommission.settings.production \
    APC_VAR_DIR=/app/var \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    APC_PRIVATE_MEDIA_ROOT=/data/private-media

# WeasyPrint's libraries (Pango, HarfBuzz) and Arial-metric fonts for PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first (cached until pyproject.toml changes). pyproject.toml lists no packages,
# so this installs the dependencies only; the code is run from /app.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .
COPY --from=assets /src/static/build static/build

# Static files are collected into the image (served by WhiteNoise with hashed names). The key
# below exists only for this command: production settings refuse to load without one.
RUN DJANGO_SECRET_KEY=build-time-only-key-for-collectstatic-never-used-to-sign-anything-0123456789 \
    python manage.py collectstatic --noinput -v 0 \
 && useradd --system --uid 10001 --home-dir /app/var --shell /usr/sbin/nologin app \
 && mkdir -p /app/var /data/private-media \
 && chown -R app:app /app/var /data/private-media

USER app
EXPOSE 8000
CMD ["gunicorn", "apcommission.wsgi", "--bind=0.0.0.0:8000", "--workers=3", "--threads=4", "--access-logfile=-"]
