"""Trust, school and governors' reports (issue 14 item 3): thin views over oversight.reports_selectors.

* A trust's executives (`read_across_trust`) read the trust's report: a row per school, each linking
  to that school's report, and the trust's figures and charts; and any of its schools' reports.
* A school's headteacher and AP lead (`view_reports`) read the school's report and its termly report
  for governors (a page and a PDF, aggregate figures only: no pupil is named).
A pupil's own cost shows only to readers of DataGroup.COSTS; every reader sees the aggregates.
"""

from __future__ import annotations

from django.shortcuts import render

from apcommission import clock, pdf
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request

from . import reports
from . import reports_selectors as selectors


def _period(request, schools, now):
    today = now.astimezone(clock.LONDON).date()
    periods = selectors.periods_for(schools, today=today)
    return periods, reports.chosen_period(periods, request.GET.get("period"), today)


def _context(request, *, schools, school, with_pupils):
    now = clock.now()
    periods, period = _period(request, schools, now)
    view = selectors.report_for(period=period, schools=schools, school=school, membership=request.membership,
                                now=now, with_pupils=with_pupils)
    return {"periods": periods, "period": period, "view": view, "report": view.report, "school": school,
            "by_school": [(s, view.report.by_school.get(s.pk, reports.Figures())) for s in schools]}


@org_view(C.READ_ACROSS_TRUST, kinds=(K.TRUST,))
def trust_report(request, org):
    schools = selectors.trust_schools(request.organisation)
    return render(request, "oversight/reports/trust.html", _context(request, schools=schools, school=None,
                                                                     with_pupils=False))


@org_view(C.READ_ACROSS_TRUST, kinds=(K.TRUST,))
def trust_school_report(request, org, pk):
    school = selectors.trust_school(request.organisation, pk)
    return render(request, "oversight/reports/school.html", _context(request, schools=[school], school=school,
                                                                      with_pupils=True))


@org_view(C.VIEW_REPORTS, kinds=(K.SCHOOL,))
def school_report(request, org):
    school = selectors.school_with_target(request.organisation)
    return render(request, "oversight/reports/school.html", _context(request, schools=[school], school=school,
                                                                      with_pupils=True))


@org_view(C.VIEW_REPORTS, kinds=(K.SCHOOL,))
def governors_report(request, org):
    school = selectors.school_with_target(request.organisation)
    return render(request, "oversight/reports/governors.html", _context(request, schools=[school], school=school,
                                                                         with_pupils=False))


@org_view(C.VIEW_REPORTS, kinds=(K.SCHOOL,))
def governors_report_pdf(request, org):
    school = selectors.school_with_target(request.organisation)
    context = _context(request, schools=[school], school=school, with_pupils=False)
    period = context["period"]
    audit_request(request, action=AuditAction.EXPORT, obj=request.organisation,
                  detail=f"Governors' report PDF, {period.label}")
    data = pdf.render_pdf("oversight/reports/governors_print.html", {
        **context, "title": f"Report for governors: {school.name}, {period.label}",
        "footer": f"{school.name} · alternative provision report for governors · {period.label}"})
    return pdf.pdf_response(data, f"governors-report-{school.slug}-{period.key}.pdf")
