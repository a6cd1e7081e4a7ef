"""The demo's invoice: Pathways to Hillside Academy, submitted, one line flagged; loading twice adds nothing."""

from django.core.management import call_command

from finance.models import Invoice, InvoiceStatus
from tenancy.models import Organisation
from tenancy.scoping import scope, scopes_disabled


def test_the_demo_has_a_submitted_invoice_with_a_flagged_line_for_hillsides_finance(
        db, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_data")
    call_command("load_demo_data")
    with scopes_disabled():
        hillside = Organisation.objects.get(slug="hillside-academy")
    with scope(organisation=hillside):
        [invoice] = Invoice.objects.select_related("provider")
        assert invoice.provider.slug == "pathways" and invoice.status == InvoiceStatus.SUBMITTED
        assert invoice.flagged_lines == 1 and invoice.gross_total > 0
