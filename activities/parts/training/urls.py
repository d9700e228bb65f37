"""The training base's pages, included in the ``activities`` namespace."""

from django.urls import path

from activities.parts.training import views

urlpatterns = [
    path("manage/training/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("manage/training/new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("manage/training/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path(
        "manage/training/<int:pk>/edit/",
        views.ProgrammeUpdateView.as_view(),
        name="programme_update",
    ),
    path(
        "manage/training/instructors/new/",
        views.InstructorCreateView.as_view(),
        name="instructor_create",
    ),
    path(
        "manage/training/<int:pk>/trainees/new/",
        views.TraineeCreateView.as_view(),
        name="trainee_create",
    ),
    path(
        "manage/training/trainees/<int:pk>/withdraw/",
        views.TraineeWithdrawView.as_view(),
        name="trainee_withdraw",
    ),
    path(
        "manage/activities/<int:pk>/training/",
        views.ActivityTrainingView.as_view(),
        name="activity_training",
    ),
]
