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
from stdnum.exceptions import InvalidComponent, InvalidFormat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import upn as stdnum_upn

EXTRA_LA_CODES = frozenset({838, 839, 940, 941, 942, 943})


def normalise_upn(value: str) -> str:
    return stdnum_upn.compact(value or "")


def _extra_la_codes() -> frozenset[int]:
    return EXTRA_LA_CODES | frozenset(int(c) for c in getattr(settings, "APC_EXTRA_UPN_LA_CODES", ()))


def upn_problem(value: str) -> str | None:
    """What is wrong with a UPN, in words a school's data manager can act on, or None if it is valid.
    The checks run in the DfE's order: length, format, LA number, check letter."""
    number = normalise_upn(value)
    if len(number) != 13:
        return (f"A UPN has 13 characters; you entered {len(number)}. "
                "Copy it from the school's management information system")
    if not number[1:12].isdigit():
        return "Characters 2 to 12 of a UPN are digits: check for a letter O typed as a zero, or I as a one"
    try:
        stdnum_upn.validate(number)
    except InvalidFormat:
        return "The last character of a UPN is a digit or a capital letter other than I, O and S"
    except InvalidComponent:
        if int(number[1:4]) not in _extra_la_codes():
            return f"The UPN's local authority number ({number[1:4]}, characters 2 to 4) is not an English LA code"
    except StdnumError:
        pass  # the check letter, tested below
    if stdnum_upn.calc_check_digit(number[1:]) != number[0]:
        return (f"The check letter (the first character, {number[0]}) does not match the other 12 characters: "
                "one of them is mistyped")
    return None


def upn_is_valid(value: str) -> bool:
    return upn_problem(value) is None


def validate_upn(value: str) -> None:
    problem = upn_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_upn")
