from django.urls import path

from activities.parts.clubs import views

urlpatterns = [
    # Public
    path("clubs/", views.ClubListView.as_view(), name="club_list"),
    path("clubs/<int:pk>/", views.ClubDetailView.as_view(), name="club_detail"),
    # Residents
    path("clubs/<int:pk>/join/", views.ClubJoinView.as_view(), name="club_join"),
    path("clubs/<int:pk>/leave/", views.ClubLeaveView.as_view(), name="club_leave"),
    # Staff
    path("manage/clubs/", views.ClubManageListView.as_view(), name="club_manage_list"),
    path("manage/clubs/new/", views.ClubCreateView.as_view(), name="club_create"),
    path("manage/clubs/<int:pk>/", views.ClubManageView.as_view(), name="club_manage"),
    path("manage/clubs/<int:pk>/edit/", views.ClubUpdateView.as_view(), name="club_update"),
    path(
        "manage/clubs/<int:pk>/members/add/",
        views.ClubMemberAddView.as_view(),
        name="club_member_add",
    ),
    path(
        "manage/club-members/<int:pk>/leave/",
        views.ClubMemberLeaveView.as_view(),
        name="club_member_leave",
    ),
    path(
        "manage/activities/<int:pk>/club/",
        views.ActivityClubView.as_view(),
        name="activity_club",
    ),
    path(
        "manage/book-shares/<int:pk>/edit/",
        views.BookShareUpdateView.as_view(),
        name="book_share_update",
    ),
    path(
        "manage/book-shares/<int:pk>/remove/",
        views.BookShareRemoveView.as_view(),
        name="book_share_remove",
    ),
]
