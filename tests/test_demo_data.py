import io

from django.core.management import call_command

from accounts.models import User
from placements.models import Pupil
from slas.models import ServiceLevelAgreement
from tenancy.models import Membership, Organisation
from tenancy.roles import ROLE_KINDS
from tenancy.scoping import scopes_disabled


def test_demo_data_is_complete_and_idempotent(db, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the signed SLA's PDF renders after the commit
        call_command("load_demo_data")
    first = capsys.readouterr().out
    call_command("load_demo_data")
    assert capsys.readouterr().out == first
    with scopes_disabled():
        counts = {kind: Organisation.objects.filter(kind=kind).count() for kind in ROLE_KINDS}
        assert counts == {"school": 2, "provider": 3, "local_authority": 1, "trust": 1}
        roles = set(Membership.objects.values_list("role", flat=True))
        assert roles == set().union(*ROLE_KINDS.values())  # a user for every role
        assert Pupil.objects.count() == 12
        slas = {sla.status: sla for sla in ServiceLevelAgreement.objects.all()}
        assert sorted(slas) == ["draft", "sent", "signed"]
        assert len(slas["signed"].pdf_sha256) == 64
        # The demo LA's 2026/27 year: a school in its area has its term-time days.
        import datetime as dt

        from attendance.calendar import school_days

        school = Organisation.objects.filter(kind="school", local_authority__slug="northshire").first()
        days = school_days(school, dt.date(2026, 9, 1), dt.date(2027, 8, 31))
        assert 185 <= len(days) <= 195 and dt.date(2026, 12, 25) not in days
    assert "demo-password-2026" in first
    assert User.objects.get(email="ap-lead@demo.apcommission.test").check_password("demo-password-2026")


def test_the_demo_has_registers_today_one_submitted_one_overdue_with_its_ladder_started(
        db, django_capture_on_commit_callbacks):
    """Item 9 of issue 11: a newcomer sees the loop at once, whatever the day they run the demo."""
    import datetime as dt

    from apcommission import clock
    from attendance.models import Register
    from escalation.models import Escalation
    from notifications.models import Notification

    now = dt.datetime(2027, 1, 13, 11, 0, tzinfo=dt.UTC)  # a Wednesday in term; any instant works
    with clock.frozen(now), django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_data", stdout=io.StringIO())
    with scopes_disabled():
        registers = list(Register.objects.filter(provider__slug="pathways", starts_at__lte=now).order_by("starts_at"))
        submitted, late = registers[-2:]
        assert submitted.submitted_at is not None and late.submitted_at is None
        assert late.due_at < now < late.ends_at
        assert late.sessions.count() == 2  # Pathways' pupils in AP, from two schools
        ladder = Escalation.objects.get(ladder="missing_register", target_id=late.pk)
        assert ladder.level == 1 and ladder.next_step_at == late.due_at + dt.timedelta(minutes=30)
        told = set(Notification.objects.filter(topic__startswith="register").values_list("user__email", flat=True))
        assert "attendance@demo.apcommission.test" in told  # the absence, and the missing register
        assert "provider-staff@demo.apcommission.test" in told  # the reminder
    with clock.frozen(now):  # loading again changes nothing
        call_command("load_demo_data", stdout=io.StringIO())
    with scopes_disabled():
        assert Register.objects.filter(provider__slug="pathways", starts_at__lte=now).count() == len(registers)
