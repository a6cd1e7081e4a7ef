"""Transactions for the embedded default (SQLite).

On PostgreSQL every view runs in one transaction (ATOMIC_REQUESTS). SQLite has one writer at a
time and our transactions begin IMMEDIATE (they take the write lock first), so wrapping every
GET in a transaction would make every page wait for every other: under a few concurrent users a
page then fails with "database is locked". Pages do not change data (a crawl test holds every GET
to that), so on SQLite only unsafe requests (POST, PUT, PATCH, DELETE) run in one transaction,
exactly as ATOMIC_REQUESTS would run them; a GET's audit row and session save are short
transactions of their own.
"""

from __future__ import annotations

from django.db import transaction

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class AtomicUnsafeRequestsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        with transaction.atomic():
            return self.get_response(request)
