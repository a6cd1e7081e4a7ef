"""UPN validation: DfE check letter, length, format, temporary UPNs, LA codes (python-stdnum)."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.gb import upn as stdnum_upn

from placements.upn import normalise_upn, upn_is_valid, validate_upn


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


def with_check(body: str) -> str:
    return stdnum_upn.calc_check_digit(body) + body


def wrong_check(body: str) -> str:
    good = stdnum_upn.calc_check_digit(body)
    return next(c for c in "ABCDEFGHJKLMNPQRTUVWXYZ" if c != good) + body


@pytest.mark.parametrize("upn", [
    "B801200005001",  # DOMAIN.md worked example: sum 93, 93 mod 23 = 1 → B
    with_check("801201000001"),
    with_check("302400112345"),
    with_check("886201999999"),
    with_check("80120000501A"),  # temporary UPN: 2-digit serial and a final letter (A counts 0)
    with_check("20141002099Z"),  # temporary, last letter of the alphabet
    with_check("838201000001"),  # Dorset (2019): missing from python-stdnum's 2011 list
    with_check("839201000001"),  # Bournemouth, Christchurch and Poole
    with_check("940201000001"),  # North Northamptonshire (2021)
    with_check("941201000001"),  # West Northamptonshire
    with_check("942201000001"),  # Cumberland (2023)
    with_check("943201000001"),  # Westmorland and Furness
])
def test_valid_upns(upn):
    validate_upn(upn)
    assert upn_is_valid(upn)


@pytest.mark.parametrize("upn, why", [
    ("C801200005001", "wrong check letter"),
    (wrong_check("80120000501A"), "temporary UPN with the wrong check letter"),
    (wrong_check("940201000001"), "new LA code does not excuse a wrong check letter"),
    ("B80120000500", "12 characters"),
    ("B8012000050011", "14 characters"),
    ("B8012000050A1", "letter among the digits"),
    ("B80120000501I", "I is never used (nor O, S)"),
    ("B80120000501O", "O is never used"),
    ("B80120000501S", "S is never used"),
    (with_check("999201000001"), "unknown LA code"),
    (with_check("000201000001"), "LA 000"),
    ("", "empty"),
    ("not a upn", "junk"),
])
def test_invalid_upns(upn, why):
    with pytest.raises(ValidationError) as exc:
        validate_upn(upn)
    assert exc.value.code == "invalid_upn", why
    assert not upn_is_valid(upn)


@pytest.mark.parametrize("upn, says", [
    ("C801200005001", "The check letter (the first character, C) does not match the other 12 characters"),
    ("B80120000500", "A UPN has 13 characters; you entered 12"),
    ("B8012000O5001", "Characters 2 to 12 of a UPN are digits"),
    ("B80120000501I", "The last character of a UPN is a digit or a capital letter other than I, O and S"),
    (with_check("999201000001"), "local authority number (999, characters 2 to 4) is not an English LA code"),
])
def test_the_rejection_says_which_part_is_wrong(upn, says):
    with pytest.raises(ValidationError) as exc:
        validate_upn(upn)
    assert says in exc.value.messages[0]


def test_extra_la_codes_from_settings(settings):
    upn = with_check("999201000001")
    assert not upn_is_valid(upn)
    settings.APC_EXTRA_UPN_LA_CODES = ["999"]
    assert upn_is_valid(upn)


def test_spaces_and_case_are_normalised():
    assert normalise_upn(" b801 2000 05001 ") == "B801200005001"
    validate_upn("b801 2000 05001")


def test_pupil_model_rejects_a_bad_upn(world):
    from placements.models import Pupil
    from tenancy.scoping import scope

    school = world.pupils["a"].school
    pupil = Pupil(school=world.pupils["a"].school, first_name="A", last_name="B",
                  date_of_birth=world.pupils["a"].date_of_birth, year_group=10, upn="C801200005001")
    with scope(organisation=school), pytest.raises(ValidationError) as exc:
        pupil.full_clean()
    assert "upn" in exc.value.message_dict
