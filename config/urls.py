"""Top-level URLs: sign in/out, the admin, and the apps' pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.accessibility import accessibility_statement
from config.error_pages import permission_denied
from config.view_on_site import view_on_site
from improvement.forms import SignInForm
from improvement.views.mine import home
from improvement.views.report_index import reports_page

admin.site.site_header = "Improvement tracker administration"
admin.site.site_title = "Improvement tracker"
admin.site.index_title = "Plans, people and reporting periods"

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=False, authentication_form=SignInForm
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accessibility/", accessibility_statement, name="accessibility-statement"),
    path("reports/", reports_page, name="reports"),
    # Before the admin's own "view on site" (same address, `admin:view_on_site` still
    # reverses to it): only for people who may read the object.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
    ),
    path("admin/", admin.site.urls),
    path("measures/", include("metrics.urls")),
    path("workforce/", include("workforce.urls")),
    path("api/", include("improvement.api.urls")),
    path("", include("improvement.urls")),
]

# A refusal in the site's layout, with a way back to the page the person came from.
handler403 = permission_denied
