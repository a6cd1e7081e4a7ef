"""Formal reviews and ceasing (issue 12 item 7, seed 002 "Monitoring" and "Ceasing").

The school opens a formal review when progress is unsatisfactory (a reason is required), records the
meeting (who attended, outcome, new targets); after the agreed number of unsatisfactory reviews (2
by default) or a review deciding to cease, the page offers ceasing, which ends the placement through
the one lifecycle with a reason and destination. A pupil in danger is ceased at once (no formal
review, a reason, the DSLs told urgently with no name or detail). Every refusal is a message in the
error summary, never a 500, and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse

from apcommission import clock
from apcommission.errors import Refusal
from escalation.models import Escalation
from notifications.models import Notification
from notifications.services import notifications_deliver
from placements.factories import placement_in_state
from placements.lifecycle import TRANSITIONS, Transition
from placements.models import Placement, PlacementEvent, State
from safeguarding import selectors, services
from safeguarding.models import Ceasing, EmergencyReview, FormalReview
from tenancy.models import AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role as R
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW, record


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


SENTINEL = "Quillfeather-progress-5521"
LATER = NOW + dt.timedelta(days=1)


@pytest.fixture
def frozen_now():
    with clock.frozen(NOW):
        yield NOW


def _school(world):
    return world.org(K.SCHOOL)


def open_review(world, reason=f"No progress in maths {SENTINEL}", now=NOW, **kwargs):
    school = _school(world)
    with scope(organisation=school):
        return services.formal_review_open(placement=world.placements["a"], reason=reason,
                                           by=world.user(K.SCHOOL, R.AP_LEAD), organisation=school, now=now, **kwargs)


def record_review(world, review, outcome="on_notice", now=LATER):
    school = _school(world)
    with scope(organisation=school):
        return services.formal_review_record(review=review, by=world.user(K.SCHOOL, R.HEADTEACHER),
                                            organisation=school, now=now, data={
                                                "held_on": now.date(), "school_attendees": "Head and AP lead",
                                                "pupil_attended": True, "parents_attended": False,
                                                "provider_attended": True, "provider_attendees": "Manager",
                                                "outcome": outcome, "new_targets": "Attend every maths session",
                                                "notes": ""})


def cease(world, ground, reason="Unsafe at the provider", destination="reintegration", now=LATER):
    school = _school(world)
    with scope(organisation=school):
        return services.placement_cease(placement=world.placements["a"], ground=ground, reason=reason,
                                        destination=destination, by=world.user(K.SCHOOL, R.HEADTEACHER),
                                        organisation=school, now=now)


def _state(world):
    with scopes_disabled():
        placement = Placement.objects.get(pk=world.placements["a"].pk)
        return placement.state, placement.end_reason, placement.destination, Ceasing.objects.count()


def _offer(world):
    with scope(organisation=_school(world)), clock.frozen(LATER):
        return selectors.cease_offer(world.placements["a"])


# --- Opening and recording ------------------------------------------------------------------

def test_opening_needs_a_reason_and_the_school_and_is_once_while_open(placed, django_capture_on_commit_callbacks):
    with pytest.raises(Refusal, match="Enter why"):
        open_review(placed, reason="  ")
    provider = placed.org(K.PROVIDER)
    with scope(organisation=provider), pytest.raises(Refusal, match="The school opens"):
        services.formal_review_open(placement=placed.placements["a"], reason="x", by=None, organisation=provider,
                                    now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        first = open_review(placed)
    # A review meeting found unsatisfactory while one is open joins it (the review helper's call).
    again = open_review(placed, reason="Meeting: still no progress", source="review_meeting", source_id=7)
    assert again.pk == first.pk
    with scopes_disabled():
        assert FormalReview.objects.count() == 1
        told = set(Notification.objects.filter(topic="formal_review").values_list("user__email", flat=True))
        assert AuditEvent.objects.filter(object_id=str(first.pk), detail="Opened a formal review").exists()
    assert told == {placed.user(K.SCHOOL, R.AP_LEAD).email, placed.user(K.SCHOOL, R.HEADTEACHER).email,
                    placed.user(K.PROVIDER, R.PROVIDER_MANAGER).email}
    notifications_deliver(now=NOW)
    pupil = placed.pupils["a"]
    for email in mail.outbox:
        assert SENTINEL not in email.body and pupil.first_name not in email.subject + email.body


def test_not_opened_unless_the_pupil_is_in_ap(world):
    with scopes_disabled():
        world.placements["a"] = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER),
                                                   state=State.AGREED, now=NOW)
    with pytest.raises(Refusal, match="while the pupil attends"):
        open_review(world)


def test_recording_the_meeting_needs_an_outcome_targets_and_a_past_date(placed):
    review = open_review(placed)
    school = _school(placed)
    base = {"held_on": LATER.date(), "outcome": "new_targets", "new_targets": ""}
    with scope(organisation=school):
        for data, message in ((base, "Enter the targets"), ({**base, "outcome": "maybe"}, "Choose the outcome"),
                              ({**base, "new_targets": "x", "held_on": LATER.date() + dt.timedelta(days=2)},
                               "today or in the past")):
            with pytest.raises(Refusal, match=message):
                services.formal_review_record(review=review, data=data, by=None, organisation=school, now=LATER)
    done = record_review(placed, review)
    assert (done.outcome, done.pupil_attended, done.parents_attended, done.closed_at) == ("on_notice", True, False,
                                                                                          LATER)
    with pytest.raises(Refusal, match="already been recorded"):
        record_review(placed, review)


def test_ceasing_is_offered_at_the_agreed_number_of_unsatisfactory_reviews(placed, settings):
    assert (_offer(placed).count, _offer(placed).agreed, _offer(placed).offered) == (0, 2, False)
    record_review(placed, open_review(placed))
    assert (_offer(placed).count, _offer(placed).offered) == (1, False)
    open_review(placed, now=LATER)
    assert (_offer(placed).count, _offer(placed).offered) == (2, True)
    settings.APC_UNSATISFACTORY_REVIEWS_BEFORE_CEASING = 3
    assert (_offer(placed).agreed, _offer(placed).offered) == (3, False)


def test_a_review_that_decides_to_cease_offers_it_at_once(placed):
    record_review(placed, open_review(placed), outcome="cease")
    assert (_offer(placed).count, _offer(placed).offered) == (1, True)


# --- Ceasing ----------------------------------------------------------------------------------

def test_ceasing_for_progress_is_refused_before_the_agreed_reviews(placed):
    before = _state(placed)
    record_review(placed, open_review(placed))
    with pytest.raises(Refusal, match="Hold a formal review first: 1 of the 2"):
        cease(placed, "progress")
    assert _state(placed) == before


def test_ceasing_for_progress_ends_the_placement_through_the_lifecycle(placed):
    record_review(placed, open_review(placed))
    second = open_review(placed, now=LATER)
    ended = cease(placed, "progress", reason="Still no progress", destination="further_education")
    assert _state(placed) == (State.ENDED, "ceased_progress", "further_education", 1)
    with scopes_disabled():
        event = PlacementEvent.objects.filter(placement=ended, transition=Transition.END).get()
        assert event.to_state == State.ENDED
        second.refresh_from_db()
        assert (second.outcome, second.closed_at) == ("cease", LATER)
        ceasing = Ceasing.objects.get()
        assert (ceasing.ground, ceasing.unsatisfactory_reviews, ceasing.formal_review_id) == ("progress", 2, second.pk)


def test_a_pupil_in_danger_is_ceased_at_once_and_the_dsls_are_told(placed, django_capture_on_commit_callbacks):
    for n in range(3):  # an emergency review open, on its overdue ladder
        record(placed, n=n)
    with pytest.raises(Refusal, match="Enter the reason"):
        cease(placed, "danger", reason=" ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cease(placed, "danger", reason=f"Exploitation risk {SENTINEL}", destination="other")
    assert _state(placed) == (State.ENDED, "ceased_safety", "other", 1)
    with scopes_disabled():
        assert not EmergencyReview.objects.filter(closed_at__isnull=True).exists()
        assert list(Escalation.objects.filter(ladder="emergency_review_overdue").values_list("next_step_at",
                                                                                              flat=True)) == [None]
        told = Notification.objects.filter(topic="placement_ceased_danger")
        assert {n.user.email for n in told} == {placed.user(K.SCHOOL, R.DSL).email,
                                                placed.user(K.PROVIDER, R.PROVIDER_DSL).email}
        assert all(n.urgent for n in told)
    notifications_deliver(now=LATER)
    pupil = placed.pupils["a"]
    dsl_mail = [m for m in mail.outbox if "danger" in m.subject]
    assert len(dsl_mail) == 2
    for email in mail.outbox:
        text = email.subject + email.body
        assert SENTINEL not in text and pupil.first_name not in text and pupil.last_name not in text


# --- Pages: refusals and who reads what -------------------------------------------------------

def _summary(response) -> list[str]:
    box = BeautifulSoup(response.content.decode(), "html.parser").select_one(".govuk-error-summary")
    return [" ".join(li.get_text(" ").split()) for li in box.select("li")] if box else []


CEASE_POST = {"ground": "danger", "reason": "Unsafe", "ended_on_0": NOW.day, "ended_on_1": NOW.month,
              "ended_on_2": NOW.year, "destination": "reintegration"}
REFUSED_STATES = sorted(s for s in State.values if s not in TRANSITIONS[Transition.END].sources)


@pytest.mark.parametrize("state", REFUSED_STATES)
def test_the_cease_page_refuses_in_every_state_the_lifecycle_does_not_end_from(world, login, frozen_now, state):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=state, now=NOW)
    with scopes_disabled():
        before = (Placement.objects.get(pk=placement.pk).state, PlacementEvent.objects.count())
    client = login(world.user(K.SCHOOL, R.HEADTEACHER))
    response = client.post(reverse("safeguarding:placement_cease", kwargs={"org": "school-a", "pk": placement.pk}),
                           CEASE_POST)
    assert 400 <= response.status_code < 500
    assert _summary(response) == [f"You cannot cease the placement now: it is {placement.get_state_display().lower()}"]
    with scopes_disabled():
        assert (Placement.objects.get(pk=placement.pk).state, PlacementEvent.objects.count()) == before


def test_the_cease_page_says_why_progress_cannot_cease_yet_and_ceases_in_danger(placed, login, frozen_now):
    client = login(placed.user(K.SCHOOL, R.AP_LEAD))
    url = reverse("safeguarding:placement_cease", kwargs={"org": "school-a", "pk": placed.placements["a"].pk})
    response = client.post(url, {**CEASE_POST, "ground": "progress"})
    assert response.status_code == 400
    assert _summary(response)[0].startswith("Hold a formal review first: 0 of the 2")
    assert client.post(url, {**CEASE_POST, "reason": ""}).status_code == 400
    assert _state(placed)[0] == State.ACTIVE
    response = client.post(url, CEASE_POST)
    assert response.status_code == 302
    assert _state(placed)[:2] == (State.ENDED, "ceased_safety")


def test_the_formal_review_pages_through_their_forms(placed, login, frozen_now):
    client = login(placed.user(K.SCHOOL, R.PASTORAL))
    pk = placed.placements["a"].pk
    opened = client.post(reverse("safeguarding:formal_open", kwargs={"org": "school-a", "pk": pk}), {"reason": ""})
    assert opened.status_code == 400 and _summary(opened)
    response = client.post(reverse("safeguarding:formal_open", kwargs={"org": "school-a", "pk": pk}),
                           {"reason": f"Behind in English {SENTINEL}"})
    assert response.status_code == 302
    with scopes_disabled():
        review = FormalReview.objects.get()
    url = reverse("safeguarding:formal_record", kwargs={"org": "school-a", "pk": review.pk})
    bad = client.post(url, {"outcome": "new_targets"})
    assert bad.status_code == 400 and "Enter the targets agreed at the formal review" in _summary(bad)
    good = client.post(url, {"held_on_0": NOW.day, "held_on_1": NOW.month, "held_on_2": NOW.year,
                             "school_attendees": "Head", "pupil_attended": "yes", "parents_attended": "yes",
                             "provider_attended": "no", "outcome": "cease", "new_targets": ""})
    assert good.status_code == 302
    listing = client.get(reverse("safeguarding:formal_list", kwargs={"org": "school-a", "pk": pk})).content.decode()
    assert 'data-unsatisfactory="1"' in listing and "Cease the placement" not in listing  # pastoral: no MAKE_REFERRALS
    head = login(placed.user(K.SCHOOL, R.HEADTEACHER))
    listing = head.get(reverse("safeguarding:formal_list", kwargs={"org": "school-a", "pk": pk})).content.decode()
    assert 'id="cease-offer"' in listing and "Cease the placement" in listing


@pytest.mark.parametrize(("kind", "role", "reads"), [
    (K.SCHOOL, R.HEADTEACHER, True), (K.SCHOOL, R.AP_LEAD, True), (K.SCHOOL, R.SENCO, True),
    (K.SCHOOL, R.ATTENDANCE_OFFICER, False), (K.PROVIDER, R.PROVIDER_MANAGER, True),
    (K.PROVIDER, R.PROVIDER_STAFF, True),
])
def test_who_reads_a_formal_review(placed, login, frozen_now, kind, role, reads):
    review = open_review(placed)
    org = placed.org(kind).slug
    client = login(placed.user(kind, role))
    for url in (reverse("safeguarding:formal_detail", kwargs={"org": org, "pk": review.pk}),
                reverse("safeguarding:formal_list", kwargs={"org": org, "pk": placed.placements["a"].pk})):
        response = client.get(url)
        assert response.status_code == 200
        if "formal-reviews/" in url and url.endswith(f"{review.pk}/"):
            assert (SENTINEL in response.content.decode()) is reads


def test_other_organisations_never_reach_it(placed, login, frozen_now):
    review = open_review(placed)
    for kind, role in ((K.SCHOOL, R.HEADTEACHER), (K.PROVIDER, R.PROVIDER_MANAGER)):
        client = login(placed.user(kind, role, "b"))
        response = client.get(reverse("safeguarding:formal_detail", kwargs={"org": placed.org(kind, "b").slug,
                                                                           "pk": review.pk}))
        assert response.status_code == 404 and SENTINEL not in response.content.decode()
