"""Views: thin. Fetch through the scoping layer (a row another organisation cannot see is a 404),
call one service, render. Every read of a provider's documents is audited."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.forms import ConfirmForm
from apcommission import clock
from apcommission.forms import posted, render_form_page, run_service, service_errors
from apcommission.uploads import serve_file
from tenancy.models import AuditAction, Organisation
from tenancy.permissions import org_view
from tenancy.roles import Capability
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request, client_ip

from . import api, conf, selectors, services
from .forms import (
    DirectoryFilterForm,
    DocumentUploadForm,
    KcsieConfirmForm,
    ListingStatusForm,
    OfferForm,
    ProfileForm,
    ProviderCreateForm,
    ProviderInviteForm,
    PupilGroupForm,
    RegistrationForm,
    SignOffForm,
    SiteForm,
    StaffForm,
    SuitabilityForm,
)
from .models import (
    SUITABILITY_SECTIONS,
    CheckOutcome,
    DeclaredPupilGroup,
    DocumentKind,
    ListingStatus,
    Offer,
    PolicyDocument,
    ProviderListing,
    ProviderSite,
    StaffMember,
    SuitabilityCheckItem,
    SuitabilityItem,
)
from .services import local_date
from .storage import upload_size_error

PROVIDER_ONLY = (K.PROVIDER,)
COMMISSIONERS = (K.SCHOOL, K.LOCAL_AUTHORITY)
manage_pack = org_view(Capability.MANAGE_PROVIDER_PROFILE, kinds=PROVIDER_ONLY)
check_providers = org_view(Capability.CHECK_PROVIDERS, kinds=COMMISSIONERS)
school_checks = org_view(Capability.CHECK_PROVIDERS, kinds=(K.SCHOOL,))
manage_directory = org_view(Capability.MANAGE_DIRECTORY, kinds=(K.LOCAL_AUTHORITY,))




def _today():
    return local_date(clock.now())




def _pack_url(org):
    return reverse("providers:pack", kwargs={"org": org})


def _serve_document(request, document: PolicyDocument):
    services.document_download_record(document=document, request_organisation=request.organisation,
                                      user=request.user, ip_address=client_ip(request))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    # Attachment, type sniffed from the stored bytes, nosniff, sandbox CSP, no caching.
    return serve_file(handle, filename=document.download_name)


# --- The provider's own pack ----------------------------------------------------------------

@manage_pack
def pack(request, org):
    provider = request.organisation
    today = _today()
    profile = selectors.profile_or_blank(provider=provider)  # opening the page writes nothing
    summary = selectors.compliance_summary(provider=provider, on=today)
    return render(request, "providers/pack.html", {
        "profile": profile, "summary": summary,
        "assessment": selectors.registration_assessment(provider=provider),
        "pupil_groups": selectors.pupil_groups_for(provider=provider),
        "sites": selectors.sites_for(provider=provider),
        "offers": selectors.offers_for(provider=provider),
        "kcsie": selectors.latest_kcsie_confirmation(provider=provider),
        "listings": ProviderListing.objects.select_related("local_authority").filter(provider=provider),
        "today": today,
    })


def _profile_section_edit(request, org, form_class, *, heading: str, intro: str, saved: str):
    """Edit one part of the provider profile (the profile form and the registration form share it)."""
    profile = (services.profile_get_or_create(provider=request.organisation) if request.method == "POST"
               else selectors.profile_or_blank(provider=request.organisation))
    form = form_class(posted(request), instance=profile)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.profile_update(profile=profile, data={f: form.cleaned_data[f] for f in form_class.Meta.fields},
                                    by=request.user, now=clock.now())
            messages.success(request, saved)
            return redirect("providers:pack", org=org)
    return render_form_page(request, form, title=heading, back_url=_pack_url(org),
                            back_label="Back to your due-diligence pack", intro=intro, caption=request.organisation.name)


@manage_pack
def profile_edit(request, org):
    return _profile_section_edit(
        request, org, ProfileForm, heading="Your provider profile", saved="Profile saved.",
        intro="Schools and local authorities that list or commission you read this profile instead of asking you for it.")


@manage_pack
def registration_edit(request, org):
    return _profile_section_edit(
        request, org, RegistrationForm, heading="Registration status", saved="Registration status saved.",
        intro="A provider must register as an independent school if it gives full-time education "
              f"(more than {conf.get('APC_FULL_TIME_HOURS')} hours a week) to "
              f"{conf.get('APC_REGISTRATION_PUPIL_THRESHOLD')} or more pupils of compulsory school age, or to one "
              "who is looked after or has an EHC plan.")


@manage_pack
def pupil_group_add(request, org):
    form = PupilGroupForm(posted(request), instance=DeclaredPupilGroup(provider=request.organisation))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.pupil_group_add(provider=request.organisation, by=request.user, now=clock.now(), data={
                f: form.cleaned_data[f] for f in PupilGroupForm.Meta.fields})
            messages.success(request, "Pupils added. The registration check has been updated.")
            return redirect(_pack_url(org) + "#registration")
    return render_form_page(request, form, title="Add pupils you teach", back_url=_pack_url(org) + "#registration",
                            intro="Tell us about all the pupils you teach now, from every school and local authority, "
                                  "so the service can tell whether you need to register. No names are needed.", caption=request.organisation.name)


def _remove_page(request, org, *, obj, what, service, back):
    form = ConfirmForm(posted(request), submit=f"Remove {what}")
    if request.method == "POST" and form.is_valid():
        service()
        messages.success(request, f"{what[0].upper() + what[1:]} removed.")
        return redirect(back)
    return render(request, "providers/confirm_remove.html", {"form": form, "obj": obj, "what": what, "back_url": back})


@manage_pack
def pupil_group_remove(request, org, pk):
    group = get_object_or_404(DeclaredPupilGroup, pk=pk, provider=request.organisation)
    return _remove_page(request, org, obj=group, what="pupil group", back=_pack_url(org) + "#registration",
                        service=lambda: services.pupil_group_delete(group=group, by=request.user, now=clock.now()))


@manage_pack
def site_add(request, org):
    form = SiteForm(posted(request), instance=ProviderSite(provider=request.organisation))
    if request.method == "POST" and form.is_valid():
        services.site_add(provider=request.organisation, by=request.user, now=clock.now(),
                          data={f: form.cleaned_data[f] for f in SiteForm.Meta.fields})
        messages.success(request, "Site added.")
        return redirect(_pack_url(org) + "#sites")
    return render_form_page(request, form, title="Add a site", back_url=_pack_url(org) + "#sites", caption=request.organisation.name)


@manage_pack
def site_remove(request, org, pk):
    site = get_object_or_404(ProviderSite, pk=pk, provider=request.organisation)
    return _remove_page(request, org, obj=site, what="site", back=_pack_url(org) + "#sites",
                        service=lambda: services.site_delete(site=site, by=request.user, now=clock.now()))


@manage_pack
def offer_add(request, org):
    return _offer_form(request, org, Offer(provider=request.organisation))


@manage_pack
def offer_edit(request, org, pk):
    return _offer_form(request, org, get_object_or_404(Offer, pk=pk, provider=request.organisation))


def _offer_form(request, org, offer):
    form = OfferForm(posted(request), instance=offer)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.offer_save(provider=request.organisation, offer=offer if offer.pk else None,
                                data=form.service_data(), by=request.user, now=clock.now())
            messages.success(request, "Course saved.")
            return redirect(_pack_url(org) + "#courses")
    return render_form_page(request, form, title=f"Change the course: {offer.title}" if offer.pk else "Add a course or programme",
                            back_url=_pack_url(org) + "#courses", caption=request.organisation.name)


@manage_pack
def offer_remove(request, org, pk):
    offer = get_object_or_404(Offer, pk=pk, provider=request.organisation)
    return _remove_page(request, org, obj=offer, what="course", back=_pack_url(org) + "#courses",
                        service=lambda: services.offer_delete(offer=offer, by=request.user, now=clock.now()))


@manage_pack
def document_upload(request, org):
    kind = request.GET.get("kind")
    today = _today()
    if request.method == "POST" and _too_big(request):
        # Refuse before Django reads the body: nothing is streamed to disk or stored.
        form = DocumentUploadForm(kind=kind, today=today)
        form._errors, form.cleaned_data = ErrorDict(), {}
        form.add_error("file", upload_size_error())
        return _upload_page(request, org, form)
    if request.method == "POST":
        kind = kind or request.POST.get("kind")
    form = DocumentUploadForm(posted(request), request.FILES if request.method == "POST" else None, kind=kind, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form):
            services.document_upload(
                provider=request.organisation, kind=data["kind"], uploaded=data["file"], issued_on=data["issued_on"],
                review_on=data["review_on"], extra=form.extra(), by=request.user, now=clock.now(),
            )
            messages.success(request, f"{DocumentKind(data['kind']).label} uploaded.")
            return redirect(_pack_url(org) + "#documents")
    return _upload_page(request, org, form)


def _too_big(request) -> bool:
    """The whole request is larger than the file limit plus room for the other fields."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > conf.get("APC_UPLOAD_MAX_BYTES") + 64 * 1024


