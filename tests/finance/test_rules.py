"""Invoice arithmetic to the penny (finance.rules): each costing basis, VAT rounding, totals, flags."""

import datetime as dt
from decimal import Decimal

import pytest

from finance import rules
from finance.api import share

D = Decimal


def fact(day: str, *, hours="3.00", attended=True, booked=True):
    return rules.SessionFact(date=dt.date.fromisoformat(day), hours=D(hours), attended=attended, booked=booked)


# Two weeks of a placement: Mon am+pm and Wed am in week 1 (Wed absent), Tue am in week 2 (not required),
# Thu am in week 2 (2.5 hours, attended).
SESSIONS = [
    fact("2026-11-02"), fact("2026-11-02", hours="2.50"), fact("2026-11-04", attended=False),
    fact("2026-11-10", attended=False, booked=False), fact("2026-11-12", hours="2.50"),
]


@pytest.mark.parametrize(("basis", "supported", "attended", "expected"), [
    ("session", D("3.00"), 3, 4),      # sessions attended
    ("day", D("2.00"), 3, 4),          # 2 Nov and 12 Nov
    ("hour", D("11.00"), 3, 4),        # booked hours: 3 + 2.5 + 3 + 2.5 (not-required excluded)
    ("pupil_week", D("2.00"), 3, 4),   # weeks 45 and 46 booked
    ("week", D("2.00"), 3, 4),
    ("term", D("1.00"), 3, 4),         # autumn 2026
])
def test_each_costing_basis_counts_the_periods_sessions(basis, supported, attended, expected):
    counted = rules.basis_quantities(basis, SESSIONS)
    assert counted == rules.Quantities(supported, attended, expected)


def test_nothing_booked_supports_nothing():
    for basis in ("session", "day", "hour", "week", "pupil_week", "term"):
        assert rules.basis_quantities(basis, []).supported == D("0.00")


def test_an_unknown_basis_is_refused():
    with pytest.raises(ValueError):
        rules.basis_quantities("fortnight", SESSIONS)


@pytest.mark.parametrize(("day", "term"), [
    ("2026-09-01", (2026, "autumn")), ("2026-12-18", (2026, "autumn")), ("2027-01-05", (2026, "spring")),
    ("2027-03-31", (2026, "spring")), ("2027-04-19", (2026, "summer")), ("2027-07-21", (2026, "summer")),
])
def test_term_of_a_date(day, term):
    assert rules.term_of(dt.date.fromisoformat(day)) == term


def test_a_period_across_two_terms_supports_two():
    assert rules.basis_quantities("term", [fact("2026-12-16"), fact("2027-01-06")]).supported == D("2.00")


@pytest.mark.parametrize(("quantity", "price", "net"), [
    ("12", "85.00", "1020.00"),
    ("7.5", "42.50", "318.75"),
    ("2.35", "10.10", "23.74"),     # 23.735 → half up
    ("0.33", "33.33", "11.00"),     # 10.9989 → 11.00
    ("1", "0.01", "0.01"),
    ("0", "85.00", "0.00"),
])
def test_line_net_to_the_penny(quantity, price, net):
    assert rules.line_net(D(quantity), D(price)) == D(net)


@pytest.mark.parametrize(("net", "rate", "vat"), [
    ("1020.00", "20", "204.00"),
    ("0.03", "20", "0.01"),        # 0.006 → 0.01
    ("0.02", "20", "0.00"),        # 0.004 → 0.00
    ("10.025", "20", "2.01"),      # 2.005 → half up, not banker's
    ("318.75", "20", "63.75"),
    ("318.75", "0", "0.00"),
])
def test_vat_per_line_rounds_half_up(net, rate, vat):
    assert rules.line_vat(D(net), D(rate)) == D(vat)


def test_totals_add_the_lines_vat_so_exported_lines_sum_to_the_invoice():
    lines = [(rules.line_net(D("1"), D("0.03")), None), (rules.line_net(D("1"), D("0.03")), None)]
    lines = [(net, rules.line_vat(net, D("20"))) for net, _ in lines]
    total = rules.totals(lines)
    # Each line's VAT is 0.006 → 0.01; the invoice's VAT is their sum (0.02), not VAT on 0.06 (0.01).
    assert total == rules.Totals(D("0.06"), D("0.02"), D("0.08"))


def test_totals_of_a_realistic_invoice():
    nets = [rules.line_net(D("12"), D("85.00")), rules.line_net(D("9"), D("85.00")), rules.line_net(D("11.5"), D("23.99"))]
    total = rules.totals((n, rules.line_vat(n, D("20"))) for n in nets)
    # 1020.00 + 765.00 + 275.885→275.89 = 2060.89; VAT 204.00 + 153.00 + 55.178→55.18 = 412.18
    assert total == rules.Totals(D("2060.89"), D("412.18"), D("2473.07"))


def test_a_quantity_above_the_supported_one_is_flagged():
    assert rules.flagged(D("13"), D("12"))
    assert rules.flagged(D("12.01"), D("12"))
    assert not rules.flagged(D("12"), D("12"))
    assert not rules.flagged(D("10"), D("12"))


@pytest.mark.parametrize(("amount", "parts", "shares"), [
    ("100.00", 3, ["33.34", "33.33", "33.33"]),
    ("0.02", 3, ["0.01", "0.01", "0.00"]),
    ("85.00", 1, ["85.00"]),
])
def test_an_sla_level_line_is_shared_to_the_penny(amount, parts, shares):
    assert share(D(amount), parts) == [D(s) for s in shares]
    assert sum(share(D(amount), parts)) == D(amount)
