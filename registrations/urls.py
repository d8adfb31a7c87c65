from django.urls import path

from . import views, views_binding, views_money, views_privacy, views_workshops

app_name = "registrations"

urlpatterns = [
    path("tagungen/<slug:slug>/voranmeldung/", views.pre_register, name="pre_register"),
    path("tagungen/<slug:slug>/voranmeldung/danke/", views.pre_register_done, name="pre_register_done"),
    path("tagungen/<slug:slug>/anmeldung/", views_binding.register_direct, name="binding_register"),
    path("tagungen/<slug:slug>/anmeldung/danke/", views_binding.register_direct_done, name="binding_done"),
    path("anmeldung/<str:token>/", views.personal, name="personal"),
    path("anmeldung/<str:token>/verbindlich/", views_binding.register_with_link, name="binding_personal"),
    path(
        "anmeldung/<str:token>/ersatzperson/", views_binding.personal_substitute, name="personal_substitute"
    ),
    path("anmeldung/<str:token>/workshops/", views_workshops.personal_workshops, name="personal_workshops"),
    path("anmeldung/<str:token>/daten/", views.personal_edit, name="personal_edit"),
    path("anmeldung/<str:token>/stornieren/", views.personal_cancel, name="personal_cancel"),
    path(
        "anmeldung/<str:token>/rechnung/<str:number>.pdf",
        views_money.personal_invoice_pdf,
        name="personal_invoice_pdf",
    ),
    path(
        "anmeldung/<str:token>/rechnung/<str:number>/girocode.svg",
        views_money.personal_girocode,
        name="personal_girocode",
    ),
    path(
        "anmeldung/<str:token>/meine-daten.json",
        views_privacy.personal_data_export,
        name="personal_data_export",
    ),
    path(
        "anmeldung/<str:token>/loeschung/",
        views_privacy.personal_deletion_request,
        name="personal_deletion_request",
    ),
    path(
        "anmeldung/<str:token>/bestaetigung.pdf",
        views.personal_confirmation_pdf,
        name="personal_confirmation_pdf",
    ),
]
