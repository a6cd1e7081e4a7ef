from django import forms

from apcommission.forms import Form, helper


class TokenForm(Form):
    name = forms.CharField(label="What is the token for?", max_length=100,
                           help_text="For example, the name of your register app. Only you see it.",
                           error_messages={"required": "Enter what the token is for"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("name", submit="Create token")
