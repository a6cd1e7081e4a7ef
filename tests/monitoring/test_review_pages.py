"""Review meeting pages (issue 12 items 4, 9): recorded through the GOV.UK form (draft, errors, submit),
listed on the placement's monitoring page; what each role reads of a submitted meeting (a sentinel in
its comments and in a target's progress: every role that reads education, the provider once
submitted, never another school or provider); the PDF read back; the timeline source; the dashboard."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from apcommission import clock
from escalation.models import Escalation
from monitoring import reviews
from monitoring.models import ReviewMeeting
from monitoring.review_timeline import review_entries
from placements.models import Placement
from tenancy.roles import ROLE_KINDS, Role, role_has
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope, scopes_disabled
from tenancy.visibility import DataGroup, can_read

from . import test_pages
from .conftest import D
from .test_pages import NOW, soup

frozen, placed = test_pages.frozen, test_pages.placed  # the visits' fixtures: a fixed clock, a placement in AP


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


COMMENTS = "SENTINEL-REVIEW-COMMENTS settled and punctual"
PROGRESS = "SENTINEL-TARGET-PROGRESS 96 percent"
NEXT = D(2026, 12, 10)


def url(name, world, kind=K.SCHOOL, side="a", **kwargs):
    return reverse(f"monitoring:{name}", kwargs={"org": world.org(kind, side).slug, **kwargs})


def meeting(world, *, submit=True, next_review_on=NEXT):
    school = world.org(K.SCHOOL)
    with scope(organisation=school):
        return reviews.review_save(
            placement=world.placements["a"], by=world.user(K.SCHOOL, Role.AP_LEAD), organisation=school, now=NOW,
            submit=submit, targets={0: {"outcome": "kept", "progress": PROGRESS}},
            values={"held_on": D(2026, 12, 2), "parents_invited": False, "safeguarding_queries": False,
                    "comments": COMMENTS, "next_review_on": next_review_on})


def form_data(**answers):
    data = {"held_on_0": "2", "held_on_1": "12", "held_on_2": "2026", "attended": ["school", "provider"],
            "parents_invited": "yes", "parents_invited_how": "phone", "parents_attended": "no",
            "attendance_percent": "92.5", "safeguarding_queries": "no", "comments": COMMENTS,
            "target_0_outcome": "revised", "target_0_new_wording": "97% attendance", "target_0_progress": PROGRESS,
            "next_review_on_0": "20", "next_review_on_1": "1", "next_review_on_2": "2027"}
    data.update(answers)
    return data


def test_a_review_is_saved_as_a_draft_then_submitted_through_the_form(placed, login):
    client = login(placed.user(K.SCHOOL, Role.PASTORAL))
    new = url("review_create", placed, pk=placed.placements["a"].pk)
    page = soup(client.get(new))
    assert "Target 1: 95% attendance at the provider" in page.get_text()
    assert page.select_one('input[name="held_on_0"]')["value"] == "3"

    assert client.post(new, {"draft": "Save and come back later", "comments": COMMENTS}).status_code == 302
    with scopes_disabled():
        draft = ReviewMeeting.objects.get()
    assert draft.state == "draft" and draft.comments == COMMENTS
    assert client.get(new).url.endswith(url("review_edit", placed, pk=draft.pk))  # one draft: continue it

    edit = url("review_edit", placed, pk=draft.pk)
    refused = client.post(edit, form_data(held_on_0="", held_on_1="", held_on_2="", parents_invited_how="",
                                          target_0_new_wording="", next_review_on_0="", next_review_on_1="",
                                          next_review_on_2=""))
    assert refused.status_code == 400
    summary = soup(refused).select_one(".govuk-error-summary").get_text()
    for message in ("Enter the date of the review meeting", "Select how the parents or carers were invited",
                    "Enter the revised target for target 1", "Enter the date of the next review meeting"):
        assert message in summary
    for link in soup(refused).select(".govuk-error-summary a"):  # each summary link lands on its question
        assert soup(refused).find(id=link["href"].lstrip("#")), link["href"]

    done = client.post(edit, form_data())
    assert done.status_code == 302 and done.url == url("review_detail", placed, pk=draft.pk)
    with scopes_disabled():
        draft.refresh_from_db()
        assert draft.state == "submitted" and draft.parents_invited_how == "phone"
        assert Escalation.objects.filter(ladder="review_overdue", target_id=draft.placement_id).exists()
    assert client.get(edit).status_code == 302  # a submitted meeting does not change
    monitoring = soup(client.get(url("placement_monitoring", placed, pk=placed.placements["a"].pk)))
    assert monitoring.select_one('[data-testid="reviews"] a')["href"] == url("review_detail", placed, pk=draft.pk)
    assert "Next review meeting: 20 January 2027" in monitoring.get_text()
    assert "97% attendance" in client.get(url("review_detail", placed, pk=draft.pk)).content.decode()


def _readers():
    for kind in (K.SCHOOL, K.TRUST, K.PROVIDER):
        for role in sorted(ROLE_KINDS[kind]):
            if role_has(role, C.VIEW_PUPILS):
                yield kind, role


@pytest.mark.parametrize(("kind", "role"), list(_readers()))
def test_each_role_reads_the_comments_and_targets_only_if_it_reads_education(placed, login, kind, role):
    review = meeting(placed)
    client = login(placed.user(kind, role))
    text = client.get(url("review_detail", placed, kind, pk=review.pk)).content.decode()
    expected = can_read(role, DataGroup.EDUCATION)
    assert (COMMENTS in text) == expected and (PROGRESS in text) == expected
    assert "Date of the review meeting" in text


def test_a_provider_never_reads_a_draft_and_other_organisations_read_nothing(placed, login):
    draft = meeting(placed, submit=False)
    client = login(placed.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    assert client.get(url("review_detail", placed, K.PROVIDER, pk=draft.pk)).status_code == 404
    page = client.get(url("placement_monitoring", placed, K.PROVIDER, pk=placed.placements["a"].pk)).content.decode()
    assert "No review meetings recorded yet" in page and COMMENTS not in page
    with scopes_disabled():
        ReviewMeeting.objects.filter(pk=draft.pk).delete()
    review = meeting(placed)
    for kind, role in ((K.SCHOOL, Role.AP_LEAD), (K.PROVIDER, Role.PROVIDER_MANAGER), (K.TRUST, Role.TRUST_EXECUTIVE)):
        other = login(placed.user(kind, role, "b"))
        response = other.get(url("review_detail", placed, kind, "b", pk=review.pk))
        assert response.status_code == 404 and COMMENTS not in response.content.decode()
    la = login(placed.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    response = la.get(url("review_detail", placed, K.LOCAL_AUTHORITY, pk=review.pk))
    assert response.status_code == 403 and COMMENTS not in response.content.decode()


def test_the_review_exports_as_a_pdf(placed, login):
    from pypdf import PdfReader

    review = meeting(placed)
    for kind, role in ((K.SCHOOL, Role.AP_LEAD), (K.PROVIDER, Role.PROVIDER_STAFF)):
        response = login(placed.user(kind, role)).get(url("review_pdf", placed, kind, pk=review.pk))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        compact = "".join(text.split())  # table cells wrap mid-word
        assert "reviewmeeting" in compact.lower() and "PupilA" in compact
        assert "".join(COMMENTS.split()) in compact and "".join(PROGRESS.split()) in compact
    attendance = login(placed.user(K.SCHOOL, Role.ATTENDANCE_OFFICER)).get(url("review_pdf", placed, pk=review.pk))
    compact = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(attendance.content)).pages).split())
    assert "".join(COMMENTS.split()) not in compact


def test_the_timeline_source_lists_meetings_and_the_next_review(placed):
    review = meeting(placed)
    school = placed.member(K.SCHOOL, Role.AP_LEAD)
    with scope(organisation=placed.org(K.SCHOOL)):
        entries = review_entries(placed.placements["a"], school)
    assert [(e.title, e.state) for e in entries] == [("Review meeting", "Held"), ("Next review meeting", "Due")]
    assert entries[0].url == url("review_detail", placed, pk=review.pk)
    with clock.frozen(clock.london(D(2026, 12, 11), dt.time(9, 0))), scope(organisation=placed.org(K.SCHOOL)):
        assert review_entries(placed.placements["a"], school)[1].state == "Overdue"
    provider = placed.member(K.PROVIDER, Role.PROVIDER_MANAGER)
    with scopes_disabled():
        fresh = Placement.objects.get(pk=placed.placements["a"].pk)  # nothing of it read yet
    with scope(organisation=placed.org(K.PROVIDER, "b")):
        assert review_entries(fresh, placed.member(K.PROVIDER, Role.PROVIDER_MANAGER, "b")) == []
    with scopes_disabled():
        ReviewMeeting.objects.all().delete()
    meeting(placed, submit=False)
    with scope(organisation=placed.org(K.PROVIDER)):
        # A draft is the school's; before any meeting the next review is the agreement's first review date
        # (when the page loaded the agreement with the placement).
        loaded = Placement.objects.select_related("current_agreement").get(pk=placed.placements["a"].pk)
        assert [(e.title, e.at) for e in review_entries(loaded, provider)] == [("Next review meeting", D(2026, 10, 19))]


def test_the_dashboard_lists_a_review_due_then_overdue(placed, login):
    from tests.dashboards.conftest import read_dashboard

    meeting(placed, next_review_on=D(2026, 12, 8))
    lead = placed.member(K.SCHOOL, Role.AP_LEAD)
    client = login(placed.user(K.SCHOOL, Role.AP_LEAD))
    due = [t for t, _ in read_dashboard(client, lead).attention if t.startswith("Review meeting for PupilA")]
    assert len(due) == 1
    with clock.frozen(clock.london(D(2026, 12, 9), dt.time(9, 0))):
        items = read_dashboard(client, lead).attention
    assert any(t.startswith("Review meeting for PupilA") for t, _ in items)
    other = login(placed.user(K.SCHOOL, Role.AP_LEAD, "b"))
    assert not any(t.startswith("Review meeting") for t, _ in read_dashboard(
        other, placed.member(K.SCHOOL, Role.AP_LEAD, "b")).attention)
