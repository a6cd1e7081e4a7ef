"""Demo data: one LA, one trust, two schools, three providers, a user per role, a dozen pupils,
then each app's demo (providers, placements in every state, SLAs) built through its services.

It lives in the `demo` app, not in `tenancy`, so the base app imports no domain app.
Idempotent: running it again changes nothing and prints the same logins.
"""

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction
from stdnum.gb import upn as stdnum_upn

from accounts.models import User
from apcommission import clock
from attendance.demo import load_calendar_demo, load_registers_demo
from exams.demo import load_exams_demo
from finance.demo import load_finance_demo
from monitoring.demo import load_monitoring_demo
from placements.demo import load_placements_demo
from placements.models import Pupil
from providers.demo import load_providers_demo
from qa_framework.demo import load_approvals_demo, load_qa_demo
from safeguarding.demo import load_safeguarding_demo
from slas.demo import load_slas_demo
from tenancy.models import Membership, Organisation, SchoolType
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role as R
from tenancy.scoping import scopes_disabled

DEMO_PASSWORD = "demo-password-2026"

ORGANISATIONS = [
    # slug, kind, name, extra
    ("northshire", K.LOCAL_AUTHORITY, "Northshire County Council", {"la_code": "801"}),
    ("riverside-trust", K.TRUST, "Riverside Learning Trust", {}),
    ("hillside-academy", K.SCHOOL, "Hillside Academy",
     {"school_type": SchoolType.ACADEMY, "la": "northshire", "trust": "riverside-trust", "urn": "140001", "postcode": "NS1 4AB"}),
    ("st-annes", K.SCHOOL, "St Anne's Church of England High School",
     {"school_type": SchoolType.SCHOOL, "la": "northshire", "urn": "117045", "postcode": "NS3 9QT"}),
    ("pathways", K.PROVIDER, "Pathways Learning Centre", {"la": "northshire", "postcode": "NS2 7LP"}),
    ("forge-skills", K.PROVIDER, "Forge Motor Vehicle Skills CIC", {"la": "northshire", "postcode": "NS5 1RE"}),
    ("green-shoots", K.PROVIDER, "Green Shoots Farm Education", {"la": "northshire", "postcode": "NS8 2HW"}),
]

# email local part, full name, organisation slug, role, job title
PEOPLE = [
    ("headteacher", "Amira Okafor", "hillside-academy", R.HEADTEACHER, "Headteacher"),
    ("ap-lead", "Daniel Price", "hillside-academy", R.AP_LEAD, "Assistant headteacher, inclusion"),
    ("pastoral", "Sophie Clarke", "hillside-academy", R.PASTORAL, "Head of year 10"),
    ("dsl", "Grace Mensah", "hillside-academy", R.DSL, "Designated safeguarding lead"),
    ("senco", "Tom Whitfield", "hillside-academy", R.SENCO, "SENCo"),
    ("attendance", "Rebecca Hall", "hillside-academy", R.ATTENDANCE_OFFICER, "Attendance officer"),
    ("exams", "Priya Shah", "hillside-academy", R.EXAMS_OFFICER, "Exams officer"),
    ("finance", "Martin Doyle", "hillside-academy", R.FINANCE, "School business manager"),
    ("school-admin", "Lucy Evans", "hillside-academy", R.ORG_ADMIN, "Office manager"),
    ("stannes-head", "Patrick Byrne", "st-annes", R.HEADTEACHER, "Headteacher"),
    ("stannes-ap-lead", "Hannah Lewis", "st-annes", R.AP_LEAD, "AP coordinator"),
    ("provider-manager", "Kwame Asante", "pathways", R.PROVIDER_MANAGER, "Centre manager"),
    ("provider-staff", "Ellie Turner", "pathways", R.PROVIDER_STAFF, "Tutor"),
    ("provider-dsl", "Joanne Reid", "pathways", R.PROVIDER_DSL, "Safeguarding lead"),
    ("provider-admin", "Sam Ward", "pathways", R.ORG_ADMIN, "Office administrator"),
    ("forge-manager", "Lee Harding", "forge-skills", R.PROVIDER_MANAGER, "Workshop manager"),
    ("farm-manager", "Anna Kowalski", "green-shoots", R.PROVIDER_MANAGER, "Education lead"),
    ("la-qa", "Fiona Grant", "northshire", R.QA_OFFICER, "AP quality assurance officer"),
    ("la-ap", "Imran Hussain", "northshire", R.AP_OFFICER, "AP commissioning officer"),
    ("la-admin", "Carol Bennett", "northshire", R.ORG_ADMIN, "Systems administrator"),
    ("trust-exec", "Richard Moore", "riverside-trust", R.TRUST_EXECUTIVE, "Director of education"),
    ("trust-admin", "Nadia Rahman", "riverside-trust", R.ORG_ADMIN, "Trust data manager"),
]
# A person in two organisations, to show the switcher.
EXTRA_MEMBERSHIPS = [("ap-lead", "st-annes", R.AP_LEAD, "Shared AP lead (trust partnership)")]

