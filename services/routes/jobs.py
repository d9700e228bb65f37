"""The job board: public postings and LED screen, staff pages, residents' registrations."""

from django.urls import path

from services.views import jobs as views

urlpatterns = [
    # Public.
    path("jobs/", views.PostingListView.as_view(), name="posting_list"),
    path("jobs/<int:pk>/", views.PostingDetailView.as_view(), name="posting_detail"),
    path("services/stations/<int:pk>/led/", views.LedBoardView.as_view(), name="led_board"),
    # Residents.
    path("jobs/register/", views.SeekerRegisterView.as_view(), name="seeker_register"),
    path("me/jobs/", views.SeekerMineView.as_view(), name="seeker_mine"),
    path("me/jobs/<int:pk>/withdraw/", views.SeekerWithdrawView.as_view(), name="seeker_withdraw"),
    # Staff.
    path("manage/jobs/", views.PostingManageListView.as_view(), name="posting_manage_list"),
    path("manage/jobs/new/", views.PostingCreateView.as_view(), name="posting_create"),
    path("manage/jobs/<int:pk>/edit/", views.PostingUpdateView.as_view(), name="posting_update"),
    path(
        "manage/jobs/<int:pk>/withdraw/",
        views.PostingWithdrawView.as_view(),
        name="posting_withdraw",
    ),
    path("manage/jobs/seekers/", views.SeekerListView.as_view(), name="seeker_list"),
    path("manage/jobs/seekers/new/", views.SeekerCreateView.as_view(), name="seeker_create"),
    path("manage/jobs/seekers/<int:pk>/", views.SeekerDetailView.as_view(), name="seeker_detail"),
    path(
        "manage/jobs/seekers/<int:pk>/status/",
        views.SeekerStatusView.as_view(),
        name="seeker_status",
    ),
    path(
        "manage/jobs/seekers/<int:pk>/refer/",
        views.ReferralCreateView.as_view(),
        name="referral_create",
    ),
    path(
        "manage/jobs/referrals/<int:pk>/outcome/",
        views.ReferralOutcomeView.as_view(),
        name="referral_outcome",
    ),
    path("manage/jobs/report/", views.JobsMonthlyView.as_view(), name="jobs_monthly"),
]
