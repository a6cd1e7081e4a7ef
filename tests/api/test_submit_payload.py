"""The register API reads the plain shape of a submission without DRF (attendance.api.submit_payload):
whatever that fast read accepts, SubmitSerializer (the rule and the schema) accepts with the same
key and marks; whatever it does not, the serializer decides and words the 400."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.exceptions import ValidationError

from attendance.api import SubmitSerializer, _plain_submit_payload, submit_payload

KEY = str(uuid.uuid4())


def _serializer(data):
    payload = SubmitSerializer(data=data)
    if not payload.is_valid():
        return None
    return payload.validated_data["idempotency_key"], payload.mark_inputs()


PLAIN = [
    {"idempotency_key": KEY, "marks": [{"session": 1, "mark": "present"}]},
    {"idempotency_key": KEY.upper(), "marks": [{"session": 7, "mark": "present"}, {"session": 8, "mark": "not_required"}]},
    {"idempotency_key": KEY, "marks": [{"session": 1, "mark": "late", "minutes_late": 10},
                                       {"session": 2, "mark": "absent", "absence_reason": "ill"},
                                       {"session": 3, "mark": "present", "minutes_late": None, "absence_reason": ""},
                                       {"session": 4, "mark": "present", "note": "", "extra": "ignored"}]},
]

# Valid, but not the plain shape: the serializer reads them.
UNUSUAL = [
    {"idempotency_key": KEY, "marks": [{"session": "1", "mark": "present"}]},
    {"idempotency_key": 12, "marks": [{"session": 1, "mark": "present"}]},  # DRF reads an integer as a UUID
    {"idempotency_key": KEY, "marks": [{"session": 1.0, "mark": "present"}]},
    {"idempotency_key": KEY, "marks": [{"session": 1, "mark": "absent", "absence_reason": "ill", "note": "  Mum  "}]},
    {"idempotency_key": KEY, "marks": [{"session": 1, "mark": "late", "minutes_late": "10"}]},
]

INVALID = [
    {},
    [],
    "text",
    {"idempotency_key": KEY},
    {"idempotency_key": "not-a-uuid", "marks": [{"session": 1, "mark": "present"}]},
    {"idempotency_key": KEY, "marks": []},
    {"idempotency_key": KEY, "marks": {"session": 1}},
    {"idempotency_key": KEY, "marks": [None]},
    {"idempotency_key": KEY, "marks": [{"session": 0, "mark": "present"}]},
    {"idempotency_key": KEY, "marks": [{"session": 2**63, "mark": "present"}]},
    {"idempotency_key": KEY, "marks": [{"session": True, "mark": "present"}]},
    {"idempotency_key": KEY, "marks": [{"session": 1, "mark": "sleeping"}]},
    {"idempotency_key": KEY, "marks": [{"session": 1, "mark": None}]},
    {"idempotency_key": KEY, "marks": [{"session": 1, "mark": "late"}]},
    {"idempotency_key": KEY, "marks": [{"session": 1, "mark": "late", "minutes_late": 0}]},
    {"idempotency_key": KEY, "marks": [{"session": 1, "mark": "late", "minutes_late": 241}]},
    {"idempotency_key": KEY, "marks": [{"session": 1, "mark": "present", "minutes_late": 999}]},
    {"idempotency_key": KEY, "marks": [{"session": 1, "mark": "absent"}]},
    {"idempotency_key": KEY, "marks": [{"session": 1, "mark": "absent", "absence_reason": "bored"}]},
    {"idempotency_key": KEY, "marks": [{"session": 1, "mark": "present", "note": "x" * 301}]},
    {"idempotency_key": KEY, "marks": [{"session": 1, "mark": "present"}, {"session": 1, "mark": "present"}]},
    {"idempotency_key": KEY, "marks": [{"session": n, "mark": "present"} for n in range(1, 502)]},
]


@pytest.mark.parametrize("data", PLAIN)
def test_the_plain_shape_is_read_as_the_serializer_reads_it(data):
    plain = _plain_submit_payload(data)
    assert plain is not None
    assert plain == _serializer(data)


@pytest.mark.parametrize("data", UNUSUAL)
def test_an_unusual_valid_payload_goes_to_the_serializer(data):
    assert _plain_submit_payload(data) is None
    assert submit_payload(data) == _serializer(data) != None  # noqa: E711


@pytest.mark.parametrize("data", INVALID)
def test_an_invalid_payload_is_never_read_as_plain_and_is_a_400(data):
    assert _plain_submit_payload(data) is None
    assert _serializer(data) is None
    with pytest.raises(ValidationError):
        submit_payload(data)
