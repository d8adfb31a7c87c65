from django.urls import path

from .views import (
    binding,
    completions,
    group_registration,
    lost_link,
    money,
    personal,
    privacy,
    self_service,
    workshops,
)

app_name = "registrations"

urlpatterns = [
    path("tagungen/<slug:slug>/voranmeldung/", personal.pre_register, name="pre_register"),
    path("tagungen/<slug:slug>/voranmeldung/danke/", personal.pre_register_done, name="pre_register_done"),
    path("tagungen/<slug:slug>/anmeldung/", binding.register_direct, name="binding_register"),
    path("tagungen/<slug:slug>/anmeldung/danke/", binding.register_direct_done, name="binding_done"),
    path("tagungen/<slug:slug>/gruppenanmeldung/", group_registration.group_register, name="group_register"),
    path("tagungen/<slug:slug>/gruppenanmeldung/danke/", group_registration.group_done, name="group_done"),
    path("gruppe/<str:token>/", group_registration.group_page, name="group"),
    path(
        "gruppe/<str:token>/person/<int:registration_id>/stornieren/",
        group_registration.group_member_cancel,
        name="group_member_cancel",
    ),
    path(
        "gruppe/<str:token>/person/<int:registration_id>/ersatzperson/",
        group_registration.group_member_substitute,
        name="group_member_substitute",
    ),
    path(
        "gruppe/<str:token>/person/<int:registration_id>/bedarf/",
        group_registration.group_member_needs,
        name="group_member_needs",
    ),
    path(
        "gruppe/<str:token>/meine-daten.json",
        group_registration.group_data_export,
        name="group_data_export",
    ),
    path(
        "gruppe/<str:token>/rechnung/<str:number>.pdf",
        group_registration.group_invoice_pdf,
        name="group_invoice_pdf",
    ),
    path("link-vergessen/", lost_link.lost_link, name="lost_link"),
    path("abschliessen/<str:completion_token>/", completions.completion, name="completion"),
    path("anmeldung/<str:token>/", personal.personal, name="personal"),
    path("anmeldung/<str:token>/verbindlich/", binding.register_with_link, name="binding_personal"),
    path("anmeldung/<str:token>/ersatzperson/", binding.personal_substitute, name="personal_substitute"),
    path("anmeldung/<str:token>/workshops/", workshops.personal_workshops, name="personal_workshops"),
    path("anmeldung/<str:token>/daten/", personal.personal_edit, name="personal_edit"),
    path("anmeldung/<str:token>/aendern/", self_service.personal_change, name="personal_change"),
    path("anmeldung/<str:token>/stornieren/", personal.personal_cancel, name="personal_cancel"),
    path(
        "anmeldung/<str:token>/rechnung/<str:number>.pdf",
        money.personal_invoice_pdf,
        name="personal_invoice_pdf",
    ),
    path(
        "anmeldung/<str:token>/rechnung/<str:number>.xml",
        money.personal_invoice_xml,
        name="personal_invoice_xml",
    ),
    path(
        "anmeldung/<str:token>/rechnung/<str:number>/girocode.svg",
        money.personal_girocode,
        name="personal_girocode",
    ),
    path(
        "anmeldung/<str:token>/meine-daten.json",
        privacy.personal_data_export,
        name="personal_data_export",
    ),
    path(
        "anmeldung/<str:token>/loeschung/",
        privacy.personal_deletion_request,
        name="personal_deletion_request",
    ),
    path(
        "anmeldung/<str:token>/einladungen/",
        privacy.personal_invitations,
        name="personal_invitations",
    ),
    path(
        "einladungen/abbestellen/<str:withdrawal_token>/",
        privacy.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("anmeldung/<str:token>/kalender.ics", personal.personal_calendar, name="personal_calendar"),
    path(
        "anmeldung/<str:token>/bestaetigung.pdf",
        personal.personal_confirmation_pdf,
        name="personal_confirmation_pdf",
    ),
]
