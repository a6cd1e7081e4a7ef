"""The placement record (issue 14 item 1): one record per placement and one per pupil across
placements, as a page and a PDF.

Who reads what is checked with sentinel strings for every role of every organisation kind, on a
placement that is live and then ended (the provider after the end keeps PROVIDER_AFTER_END), with
the expectations read from the visibility table (tenancy.visibility): education (the substance of
reviews and, for the school's side, of visits; targets and progress, exam results, the destination's
details, the final report and the pupil's own view), attendance (figures, the final report's
attendance line), incident counts for those who read incident reports, safeguarding concerns (dates
only) for the placement's DSLs. A concern's content is never on the record. The pupil record lists
every placement that ran, with the same cut, and costs the same queries with one placement or ten,
ten timeline rows or a hundred.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcommission import clock
from attendance.factories import register_with_sessions
from attendance.models import ExpectedSession
from exams.models import ExamEntry
from monitoring import reviews, services
from monitoring.models import Visit, VisitState
from monitoring.review_models import ReviewMeeting, ReviewState, TargetReview
from placements import services as placement_services
from placements.factories import placement_in_state
from safeguarding import services as safeguarding_services
from safeguarding.models import Incident
from tenancy.roles import ROLE_KINDS, Capability, Role, role_has
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope, scopes_disabled
from tenancy.visibility import PROVIDER_AFTER_END, DataGroup, can_read

D = dt.date
NOW = clock.london(D(2026, 11, 25), dt.time(14, 0))
START = D(2026, 9, 7)

VISIT = "SENTINEL-VISIT-PROGRESS welding unit done"
REVIEW = "SENTINEL-REVIEW-COMMENT settled half term"
PROGRESS = "SENTINEL-TARGET-PROGRESS 96 per cent"
CONCERN = "SENTINEL-CONCERN-DETAIL bruise on arm"
FINAL = "SENTINEL-FINAL-ATTAINMENT level 1 certificate"
FINAL_ATTENDANCE = "SENTINEL-FINAL-ATTENDANCE steady"
PUPIL_VIEW = "SENTINEL-PUPIL-VIEW I liked the workshop"
DESTINATION = "SENTINEL-DESTINATION back to year 10"
GRADE = "SENTINEL-GRADE Merit"


def _record_data(world):
    """Side a's pupil at provider a: four sessions (three attended), a submitted visit and review
    meeting, two behaviour incidents and an accident, one safeguarding concern."""
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="active",
                                   now=NOW, start=START)
    for day in range(4):
        register_with_sessions(placements=[placement], starts_at=clock.london(D(2026, 11, 16 + day), dt.time(9, 0)))
    with scopes_disabled():
        for session in ExpectedSession.objects.filter(placement=placement).order_by("starts_at")[:3]:
            session.mark = "present"
            session.save()
    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    lead = world.user(K.SCHOOL, Role.AP_LEAD)
    with clock.frozen(NOW), scope(organisation=school):
        services.visit_save(placement=placement, by=lead, organisation=school, now=NOW, submit=True,
                            values={"visited_on": D(2026, 11, 20), "visited_time": dt.time(10, 0), "visitor": lead,
                                    "safeguarding_concerns": False, "parent_contacted": True,
                                    "progress_attainment": VISIT})
        reviews.review_save(placement=placement, by=lead, organisation=school, now=NOW, submit=True,
                            values={"held_on": D(2026, 11, 23), "parents_invited": True, "parents_invited_how": "phone",
                                    "parents_attended": False, "safeguarding_queries": False,
                                    "next_review_on": D(2027, 1, 20), "comments": REVIEW},
                            targets={0: {"outcome": "kept", "progress": PROGRESS}})
    with clock.frozen(NOW), scope(organisation=provider):
        staff = world.user(K.PROVIDER, Role.PROVIDER_STAFF)
        for n, kind in enumerate(("behaviour", "behaviour", "accident")):
            safeguarding_services.incident_record(
                placement=placement, kind=kind, by=staff, organisation=provider, now=NOW,
                data={"occurred_at": NOW - dt.timedelta(hours=n + 1), "location": "Workshop", "description": "Shouted",
                      "action_taken": "Talked it through", "parent_informed": False})
        safeguarding_services.concern_raise(placement=placement, by=staff, organisation=provider, now=NOW,
                                            data={"occurred_at": NOW, "what": CONCERN, "people": "Tutor",
                                                  "immediate_action": "Told the DSL"})
    with scopes_disabled():  # a result recorded (exams' own pages and rules are tested in tests/exams)
        ExamEntry.objects.create(placement=placement, school=school, provider=provider, qualification="BTEC Engineering",
                                 awarding_body="Pearson", series="Summer 2027", first_exam_on=D(2026, 11, 10),
                                 venue="provider", grade=GRADE, result_on=D(2026, 11, 20), created_at=NOW)
    return placement


def _end(world, placement):
    school = world.org(K.SCHOOL)
    with clock.frozen(NOW), scope(organisation=school):
        return placement_services.placement_end(
            placement=placement, by=world.user(K.SCHOOL, Role.AP_LEAD), organisation=school, now=NOW,
            data={"ended_on": D(2026, 11, 25), "end_reason": "completed", "destination": "reintegration",
                  "destination_details": DESTINATION, "final_attainment": FINAL, "final_progress": "Good",
                  "final_attendance": FINAL_ATTENDANCE, "final_behaviour": "Calmer", "pupil_view": PUPIL_VIEW})


def _get(client, name, org, pk):
    with clock.frozen(NOW):
        return client.get(reverse(f"oversight:{name}", kwargs={"org": org.slug, "pk": pk}))


def _testids(response) -> set[str]:
    page = BeautifulSoup(response.content.decode(), "html.parser")
    return {el["data-testid"] for el in page.select("[data-testid]")}


def _expect(kind, role, *, ended):
    """What this role reads of the record, from the visibility table."""
    def reads(group):
        if not can_read(role, group):
            return False
        return group in PROVIDER_AFTER_END if (kind == K.PROVIDER and ended) else True

    dsl = role_has(role, Capability.SHARE_SAFEGUARDING) and kind in (K.SCHOOL, K.PROVIDER)
    return {"education": reads(DataGroup.EDUCATION), "attendance": reads(DataGroup.ATTENDANCE),
            "identity": reads(DataGroup.IDENTITY),
            "incidents": kind == K.PROVIDER or (kind == K.SCHOOL and reads(DataGroup.EDUCATION)), "concerns": dsl}


def _check(response, kind, role, *, ended):
    assert response.status_code == 200, (kind, role)
    text = response.content.decode()
    want = _expect(kind, role, ended=ended)
    ids = _testids(response)
    where = (kind, role, "ended" if ended else "live")
    assert "Provider A" in text, where  # the placement's own facts, for everyone who reaches it
    assert ("PupilA" in text) == want["identity"], where
    for sentinel in (REVIEW, PROGRESS, GRADE):
        assert (sentinel in text) == want["education"], (where, sentinel)
    # A school's visit record: the provider reads when and who visited, not what the school wrote.
    assert (VISIT in text) == (want["education"] and kind != K.PROVIDER), where
    assert "20 November 2026" in text, where
    assert ("targets" in ids) == ("exams" in ids) == want["education"], where
    assert ("attendance" in ids) == want["attendance"], where
    if want["attendance"]:
        assert "75.0% (3 of 4 sessions)" in text, where
    assert ("incidents" in ids) == want["incidents"], where
    assert ("concerns" in ids) == want["concerns"], where
    assert CONCERN not in text, where  # a concern's content never leaves its restricted record
    if ended:
        for sentinel in (FINAL, PUPIL_VIEW, DESTINATION):
            assert (sentinel in text) == want["education"], (where, sentinel)
        assert (FINAL_ATTENDANCE in text) == want["attendance"], where
        assert "Reintegration into school" in text, where
    return text


READERS = {K.SCHOOL, K.PROVIDER, K.TRUST}


def _every_role():
    for kind in (K.SCHOOL, K.PROVIDER, K.TRUST, K.LOCAL_AUTHORITY):
        for role in sorted(ROLE_KINDS[kind]):
            yield kind, role


def test_who_reads_what_of_the_placement_record_live_and_after_it_ended(world, login):
    placement = _record_data(world)
    for role in sorted(ROLE_KINDS[K.PROVIDER]):  # while it runs, the provider reads what the school shared
        response = _get(login(world.user(K.PROVIDER, role)), "placement_record", world.org(K.PROVIDER), placement.pk)
        if role_has(role, Capability.VIEW_PUPILS):
            _check(response, K.PROVIDER, role, ended=False)
        else:
            assert response.status_code == 403
    _end(world, placement)
    for kind, role in _every_role():
        client = login(world.user(kind, role))
        response = _get(client, "placement_record", world.org(kind), placement.pk)
        if kind in READERS and role_has(role, Capability.VIEW_PUPILS):
            text = _check(response, kind, role, ended=True)
            if kind == K.SCHOOL and role == Role.AP_LEAD:
                assert "Behaviour incidents" in text and "Health and safety accidents" in text
        else:
            assert response.status_code == 403, (kind, role)
            assert FINAL.encode() not in response.content
        if kind != K.PROVIDER:  # the pupil record: the school and its trust
            pupil = _get(client, "pupil_record", world.org(kind), placement.pupil_id)
            if kind in READERS and role_has(role, Capability.VIEW_PUPILS):
                _check(pupil, kind, role, ended=True)
            else:
                assert pupil.status_code == 403, (kind, role)


def test_incident_counts_only(world, login):
    placement = _record_data(world)
    client = login(world.user(K.SCHOOL, Role.HEADTEACHER))
    page = BeautifulSoup(_get(client, "placement_record", world.org(K.SCHOOL), placement.pk).content.decode(),
                         "html.parser")
    incidents = page.select_one('[data-testid="incidents"]')
    rows = {dt_.get_text(strip=True): dd.get_text(strip=True)
            for dt_, dd in zip(incidents.select("dt"), incidents.select("dd"), strict=True)}
    assert rows == {"Behaviour incidents": "2", "Health and safety accidents": "1"}
    assert "Shouted" not in incidents.get_text()
    concerns = page.select_one('[data-testid="concerns"]')
    assert concerns is None  # the headteacher is not the DSL
    dsl = BeautifulSoup(_get(login(world.user(K.SCHOOL, Role.DSL)), "placement_record", world.org(K.SCHOOL),
                             placement.pk).content.decode(), "html.parser")
    assert "1 restricted record, raised on:" in dsl.select_one('[data-testid="concerns"]').get_text(" ", strip=True)


def _pdf_text(response) -> str:
    from pypdf import PdfReader

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_pdf_carries_what_the_reader_reads(world, login):
    placement = _end(world, _record_data(world))
    lead = _pdf_text(_get(login(world.user(K.SCHOOL, Role.AP_LEAD)), "placement_record_pdf", world.org(K.SCHOOL),
                          placement.pk))
    for sentinel in (VISIT, REVIEW, PROGRESS, FINAL, PUPIL_VIEW, FINAL_ATTENDANCE, "PupilA", "75.0% (3 of 4 sessions)"):
        assert sentinel in lead, sentinel
    assert "restricted record" not in lead and CONCERN not in lead  # the AP lead is not the DSL
    trust = _pdf_text(_get(login(world.user(K.TRUST, Role.TRUST_EXECUTIVE)), "pupil_record_pdf", world.org(K.TRUST),
                           placement.pupil_id))
    assert "PupilA" in trust and "75.0% (3 of 4 sessions)" in trust and FINAL_ATTENDANCE in trust
    for sentinel in (VISIT, REVIEW, PROGRESS, FINAL, PUPIL_VIEW, DESTINATION, "Incidents", CONCERN):
        assert sentinel not in trust, sentinel
    provider_dsl = _pdf_text(_get(login(world.user(K.PROVIDER, Role.PROVIDER_DSL)), "placement_record_pdf",
                                  world.org(K.PROVIDER), placement.pk))
    assert FINAL in provider_dsl and "1 restricted record" in provider_dsl and CONCERN not in provider_dsl


def test_the_pupil_record_lists_each_placement_that_ran(world, login):
    first = _end(world, _record_data(world))
    second = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="active", now=NOW,
                                start=D(2026, 11, 30))
    draft = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="draft", now=NOW)
    response = _get(login(world.user(K.SCHOOL, Role.AP_LEAD)), "pupil_record", world.org(K.SCHOOL), first.pupil_id)
    page = BeautifulSoup(response.content.decode(), "html.parser")
    shown = [int(s["data-placement"]) for s in page.select('[data-testid="placement-record"]')]
    assert shown == [first.pk, second.pk] and draft.pk not in shown
    assert page.title.get_text().startswith("Placement record: PupilA")
    totals = page.select_one('[data-testid="totals"]').get_text(" ", strip=True)
    assert "Placements 2" in totals and "75.0% (3 of 4 sessions)" in totals


def test_the_placement_and_pupil_pages_link_to_the_record(world, login):
    placement = _record_data(world)
    client = login(world.user(K.SCHOOL, Role.PASTORAL))
    org = world.org(K.SCHOOL).slug
    with clock.frozen(NOW):
        detail = client.get(reverse("placements:placement_detail", kwargs={"org": org, "pk": placement.pk}))
        pupil = client.get(reverse("placements:pupil_detail", kwargs={"org": org, "pk": placement.pupil_id}))
    assert reverse("oversight:placement_record", kwargs={"org": org, "pk": placement.pk}) in detail.content.decode()
    assert reverse("oversight:pupil_record", kwargs={"org": org, "pk": placement.pupil_id}) in pupil.content.decode()


# --- Query budget ---------------------------------------------------------------------------------

def _rows(placement, n, by, *, first=0):
    """n submitted visits, n review meetings (each with a reviewed target), n incidents and n sessions,
    written directly: the volume for the query count, not the services' rules."""
    with scopes_disabled():
        meetings = ReviewMeeting.objects.bulk_create([ReviewMeeting(
            placement=placement, school_id=placement.school_id, provider_id=placement.provider_id,
            state=ReviewState.SUBMITTED, held_on=D(2026, 10, 1) + dt.timedelta(days=i), comments=f"R{i}",
            created_at=NOW, updated_at=NOW, submitted_at=NOW) for i in range(first, first + n)])
        TargetReview.objects.bulk_create([TargetReview(meeting=m, wording="Attend", progress="Yes", outcome="kept")
                                          for m in meetings])
        Visit.objects.bulk_create([Visit(placement=placement, school_id=placement.school_id,
                                         provider_id=placement.provider_id, state=VisitState.SUBMITTED,
                                         visited_on=D(2026, 10, 1) + dt.timedelta(days=i), visitor=by,
                                         created_at=NOW, updated_at=NOW, submitted_at=NOW)
                                   for i in range(first, first + n)])
        Incident.objects.bulk_create([Incident(placement=placement, kind="behaviour", occurred_at=NOW,
                                               location="Yard", description="x", action_taken="y", recorded_at=NOW,
                                               recorded_by_organisation_id=placement.provider_id) for _ in range(n)])
    for i in range(first, first + n):
        register_with_sessions(placements=[placement], starts_at=clock.london(D(2026, 10, 1), dt.time(9, 0))
                               + dt.timedelta(days=i))


