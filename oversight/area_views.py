"""The LA's children-in-AP view and its CSV and XLSX exports (issue 14 item 2)."""

from __future__ import annotations

from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apcommission import clock
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope
from tenancy.services import audit_request

from . import area, area_export, area_rules
from .area_forms import AreaFilterForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chosen(request):
    """(form, filters, sort, descending) from the query string."""
    sort = request.GET.get("sort", "")
    sort = sort if sort in area_rules.SORTS else area_rules.DEFAULT_SORT
    descending = request.GET.get("order") == "desc"
    schools, providers = area.filter_choices(request.organisation)
    data = request.GET if any(k in request.GET for k in AreaFilterForm.base_fields) else None
    form = AreaFilterForm(data, schools=schools, providers=providers,
                          sort=request.GET.get("sort", ""), order=request.GET.get("order", ""))
    return form, form.filters(sort=sort, descending=descending), sort, descending


def _headers(request, sort: str, descending: bool) -> list[dict]:
    """Sortable column headers: each a link to the same filters sorted by it (aria-sort on the current one)."""
    headers = []
    for key, (label, _fields) in area_rules.SORTS.items():
        current = key == sort
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = key
        query["order"] = "asc" if current and descending else ("desc" if current else "asc")
        headers.append({"key": key, "label": label, "url": f"?{query.urlencode()}",
                        "aria_sort": ("descending" if descending else "ascending") if current else "none",
                        "numeric": key in ("hours", "weeks", "attendance", "visits", "registers")})
    return headers


def _export_query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@org_view(C.VIEW_AREA, kinds=(K.LOCAL_AUTHORITY,))
@require_GET
def area_list(request, org):
    """Every child in AP in the LA's area, filtered, sorted and counted."""
    now = clock.now()
    today = now.astimezone(clock.LONDON).date()
    la = request.organisation
    form, filters, sort, descending = _chosen(request)
    page, counts = area.page_of(la, filters, request.GET.get("page"), today=today, now=now)
    reader = area.reader_of(request.membership)
    rows = list(area.rows_of(page.object_list, reader, today=today, threshold=filters.threshold))
    return render(request, "oversight/area_list.html", {
        "form": form, "page": page, "rows": rows, "filters": filters, "counts": counts,
        "headers": _headers(request, sort, descending), "export_query": _export_query(request),
        "filtered": form.is_bound and form.is_valid() and filters != area.AreaFilters(
            sort=filters.sort, descending=filters.descending),
    }, status=400 if form.errors else 200)


def _export_rows(request):
    """(rows generator, stamp) for an export: read inside the LA's scope, which the streaming
    response outlives."""
    now = clock.now()
    today = now.astimezone(clock.LONDON).date()
    la, membership = request.organisation, request.membership
    _form, filters, _sort, _descending = _chosen(request)
    audit_request(request, action=AuditAction.EXPORT, obj=la, detail="Children in AP in the area")

    def rows():
        with scope(organisation=la, membership=membership):
            placements = area.area_placements(la, filters, today=today, now=now)
            yield from area.rows_of(placements.iterator(chunk_size=area_export.CHUNK), area.reader_of(membership),
                                    today=today, threshold=filters.threshold)

    return rows, f"children-in-ap-{la.slug}-{today:%Y-%m-%d}"


@org_view(C.VIEW_AREA, kinds=(K.LOCAL_AUTHORITY,))
@require_GET
def area_export_csv(request, org):
    rows, stamp = _export_rows(request)
    response = StreamingHttpResponse(area_export.csv_lines(rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stamp}.csv"'
    return response


@org_view(C.VIEW_AREA, kinds=(K.LOCAL_AUTHORITY,))
@require_GET
def area_export_xlsx(request, org):
    rows, stamp = _export_rows(request)
    return FileResponse(area_export.xlsx_file(rows(), title="Children in AP"), as_attachment=True,
                        filename=f"{stamp}.xlsx", content_type=XLSX)