def _upload_page(request, org, form):
    heading = f"Upload: {DocumentKind(form.fixed_kind).label}" if form.fixed_kind else "Upload a policy or certificate"
    return render_form_page(request, form, title=heading, back_url=_pack_url(org) + "#documents",
                            intro="Upload the current version once. Every school and local authority that commissions or "
                                  "lists you reads this copy, and each download is recorded.", caption=request.organisation.name)


@manage_pack
@require_GET
def document_download(request, org, pk):
    return _serve_document(request, get_object_or_404(PolicyDocument, pk=pk, provider=request.organisation))


@manage_pack
def staff_list(request, org):
    provider = request.organisation
    today = _today()
    return render(request, "providers/staff_list.html", {
        "staff": selectors.staff_register(provider=provider),
        "summary": selectors.vetting_summary(provider=provider, on=today),
        "kcsie": selectors.latest_kcsie_confirmation(provider=provider), "today": today,
    })


@manage_pack
def staff_add(request, org):
    return _staff_form(request, org, None)


@manage_pack
def staff_edit(request, org, pk):
    staff = get_object_or_404(StaffMember.objects.select_related("vetting"), pk=pk, provider=request.organisation)
    return _staff_form(request, org, staff)


def _staff_form(request, org, staff):
    form = StaffForm(posted(request), today=_today(), instance=staff)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.staff_save(provider=request.organisation, staff=staff, data=form.cleaned_data,
                                by=request.user, now=clock.now())
            messages.success(request, "Vetting register updated.")
            return redirect("providers:staff_list", org=org)
    return render_form_page(request, form, title=f"Change {staff.full_name}" if staff else "Add a member of staff",
                            back_url=reverse("providers:staff_list", kwargs={"org": org}),
                            back_label="Back to the vetting register",
                            intro="Only your organisation sees names and certificate numbers. Schools and local "
                                  "authorities see how many staff have each check, and whether it is current.", caption=request.organisation.name)


