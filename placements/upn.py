"""Unique Pupil Numbers, validated with python-stdnum (DfE check-letter algorithm).

python-stdnum checks the LA part against the DfE list of January 2011, which misses the
authorities created since (Dorset 838, Bournemouth, Christchurch and Poole 839, North and West
Northamptonshire 940/941, Cumberland 942, Westmorland and Furness 943). Their UPNs are accepted
here when everything else (length, format, check letter) is valid; more codes can be added with
the APC_EXTRA_UPN_LA_CODES setting. ⚠ Codes taken from GIAS "LA (code)"; confirm against the
current GIAS extract when it changes.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from stdnum.exceptions import InvalidComponent
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import upn as stdnum_upn

EXTRA_LA_CODES = frozenset({838, 839, 940, 941, 942, 943})


def normalise_upn(value: str) -> str:
    return stdnum_upn.compact(value or "")


def _extra_la_codes() -> frozenset[int]:
    return EXTRA_LA_CODES | frozenset(int(c) for c in getattr(settings, "APC_EXTRA_UPN_LA_CODES", ()))


def upn_is_valid(value: str) -> bool:
    try:
        stdnum_upn.validate(value)
    except InvalidComponent:
        number = normalise_upn(value)
        # Length and format were checked before the LA component; only the LA list failed.
        return int(number[1:4]) in _extra_la_codes() and stdnum_upn.calc_check_digit(number[1:]) == number[0]
    except StdnumError:
        return False
    return True


def validate_upn(value: str) -> None:
    if not upn_is_valid(value):
        raise ValidationError(
            "Enter a valid UPN: 13 characters, a letter, 11 digits and a final digit or letter, "
            "as on the school's MIS",
            code="invalid_upn",
        )
