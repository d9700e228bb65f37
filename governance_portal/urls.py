from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from django.views.static import serve

from governance_portal import bench_views, views
from governance_portal.display import same_site_only

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("display/", views.DisplayModeView.as_view(), name="display_mode"),
    path("privacy/", views.PrivacyNoticeView.as_view(), name="privacy_notice"),
    path("manage/audit/", views.AuditLogView.as_view(), name="audit_log"),
    # Token-free like the display mode: choosing a language changes nothing but a cookie, and
    # a POST from another site is refused.
    path(
        "i18n/setlang/",
        csrf_exempt(login_not_required(same_site_only(set_language))),
        name="set_language",
    ),
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        views.PortalPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PortalPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("communities.urls")),
    path("", include("activities.urls")),
    path("", include("volunteers.urls")),
    path("", include("services.urls")),
    path("", include("governance_portal.dashboards.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCHMARK:
    urlpatterns += bench_views.urlpatterns

if settings.DEBUG:
    # Development only; in production the reverse proxy serves media (docs/deploy.md).
    urlpatterns += static(
        settings.MEDIA_URL, login_not_required(serve), document_root=settings.MEDIA_ROOT
    )
