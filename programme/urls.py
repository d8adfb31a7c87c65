from django.urls import path

from . import views

app_name = "programme"

urlpatterns = [
    path("", views.home, name="home"),
    path("seiten/<slug:slug>/", views.site_page, name="page"),
    path("tagungen/", views.conference_list, name="conferences"),
    path("tagungen/<slug:slug>/", views.conference_detail, name="conference"),
    path("tagungen/<slug:slug>/programm/", views.programme, name="programme"),
    path("tagungen/<slug:slug>/programm.ics", views.programme_ical, name="programme_ical"),
]
