"""URLs of the workforce pages (under /workforce/)."""

from django.urls import path

from workforce import views

urlpatterns = [
    path("", views.workforce_page, name="workforce"),
]
