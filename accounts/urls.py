from django.urls import path

from . import views

app_name = "accounts"

# Inside /o/<org>/ (apcommission/urls.py org_patterns): the organisation's people and invitations.
urlpatterns = [
    path("people/", views.member_list, name="member_list"),
    path("people/invite/", views.member_invite, name="member_invite"),
    path("people/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("people/invitations/<int:pk>/withdraw/", views.invitation_revoke_view, name="invitation_revoke"),
]
