# Initial-assessment reminders move onto the escalation engine (issue 11 item 6): placements still
# owing their assessment get an "initial_assessment" ladder row, then the old sweep's stored time goes.

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

OWING_STATES = ("accepted", "agreed", "active", "emergency_review", "suspended")
LADDER = "initial_assessment"


def start_ladders(apps, schema_editor):
    """One ladder row per placement the old sweep still had to remind about, at the level it had
    reached: `assessment_reminder_at` NULL means both reminders went (or none is owed): no row; set to
    the overdue time means "due soon" went: level 1; otherwise level 0. The anchors are those of
    placements.rules.initial_assessment_reminder_times (copied: migrations do not import app code)."""
    from apcommission import clock

    Placement = apps.get_model("placements", "Placement")
    Escalation = apps.get_model("escalation", "Escalation")
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = (Placement._base_manager.filter(state__in=OWING_STATES, initial_assessment_done_on__isnull=True,
                                           initial_assessment_due__isnull=False, assessment_reminder_at__isnull=False)
            .values_list("pk", "school_id", "provider_id", "initial_assessment_due", "assessment_reminder_at"))
    if not rows.exists():  # a fresh install: nothing to carry over
        return
    london, days = ZoneInfo("Europe/London"), int(getattr(settings, "APC_INITIAL_ASSESSMENT_REMINDER_DAYS", 2))
    target_type, _ = ContentType.objects.get_or_create(app_label="placements", model="placement")
    now = clock.now()
    ladder_rows = []
    for pk, school_id, provider_id, due, reminder_at in rows.iterator():
        soon = dt.datetime.combine(due - dt.timedelta(days=days), dt.time(0), tzinfo=london).astimezone(dt.UTC)
        overdue = dt.datetime.combine(due + dt.timedelta(days=1), dt.time(0), tzinfo=london).astimezone(dt.UTC)
        level = 1 if reminder_at == overdue else 0
        ladder_rows.append(Escalation(
            ladder=LADDER, target_type=target_type, target_id=pk, organisation_id=school_id,
            other_organisation_id=provider_id, anchors={"due_soon": soon.isoformat(), "overdue": overdue.isoformat()},
            level=level, next_step_at=overdue if level else soon, started_at=now))
    Escalation._base_manager.bulk_create(ladder_rows, ignore_conflicts=True, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0008_agreement_effective_from_current_pointer'),
        ('escalation', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RunPython(start_ladders, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name='placement',
            name='placement_assessment_reminder',
        ),
        migrations.RemoveField(
            model_name='placement',
            name='assessment_reminder_at',
        ),
    ]
