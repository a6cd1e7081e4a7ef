"""The frameworks shipped with the app (owner null: every LA and school reads and copies them,
nobody edits them), each as a published version 1:

* seed 001 §18, the LA's "Quality assurance (QA) framework for unregulated alternative providers":
  5 themes, standards 1a-1i, 2a-2g, 3a-3f, 4a-4f, 5a-5d worded as the seed words them, and the
  scale Fully / Partially / Limited evidence / Not at all;
* seed 001 §12, the commissioning school's termly quality assurance of a provider: its 8 key
  areas (taken from Ofsted), each a theme with the area as its one question, on the same scale.

The content is frozen here (a migration never imports app code that may change later);
tests/qa_framework/test_framework_shipped.py compares it with a table written from the seed.
Going back deletes the shipped frameworks (a version a visit used is protected and stops it).
"""

import datetime as dt

from django.db import migrations

SHIPPED_AT = dt.datetime(2026, 11, 29, 0, 0, tzinfo=dt.UTC)

SCALE = [
    {"code": "fully", "label": "Fully", "score": 3},
    {"code": "partially", "label": "Partially", "score": 2},
    {"code": "limited", "label": "Limited evidence", "score": 1},
    {"code": "not_at_all", "label": "Not at all", "score": 0},
]

PROVIDER_QA_TITLE = "Quality assurance framework for unregulated alternative providers"
SCHOOL_QA_TITLE = "Termly quality assurance of an alternative provider"

PROVIDER_QA = [
    ("Safeguarding and the wellbeing of children", [
        ("1a", "All staff and proprietors have appropriate recruitment checks including an enhanced Disclosure and "
               "Barring Service check, which are recorded on a single central register, and persons failing to meet "
               "those checks are not employed."),
        ("1b", "Appropriate policies and procedures to safeguard pupils are in place and are accessible to relevant "
               "parties.\nPolicies are up to date and compliant with the latest version of KCSIE and Derby & "
               "Derbyshire Safeguarding Children’s Partnership Policy and Procedures.\nAll staff have undertaken "
               "level 2 safeguarding training within the last year."),
        ("1c", "Staff are aware of the content of safeguarding policy and procedures and implement them "
               "effectively.\nAll staff can demonstrate that they have read part 1 of the latest version of KCSIE.\n"
               "All managers and supervisors can demonstrate that they have read the latest version of KCSIE."),
        ("1d", "Robust procedures are set out for recording and escalating concerns and the actions taken."),
        ("1e", "Access to the site is restricted to registered learners, the organisation’s own staff, and "
               "supervised visitors."),
        ("1f", "There is a safeguarding lead at the setting who has received appropriate, documented training.\n"
               "All managers and supervisors have undertaken level 3 / level 4 safeguarding training within the last "
               "2 years.\nConcerns are communicated between the alternative provider and the school, the concerns "
               "are recorded, including any actions taken and how concerns are escalated.\nAll documentation is "
               "stored appropriately."),
        ("1g", "The provider’s website and social media feeds (if appropriate) have been checked."),
        ("1h", "If the pupil has access to computer or online system, there is an online safety policy which "
               "includes appropriate monitoring and filtering requirements.\nThere is a policy for the safe use of "
               "mobile phones on site."),
        ("1i", "Where appropriate, pupils with needs relating to health, disability or a special educational need "
               "should have individualised plans in place to help meet their needs."),
    ]),
    ("Health and safety", [
        ("2a", "A health and safety policy is in place that is understood and implemented by all staff."),
        ("2b", "First Aid equipment and/or facilities are readily available and there are arrangements for access to "
               "a qualified first aider."),
        ("2c", "A system is in place and in use for recording health and safety and first aid incidents."),
        ("2d", "All specialist equipment used by pupils, staff or volunteers at the setting has undergone individual "
               "risk assessment and additional health and safety checks consistent with industry standards."),
        ("2e", "Staff hold appropriate qualifications or have received appropriate training in the use of "
               "specialised equipment including, where appropriate, supervising or training others in its use"),
        ("2f", "The setting has all appropriate insurance cover, including public liability insurance."),
        ("2g", "Fire drills take place regularly, at least once a year, and a record is kept."),
    ]),
    ("Admissions, guidance and support", [
        ("3a", "Admission and referral procedures are clear and well supported."),
        ("3b", "The setting maintains records including information supplied by schools on admission, induction "
               "records, personal education plans or other learning plans, additional health needs, EHC plans, "
               "behaviour reports and risk assessments."),
        ("3c", "All pupils participate in an induction process that will help them understand their rights and "
               "responsibilities and health and safety procedures."),
        ("3d", "The setting records pupil attendance for each session, and there is a clear process in place to "
               "notify the commissioner of any absence within 30 minutes of the session start time."),
        ("3e", "Processes are in place with commissioner(s) for checking on the health and wellbeing of absent "
               "pupils."),
        ("3f", "The setting records pupil behaviour and progress and shares information on a commonly agreed form, "
               "routinely with schools and parents, and/or with the local authority if the pupil is not on a school "
               "admission register.\nA commissioning agreement is in place and all parties understand how "
               "procedures for managing attendance, punctuality, behaviour and rewards will be communicated, "
               "including the process if the placement does not work or isn’t appropriate.\nThis information is "
               "shared with schools and parents, and/or with the local authority if the pupil is not on a school "
               "admission register."),
    ]),
    ("The quality of education", [
        ("4a", "Staff providing education have the appropriate skills and qualifications to deliver programmes."),
        ("4b", "Planning for learning shows lesson/session plans identify the knowledge, skills and understanding "
               "that different groups of pupils will achieve."),
        ("4c", "Regular and thorough assessment and review of progress takes place, observed during a learning "
               "walk."),
        ("4d", "The setting promotes to pupils the importance of attendance, punctuality and good behaviour and has "
               "a strategy to address non-compliance."),
        ("4e", "The following policies are in place, readily available and are shared on induction.\n"
               "· Behaviour Policy (including the use of physical intervention)\n· Attendance Policy\n"
               "· Anti-bullying Policy\nThe provider can demonstrate that practices for managing behaviour and "
               "attendance and recording are strong."),
        ("4f", "The setting (where appropriate) ensures there are opportunities within the curriculum for all pupils "
               "to learn the knowledge, skills and attitudes to help them to manage relationships, keep safe and to "
               "develop personally e.g. PSHE curriculum (personal, social, health and economic education)."),
    ]),
    ("The outcomes of children", [
        ("5a", "There is a process for setting and monitoring pupil progress to support reintegration where "
               "appropriate, and for taking action if progress is not on track."),
        ("5b", "Pupil underperformance is addressed through appropriate intervention and support."),
        ("5c", "There is a process to assess regularly whether the provider is effective in delivering the "
               "commissioned service. This should be evident in the provision’s annual report."),
        ("5d", "Through the commissioning agreement, school and the providers work in partnership with pupils and "
               "parents/carers to monitor and review individual pupils’ needs, abilities and aspirations. Including "
               "employability skills and post 16 plans."),
    ]),
]