PUPILS = [
    # school, first, last, dob, year, serial
    ("hillside-academy", "Jayden", "Clarke", dt.date(2011, 3, 14), 10, "0001"),
    ("hillside-academy", "Amelia", "Wright", dt.date(2010, 11, 2), 11, "0002"),
    ("hillside-academy", "Oliver", "Nowak", dt.date(2012, 6, 21), 9, "0003"),
    ("hillside-academy", "Chloe", "Bennett", dt.date(2011, 1, 30), 10, "0004"),
    ("hillside-academy", "Mohammed", "Ali", dt.date(2010, 9, 5), 11, "0005"),
    ("hillside-academy", "Ruby", "Jenkins", dt.date(2013, 2, 17), 8, "0006"),
    ("hillside-academy", "Kai", "Thompson", dt.date(2011, 7, 8), 10, "0007"),
    ("st-annes", "Lily", "O'Connor", dt.date(2010, 12, 12), 11, "0008"),
    ("st-annes", "Ethan", "Hughes", dt.date(2011, 4, 25), 10, "0009"),
    ("st-annes", "Zara", "Begum", dt.date(2012, 8, 3), 9, "0010"),
    ("st-annes", "Harvey", "Walsh", dt.date(2011, 10, 19), 10, "0011"),
    ("st-annes", "Maisie", "Cooper", dt.date(2013, 5, 27), 8, "0012"),
]


def demo_upn(serial: str) -> str:
    body = f"80120100{serial}"  # LA 801, establishment 2010, serial
    body = body[:12]
    return stdnum_upn.calc_check_digit(body) + body


def email_for(local: str) -> str:
    return f"{local}@demo.apcommission.test"


class Command(BaseCommand):
    help = "Create (or leave as they are) the demo organisations, people and pupils, and print logins."

    @transaction.atomic
    def handle(self, *args, **options):
        now = clock.now()
        with scopes_disabled():
            orgs = self._organisations()
            rows, users = self._people(orgs)
            self._pupils(orgs)
        load_calendar_demo(orgs["northshire"])  # first: placements that start get their sessions from it
        load_providers_demo(orgs, now)
        load_approvals_demo(orgs, users, now)  # before placements: schools commission approved providers
        load_placements_demo(orgs, users, now)
        load_slas_demo(orgs, now)
        load_registers_demo(orgs, users, now)
        load_monitoring_demo(orgs, users, now)
        load_safeguarding_demo(orgs, users, now)
        load_qa_demo(orgs, users, now)
        load_exams_demo(orgs, users, now)
        load_finance_demo(orgs, users, now)
        self._print_logins(rows)

    def _organisations(self) -> dict[str, Organisation]:
        orgs: dict[str, Organisation] = {}
        for slug, kind, name, extra in ORGANISATIONS:
            extra = dict(extra)
            la, trust = extra.pop("la", None), extra.pop("trust", None)
            org, _ = Organisation.objects.get_or_create(slug=slug, defaults={
                "kind": kind, "name": name,
                "local_authority": orgs.get(la), "trust": orgs.get(trust), **extra,
            })
            orgs[slug] = org
        return orgs

    def _people(self, orgs) -> tuple[list[tuple[str, str, str]], dict[str, User]]:
        rows, users = [], {}
        for local, name, slug, role, title in PEOPLE:
            user = User.objects.filter(email=email_for(local)).first()
            if user is None:
                user = User.objects.create_user(email=email_for(local), password=DEMO_PASSWORD, full_name=name)
            Membership.objects.get_or_create(user=user, organisation=orgs[slug],
                                             defaults={"role": role, "job_title": title})
            rows.append((user.email, orgs[slug].name, R(role).label))
            users[local] = user
        for local, slug, role, title in EXTRA_MEMBERSHIPS:
            user = User.objects.get(email=email_for(local))
            Membership.objects.get_or_create(user=user, organisation=orgs[slug],
                                             defaults={"role": role, "job_title": title})
        return rows, users

    def _pupils(self, orgs) -> None:
        for slug, first, last, dob, year, serial in PUPILS:
            Pupil.objects.get_or_create(school=orgs[slug], upn=demo_upn(serial), defaults={
                "first_name": first, "last_name": last, "date_of_birth": dob, "year_group": year,
            })

    def _print_logins(self, rows) -> None:
        width = max(len(r[0]) for r in rows)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for email, org, role in rows:
            self.stdout.write(f"  {email.ljust(width)}  {role} — {org}")
        self.stdout.write("")
