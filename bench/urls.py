"""The app's URLs plus one bench-only view: the floor `python -m bench register` compares with."""

import json

from django.db import connection
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare_insert(request):
    """Parse the JSON body, INSERT one row, answer JSON: no authentication, no validation."""
    body = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_bare_insert (at, key, body) VALUES (now(), %s, %s) RETURNING id",
                       [body["idempotency_key"], json.dumps(body)])
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id})


urlpatterns = [
    path("bench/bare-insert/", bare_insert),
    path("", include("apcommission.urls")),
]