@manage_pack
def kcsie_confirm(request, org):
    form = KcsieConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.kcsie_confirm(provider=request.organisation, by=request.user,
                                   job_title=form.cleaned_data["job_title"], now=clock.now())
            messages.success(request, "Confirmation recorded. Schools and local authorities can see it.")
            return redirect("providers:staff_list", org=org)
    return render_form_page(request, form, title="Confirm your staff checks meet KCSIE",
                            back_url=reverse("providers:staff_list", kwargs={"org": org}),
                            back_label="Back to the vetting register", statement=services.KCSIE_STATEMENT,
                            template="providers/kcsie_confirm.html", caption=request.organisation.name)


# --- Directory (schools and LA officers) ----------------------------------------------------

@check_providers
@require_GET
def directory(request, org):
    areas = list(selectors.directory_areas())
    form = DirectoryFilterForm(request.GET or None, areas=areas)
    filters = selectors.DirectoryFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.DirectoryFilters(q=d["q"].strip(), area=d["area"], subject=d["subject"],
                                             registration=d["registration"], status=d["status"],
                                             send=d["send"], days=tuple(d["days"]))
    page = Paginator(selectors.directory_listings(filters), 25).get_page(request.GET.get("page"))
    school = request.organisation if request.organisation.kind == K.SCHOOL else None
    rows = selectors.directory_page_details(page.object_list, on=_today(), school=school)
    return render(request, "providers/directory.html", {
        "form": form, "page": page, "rows": rows, "is_school": school is not None,
        "can_manage": request.membership.can(Capability.MANAGE_DIRECTORY),
    })


