from django.urls import path

from activities.parts.drills import views

urlpatterns = [
    path("manage/drills/", views.DrillListView.as_view(), name="drill_list"),
    path(
        "manage/activities/<int:pk>/drill/",
        views.DrillReportView.as_view(),
        name="drill_report",
    ),
    path(
        "manage/drill-actions/<int:pk>/done/",
        views.DrillActionDoneView.as_view(),
        name="drill_action_done",
    ),
]
