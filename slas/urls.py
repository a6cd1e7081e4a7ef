from django.urls import path

from . import views

app_name = "slas"

urlpatterns = [
    path("slas/", views.sla_list_view, name="list"),
    path("slas/new/", views.sla_create_view, name="create"),
    path("slas/<int:pk>/", views.sla_detail_view, name="detail"),
    path("slas/<int:pk>/schedule/", views.sla_schedule_view, name="schedule"),
    path("slas/<int:pk>/clauses/<int:clause_pk>/", views.sla_clause_view, name="clause"),
    path("slas/<int:pk>/send/", views.sla_send_view, name="send"),
    path("slas/<int:pk>/sign/", views.sla_sign_view, name="sign"),
    path("slas/<int:pk>/safeguarding/", views.sla_safeguarding_view, name="safeguarding"),
    path("slas/<int:pk>/amend/", views.sla_amend_view, name="amend"),
    path("slas/<int:pk>/end/", views.sla_terminate_view, name="terminate"),
    path("slas/<int:pk>/save-template/", views.sla_save_template_view, name="save_template"),
    path("slas/<int:pk>/pdf/", views.sla_pdf_view, name="pdf"),
]
