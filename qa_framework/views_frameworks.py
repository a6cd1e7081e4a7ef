"""Framework pages: list (shipped + own), a version, copy, edit a draft, publish. Thin: reads in
selectors, writes in services.

Who: members whose role runs QA visits (`run_qa_visits`) in an LA (the QA officer) or a school
(headteacher and AP lead, who quality-assure the providers they commission each term with the same
engine, seed 001 §12). Least privilege: the LA's AP officer keeps the directory and approved list
(`manage_directory`) but does not run QA, so neither reads nor changes frameworks here; providers
and trusts have no framework pages (a provider reads the version of its own completed visits on
the visit's pages).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from apcommission import clock
from apcommission.forms import SubmitForm, posted, render_form_page, service_errors
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from . import selectors, services
from .forms_frameworks import FrameworkCopyForm, StandardForm, ThemeForm
from .models import FrameworkVersion, Standard, Theme

OWNERS = (K.LOCAL_AUTHORITY, K.SCHOOL)


def _version(pk) -> FrameworkVersion:
    try:
        return selectors.version_get(pk)
    except FrameworkVersion.DoesNotExist:
        raise Http404("No such framework") from None


def _own_version(request, pk) -> FrameworkVersion:
    """A version of one of the organisation's own frameworks (the change pages exist for no other)."""
    version = _version(pk)
    if version.framework.owner_id != request.organisation.pk:
        raise Http404("Only your own frameworks change")
    return version


def _theme(version, number) -> Theme:
    try:
        return selectors.theme_get(version, number)
    except Theme.DoesNotExist:
        raise Http404("No such theme") from None


def _standard(version, code) -> Standard:
    try:
        return selectors.standard_get(version, code)
    except Standard.DoesNotExist:
        raise Http404("No such standard") from None


def _version_url(org, pk) -> str:
    return reverse("qa_framework:framework_version", kwargs={"org": org, "pk": pk})


def _caption(version) -> str:
    return f"{version.framework.title} · version {version.number}"


def _edit_intro(version) -> list[str]:
    if version.published:
        return [f"Version {version.number} is published and does not change: your change starts the next "
                "version as a draft (QA visits keep the version they used)."]
    return []


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def framework_list(request, org):
    return render(request, "qa_framework/framework_list.html", {"rows": selectors.framework_rows()})


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def framework_version(request, org, pk):
    version = _version(pk)
    own = version.framework.owner_id == request.organisation.pk
    versions = selectors.framework_versions(version.framework_id)
    return render(request, "qa_framework/framework_version.html", {
        "version": version, "themes": selectors.version_themes(version), "own": own,
        "editable": own and not version.published, "versions": versions,
        "open_draft": next((v for v in versions if not v.published), None) if own else None,
    })


def _changed(request, draft, message):
    messages.success(request, message)
    return redirect(_version_url(request.organisation.slug, draft.pk))


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def framework_copy(request, org, pk):
    version = _version(pk)
    form = FrameworkCopyForm(posted(request), initial={"title": f"{version.framework.title} ({request.organisation.name})"})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            draft = services.framework_copy(version=version, title=form.cleaned_data["title"], by=request.user,
                                            organisation=request.organisation, now=clock.now())
        if not form.errors:
            return _changed(request, draft, "Framework copied: change the draft, then publish it")
    return render_form_page(request, form, title="Copy the framework", caption=_caption(version),
                            back_url=_version_url(org, version.pk),
                            intro=["Your copy has the same themes, standards and judgement scale. Nobody else "
                                   "sees it; you change it and publish it when it is ready."],
                            status=400 if form.errors else 200)


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def framework_new_draft(request, org, pk):
    version = _own_version(request, pk)
    form = SubmitForm(posted(request), submit="Start the new version")
    if request.method == "POST":
        with service_errors(form):
            draft = services.framework_draft(version=version, by=request.user, organisation=request.organisation,
                                             now=clock.now())
        if not form.errors:
            return _changed(request, draft, f"Version {draft.number} started as a draft")
    return render_form_page(request, form, title="Make changes", caption=_caption(version),
                            back_url=_version_url(org, version.pk), intro=[
                                "The published version does not change. A new version starts as a copy of it; "
                                "you change the copy and publish it.",
                                "QA visits already done keep the version they used."],
                            status=400 if form.errors else 200)


