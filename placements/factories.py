import datetime as dt

import factory
from stdnum.gb import upn as stdnum_upn

from tenancy.factories import OrganisationFactory, ScopedFactory

from .models import Pupil


def make_upn(n: int) -> str:
    body = f"801201{n:06d}"[:12]
    return stdnum_upn.calc_check_digit(body) + body


class PupilFactory(ScopedFactory):
    class Meta:
        model = Pupil

    school = factory.SubFactory(OrganisationFactory)
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = dt.date(2011, 5, 1)
    upn = factory.Sequence(make_upn)
    year_group = 10
