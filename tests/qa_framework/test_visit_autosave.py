"""The theme page's autosave (issue 13 item 2, "autosaves; usable on a tablet"): the endpoint
static/src/qa-autosave.js posts the page's form to saves it through the visit's save service and
answers JSON for the page's status line — saved with the time; refused answers, and a visit no longer
in progress (completed, signed, or not started), with a message and a 4xx, writing nothing; another
organisation's visit 404 and a role without run_qa_visits 403. The page itself names the endpoint,
loads the script and has the status line, and still saves with its buttons (no JavaScript needed:
tests/qa_framework/test_visit_pages.py). The browser journey types, sees "Saved at" and reloads:
tests/browser/test_qa_visit_browser.py."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from apcommission import clock
from qa_framework import visits
from qa_framework.factories import qa_visit_in_state
from qa_framework.models import Judgement, ThemeComment, VisitState
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW
from .qasign_helpers import completed_visit, sign_both
from .test_visit_pages import standards, url


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


EVIDENCE = "Sentinel-autosaved-evidence-Z3"


def _autosave(client, org, visit, data, number=1):
    return client.post(url(org, "visit_theme_autosave", pk=visit.pk, number=number), data)


def _theme_one(visit):
    """(theme 1, its standards by code)."""
    with scopes_disabled():
        theme = visits.visit_themes(visit)[0]
        return theme, {code: s for code, s in standards(visit).items() if s.theme_id == theme.pk}


def _saved(visit, standard):
    with scopes_disabled():
        row = Judgement.objects.get(visit=visit, standard=standard)
        comment = ThemeComment.objects.filter(visit=visit).order_by("theme__number").values_list("comment", flat=True)
        return row.level, row.evidence, comment.first()


@pytest.fixture
def in_progress(world, la, provider, officer):
    return qa_visit_in_state(local_authority=la, provider=provider, state="in_progress", by=officer, now=NOW)


def test_typing_is_saved_and_answered_with_the_time(world, la, officer, login, in_progress):
    visit = in_progress
    _, codes = _theme_one(visit)
    first = next(iter(codes.values()))
    client = login(officer)
    with clock.frozen(NOW.replace(hour=10, minute=42)):  # 10:42 GMT
        response = _autosave(client, la, visit, {f"level_{first.pk}": "partially",
                                                 f"evidence_{first.pk}": EVIDENCE, "comment": "So far so good"})
    assert response.status_code == 200
    assert response.json() == {"saved": True, "saved_at": "10:42am"}
    assert _saved(visit, first) == ("partially", EVIDENCE, "So far so good")
    # The page opened again shows what was saved (the officer's reload).
    page = BeautifulSoup(client.get(url(la, "visit_theme", pk=visit.pk, number=1)).content, "html.parser")
    assert page.select_one(f"textarea[name=evidence_{first.pk}]").get_text().strip() == EVIDENCE
    assert page.select_one(f"input[name=level_{first.pk}][value=partially]").has_attr("checked")


def test_the_theme_page_names_its_autosave_and_has_a_status_line(world, la, officer, login, in_progress):
    response = login(officer).get(url(la, "visit_theme", pk=in_progress.pk, number=1))
    page = BeautifulSoup(response.content, "html.parser")
    form = page.select_one("form[data-autosave-url]")
    assert form["data-autosave-url"] == url(la, "visit_theme_autosave", pk=in_progress.pk, number=1)
    assert page.select_one("[data-autosave-status]")["role"] == "status"
    assert page.select_one("script[type=module][src$='build/qa-autosave.js']") is not None
    assert not page.find("script", src=False)  # no inline script (CSP: script-src 'self')


def test_an_answer_off_the_scale_is_refused_naming_the_standard_and_nothing_is_saved(world, la, officer, login,
                                                                                    in_progress):
    _, codes = _theme_one(in_progress)
    code, first = next(iter(codes.items()))
    before = _judgements(in_progress)
    response = _autosave(login(officer), la, in_progress, {f"level_{first.pk}": "excellent",
                                                           f"evidence_{first.pk}": EVIDENCE})
    assert response.status_code == 400
    assert response.json() == {"saved": False, "message": f"Choose a judgement for standard {code} from the list"}
    assert _judgements(in_progress) == before


@pytest.mark.parametrize("state", ["scheduled", "completed", "signed"])
def test_a_visit_not_in_progress_is_refused_in_json(world, la, provider, officer, login, state):
    if state == "signed":
        visit = completed_visit(world)
        sign_both(world, visit)
    else:
        visit = qa_visit_in_state(local_authority=la, provider=provider, state=state, by=officer, now=NOW)
    before = _judgements(visit)
    with scopes_disabled():
        theme = visits.visit_themes(visit)[0]
        first = visits.visit_standards(visit)[0]
    response = _autosave(login(officer), la, visit, {f"level_{first.pk}": "not_at_all", "comment": "Too late"},
                         number=theme.number)
    assert response.status_code == 409 and response.json()["saved"] is False
    assert {"scheduled": "has not started", "completed": "is completed", "signed": "is signed"}[state] in \
        response.json()["message"]
    assert _judgements(visit) == before


def _judgements(visit):
    with scopes_disabled():
        return sorted(Judgement.objects.filter(visit=visit).values_list("standard_id", "level", "evidence"))


def test_another_organisation_gets_404_and_a_role_without_qa_visits_403(world, la, officer, login, in_progress):
    _, codes = _theme_one(in_progress)
    first = next(iter(codes.values()))
    data = {f"level_{first.pk}": "fully", f"evidence_{first.pk}": EVIDENCE}
    before = _judgements(in_progress)
    other_la = world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER, "b")
    assert _autosave(login(other_la), world.org(K.LOCAL_AUTHORITY, "b"), in_progress, data).status_code == 404
    school_ap_lead = world.user(K.SCHOOL, Role.AP_LEAD)  # runs its own school's QA, not the LA's visit
    assert _autosave(login(school_ap_lead), world.org(K.SCHOOL), in_progress, data).status_code == 404
    ap_officer = world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER)
    assert _autosave(login(ap_officer), la, in_progress, data).status_code == 403
    assert login(officer).get(url(la, "visit_theme_autosave", pk=in_progress.pk, number=1)).status_code == 405
    assert _autosave(login(officer), la, in_progress, data, number=99).status_code == 404
    assert _judgements(in_progress) == before


def test_a_schools_own_termly_visit_autosaves_for_its_ap_lead(world, provider, login):
    school, lead = world.org(K.SCHOOL), world.user(K.SCHOOL, Role.AP_LEAD)
    visit = qa_visit_in_state(owner=school, provider=provider, state="in_progress", by=lead, now=NOW)
    with scope(organisation=school):
        theme = visits.visit_themes(visit)[0]
    response = _autosave(login(lead), school, visit, {"comment": "Termly check, first notes"}, number=theme.number)
    assert response.status_code == 200 and response.json()["saved"] is True
    with scopes_disabled():
        assert ThemeComment.objects.get(visit=visit, theme=theme).comment == "Termly check, first notes"
    assert VisitState.IN_PROGRESS == visit.state
