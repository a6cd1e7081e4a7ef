"""Quality assurance of providers against a standards framework (issue 13).

* `Framework` — a named framework an organisation keeps: an LA's provider QA framework (seed 001
  §18) or a school's termly provider QA (seed 001 §12). `owner` is null for a framework shipped
  with the app, which every LA and school can read and copy but nobody edits.
* `FrameworkVersion` — the content: a judgement scale (`scale`, ordered list of
  {"code", "label", "score"}: highest first), themes and standards. A draft is editable; publishing
  freezes it. Editing a published version makes a new draft version (number + 1). A QA visit keeps
  the version it used, so completed visits always show their own wording.
* `Theme`, `Standard` — belong to one version; `Standard.code` is "1a", "2g", ...
* `QAVisit` — one visit to one provider: scheduled → in progress → completed → signed. Records the
  overview of the provider, what it offers, the contacts and DSL, a `Judgement` for every standard,
  a `ThemeComment` per theme, the suggested outcome (computed by qa_framework.rules) and the
  outcome chosen (an override of the suggestion needs a reason). `content_hash` is set when the
  first party signs; a signed visit is immutable.
* `QASignature` — one per party (the LA or school that ran the visit, and the provider).
* `ImprovementAction` — a row of the improvement plan agreed at a visit: area, actions, RAG, by
  when, who by; the provider records progress with evidence; done when closed by the visit's owner.
  The target of the "qa_action_overdue" ladder.
* `ApprovalDecision` — the history of a provider's approval by an LA (the approved list). The
  latest decision per (LA, provider) is the current status; `next_visit_due` drives the
  "qa_next_visit" ladder.

Who sees which rows (scope_q):
* the owner organisation (LA or school) sees its frameworks, visits, plans and decisions;
* a provider sees its visits and their plans only once completed (to read and sign them);
* a school sees the approval decisions of its LA (status, dates, framework version — not the
  report), and a visit of its LA only when the LA shared that visit with schools;
* other organisations see nothing; shipped frameworks (owner null) are readable by LAs and schools.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import ScopedModel, kind_rules


def visible_ids(model, organisation):
    """A subquery of the pks of `model` that `organisation` sees (for rows that inherit a parent's rule)."""
    return model._base_manager.filter(model.scope_q(organisation)).values("pk")


class FrameworkPurpose(models.TextChoices):
    PROVIDER_QA = "provider_qa", "Provider quality assurance (LA approved list)"
    SCHOOL_TERMLY_QA = "school_termly_qa", "Termly quality assurance of a provider by a school"


class Framework(ScopedModel):
    owner = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="qa_frameworks", help_text="Null: shipped with the app (read-only)")
    title = models.CharField("Framework name", max_length=200)
    purpose = models.CharField(max_length=20, choices=FrameworkPurpose.choices,
                               default=FrameworkPurpose.PROVIDER_QA)
    copied_from = models.ForeignKey("FrameworkVersion", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, organisation):
        shipped = Q(owner__isnull=True)
        return kind_rules(organisation, local_authority=Q(owner=organisation) | shipped,
                          school=Q(owner=organisation) | shipped)


class VersionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class FrameworkVersion(ScopedModel):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=VersionState.choices, default=VersionState.DRAFT)
    # Ordered, best first: [{"code": "fully", "label": "Fully", "score": 3}, ...]
    scale = models.JSONField(default=list)
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["framework", "-number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="one_framework_version_number")]

    def __str__(self) -> str:
        return f"{self.framework} (version {self.number})"

    @property
    def published(self) -> bool:
        return self.state == VersionState.PUBLISHED

    @classmethod
    def scope_q(cls, organisation):
        shipped = Q(framework__owner__isnull=True)
        # A school also reads the version of a report its LA shared (QAVisit.scope_q decides which).
        shared = Q(pk__in=QAVisit._base_manager.filter(QAVisit.scope_q(organisation)).values("version_id"))
        return kind_rules(organisation, local_authority=Q(framework__owner=organisation) | shipped,
                          school=Q(framework__owner=organisation) | shipped | shared,
                          provider=Q(pk__in=QAVisit._base_manager.filter(
                              provider=organisation, state__in=PROVIDER_SEES).values("version_id")))


class Theme(ScopedModel):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="themes")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["version", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="one_theme_number_per_version")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @classmethod
    def scope_q(cls, organisation):
        return Q(version__in=visible_ids(FrameworkVersion, organisation))