def _change_page(request, *, version, form, title, change, done):
    """Run one framework_edit change from a valid form; the page again (with errors) otherwise."""
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            draft = services.framework_edit(version=version, changes=[change(form.cleaned_data)], by=request.user,
                                            organisation=request.organisation, now=clock.now())
        if not form.errors:
            return _changed(request, draft, done)
    return render_form_page(request, form, title=title, caption=_caption(version),
                            back_url=_version_url(request.organisation.slug, version.pk),
                            intro=_edit_intro(version), status=400 if form.errors else 200)


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def theme_add(request, org, pk):
    version = _own_version(request, pk)
    form = ThemeForm(posted(request), submit="Add the theme")
    return _change_page(request, version=version, form=form, title="Add a theme", done="Theme added",
                        change=lambda data: services.AddTheme(title=data["title"]))


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def theme_edit(request, org, pk, number):
    version = _own_version(request, pk)
    theme = _theme(version, number)
    form = ThemeForm(posted(request), submit="Save the theme", initial={"title": theme.title})
    return _change_page(request, version=version, form=form, title=f"Change theme {theme.number}",
                        done="Theme changed", change=lambda data: services.RewordTheme(number=number, title=data["title"]))


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def theme_remove(request, org, pk, number):
    version = _own_version(request, pk)
    theme = _theme(version, number)
    form = SubmitForm(posted(request), submit="Remove the theme")
    return _change_page(request, version=version, form=form, title=f"Remove theme {theme.number}: {theme.title}",
                        done="Theme removed", change=lambda data: services.RemoveTheme(number=number))


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def standard_add(request, org, pk, number):
    version = _own_version(request, pk)
    theme = _theme(version, number)
    form = StandardForm(posted(request), submit="Add the standard")
    return _change_page(request, version=version, form=form, title=f"Add a standard to theme {theme.number}",
                        done="Standard added", change=lambda data: services.AddStandard(
                            theme=number, code=data["code"], text=data["text"]))


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def standard_edit(request, org, pk, code):
    version = _own_version(request, pk)
    standard = _standard(version, code)
    form = StandardForm(posted(request), submit="Save the standard", initial={"code": standard.code,
                                                                             "text": standard.text})
    return _change_page(request, version=version, form=form, title=f"Change standard {standard.code}",
                        done="Standard changed", change=lambda data: services.RewordStandard(
                            code=code, text=data["text"], new_code=data["code"]))


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def standard_remove(request, org, pk, code):
    version = _own_version(request, pk)
    standard = _standard(version, code)
    form = SubmitForm(posted(request), submit="Remove the standard")
    return _change_page(request, version=version, form=form, title=f"Remove standard {standard.code}",
                        done="Standard removed", change=lambda data: services.RemoveStandard(code=code))


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def framework_publish(request, org, pk):
    version = _own_version(request, pk)
    form = SubmitForm(posted(request), submit=f"Publish version {version.number}")
    if request.method == "POST":
        with service_errors(form):
            services.framework_publish(version=version, by=request.user, organisation=request.organisation,
                                       now=clock.now())
        if not form.errors:
            return _changed(request, version, f"Version {version.number} published")
    return render_form_page(request, form, title=f"Publish version {version.number}", caption=_caption(version),
                            back_url=_version_url(org, version.pk), intro=[
                                "Once published this version does not change, and QA visits scheduled from now on "
                                "use it. Later changes start a new version."],
                            status=400 if form.errors else 200)
