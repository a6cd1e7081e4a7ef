# Provider expiry reminders move onto the escalation engine (issue 11 item 6): each row the old
# daily sweep still had to remind about gets its expiry ladder row, then the sweep's fields go.

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

REMINDER_TIME = dt.time(6, 30)  # providers.ladders.REMINDER_TIME


def start_ladders(apps, schema_editor):
    """One ladder row per item the old sweep still watched (its `*next_reminder_on` set), at the
    level it had reached: the stored day equal to the expiry date means the 30-day reminder went
    (level 1); earlier, nothing went yet (level 0). Anchors as providers.ladders.expiry_anchors
    (copied: migrations do not import app code). NULL: both went, or nothing is owed: no row."""
    from apcommission import clock

    PolicyDocument = apps.get_model("providers", "PolicyDocument")
    StaffVetting = apps.get_model("providers", "StaffVetting")
    Escalation = apps.get_model("escalation", "Escalation")
    ContentType = apps.get_model("contenttypes", "ContentType")
    sources = (
        ("document_expiry", "policydocument",
         PolicyDocument._base_manager.filter(is_current=True, next_reminder_on__isnull=False)
         .values_list("pk", "provider_id", "review_on", "next_reminder_on")),
        ("dbs_expiry", "staffvetting",
         StaffVetting._base_manager.filter(is_active=True, dbs_due_on__isnull=False, dbs_next_reminder_on__isnull=False)
         .values_list("pk", "provider_id", "dbs_due_on", "dbs_next_reminder_on")),
        ("training_expiry", "staffvetting",
         StaffVetting._base_manager.filter(is_active=True, training_due_on__isnull=False,
                                           training_next_reminder_on__isnull=False)
         .values_list("pk", "provider_id", "training_due_on", "training_next_reminder_on")),
    )
    london, days = ZoneInfo("Europe/London"), int(getattr(settings, "APC_EXPIRY_WARNING_DAYS", 30))
    now = clock.now()
    for ladder, model_name, rows in sources:
        if not rows.exists():  # a fresh install: nothing to carry over
            continue
        target_type, _ = ContentType.objects.get_or_create(app_label="providers", model=model_name)
        ladder_rows = []
        for pk, provider_id, due, next_on in rows.iterator():
            soon = dt.datetime.combine(due - dt.timedelta(days=days), REMINDER_TIME, tzinfo=london).astimezone(dt.UTC)
            expired = dt.datetime.combine(due, REMINDER_TIME, tzinfo=london).astimezone(dt.UTC)
            level = 1 if next_on >= due else 0
            ladder_rows.append(Escalation(
                ladder=ladder, target_type=target_type, target_id=pk, organisation_id=provider_id,
                anchors={"soon": soon.isoformat(), "expired": expired.isoformat()}, level=level,
                next_step_at=expired if level else soon, started_at=now))
        Escalation._base_manager.bulk_create(ladder_rows, ignore_conflicts=True, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('providers', '0004_suitability_justification'),
        ('escalation', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RunPython(start_ladders, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name='policydocument',
            name='document_reminder_due',
        ),
        migrations.RemoveIndex(
            model_name='staffvetting',
            name='vetting_dbs_reminder_due',
        ),
        migrations.RemoveIndex(
            model_name='staffvetting',
            name='vetting_training_reminder_due',
        ),
        migrations.RemoveField(
            model_name='policydocument',
            name='next_reminder_on',
        ),
        migrations.RemoveField(
            model_name='staffvetting',
            name='dbs_next_reminder_on',
        ),
        migrations.RemoveField(
            model_name='staffvetting',
            name='training_next_reminder_on',
        ),
    ]
