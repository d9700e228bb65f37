from django.urls import path

from communities import views

app_name = "communities"

urlpatterns = [
    path("streets/", views.StreetListView.as_view(), name="street_list"),
    path("streets/<int:pk>/", views.StreetDetailView.as_view(), name="street_detail"),
    path("communities/<int:pk>/", views.CommunityDetailView.as_view(), name="community_detail"),
    path("accounts/register/", views.ResidentRegisterView.as_view(), name="resident_register"),
    # Staff workspace
    path("manage/communities/", views.CommunityListView.as_view(), name="community_list"),
    path(
        "manage/communities/<int:pk>/",
        views.CommunityManageView.as_view(),
        name="community_manage",
    ),
    path(
        "manage/communities/<int:pk>/edit/",
        views.CommunityUpdateView.as_view(),
        name="community_update",
    ),
    path(
        "manage/communities/<int:community_pk>/compounds/new/",
        views.CompoundCreateView.as_view(),
        name="compound_create",
    ),
    path(
        "manage/compounds/<int:pk>/edit/",
        views.CompoundUpdateView.as_view(),
        name="compound_update",
    ),
    path(
        "manage/communities/<int:community_pk>/residents/",
        views.ResidentListView.as_view(),
        name="resident_list",
    ),
    path("manage/streets/<int:pk>/edit/", views.StreetUpdateView.as_view(), name="street_update"),
]
