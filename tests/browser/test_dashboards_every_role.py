"""Every role of the demo, in Chromium (issue 10): sign in on the real sign-in page, then follow
every "Needs your attention" item, every action and every figure of the dashboard. Each must open
(no 403 or 404), and each figure must equal the number of rows its list says it has (the list's
`data-total`, printed as "12 pupils" above the table).

One test walks all the roles on one load of the demo data (loading it per role would cost a minute);
a failure names the role and the link. tests/dashboards/ does the same with the Django test client.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from demo.management.commands.load_demo_data import DEMO_PASSWORD
from tests.dashboards.conftest import MEMBERS, demo_member

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _read_dashboard(page) -> tuple[list[tuple[str, str]], list[tuple[str, int, str]]]:
    links = page.eval_on_selector_all(
        '[data-testid="attention"] a.govuk-task-list__link, .govuk-button-group a.govuk-button',
        "els => els.map(a => [a.textContent.trim().replace(/\\s+/g, ' '), a.getAttribute('href')])")
    figures = page.eval_on_selector_all(
        '[data-testid="figures"] a[data-figure]',
        "els => els.map(a => [a.textContent.trim().replace(/\\s+/g, ' '), Number(a.dataset.figure), a.getAttribute('href')])")
    return [tuple(link) for link in links], [tuple(figure) for figure in figures]


def _walk(page, member) -> list[str]:
    """Sign in as the member, follow everything on the dashboard; the problems found."""
    problems = []
    role = f"{member.organisation.slug}/{member.role}"
    sign_in(page, member.user.email, DEMO_PASSWORD)
    if page.url.endswith("/organisations/"):  # a member of several organisations chooses one
        with page.expect_navigation():
            page.get_by_role("link", name=member.organisation.name, exact=True).click()
    if page.get_by_role("heading", level=1).inner_text() != member.organisation.name:
        return [f"{role}: signing in did not land on the dashboard ({page.url})"]
    links, figures = _read_dashboard(page)
    if not links and not figures:
        problems.append(f"{role}: the dashboard offers nothing to do and no figure")
    for text, href in links:
        response = page.goto(href)
        if response.status != 200:
            problems.append(f"{role}: '{text}' → {href} answered {response.status}")
    for text, value, href in figures:
        response = page.goto(href)
        if response.status != 200:
            problems.append(f"{role}: figure '{text}' → {href} answered {response.status}")
            continue
        totals = page.locator("[data-total]")
        if totals.count() != 1:
            problems.append(f"{role}: figure '{text}' → {href} shows no count of its list")
        elif int(totals.get_attribute("data-total")) != value:
            problems.append(f"{role}: '{text}' says {value}, its list says {totals.inner_text()}")
    return problems


def test_every_role_signs_in_and_every_dashboard_link_and_figure_holds(new_context, settings):
    settings.APC_REQUIRE_MFA = False  # the demo's people have no authenticator; MFA has its own tests
    call_command("load_demo_data", stdout=io.StringIO())
    problems, walked = [], 0
    for kind, role in MEMBERS:
        member = demo_member(kind, role)
        page = new_context().new_page()
        problems += _walk(page, member)
        page.context.close()
        walked += 1
    assert walked == len(MEMBERS) == 18
    assert not problems, "\n".join(problems)
