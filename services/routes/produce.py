from django.urls import path

from services.views import produce as views

urlpatterns = [
    # Residents
    path(
        "services/products/<int:pk>/reserve/",
        views.ReservationCreateView.as_view(),
        name="reservation_create",
    ),
    path("me/produce/", views.ReservationMineView.as_view(), name="reservation_mine"),
    path(
        "me/produce/<int:pk>/cancel/",
        views.ReservationCancelMineView.as_view(),
        name="reservation_cancel_mine",
    ),
    # Staff
    path("manage/services/products/new/", views.ProductCreateView.as_view(), name="product_create"),
    path(
        "manage/services/products/<int:pk>/edit/",
        views.ProductUpdateView.as_view(),
        name="product_update",
    ),
    path(
        "manage/services/products/<int:pk>/stock/",
        views.ProductRestockView.as_view(),
        name="product_restock",
    ),
    path(
        "manage/services/products/<int:pk>/reservations/",
        views.ReservationManageListView.as_view(per="product"),
        name="reservation_product_list",
    ),
    path(
        "manage/services/stations/<int:pk>/reservations/",
        views.ReservationManageListView.as_view(per="station"),
        name="reservation_station_list",
    ),
    path(
        "manage/services/reservations/<int:pk>/pickup/",
        views.ReservationPickupView.as_view(),
        name="reservation_pickup",
    ),
    path(
        "manage/services/reservations/<int:pk>/cancel/",
        views.ReservationCancelView.as_view(),
        name="reservation_cancel",
    ),
]