class Standard(ScopedModel):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="standards")
    code = models.CharField(max_length=8)
    text = models.TextField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["theme", "position"]
        constraints = [models.UniqueConstraint(fields=["theme", "code"], name="one_standard_code_per_theme")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    @classmethod
    def scope_q(cls, organisation):
        return Q(theme__version__in=visible_ids(FrameworkVersion, organisation))


class VisitState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    SIGNED = "signed", "Signed"


PROVIDER_SEES = (VisitState.COMPLETED, VisitState.SIGNED)


class Outcome(models.TextChoices):
    """Seed 001 §18's four outcomes of a provider QA visit."""

    APPROVED = "approved", "Met all standards: on the approved list"
    APPROVED_WITH_CONDITIONS = "conditions", "Met most standards: approved with conditions (improvements agreed)"
    NOT_MET_MAY_REAPPLY = "not_met", "Standards not met: not approved, may reapply"
    NOT_MET_WITHDRAWN = "withdrawn", "Standards not met: not approved and withdrawn"


class QAVisit(ScopedModel):
    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="qa_visits_run",
                              help_text="The LA (or school, for its termly QA) that runs the visit")
    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="qa_visits",
                                 limit_choices_to={"kind": OrganisationKind.PROVIDER})
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="visits")
    state = models.CharField(max_length=12, choices=VisitState.choices, default=VisitState.SCHEDULED,
                             editable=False)
    scheduled_for = models.DateField("Date of the visit")
    owner_representative = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+",
                                             verbose_name="Who is visiting")
    provider_representative = models.CharField("Provider's representative", max_length=200, blank=True)
    # The provider overview (seed 001 §18, first page); contacts and DSL pre-filled from the directory.
    overview = models.TextField("Overview of the provider", blank=True)
    placement_lengths = models.TextField("Lengths of placement offered", blank=True)
    courses = models.TextField("Courses offered and their expected outcomes", blank=True)
    contact_details = models.TextField("Contact details", blank=True)
    dsl = models.CharField("Designated safeguarding lead", max_length=200, blank=True)
    suggested_outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True, editable=False)
    outcome = models.CharField("Outcome", max_length=12, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField("Why the outcome differs from the suggestion", blank=True)
    shared_with_schools = models.BooleanField("Share the report with the area's schools", default=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-scheduled_for", "-pk"]
        indexes = [
            models.Index(fields=["owner", "state", "scheduled_for"], name="qavisit_owner_state"),
            models.Index(fields=["provider", "state"], name="qavisit_provider_state"),
        ]

    def __str__(self) -> str:
        return f"QA visit to {self.provider} on {self.scheduled_for:%-d %B %Y}"

    @property
    def signed(self) -> bool:
        return self.state == VisitState.SIGNED

    @classmethod
    def scope_q(cls, organisation):
        shared = Q(pk__in=[])
        if organisation.local_authority_id:
            shared = Q(owner_id=organisation.local_authority_id, shared_with_schools=True,
                       state=VisitState.SIGNED)
        return kind_rules(organisation, local_authority=Q(owner=organisation),
                          school=Q(owner=organisation) | shared,
                          provider=Q(provider=organisation, state__in=PROVIDER_SEES))


def _visit_rule(organisation, prefix: str = "visit__") -> Q:
    """Rows that belong to a QA visit are seen by whoever sees the visit."""
    return Q(**{f"{prefix}in": visible_ids(QAVisit, organisation)})


class Judgement(ScopedModel):
    visit = models.ForeignKey(QAVisit, on_delete=models.CASCADE, related_name="judgements")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    level = models.CharField("Judgement", max_length=20, blank=True, help_text="A code of the version's scale")
    evidence = models.TextField("Evidence", blank=True)

    class Meta:
        ordering = ["standard__theme__number", "standard__position"]
        constraints = [models.UniqueConstraint(fields=["visit", "standard"], name="one_judgement_per_standard")]

    def __str__(self) -> str:
        return f"{self.standard.code}: {self.level or 'not judged'}"

    @classmethod
    def scope_q(cls, organisation):
        return _visit_rule(organisation)


class ThemeComment(ScopedModel):
    visit = models.ForeignKey(QAVisit, on_delete=models.CASCADE, related_name="theme_comments")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField("Comments", blank=True)

    class Meta:
        ordering = ["theme__number"]
        constraints = [models.UniqueConstraint(fields=["visit", "theme"], name="one_comment_per_theme")]

    @classmethod
    def scope_q(cls, organisation):
        return _visit_rule(organisation)


class QASignature(ScopedModel):
    class Party(models.TextChoices):
        OWNER = "owner", "The local authority (or school) that ran the visit"
        PROVIDER = "provider", "The provider"

    visit = models.ForeignKey(QAVisit, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(max_length=10, choices=Party.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField("Your full name", max_length=200)
    position = models.CharField("Your position", max_length=200)
    content_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["signed_at"]
        constraints = [models.UniqueConstraint(fields=["visit", "party"], name="one_qa_signature_per_party")]

    @classmethod
    def scope_q(cls, organisation):
        return _visit_rule(organisation)


class RAG(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class ImprovementAction(ScopedModel):
    visit = models.ForeignKey(QAVisit, on_delete=models.CASCADE, related_name="improvement_actions")
    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    area = models.CharField("Area", max_length=200)
    actions = models.TextField("Actions")
    rag = models.CharField("RAG rating", max_length=5, choices=RAG.choices, default=RAG.RED)
    due_on = models.DateField("By when")
    who_by = models.CharField("Who by", max_length=200)
    progress = models.TextField("Progress", blank=True)
    evidence = models.TextField("Evidence of progress", blank=True)
    progress_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    done_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done_on", "due_on"], name="qaaction_owner_open")]

    def __str__(self) -> str:
        return self.area

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(organisation, local_authority=Q(owner=organisation), school=Q(owner=organisation),
                          provider=Q(provider=organisation, visit__state__in=PROVIDER_SEES))


class ApprovalStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "conditions", "Approved with conditions"
    NOT_APPROVED = "not_approved", "Not approved (may reapply)"
    WITHDRAWN = "withdrawn", "Not approved and withdrawn"
    SUSPENDED = "suspended", "Suspended"
    LAPSED = "lapsed", "Approval lapsed (QA visit overdue)"


class ApprovalDecision(ScopedModel):
    local_authority = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+",
                                        limit_choices_to={"kind": OrganisationKind.LOCAL_AUTHORITY})
    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="approval_decisions",
                                 limit_choices_to={"kind": OrganisationKind.PROVIDER})
    status = models.CharField(max_length=14, choices=ApprovalStatus.choices)
    visit = models.ForeignKey(QAVisit, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    version = models.ForeignKey(FrameworkVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    next_visit_due = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["local_authority", "provider", "-decided_at"], name="approval_latest")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.get_status_display()}"

    @classmethod
    def scope_q(cls, organisation):
        school = Q(pk__in=[])
        if organisation.local_authority_id:
            school = Q(local_authority_id=organisation.local_authority_id)
        return kind_rules(organisation, local_authority=Q(local_authority=organisation), school=school,
                          provider=Q(provider=organisation))
