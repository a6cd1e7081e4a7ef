from decimal import Decimal

from django import forms

from apcommission.forms import Form, date_field, helper, long_text_field, text_input, textarea

from .models import DecisionAction


class InvoiceRaiseForm(Form):
    sla = forms.ModelChoiceField(queryset=None, label="Service level agreement", empty_label="Select an SLA",
                                 error_messages={"required": "Select the SLA you are invoicing under",
                                                 "invalid_choice": "Select an SLA from the list"})
    period_start = date_field("First day of the period")
    period_end = date_field("Last day of the period")

    def __init__(self, *args, slas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sla"].queryset = slas
        self.fields["sla"].label_from_instance = (
            lambda sla: f"{sla.school.name}: {sla.reference} version {sla.version}, {sla.get_rate_unit_display()}")
        self.helper = helper("sla", "period_start", "period_end", submit="Create draft invoice")


class LineForm(Form):
    description = forms.CharField(label="Description", max_length=200, widget=text_input(),
                                  error_messages={"required": "Enter a description of the line"})
    quantity = forms.DecimalField(label="Quantity", min_value=Decimal("0"), max_digits=8, decimal_places=2,
                                  widget=text_input(5, "decimal"),
                                  help_text="A quantity above what the sessions support is flagged to the school.",
                                  error_messages={"required": "Enter the quantity",
                                                  "invalid": "Enter the quantity as a number, like 12 or 7.5"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("description", "quantity", submit="Save line")


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label="Your decision", widget=forms.RadioSelect,
        choices=[(DecisionAction.AUTHORISED, "Authorise it for payment"),
                 (DecisionAction.QUERIED, "Query it: the provider changes it and sends it again"),
                 (DecisionAction.REJECTED, "Reject it")],
        error_messages={"required": "Choose whether to authorise, query or reject the invoice"})
    reason = long_text_field("Reason (required to query or reject)", max_length=2000,
                             help_text="The provider reads this. It is not emailed.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("decision", textarea(self, "reason", rows=4), submit="Save decision")

    def clean(self):
        data = super().clean()
        if data.get("decision") in (DecisionAction.QUERIED, DecisionAction.REJECTED) and not data.get("reason", "").strip():
            self.add_error("reason", "Enter why you are querying or rejecting the invoice")
        return data
