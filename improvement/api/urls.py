"""URLs under /api/: the page about the API (with the token buttons) and, under /api/v1/,
the read-only endpoints and their OpenAPI schema.

The endpoints are deliberately unnamed: a test walks every *named* URL expecting the
sign-in redirect that pages give, while the API answers 401 with a WWW-Authenticate
header instead (tests/api/test_authentication.py walks these). Their paths are the
published contract, so nothing reverses them anyway.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from improvement.api import token_page
from improvement.api.views import (
    ActionViewSet,
    DataPointViewSet,
    MeasureDataPointViewSet,
    MeasureViewSet,
    ObjectiveViewSet,
    PlanViewSet,
)

LIST, ONE = {"get": "list"}, {"get": "retrieve"}

v1 = [
    path("plans/", PlanViewSet.as_view(LIST)),
    path("plans/<slug:slug>/", PlanViewSet.as_view(ONE)),
    path("objectives/", ObjectiveViewSet.as_view(LIST)),
    path("objectives/<int:pk>/", ObjectiveViewSet.as_view(ONE)),
    path("actions/", ActionViewSet.as_view(LIST)),
    path("actions/<int:pk>/", ActionViewSet.as_view(ONE)),
    path("measures/", MeasureViewSet.as_view(LIST)),
    path("measures/<int:pk>/", MeasureViewSet.as_view(ONE)),
    path("measures/<int:pk>/data-points/", MeasureDataPointViewSet.as_view(LIST)),
    path("data-points/", DataPointViewSet.as_view(LIST)),
    path("schema/", SpectacularAPIView.as_view()),
]

urlpatterns = [
    path("", token_page.api_page, name="api"),
    path("token/", token_page.create_token, name="api-token-create"),
    path("token/revoke/", token_page.revoke_token, name="api-token-revoke"),
    path("schema/", token_page.schema_download, name="api-schema"),
    path("v1/", include(v1)),
]
