from django.urls import path

from . import views

app_name = "providers"

urlpatterns = [
    # The provider's own due-diligence pack
    path("provider/", views.pack, name="pack"),
    path("provider/profile/", views.profile_edit, name="profile_edit"),
    path("provider/registration/", views.registration_edit, name="registration_edit"),
    path("provider/pupils/add/", views.pupil_group_add, name="pupil_group_add"),
    path("provider/pupils/<int:pk>/remove/", views.pupil_group_remove, name="pupil_group_remove"),
    path("provider/sites/add/", views.site_add, name="site_add"),
    path("provider/sites/<int:pk>/remove/", views.site_remove, name="site_remove"),
    path("provider/courses/add/", views.offer_add, name="offer_add"),
    path("provider/courses/<int:pk>/", views.offer_edit, name="offer_edit"),
    path("provider/courses/<int:pk>/remove/", views.offer_remove, name="offer_remove"),
    path("provider/documents/upload/", views.document_upload, name="document_upload"),
    path("provider/documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("provider/staff/", views.staff_list, name="staff_list"),
    path("provider/staff/add/", views.staff_add, name="staff_add"),
    path("provider/staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("provider/staff/confirm/", views.kcsie_confirm, name="kcsie_confirm"),
    # Directory: schools and LA officers
    path("directory/", views.directory, name="directory"),
    path("directory/add/", views.directory_add, name="directory_add"),
    path("directory/<int:provider_pk>/", views.directory_provider, name="directory_provider"),
    path("directory/<int:provider_pk>/documents/<int:pk>/", views.directory_document, name="directory_document"),
    path("directory/<int:provider_pk>/status/", views.listing_status, name="listing_status"),
    path("directory/<int:provider_pk>/invite/", views.provider_invite, name="provider_invite"),
    path("directory/<int:provider_pk>/suitability/", views.suitability_check, name="suitability_check"),
    path("directory/<int:provider_pk>/suitability/sign-off/", views.suitability_signoff, name="suitability_signoff"),
]