@check_providers
@require_GET
def directory_provider(request, org, provider_pk):
    listing = selectors.directory_provider(provider_pk=provider_pk)
    if listing is None:
        raise Http404("No such provider in your directory")
    provider = listing.provider
    today = _today()
    summary = selectors.compliance_summary(provider=provider, on=today)
    context = {
        "listing": listing, "provider": provider, "profile": selectors.profile_for(provider=provider),
        "summary": summary, "assessment": selectors.registration_assessment(provider=provider),
        "offers": selectors.offers_for(provider=provider), "sites": selectors.sites_for(provider=provider),
        "kcsie": selectors.latest_kcsie_confirmation(provider=provider), "today": today,
        "is_school": request.organisation.kind == K.SCHOOL,
        "can_manage": request.membership.can(Capability.MANAGE_DIRECTORY),
        "approval_history": api.approval_history(provider=provider, viewer=request.membership),
    }
    if context["is_school"]:
        context["commissioning"] = api.commissioning_check(school=request.organisation, provider=provider)
        draft, signed = selectors.suitability_check_latest(school=request.organisation, provider=provider)
        context.update(draft=draft, signed=signed, signoff_current=selectors.suitability_signoff_current(
            school=request.organisation, provider=provider, on=today))
    else:
        context["provider_has_people"] = services.provider_has_people(provider)
    audit_request(request, action=AuditAction.VIEW, obj=provider, detail="due-diligence pack")
    return render(request, "providers/directory_provider.html", context)


@check_providers
@require_GET
def directory_document(request, org, provider_pk, pk):
    document = get_object_or_404(PolicyDocument, pk=pk, provider_id=provider_pk, is_current=True)
    if selectors.directory_provider(provider_pk=provider_pk) is None:
        raise Http404("No such provider in your directory")
    return _serve_document(request, document)


@manage_directory
def directory_add(request, org):
    la = request.organisation
    q = request.GET.get("q", "").strip()
    matches = []
    if q:
        listed = ProviderListing.objects.filter(local_authority=la).values("provider_id")
        matches = list(Organisation.objects.filter(kind=K.PROVIDER, is_active=True, name__icontains=q)
                       .exclude(pk__in=listed).select_related("local_authority").order_by("name")[:20])
    form = ProviderCreateForm(request.POST if request.POST.get("action") == "create" else None)
    if request.method == "POST" and request.POST.get("action") == "list":
        provider_id = request.POST.get("provider", "")
        if not provider_id.isdigit():
            raise Http404("No such provider")
        provider = get_object_or_404(Organisation, kind=K.PROVIDER, is_active=True, pk=int(provider_id))
        refused = ConfirmForm(request.POST, submit="Add to your directory")
        if refused.is_valid() and run_service(refused, lambda: services.directory_provider_list(
                local_authority=la, provider=provider, by=request.user, now=clock.now())):
            messages.success(request, f"{provider.name} added to your directory.")
            return redirect("providers:directory_provider", org=org, provider_pk=provider.pk)
        return render(request, "providers/directory_add.html",
                      {"form": form, "q": q, "matches": matches, "refused": refused}, status=400)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            listing = services.directory_provider_create(local_authority=la, by=request.user, now=clock.now(),
                                                         **form.cleaned_data)
            messages.success(request, f"{listing.provider.name} added to your directory. Invite someone from the provider to complete its profile.")
            return redirect("providers:provider_invite", org=org, provider_pk=listing.provider_id)
    return render(request, "providers/directory_add.html", {"form": form, "q": q, "matches": matches})


def _la_listing(provider_pk):
    listing = selectors.directory_provider(provider_pk=provider_pk)
    if listing is None:
        raise Http404("No such provider in your directory")
    return listing


@manage_directory
def listing_status(request, org, provider_pk):
    listing = _la_listing(provider_pk)
    form = ListingStatusForm(posted(request), initial={"status": listing.status})
    if request.method == "POST" and form.is_valid():
        services.listing_status_set(listing=listing, status=form.cleaned_data["status"], by=request.user,
                                    now=clock.now(), reason=form.cleaned_data["reason"])
        messages.success(request, f"{listing.provider.name}: status set to {ListingStatus(form.cleaned_data['status']).label.lower()}.")
        return redirect("providers:directory_provider", org=org, provider_pk=provider_pk)
    return render_form_page(request, form, title=f"Status of {listing.provider.name}", caption="Your provider directory",
                            back_url=reverse("providers:directory_provider", kwargs={"org": org, "provider_pk": provider_pk}))