SCHOOL_TERMLY_QA = [
    ("Teaching and learning", [("1a", "Quality of teaching and learning at the alternative provision")]),
    ("Academic progress", [("2a", "Academic progress, ensuring targets are suitably challenging")]),
    ("Accreditation", [("3a", "Accreditation including English and maths (where appropriate)")]),
    ("Safeguarding and health and safety", [
        ("4a", "Safeguarding and health and safety (including quality of accommodation)")]),
    ("Personal development and well-being", [("5a", "Personal development and well-being")]),
    ("Pupils’ views", [("6a", "Pupils’ views")]),
    ("Post-16 progression", [("7a", "Employability and skills for life - progression to post-16 destinations")]),
    ("Value for money", [
        ("8a", "The role of governors - understanding the progress made by pupils who attend alternative provision "
               "so they can ensure decisions about value for money are well informed")]),
]

SHIPPED = [
    (PROVIDER_QA_TITLE, "provider_qa", PROVIDER_QA),
    (SCHOOL_QA_TITLE, "school_termly_qa", SCHOOL_TERMLY_QA),
]


def ship(apps, schema_editor):
    Framework = apps.get_model("qa_framework", "Framework")
    FrameworkVersion = apps.get_model("qa_framework", "FrameworkVersion")
    Theme = apps.get_model("qa_framework", "Theme")
    Standard = apps.get_model("qa_framework", "Standard")
    for title, purpose, themes in SHIPPED:
        if Framework._base_manager.filter(owner__isnull=True, title=title).exists():
            continue
        framework = Framework._base_manager.create(owner=None, title=title, purpose=purpose, created_at=SHIPPED_AT)
        version = FrameworkVersion._base_manager.create(framework=framework, number=1, state="published",
                                                        scale=SCALE, created_at=SHIPPED_AT, published_at=SHIPPED_AT)
        for number, (theme_title, standards) in enumerate(themes, start=1):
            theme = Theme._base_manager.create(version=version, number=number, title=theme_title)
            Standard._base_manager.bulk_create([
                Standard(theme=theme, code=code, text=text, position=position)
                for position, (code, text) in enumerate(standards, start=1)])


def unship(apps, schema_editor):
    Framework = apps.get_model("qa_framework", "Framework")
    Framework._base_manager.filter(owner__isnull=True, title__in=[title for title, _p, _t in SHIPPED]).delete()


class Migration(migrations.Migration):
    dependencies = [("qa_framework", "0001_initial")]

    operations = [migrations.RunPython(ship, unship)]
