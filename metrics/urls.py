"""URLs of the measures pages."""

from django.urls import path

from metrics import views

urlpatterns = [
    path("", views.measure_list, name="measure-list"),
    path("<int:pk>/", views.measure_detail, name="measure-detail"),
]