@manage_directory
def provider_invite(request, org, provider_pk):
    listing = _la_listing(provider_pk)
    back = reverse("providers:directory_provider", kwargs={"org": org, "provider_pk": provider_pk})
    if services.provider_has_people(listing.provider):
        return render(request, "providers/invite_not_needed.html", {"listing": listing, "back_url": back})
    form = ProviderInviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            invitation, _ = services.provider_admin_invite(
                listing=listing, by=request.user, now=clock.now(), base_url=request.build_absolute_uri("/"),
                ip_address=client_ip(request), **form.cleaned_data)
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect(back)
    return render_form_page(request, form, title=f"Invite someone from {listing.provider.name}", caption="Your provider directory",
                            back_url=back, intro="They will keep the provider's profile and due-diligence pack, and can invite colleagues. "
                                                 "You can only do this while nobody from the provider is using the service.")


# --- School suitability check ---------------------------------------------------------------

def _school_provider(provider_pk):
    listing = selectors.directory_provider(provider_pk=provider_pk)
    if listing is None:
        raise Http404("No such provider in your directory")
    return listing.provider


@school_checks
def suitability_check(request, org, provider_pk):
    provider = _school_provider(provider_pk)
    school = request.organisation
    draft, signed = selectors.suitability_check_latest(school=school, provider=provider)
    check = draft
    answers = {i.item: i for i in SuitabilityCheckItem.objects.filter(suitability_check=check)} if check else {}
    form = SuitabilityForm(posted(request), answers=answers,
                           gaps=services.suitability_pack_gaps(provider=provider, on=_today()))
    if request.method == "POST" and form.is_valid():
        now = clock.now()
        check = check or services.suitability_check_start(school=school, provider=provider, by=request.user, now=now)
        services.suitability_answers_save(check=check, answers=form.answers(), by=request.user, now=now)
        if "then" in request.POST:
            return redirect("providers:suitability_signoff", org=org, provider_pk=provider_pk)
        messages.success(request, "Checks saved.")
        return redirect("providers:suitability_check", org=org, provider_pk=provider_pk)
    answered = sum(1 for a in answers.values() if a.outcome)
    return render(request, "providers/suitability_check.html", {
        "form": form, "provider": provider, "draft": draft, "signed": signed, "answered": answered,
        "total": len(SuitabilityItem.values), "summary": selectors.compliance_summary(provider=provider, on=_today()),
        "sections": SUITABILITY_SECTIONS,
    })


@school_checks
def suitability_signoff(request, org, provider_pk):
    provider = _school_provider(provider_pk)
    school = request.organisation
    draft, signed = selectors.suitability_check_latest(school=school, provider=provider)
    back = reverse("providers:suitability_check", kwargs={"org": org, "provider_pk": provider_pk})
    if draft is None:
        problems = ["Record the checks before you sign off"]
    else:
        problems = services.suitability_signoff_problems(check=draft, profile=selectors.profile_for(provider=provider),
                                                       on=clock.today())
    form = SignOffForm(posted(request), initial={"job_title": request.membership.job_title})
    if request.method == "POST" and not problems and form.is_valid():
        with service_errors(form):
            services.suitability_signoff(check=draft, by=request.user, job_title=form.cleaned_data["job_title"], now=clock.now())
            messages.success(request, f"Suitability check of {provider.name} signed off.")
            return redirect("providers:directory_provider", org=org, provider_pk=provider_pk)
    answers = list(SuitabilityCheckItem.objects.filter(suitability_check=draft)) if draft else []
    labels = dict(SuitabilityItem.choices)
    return render(request, "providers/suitability_signoff.html", {
        "form": form, "provider": provider, "problems": problems, "back_url": back,
        "answers": sorted(((labels[a.item], a) for a in answers), key=lambda x: SuitabilityItem.values.index(x[1].item)),
        "met": sum(1 for a in answers if a.outcome == CheckOutcome.MET),
    })
