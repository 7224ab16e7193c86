"""Root URL map: kernel pages, then each app's pages and API."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView

from township import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("display-mode/", views.display_mode, name="display-mode"),
    path("device/unlock/", views.unlock_device, name="device-unlock"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("verify/", include("township.documents.urls")),
    path("org/", include("township.org.urls")),
    path("services/", include("services.urls")),
    path("approvals/", include("approvals.urls")),
    path("grid/", include("grid.urls")),
    path("enforcement/", include("enforcement.urls")),
    path("inbox/", include("township.notify.urls")),
    path("entities/", include("township.entities.urls")),
    path("command/", include("command_center.urls")),
    path("api/", include("services.api")),
    path("api/hotline/", include("grid.hotline.api")),
    path("api/", include("township.entities.api")),
    path("api/grid/", include("grid.api")),
    path("open311/v2/", include("grid.open311.urls")),
    path("api/enforcement/", include("enforcement.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]


admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME

handler400 = "township.views.bad_request"
handler403 = "township.views.permission_denied"
handler404 = "township.views.page_not_found"
handler500 = "township.views.server_error"
