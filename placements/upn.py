"""Unique Pupil Numbers, validated with python-stdnum (DfE check-letter algorithm)."""

from django.core.exceptions import ValidationError
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import upn as stdnum_upn


def normalise_upn(value: str) -> str:
    return stdnum_upn.compact(value or "")


def validate_upn(value: str) -> None:
    try:
        stdnum_upn.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            "Enter a valid UPN: 13 characters, a letter, 11 digits and a final digit or letter, "
            "as on the school's MIS",
            code="invalid_upn",
        ) from exc
