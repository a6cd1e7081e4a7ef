from django.urls import path

from . import views

app_name = "placements"

P = "placements/<int:pk>/"

urlpatterns = [
    # Pupils
    path("pupils/", views.pupil_list_view, name="pupil_list"),
    path("pupils/new/", views.pupil_create, name="pupil_create"),
    path("pupils/<int:pk>/", views.pupil_detail, name="pupil_detail"),
    path("pupils/<int:pk>/edit/", views.pupil_edit, name="pupil_edit"),
    path("pupils/<int:pk>/special-category/", views.pupil_sensitive_edit, name="pupil_sensitive_edit"),
    path("pupils/<int:pk>/parents/new/", views.parent_add, name="parent_add"),
    path("pupils/<int:pk>/parents/<int:cpk>/remove/", views.parent_remove, name="parent_remove"),
    path("pupils/<int:pk>/agencies/new/", views.agency_add, name="agency_add"),
    path("pupils/<int:pk>/agencies/<int:apk>/remove/", views.agency_remove, name="agency_remove"),
    # Referrals and placements
    path("placements/", views.placement_list, name="placement_list"),
    path("referrals/new/", views.referral_start, name="referral_start"),
    path(P, views.placement_detail, name="placement_detail"),
    path(P + "referral/", views.referral_detail, name="referral_detail"),
    path(P + "referral/pdf/", views.referral_pdf, name="referral_pdf"),
    path(P + "referral/check/", views.referral_check, name="referral_check"),
    path(P + "referral/<slug:step>/", views.referral_step, name="referral_step"),
    path(P + "decision/", views.referral_decision, name="referral_decision"),
    path(P + "respond/", views.provider_response, name="provider_response"),
    path(P + "initial-assessment/", views.initial_assessment, name="initial_assessment"),
    path(P + "agreement/", views.agreement_detail, name="agreement_detail"),
    path(P + "agreement/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path(P + "agreement/edit/", views.agreement_edit, name="agreement_edit"),
    path(P + "agreement/targets/new/", views.target_add, name="target_add"),
    path(P + "agreement/targets/<int:tpk>/remove/", views.target_remove, name="target_remove"),
    path(P + "agreement/sessions/new/", views.session_add, name="session_add"),
    path(P + "agreement/sessions/<int:spk>/remove/", views.session_remove, name="session_remove"),
    path(P + "agreement/agree/", views.agreement_agree, name="agreement_agree"),
    path(P + "parental-agreement/", views.parental_agreement, name="parental_agreement"),
    path(P + "parental-agreement/<int:apk>/file/", views.parental_agreement_file, name="parental_agreement_file"),
    path(P + "start/", views.placement_start, name="placement_start"),
    path(P + "status/<slug:transition>/", views.placement_status, name="placement_status"),
    path(P + "end/", views.placement_end, name="placement_end"),
    path(P + "destination/", views.placement_destination, name="placement_destination"),
]
