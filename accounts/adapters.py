from allauth.account.adapter import DefaultAccountAdapter


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """No public sign-up: people join through an organisation admin's invitation."""

    def is_open_for_signup(self, request):
        return False
