from django.db import models
from django.db.models import Q

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import ScopedModel, kind_rules

from .upn import validate_upn

YEAR_GROUPS = [(0, "Reception")] + [(n, f"Year {n}") for n in range(1, 15)]


class Pupil(ScopedModel):
    """A pupil on a commissioning school's roll. (Issue 4 adds the full record.)"""

    school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pupils",
        limit_choices_to={"kind": OrganisationKind.SCHOOL},
    )
    first_name = models.CharField("First name", max_length=100)
    last_name = models.CharField("Last name", max_length=100)
    date_of_birth = models.DateField("Date of birth")
    upn = models.CharField("UPN", max_length=13, validators=[validate_upn])
    year_group = models.PositiveSmallIntegerField(choices=YEAR_GROUPS)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "upn"], name="pupil_upn_unique_per_school"),
        ]
        indexes = [models.Index(fields=["school", "last_name", "first_name"], name="pupil_school_name")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(
            organisation,
            school=Q(school=organisation),
            trust=Q(school__trust=organisation),
        )
