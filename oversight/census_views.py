"""The school's inspection list and census AP fields (issue 14 item 6): each a page and a CSV
download, for the roles with view_reports (a school's headteacher and AP lead). Thin: the rows come
from oversight.census; every download is audited."""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render

from apcommission import clock
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope
from tenancy.services import audit_request

from . import census


class _Echo:
    """csv.writer's file: hands each formatted line back to the streaming response."""

    def write(self, value):
        return value


def _csv(request, filename: str, build):
    membership, organisation = request.membership, request.organisation
    writer = csv.writer(_Echo())

    def lines():
        # The response streams after the request's scope has closed: read inside the same scope.
        with scope(organisation=organisation, membership=membership):
            for row in build(membership):
                yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@org_view(C.VIEW_REPORTS, kinds=(K.SCHOOL,))
def inspection_list(request, org):
    return render(request, "oversight/census_inspection.html", {"rows": census.rows(request.membership)})


@org_view(C.VIEW_REPORTS, kinds=(K.SCHOOL,))
def inspection_csv(request, org):
    audit_request(request, action=AuditAction.EXPORT, obj=request.organisation, detail="Inspection list CSV")
    return _csv(request, f"inspection-list-{org}-{clock.today():%Y-%m-%d}.csv",
                lambda membership: census.inspection_csv_rows(census.rows(membership)))


@org_view(C.VIEW_REPORTS, kinds=(K.SCHOOL,))
def census_fields(request, org):
    since = census.academic_year_start(clock.today())
    return render(request, "oversight/census_fields.html", {
        "rows": census.rows(request.membership, since=since), "since": since})


@org_view(C.VIEW_REPORTS, kinds=(K.SCHOOL,))
def census_csv(request, org):
    since = census.academic_year_start(clock.today())
    audit_request(request, action=AuditAction.EXPORT, obj=request.organisation, detail="School census AP fields CSV")
    return _csv(request, f"census-ap-placements-{org}-{clock.today():%Y-%m-%d}.csv",
                lambda membership: census.census_csv_rows(census.rows(membership, since=since)))
