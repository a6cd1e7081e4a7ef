"""Issue 10: every member of every kind of organisation, on the demo data, gets a dashboard whose
every link opens (never 403 or 404) and whose every figure equals the rows of the list it links to.

Signed in with the Django test client; the browser version is tests/browser/test_dashboards.py.
"""

from __future__ import annotations

import pytest

from .conftest import MEMBERS, demo_member, path_of, read_dashboard, rows_listed


@pytest.mark.parametrize(("kind", "role"), MEMBERS)
def test_every_dashboard_link_opens_and_every_figure_matches_its_list(demo, client, kind, role):
    member = demo_member(kind, role)
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    board = read_dashboard(client, member)

    for text, href in board.attention + board.actions:
        response = client.get(path_of(href))
        assert response.status_code == 200, f"{role}: '{text}' → {href} answered {response.status_code}"

    for label, value, href in board.figures:
        response = client.get(path_of(href))
        assert response.status_code == 200, f"{role}: figure '{label}' → {href} answered {response.status_code}"
        if "queue=" in href:
            assert response.context["queue"] is not None, f"{role}: '{label}' → {href} is not a known list"
        assert rows_listed(response) == value, f"{role}: '{value} {label}' links to a list of {rows_listed(response)}"


def test_the_same_figure_is_the_same_number_for_everyone_in_an_organisation(demo, client):
    """The school admin and finance no longer say "0 pupils in AP" where the AP lead says 2: a
    member sees a figure with its true value, or not at all."""
    seen: dict[tuple[str, str], set[int]] = {}
    for kind, role in MEMBERS:
        member = demo_member(kind, role)
        client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
        for label, value, _ in read_dashboard(client, member).figures:
            seen.setdefault((member.organisation.slug, label), set()).add(value)
    assert seen[("hillside-academy", "Pupils in alternative provision")] == {2}
    assert {key: values for key, values in seen.items() if len(values) > 1} == {}
