from django.urls import path

from services.views import stations as views

urlpatterns = [
    # Public
    path("services/", views.StationListView.as_view(), name="station_list"),
    path("services/stations/<int:pk>/", views.StationDetailView.as_view(), name="station_detail"),
    path("services/items/<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
    # Staff
    path("manage/services/", views.StationManageListView.as_view(), name="station_manage_list"),
    path("manage/services/stations/new/", views.StationCreateView.as_view(), name="station_create"),
    path(
        "manage/services/stations/<int:pk>/",
        views.StationManageView.as_view(),
        name="station_manage",
    ),
    path(
        "manage/services/stations/<int:pk>/edit/",
        views.StationUpdateView.as_view(),
        name="station_update",
    ),
    path(
        "manage/services/stations/<int:pk>/providers/new/",
        views.ProviderCreateView.as_view(),
        name="provider_create",
    ),
    path(
        "manage/services/providers/<int:pk>/edit/",
        views.ProviderUpdateView.as_view(),
        name="provider_update",
    ),
    path(
        "manage/services/providers/<int:pk>/items/new/",
        views.ItemCreateView.as_view(),
        name="item_create",
    ),
    path(
        "manage/services/items/<int:pk>/edit/", views.ItemUpdateView.as_view(), name="item_update"
    ),
]
