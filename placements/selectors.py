from tenancy.selectors import count_by

from .models import Pupil


def pupil_list():
    return Pupil.objects.select_related("school")


def pupils_by_year_group() -> list[dict]:
    return count_by(Pupil.objects.all(), "year_group")


def pupils_by_school() -> list[dict]:
    return count_by(Pupil.objects.all(), "school__name")