def _count(client, name, org, pk) -> int:
    _get(client, name, org, pk)  # once before counting: per-process caches (content types) are warm
    with CaptureQueriesContext(connection) as queries:
        assert _get(client, name, org, pk).status_code == 200
    return len(queries)


def test_the_pupil_record_costs_the_same_with_one_placement_or_ten(world, login):
    school, lead = world.org(K.SCHOOL), world.user(K.SCHOOL, Role.AP_LEAD)
    few = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="ended", now=NOW)
    _rows(few, 10, lead)
    with scopes_disabled():
        many_pupil = type(world.pupils["a"]).objects.create(school=school, first_name="Many", last_name="Placements",
                                                            date_of_birth=D(2011, 3, 1), year_group=10, upn="")
    for _ in range(10):
        placement = placement_in_state(pupil=many_pupil, provider=world.org(K.PROVIDER), state="ended", now=NOW)
        _rows(placement, 10, lead)
    for kind, role in ((K.SCHOOL, Role.DSL), (K.TRUST, Role.TRUST_EXECUTIVE)):
        client = login(world.user(kind, role))
        one = _count(client, "pupil_record", world.org(kind), few.pupil_id)
        assert _count(client, "pupil_record", world.org(kind), many_pupil.pk) == one, role


@pytest.mark.parametrize("kind, role", [(K.SCHOOL, Role.AP_LEAD), (K.PROVIDER, Role.PROVIDER_DSL)])
def test_the_placement_record_costs_the_same_with_ten_rows_or_a_hundred(world, login, kind, role):
    lead = world.user(K.SCHOOL, Role.AP_LEAD)
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="active", now=NOW)
    _rows(placement, 10, lead)
    client = login(world.user(kind, role))
    ten = _count(client, "placement_record", world.org(kind), placement.pk)
    _rows(placement, 90, lead, first=10)
    assert _count(client, "placement_record", world.org(kind), placement.pk) == ten
