from django.urls import path

from governance_portal.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("manage/dashboards/", views.DashboardIndexView.as_view(), name="index"),
    path(
        "manage/communities/<int:pk>/dashboard/",
        views.CommunityDashboardView.as_view(),
        name="community_dashboard",
    ),
    path(
        "manage/communities/<int:pk>/monthly-report/",
        views.CommunityReportView.as_view(),
        name="community_report",
    ),
    path(
        "manage/communities/<int:pk>/ledger/",
        views.CommunityLedgerView.as_view(),
        name="community_ledger",
    ),
    path(
        "manage/streets/<int:pk>/dashboard/",
        views.StreetDashboardView.as_view(),
        name="street_dashboard",
    ),
    path(
        "manage/streets/<int:pk>/monthly-report/",
        views.StreetReportView.as_view(),
        name="street_report",
    ),
    path("manage/streets/<int:pk>/ledger/", views.StreetLedgerView.as_view(), name="street_ledger"),
]
