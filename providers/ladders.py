"""Expiry reminders for a provider's due-diligence pack on the one escalation engine
(escalation.ladders), registered in ProvidersConfig.ready().

One ladder per kind of expiring row, each target one row, organisation the provider:

* "document_expiry": a current PolicyDocument (its review or expiry date);
* "dbs_expiry": a StaffVetting row's DBS re-check date;
* "training_expiry": a StaffVetting row's safeguarding training renewal date.

Two steps each, at REMINDER_TIME in England (the hour the old daily job ran):

    1. "soon": APC_EXPIRY_WARNING_DAYS (30) days before the date → the provider's managers;
    2. "expired": on the date → the provider's managers, the AP leads of the schools commissioning
       the provider and the AP and QA officers of the local authorities listing it.

An item first seen already expired gets only the second step (the engine steps to the level the
clock demands). Started (or restarted) when the date is saved (services.document_upload,
services.staff_save), resolved when the document is replaced or the person leaves. The provider
reads the staff member's name; schools and LAs read "a staff member's DBS check" (no names leave
the provider).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from apcommission.clock import london
from escalation.ladders import Ladder, Message, Step, StepContext
from tenancy.models import Organisation
from tenancy.roles import Role

from . import rules
from .models import PolicyDocument, ProviderListing, StaffVetting

DOCUMENT_EXPIRY, DBS_EXPIRY, TRAINING_EXPIRY = "document_expiry", "dbs_expiry", "training_expiry"
EXPIRY_LADDERS = (DOCUMENT_EXPIRY, DBS_EXPIRY, TRAINING_EXPIRY)
REMINDER_TIME = dt.time(6, 30)


def expiry_anchors(due: dt.date) -> dict[str, dt.datetime]:
    """When the reminders for an item expiring on `due` are due (aware, Europe/London)."""
    return {"soon": london(rules.first_reminder_on(due), REMINDER_TIME), "expired": london(due, REMINDER_TIME)}


@dataclass(frozen=True)
class ExpiryItem:
    """What an expiring row is called and when it expires."""

    ladder: str
    model: type
    what: Callable[[Any], str]  # "Insurance certificate", "DBS check"
    due: Callable[[Any], dt.date | None]
    live: Callable[[Any], bool]  # still one the provider must keep current
    for_others: str = ""  # what schools and LAs read, without the person ("a staff member's DBS check")
    personal_name: Callable[[Any], str] = field(default=lambda row: "")
    load_related: tuple[str, ...] = ("provider",)


ITEMS = {
    DOCUMENT_EXPIRY: ExpiryItem(DOCUMENT_EXPIRY, PolicyDocument, what=lambda doc: doc.get_kind_display(),
                                due=lambda doc: doc.review_on, live=lambda doc: doc.is_current),
    DBS_EXPIRY: ExpiryItem(DBS_EXPIRY, StaffVetting, what=lambda v: "DBS check", due=lambda v: v.dbs_due_on,
                           live=lambda v: v.is_active, for_others="a staff member's DBS check",
                           personal_name=lambda v: v.staff.full_name, load_related=("provider", "staff")),
    TRAINING_EXPIRY: ExpiryItem(TRAINING_EXPIRY, StaffVetting, what=lambda v: "Safeguarding training",
                                due=lambda v: v.training_due_on, live=lambda v: v.is_active,
                                for_others="a staff member's safeguarding training",
                                personal_name=lambda v: v.staff.full_name, load_related=("provider", "staff")),
}


@dataclass
class Expiring:
    """One sweep batch's view of a row: the row, what it is, and (shared by the batch) who else
    hears about each provider once its items expire."""

    row: Any
    item: ExpiryItem
    others_by_provider: dict[int, list[tuple[Organisation, list[str]]]]

    @property
    def provider(self) -> Organisation:
        return self.row.provider

    @property
    def due(self) -> dt.date | None:
        return self.item.due(self.row)

    @property
    def owed(self) -> bool:
        return self.item.live(self.row) and self.due is not None

    def others(self) -> list[tuple[Organisation, list[str]]]:
        """Schools commissioning the provider (AP leads) and LAs listing it (AP and QA officers):
        read once per provider per batch."""
        if self.provider.pk not in self.others_by_provider:
            from .api import commissioning_schools

            schools = list(commissioning_schools(provider=self.provider))
            las = list(Organisation.objects.filter(
                pk__in=ProviderListing._base_manager.filter(provider=self.provider).values("local_authority_id")))
            self.others_by_provider[self.provider.pk] = ([(s, [Role.AP_LEAD]) for s in schools]
                                                         + [(la, [Role.AP_OFFICER, Role.QA_OFFICER]) for la in las])
        return self.others_by_provider[self.provider.pk]


def _loader(item: ExpiryItem) -> Callable[[list[int]], Mapping[int, Expiring]]:
    def load(ids: list[int]) -> Mapping[int, Expiring]:
        others: dict[int, list] = {}
        rows = item.model._base_manager.select_related(*item.load_related).in_bulk(ids)
        return {pk: Expiring(row=row, item=item, others_by_provider=others) for pk, row in rows.items()}

    return load


# --- Recipients and wording ----------------------------------------------------------------------


def provider_managers(ctx: StepContext):
    if ctx.target is None or not ctx.target.owed:
        return []
    return [(ctx.organisation, [Role.PROVIDER_MANAGER])]


def managers_schools_and_las(ctx: StepContext):
    managers = provider_managers(ctx)
    return managers + ctx.target.others() if managers else []


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:]


def expiry_message(ctx: StepContext) -> Message:
    expired = ctx.level == 2
    facts: Expiring | None = ctx.target
    recipient = ctx.recipient or ctx.organisation
    if facts is None or facts.due is None:
        subject = "A due-diligence item has expired" if expired else "A due-diligence item expires soon"
        return Message(subject=subject, body=f"{subject}. Sign in to see which.")
    provider, what = facts.provider, facts.item.what(facts.row)
    when = f"{'expired' if expired else 'expires'} on {_long_date(facts.due)}"
    if recipient.pk == provider.pk:
        name = facts.item.personal_name(facts.row)
        who = f" for {name}" if name else ""
        return Message(
            subject=f"{what}{who} {'has expired' if expired else 'expires soon'}",
            body=f"{what}{who} {when}. Upload the renewed document or update the record, so that schools and "
                 f"local authorities see a current due-diligence pack.",
            link=reverse("providers:pack", kwargs={"org": provider.slug}))
    others = _lower_first(facts.item.for_others or what)
    return Message(
        subject=f"{provider.name}: {others} has expired",
        body=f"At {provider.name}, {others} {when}. The provider has been reminded. Check its due-diligence pack "
             f"before relying on it.",
        link=reverse("providers:directory_provider", kwargs={"org": recipient.slug, "provider_pk": provider.pk}))


def _ladder(item: ExpiryItem) -> Ladder:
    return Ladder(
        name=item.ladder,
        steps=(
            Step(recipients=provider_managers, topic="provider_expiry", anchor="soon"),
            Step(recipients=managers_schools_and_las, topic="provider_expiry", anchor="expired"),
        ),
        message=expiry_message,
        load_targets=_loader(item),
        message_per_recipient=True,
    )


EXPIRY_LADDER_OBJECTS = tuple(_ladder(item) for item in ITEMS.values())


def register_ladders() -> None:
    from escalation import ladders

    for ladder in EXPIRY_LADDER_OBJECTS:
        ladders.register(ladder)
